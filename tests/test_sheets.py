"""Printable action sheets: print pages, PDFs and packs, read back as a printer, a reader and a leak hunter would.

The sample is rendered once for the module (eight PDFs, in a process pool);
the other tests reuse those bytes, and render only a few small documents of
their own.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import jinja2
import pytest
import tinycss2
from pypdf import PdfReader

from conftest import REPO, SAMPLE_AS_OF, VALID_ACTION, read_back, site_files
from generator.build import TEMPLATES
from generator.leakscan import scan_files
from generator.load import Loaded, load
from generator.outputs import Cache, Context
from generator.outputs import pdf as pdf_module
from generator.outputs.headers import CSP
from generator.outputs.l10n import Formatter
from generator.outputs.markup import MarkupRenderer
from generator.outputs.pages import template_environment
from generator.outputs.pdf import PdfError, PdfJob, PdfMaker, render_pdf
from generator.outputs.sheets import Sheets

RIVER = "actions/river-guardians/river-guardians.pdf"
UNION = "actions/union-leader-guatemala/union-leader-guatemala.pdf"
CLOSED = "actions/journalist-detained/journalist-detained.pdf"      # not built: no PDF once closed
RESOLVED = "actions/land-defenders-released/land-defenders-released.pdf"
PACK = "actions/letter-writing-pack.pdf"
TOUR = "tours/voices-of-the-river/"
A4 = (595.28, 841.89)

EXPECTED_FILES = sorted([
    "actions/river-guardians/print/index.html", RIVER,
    "actions/union-leader-guatemala/print/index.html", UNION,
    "actions/journalist-detained/print/index.html",
    "actions/land-defenders-released/print/index.html",
    PACK,
    TOUR + "letter-writing-pack-vor-london.pdf",
    TOUR + "letter-writing-pack-voices-of-the-river-oslo-2026-12-08.pdf",
    TOUR + "letter-writing-pack-vor-online.pdf",
])


def make_sheets(loaded: Loaded, cache: Cache | None = None) -> Sheets:
    """A sheets renderer wired as the build wires it."""
    site = loaded.site
    markup = MarkupRenderer(site, loaded.project.media)
    env = template_environment(jinja2.FileSystemLoader(loaded.root / "theme" / TEMPLATES))
    return Sheets(Context(site, markup, env, Formatter(site.config.settings.language), cache))


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load(REPO, SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def rendered(loaded):
    cache = Cache.memory()
    sheets = make_sheets(loaded, cache)
    files = sheets.render()
    return SimpleNamespace(files=files, cache=cache, stats=sheets.stats, assets=sheets.assets())


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def text(data: bytes) -> str:
    return "\n".join(page_texts(data))


def flat(value: str) -> str:
    return " ".join(value.split())


def action(loaded, slug: str):
    return loaded.site.actions[slug]


# ------------------------------------------------------------------ what is made


def test_a_print_page_and_a_pdf_per_action_and_a_pack_per_stop_with_open_actions(rendered):
    assert sorted(rendered.files) == EXPECTED_FILES
    for path, data in rendered.files.items():
        if path.endswith(".pdf"):
            assert data.startswith(b"%PDF-1.7") and data.rstrip().endswith(b"%%EOF"), path


def test_links_from_action_pages_stops_and_the_actions_index(loaded, rendered):
    sheets = make_sheets(loaded)
    river = action(loaded, "river-guardians")
    assert [(link.url, link.label) for link in sheets.action_links(river)] == [
        ("actions/river-guardians/print/", "Print this action"),
        ("actions/river-guardians/river-guardians.pdf", "Download the action sheet (PDF)"),
    ]
    packs = {stop.uid: [link.url for link in sheets.stop_links(stop)] for stop in loaded.site.stops}
    assert packs == {
        "americas-listening-tour-new-york-2026-11-20": [],  # past
        "vor-london": [TOUR + "letter-writing-pack-vor-london.pdf"],
        "voices-of-the-river-oslo-2026-12-08": [TOUR + "letter-writing-pack-voices-of-the-river-oslo-2026-12-08.pdf"],
        "voices-of-the-river-berlin-2026-12-10": [],  # cancelled
        "vor-online": [TOUR + "letter-writing-pack-vor-online.pdf"],
        "voices-of-the-river-madrid-2026-12-14": [],  # features no action
        "ftr-toronto": [],  # its only action is closed
        "americas-listening-tour-mexico-city-2027-01-20": [],
        "ftr-glasgow": [],
    }
    assert [link.url for link in sheets.page_links("actions/")] == [PACK]
    assert sheets.page_links("tours/") == []
    every_link = [link.url for a in loaded.site.actions.values() for link in sheets.action_links(a)]
    every_link += [url for urls in packs.values() for url in urls] + [PACK]
    assert all(url.removesuffix("/") + ("/index.html" if url.endswith("/") else "") in rendered.files
               for url in every_link)


# ------------------------------------------------------------------ an open action


def test_open_sheet_fits_on_two_a4_pages(rendered):
    pdf = reader(rendered.files[RIVER])
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4


def test_open_sheet_text_has_everything_to_act_in_reading_order(loaded, rendered):
    meta = action(loaded, "river-guardians").meta
    pages = page_texts(rendered.files[RIVER])
    whole = "\n".join(pages)
    in_order = [
        "Accompany Sample Network",
        "sheet made on December 1, 2026",
        "UA-2026-031 · Colombia · issued November 10, 2026 · 2 updates (latest November 26, 2026)",
        "Protect the river guardians of San Ignacio",
        "Act by December 22, 2026",
        "Check online before sending: this action may have been updated or closed.",
        "https://accompany.example.org/actions/river-guardians/",
        "WHAT HAPPENED",
        "dredges mining for gold",
        "MEETING WITH THE OMBUDSMAN",
        "1. Write a polite letter in Spanish or English",
        "4. Tell us you wrote",
        "Write in: Spanish, English",
        "SEND YOUR APPEAL TO",
        "Dra. Ana Beltrán Ruiz (fictional)\nAttorney General\nFiscalía General de la Nación (sample)\n"
        "Avenida Calle 24 No. 52-01\nBogotá D.C.\nColombia",
        "Salutation: Dear Attorney General",
        "SEND COPIES TO",
        "Embassy of Colombia (sample)\n3 Example Street\nLondon SW1X 0AA\nUnited Kingdom",
        "Salutation: Your Excellency",
        "MODEL LETTER",
        "Dear Attorney General,",
        "Yours sincerely,",
        "Signature:",
    ]
    positions = [whole.find(needle) for needle in in_order]
    assert -1 not in positions, [n for n, p in zip(in_order, positions) if p == -1]
    assert positions == sorted(positions)
    for target in meta.targets + meta.copies:
        assert "\n".join(line.strip() for line in target.address.strip().splitlines()) in whole
    paragraphs = [flat(p).removeprefix("- ") for p in re.split(r"\n\s*\n|\n(?=- )", meta.letter) if p.strip()]
    assert len(paragraphs) == 7
    letter_page = flat(pages[1])
    assert all(p in letter_page for p in paragraphs), [p for p in paragraphs if p not in letter_page]
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]


def test_pdf_metadata_title_author_language_dates_and_tags(rendered):
    pdf = reader(rendered.files[RIVER])
    info = pdf.metadata
    assert info.title == "UA-2026-031: Protect the river guardians of San Ignacio"
    assert info.author == "Accompany Sample Network"
    assert info.subject.startswith("Leaders of a river community")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261201"
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part=\"1\"" in root["/Metadata"].get_data()


def test_fonts_are_the_shipped_ones_embedded_and_subset(rendered):
    for path in (RIVER, PACK):
        fonts = {}
        for page in reader(rendered.files[path]).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                fonts[font["/BaseFont"]] = descriptor["/FontFile2"].get_object()
        names = sorted(re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts)
        assert names == ["Sheet-Sans", "Sheet-Sans-Bold", "Sheet-Sans-Italic"], path
        assert all(re.match(r"^/[A-Z]{6}\+", name) for name in fonts)
        # Subset: each embedded font is a fraction of the 500 kB file it comes from.
        assert all(len(stream.get_data()) < 120_000 for stream in fonts.values())
    assert len(rendered.files[RIVER]) < 60_000


# ------------------------------------------------------------------ closed and resolved


@pytest.mark.parametrize("slug, pdf, says", [
    ("journalist-detained", CLOSED, ["CLOSED", "Do not send letters: late appeals can do harm."]),
    ("land-defenders-released", RESOLVED, ["RESOLVED: GOOD NEWS", "Do not send letters: this action is over.",
                                           "a judge dropped all charges and both defenders walked free"]),
])
def test_closed_and_resolved_sheets_say_so_without_letter_addresses_or_steps(loaded, rendered, slug, pdf, says):
    meta = action(loaded, slug).meta
    html = rendered.files[f"actions/{slug}/print/index.html"].decode()
    assert pdf not in rendered.files  # no PDF of an action that is over
    # What a volunteer gets who prints the print page (rendered here as the build would).
    printed = render_pdf(html, f"https://accompany.example.org/actions/{slug}/print/",
                         {url: str(path) for url, path in rendered.assets.items()})
    whole = text(printed)
    assert len(reader(printed).pages) == 1
    for needle in says:
        assert needle in flat(whole)
    assert meta.id in whole and f"This action online: https://accompany.example.org/actions/{slug}/" in flat(whole)
    assert "Check online before sending" not in whole and "QR code" not in html
    gone = ["MODEL LETTER", "SEND YOUR APPEAL TO", "Write in:", "Signature:"]
    country = {"journalist-detained": "Kenya", "land-defenders-released": "Guatemala"}[slug]  # also in the facts line
    gone += [line.strip() for c in meta.targets for line in c.address.strip().splitlines() if line.strip() != country]
    gone += [c.name for c in meta.targets if c.name] + [c.salutation for c in meta.targets if c.salutation]
    gone += [flat(meta.letter)[:40]] if meta.letter else []
    gone += list(meta.steps)
    assert [g for g in gone if g in whole] == []
    assert [g for g in gone if g.casefold() in html.casefold()] == []


# ------------------------------------------------------------------ nothing withheld, no photo


WITHHELD = ["CANARY", "Marisol Quintero Vargas", "Direct line of her chief of staff", "The venue received threats",
            "Meeting point with the community council", "+57 300 000 0000", "UA-2026-036", "UA-2026-037",
            "tomas-pending", "San Ignacio Community Council", "wanjiru.jpg", "river.jpg", "Portrait of Wanjiru"]


def test_nothing_withheld_or_private_in_any_sheet_or_its_metadata(rendered):
    leaks = []
    for path, data in rendered.files.items():
        haystack = read_back(path, data).casefold()  # pdftotext and pdfinfo, not the leak scanner's own reader
        leaks += [(path, needle) for needle in WITHHELD if needle.casefold() in haystack]
    assert leaks == []


def test_no_image_but_the_qr_code(rendered):
    for path, data in rendered.files.items():
        if path.endswith(".pdf"):
            pdf = reader(data)
            images = [name for page in pdf.pages for name, obj in page["/Resources"].get("/XObject", {}).items()
                      if obj.get_object().get("/Subtype") == "/Image"]
            assert images == [], path
        else:
            sources = re.findall(r'<img [^>]*src="([^"]*)"', data.decode())
            qr_codes = 1 if "sheet--open" in data.decode() else 0  # only an open action asks to check online
            assert len(sources) == qr_codes and all(s.startswith("data:image/svg+xml") for s in sources), path


def test_an_image_in_the_markdown_is_dropped_from_the_sheet(project):
    project.copy_sample("content/media/river.jpg")
    project.write("content/actions/a.md", VALID_ACTION.replace(
        "Body.", "Before.\n\n![The river](../media/river.jpg)\n\nAfter [a link](https://example.org/x)."))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded)
    html = sheets.document("sheet.html", "actions/a/print/index.html", action=loaded.site.actions["a"])
    assert "Before." in html and "After" in html and 'href="https://example.org/x"' in html
    assert "river.jpg" not in html and "The river" not in html
    assert html.count("<img ") == 1


# ------------------------------------------------------------------ the print page


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []
        self.meta: dict[str, str] = {}
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag in ("img", "script", "iframe", "source", "video", "audio", "embed", "object"):
            self.loads.append(attrs.get("src") or attrs.get("data") or "")
        if tag == "link":
            self.loads.append(attrs.get("href", ""))
            if attrs.get("rel") == "stylesheet":
                self.stylesheets.append(attrs["href"])
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("http-equiv") or "charset"] = attrs.get("content", "")


def test_print_page_is_standalone_with_print_css(rendered):
    page = _Page()
    page.feed(rendered.files["actions/river-guardians/print/index.html"].decode())
    assert {"script", "nav", "iframe", "form", "header"} & set(page.tags) == {"header"}  # the masthead only
    assert page.stylesheets == ["../../../assets/stylesheets/sheet.css"]
    assert all(url.startswith(("data:", "../")) for url in page.loads), page.loads
    assert page.meta["Content-Security-Policy"] == CSP and "default-src 'none'" in CSP
    assert page.meta["robots"] == "noindex"

    theme = REPO / "theme"
    rules = tinycss2.parse_stylesheet((theme / "assets/stylesheets/sheet.css").read_text(),
                                      skip_comments=True, skip_whitespace=True)
    pages = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "page"]
    every_page = [r for r in pages if not tinycss2.serialize(r.prelude).strip()]  # the others are named pages
    assert len(every_page) == 1 and "margin:" in tinycss2.serialize(every_page[0].content).replace(" ", "")
    assert "size" not in tinycss2.serialize(pages[0].content)  # the reader's paper: A4 or US Letter
    fonts = [tinycss2.serialize(r.content) for r in rules if r.type == "at-rule" and r.lower_at_keyword == "font-face"]
    urls = [u for f in fonts for u in re.findall(r'url\("([^"]+)"\)', f)]
    assert len(urls) == 6 and all(u.startswith("../fonts/") and (theme / "assets/fonts" / u[9:]).is_file() for u in urls)
    assert not re.search(r"@import|url\((?!\"\.\./fonts/)", (theme / "assets/stylesheets/sheet.css").read_text())
    unbreakable = {tinycss2.serialize(r.prelude).strip() for r in rules if r.type == "qualified-rule"
                   and "break-inside:avoid" in tinycss2.serialize(r.content).replace(" ", "")}
    assert {".address", ".letter", ".contact", ".letter-block"} <= unbreakable
    assert (theme / "assets/fonts/OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


def test_the_pdf_is_made_from_the_print_page_itself(rendered):
    html = rendered.files["actions/river-guardians/print/index.html"].decode()
    again = render_pdf(html, "https://accompany.example.org/actions/river-guardians/print/",
                       {url: str(path) for url, path in rendered.assets.items()})
    assert again == rendered.files[RIVER]


# ------------------------------------------------------------------ deterministic, cached, parallel


def test_same_bytes_in_another_process_with_another_hash_seed(rendered, tmp_path):
    job = tmp_path / "job.json"
    job.write_text(json.dumps({
        "html": rendered.files["actions/river-guardians/print/index.html"].decode(),
        "base": "https://accompany.example.org/actions/river-guardians/print/",
        "assets": {url: str(path) for url, path in rendered.assets.items()},
    }))
    script = ("import json, sys; from generator.outputs.pdf import render_pdf; j = json.load(open(sys.argv[1])); "
              "sys.stdout.buffer.write(render_pdf(j['html'], j['base'], j['assets']))")
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", script, str(job)], capture_output=True, env=env, check=True)
    assert out.stdout == rendered.files[RIVER]


def test_second_render_with_the_cache_makes_no_pdf(loaded, rendered):
    assert (rendered.stats.hits, rendered.stats.misses) == (0, 6)
    again = make_sheets(loaded, rendered.cache)
    files = again.render()
    assert (again.stats.hits, again.stats.misses) == (6, 0)
    assert files == rendered.files


def test_a_build_later_the_same_day_reuses_every_pdf(rendered):
    evening = load(REPO, datetime(2026, 12, 1, 18, 45, tzinfo=ZoneInfo("Europe/London")))
    again = make_sheets(evening, rendered.cache)
    assert again.render() == rendered.files
    assert again.stats.misses == 0


def test_a_changed_or_damaged_input_is_rendered_again(loaded, rendered):
    store: dict[str, bytes] = {}
    cache = Cache(store.get, store.__setitem__)
    sheets = make_sheets(loaded, cache)
    maker = PdfMaker(sheets.assets(), cache)
    jobs = {path: PdfJob(path, rendered.files[f"actions/{slug}/print/index.html"].decode(),
                         f"https://accompany.example.org/actions/{slug}/print/")
            for path, slug in ((RIVER, "river-guardians"), (UNION, "union-leader-guatemala"))}
    for path in jobs:  # as left by an earlier build
        store[maker.key(jobs[path])] = rendered.files[path]
    store[maker.key(jobs[UNION])] = b"%PDF-1.7 cut short"
    changed = PdfJob(RIVER, jobs[RIVER].html.replace("Colombia", "Kolumbien"), jobs[RIVER].base_url)
    files = maker.make([jobs[UNION], changed])
    assert sorted(maker.stats.rendered) == sorted([UNION, RIVER]) and maker.stats.hits == 0
    assert files[UNION] == rendered.files[UNION]
    assert "Kolumbien" in text(files[RIVER])
    assert maker.key(changed) in store and store[maker.key(jobs[UNION])] == rendered.files[UNION]


def test_without_a_process_pool_the_same_pdfs_are_made_one_by_one(rendered, monkeypatch):
    def no_pool(*args, **kwargs):
        raise OSError("no semaphores in this sandbox")

    monkeypatch.setattr(pdf_module, "ProcessPoolExecutor", no_pool)
    jobs = [PdfJob(path, rendered.files[f"actions/{slug}/print/index.html"].decode(),
                   f"https://accompany.example.org/actions/{slug}/print/")
            for path, slug in ((RIVER, "river-guardians"), (UNION, "union-leader-guatemala"))]
    maker = PdfMaker(rendered.assets, None, workers=4)
    assert maker.make(jobs) == {RIVER: rendered.files[RIVER], UNION: rendered.files[UNION]}
    assert maker.stats.misses == 2


def test_stylesheets_parsed_once_per_process_give_the_same_bytes(rendered, monkeypatch):
    html = rendered.files["actions/river-guardians/print/index.html"].decode()
    args = (html, "https://accompany.example.org/actions/river-guardians/print/",
            {url: str(path) for url, path in rendered.assets.items()})
    assert pdf_module._parsed_styles(pdf_module.weasyprint.HTML(string=html, base_url=args[1]), args[1], args[2])
    monkeypatch.setattr(pdf_module, "_parsed_styles", lambda *a: None)  # WeasyPrint loads the link itself
    assert render_pdf(*args) == rendered.files[RIVER]


def test_a_broken_pool_makes_the_same_pdfs_here(rendered, monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    class DeadPool:  # a worker was killed: every future fails
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, *args):
            future = Future()
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
            return future

        def shutdown(self, **kwargs):
            pass

    monkeypatch.setattr(pdf_module, "ProcessPoolExecutor", DeadPool)
    jobs = [PdfJob(path, rendered.files[f"actions/{slug}/print/index.html"].decode(),
                   f"https://accompany.example.org/actions/{slug}/print/")
            for path, slug in ((RIVER, "river-guardians"), (UNION, "union-leader-guatemala"))]
    maker = PdfMaker(rendered.assets, None, workers=2)
    assert maker.make(jobs) == {RIVER: rendered.files[RIVER], UNION: rendered.files[UNION]}


@pytest.mark.parametrize("tag", [
    '<img src="https://tracker.example/pixel.png" alt="">',
    '<link rel="stylesheet" href="https://cdn.example/x.css">',
    '<img src="file:///etc/passwd" alt="">',
])
def test_a_sheet_never_fetches_anything_but_its_own_assets(rendered, tag):
    html = f"<!DOCTYPE html><html lang=en><head><title>t</title>{tag}</head><body><p>x</p></body></html>"
    with pytest.raises(PdfError, match="not a sheet asset"):
        render_pdf(html, "https://accompany.example.org/x/", {url: str(p) for url, p in rendered.assets.items()})


# ------------------------------------------------------------------ packs


def test_letter_writing_pack_has_a_cover_an_index_and_every_open_action(rendered):
    pages = page_texts(rendered.files[PACK])
    assert len(pages) == 4  # cover, union leader (1 page), river guardians (2 pages)
    cover = pages[0]
    assert "Letter-writing pack" in cover and "Every open urgent action" in cover
    assert "2 open urgent actions · made on December 1, 2026" in cover
    assert "Check online before sending" in cover and "https://accompany.example.org/actions/" in cover
    rows = [line for line in cover.splitlines() if line.startswith("UA-")]
    assert rows == [
        "UA-2026-034 Union leader threatened after strike at banana plantation December 3, 2026 2",
        "UA-2026-031 Protect the river guardians of San Ignacio December 22, 2026 3",
    ]
    assert "UA-2026-034" in pages[1] and "Act by December 3, 2026" in pages[1]
    assert "UA-2026-031" in pages[2] and "Dear Attorney General," in pages[3]
    assert "UA-2026-031 · Accompany Sample Network Page 2 of 2" in pages[3]  # each sheet keeps its own numbers
    assert "Page 1 of" not in pages[0]  # the cover is not numbered on its own
    whole = "\n".join(pages)
    assert "UA-2026-019" not in whole and "UA-2026-012" not in whole  # closed, resolved
    info = reader(rendered.files[PACK]).metadata
    assert info.title == "Letter-writing pack: every open urgent action, December 1, 2026"
    assert info.author == "Accompany Sample Network"


def test_stop_pack_names_the_event_and_holds_its_open_actions(rendered):
    pages = page_texts(rendered.files[TOUR + "letter-writing-pack-voices-of-the-river-oslo-2026-12-08.pdf"])
    cover = pages[0]
    assert "Voices of the River: a European speaker tour" in cover
    assert "Tuesday, December 8, 2026" in cover and "Litteraturhuset (sample), Oslo, Norway" in cover
    assert [line.split()[0] for line in cover.splitlines() if line.startswith("UA-")] == ["UA-2026-034", "UA-2026-031"]
    london = page_texts(rendered.files[TOUR + "letter-writing-pack-vor-london.pdf"])
    assert len(london) == 3 and "UA-2026-031" in london[1] and "UA-2026-034" not in "\n".join(london)
    title = reader(rendered.files[TOUR + "letter-writing-pack-vor-london.pdf"]).metadata.title
    assert title == "Letter-writing pack: Voices of the River: a European speaker tour, London, December 5, 2026"


# ------------------------------------------------------------------ scripts and the leak scan


def test_devanagari_is_set_in_the_shipped_devanagari_font(project):
    project.write("content/actions/a.md", VALID_ACTION.replace("title: A valid action", "title: नदी रक्षकहरूलाई जोगाउनुहोस्")
                  .replace("country: CO", "country: NP\nlang: ne"))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded)
    html = sheets.document("sheet.html", "actions/a/print/index.html", action=loaded.site.actions["a"])
    data = render_pdf(html, "https://example.org/actions/a/print/", {u: str(p) for u, p in sheets.assets().items()})
    fonts = {font.get_object()["/BaseFont"][8:] for page in reader(data).pages
             for font in page["/Resources"]["/Font"].values()}
    assert "Sheet-Sans-Devanagari-Bold" in fonts  # the title
    assert 'lang="ne"' in html


def test_leak_scan_reads_pdf_text_and_metadata():
    secrets = {"Marisol Quintero Vargas": ("content/defenders/lucia.md", 30)}

    def pdf(title: str, body: str) -> bytes:
        html = f"<!DOCTYPE html><html lang=en><head><title>{title}</title></head><body><p>{body}</p></body></html>"
        return render_pdf(html, "https://example.org/", {})

    in_text = pdf("Clean", "Notes on marisol\nquintero   VARGAS.")
    in_title = pdf("About Marisol Quintero Vargas", "Clean.")
    assert b"Marisol" not in in_text and b"Marisol" not in in_title  # compressed: a byte scan would miss them
    problems = scan_files({"a.pdf": in_text, "b.pdf": in_title, "c.pdf": pdf("Clean", "Clean."),
                           "d.pdf": b"%PDF-1.7 not really"}, secrets, "site/")
    assert [(p.path, p.key, p.message.split(" (")[0]) for p in problems] == [
        ("content/defenders/lucia.md", "private.real_name", "this real name would be published in site/a.pdf: find and remove it"),
        ("content/defenders/lucia.md", "private.real_name", "this real name would be published in site/b.pdf: find and remove it"),
        ("d.pdf", "pdf", "cannot be read to check it for real names"),
    ]


def test_built_site_serves_sheets_fonts_and_links_to_them(sample_site):
    files = site_files(sample_site)
    assert set(EXPECTED_FILES) <= set(files)
    assert {"assets/stylesheets/sheet.css", "assets/fonts/NotoSans-Regular.ttf", "assets/fonts/OFL.txt"} <= set(files)
    page = files["actions/river-guardians/index.html"].decode()
    assert 'href="print/"' in page and 'href="river-guardians.pdf"' in page
    assert 'href="letter-writing-pack-vor-london.pdf"' in files["tours/voices-of-the-river/index.html"].decode()
    assert 'href="letter-writing-pack.pdf"' in files["actions/index.html"].decode()


def test_stop_packs_only_for_stops_within_pack_days(project):
    from generator.build import render
    from generator.load import load

    project.write("content/actions/a.md", VALID_ACTION)
    project.write("content/tours/t.md", """
        ---
        title: T
        summary: S
        stops:
          - id: soon
            starts: 2026-12-10T19:00
            city: Leeds
            actions: [UA-TEST-001]
          - id: later
            starts: 2027-01-30T19:00
            city: York
            actions: [UA-TEST-001]
        ---
        """)

    def packs():
        tree = render(load(project.root, SAMPLE_AS_OF))
        return sorted(p for p in tree.files if "letter-writing-pack-" in p)

    assert packs() == ["docs/tours/t/letter-writing-pack-soon.pdf"]
    settings = (project.root / "mkdocs.yml").read_text()
    project.write("mkdocs.yml", settings.replace("  language: en\n", "  language: en\n  pack_days: 90\n"))
    assert packs() == ["docs/tours/t/letter-writing-pack-later.pdf", "docs/tours/t/letter-writing-pack-soon.pdf"]

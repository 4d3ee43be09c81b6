"""Printable action sheets: print pages, PDFs and packs, read back as a printer, a reader and a leak hunter would.

The sample is rendered once for the module (six PDFs, set by Typst); the
other tests reuse those bytes, and make only a few small documents of their own.
The PDFs' own properties are tested in test_sheet_pdfs.py.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import jinja2
import pytest
import tinycss2
from pypdf import PdfReader

from conftest import REPO, SAMPLE_AS_OF, VALID_ACTION, read_back, site_files
from generator.build import TEMPLATES
from generator.load import Loaded, load
from generator.outputs import Cache, Context
from generator.outputs.headers import CSP
from generator.catalogs import SOURCE, formatter, translations
from generator.outputs.markup import MarkupRenderer, plain_text
from generator.outputs.pages import template_environment
from generator.outputs.sheets import Sheets
from generator.render import FONTS, read_fonts

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
    env = template_environment(jinja2.FileSystemLoader(loaded.root / "theme" / TEMPLATES), translations(SOURCE))
    fonts = read_fonts(loaded.root / "theme" / FONTS)
    return Sheets(Context(site, markup, env, formatter(site.config.settings.language), cache, fonts))


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load(REPO, SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def rendered(loaded):
    cache = Cache.memory()
    sheets = make_sheets(loaded, cache)
    files = sheets.render()
    return SimpleNamespace(files=files, cache=cache, stats=sheets.stats, fonts=sheets.fonts(), sheets=sheets)


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
    assert len(pdf.pages) == 2 and pdf.page_labels == ["1", "2"]
    for page in pdf.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    assert len(reader(rendered.files[UNION]).pages) == 1


def test_open_sheet_text_has_everything_to_act_in_reading_order(loaded, rendered):
    meta = action(loaded, "river-guardians").meta
    pages = page_texts(rendered.files[RIVER])
    whole = "\n".join(pages)
    in_order = [
        "Accompany Sample Network",
        "sheet made on December 1, 2026",
        "UA-2026-031 · Colombia · issued November 10, 2026 · 2 updates (latest November 26, 2026)",
        "Protect the river guardians of San Ignacio",
        "OPEN",
        "Act by December 22, 2026",
        "Check online before sending: this action may have been updated or closed.",
        "https://accompany.example.org/actions/river-guardians/",
        "Leaders of a river community",
        "WHAT HAPPENED",
        "dredges mining for gold",
        "(https://accompany.example.org/\ndefenders/san-ignacio-river-community/)",  # a link's address, for paper
        "LATEST UPDATE, NOVEMBER 26, 2026: MEETING WITH THE OMBUDSMAN",
        "WHAT TO DO",
        "1. Write a polite letter in Spanish or English",
        "before 22 December 2026.",
        "4. Tell us you wrote",
        "Write in: Spanish, English",
        "SEND YOUR APPEAL TO",
        "Dra. Ana Beltrán Ruiz (fictional)\nAttorney General\nFiscalía General de la Nación (sample)\n"
        "Avenida Calle 24 No. 52-01\nBogotá D.C.\nColombia",
        "Email: despacho@fiscalia.example.org",
        "Salutation: Dear Attorney General",
        "SEND COPIES TO",
        "Embassy of Colombia (sample)\n3 Example Street\nLondon SW1X 0AA\nUnited Kingdom",
        "Salutation: Your Excellency",
        "MODEL LETTER",
        "Date:",
        "Dear Attorney General,",
        "• order a prompt and impartial investigation",
        "Yours sincerely,",
        "Signature:",
        "Name:",
        "Address:",
    ]
    positions = [whole.find(needle) for needle in in_order]
    assert -1 not in positions, [n for n, p in zip(in_order, positions) if p == -1]
    assert positions == sorted(positions)
    for target in meta.targets + meta.copies:
        assert "\n".join(line.strip() for line in target.address.strip().splitlines()) in whole
    paragraphs = [flat(p).removeprefix("- ") for p in re.split(r"\n\s*\n|\n(?=- )", meta.letter) if p.strip()]
    assert len(paragraphs) == 7
    letter_page = flat(pages[1])
    assert pages[1].startswith("MODEL LETTER\nDate:")  # the letter is kept in one piece, on the next page
    assert all(p in letter_page for p in paragraphs), [p for p in paragraphs if p not in letter_page]
    assert pages[0].endswith("UA-2026-031 · Accompany Sample Network Page 1 of 2")
    assert pages[1].endswith("UA-2026-031 · Accompany Sample Network Page 2 of 2")


def _structure(pdf: PdfReader) -> list:
    """Every structure element, depth first: ``(type, its dictionary)``."""
    out = []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 60 or not hasattr(node, "get"):
            return
        if "/S" in node:
            out.append((node["/S"], node))
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid, depth + 1)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    return out


# ------------------------------------------------------------------ closed and resolved


@pytest.mark.parametrize("slug, pdf, says", [
    ("journalist-detained", CLOSED, ["Closed", "Please do not send letters now: late appeals can do harm."]),
    ("land-defenders-released", RESOLVED, ["Resolved: good news", "Please do not send further letters on this action.",
                                           "a judge dropped all charges and both defenders walked free"]),
])
def test_closed_and_resolved_sheets_say_so_without_letter_addresses_or_steps(loaded, rendered, slug, pdf, says):
    meta = action(loaded, slug).meta
    html = rendered.files[f"actions/{slug}/print/index.html"].decode()
    assert pdf not in rendered.files  # no PDF of an action that is over
    assert [path for path in rendered.files if path.startswith(f"actions/{slug}/") and path.endswith(".pdf")] == []
    assert all(meta.id not in text(data) for path, data in rendered.files.items() if path.endswith(".pdf"))
    # What a volunteer gets who prints the print page: its text.
    whole = plain_text(html[html.index("<body>"):])
    for needle in says:
        assert needle in flat(whole)
    assert meta.id in whole and f"This action online: https://accompany.example.org/actions/{slug}/" in flat(whole)
    assert "Check online before sending" not in whole and "QR code" not in html
    gone = ["Model letter", "Send your appeal to", "Write in:", "Signature:"]
    country = {"journalist-detained": "Kenya", "land-defenders-released": "Guatemala"}[slug]  # also in the facts line
    gone += [line.strip() for c in meta.targets for line in c.address.strip().splitlines() if line.strip() != country]
    gone += [c.name for c in meta.targets if c.name] + [c.salutation for c in meta.targets if c.salutation]
    gone += [flat(meta.letter)[:40]] if meta.letter else []
    gone += list(meta.steps)
    assert [g for g in gone if g.casefold() in html.casefold()] == []


def test_a_pdf_is_made_only_of_an_open_action(loaded, rendered):
    with pytest.raises(ValueError, match="only while an action is open"):
        rendered.sheets.typst_document("sheet.typ", action=action(loaded, "journalist-detained"))


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
            figures = [kind for kind, _ in _structure(pdf) if kind == "/Figure"]
            assert len(figures) == (1 if path.startswith("actions/") and path != PACK else len(figures)), path
        else:
            sources = re.findall(r'<img [^>]*src="([^"]*)"', data.decode())
            qr_codes = 1 if "sheet--open" in data.decode() else 0  # only an open action asks to check online
            assert len(sources) == qr_codes and all(s.startswith("data:image/svg+xml") for s in sources), path
    assert len([k for k, _ in _structure(reader(rendered.files[PACK])) if k == "/Figure"]) == 3  # cover + 2 sheets


def test_an_image_in_the_markdown_is_dropped_from_the_sheet(project):
    project.copy_sample("content/media/river.jpg")
    project.write("content/actions/a.md", VALID_ACTION.replace(
        "Body.", "Before.\n\n![The river](../media/river.jpg)\n\nAfter [a link](https://example.org/x)."))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded)
    a = loaded.site.actions["a"]
    html = sheets.document("sheet.html", "actions/a/print/index.html", action=a)
    assert "Before." in html and "After" in html and 'href="https://example.org/x"' in html
    assert "river.jpg" not in html and "The river" not in html
    assert html.count("<img ") == 1
    source = sheets.typst_document("sheet.typ", action=a)
    assert "river.jpg" not in source and "The river" not in source and source.count("image(") == 1
    data = sheets.render()[sheets.pdf_url(a)]
    assert "Before.\nAfter a link (https://example.org/x)." in text(data)


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
    # The masthead, and on screen only (sheet.css) the way back and the print button, which our own script shows.
    assert {"script", "nav", "iframe", "form", "header"} & set(page.tags) == {"header", "nav", "script"}
    assert page.tags.count("script") == 1 and "../../../assets/javascripts/accompany.js" in page.loads
    assert page.stylesheets == ["../../../assets/stylesheets/sheet.css"]
    assert all(url.startswith(("data:", "../")) for url in page.loads), page.loads
    assert page.meta["Content-Security-Policy"] == CSP and "default-src 'none'" in CSP
    assert page.meta["robots"] == "noindex"

    theme = REPO / "theme"
    rules = tinycss2.parse_stylesheet((theme / "assets/stylesheets/sheet.css").read_text(),
                                      skip_comments=True, skip_whitespace=True)
    pages = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "page"]
    assert len(pages) == 1 and "margin:" in tinycss2.serialize(pages[0].content).replace(" ", "")
    assert "size" not in tinycss2.serialize(pages[0].content)  # the reader's paper: A4 or US Letter
    fonts = [tinycss2.serialize(r.content) for r in rules if r.type == "at-rule" and r.lower_at_keyword == "font-face"]
    urls = [u for f in fonts for u in re.findall(r'url\("([^"]+)"\)', f)]
    assert len(urls) == 6 and all(u.startswith("../fonts/") and (theme / "assets/fonts" / u[9:]).is_file() for u in urls)
    assert not re.search(r"@import|url\((?!\"\.\./fonts/)", (theme / "assets/stylesheets/sheet.css").read_text())
    unbreakable = {tinycss2.serialize(r.prelude).strip() for r in rules if r.type == "qualified-rule"
                   and "break-inside:avoid" in tinycss2.serialize(r.content).replace(" ", "")}
    assert {".address", ".letter", ".contact", ".letter-block"} <= unbreakable
    assert (theme / "assets/fonts/OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


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

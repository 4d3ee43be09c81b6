"""The PDFs themselves, set by Typst: tagged and described, deterministic, cached, packs numbered as one
document, any script the fonts have, hostile text shown as text, and found by the leak scan.

Reuses the sample rendered once by test_sheets.py's fixtures (imported here: pytest renders it once more for
this module).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from conftest import REPO, SAMPLE_AS_OF, VALID_ACTION
from generator.leakscan import scan_files
from generator.load import load
from generator.outputs import Cache
from generator.outputs.pdf import PdfJob, PdfMaker
from generator.pdftext import page_text
from generator.render import read_fonts
from test_sheets import (A4, PACK, RIVER, TOUR, UNION, _structure, flat, loaded, make_sheets, page_texts,  # noqa: F401
                         reader, rendered, text)


# ------------------------------------------------------------------ described and tagged


class _Text(HTMLParser):
    """The words of an HTML page's body, as a reader sees them."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("head", "script", "style", "nav")  # nav: the print page's screen-only tools

    def handle_endtag(self, tag):
        self.skip -= tag in ("head", "script", "style", "nav")

    def handle_data(self, data):
        if not self.skip:
            self.words += data.split()


def test_the_pdf_says_what_the_print_page_says(rendered):
    """Same content as the print page (sheet.html, for browsers): every word, in the same order."""
    for slug in ("river-guardians", "union-leader-guatemala"):
        page = _Text()
        page.feed(rendered.files[f"actions/{slug}/print/index.html"].decode())
        pdf = flat(" ".join(page_texts(rendered.files[f"actions/{slug}/{slug}.pdf"]))).casefold()
        pdf = pdf.replace("- ", "-")  # words the PDF broke at a hyphen at the end of a line
        position = 0
        for word in page.words:
            found = pdf.find(word.casefold(), position)
            assert found != -1, (slug, word, pdf[position:position + 200])
            position = found + len(word)


def test_pdf_metadata_title_author_language_dates_and_tags(rendered):
    for path in (RIVER, PACK):
        pdf = reader(rendered.files[path])
        info = pdf.metadata
        assert info.author == "Accompany Sample Network"
        assert info["/CreationDate"] == info["/ModDate"] == "D:20261201000000Z"  # the build's day, not the clock
        root = pdf.trailer["/Root"]
        assert root["/Lang"] == "en"
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert b"<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_data()
    info = reader(rendered.files[RIVER]).metadata
    assert info.title == "UA-2026-031: Protect the river guardians of San Ignacio"
    assert info.subject.startswith("Leaders of a river community")


def test_the_structure_has_headings_lists_and_the_qr_code_with_its_alt_text(rendered):
    structure = _structure(reader(rendered.files[RIVER]))
    kinds = [kind for kind, _ in structure]
    assert kinds.count("/H1") == 1 and kinds.count("/H2") == 6  # what happened ... model letter
    assert {"/P", "/L", "/LI", "/Lbl", "/LBody", "/Link", "/Figure"} <= set(kinds)
    figures = [node.get("/Alt") for kind, node in structure if kind == "/Figure"]
    assert figures == ["QR code of https://accompany.example.org/actions/river-guardians/"]


def test_fonts_are_the_shipped_ones_embedded_and_subset(rendered):
    shipped = {path.stem for path in rendered.fonts.folder.glob("*.ttf")}
    for path in (RIVER, PACK):
        fonts = {}
        for page in reader(rendered.files[path]).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                fonts[font["/BaseFont"]] = descriptor["/FontFile2"].get_object()
        names = sorted(re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts)
        assert names == ["NotoSans-Bold", "NotoSans-Italic", "NotoSans-Regular"], path
        assert set(names) <= shipped
        assert all(re.match(r"^/[A-Z]{6}\+", name) for name in fonts)
        # Subset: each embedded font is a fraction of the 500 kB file it comes from.
        assert all(len(stream.get_data()) < 120_000 for stream in fonts.values())
    assert len(rendered.files[RIVER]) < 80_000


# ------------------------------------------------------------------ hostile text


def test_a_hostile_letter_is_printed_as_it_is(project):
    hostile = ('Dear Minister, #import "@preview/cetz:0.3.0": * and #read("/etc/passwd") and $x^2$ \\\\ ] [ @ref '
               '&lt;label&gt; #let x = 1 #{1 + 1} #pagebreak() ~ -- // */')
    project.write("content/actions/a.md", VALID_ACTION.replace("Dear Minister, please act.", hostile)
                  .replace("title: A valid action", 'title: "Title ] #set page(paper: \\"a0\\") $ @ref"'))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded)
    data = sheets.render()["actions/a/a.pdf"]
    whole = flat(text(data))
    assert 'Title ] #set page(paper: "a0") $ @ref' in whole
    expected = flat(hostile.replace("\\\\", "\\").replace("&lt;label&gt;", "<label>"))
    assert expected in whole, whole
    pdf = reader(data)
    assert len(pdf.pages) == 1 and (round(float(pdf.pages[0].mediabox.width), 2)) == A4[0]
    assert "root:" not in whole  # nothing was read


# ------------------------------------------------------------------ deterministic, cached


def test_same_bytes_in_another_process_with_another_hash_seed(rendered, tmp_path):
    job = tmp_path / "job.json"
    source = rendered.sheets.typst_document("sheet.typ", action=rendered.sheets.ctx.site.actions["river-guardians"])
    job.write_text(json.dumps({"source": source, "fonts": str(rendered.fonts.folder)}))
    script = ("import json, sys; from datetime import date; from pathlib import Path; "
              "from generator.outputs.pdf import Typesetter; from generator.render import read_fonts; "
              "j = json.load(open(sys.argv[1])); "
              "sys.stdout.buffer.write(Typesetter(read_fonts(Path(j['fonts']))).compile(j['source'], date(2026, 12, 1))[0])")
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", script, str(job)], capture_output=True, env=env, check=True)
    assert out.stdout == rendered.files[RIVER]


def test_the_same_sheets_again_give_the_same_bytes(loaded, rendered):
    again = make_sheets(loaded).render()
    assert again == rendered.files


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


def test_the_next_day_every_pdf_is_made_again_with_its_date(rendered):
    tomorrow = load(REPO, datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    again = make_sheets(tomorrow, rendered.cache)
    files = again.render()
    assert again.stats.hits == 0
    assert reader(files[RIVER]).metadata["/CreationDate"] == "D:20261202000000Z"
    assert "sheet made on December 2, 2026" in text(files[RIVER])


def test_a_changed_or_damaged_input_is_rendered_again(loaded, rendered):
    store: dict[str, bytes] = {}
    cache = Cache(store.get, store.__setitem__)
    sheets = make_sheets(loaded, cache)
    maker = PdfMaker(sheets.fonts(), cache)
    site = loaded.site
    jobs = {path: PdfJob(path, sheets.typst_document("sheet.typ", action=site.actions[slug]), site.today)
            for path, slug in ((RIVER, "river-guardians"), (UNION, "union-leader-guatemala"))}
    for path in jobs:  # as left by an earlier build
        store[maker.key(jobs[path])] = rendered.files[path]
    store[maker.key(jobs[UNION])] = b"%PDF-1.7 cut short"
    changed = PdfJob(RIVER, jobs[RIVER].source.replace('"Colombia"', '"Kolumbien"'), site.today)
    files = maker.make([jobs[UNION], changed])
    assert sorted(maker.stats.rendered) == sorted([UNION, RIVER]) and maker.stats.hits == 0
    assert files[UNION] == rendered.files[UNION]
    assert "Kolumbien" in text(files[RIVER])
    assert maker.key(changed) in store and store[maker.key(jobs[UNION])] == rendered.files[UNION]


def test_the_cache_key_covers_the_fonts(loaded, tmp_path):
    import shutil

    fonts = tmp_path / "fonts"
    shutil.copytree(REPO / "theme/assets/fonts", fonts)
    job = PdfJob("x.pdf", '#set document(title: "t")\nx', loaded.site.today)
    before = PdfMaker(read_fonts(fonts)).key(job)
    (fonts / "NotoSans-Regular.ttf").write_bytes((fonts / "NotoSans-Bold.ttf").read_bytes())
    assert PdfMaker(read_fonts(fonts)).key(job) != before


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
    whole = "\n".join(pages)
    assert "UA-2026-019" not in whole and "UA-2026-012" not in whole  # closed, resolved
    info = reader(rendered.files[PACK]).metadata
    assert info.title == "Letter-writing pack: every open urgent action, December 1, 2026"
    assert info.author == "Accompany Sample Network"


@pytest.mark.parametrize("path", [PACK, TOUR + "letter-writing-pack-vor-london.pdf",
                                  TOUR + "letter-writing-pack-voices-of-the-river-oslo-2026-12-08.pdf"])
def test_a_pack_is_numbered_as_one_document_and_its_index_agrees(rendered, path):
    pdf = reader(rendered.files[path])
    pages = page_texts(rendered.files[path])
    total = len(pages)
    assert pdf.page_labels == [str(n) for n in range(1, total + 1)]
    footers = [page.splitlines()[-1] for page in pages]
    assert footers[0] == f"Letter-writing pack · Accompany Sample Network Page 1 of {total}"
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"Page {number} of {total}")
    index = {line.split()[0]: int(line.split()[-1]) for line in pages[0].splitlines() if line.startswith("UA-")}
    assert index
    for sheet_id, first in index.items():
        assert footers[first - 1] == f"{sheet_id} · Accompany Sample Network Page {first} of {total}"
        assert pages[first - 1].splitlines()[1].startswith(sheet_id)  # the sheet starts there: its facts line
        assert first == 2 or sheet_id not in pages[first - 2].splitlines()[1]


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


# ------------------------------------------------------------------ scripts, fonts and the leak scan


NEPALI = "नदी रक्षकहरूलाई जोगाउनुहोस्"


def test_devanagari_is_set_in_the_shipped_devanagari_font_and_reads_back(project):
    project.write("content/actions/a.md", VALID_ACTION.replace("title: A valid action", f"title: {NEPALI}")
                  .replace("country: CO", "country: NP\nlang: ne"))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded)
    html = sheets.document("sheet.html", "actions/a/print/index.html", action=loaded.site.actions["a"])
    assert 'lang="ne"' in html
    files = sheets.render()
    data = files["actions/a/a.pdf"]
    pdf = reader(data)
    fonts = {font.get_object()["/BaseFont"][8:] for page in pdf.pages for font in page["/Resources"]["/Font"].values()}
    assert "NotoSansDevanagari-Bold" in fonts  # the title
    assert NEPALI in flat(page_text(pdf.pages[0]))  # shaped, and its text given whole (/ActualText)
    assert pdf.metadata.title == f"UA-TEST-001: {NEPALI}"
    assert any(node.get("/Lang") == "ne" for _, node in _structure(pdf))  # the sheet's language
    assert pdf.trailer["/Root"]["/Lang"] == "en"  # the site's
    assert sheets.stats.warnings == []
    assert NEPALI in flat(page_text(reader(files[PACK]).pages[1]))


def test_characters_the_fonts_lack_print_as_boxes_with_a_warning_never_from_system_fonts(project):
    project.write("content/actions/a.md", VALID_ACTION.replace("name: The Minister", "name: 部长 The Minister"))
    loaded = load(project.root, SAMPLE_AS_OF)
    sheets = make_sheets(loaded, Cache.memory())
    data = sheets.render()["actions/a/a.pdf"]
    assert sheets.stats.warnings and sheets.stats.warnings[0].startswith(
        "actions/a/a.pdf: made without the PDF/UA-1 claim: the text `\"部\"` could not be displayed")
    pdf = reader(data)
    assert "The Minister" in text(data) and bool(pdf.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert b"pdfuaid" not in pdf.trailer["/Root"]["/Metadata"].get_data()
    fonts = {font.get_object()["/BaseFont"][8:] for page in pdf.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts <= {path.stem for path in sheets.fonts().folder.glob("*.ttf")}
    cache = sheets.ctx.cache
    again = make_sheets(loaded, cache)
    again.render()
    assert again.stats.misses == 0 and len(again.stats.warnings) == 2  # the sheet and the pack, from the cache too


def test_leak_scan_finds_a_real_name_in_a_typst_pdf(project):
    name, nepali = "Marisol Quintero Vargas", "मारिसोल क्विन्टेरो"
    secrets = {name: ("content/defenders/lucia.md", 30), nepali: ("content/defenders/lucia.md", 31)}
    project.write("content/actions/a.md", VALID_ACTION.replace("Body.", "Notes on marisol\nquintero   VARGAS."))
    project.write("content/actions/b.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-002")
                  .replace("title: A valid action", f"title: About {name}"))
    project.write("content/actions/c.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-003")
                  .replace("Body.", f"लेख {nepali} बारे।").replace("country: CO", "country: NP\nlang: ne"))
    project.write("content/actions/d.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-004"))
    sheets = make_sheets(load(project.root, SAMPLE_AS_OF))
    files = {path: data for path, data in sheets.render().items() if path.endswith(".pdf") and path != PACK}
    assert b"marisol" not in files["actions/a/a.pdf"]  # compressed: a byte scan would miss it
    files["e.pdf"] = b"%PDF-1.7 not really"
    problems = scan_files(files, secrets, "site/")
    assert [(p.path, p.line, p.key, p.message.split(" (")[0]) for p in problems] == [
        ("content/defenders/lucia.md", 30, "private.real_name", "this real name would be published in site/actions/a/a.pdf: find and remove it"),
        ("content/defenders/lucia.md", 30, "private.real_name", "this real name would be published in site/actions/b/b.pdf: find and remove it"),
        ("content/defenders/lucia.md", 31, "private.real_name", "this real name would be published in site/actions/c/c.pdf: find and remove it"),
        ("e.pdf", 0, "pdf", "cannot be read to check it for real names"),
    ]


def test_the_build_says_which_pdf_could_not_be_made_accessible_and_still_publishes_it(project):
    project.write("content/actions/a.md", VALID_ACTION.replace("name: The Minister", "name: 部长 The Minister"))
    for attempt in range(2):  # the second build takes the PDFs from its cache, and says it again
        code, out, err = project.cli("build", "--as-of", "2026-12-01")
        assert code == 0, err
        warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
        assert [w.split(":")[1].strip() for w in warnings] == ["actions/a/a.pdf", "actions/letter-writing-pack.pdf"]
        assert "could not be displayed" in warnings[0] and "prints as an empty box" in warnings[0]
    assert "The Minister" in text((project.root / "site/actions/a/a.pdf").read_bytes())


def test_a_letter_longer_than_a_page_breaks_and_loses_nothing(project):
    paragraphs = [f"Paragraph {n}: " + "we urge you to protect the defenders of the river. " * 6 for n in range(40)]
    targets = "".join(f"  - name: Official {n}\n    address: |\n      {n} Long Street\n      Capital\n" for n in range(12))
    action_text = VALID_ACTION.replace("letter: |\n  Dear Minister, please act.\n",
                                       "letter: |\n" + "".join(f"  {p}\n\n" for p in paragraphs))
    action_text = action_text.replace(
        "targets:\n  - name: The Minister\n    address: |\n      1 Street\n      City\n    salutation: Dear Minister\n",
        "targets:\n" + targets)
    project.write("content/actions/a.md", action_text)
    sheets = make_sheets(load(project.root, SAMPLE_AS_OF))
    data = sheets.render()["actions/a/a.pdf"]
    pages = page_texts(data)
    whole = flat(" ".join(page.rsplit("\n", 1)[0] for page in pages))  # without the footers
    assert all(flat(p) in whole for p in paragraphs), [p[:12] for p in paragraphs if flat(p) not in whole]
    assert all(f"Official {n} {n} Long Street Capital" in whole for n in range(12))
    assert "Signature:" in pages[-1] and len(pages) >= 3
    assert all(page.endswith(f"Page {i} of {len(pages)}") for i, page in enumerate(pages, start=1))

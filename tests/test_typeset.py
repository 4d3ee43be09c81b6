"""Volunteers' text in Typst: only ever text. Compiled by Typst and read back from the PDF.

Each test compiles a small document with the shipped fonts (a few
milliseconds) and reads the PDF back with pypdf, so that what is asserted is
what a reader gets, not the source.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from pypdf import PdfReader

from conftest import REPO
from generator.outputs.pdf import PdfError, Typesetter
from generator.render import read_fonts
from generator.outputs.typeset import from_html, string, text
from generator.pdftext import page_text

FONTS = REPO / "theme" / "assets" / "fonts"
PREAMBLE = ('#set document(title: "t")\n#set text(font: ("Noto Sans", "Noto Sans Devanagari"), lang: "en")\n'
            '#set page(paper: "a4")\n')


@pytest.fixture(scope="module")
def typesetter() -> Typesetter:
    return Typesetter(read_fonts(FONTS))


def pdf_of(typesetter: Typesetter, body: str) -> PdfReader:
    data, why = typesetter.compile(PREAMBLE + body, date(2026, 12, 1))
    assert why == ""
    return PdfReader(io.BytesIO(data))


def read(typesetter: Typesetter, body: str) -> str:
    return "\n".join(page.extract_text() for page in pdf_of(typesetter, body).pages)


HOSTILE = ['#import "@preview/cetz:0.3.0": *', '#read("/etc/passwd")', "$x^2$", "\\", "]", "[", "@ref",
           "<label>", '#let x = 1', "*not bold*", "_not emph_", "= not a heading", "- not a list", "`raw`",
           '"quoted"', "https://example.org/x", "#{1 + 1}", "// not a comment", "/* nor this */", "~", "--", "...",
           "\\u{41}", "#set page(paper: \"a0\")", "#pagebreak()", "#place(top)[x]", "#\"", ";.len()"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_any_text_is_shown_as_it_is_in_markup_and_in_code(typesetter, hostile):
    shown = read(typesetter, f"{text(hostile)}\n\n#strong({string(hostile)})\n\n#link(\"https://example.org\")[{text('x ' + hostile)}]")
    lines = [line.strip() for line in shown.splitlines()]
    assert lines == [hostile.strip(), hostile.strip(), ("x " + hostile).strip()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F, categories=("L", "N", "P", "S", "Zs")),
               min_size=1, max_size=40))
@example("_J")  # pypdf reads a space between glyphs set close ("_ J"): spaces are the reader's guess, not the text
def test_every_string_compiles_to_itself(typesetter, value):
    data, _ = typesetter.compile(PREAMBLE + str(text(value)), date(2026, 12, 1))
    shown = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert shown == "".join(value.split())  # nothing ran, nothing was styled, nothing was left out


def test_html_becomes_paragraphs_emphasis_lists_links_breaks_headings_quotes(typesetter):
    html = ('<p>First <em>emphasised</em> and <strong>strong</strong>, <a href="https://example.org/a">a link</a>.</p>\n'
            '<p>Line one<br>\nline two</p>\n<h3>A heading</h3>\n<ul>\n<li>one</li>\n<li>two <em>2</em></li>\n</ul>\n'
            '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n<blockquote>\n<p>Quoted words.</p>\n</blockquote>\n'
            '<p>Before <img src="https://example.org/river.jpg" alt="The river"> after.</p>')
    source = from_html(html, show_urls=True, heading=1)
    pdf = pdf_of(typesetter, source)
    shown = pdf.pages[0].extract_text()
    assert shown.splitlines() == [
        "First emphasised and strong, a link (https://example.org/a).",
        "Line one", "line two",
        "A heading",
        "• one", "• two 2",
        "3. three", "4. four",
        "Quoted words.",
        "Before after.",
    ]
    assert "river.jpg" not in source and "The river" not in source
    fonts = {f.get_object()["/BaseFont"][8:] for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {"NotoSans-Regular", "NotoSans-Italic", "NotoSans-Bold"}
    links = [a.get_object()["/A"]["/URI"] for a in pdf.pages[0]["/Annots"]]
    assert links == ["https://example.org/a"]
    tags = _tags(pdf)
    assert {"/P", "/H1", "/L", "/LI", "/Link", "/BlockQuote"} <= tags


def test_heading_levels_never_skip(typesetter):
    source = from_html("<h4>Deep first</h4><p>a</p><h2>Top</h2><h6>Very deep</h6><h3>Below</h3>", heading=2)
    assert [int(level) for level in re.findall(r"heading\(level: (\d)\)", source)] == [2, 2, 3, 3]
    pdf = pdf_of(typesetter, "#heading(level: 1)[Title]\n\n" + source)  # PDF/UA-1 would refuse a skip
    assert {"/H1", "/H2", "/H3"} <= _tags(pdf)


def _tags(pdf: PdfReader) -> set[str]:
    found: set[str] = set()

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 40 or not hasattr(node, "get"):
            return
        if "/S" in node:
            found.add(node["/S"])
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid, depth + 1)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_white_space_collapses_as_in_html(typesetter):
    source = from_html("<p>  a   lot\n of   <em> space </em>  here  </p>\n\n<p>\n</p>")
    assert read(typesetter, source) == "a lot of space here"


def test_tables_and_languages(typesetter):
    source = from_html('<table><thead><tr><th>Name</th><th>Role</th></tr></thead>'
                       '<tbody><tr><td>Ana</td><td lang="es">Fiscal</td></tr></tbody></table>'
                       '<p lang="ne">नदी रक्षकहरूलाई जोगाउनुहोस्</p>')
    pdf = pdf_of(typesetter, source)
    assert page_text(pdf.pages[0]).split() == ["Name", "Role", "Ana", "Fiscal", "नदी", "रक्षकहरूलाई", "जोगाउनुहोस्"]
    assert "/Table" in _tags(pdf) and "/TH" in _tags(pdf)
    assert '#text(lang: "es", region: "CO")[' in from_html('<p lang="es-CO">Hola</p>')
    assert from_html('<p lang="x; #read()">Hola</p>') == '#"Hola";'  # not a language tag: no language


def test_a_document_cannot_read_a_file_or_load_a_package(typesetter):
    """Were Typst code ever to run, it could read nothing but the fonts folder (its root)."""
    refused = {
        '#read("/etc/passwd")': f"file not found (searched at {FONTS}/etc/passwd)",
        '#read("../../../../etc/passwd")': "would escape the project root",
        '#import "@local/x:0.1.0": *': "package not found",
    }
    for code, message in refused.items():
        with pytest.raises(PdfError, match=re.escape(message)):
            typesetter.compile(PREAMBLE + code, date(2026, 12, 1))


def test_the_only_fonts_are_the_shipped_ones(typesetter):
    """Not the system's, not those built into Typst: the same PDF on any machine."""
    assert typesetter.families == ["Noto Sans", "Noto Sans Devanagari"]
    pdf = pdf_of(typesetter, '#set text(font: "DejaVu Sans Mono")\n#"Hello";\n\n#raw("code")')
    fonts = {f.get_object()["/BaseFont"][8:] for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert fonts <= {path.stem for path in FONTS.glob("*.ttf")}


def test_the_templates_load_nothing():
    for path in sorted((REPO / "theme" / "accompany").glob("*.typ")):
        source = path.read_text()
        for needle in ("#import", "#include", "read(", "json(", "yaml(", "csv(", "toml(", "xml(", "cbor(", 'image("',
                       "@preview", "plugin(", "datetime.today", "sys.inputs"):
            assert needle not in source, (path.name, needle)

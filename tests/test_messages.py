"""accompany's words go through the catalog: catalogs loaded from .po, templates that write no word
of their own, a template (.pot) that has every message of the sources, and the English catalog
that changes no byte.

The sample built with a pseudo-translation is in test_pseudo_translation.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations
from jinja2 import nodes

from conftest import REPO, SAMPLE_AS_OF
from generator import catalogs
from generator.build import TEMPLATES, render
from generator.load import load
from generator.catalogs import SOURCE, formatter, translations
from generator.outputs.pages import template_environment
from generator.outputs.typeset import typst_environment

THEME = REPO / "theme" / TEMPLATES
MESSAGES = [sys.executable, str(REPO / "scripts" / "messages.py")]
#: Attributes whose values readers get (screen readers, tooltips, search results).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
#: String constants of templates that look like words but are not said to readers.
NOT_WORDS = {"Regular", "Bold", "Italic"}  # the faces of the fonts the print page preloads
GETTEXT = {"_", "gettext", "ngettext"}
PLACE = "\x00"  # where a template prints a value or a message


# ---------------------------------------------------------------- catalogs

@pytest.fixture
def locale(tmp_path, monkeypatch):
    """A copy of the catalogs in use instead of the shipped ones: ``(folder, the English .po)``."""
    folder = tmp_path / "locale"
    shutil.copytree(catalogs.FOLDER, folder)
    monkeypatch.setattr(catalogs, "FOLDER", folder)
    catalogs._read.cache_clear()
    catalogs._compiled.cache_clear()
    yield folder, folder / "en" / "LC_MESSAGES" / "accompany.po"
    catalogs._read.cache_clear()
    catalogs._compiled.cache_clear()


def test_catalogs_are_read_from_po_files_and_none_is_compiled_in_the_repository():
    assert catalogs.languages() == ["de", "en", "es", "fr", "ne", "sw"]
    assert not list(catalogs.FOLDER.rglob("*.mo"))
    assert catalogs.translations("en").gettext("Act by %(date)s") == "Act by %(date)s"


def test_a_language_without_a_catalog_is_written_in_english_and_says_so(locale):
    folder, english = locale
    assert catalogs.translations("it") is catalogs.translations("en")
    assert catalogs.catalog_for("it") is None and catalogs.untranslated("it") is None
    italian = folder / "it" / "LC_MESSAGES" / "accompany.po"
    italian.parent.mkdir(parents=True)
    with english.open("rb") as f:
        catalog = read_po(f, locale="it")
    for message in catalog:
        if message.id == "Model letter":
            message.string = "Lettera modello"
        elif message.id:
            message.string = ("", "") if isinstance(message.id, tuple) else ""
    with italian.open("wb") as f:
        write_po(f, catalog)
    assert catalogs.languages() == ["de", "en", "es", "fr", "it", "ne", "sw"]
    assert catalogs.catalog_for("it-CH") == "it"
    assert formatter("it-CH").gettext("Model letter") == "Lettera modello"
    assert formatter("it").gettext("What to do") == "What to do"  # untranslated: the message itself
    missing = catalogs.untranslated("it")
    assert "What to do" in missing and "Model letter" not in missing
    assert len(missing) == len([m for m in catalog if m.id]) - 1
    assert catalogs.untranslated("en") == []


def test_the_catalogs_are_package_data(tmp_path):
    """What setuptools puts in an installed package (build_py) has the catalogs: a build reads them there."""
    subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "egg_info", "--egg-base",
                    str(tmp_path), "build_py", "--build-lib", str(tmp_path / "lib")],
                   cwd=REPO, check=True, capture_output=True, timeout=120)
    installed = tmp_path / "lib" / "generator" / "locale"
    assert (installed / "accompany.pot").is_file()
    assert (installed / "en" / "LC_MESSAGES" / "accompany.po").read_bytes() == (
        catalogs.FOLDER / "en" / "LC_MESSAGES" / "accompany.po").read_bytes()


# ---------------------------------------------------------------- the .pot has every message

def test_the_template_and_the_catalogs_have_every_message_of_the_sources():
    done = subprocess.run([*MESSAGES, "check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_new_message_not_extracted_is_found(tmp_path):
    for path in ("generator", "theme/accompany"):
        shutil.copytree(REPO / path, tmp_path / path, ignore=shutil.ignore_patterns("__pycache__"))
    home = tmp_path / "theme" / "accompany" / "home.html"
    home.write_text(home.read_text().replace("</article>", '<p>{{ _("Write to us") }}</p>\n</article>'))
    wording = tmp_path / "generator" / "outputs" / "wording.py"
    wording.write_text(wording.read_text().replace('N_("This event is cancelled.")', '"This event is cancelled."'))
    done = subprocess.run([*MESSAGES, "check", "--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "missing 'Write to us' (theme/accompany/home.html:" in done.stdout
    assert "no longer in the sources: 'This event is cancelled.'" in done.stdout
    assert "generator/locale/en/LC_MESSAGES/accompany.po: 2 messages differ" in done.stdout


# ---------------------------------------------------------------- the English catalog changes nothing

def test_the_english_catalog_says_every_message_as_it_is_written(tmp_path):
    """The whole sample rendered with the English catalog and with no catalog at all: the same bytes."""
    loaded = load(REPO, SAMPLE_AS_OF)
    with_catalog = render(loaded).files
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalogs, "translations", lambda language: NullTranslations())
        without = render(load(REPO, SAMPLE_AS_OF)).files
    assert with_catalog.keys() == without.keys()
    assert [p for p in with_catalog if with_catalog[p] != without[p]] == []


def test_a_translation_reaches_pages_feeds_and_pdfs(locale):
    _, english = locale
    with english.open("rb") as f:
        catalog = read_po(f)
    catalog["Model letter"].string = "Letter to copy"
    catalog["Urgent action: %(title)s"].string = "Act now: %(title)s"
    with english.open("wb") as f:
        write_po(f, catalog)
    files = render(load(REPO, SAMPLE_AS_OF)).files
    assert b'<h2 id="letter">Letter to copy</h2>' in files["docs/actions/river-guardians/index.md"]
    assert b"<title>Act now: Protect the river guardians of San Ignacio</title>" in files["docs/feeds/actions.rss.xml"]
    from pypdf import PdfReader
    from io import BytesIO
    pdf = PdfReader(BytesIO(files["docs/actions/river-guardians/river-guardians.pdf"]))
    assert "LETTER TO COPY" in "".join(page.extract_text() for page in pdf.pages)


# ---------------------------------------------------------------- templates write no words of their own

def skeleton(env: jinja2.Environment, source: str) -> str:
    """The template's own text, with :data:`PLACE` where it prints a value, a message or a translated block."""
    out, depth, block = [], 0, []
    for _, token, value in env.lex(source):
        if token == "block_begin":
            block = []
        elif token == "block_end":
            if block[:1] == ["trans"]:
                depth += 1
                out.append(PLACE)
            elif block[:1] == ["endtrans"]:
                depth -= 1
        elif token == "name" and not block:
            block.append(value)
        elif token == "variable_begin" and not depth:
            out.append(PLACE)
        elif token == "data" and not depth:
            out.append(value)
    return "".join(out)


def prose_constants(env: jinja2.Environment, source: str) -> list[str]:
    """String constants in the template's code that look like words for readers, outside _() and ngettext()."""
    tree = env.parse(source)
    messages = {id(arg) for call in tree.find_all(nodes.Call)
                if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT for arg in call.args[:2]}
    out = []
    for const in tree.find_all(nodes.Const):
        if not isinstance(const.value, str) or id(const) in messages or const.value in NOT_WORDS:
            continue
        text = re.sub(r"<[^>]*>|%\(\w+\)s|%s", " ", const.value)
        if re.search(r"[^\W\d_]{2,}", text) and (re.search(r"[^\W\d_]\s+[^\W\d_]", text) or re.search(r"[A-Z]", text)):
            out.append(const.value)
    return out


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [f"{name}={value!r}" for name, value in attrs
                       if value and name in READ_ATTRIBUTES and re.search(r"[^\W\d_]{2}", value)]

    def handle_data(self, data):
        self.found += re.findall(r"[^\W\d_]{2,}", re.sub(r"&\w+;", " ", data))


def html_words(text: str) -> list[str]:
    # A macro may print attributes alone (lang_attr): those readers do not get are not words.
    text = re.sub(r'\s(?!(?:%s)=)[\w:-]+="[^"<>]*"' % "|".join(READ_ATTRIBUTES), " ", text)
    # A value printed right after a tag's name is its attributes (<dd{{ m.tl(item, "role") }}>): a tag still.
    text = re.sub(r"(<[a-zA-Z][\w-]*)" + PLACE, r"\1 " + PLACE, text)
    parser = _Words()
    parser.feed(text)
    parser.close()
    return parser.found


def typst_words(text: str) -> list[str]:
    """Words in Typst *markup* (not in code, strings or comments): what a PDF would show as it is."""
    words, i, n = [], 0, len(text)

    def skip_string(i):  # at '"'
        i += 1
        while i < n and text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1

    def code(i, statement=False):  # until the bracket that closes, or a line's end for a statement
        depth = 0
        while i < n:
            c = text[i]
            if c == '"':
                i = skip_string(i)
                continue
            if text.startswith("//", i):
                i = text.find("\n", i) if "\n" in text[i:] else n
                continue
            if c == "[":
                i = markup(i + 1, True)
                continue
            if c in "({":
                depth += 1
            elif c in ")}":
                depth -= 1
                if depth < 0:
                    return i
                if depth == 0 and not statement:
                    return i + 1
            elif c == "\n" and statement and depth == 0:
                return i
            i += 1
        return i

    def embedded(i):  # after '#'
        m = re.match(r"(let|set|show|import|include)\b", text[i:])
        if m:
            return code(i + m.end(), statement=True)
        if i < n and text[i] == '"':
            return skip_string(i)
        m = re.match(r"[A-Za-z_][\w-]*", text[i:])
        if not m:
            return i
        i += m.end()
        while i < n:
            if text[i] == "(":
                i = code(i)
            elif text[i] == "[":
                i = markup(i + 1, True)
            elif text[i] == "." and re.match(r"\.[A-Za-z_]", text[i:i + 2]):
                i += 1 + re.match(r"[\w-]*", text[i + 1:]).end()
            else:
                break
        return i + 1 if i < n and text[i] == ";" else i

    def markup(i, closing):
        while i < n:
            c = text[i]
            if c == "]" and closing:
                return i + 1
            line_start = not closing and (i == 0 or text[i - 1] == "\n")
            if line_start and re.match(r"[ \t]*[A-Za-z_][\w.-]*\(", text[i:]):
                i = code(i, statement=True)  # a macro that returns code (contact), written at the top
            elif text.startswith("//", i):
                i = text.find("\n", i) if "\n" in text[i:] else n
            elif c == "#":
                i = embedded(i + 1)
            elif c == "[":
                i = markup(i + 1, True)
            else:
                m = re.match(r"[^\W\d_]{2,}", text[i:])
                if m:
                    words.append(m.group())
                    i += m.end()
                else:
                    i += 1
        return i

    markup(0, False)
    return words


def templates(suffix: str) -> list[Path]:
    return sorted(THEME.glob(f"*{suffix}"))


@pytest.mark.parametrize("path", templates(".html"), ids=lambda p: p.name)
def test_an_html_template_writes_no_word_outside_the_catalog(path):
    env = template_environment(jinja2.FileSystemLoader(THEME), translations(SOURCE))
    source = path.read_text()
    assert html_words(skeleton(env, source)) == []
    assert prose_constants(env, source) == []


@pytest.mark.parametrize("path", templates(".typ"), ids=lambda p: p.name)
def test_a_typst_template_writes_no_word_outside_the_catalog(path):
    env = typst_environment(jinja2.FileSystemLoader(THEME), translations(SOURCE))
    source = path.read_text()
    assert typst_words(skeleton(env, source)) == []
    assert prose_constants(env, source) == []


def test_the_template_checks_find_words_written_as_they_were():
    """The templates before they went through the catalog: each check finds their words."""
    env = template_environment(jinja2.FileSystemLoader(THEME), translations(SOURCE))
    page = ('<nav aria-label="On this page"><h2>{{ title }}</h2>{% trans %}Kept{% endtrans %} · <p>Write in: '
            '{{ m.action_list(open, "There are no open actions right now.") }}</p></nav>')
    assert html_words(skeleton(env, page)) == ["aria-label='On this page'", "Write", "in"]
    assert prose_constants(env, page) == ["There are no open actions right now."]
    typst = typst_environment(jinja2.FileSystemLoader(THEME), translations(SOURCE))
    sheet = ('#let footer(left) = context {\n  set text(size: 7.5pt)\n  [Page #counter(page).display()]\n}\n'
             '#heading(level: 2)[What to do]\n#text(weight: "bold")[{{ x }} · issued]\n'
             '#table(columns: 2, table.header([*Action*], [{{ _("Title") }}]))\n#enum([{{ s }}], )\n'
             'Signature: #blank(90mm)\n')
    assert typst_words(skeleton(typst, sheet)) == ["Page", "What", "to", "do", "issued", "Action", "Signature"]


# ---------------------------------------------------------------- the script says only the page's words

SCRIPT = REPO / "theme" / "assets" / "javascripts" / "accompany.js"
#: String constants of the script that are not said to readers (its mode, an error no one sees).
NOT_SAID = {"use strict", "copy failed"}


def script_prose(source: str) -> list[str]:
    """String literals of a script that look like words for readers: two words, or a capital and punctuation."""
    source = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", " ", source, flags=re.DOTALL)  # comments, not "https://"
    found = []
    for literal in re.findall(r'"((?:[^"\\\n]|\\.)*)"', source):
        if literal in NOT_SAID or literal.startswith(("[", ".", "#", "data-")):
            continue  # selectors and attribute names
        if re.search(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}", literal) or re.search(r"[A-Z][^\W\d_]+[.:!?…]", literal):
            found.append(literal)
    return found


def test_the_script_writes_no_word_of_its_own():
    """What accompany.js shows (copy status, the Mastodon question) comes from the page, in the page's language."""
    assert script_prose(SCRIPT.read_text()) == []


def test_the_script_check_finds_words_written_in_the_script():
    written = ('var s = button.getAttribute("data-ac-copied") || "Letter copied. Paste it.";\n'
               'window.prompt(m.getAttribute("data-ac-ask") || "Mastodon server:"); // "not this one"\n'
               'document.querySelectorAll("[data-ac-copy], [data-ac-print]"); "use strict"; "fixed"\n')
    assert script_prose(written) == ["Letter copied. Paste it.", "Mastodon server:"]

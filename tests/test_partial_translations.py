"""A translation that leaves some texts out: its page says so, and what is left in the original's words.

The original sets no ``lang`` (it is in the site's default language, as most
files are); the Spanish translation carries its title and summary only, so the
body and the letter stay English on the Spanish page. Read back from the built
page with an HTML parser.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest

from conftest import MINIMAL_SETTINGS, VALID_ACTION, Project
from generator.build import build

BODY = "The original English body text."
LETTER = "Dear Minister, please act."


class Langs(HTMLParser):
    """Each text's nearest ``lang`` (the language a screen reader speaks it in), and the untranslated note."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []
        self.note: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("class") == "ac-untranslated":
            self.note.append("")
        if tag not in self.VOID:
            self.stack.append((tag, a.get("lang")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            lang = next((lang for _, lang in reversed(self.stack) if lang), None)
            self.texts.append((" ".join(data.split()), lang))
            if self.note and self.note[-1] == "" and any(t == "p" for t, _ in self.stack[-1:]):
                self.note[-1] = " ".join(data.split())

    def lang_of(self, text: str) -> str | None:
        found = [lang for t, lang in self.texts if text in t]
        assert found, f"{text!r} is not on the page"
        return found[0]


@pytest.fixture(scope="module")
def spanish_page(tmp_path_factory) -> Langs:
    base = tmp_path_factory.mktemp("partial")
    project = Project(base / "project")
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("  language: en\n", "  languages: [en, es]\n"))
    project.write("content/actions/a.md", VALID_ACTION.replace("Body.", BODY))
    project.write("content/actions/a.es.md", "---\ntitle: Una acción válida\nsummary: Una acción de prueba.\n---\n")
    build(project.root, base / "site", date(2026, 12, 1), cache_dir=base / "cache")
    parser = Langs()
    parser.feed((base / "site/es/actions/a/index.html").read_text())
    return parser


def test_a_partly_translated_page_says_which_parts_are_in_which_language(spanish_page):
    assert spanish_page.note == ["Partes de esta página aún no están traducidas al español: se muestran en el "
                                 "original, en inglés."]
    assert spanish_page.lang_of("Una acción válida") == "es"  # the translated title: the page's language


@pytest.mark.parametrize("text", [BODY, LETTER])
def test_each_untranslated_part_carries_the_original_language(spanish_page, text):
    assert spanish_page.lang_of(text) == "en"

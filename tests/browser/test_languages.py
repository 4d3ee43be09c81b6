"""The sample in each of its languages, in a real browser: English at the top, Spanish under es/,
Nepali (the interface only) under ne/.

For a home page, an action, a tour and two profiles (one written in English, one in Spanish) in
each language: axe finds no WCAG violation; ``<html lang>`` is the page's language; the item's
own words carry the language they are written in, and a page that shows another language's
words says so; the language switcher goes to the same page in each language without JavaScript.
On the Spanish pages no English interface words are left: checked against accompany's catalog
(generator/locale/es/LC_MESSAGES/accompany.po) and Material's Spanish strings, and against the
English page itself (what reads the same in both, outside the content, was not translated).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.pofile import read_po

from .conftest import Pages
from .harness import AXE_TAGS, DESKTOP, PHONE, REPO
from .test_accessibility import RUN_AXE, describe

LANGUAGES = {"en": "", "es": "es/", "ne": "ne/"}
PAGES = {
    "home": "",
    "action": "actions/river-guardians/",      # translated into Spanish
    "tour": "tours/voices-of-the-river/",      # not translated
    "defender": "defenders/lucia/",            # not translated
    "organisation": "defenders/tierra-viva/",  # written in Spanish, translated into English
}
#: The language of the item's own words on each page: its translation's, else its original's.
TEXT_LANG = {
    "home": {"en": "en", "es": "es", "ne": "en"},
    "action": {"en": "en", "es": "es", "ne": "en"},
    "tour": {"en": "en", "es": "en", "ne": "en"},
    "defender": {"en": "en", "es": "en", "ne": "en"},
    "organisation": {"en": "en", "es": "es", "ne": "es"},
}
CASES = [(lang, name) for lang in LANGUAGES for name in PAGES]
IDS = [f"{lang}-{name}" for lang, name in CASES]

def case(lang: str, name: str):
    return pytest.param(lang, name, id=f"{lang}-{name}")


#: Every text node and text attribute shown on the page (what a reader sees and a screen reader speaks),
#: with the language an element inside <html> marks it as being in (null: the page's own).
TEXTS = r"""() => {
  const langOf = el => { const c = el.closest('[lang]'); return c && c !== document.documentElement ? c.getAttribute('lang') : null; };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim() || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (!el.checkVisibility()) continue;
    out.push({text: node.textContent.replace(/\s+/g, ' ').trim(), lang: langOf(el)});
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push({text: value.replace(/\s+/g, ' ').trim(), lang: langOf(el)});
    }
  }
  return out;
}"""


#: What the tests read of one page: its <html lang>, its texts, the language of the item's title and
#: text, and the untranslated note (how many, whether in the page's language, what it says).
SNAPSHOT = """() => {
  const langOf = el => el ? el.closest('[lang]').getAttribute('lang') : null;
  const note = document.querySelector('.ac-untranslated');
  return {
    html: document.documentElement.lang,
    texts: (%s)(),
    title: langOf(document.querySelector("article[class^='ac-'] h1")),
    text: langOf(document.querySelector("article[class^='ac-'] .ac-summary, article[class^='ac-'] .ac-body")),
    notes: document.querySelectorAll('.ac-untranslated').length,
    note_in_page_language: note ? note.closest('[lang]') === document.documentElement : null,
    note: note ? note.innerText : null,
  };
}""" % TEXTS


def page_path(lang: str, name: str) -> str:
    return LANGUAGES[lang] + PAGES[name]


@pytest.fixture(scope="module")
def seen(browser, server) -> dict[tuple[str, str], dict]:
    """Every page under test in every language, opened once (desktop, with JavaScript) and read."""
    opener = Pages(browser, server)
    out = {}
    for lang, name in CASES:
        page, _ = opener.open(page_path(lang, name), DESKTOP)
        page.wait_for_load_state("networkidle")  # nothing in flight when its context is closed
        out[lang, name] = page.evaluate(SNAPSHOT)
        page.context.close()
    problems = [p for _, watch in opener.opened for p in watch.problems()]
    assert not problems, "\n".join(problems)
    return out


def interface_texts(snapshot: dict, lang: str) -> list[str]:
    """The texts of the page in its language: what no element marks as being in another."""
    return [t["text"] for t in snapshot["texts"] if t["lang"] in (None, lang)]


# ------------------------------------------------------------------------------ axe, in each language


@pytest.mark.parametrize("lang, name, viewport", [(lang, name, PHONE) for lang, name in CASES]
                         + [("es", name, DESKTOP) for name in PAGES],
                         ids=[f"{i}-phone" for i in IDS] + [f"es-{name}-desktop" for name in PAGES])
def test_no_wcag_violation_in_any_language(pages, lang, name, viewport):
    """At a phone's width in every language, and at a laptop's in Spanish (tests/browser/test_accessibility.py
    checks the English pages at both)."""
    page, _ = pages.open(page_path(lang, name), viewport, axe=True)
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    assert not results["violations"], f"{lang} {name} at {viewport['width']}px:\n{describe(results['violations'])}"


# ------------------------------------------------------------------------------ lang attributes


@pytest.mark.parametrize("lang, name", [case(lang, name) for lang, name in CASES])
def test_html_lang_is_the_page_language(seen, lang, name):
    assert seen[lang, name]["html"] == lang


@pytest.mark.parametrize("lang, name", CASES, ids=IDS)
def test_the_items_words_carry_their_language_and_the_page_says_when_they_are_not_its_own(seen, lang, name):
    page, expected = seen[lang, name], TEXT_LANG[name][lang]
    assert (page["title"], page["text"]) == (expected, expected)  # the nearest lang of the title and the text
    if expected == lang:
        assert page["notes"] == 0
        return
    assert page["notes"] == 1, f"{lang} {name} shows {expected} words without saying so"
    assert page["note_in_page_language"]
    original = Locale.parse(lang).languages[expected]
    assert original.casefold() in page["note"].casefold(), page["note"]  # "en inglés", "मा अङ्ग्रेजी"


# ------------------------------------------------------------------------------ no English words left in Spanish

PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]|%[sd]")
LINK_OR_ADDRESS = re.compile(r"\S*(?:://|@|\.(?:xml|json|ics|pdf)\b)\S*")


def _material_strings(lang: str) -> dict[str, str]:
    import material

    path = Path(material.__file__).parent / "templates" / "partials" / "languages" / f"{lang}.html"
    return dict(re.findall(r'^\s*"([a-z.]+)": "(.*)",?$', path.read_text(encoding="utf-8"), re.M))


def _english_words() -> list[str]:
    """The English interface words whose Spanish differs: accompany's catalog and Material's strings.

    Each message is cut at its placeholders; a piece is kept when it has a word of letters, is
    four characters or more, and the Spanish does not use it too ("RSS", "PDF", "Atom").
    """
    with (REPO / "generator/locale/es/LC_MESSAGES/accompany.po").open("rb") as po:
        catalog = read_po(po)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(msgid, " ".join(s for s in strings if s)) for msgid in ids]
    english, spanish = _material_strings("en"), _material_strings("es")
    pairs += [(english[key], spanish[key]) for key in english.keys() & spanish.keys() if key != "language"]
    words = set()
    for msgid, msgstr in pairs:
        if not msgstr or msgstr == msgid:
            continue
        for piece in PLACEHOLDER.split(msgid):
            piece = piece.strip(" .,:;·()–-")
            if len(piece) >= 4 and re.search(r"[A-Za-z]{2}", piece) and piece not in msgstr:
                words.add(piece)
    return sorted(words)


ENGLISH = _english_words()


def _content_texts() -> list[str]:
    """Every text of the sample's English files and settings (front matter and body), whitespace folded:
    what a Spanish page may show in English as content, not as its interface."""
    out = []
    files = [p for folder in ("content", "campaigns") for p in (REPO / folder).rglob("*.md")
             if not re.search(r"\.[a-z]{2}\.md$", p.name)]

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    for path in files:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        out += [*strings(yaml.safe_load(front)), body]
    out += list(strings(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))))
    out = [re.sub(r"[*_`>#\[\]]", "", re.sub(r"\]\([^)]*\)", "]", text)) for text in out]  # Markdown to its words
    return sorted({" ".join(text.split()) for text in out if len(text.strip()) >= 4}, key=len, reverse=True)


CONTENT = _content_texts()
CONTENT_TEXT = "\n".join(CONTENT)


def _without_content(text: str) -> str:
    """The text without links, addresses and the sample's own words: what the interface says in it."""
    text = LINK_OR_ADDRESS.sub(" ", text)
    if text.strip(" :·,.;–()") in CONTENT_TEXT:  # a piece of a title, a summary, a body, a setting
        return ""
    for content in CONTENT:  # a title or a venue within a line of the interface's
        if content in text:
            text = text.replace(content, " ")
    return text


def test_the_catalog_yields_english_words_to_look_for():
    """A control: the words looked for are the catalog's, and include common interface words."""
    assert len(ENGLISH) > 150
    assert {"Act now", "Model letter", "days left", "Skip to content", "Search"} <= set(ENGLISH)


@pytest.mark.parametrize("name", PAGES)
def test_no_english_interface_word_on_a_spanish_page_by_the_catalog(seen, name):
    text = " \n ".join(_without_content(t) for t in interface_texts(seen["es", name], "es"))
    assert "Actúe ahora" in text or name != "home"  # a control: the Spanish interface is read
    found = [w for w in ENGLISH if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]
    assert found == [], f"es {name}: English interface words: {found}"


@pytest.mark.parametrize("lang", ["es", "ne"])
@pytest.mark.parametrize("name", PAGES)
def test_nothing_reads_the_same_as_on_the_english_page_but_content(seen, lang, name):
    """Language-blind: a text of three words or more that the English page has too, that is not marked
    as English and is not the sample's content (a title, an address, the settings), was not translated:
    it catches interface words the catalog does not have (a template's hard-coded English)."""
    english_texts = set(interface_texts(seen["en", name], "en"))
    same = sorted({t for t in interface_texts(seen[lang, name], lang) if t in english_texts
                   and len(re.findall(r"[^\W\d_]{2,}", t)) >= 3 and _without_content(t).strip()})
    assert same == [], f"{lang} {name}: in English, outside the content: {same}"


def _catalog_pieces(lang: str) -> list[str]:
    """The pieces of ``lang``'s catalog translations that differ from the English: its interface words."""
    with (REPO / f"generator/locale/{lang}/LC_MESSAGES/accompany.po").open("rb") as po:
        catalog = read_po(po)
    pieces = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            for piece in PLACEHOLDER.split(string or ""):
                piece = piece.strip(" .,:;·()–-।")
                if len(piece) >= 4 and not any(piece in i for i in ids if i):
                    pieces.add(piece)
    return sorted(pieces)


@pytest.mark.parametrize("lang, name", [(lang, name) for lang, name in CASES if TEXT_LANG[name][lang] != lang],
                         ids=[f"{lang}-{name}" for lang, name in CASES if TEXT_LANG[name][lang] != lang])
def test_the_interface_around_words_in_another_language_is_not_marked_as_that_language(seen, lang, name):
    """WCAG 3.1.2: on a page that shows an item in its original's words, those words are marked with
    their language, and the page's own words around them (headings, dates, buttons) are not."""
    marked = " \n ".join(t["text"] for t in seen[lang, name]["texts"] if t["lang"] not in (None, lang))
    assert marked  # a control: the original's words are marked
    found = [w for w in _catalog_pieces(lang) if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", marked)]
    assert found == [], f"{lang} {name}: interface words marked as another language: {found}"


def _titles() -> dict[str, tuple[str, set[str]]]:
    """Each item's title: the language it is written in, and the languages it is translated into."""
    out = {}
    for folder in ("content", "campaigns"):
        for path in (REPO / folder).rglob("*.md"):
            if re.search(r"\.[a-z]{2}\.md$", path.name):
                continue
            meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
            if meta.get("draft"):
                continue
            translated = {p.name.split(".")[-2] for p in path.parent.glob(path.stem + ".*.md")}
            out[meta["title"]] = (meta.get("lang", "en"), translated)
    site_name = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]
    return {title: value for title, value in out.items() if len(title.split()) >= 2 and title != site_name}


TITLES = _titles()


@pytest.mark.parametrize("lang", ["es", "ne"])
@pytest.mark.parametrize("name", PAGES)
def test_a_title_shown_in_its_original_language_is_marked_with_it_wherever_it_is_shown(seen, lang, name):
    """In the navigation, the lists, the cards: an item not translated into the page's language is
    named in its own, and marked so."""
    wrong = set()
    for text in seen[lang, name]["texts"]:
        for title, (written, translated) in TITLES.items():
            if title in text["text"] and written != lang and lang not in translated and text["lang"] != written:
                wrong.add(f"{title!r} ({written}) marked {text['lang'] or 'as the page'}")
    assert sorted(wrong) == [], f"{lang} {name}: {sorted(wrong)}"


# ------------------------------------------------------------------------------ the switcher, without JavaScript


@pytest.mark.parametrize("lang, name", CASES, ids=IDS)
def test_the_switcher_goes_to_the_same_page_in_each_language_without_javascript(pages, lang, name):
    """Each page follows its link to the next language (en to es, es to ne, ne to en): every language's
    switcher, on every page, and every language reached (tests/test_languages.py checks every link's target)."""
    context, _ = pages.context(DESKTOP, js=False)
    order = list(LANGUAGES)
    for other in [order[(order.index(lang) + 1) % len(order)]]:
        prefix = LANGUAGES[other]
        page = context.new_page()
        response = page.goto(pages.server.url(page_path(lang, name)))
        assert response is not None and response.ok
        assert page.evaluate("document.documentElement.classList.contains('no-js')")  # no script ran
        page.wait_for_load_state("networkidle")  # nothing in flight when the link is followed
        page.locator(".md-header__option .md-select button").focus()  # the keyboard opens it, as the mouse does
        link = page.locator(f".md-select__link[hreflang='{other}']")
        link.wait_for(state="visible")
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response is not None and response.status == 200, f"{lang} {name} -> {other}: {response and response.status}"
        assert page.url == pages.server.url(prefix + PAGES[name])
        current = page.locator(".md-select__link[aria-current='page']")
        assert current.get_attribute("hreflang") == other  # the page it lands on is that language's
        page.wait_for_load_state("networkidle")

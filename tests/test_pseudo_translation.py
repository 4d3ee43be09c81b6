"""No English interface word escapes the catalog: the sample built with a pseudo-translation.

The English catalog is copied with every translation marked (``⁅Model letter⁆``),
and the whole sample rendered with it: pages, print pages and PDFs, feeds,
OPML, calendars, the navigation, the footer; on pages, the subjects and bodies
of their e-mail links, the words the script shows, and what the preview cards
say and draw. In every text a reader gets, what is left
once the marked spans are taken out must be content (titles, summaries,
names, letters, settings), a value from Babel (dates, times, zones, countries,
languages), an address, or a number: any other word is an English word the
code or a template wrote without the catalog. The words of the content are
taken from the published site itself, its free texts only (not its keys, nor
single-word values such as ``open``), so that an interface word is found even
when the content uses it elsewhere.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from babel import Locale
from babel.messages.pofile import read_po, write_po
from dataclasses import dataclass
from icalendar import Calendar
from pypdf import PdfReader

from conftest import REPO, SAMPLE_AS_OF
from generator import catalogs
from generator.load import load
from generator.render import Renderers
from generator.outputs.feeds.model import FORMATS
from generator.catalogs import formatter

OPEN, CLOSE = "\u2045", "\u2046"  # ⁅ ⁆: in the PDFs' fonts, and in no content
URL = re.compile(r"(?:https?|webcal|mailto):\S+|\S+@\S+\.\w+")
WORD = re.compile(r"[^\W\d_]{2,}")
#: A label, as interfaces write them at the start of a line or an element ("When:", "Salutation:"):
#: its word is known only if the content has it as a label too (it may well have "When" elsewhere).
LABEL = re.compile(r"^[^\w\n]*([^\W\d_]{2,}):", re.MULTILINE)
#: Where a run of words ends: punctuation, a digit, a line's or an element's end. Two words next to
#: each other in a run are a pair: an interface sentence made of words the content also uses
#: ("This urgent action is closed.") still has pairs the content never has ("is closed").
BREAK = re.compile(r"[^\w\s]|[\d_]|\n")
#: Attributes whose values readers get (screen readers, tooltips).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
#: Attributes whose values accompany.js shows (the copy status, the Mastodon question).
SCRIPT_ATTRIBUTES = {"data-ac-copied", "data-ac-copy-failed", "data-ac-ask"}
#: Share networks' names, which no language translates (outputs/share.py).
NETWORKS = ["WhatsApp", "Telegram", "Bluesky", "Mastodon", "Facebook"]
#: Names of formats, which no language translates, and the zone Babel leaves as it is.
NAMES = [f.label for f in FORMATS.values()] + ["UTC"] + NETWORKS


def mark(catalog) -> None:
    """Every translation becomes its message between the markers (fields kept as they are)."""
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (tuple, list)):
            message.string = tuple(OPEN + m + CLOSE for m in message.id)
        else:
            message.string = OPEN + message.id + CLOSE


#: What the sample does not show: an action closed by hand (before its deadline), with nothing since issue.
CLOSED_BY_HAND = """\
---
# Test content: fictional.
title: Harbour workers' representative followed and photographed
id: UA-2026-040
issued: 2026-11-02
deadline: 2026-12-20
status: closed
country: KE
summary: >-
  A harbour workers' representative was followed for a week. The threats stopped; we closed the action.
steps:
  - Write to the Port Authority.
targets:
  - name: The Director of the Port Authority (fictional)
    email: director@port.example.org
    salutation: Dear Director
letter: |
  Dear Director,

  I ask you to protect the workers' representative.
---

*Test content: fictional.*
"""


#: An open action whose letter is too long for an e-mail link, with no salutation of its own and no
#: copies: the appeal's other sentence, the salutation put before the letter and the line of a cut letter.
LONG_LETTER = """\
---
# Test content: fictional.
title: Dockworkers' lawyer threatened outside the court
id: UA-2026-041
issued: 2026-11-25
deadline: 2026-12-28
status: open
country: KE
summary: >-
  A lawyer who represents dockworkers was threatened outside the court. Ask for an investigation.
steps:
  - Write to the Chief Justice.
targets:
  - name: The Chief Justice (fictional)
    email: chief.justice@courts.example.org
    salutation: Dear Chief Justice
letter: |
""" + "".join(f"  Paragraph {n} of the appeal: the lawyer of the dockworkers was threatened outside the court "
              f"after hearing {n}, and asks the court to investigate the threats made on that day.\n\n"
              for n in range(1, 25)) + """\
---

*Test content: fictional.*
"""


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    """``(rendered tree, loaded site, strings drawn on each card)`` of the sample (and the actions above),
    the English catalog marked."""
    root = tmp_path_factory.mktemp("project")
    for path in ("content", "campaigns", "theme"):
        shutil.copytree(REPO / path, root / path)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content" / "actions" / "closed-by-hand.md").write_text(CLOSED_BY_HAND, encoding="utf-8")
    (root / "content" / "actions" / "long-letter.md").write_text(LONG_LETTER, encoding="utf-8")
    folder = tmp_path_factory.mktemp("locale") / "locale"
    shutil.copytree(catalogs.FOLDER, folder)
    po = folder / catalogs.SOURCE / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    mark(catalog)
    with po.open("wb") as f:
        write_po(f, catalog)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalogs, "FOLDER", folder)
        catalogs._read.cache_clear()
        catalogs._compiled.cache_clear()
        try:
            loaded = load(root, SAMPLE_AS_OF)
            renderers = Renderers(loaded)  # as build.render does, keeping the cards' drawing hook
            tree = loaded.engine.project(renderers.staged(), files=renderers.files().files)
        finally:
            catalogs._read.cache_clear()
            catalogs._compiled.cache_clear()
    cards = next(output for output in renderers.outputs if output.name == "cards")
    return tree.files, loaded, cards.drawn


def unmarked(text: str) -> str:
    """``text`` without its marked spans (nested ones too: a message's field may be a message)."""
    out, depth = [], 0
    for ch in text:
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _free_texts(value) -> list[str]:
    """The free texts of a record: strings, but not single lowercase words (keys of enums, slugs, codes)."""
    if isinstance(value, str):
        return [] if re.fullmatch(r"[a-z0-9_\-./]+", value) else [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _free_texts(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _free_texts(v)]
    return []


def pairs(text: str) -> set[tuple[str, str]]:
    """Words next to each other in ``text``, within its runs (see BREAK)."""
    out = set()
    for part in BREAK.split(text):
        found = WORD.findall(part)
        out |= set(zip(found, found[1:]))
    return out


@dataclass(frozen=True)
class Known:
    """What is not the interface's: words, pairs of words and labels of the content, the settings,
    Babel's names and the formats' names."""

    words: frozenset
    pairs: frozenset
    labels: frozenset

    def has_word(self, word: str) -> bool:
        return word in self.words or (word.isupper() and word in self.upper)

    def has_pair(self, pair: tuple[str, str]) -> bool:
        return pair in self.pairs or (all(w.isupper() for w in pair) and pair in self.upper_pairs)

    @functools.cached_property
    def upper(self) -> frozenset:  # headings the PDFs set in capitals
        return frozenset(w.upper() for w in self.words)

    @functools.cached_property
    def upper_pairs(self) -> frozenset:
        return frozenset((a.upper(), b.upper()) for a, b in self.pairs)


@pytest.fixture(scope="module")
def known(pseudo) -> Known:
    """Words, pairs and labels (``"When:"``) that are not the interface's."""
    _, loaded, _ = pseudo
    site = loaded.site
    texts = [site.config.site_name, site.config.settings.organisation, *site.config.settings.themes.values(), *NAMES]
    for entry in site.catalogue.entries():
        texts += _free_texts(entry.meta.model_dump(warnings=False)) + [entry.body]
    fmt = formatter(site.config.settings.language)
    texts += [fmt.zone(stop.starts, stop.zone) for stop in site.stops]
    babel: Locale = fmt.locale
    texts += list(babel.territories.values()) + list(babel.languages.values())
    for names in (babel.months, babel.days, babel.day_periods):
        texts += [name for widths in names.values() for values in widths.values() for name in values.values()]
    assert OPEN not in "".join(texts) and CLOSE not in "".join(texts), "the markers must not occur in the content"
    texts = [URL.sub(" ", text) for text in texts]
    return Known(frozenset(w for text in texts for w in WORD.findall(text)),
                 frozenset(p for text in texts for p in pairs(" ".join(text.split()))),
                 frozenset(label for text in texts for label in LABEL.findall(text)))


def interface_words(units: list[str], known: Known) -> list[str]:
    """English words, pairs and labels left unmarked in these texts that are neither content nor Babel's."""
    found = []
    for unit in units:
        rest = URL.sub(" ", unmarked(unit))
        unknown = [repr(w) for w in WORD.findall(rest) if not known.has_word(w)]
        unknown += [repr(" ".join(p)) for p in sorted(pairs(rest)) if not known.has_pair(p)]
        unknown += [repr(w + ":") for w in LABEL.findall(rest) if w not in known.labels]
        found += [f"{word} in {' '.join(rest.split())[:120]!r}" for word in unknown]
    return found


# ---------------------------------------------------------------- what readers get, per kind of file

class _Text(HTMLParser):
    """The text of an HTML document in reading order (one unit), the attributes readers get (one each),
    and the subject and body of each e-mail link (one each)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.flow: list[str] = []
        self.attributes: list[str] = []
        self.mails: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name in SCRIPT_ATTRIBUTES or (
                    tag == "meta" and name == "content" and ("name", "description") in attrs)):
                self.attributes.append(value)
            if tag == "a" and name == "href" and value and value.startswith("mailto:"):
                self.mails += mail_units(value)
        self.flow.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        self.flow.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.flow.append(" ".join(data.split("\n")))  # a line break in a text is a space; a tag ends a line


def mail_units(href: str) -> list[str]:
    """The subject and the body of a ``mailto:`` link, as a mail program reads them."""
    fields = parse_qs(urlsplit(href).query, keep_blank_values=True)
    return [value for name in ("subject", "body") for value in fields.get(name, [])]


def html_units(text: str) -> list[str]:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return ["".join(parser.flow)] + parser.attributes + parser.mails


def page_units(data: bytes) -> list[str]:
    """A staged page: its title, description, preview card's text and feed links' titles, and its HTML body."""
    _, head, body = data.decode().split("---\n", 2)
    meta = yaml.safe_load(head) or {}
    units = [str(meta.get("title", "")), str(meta.get("description", "")), str(meta.get("card_alt", ""))]
    units += [a["title"] for a in meta.get("alternates", [])]
    return [u for text in units for u in html_units(text)] + html_units(body)


SKIPPED_XML = {"id", "guid", "link", "updated", "published", "pubDate", "lastBuildDate", "generator", "language",
               "docs", "uri", "email", "dateCreated", "ownerEmail"}


def xml_units(data: bytes) -> list[str]:
    """A feed or the OPML list: every element's text (HTML content as HTML), and titles and labels."""
    units = []
    for element in ElementTree.fromstring(data).iter():
        tag = element.tag.rsplit("}", 1)[-1]
        for name in ("title", "text", "label", "description"):
            if element.get(name):
                units.append(element.get(name))
        if tag not in SKIPPED_XML and element.text and element.text.strip():
            units += html_units(element.text) if "<" in element.text else [element.text]
    return units


def json_units(data: bytes) -> list[str]:
    doc = json.loads(data)
    units = [doc["title"], doc.get("description", "")]
    for item in doc["items"]:
        units += [item["title"], item["summary"], *html_units(item["content_html"]), *item.get("tags", [])]
        units += [a["title"] for a in item.get("attachments", [])]
    return units


def ics_units(data: bytes) -> list[str]:
    units = []
    for component in Calendar.from_ical(data).walk():
        if component.name not in ("VCALENDAR", "VEVENT"):
            continue
        for name in ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC", "SUMMARY", "LOCATION"):
            if name in component:
                units.append(str(component[name]))
        if "CONFERENCE" in component:
            units.append(component["CONFERENCE"].params.get("LABEL", ""))
    return units


def pdf_units(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf.name, "-"], capture_output=True, check=True).stdout
    meta = PdfReader(BytesIO(data)).metadata
    return [text.decode(), meta.title or "", meta.subject or ""]


def units_of(path: str, data: bytes) -> list[str] | None:
    """What a reader gets from the output at ``path`` (docs-relative), or None for a file with no words."""
    if path.endswith(".md"):
        return page_units(data)
    if path.endswith("/print/index.html"):
        return html_units(data.decode())
    if path.endswith((".rss.xml", ".atom.xml", "opml.xml")):
        return xml_units(data)
    if path.startswith("feeds/") and path.endswith(".json"):
        return json_units(data)
    if path.endswith(".ics"):
        return ics_units(data)
    if path.endswith(".pdf"):
        return pdf_units(data)
    return None


# ---------------------------------------------------------------- the tests

def outputs(tree: dict[str, bytes], *suffixes: str) -> dict[str, bytes]:
    return {p[len("docs/"):]: d for p, d in tree.items() if p.startswith("docs/") and p.endswith(suffixes)}


@pytest.mark.parametrize("kind, suffixes", [
    ("pages", (".md",)),
    ("print pages", ("/print/index.html",)),
    ("PDFs", (".pdf",)),
    ("feeds and OPML", (".rss.xml", ".atom.xml", ".json", "opml.xml")),
    ("calendars", (".ics",)),
])
def test_no_english_interface_word_is_left_unmarked(pseudo, known, kind, suffixes):
    tree, _, _ = pseudo
    files = outputs(tree, *suffixes)
    assert files, f"the sample has no {kind}"
    left = {path: found for path, data in files.items()
            if (units := units_of(path, data)) is not None and (found := interface_words(units, known))}
    assert not left, f"English words outside the catalog in {len(left)} {kind}:\n" + "\n".join(
        f"{path}: {', '.join(found[:5])}" for path, found in sorted(left.items())[:20])


def test_the_navigation_is_marked(pseudo, known):
    tree, _, _ = pseudo
    config = yaml.safe_load(tree["mkdocs.yml"])
    titles = [title for item in config["nav"] for title in item]
    assert interface_words(titles, known) == []
    assert f"{OPEN}Home{CLOSE}" in titles and f"{OPEN}Subscribe{CLOSE}" in titles


def test_every_output_carries_marked_words(pseudo):
    """The markers reach every output: the check above looks at translated text, not at nothing.

    Only the pages of content/pages say nothing of their own (no tags): their text is all content.
    """
    tree, loaded, _ = pseudo
    plain = {loaded.site.url(p) + "index.md" for p in loaded.site.listed("page") if not (
        p.meta.country or p.meta.themes or p.meta.campaigns)}
    for suffixes in ((".md",), ("/print/index.html",), (".pdf",), (".rss.xml",), (".atom.xml",), ("opml.xml",),
                     (".json",), (".ics",)):
        files = outputs(tree, *suffixes)
        assert files, suffixes
        unmarked_files = [path for path, data in files.items() if OPEN not in "".join(units_of(path, data))]
        assert set(unmarked_files) <= plain, unmarked_files


def test_the_footer_is_marked(pseudo):
    """The engine's partial (theme/partials/copyright.html) says what the generator gives it in config.extra."""
    tree, _, _ = pseudo
    assert yaml.safe_load(tree["mkdocs.yml"])["extra"]["contact_label"] == f"{OPEN}Write to us:{CLOSE}"


def test_the_preview_cards_draw_marked_words(pseudo, known):
    """What each card draws: the kicker, the title, the badge (Act by, Closed, dates, Since) and the organisation."""
    _, loaded, drawn = pseudo
    items = {path: strings for path, strings in drawn.items() if path != "card.png"}
    assert len(items) == len(loaded.site.actions_ordered) + len(loaded.site.tours) + len(loaded.site.campaigns)
    left = {path: found for path, strings in drawn.items() if (found := interface_words(strings, known))}
    assert not left, "English words on cards:\n" + "\n".join(f"{p}: {', '.join(f[:5])}" for p, f in left.items())
    assert all(strings[0].startswith(OPEN) for strings in items.values()), items  # the kicker
    said = {text for strings in items.values() for text in strings}
    assert {f"{OPEN}Closed{CLOSE}", f"{OPEN}Resolved: good news{CLOSE}"} <= said
    assert any(text.startswith(f"{OPEN}Act by ") for text in said)
    assert any(text.startswith(f"{OPEN}Since ") for text in said)  # a campaign without an end


def test_the_one_tap_links_say_marked_words(pseudo, known):
    """Appeals (the whole letter, and a letter cut to fit), "tell us you wrote", sharing: the pages' words,
    the e-mails' subjects and bodies, and what the script shows, each one seen (the check above has them)."""
    tree, _, _ = pseudo
    pages = outputs(tree, ".md")

    def units(path: str) -> list[str]:
        return page_units(pages[path])

    def mails(path: str) -> list[str]:
        return [unit for href in re.findall(r'href="(mailto:[^"]*)"', pages[path].decode())
                for unit in mail_units(href.replace("&amp;", "&"))]

    river, long_letter = "actions/river-guardians/index.md", "actions/long-letter/index.md"
    helping = "how-to-help/index.md"
    text = "\n".join(units(river) + units(long_letter) + units(helping))
    for message in ("E-mail this appeal", "Tell us you wrote", "Share this action", "E-mail a friend",
                    "Copy the text", "Share…", "For Signal, Mastodon or anywhere else, copy this text:",
                    "Copied. Paste it into Signal, Mastodon or any other app.",
                    "Could not copy: select the text and copy it by hand.",
                    "Your Mastodon server, for example mastodon.social:",
                    "Letter copied. Paste it into your email or letter, add your name, and send it.",
                    "Could not copy: select the letter and copy it by hand."):
        assert f"{OPEN}{message}{CLOSE}" in text, message
    assert f"{OPEN}Each button opens your e-mail app with the letter, the address, the copies and" in text
    assert f"{OPEN}Each button opens your e-mail app with the letter, the address and the subject" in text
    assert f"{OPEN}This letter is too long for an e-mail link" in text
    assert f"{OPEN}Then " in text and f"{OPEN}E-mail this appeal to " in text
    appeal = mails(long_letter)
    assert f"{OPEN}Dockworkers' lawyer threatened outside the court (UA-2026-041){CLOSE}" in appeal  # subject
    body = next(unit for unit in appeal if "Paragraph 1 of the appeal" in unit)
    assert body.startswith(f"{OPEN}Dear Chief Justice,{CLOSE}")
    assert body.endswith(f"{OPEN}[The letter is longer than an e-mail link can carry: paste the rest from "
                         "https://accompany.example.org/actions/long-letter/#letter]" + CLOSE)
    assert f"{OPEN}I wrote: UA-2026-041{CLOSE}" in appeal
    assert any(unit.startswith(f"{OPEN}I wrote about UA-2026-041, ") for unit in appeal)
    assert f"{OPEN}I wrote{CLOSE}" in mails(helping) and f"{OPEN}Wrote a letter" in text
    resolved = "\n".join(units("actions/land-defenders-released/index.md"))
    assert f"{OPEN}Good news: Two land defenders released{CLOSE}" in resolved
    tour = "\n".join(units("tours/voices-of-the-river/index.md"))
    assert f"{OPEN}Share this tour{CLOSE}" in tour
    assert f"{OPEN}Voices of the River: a European speaker tour. " in tour  # the default lead, with the dates
    for path in (river, long_letter, helping, "tours/voices-of-the-river/index.md"):
        assert interface_words(units(path), known) == [], path


def test_the_check_finds_words_pairs_and_labels_written_without_the_catalog(known):
    units = html_units(f"<p>{OPEN}Model letter{CLOSE}</p><p>Salutation: <em>{OPEN}Dear{CLOSE}</em></p>"
                       f'<img alt="QR code">')
    found = [f.split(" in ")[0] for f in interface_words(units, known)]
    assert found == ["'Salutation'", "'Salutation:'", "'QR'", "'code'", "'QR code'"]
    # Each of these words is the content's, but not next to each other, nor as a label.
    assert interface_words([f"{OPEN}Urgent action{CLOSE}: This urgent action is closed."], known)
    word = next(w for w in ("When", "Where", "This", "Please") if known.has_word(w) and w not in known.labels)
    assert interface_words([word + ":"], known) and not interface_words([word], known)

"""The sample as a site in three languages: each built as a site of its own, linked page to page.

English is the default (at the top), Spanish under es/ (river-guardians and the
home page translated; Tierra Viva written in Spanish), Nepali under ne/ with the
interface only. Everything is read back from the built files.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import icalendar
import pytest

from conftest import read_back

LANGUAGES = {"en": "", "es": "es/", "ne": "ne/"}
SITE_URL = "https://accompany.example.org/"


class Head(HTMLParser):
    """The <html lang>, the hreflang alternates, the switcher's links and every element's lang."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str] = {}
        self.letters: dict[str, str] = {}
        self.notes: list[str] = []
        self._in_note = False
        self._in_letters = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "md-select__link" in (a.get("class") or ""):
            self.switcher[a["hreflang"]] = a["href"]
        if tag == "p" and a.get("class") == "ac-untranslated":
            self._in_note = True
            self.notes.append("")
        if tag == "p" and a.get("class") == "ac-letter-languages":
            self._in_letters = True
        if tag == "a" and self._in_letters:
            self.letters[a["hreflang"]] = a["href"]

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_note = self._in_letters = False

    def handle_data(self, data):
        if self._in_note:
            self.notes[-1] += data


def head(site: Path, path: str) -> Head:
    parser = Head()
    parser.feed((site / path).read_text())
    return parser


def resolve(page: str, href: str) -> str:
    """A relative link from the page at ``page`` (a site path) to the file it serves."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    return target + "/index.html" if href.split("#")[0].endswith("/") else target


@pytest.mark.parametrize("lang, prefix", LANGUAGES.items())
def test_each_language_is_a_site_of_its_own_with_its_pages_feeds_calendars_and_sheets(sample_site, lang, prefix):
    root = sample_site / prefix
    for path in ["index.html", "actions/river-guardians/index.html", "search/search_index.json",
                 "feeds/actions.atom.xml", "calendars/tours.ics", "actions/river-guardians/river-guardians.pdf"]:
        assert (root / path).is_file(), f"{prefix}{path}"
    assert head(sample_site, f"{prefix}actions/river-guardians/index.html").html_lang == lang
    # Search in the language, with lunr's stemmer where it has one (none for Nepali: whole words).
    search = json.loads((root / "search/search_index.json").read_text())
    assert search["config"]["lang"] == ([lang] if lang != "ne" else ["en"])
    assert any(doc["location"] == "actions/river-guardians/" for doc in search["docs"])
    feed = feedparser.parse((root / "feeds/actions.atom.xml").read_bytes())
    assert feed.feed.language == lang
    assert feed.feed.link.startswith(SITE_URL + prefix)
    assert all(e.link.startswith(SITE_URL + prefix) for e in feed.entries)


def test_every_page_names_itself_in_every_language_and_the_switcher_goes_to_the_same_page(sample_site):
    pages = sorted(p.relative_to(sample_site).as_posix() for p in sample_site.glob("actions/*/index.html"))
    assert pages
    for page in pages:
        url = page[: -len("index.html")]
        for lang, prefix in LANGUAGES.items():
            h = head(sample_site, prefix + page)
            assert h.alternates == {**{other: SITE_URL + p + url for other, p in LANGUAGES.items()},
                                    "x-default": SITE_URL + url}
            assert set(h.switcher) == set(LANGUAGES)
            for other, href in h.switcher.items():
                assert resolve(prefix + page, href) == LANGUAGES[other] + page


def test_the_sitemap_lists_every_page_in_every_language_with_its_alternates(sample_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.parse(sample_site / "sitemap.xml").getroot().findall("s:url", ns)
    locs = [u.find("s:loc", ns).text for u in urls]
    assert len(locs) == len(set(locs))
    for lang, prefix in LANGUAGES.items():
        mine = [loc for loc in locs if loc.startswith(SITE_URL + prefix)
                and not any(loc.startswith(SITE_URL + p) for p in LANGUAGES.values() if len(p) > len(prefix))]
        assert SITE_URL + prefix + "actions/river-guardians/" in mine
        for loc in mine:
            path = loc[len(SITE_URL):]
            assert (sample_site / path / "index.html").is_file() or (sample_site / path).is_file(), loc
    first = urls[locs.index(SITE_URL + "es/actions/river-guardians/")]
    alternates = {link.get("hreflang"): link.get("href") for link in first.findall("x:link", ns)}
    assert alternates == {"en": SITE_URL + "actions/river-guardians/", "es": SITE_URL + "es/actions/river-guardians/",
                          "ne": SITE_URL + "ne/actions/river-guardians/", "x-default": SITE_URL + "actions/river-guardians/"}


def test_a_translated_page_shows_the_translation_and_an_untranslated_one_the_original_marked(sample_site):
    es = (sample_site / "es/actions/river-guardians/index.html").read_text()
    en = (sample_site / "actions/river-guardians/index.html").read_text()
    assert "Protejan a los guardianes" in es and "Protejan a los guardianes" not in en
    assert head(sample_site, "es/actions/river-guardians/index.html").notes == []
    tour = head(sample_site, "es/tours/voices-of-the-river/index.html")
    assert len(tour.notes) == 1 and "inglés" in tour.notes[0]
    nepali = head(sample_site, "ne/actions/river-guardians/index.html")
    assert len(nepali.notes) == 1
    # Written in Spanish, translated into English: the English page is the translation, not marked.
    assert head(sample_site, "defenders/tierra-viva/index.html").notes == []
    assert head(sample_site, "es/defenders/tierra-viva/index.html").notes == []


class EngineTitles(HTMLParser):
    """The titles in the engine's own navigation and header, each with the language it is marked with
    (the nearest lang attribute inside them; None: the page's)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.nav: dict[str, str | None] = {}
        self.header: dict[str, str | None] = {}
        self._open: list[tuple[str, str | None, str | None]] = []  # (tag, lang, zone)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        zone = self._open[-1][2] if self._open else None
        if "md-nav--primary" in (a.get("class") or "").split():
            zone = "nav"
        elif a.get("data-md-component") == "header-topic":
            zone = "header"
        self._open.append((tag, a.get("lang"), zone))

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or not self._open or self._open[-1][2] is None:
            return
        inside = [lang for _, lang, zone in self._open if zone is not None and lang]
        getattr(self, self._open[-1][2])[text] = inside[-1] if inside else None


def engine_titles(site: Path, path: str) -> EngineTitles:
    parser = EngineTitles()
    parser.feed((site / path).read_text())
    return parser


def test_a_title_the_engine_shows_in_its_original_language_is_marked_with_it(sample_site):
    """WCAG 3.1.2 in Material's own navigation and header: a page not translated into the site's language
    is named in its original's words, marked with their language; a translated one, and the interface's
    own words, are not marked."""
    for prefix in ("es/", "ne/"):
        page = engine_titles(sample_site, prefix + "about-accompaniment/index.html")
        assert page.header == {"About protective accompaniment": "en"}, prefix
        assert page.nav["About protective accompaniment"] == "en" and page.nav["How to help"] == "en", prefix
        assert {lang for title, lang in page.nav.items() if "accompaniment" not in title and title != "How to help"} \
            == {None}, prefix
    spanish = engine_titles(sample_site, "es/index.html")
    assert spanish.nav["Acciones urgentes"] is None and spanish.nav["About protective accompaniment"] == "en"
    assert engine_titles(sample_site, "es/actions/river-guardians/index.html").header \
        == {"Protejan a los guardianes del río de San Ignacio": None}  # translated
    english = engine_titles(sample_site, "about-accompaniment/index.html")
    assert english.header == {"About protective accompaniment": None}
    assert set(english.nav.values()) == {None}
    # Written in Spanish and not translated into Nepali: its name is marked as Spanish there, and the header
    # marks it as the page's own heading does.
    assert engine_titles(sample_site, "ne/defenders/tierra-viva/index.html").header == {"Asociación Tierra Viva": "es"}
    for prefix in LANGUAGES.values():
        path = prefix + "defenders/tierra-viva/index.html"
        h1 = re.search(r"<h1([^>]*)>([^<]*)</h1>", (sample_site / path).read_text())
        lang = re.search(r'lang="([^"]+)"', h1.group(1))
        assert engine_titles(sample_site, path).header == {h1.group(2): lang and lang.group(1)}, path


def test_a_share_text_and_a_profiles_facts_mark_the_words_shown_in_their_original_language(sample_site):
    def share_text(path):
        return re.search(r'<p class="ac-share__text" id="share-text">(.*?)</p>', (sample_site / path).read_text()).group(1)

    assert share_text("es/tours/voices-of-the-river/index.html").startswith(
        '<span lang="en">Voices of the River: a European speaker tour</span>. 5–14 de diciembre de 2026. https://')
    assert share_text("es/actions/river-guardians/index.html").startswith(  # translated: nothing marked
        "Protejan a los guardianes del río de San Ignacio. Actúe a más tardar el 22 de diciembre de 2026. https://")
    assert share_text("actions/river-guardians/index.html").startswith("Protect the river guardians of San Ignacio. Act by")
    facts = (sample_site / "ne/defenders/tierra-viva/index.html").read_text()
    assert '<dd lang="es">Asistencia jurídica en reclamos de tierras</dd>' in facts
    assert '<dd lang="es">Asociación Tierra Viva</dd>' in facts


def test_each_letter_links_to_the_letter_in_the_other_languages_it_is_written_in(sample_site):
    for page, others in [("actions/river-guardians/index.html", {"es"}),
                         ("es/actions/river-guardians/index.html", {"en"}),
                         ("ne/actions/river-guardians/index.html", {"en", "es"})]:
        letters = head(sample_site, page).letters
        assert set(letters) == others, page
        for lang, href in letters.items():
            target = resolve(page, href)
            assert target == LANGUAGES[lang] + "actions/river-guardians/index.html"
            assert 'id="letter"' in (sample_site / target).read_text()


def test_calendars_and_feeds_keep_their_identifiers_across_languages(sample_site):
    """One event, one entry: a reader of two languages' feeds or calendars sees it once (README says why)."""
    def uids(prefix):
        cal = icalendar.Calendar.from_ical((sample_site / prefix / "calendars/tours.ics").read_bytes())
        return sorted(str(e["UID"]) for e in cal.walk("VEVENT"))

    def ids(prefix):
        return sorted(e.id for e in feedparser.parse((sample_site / prefix / "feeds/actions.atom.xml").read_bytes()).entries)

    assert uids("") == uids("es/") == uids("ne/") and uids("")
    assert ids("") == ids("es/") == ids("ne/") and ids("")
    feeds = {feedparser.parse((sample_site / p / "feeds/actions.atom.xml").read_bytes()).feed.id for p in LANGUAGES.values()}
    assert len(feeds) == 3  # but each feed is a feed of its own


def test_the_spanish_sheet_carries_the_spanish_letter(sample_site):
    es = read_back("x.pdf", (sample_site / "es/actions/river-guardians/river-guardians.pdf").read_bytes())
    en = read_back("x.pdf", (sample_site / "actions/river-guardians/river-guardians.pdf").read_bytes())
    assert "Señora Fiscal General" in es
    assert re.search(r"Protejan a\s+los guardianes", es) and not re.search(r"Protejan a\s+los guardianes", en)


def test_a_stop_pack_is_offered_in_the_language_of_the_stop_on_every_page(sample_site):
    """vor-online has lang: es: the English and Nepali tour pages link to its Spanish pack too."""
    pack = "es/tours/voices-of-the-river/letter-writing-pack-vor-online.pdf"
    for page in ["tours/voices-of-the-river/index.html", "ne/tours/voices-of-the-river/index.html"]:
        hrefs = re.findall(r'<a href="([^"]*)" hreflang="es">', (sample_site / page).read_text())
        assert [resolve(page, h) for h in hrefs] == [pack], page
    assert "Señora Fiscal General" in read_back("x.pdf", (sample_site / pack).read_bytes())
    assert not re.findall(r'hreflang="es">', (sample_site / "es/tours/voices-of-the-river/index.html").read_text()
                          .split("md-select__list")[-1].split("</ul>", 1)[-1])


def test_a_translation_edited_rebuilds_its_language_only_and_gives_the_bytes_of_a_full_build(sample_built_once, tmp_path):
    from conftest import SAMPLE_AS_OF, copy_built, site_files
    from generator.build import build

    # The sample as its full build left it (conftest.sample_built_once, which checks that build was full), copied.
    project, site, cache = copy_built(sample_built_once, tmp_path)
    english = (site / "actions/river-guardians/index.html").stat()
    es = project.root / "content/actions/river-guardians.es.md"
    es.write_text(es.read_text().replace("Protejan a los guardianes", "Protejan ya a los guardianes"))
    report = build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert "es/actions/river-guardians/index.md" in report.plan.pages
    assert not [p for p in report.plan.pages if not p.startswith("es/")]
    assert (site / "actions/river-guardians/index.html").stat().st_mtime_ns == english.st_mtime_ns
    assert "Protejan ya a los guardianes" in (site / "es/actions/river-guardians/index.html").read_text()

    full = tmp_path / "full"
    build(project.root, full, SAMPLE_AS_OF, cache_dir=tmp_path / "cache-full", full=True)
    incremental, complete = site_files(site), site_files(full)
    assert sorted(incremental) == sorted(complete)
    assert [p for p in complete if incremental[p] != complete[p]] == []


def test_alerts_know_what_each_language_published(sample_site):
    """The build records each language's snapshot: an alert in Spanish carries the Spanish title and page."""
    from generator.alerts.snapshot import read

    folder = sample_site.parent / "alerts"
    for lang, prefix in LANGUAGES.items():
        published = read(folder, lang)
        assert published is not None and published["language"] == lang, lang
        assert published["actions"]["UA-2026-031"]["url"] == SITE_URL + prefix + "actions/river-guardians/"
    assert read(folder, "es")["actions"]["UA-2026-031"]["title"].startswith("Protejan a los guardianes")
    assert read(folder, "en")["actions"]["UA-2026-031"]["title"].startswith("Protect the river guardians")

"""Prove that nothing withheld or private leaks, from any output.

The fixture project in tests/fixtures/leaks plants a unique canary token
(LEAKTOKEN-...) and a unique slug (zz-...) in every way the contract withholds
something. The whole site is built, and every byte of every output file (pages,
search index, sitemaps, 404, feeds, calendars, PDFs as text and metadata,
images, file names) is searched for each of them.

The outputs are read back here with tools of their own (poppler's pdftotext and
pdfinfo, feedparser, icalendar, json, gzip), not with the build's leak scanner
(generator/leakscan.py): if one went blind, the other would still see.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, read_back, site_files
from generator.build import build

FIXTURE = Path(__file__).parent / "fixtures" / "leaks"
AS_OF = "2026-12-01"


def _canaries() -> list[str]:
    tokens, slugs = set(), set()
    for path in FIXTURE.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".yml"):
            tokens |= set(re.findall(r"LEAKTOKEN-[A-Z0-9-]+", path.read_text()))
        if path.name.startswith("zz-"):
            slugs.add(path.stem)
    for path in FIXTURE.rglob("*.md"):
        slugs |= set(re.findall(r"\b(zz-[a-z0-9-]+)", path.read_text()))
    return sorted(tokens) + sorted(slugs) + ["Leakreal Nameson Canary", "UA-LEAK-DRAFT", "UA-LEAK-EMBARGO"]


CANARIES = _canaries()


@pytest.fixture(scope="module")
def leak_site(tmp_path_factory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("leaks")
    project = base / "project"
    shutil.copytree(FIXTURE, project)
    shutil.copytree(REPO / "theme", project / "theme")
    from datetime import date

    build(project, base / "site", date.fromisoformat(AS_OF), cache_dir=base / "cache")
    return site_files(base / "site")


_READ: dict[int, dict[str, str]] = {}


def _haystacks(files: dict[str, bytes]) -> dict[str, str]:
    """Every file read back, casefolded; read once per built site (pdftotext runs are not free)."""
    if id(files) not in _READ:
        _READ[id(files)] = {path: read_back(path, data).casefold() for path, data in files.items()}
    return _READ[id(files)]


def test_the_fixture_plants_a_canary_for_every_rule():
    expected = {
        "LEAKTOKEN-DRAFT-ACTION", "LEAKTOKEN-EMBARGO-ACTION", "LEAKTOKEN-EMBARGO-TOUR", "LEAKTOKEN-DRAFT-CAMPAIGN",
        "LEAKTOKEN-DRAFT-PAGE", "LEAKTOKEN-DRAFT-DEFENDER", "LEAKTOKEN-EMBARGO-DEFENDER", "LEAKTOKEN-PENDING",
        "LEAKTOKEN-REJECTED", "LEAKTOKEN-VETTING-WITHDRAWN", "LEAKTOKEN-FOUR-EYES", "LEAKTOKEN-OVERDUE",
        "LEAKTOKEN-CONSENT-WITHDRAWN", "LEAKTOKEN-PRIVATE-TOP", "LEAKTOKEN-PRIVATE-ACTION",
        "LEAKTOKEN-PRIVATE-IN-STOP", "LEAKTOKEN-PRIVATE-IN-CONTACT", "LEAKTOKEN-PRIVATE-IN-VETTING",
        "LEAKTOKEN-COMMENT-BODY", "LEAKTOKEN-COMMENT-LETTER", "LEAKTOKEN-COMMENT-STEP", "LEAKTOKEN-COMMENT-UPDATE",
        "LEAKTOKEN-COMMENT-DEFENDER", "LEAKTOKEN-COMMENT-TOUR", "LEAKTOKEN-COMMENT-HOME",
        "LEAKTOKEN-REGION-NO-CONSENT", "LEAKTOKEN-ORG-NO-CONSENT", "LEAKTOKEN-PHOTO-ALT-NO-CONSENT",
        "zz-photo-no-consent", "Leakreal Nameson Canary",
        # comments in front matter texts other than Markdown ones: policy strips them too
        "LEAKTOKEN-COMMENT-SUMMARY", "LEAKTOKEN-COMMENT-ADDRESS", "LEAKTOKEN-COMMENT-SALUTATION",
        "LEAKTOKEN-COMMENT-OUTCOME", "LEAKTOKEN-COMMENT-ACCESSIBILITY", "LEAKTOKEN-COMMENT-TOUR-SUMMARY",
        "LEAKTOKEN-COMMENT-CAMPAIGN-SUMMARY",
        "LEAKTOKEN-VETTING-FUTURE", "LEAKTOKEN-REGION-LOCATION-NONE",
    }
    assert expected <= set(CANARIES)
    assert len(CANARIES) >= 40


def test_every_channel_is_built(leak_site):
    paths = set(leak_site)
    assert {"index.html", "404.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz",
            "actions/public-action/index.html", "defenders/public-defender/index.html",
            "tours/public-tour/index.html", "media/consented.jpg"} <= paths
    for suffix in (".xml", ".ics", ".pdf"):
        assert any(p.endswith(suffix) and not p.startswith("sitemap") for p in paths), f"no {suffix} output"


def test_the_search_reaches_published_text_in_every_channel(leak_site):
    """A positive control: the scan does read every kind of file (else 'no leak' would mean nothing)."""
    hay = _haystacks(leak_site)
    for suffix in (".html", ".json", ".xml", ".ics", ".pdf"):
        readable = [p for p in hay if p.endswith(suffix) and "public action" in hay[p]]
        assert readable, f"the published action's title is not found in any {suffix} file"
    assert any("protect rosa" in hay[p] for p in hay if p.endswith(".pdf"))
    assert any("leak test network" in hay[p] for p in hay if p.endswith(".pdf"))  # PDF metadata: the author
    assert "public-action" in " ".join(hay)
    assert "colleague was released" in hay["actions/public-resolved/index.html"]  # outcome, comment stripped
    assert "capital city" in hay["actions/public-action/index.html"]  # the address line that held a comment


def test_consent_location_none_shows_no_place(leak_site):
    """Tomasa's profile says country: IS and a region, and consent.location: none: neither shows anywhere."""
    hay = _haystacks(leak_site)
    assert "tomasa speaks for her village" in hay["defenders/located-nowhere/index.html"]
    assert [p for p, text in hay.items() if "iceland" in text or "countries/is" in text] == []
    assert not any(p.startswith(("countries/is", "feeds/countries/is")) for p in leak_site)


@pytest.mark.parametrize("canary", CANARIES)
def test_canary_appears_in_no_output_byte(leak_site, canary):
    needle = canary.casefold()
    found = [path for path, text in _haystacks(leak_site).items() if needle in text]
    assert found == []


def test_image_metadata_is_gone(leak_site):
    from io import BytesIO

    from PIL import Image

    data = leak_site["media/consented.jpg"]
    with Image.open(BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert "comment" not in image.info and "exif" not in image.info
    assert b"LEAKTOKEN" not in data


HOSTILE = ["XSSTOKEN-SCRIPT", "XSSTOKEN-ONERROR", "XSSTOKEN-ONCLICK", "XSSTOKEN-STYLE", "XSSTOKEN-STYLEATTR",
           "XSSTOKEN-LINK", "XSSTOKEN-SVG", "XSSTOKEN-FORM", "XSSTOKEN-REFRESH", "evil.example"]


@pytest.mark.parametrize("token", HOSTILE)
def test_injected_markup_survives_in_no_page_feed_or_sheet(leak_site, token):
    found = [path for path, text in _haystacks(leak_site).items() if token.casefold() in text]
    assert found == []


def _content_fragments(path: str, data: bytes) -> list[str]:
    """The HTML we generate from volunteers' text in one output file: page article, print sheet, feed entries."""
    text = data.decode("utf-8", "ignore")
    if path.endswith(".html"):
        for marker in ('<article class="ac-', '<article class="sheet'):
            if marker in text:
                start = text.index(marker)
                return [text[start: text.index("</article>", start)]]
        return []
    if path.endswith((".rss.xml", ".atom.xml")):
        import feedparser

        feed = feedparser.parse(data, sanitize_html=False)
        return [c.value for e in feed.entries for c in e.get("content", [])] + [e.get("summary", "") for e in feed.entries]
    if path.startswith("feeds/") and path.endswith(".json"):
        import json

        items = json.loads(text)["items"]
        return [i.get("content_html", "") for i in items] + [i.get("summary", "") for i in items]
    return []


DANGEROUS = re.compile(r"<(script|iframe|object|embed|style|form|base|meta|link)\b|\son[a-z]+\s*=|javascript:|data:text", re.I)


def test_no_dangerous_markup_in_our_content(leak_site):
    """In every page's article, every print sheet and every feed entry: no active content."""
    checked = {"page": 0, "sheet": 0, "feed entry": 0}
    for path, data in leak_site.items():
        for fragment in _content_fragments(path, data):
            assert not DANGEROUS.search(fragment), (path, DANGEROUS.search(fragment).group(0))
            kind = "sheet" if "print/" in path else "feed entry" if "feeds/" in path else "page"
            checked[kind] += 1
    assert all(count > 0 for count in checked.values()), checked
    body = leak_site["actions/public-action/index.html"].decode()
    assert 'href="https://ok.example/page" rel="noopener noreferrer"' in body

"""Feeds: every feed parsed back as a reader would, field by field, on the sample and on tiny projects."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import feedparser
import pytest

from conftest import MINIMAL_SETTINGS, REPO, SAMPLE_AS_OF, VALID_ACTION
from generator.build import Renderers
from generator.load import load
from generator.outputs.feeds import FeedItems, Feeds
from generator.outputs.pages import Link
from generator.outputs.sheets import Sheets
from test_calendars import SITE, WITHHELD, render

TAG = "tag:accompany.invalid,2026:"
ATOM = "{http://www.w3.org/2005/Atom}"

SAMPLE_FEEDS = [
    "all", "actions", "actions-open", "tours",
    "campaigns/rivers-not-bullets", "campaigns/free-to-report",
    *(f"countries/{cc}" for cc in ("ca", "co", "de", "es", "gb", "gt", "ke", "mx", "no", "us")),
    *(f"themes/{t}" for t in ("land-rights", "environment", "press-freedom", "labour-rights", "women-defenders")),
]

def parse(data: bytes):
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def ids(parsed) -> list[str]:
    return [e.id for e in parsed.entries]


def atom_time(text: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", text), text  # RFC 3339
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def sample() -> dict[str, bytes]:
    return render(REPO, SAMPLE_AS_OF)


# ---------------------------------------------------------------- what exists, and that it parses


def test_the_sample_has_every_feed_in_three_formats_and_an_opml_list(sample):
    feeds = sorted(p for p in sample if p.startswith("feeds/"))
    expected = sorted([f"feeds/{key}.{suffix}" for key in SAMPLE_FEEDS for suffix in ("rss.xml", "atom.xml", "json")]
                      + ["feeds/opml.xml"])
    assert feeds == expected


def test_the_build_copies_feeds_into_the_site(sample_site, sample):
    for key in SAMPLE_FEEDS:
        for suffix in ("rss.xml", "atom.xml", "json"):
            path = f"feeds/{key}.{suffix}"
            assert (sample_site / path).read_bytes() == sample[path]


@pytest.mark.parametrize("key", SAMPLE_FEEDS)
def test_every_feed_parses_cleanly_and_says_what_it_is(sample, key):
    rss = parse(sample[f"feeds/{key}.rss.xml"])
    atom = parse(sample[f"feeds/{key}.atom.xml"])
    assert rss.version == "rss20" and atom.version == "atom10"
    assert ids(rss) == ids(atom)
    assert len(set(ids(atom))) == len(ids(atom))
    assert all(i.startswith(TAG) for i in ids(atom))
    for parsed, suffix, media_type in ((rss, "rss.xml", "application/rss+xml"), (atom, "atom.xml", "application/atom+xml")):
        assert parsed.feed.title.startswith("Accompany Sample Network: ")
        self_links = [link for link in parsed.feed.links if link.rel == "self"]
        assert [(link.href, link.type) for link in self_links] == [(f"{SITE}feeds/{key}.{suffix}", media_type)]
        assert parsed.feed.link.startswith(SITE)
        assert parsed.feed.language == "en"
    doc = json.loads(sample[f"feeds/{key}.json"])
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == f"{SITE}feeds/{key}.json"
    assert [item["id"] for item in doc["items"]] == ids(atom)
    for item in doc["items"]:
        assert item["url"].startswith(SITE) and item["content_html"] and item["title"]
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_rss_has_what_the_validator_asks_for(sample):
    raw = sample["feeds/actions.rss.xml"].decode()
    root = ElementTree.fromstring(raw)
    channel = root.find("channel")
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == f"{SITE}feeds/actions.rss.xml"
    items = channel.findall("item")
    assert len(items) == 10
    for item in items:
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and guid.text.startswith(TAG)
        pub = item.find("pubDate").text
        assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000", pub)  # RFC 822, UTC
        assert item.find("{http://purl.org/dc/elements/1.1/}creator").text == "Accompany Sample Network"
        assert item.find("link").text.startswith(SITE)
    assert channel.find("lastBuildDate").text == "Thu, 26 Nov 2026 00:00:00 +0000"
    assert items[0].find("pubDate").text == "Thu, 26 Nov 2026 00:00:00 +0000"


def test_rss_dates_are_in_utc_and_atom_dates_in_site_time(project):
    # RFC 822 as validators read it allows no +0545 offset (Nepal): RSS says the same instant in UTC.
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("timezone: Europe/London", "timezone: Asia/Kathmandu"))
    project.write("content/actions/a.md", VALID_ACTION)
    files = render(project.root, date(2026, 12, 1))
    rss = ElementTree.fromstring(files["feeds/actions.rss.xml"])
    assert rss.find("channel/item/pubDate").text == "Sat, 31 Oct 2026 18:15:00 +0000"
    assert rss.find("channel/lastBuildDate").text == "Sat, 31 Oct 2026 18:15:00 +0000"
    atom = ElementTree.fromstring(files["feeds/actions.atom.xml"])
    assert atom.find(f"{ATOM}entry/{ATOM}published").text == "2026-11-01T00:00:00+05:45"


def test_atom_entries_have_one_alternate_link_and_print_sheets_as_related(sample, monkeypatch):
    root = ElementTree.fromstring(sample["feeds/actions.atom.xml"])
    for entry in root.findall(f"{ATOM}entry"):
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("href").startswith(SITE)
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "Accompany Sample Network"
        atom_time(entry.find(f"{ATOM}published").text)
        atom_time(entry.find(f"{ATOM}updated").text)


def test_entries_link_the_print_sheet_that_the_sheets_output_offers(monkeypatch):
    def action_links(self, action):
        return [Link(action.url + "print/", "Print this action"), Link(action.url + "sheet.pdf", "PDF", "application/pdf")]

    monkeypatch.setattr(Sheets, "action_links", action_links)
    files = render(REPO, SAMPLE_AS_OF, (Feeds,))
    root = ElementTree.fromstring(files["feeds/actions-open.atom.xml"])
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.find(f"{ATOM}id").text == TAG + "action/UA-2026-031")
    related = [(link.get("href"), link.get("type"), link.get("title"))
               for link in entry.findall(f"{ATOM}link") if link.get("rel") == "related"]
    assert related == [(f"{SITE}actions/river-guardians/print/", None, "Print this action"),
                       (f"{SITE}actions/river-guardians/sheet.pdf", "application/pdf", "PDF")]
    assert f'href="{SITE}actions/river-guardians/sheet.pdf"' in entry.find(f"{ATOM}content").text
    item = next(i for i in json.loads(files["feeds/actions-open.json"])["items"] if i["id"].endswith("UA-2026-031"))
    assert item["attachments"] == [
        {"url": f"{SITE}actions/river-guardians/print/", "mime_type": "text/html", "title": "Print this action"},
        {"url": f"{SITE}actions/river-guardians/sheet.pdf", "mime_type": "application/pdf", "title": "PDF"}]


def test_every_attachment_has_its_real_type(sample):
    item = next(i for i in json.loads(sample["feeds/actions-open.json"])["items"] if i["id"].endswith("UA-2026-031"))
    assert [(a["url"], a["mime_type"]) for a in item["attachments"]] == [
        (f"{SITE}actions/river-guardians/print/", "text/html"),
        (f"{SITE}actions/river-guardians/river-guardians.pdf", "application/pdf")]
    root = ElementTree.fromstring(sample["feeds/actions-open.atom.xml"])
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.find(f"{ATOM}id").text == TAG + "action/UA-2026-031")
    assert [link.get("type") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "related"] == [
        "text/html", "application/pdf"]


# ---------------------------------------------------------------- what the entries are


def test_each_action_update_closure_and_resolution_is_its_own_entry(sample):
    atom = parse(sample["feeds/actions.atom.xml"])
    by_id = {e.id: e for e in atom.entries}
    assert sorted(by_id) == sorted(TAG + s for s in [
        "action/UA-2026-031", "action/UA-2026-031/update/2026-11-18", "action/UA-2026-031/update/2026-11-26",
        "action/UA-2026-034",
        "action/UA-2026-019", "action/UA-2026-019/update/2026-09-24", "action/UA-2026-019/closed",
        "action/UA-2026-012", "action/UA-2026-012/update/2026-06-10", "action/UA-2026-012/resolved",
    ])
    update = by_id[TAG + "action/UA-2026-031/update/2026-11-18"]
    assert update.title == "Update: A second threat, by phone (Protect the river guardians of San Ignacio)"
    assert "stop talking about the river" in update.content[0].value
    assert update.published == "2026-11-18T00:00:00+00:00"

    closed = by_id[TAG + "action/UA-2026-019/closed"]
    assert closed.title == "Closed: Journalist detained for reporting on land grabs"
    assert closed.published == "2026-11-20T00:00:00+00:00"  # the deadline's day
    assert "the last day to act was November 20, 2026" in closed.content[0].value

    resolved = by_id[TAG + "action/UA-2026-012/resolved"]
    assert resolved.title == "Resolved: Two land defenders released"
    assert resolved.published == "2026-06-10T00:00:00+01:00"  # midnight, London summer time
    assert "a judge dropped all charges" in resolved.content[0].value
    assert resolved.summary.startswith("On 10 June 2026 a judge dropped all charges")

    new = by_id[TAG + "action/UA-2026-031"]
    assert new.title == "Urgent action: Protect the river guardians of San Ignacio"
    assert new.published == new.updated == "2026-11-10T00:00:00+00:00"
    assert new.summary.startswith("Leaders of a river community")
    assert "Dear Attorney General," in new.content[0].value  # the model letter, while open
    assert {t.label for t in new.tags} == {"Colombia", "Environmental defenders", "Land and territory",
                                           "Rivers, not bullets"}
    assert new.author == "Accompany Sample Network"


def test_a_closed_action_no_longer_asks_for_letters(sample):
    atom = parse(sample["feeds/actions.atom.xml"])
    closed = next(e for e in atom.entries if e.id == TAG + "action/UA-2026-019")
    content = closed.content[0].value
    assert "This action is closed" in content
    assert "Dear Inspector General" not in content and "PO Box 00000" not in content
    assert closed.updated == "2026-11-20T00:00:00+00:00"  # changed when it closed


def test_open_feed_carries_only_open_actions(sample):
    atom = parse(sample["feeds/actions-open.atom.xml"])
    assert ids(atom) == [TAG + s for s in [
        "action/UA-2026-031/update/2026-11-26", "action/UA-2026-034",
        "action/UA-2026-031/update/2026-11-18", "action/UA-2026-031"]]


def test_entries_are_newest_first_and_the_feed_is_as_new_as_its_newest_entry(sample):
    for key in SAMPLE_FEEDS:
        atom = ElementTree.fromstring(sample[f"feeds/{key}.atom.xml"])
        published = [atom_time(e.find(f"{ATOM}published").text) for e in atom.findall(f"{ATOM}entry")]
        assert published == sorted(published, reverse=True), key
        updated = [atom_time(e.find(f"{ATOM}updated").text) for e in atom.findall(f"{ATOM}entry")]
        feed_updated = atom_time(atom.find(f"{ATOM}updated").text)
        rss = ElementTree.fromstring(sample[f"feeds/{key}.rss.xml"])
        last_build = parsedate_to_datetime(rss.find("channel/lastBuildDate").text)
        assert last_build == feed_updated, key
        if updated:
            assert feed_updated == max(updated), key
    actions = ElementTree.fromstring(sample["feeds/actions.atom.xml"])
    assert actions.find(f"{ATOM}updated").text == "2026-11-26T00:00:00+00:00"  # the newest update, not the clock


def test_feeds_do_not_read_the_clock():
    # One day later nothing in the content changes state, so no feed may change either.
    first = render(REPO, date(2026, 12, 1), (Feeds,))
    second = render(REPO, date(2026, 12, 2), (Feeds,))
    feeds = [p for p in first if p.startswith("feeds/")]
    assert [p for p in feeds if first[p] != second[p]] == []


def test_tours_feed_has_each_tour_and_each_stop_with_cancellations_marked(sample):
    atom = parse(sample["feeds/tours.atom.xml"])
    by_id = {e.id: e for e in atom.entries}
    assert len(by_id) == 2 + 9
    berlin = by_id[TAG + "stop/voices-of-the-river-berlin-2026-12-10"]
    assert berlin.title == "Cancelled: Voices of the River: a European speaker tour – Berlin, December 10, 2026"
    assert "This event is cancelled." in berlin.content[0].value
    mexico = by_id[TAG + "stop/americas-listening-tour-mexico-city-2027-01-20"]
    assert mexico.title.startswith("Postponed: ")
    glasgow = by_id[TAG + "stop/ftr-glasgow"]
    assert glasgow.published == "2026-11-20T00:00:00+00:00"  # when it was announced, not when it starts
    assert "Sunday, March 28, 2027, 7:00\u202fPM" in glasgow.summary  # 19:00 London time, summer time from that morning
    assert f"{SITE}calendars/stops/ftr-glasgow.ics" in glasgow.content[0].value
    tour = by_id[TAG + "tour/voices-of-the-river"]
    assert tour.title == "Speaker tour: Voices of the River: a European speaker tour"
    assert f"{SITE}calendars/tours/voices-of-the-river.ics" in tour.content[0].value


def test_country_campaign_and_theme_feeds_carry_what_belongs_to_them(sample):
    def entry_ids(key):
        return set(ids(parse(sample[f"feeds/{key}.atom.xml"])))

    assert entry_ids("countries/gb") == {TAG + "stop/vor-london", TAG + "stop/ftr-glasgow"}
    assert entry_ids("countries/ke") == {TAG + s for s in [
        "action/UA-2026-019", "action/UA-2026-019/update/2026-09-24", "action/UA-2026-019/closed"]}
    free = entry_ids("campaigns/free-to-report")
    assert TAG + "action/UA-2026-019" in free and TAG + "tour/americas-listening-tour" in free
    assert not any("UA-2026-031" in i for i in free)
    assert entry_ids("themes/labour-rights") == {TAG + "action/UA-2026-034"}
    assert entry_ids("themes/women-defenders") == set()
    assert entry_ids("all") == set().union(*(entry_ids(k) for k in SAMPLE_FEEDS if k != "all"))


def test_an_empty_feed_is_still_valid_and_dated_by_the_content(sample):
    atom = ElementTree.fromstring(sample["feeds/themes/women-defenders.atom.xml"])
    assert atom.findall(f"{ATOM}entry") == []
    everything = ElementTree.fromstring(sample["feeds/all.atom.xml"])
    assert atom.find(f"{ATOM}updated").text == everything.find(f"{ATOM}updated").text


# ---------------------------------------------------------------- safety


def test_withheld_items_leave_no_trace_in_feeds_and_calendars(sample):
    leaks = [(path, needle) for path, data in sample.items() for needle in WITHHELD
             if needle.casefold() in data.decode().casefold()]
    assert leaks == []


def test_an_embargoed_action_appears_only_when_the_embargo_lifts(project):
    project.write("content/actions/later.md", VALID_ACTION.replace("title: A valid action", "title: Embargoed case")
                  .replace("summary: A test action.", "summary: A test action.\npublish_on: 2026-12-10"))
    project.write("content/actions/now.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-002"))
    before = render(project.root, date(2026, 12, 1))
    assert not any(b"Embargoed case" in data or b"UA-TEST-001" in data for data in before.values())
    assert TAG + "action/UA-TEST-002" in ids(parse(before["feeds/actions.atom.xml"]))
    after = render(project.root, date(2026, 12, 10))
    assert TAG + "action/UA-TEST-001" in ids(parse(after["feeds/actions.atom.xml"]))


def test_content_is_sanitised_and_every_link_is_absolute(project):
    project.copy_sample("content/media/river.jpg")
    project.write("content/pages/how-to-help.md", "---\ntitle: How to help\n---\n\nHelp.\n")
    project.write("content/actions/a.md", VALID_ACTION.replace("Body.", """\
Read [the letter](#letter), [how to help](../pages/how-to-help.md) and [a site](https://example.net/x).

![A river](../media/river.jpg)

<script>alert("x")</script><a href="https://example.net/y" onclick="alert(2)">click</a>
<iframe src="https://evil.example/"></iframe>
"""))
    files = render(project.root, date(2026, 12, 1))
    entry = parse(files["feeds/actions.atom.xml"]).entries[0]
    html = entry.content[0].value
    for bad in ("<script", "javascript:", "onclick", "<iframe", 'alert("x")'):
        assert bad not in html
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert "https://example.org/actions/a/#letter" in urls
    assert "https://example.org/how-to-help/" in urls
    assert "https://example.org/media/river.jpg" in urls
    assert "https://example.net/x" in urls
    assert [u for u in urls if not re.match(r"(https://|mailto:)", u)] == []
    raw = ElementTree.fromstring(files["feeds/actions.atom.xml"]).find(f"{ATOM}entry/{ATOM}content").text
    assert json.loads(files["feeds/actions.json"])["items"][0]["content_html"] == raw
    assert "<script" not in raw and "onclick" not in raw and "<iframe" not in raw


def test_the_sample_feeds_link_only_absolute_addresses(sample):
    for key in SAMPLE_FEEDS:
        for entry in parse(sample[f"feeds/{key}.atom.xml"]).entries:
            urls = re.findall(r'(?:href|src)="([^"]*)"', entry.content[0].value)
            assert [u for u in urls if not re.match(r"(https://|mailto:|webcal://)", u)] == [], entry.id


# ---------------------------------------------------------------- stable ids


def test_ids_survive_a_new_title_slug_campaign_and_domain(project):
    action = VALID_ACTION.replace("letter: |", """\
updates:
  - date: 2026-11-05
    title: First news
    text: Something happened.
  - date: 2026-11-05
    title: Second news, same day
    text: Something else happened.
letter: |""")
    project.write("content/actions/a.md", action)
    first = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    assert ids(first) == [TAG + s for s in ["action/UA-TEST-001/update/2026-11-05-2",
                                            "action/UA-TEST-001/update/2026-11-05", "action/UA-TEST-001"]]

    (project.root / "content/actions/a.md").unlink()
    project.write("campaigns/c.md", "---\ntitle: C\nsummary: A campaign.\nstarts: 2026-01-01\n---\n\nC.\n")
    project.write("content/actions/renamed.md", action.replace("title: A valid action", "title: A new title")
                  .replace("country: CO", "country: CO\ncampaigns: [c]"))
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("https://example.org/", "https://new-domain.example.net/"))
    second = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    assert ids(second) == ids(first)
    assert second.entries[2].title == "Urgent action: A new title"
    assert second.entries[2].link == "https://new-domain.example.net/actions/renamed/"


def test_the_tag_authority_setting_names_every_id(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  tag_authority: example.org,2019\n")
    project.write("content/actions/a.md", VALID_ACTION)
    atom = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    assert atom.feed.id == "tag:example.org,2019:feed/actions"
    assert ids(atom) == ["tag:example.org,2019:action/UA-TEST-001"]


def test_a_bad_tag_authority_is_a_clear_error(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  tag_authority: https://example.org/\n")
    problems = project.problems()
    assert any("accompany.tag_authority" in p and "such as example.org,2026" in p for p in problems), problems


def test_an_action_closed_early_is_dated_by_its_last_update(project):
    project.write("content/actions/a.md", VALID_ACTION.replace("status: open", "status: closed").replace("letter: |", """\
updates:
  - date: 2026-11-15
    title: Closed early
    text: The authorities granted protection.
letter: |"""))
    atom = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    closed = next(e for e in atom.entries if e.id.endswith("/closed"))
    assert closed.published == "2026-11-15T00:00:00+00:00"
    assert "has passed" not in closed.content[0].value


def test_feed_limit_keeps_the_newest_entries(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  feed_limit: 2\n")
    for n in range(1, 5):
        project.write(f"content/actions/a{n}.md", VALID_ACTION.replace("UA-TEST-001", f"UA-TEST-00{n}")
                      .replace("issued: 2026-11-01", f"issued: 2026-11-0{n}"))
    atom = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    assert ids(atom) == [TAG + "action/UA-TEST-004", TAG + "action/UA-TEST-003"]
    assert atom.feed.updated == "2026-11-04T00:00:00+00:00"


# ---------------------------------------------------------------- pages: autodiscovery and Subscribe


def _alternates(html: str) -> set[tuple[str, str]]:
    return {(m[0], m[1]) for m in re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)"', html)}


@pytest.mark.parametrize("page, feeds", [
    ("index.html", ["all"]),
    ("actions/index.html", ["actions", "actions-open"]),
    ("actions/river-guardians/index.html", ["actions", "actions-open"]),
    ("tours/index.html", ["tours"]),
    ("tours/voices-of-the-river/index.html", ["tours"]),
    ("campaigns/rivers-not-bullets/index.html", ["campaigns/rivers-not-bullets"]),
    ("countries/co/index.html", ["countries/co"]),
    ("themes/land-rights/index.html", ["themes/land-rights"]),
    ("subscribe/index.html", ["all"]),
])
def test_pages_announce_their_feeds_in_the_head(sample_site, page, feeds):
    found = _alternates((sample_site / page).read_text())
    expected = {(t, f"{SITE}feeds/{key}.{s}") for key in feeds
                for t, s in (("application/rss+xml", "rss.xml"), ("application/atom+xml", "atom.xml"))}
    assert {a for a in found if a[0] != "text/calendar"} == expected


def test_pages_learn_their_feeds_before_any_entry_is_made(monkeypatch):
    # Every page asks before it is rendered: making the entries must wait for the feeds themselves.
    made = []
    for kind in ("action", "tour", "stop"):
        monkeypatch.setattr(FeedItems, kind, lambda self, *args, kind=kind: made.append(kind))
    feeds = next(o for o in Renderers(load(REPO, SAMPLE_AS_OF)).outputs if isinstance(o, Feeds))
    assert [link.url for link in feeds.page_links("actions/")] == [
        "subscribe/", "feeds/actions.rss.xml", "feeds/actions.atom.xml",
        "feeds/actions-open.rss.xml", "feeds/actions-open.atom.xml"]
    assert made == []


def test_the_subscribe_page_lists_every_feed_and_calendar_and_is_in_the_navigation(sample_site, sample):
    html = (sample_site / "subscribe/index.html").read_text()
    for key in SAMPLE_FEEDS:
        assert f"{SITE}feeds/{key}.rss.xml" in html
        for suffix in ("rss.xml", "atom.xml", "json"):
            assert f'href="../feeds/{key}.{suffix}"' in html
    for cal in ("calendars/tours.ics", "calendars/tours/voices-of-the-river.ics",
                "calendars/tours/americas-listening-tour.ics"):
        assert f'href="webcal://accompany.example.org/{cal}"' in html and f'href="../{cal}"' in html
    assert 'href="../feeds/opml.xml"' in html
    assert "feed reader" in html and "Google Calendar" in html and "Outlook" in html
    assert "<script>" not in html.split('<article class="ac-index ac-subscribe-page">')[1].split("</article>")[0]
    assert 'href="subscribe/"' in (sample_site / "index.html").read_text()  # navigation


def test_the_opml_list_names_every_feed(sample):
    root = ElementTree.fromstring(sample["feeds/opml.xml"])
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("type") == "rss"]
    assert urls == [f"{SITE}feeds/{key}.rss.xml" for key in SAMPLE_FEEDS]
    assert all(o.get("text") for o in root.iter("outline"))


def test_no_entry_is_dated_after_tomorrow(sample):
    """The W3C validator warns about dates later than tomorrow ("implausible date"): stops carry their announcement."""
    import calendar

    limit = calendar.timegm((2026, 12, 2, 0, 0, 0))
    checked = 0
    for path, data in sample.items():
        if path.endswith((".rss.xml", ".atom.xml")):
            feed = parse(data)
            for entry in feed.entries:
                for field in {"published_parsed", "updated_parsed"} & set(entry.keys()):
                    if entry[field]:
                        assert calendar.timegm(entry[field]) <= limit, (path, entry.id, field)
                        checked += 1
            if feed.feed.get("updated_parsed"):
                assert calendar.timegm(feed.feed.updated_parsed) <= limit, path
    assert checked > 100


def test_entries_are_placed_as_they_are_made_and_each_feed_keeps_the_newest_of_all():
    # A feed places an action's entries before making them (issue 16): the places must be the entries' own,
    # and the few it keeps exactly the newest of all its entries made, ties resolved as the full sort does.
    feeds = next(o for o in Renderers(load(REPO, SAMPLE_AS_OF)).outputs if isinstance(o, Feeds))
    for action in feeds.ctx.site.actions_ordered:
        made = feeds.entries.action(action)
        assert feeds.entries.places(action) == [(i.published, i.rank, i.id, i.updated) for i in made]
    for feed in feeds.feeds:
        everything = [entry.made() for entry in feed.items]
        for limit in (1, 3, 50):
            newest = sorted(everything, key=lambda i: (i.published, i.rank, i.id), reverse=True)[:limit]
            assert [i.id for i in feed.entries(limit)] == [i.id for i in newest]
            assert feed.entries(limit) == newest

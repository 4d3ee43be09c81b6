"""Calendars: every .ics parsed back with icalendar, event by event, across time zones and clock changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

from pathlib import Path

import jinja2
import pytest
from icalendar import Calendar

from conftest import MINIMAL_SETTINGS, REPO, SAMPLE_AS_OF
from generator.build import TEMPLATES, load
from generator.outputs import Cache, Context
from generator.outputs.calendars import Calendars
from generator.catalogs import SOURCE, formatter, translations
from generator.outputs.markup import MarkupRenderer
from generator.outputs.pages import template_environment
from generator.render import outputs

SITE = "https://accompany.example.org/"
UTC = timezone.utc
DOMAIN = "@accompany.invalid"

SAMPLE_CALENDARS = ["calendars/tours.ics", "calendars/tours/americas-listening-tour.ics",
                    "calendars/tours/voices-of-the-river.ics"]
SAMPLE_STOPS = ["americas-listening-tour-mexico-city-2027-01-20", "americas-listening-tour-new-york-2026-11-20",
                "ftr-glasgow", "ftr-toronto", "voices-of-the-river-berlin-2026-12-10",
                "voices-of-the-river-madrid-2026-12-14", "voices-of-the-river-oslo-2026-12-08", "vor-london",
                "vor-online"]

#: Strings of withheld sample items (and private notes) that no feed or calendar may carry.
WITHHELD = ["CANARY", "UA-2026-036", "UA-2026-037", "draft-action", "embargoed-action", "tomas-pending",
            "overdue-review", "withdrawn-consent", "four-eyes", "Direct line of her chief of staff",
            "The venue received threats", "Internal: the pamphlet photo", "Marisol Quintero Vargas"]

TOUR = """\
---
title: A test tour
summary: A tour.
stops:
{stops}
---

Body.
"""


def render(root: Path, as_of, only=None) -> dict[str, bytes]:
    """The files of the feeds and calendars outputs (or ``only`` these) for the project at ``root``, as a build makes them."""
    loaded = load(root, as_of)
    site = loaded.site
    markup = MarkupRenderer(site, loaded.project.media)
    env = template_environment(jinja2.FileSystemLoader(root / "theme" / TEMPLATES), translations(SOURCE))
    ctx = Context(site, markup, env, formatter(site.config.settings.language), Cache.memory())
    files: dict[str, bytes] = {}
    for output in outputs(ctx):
        if output.name in ("feeds", "calendars") and (only is None or type(output) in only):
            files.update(output.render())
    return files


@pytest.fixture(scope="module")
def sample() -> dict[str, bytes]:
    return render(REPO, SAMPLE_AS_OF, (Calendars,))


def calendar(data: bytes) -> Calendar:
    cal = Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and str(cal["PRODID"]).startswith("-//accompany//")
    return cal


def events(data: bytes) -> dict[str, object]:
    """UID to VEVENT."""
    return {str(e["UID"]): e for e in calendar(data).walk("VEVENT")}


def utc(event, key: str = "DTSTART") -> datetime:
    return event.decoded(key).astimezone(UTC)


def tour_project(project, stops: str, **settings) -> None:
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "".join(f"  {k}: {v}\n" for k, v in settings.items()))
    project.write("content/tours/t.md", TOUR.format(stops=stops))


# ---------------------------------------------------------------- what exists


def test_the_sample_has_a_calendar_per_tour_one_for_all_and_one_per_stop(sample, sample_site):
    expected = sorted(SAMPLE_CALENDARS + [f"calendars/stops/{s}.ics" for s in SAMPLE_STOPS])
    assert sorted(sample) == expected
    for path in expected:  # every byte, DTSTAMP included: both are made as of the same "now"
        assert (sample_site / path).read_bytes() == sample[path], path


def test_every_calendar_parses_and_every_zone_it_uses_is_defined(sample):
    for path, data in sample.items():
        cal = calendar(data)
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        assert max(len(line) for line in data.split(b"\r\n")) <= 75  # folded as RFC 5545 asks
        defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        used = set(re.findall(rb"TZID=([^:;]+)", data))
        assert {u.decode() for u in used} == defined, path
        assert cal.walk("VEVENT"), path


def test_the_all_calendar_has_every_stop_and_the_tour_calendars_theirs(sample):
    everything = events(sample["calendars/tours.ics"])
    assert sorted(everything) == sorted(s + DOMAIN for s in SAMPLE_STOPS)
    voices = events(sample["calendars/tours/voices-of-the-river.ics"])
    assert sorted(voices) == sorted(s + DOMAIN for s in SAMPLE_STOPS if "river" in s or s.startswith("vor-"))
    assert len(events(sample["calendars/tours/americas-listening-tour.ics"])) == 4
    for uid in SAMPLE_STOPS:
        assert list(events(sample[f"calendars/stops/{uid}.ics"])) == [uid + DOMAIN]


def test_subscribed_calendars_have_a_name_and_a_refresh_interval(sample):
    cal = calendar(sample["calendars/tours/voices-of-the-river.ics"])
    name = "Accompany Sample Network: Voices of the River: a European speaker tour"
    assert str(cal["NAME"]) == name
    assert cal["X-WR-CALNAME"].to_ical().decode() == name.replace(",", "\\,")
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in sample["calendars/tours/voices-of-the-river.ics"]
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in sample["calendars/tours/voices-of-the-river.ics"]
    assert str(cal["SOURCE"]) == f"{SITE}calendars/tours/voices-of-the-river.ics"
    assert str(cal["URL"]) == f"{SITE}tours/voices-of-the-river/"
    single = calendar(sample["calendars/stops/vor-london.ics"])
    assert "REFRESH-INTERVAL" not in single and str(single["NAME"]).endswith("London")


# ---------------------------------------------------------------- events


def test_an_event_has_what_a_calendar_needs(sample):
    london = events(sample["calendars/tours.ics"])["vor-london" + DOMAIN]
    assert str(london["SUMMARY"]) == "Voices of the River: a European speaker tour – London"
    assert utc(london) == datetime(2026, 12, 5, 19, tzinfo=UTC)
    assert utc(london, "DTEND") == datetime(2026, 12, 5, 21, tzinfo=UTC)
    assert london["DTSTART"].params["TZID"] == "Europe/London"
    assert str(london["LOCATION"]) == "Friends Meeting House (sample), 1 Example Road, London NW1 0AA, London, United Kingdom"
    assert str(london["URL"]) == f"{SITE}tours/voices-of-the-river/#stop-vor-london"
    assert str(london["STATUS"]) == "CONFIRMED"
    description = str(london["DESCRIPTION"])
    assert "Register: https://tickets.example.org/voices-london" in description
    assert "Accessibility: Step-free access; BSL interpretation; hearing loop." in description
    assert f"Protect the river guardians of San Ignacio: {SITE}actions/river-guardians/" in description
    assert "<" not in description  # plain text
    assert london.decoded("DTSTAMP") == datetime(2026, 12, 1, tzinfo=UTC)  # the build's "now", not the wall clock


@pytest.mark.parametrize("uid, local, zone, instant", [
    ("ftr-glasgow", datetime(2027, 3, 28, 19), "Europe/London", datetime(2027, 3, 28, 18, tzinfo=UTC)),  # BST from 01:00
    ("vor-london", datetime(2026, 12, 5, 19), "Europe/London", datetime(2026, 12, 5, 19, tzinfo=UTC)),
    ("ftr-toronto", datetime(2027, 1, 15, 18), "America/Toronto", datetime(2027, 1, 15, 23, tzinfo=UTC)),
    ("americas-listening-tour-new-york-2026-11-20", datetime(2026, 11, 20, 18), "America/New_York",
     datetime(2026, 11, 20, 23, tzinfo=UTC)),  # EST: the clocks went back on 1 November
    ("voices-of-the-river-oslo-2026-12-08", datetime(2026, 12, 8, 18, 30), "Europe/Oslo",
     datetime(2026, 12, 8, 17, 30, tzinfo=UTC)),
    ("americas-listening-tour-mexico-city-2027-01-20", datetime(2027, 1, 20, 19), "America/Mexico_City",
     datetime(2027, 1, 21, 1, tzinfo=UTC)),
])
def test_times_are_right_across_zones_and_clock_changes(sample, uid, local, zone, instant):
    data = sample["calendars/tours.ics"]
    event = events(data)[uid + DOMAIN]
    assert event["DTSTART"].params["TZID"] == zone
    assert event.decoded("DTSTART").replace(tzinfo=None) == local
    assert utc(event) == instant
    # The calendar's own VTIMEZONE, not only the client's zone database, must give the same instant.
    vtimezone = next(tz for tz in calendar(data).walk("VTIMEZONE") if str(tz["TZID"]) == zone)
    assert local.replace(tzinfo=vtimezone.to_tz()).astimezone(UTC) == instant


def test_an_online_stop_in_utc_needs_no_zone_and_carries_its_link(sample):
    online = events(sample["calendars/tours.ics"])["vor-online" + DOMAIN]
    assert utc(online) == datetime(2026, 12, 12, 17, tzinfo=UTC)
    assert b"DTSTART:20261212T170000Z" in sample["calendars/stops/vor-online.ics"]
    assert b"VTIMEZONE" not in sample["calendars/stops/vor-online.ics"]
    assert str(online["LOCATION"]) == "https://meet.example.org/voices-of-the-river"
    assert str(online["CONFERENCE"]) == "https://meet.example.org/voices-of-the-river"
    assert "Online: https://meet.example.org/voices-of-the-river" in str(online["DESCRIPTION"])
    madrid = events(sample["calendars/tours.ics"])["voices-of-the-river-madrid-2026-12-14" + DOMAIN]
    assert str(madrid["LOCATION"]) == "Centro Cultural (sample), Madrid, Spain and online"
    assert "Online: https://meet.example.org/voices-madrid" in str(madrid["DESCRIPTION"])


def test_a_cancelled_stop_stays_cancelled_and_keeps_its_secrets(sample):
    for path in ("calendars/tours.ics", "calendars/tours/voices-of-the-river.ics",
                 "calendars/stops/voices-of-the-river-berlin-2026-12-10.ics"):
        berlin = events(sample[path])["voices-of-the-river-berlin-2026-12-10" + DOMAIN]
        assert str(berlin["STATUS"]) == "CANCELLED"
        assert str(berlin["SUMMARY"]) == "Cancelled: Voices of the River: a European speaker tour – Berlin"
        assert str(berlin["DESCRIPTION"]).startswith("This event is cancelled.")
        assert utc(berlin, "DTEND") - utc(berlin) == timedelta(hours=2)  # no ends: two hours
        assert b"threats" not in sample[path] and b"police" not in sample[path]


def test_a_postponed_stop_says_so(sample):
    mexico = events(sample["calendars/tours.ics"])["americas-listening-tour-mexico-city-2027-01-20" + DOMAIN]
    assert str(mexico["STATUS"]) == "TENTATIVE"
    assert str(mexico["SUMMARY"]).startswith("Postponed: ")
    assert "postponed" in str(mexico["DESCRIPTION"]).splitlines()[0]


def test_the_default_duration_is_two_hours_of_elapsed_time_across_a_clock_change(project):
    tour_project(project, """\
  - id: night
    starts: 2027-03-28T00:30
    timezone: Europe/London
    city: London""")
    night = events(render(project.root, date(2026, 12, 1), (Calendars,))["calendars/stops/night.ics"])["night" + DOMAIN]
    assert utc(night) == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert utc(night, "DTEND") == datetime(2027, 3, 28, 2, 30, tzinfo=UTC)
    assert night.decoded("DTEND").replace(tzinfo=None) == datetime(2027, 3, 28, 3, 30)  # BST on the wall


def test_a_stop_written_with_an_offset_keeps_its_instant(project):
    tour_project(project, """\
  - id: bogota
    starts: 2026-12-18T18:30:00-05:00
    timezone: America/Bogota
    city: Bogotá""")
    event = events(render(project.root, date(2026, 12, 1), (Calendars,))["calendars/tours.ics"])["bogota" + DOMAIN]
    assert event["DTSTART"].params["TZID"] == "America/Bogota"
    assert utc(event) == datetime(2026, 12, 18, 23, 30, tzinfo=UTC)


def test_an_online_stop_given_with_an_offset_and_no_zone_is_at_that_offset(project):
    # The site is in Europe/London (UTC+1 that day): the offset alone says where the time is.
    tour_project(project, """\
  - id: web
    starts: 2027-04-02T17:00:00+02:00
    ends: 2027-04-02T18:30:00+02:00
    online: https://meet.example.org/web
  - id: leeds
    starts: 2027-04-03T19:00
    city: Leeds""")
    assert project.problems() == []
    files = render(project.root, date(2026, 12, 1), (Calendars,))
    single = files["calendars/stops/web.ics"]
    web = events(single)["web" + DOMAIN]
    assert utc(web) == datetime(2027, 4, 2, 15, tzinfo=UTC)
    assert utc(web, "DTEND") == datetime(2027, 4, 2, 16, 30, tzinfo=UTC)
    assert b"DTSTART:20270402T150000Z\r\n" in single and b"VTIMEZONE" not in single  # no VTIMEZONE names a bare offset
    assert "When: Friday, April 2, 2027, 5:00\u202fPM (UTC+02:00)" in str(web["DESCRIPTION"])
    both = files["calendars/tours.ics"]
    assert [str(tz["TZID"]) for tz in calendar(both).walk("VTIMEZONE")] == ["Europe/London"]
    assert utc(events(both)["web" + DOMAIN]) == datetime(2027, 4, 2, 15, tzinfo=UTC)
    assert events(both)["leeds" + DOMAIN]["DTSTART"].params["TZID"] == "Europe/London"


def test_an_offset_that_contradicts_an_explicit_zone_is_still_refused(project):
    tour_project(project, """\
  - id: web
    starts: 2027-04-02T17:00:00+02:00
    timezone: Europe/London
    online: https://meet.example.org/web""")
    assert project.problems() == [
        "content/tours/t.md:6: stops[0].starts: has offset +02:00 but Europe/London is UTC+1 then: "
        "fix the offset, or leave it out and let timezone decide"]


# ---------------------------------------------------------------- stable UIDs, determinism, safety


def test_uids_survive_a_new_domain_and_title_and_follow_the_tag_authority(project):
    stops = """\
  - id: fixed
    starts: 2027-01-10T19:00
    city: Leeds
  - starts: 2027-01-12T19:00
    city: York"""
    tour_project(project, stops)
    first = sorted(events(render(project.root, date(2026, 12, 1), (Calendars,))["calendars/tours.ics"]))
    assert first == ["fixed" + DOMAIN, "t-york-2027-01-12" + DOMAIN]
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("https://example.org/", "https://elsewhere.example.net/"))
    project.write("content/tours/t.md", TOUR.format(stops=stops).replace("A test tour", "A renamed tour"))
    second = sorted(events(render(project.root, date(2026, 12, 1), (Calendars,))["calendars/tours.ics"]))
    assert second == first
    tour_project(project, stops, tag_authority="example.org,2020")
    third = sorted(events(render(project.root, date(2026, 12, 1), (Calendars,))["calendars/tours.ics"]))
    assert third == ["fixed@example.org", "t-york-2027-01-12@example.org"]


def test_only_dtstamp_depends_on_now(sample):
    # Days later, with stops now past: every byte but DTSTAMP is the same, time zones included.
    later = render(REPO, date(2026, 12, 9), (Calendars,))
    assert sorted(later) == sorted(sample)
    for path in sample:
        strip = lambda data: re.sub(rb"DTSTAMP:\d{8}T\d{6}Z\r\n", b"", data)  # noqa: E731
        assert strip(later[path]) == strip(sample[path]), path
        assert b"DTSTAMP:20261209T000000Z" in later[path] or b"BEGIN:VEVENT" not in later[path]


def test_withheld_tours_leave_no_trace(project):
    tour_project(project, "  - starts: 2027-01-10T19:00\n    city: Leeds")
    project.write("content/tours/secret.md", TOUR.format(stops="  - starts: 2027-01-11T19:00\n    city: Hull")
                  .replace("title: A test tour", "title: Secret tour\ndraft: true"))
    files = render(project.root, date(2026, 12, 1))
    assert not any(b"Secret" in data or b"Hull" in data or b"secret" in data for data in files.values())
    assert "calendars/stops/t-leeds-2027-01-10.ics" in files
    project.write("content/tours/secret.md", TOUR.format(stops="  - starts: 2027-01-11T19:00\n    city: Hull")
                  .replace("title: A test tour", "title: Secret tour"))
    files = render(project.root, date(2026, 12, 1))
    assert b"Secret tour" in files["calendars/tours.ics"]


def test_the_sample_calendars_carry_nothing_withheld(sample):
    leaks = [(path, needle) for path, data in sample.items() for needle in WITHHELD
             if needle.casefold() in data.decode().casefold()]
    assert leaks == []


# ---------------------------------------------------------------- determinism (feeds and calendars)

_DIGEST = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from test_calendars import render
from conftest import REPO, SAMPLE_AS_OF
files = render(REPO, SAMPLE_AS_OF)
for path in sorted(files):
    print(path, hashlib.sha256(files[path]).hexdigest())
"""


def test_same_content_and_now_give_the_same_bytes():
    """Feeds and calendars alike."""
    first = render(REPO, SAMPLE_AS_OF)
    assert render(REPO, SAMPLE_AS_OF) == first
    # And in another process with another hash seed: no set order may leak into a file.
    runs = [subprocess.run([sys.executable, "-c", _DIGEST, str(Path(__file__).parent)], capture_output=True,
                           text=True, check=True, cwd=REPO, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1] and runs[0].count("\n") == len(first)


# ---------------------------------------------------------------- pages


def test_tour_pages_offer_webcal_subscription_download_and_add_to_calendar(sample_site):
    html = (sample_site / "tours/voices-of-the-river/index.html").read_text()
    assert 'href="webcal://accompany.example.org/calendars/tours/voices-of-the-river.ics"' in html
    assert 'href="../../calendars/tours/voices-of-the-river.ics"' in html
    assert (f'<link rel="alternate" type="text/calendar" title="Download this tour&#x27;s events (.ics)" '
            f'href="{SITE}calendars/tours/voices-of-the-river.ics">') in html
    for stop in ("vor-london", "vor-online", "voices-of-the-river-oslo-2026-12-08"):
        assert f'href="../../calendars/stops/{stop}.ics"' in html
    assert "calendars/stops/voices-of-the-river-berlin-2026-12-10.ics" not in html  # cancelled: nothing to add
    index = (sample_site / "tours/index.html").read_text()
    assert 'href="webcal://accompany.example.org/calendars/tours.ics"' in index
    assert 'href="../calendars/tours.ics"' in index

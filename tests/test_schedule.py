"""What time will do: core/schedule.py, table-tested, and tied to the policy and the site graph."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import VALID_ACTION, VALID_DEFENDER, Project
from generator.core.policy import Clock
from generator.core.publication import publish
from generator.core.schedule import changes
from generator.core.site import build_site
from generator.load import validated

LONDON = ZoneInfo("Europe/London")
JUST = timedelta(microseconds=1)  # a stop is past once its end is *before* now


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON) if "+" not in text else datetime.fromisoformat(text)


TOUR = """\
---
title: A tour
summary: A tour.
stops:
  - starts: 2026-12-05T19:00
    city: London
  - starts: 2026-12-08T18:30
    ends: 2026-12-08T21:00
    timezone: Europe/Oslo
    city: Oslo
  - starts: 2026-12-09T18:30
    city: Leeds
    status: cancelled
---

Body.
"""


@pytest.fixture
def catalogue(project: Project):
    project.write("content/actions/open.md", VALID_ACTION)  # deadline 2026-12-20
    project.write("content/actions/later.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-002")
                  .replace("deadline: 2026-12-20", "deadline: 2026-12-03")
                  .replace("status: open", "status: open\npublish_on: 2026-12-02"))
    project.write("content/actions/draft.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-003")
                  .replace("status: open", "status: open\ndraft: true\npublish_on: 2026-12-04"))
    project.write("content/defenders/ana.md", VALID_DEFENDER.replace("review_by: 2027-04-01", "review_by: 2026-12-06"))
    project.write("content/actions/names-ana.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-004")
                  .replace("country: CO", "country: CO\ndefenders: [ana]"))
    project.write("content/tours/tour.md", TOUR)
    _, config, catalogue = validated(project.root)
    return catalogue


def test_every_change_of_the_next_days_in_order(catalogue):
    found = [(c.when, c.path, c.kind) for c in changes(catalogue, "Europe/London", at("2026-12-01T00:00"), at("2026-12-21T00:00"))]
    assert found == [
        (at("2026-12-02T00:00"), "content/actions/later.md", "publishes"),
        (at("2026-12-04T00:00"), "content/actions/draft.md", "stays withheld"),
        (at("2026-12-04T00:00"), "content/actions/later.md", "closes"),
        (at("2026-12-05T21:00") + JUST, "content/tours/tour.md", "stop passes"),  # no end: two hours
        (at("2026-12-07T00:00"), "content/defenders/ana.md", "withheld"),  # the review day still counts
        (datetime.fromisoformat("2026-12-08T21:00+01:00") + JUST, "content/tours/tour.md", "stop passes"),
        (at("2026-12-21T00:00"), "content/actions/names-ana.md", "closes"),
        (at("2026-12-21T00:00"), "content/actions/open.md", "closes"),
    ]


def test_messages_say_what_and_why(catalogue):
    by_kind = {c.path + " " + c.kind: c.message for c in
               changes(catalogue, "Europe/London", at("2026-12-01T00:00"), at("2026-12-21T00:00"))}
    assert by_kind["content/actions/later.md closes"] == (
        "UA-TEST-002 closes: deadline 2026-12-03 passed; the letter and addresses go")
    assert by_kind["content/defenders/ana.md withheld"] == (
        "withheld: review overdue since 2026-12-06; named by content/actions/names-ana.md: "
        "re-vet it or remove it from them before then")
    assert by_kind["content/actions/draft.md stays withheld"] == (
        "publish_on 2026-12-04 passes, but it stays withheld: draft: true")
    assert by_kind["content/actions/later.md publishes"] == "published (publish_on 2026-12-02)"


@pytest.mark.parametrize("after, until, expected", [
    ("2026-12-01T00:00", "2026-12-02T00:00", 1),   # the end is included
    ("2026-12-02T00:00", "2026-12-03T00:00", 0),   # the start is not
    ("2026-12-03T00:00", "2026-12-04T00:00", 2),
    ("2026-12-21T00:00", "2027-12-21T00:00", 0),   # nothing left to happen
])
def test_the_window_is_after_exclusive_until_inclusive(catalogue, after, until, expected):
    assert len(changes(catalogue, "Europe/London", at(after), at(until))) == expected


def test_each_change_is_what_the_policy_and_the_site_do_at_that_moment(catalogue, project):
    """Before each moment a build shows one thing, from it the other: checked with publish and build_site."""
    _, config, _ = validated(project.root)
    for change in changes(catalogue, "Europe/London", at("2026-12-01T00:00"), at("2026-12-21T00:00")):
        before, then = (_site(catalogue, config, change.when - JUST),
                        _site(catalogue, config, change.when))
        slug = change.path.rsplit("/", 1)[1][:-3]
        if change.kind == "publishes":
            assert change.path not in before[0] and change.path in then[0]
        elif change.kind == "withheld":
            assert change.path in before[0] and change.path not in then[0]
        elif change.kind == "stays withheld":
            assert change.path not in before[0] and change.path not in then[0]
        elif change.kind == "closes":
            assert before[1].actions[slug].status == "open" and then[1].actions[slug].status == "closed"
        elif change.kind == "stop passes":
            moved = [len(s.past_stops) for s in (before[1], then[1])]
            assert moved[1] == moved[0] + 1


def _site(catalogue, config, moment):
    clock = Clock(moment, LONDON)
    publication = publish(catalogue, clock)
    paths = {e.path for e in publication.public.entries()}
    return paths, build_site(publication.public, config, clock)

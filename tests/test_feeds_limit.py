"""A feed keeps exactly its newest ``feed_limit`` entries, though it places only its newest sources' entries.

model.Feed.top ranks each source (an action with its updates and closure, a tour, a stop) by its newest entry
over the whole site and places only the first ``limit`` of a feed's: checked here against placing every entry,
on the sample at every limit, and as a reader sees it on the cases that could go wrong (ties on a date, an
update newer than its action, same-day updates, a stop reaching a feed twice).
"""

from __future__ import annotations

import heapq
from datetime import date
from pathlib import Path

import jinja2

from conftest import MINIMAL_SETTINGS, REPO, SAMPLE_AS_OF, VALID_ACTION
from generator.build import TEMPLATES, load
from generator.catalogs import SOURCE, formatter, translations
from generator.outputs import Cache, Context
from generator.outputs.feeds import Feeds
from generator.outputs.feeds.model import place, unique
from generator.outputs.markup import MarkupRenderer
from generator.outputs.pages import template_environment
from generator.render import outputs
from test_calendars import render
from test_feeds import TAG, ids, parse


def feeds_of(root: Path, as_of) -> Feeds:
    loaded = load(root, as_of)
    site = loaded.site
    env = template_environment(jinja2.FileSystemLoader(root / "theme" / TEMPLATES), translations(SOURCE))
    ctx = Context(site, MarkupRenderer(site, loaded.project.media), env, formatter(site.config.settings.language),
                  Cache.memory())
    return next(output for output in outputs(ctx) if isinstance(output, Feeds))


def placed_alone(feed, limit):
    """What placing every entry keeps: the reference."""
    return heapq.nlargest(limit, unique(feed.collect()), key=place)


def test_every_feed_of_the_sample_keeps_what_placing_every_entry_keeps():
    feeds = feeds_of(REPO, SAMPLE_AS_OF)
    assert feeds.entries.ordered  # the shortcut is taken: else this test checks nothing
    for feed in feeds.feeds:
        everything = placed_alone(feed, 10_000)
        assert [e.id for e in everything] == [e.id for e in feed.top(10_000)], feed.key
        for limit in range(1, len(everything) + 2):
            assert [e.id for e in feed.top(limit)] == [e.id for e in placed_alone(feed, limit)], (feed.key, limit)


def test_the_head_of_an_action_is_its_newest_entry():
    feeds = feeds_of(REPO, SAMPLE_AS_OF)
    for source in feeds.entries._actions.values():
        assert source.head == max(place(entry) for entry in source.entries)


def action(n: int, issued: str, updates: list[str] = (), status: str = "open") -> str:
    text = VALID_ACTION.replace("UA-TEST-001", f"UA-TEST-{n:03}").replace("issued: 2026-11-01", f"issued: {issued}")
    text = text.replace("status: open", f"status: {status}")
    if updates:
        listed = "".join(f"  - date: {d}\n    title: Update {i}\n    text: News {i}.\n" for i, d in enumerate(updates))
        text = text.replace("letter: |", "updates:\n" + listed + "letter: |")
    return text


def test_at_the_limit_an_update_newer_than_its_action_and_ties_on_a_day_place_as_a_reader_expects(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  feed_limit: 3\n")
    project.write("content/actions/a1.md", action(1, "2026-11-01", ["2026-11-20"]))  # old action, newest update
    project.write("content/actions/a2.md", action(2, "2026-11-20"))  # issued the update's day: before it (rank)
    project.write("content/actions/a3.md", action(3, "2026-11-20"))  # same day, same rank: by id
    project.write("content/actions/a4.md", action(4, "2026-11-10"))
    files = render(project.root, date(2026, 12, 1))
    atom = parse(files["feeds/actions.atom.xml"])
    assert ids(atom) == [TAG + "action/UA-TEST-001/update/2026-11-20", TAG + "action/UA-TEST-003",
                         TAG + "action/UA-TEST-002"]
    assert atom.feed.updated == "2026-11-20T00:00:00+00:00"
    feeds = feeds_of(project.root, date(2026, 12, 1))
    for feed in feeds.feeds:
        for limit in range(1, 8):
            assert [e.id for e in feed.top(limit)] == [e.id for e in placed_alone(feed, limit)], (feed.key, limit)


def test_of_ten_updates_on_one_day_the_tenth_is_newest_by_its_id(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  feed_limit: 1\n")
    project.write("content/actions/a1.md", action(1, "2026-11-01", ["2026-11-05"] * 10))
    project.write("content/actions/a2.md", action(2, "2026-11-04", ["2026-11-04"]))
    atom = parse(render(project.root, date(2026, 12, 1))["feeds/actions.atom.xml"])
    assert ids(atom) == [TAG + "action/UA-TEST-001/update/2026-11-05-9"]  # "-9" sorts after "-10", as before


def test_a_stop_reaching_a_feed_twice_takes_one_place():
    feeds = feeds_of(REPO, SAMPLE_AS_OF)
    for feed in feeds.feeds:
        top = feed.top(10_000)
        assert len({e.id for e in top}) == len(top), feed.key
    tours = next(f for f in feeds.feeds if f.key == "tours")
    twice = [*tours.sources(), *tours.sources()]
    assert len({id(s) for s in twice}) < len(twice)
    tours_twice = type(tours)(tours.key, tours.title, tours.carries, tours.group, tours.pages, lambda: twice,
                              tours.ordered)
    for limit in (1, 3, 10, 10_000):
        assert [e.id for e in tours_twice.top(limit)] == [e.id for e in tours.top(limit)]


def test_where_two_entries_share_an_id_every_entry_is_placed(project):
    project.write("content/actions/a1.md", action(1, "2026-11-01"))
    feeds = feeds_of(project.root, date(2026, 12, 1))
    feeds.entries._actions["UA-TEST-001/closed"] = feeds.entries._actions["UA-TEST-001"]  # as if an id held a "/"
    assert feeds.entries.ordered is False
    feed = next(f for f in feeds.feeds if f.key == "actions")
    assert [e.id for e in feed.top(5)] == [TAG + "action/UA-TEST-001"]

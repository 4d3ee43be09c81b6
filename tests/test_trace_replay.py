"""The replay of the last build's queries (generator/outputs/trace.py, memo.py) keeps a page only when it would
render the same bytes.

Each case records the sample's pages as one build does (traced), changes what a kept page could have read (a new
action on a theme and a defender's lists, a day on which an action closes, a defender withheld), and builds the
pages again from those records: every page the replay keeps is then rendered all the same and must give exactly
the bytes it was kept for, and the pages that show the change must have been rendered. A shortcut that skipped a
query whose answer did change (or fingerprinted an answer as the same when it is not) fails here.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import Project
from generator.load import Timings, load
from generator.outputs.files import file_digest
from generator.outputs.trace import Fingerprints
from generator.render import Renderers

DAY = date(2026, 12, 1)

NEW_ACTION = """---
# Sample content: this case is fictional.
title: Dock workers' organiser detained (fictional)
id: UA-2026-099
issued: 2026-11-30
deadline: 2026-12-20
status: open
country: GT
summary: >-
  A fictional organiser was detained after a strike.
themes: [labour-rights]
defenders: [wanjiru]
steps:
  - Write to the minister.
targets:
  - name: A minister (fictional)
    role: Minister
    address: |
      1 Street
      City
letter: |
  Dear Minister,

  Please release the organiser.
---

A fictional case for a test.
"""


def _pages(root, as_of, records: dict | None):
    """The staged pages rendered with the memo (``records``: the last build's); the renderers, and the pages."""
    loaded = load(root, as_of)
    renderers = Renderers(loaded.in_language(loaded.languages[0]), None, Timings(), None, {}, None, records,
                          trace=True)
    return renderers, renderers.pages.render_all(None)


def _replayed(root, before: date, after: date, change=None) -> tuple[set[str], set[str]]:
    """Pages kept and made by a build at ``after`` from the records of one at ``before`` (``change`` made between):
    every kept page is rendered too, and must be byte for byte what it was kept for."""
    first, _ = _pages(root, before, None)
    records = json.loads(json.dumps(first.records()))  # as the cache keeps them
    if change:
        change()
    second, out = _pages(root, after, records)
    made = set(out.made)
    kept = set(out.kept) - made
    second.pages.render_kept(out, None)
    stale = sorted(path for path in kept if file_digest(out.made[path]) != out.kept[path])
    assert stale == []
    assert kept, "nothing was kept: the comparison proves nothing"
    return kept, made


@pytest.fixture
def sample(tmp_path) -> Project:
    project = Project(tmp_path / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml", "theme")
    return project


def _edit(project: Project, path: str, old: str, new: str) -> None:
    text = (project.root / path).read_text()
    assert old in text, (path, old)
    (project.root / path).write_text(text.replace(old, new, 1))


def test_a_new_action_is_on_its_theme_its_country_its_defender_and_the_lists(sample):
    kept, made = _replayed(sample.root, DAY, DAY,
                           lambda: sample.write("content/actions/dock-workers.md", NEW_ACTION))
    assert {"actions/dock-workers/index.md", "themes/labour-rights/index.md", "countries/gt/index.md",
            "defenders/wanjiru/index.md", "actions/index.md", "index.md"} <= made
    assert "themes/press-freedom/index.md" in kept  # a theme the action is not on


def test_an_action_closes_when_the_day_passes_its_deadline(sample):
    kept, made = _replayed(sample.root, DAY, date(2026, 12, 4))  # union-leader-guatemala: deadline 3 December
    assert {"actions/union-leader-guatemala/index.md", "actions/index.md"} <= made


def test_a_defender_overdue_for_review_leaves_every_page_that_showed_her(sample):
    # Lucía's review was due on 1 March 2027: from then on her profile is withheld (with a warning).
    kept, made = _replayed(sample.root, date(2027, 2, 27), date(2027, 3, 2))
    assert {"actions/river-guardians/index.md", "tours/voices-of-the-river/index.md", "defenders/index.md"} <= made
    assert "defenders/lucia/index.md" not in kept | made


def test_an_answer_fingerprints_the_same_whatever_was_fingerprinted_before(sample):
    """Entries and views met before are appended as they encoded then (Fingerprints._tokens): the same text."""
    site = load(sample.root, DAY).site
    values = [site.countries, site.themes, site.open_actions, site.past_actions, site.defenders, site.tours,
              site.upcoming_stops, site.past_stops, list(site.catalogue.entries()),
              [{"item": view, 1: (view, [view.entry])} for view in site.actions.values()]]
    fresh = [Fingerprints().of(value) for value in values]
    warm = Fingerprints()
    for value in reversed(values):
        warm.of(value)
    assert [warm.of(value) for value in values] == fresh
    assert len(set(fresh)) == len(fresh)

"""An entry's fingerprint (outputs/trace.py) is made from what decides the entry, not from the entry encoded whole:
this checks, on the sample as time and edits change it, that it changes whenever the entry does."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import SAMPLE_AS_OF, Project
from generator.load import load
from generator.outputs.trace import Fingerprints

#: Days on which the calendar changes the sample: an embargo lifts, reviews fall due, deadlines pass.
DAYS = (SAMPLE_AS_OF, date(2026, 12, 11), date(2026, 12, 16), date(2026, 12, 23), date(2027, 2, 1), date(2027, 3, 2),
        date(2027, 5, 2))


def _prints(root, as_of) -> dict[tuple, tuple[str, str, str]]:
    """Each public entry in each language: (its fingerprint, its fingerprint encoded whole, its file's digest)."""
    loaded = load(root, as_of)
    short, whole = Fingerprints(), Fingerprints(whole=True)
    out = {}
    for lang, site in loaded.sites.items():
        for entry in site.catalogue.entries():
            out[lang, entry.kind, entry.slug] = (short.of(entry), whole.of(entry), entry.source.digest)
        for slug, view in site.actions.items():
            out[lang, "view", slug] = (short.of(view), whole.of(view), view.entry.source.digest)
    return out


def _unsafe(before: dict, after: dict) -> list[tuple]:
    """Entries whose fingerprint stayed the same though the entry changed."""
    return [key for key in before.keys() & after.keys() if before[key][0] == after[key][0] and before[key][1] != after[key][1]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("prints") / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    return project


def test_the_fingerprint_changes_when_the_calendar_changes_what_another_file_decides(sample):
    """Each day, what is withheld changes, and with it the references, photos and languages of other files:
    those entries' own files are the same, their fingerprints must not be."""
    prints = {day: _prints(sample.root, day) for day in DAYS}
    decided_elsewhere = 0
    for one in DAYS:
        for other in DAYS:
            assert _unsafe(prints[one], prints[other]) == [], (one, other)
            decided_elsewhere += sum(1 for key in prints[one].keys() & prints[other].keys()
                                     if prints[one][key][2] == prints[other][key][2]
                                     and prints[one][key][1] != prints[other][key][1])
    assert decided_elsewhere > 0  # the days do change entries whose own file is the same


RIVER = "content/actions/river-guardians.md"
UNION = "content/actions/union-leader-guatemala.md"
SAN_IGNACIO = "content/defenders/san-ignacio-river-community.md"


def _edit(root, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("setup, change", [
    # A fact of an action, which its Spanish translation takes from it: the translation changes with it.
    ((), (RIVER, "deadline: 2026-12-22", "deadline: 2026-12-23")),
    ((), (RIVER, "email: despacho@fiscalia.example.org", "email: fiscal@fiscalia.example.org")),
    # A text that its translation translates.
    ((), (RIVER, "Keep writing: the protection", "Keep writing please: the protection")),
    # An action embargoed: the tour stops that name it leave it out.
    ((), (RIVER, "\ntitle:", "\npublish_on: 2027-01-01\ntitle:")),
    # A campaign embargoed: every file that names it leaves it out.
    ((), ("campaigns/rivers-not-bullets.md", "\ntitle:", "\npublish_on: 2027-01-01\ntitle:")),
    # A profile overdue for review: an action that shows its photo (and names no one) leaves the photo out.
    (((UNION, "\ntitle:", "\nimage: media/river.jpg\nimage_alt: A river.\ntitle:"),),
     (SAN_IGNACIO, "review_by: 2027-03-01", "review_by: 2026-11-15")),
    # A profile's consent to its photo given, and a comment (never shown) added to a file.
    ((), ("content/defenders/wanjiru.md", "photo: false", "photo: true")),
    ((), ("content/pages/index.md", "\ntitle:", "\n# a comment in the front matter\ntitle:")),
])
def test_the_fingerprint_changes_when_an_entry_changes(tmp_path, setup, change):
    project = Project(tmp_path / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    for edit in setup:
        _edit(project.root, *edit)
    before = _prints(project.root, SAMPLE_AS_OF)
    _edit(project.root, *change)
    after = _prints(project.root, SAMPLE_AS_OF)
    assert _unsafe(before, after) == []
    changed = [key for key in before.keys() & after.keys() if before[key][1] != after[key][1]]
    assert changed
    if change[1].startswith(("deadline", "email")):  # the translation's file is the same, its entry is not
        assert ("es", "action", "river-guardians") in changed
        assert before["es", "action", "river-guardians"][2] == after["es", "action", "river-guardians"][2]
    if setup:  # the photo, left out of a file that did not change
        assert ("en", "action", "union-leader-guatemala") in changed


def test_an_entry_read_twice_has_one_fingerprint(sample):
    """Two builds of the same files (two loads, other objects) give the same fingerprints."""
    assert _prints(sample.root, SAMPLE_AS_OF) == _prints(sample.root, SAMPLE_AS_OF)

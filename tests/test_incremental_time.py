"""Incremental builds across time: when only "now" moves, each partial build gives a full build's bytes.

Nothing under content/ changes here; the day does. One site folder and one
build cache are carried from moment to moment while a profile is vetted,
consent is given, a withdrawal date arrives, a review falls overdue, an
embargo lifts, a deadline passes and a stop goes past. After each build the
same moment is built whole (``full=True``, a fresh cache) and the two sites
must be the same, byte for byte: a page, feed, calendar or PDF that the trace
(generator/outputs/trace.py, memo.py) wrongly kept from the day before would
differ there.

Each chained build must have reused the last one, or the comparison would
prove nothing: its plan is ``partial`` or ``none``, the memo kept at least
one page from being rendered again (PageRenderer.render counted, as in
tests/test_incremental.py), and the engine rendered fewer pages than in a full
build. And each incremental site is read as a reader would (every file, PDFs
through pypdf) for the CANARY strings, letters and addresses of
tests/test_time.py's fixture: what is not public at that moment shows
nowhere, what is public shows. A last test goes back in time with the same
cache, and forward again.

Expectations come from test_time's hand-written tables, not from the policy
under test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import REPO, site_files
from generator import build as pipeline
from generator.build import build
from generator.leakscan import texts_of
from test_time import (  # noqa: F401 - dated and sample are fixtures
    FIXTURE_LETTERS, FIXTURE_PUBLIC, SAMPLE_LETTERS, SAMPLE_PUBLIC, _day, _embargo_lifted, _in_window, dated,
    distinct_states, expected_public, fold, sample)

#: The fixture's moments, each one where the published state changes (checked below).
FIXTURE_MOMENTS = (
    date(2027, 1, 1),                                   # first build: a-open open, d-reviewed public
    date(2027, 2, 10),                                  # vetting later: d-vetted-later (and c-later since 1 February)
    date(2027, 2, 16),                                  # a deadline passes: a-open closes, its letter goes
    date(2027, 2, 21),                                  # a stop goes past: Madrid, 20 February 19:00
    datetime.fromisoformat("2027-03-01T09:01:00+01:00"),  # an embargo lifts at 09:00: a-embargo
    date(2027, 4, 1),                                   # review overdue (d-reviewed, its photo) and consent later
                                                        # (d-consent-later, t-mentions which names her)
    date(2027, 6, 2),                                   # the withdrawal date arrives: d-withdrawn stays out (a
                                                        # withdrawal to come withholds at once, so it never showed);
                                                        # the online stop goes past, d-embargoed (1 May) is public
)
# Not 1 July, when p-embargo lifts: a new ordinary page changes the navigation every page shows, so that
# build is rightly a full one ("config, theme or engine changed") and would prove nothing here.

#: The sample's moments (three languages, so each build costs more: fewer of them).
SAMPLE_MOMENTS = (
    date(2026, 11, 19),                                 # first build: journalist-detained still open
    date(2026, 11, 21),                                 # a deadline passes: journalist-detained closes
    datetime.fromisoformat("2026-12-05T21:01:00+00:00"),  # a stop goes past: voices-of-the-river in London
    date(2026, 12, 10),                                 # an embargo lifts: embargoed-action
    date(2027, 2, 1),                                   # review overdue: wanjiru, named by an action and a tour;
                                                        # meanwhile tierra-viva overdue (16 December, left out of
                                                        # the action naming it), river-guardians and
                                                        # embargoed-action closed
    date(2027, 3, 2),                                   # review overdue: lucia and san-ignacio, linked from bodies
)

REAL_NAME = "marisol quintero vargas"  # the sample's private.real_name (content/defenders/lucia.md), folded


# ---------------------------------------------------------------- helpers


def _differences(one: Path, two: Path) -> list[str]:
    """The paths that are in only one of two sites, or differ between them."""
    a, b = site_files(one), site_files(two)
    return sorted(set(a) ^ set(b)) + sorted(p for p in set(a) & set(b) if a[p] != b[p])


def _readable(site: Path, last: dict[tuple[str, bytes], str] | None = None) -> dict[str, str]:
    """Each file of a site as a reader could get it (PDF text and metadata included), folded, one space for any run.

    ``last``: what the previous call read, by path and SHA-256 of the bytes; a file with the same path and bytes
    reads the same (texts_of and fold are functions of them), so it is taken from there, and ``last`` is left
    holding this site's files for the next call. Every file is still read at every moment: a changed byte
    anywhere is a new key."""
    last = {} if last is None else last
    now: dict[tuple[str, bytes], str] = {}
    out = {}
    for path, data in site_files(site).items():
        key = (path, hashlib.sha256(data).digest())
        text = last.get(key)
        if text is None:
            text = " ".join(fold("\n".join(texts_of(path, data))).split())
        out[path] = now[key] = text
    last.clear()
    last.update(now)
    return out


def _where(texts: dict[str, str], token: str) -> list[str]:
    return [path for path, text in texts.items() if token in text]


def _shown_wrongly(texts: dict[str, str], expected: dict[str, bool]) -> dict[str, list[str]]:
    """Each token that shows though it must not (with the files it is in), or is missing though it must show."""
    wrong: dict[str, list[str]] = {}
    for token, public in expected.items():
        where = _where(texts, token)
        if where and not public:
            wrong[f"leaked {token}"] = where
        elif public and not where:
            wrong[f"missing {token}"] = []
    return wrong


def _fixture_expected(dated, moment) -> dict[str, bool]:
    """Each canary, letter and address token of the fixture: whether it may show at ``moment`` (test_time's tables)."""
    day = _day(dated, moment)
    expected = {canary: _in_window(window, day, moment, dated) for canary, window in FIXTURE_PUBLIC.items()}
    expected["canary-a-embargo"] = _embargo_lifted(dated, moment)
    for token, window in FIXTURE_LETTERS.items():  # a target's address shows with the letter, while open
        expected[token] = expected[token.replace("letter-", "address-")] = _in_window(window, day, moment, dated) and (
            token != "letter-a-embargo" or _embargo_lifted(dated, moment))
    return expected


def _check_fixture(dated, moment, site: Path, last: dict | None = None) -> None:
    texts = _readable(site, last)
    assert _shown_wrongly(texts, _fixture_expected(dated, moment)) == {}, moment
    besides_canary = {path: text.replace("canary-d-withdrawn", "") for path, text in texts.items()}
    for name in ("dimitra kalle", "d-withdrawn"):  # the withdrawn defender's other name, and her slug
        assert _where(besides_canary, name) == [], (moment, name)


def _url(path: str) -> str:
    """``content/defenders/lucia.md`` -> ``defenders/lucia/``."""
    return f"{path.split('/')[1]}/{path.rsplit('/', 1)[1][:-3]}/"


def _check_sample(sample, moment, site: Path, last: dict | None = None) -> None:
    """Each profile and action has its page on the days test_time says it is public, and is linked from
    nowhere on the others; a letter and a target's address show while the action is open; the real name never."""
    day = _day(sample, moment)
    texts = _readable(site, last)
    public = {path: expected_public(SAMPLE_PUBLIC, path, day) for path in SAMPLE_PUBLIC}
    assert {path: _url(path) + "index.html" in texts for path in SAMPLE_PUBLIC} == public, moment
    links = {path: _where(texts, _url(path)) for path, shown in public.items() if not shown}
    assert {path: where for path, where in links.items() if where} == {}, moment
    expected = {}
    for slug, (deadline, letter, address) in SAMPLE_LETTERS.items():
        expected[letter] = expected[address] = day <= deadline
    assert _shown_wrongly(texts, {**expected, REAL_NAME: False}) == {}, moment


def _not_the_sites(spare: Path, site: Path) -> list[str]:
    """What the spare the build kept (write.Staging) holds that is not the site's own: a file that is not a hard link
    of the site's at its path, a folder the site has not. It must be there after a partial build, and hold the site."""
    assert spare.is_dir() and any(path.is_file() for path in spare.rglob("*"))
    wrong = []
    for folder, folders, files in os.walk(spare):
        here = Path(folder).relative_to(spare)
        wrong += [f"{here / name}/" for name in folders if not (site / here / name).is_dir()]
        wrong += [str(here / name) for name in files if not (site / here / name).is_file()
                  or (site / here / name).stat().st_ino != (Path(folder) / name).stat().st_ino]
    return wrong


@dataclass
class Renders:
    """The URL of every page rendered (in every language): ``decided`` where the memo could not keep the page,
    ``for_links`` where the link check asked for a kept page's bytes (one that may link to something gone)."""

    decided: list[str] = field(default_factory=list)
    for_links: list[str] = field(default_factory=list)
    checking: bool = False

    def clear(self) -> None:
        self.decided.clear()
        self.for_links.clear()


@pytest.fixture
def renders(monkeypatch) -> Renders:
    """PageRenderer.render calls, counted as tests/test_incremental.py's ``rendered`` does; the link check's apart."""
    from generator.outputs.pages import PageRenderer

    seen = Renders()
    real_render, real_check = PageRenderer.render, pipeline.check_links

    def render(self, page):
        (seen.for_links if seen.checking else seen.decided).append(page.url)
        return real_render(self, page)

    def check_links(*args, **kwargs):
        seen.checking = True
        try:
            return real_check(*args, **kwargs)
        finally:
            seen.checking = False

    monkeypatch.setattr(PageRenderer, "render", render)
    monkeypatch.setattr(pipeline, "check_links", check_links)
    return seen


class Chain:
    """Builds of one project into one site folder with one cache, each compared with a full build of its moment."""

    def __init__(self, root: Path, folder: Path, renders: Renders):
        self.root, self.folder, self.renders = root, folder, renders
        self.site, self.cache = folder / "site", folder / "cache"
        self.builds = 0
        self.read: dict[tuple[str, bytes], str] = {}  # the last site's files as _readable read them

    def build(self, moment):
        """Build ``moment`` on top of the last build; from the second on, check it against a full build."""
        self.renders.clear()
        report = build(self.root, self.site, moment, cache_dir=self.cache)
        self.builds += 1
        if self.builds == 1:
            assert report.plan.kind == "full", report.plan
            return report
        assert report.plan.kind in ("partial", "none"), (moment, report.plan.kind, report.plan.reason)
        assert _not_the_sites(self.cache / "spare", self.site) == [], moment
        again = Counter(self.renders.decided)
        self.renders.clear()
        full = self.folder / "full"
        whole = build(self.root, full / "site", moment, cache_dir=full / "cache", full=True)
        assert self.renders.decided and not self.renders.for_links, moment  # the count sees every page rendered
        assert Counter(self.renders.decided) - again, (moment, "the memo kept no page: every one was rendered again")
        assert set(whole.plan.pages) - set(report.plan.pages), (moment, "the engine rendered every page again")
        differing = _differences(self.site, full / "site")
        assert differing == [], f"{moment}: not as a full build makes them: {differing}"
        shutil.rmtree(full)
        return report


# ---------------------------------------------------------------- the tests


def test_the_moments_chosen_each_change_what_is_published(dated, sample):
    """Else a step of the chains below would test a day like the one before."""
    assert list(distinct_states(dated, FIXTURE_MOMENTS)) == list(FIXTURE_MOMENTS)
    assert list(distinct_states(sample, SAMPLE_MOMENTS)) == list(SAMPLE_MOMENTS)


def test_the_fixture_built_moment_after_moment_is_a_full_builds_bytes_and_shows_only_what_is_public(
        dated, tmp_path, renders):
    chain = Chain(dated.root, tmp_path, renders)
    for moment in FIXTURE_MOMENTS:
        chain.build(moment)
        _check_fixture(dated, moment, chain.site, chain.read)


def test_the_sample_built_moment_after_moment_is_a_full_builds_bytes_and_shows_only_what_is_public(
        sample, tmp_path, renders):
    chain = Chain(REPO, tmp_path, renders)
    for moment in SAMPLE_MOMENTS:
        chain.build(moment)
        _check_sample(sample, moment, chain.site, chain.read)


def test_going_back_in_time_and_forward_again_with_the_same_cache(dated, tmp_path, renders):
    """From 1 April back to a minute before the March embargo lifts: d-reviewed and its photo return, the
    profile whose consent starts in April and the tour naming her are withheld again, a-embargo is withheld
    again. Then forward to 1 April again, from the records of the earlier day."""
    earlier = datetime.fromisoformat("2027-03-01T08:59:00+01:00")
    chain = Chain(dated.root, tmp_path, renders)
    for moment in (date(2027, 4, 1), earlier, date(2027, 4, 1)):
        chain.build(moment)
        _check_fixture(dated, moment, chain.site, chain.read)
    later, before = _fixture_expected(dated, date(2027, 4, 1)), _fixture_expected(dated, earlier)
    assert {token for token, shown in later.items() if shown and not before[token]} == {  # what the step back withholds
        "canary-d-consent-later", "canary-t-mentions", "canary-a-embargo"}

"""Time never breaks the site: the sample and a fixture with every dated key, built as of every day of a year.

The policy is swept day by day in the core (cheap: publish and the site
graph); outputs (staged pages, feeds, calendars, print pages) are rendered on
the days around every date the content holds, and the engine runs on a few
days that matter. Each day is checked against expectations written here by
hand, not computed by the policy under test.
"""

from __future__ import annotations

import html
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest

from conftest import REPO, Project, site_files
from marks import without_marks
from generator import read
from generator.build import build
from generator.core.policy import Clock
from generator.core.publication import publish
from generator.core.site import build_site
from generator.core.validate import validate, validate_settings
from generator.outputs import Cache, Context
from generator.outputs.calendars import Calendars
from generator.outputs.feeds import Feeds
from generator.catalogs import formatter
from generator.outputs.markup import MarkupRenderer
from generator.outputs.pages import PageRenderer, template_environment
from generator.outputs.sheets import Sheets


def fold(text: str) -> str:
    """Independent of generator.core.names: no accents, case folded."""
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    return without_marks(decomposed).casefold()


@dataclass
class Loaded:
    root: Path
    catalogue: object
    config: object
    media: frozenset
    zone: ZoneInfo

    @classmethod
    def read(cls, root: Path) -> "Loaded":
        result = read.read_project(root)
        assert result.problems == [], result.problems
        config, problems = validate_settings(result.project.settings)
        assert problems == []
        catalogue, problems = validate(result.project, config)
        assert problems == [], problems
        return cls(root, catalogue, config, result.project.media, ZoneInfo(config.settings.timezone))

    def clock(self, moment: date | datetime) -> Clock:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(0), tzinfo=self.zone)
        return Clock(moment, self.zone)

    def publish(self, moment):
        clock = self.clock(moment)
        publication = publish(self.catalogue, clock, self.config.settings.review_warning_days)
        return publication, build_site(publication.public, self.config, clock, publication.unlinked)

    def outputs(self, moment) -> dict[str, str]:
        """Every staged output but the engine's own and the PDFs, as text: ``{path: text}``."""
        publication, site = self.publish(moment)
        fmt = formatter(self.config.settings.language)
        env = template_environment(jinja2.FileSystemLoader(self.root / "theme" / "accompany"), fmt.translations)
        markup = MarkupRenderer(site, self.media)
        ctx = Context(site, markup, env, fmt, Cache.memory())
        feeds, calendars, sheets = Feeds(ctx), Calendars(ctx), Sheets(ctx)
        files = PageRenderer(site, markup, env, [feeds, calendars, sheets], fmt).render_all()
        files.update(feeds.pages())
        files.update(feeds.render())
        files.update(calendars.render())
        for action in site.actions_ordered:
            files[sheets.print_url(action)] = sheets.document("sheet.html", sheets.print_url(action) + "index.html",
                                                              action=action).encode()
        assert markup.problems == []
        return {path: fold(path + "\n" + data.decode()) for path, data in files.items()}


def content_dates(loaded: Loaded) -> set[date | datetime]:
    """Every date and date-time in every file's front matter."""
    found: set = set()

    def walk(value) -> None:
        if isinstance(value, (date, datetime)):
            found.add(value)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    for entry in loaded.catalogue.entries():
        walk(entry.meta)
    return found


def boundary_moments(loaded: Loaded, first: date, last: date) -> list[date | datetime]:
    """Midnight of the day before, of, and after each content date; a minute either side of each date-time."""
    out: set = set()
    for value in content_dates(loaded):
        if isinstance(value, datetime):
            instant = value if value.tzinfo else value.replace(tzinfo=loaded.zone)
            out |= {instant - timedelta(minutes=1), instant + timedelta(minutes=1)}
            value = instant.astimezone(loaded.zone).date()
        out |= {value - timedelta(days=1), value, value + timedelta(days=1)}
    days = [m for m in out if first <= (m.astimezone(loaded.zone).date() if isinstance(m, datetime) else m) <= last]
    return sorted(days, key=lambda m: loaded.clock(m).now)


def distinct_states(loaded: Loaded, moments):
    """The moments whose published state differs from every earlier one: only they are rendered.

    A state is what the policy decided (the public files as shown, withheld
    references included) and how time shows it (each action's status, each
    stop past or upcoming). Two moments with the same state render the same
    outputs but for counters such as "3 days left".
    """
    seen = set()
    for moment in moments:
        publication, site = loaded.publish(moment)
        state = (tuple(sorted((e.path, repr(e.meta)) for e in publication.public.entries())),
                 tuple(sorted((slug, a.status) for slug, a in site.actions.items())),
                 tuple(site.stop_is_past(s) for s in site.stops))
        if state not in seen:
            seen.add(state)
            yield moment


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _day(loaded: Loaded, moment) -> date:
    return loaded.clock(moment).today


# ---------------------------------------------------------------- the sample


SAMPLE_FIRST, SAMPLE_LAST = date(2026, 11, 1), date(2027, 10, 31)

#: Path: (first day public, last day public) as the sample's files say; None: never.
SAMPLE_PUBLIC = {
    "content/actions/draft-action.md": None,
    "content/actions/embargoed-action.md": (date(2026, 12, 10), None),
    "content/actions/journalist-detained.md": (None, None),
    "content/actions/river-guardians.md": (None, None),
    "content/defenders/four-eyes.md": None,
    "content/defenders/lucia.md": (None, date(2027, 3, 1)),
    "content/defenders/overdue-review.md": None,
    "content/defenders/san-ignacio-river-community.md": (None, date(2027, 3, 1)),
    "content/defenders/tierra-viva.md": (None, date(2026, 12, 15)),
    "content/defenders/tomas-pending.md": None,
    "content/defenders/wanjiru.md": (None, date(2027, 1, 31)),
    "content/defenders/withdrawn-consent.md": None,
}

#: Action: (deadline, a sentence of its letter and one line of its addresses).
SAMPLE_LETTERS = {
    "river-guardians": (date(2026, 12, 22), "whose leaders have been threatened since", "avenida calle 24 no. 52-01"),
    "union-leader-guatemala": (date(2026, 12, 3), "le escribo preocupado", "7a avenida 3-33, zona 9"),
    "journalist-detained": (date(2026, 11, 20), "release the journalist wanjiru at once", "po box 00000"),
}


def expected_public(table: dict, path: str, day: date) -> bool:
    window = table.get(path, (None, None))
    if window is None:
        return False
    first, last = window
    return (first is None or day >= first) and (last is None or day <= last)


@pytest.fixture(scope="module")
def sample() -> Loaded:
    return Loaded.read(REPO)


def test_the_sample_builds_as_of_every_day_of_a_year_and_publishes_what_its_dates_say(sample):
    for day in every_day(SAMPLE_FIRST, SAMPLE_LAST):
        publication, site = sample.publish(day)
        assert publication.problems == [], (day, publication.problems)
        public = {e.path for e in publication.public.entries()}
        for path in SAMPLE_PUBLIC:
            assert (path in public) == expected_public(SAMPLE_PUBLIC, path, day), (day, path)
        for slug, (deadline, _, _) in SAMPLE_LETTERS.items():
            assert (site.actions[slug].status == "open") == (day <= deadline), (day, slug)
        for entry in publication.public.entries():  # nothing public points at something withheld
            for slug in getattr(entry.meta, "defenders", ()):
                assert slug in publication.public.defenders, (day, entry.path, slug)


def test_the_samples_outputs_around_every_date_show_only_what_the_day_allows(sample):
    summaries = {path: fold(" ".join(e.meta.summary.split())) for path in SAMPLE_PUBLIC
                 for e in sample.catalogue.entries() if e.path == path}
    moments = boundary_moments(sample, SAMPLE_FIRST, SAMPLE_LAST)
    assert len(moments) > 60
    for moment in distinct_states(sample, moments):
        day = _day(sample, moment)
        outputs = sample.outputs(moment)
        everything = "\n".join(outputs.values())
        for path, summary in summaries.items():
            slug = path.rsplit("/", 1)[1][:-3]
            section = path.split("/")[1]
            shown = summary in everything
            assert shown == expected_public(SAMPLE_PUBLIC, path, day), (moment, path)
            if not shown:
                assert f"{section}/{slug}/" not in everything, (moment, path)
        for slug, (deadline, letter, address) in SAMPLE_LETTERS.items():
            open_ = day <= deadline
            assert (letter in everything) == open_, (moment, slug, "letter")
            assert (address in everything) == open_, (moment, slug, "address")


def test_the_sample_builds_on_the_days_that_matter(tmp_path, sample):
    """The engine on the days a review passes, a deadline passes and an embargo lifts, one build after another."""
    site = tmp_path / "site"
    for day in (date(2026, 12, 9), date(2026, 12, 16), date(2026, 12, 23), date(2027, 3, 2)):
        report = build(REPO, site, day, cache_dir=tmp_path / "cache")
        files = site_files(site)
        text = fold("\n".join(p + "\n" + d.decode("utf-8", "ignore") for p, d in files.items() if not p.endswith(".pdf")))
        for path in SAMPLE_PUBLIC:
            slug = path.rsplit("/", 1)[1][:-3]
            public = expected_public(SAMPLE_PUBLIC, path, day)
            assert (f"{path.split('/')[1]}/{slug}/index.html" in files) == public, (day, path)
        assert ("tierra-viva" in text) == (day <= date(2026, 12, 15)), day
        assert [str(w) for w in report.loaded.publication.warnings if "tierra-viva" in w.message] == (
            ["content/actions/land-defenders-released.md:12: defenders[0]: defender 'tierra-viva' "
             "(content/defenders/tierra-viva.md) is withheld (review overdue since 2026-12-15): "
             "left out of this action until it is public again"] if day > date(2026, 12, 15) else [])


# ---------------------------------------------------------------- a fixture with every dated key

FIXTURE_FIRST, FIXTURE_LAST = date(2027, 1, 1), date(2027, 12, 31)

FIXTURE = {
    "content/defenders/d-reviewed.md": """\
        ---
        title: Amaru
        name: Amaru
        summary: CANARY-D-REVIEWED profile summary.
        country: PE
        author: AB
        image: media/amaru.jpg
        image_alt: Amaru by the lake.
        vetting: {status: approved, by: CD, on: 2026-12-01, review_by: 2027-03-31}
        consent: {name: first, given_on: 2026-11-01, photo: true}
        ---
        CANARY-D-REVIEWED body.
        """,
    "content/defenders/d-vetted-later.md": """\
        ---
        title: Bexa
        name: Bexa
        summary: CANARY-D-VETTED-LATER summary.
        country: PE
        author: AB
        vetting: {status: approved, by: CD, on: 2027-02-10, review_by: 2027-12-31}
        consent: {name: first, given_on: 2026-11-01}
        ---
        """,
    "content/defenders/d-consent-later.md": """\
        ---
        title: Cusi
        name: Cusi
        summary: CANARY-D-CONSENT-LATER summary.
        country: PE
        author: AB
        vetting: {status: approved, by: CD, on: 2026-12-01, review_by: 2027-12-31}
        consent: {name: first, given_on: 2027-04-01}
        ---
        """,
    "content/defenders/d-withdrawn.md": """\
        ---
        title: Dima
        name: Dima
        also_known_as: [Dimitra Kalle]
        summary: CANARY-D-WITHDRAWN summary.
        country: PE
        author: AB
        vetting: {status: approved, by: CD, on: 2026-12-01, review_by: 2027-12-31}
        consent: {name: full, given_on: 2026-11-01, withdrawn_on: 2027-06-01}
        ---
        """,
    "content/defenders/d-embargoed.md": """\
        ---
        title: Ekon
        name: Ekon
        summary: CANARY-D-EMBARGOED summary.
        country: PE
        author: AB
        publish_on: 2027-05-01
        vetting: {status: approved, by: CD, on: 2026-12-01, review_by: 2027-12-31}
        consent: {name: first, given_on: 2026-11-01}
        ---
        """,
    "content/actions/a-open.md": """\
        ---
        title: Open until mid-February
        id: UA-T-1
        issued: 2027-01-05
        deadline: 2027-02-15
        country: PE
        summary: CANARY-A-OPEN summary.
        defenders: [d-reviewed, d-vetted-later, d-withdrawn]
        targets:
          - name: The Minister
            address: |
              ADDRESS-A-OPEN street
            salutation: Dear Minister
        letter: LETTER-A-OPEN asks for protection.
        updates:
          - {date: 2027-01-20, title: News, text: UPDATE-A-OPEN text.}
        ---
        About [a colleague](../defenders/d-withdrawn.md), and [her](../defenders/d-reviewed.md).
        """,
    "content/actions/a-embargo.md": """\
        ---
        title: Embargoed until a March morning
        id: UA-T-2
        issued: 2027-03-01
        deadline: 2027-03-20
        publish_on: 2027-03-01T09:00:00+01:00
        country: PE
        summary: CANARY-A-EMBARGO summary.
        targets:
          - name: The Governor
            address: ADDRESS-A-EMBARGO street
        letter: LETTER-A-EMBARGO asks for an inquiry.
        ---
        """,
    "content/actions/a-photo.md": """\
        ---
        title: Open all year, with a photo
        id: UA-T-3
        issued: 2027-01-02
        deadline: 2027-12-31
        country: PE
        summary: CANARY-A-PHOTO summary.
        image: media/amaru.jpg
        image_alt: The lake.
        campaigns: [c-later]
        targets:
          - name: The Judge
            address: ADDRESS-A-PHOTO street
        letter: LETTER-A-PHOTO asks for a fair trial.
        ---
        """,
    "content/tours/t-tour.md": """\
        ---
        title: A tour across the year
        summary: CANARY-T-TOUR summary.
        announced: 2027-01-01
        defenders: [d-reviewed, d-embargoed]
        stops:
          - starts: 2027-02-20T19:00
            timezone: Europe/Madrid
            city: Madrid
            country: ES
            actions: [UA-T-2]
          - id: t-lima
            starts: 2027-04-10T18:00
            ends: 2027-04-10T20:00
            timezone: America/Lima
            city: Lima
            country: PE
            actions: [UA-T-2, UA-T-1]
          - id: t-online
            starts: 2027-06-01T17:00:00+00:00
            timezone: UTC
            online: https://meet.example.org/t
        ---
        """,
    "content/tours/t-mentions.md": """\
        ---
        title: Evenings with Cusi
        summary: CANARY-T-MENTIONS summary.
        announced: 2027-01-01
        publish_on: 2027-01-15
        stops:
          - starts: 2027-05-05T19:00
            city: London
            country: GB
        ---
        """,
    "campaigns/c-later.md": """\
        ---
        title: A campaign from February
        summary: CANARY-C-LATER summary.
        starts: 2027-02-01
        ends: 2027-08-31
        publish_on: 2027-02-01
        ---
        """,
    "content/pages/p-embargo.md": """\
        ---
        title: A page from July
        summary: CANARY-P-EMBARGO summary.
        publish_on: 2027-07-01
        ---
        """,
    "content/pages/p-alias.md": """\
        ---
        title: A page that names an alias
        summary: CANARY-P-ALIAS summary.
        ---
        We met dimitra   KALLE last year.
        """,
}

#: Canary: (first day public, last day public); None: never.
FIXTURE_PUBLIC = {
    "canary-d-reviewed": (None, date(2027, 3, 31)),
    "canary-d-vetted-later": (date(2027, 2, 10), None),
    "canary-d-consent-later": (date(2027, 4, 1), None),
    "canary-d-withdrawn": None,
    "canary-d-embargoed": (date(2027, 5, 1), None),
    "canary-a-open": (None, None),
    "canary-a-embargo": (date(2027, 3, 1), None),  # from 09:00 that day
    "canary-a-photo": (None, None),
    "canary-t-tour": (None, None),
    "canary-t-mentions": (date(2027, 4, 1), None),  # embargoed to 15 January, then names Cusi until her consent
    "canary-c-later": (date(2027, 2, 1), None),
    "canary-p-embargo": (date(2027, 7, 1), None),
    "canary-p-alias": None,
}

#: Letter token: (first day shown, last day shown).
FIXTURE_LETTERS = {
    "letter-a-open": (None, date(2027, 2, 15)),
    "letter-a-embargo": (date(2027, 3, 1), date(2027, 3, 20)),
    "letter-a-photo": (None, date(2027, 12, 31)),
}


def _in_window(window, moment_day: date, moment, loaded) -> bool:
    if window is None:
        return False
    first, last = window
    return (first is None or moment_day >= first) and (last is None or moment_day <= last)


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Loaded:
    from PIL import Image

    project = Project(tmp_path_factory.mktemp("dated") / "project")
    for path, text in FIXTURE.items():
        project.write(path, text)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 160)).save(image, "JPEG")
    project.write("content/media/amaru.jpg", image.getvalue())
    return Loaded.read(project.root)


def _embargo_lifted(loaded: Loaded, moment) -> bool:
    return loaded.clock(moment).now >= datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_fixture_with_every_dated_key_builds_every_day_of_a_year(dated):
    for day in every_day(FIXTURE_FIRST, FIXTURE_LAST):
        publication, site = dated.publish(day)
        assert publication.problems == [], (day, publication.problems)
        shown = {e.path for e in publication.public.entries()}
        assert ("content/defenders/d-reviewed.md" in shown) == (day <= date(2027, 3, 31)), day
        assert ("content/defenders/d-consent-later.md" in shown) == (day >= date(2027, 4, 1)), day
        assert ("content/tours/t-mentions.md" in shown) == (day >= date(2027, 4, 1)), day
        assert "content/pages/p-alias.md" not in shown and "content/defenders/d-withdrawn.md" not in shown
        a_open = publication.public.actions["a-open"].meta
        assert "d-withdrawn" not in a_open.defenders
        assert ("d-reviewed" in a_open.defenders) == (day <= date(2027, 3, 31)), day
        photo = publication.public.actions["a-photo"].meta
        assert (photo.image == "media/amaru.jpg") == (day <= date(2027, 3, 31)), day
        assert (photo.campaigns == ("c-later",)) == (day >= date(2027, 2, 1)), day


def test_the_fixtures_outputs_around_every_date_show_only_what_the_moment_allows(dated):
    moments = boundary_moments(dated, FIXTURE_FIRST, FIXTURE_LAST)
    assert len(moments) > 40
    for moment in distinct_states(dated, moments):
        day = _day(dated, moment)
        outputs = dated.outputs(moment)
        everything = "\n".join(outputs.values())
        for canary, window in FIXTURE_PUBLIC.items():
            expected = _in_window(window, day, moment, dated)
            if canary == "canary-a-embargo":
                expected = _embargo_lifted(dated, moment)
            assert (canary in everything) == expected, (moment, canary)
        for token, window in FIXTURE_LETTERS.items():
            expected = _in_window(window, day, moment, dated)
            if token == "letter-a-embargo":
                expected = expected and _embargo_lifted(dated, moment)
            assert (token in everything) == expected, (moment, token)
        for name in ("dima", "dimitra kalle", "d-withdrawn"):
            assert name not in everything.replace("canary-d-withdrawn", ""), (moment, name)
        assert ("cusi" in everything) == (day >= date(2027, 4, 1)), moment
        assert ("media/amaru.jpg" in everything) == (day <= date(2027, 3, 31)), moment


def test_each_reference_left_out_is_a_warning_naming_both_files(dated):
    publication, _ = dated.publish(date(2027, 4, 2))
    warnings = [str(w) for w in publication.warnings]
    assert ("content/actions/a-open.md:8: defenders[0]: defender 'd-reviewed' (content/defenders/d-reviewed.md) "
            "is withheld (review overdue since 2027-03-31): left out of this action until it is public again") in warnings
    assert ("content/actions/a-photo.md:8: image: content/media/amaru.jpg is the photo of "
            "content/defenders/d-reviewed.md, which is withheld (review overdue since 2027-03-31): "
            "left out of this action until the profile is public again") in warnings
    assert ("content/pages/p-alias.md:5: body: names 'Dimitra Kalle', whose consent was withdrawn on "
            "2027-06-01: edit the text to publish this page again") in warnings
    before = [str(w) for w in dated.publish(date(2027, 3, 15))[0].warnings]
    assert ("content/tours/t-mentions.md:2: title: names 'Cusi', whose consent is given only from 2027-04-01: "
            "edit the text to publish this tour again") in before

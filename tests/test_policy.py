"""The publication policy as tables over "now": pure functions, no files."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from generator.core.model import Action, Defender, Entry, Tour
from generator.core.policy import (
    Clock,
    action_status,
    days_left,
    defender_withheld_reason,
    redact_defender,
    strip_comments,
    strip_private,
    withheld_reason,
)
from generator.core.publication import publish
from generator.core.source import Source
from generator.core.validate import Catalogue

LONDON = ZoneInfo("Europe/London")


def clock(text: str) -> Clock:
    value = datetime.fromisoformat(text)
    return Clock(value if value.tzinfo else value.replace(tzinfo=LONDON), LONDON)


def defender(**changes) -> Defender:
    data = {
        "title": "Ana", "name": "Ana", "summary": "S", "country": "CO", "author": "AB",
        "region": "North", "organisation": "Org", "image": "media/a.jpg", "image_alt": "Ana",
        "vetting": {"status": "approved", "by": "CD", "on": "2026-10-01", "review_by": "2027-04-01"},
        "consent": {"name": "first", "given_on": "2026-09-01", "photo": True, "location": "region", "organisation": True},
    }
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            data[outer] = {**data[outer], inner: value}
        else:
            data[key] = value
    return Defender.model_validate(data)


def action(**changes) -> Action:
    data = {"title": "T", "summary": "S", "country": "CO", "id": "UA-1", "issued": "2026-11-01",
            "deadline": "2026-12-03", "status": "open", "letter": "L",
            "targets": ({"name": "M", "address": "A"},)}
    data.update(changes)
    return Action.model_validate(data)


def entry(meta, kind: str, slug: str) -> Entry:
    return Entry(Source(f"content/{kind}s/{slug}.md", kind, slug, {}), meta, "")


@pytest.mark.parametrize("now, expected", [
    ("2026-12-09T23:59:59", "embargoed until 2026-12-10"),
    ("2026-12-10T00:00:00", None),                 # midnight in the site's zone
    ("2026-12-09T23:30:00-01:00", None),           # already 10 December in London
    ("2026-12-11T12:00:00", None),
])
def test_embargo_by_date_lifts_at_midnight_site_time(now, expected):
    e = entry(action(publish_on="2026-12-10"), "action", "a")
    assert withheld_reason(e, clock(now)) == expected


@pytest.mark.parametrize("now, expected", [
    ("2026-12-10T08:59:00+01:00", "embargoed until 2026-12-10T09:00:00+01:00"),
    ("2026-12-10T09:00:00+01:00", None),
])
def test_embargo_by_date_time_with_offset(now, expected):
    e = entry(action(publish_on="2026-12-10T09:00:00+01:00"), "action", "a")
    assert withheld_reason(e, clock(now)) == expected


def test_draft_is_withheld_whatever_the_date():
    e = entry(action(draft=True, publish_on="2020-01-01"), "action", "a")
    assert withheld_reason(e, clock("2030-01-01T00:00")) == "draft: true"


@pytest.mark.parametrize("status, today, shown, left", [
    ("open", date(2026, 12, 1), "open", 2),
    ("open", date(2026, 12, 3), "open", 0),        # the deadline day is still open
    ("open", date(2026, 12, 4), "closed", None),   # after it: shown closed, never deleted
    ("closed", date(2026, 12, 1), "closed", None),
    ("resolved", date(2026, 12, 1), "resolved", None),
    ("resolved", date(2027, 1, 1), "resolved", None),
])
def test_action_status_over_time(status, today, shown, left):
    extra = {"outcome": "Released."} if status == "resolved" else {}
    a = action(status=status, **extra)
    assert action_status(a, today) == shown
    assert days_left(a, today) == left


@pytest.mark.parametrize("changes, today, reason", [
    ({}, date(2026, 12, 1), None),
    ({"vetting.status": "pending"}, date(2026, 12, 1), "vetting.status is pending"),
    ({"vetting.status": "rejected"}, date(2026, 12, 1), "vetting.status is rejected"),
    ({"vetting.status": "withdrawn"}, date(2026, 12, 1), "vetting.status is withdrawn"),
    ({"vetting.by": "AB"}, date(2026, 12, 1), "vetting.by is the author: a second person must vet it"),
    ({"vetting.by": " ab "}, date(2026, 12, 1), "vetting.by is the author: a second person must vet it"),
    ({}, date(2027, 4, 1), None),                  # review day itself still valid
    ({}, date(2027, 4, 2), "review overdue since 2027-04-01"),
    ({"consent.withdrawn_on": "2026-11-15"}, date(2026, 12, 1), "consent withdrawn on 2026-11-15"),
    ({"consent.withdrawn_on": "2027-01-01"}, date(2026, 12, 1), "consent withdrawn on 2027-01-01"),
    ({"consent.given_on": "2026-12-05"}, date(2026, 12, 1), "consent.given_on is in the future"),
    ({"consent.given_on": None}, date(2026, 12, 1), "consent.given_on is missing"),
    ({"vetting.on": "2026-12-05"}, date(2026, 12, 1), "vetting.on is in the future"),
    ({"vetting.on": "2026-12-01"}, date(2026, 12, 1), None),  # vetted today
])
def test_defender_is_public_only_when_vetted_current_and_consented(changes, today, reason):
    assert defender_withheld_reason(defender(**changes), today) == reason


@pytest.mark.parametrize("consent, shown", [
    ({"location": "region", "organisation": True, "photo": True}, ("North", "CO", "Org", "media/a.jpg")),
    ({"location": "country", "organisation": True, "photo": True}, (None, "CO", "Org", "media/a.jpg")),
    ({"location": "none", "organisation": True, "photo": True}, (None, None, "Org", "media/a.jpg")),
    ({"location": "region", "organisation": False, "photo": True}, ("North", "CO", None, "media/a.jpg")),
    ({"location": "region", "organisation": True, "photo": False}, ("North", "CO", "Org", None)),
])
def test_consent_redacts(consent, shown):
    d = redact_defender(defender(**{f"consent.{k}": v for k, v in consent.items()}))
    assert (d.region, d.country, d.organisation, d.image) == shown
    if d.image is None:
        assert d.image_alt is None


def test_consent_defaults_fail_closed():
    d = Defender.model_validate({
        "title": "A", "name": "A", "summary": "S", "country": "CO", "organisation": "Org", "region": "R",
        "image": "media/a.jpg", "image_alt": "A",
        "vetting": {"status": "approved", "by": "X", "on": "2026-01-01", "review_by": "2027-01-01"},
        "consent": {"name": "full", "given_on": "2026-01-01"},
    })
    shown = redact_defender(d)
    assert (shown.organisation, shown.image, shown.region, shown.country) == (None, None, None, "CO")


def test_private_is_dropped_at_every_depth():
    a = action(private={"note": "p1"}, targets=({"name": "M", "address": "A", "private": {"note": "p2"}},))
    t = Tour.model_validate({"title": "T", "summary": "S", "stops": (
        {"starts": "2026-12-01T19:00", "city": "Oslo", "private": {"reason": "p3"}},)})
    for record in (strip_private(a), strip_private(t)):
        assert "p1" not in repr(record) and "p2" not in repr(record) and "p3" not in repr(record)
    assert strip_private(a).targets[0].name == "M"


@pytest.mark.parametrize("text, expected", [
    ("a <!-- secret --> b", "a  b"),
    ("a <!--\nmulti\nline\n--> b", "a  b"),
    ("<!-- one --> x <!-- two -->", " x "),
    ("unclosed <!-- rest of file", "unclosed "),
    ("no comment", "no comment"),
])
def test_html_comments_are_dropped(text, expected):
    assert strip_comments(text) == expected


def _catalogue(*entries) -> Catalogue:
    cat = Catalogue()
    for e in entries:
        cat.of(e.kind)[e.slug] = e
    return cat


def test_publish_withholds_and_reports_references_to_withheld_items():
    ana = entry(defender(**{"vetting.status": "pending"}), "defender", "ana")
    ok = entry(action(defenders=("ana",)), "action", "a")
    draft = entry(action(id="UA-2", draft=True, defenders=("ana",)), "action", "b")
    result = publish(_catalogue(ana, ok, draft), clock("2026-12-01T00:00"))
    assert [(w.path, w.reason) for w in result.withheld] == [
        ("content/actions/b.md", "draft: true"),
        ("content/defenders/ana.md", "vetting.status is pending"),
    ]
    assert list(result.public.actions) == ["a"] and result.public.defenders == {}
    assert [(p.path, p.key) for p in result.problems] == [("content/actions/a.md", "defenders[0]")]


def test_publish_refuses_a_defenders_photo_elsewhere_without_consent():
    ana = entry(defender(**{"consent.photo": False}), "defender", "ana")
    a = entry(action(image="media/a.jpg", image_alt="x"), "action", "a")
    result = publish(_catalogue(ana, a), clock("2026-12-01T00:00"))
    assert [str(p) for p in result.problems] == [
        "content/actions/a.md:1: image: content/media/a.jpg is the photo of a profile that may not show it "
        "(content/defenders/ana.md): use another image"
    ]


#: Every kind of record, with every text it can hold; a comment is added to each that takes one.
_EVERY_TEXT = {
    "action": {"title": "T", "summary": "S", "country": "CO", "id": "UA-1", "issued": "2026-11-01",
               "deadline": "2026-12-20", "status": "open", "letter": "L", "outcome": "O", "steps": ("One", "Two"),
               "image": "media/a.jpg", "image_alt": "Alt",
               "targets": ({"name": "N", "role": "R", "organisation": "O", "address": "Line 1\nLine 2",
                            "salutation": "Dear N"},),
               "copies": ({"name": "N", "role": "R", "organisation": "O", "address": "A", "salutation": "Dear C"},),
               "updates": ({"date": "2026-11-10", "title": "U", "text": "Update text"},)},
    "tour": {"title": "T", "summary": "S", "announced": "2026-11-01",
             "stops": ({"starts": "2026-12-10T19:00", "city": "Leeds", "venue": "V", "address": "A",
                        "accessibility": "Step-free"},)},
    "campaign": {"title": "T", "summary": "S", "starts": "2026-11-01", "hashtag": "tag"},
    "page": {"title": "T", "summary": "S"},
    "defender": {"title": "Ana", "name": "Ana", "summary": "S", "country": "CO", "author": "AB", "role": "R",
                 "pronouns": "she/her", "region": "North", "organisation": "Org", "image": "media/a.jpg",
                 "image_alt": "Ana", "vetting": {"status": "approved", "by": "CD", "on": "2026-10-01",
                                                 "review_by": "2027-04-01"},
                 "consent": {"name": "first", "given_on": "2026-09-01", "photo": True, "location": "region",
                             "organisation": True}},
}


def _comment_everywhere(model, data: dict) -> tuple[dict, list[tuple]]:
    """``data`` with a comment after every text the model accepts one in, and the key paths that got one."""
    leaves: list[tuple] = []

    def walk(value, loc):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, loc + (k,))
        elif isinstance(value, tuple):
            for i, v in enumerate(value):
                walk(v, loc + (i,))
        elif isinstance(value, str):
            leaves.append((loc, value))

    walk(data, ())
    out, got = data, []
    for loc, text in leaves:  # keep a comment only where the type takes it (not in a title, a date, an id)
        trial = _put(out, loc, text + " <!-- COMMENTED -->")
        try:
            model.model_validate(trial)
        except Exception:
            continue
        out, got = trial, got + [loc]
    return out, got


def _put(data, loc, value):
    if not loc:
        return value
    if isinstance(data, tuple):
        return tuple(_put(v, loc[1:], value) if i == loc[0] else v for i, v in enumerate(data))
    return {**data, loc[0]: _put(data[loc[0]], loc[1:], value)}


def test_comments_are_stripped_from_every_text_of_every_kind_not_only_the_body():
    from generator.core.kinds import KINDS

    found, covered = [], set()
    entries = []
    for kind, data in _EVERY_TEXT.items():
        commented, got = _comment_everywhere(KINDS[kind].model, data)
        covered |= {(kind, ".".join(str(p) for p in loc)) for loc in got}
        entries.append(Entry(Source(f"content/{kind}s/x.md", kind, "x", {}), KINDS[kind].model.model_validate(commented),
                             "Body <!-- COMMENTED -->"))
    result = publish(_catalogue(*entries), clock("2026-12-01T00:00"))
    assert sorted(e.kind for e in result.public.entries()) == ["action", "campaign", "defender", "page", "tour"]
    for entry_ in result.public.entries():
        found += [(entry_.kind, loc) for loc, text in _texts_of(entry_.meta, ()) if "COMMENTED" in text]
        assert "COMMENTED" not in entry_.body
    assert found == []
    assert {("action", "summary"), ("action", "letter"), ("action", "outcome"), ("action", "steps.0"),
            ("action", "updates.0.text"), ("action", "targets.0.address"), ("action", "targets.0.salutation"),
            ("tour", "stops.0.accessibility"), ("campaign", "summary"), ("defender", "role")} <= covered


def _texts_of(value, loc):
    from pydantic import BaseModel

    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts_of(getattr(value, name), loc + (name,))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _texts_of(item, loc + (i,))


def test_review_warning_before_the_date():
    d = entry(defender(**{"vetting.review_by": "2026-12-10"}), "defender", "ana")
    result = publish(_catalogue(d), clock("2026-12-01T00:00"), warn_days=14)
    assert [p.message for p in result.warnings] == ["review due on 2026-12-10: after it the profile is withheld"]
    assert publish(_catalogue(d), clock("2026-12-01T00:00"), warn_days=5).warnings == []


def test_clock_needs_a_time_zone():
    with pytest.raises(ValueError):
        Clock(datetime(2026, 12, 1), LONDON)
    assert Clock(datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc), ZoneInfo("Asia/Tokyo")).today == date(2026, 12, 1)


# ------------------------------------------------------------------ links between pages

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.core.urls import _relative_path, relative_url  # noqa: E402

_SEGMENT = st.sampled_from(["actions", "a", "b", "tours", "x-1", ".", "..", ""])
_PATH = st.lists(_SEGMENT, max_size=5).map("/".join)


@given(_PATH, _PATH)
def test_relative_paths_are_what_posixpath_gives(target, base):
    import posixpath

    assert _relative_path(target, base) == posixpath.relpath("/" + target, "/" + base)


@pytest.mark.parametrize("target, start, expected", [
    ("actions/x/", "actions/", "x/"),
    ("actions/", "actions/x/", "../"),
    ("", "actions/x/", "../.."),
    ("actions/x/", "actions/x/", "./"),
    ("media/a.jpg", "defenders/ana/", "../../media/a.jpg"),
    ("tours/t/#stop-1", "tours/t/", "./#stop-1"),
])
def test_relative_urls(target, start, expected):
    assert relative_url(target, start) == expected


# ------------------------------------------------------------------ time never breaks a build

from generator.core.policy import withholding  # noqa: E402


@pytest.mark.parametrize("changes, reason, timed, consent", [
    ({"draft": True}, "draft: true", False, None),
    ({"vetting.status": "pending"}, "vetting.status is pending", False, None),
    ({"vetting.by": "AB"}, "vetting.by is the author: a second person must vet it", False, None),
    ({"vetting.review_by": "2026-11-30"}, "review overdue since 2026-11-30", True, None),
    ({"vetting.on": "2026-12-02"}, "vetting.on is in the future", True, None),
    ({"publish_on": "2026-12-02"}, "embargoed until 2026-12-02", True, None),
    ({"consent.withdrawn_on": "2026-12-01"}, "consent withdrawn on 2026-12-01", True,
     "whose consent was withdrawn on 2026-12-01"),
    ({"consent.given_on": "2026-12-05"}, "consent.given_on is in the future", True,
     "whose consent is given only from 2026-12-05"),
    # Fixing comes first, but a withdrawal always makes the names tripwires and references droppable.
    ({"vetting.status": "pending", "consent.withdrawn_on": "2026-11-01"}, "vetting.status is pending", True,
     "whose consent was withdrawn on 2026-11-01"),
    ({"draft": True, "publish_on": "2027-01-01"}, "draft: true", False, None),
])
def test_withholding_says_whether_the_volunteer_or_the_calendar_holds_a_file_back(changes, reason, timed, consent):
    held = withholding(entry(defender(**changes), "defender", "ana"), clock("2026-12-01T00:00"))
    assert (held.reason, held.timed, held.consent) == (reason, timed, consent)


def test_a_reference_to_what_the_calendar_withholds_is_left_out_with_a_warning():
    ana = entry(defender(**{"vetting.review_by": "2026-11-30"}), "defender", "ana")
    a = entry(action(defenders=("ana",)), "action", "a")
    result = publish(_catalogue(ana, a), clock("2026-12-01T00:00"))
    assert result.problems == []
    assert result.public.actions["a"].meta.defenders == ()
    assert [p.message for p in result.warnings] == [
        "defender 'ana' (content/defenders/ana.md) is withheld (review overdue since 2026-11-30): "
        "left out of this action until it is public again"]


@pytest.mark.parametrize("now", ["2026-11-01T00:00", "2026-12-01T00:00", "2027-06-01T00:00"])
def test_what_a_volunteer_must_fix_is_an_error_whatever_the_date(now):
    """An embargoed action naming an unvetted profile is wrong before, on and after its embargo lifts."""
    ana = entry(defender(**{"vetting.status": "pending"}), "defender", "ana")
    a = entry(action(defenders=("ana",), publish_on="2026-12-01"), "action", "a")
    secret = entry(action(id="UA-2", publish_on="2026-12-01", summary="About Ana Real Name.",
                          private={"real_name": "Ana Real Name"}), "action", "b")
    result = publish(_catalogue(ana, a, secret), clock(now))
    assert sorted((p.path, p.key) for p in result.problems) == [
        ("content/actions/a.md", "defenders[0]"), ("content/actions/b.md", "summary")]


def test_every_name_file_name_and_photo_of_a_withdrawn_defender_is_watched():
    ana = entry(defender(also_known_as=("Ana María",), **{"consent.withdrawn_on": "2026-11-01"}), "defender", "ana")
    result = publish(_catalogue(ana), clock("2026-12-01T00:00"))
    assert {name: (w.key, w.content_only) for name, w in result.watched.items()} == {
        "Ana": ("name", True), "Ana María": ("also_known_as[0]", True), "ana": ("file name", True),
        "media/a.jpg": ("image", True)}
    assert "content/defenders/ana.md" in result.unlinked and "content/media/a.jpg" in result.unlinked

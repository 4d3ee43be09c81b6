"""Publication policy: what may be public at a given moment, and what must be hidden in it.

This is the one place that decides. Read it top to bottom:

1. :func:`withholding` says whether a file is published *now*, and if not, why:
   for a reason the volunteer must fix, or one the calendar (or a withdrawal) brings.
2. :func:`action_status` says how an action is shown: an open action past its
   deadline is shown as closed (it is never deleted).
3. :func:`redact_defender` removes what a defender did not consent to show.
4. :func:`strip_private` drops every ``private`` mapping, at any depth, and
   :func:`strip_comments` drops HTML comments from every Markdown text;
   :func:`shown` is a file as it may be shown (3 and 4).

These rules look at one file at a time. :mod:`.publication` applies them to a
whole catalogue, where files refer to each other.

Anything not explicitly allowed here is withheld: the rules fail closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time as time_of_day
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from .model import Action, Defender, Entry, Private


@dataclass(frozen=True)
class Clock:
    """"Now" for one build: the only notion of time the core has."""

    now: datetime
    timezone: ZoneInfo

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Clock.now must carry a time zone")

    @property
    def today(self) -> date:
        """Today's date in the site's time zone."""
        return self.now.astimezone(self.timezone).date()

    def instant(self, value: date | datetime) -> datetime:
        """A date (its midnight, site time) or date-time (site time if it has no offset) as an instant."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.timezone)
        return datetime.combine(value, time_of_day(0), tzinfo=self.timezone)


# ---------------------------------------------------------------- 1. published now?


@dataclass(frozen=True)
class Withholding:
    """Why a file is not published now."""

    reason: str
    timed: bool = False
    """True when the calendar or a withdrawal holds it back, not a mistake in the file: an embargo,
    a review date passed, consent withdrawn or not yet given, a name it must not mention. Files that
    refer to it stay published without the reference, with a warning. False (a draft, a profile not
    vetted by a second person) is for the volunteer to fix: a file that refers to it is an error."""
    consent: str | None = None
    """For a profile withheld for consent: why, as the warnings say it ("whose consent was withdrawn
    on 2026-12-01"). Its names become tripwires (see :func:`publish`)."""


def withholding(entry: Entry, clock: Clock) -> Withholding | None:
    """Why this file must not be published now, or None if it may be.

    A reason the volunteer must fix (a draft, a profile not vetted) comes
    before one the calendar brings (an embargo, a review date): it is the one
    that decides how files referring to it are treated.
    """
    meta = entry.meta
    fixable: list[str] = []
    timed: list[str] = []
    consent = None
    if meta.draft:
        fixable.append("draft: true")
    if isinstance(meta, Defender):
        consent = consent_withheld(meta, clock.today)
        reason = defender_withheld_reason(meta, clock.today)
        if reason is not None:
            (timed if reason in _timed_reasons(meta) or reason == _consent_reason(meta) else fixable).append(reason)
    if meta.publish_on is not None and clock.now < clock.instant(meta.publish_on):
        timed.insert(0, f"embargoed until {meta.publish_on.isoformat()}")
    if not fixable and not timed:
        return None
    return Withholding((fixable + timed)[0], not fixable or consent is not None, consent)


def withheld_reason(entry: Entry, clock: Clock) -> str | None:
    """Why this file must not be published now (the text of :func:`withholding`), or None."""
    held = withholding(entry, clock)
    return held.reason if held else None


def defender_withheld_reason(defender: Defender, today: date) -> str | None:
    """A profile is public only when vetted by a second person, reviewed on time, and consented to."""
    vetting, consent = defender.vetting, defender.consent
    if vetting.status != "approved":
        return f"vetting.status is {vetting.status}"
    if defender.author and vetting.by and _same_person(defender.author, vetting.by):
        return "vetting.by is the author: a second person must vet it"
    if vetting.review_by is None or vetting.review_by < today:
        return f"review overdue since {vetting.review_by}"
    if vetting.on is None or vetting.on > today:
        return "vetting.on is in the future"
    if consent.withdrawn_on is not None:
        return f"consent withdrawn on {consent.withdrawn_on.isoformat()}"
    if consent.given_on is None:  # only a draft may lack it (validate.py); a draft never gets here
        return "consent.given_on is missing"
    if consent.given_on > today:
        return "consent.given_on is in the future"
    return None


def _timed_reasons(defender: Defender) -> set[str]:
    """The reasons of :func:`defender_withheld_reason` that the calendar brings, not the volunteer."""
    return {f"review overdue since {defender.vetting.review_by}", "vetting.on is in the future",
            "consent.given_on is in the future"}


def _consent_reason(defender: Defender) -> str | None:
    withdrawn = defender.consent.withdrawn_on
    return f"consent withdrawn on {withdrawn.isoformat()}" if withdrawn else None


def consent_withheld(defender: Defender, today: date) -> str | None:
    """Why a recorded consent does not hold today, as a clause about the defender; None while it holds.

    Whatever else withholds the profile, a withdrawal makes every name of the
    defender a tripwire. A draft without ``given_on`` records no decision yet
    (the profile is being written, its name may still be the template's
    ``NAME``): it withholds the profile, and no other file.
    """
    consent = defender.consent
    if consent.withdrawn_on is not None:
        return f"whose consent was withdrawn on {consent.withdrawn_on.isoformat()}"
    if consent.given_on is not None and consent.given_on > today:
        return f"whose consent is given only from {consent.given_on.isoformat()}"
    return None


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


# ---------------------------------------------------------------- 2. action status


def action_status(action: Action, today: date) -> str:
    """open, closed or resolved, as shown to the public on ``today``.

    The deadline day itself is still open: "act by" that day.
    """
    if action.status == "open" and action.deadline is not None and action.deadline < today:
        return "closed"
    return action.status


def days_left(action: Action, today: date) -> int | None:
    """Whole days from ``today`` to the deadline of an open action (0 on the last day)."""
    if action_status(action, today) != "open" or action.deadline is None:
        return None
    return (action.deadline - today).days


# ---------------------------------------------------------------- 3. consent


def redact_defender(defender: Defender) -> Defender:
    """The profile as consent allows it to be shown."""
    consent = defender.consent
    changes: dict[str, Any] = {}
    if consent.location != "region":
        changes["region"] = None
    if consent.location == "none":
        changes["country"] = None
    if not consent.organisation:
        changes["organisation"] = None
    if not consent.photo:
        changes["image"] = None
        changes["image_alt"] = None
    # Pydantic's model_copy does not re-validate; country is typed str | None
    # on the base and required on Defender, and None here means "not shown".
    return defender.model_copy(update=changes)


# ---------------------------------------------------------------- 4. private and comments


def _rewrite(value: Any, change) -> Any:
    """``value`` with ``change`` applied to every value inside it, rebuilding only what changed."""
    changed = change(value)
    if changed is not value:
        return changed
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _rewrite(old, change)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        items = tuple(_rewrite(v, change) for v in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


def strip_private(record: Any) -> Any:
    """The record with every ``private`` mapping removed, at any depth."""
    return _rewrite(record, lambda v: None if isinstance(v, Private) else v)


_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)


def strip_comments(text: str) -> str:
    """Markdown without HTML comments: they would sit in the page source, invisible to the author."""
    return _COMMENT.sub("", text) if "<!--" in text else text


#: The field names of each model, in order (looked up once per model).
_FIELDS: dict[type, tuple[str, ...]] = {}

#: Values with nothing inside to hide, by their exact type (a subclass of one is looked at like any other value).
_PLAIN = frozenset({type(None), bool, int, float, date, datetime})


def _hidden(value: Any) -> Any:
    """``value`` without its ``private`` mappings and HTML comments, at any depth.

    :func:`strip_private` then :func:`strip_comments` on every text, in one walk (every file is
    shown, so this is a large part of applying the policy); rebuilds only what changed.
    """
    if isinstance(value, str):
        return strip_comments(value) if "<!--" in value else value
    if isinstance(value, Private):
        return None
    if isinstance(value, BaseModel):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(type(value).model_fields)
        fields = value.__dict__  # a model's field values (a name missing there fails loudly, never silently)
        updates = {}
        for name in names:
            old = fields[name]
            # Most values are texts without comments, numbers and dates: kept as they are without a call each.
            kind = old.__class__
            if kind in _PLAIN or (kind is str and "<!--" not in old) or (kind is tuple and not old):
                continue
            new = _hidden(old)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        items = tuple([v if v.__class__ in _PLAIN or (v.__class__ is str and "<!--" not in v) else _hidden(v)
                       for v in value])
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


def shown(entry: Entry) -> Entry:
    """The file as it may be shown: what consent allows, without private data or HTML comments."""
    meta = entry.meta
    if isinstance(meta, Defender):
        meta = redact_defender(meta)
    return entry.replace(meta=_hidden(meta), body=strip_comments(entry.body))

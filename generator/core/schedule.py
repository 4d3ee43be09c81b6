"""What time will do to the site: the changes the coming builds will make, and from when.

A site changes without anyone editing it: an action closes the day after its
deadline, an embargo lifts, a profile's review falls due and it is withheld,
a tour stop passes. Each takes effect at the first build after its moment.
:func:`changes` lists them between two instants, asking the policy itself
(``withheld_reason``, ``action_status``) before and at each moment, so that
it can never disagree with what a build will do. Pure: "now" is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Action, Defender, Entry, Tour
from .policy import Clock, action_status, withheld_reason
from .stops import stop_times
from .validate import Catalogue

from .views import DEFAULT_STOP_LENGTH as STOP_LENGTH
_JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True, order=True)
class Change:
    """One thing a build will do differently from ``when`` on."""

    when: datetime
    path: str
    kind: str
    """``publishes``, ``withheld``, ``closes``, ``stop passes`` or ``stays withheld``."""
    message: str


def changes(catalogue: Catalogue, timezone: str, after: datetime, until: datetime) -> list[Change]:
    """Every change a build makes at a moment in ``(after, until]``, in time order."""
    zone = ZoneInfo(timezone)
    found: list[Change] = []
    for entry in catalogue.entries():
        found += _publication(entry, zone, after, until, catalogue)
        if isinstance(entry.meta, Action):
            found += _closing(entry, zone, after, until)
        if isinstance(entry.meta, Tour):
            found += _stops(entry, zone, timezone, after, until)
    return sorted(found)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return Clock(datetime(2000, 1, 1, tzinfo=zone), zone).instant(day)


def _reason(entry: Entry, at: datetime, zone: ZoneInfo) -> str | None:
    return withheld_reason(entry, Clock(at, zone))


def _moments(entry: Entry, zone: ZoneInfo) -> list[tuple[datetime, str]]:
    """The moments at which the policy's answer about this file may change, and what they are."""
    meta = entry.meta
    clock = Clock(datetime(2000, 1, 1, tzinfo=zone), zone)
    out = []
    if meta.publish_on is not None:
        out.append((clock.instant(meta.publish_on), f"publish_on {meta.publish_on.isoformat()}"))
    if isinstance(meta, Defender):
        v, c = meta.vetting, meta.consent
        if v.on is not None:
            out.append((_midnight(v.on, zone), f"vetting.on {v.on.isoformat()}"))
        if v.review_by is not None:
            out.append((_midnight(v.review_by + timedelta(days=1), zone), f"review due {v.review_by.isoformat()}"))
        if c.given_on is not None:
            out.append((_midnight(c.given_on, zone), f"consent.given_on {c.given_on.isoformat()}"))
    return out


def _publication(entry: Entry, zone: ZoneInfo, after: datetime, until: datetime, catalogue: Catalogue) -> list[Change]:
    out = []
    for moment, why in _moments(entry, zone):
        if not after < moment <= until:
            continue
        before, then = _reason(entry, moment - _JUST_BEFORE, zone), _reason(entry, moment, zone)
        if before is not None and then is None:
            out.append(Change(moment, entry.path, "publishes", f"published ({why})"))
        elif before is None and then is not None:
            names = _named_by(entry, catalogue)
            also = (f"; named by {', '.join(names)}: re-vet it or remove it from them before then"
                    if names else "")
            out.append(Change(moment, entry.path, "withheld", f"withheld: {then}{also}"))
        elif before is not None and then is not None and why.startswith("publish_on"):
            out.append(Change(moment, entry.path, "stays withheld", f"{why} passes, but it stays withheld: {then}"))
    return out


def _named_by(defender: Entry, catalogue: Catalogue) -> list[str]:
    """Files that name this defender: they must drop it when it is withheld."""
    if not isinstance(defender.meta, Defender):
        return []
    return sorted(e.path for e in catalogue.entries() if defender.slug in getattr(e.meta, "defenders", ()))


def _closing(entry: Entry, zone: ZoneInfo, after: datetime, until: datetime) -> list[Change]:
    meta: Action = entry.meta
    if meta.status != "open" or meta.deadline is None:
        return []
    moment = _midnight(meta.deadline + timedelta(days=1), zone)
    if not after < moment <= until or _reason(entry, moment, zone) is not None:
        return []
    today, yesterday = moment.astimezone(zone).date(), (moment - _JUST_BEFORE).astimezone(zone).date()
    if action_status(meta, yesterday) == "open" and action_status(meta, today) == "closed":
        return [Change(moment, entry.path, "closes",
                       f"{meta.id} closes: deadline {meta.deadline.isoformat()} passed; the letter and addresses go")]
    return []


def stop_passes(starts: datetime, ends: datetime | None) -> datetime:
    """The first moment a stop is in the past events: just after its end (else two hours after it starts)."""
    return (ends or starts + STOP_LENGTH) + _JUST_BEFORE


def _stops(entry: Entry, zone: ZoneInfo, timezone: str, after: datetime, until: datetime) -> list[Change]:
    out = []
    for i, stop in enumerate(entry.meta.stops):
        starts, ends, _ = stop_times(stop, timezone)
        moment = stop_passes(starts, ends)
        if stop.status == "cancelled" or not after < moment <= until or _reason(entry, moment, zone) is not None:
            continue
        where = stop.city or stop.venue or "online"
        out.append(Change(moment, entry.path, "stop passes",
                          f"stop {i + 1} ({where}, {starts.strftime('%Y-%m-%d %H:%M')}) moves to past events"))
    return out

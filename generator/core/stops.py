"""Tour stops in time: their zone, their instants, and their stable calendar UID."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .model import Stop


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated: ``Bogotá D.C.`` becomes ``bogota-d-c``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def offset_zone_name(offset: timedelta) -> str:
    """A fixed offset as a zone name: ``UTC+02:00``, ``UTC-05:30``; no offset is ``UTC``."""
    if not offset:
        return "UTC"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def is_fixed_offset(zone_name: str) -> bool:
    """Whether a stop's zone is a fixed offset (``UTC+02:00``) rather than an IANA zone."""
    return zone_name.startswith(("UTC+", "UTC-"))


def stop_zone(stop: Stop, default_zone: str) -> str:
    """The zone a stop's times are in: its ``timezone``; else the offset it was written with
    (``2027-04-02T17:00:00+02:00`` is at UTC+02:00, wherever the site is); else the site's zone."""
    if stop.timezone:
        return stop.timezone
    if stop.starts.tzinfo is not None:
        return offset_zone_name(stop.starts.utcoffset())
    return default_zone


def _zone(name: str) -> tzinfo:
    if is_fixed_offset(name):
        sign = -1 if name[3] == "-" else 1
        hours, minutes = name[4:].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)), name)
    return ZoneInfo(name)


def stop_times(stop: Stop, default_zone: str) -> tuple[datetime, datetime | None, str]:
    """A stop's start and end as aware date-times in its own zone (:func:`stop_zone`), and the zone's name."""
    name = stop_zone(stop, default_zone)
    zone = _zone(name)

    def local(value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)

    return local(stop.starts), (local(stop.ends) if stop.ends else None), name


def time_problem(value: datetime, zone_name: str) -> str | None:
    """Why a stop's written time cannot be right in its zone, or None.

    ``zone_name`` is the stop's own ``timezone``, or the site's zone for a time
    written without an offset: a time written with an offset and no
    ``timezone`` is at that offset, and needs no check.
    """
    zone = ZoneInfo(zone_name)
    if value.tzinfo is None:
        there = value.replace(tzinfo=zone)
        back = there.astimezone(timezone.utc).astimezone(zone)
        if back.replace(tzinfo=None) != value:
            return f"{value.isoformat(timespec='minutes')} does not exist in {zone_name} (the clocks change that night)"
        return None
    expected = value.astimezone(zone).utcoffset()
    if value.utcoffset() != expected:
        hours = expected.total_seconds() / 3600
        return (f"has offset {value.isoformat()[19:]} but {zone_name} is UTC{hours:+g} then: "
                "fix the offset, or leave it out and let timezone decide")
    return None


def stop_uid(tour_slug: str, stop: Stop, starts: datetime) -> str:
    """The contract's UID: the stop id, else tour slug, city and the stop's date."""
    if stop.id:
        return stop.id
    return f"{tour_slug}-{slugify(stop.city or stop.venue or 'online')}-{starts.date().isoformat()}"

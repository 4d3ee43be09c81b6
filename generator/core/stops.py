"""Tour stops in time: their zone, their instants, and their stable calendar UID."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from .model import Stop


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphenated: ``Bogotá D.C.`` becomes ``bogota-d-c``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def stop_times(stop: Stop, default_zone: str) -> tuple[datetime, datetime | None, str]:
    """A stop's start and end as aware date-times in its own zone, and the zone's name."""
    name = stop.timezone or default_zone
    zone = ZoneInfo(name)

    def local(value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)

    return local(stop.starts), (local(stop.ends) if stop.ends else None), name


def time_problem(value: datetime, zone_name: str) -> str | None:
    """Why a stop's written time cannot be right in its zone, or None."""
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

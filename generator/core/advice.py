"""Warnings: what a volunteer wrote that is allowed, but probably not what they meant.

Nothing here stops a build (time never breaks the site, and a date that looks
odd may be right); ``accompany check`` and ``accompany build`` print each as
``warning: path:line: key: message``. Like validation, this does not depend on
the date of the build: the same files give the same warnings every day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Action, Entry
from .problems import Problem
from .validate import Catalogue


def first_published_day(action: Action, zone: ZoneInfo) -> date:
    """The first day an action may be public: its ``issued`` date, or its ``publish_on`` if later."""
    day = action.issued
    embargo = action.publish_on
    if isinstance(embargo, datetime):
        embargo = (embargo if embargo.tzinfo else embargo.replace(tzinfo=zone)).astimezone(zone).date()
    return max(day, embargo) if embargo is not None else day


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def deadline_warnings(entry: Entry[Action], zone: ZoneInfo) -> list[Problem]:
    """An open action whose deadline passed before it is first published, or lies more than a year after it was issued."""
    meta = entry.meta
    if meta.deadline is None or meta.status != "open":
        return []
    out = []
    line = entry.line(("deadline",))
    first = first_published_day(meta, zone)
    if meta.issued <= meta.deadline < first:  # before issued is an error (model.py)
        out.append(Problem(entry.path, line, "deadline", (
            f"{meta.deadline.isoformat()} has passed before the action is first published "
            f"({first.isoformat()}, its publish_on): it will only ever be shown as closed; "
            "move the deadline or publish_on, or set status: closed")))
    if meta.deadline > _a_year_after(meta.issued):
        out.append(Problem(entry.path, line, "deadline", (
            f"{meta.deadline.isoformat()} is more than a year after issued ({meta.issued.isoformat()}): "
            "an urgent action runs for weeks; check the year")))
    return out


def warnings(catalogue: Catalogue, zone: ZoneInfo) -> list[Problem]:
    """Every warning for every valid file, sorted."""
    out: list[Problem] = []
    for action in catalogue.actions.values():
        out += deadline_warnings(action, zone)
    return sorted(out)

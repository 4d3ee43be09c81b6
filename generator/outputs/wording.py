"""How every output says what the views decide: one sentence for each thing, shared by all.

Pages, sheets, feeds, calendars and alerts say an action's status, that late
letters can do harm, a stop's status, title, place and time in the same words,
made here (and given to templates as ``words``). What is shown is decided on
the core views (core/views.py: ``shows_letter``, ``closed_on``, a stop's
``end`` and ``upcoming``); how it is said, in the reader's language, is here.
"""

from __future__ import annotations

from ..core.views import ActionView, StopView
from .l10n import Formatter

#: What a stop's status says, first, wherever the stop is shown.
STOP_NOTES = {"cancelled": "This event is cancelled.",
              "postponed": "This event is postponed: a new date will follow."}
#: Before a stop's title: in calendars (clients that hide cancelled events) and feeds.
STATUS_PREFIXES = {"cancelled": "Cancelled: ", "postponed": "Postponed: "}
#: Why not to write any more.
LATE_HARM = "Please do not send letters now: late appeals can do harm."
NO_MORE_LETTERS = "Please do not send further letters on this action."


class Wording:
    """The shared sentences, in one language (its :class:`~.l10n.Formatter`)."""

    def __init__(self, fmt: Formatter):
        self.fmt = fmt

    # ---- actions

    def act_by(self, action: ActionView) -> str:
        """``Act by 22 December 2026``: open through its deadline day."""
        return self.fmt.act_by(action.meta.deadline)

    def status_line(self, action: ActionView) -> str:
        """One sentence on where an action stands: what a feed entry says first."""
        if action.status == "open":
            return f"Open. {self.act_by(action)}."
        if action.status == "resolved":
            return f"Resolved: good news. {NO_MORE_LETTERS}"
        return f"This action is closed. {LATE_HARM}"

    def closed_why(self, action: ActionView) -> str:
        """Why an action is closed, with the last day it was open when the deadline closed it."""
        if action.meta.status == "open" and action.meta.deadline:
            return f"This urgent action is closed: the last day to act was {self.fmt.date(action.meta.deadline)}."
        return "This urgent action is closed."

    def late_harm(self) -> str:
        return LATE_HARM

    def no_more_letters(self) -> str:
        return NO_MORE_LETTERS

    def write_in(self, languages) -> str:
        """``Write in: Spanish, English``."""
        return "Write in: " + ", ".join(self.fmt.language_name(lang) for lang in languages)

    # ---- stops

    def stop_note(self, stop: StopView) -> str:
        """``This event is cancelled.``, ``This event is postponed: ...``, or nothing."""
        return STOP_NOTES.get(stop.status, "")

    def status_prefix(self, stop: StopView) -> str:
        """``Cancelled: ``, ``Postponed: `` or nothing: before the stop's title in calendars and feeds."""
        return STATUS_PREFIXES.get(stop.status, "")

    def stop_title(self, stop: StopView) -> str:
        """``Voices of the River – London``: the tour, and the city (or online, or the venue)."""
        s = stop.stop
        place = s.city or ("Online" if stop.mode == "online" else s.venue or "")
        return f"{stop.tour.meta.title} – {place}" if place else stop.tour.meta.title

    def stop_place(self, stop: StopView) -> str:
        """Where in full, in one line: venue, address, city, country (any that are given, each once)."""
        s = stop.stop
        parts = [s.venue] + [line.strip() for line in (s.address or "").splitlines()] + [s.city]
        parts.append(self.fmt.country(s.country) if s.country else None)
        seen: list[str] = []
        for part in parts:
            if part and part not in seen:
                seen.append(part)
        return ", ".join(seen)

    def stop_where(self, stop: StopView) -> str:
        """Where in full, with how to take part: ``Online``, or the place (``and online`` for a hybrid stop)."""
        if stop.mode == "online":
            return "Online"
        return self.stop_place(stop) + (" and online" if stop.mode == "hybrid" else "")

    def stop_place_short(self, stop: StopView) -> str:
        """Where, in a list: venue, city, country."""
        s = stop.stop
        return ", ".join(p for p in (s.venue, s.city, self.fmt.country(s.country) if s.country else None) if p)

    def stop_mode(self, stop: StopView) -> str:
        """``Online``, ``Hybrid: in person and online``, or nothing for a stop in person."""
        return {"online": "Online", "hybrid": "Hybrid: in person and online"}.get(stop.mode, "")

    def stop_when(self, stop: StopView) -> str:
        """``Sunday, 28 March 2027, 19:00 (United Kingdom Time (BST))``: local time, and the zone it is in."""
        fmt = self.fmt
        zone = "UTC" if stop.zone == "UTC" else fmt.zone(stop.starts, stop.zone)
        return f"{fmt.weekday_date(stop.starts.date())}, {fmt.time(stop.starts)} ({zone})"

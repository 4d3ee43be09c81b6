"""How every output says what the views decide: one sentence for each thing, shared by all.

Pages, sheets, feeds, calendars and alerts say an action's status, that late
letters can do harm, a stop's status, title, place and time in the same words,
made here (and given to templates as ``words``). What is shown is decided on
the core views (core/views.py: ``shows_letter``, ``closed_on``, a stop's
``end`` and ``upcoming``); how it is said, in the reader's language, is here:
each sentence is a message of the catalog (catalogs.py), said by the Formatter.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..core.messages import N_
from ..core.views import ActionView, StopView
from .l10n import Formatter

#: What a stop's status says, first, wherever the stop is shown.
STOP_NOTES = {"cancelled": N_("This event is cancelled."),
              "postponed": N_("This event is postponed: a new date will follow.")}
#: Before a stop's title: in calendars (clients that hide cancelled events) and feeds.
STATUS_PREFIXES = {"cancelled": N_("Cancelled: %(title)s"), "postponed": N_("Postponed: %(title)s")}
#: Why not to write any more.
LATE_HARM = N_("Please do not send letters now: late appeals can do harm.")
NO_MORE_LETTERS = N_("Please do not send further letters on this action.")


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
        _ = self.fmt.gettext
        if action.status == "open":
            return _("Open. %(act_by)s.", act_by=self.act_by(action))
        if action.status == "resolved":
            return _("Resolved: good news. %(no_more_letters)s", no_more_letters=self.no_more_letters())
        return _("This action is closed. %(late_harm)s", late_harm=self.late_harm())

    def closed_why(self, action: ActionView) -> str:
        """Why an action is closed, with the last day it was open when the deadline closed it."""
        _ = self.fmt.gettext
        if action.meta.status == "open" and action.meta.deadline:
            return _("This urgent action is closed: the last day to act was %(date)s.",
                     date=self.fmt.date(action.meta.deadline))
        return _("This urgent action is closed.")

    def late_harm(self) -> str:
        return self.fmt.translate(LATE_HARM)

    def no_more_letters(self) -> str:
        return self.fmt.translate(NO_MORE_LETTERS)

    def write_in(self, languages) -> str:
        """``Write in: Spanish, English``."""
        return self.fmt.gettext("Write in: %(languages)s",
                                languages=", ".join(self.fmt.language_name(lang) for lang in languages))

    # ---- stops

    def stop_note(self, stop: StopView) -> str:
        """``This event is cancelled.``, ``This event is postponed: ...``, or nothing."""
        return self.fmt.translate(STOP_NOTES[stop.status]) if stop.status in STOP_NOTES else ""

    def titled(self, stop: StopView, title: str) -> str:
        """``title`` after the stop's status: ``Cancelled: ...``, ``Postponed: ...``, or as it is (calendars, feeds).

        A ``title`` that is HTML (Markup: a feed's schedule) stays HTML, the message text in it.
        """
        if stop.status not in STATUS_PREFIXES:
            return title
        message = self.fmt.translate(STATUS_PREFIXES[stop.status])
        return (escape(message) if isinstance(title, Markup) else message) % {"title": title}

    def stop_title(self, stop: StopView) -> str:
        """``Voices of the River – London``: the tour, and the city (or online, or the venue)."""
        s = stop.stop
        place = s.city or (self.fmt.gettext("Online") if stop.mode == "online" else s.venue or "")
        if not place:
            return stop.tour.meta.title
        return self.fmt.gettext("%(tour)s – %(place)s", tour=stop.tour.meta.title, place=place)

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
            return self.fmt.gettext("Online")
        if stop.mode == "hybrid":
            return self.and_online(self.stop_place(stop))
        return self.stop_place(stop)

    def and_online(self, place: str) -> str:
        """``Casa Azul, Berlin and online``: a hybrid stop's place."""
        return self.fmt.gettext("%(place)s and online", place=place)

    def stop_place_short(self, stop: StopView) -> str:
        """Where, in a list: venue, city, country."""
        s = stop.stop
        return ", ".join(p for p in (s.venue, s.city, self.fmt.country(s.country) if s.country else None) if p)

    def stop_mode(self, stop: StopView) -> str:
        """``Online``, ``Hybrid: in person and online``, or nothing for a stop in person."""
        if stop.mode == "online":
            return self.fmt.gettext("Online")
        return self.fmt.gettext("Hybrid: in person and online") if stop.mode == "hybrid" else ""

    def stop_when(self, stop: StopView) -> str:
        """``Sunday, 28 March 2027, 19:00 (United Kingdom Time (BST))``: local time, and the zone it is in."""
        fmt = self.fmt
        zone = "UTC" if stop.zone == "UTC" else fmt.zone(stop.starts, stop.zone)
        return fmt.gettext("%(date)s, %(time)s (%(zone)s)", date=fmt.weekday_date(stop.starts.date()),
                           time=fmt.time(stop.starts), zone=zone)

"""Calendars: the public tour stops as iCalendar files (RFC 5545, with RFC 7986 names).

Files, under ``calendars/`` in the site:

* ``calendars/tours.ics``: every stop of every public tour, to subscribe to;
* ``calendars/tours/<tour slug>.ics``: the stops of one tour, to subscribe to;
* ``calendars/stops/<stop>.ics``: one stop, for "add to calendar".

Each event keeps its UID for as long as the stop keeps its ``id`` (or, without
one, its tour, city and date), whatever happens to the site's domain: the UID
is the stop's UID from the site graph, ``@`` the host of the tag authority
(``accompany.tag_authority``). Times carry their IANA zone (TZID) and a
matching VTIMEZONE, so that 19:00 in London stays 19:00 in London on the day
the clocks change. A cancelled stop stays in the calendar, cancelled, with its
summary prefixed, because some clients hide cancelled events and others strike
them through; a postponed stop stays, tentative, until it has a new date.

The only time read is the build's "now", for DTSTAMP. VTIMEZONE rules are
computed for the years the events span, never for "today". A stop written
with an offset and no zone (an online event at 17:00+02:00) is at that fixed
offset: its times are written in UTC, as no VTIMEZONE can name a bare offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cached_property, lru_cache, partial

from typing import TYPE_CHECKING

from ..core.views import StopView
from .files import Files
from ..core.stops import is_fixed_offset, slugify
from . import Output
from .pages import Link

if TYPE_CHECKING:
    from icalendar import Event

#: How often subscribed clients should fetch a calendar again (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(hours=6)
PRODID = "-//accompany//accompany calendars//EN"
MEDIA_TYPE = "text/calendar"

ALL_PATH = "calendars/tours.ics"
#: The last line of every calendar, after its components (see :meth:`Calendars.calendar`).
END_CALENDAR = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class CalendarFile:
    """One subscribable calendar: where it is, what it carries, and the page it belongs to."""

    path: str
    """Site-relative path of the .ics file."""
    title: str
    carries: str
    """What a subscriber gets, in plain words."""
    page: str
    """Site-relative URL of the page that offers it."""
    stops: tuple[StopView, ...]


def uid_domain(tag_authority: str) -> str:
    """The domain part of ``example.org,2026``: the fixed right-hand side of every event UID."""
    return tag_authority.split(",", 1)[0]


def webcal(url: str) -> str:
    """An absolute http(s) URL as a ``webcal://`` URL: calendar apps subscribe when it is opened."""
    return "webcal://" + url.split("://", 1)[1]


def tour_calendar_path(slug: str) -> str:
    """Where the calendar of the tour ``slug`` is."""
    return f"calendars/tours/{slug}.ics"


def _calendar_time(stop: StopView, value: datetime) -> datetime:
    """A stop's time as the calendar writes it: with its IANA zone (TZID), or in UTC for a fixed offset,
    which no VTIMEZONE can name."""
    return value.astimezone(timezone.utc) if is_fixed_offset(stop.zone) else value


@lru_cache(maxsize=None)
def _vtimezone(zone: str, first: date, last: date) -> bytes:
    """The VTIMEZONE of ``zone`` for those years, serialised; made once per build and shared."""
    from icalendar import Timezone

    return Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical()


class Calendars(Output):
    """Renders the calendars, and offers them on the tours pages and on each stop."""

    name = "calendars"

    # ---- what exists

    @cached_property
    def calendars(self) -> list[CalendarFile]:
        """Every subscribable calendar: all stops first, then one per tour (newest tour first)."""
        site, _ = self.ctx.site, self.ctx.fmt.gettext
        name = site.config.site_name
        out = [CalendarFile(ALL_PATH, _("%(site)s: all speaker tour events", site=name),
                            _("Every event of every speaker tour: new events appear, and changes, "
                              "cancellations and postponements update your calendar by themselves."),
                            "tours/", tuple(site.stops))]
        for tour in site.tours:
            out.append(CalendarFile(tour_calendar_path(tour.slug),
                                    _("%(site)s: %(tour)s", site=name, tour=tour.meta.title),
                                    _("The events of the speaker tour \u201c%(tour)s\u201d.", tour=tour.meta.title),
                                    site.url(tour), tuple(site.tour_stops(tour))))
        return out

    @cached_property
    def _by_page(self) -> dict[str, list[CalendarFile]]:
        """The calendars of each page, in their order: each page asks for its own (thousands of pages)."""
        out: dict[str, list[CalendarFile]] = {}
        for cal in self.calendars:
            out.setdefault(cal.page, []).append(cal)
        return out

    @cached_property
    def stop_files(self) -> dict[str, str]:
        """Stop UID to the path of its single-event file (names made unique in time order)."""
        out: dict[str, str] = {}
        taken: set[str] = set()
        for stop in self.ctx.site.stops:
            base = f"calendars/stops/{slugify(stop.uid)}"
            path, n = base + ".ics", 1
            while path in taken:
                n += 1
                path = f"{base}-{n}.ics"
            taken.add(path)
            out[stop.uid] = path
        return out

    # ---- links for pages

    def page_links(self, url: str) -> list[Link]:
        """Subscribe (webcal) and download links for the calendars that belong to the page at ``url``."""
        links: list[Link] = []
        _ = self.ctx.fmt.gettext
        for cal in self._by_page.get(url, ()):
            webcal_url = webcal(self.ctx.site.absolute(cal.path))
            if cal.path == ALL_PATH:
                links.append(Link(webcal_url, _("Subscribe to all events in your calendar")))
                links.append(Link(cal.path, _("Download all events (.ics)"), MEDIA_TYPE))
            else:
                links.append(Link(webcal_url, _("Subscribe to this tour's events in your calendar")))
                links.append(Link(cal.path, _("Download this tour's events (.ics)"), MEDIA_TYPE))
        return links

    def stop_links(self, stop: StopView) -> list[Link]:
        """An "add to calendar" file for each stop that has not been cancelled."""
        if stop.status == "cancelled" or stop.uid not in self.stop_files:
            return []
        return [Link(self.stop_files[stop.uid], self.ctx.fmt.gettext("Add to your calendar (.ics)"))]

    # ---- rendering

    def render(self) -> Files:
        # Every stop is in three calendars (all events, its tour, its own file):
        # its VEVENT is made and serialised once, here, for all of them.
        events: dict[str, bytes] = {}
        out = Files()
        for cal in self.calendars:
            self.ctx.make(out, cal.path, self._key(cal.title, cal.carries, cal.page, cal.path, cal.stops, True),
                          partial(self.calendar, cal.title, cal.carries, cal.page, cal.path, cal.stops,
                                  subscribed=True, events=events))
        for stop in self.ctx.site.stops:
            title = self.ctx.words.titled(stop, self.ctx.words.stop_title(stop))
            path = self.stop_files[stop.uid]
            self.ctx.make(out, path, self._key(title, stop.tour.meta.summary, stop.url, path, (stop,), False),
                          partial(self.calendar, title, stop.tour.meta.summary, stop.url, path, (stop,),
                                  subscribed=False, events=events))
        return out

    def _key(self, title: str, description: str, page: str, path: str, stops, subscribed: bool) -> tuple:
        """Everything a calendar file is made of (outputs/memo.py): :meth:`calendar` reads the site's
        settings (in every file's key), its clock, and each stop's speakers, and nothing else."""
        site = self.ctx.site
        return ("calendar", title, description, page, path, tuple(stops), subscribed, site.clock.now,
                [site.defenders_of(stop.tour.meta.defenders) for stop in stops],
                None if stops else (site.clock.timezone, site.today))

    def calendar(self, title: str, description: str, page: str, path: str, stops, subscribed: bool,
                 events: dict[str, bytes] | None = None) -> bytes:
        """One VCALENDAR with an event per stop and a VTIMEZONE per zone they use.

        icalendar writes a calendar as its BEGIN line and properties, then each
        component's own ``to_ical()`` in turn, then ``END:VCALENDAR``: lines are
        folded one by one, so the pieces can be serialised apart and joined into
        the very bytes ``to_ical()`` of the whole would give. Serialising is most
        of the work of a build's calendars, and the same VEVENTs and VTIMEZONEs
        recur in many of them, so each is serialised once: VTIMEZONEs once per
        zone and years (:func:`_vtimezone`), VEVENTs once per stop UID in
        ``events`` (kept by :meth:`render` for one render, as DTSTAMP is the
        build's "now").
        """
        from icalendar import Calendar, vDuration, vText  # imported when a calendar is made: most builds make none

        site = self.ctx.site
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", title)
        cal.add("x-wr-calname", vText(title))  # X- properties are text only when told
        cal.add("description", description)
        cal.add("x-wr-caldesc", vText(description))
        cal.add("url", site.absolute(page), parameters={"VALUE": "URI"})
        if subscribed:
            cal.add("source", site.absolute(path), parameters={"VALUE": "URI"})
            cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
            cal.add("x-published-ttl", vDuration(REFRESH))
        header = cal.to_ical()  # BEGIN:VCALENDAR, the properties, END:VCALENDAR
        if not header.endswith(END_CALENDAR):
            raise AssertionError(f"icalendar no longer ends a calendar with {END_CALENDAR!r}")
        if events is None:
            events = {}
        parts = [header[: -len(END_CALENDAR)]]
        parts += [_vtimezone(*span) for span in self.zone_spans(stops)]
        for stop in stops:
            if stop.uid not in events:
                events[stop.uid] = self.event(stop).to_ical()
            parts.append(events[stop.uid])
        parts.append(END_CALENDAR)
        return b"".join(parts)

    def zone_spans(self, stops) -> list[tuple[str, date, date]]:
        """``(zone, first, last)`` for each zone the events use (UTC needs none), sorted: a VTIMEZONE each.

        An empty calendar gets the site's zone for the current year: RFC 5545
        wants at least one component.
        """
        zones = sorted({s.zone for s in stops if not is_fixed_offset(s.zone)} - {"UTC"})
        if stops:
            first = date(min(s.starts for s in stops).year, 1, 1)
            last = date(max(s.end for s in stops).year + 1, 1, 1)
        else:
            zones = sorted({self.ctx.site.clock.timezone.key} - {"UTC"}) or []
            first = date(self.ctx.site.today.year, 1, 1)
            last = date(first.year + 1, 1, 1)
        return [(zone, first, last) for zone in zones]

    def event(self, stop: StopView) -> Event:
        """The VEVENT of one stop."""
        from icalendar import Event

        site, words, s, _ = self.ctx.site, self.ctx.words, stop.stop, self.ctx.fmt.gettext
        live = stop.status != "cancelled"
        event = Event()
        event.add("uid", f"{stop.uid}@{uid_domain(site.config.settings.tag_authority)}")
        event.add("dtstamp", site.clock.now.astimezone(timezone.utc))
        event.add("dtstart", _calendar_time(stop, stop.starts))
        event.add("dtend", _calendar_time(stop, stop.end))
        event.add("summary", words.titled(stop, words.stop_title(stop)))
        event.add("status", {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}.get(stop.status, "CONFIRMED"))
        place = words.stop_place(stop)
        if place:
            event.add("location", words.and_online(place) if stop.mode == "hybrid" and live else place)
        elif live and s.online:
            event.add("location", s.online)
        else:
            event.add("location", _("Online"))
        event.add("url", site.absolute(stop.url), parameters={"VALUE": "URI"})
        if live and s.online:
            event.add("conference", s.online,
                      parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _("Join online")})
        event.add("description", self.description(stop))
        return event

    def description(self, stop: StopView) -> str:
        """The event's plain-text description: status, when, where, how to join, what to bring."""
        site, words, s, _ = self.ctx.site, self.ctx.words, stop.stop, self.ctx.fmt.gettext
        live = stop.status != "cancelled"
        lines = []
        if stop.status == "cancelled":
            lines += [words.stop_note(stop), ""]
        elif stop.status == "postponed":
            lines += [words.stop_note(stop) + " " + _("Check the tour page before you go."), ""]
        lines.append(stop.tour.meta.title)
        lines.append(stop.tour.meta.summary.strip())
        lines.append("")
        lines.append(_("When:") + " " + words.stop_when(stop))
        place = words.stop_place(stop)
        if place:
            lines.append(_("Where:") + " " + place)
        if live and s.online:
            lines.append(_("Online:") + " " + s.online)
        if live and s.registration:
            lines.append(_("Register:") + " " + s.registration)
        if s.accessibility:
            lines.append(_("Accessibility:") + " " + s.accessibility)
        speakers = site.defenders_of(stop.tour.meta.defenders)
        if speakers:
            lines.append(_("Speaking:") + " " + ", ".join(d.meta.name for d in speakers))
        if stop.actions:
            lines += ["", _("Urgent actions featured:")]
            # Titles and links only: a deadline's status would change the event every day (only DTSTAMP may).
            lines += [f"- {a.meta.title}: {site.absolute(a.url)}" for a in stop.actions]
        lines += ["", _("More:") + " " + site.absolute(stop.url)]
        return "\n".join(lines)

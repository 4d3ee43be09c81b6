"""Feeds: the public urgent actions and tours as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Files, under ``feeds/`` in the site, each in three formats (``.rss.xml``,
``.atom.xml``, ``.json``):

* ``feeds/all``: everything below;
* ``feeds/actions``: every urgent action; ``feeds/actions-open``: open ones only;
* ``feeds/tours``: speaker tours and each of their stops;
* ``feeds/campaigns/<slug>``, ``feeds/countries/<cc>``, ``feeds/themes/<slug>``.

``feeds/opml.xml`` lists them all, and ``subscribe/`` explains them to people.

What is an entry. An action is an entry when issued; each of its updates is
its own entry; so is its closure (closed, or open past its deadline: dated
the deadline's day) or its resolution (good news: dated the newest update).
A tour is an entry, and so is each of its stops (dated when it starts).

Ids are tag: URIs (RFC 4151) made from the tag authority setting and the
action's ``id`` (and an update's date), a tour's slug, a stop's UID: never
from the title or the domain, so that readers never show an entry twice.
Every date comes from the content, never from the clock. Feeds carry what the
public site shows, nothing more: they are built from the public graph only.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from functools import cached_property, partial
from typing import Callable
from xml.etree import ElementTree

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from markupsafe import Markup, escape

from ..core.kinds import KINDS
from ..core.model import Contact, Entry
from ..core.views import ActionView, StopView
from . import Context, Output
from .calendars import Calendars, status_prefix, stop_place, stop_when, tour_calendar_path, webcal
from .hubs import declare_hub, json_hubs
from .markup import absolutize, plain_text
from .pages import Link, PageRenderer, StagedPage
from .sheets import Sheets

SUMMARY_LENGTH = 300
GENERATOR = "accompany"
OPML_PATH = "feeds/opml.xml"
STOP_NOTES = {"cancelled": "This event is cancelled.",
              "postponed": "This event is postponed: a new date will follow."}
#: A feed with no entry yet, on a site with no dated content at all, is dated this.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Format:
    """A feed format: file suffix, media type and the name people know it by."""

    suffix: str
    media_type: str
    label: str


FORMATS = {
    "rss": Format("rss.xml", "application/rss+xml", "RSS"),
    "atom": Format("atom.xml", "application/atom+xml", "Atom"),
    "json": Format("json", "application/feed+json", "JSON Feed"),
}


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str


class Later:
    """A text made only when it is first needed, as ``make(*args)``: most entries are past every feed's limit."""

    __slots__ = ("_make", "_args", "_text")

    def __init__(self, make, *args):
        self._make = make
        self._args = args
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = str(self._make(*self._args))
        return self._text


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry, the same in every format."""

    id: str
    """A tag: URI that never changes."""
    title: str | Later
    url: str
    """Absolute URL of the page it is about."""
    published: datetime
    updated: datetime
    summary: str | Later
    """Plain text."""
    content: str | Later
    """Sanitised HTML; every link absolute."""
    categories: tuple[Category, ...] = ()
    related: tuple[Link, ...] = ()
    """Absolute links to the action's print sheet and PDF."""
    rank: int = 0
    """Orders entries of the same moment: an action before its update before its closure."""


@dataclass(frozen=True)
class Feed:
    """One feed: what it is called, what it carries, which pages announce it, and its entries."""

    key: str
    """Its path under feeds/, without suffix: ``actions``, ``countries/co``."""
    title: str
    carries: str
    group: str
    pages: tuple[str, ...]
    """Site URLs of the pages it belongs to; the first is its home."""
    collect: Callable[[], list[Item]] = field(repr=False, compare=False)
    """Its entries, some maybe twice. Called only when they are needed: pages need only the rest."""

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Its entries, each once."""
        return _unique(self.collect())

    def path(self, fmt: str) -> str:
        return f"feeds/{self.key}.{FORMATS[fmt].suffix}"

    def entries(self, limit: int) -> list[Item]:
        """At most ``limit`` entries, newest first."""
        return heapq.nlargest(limit, self.items, key=lambda i: (i.published, i.rank, i.id))


class RelatedLinks(BaseEntryExtension):
    """Atom ``rel="related"`` links of an entry.

    feedgen 1.0 writes an entry's links without their rel, type and title, which
    would make a print sheet a second "alternate" link: invalid Atom.
    """

    def __init__(self):
        self.links: list[Link] = []

    def extend_atom(self, entry):
        for link in self.links:
            attributes = {"rel": "related", "href": link.url, "title": link.label}
            if link.type:
                attributes["type"] = link.type
            xml_elem("link", entry, **attributes)
        return entry


def tag_uri(authority: str, specific: str) -> str:
    """``tag:example.org,2026:action/UA-2026-014``."""
    return f"tag:{authority}:{specific}"


def update_keys(updates) -> list[str]:
    """Each update's id part, in file order: its date, with ``-2``, ``-3`` for more on the same day."""
    seen: Counter = Counter()
    keys = []
    for update in updates:
        seen[update.date] += 1
        n = seen[update.date]
        keys.append(update.date.isoformat() + (f"-{n}" if n > 1 else ""))
    return keys


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# The small tags by hand, as Markup.format would make them: many thousands of them are made.
def _p(text) -> Markup:
    return Markup(f"<p>{escape(text)}</p>")


def _a(href: str, text) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def _join(parts, sep: str = "\n") -> Markup:
    return Markup(sep).join(p for p in parts if p)


class FeedItems:
    """Turns public actions, tours and stops into feed entries."""

    def __init__(self, ctx: Context, calendars: Calendars, sheets: Sheets):
        self.ctx = ctx
        self.site = ctx.site
        self.fmt = ctx.fmt
        self.calendars = calendars
        self.sheets = sheets
        self.authority = ctx.site.config.settings.tag_authority
        self._categories: dict[tuple, tuple[Category, ...]] = {}

    # ---- shared pieces

    def absolute(self, url: str) -> str:
        return self.site.absolute(url)

    def day(self, value: date) -> datetime:
        """A content date as its midnight in the site's time zone."""
        return datetime.combine(value, time(0), tzinfo=self.site.timezone)

    def rich(self, entry: Entry, text: str | None, loc: tuple, page: str) -> Markup:
        """A Markdown text of ``entry`` as sanitised HTML with absolute links (``#x`` points into ``page``)."""
        if not text:
            return Markup("")
        return self.absolute_links(self.ctx.markup.html(entry, text, loc), page)

    def inline(self, entry: Entry, text: str, loc: tuple, page: str) -> Markup:
        """Like :meth:`rich` for a one-paragraph text, without the ``<p>``."""
        return self.absolute_links(self.ctx.markup.inline(entry, text, loc), page)

    def absolute_links(self, html: str, page: str) -> Markup:
        # A feed entry has no base address: site links and #anchors must be absolute.
        html = absolutize(html, self.site.config.site_url)
        return Markup(re.sub(r'(href|src)="#', lambda m: f'{m[1]}="{page}#', html))

    def image(self, meta) -> Markup:
        if not meta.image:
            return Markup("")
        self.ctx.markup.used_media.add("content/" + meta.image)
        return Markup('<p><img src="{}" alt="{}"></p>').format(self.absolute(meta.image), meta.image_alt or "")

    def categories(self, country: str | None, themes, campaigns) -> tuple[Category, ...]:
        """Country, themes and campaigns, each labelled as on the site."""
        # Many entries share them: every update of an action, every stop of a tour.
        key = (country, tuple(themes), tuple(campaigns))
        if key not in self._categories:
            self._categories[key] = self._categories_of(*key)
        return self._categories[key]

    def _categories_of(self, country: str | None, themes, campaigns) -> tuple[Category, ...]:
        out = []
        if country:
            out.append(Category(country.lower(), self.fmt.country(country), self.absolute("countries/")))
        for slug in themes:
            out.append(Category(slug, self.site.config.settings.themes[slug], self.absolute("themes/")))
        for campaign in self.site.campaigns_of(campaigns):
            out.append(Category(campaign.slug, campaign.meta.title, self.absolute("campaigns/")))
        return tuple(out)

    def print_links(self, action: ActionView) -> tuple[Link, ...]:
        """The action's print sheet and PDF, as the sheets output offers them, made absolute.

        The hook between feeds and sheets: sheets owns those files and their
        addresses (:meth:`Sheets.action_links`); until it offers some, there are none.
        """
        return tuple(Link(self.absolute(link.url), link.label, link.type) for link in self.sheets.action_links(action))

    def status_line(self, action: ActionView) -> str:
        if action.status == "open":
            return f"Open. {self.fmt.act_by(action.meta.deadline)}."
        if action.status == "resolved":
            return "Resolved: good news. Please do not send further letters on this action."
        return "This action is closed. Please do not send letters now: late appeals can do harm."

    # ---- every entry, made once

    def carried(self, actions=(), tours=(), tours_alone=(), stops=(), items=()) -> list[Item]:
        """Every entry of ``actions``, of ``tours`` and their stops, of ``tours_alone`` (without their stops),
        of ``stops``, and of ``items`` of the other types with entries (kinds.Kind.feed_date), in that order."""
        out = [item for a in actions for item in self._actions[a.meta.id]]
        out += [self.item(entry) for entry in items]
        for tour in tours:
            out.append(self._tours[tour.slug])
            out += [self._stops[s.tour.slug, s.index] for s in self._stops_of[tour.slug]]
        out += [self._tours[t.slug] for t in tours_alone]
        out += [self._stops[s.tour.slug, s.index] for s in stops]
        return out

    @cached_property
    def _actions(self) -> dict[str, list[Item]]:
        return {a.meta.id: self.action(a) for a in self.site.actions_ordered}

    @cached_property
    def _stops_of(self) -> dict[str, list[StopView]]:
        """Each tour's stops: one pass over the stops, not one per tour."""
        out: dict[str, list[StopView]] = {}
        for stop in self.site.stops:
            out.setdefault(stop.tour.slug, []).append(stop)
        return out

    @cached_property
    def _tours(self) -> dict[str, Item]:
        return {t.slug: self.tour(t, self._stops_of[t.slug]) for t in self.site.tours}

    @cached_property
    def _stops(self) -> dict[tuple[str, int], Item]:
        """Each stop's entry, made once though it is in its tour's feeds and its country's."""
        return {(s.tour.slug, s.index): self.stop(s) for s in self.site.stops}

    # ---- one entry per item (types added to the registry)

    def item(self, entry: Entry) -> Item:
        """An item of a type whose entries are the items themselves, dated as its registry entry says."""
        kind = KINDS[entry.kind]
        meta = entry.meta
        page = self.absolute(self.site.url(entry))
        dated = self.day(kind.feed_date(meta))
        return Item(id=tag_uri(self.authority, f"{kind.name}/{entry.slug}"),
                    title=f"{kind.one or kind.name.capitalize()}: {kind.heading(meta)}", url=page,
                    published=dated, updated=dated, summary=" ".join((meta.summary or "").split()),
                    content=Later(self._item_html, entry, page, self.image(meta)),
                    categories=self.categories(meta.country, meta.themes, meta.campaigns))

    def _item_html(self, entry: Entry, page: str, image: Markup) -> Markup:
        return _join([_p(" ".join((entry.meta.summary or "").split())), image,
                      self.rich(entry, entry.body, ("body",), page),
                      _p(_a(page, f"Read it on our site: {KINDS[entry.kind].heading(entry.meta)}"))])

    # ---- actions

    def action(self, action: ActionView) -> list[Item]:
        """The action itself, each update, and its closure or resolution."""
        meta = action.meta
        page = self.absolute(action.url)
        cats = self.categories(meta.country, meta.themes, meta.campaigns)
        related = self.print_links(action)
        issued = self.day(meta.issued)
        closed = action.closed_on
        closed_day = self.day(closed) if closed else None
        items = [Item(id=tag_uri(self.authority, f"action/{meta.id}"), title=f"Urgent action: {meta.title}", url=page,
                      published=issued, updated=closed_day or issued, summary=" ".join(meta.summary.split()),
                      content=Later(self.action_html, action, page, related), categories=cats, related=related,
                      rank=0)]
        for i, (update, key) in enumerate(zip(meta.updates, update_keys(meta.updates))):
            dated = self.day(update.date)
            items.append(Item(id=tag_uri(self.authority, f"action/{meta.id}/update/{key}"),
                              title=f"Update: {update.title} ({meta.title})", url=page + "#updates",
                              published=dated, updated=dated, summary=Later(self._update_summary, action, i, page),
                              content=Later(self._update_html, action, i, page), categories=cats, rank=1))
        if action.status == "closed":
            why = Later(self._closed_why, action)
            items.append(Item(id=tag_uri(self.authority, f"action/{meta.id}/closed"), title=f"Closed: {meta.title}",
                              url=page, published=closed_day, updated=closed_day, summary=why,
                              content=Later(self._closed_html, action, page, why), categories=cats, rank=2))
        elif action.status == "resolved":
            items.append(Item(id=tag_uri(self.authority, f"action/{meta.id}/resolved"), title=f"Resolved: {meta.title}",
                              url=page, published=closed_day, updated=closed_day,
                              summary=Later(self._resolved_summary, action, page),
                              content=Later(self._resolved_html, action, page), categories=cats, rank=2))
        return items

    def _update_text(self, action: ActionView, i: int, page: str) -> Markup:
        return self.rich(action.entry, action.meta.updates[i].text, ("updates", i, "text"), page)

    def _update_summary(self, action: ActionView, i: int, page: str) -> str:
        return shorten(plain_text(str(self._update_text(action, i, page))))

    def _update_html(self, action: ActionView, i: int, page: str) -> Markup:
        update = action.meta.updates[i]
        return _join([
            _p(Markup("<strong>{}: {}</strong>").format(self.fmt.date(update.date), update.title)),
            self._update_text(action, i, page),
            _p(self.status_line(action)),
            _p(_a(page, f"Read the whole action: {action.meta.title}")),
        ])

    def _closed_why(self, action: ActionView) -> str:
        meta = action.meta
        deadline = meta.deadline if meta.status == "open" else None
        if deadline:
            return f"This urgent action is closed: the last day to act was {self.fmt.date(deadline)}."
        return "This urgent action is closed."

    def _closed_html(self, action: ActionView, page: str, why: Later) -> Markup:
        return _join([
            _p(str(why)),
            _p("Thank you to everyone who wrote. Please do not send letters now: late appeals can do harm."),
            _p(_a(self.absolute("actions/"), "See the actions that are open now")),
            _p(_a(page, f"Read the action: {action.meta.title}")),
        ])

    def _outcome(self, action: ActionView, page: str) -> Markup:
        return self.rich(action.entry, action.meta.outcome, ("outcome",), page)

    def _resolved_summary(self, action: ActionView, page: str) -> str:
        return shorten(plain_text(str(self._outcome(action, page))))

    def _resolved_html(self, action: ActionView, page: str) -> Markup:
        return _join([
            _p(Markup("<strong>Good news.</strong>")),
            self._outcome(action, page),
            _p("Thank you to everyone who wrote. Please do not send further letters on this action."),
            _p(_a(page, f"Read the action: {action.meta.title}")),
        ])

    def action_html(self, action: ActionView, page: str, related: tuple[Link, ...]) -> Markup:
        """The action as its page shows it today: what to do and the letter only while it is open."""
        meta, entry, fmt = action.meta, action.entry, self.fmt
        parts = [_p(Markup("<strong>{}</strong>").format(self.status_line(action)))]
        if action.status == "resolved":
            parts.append(self.rich(entry, meta.outcome, ("outcome",), page))
        parts += [_p(" ".join(meta.summary.split())), self.image(meta), self.rich(entry, entry.body, ("body",), page)]
        if action.status == "open":
            if meta.steps:
                steps = [Markup("<li>{}</li>").format(self.inline(entry, step, ("steps", i), page))
                         for i, step in enumerate(meta.steps)]
                parts += [Markup("<h2>What to do</h2>"), Markup("<ol>{}</ol>").format(_join(steps))]
            if meta.appeal_languages:
                parts.append(_p("Write in: " + ", ".join(fmt.language_name(lang) for lang in meta.appeal_languages)))
            if meta.letter:
                parts += [Markup("<h2>Model letter</h2>"), self.rich(entry, meta.letter, ("letter",), page)]
            if meta.targets:
                parts += [Markup("<h2>Send your appeal to</h2>"), _join(self.contact(c) for c in meta.targets)]
            if meta.copies:
                parts += [Markup("<h2>Send copies to</h2>"), _join(self.contact(c) for c in meta.copies)]
        defenders = self.site.defenders_of(meta.defenders)
        if defenders:
            parts.append(_p(Markup("Defenders: ") + _join((_a(self.absolute(self.site.url(d)), d.meta.name)
                                                            for d in defenders), ", ")))
        if related:
            parts.append(_p(_join((_a(link.url, link.label) for link in related), " · ")))
        parts.append(_p(_a(page, f"Read this action on our site: {meta.title}")))
        return _join(parts)

    @staticmethod
    def contact(c: Contact) -> Markup:
        lines = [Markup("<strong>{}</strong>").format(c.name) if c.name else None, c.role, c.organisation]
        lines += [line.strip() for line in (c.address or "").strip().splitlines()]
        if c.email:
            lines.append(_a(f"mailto:{c.email}", c.email))
        out = Markup("<address>{}</address>").format(_join(lines, Markup("<br>")))
        if c.salutation:
            out += _p(Markup("Salutation: <em>{}</em>").format(c.salutation))
        return out

    # ---- tours and stops

    def tour(self, tour: Entry, stops: list[StopView]) -> Item:
        """The tour itself (its ``stops`` are entries of their own: :meth:`stop`)."""
        meta = tour.meta
        page = self.absolute(self.site.url(tour))
        published = self.announced(meta) or stops[0].starts
        image = self.image(meta)  # now, not when the entry is written: the site must carry the image either way
        cats = self.categories(meta.country, meta.themes, meta.campaigns)
        return Item(id=tag_uri(self.authority, f"tour/{tour.slug}"), title=f"Speaker tour: {meta.title}", url=page,
                    published=published, updated=published, summary=" ".join(meta.summary.split()),
                    content=Later(self._tour_html, tour, stops, page, image), categories=cats, rank=0)

    def _tour_html(self, tour: Entry, stops: list[StopView], page: str, image: Markup) -> Markup:
        meta = tour.meta
        schedule = [Markup("<li>{}</li>").format(_join([status_prefix(s), self.when(s), " · ",
                                                         _a(self.absolute(s.url), self.where(s))], ""))
                    for s in stops]
        return _join([
            _p(" ".join(meta.summary.split())),
            image,
            self.speakers(tour),
            Markup("<h2>Schedule</h2>"),
            Markup("<ul>{}</ul>").format(_join(schedule)),
            self.rich(tour, tour.body, ("body",), page),
            # Readers strip webcal: links from entries; the Subscribe page has them.
            _p(_join([_a(self.absolute(tour_calendar_path(tour.slug)), "Add the tour's events to your calendar (.ics)"),
                      _a(self.absolute("subscribe/#calendars"), "how to subscribe")], " · ")),
            _p(_a(page, f"See the tour on our site: {meta.title}")),
        ])

    def announced(self, tour_meta, stop=None) -> datetime | None:
        """When a tour (or one of its stops) was announced: ``announced``, else the tour's ``publish_on``."""
        if stop is not None and stop.announced:
            return self.day(stop.announced)
        if tour_meta.announced:
            return self.day(tour_meta.announced)
        return self.site.clock.instant(tour_meta.publish_on) if tour_meta.publish_on else None

    def stop(self, stop: StopView) -> Item:
        """One event of a tour, dated when it was announced (else when it starts); a cancelled or postponed one says so first."""
        s, meta = stop.stop, stop.tour.meta
        page = self.absolute(stop.url)
        cats = self.categories(s.country, meta.themes, meta.campaigns)
        dated = self.announced(meta, s) or stop.starts
        return Item(id=tag_uri(self.authority, f"stop/{stop.uid}"), title=Later(self._stop_title, stop), url=page,
                    published=dated, updated=dated, summary=Later(self._stop_summary, stop),
                    content=Later(self._stop_html, stop, page), categories=cats, rank=1)

    def _stop_title(self, stop: StopView) -> str:
        s = stop.stop
        place = s.city or ("Online" if stop.mode == "online" else s.venue or "")
        when = f"{place}, {self.fmt.date(stop.starts.date())}" if place else self.fmt.date(stop.starts.date())
        return f"{status_prefix(stop)}{stop.tour.meta.title} – {when}"

    def _stop_summary(self, stop: StopView) -> str:
        return " ".join(filter(None, [STOP_NOTES.get(stop.status), self.fmt.weekday_date(stop.starts.date()) + ",",
                                      self.fmt.time(stop.starts), "·", self.where(stop)]))

    def _stop_html(self, stop: StopView, page: str) -> Markup:
        s = stop.stop
        live = stop.status != "cancelled"
        details = [
            _p(Markup("<strong>{}</strong>").format(STOP_NOTES[stop.status])) if stop.status in STOP_NOTES else None,
            _p(Markup("When: ") + self.when(stop)),
            _p(f"Where: {self.where(stop)}"),
            _p(_join([Markup("Online: "), _a(s.online, s.online)], "")) if live and s.online else None,
            _p(_a(s.registration, "Register")) if live and s.registration else None,
            _p(f"Accessibility: {s.accessibility}") if s.accessibility else None,
            self.speakers(stop.tour),
        ]
        if stop.actions:
            details.append(_p(Markup("Urgent actions featured: ") + _join(
                (_a(self.absolute(a.url), a.meta.title) for a in stop.actions), ", ")))
        details += [_p(_a(self.absolute(link.url), link.label)) for link in self.calendars.stop_links(stop)]
        details.append(_p(_a(page, f"See the tour on our site: {stop.tour.meta.title}")))
        return _join(details)

    def when(self, stop: StopView) -> str:
        return stop_when(stop, self.fmt)

    def where(self, stop: StopView) -> str:
        place = stop_place(stop, self.fmt.country)
        if stop.mode == "online":
            return "Online"
        return place + (" and online" if stop.mode == "hybrid" else "")

    def speakers(self, tour: Entry) -> Markup:
        defenders = self.site.defenders_of(tour.meta.defenders)
        if not defenders:
            return Markup("")
        links = (_a(self.absolute(self.site.url(d)), d.meta.name) for d in defenders)
        return _p(Markup("Speaking: ") + _join(links, ", "))


class Feeds(Output):
    """Renders every feed, the OPML list and the Subscribe page, and announces feeds on their pages."""

    name = "feeds"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.calendars = Calendars(ctx)
        self.entries = FeedItems(ctx, self.calendars, Sheets(ctx))

    # ---- what exists

    @cached_property
    def feeds(self) -> list[Feed]:
        """Every feed, in the order the Subscribe page lists them."""
        site, fmt = self.ctx.site, self.ctx.fmt
        carried = self.entries.carried
        # One pass over the actions, not one per campaign (Site.campaign_actions).
        campaign_actions: dict[str, list[ActionView]] = {}
        for action in site.actions_ordered:
            for slug in dict.fromkeys(action.meta.campaigns):
                campaign_actions.setdefault(slug, []).append(action)
        action_pages = tuple(a.url for a in site.actions_ordered)
        dated = [kind for kind in KINDS.values() if kind.feed_date is not None]
        tour_pages = tuple(site.url(t) for t in site.tours)
        out = [
            Feed("all", "Everything", "Every urgent action with its updates, closure or good news, and every "
                 "speaker tour and event.", "Everything", ("", "subscribe/"),
                 partial(carried, actions=site.actions_ordered, tours=site.tours,
                         items=[e for kind in dated for e in site.listed(kind.name)])),
            Feed("actions", "Urgent actions", "Each new urgent action, each update, and the news when an action "
                 "closes or ends well.", "Urgent actions", ("actions/", *action_pages),
                 partial(carried, actions=site.actions_ordered)),
            Feed("actions-open", "Open urgent actions", "Only the actions you can still act on: each new action and "
                 "its updates, while it is open.", "Urgent actions", ("actions/", *action_pages),
                 partial(carried, actions=site.open_actions)),
            Feed("tours", "Speaker tours and events", "Each new tour and each of its events; cancelled and postponed "
                 "events stay, marked.", "Tours and events", ("tours/", *tour_pages),
                 partial(carried, tours=site.tours)),
        ]
        for kind in dated:
            out.append(Feed(kind.section, kind.title, f"Each new item: {kind.title.lower()}.", kind.title,
                            (kind.section + "/", *(site.url(e) for e in site.listed(kind.name))),
                            partial(carried, items=site.listed(kind.name))))
        for campaign in site.campaigns:
            out.append(Feed(f"campaigns/{campaign.slug}", campaign.meta.title,
                            f"Urgent actions, tours and events of the campaign \u201c{campaign.meta.title}\u201d.",
                            "Campaigns", (site.url(campaign),),
                            partial(carried, actions=campaign_actions.get(campaign.slug, []),
                                    tours=site.campaign_tours(campaign),
                                    items=[e for k in dated for e in site.listed(k.name)
                                           if campaign.slug in e.meta.campaigns])))
        for code, bucket in site.countries.items():
            name = fmt.country(code)
            # A tour's stops may be elsewhere: the country's own stops instead.
            out.append(Feed(f"countries/{code.lower()}", name, f"Urgent actions, tours and events: {name}.",
                            "Countries", (f"countries/{code.lower()}/",),
                            partial(carried, actions=bucket["actions"], tours_alone=bucket["tours"],
                                    stops=bucket["stops"], items=[e for k in dated for e in bucket.get(k.plural, ())])))
        for slug, bucket in site.themes.items():
            label = site.config.settings.themes[slug]
            out.append(Feed(f"themes/{slug}", label, f"Urgent actions, tours and events about {label.lower()}.",
                            "Themes", (f"themes/{slug}/",),
                            partial(carried, actions=bucket["actions"], tours=bucket["tours"],
                                    items=[e for k in dated for e in bucket.get(k.plural, ())])))
        return out

    @cached_property
    def _by_page(self) -> dict[str, list[Feed]]:
        out: dict[str, list[Feed]] = {}
        for feed in self.feeds:
            for page in feed.pages:
                out.setdefault(page, []).append(feed)
        return out

    @cached_property
    def _newest(self) -> datetime:
        """The newest content date of the site: the date of a feed that has no entry yet."""
        return max((i.updated for f in self.feeds for i in f.items), default=EPOCH)

    # ---- links and navigation

    def page_links(self, url: str) -> list[Link]:
        """RSS and Atom of each feed that belongs to the page at ``url``, after a link to the Subscribe page."""
        feeds = self._by_page.get(url, [])
        links = [Link("subscribe/", "How to subscribe")] if feeds and url != "subscribe/" else []
        for feed in feeds:
            for fmt in ("rss", "atom"):
                links.append(Link(feed.path(fmt), f"{feed.title} ({FORMATS[fmt].label})", FORMATS[fmt].media_type))
        return links

    def nav(self) -> list[tuple[str, str]]:
        return [("Subscribe", "subscribe/index.md")]

    # ---- rendering

    def render(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        limit = self.ctx.site.config.settings.feed_limit
        for feed in self.feeds:
            entries = feed.entries(limit)
            updated = max((i.updated for i in entries), default=None) or self._newest
            files[feed.path("rss")] = self.xml(feed, entries, updated, "rss")
            files[feed.path("atom")] = self.xml(feed, entries, updated, "atom")
            files[feed.path("json")] = self.json(feed, entries)
        files[OPML_PATH] = self.opml()
        return files

    def pages(self) -> dict[str, bytes]:
        return {"subscribe/index.md": self.subscribe_page().encode()}

    def xml(self, feed: Feed, entries: list[Item], updated: datetime, fmt: str) -> bytes:
        """The feed as RSS 2.0 or Atom 1.0."""
        site = self.ctx.site
        settings = site.config.settings
        author = {"name": settings.organisation, "uri": site.config.site_url}

        def when(value: datetime) -> datetime:
            # RSS dates in UTC: validators reject offsets such as Nepal's +0545 in RFC 822 dates.
            return value.astimezone(timezone.utc) if fmt == "rss" else value

        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        fg.register_extension("related", BaseExtension, RelatedLinks, atom=True, rss=False)
        fg.id(tag_uri(settings.tag_authority, f"feed/{feed.key}"))
        fg.title(f"{site.config.site_name}: {feed.title}")
        fg.subtitle(feed.carries)
        fg.author(author)
        declare_hub(fg, settings.websub_hub)  # before the links: RSS's <link> is the last one
        fg.link(href=site.absolute(feed.path(fmt)), rel="self", type=FORMATS[fmt].media_type)
        fg.link(href=site.absolute(feed.pages[0]), rel="alternate", type="text/html")  # last: RSS's <link>
        fg.language(settings.language)
        fg.generator(GENERATOR)
        fg.updated(when(updated))
        for item in entries:
            fe = fg.add_entry(order="append")
            fe.id(item.id)
            fe.title(str(item.title))
            fe.link(href=item.url)
            fe.related.links = list(item.related)
            fe.published(when(item.published))
            fe.updated(when(item.updated))
            fe.author(author)
            fe.dc.dc_creator(settings.organisation)
            fe.summary(str(item.summary))
            fe.content(str(item.content), type="html")
            for cat in item.categories:
                fe.category(term=cat.term, label=cat.label, scheme=cat.scheme)
        return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)

    def json(self, feed: Feed, entries: list[Item]) -> bytes:
        """The feed as JSON Feed 1.1."""
        site = self.ctx.site
        settings = site.config.settings
        author = {"name": settings.organisation, "url": site.config.site_url}
        items = []
        for item in entries:
            data = {
                "id": item.id,
                "url": item.url,
                "title": str(item.title),
                "content_html": str(item.content),
                "summary": str(item.summary),
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "authors": [author],
                "tags": [c.label for c in item.categories],
            }
            if item.related:
                data["attachments"] = [{"url": link.url, "mime_type": link.type or "text/html", "title": link.label}
                                       for link in item.related]
            items.append(data)
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"{site.config.site_name}: {feed.title}",
            "home_page_url": site.absolute(feed.pages[0]),
            "feed_url": site.absolute(feed.path("json")),
            "description": feed.carries,
            "language": settings.language,
            "authors": [author],
            **json_hubs(settings.websub_hub),
            "items": items,
        }
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()

    def opml(self) -> bytes:
        """Every feed (its RSS) in one OPML 2.0 file, grouped as on the Subscribe page."""
        site = self.ctx.site
        root = ElementTree.Element("opml", version="2.0")
        head = ElementTree.SubElement(root, "head")
        ElementTree.SubElement(head, "title").text = f"{site.config.site_name}: all feeds"
        ElementTree.SubElement(head, "ownerName").text = site.config.settings.organisation
        body = ElementTree.SubElement(root, "body")
        for group, feeds in self.groups():
            outline = ElementTree.SubElement(body, "outline", text=group, title=group)
            for feed in feeds:
                ElementTree.SubElement(outline, "outline", type="rss", text=feed.title, title=feed.title,
                                       description=feed.carries, xmlUrl=site.absolute(feed.path("rss")),
                                       htmlUrl=site.absolute(feed.pages[0]), language=site.config.settings.language)
        ElementTree.indent(root)
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def groups(self) -> list[tuple[str, list[Feed]]]:
        out: dict[str, list[Feed]] = {}
        for feed in self.feeds:
            out.setdefault(feed.group, []).append(feed)
        return list(out.items())

    def subscribe_page(self) -> str:
        """The Subscribe page, staged like every other page (template ``subscribe.html``)."""
        site = self.ctx.site
        groups = [(group, [{
            "title": feed.title,
            "carries": feed.carries,
            "page": feed.pages[0],
            "address": site.absolute(feed.path("rss")),
            "formats": [(FORMATS[fmt].label, feed.path(fmt)) for fmt in FORMATS],
        } for feed in feeds]) for group, feeds in self.groups()]
        calendars = [{
            "title": cal.title,
            "carries": cal.carries,
            "page": cal.page,
            "events": len(cal.stops),
            "address": site.absolute(cal.path),
            "webcal": webcal(site.absolute(cal.path)),
            "path": cal.path,
        } for cal in self.calendars.calendars]
        page = StagedPage("subscribe/", "Subscribe", "subscribe.html",
                          "Follow urgent actions and speaker tours in your feed reader or your calendar.",
                          {"feed_groups": groups, "calendars": calendars, "opml": OPML_PATH})
        renderer = PageRenderer(site, self.ctx.markup, self.ctx.env, [self, self.calendars])
        return renderer.render(page)


def _unique(items: list[Item]) -> tuple[Item, ...]:
    """Items without repeats (a stop can reach a feed twice: through its tour and its country)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return tuple(out)

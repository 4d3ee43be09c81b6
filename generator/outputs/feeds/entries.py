"""Feed entries: what an entry is, its permanent id, its dates and its categories.

An action is an entry when issued; each of its updates is its own entry; so
is its closure (closed, or open past its deadline: dated the deadline's day)
or its resolution (good news: dated the newest update). A tour is an entry,
and so is each of its stops (dated when it was announced, else when it starts).
An item of a type added to the registry is one entry, dated as the registry says.
Every date comes from the content, never from the clock.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cached_property, partial

from ...core.kinds import KINDS
from ...core.model import Entry
from ...core.views import ActionView, StopView
from ..pages import Link
from .bodies import Bodies
from ..trace import Untraceable
from .model import Category, Item, Later, Pending, tag_uri, update_keys


class FeedItems:
    """Turns public actions, tours and stops into feed entries, each made once."""

    def __init__(self, ctx, bodies: Bodies, sheets):
        self.ctx = ctx
        self.site = ctx.site
        self.fmt = ctx.fmt
        self.bodies = bodies
        self.sheets = sheets
        self.authority = ctx.site.config.settings.tag_authority
        self._categories: dict[tuple, tuple[Category, ...]] = {}
        self._days: dict[date, datetime] = {}
        self.later = partial(Later, recorder=ctx.recorder)

    def absolute(self, url: str) -> str:
        return self.site.absolute(url)

    def day(self, value: date) -> datetime:
        """A content date as its midnight in the site's time zone."""
        found = self._days.get(value)  # thousands of entries, a few hundred days
        if found is None:
            found = self._days[value] = datetime.combine(value, time(0), tzinfo=self.site.timezone)
        return found

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
        """The action's print page and PDF, as the sheets output offers them (with their types), made absolute."""
        return tuple(Link(self.absolute(link.url), link.label, link.type) for link in self.sheets.action_links(action))

    # ---- every entry, made once

    def carried(self, actions=(), tours=(), tours_alone=(), stops=(), items=()) -> list[Item | Pending]:
        """Every entry of ``actions``, of ``items`` of the types added to the registry, of ``tours`` and
        their stops, of ``tours_alone`` (without their stops), and of ``stops``, in that order.

        An action's entries are :class:`Pending`: placed in time without being made, made only when a feed
        keeps one; the others are made here (a tour's or item's image must reach the site either way)."""
        placed = self._actions
        out: list[Item | Pending] = [entry for a in actions for entry in placed[a.meta.id].places]
        out += [self.item(entry) for entry in items]
        for tour in tours:
            out.append(self._tours[tour.slug])
            out += [self._stops[s.tour.slug, s.index] for s in self._stops_of[tour.slug]]
        out += [self._tours[t.slug] for t in tours_alone]
        out += [self._stops[s.tour.slug, s.index] for s in stops]
        return out

    @cached_property
    def _actions(self) -> dict[str, ActionEntries]:
        return {a.meta.id: ActionEntries(self, a) for a in self.site.actions_ordered}

    def token(self, action: ActionView) -> str | None:
        """A fingerprint of all that :meth:`action` makes the action's entries from (besides what every file
        shares: settings, catalogs, code): the memo key's part for them, without making them."""
        if self.ctx.recorder is None:
            return None
        meta = action.meta
        try:
            return self.ctx.recorder.queries.prints.of(
                ("action", action, self.categories(meta.country, meta.themes, meta.campaigns), self.print_links(action)))
        except Untraceable:
            return None

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

    # ---- entries

    def item(self, entry: Entry) -> Item:
        """An item of a type whose entries are the items themselves, dated as its registry entry says."""
        kind = KINDS[entry.kind]
        meta = entry.meta
        page = self.absolute(self.site.url(entry))
        dated = self.day(kind.feed_date(meta))
        heading = kind.heading(meta)
        return Item(id=tag_uri(self.authority, f"{kind.name}/{entry.slug}"),
                    title=self.fmt.gettext("%(kind)s: %(title)s", title=heading,
                                           kind=self.fmt.translate(kind.one) if kind.one else kind.name.capitalize()),
                    url=page,
                    published=dated, updated=dated, summary=" ".join((meta.summary or "").split()),
                    content=self.later(self.bodies.item, entry, page, self.bodies.image(meta), heading),
                    categories=self.categories(meta.country, meta.themes, meta.campaigns))

    def places(self, action: ActionView) -> list[tuple[datetime, int, str, datetime]]:
        """Each entry of :meth:`action`, in its order, as (published, rank, id, updated): what places it in a feed."""
        meta = action.meta
        issued = self.day(meta.issued)
        closed = action.closed_on
        closed_day = self.day(closed) if closed else None
        base = tag_uri(self.authority, f"action/{meta.id}")
        out = [(issued, 0, base, closed_day or issued)]
        for update, key in zip(meta.updates, update_keys(meta.updates)):
            dated = self.day(update.date)
            out.append((dated, 1, f"{base}/update/{key}", dated))
        if action.status in ("closed", "resolved"):
            out.append((closed_day, 2, f"{base}/{action.status}", closed_day))
        return out

    def action(self, action: ActionView) -> list[Item]:
        """The action itself, each update, and its closure or resolution (placed by :meth:`places`)."""
        meta, bodies = action.meta, self.bodies
        page = self.absolute(action.url)
        cats = self.categories(meta.country, meta.themes, meta.campaigns)
        related = self.print_links(action)
        (published, _r, ident, updated), *rest = self.places(action)
        _ = self.fmt.gettext
        items = [Item(id=ident, title=_("Urgent action: %(title)s", title=meta.title), url=page,
                      published=published, updated=updated, summary=" ".join(meta.summary.split()),
                      content=self.later(bodies.action, action, page, related), categories=cats, related=related,
                      rank=0)]
        for i, (update, (dated, _r, ident, _u)) in enumerate(zip(meta.updates, rest)):
            items.append(Item(id=ident, title=_("Update: %(update)s (%(title)s)", update=update.title, title=meta.title),
                              url=page + "#updates",
                              published=dated, updated=dated, summary=self.later(bodies.update_summary, action, i, page),
                              content=self.later(bodies.update, action, i, page), categories=cats, rank=1))
        if action.status == "closed":
            closed_day, _r, ident, _u = rest[-1]
            why = self.later(bodies.closed_why, action)
            items.append(Item(id=ident, title=_("Closed: %(title)s", title=meta.title), url=page, published=closed_day,
                              updated=closed_day, summary=why,
                              content=self.later(bodies.closed, action, page, why), categories=cats, rank=2))
        elif action.status == "resolved":
            closed_day, _r, ident, _u = rest[-1]
            items.append(Item(id=ident, title=_("Resolved: %(title)s", title=meta.title), url=page, published=closed_day,
                              updated=closed_day,
                              summary=self.later(bodies.resolved_summary, action, page),
                              content=self.later(bodies.resolved, action, page), categories=cats, rank=2))
        return items

    def tour(self, tour: Entry, stops: list[StopView]) -> Item:
        """The tour itself (its ``stops`` are entries of their own: :meth:`stop`)."""
        meta = tour.meta
        page = self.absolute(self.site.url(tour))
        published = self.announced(meta) or stops[0].starts
        image = self.bodies.image(meta)  # now, not when the entry is written: the site must carry the image either way
        cats = self.categories(meta.country, meta.themes, meta.campaigns)
        return Item(id=tag_uri(self.authority, f"tour/{tour.slug}"),
                    title=self.fmt.gettext("Speaker tour: %(title)s", title=meta.title), url=page,
                    published=published, updated=published, summary=" ".join(meta.summary.split()),
                    content=self.later(self.bodies.tour, tour, stops, page, image), categories=cats, rank=0)

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
        return Item(id=tag_uri(self.authority, f"stop/{stop.uid}"), title=self.later(self.bodies.stop_title, stop), url=page,
                    published=dated, updated=dated, summary=self.later(self.bodies.stop_summary, stop),
                    content=self.later(self.bodies.stop, stop, page), categories=cats, rank=1)


class ActionEntries:
    """One action's entries: placed first (cheap), made all at once when a feed keeps one, each once per build."""

    __slots__ = ("_maker", "_action", "places", "_items", "_token")

    def __init__(self, maker: FeedItems, action: ActionView):
        self._maker, self._action = maker, action
        self.places = [Pending(*place, self, i) for i, place in enumerate(maker.places(action))]
        self._items: list[Item] | None = None
        self._token: str | None = None

    def items(self) -> list[Item]:
        if self._items is None:
            self._items = self._maker.action(self._action)
        return self._items

    def token(self) -> str | None:
        if self._token is None:
            self._token = self._maker.token(self._action)
        return self._token

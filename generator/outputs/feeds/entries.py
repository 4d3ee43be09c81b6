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
from .model import Category, Item, Later, Pending, Single, _head, tag_uri, update_keys


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
        self._items: dict[tuple, tuple[Entry, Single]] = {}

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

    def carried(self, actions=(), tours=(), tours_alone=(), stops=(), items=()) -> list[ActionEntries | Single]:
        """The sources (model.Feed) of every entry of ``actions``, of ``items`` of the types added to the registry,
        of ``tours`` and their stops, of ``tours_alone`` (without their stops), and of ``stops``, in that order.

        An action's entries are :class:`Pending`: placed in time without being made, made only when a feed
        keeps one; the others are made here (a tour's or item's image must reach the site either way)."""
        single = self._single
        placed, by_view = self._actions, self._by_view  # by the view itself: thousands of times per build
        out: list[ActionEntries | Single] = [by_view.get(id(a)) or placed[a.meta.id] for a in actions]
        out += [self._item(entry) for entry in items]
        for tour in tours:
            out.append(single["tour", tour.slug])
            out += [single["stop", s.tour.slug, s.index] for s in self._stops_of[tour.slug]]
        out += [single["tour", t.slug] for t in tours_alone]
        out += [single["stop", s.tour.slug, s.index] for s in stops]
        return out

    @cached_property
    def _by_view(self) -> dict[int, ActionEntries]:
        """Each public action's entries by the id() of its view (kept alive by them: no other object has it)."""
        return {id(source.action): source for source in self._actions.values()}

    @cached_property
    def _single(self) -> dict[tuple, Single]:
        """Each tour's and stop's source, one per build: a feed that reaches one twice knows it is the same."""
        out: dict[tuple, Single] = {("tour", slug): Single(item) for slug, item in self._tours.items()}
        out.update({("stop", *key): Single(item) for key, item in self._stops.items()})
        return out

    def _item(self, entry: Entry) -> Single:
        """An item's source, made once per build (:meth:`item`)."""
        key = (entry.kind, entry.slug)
        found = self._items.get(key)
        if found is None or found[0] is not entry:
            found = self._items[key] = (entry, Single(self.item(entry)))
        return found[1]

    @cached_property
    def ordered(self) -> bool:
        """Whether every entry of the site has an id no other entry has; if so, each source of the site (model.Feed)
        is given its ``order``: its rank by head, newest first, over the whole site (model.Feed.top)."""
        dated = [kind for kind in KINDS.values() if kind.feed_date is not None]
        sources = [*self._actions.values(), *self._single.values(),
                   *(self._item(entry) for kind in dated for entry in self.site.listed(kind.name))]
        # An action's entries are named action/ID[/...] (places): apart where no action id holds a "/" (their
        # ids differ: the dict's keys) and no other entry's name begins so.
        prefix = tag_uri(self.authority, "action/")
        ids = [source.entries[0].id for source in sources[len(self._actions):]]
        if (any("/" in key for key in self._actions) or len(set(ids)) != len(ids)
                or any(i.startswith(prefix) for i in ids)):
            return False
        sources.sort(key=_head, reverse=True)
        for n, source in enumerate(sources):
            source.order = n
        return True

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

    def head(self, action: ActionView) -> tuple[datetime, int, str]:
        """The newest of :meth:`places` (its first three), mostly without making them: a date, then the rank."""
        meta = action.meta
        when, rank = meta.issued, 0
        if meta.updates:
            when, rank = max((when, rank), (max(update.date for update in meta.updates), 1))
        if action.status in ("closed", "resolved"):
            when, rank = max((when, rank), (action.closed_on, 2))
        base = tag_uri(self.authority, f"action/{meta.id}")
        if rank == 1:  # which update of the day: the greatest id, as update_keys names them
            same = sum(update.date == when for update in meta.updates)
            day = when.isoformat()
            return self.day(when), 1, f"{base}/update/" + max([day] + [f"{day}-{n}" for n in range(2, same + 1)])
        return self.day(when), rank, base if rank == 0 else f"{base}/{action.status}"

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
    """One action's entries: placed first (cheap), made all at once when a feed keeps one, each once per build.

    A source of a feed (model.Feed): its ``entries`` (:class:`Pending`, set up when first asked), its ``head``
    (the place of its newest), ``newest`` and ``order``."""

    __slots__ = ("_maker", "action", "_places", "_entries", "head", "order", "_items", "_token")

    def __init__(self, maker: FeedItems, action: ActionView):
        self._maker, self.action = maker, action
        self.head = maker.head(action)
        self.order: int | None = None
        self._places: list[tuple] | None = None
        self._entries: list[Pending] | None = None
        self._items: list[Item] | None = None
        self._token: str | None = None

    @property
    def places(self) -> list[tuple]:
        """FeedItems.places, made when first asked."""
        if self._places is None:
            self._places = self._maker.places(self.action)
        return self._places

    @property
    def newest(self) -> datetime:
        return max(where[3] for where in self.places)

    @property
    def entries(self) -> list[Pending]:
        if self._entries is None:
            self._entries = [Pending(*where, self, i) for i, where in enumerate(self.places)]
        return self._entries

    def items(self) -> list[Item]:
        if self._items is None:
            self._items = self._maker.action(self.action)
        return self._items

    def token(self) -> str | None:
        if self._token is None:
            self._token = self._maker.token(self.action)
        return self._token

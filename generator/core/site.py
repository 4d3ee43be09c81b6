"""The public site as a graph: every published item, its address, and what links to what.

Built from the public catalogue only, so nothing withheld can be reached from
here. Renderers (pages, feeds, calendars, sheets) read this and nothing else.
Every type's items are listed as the registry (kinds.py) orders them; actions
are listed as :class:`~.views.ActionView`, every other type as its entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from .catalogue import Catalogue
from .kinds import CONTRACT, KINDS, SECTION_PAGES, Kind
from .model import Entry
from .settings import SiteConfig
from .policy import Clock, action_status, days_left
from .stops import slugify, stop_times, stop_uid
from .urls import entry_url
from .views import ActionView, StopView


@dataclass
class Site:
    """Everything public, indexed for the renderers."""

    config: SiteConfig
    clock: Clock
    catalogue: Catalogue
    actions: dict[str, ActionView] = field(default_factory=dict)
    stops: list[StopView] = field(default_factory=list)
    unlinked: frozenset[str] = frozenset()
    """Source paths of files and photos that exist but are not public: a link to one is left out
    where it is written (the policy has warned, or stopped the build)."""

    # ---- addresses

    def url(self, item: Entry | ActionView) -> str:
        """The site-relative address of an item's page."""
        return item.url if isinstance(item, ActionView) else entry_url(item.kind, item.slug)

    def absolute(self, url: str) -> str:
        return self.config.site_url + url

    @property
    def timezone(self) -> ZoneInfo:
        return self.clock.timezone

    @property
    def today(self) -> date:
        return self.clock.today

    # ---- collections, in the order readers expect

    def listed(self, kind: str) -> list:
        """The public items of a type, in the order of its registry entry: views for actions, else entries."""
        return self._listed[kind]

    @cached_property
    def _listed(self) -> dict[str, list]:
        out = {}
        for kind in KINDS.values():
            views = self.actions.values() if kind.name == "action" else self.catalogue.of(kind.name).values()
            out[kind.name] = kind.order(views, self)
        return out

    @property
    def actions_ordered(self) -> list[ActionView]:
        """Open first, soonest deadline first; then resolved and closed, newest first."""
        return self.listed("action")

    @cached_property
    def open_actions(self) -> list[ActionView]:
        return [a for a in self.actions_ordered if a.status == "open"]

    @cached_property
    def past_actions(self) -> list[ActionView]:
        """Resolved and closed, newest first."""
        return [a for a in self.actions_ordered if a.status != "open"]

    #: How many of the past actions the actions' index lists; when there are more, all of them are on a page of
    #: their own (past_page), so that the index a new action changes stays small however long the history.
    past_shown = 10

    @property
    def past_page(self) -> str | None:
        """The address of the archive of past actions when the actions' index lists only the newest; else None.

        The archive has a page for each year (:meth:`past_year_page`), which lists the past actions last
        updated that year: a page a change to one past action makes again stays the size of a year's history."""
        if len(self.past_actions) <= self.past_shown:
            return None
        return f"{KINDS['action'].section}/{SECTION_PAGES['action'][0]}/"

    def past_year_page(self, year: int) -> str:
        """The address of the archive's page of ``year`` (see :attr:`past_page`)."""
        return f"{self.past_page}{year}/"

    @cached_property
    def _past_by_year(self) -> dict[int, list[ActionView]]:
        by_year: dict[int, list[ActionView]] = {}
        for action in self.past_actions:  # newest first, so each year's are too
            by_year.setdefault(action.updated.year, []).append(action)
        return by_year

    @property
    def past_years(self) -> list[int]:
        """The years in which past actions were last updated, newest first: the archive's pages."""
        return list(self._past_by_year)

    def past_in(self, year: int) -> list[ActionView]:
        """The past actions last updated in ``year``, newest first."""
        return self._past_by_year.get(year, [])

    def past_count(self, year: int) -> int:
        """How many past actions were last updated in ``year``."""
        return len(self.past_in(year))

    @staticmethod
    def open_among(items: dict[str, list]) -> list[ActionView]:
        """The open actions among a country's or a theme's items (:attr:`countries`, :attr:`themes`), in the
        order they are listed there; the others are :meth:`past_among`."""
        return [a for a in items.get("actions", ()) if a.status == "open"]

    @staticmethod
    def past_among(items: dict[str, list]) -> list[ActionView]:
        """The resolved and closed actions among a country's or a theme's items (:attr:`countries`,
        :attr:`themes`), newest first."""
        return [a for a in items.get("actions", ()) if a.status != "open"]

    def past_page_of(self, url: str, items: dict[str, list]) -> str | None:
        """The page of every past action of the country's or theme's page at ``url`` (``themes/land-rights/past/``)
        when that page lists only the newest :attr:`past_shown` of them; else None.

        As with the actions' index (:attr:`past_page`): a new action on a theme changes the theme's page, which
        stays small, not a list of every action the theme ever had."""
        return f"{url}past/" if len(self.past_among(items)) > self.past_shown else None

    @property
    def defenders(self) -> list[Entry]:
        return self.listed("defender")

    @property
    def tours(self) -> list[Entry]:
        return self.listed("tour")

    @property
    def campaigns(self) -> list[Entry]:
        return self.listed("campaign")

    @property
    def pages(self) -> dict[str, Entry]:
        return self.catalogue.pages

    def first_start(self, tour: Entry) -> datetime:
        """When the tour's first stop starts."""
        return self._first_starts[tour.slug]

    @cached_property
    def _first_starts(self) -> dict[str, datetime]:
        first: dict[str, datetime] = {}
        for stop in self.stops:
            first.setdefault(stop.tour.slug, stop.starts)
        return first

    def stop_is_past(self, stop: StopView) -> bool:
        return stop.past

    @cached_property
    def upcoming_stops(self) -> list[StopView]:
        return [s for s in self.stops if s.upcoming]

    @cached_property
    def past_stops(self) -> list[StopView]:
        return [s for s in reversed(self.stops) if s.past]

    def tour_stops(self, tour: Entry) -> list[StopView]:
        return list(self._stops_by_tour.get(tour.slug, ()))

    @cached_property
    def _stops_by_tour(self) -> dict[str, list[StopView]]:
        """Each tour's stops, in time order: one pass over the stops, not one per tour."""
        out: dict[str, list[StopView]] = {}
        for stop in self.stops:
            out.setdefault(stop.tour.slug, []).append(stop)
        return out

    # ---- relations

    @cached_property
    def _by_defender(self) -> dict[str, tuple[list[ActionView], list[Entry]]]:
        out: dict[str, tuple[list, list]] = {d.slug: ([], []) for d in self.defenders}
        for action in self.actions_ordered:
            for slug in action.meta.defenders:
                out[slug][0].append(action)
        for tour in self.tours:
            for slug in tour.meta.defenders:
                out[slug][1].append(tour)
        return out

    def defender_actions(self, defender: Entry) -> list[ActionView]:
        return self._by_defender[defender.slug][0]

    def defender_tours(self, defender: Entry) -> list[Entry]:
        return self._by_defender[defender.slug][1]

    def defenders_of(self, slugs) -> list[Entry]:
        return [self.catalogue.defenders[s] for s in slugs if s in self.catalogue.defenders]

    def campaigns_of(self, slugs) -> list[Entry]:
        return [self.catalogue.campaigns[s] for s in slugs if s in self.catalogue.campaigns]

    def campaign_actions(self, campaign: Entry) -> list[ActionView]:
        return list(self._by_campaign.get(campaign.slug, ([], []))[0])

    def campaign_tours(self, campaign: Entry) -> list[Entry]:
        return list(self._by_campaign.get(campaign.slug, ([], []))[1])

    @cached_property
    def _by_campaign(self) -> dict[str, tuple[list[ActionView], list[Entry]]]:
        """Each campaign's actions and tours, in their order: one pass over them, not one per campaign."""
        out: dict[str, tuple[list, list]] = {}
        for action in self.actions_ordered:
            for slug in dict.fromkeys(action.meta.campaigns):
                out.setdefault(slug, ([], []))[0].append(action)
        for tour in self.tours:
            for slug in dict.fromkeys(tour.meta.campaigns):
                out.setdefault(slug, ([], []))[1].append(tour)
        return out

    def campaign_defenders(self, campaign: Entry) -> list[Entry]:
        """Defenders in the campaign, directly or through its actions and tours, in the defenders' order."""
        slugs = set(self._defenders_by_campaign.get(campaign.slug, ()))
        for item in [a.meta for a in self.campaign_actions(campaign)] + [t.meta for t in self.campaign_tours(campaign)]:
            slugs.update(item.defenders)
        place = self._defender_place
        return [place[slug][1] for slug in sorted(slugs & place.keys(), key=lambda slug: place[slug][0])]

    @cached_property
    def _defenders_by_campaign(self) -> dict[str, set[str]]:
        """Each campaign's defenders that name it themselves (every campaign page asks: one walk, not one each)."""
        out: dict[str, set[str]] = {}
        for defender in self.defenders:
            for slug in defender.meta.campaigns:
                out.setdefault(slug, set()).add(defender.slug)
        return out

    @cached_property
    def _defender_place(self) -> dict[str, tuple[int, Entry]]:
        """Each listed defender by slug: its place in :attr:`defenders`, and itself."""
        return {defender.slug: (i, defender) for i, defender in enumerate(self.defenders)}

    # ---- countries and themes

    @cached_property
    def placed(self) -> list[Kind]:
        """The types listed on country and theme pages."""
        return [kind for kind in KINDS.values() if kind.placed]

    @cached_property
    def placed_since(self) -> list[Kind]:
        """The placed types added to the contract's: country and theme pages list them generically."""
        return [kind for kind in self.placed if kind.name not in CONTRACT]

    @cached_property
    def countries(self) -> dict[str, dict[str, list]]:
        """ISO code to the public items there (as consent allows), by type (``actions``...) and ``stops``."""
        out: dict[str, dict[str, list]] = {}

        def bucket(code: str) -> dict[str, list]:
            return out.setdefault(code, {**{kind.plural: [] for kind in self.placed}, "stops": []})

        for kind in self.placed:
            for item in self.listed(kind.name):
                if item.meta.country:  # a profile's is None when consent.location is none
                    bucket(item.meta.country)[kind.plural].append(item)
        for stop in self.stops:
            if stop.stop.country:
                bucket(stop.stop.country)["stops"].append(stop)
        return dict(sorted(out.items()))

    @cached_property
    def themes(self) -> dict[str, dict[str, list]]:
        """Theme slug to the public items that carry it, by type."""
        out = {slug: {kind.plural: [] for kind in self.placed} for slug in self.config.settings.themes}
        for kind in self.placed:
            for item in self.listed(kind.name):
                for slug in item.meta.themes:
                    out[slug][kind.plural].append(item)
        return {k: v for k, v in out.items() if any(v.values())}

    def country_url(self, code: str | None) -> str | None:
        """The country's page, ``countries/co/``, or None when the site has none (nothing public there)."""
        return f"countries/{code.lower()}/" if code and code.upper() in self.countries else None

    def theme_url(self, slug: str) -> str | None:
        """The theme's page, ``themes/land-rights/``, or None when the site has none (nothing public carries it)."""
        return f"themes/{slug}/" if slug in self.themes else None

    def home(self) -> Entry | None:
        return self.catalogue.pages.get("index")

    def nav_pages(self) -> list[Entry]:
        """Top-level pages other than home, by their order key then title."""
        top = [p for slug, p in self.catalogue.pages.items() if "/" not in slug and slug != "index"]
        return sorted(top, key=lambda p: (p.meta.order if p.meta.order is not None else 1000, p.meta.title.casefold()))


def build_site(public: Catalogue, config: SiteConfig, clock: Clock, unlinked: frozenset[str] = frozenset()) -> Site:
    """Index the public catalogue: action states as of ``clock``, stops in time order, relations."""
    site = Site(config, clock, public, unlinked=unlinked)
    today = clock.today
    for slug, entry in public.actions.items():
        meta = entry.meta
        updates = tuple(sorted(meta.updates, key=lambda u: u.date, reverse=True))
        updated = max([meta.issued] + [u.date for u in meta.updates])
        site.actions[slug] = ActionView(
            entry, entry_url("action", slug), action_status(meta, today), days_left(meta, today), updated, updates
        )
    ids = {a.meta.id: a for a in site.actions.values()}
    stops = []
    for tour in public.tours.values():
        for i, stop in enumerate(tour.meta.stops):
            starts, ends, zone = stop_times(stop, config.settings.timezone)
            uid = stop_uid(tour.slug, stop, starts)
            anchor = "stop-" + slugify(uid)
            featured = tuple(ids[a] for a in stop.actions if a in ids)
            view = StopView(tour, i, stop, starts, ends, zone, uid, anchor,
                            entry_url("tour", tour.slug) + "#" + anchor, featured)
            stops.append(replace(view, past=view.end < clock.now))
    site.stops = sorted(stops, key=lambda s: (s.starts, s.tour.slug, s.index))
    return site

"""The public site as a graph: every published item, its address, and what links to what.

Built from the public catalogue only, so nothing withheld can be reached from
here. Renderers (pages, feeds, calendars, sheets) read this and nothing else.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from .model import Action, Entry, SiteConfig, Stop
from .policy import Clock, action_status, days_left
from .stops import slugify, stop_times, stop_uid
from .validate import Catalogue

SECTIONS = {
    "action": "actions",
    "defender": "defenders",
    "tour": "tours",
    "campaign": "campaigns",
}


def entry_url(kind: str, slug: str) -> str:
    """The site-relative URL of an item: ``actions/river-guardians/``; the home page is ``""``."""
    if kind == "page":
        if slug == "index":
            return ""
        if slug.endswith("/index"):
            slug = slug[: -len("/index")]
        return slug + "/"
    return f"{SECTIONS[kind]}/{slug}/"


def relative_url(target: str, start: str) -> str:
    """``target`` (site-relative, directory style) as a link from the page at ``start``."""
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = start if start.endswith("/") or not start else posixpath.dirname(start) + "/"
    rel = _relative_path(target, base) if target != base else "."
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        rel = "./"
    return rel + fragment


def _relative_path(target: str, base: str) -> str:
    """``posixpath.relpath("/" + target, "/" + base)``, without its normalising for plain paths.

    Every page links to a dozen others: this runs for each link of each page.
    """
    targets, bases = target.split("/"), base.split("/")
    if "." in targets or ".." in targets or "." in bases or ".." in bases:
        return posixpath.relpath("/" + target, "/" + base)
    targets, bases = [p for p in targets if p], [p for p in bases if p]
    common = 0
    for mine, theirs in zip(targets, bases):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(bases) - common) + targets[common:]) or "."


@dataclass(frozen=True)
class ActionView:
    entry: Entry
    url: str
    status: str
    """As shown today: open, closed or resolved."""
    days_left: int | None
    updated: date
    """The newest of issued and the updates' dates."""
    updates: tuple
    """Newest first."""

    @property
    def meta(self) -> Action:
        return self.entry.meta


@dataclass(frozen=True)
class StopView:
    tour: Entry
    index: int
    stop: Stop
    starts: datetime
    """Aware, in the stop's own time zone."""
    ends: datetime | None
    zone: str
    uid: str
    """Stable calendar UID (without domain): the stop id, else tour slug, city and date."""
    anchor: str
    url: str
    actions: tuple[ActionView, ...]

    @property
    def status(self) -> str:
        return self.stop.status

    @property
    def mode(self) -> str:
        """in person, online or hybrid, from venue/city and online."""
        physical = bool(self.stop.venue or self.stop.address or self.stop.city)
        if self.stop.online and physical:
            return "hybrid"
        return "online" if self.stop.online else "in person"


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

    def url(self, entry: Entry) -> str:
        return entry_url(entry.kind, entry.slug)

    def absolute(self, url: str) -> str:
        return self.config.site_url + url

    @property
    def timezone(self) -> ZoneInfo:
        return self.clock.timezone

    @property
    def today(self) -> date:
        return self.clock.today

    # ---- collections, in the order readers expect

    @cached_property
    def actions_ordered(self) -> list[ActionView]:
        """Open first, soonest deadline first; then resolved and closed, newest first."""
        open_ = sorted((a for a in self.actions.values() if a.status == "open"),
                       key=lambda a: (a.meta.deadline, a.meta.id))
        rest = sorted((a for a in self.actions.values() if a.status != "open"),
                      key=lambda a: (a.updated, a.meta.issued, a.meta.id), reverse=True)
        return open_ + rest

    @cached_property
    def open_actions(self) -> list[ActionView]:
        return [a for a in self.actions_ordered if a.status == "open"]

    @cached_property
    def defenders(self) -> list[Entry]:
        return sorted(self.catalogue.defenders.values(), key=lambda d: (d.meta.name.casefold(), d.slug))

    @cached_property
    def tours(self) -> list[Entry]:
        first = {}
        for stop in self.stops:
            first.setdefault(stop.tour.slug, stop.starts)
        return sorted(self.catalogue.tours.values(), key=lambda t: (first[t.slug], t.slug), reverse=True)

    @cached_property
    def campaigns(self) -> list[Entry]:
        return sorted(self.catalogue.campaigns.values(), key=lambda c: (c.meta.starts, c.slug), reverse=True)

    @property
    def pages(self) -> dict[str, Entry]:
        return self.catalogue.pages

    def stop_is_past(self, stop: StopView) -> bool:
        end = stop.ends or (stop.starts + timedelta(hours=2))
        return end < self.clock.now

    @cached_property
    def upcoming_stops(self) -> list[StopView]:
        return [s for s in self.stops if not self.stop_is_past(s)]

    @cached_property
    def past_stops(self) -> list[StopView]:
        return [s for s in reversed(self.stops) if self.stop_is_past(s)]

    def tour_stops(self, tour: Entry) -> list[StopView]:
        return [s for s in self.stops if s.tour.slug == tour.slug]

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
        return [a for a in self.actions_ordered if campaign.slug in a.meta.campaigns]

    def campaign_tours(self, campaign: Entry) -> list[Entry]:
        return [t for t in self.tours if campaign.slug in t.meta.campaigns]

    def campaign_defenders(self, campaign: Entry) -> list[Entry]:
        """Defenders in the campaign, directly or through its actions and tours."""
        slugs = {d.slug for d in self.defenders if campaign.slug in d.meta.campaigns}
        for item in [a.meta for a in self.campaign_actions(campaign)] + [t.meta for t in self.campaign_tours(campaign)]:
            slugs.update(item.defenders)
        return [d for d in self.defenders if d.slug in slugs]

    def action_by_id(self, action_id: str) -> ActionView | None:
        return self._ids.get(action_id)

    @cached_property
    def _ids(self) -> dict[str, ActionView]:
        return {a.meta.id: a for a in self.actions.values()}

    # ---- countries and themes

    @cached_property
    def countries(self) -> dict[str, dict[str, list]]:
        """ISO code to the public actions, defenders and stops there (as consent allows)."""
        out: dict[str, dict[str, list]] = {}

        def bucket(code: str) -> dict[str, list]:
            return out.setdefault(code, {"actions": [], "defenders": [], "stops": [], "tours": []})

        for action in self.actions_ordered:
            bucket(action.meta.country)["actions"].append(action)
        for defender in self.defenders:
            if defender.meta.country:  # None when consent.location is none
                bucket(defender.meta.country)["defenders"].append(defender)
        for stop in self.stops:
            if stop.stop.country:
                bucket(stop.stop.country)["stops"].append(stop)
        for tour in self.tours:
            if tour.meta.country:
                bucket(tour.meta.country)["tours"].append(tour)
        return dict(sorted(out.items()))

    @cached_property
    def themes(self) -> dict[str, dict[str, list]]:
        """Theme slug to the public actions, tours and defenders that carry it."""
        out = {slug: {"actions": [], "tours": [], "defenders": []} for slug in self.config.settings.themes}
        for action in self.actions_ordered:
            for t in action.meta.themes:
                out[t]["actions"].append(action)
        for tour in self.tours:
            for t in tour.meta.themes:
                out[t]["tours"].append(tour)
        for defender in self.defenders:
            for t in defender.meta.themes:
                out[t]["defenders"].append(defender)
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
            stops.append(StopView(tour, i, stop, starts, ends, zone, uid, anchor,
                                  entry_url("tour", tour.slug) + "#" + anchor, featured))
    site.stops = sorted(stops, key=lambda s: (s.starts, s.tour.slug, s.index))
    return site

"""Feeds: the public urgent actions and tours as RSS 2.0, Atom 1.0 and JSON Feed 1.1, with an OPML list.

- ``catalogue.py``: which feeds exist (all, actions, open actions, tours, each campaign, country, theme);
- ``entries.py``: what an entry is, its permanent id and its dates;
- ``bodies.py``: the entries' HTML, from the template ``feed_entries.html`` and the shared words;
- ``serialise.py``: the formats, pure;
- here: the output itself, the links pages show to their feeds, and the Subscribe page.

Ids are tag: URIs (RFC 4151) made from the tag authority setting and the
action's ``id`` (and an update's date), a tour's slug, a stop's UID: never
from the title or the domain, so that readers never show an entry twice.
Feeds carry what the public site shows, nothing more: they are built from the
public graph only.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property, partial

from ...core.messages import N_
from ..files import Files
from .. import Context, Output
from ..calendars import Calendars, tour_calendar_path, webcal
from ..pages import Link, PageRenderer, StagedPage
from ..sheets import Sheets
from .bodies import Bodies
from .catalogue import catalogue, groups
from .entries import FeedItems
from .model import FORMATS, Feed
from .serialise import Publisher, json_feed, opml, xml

OPML_PATH = "feeds/opml.xml"
#: A feed with no entry yet, on a site with no dated content at all, is dated this.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Feeds(Output):
    """Renders every feed, the OPML list and the Subscribe page, and announces feeds on their pages."""

    name = "feeds"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.calendars = Calendars(ctx)
        self.entries = FeedItems(ctx, Bodies(ctx, self.calendars, tour_calendar_path), Sheets(ctx))

    @cached_property
    def feeds(self) -> list[Feed]:
        """Every feed, in the order the Subscribe page lists them."""
        return catalogue(self.ctx.site, self.ctx.fmt, self.entries.carried, lambda: self.entries.ordered)

    @cached_property
    def publisher(self) -> Publisher:
        config = self.ctx.site.config
        settings = config.settings
        translate = self.ctx.fmt.translate
        return Publisher(config.site_name, config.site_url, settings.organisation, settings.language,
                         settings.tag_authority, settings.websub_hub,
                         feed_title=translate(N_("%(site)s: %(feed)s")), all_feeds=translate(N_("%(site)s: all feeds")),
                         # Each language's feed is a feed of its own; its entries keep their ids (README).
                         space="" if settings.language == settings.site_languages[0] else settings.language + "/")

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
        return max((f.newest for f in self.feeds if f.newest is not None), default=EPOCH)

    # ---- links and navigation

    def page_links(self, url: str) -> list[Link]:
        """RSS and Atom of each feed that belongs to the page at ``url``, after a link to the Subscribe page."""
        feeds = self._by_page.get(url)
        if not feeds:
            return []
        subscribe, links = self._feed_links
        return [*subscribe[:url != "subscribe/"], *(link for feed in feeds for link in links[id(feed)])]

    @cached_property
    def _feed_links(self) -> tuple[tuple[Link], dict[int, tuple[Link, ...]]]:
        """The link to the Subscribe page, and each feed's (by its id): made once, not once per page that shows
        them (thousands of pages show a few feeds), and the same objects on every page."""
        _ = self.ctx.fmt.gettext
        out = {}
        for feed in self.feeds:
            out[id(feed)] = tuple(Link(feed.path(fmt), _("%(feed)s (%(format)s)", feed=feed.title,
                                                         format=FORMATS[fmt].label), FORMATS[fmt].media_type)
                                  for fmt in ("rss", "atom"))
        return (Link("subscribe/", _("How to subscribe")),), out

    def nav(self) -> list[tuple[str, str]]:
        return [(self.ctx.fmt.gettext("Subscribe"), "subscribe/index.md")]

    # ---- rendering

    def render(self) -> Files:
        files = Files()
        limit = self.ctx.site.config.settings.feed_limit
        who = self.publisher
        shared: dict = {}  # each entry set up once for RSS and once for Atom, whatever feeds carry it
        for feed in self.feeds:
            top = feed.top(limit)
            updated = max((i.updated for i in top), default=None) or self._newest
            parts = self._parts(feed, top, updated)
            # Its entries are made only if one of its files is: most feeds come out as they did.
            self.ctx.make(files, feed.path("rss"), parts + ("rss",), partial(_xml, who, feed, top, updated, "rss", shared))
            self.ctx.make(files, feed.path("atom"), parts + ("atom",), partial(_xml, who, feed, top, updated, "atom", shared))
            self.ctx.make(files, feed.path("json"), parts + ("json",), partial(_json, who, feed, top))
        files[OPML_PATH] = opml(who, groups(self.feeds))
        return files

    def _parts(self, feed: Feed, top: list, updated: datetime) -> tuple:
        """What a feed is made from alone (and what its entries' bodies read): its memo key's parts, in each format.

        An action's entries stand in it by a fingerprint of what they are made from (FeedItems.token), so that
        they are made only in the feeds that change; the feed's own parts are fingerprinted once, not per format."""
        memo = self.ctx.memo
        if memo is None:
            return ()
        # Of its pages only its home (the first) is in it: the others (every action's, for two feeds) only link to it.
        parts = ("feed", self.publisher, feed.key, feed.title, feed.carries, feed.group, feed.pages[0], updated)
        key = memo.key(*parts, tuple(entry.token for entry in top))
        # Where a token cannot be fingerprinted, the entries themselves (None again if they cannot either).
        return ("feed", key) if key is not None else (*parts, [entry.made() for entry in top])

    def pages(self) -> dict[str, bytes]:
        return {"subscribe/index.md": self.subscribe_page().encode()}

    def subscribe_page(self) -> str:
        """The Subscribe page, staged like every other page (template ``subscribe.html``)."""
        site = self.ctx.site
        feed_groups = [(group, [{
            "title": feed.title,
            "carries": feed.carries,
            "page": feed.pages[0],
            "address": site.absolute(feed.path("rss")),
            "formats": [(FORMATS[fmt].label, feed.path(fmt)) for fmt in FORMATS],
        } for feed in feeds]) for group, feeds in groups(self.feeds)]
        calendars = [{
            "title": cal.title,
            "carries": cal.carries,
            "page": cal.page,
            "events": len(cal.stops),
            "address": site.absolute(cal.path),
            "webcal": webcal(site.absolute(cal.path)),
            "path": cal.path,
        } for cal in self.calendars.calendars]
        _ = self.ctx.fmt.gettext
        page = StagedPage("subscribe/", _("Subscribe"), "subscribe.html",
                          _("Follow urgent actions and speaker tours in your feed reader or your calendar."),
                          {"feed_groups": feed_groups, "calendars": calendars, "opml": OPML_PATH})
        renderer = PageRenderer(site, self.ctx.markup, self.ctx.env, [self, self.calendars], self.ctx.fmt)
        return renderer.render(page)


def _xml(who: Publisher, feed: Feed, top: list, updated: datetime, fmt: str, shared: dict) -> bytes:
    return xml(who, feed, [entry.made() for entry in top], updated, fmt, shared)


def _json(who: Publisher, feed: Feed, top: list) -> bytes:
    return json_feed(who, feed, [entry.made() for entry in top])

"""Preview cards: the image a link preview shows, for every action, tour and campaign, and the site.

For each public action, tour and campaign, ``<its address>card.png`` (and
``card.png`` for the site itself): 1200 x 630 pixels, drawn at build time by
:mod:`.cardimage` in the theme's fonts, in the site's language, from public
fields only: the kind and id, the title, the "Act by" date (or the tour's or
campaign's dates, or the action's outcome as a word) and the organisation; and, for an action or a tour, the photo of its first
defender whose public profile shows one (the policy has already removed every
photo without ``consent.photo``: this reads the public :class:`Site` only).

Each page names its card in its front matter (:meth:`Cards.page_meta`), and
the theme announces it (``theme/partials/preview.html``: Open Graph and
Twitter card tags). A card whose inputs have not changed comes from the
build cache. After :meth:`render`, :attr:`Cards.drawn` holds every string
drawn on each card (the leak suite's hook).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property, lru_cache, partial
from importlib.metadata import version

from ..core.messages import N_
from ..core.model import Entry
from ..core.views import ActionView
from .files import Files
from . import Output
from .cardimage import CardText, Fonts, draw, writer
from .rowpng import RowPNG
from .mobilise import SITE_CARD, date_range, tour_dates

# The words of the cards: messages of the catalog, said in the site's language by its Formatter.
#: Above the title: what the item is (an action's id follows).
KICKERS = {"action": N_("Urgent action"), "tour": N_("Speaker tour"), "campaign": N_("Campaign")}
#: Below the title, for an action no longer open (an open one says "Act by ...").
BADGES = {"closed": N_("Closed"), "resolved": N_("Resolved: good news")}
# Translators: on a campaign's preview card, below its title, when the campaign has no end date.
SINCE = N_("Since %(date)s")
# Translators: a preview card for people who cannot see it; kicker: "Urgent action · UA-2026-031".
ALT = N_("%(kicker)s: %(title)s")
# Translators: the same, with the line below the title (badge): "Act by December 3, 2026".
ALT_BADGE = N_("%(kicker)s: %(title)s. %(badge)s.")

#: Bumped when the drawing changes, so that cached cards are drawn again (3: cards without a photo written by
#: rowpng.py, the same pixels in other bytes).
DRAWING = 3


class Cards(Output):
    """Preview card images, and the front matter that names them."""

    name = "cards"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.drawn: dict[str, list[str]] = {}
        """After :meth:`render`: card path to the strings drawn on it (from the cache: the texts it was given)."""

    # ---- which cards

    @cached_property
    def cards(self) -> dict[str, tuple[str, CardText, str | None]]:
        """Page URL to (card path, texts, photo path or None), for every page with a card of its own."""
        site = self.ctx.site
        out = {}
        for action in site.actions_ordered:
            out[action.url] = self._card(action.url, self._action(action), site.defenders_of(action.meta.defenders))
        for tour in site.tours:
            out[site.url(tour)] = self._card(site.url(tour), self._tour(tour), site.defenders_of(tour.meta.defenders))
        for campaign in site.campaigns:
            out[site.url(campaign)] = self._card(site.url(campaign), self._campaign(campaign), [])
        return out

    def _card(self, url: str, card: CardText, defenders: list[Entry]) -> tuple[str, CardText, str | None]:
        photo = next((d.meta.image for d in defenders if d.meta.image), None)
        return url + "card.png", card, photo

    @property
    def _footer(self) -> dict[str, str]:
        # Not the site's address: a mirror (--site-url) shows the same cards, and a preview shows the address.
        return {"organisation": self.ctx.site.config.settings.organisation}

    def _action(self, action: ActionView) -> CardText:
        meta, fmt = action.meta, self.ctx.fmt
        if action.status == "open":
            badge = fmt.act_by(meta.deadline)
        else:
            badge = fmt.translate(BADGES[action.status])
        return CardText(f"{fmt.translate(KICKERS['action'])} · {meta.id}", meta.title, badge, action.status,
                        **self._footer)

    def _tour(self, tour: Entry) -> CardText:
        dates = tour_dates(self.ctx.site, tour, self.ctx.fmt)
        return CardText(self.ctx.fmt.translate(KICKERS["tour"]), tour.meta.title, dates, "neutral", **self._footer)

    def _campaign(self, campaign: Entry) -> CardText:
        meta, fmt = campaign.meta, self.ctx.fmt
        dates = (date_range(meta.starts, meta.ends, fmt) if meta.ends
                 else fmt.gettext(SINCE, date=fmt.date(meta.starts)))
        return CardText(fmt.translate(KICKERS["campaign"]), meta.title, dates, "neutral", **self._footer)

    def _site_card(self) -> CardText:
        site = self.ctx.site
        return CardText("", site.config.site_name, "", "neutral", **self._footer)

    # ---- pages

    def page_meta(self, url: str) -> dict[str, str]:
        """The card of the page at ``url`` and an article type, for item pages; others use the site's (the theme)."""
        found = self.cards.get(url)
        if not found:
            return {}
        path, card, _ = found
        fmt = self.ctx.fmt
        alt = (fmt.gettext(ALT_BADGE, kicker=card.kicker, title=card.title, badge=card.badge) if card.badge
               else fmt.gettext(ALT, kicker=card.kicker, title=card.title))
        return {"card": path, "card_alt": alt, "og_type": "article"}

    # ---- rendering

    def render(self) -> Files:
        fonts, png = Fonts(self.ctx.fonts.folder), writer()
        files = Files()
        jobs = [(SITE_CARD, self._site_card(), None)] + list(self.cards.values())
        for path, card, photo in jobs:
            data = self._photo_bytes(photo) if photo else None
            key = self._key(card, data)
            # A card is its key's (the cache's): kept where it is the last build's, without reading it.
            self.drawn[path] = [s for s in (card.kicker, card.title, card.badge, card.organisation) if s]
            self.ctx.make(files, path, ("card", key), partial(self._png, path, card, data, key, fonts, png))
            if self.ctx.cache and path in files.kept:
                self.ctx.cache.keep(key)
        return files

    def _png(self, path: str, card: CardText, data: bytes | None, key: str, fonts: Fonts, png: RowPNG) -> bytes:
        cache = self.ctx.cache
        cached = cache.get(key) if cache else None
        if cached is not None:
            self.drawn[path] = [s for s in (card.kicker, card.title, card.badge, card.organisation) if s]
            return cached
        result = draw(card, fonts, data, png)
        self.drawn[path] = result.strings
        if cache:
            cache.put(key, result.png)
        return result.png

    def _photo_bytes(self, photo: str) -> bytes:
        """The photo's file (``media/x.jpg`` under content/, as the build reads it): public, on its defender's page already."""
        return self.ctx.media(photo)

    def _key(self, card: CardText, photo: bytes | None) -> str:
        inputs = {"drawing": DRAWING, "pillow": _pillow(), "fonts": self._font_digest,
                  "card": card.__dict__, "photo": hashlib.sha256(photo).hexdigest() if photo else None}
        return "card-" + hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()

    @cached_property
    def _font_digest(self) -> str:
        digests = self.ctx.fonts.digests
        return hashlib.sha256(json.dumps({name: digests[name] for name in sorted(digests) if name.endswith(".ttf")},
                                         sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=1)
def _pillow() -> str:
    return version("pillow")

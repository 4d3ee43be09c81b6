"""WebSub: each feed names the hub (``accompany.websub_hub``) where readers subscribe to hear of changes at once.

Atom and RSS carry ``<atom:link rel="hub" href="...">`` beside their
``rel="self"`` link (the topic a subscriber asks the hub about); JSON Feed
carries ``"hubs": [{"type": "WebSub", "url": "..."}]``. ``accompany websub``
tells the hub when a feed changed.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

ATOM = "http://www.w3.org/2005/Atom"


class _RssHub(BaseExtension):
    """feedgen writes only the self link of RSS's atom:links: the hub's is added here."""

    hub = ""

    def extend_rss(self, rss_feed):
        xml_elem(f"{{{ATOM}}}link", rss_feed[0], href=self.hub, rel="hub")
        return rss_feed


def declare_hub(fg: FeedGenerator, hub: str | None) -> None:
    """Name ``hub`` in an Atom or RSS feed (nothing without a hub)."""
    if not hub:
        return
    fg.link(href=hub, rel="hub")  # Atom
    fg.register_extension("websub", _RssHub, BaseEntryExtension, atom=False, rss=True)
    fg.websub.hub = hub


def json_hubs(hub: str | None) -> dict:
    """The JSON Feed 1.1 ``hubs`` key, to merge into the feed's top level (empty without a hub)."""
    return {"hubs": [{"type": "WebSub", "url": hub}]} if hub else {}

"""The feed formats: RSS 2.0 and Atom 1.0 (feedgen), JSON Feed 1.1, and the OPML list of every feed.

Pure: each function takes a feed's description and its entries and returns
the file's bytes. Entries' content is made here, when a feed keeps them.
"""

from __future__ import annotations

import copy
import json
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.etree import ElementTree

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from ..hubs import declare_hub, json_hubs
from ..pages import Link
from .model import FORMATS, Feed, Item, tag_uri

GENERATOR = "accompany"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the feeds, and where: what every feed's head says."""

    site_name: str
    site_url: str
    organisation: str
    language: str
    tag_authority: str
    hub: str | None = None
    feed_title: str = "%(site)s: %(feed)s"
    """A feed's title, in the feeds' language: the site's name and the feed's."""
    all_feeds: str = "%(site)s: all feeds"
    """The OPML list's title."""
    space: str = ""
    """Before a feed's key in its id: ``es/`` for the feeds of a language other than the site's default."""

    def absolute(self, url: str) -> str:
        return self.site_url + url


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


class KeptEntry(FeedEntry):
    """A feedgen entry made into XML once: each feed that carries it gets a copy of that XML.

    (Set up for one format: RSS and Atom say its dates differently.)"""

    def __init__(self):
        super().__init__()
        self._made: dict[str, object] = {}

    def atom_entry(self, extensions=True):
        if "atom" not in self._made:
            self._made["atom"] = super().atom_entry(extensions)
        return copy.deepcopy(self._made["atom"])

    def rss_entry(self, extensions=True):
        if "rss" not in self._made:
            self._made["rss"] = super().rss_entry(extensions)
        return copy.deepcopy(self._made["rss"])


def media_type(link: Link) -> str:
    """A linked file's media type: as the link says, else from its name (a page's address ends in /)."""
    if link.type:
        return link.type
    path = link.url.split("#")[0].split("?")[0]
    return "text/html" if path.endswith("/") else mimetypes.guess_type(path)[0] or "application/octet-stream"


def xml(who: Publisher, feed: Feed, entries: list[Item], updated: datetime, fmt: str,
        shared: dict | None = None) -> bytes:
    """The feed as RSS 2.0 or Atom 1.0.

    ``shared``: where the entries set up for feedgen are kept for the next feed of the same format that
    carries them (most entries are in several feeds: all, actions, a country's, a theme's)."""
    author = {"name": who.organisation, "uri": who.site_url}
    shared = {} if shared is None else shared

    def when(value: datetime) -> datetime:
        # RSS dates in UTC: validators reject offsets such as Nepal's +0545 in RFC 822 dates.
        return value.astimezone(timezone.utc) if fmt == "rss" else value

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("related", BaseExtension, RelatedLinks, atom=True, rss=False)
    fg.id(tag_uri(who.tag_authority, f"feed/{who.space}{feed.key}"))
    fg.title(who.feed_title % {"site": who.site_name, "feed": feed.title})
    fg.subtitle(feed.carries)
    fg.author(author)
    declare_hub(fg, who.hub)  # before the links: RSS's <link> is the last one
    fg.link(href=who.absolute(feed.path(fmt)), rel="self", type=FORMATS[fmt].media_type)
    fg.link(href=who.absolute(feed.pages[0]), rel="alternate", type="text/html")  # last: RSS's <link>
    fg.language(who.language)
    fg.generator(GENERATOR)
    fg.updated(when(updated))
    for item in entries:
        # Its texts asked for in every feed that carries it: a text made once tells each file what it read.
        title, summary, content = str(item.title), str(item.summary), str(item.content)
        known = shared.get((who, fmt, item.id))
        if known is not None and known[0] is item:
            fg.add_entry(known[1], order="append")
            continue
        fe = fg.add_entry(KeptEntry(), order="append")
        shared[who, fmt, item.id] = (item, fe)
        fe.id(item.id)
        fe.title(title)
        fe.link(href=item.url)
        fe.related.links = list(item.related)
        fe.published(when(item.published))
        fe.updated(when(item.updated))
        fe.author(author)
        fe.dc.dc_creator(who.organisation)
        fe.summary(summary)
        fe.content(content, type="html")
        for cat in item.categories:
            fe.category(term=cat.term, label=cat.label, scheme=cat.scheme)
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)


def json_feed(who: Publisher, feed: Feed, entries: list[Item]) -> bytes:
    """The feed as JSON Feed 1.1."""
    author = {"name": who.organisation, "url": who.site_url}
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
            data["attachments"] = [{"url": link.url, "mime_type": media_type(link), "title": link.label}
                                   for link in item.related]
        items.append(data)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": who.feed_title % {"site": who.site_name, "feed": feed.title},
        "home_page_url": who.absolute(feed.pages[0]),
        "feed_url": who.absolute(feed.path("json")),
        "description": feed.carries,
        "language": who.language,
        "authors": [author],
        **json_hubs(who.hub),
        "items": items,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def opml(who: Publisher, groups: list[tuple[str, list[Feed]]]) -> bytes:
    """Every feed (its RSS) in one OPML 2.0 file, grouped as on the Subscribe page."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = who.all_feeds % {"site": who.site_name}
    ElementTree.SubElement(head, "ownerName").text = who.organisation
    body = ElementTree.SubElement(root, "body")
    for group, feeds in groups:
        outline = ElementTree.SubElement(body, "outline", text=group, title=group)
        for feed in feeds:
            ElementTree.SubElement(outline, "outline", type="rss", text=feed.title, title=feed.title,
                                   description=feed.carries, xmlUrl=who.absolute(feed.path("rss")),
                                   htmlUrl=who.absolute(feed.pages[0]), language=who.language)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

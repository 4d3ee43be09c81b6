"""What a feed is made of, the same in every format: formats, entries, feeds, and their ids.

No HTML and no file here: an entry's content is made when a feed that keeps
it is written (:class:`Later`), by feeds/bodies.py.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Callable

from ..pages import Link

SUMMARY_LENGTH = 300


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
    """A text made only when it is first needed, as ``make(*args)``: most entries are past every feed's limit.

    With a ``recorder`` (outputs/trace.py), what making it read is recorded once, and added to the tape of
    every file that shows it."""

    __slots__ = ("_make", "_args", "_text", "_recorder", "_tape")

    def __init__(self, make, *args, recorder=None):
        self._make = make
        self._args = args
        self._text: str | None = None
        self._recorder = recorder
        self._tape = None

    def __str__(self) -> str:
        if self._text is None:
            if self._recorder is None:
                self._text = str(self._make(*self._args))
            else:
                with self._recorder.tape() as tape:
                    self._text = str(self._make(*self._args))
                self._tape = tape
        elif self._tape is not None:
            self._recorder.replay(self._tape)
        return self._text

    def __fingerprint__(self) -> tuple:
        """What it is made of (outputs/trace.py): the function (code) and its arguments."""
        return (self._make.__qualname__, self._args)


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

    def made(self) -> "Item":
        return self

    @property
    def token(self) -> "Item":
        """What a feed's memo key holds of it: all of it."""
        return self


class Pending:
    """An entry known by what places it in a feed (its date, rank and id) and when it changed, made only when a
    feed keeps it: most entries are past every feed's limit.

    ``source`` makes the entries of one action, all at once (``source.items()``; this is the ``index``-th), and
    gives a ``source.token()``: a fingerprint of everything they are made from (or None: then the entry itself)."""

    __slots__ = ("published", "rank", "id", "updated", "_source", "_index")

    def __init__(self, published: datetime, rank: int, id: str, updated: datetime, source, index: int):
        self.published, self.rank, self.id, self.updated = published, rank, id, updated
        self._source, self._index = source, index

    def made(self) -> Item:
        return self._source.items()[self._index]

    @property
    def token(self):
        token = self._source.token()
        return self.made() if token is None else (token, self._index)


class Single:
    """A source of one made entry (a tour, a stop, an item of a type added to the registry): see :class:`Feed`."""

    __slots__ = ("entries", "head", "newest", "order")

    def __init__(self, item: Item):
        self.entries = (item,)
        self.head = place(item)
        self.newest = item.updated
        self.order: int | None = None


@dataclass(frozen=True)
class Feed:
    """One feed: what it is called, what it carries, which pages announce it, and its entries.

    Its entries come from *sources*: one action's (its issue, updates and closure, each :class:`Pending`), one
    tour's, one stop's... A source knows its ``entries``, its ``head`` (the place of its newest entry: see
    :func:`place`), its ``newest`` (latest ``updated``) without making any entry, and its ``order``: its rank by
    head among all the site's sources, newest first (None until ``ordered()`` gave it one)."""

    key: str
    """Its path under feeds/, without suffix: ``actions``, ``countries/co``."""
    title: str
    carries: str
    group: str
    pages: tuple[str, ...]
    """Site URLs of the pages it belongs to; the first is its home."""
    sources: Callable[[], list] = field(repr=False, compare=False)
    """Its entries' sources, in order, some maybe twice. Called only when they are needed: pages need only the rest."""
    ordered: Callable[[], bool] = field(repr=False, compare=False, default=lambda: False)
    """Whether no two entries of the site share an id and every source has its ``order`` (then :meth:`top` need
    not place every entry)."""

    def collect(self) -> list[Item | Pending]:
        """Its entries (made, or :class:`Pending`), in its sources' order, some maybe twice."""
        return [entry for source in self.sources() for entry in source.entries]

    @cached_property
    def items(self) -> tuple[Item | Pending, ...]:
        """Its entries, each once, made or not yet."""
        return unique(self.collect())

    def path(self, fmt: str) -> str:
        return f"feeds/{self.key}.{FORMATS[fmt].suffix}"

    def top(self, limit: int) -> list[Item | Pending]:
        """At most ``limit`` entries, newest first, made or not yet (an id is one entry's: no two tie).

        Only the entries of the ``limit`` sources with the newest heads are placed: an entry among the newest
        ``limit`` has fewer than ``limit`` newer entries, so fewer than ``limit`` sources have a newer head than its
        own (each source's head is one of its entries, and with ids distinct no two sources share one). Where ids
        are not distinct (two sources claim one), every entry is placed, the first of an id kept."""
        if self.ordered():
            ranked = {source.order: source for source in self.sources()}  # a source reached twice is one
            if None not in ranked:
                sources = [ranked[n] for n in sorted(ranked)[:limit]]
                return heapq.nlargest(limit, [entry for source in sources for entry in source.entries], key=place)
        return heapq.nlargest(limit, self.items, key=place)

    @cached_property
    def newest(self) -> datetime | None:
        """The latest ``updated`` of its entries (None if it has none), without placing them."""
        return max((source.newest for source in self.sources()), default=None)

    def entries(self, limit: int) -> list[Item]:
        """At most ``limit`` entries, newest first."""
        return [entry.made() for entry in self.top(limit)]


def place(entry: Item | Pending) -> tuple:
    """Where an entry stands in a feed: newest first, then by rank (an action before its update), then by id."""
    return entry.published, entry.rank, entry.id


def _head(source) -> tuple:
    return source.head


def tag_uri(authority: str, specific: str) -> str:
    """``tag:example.org,2026:action/UA-2026-014``."""
    return f"tag:{authority}:{specific}"


def update_keys(updates) -> list[str]:
    """Each update's id part, in file order: its date, with ``-2``, ``-3`` for more on the same day."""
    seen: dict = {}
    keys = []
    for update in updates:
        n = seen[update.date] = seen.get(update.date, 0) + 1
        keys.append(update.date.isoformat() + (f"-{n}" if n > 1 else ""))
    return keys


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def unique(items: list) -> tuple:
    """Items without repeats (a stop can reach a feed twice: through its tour and its country)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return tuple(out)

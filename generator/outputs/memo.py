"""What the last build made of each file, and whether this build would make it the same (see trace.py).

A file's *record* is its base key (a digest of everything it was given, the
global key included), the digest of its bytes, the queries its render made
(as traced: :mod:`.trace`) and the media it used. :meth:`Memo.reuse` says
that a file comes out as it did when its base key is the same and no query
it made answers otherwise now; then the file is not rendered: its bytes are
the last build's (in the site, or rendered on demand).

The records are kept in the build cache (cache.py), written only after a
build succeeded, and dropped whole when the global key changes (another
version of accompany, other templates, catalogs or settings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta

from .files import file_digest
from .trace import GONE, Queries, Tape, Untraceable

#: Bumped when the records' layout changes.
VERSION = 2


@dataclass(frozen=True)
class Made:
    """A file this build does not render: it comes out as the last build made it."""

    digest: str
    media: tuple[str, ...]
    texts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """What making it said to the volunteer: said again by every build that keeps it."""


class Memo:
    """The last build's records of one kind of file (pages, or other files), and this build's."""

    def __init__(self, previous: dict | None, queries: Queries, shared: str):
        """``shared``: the global key (what every file depends on); ``previous``: :meth:`export` of the last build."""
        self.queries = queries
        self.shared = shared
        usable = isinstance(previous, dict) and previous.get("version") == VERSION and previous.get("global") == shared
        self._files: dict[str, list] = previous["files"] if usable else {}
        self._queries: list[list[str]] = previous["queries"] if usable else []
        self.templates: dict[str, list] = dict(previous.get("templates") or {}) if usable else {}
        """What each template reads (:class:`TemplateReads`), kept with the records: the global key holds the templates."""
        self._changed: set[int] | None = None
        self.records: dict[str, tuple] = {}
        """This build's: path to (base key, digest, queries or None if untraceable, media, Markdown texts, notes);
        the queries of a file kept from the last build are :class:`Recorded`."""

    def key(self, *parts: Any) -> str | None:
        """A file's base key from its parts (with the global key); None when a part cannot be fingerprinted."""
        prints = self.queries.prints
        try:
            return prints.of((self.shared, parts))
        except Untraceable:
            return None

    def _changed_queries(self) -> set[int]:
        if self._changed is None:
            answer = self.queries.answer
            self._changed = {i for i, (query, was) in enumerate(self._queries) if was == GONE or answer(query) != was}
        return self._changed

    def previous(self, path: str) -> str | None:
        """The digest of the file the last build made at ``path``, if it recorded one."""
        record = self._files.get(path)
        return record[1] if record else None

    def reuse(self, path: str, key: str | None) -> Made | None:
        """The last build's file at ``path`` if this build would make the same, and records it; else None."""
        record = self._files.get(path)
        if key is None or record is None or record[0] != key or record[2] is None:
            return None
        changed = self._changed_queries()
        if changed and not changed.isdisjoint(record[2]):
            return None
        media, texts, notes = tuple(record[3]), tuple(record[4]), tuple(record[5])
        self.records[path] = (key, record[1], Recorded(record[2], self._queries), media, texts, notes)
        return Made(record[1], media, texts, notes)

    def record(self, path: str, key: str | None, data: bytes, tape: Tape | None) -> None:
        """This build rendered ``data`` at ``path``, reading what ``tape`` holds."""
        traceable = key is not None and tape is not None and tape.traceable
        self.records[path] = (key or "", file_digest(data), frozenset(tape.queries) if traceable else None,
                              tuple(sorted(tape.media)) if tape is not None else (),
                              tuple(sorted(tape.texts)) if tape is not None else (),
                              tuple(tape.notes) if tape is not None else ())

    def export(self) -> dict:
        """This build's records, for the next (JSON)."""
        kept: set[int] = set()  # the last build's queries that files kept read, by index
        made: set[str] = set()
        for _, _, queries, *_ in self.records.values():
            if type(queries) is Recorded:
                kept.update(queries.indexes)
            elif queries:
                made.update(queries)
        last = self._queries
        used = sorted(made.union(last[i][0] for i in kept))
        index = {q: i for i, q in enumerate(used)}
        # Both lists are sorted: a kept file's indexes, mapped, stay in order.
        moved = {i: index[last[i][0]] for i in kept}
        answers = self.queries.answers

        def indexes(queries) -> list[int] | None:
            if queries is None:
                return None
            if type(queries) is Recorded:
                return [moved[i] for i in queries.indexes]
            return sorted(index[q] for q in queries)

        return {"version": VERSION, "global": self.shared,
                "templates": {name: self.templates[name] for name in sorted(self.templates)},
                "queries": [[q, answers.get(q, GONE)] for q in used],
                "files": {path: [key, digest, indexes(queries), list(media), list(texts), list(notes)]
                          for path, (key, digest, queries, media, texts, notes) in sorted(self.records.items())}}


class Recorded:
    """The queries a kept file made, as the last build recorded them: indexes into its list, read as
    query strings only where asked (the next build's records map them to its own indexes)."""

    __slots__ = ("indexes", "_queries")

    def __init__(self, indexes: list[int], queries: list[list[str]]):
        self.indexes = indexes
        self._queries = queries

    def __iter__(self):
        queries = self._queries
        return (queries[i][0] for i in self.indexes)

    def __len__(self) -> int:
        return len(self.indexes)


# ---------------------------------------------------------------- what every file shares


class TemplateReads:
    """Which context variables a template reads, itself or through what it imports or includes (statically).

    Parsing a template is slow: what each one reads by itself is kept in ``known`` (a :class:`Memo`'s
    ``templates``, kept with its records and dropped with them when the templates change: the global key).
    """

    def __init__(self, env: jinja2.Environment, known: dict[str, list] | None = None):
        self.env = env
        self._known = known if known is not None else {}
        """Template name to ``[names it reads, templates it imports or includes]`` (``"*"``: a name made at render time)."""
        self._names: dict[str, frozenset[str]] = {}

    def _own(self, template: str) -> list:
        found = self._known.get(template)
        if found is None:
            ast = self.env.parse(self.env.loader.get_source(self.env, template)[0])
            others = list(meta.find_referenced_templates(ast))
            names = set(meta.find_undeclared_variables(ast)) | ({"*"} if None in others else set())
            found = self._known[template] = [sorted(names), sorted(o for o in others if o is not None)]
        return found

    def names(self, template: str) -> frozenset[str]:
        if template not in self._names:
            self._names[template] = frozenset()  # a template that includes itself
            names, others = self._own(template)
            found = set(names)
            for other in others:
                found |= self.names(other)
            self._names[template] = frozenset(found)
        return self._names[template]

    def reads(self, template: str, name: str) -> bool:
        names = self.names(template)
        return name in names or "*" in names


def dumps(records: dict) -> str:
    return json.dumps(records, separators=(",", ":"), ensure_ascii=False)

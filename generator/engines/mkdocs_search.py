"""Material's search index (``search/search_index.json``) merged as text: the kept entries' bytes are not parsed.

A partial build renders a few pages; the index of the whole site (36 MB at 5,000 items) keeps every other
page's entries. Parsing it whole and writing it again cost half a second for the few entries that changed.
The old index is the last build's, written by :func:`dump` (as Material's plugin writes it: ``json.dumps``,
compact, ASCII), so its text has one shape, relied on here and checked before it is used:

    {"config":CONFIG,"docs":[{"location":"...",...},{"location":"...",...}]}

In that text ``},{"location":"`` is found only between two entries: inside a string every ``"`` is escaped,
and a string ending in ``},{`` would be followed by ``location`` outside any string, which is not JSON. So
the entries are cut where ``},{"`` is found, each page's run of entries is known by its location, and the
runs are kept or dropped and put in the engine's page order as they are. Where the text is not of that
shape (not ASCII; a ``},{"`` not followed by ``location":"``, which a text ending in ``},{`` would give; a
location with an escape in it), :func:`merge` parses it all, as before: the same bytes either way
(``tests/test_incremental.py``, the digest compare). A process that merges again and again (the preview) finds
as the old index the one it merged last: where its entries are is known from that merge (:class:`_Written`).
"""

from __future__ import annotations

import json
import re
from typing import Callable, Sequence

_PREFIX = b'{"config":'
_DOCS = b',"docs":['
#: Where one entry ends and the next begins, and the next's location (none: not an entry's beginning, or escaped).
_BETWEEN = re.compile(rb'\},\{"(?:location":"([^"\\]*)")?')
_FIRST = re.compile(rb'\{"location":"([^"\\]*)"')


def dump(value) -> bytes:
    """A value as Material's search plugin serialises it (material/plugins/search/plugin.py)."""
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def _page(location: str) -> str:
    return location.split("#")[0]


def _runs(data: bytes) -> tuple[bytes, list[tuple[str, int, int]]] | None:
    """The config's text and each run of consecutive entries of one page, as (page, start, end) in ``data``;
    None where ``data`` is not of the shape the module docstring describes."""
    if not data.startswith(_PREFIX) or not data.endswith(b"]}") or not data.isascii():
        return None
    try:  # the config: short, and before any entry
        _, end = json.JSONDecoder().raw_decode(data[:65536].decode("ascii"), len(_PREFIX))
    except ValueError:
        return None
    if not data.startswith(_DOCS, end):
        return None
    config, start, stop = data[len(_PREFIX):end], end + len(_DOCS), len(data) - 2
    if start == stop:
        return config, []
    first = _FIRST.match(data, start)
    if first is None or data[stop - 1] != 0x7D:  # "}"
        return None
    runs: list[tuple[str, int, int]] = []  # (page, start, end)
    at, location = start, first.group(1)
    for following in _BETWEEN.finditer(data, start + 1, stop):
        if following.group(1) is None:
            return None  # an object that does not begin with its location, or a string ending in "},{": parse it all
        _add(runs, location, at, following.start() + 1)
        at, location = following.start() + 2, following.group(1)  # the next entry's opening brace
    _add(runs, location, at, stop)
    return config, runs


def _add(runs: list[tuple[str, int, int]], location: bytes, start: int, end: int) -> None:
    """The entry from ``start`` to ``end`` added to its page's run, or a run of its own."""
    page = location.split(b"#")[0].decode("ascii")
    if runs and runs[-1][0] == page and runs[-1][2] == start - 1:
        runs[-1] = (page, runs[-1][1], end)
    else:
        runs.append((page, start, end))


class _Written:
    """The index this process merged last, with its config's text and where each page's entries are in it (as
    :func:`_runs` gives them): a build in the same process (the preview's next) whose old index is exactly
    those bytes takes them from here, not from a scan of the whole text. Compared byte for byte: any other
    text is cut (or parsed) as the module docstring says."""

    data: bytes | None = None
    found: tuple[bytes, list[tuple[str, int, int]]] | None = None

    @classmethod
    def runs(cls, data: bytes) -> tuple[bytes, list[tuple[str, int, int]]] | None:
        if cls.found is not None and len(data) == len(cls.data) and data == cls.data:
            return cls.found
        return _runs(data)


def merge(old: bytes | None, parts: Sequence[bytes], replaced: set[str], rank: Callable[[str], int]) -> bytes:
    """``old`` without the entries of the ``replaced`` pages (their URLs), plus those pages' entries from each
    run's index (``parts``: the first run that has a page gives its entries), in the order ``rank`` gives
    each page (stable: a page's entries stay in their order); the config of the last part (else the old's)."""
    pieces: list[tuple[int, int, bytes | memoryview, str]] = []  # (rank, order of appearance, a run of entries, page)
    config = None
    if old is not None:
        found = _Written.runs(old)
        if found is None:
            previous = json.loads(old)
            config = dump(previous["config"])
            kept = [e for e in previous["docs"] if _page(e["location"]) not in replaced]
            pieces += [(rank(_page(e["location"])), i, dump(e), _page(e["location"])) for i, e in enumerate(kept)]
        else:
            config, runs = found
            view = memoryview(old)
            pieces += [(rank(page), i, view[start:end], page)
                       for i, (page, start, end) in enumerate(r for r in runs if r[0] not in replaced)]
    seen: set[str] = set()
    for index in (json.loads(part) for part in parts):
        config = dump(index["config"])
        here = [e for e in index["docs"] if _page(e["location"]) in replaced - seen]
        seen |= {_page(e["location"]) for e in here}
        pieces += [(rank(_page(e["location"])), len(pieces) + i, dump(e), _page(e["location"]))
                   for i, e in enumerate(here)]
    pieces.sort(key=lambda piece: piece[:2])
    out = [_PREFIX, config, _DOCS]
    runs = []  # each piece's page and place in the text made here
    at = len(_PREFIX) + len(config) + len(_DOCS)
    for piece in pieces:
        out += (piece[2], b",")
        runs.append((piece[3], at, at + len(piece[2])))
        at += len(piece[2]) + 1
    if pieces:
        out.pop()  # the last comma
    out.append(b"]}")
    data = b"".join(out)  # one copy of the kept bytes
    _Written.data, _Written.found = data, (bytes(config), runs)
    return data

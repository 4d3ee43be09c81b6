"""The search index merged as text (engines/mkdocs_search.py) gives the bytes the parsed merge gives."""

from __future__ import annotations

import json

import pytest

from generator.engines import mkdocs_search


def dump(docs, config=None) -> bytes:
    return json.dumps({"config": config or {"lang": ["en"], "separator": "[\\s\\-]+"}, "docs": docs},
                      separators=(",", ":"), default=str).encode()


def parsed_merge(old, parts, replaced, rank) -> bytes:
    """The merge as it was: everything parsed, filtered, sorted and written again."""
    entries, config = [], None
    if old is not None:
        previous = json.loads(old)
        entries += [e for e in previous["docs"] if e["location"].split("#")[0] not in replaced]
        config = previous["config"]
    seen: set[str] = set()
    for index in map(json.loads, parts):
        config = index["config"]
        here = [e for e in index["docs"] if e["location"].split("#")[0] in replaced - seen]
        seen |= {e["location"].split("#")[0] for e in here}
        entries += here
    entries.sort(key=lambda e: rank(e["location"].split("#")[0]))
    return dump(entries, config)


PAGES = ["", "actions/", "actions/a/", "actions/b/", "tours/", "z/"]
RANK = {page: i for i, page in enumerate(PAGES)}


def rank(page: str) -> int:
    return RANK.get(page, len(RANK))


OLD = [
    {"location": "", "title": "Home", "text": "Home"},
    {"location": "#act", "title": "Act", "text": "},{ in a text"},
    {"location": "actions/", "title": "Actions", "text": "quote \" and \\ and é ☃"},
    {"location": "actions/a/", "title": "A", "text": "<p>a</p>"},
    {"location": "actions/a/#updates", "title": "Updates", "text": "{\"location\":\"x\"}"},
    {"location": "actions/b/", "title": "B", "text": ""},
    {"location": "tours/", "title": "Tours", "text": "t"},
    {"location": "gone/", "title": "Gone", "text": "withdrawn"},
]


@pytest.mark.parametrize("replaced", [set(), {"actions/a/"}, {"", "tours/"}, {"gone/"}, {"actions/", "z/", "gone/"}])
def test_same_bytes_as_the_parsed_merge(replaced):
    part = dump([{"location": page + "#new", "title": "New", "text": f"new text of {page} }},{{ x"} for page in PAGES])
    old = dump(OLD)
    assert mkdocs_search.merge(old, [part], replaced, rank) == parsed_merge(old, [part], replaced, rank)
    assert mkdocs_search._runs(old) is not None  # cut as text, not parsed


def test_withdrawn_page_leaves_no_entry():
    merged = json.loads(mkdocs_search.merge(dump(OLD), [], {"gone/", "actions/a/"}, rank))
    assert [e["location"] for e in merged["docs"]] == ["", "#act", "actions/", "actions/b/", "tours/"]


def test_text_that_looks_like_a_boundary_is_parsed_whole():
    old = dump([{"location": "a/", "text": "x},{"}, {"location": "b/", "text": "y"}])
    assert mkdocs_search._runs(old) is None  # not cut where a text says },{"
    assert mkdocs_search.merge(old, [], {"b/"}, rank) == parsed_merge(old, [], {"b/"}, rank)


def test_escaped_location_and_empty_index():
    old = dump([{"location": "caf\u00e9/", "text": "x"}, {"location": "b/", "text": "y"}])
    assert mkdocs_search._runs(old) is None
    assert mkdocs_search.merge(old, [], {"b/"}, rank) == parsed_merge(old, [], {"b/"}, rank)
    empty = dump([])
    assert mkdocs_search.merge(empty, [], set(), rank) == parsed_merge(empty, [], set(), rank) == empty

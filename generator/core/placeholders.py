"""The fill-me-in texts of the templates that ``accompany new`` writes.

A new file starts as a draft holding these placeholders (``TITLE``,
``UA-2026-000``, ``Dear ...``). A draft may keep them; once ``draft: true`` is
removed, each one left is an error at its key and line, so that no page,
feed or sheet goes out asking supporters to write to "Name of the official".
``tests/test_errors.py`` creates a file of every kind from its template,
removes ``draft`` and checks that every placeholder is named.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pydantic import BaseModel

from .model import Content, Private
from .problems import Problem, format_key
from .source import Source

#: Whole values of the templates that stand for text still to be written (spaces collapsed).
PLACEHOLDER_TEXTS = frozenset({
    "TITLE",
    "NAME",
    "YOUR-INITIALS",
    "One or two sentences.",
    "One or two sentences: who is at risk, and what we ask.",
    "One or two sentences about their work.",
    "Name of the official",
    "Their office",
    "Street and number City, postcode Country",
    "Venue name",
    "What happened, in a few paragraphs.",
    "Their story, as they agreed to tell it.",
    "About the tour.",
    "The campaign's story.",
    "The page's text.",
    "TEXT",
    "The text.",
})

#: Placeholders inside a text: the template's action id, "Dear ...", and a line that is only "...".
_PATTERNS = (
    re.compile(r"\AUA-\d{4}-000\Z"),
    re.compile(r"\bDear\s*(?:\.\.\.|…)"),
    re.compile(r"^[ \t]*(?:\.\.\.|…)[ \t]*,?[ \t]*$", re.M),
)


#: Most words in a whole-value placeholder: a text with more cannot be one.
_MOST_WORDS = max(len(text.split()) for text in PLACEHOLDER_TEXTS)


def find_placeholder(text: str) -> tuple[str, int] | None:
    """The placeholder in ``text`` and the line (0-based, within the text) it is on, or None."""
    # Each test below is skipped only where it cannot match (most texts are long, and hold no "..."):
    # split(None, n) gives every word when there are at most n, and n + 1 items when there are more;
    # the first pattern starts "UA-" at the start of the text, and the others need "..." or "…".
    words = text.split(None, _MOST_WORDS)
    if len(words) <= _MOST_WORDS and " ".join(words) in PLACEHOLDER_TEXTS:
        first = text.strip().splitlines()[0]
        shown = first if first == text.strip() else first + " ..."
        return shown, text.count("\n", 0, text.index(first))
    patterns = _PATTERNS[:1] if text.startswith("UA-") else ()
    if "..." in text or "…" in text:
        patterns += _PATTERNS[1:]
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return match.group(0).strip(), text.count("\n", 0, match.start())
    return None


#: The field names of each model, in order (looked up once per model).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _texts(value: Any, loc: tuple, out: list) -> None:
    """Add ``(key path, text)`` for every text inside a model or a list to ``out``, in the order of the fields.

    Private notes, numbers and dates hold none; the texts are taken in the loop, without a call each.
    """
    if isinstance(value, BaseModel):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(type(value).model_fields)
        items: Iterable = [(name, getattr(value, name)) for name in names]
    else:
        items = enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            out.append((loc + (key,), item))
        elif isinstance(item, (BaseModel, tuple)) and not isinstance(item, Private):
            _texts(item, loc + (key,), out)


def placeholder_problems(source: Source, record: Content, body: str) -> list[Problem]:
    """An error for every template placeholder left in a file that is no longer a draft."""
    if record.draft:
        return []
    problems = []
    texts: list[tuple[tuple, str]] = []
    _texts(record, (), texts)
    texts.append((("body",), body))
    for loc, text in texts:
        found = find_placeholder(text)
        if found is None:
            continue
        placeholder, offset = found
        if loc == ("body",):
            line = source.body_line + offset
        elif "\n" in text.strip():
            line = source.text_line(loc) + offset
        else:
            line = source.line(loc)
        problems.append(Problem(
            source.path, line, format_key(loc),
            f"still holds the template's placeholder '{placeholder}': write the real text, "
            "or keep draft: true until then",
        ))
    return problems

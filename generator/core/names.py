"""Finding names in texts: the private real names, and the names of defenders withheld for consent.

A name is found as whole words, whatever its case, its spacing and its
accents: ``Lucía`` is found in "LUCIA's river" and in "lucía", not in
"Lucianne". The same rule serves the policy (which texts of which files name
whom) and the final scan of every output byte (:mod:`generator.leakscan`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from pydantic import BaseModel

#: Combining accents of Latin, Greek and Cyrillic letters (é is e and U+0301 once decomposed).
_ACCENTS = re.compile("[\u0300-\u036f]")


def normalise(text: str) -> str:
    """The form in which names are compared: no accents, case folded, one space between words."""
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split())


def name_pattern(names: Iterable[str]) -> re.Pattern:
    """A regex that finds any of ``names`` as whole words in :func:`normalise`-d text (at least one name)."""
    alternatives = sorted({normalise(name) for name in names if normalise(name)}, key=len, reverse=True)
    if not alternatives:
        raise ValueError("a pattern needs at least one name")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)")


@dataclass(frozen=True)
class Watched:
    """A text that no output may contain, and where the rule comes from (for the message)."""

    path: str
    line: int
    key: str
    """The key that makes it a rule: ``private.real_name``, ``name``, ``also_known_as[0]`` ..."""
    what: str
    """What it is, as the message says it: "this real name", "the name of a withdrawn defender"."""
    content_only: bool = False
    """True: looked for in what the content makes, not in the theme's and engine's assets.

    Shown names are short and common; Material's scripts and fonts are not
    content, and a short name can occur in them by chance.
    """


def watched(value: Watched | tuple) -> Watched:
    """A :class:`Watched`, also from the older ``(path, line)`` form of a real name."""
    if isinstance(value, Watched):
        return value
    path, line = value
    return Watched(path, line, "private.real_name", "this real name")


@dataclass(frozen=True)
class Mention:
    """A name found in one text of a file."""

    loc: tuple
    """Key path of the text: ``("summary",)``, ``("stops", 2, "accessibility")``, ``("body",)``."""
    line: int
    name: str
    """The name as normalised (a key of the finder's names)."""


class NameFinder:
    """Finds which of a set of names each text of a file mentions, and on which line."""

    def __init__(self, names: Mapping[str, Any]):
        self.names: dict[str, Any] = {}
        for name, value in names.items():  # the first of two names that compare equal speaks for both
            if normalise(name):
                self.names.setdefault(normalise(name), value)
        self.pattern = name_pattern(self.names) if self.names else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def in_text(self, text: str) -> str | None:
        """The first name in ``text`` (normalised), or None."""
        if self.pattern is None:
            return None
        match = self.pattern.search(normalise(text))
        return match.group(0) if match else None

    def mentions(self, texts: Iterable[tuple[tuple, int, str]]) -> list[Mention]:
        """Every ``(key path, first line, text)`` that names someone, with the line of the first mention."""
        out = []
        for loc, first_line, text in texts:
            name = self.in_text(text)
            if name is None:
                continue
            out.append(Mention(loc, first_line + _line_of(self, text), name))
        return out


def _line_of(finder: NameFinder, text: str) -> int:
    """Lines before the first line that names someone (0 if the name spans lines)."""
    for i, line in enumerate(text.splitlines()):
        if finder.in_text(line):
            return i
    return 0


def texts(value: Any, loc: tuple = (), skip: frozenset[str] = frozenset()) -> Iterable[tuple[tuple, str]]:
    """Every text inside a record, with its key path; fields named in ``skip`` are left out."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in skip:
                yield from texts(getattr(value, name), loc + (name,), skip)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from texts(item, loc + (i,), skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, loc + (key,), skip)

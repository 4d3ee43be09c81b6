"""What the reader hands to the core: a file's front matter, body and line marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: Where images live (the content types' folders are in kinds.py).
MEDIA_DIR = "content/media"


@dataclass(frozen=True)
class Source:
    """One Markdown file as read from disk, before validation.

    ``lines`` maps a key path such as ``("targets", 0, "email")`` to the
    1-based line of that key in the file; ``body_line`` is the line where the
    Markdown body starts.
    """

    path: str
    kind: str
    slug: str
    data: Mapping[str, Any]
    lines: Mapping[tuple, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    text_lines: Mapping[tuple, int] = field(default_factory=dict)
    """Where each scalar value's text starts (the line after ``key: |``)."""
    translation: str | None = None
    """For a translation (``river-guardians.es.md``): its language; the slug is the original's."""
    digest: str = ""
    """A digest of the file's bytes, as read (what tells a file from another, between builds)."""

    def text_line(self, loc: tuple) -> int:
        """The line where the text of the value at ``loc`` starts."""
        return self.text_lines.get(tuple(loc)) or self.line(loc)

    def line(self, loc: tuple = ()) -> int:
        """The line of the deepest key along ``loc`` that the file has."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


@dataclass(frozen=True)
class Project:
    """Everything read from a project: sources, settings and the media files present."""

    sources: tuple[Source, ...]
    settings: Source | None
    """mkdocs.yml, or None when it could not be read (its problems are reported)."""
    media: frozenset[str] = frozenset()


def original_path(source: Source) -> str:
    """The path of the file a translation translates (``content/actions/x.es.md``: ``content/actions/x.md``);
    a file that is no translation, its own."""
    if not source.translation:
        return source.path
    folder, _, name = source.path.rpartition("/")
    stem, _, suffix = name.rpartition(".")
    original = stem.removesuffix("." + source.translation) + "." + suffix
    return f"{folder}/{original}" if folder else original

"""The valid files of a project, by type and slug: what validation hands to the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .model import Entry
from .source import KINDS


@dataclass(frozen=True)
class Catalogue:
    """Every valid file, by type and slug. Pages are keyed by their path under content/pages."""

    actions: dict[str, Entry] = field(default_factory=dict)
    defenders: dict[str, Entry] = field(default_factory=dict)
    tours: dict[str, Entry] = field(default_factory=dict)
    campaigns: dict[str, Entry] = field(default_factory=dict)
    pages: dict[str, Entry] = field(default_factory=dict)
    links: dict[str, list[tuple[tuple, str]]] = field(default_factory=dict)
    """For each file, the files its Markdown links to: ``(key path, linked source path, line)``."""

    def of(self, kind: str) -> dict[str, Entry]:
        return getattr(self, kind + "s")

    def entries(self) -> Iterable[Entry]:
        for kind in KINDS:
            yield from self.of(kind).values()

    def by_path(self) -> dict[str, Entry]:
        return {e.path: e for e in self.entries()}

    def without(self, paths: set[str]) -> "Catalogue":
        """The same catalogue without the files at ``paths``."""
        kept = Catalogue(links={p: links for p, links in self.links.items() if p not in paths})
        for entry in self.entries():
            if entry.path not in paths:
                kept.of(entry.kind)[entry.slug] = entry
        return kept

"""The valid files of a project, by type and slug: what validation hands to the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from typing import TYPE_CHECKING

from .kinds import KINDS
from .model import Entry

if TYPE_CHECKING:
    from .translations import Translation


@dataclass(frozen=True)
class Catalogue:
    """Every valid file, by type and slug. Pages are keyed by their path under content/pages."""

    kinds: dict[str, dict[str, Entry]] = field(default_factory=lambda: {name: {} for name in KINDS})
    """Type name (kinds.KINDS) to ``{slug: entry}``."""
    links: dict[str, list[tuple[tuple, str, int]]] = field(default_factory=dict)
    """For each file, the files its Markdown links to: ``(key path, linked source path, line)``."""
    translations: dict[str, dict[str, "Translation"]] = field(default_factory=dict)
    """Original's path to its translations, by language (core/translations.py)."""

    def of(self, kind: str) -> dict[str, Entry]:
        return self.kinds[kind]

    # The contract's own types, by name, for the code that is about them.
    actions = property(lambda self: self.kinds["action"])
    defenders = property(lambda self: self.kinds["defender"])
    tours = property(lambda self: self.kinds["tour"])
    campaigns = property(lambda self: self.kinds["campaign"])
    pages = property(lambda self: self.kinds["page"])

    def entries(self) -> Iterable[Entry]:
        for files in self.kinds.values():
            yield from files.values()

    def by_path(self) -> dict[str, Entry]:
        return {e.path: e for e in self.entries()}

    def without(self, paths: set[str]) -> "Catalogue":
        """The same catalogue without the files at ``paths``."""
        kept = Catalogue(links={p: links for p, links in self.links.items() if p not in paths},
                         translations={p: {lang: t for lang, t in ts.items() if t.path not in paths}
                                       for p, ts in self.translations.items() if p not in paths})
        for entry in self.entries():
            if entry.path not in paths:
                kept.of(entry.kind)[entry.slug] = entry
        return kept

"""The content types the CMS edits: one collection each.

:func:`content_types` is the only place in the CMS that reads the list of content types. When the
content-type registry arrives (issue 12), it reads the registry instead and nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kinds import KINDS
from ..core.model import Content


@dataclass(frozen=True)
class ContentType:
    """One content type as the CMS sees it."""

    name: str
    folder: str
    """The folder of its files, from the project root: content/actions."""
    model: type[Content]
    label: str
    label_singular: str
    preview_path: str


def content_types() -> list[ContentType]:
    """Every content type of the registry (core/kinds.py), in its order."""
    return [ContentType(kind.name, kind.folder, kind.model, kind.many or kind.plural.capitalize(),
                        kind.one or kind.name.capitalize(),
                        f"{kind.section}/{{{{slug}}}}/" if kind.section else "{{slug}}/")
            for kind in KINDS.values()]

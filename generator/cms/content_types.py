"""The content types the CMS edits: one collection each.

:func:`content_types` is the only place in the CMS that reads the list of content types. When the
content-type registry arrives (issue 12), it reads the registry instead and nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import MODELS, Content
from ..core.source import KINDS

#: How the interface names each type, and where an item appears on the site ({{slug}}: its file name).
_LABELS = {
    "action": ("Urgent actions", "Urgent action", "actions/{{slug}}/"),
    "defender": ("Defender profiles", "Defender profile", "defenders/{{slug}}/"),
    "tour": ("Speaker tours", "Speaker tour", "tours/{{slug}}/"),
    "campaign": ("Campaigns", "Campaign", "campaigns/{{slug}}/"),
    "page": ("Pages", "Page", "{{slug}}/"),
}


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
    """Every content type of the contract, in the order of the models."""
    missing = sorted(set(MODELS) ^ set(KINDS))
    if missing:  # a type with a model and no folder (or the reverse) cannot be edited: say so
        raise LookupError(f"content types without both a model and a folder: {', '.join(missing)}")
    types = []
    for name, model in MODELS.items():
        label, singular, preview = _LABELS.get(name, (name.capitalize() + "s", name.capitalize(), f"{name}s/{{{{slug}}}}/"))
        types.append(ContentType(name, KINDS[name], model, label, singular, preview))
    return types

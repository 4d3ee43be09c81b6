"""What publishing works out of each file on its own, whatever the date and the other files say: the file as
it may be shown (:func:`.policy.shown`) and the private real names it declares.

:func:`.publication.publish` asks here. A caller that publishes again and again in one process (the preview)
may keep what was worked out between runs (:class:`Remembered`): it is taken again only for the very same
record object, path and body. What depends on the date or on other files is decided by every run.
This module does no I/O, as the rest of the core (README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .model import Entry, Private
from .policy import shown
from .validate import Catalogue


@dataclass
class Remembered:
    """What :func:`publish` works out of each file alone, kept between runs by a caller that publishes again and
    again (the preview): the file as it may be shown (:func:`.policy.shown`: its consent, private data and
    comments) and the private real names it declares.

    Kept by the id of the file's record, with the record itself (so that its id is not reused while it is
    kept), and taken only for the very same record object, path and body: a record is immutable, and the
    caller keeps one object per path and bytes (core/validate.py's ``records``). What depends on the date
    or on other files is never kept: it is decided again every run.
    """

    shown: dict[int, tuple] = field(default_factory=dict)
    secrets: dict[int, tuple] = field(default_factory=dict)

    def keep_only(self, records) -> None:
        """Forget what was worked out of any record but ``records`` (those of the files as they are now)."""
        kept = {id(record) for record in records}
        self.shown = {key: found for key, found in self.shown.items() if key in kept}
        self.secrets = {key: found for key, found in self.secrets.items() if key in kept}


def remembered_shown(entry: Entry, remembered: Remembered | None) -> Entry:
    """:func:`.policy.shown` of ``entry``, taken from ``remembered`` when it was worked out of the same record,
    path and body; else worked out (and kept there)."""
    if remembered is None:
        return shown(entry)
    meta, body = entry.meta, entry.body
    found = remembered.shown.get(id(meta))
    if found is None or found[0] is not meta or found[1] != entry.path or found[2] != body:
        public = shown(entry)
        remembered.shown[id(meta)] = (meta, entry.path, body, public.meta, public.body)
        return public
    return entry.replace(meta=found[3], body=found[4])




#: The field names of each model, in order (looked up once per model).
_FIELDS: dict[type, tuple[str, ...]] = {}
#: Values that hold no private mapping, by their exact type (a subclass of one is looked at like any other value).
_PLAIN = frozenset({type(None), str, bool, int, float, date, datetime})


def collect_secrets(catalogue: Catalogue, remembered: Remembered | None = None) -> dict[str, tuple[str, int]]:
    """Every ``private.real_name`` of every file and translation, published or not, with the file and line.

    ``remembered``: those each original declares, kept from earlier runs (:class:`Remembered`)."""
    found: dict[str, tuple[str, int]] = {}
    for entry in catalogue.entries():
        kept = remembered.secrets.get(id(entry.meta)) if remembered is not None else None
        if kept is None or kept[0] is not entry.meta or kept[1] != entry.path or kept[2] != entry.body:
            kept = (entry.meta, entry.path, entry.body, _declared(entry))
            if remembered is not None:
                remembered.secrets[id(entry.meta)] = kept
        for name, where in kept[3]:
            found.setdefault(name, where)
    for translations in catalogue.translations.values():  # a translation's private notes are private too
        for t in translations.values():
            for name, where in _declared(Entry(t.source, t.record, t.body)):
                found.setdefault(name, where)
    return found


def _declared(entry: Entry) -> tuple[tuple[str, tuple[str, int]], ...]:
    """``(real name, (file, line))`` of each ``private.real_name`` in the file, in the order they are written."""
    found: list[tuple[str, tuple[str, int]]] = []

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, (str, int, date)) or value is None:
            return  # most values: text, numbers and dates hold no private mapping
        if isinstance(value, Private):
            if value.real_name and value.real_name.strip():
                found.append((value.real_name.strip(), (entry.path, entry.line(loc + ("real_name",)))))
        elif type(value) in _FIELDS or hasattr(type(value), "model_fields"):
            names = _FIELDS.get(type(value))
            if names is None:
                names = _FIELDS[type(value)] = tuple(type(value).model_fields)
            fields = value.__dict__  # a model's field values (a name missing there fails loudly, never silently)
            for name in names:
                item = fields[name]
                kind = item.__class__
                if kind not in _PLAIN and (kind is not tuple or item):  # by exact type: anything else is looked at
                    walk(item, loc + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if item.__class__ not in _PLAIN:
                    walk(item, loc + (i,))

    walk(entry.meta, ())
    return tuple(found)

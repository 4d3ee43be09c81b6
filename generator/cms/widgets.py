"""Each key of a model as a Decap CMS field: widget, label, help text, required, default.

The field types of ``core/fields.py`` decide the widget: a date gets a date picker that writes
``2026-12-18``, a stop's start a date-and-time picker that writes local time ``2026-12-18T19:00``
beside a time-zone select, a country a select of ISO codes, a Markdown text the Markdown editor,
an image the media library of ``content/media/``. Keys that name other files (``defenders``,
``campaigns``, a stop's ``actions``) are relations to those collections; ``themes`` is a select
from the site's vocabulary. The help text is the key's docstring, the sentence ``check`` and the
volunteer guide use. A key of a type this module does not know is an error, never left out.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence

from annotated_types import Ge, Le, MinLen
from pydantic import BaseModel, PlainValidator, WithJsonSchema

from ..core import fields as f
from ..core.model import Private

#: Keys whose values name other files: key -> (collection, what names an item).
REFERENCES = {
    "defenders": ("defender", "{{slug}}"),
    "campaigns": ("campaign", "{{slug}}"),
    "actions": ("action", "id"),
}
#: Keys whose values come from the site's vocabulary (``accompany.themes``).
VOCABULARY = "themes"

#: Labels that the key's name does not give well.
LABELS = {"id": "ID", "image_alt": "Image description", "publish_on": "Publish on (embargo)"}

#: Text keys that hold several lines (an address): a text area; other text keys get a one-line input.
MULTILINE = {"summary", "address", "accessibility"}

#: What a new entry starts with, where the model's default is not what a volunteer should get.
NEW_ENTRY_DEFAULTS = {"draft": True}

#: Decap's picker formats (day.js tokens). Local wall-clock time, no offset: the time zone is a key of its own.
DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DDTHH:mm"


@dataclass(frozen=True)
class Vocabulary:
    """What the selects offer: the site's themes, countries and time zones, with labels."""

    themes: Mapping[str, str]
    countries: Sequence[tuple[str, str]]
    """(code, label) pairs, in the order shown."""
    timezones: Sequence[str]
    site_timezone: str
    languages: Sequence[str] = ("en",)
    """Site languages; with more than one, every key says whether it is translated."""
    translated: frozenset[str] = field(default_factory=frozenset)


def _validator(alias: Any) -> PlainValidator:
    return next(m for m in typing.get_args(alias)[1:] if isinstance(m, PlainValidator))


def _pattern(alias: Any) -> str:
    schema = next(m for m in typing.get_args(alias)[1:] if isinstance(m, WithJsonSchema)).json_schema
    return "^" + schema["pattern"].lstrip("^").rstrip("$") + "$"


def _string(pattern: str | None = None, message: str = "") -> dict:
    return {"widget": "string", **({"pattern": [pattern, message]} if pattern else {})}


def _date() -> dict:
    return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT, "time_format": False}


def _datetime() -> dict:
    # Written without an offset: wall-clock time, read in the stop's or the site's time zone.
    return {"widget": "datetime", "format": DATETIME_FORMAT, "date_format": DATE_FORMAT, "time_format": "HH:mm"}


def markdown() -> dict:
    """The Markdown editor, without its "insert image" component: it would write media/x.jpg, a path that
    is right in front matter but broken in a file's text (../media/x.jpg). Decap cannot set one per place."""
    return {"widget": "markdown", "editor_components": []}


def _scalars(vocab: Vocabulary) -> dict[int, Any]:
    """Field type (its validator's identity) -> the widget for one value of that type."""
    countries = [{"label": label, "value": code} for code, label in vocab.countries]
    table = {
        f.PlainText: lambda: _string(_pattern(f.PlainText), "one line of plain text, without '<' or '>'"),
        f.Text: lambda: {"widget": "text"},
        f.Markdown: markdown,
        f.Slug: lambda: _string(_pattern(f.Slug), "lowercase letters, digits, '-' and '_' (a file name without .md)"),
        f.Identifier: lambda: _string(_pattern(f.Identifier),
                                      "letters, digits, '.', '-' and '_', such as UA-2026-014"),
        f.IsoDate: _date,
        f.IsoDateTime: _datetime,
        f.DateOrDateTime: _datetime,
        f.DateOrYear: lambda: _string(r"^\d{4}(-\d{2}-\d{2})?$", "a year (2019) or a date (2019-03-01)"),
        f.Country: lambda: {"widget": "select", "options": countries},
        f.Lang: lambda: _string(_pattern(f.Lang), "a language tag such as en, es, pt-BR"),
        f.Url: lambda: _string(r"^https?://\S+$", "a web address in full, starting with https://"),
        f.Email: lambda: _string(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", "an email address"),
        f.Timezone: lambda: {"widget": "select", "options": list(vocab.timezones), "default": vocab.site_timezone},
        f.MediaPath: lambda: {"widget": "image", "choose_url": False},
        f.Bool: lambda: {"widget": "boolean"},
        f.TagAuthority: lambda: _string(_pattern(f.TagAuthority), "a domain and a year, such as example.org,2026"),
    }
    return {id(_validator(alias)): make for alias, make in table.items()}


def label(name: str) -> str:
    """The label a key gets in the interface: ``appeal_languages`` -> Appeal languages."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def hint(description: str | None) -> str:
    """A docstring as help text: one paragraph, reStructuredText literals as Markdown code."""
    return re.sub(r"\s+", " ", (description or "").replace("``", "`")).strip()


class UnknownFieldType(TypeError):
    """A key whose type the CMS cannot offer: the config would silently lack it."""


class FieldMaker:
    """Turns the keys of a model into CMS fields, with the site's vocabulary."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.scalars = _scalars(vocab)

    def fields(self, model: type[BaseModel], where: str, top: bool = False) -> list[dict]:
        """One CMS field per key of ``model``, in the model's order (``where`` names it in errors)."""
        out = []
        # Internal notes last: what is published comes first.
        keys = sorted(model.model_fields.items(), key=lambda item: item[0] == "private")
        for name, info in keys:
            spec = self.field(name, info.annotation, info.metadata, f"{where}.{name}")
            if spec["widget"] == "text" and name not in MULTILINE:
                spec["widget"] = "string"
            spec.update(name=name, label=label(name), required=info.is_required())
            if info.description:
                spec["hint"] = hint(info.description)
            if not info.is_required():
                default = NEW_ENTRY_DEFAULTS.get(name, info.default) if top else info.default
                if isinstance(default, (str, bool, int)):
                    spec.setdefault("default", default)
            for rule in info.metadata:
                if isinstance(rule, MinLen) and spec["widget"] in ("list", "relation", "select"):
                    spec["min"] = rule.min_length
            if len(self.vocab.languages) > 1:
                spec["i18n"] = name in self.vocab.translated
            out.append(_ordered(spec))
        return out

    def field(self, name: str, annotation: Any, metadata: Sequence = (), where: str = "") -> dict:
        """The widget (and its settings) for one key."""
        kind = _unwrap(annotation, metadata)
        if isinstance(kind, tuple) and kind[0] == "list":
            return self._list(name, kind[1], where)
        return self._one(kind, where)

    def _one(self, kind: Any, where: str) -> dict:
        if isinstance(kind, type) and issubclass(kind, Private):
            return {"widget": "object", "collapsed": True, "fields": self.fields(kind, where)}
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return {"widget": "object", "fields": self.fields(kind, where)}
        if typing.get_origin(kind) is Literal:
            return {"widget": "select", "options": list(typing.get_args(kind))}
        if isinstance(kind, tuple) and kind[0] == "int":
            spec = {"widget": "number", "value_type": "int"}
            for rule in kind[1]:
                if isinstance(rule, Ge):
                    spec["min"] = rule.ge
                elif isinstance(rule, Le):
                    spec["max"] = rule.le
            return spec
        make = self.scalars.get(id(kind))
        if make is None:
            raise UnknownFieldType(f"{where}: the CMS has no widget for {kind!r}: add one in generator/cms/widgets.py")
        return make()

    def _list(self, name: str, item: Any, where: str) -> dict:
        if name in REFERENCES:
            collection, value = REFERENCES[name]
            shown = ["id", "title"] if value == "id" else ["title"]
            return {"widget": "relation", "collection": collection, "value_field": value, "multiple": True,
                    "search_fields": shown, "display_fields": shown}
        if name == VOCABULARY:
            if not self.vocab.themes:
                return {"widget": "list", "allow_add": False}
            return {"widget": "select", "multiple": True,
                    "options": [{"label": text, "value": slug} for slug, text in self.vocab.themes.items()]}
        one = self._one(item, where)
        if one["widget"] == "object":
            fields = one["fields"]
            summary = next((f"{{{{fields.{k}}}}}" for k in ("name", "title", "city", "role", "organisation")
                            if any(x["name"] == k for x in fields)), None)
            return {"widget": "list", "collapsed": False, "fields": fields, **({"summary": summary} if summary else {})}
        if one["widget"] == "select":
            return {**one, "multiple": True}
        return {"widget": "list", "field": {"name": name.rstrip("s") or name, "label": label(name.rstrip("s")), **one}}


def _unwrap(annotation: Any, metadata: Sequence) -> Any:
    """What a key holds: a field type (its PlainValidator), a model, a Literal, ("int", rules) or ("list", item)."""
    validators = [m for m in metadata if isinstance(m, PlainValidator)]
    if validators:
        return validators[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *more = typing.get_args(annotation)
        return _unwrap(base, more)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _unwrap(options[0], metadata)
    if origin is tuple:
        item, *rest = typing.get_args(annotation)
        if rest == [Ellipsis]:
            return ("list", _unwrap(item, ()))
    if annotation is int:
        return ("int", tuple(metadata))
    return annotation


#: Keys in the order Decap's documentation writes them, so the config reads naturally.
_ORDER = ("label", "name", "widget", "required", "default", "hint")


def _ordered(spec: dict) -> dict:
    return {**{k: spec[k] for k in _ORDER if k in spec}, **{k: v for k, v in spec.items() if k not in _ORDER}}

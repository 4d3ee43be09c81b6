"""Translations: a file that carries another file's text in another language.

``content/actions/river-guardians.es.md`` translates ``river-guardians.md``
(the suffix convention of mkdocs-static-i18n). Facts come from the original:
ids, dates, status, country, references, addresses, stop times. A translation
carries only text: the keys each record lists in its ``TEXT`` (model.py), its
body, and its own ``draft: true``. Updates are matched to the original's by
date, stops by id, targets and copies by position. A translation that sets a
fact is an error naming the key and the original.

A translation is published only while its original is (publication.py asks
the policy about the original); what it says is checked like any text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Callable

from pydantic import Field, create_model

from .fields import Bool, Text, model_inside
from .model import Content, Entry, Record
from .problems import Problem, format_key
from .source import Source

#: Lists whose items are matched to the original's by a key, not by position.
MATCHED_BY = {"updates": "date", "stops": "id"}


@dataclass(frozen=True)
class Translation:
    """A valid translation file: its language, the original it translates, and the text it carries."""

    source: Source
    lang: str
    original: Entry
    record: Record
    """The translation's front matter (text keys only), validated."""
    body: str

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def draft(self) -> bool:
        return self.record.draft

    @property
    def translated_from(self) -> str | None:
        return self.record.translated_from


# ---------------------------------------------------------------- the keys a translation may carry


def _nested(model: type, name: str) -> type | None:
    inner = model_inside(model.model_fields[name].annotation)
    return inner if isinstance(inner, type) and issubclass(inner, Record) else None


@lru_cache(maxsize=None)
def translation_model(model: type[Record], within: str = "") -> type[Record]:
    """The record a translation of ``model`` may be: its text keys, all optional (items matched by a key)."""
    fields: dict[str, Any] = {}
    for name in sorted(model.TEXT):
        info = model.model_fields[name]
        inner = _nested(model, name)
        if inner is not None:
            fields[name] = (tuple[translation_model(inner, name), ...], Field(default=(), description=info.description))
        else:
            fields[name] = (_typed(info) | None, Field(default=None, description=info.description))
    match = MATCHED_BY.get(within)
    if match:  # the key that finds the original's item: required, as the original types it
        info = model.model_fields[match]
        fields[match] = (_typed(info), Field(description=info.description))
    if not within:
        fields["draft"] = (Bool, Field(default=False, description="true: this translation is not published."))
        fields["translated_from"] = (Text | None, Field(default=None, description=(
            "Added by accompany: what the original said when this was translated (a hash written by "
            "accompany new --translation); check warns when the original has changed since.")))
    return create_model(f"{model.__name__}Translation", __base__=Record, **fields)


def _typed(info) -> Any:
    """A field's type with the validators it carries (pydantic keeps them apart)."""
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


def text_hash(entry: Entry) -> str:
    """A hash of everything a translation of ``entry`` translates: it changes when the original's text does."""
    def texts(record: Record) -> Any:
        out: dict[str, Any] = {}
        for name in sorted(type(record).TEXT):
            value = getattr(record, name)
            if isinstance(value, tuple) and value and isinstance(value[0], Record):
                out[name] = [texts(item) for item in value]
            else:
                out[name] = value
        return out

    data = json.dumps({"meta": texts(entry.meta), "body": entry.body}, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- checking one translation


@dataclass
class _Check:
    source: Source
    original: Entry
    problems: list[Problem] = field(default_factory=list)

    def bad(self, loc: tuple, message: str) -> None:
        self.problems.append(Problem(self.source.path, self.source.line(loc), format_key(loc), message))


def check(source: Source, original: Entry | None, languages: tuple[str, ...], taken: dict,
          validate_record: Callable[[Source, type, Any], tuple[Any, list[Problem]]]) -> tuple[Translation | None, list[Problem]]:
    """Validate one translation file against its original; ``taken`` maps (original, language) to a path.
    ``validate_record`` is core/validate.py's, which calls this (one way, no import cycle)."""
    lang = source.translation
    kind_folder = source.path[: source.path.rindex("/")] if "/" in source.path else ""
    if original is None:
        return None, [Problem(source.path, 1, "file name", f"a translation without an original: there is no "
                              f"{kind_folder}/{source.slug.rsplit('/', 1)[-1]}.md to translate")]
    if lang not in languages:
        return None, [Problem(source.path, 1, "file name", f"{lang!r} is not a language of this site "
                              f"({', '.join(languages)}): name it {source.slug.rsplit('/', 1)[-1]}.<language>.md "
                              "with one of them, or add the language to accompany.languages")]
    written_in = original.meta.lang or languages[0]
    key = (original.path, lang)
    if lang == written_in or key in taken:
        other = original.path if lang == written_in else taken[key]
        return None, [Problem(source.path, 1, "file name", f"two files for {original.path} in {lang!r}: "
                              f"{other} is already in that language")]
    model = type(original.meta)
    record, problems = validate_record(source, translation_model(model), source.data)
    problems = [_fact(p, model, original) for p in problems]
    if record is None:
        return None, problems
    c = _Check(source, original, problems)
    _match_items(c, record, original.meta)
    if c.problems:
        return None, c.problems
    taken[key] = source.path
    return Translation(source, lang, original, record, source.body), []


def _fact(problem: Problem, model: type, original: Entry) -> Problem:
    """An unknown key that the original's type has is a fact: it comes from the original."""
    if problem.message.startswith("unknown key"):
        top = problem.key.split(".")[0].split("[")[0]
        if top in model.model_fields or "." in problem.key:
            return Problem(problem.path, problem.line, problem.key,
                           f"is a fact, not text: it comes from the original, {original.path}; remove it here")
    return problem


def _match_items(c: _Check, record: Record, meta: Content) -> None:
    """Each translated update, stop, target and copy matches one of the original's."""
    for name in ("updates", "stops", "targets", "copies"):
        items = getattr(record, name, ())
        theirs = getattr(meta, name, ()) if name in type(meta).model_fields else ()
        match = MATCHED_BY.get(name)
        seen: set = set()
        for i, item in enumerate(items):
            if match:
                value = getattr(item, match)
                found = [j for j, o in enumerate(theirs) if getattr(o, match) == value]
                shown = value.isoformat() if hasattr(value, "isoformat") else value
                if not found:
                    c.bad((name, i, match), f"the original ({c.original.path}) has no {name[:-1]} with {match} {shown}")
                elif value in seen and len(found) < 2:
                    c.bad((name, i, match), f"the {name[:-1]} with {match} {shown} is translated twice")
                seen.add(value)
            elif i >= len(theirs):
                c.bad((name, i), f"the original ({c.original.path}) has only {len(theirs)} {name}: "
                                 f"{name} are matched by position")


# ---------------------------------------------------------------- the original, in the translation's words


def translated(translation: Translation) -> tuple[Entry, frozenset[tuple]]:
    """The original entry with the translation's text, and the key paths still in the original's language."""
    original, record = translation.original, translation.record
    meta = original.meta
    changes: dict[str, Any] = {}
    untranslated: set[tuple] = set()
    for name in sorted(type(meta).TEXT):
        value = getattr(record, name, None)
        theirs = getattr(meta, name)
        if name in ("updates", "stops", "targets", "copies"):
            changes[name], missing = _items(name, value or (), theirs)
            untranslated |= missing
        elif value is not None:
            changes[name] = value
        elif theirs:
            untranslated.add((name,))
    body = translation.body if translation.body.strip() else original.body
    if not translation.body.strip() and original.body.strip():
        untranslated.add(("body",))
    entry = Entry(translation.source, meta.model_copy(update=changes), body)
    return entry, frozenset(untranslated)


def _items(name: str, given: tuple, theirs: tuple) -> tuple[tuple, set[tuple]]:
    match = MATCHED_BY.get(name)
    out, missing = [], set()
    used: set[int] = set()
    for j, item in enumerate(theirs):
        if match:
            mine = next((g for i, g in enumerate(given) if getattr(g, match) == getattr(item, match) and i not in used), None)
            if mine is not None:
                used.add(given.index(mine))
        else:
            mine = given[j] if j < len(given) else None
        update = {k: getattr(mine, k) for k in type(item).TEXT if mine is not None and getattr(mine, k) is not None}
        missing |= {(name, j, k) for k in type(item).TEXT if getattr(item, k) and k not in update}
        out.append(item.model_copy(update=update) if update else item)
    return tuple(out), missing

"""Validate what was read: every file against its schema, then the references between files.

Nothing here depends on the date; what is published *now* is :mod:`policy`'s
job. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from . import translations
from .catalogue import Catalogue
from .fields import _SLUG, _url, model_inside
from .kinds import KINDS
from .model import Entry, Private
from .settings import Settings, SiteConfig
from .placeholders import placeholder_problems
from .problems import Problem, format_key
from .references import Referrer, cross_references, findings_problems, text_findings, text_problems
from .source import Project, Source
from .stops import slugify


# ---------------------------------------------------------------- schema errors


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        inner = model_inside(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def describe(value: Any) -> str:
    """A value as a message quotes it: ``'es'``, ``a list``, ``an empty value``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _message(model: type[BaseModel], error: dict) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "accompany":
        return error["msg"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        names = [f.alias or n for n, f in parent.model_fields.items()] if parent else []
        guess = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
        hint = f": did you mean {guess[0]!r}?" if guess else ""
        return f"unknown key{hint}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = ", ".join(re.findall(r"'([^']*)'", expected))
        return f"must be one of: {choices}; not {describe(value)}"
    if kind in ("tuple_type", "list_type"):
        if isinstance(value, str):
            return "must be a list: write each item on its own line, starting with '- '"
        return f"must be a list, not {describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys and values, not {describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, not {describe(value)}"
    if kind == "too_short":
        return "needs at least one item"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{error['msg'].replace('Input should be', 'must be')}, not {describe(value)}"
    if kind == "string_type":
        return f"must be text, not {describe(value)}"
    return error["msg"]


def schema_problems(source: Source, model: type[BaseModel], error: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems on the lines of the offending keys."""
    out = []
    errors = error.errors(include_url=False)
    failing = {tuple(e["loc"]) for e in errors}
    for err in errors:
        loc = tuple(err["loc"])
        # A list whose items failed is "too short" only in pydantic's eyes.
        if err["type"] == "too_short" and any(other[: len(loc)] == loc and other != loc for other in failing):
            continue
        # A missing key is reported on the line of the mapping that lacks it.
        line = source.line(loc[:-1] if err["type"] == "missing" else loc)
        out.append(Problem(source.path, line, format_key(loc), _message(model, err)))
    return out


def validate_record(source: Source, model: type[BaseModel], data: Any) -> tuple[Any, list[Problem]]:
    """Validate one mapping against one model; report every problem and every broken rule."""
    try:
        record = model.model_validate(data)
    except ValidationError as error:
        return None, schema_problems(source, model, error)
    problems = [
        Problem(source.path, source.line(at), format_key(loc), message)
        for loc, message, at in _requirements(record, ())
    ]
    return record, problems


def _requirements(record: BaseModel, prefix: tuple) -> list[tuple[tuple, str, tuple]]:
    """Broken rules as (key path, message, key path whose line to report)."""
    out = []
    for rule in getattr(record, "requirements", lambda: [])():
        loc, message, at = rule if len(rule) == 3 else (*rule, rule[0])
        out.append((prefix + loc, message, prefix + at))
    for name in type(record).model_fields:
        value = getattr(record, name)
        if value is None or isinstance(value, (str, Private)):
            continue
        if isinstance(value, BaseModel):
            out += _requirements(value, prefix + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out += _requirements(item, prefix + (name, i))
    return out


# ---------------------------------------------------------------- settings


def validate_settings(source: Source) -> tuple[SiteConfig | None, list[Problem]]:
    """Check the settings file's own part: the site's name and address, and the ``accompany:`` block.

    The keys the site engine reads (theme, plugins, nav ...) are its adapter's
    to check (generator/engines/); :func:`generator.load.validate_settings` does both.
    """
    data = dict(source.data)
    problems: list[Problem] = []

    def bad(loc: tuple, message: str) -> None:
        problems.append(Problem(source.path, source.line(loc), format_key(loc), message))

    site_name = data.get("site_name")
    if not isinstance(site_name, str) or not site_name.strip():
        bad(("site_name",), "required: the name of the site")
    elif "<" in site_name or ">" in site_name:
        bad(("site_name",), "must be plain text: remove '<' and '>'")
    site_url = data.get("site_url")
    try:
        site_url = _url(site_url)
    except Exception as exc:  # pydantic's custom error carries our sentence
        bad(("site_url",), "required: the public address of the site, used in feeds and calendars"
            if site_url is None else str(exc))
        site_url = None
    settings, more = accompany_settings(source)
    problems += more
    if problems or settings is None or site_url is None:
        return None, problems
    raw = {k: v for k, v in data.items() if k != "accompany"}
    return SiteConfig(settings, site_name.strip(), site_url.rstrip("/") + "/", raw, source), []


def accompany_settings(source: Source) -> tuple[Settings | None, list[Problem]]:
    """The ``accompany:`` block against its schema: settings of the site as a whole."""
    block = source.data.get("accompany")
    if block is None:
        return None, [Problem(source.path, source.line(("accompany",)), "accompany",
                              "required: the accompany settings (organisation, language, timezone, themes)")]
    settings, more = validate_record(_scoped(source, "accompany"), Settings, block)
    problems = [Problem(p.path, p.line, "accompany." + p.key, p.message) for p in more]
    for slug in (settings.themes if settings else {}):
        if not _SLUG.match(slug):
            loc = ("accompany", "themes", slug)
            problems.append(Problem(source.path, source.line(loc), format_key(loc),
                                    "theme slugs use lowercase letters, digits, '-' and '_'"))
    return settings, problems


def _scoped(source: Source, key: str) -> Source:
    lines = {loc[1:]: line for loc, line in source.lines.items() if loc[:1] == (key,)}
    return Source(source.path, source.kind, source.slug, source.data.get(key) or {}, lines)


# ---------------------------------------------------------------- files


def _slug_problem(source: Source) -> Problem | None:
    parts = source.slug.split("/") if source.kind == "page" else [source.slug]
    if all(_SLUG.match(p) for p in parts):
        return None
    suggestion = "/".join(slugify(p) for p in parts)
    return Problem(
        source.path, 1, "file name",
        f"use lowercase letters, digits, '-' and '_' in file names: rename it to {suggestion}.md",
    )


def validate(project: Project, config: SiteConfig | None, broken: frozenset[str] = frozenset(),
             checked: dict | None = None, records: dict | None = None) -> tuple[Catalogue, list[Problem]]:
    """Validate every source, then every reference between them.

    ``broken`` holds the paths of files the reader could not read (already
    reported): references to them are not reported a second time. ``config``
    is None when the settings are wrong: the files are checked all the same.
    ``checked`` remembers the checks that read one file alone (the rules between its keys, its placeholders,
    what its texts hold and link to), by the file's digest and path: the caller may keep it between runs
    (read.SourceCache), and this adds what it lacks. ``records`` likewise keeps each file's record (the
    objects themselves: a process that validates again and again, the preview, keeps them between runs).
    """
    catalogue = Catalogue()
    problems: list[Problem] = []
    broken = set(broken)
    referrers: list[Referrer] = []
    remembered: list[dict | None] = []  # each referrer's, in the same order
    for source in project.sources:
        if source.translation is not None:
            continue  # after every original: see _translations
        slug_problem = _slug_problem(source)
        if slug_problem:
            problems.append(slug_problem)
            continue
        mine = _remembered(source, checked)
        record, more = _validate_file(source, mine, records)
        problems += more
        referrers.append(Referrer(source, record))
        remembered.append(mine)
        if record is None:
            broken.add(source.path)
            continue
        if record.image and f"content/{record.image}" not in project.media:
            problems.append(Problem(source.path, source.line(("image",)), "image", f"{record.image!r}: no such file in content/media/"))
        problems += _placeholders(source, record, mine)
        catalogue.of(source.kind)[source.slug] = Entry(source, record, source.body)

    readable = {r.path for r in referrers}
    unknowable_ids = any(
        path.startswith(KINDS["action"].folder + "/") and (path not in readable or not isinstance(_raw_id(referrers, path), str))
        for path in broken
    )
    more = cross_references(referrers, catalogue, config, frozenset(broken), unknowable_ids)
    more += _translations(project, catalogue, config, broken)
    known = set(catalogue.by_path()) | broken
    for ref, mine in zip(referrers, remembered):
        linked: list[tuple[tuple, str, int]] = []
        if mine is None:
            more += text_problems(ref, project.media, known, linked)
        else:
            if "texts" not in mine:
                mine["texts"] = text_findings(ref)
            more += findings_problems(ref.path, mine["texts"], project.media, known, linked)
        if ref.meta is not None:
            catalogue.links[ref.path] = linked
    # A translation's record holds its original's facts: its texts are checked every time.
    for ref in [Referrer(t.source, t.record) for ts in catalogue.translations.values() for t in ts.values()]:
        linked = []
        more += text_problems(ref, project.media, known, linked)
        catalogue.links[ref.path] = linked
    # A value that failed its schema ('Bad Slug' under defenders) is not also an unknown reference.
    seen = {(p.path, p.key) for p in problems}
    return catalogue, problems + [p for p in more if (p.path, p.key) not in seen]


# What is checked of one file alone is a function of its bytes and its path (its kind, its slug, where its
# relative links point), and of accompany's code (read.SourceCache is dropped when that changes): kept in
# ``checked`` under both, it is not worked out again while the file stays the same.


def _remembered(source: Source, checked: dict | None) -> dict | None:
    """What was found in this file alone (a mapping filled as it is worked out), or None when not kept."""
    if checked is None or not source.digest:
        return None
    key = f"{source.digest}:{source.path}"
    found = checked.get(key)
    # A copy: what this run adds shows as a change to the caller, who compares with what it kept before.
    found = checked[key] = dict(found) if isinstance(found, dict) else {}
    return found


def _validate_file(source: Source, mine: dict | None, records: dict | None = None) -> tuple[Any, list[Problem]]:
    """:func:`validate_record` for a file of its kind; the rules between its keys remembered in ``mine``, its
    record in ``records`` (records are immutable: the same object serves every run that reads the same bytes)."""
    model = KINDS[source.kind].model
    if mine is None or "rules" not in mine:
        record, problems = validate_record(source, model, source.data)
        if mine is not None and record is not None:
            mine["rules"] = [(p.line, p.key, p.message) for p in problems]
            if records is not None:
                records[f"{source.digest}:{source.path}"] = record
        return record, problems
    name = f"{source.digest}:{source.path}"
    record = records.get(name) if records is not None else None
    if record is None or type(record) is not model:
        try:
            record = model.model_validate(source.data)
        except ValidationError as error:  # cannot be, for the same bytes: checked as if never seen
            mine.clear()
            return None, schema_problems(source, model, error)
        if records is not None:
            records[name] = record
    return record, [Problem(source.path, line, key, message) for line, key, message in mine["rules"]]


def _placeholders(source: Source, record: Any, mine: dict | None) -> list[Problem]:
    """:func:`placeholder_problems`, remembered in ``mine`` (they depend on the file's bytes alone)."""
    if mine is None:
        return placeholder_problems(source, record, source.body)
    found = mine.get("placeholders")
    if found is None:
        found = mine["placeholders"] = [(p.line, p.key, p.message)
                                        for p in placeholder_problems(source, record, source.body)]
    return [Problem(source.path, line, key, message) for line, key, message in found]


def _translations(project: Project, catalogue: Catalogue, config: SiteConfig | None, broken: set[str]) -> list[Problem]:
    """Check every translation against its original; the valid ones go into ``catalogue.translations``."""
    problems: list[Problem] = []
    languages = config.settings.site_languages if config else ()
    taken: dict = {}
    for source in project.sources:
        if source.translation is None:
            continue
        original = catalogue.of(source.kind).get(source.slug)
        original_path = f"{KINDS[source.kind].folder}/{source.slug}.md"
        if original is None and (original_path in broken or not languages):
            broken.add(source.path)  # its original's own problem is reported; the settings' too
            continue
        translation, more = translations.check(source, original, languages, taken, validate_record)
        problems += more
        if translation is None:
            broken.add(source.path)
            continue
        problems += placeholder_problems(source, translation.record, source.body)
        catalogue.translations.setdefault(original.path, {})[translation.lang] = translation
    return problems


def _raw_id(referrers: list[Referrer], path: str) -> Any:
    return next(r.source.data.get("id") for r in referrers if r.path == path)

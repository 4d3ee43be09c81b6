"""Validate what was read: every file against its schema, then the references between files.

Nothing here depends on the date; what is published *now* is :mod:`policy`'s
job. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from . import links
from .fields import _SLUG, _url, is_markdown
from .model import MODELS, Content, Entry, Private, Settings, SiteConfig
from .problems import Problem, format_key
from .source import KINDS, MEDIA_DIR, Project, Source
from .stops import slugify, stop_times, stop_uid, time_problem


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


# ---------------------------------------------------------------- schema errors


def _unwrap(annotation: Any) -> Any:
    """The model class inside Optional[...], tuple[X, ...], dict[K, V] or Annotated[...]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        inner = _unwrap(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def _describe(value: Any) -> str:
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
        return f"must be one of: {choices}; not {_describe(value)}"
    if kind in ("tuple_type", "list_type"):
        if isinstance(value, str):
            return "must be a list: write each item on its own line, starting with '- '"
        return f"must be a list, not {_describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping of keys and values, not {_describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, not {_describe(value)}"
    if kind == "too_short":
        return "needs at least one item"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{error['msg'].replace('Input should be', 'must be')}, not {_describe(value)}"
    if kind == "string_type":
        return f"must be text, not {_describe(value)}"
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
        if isinstance(value, Private):
            continue
        if isinstance(value, BaseModel):
            out += _requirements(value, prefix + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out += _requirements(item, prefix + (name, i))
    return out


# ---------------------------------------------------------------- settings

#: mkdocs.yml keys that accompany writes itself, with what to do instead.
_ENGINE_OWNED = {
    "docs_dir": "accompany stages the docs itself from content/ and campaigns/",
    "nav": "accompany builds the navigation: top-level pages appear by their order key",
    "use_directory_urls": "accompany needs directory URLs",
}
_ALLOWED_PLUGINS = {"search"}


def validate_settings(source: Source) -> tuple[SiteConfig | None, list[Problem]]:
    """Check mkdocs.yml: the ``accompany:`` block, and the engine keys accompany relies on."""
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
    for key, why in _ENGINE_OWNED.items():
        if key in data:
            bad((key,), f"remove it: {why}")
    theme = data.get("theme")
    if not isinstance(theme, dict) or theme.get("name") != "material":
        bad(("theme",), "must be a mapping with name: material")
    else:
        if theme.get("font", False) is not False:
            bad(("theme", "font"), "must be false: web fonts would be loaded from Google, leaking readers' addresses")
        if "custom_dir" in theme and theme["custom_dir"] != "theme":
            bad(("theme", "custom_dir"), "must be theme (the project's theme/ folder)")
    plugins = data.get("plugins", ())
    names = [next(iter(p)) if isinstance(p, dict) and p else p for p in (plugins or ())]
    for i, name in enumerate(names):
        if name not in _ALLOWED_PLUGINS:
            bad(("plugins", i), f"{name!r} is not supported: accompany uses only Material's built-in search")
    for key in ("extra_css", "extra_javascript"):
        for i, item in enumerate(data.get(key) or ()):
            path = item.get("path") if isinstance(item, dict) else item
            if not isinstance(path, str) or re.match(r"^[a-z]+:|^//", path, re.I):
                bad((key, i), "must be a file in theme/: pages load nothing from other hosts")

    block = data.get("accompany")
    if block is None:
        bad(("accompany",), "required: the accompany settings (organisation, language, timezone, themes)")
        return None, problems
    settings, more = validate_record(_scoped(source, "accompany"), Settings, block)
    for problem in more:
        problems.append(Problem(problem.path, problem.line, "accompany." + problem.key, problem.message))
    for slug in (settings.themes if settings else {}):
        if not _SLUG.match(slug):
            bad(("accompany", "themes", slug), "theme slugs use lowercase letters, digits, '-' and '_'")
    if problems or settings is None or site_url is None:
        return None, problems
    raw = {k: v for k, v in data.items() if k != "accompany"}
    return SiteConfig(settings, site_name.strip(), site_url.rstrip("/") + "/", raw, source), []


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


_COMMENT_OPEN = "<!--"


def _markdown_texts(entry_source: Source, record: Content, body: str) -> list[tuple[tuple, int, str]]:
    """(key path, first line, text) for every Markdown text of a record, body included."""
    out = [(("body",), entry_source.body_line, body)]
    for loc, text in _markdown_fields(record, ()):
        out.append((loc, entry_source.text_line(loc), text))
    return out


@lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Each field of a model, and whether it holds Markdown (worked out once per model)."""
    return tuple((name, is_markdown(info.annotation, info.metadata)) for name, info in model.model_fields.items())


def _markdown_fields(record: BaseModel, prefix: tuple) -> Iterable[tuple[tuple, str]]:
    for name, is_md in _fields(type(record)):
        value = getattr(record, name)
        if value is None or isinstance(value, (Private, int, date)):
            continue
        if isinstance(value, str) and is_md:
            yield prefix + (name,), value
        elif isinstance(value, BaseModel):
            yield from _markdown_fields(value, prefix + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _markdown_fields(item, prefix + (name, i))
                elif isinstance(item, str) and is_md:
                    yield prefix + (name, i), item


def markdown_texts(entry: Entry) -> list[tuple[tuple, int, str]]:
    """Every Markdown text of an entry (body, letter, steps, updates, outcome) with its line."""
    return _markdown_texts(entry.source, entry.meta, entry.body)


def _text_problems(entry: Entry, media: frozenset[str], known: dict[str, Entry],
                   linked: list[tuple[tuple, str, int]]) -> list[Problem]:
    """Unclosed comments and bad links in every Markdown text; fills ``linked`` with the files linked to."""
    problems = []
    for loc, first_line, text in markdown_texts(entry):
        key = format_key(loc)
        base = first_line
        start = text.find(_COMMENT_OPEN)
        while start != -1:
            end = text.find("-->", start + 4)
            if end == -1:
                line = base + text.count("\n", 0, start)
                problems.append(Problem(entry.path, line, key, "an HTML comment '<!--' is never closed: add '-->'"))
                break
            start = text.find(_COMMENT_OPEN, end + 3)
        if not links.may_have_links(text):
            continue
        for link in links.find_links(text):
            line = base + link.line - 1
            try:
                target = links.resolve(entry.path, link.target)
            except links.LinkError as exc:
                problems.append(Problem(entry.path, line, key, f"link {link.target!r}: {exc}"))
                continue
            if target.kind != "file":
                continue
            linked.append((loc, target.path, line))
            if target.path.startswith(MEDIA_DIR + "/"):
                if target.path not in media:
                    problems.append(Problem(entry.path, line, key, f"link {link.target!r}: no such file in content/media/"))
            elif target.path not in known:
                problems.append(Problem(
                    entry.path, line, key,
                    f"link {link.target!r}: not a content file; link to another file's .md path, "
                    "or to an image in content/media/",
                ))
    return problems


def validate(project: Project, config: SiteConfig, broken: frozenset[str] = frozenset()) -> tuple[Catalogue, list[Problem]]:
    """Validate every source, then every reference between them.

    ``broken`` holds the paths of files the reader could not read (already
    reported): references to them are not reported a second time.
    """
    catalogue = Catalogue()
    problems: list[Problem] = []
    # Files that exist but failed are still "there" for references: one
    # mistake is reported once, not again at every file that names it.
    broken = set(broken)
    broken_ids: set[str] = set()
    for source in project.sources:
        slug_problem = _slug_problem(source)
        if slug_problem:
            problems.append(slug_problem)
            continue
        model = MODELS[source.kind]
        record, more = validate_record(source, model, source.data)
        problems += more
        if record is None:
            broken.add(source.path)
            if source.kind == "action" and isinstance(source.data.get("id"), str):
                broken_ids.add(source.data["id"])
            continue
        if record.image and f"content/{record.image}" not in project.media:
            problems.append(Problem(source.path, source.line(("image",)), "image", f"{record.image!r}: no such file in content/media/"))
        catalogue.of(source.kind)[source.slug] = Entry(source, record, source.body)

    problems += _cross_references(catalogue, config, frozenset(broken), broken_ids)
    known = catalogue.by_path()
    known.update({p: None for p in broken})  # type: ignore[misc]
    for entry in catalogue.entries():
        linked: list[tuple[tuple, str, int]] = []
        problems += _text_problems(entry, project.media, known, linked)
        catalogue.links[entry.path] = linked
    return catalogue, problems


def _slug_of(path: str) -> tuple[str, str] | None:
    for kind, folder in KINDS.items():
        if path.startswith(folder + "/") and path.endswith(".md"):
            return kind, path[len(folder) + 1 : -3]
    return None


#: URL prefixes that accompany generates: a page may not take them.
RESERVED_PAGES = {"actions", "defenders", "tours", "campaigns", "countries", "themes", "media", "subscribe", "feeds", "calendars", "sheets", "assets", "search", "404"}


def _cross_references(cat: Catalogue, config: SiteConfig, broken: frozenset[str], broken_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    broken_slugs = {s for s in (_slug_of(p) for p in broken) if s}

    def exists(kind: str, slug: str) -> bool:
        return slug in cat.of(kind) or (kind, slug) in broken_slugs

    def bad(entry: Entry, loc: tuple, message: str) -> None:
        problems.append(Problem(entry.path, entry.line(loc), format_key(loc), message))

    vocabulary = config.settings.themes
    for entry in cat.entries():
        for i, theme in enumerate(entry.meta.themes):
            if theme not in vocabulary:
                choices = ", ".join(sorted(vocabulary)) or "none defined"
                bad(entry, ("themes", i), f"unknown theme {theme!r}; the site's themes are: {choices}")
        for i, slug in enumerate(entry.meta.campaigns):
            if not exists("campaign", slug):
                bad(entry, ("campaigns", i), f"unknown campaign {slug!r}: no file campaigns/{slug}.md")
        for i, slug in enumerate(getattr(entry.meta, "defenders", ())):
            if not exists("defender", slug):
                bad(entry, ("defenders", i), f"unknown defender {slug!r}: no file content/defenders/{slug}.md")
        for name in ("themes", "campaigns", "defenders", "appeal_languages", "countries"):
            values = getattr(entry.meta, name, ())
            for i, value in enumerate(values):
                if value in values[:i]:
                    bad(entry, (name, i), f"{value!r} is listed twice")

    action_ids: dict[str, Entry] = {}
    for action in cat.actions.values():
        other = action_ids.get(action.meta.id)
        if other is not None:
            bad(action, ("id",), f"{action.meta.id!r} is already the id of {other.path}")
        else:
            action_ids[action.meta.id] = action
    stop_ids: dict[str, str] = {}
    uids: dict[str, tuple] = {}
    unreadable_actions = any(path.startswith(KINDS["action"] + "/") and path not in cat.by_path() for path in broken)
    for tour in cat.tours.values():
        for i, stop in enumerate(tour.meta.stops):
            zone = stop.timezone or config.settings.timezone
            for key in ("starts", "ends"):
                value = getattr(stop, key)
                why = value is not None and time_problem(value, zone)
                if why:
                    bad(tour, ("stops", i, key), why)
            starts, _, _ = stop_times(stop, config.settings.timezone)
            uid = stop_uid(tour.slug, stop, starts)
            if uid in uids and stop.id is None:
                bad(tour, ("stops", i), "has the same city and date as another stop: give each an id")
            uids.setdefault(uid, (tour.path, i))
            if stop.id is not None:
                if stop.id in stop_ids:
                    bad(tour, ("stops", i, "id"), f"{stop.id!r} is already the id of a stop in {stop_ids[stop.id]}")
                stop_ids.setdefault(stop.id, tour.path)
            for j, action_id in enumerate(stop.actions):
                # An action file that could not be read has an id we cannot know:
                # its own error is reported, and stops may well point at it.
                if action_id not in action_ids and action_id not in broken_ids and not unreadable_actions:
                    bad(tour, ("stops", i, "actions", j), f"unknown action id {action_id!r}")
    for slug, page in cat.pages.items():
        if slug.split("/")[0] in RESERVED_PAGES:
            bad(page, (), f"the address /{slug.split('/')[0]}/ is generated by accompany: rename or move this page")
        if slug.endswith("/index") and slug[: -len("/index")] in cat.pages:
            bad(page, (), f"same address as content/pages/{slug[: -len('/index')]}.md")
    return problems

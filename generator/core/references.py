"""The references between files: names of other files, ids, stops in time, and links in Markdown.

Checked for every file, including one whose front matter failed its schema:
its references are read from the raw values that can be read (a list of
words under ``defenders:``), so that an unknown defender is reported in the
same run as a mistyped date in the same file. A file that exists but failed
is still "there" for the others: one mistake is reported once, not again at
every file that names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from pydantic import BaseModel

from . import links
from .catalogue import Catalogue
from .fields import CONTROL, control_problem, is_markdown
from .kinds import KINDS, SECTION_PAGES, reserved
from .model import Content, Entry, Private, Stop
from .settings import SiteConfig
from .problems import Problem, format_key
from .source import MEDIA_DIR, Source
from .stops import stop_times, stop_uid, time_problem


@dataclass(frozen=True)
class Referrer:
    """A file whose references are checked: validated (``meta``), or failed its schema (``meta`` is None)."""

    source: Source
    meta: Content | None = None

    @property
    def path(self) -> str:
        return self.source.path

    def values(self, name: str, data: Any = None, model: type[BaseModel] | None = None) -> list[tuple[int, Any]]:
        """``(index, value)`` of the list ``name``: typed, or the raw words a failed file holds there."""
        if self.meta is not None and data is None:
            # The record's field values: a record is closed to other keys, and a kind without the field has none.
            return list(enumerate(self.meta.__dict__.get(name) or ()))
        model = model or KINDS[self.source.kind].model
        raw = (self.source.data if data is None else data).get(name)
        if name not in model.model_fields or not isinstance(raw, tuple):
            return []
        return [(i, v) for i, v in enumerate(raw) if isinstance(v, str)]

    def raw_stops(self) -> list[tuple[int, dict]]:
        stops = self.source.data.get("stops")
        return [(i, s) for i, s in enumerate(stops) if isinstance(s, dict)] if isinstance(stops, tuple) else []


# ---------------------------------------------------------------- names, ids and stops


def _slug_of(path: str) -> tuple[str, str] | None:
    for kind in KINDS.values():
        if path.startswith(kind.folder + "/") and path.endswith(".md"):
            return kind.name, path[len(kind.folder) + 1 : -3]
    return None


def cross_references(referrers: list[Referrer], cat: Catalogue, config: SiteConfig | None,
                     broken: frozenset[str], unknowable_ids: bool) -> list[Problem]:
    """Unknown and duplicate names and ids, stop times, reserved addresses.

    ``broken`` holds every file that exists but failed; ``unknowable_ids`` is
    true when an action file's id could not be read at all (then no stop's
    action id is reported unknown). ``config`` is None when the settings are
    wrong: what needs them (the theme vocabulary, the site's time zone) waits.
    """
    problems: list[Problem] = []
    broken_slugs = {s for s in (_slug_of(p) for p in broken) if s}

    def exists(kind: str, slug: str) -> bool:
        return slug in cat.of(kind) or (kind, slug) in broken_slugs

    def bad(ref: Referrer, loc: tuple, message: str) -> None:
        problems.append(Problem(ref.path, ref.source.line(loc), format_key(loc), message))

    vocabulary = config.settings.themes if config else None
    for ref in referrers:
        listed = {name: ref.values(name) for name in ("themes", "campaigns", "defenders", "appeal_languages", "countries")}
        for i, theme in listed["themes"]:
            if vocabulary is not None and theme not in vocabulary:
                choices = ", ".join(sorted(vocabulary)) or "none defined"
                bad(ref, ("themes", i), f"unknown theme {theme!r}; the site's themes are: {choices}")
        for i, slug in listed["campaigns"]:
            if not exists("campaign", slug):
                bad(ref, ("campaigns", i), f"unknown campaign {slug!r}: no file {KINDS['campaign'].folder}/{slug}.md")
        for i, slug in listed["defenders"]:
            if not exists("defender", slug):
                bad(ref, ("defenders", i), f"unknown defender {slug!r}: no file {KINDS['defender'].folder}/{slug}.md")
        for name, values in listed.items():
            if len(values) < 2:
                continue  # nothing listed twice
            seen: list[Any] = []
            for i, value in values:
                if value in seen:
                    bad(ref, (name, i), f"{value!r} is listed twice")
                seen.append(value)

    action_ids: dict[str, Referrer] = {}
    for ref in referrers:
        if ref.source.kind != "action":
            continue
        action_id = ref.meta.id if ref.meta is not None else ref.source.data.get("id")
        if not isinstance(action_id, str):
            continue
        if action_id in action_ids:
            bad(ref, ("id",), f"{action_id!r} is already the id of {action_ids[action_id].path}")
        else:
            action_ids[action_id] = ref
    site_zone = config.settings.timezone if config else None
    stop_ids: dict[str, str] = {}
    uids: set[str] = set()
    for ref in referrers:
        if ref.source.kind != "tour":
            continue
        stops = list(enumerate(ref.meta.stops)) if ref.meta is not None else ref.raw_stops()
        for i, stop in stops:
            if ref.meta is not None:
                _stop_problems(ref, i, stop, site_zone, stop_ids, uids, bad)
            stop_actions = ref.values("actions", stop, Stop) if isinstance(stop, dict) else list(enumerate(stop.actions))
            for j, action_id in stop_actions:
                # An action file whose id cannot be read may well be the one a stop points at.
                if action_id not in action_ids and not unknowable_ids:
                    bad(ref, ("stops", i, "actions", j), f"unknown action id {action_id!r}")
    for ref in referrers:
        slug = ref.source.slug
        if slug in SECTION_PAGES.get(ref.source.kind, ()):
            bad(ref, (), f"the address /{KINDS[ref.source.kind].section}/{slug}/ is generated by accompany: "
                         "rename this file")
        if ref.source.kind != "page":
            continue
        if slug.split("/")[0] in reserved():
            bad(ref, (), f"the address /{slug.split('/')[0]}/ is generated by accompany: rename or move this page")
        if slug.endswith("/index") and slug[: -len("/index")] in cat.pages:
            bad(ref, (), f"same address as content/pages/{slug[: -len('/index')]}.md")
    return problems


def _stop_problems(ref: Referrer, i: int, stop, site_zone: str | None, stop_ids: dict, uids: set, bad) -> None:
    """A stop's times in its zone, its UID and its id, unique across tours."""
    zone = stop.timezone or site_zone
    if zone is not None:
        for key in ("starts", "ends"):
            value = getattr(stop, key)
            # An offset without a timezone is a fixed offset: it contradicts nothing.
            why = value is not None and (stop.timezone or value.tzinfo is None) and time_problem(value, zone)
            if why:
                bad(ref, ("stops", i, key), why)
        starts, _, _ = stop_times(stop, zone)
        uid = stop_uid(ref.source.slug, stop, starts)
        if uid in uids and stop.id is None:
            bad(ref, ("stops", i), "has the same city and date as another stop: give each an id")
        uids.add(uid)
    if stop.id is not None:
        if stop.id in stop_ids:
            bad(ref, ("stops", i, "id"), f"{stop.id!r} is already the id of a stop in {stop_ids[stop.id]}")
        stop_ids.setdefault(stop.id, ref.path)


# ---------------------------------------------------------------- Markdown texts and their links

_COMMENT_OPEN = "<!--"
#: Every ASCII character :data:`CONTROL` does not match: deleted from an ASCII text, they leave what it would find.
_NOT_CONTROL = bytes(i for i in range(128) if not CONTROL.match(chr(i)))


def _control_in(text: str):
    """``CONTROL.search(text)``, without the search in an ASCII text that has none (most bodies; a quicker test)."""
    if text.isascii() and not text.encode("ascii").translate(None, _NOT_CONTROL):
        return None
    return CONTROL.search(text)


@lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Each field of a model, and whether it holds Markdown (worked out once per model)."""
    return tuple((name, is_markdown(info.annotation, info.metadata)) for name, info in model.model_fields.items())


def _markdown_fields(record: BaseModel, prefix: tuple, out: list | None = None) -> list[tuple[tuple, str]]:
    """``(key path, text)`` of every Markdown text inside ``record``, in the order of its fields (added to ``out``)."""
    out = [] if out is None else out
    for name, is_md in _fields(type(record)):
        value = getattr(record, name)
        if value is None or isinstance(value, (Private, int, date)):
            continue
        if isinstance(value, str):
            if is_md:
                out.append((prefix + (name,), value))
        elif isinstance(value, BaseModel):
            _markdown_fields(value, prefix + (name,), out)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _markdown_fields(item, prefix + (name, i), out)
                elif isinstance(item, str) and is_md:
                    out.append((prefix + (name, i), item))
    return out


def texts_of(ref: Referrer) -> list[tuple[tuple, int, str]]:
    """``(key path, first line, text)`` of every Markdown text of a file (only the body if it failed its schema)."""
    out = [(("body",), ref.source.body_line, ref.source.body)]
    if ref.meta is not None:
        out += [(loc, ref.source.text_line(loc), text) for loc, text in _markdown_fields(ref.meta, ())]
    return out


def markdown_texts(entry: Entry) -> list[tuple[tuple, int, str]]:
    """Every Markdown text of an entry (body, letter, steps, updates, outcome) with its line."""
    out = [(("body",), entry.source.body_line, entry.body)]
    out += [(loc, entry.source.text_line(loc), text) for loc, text in _markdown_fields(entry.meta, ())]
    return out


def text_problems(ref: Referrer, media: frozenset[str], known: Iterable[str],
                  linked: list[tuple[tuple, str, int]]) -> list[Problem]:
    """Unclosed comments and bad links in every Markdown text; fills ``linked`` with the files linked to."""
    return findings_problems(ref.path, text_findings(ref), media, known, linked)


def text_findings(ref: Referrer) -> list[tuple]:
    """What the file's Markdown texts hold, in order, as far as it depends on the file alone (its bytes and path):
    ``("problem", line, key, message)``, and ``("file", key path, target, line, key, link)`` for each link to a
    file, whose target is checked against the project by :func:`findings_problems`."""
    out: list[tuple] = []
    for loc, first_line, text in texts_of(ref):
        key = format_key(loc)
        base = first_line
        found = _control_in(text) if loc == ("body",) else None  # front matter texts are refused by their type (fields.py)
        if found:
            out.append(("problem", base + text.count("\n", 0, found.start()), key, control_problem(text)))
        start = text.find(_COMMENT_OPEN)
        while start != -1:
            end = text.find("-->", start + 4)
            if end == -1:
                line = base + text.count("\n", 0, start)
                out.append(("problem", line, key, "an HTML comment '<!--' is never closed: add '-->'"))
                break
            start = text.find(_COMMENT_OPEN, end + 3)
        if not links.may_have_links(text):
            continue
        for link in links.find_links(text):
            line = base + link.line - 1
            try:
                target = links.resolve(ref.path, link.target)
            except links.LinkError as exc:
                out.append(("problem", line, key, f"link {link.target!r}: {exc}"))
                continue
            if target.kind == "file":
                out.append(("file", loc, target.path, line, key, link.target))
    return out


def findings_problems(path: str, findings: list[tuple], media: frozenset[str], known: Iterable[str],
                      linked: list[tuple[tuple, str, int]]) -> list[Problem]:
    """The problems of :func:`text_findings` in a project with these ``media`` and ``known`` files; fills ``linked``
    with the files linked to."""
    problems = []
    for finding in findings:
        if finding[0] == "problem":
            _, line, key, message = finding
            problems.append(Problem(path, line, key, message))
            continue
        _, loc, target, line, key, link = finding
        linked.append((loc, target, line))
        if target.startswith(MEDIA_DIR + "/"):
            if target not in media:
                problems.append(Problem(path, line, key, f"link {link!r}: no such file in content/media/"))
        elif target not in known:
            problems.append(Problem(
                path, line, key,
                f"link {link!r}: not a content file; link to another file's .md path, "
                "or to an image in content/media/",
            ))
    return problems

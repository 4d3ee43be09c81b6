"""What a rendered file read, so that the next build can tell, without rendering it, that it would come out the same.

A template is given the whole public site (``site``), and may ask it
anything: a file's bytes depend on what its template read. So each template
render gets *traced* stand-ins for the objects that hold the site's data
(:func:`Recorder.traced`): every attribute read and method call on them is a
*query*, recorded with a fingerprint of its answer, in the *tape* of the file
being rendered. Everything else a template is given is either fingerprinted
into the file's *base key* (its own item, its title, the links other outputs
add) or a pure function of its arguments and of what every file shares (the
templates, the catalogs, the code, the settings: the *global key*).

The next build replays the last build's queries on its own site, each once
(:meth:`Queries.changed`), and renders again only the files whose base key
changed or one of whose queries now answers otherwise: a template makes the
same queries as long as the answers are the same, so a file whose every
answer is unchanged would come out byte for byte as it did (verifying traces,
as build systems call it). ``tests/test_incremental.py`` checks that such
builds give exactly the bytes of a full build.

Fingerprints (:class:`Fingerprints`) cover everything an answer holds: an
entry's file digest, its public front matter and body; an action's state
today; and every value inside. An answer of a type this module does not know
(a function, an object of another kind) makes the file *untraceable*: it is
rendered in every build, as all files were before.

Markdown goes through the shared renderer, which records, for each text, the
state of every file its links point at (:meth:`Recorder.note_links`): the
text itself comes from what the tape already covers.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator

from markupsafe import Markup
from pydantic import BaseModel

from ..core.kinds import KINDS, Kind
from ..core.model import Entry
from ..core.views import ActionView, StopView


class Untraceable(Exception):
    """A value the fingerprints cannot vouch for: the file that read it is rendered in every build."""


#: The answer of a query that could not be asked again (its argument is gone, or it raised).
GONE = "-"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Fingerprints:
    """Fingerprints of values, each entry's and each immutable object's made once per build."""

    def __init__(self, whole: bool = False) -> None:
        """``whole``: encode every entry's record and body, not what decides them (see DECIDED_ELSEWHERE): slower,
        for tests that check the shortcut."""
        self._whole = whole
        self._memo: dict[int, tuple[Any, str]] = {}
        self._by_class: dict[type, Callable[[Any, list], None]] = {
            str: self._plain, int: self._plain, float: self._plain, bool: self._plain, type(None): self._plain,
            date: self._plain, datetime: self._plain, tuple: self._sequence, list: self._sequence,
            dict: self._mapping, set: self._set, frozenset: self._set, Markup: self._markup,
        }

    def of(self, value: Any) -> str:
        """A digest of everything ``value`` holds; raises :class:`Untraceable` for what it cannot read."""
        parts: list[str] = []
        self._encode(value, parts)
        return _digest("".join(parts))

    def _encode(self, value: Any, parts: list[str]) -> None:
        kind = type(value)
        encode = self._by_class.get(kind)
        if encode is None:
            encode = self._by_class[kind] = self._encoder(kind)
        encode(value, parts)

    def _encoder(self, kind: type) -> Callable[[Any, list], None]:
        """How values of a class are encoded, found once per class."""
        if issubclass(kind, Entry):
            return self._entry
        if kind is ActionView:  # its updates are its entry's, in an order the entry decides
            return self._action
        if kind is StopView:  # its stop is one of its tour's (the entry), at its index
            return lambda value, parts: self._object(value, parts, "S", (
                "tour", "index", "starts", "ends", "zone", "uid", "anchor", "url", "actions", "past"))
        if issubclass(kind, BaseModel):
            return self._model
        if issubclass(kind, Kind):
            return lambda value, parts: parts.append("K" + repr(value.name))  # the registry is code: the global key
        if hasattr(kind, "__dataclass_fields__"):
            names = tuple(kind.__dataclass_fields__)
            label = "C" + kind.__qualname__
            return lambda value, parts: self._object(value, parts, label, names)
        if hasattr(kind, "__fingerprint__"):  # a value made later from these parts (feeds' Later)
            label = "F" + kind.__qualname__
            return lambda value, parts: (parts.append(label), self._encode(value.__fingerprint__(), parts))
        if kind.__name__ == "ZoneInfo":
            return lambda value, parts: parts.append("Z" + repr(value.key))
        if issubclass(kind, str):
            return lambda value, parts: parts.append(kind.__name__ + repr(str(value)))

        def refuse(value, parts):
            raise Untraceable(f"{kind.__module__}.{kind.__qualname__}")
        return refuse

    @staticmethod
    def _plain(value: Any, parts: list[str]) -> None:
        parts.append(repr(value))

    @staticmethod
    def _markup(value: Any, parts: list[str]) -> None:
        parts.append("M" + repr(str(value)))

    def _sequence(self, value: Any, parts: list[str]) -> None:
        parts.append("(" if type(value) is tuple else "[")
        encode = self._encode
        for item in value:
            encode(item, parts)
            parts.append(",")
        parts.append(")")

    def _mapping(self, value: dict, parts: list[str]) -> None:
        parts.append("{")
        encode = self._encode
        for key, item in value.items():
            encode(key, parts)
            parts.append(":")
            encode(item, parts)
            parts.append(",")
        parts.append("}")

    def _set(self, value: Any, parts: list[str]) -> None:
        parts.append("<" + ",".join(sorted(self.of(item) for item in value)) + ">")

    def _model(self, value: BaseModel, parts: list[str]) -> None:
        parts.append("R" + type(value).__qualname__ + "{")
        encode = self._encode
        for item in value.__dict__.values():  # the fields, in their order
            encode(item, parts)
            parts.append(",")
        if value.__pydantic_extra__:
            encode(value.__pydantic_extra__, parts)
        parts.append("}")

    def _object(self, value: Any, parts: list[str], label: str, names: tuple[str, ...]) -> None:
        found = self._memo.get(id(value))
        if found is None or found[0] is not value:
            inner = [label, "{"]
            encode = self._encode
            for name in names:
                encode(getattr(value, name), inner)
                inner.append(",")
            found = self._memo[id(value)] = (value, _digest("".join(inner)))  # kept alive: its id is not reused
        parts.append("C" + found[1])

    def _action(self, view: ActionView, parts: list[str]) -> None:
        found = self._memo.get(id(view))
        if found is None or found[0] is not view:
            inner: list[str] = []
            self._entry(view.entry, inner)
            found = self._memo[id(view)] = (view, f"A{inner[0]}|{view.url}|{view.status}|{view.days_left!r}|{view.updated!r}")
        parts.append(found[1])

    def _entry(self, entry: Entry, parts: list[str]) -> None:
        found = self._memo.get(id(entry))
        if found is None or found[0] is not entry:
            source = entry.source
            inner = [source.path, "|", source.digest, "|", str(source.translation), "|", str(entry.original_lang), "|",
                     ",".join(sorted(map(repr, entry.untranslated))), "|"]
            if source.digest and source.translation is None and not self._whole:
                self._decided_elsewhere(entry.meta, inner)
            else:  # a translation holds its original's words too; a file not read from disk, whatever it holds
                inner += ["=", entry.body, "|"]
                self._model(entry.meta, inner)
            found = self._memo[id(entry)] = (entry, _digest("".join(inner)))
        parts.append("E" + found[1])

    def _decided_elsewhere(self, meta: BaseModel, parts: list[str]) -> None:
        """What another file, the calendar or the language decided of a public file's record (see DECIDED_ELSEWHERE)."""
        parts.append("~" + type(meta).__qualname__ + "{")
        fields = meta.__dict__
        encode = self._encode
        for name in DECIDED_ELSEWHERE:
            encode(fields.get(name), parts)
            parts.append(",")
        parts.append("}")


#: The fields of a public file's record that are not a function of the file's own bytes.
#:
#: Why an entry's fingerprint need not encode the rest of its record and its body (Fingerprints._entry):
#: a public entry that is no translation (``source.translation`` None) is, field by field, either
#:
#: * a function of its file's bytes (``source.digest``) and path (its kind and slug), given the code and the
#:   settings (both in every file's global key, render.py): read.py parses the bytes, core/validate.py makes
#:   the record from the parsed data alone (``validate_record(source, model, source.data)``) and the body is
#:   the file's; core/policy.shown strips private data and comments and redacts a profile as its own consent
#:   says (redact_defender), from the record alone; or
#: * one of these fields, which the rest of the site, the calendar or the language decide, written over the
#:   record with ``model_copy`` and encoded as they are: core/publication.py leaves out ``campaigns``,
#:   ``defenders`` and ``stops[].actions`` that name what is withheld now (_without_withheld), and ``image``
#:   and ``image_alt`` where the photo is a withheld profile's (_Photos.without_hidden); core/languages.py sets
#:   ``lang`` (with ``untranslated`` and ``original_lang`` on the Entry, encoded beside them) where a file is
#:   shown in another language than it is written in.
#:
#: Every entry a template can reach is such a public entry: core/site.py is built from the public catalogues
#: alone. A translation is made of its original's bytes too (core/translations.translated), which its own
#: source does not name: its record and body are encoded whole. A core change that writes another field over
#: a public record from elsewhere must add it here (tests/test_fingerprints.py compares both ways).
DECIDED_ELSEWHERE = ("lang", "image", "image_alt", "campaigns", "defenders", "stops")


# ---------------------------------------------------------------- queries


def _ref(value: Any, prints: Fingerprints) -> Any:
    """An argument as JSON that :func:`_resolve` turns back into the current build's object."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is Markup:
        return ["M", str(value)]
    if kind in (tuple, list):
        return ["t" if kind is tuple else "l", [_ref(v, prints) for v in value]]
    if kind is date:
        return ["d", value.isoformat()]
    if isinstance(value, Entry):
        return ["E", value.kind, value.slug, prints.of(value)]
    if isinstance(value, ActionView):
        return ["A", value.entry.slug, prints.of(value)]
    if isinstance(value, StopView):
        return ["S", value.uid, prints.of(value)]
    if isinstance(value, Kind):
        return ["K", value.name]
    raise Untraceable(f"an argument of type {kind.__qualname__}")


class _Gone(Exception):
    pass


#: What :func:`_resolved` remembers of a reference that could not be resolved.
_GONE_REF = object()


def _resolve(ref: Any, site, prints: Fingerprints, stops: Callable[[], dict]) -> Any:
    if not isinstance(ref, list):
        return ref
    tag, *rest = ref
    if tag == "M":
        return Markup(rest[0])
    if tag in ("t", "l"):
        items = [_resolve(r, site, prints, stops) for r in rest[0]]
        return tuple(items) if tag == "t" else items
    if tag == "d":
        return date.fromisoformat(rest[0])
    if tag == "K":
        return KINDS[rest[0]]
    if tag == "E":
        found = site.catalogue.of(rest[0]).get(rest[1])
    elif tag == "A":
        found = site.actions.get(rest[0])
    elif tag == "S":
        found = stops().get(rest[0])
    else:
        raise _Gone(tag)
    if found is None or prints.of(found) != rest[-1]:
        raise _Gone(tag)
    return found


def _resolved(ref: Any, site, prints: Fingerprints, stops: Callable[[], dict], memo: dict) -> Any:
    """:func:`_resolve`, each entry, action or stop once per build."""
    if isinstance(ref, list) and ref and ref[0] in ("E", "A", "S"):
        key = tuple(ref)
        found = memo.get(key, memo)
        if found is memo:
            try:
                found = _resolve(ref, site, prints, stops)
            except Exception:  # noqa: BLE001 - remembered as gone
                # Not the exception: its traceback holds every frame of the build up to here, and so all it made,
                # which a process that builds again and again (the preview) would keep, one build more each time.
                found = _GONE_REF
            memo[key] = found
        if found is _GONE_REF:
            raise _Gone(ref[0])
        return found
    if isinstance(ref, list) and ref and ref[0] in ("t", "l"):
        items = [_resolved(r, site, prints, stops, memo) for r in ref[1]]
        return tuple(items) if ref[0] == "t" else items
    return _resolve(ref, site, prints, stops)


class Queries:
    """One build's queries on its traced objects, each answered and fingerprinted once.

    ``targets`` are the objects that templates read through traced stand-ins,
    by name (``site``, ``act``, ``languages``...); ``links`` says the state
    of a file that a Markdown link points at.
    """

    def __init__(self, site, targets: dict[str, Any], links: Callable[[str], str], prints: Fingerprints | None = None):
        self.site = site
        self.targets = targets
        self.links = links
        self.prints = prints or Fingerprints()
        self.answers: dict[str, str] = {}
        """Query (as JSON) to the fingerprint of its answer in this build."""
        self._stops: dict | None = None
        self._refs: dict = {}

    def _stop_index(self) -> dict:
        if self._stops is None:
            self._stops = {s.uid: s for s in self.site.stops}
        return self._stops

    def key(self, target: str, attr: str, args: tuple = (), kwargs: dict | None = None, call: bool = False) -> str:
        """The query as JSON (raises :class:`Untraceable` for an argument it cannot name)."""
        prints = self.prints
        return json.dumps([target, attr, 1 if call else 0, [_ref(a, prints) for a in args],
                           sorted((k, _ref(v, prints)) for k, v in (kwargs or {}).items())],
                          ensure_ascii=False, separators=(",", ":"))

    def answered(self, key: str, value: Any) -> None:
        """Note the answer a render got (its fingerprint, once per build)."""
        if key not in self.answers:
            try:
                self.answers[key] = self.prints.of(value)
            except Untraceable:
                self.answers[key] = GONE
                raise

    def answer(self, key: str) -> str:
        """The fingerprint of what ``key`` answers now; :data:`GONE` when it cannot be asked."""
        found = self.answers.get(key)
        if found is not None:
            return found
        try:
            target, attr, call, args, kwargs = json.loads(key)
            if target == "links":
                value: Any = [self.links(path) for path in args]
            else:
                obj = getattr(self.targets[target], attr)
                if call:
                    resolve = lambda r: _resolved(r, self.site, self.prints, self._stop_index, self._refs)  # noqa: E731
                    value = obj(*[resolve(a) for a in args], **{k: resolve(v) for k, v in kwargs})
                else:
                    value = obj
            digest = self.prints.of(value)
        except Exception:  # noqa: BLE001 - a query that cannot be asked again has changed
            digest = GONE
        self.answers[key] = digest
        return digest

    def changed(self, recorded: dict[str, str]) -> set[str]:
        """The recorded queries (query to its answer then) whose answer is not the same now."""
        return {key for key, was in recorded.items() if was == GONE or self.answer(key) != was}


# ---------------------------------------------------------------- tapes


@dataclass
class Tape:
    """What one render read: its queries, the media it used; ``traceable`` False when it read what we cannot vouch for."""

    queries: set[str] = field(default_factory=set)
    media: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    """The Markdown texts shown (the renderer's keys): remembered as long as a file shows them."""
    notes: list[str] = field(default_factory=list)
    """What making it said to the volunteer (warnings), in order."""
    traceable: bool = True

    def add(self, other: "Tape") -> None:
        self.queries |= other.queries
        self.media |= other.media
        self.texts |= other.texts
        self.notes += [note for note in other.notes if note not in self.notes]
        self.traceable = self.traceable and other.traceable


class Recorder:
    """The tapes of the renders under way (nested: a value made inside a render is read by it)."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self._stack: list[Tape] = []

    @contextmanager
    def tape(self) -> Iterator[Tape]:
        """Record what is read inside the block; the tape is also added to the one around it."""
        tape = Tape()
        self._stack.append(tape)
        try:
            yield tape
        finally:
            self._stack.pop()
            if self._stack:
                self._stack[-1].add(tape)

    def replay(self, tape: Tape) -> None:
        """A value made earlier under ``tape`` is read again: its reads are the current render's too."""
        if self._stack:
            self._stack[-1].add(tape)

    def note(self, key: str, value: Any) -> None:
        if not self._stack:
            return
        try:
            self.queries.answered(key, value)
            self._stack[-1].queries.add(key)
        except Untraceable:
            self._stack[-1].traceable = False

    def untraceable(self) -> None:
        if self._stack:
            self._stack[-1].traceable = False

    def note_media(self, path: str) -> None:
        if self._stack:
            self._stack[-1].media.add(path)

    def note_warning(self, text: str) -> None:
        if self._stack and text not in self._stack[-1].notes:
            self._stack[-1].notes.append(text)

    def note_text(self, stored: str) -> None:
        if self._stack:
            self._stack[-1].texts.add(stored)

    def note_links(self, paths: Iterable[str]) -> None:
        """A Markdown text was rendered whose links point at ``paths`` (files under content/)."""
        if not self._stack:
            return
        paths = sorted(set(paths))
        if not paths:
            return
        key = json.dumps(["links", "", 0, paths, []], ensure_ascii=False, separators=(",", ":"))
        self.queries.answered(key, [self.queries.links(path) for path in paths])
        self._stack[-1].queries.add(key)

    def traced(self, name: str, target: Any) -> "Traced":
        """A stand-in for ``target`` that records every read into the current tape."""
        return Traced(self, name, target)

    def traced_function(self, name: str, fn: Callable) -> Callable:
        """``fn``, recording each call (its arguments and answer) as a query of ``name``."""

        def call(*args, **kwargs):
            value = fn(*args, **kwargs)
            self._record(name, "__call__", args, kwargs, True, value)
            return value

        return call

    def _record(self, name: str, attr: str, args: tuple, kwargs: dict, call: bool, value: Any) -> None:
        if not self._stack:
            return
        try:
            key = self.queries.key(name, attr, args, kwargs, call)
        except Untraceable:
            self._stack[-1].traceable = False
            return
        self.note(key, value)


class Traced:
    """A traced stand-in (see :meth:`Recorder.traced`): reads pass through, and are recorded."""

    __slots__ = ("_recorder", "_name", "_target")

    def __init__(self, recorder: Recorder, name: str, target: Any):
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_target", target)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = getattr(self._target, attr)
        if callable(value) and not isinstance(value, type) and hasattr(value, "__self__"):  # a method
            recorder, name = self._recorder, self._name

            def method(*args, **kwargs):
                answer = value(*args, **kwargs)
                recorder._record(name, attr, args, kwargs, True, answer)
                return answer

            return method
        self._recorder._record(self._name, attr, (), {}, False, value)
        return value

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError("a traced object is read-only")


def global_key(*parts: Any) -> str:
    """A digest of what every file shares, as JSON-able parts."""
    return _digest(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False))

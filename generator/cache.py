"""What one build keeps for the next, in ``.accompany/cache/``: results, and what it left on disk.

- content-addressed results (PDFs, joined packs), one file each, named by a
  hash of their inputs (the renderer computes the key; the cache never decides
  what is fresh);
- ``markup.json``: the HTML of every Markdown text, by a hash of the text and
  of where its links point;
- ``state.json``: what the build staged and the site it left (see incremental.py).

Nothing is written until the build has succeeded, and then only what that
build used is kept: the folder does not grow from day to day.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jinja2

from .incremental import State
from .read import SourceCache
from .outputs import Cache


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates as earlier runs compiled them, in a folder of the cache (a run that compiles them again
    takes longer than the pages it renders); what this run compiles is written by :meth:`flush` only,
    when it succeeded. Jinja keys each by the template's name and source."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._new: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        data = self._new.get(bucket.key)
        if data is None:
            try:
                data = (self.folder / f"{bucket.key}.cache").read_bytes()
            except OSError:
                return
        bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        self._new[bucket.key] = out.getvalue()

    def flush(self) -> None:
        if not self._new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for key, data in self._new.items():
            temporary = self.folder / f".{key}.tmp"
            temporary.write_bytes(data)
            temporary.replace(self.folder / f"{key}.cache")
        self._new.clear()


class BuildCache:
    """The cache folder as one build sees it."""

    def __init__(self, folder: Path, fresh_start: bool = False):
        self.folder = folder
        self.fresh_start = fresh_start
        self._new: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._records: dict | None = None
        self._states: dict | None = None
        self.templates = CompiledTemplates(folder / "templates")
        """Compiled templates, kept for the next build."""
        self.results = Cache(self._get, self._put, self._used.add)
        """The results store handed to renderers."""

    def _get(self, key: str) -> bytes | None:
        self._used.add(key)
        if key in self._new:
            return self._new[key]
        path = self.folder / key
        return path.read_bytes() if path.is_file() else None

    def _put(self, key: str, data: bytes) -> None:
        self._used.add(key)
        self._new[key] = data

    @property
    def _markup_file(self) -> Path:
        return self.folder / "markup.json"

    @property
    def _state_file(self) -> Path:
        return self.folder / "state.json"

    def remembered_markup(self) -> dict | None:
        """The last build's rendered Markdown, or None for a full build."""
        return None if self.fresh_start else _read_json(self._markup_file)

    def previous_state(self, language: str) -> State | None:
        """What the last build left of the site in ``language``, or None for a full build."""
        if self.fresh_start:
            return None
        if self._states is None:
            self._states = _read_json(self._state_file) or {}
        return State.from_json(self._states.get(language))

    @property
    def _records_file(self) -> Path:
        return self.folder / "records.json"

    def previous_records(self, language: str) -> dict | None:
        """What the last build made of each file in ``language`` and what it read (outputs/memo.py), or None."""
        if self.fresh_start:
            return None
        if self._records is None:
            self._records = _read_json(self._records_file) or {}
        found = self._records.get(language)
        return found if isinstance(found, dict) else None

    def remembered(self, name: str) -> dict | None:
        """What the last build kept under ``name`` (:meth:`commit`'s ``more``), or None."""
        if self.fresh_start:
            return None
        return _read_json(self.folder / f"{name}.json")

    def commit(self, markup: dict, states: dict[str, State], records: dict[str, dict] | None = None,
               alerts: dict | None = None) -> None:
        """After a successful build: write its new results, drop what it did not use, record its state
        (``states``: each language's), what it made of each file (``records``: each language's), and
        the digest of each action the alerts' snapshot holds (``alerts``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for key, data in self._new.items():
            temporary = self.folder / f".{key}.tmp"
            temporary.write_bytes(data)
            temporary.replace(self.folder / key)
        keep = self._used | {self._markup_file.name, self._state_file.name, self._records_file.name, SourceCache.FILE,
                             "alerts.json"}
        for path in self.folder.iterdir():
            if path.is_file() and path.name not in keep:
                path.unlink()
        _write_json(self._markup_file, markup)
        _write_json(self._state_file, {language: state.as_json() for language, state in states.items()})
        if records is not None:
            _write_json(self._records_file, records)
        if alerts is not None:
            _write_json(self.folder / "alerts.json", alerts)
        self.templates.flush()


def disk_cache(folder: Path) -> Cache:
    """A :class:`Cache` straight on the folder, for the preview (which keeps everything it makes)."""

    def get(key: str) -> bytes | None:
        path = folder / key
        return path.read_bytes() if path.is_file() else None

    def put(key: str, data: bytes) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.tmp"
        temporary.write_bytes(data)
        temporary.replace(folder / key)

    return Cache(get, put)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, separators=(",", ":")))
    temporary.replace(path)

"""What one build keeps for the next, in ``.accompany/cache/``: results, and what it left on disk.

- content-addressed results (PDFs, joined packs), one file each, named by a
  hash of their inputs (the renderer computes the key; the cache never decides
  what is fresh);
- ``markup/``: the HTML of every Markdown text, by a hash of the text and
  of where its links point, in :data:`MARKUP_SHARDS` files by that hash: a
  build that rendered a few new texts rewrites a few of them;
- ``state.marshal``: what the build staged and the site it left (see incremental.py);
- ``records.marshal``: what the build made of each file and what it read (outputs/memo.py);
- ``alerts.marshal``: each action the alerts' snapshot holds: its digest and its JSON (alerts/snapshot.py).

Nothing is written until the build has succeeded, and then only what that
build used is kept: the folder does not grow from day to day. A file is
written only when what it holds changed.

Each file is ``marshal`` data (loaded several times faster than JSON) behind
a stamp: :data:`STAMP` (this layout, marshal's and Python's versions), the
data's length and checksum. A file of another stamp, truncated or damaged is
no cache: the build does the full work, never fails on it, never trusts it.
"""

from __future__ import annotations

import gc
import io
import marshal
import os
import struct
import sys
import threading
import zlib
from pathlib import Path

import jinja2

from .incremental import State
from .read import SourceCache
from .outputs import Cache
from .write import version_of


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


#: Bumped when the layout of a file below changes.
FORMAT = 1
STAMP = f"accompany cache {FORMAT}; marshal {marshal.version}; python {sys.version_info[0]}.{sys.version_info[1]}\n".encode()
_HEAD = struct.Struct("<QI")  # the data's length and CRC-32, after the stamp
MARKUP_SHARDS = 64
#: What the build keeps besides the results (files named by their key, which never end in ``.marshal``).
BOOKKEEPING = ("markup", "state.marshal", "records.marshal", "alerts.marshal")


class BuildCache:
    """The cache folder as one build sees it."""

    #: The bookkeeping files this process last wrote or read, and what each holds: a later build of the same folder
    #: in the same process (the preview's next) takes a file's data from here while the file is still the one
    #: written or read (write.version_of: the same inode, size and time), instead of reading and loading it again.
    #: One folder's only.
    _kept_folder: str | None = None
    _kept: dict[str, tuple[tuple, dict]] = {}

    #: The removal of dropped files each cache folder's last commit left running (a build that did not wait for
    #: it): the next build of the same cache waits for it before it reads a file.
    _dropping_in: dict[str, threading.Thread] = {}

    def __init__(self, folder: Path, fresh_start: bool = False):
        last = BuildCache._dropping_in.pop(os.fspath(folder.absolute()), None)
        if last is not None:
            last.join()
        self._dropping: threading.Thread | None = None
        self._remembered: dict[str, dict | None] = {}
        self.folder = folder
        self.fresh_start = fresh_start
        self._new: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._records: dict | None = None
        self._states: dict | None = None
        self._markup: list[dict] | None = None
        """What each markup shard's file holds, as read (None: not read; a shard not read is written)."""
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

    def _shard_file(self, shard: int) -> Path:
        return self.folder / "markup" / f"{shard:02x}.marshal"

    def remembered_markup(self) -> dict | None:
        """The last build's rendered Markdown, or None for a full build."""
        if self.fresh_start:
            return None
        self._markup = [self._read(self._shard_file(shard)) or {} for shard in range(MARKUP_SHARDS)]
        out: dict = {}
        for shard in self._markup:
            out.update(shard)
        return out

    def previous_state(self, language: str) -> State | None:
        """What the last build left of the site in ``language``, or None for a full build."""
        if self.fresh_start:
            return None
        if self._states is None:
            self._states = self._read(self.folder / "state.marshal") or {}
        return State.from_json(self._states.get(language))

    def previous_records(self, language: str) -> dict | None:
        """What the last build made of each file in ``language`` and what it read (outputs/memo.py), or None."""
        if self.fresh_start:
            return None
        if self._records is None:
            self._records = self._read(self.folder / "records.marshal") or {}
        found = self._records.get(language)
        return found if isinstance(found, dict) else None

    def remembered(self, name: str) -> dict | None:
        """What the last build kept under ``name`` (:meth:`commit`'s ``more``), or None."""
        if self.fresh_start:
            return None
        if name not in self._remembered:
            self._remembered[name] = self._read(self.folder / f"{name}.marshal")
        return self._remembered[name]

    def commit(self, markup: dict, states: dict[str, State], records: dict[str, dict] | None = None,
               alerts: dict | None = None) -> None:
        """After a successful build: write its new results, drop what it did not use, record its state
        (``states``: each language's), what it made of each file (``records``: each language's), and
        each action the alerts' snapshot holds, its digest and JSON (``alerts``). Each file is written only
        when what it holds changed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for key, data in self._new.items():
            temporary = self.folder / f".{key}.tmp"
            temporary.write_bytes(data)
            temporary.replace(self.folder / key)
        keep = self._used | set(BOOKKEEPING) | {SourceCache.FILE}
        with os.scandir(self.folder) as entries:
            # A result not used, or a file of an earlier layout (markup.json...).
            drop = [entry.path for entry in entries if entry.name not in keep and entry.is_file(follow_symlinks=False)]
        if drop:
            # Removing a file can take milliseconds (a file system that discards its blocks at once): done while
            # the rest is written; :meth:`wait` (or the next build of this cache) waits for it.
            self._dropping = threading.Thread(target=_remove, args=(drop,))
            self._dropping.start()
            BuildCache._dropping_in[os.fspath(self.folder.absolute())] = self._dropping
        self._commit_markup(markup)
        self._write(self.folder / "state.marshal", {language: state.as_json() for language, state in states.items()})
        if records is not None:
            self._write(self.folder / "records.marshal", records)
        if alerts is not None and alerts != self._remembered.get("alerts"):
            self._write(self.folder / "alerts.marshal", alerts)
        self.templates.flush()

    def wait(self) -> None:
        """Wait until the files :meth:`commit` dropped are gone."""
        if self._dropping is not None:
            self._dropping.join()
            BuildCache._dropping_in.pop(os.fspath(self.folder.absolute()), None)

    def _commit_markup(self, markup: dict) -> None:
        """Each shard of ``markup`` whose file does not hold it already (most hold the very objects read:
        comparing them is quick)."""
        shards: list[dict] = [{} for _ in range(MARKUP_SHARDS)]
        for key, value in markup.items():
            shards[zlib.crc32(key.encode()) % MARKUP_SHARDS][key] = value
        stored = self._markup
        (self.folder / "markup").mkdir(parents=True, exist_ok=True)
        for i, shard in enumerate(shards):
            if stored is None or shard != stored[i]:
                self._write(self._shard_file(i), shard)
        self._markup = shards

    def _read(self, path: Path) -> dict | None:
        """What :meth:`_write` wrote at ``path``: from memory while the file is the one this process last wrote or
        read there, else read (:func:`_read`) and kept."""
        folder, name = os.fspath(self.folder), os.fspath(path)
        if BuildCache._kept_folder != folder:
            BuildCache._kept_folder, BuildCache._kept = folder, {}
        try:
            signature = version_of(path)
        except OSError:
            return None
        kept = BuildCache._kept.get(name)
        if kept is not None and kept[0] == signature:
            return kept[1]
        data = _read(path)  # if the file is replaced meanwhile, its signature is not the one kept with it: read again
        if data is not None:
            BuildCache._kept[name] = (signature, data)
        return data

    def _write(self, path: Path, data: dict) -> None:
        """:func:`_write`, and ``data`` kept for a later build of this folder in this process (which only reads it,
        as it reads what the last build left)."""
        _write(path, data)
        folder = os.fspath(self.folder)
        if BuildCache._kept_folder != folder:
            BuildCache._kept_folder, BuildCache._kept = folder, {}
        BuildCache._kept[os.fspath(path)] = (version_of(path), data)


def _remove(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _read(path: Path) -> dict | None:
    """The mapping :func:`_write` wrote at ``path``; None if there is none, or it is of another stamp,
    truncated or damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    start = len(STAMP) + _HEAD.size
    if len(raw) < start or not raw.startswith(STAMP):
        return None
    size, check = _HEAD.unpack_from(raw, len(STAMP))
    if len(raw) - start != size or zlib.crc32(memoryview(raw)[start:]) != check:
        return None
    enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small containers, all kept: nothing to collect
    try:
        data = marshal.loads(memoryview(raw)[start:])
    except (EOFError, ValueError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()
    return data if isinstance(data, dict) else None


def _write(path: Path, data: dict) -> None:
    """Replace ``path`` with ``data`` (text, numbers, lists and mappings) in one rename."""
    payload = marshal.dumps(data)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(STAMP + _HEAD.pack(len(payload), zlib.crc32(payload)) + payload)
    temporary.replace(path)


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

"""Preview on 127.0.0.1 while editing: re-stage on every change, let the engine reload the browser.

The preview shows exactly what a build would publish as of now. It binds to
127.0.0.1 only; never expose it. When the files have problems, the preview
keeps the last version that worked and shows the problems above every page
until they are fixed. ``kill`` (SIGTERM) or Ctrl-C stops the engine with it.

The preview keeps what it has read and made: files whose bytes did not change
are not parsed again (read.SourceCache), pages and files whose inputs did not
change are not rendered again (outputs/memo.py), and only what changed is
written into the engine's project, which the engine's server renders again
alone (its ``dirty`` mode: the navigation holds sections, so a page's HTML
depends on itself and on what every page shares). A change is seen as it is
saved (the system's file events, through watchdog, MkDocs' own watcher).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from .build import load
from .cache import CompiledTemplates, disk_cache
from .clock import resolve_as_of
from .core.problems import ProblemsFound, report
from .read import SourceCache
from .render import Renderers
from .write import Tree, file_digest, safe_relative

WATCHED = ("content", "campaigns", "theme", "mkdocs.yml")
#: How many problems the browser shows (all of them are in the terminal).
SHOWN = 30
#: After a change, how long to wait for more (an editor saving several files, or writing one in steps).
SETTLE = 0.05


def sync(tree: Tree, target: Path) -> int:
    """Make ``target`` hold exactly ``tree``, touching only files that changed. Returns the count changed."""
    changed = 0
    for rel, data in tree.files.items():
        path = target / rel
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed += 1
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in tree.files:
            path.unlink()
            changed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


class _Preview:
    """The preview folder, kept in step with the files; the last version that worked, while they have problems.

    ``written`` is what the folder holds, by path: the digest of each file, so that a stage writes only
    what changed (and reads nothing back)."""

    def __init__(self, root: Path, folder: Path, as_of_arg):
        self.root, self.folder, self.as_of_arg = root, folder, as_of_arg
        self.loaded = None
        self.records: dict | None = None
        self.sources = SourceCache(root / ".accompany" / "cache")
        self.templates = CompiledTemplates(root / ".accompany" / "cache" / "templates")
        self.written: dict[str, str] | None = None
        self.settings: Tree | None = None
        """The last good project's theme and engine settings (to show problems in)."""

    def stage(self) -> bool:
        try:
            loaded = load(self.root, resolve_as_of(self.as_of_arg), sources=self.sources)
            renderers = Renderers(loaded, disk_cache(self.root / ".accompany" / "cache"), records=self.records,
                                  trace=True, templates=self.templates)
            staged = renderers.staged()
            files = renderers.files()
            engine = loaded.engine
            settings = engine.project(staged, pages=())
            wanted: dict[str, tuple[str, Callable[[], bytes]]] = {}
            for path in staged.pages:
                wanted[engine.project_path(path)] = (staged.pages.digest(path), _getter(staged.pages, path))
            for path in files.files:
                wanted[engine.project_path(path)] = (files.files.digest(path), _getter(files.files, path))
            changed = self._write(wanted, engine.preview(settings))
        except ProblemsFound as found:
            print(report(found.problems).replace("nothing was built or changed", "the preview keeps the last good version"),
                  file=sys.stderr)
            if self.settings is not None:
                lines = [str(p) for p in sorted(set(found.problems))]
                shown = lines[:SHOWN] + ([f"... and {len(lines) - SHOWN} more: see the terminal"] if len(lines) > SHOWN else [])
                self._settings(self.loaded.engine.preview(self.settings, shown))
            return False
        self.records, self.loaded, self.settings = renderers.records(), loaded, settings
        self.sources.write()
        self.templates.flush()
        print(f"preview updated ({changed} file{'s' if changed != 1 else ''} changed)", flush=True)
        return True

    def _write(self, wanted: dict[str, tuple[str, Callable[[], bytes]]], settings: Tree) -> int:
        """Write what changed since the last stage (everything, the first time); remove what is gone."""
        if self.written is None:  # the folder as the last run of the preview left it: made again whole
            sync(Tree(), self.folder)
            self.written = {}
        for path, data in settings.files.items():
            wanted[path] = (file_digest(data), lambda data=data: data)
        changed = 0
        for path, (digest, make) in wanted.items():
            if self.written.get(path) != digest:
                target = self.folder / safe_relative(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(make())
                self.written[path] = digest
                changed += 1
        for path in sorted(set(self.written) - set(wanted)):
            (self.folder / path).unlink(missing_ok=True)
            del self.written[path]
            changed += 1
        if self._config_changed(settings):
            self._touch_pages()
        return changed

    def _settings(self, settings: Tree) -> None:
        """Write the engine's settings alone (the problems above every page, or none)."""
        for path, data in settings.files.items():
            digest = file_digest(data)
            if self.written.get(path) != digest:
                target = self.folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                self.written[path] = digest
        if self._config_changed(settings):
            self._touch_pages()

    def _config_changed(self, settings: Tree) -> bool:
        digest = file_digest(b"".join(path.encode() + b"\0" + data for path, data in sorted(settings.files.items())))
        changed = getattr(self, "_config", None) not in (None, digest)
        self._config = digest
        return changed

    def _touch_pages(self) -> None:
        """Every page is made again by the engine: what every page shows changed (the problems above them)."""
        now = time.time()
        for path in self.written:
            if path.endswith(".md"):
                os.utime(self.folder / path, (now, now))


def _getter(files, path: str) -> Callable[[], bytes]:
    return lambda: files[path]


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


class _Changes:
    """Saved files under the project's watched folders, as the system reports them (watchdog)."""

    def __init__(self, root: Path):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.event = threading.Event()
        changes = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type not in ("opened", "closed_no_write"):
                    changes.event.set()

        self.observer = Observer()
        for name in WATCHED:
            path = root / name
            if path.is_dir():
                self.observer.schedule(Handler(), str(path), recursive=True)
        self.observer.schedule(Handler(), str(root), recursive=False)  # mkdocs.yml, and folders made later
        self.observer.daemon = True
        self.observer.start()

    def wait(self, timeout: float) -> bool:
        """Whether something changed within ``timeout`` seconds (then a little more, for the rest of a save)."""
        if not self.event.wait(timeout):
            return False
        time.sleep(SETTLE)
        self.event.clear()
        return True

    def stop(self) -> None:
        self.observer.stop()


def serve(root: Path, port: int, as_of_arg) -> int:
    folder = root / ".accompany" / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    preview = _Preview(root, folder, as_of_arg)
    if not preview.stage():
        return 1
    # kill (SIGTERM) and a closed terminal (SIGHUP) stop the engine too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    loaded = preview.loaded
    address = f"127.0.0.1:{port}"
    process = loaded.engine.serve(folder, address, loaded.site.clock.now)
    print(f"previewing on {loaded.engine.preview_url(address, loaded.config)} (Ctrl-C to stop)", flush=True)
    changes = _Changes(root)
    try:
        while process.poll() is None:
            if changes.wait(0.5):
                preview.stage()
    finally:
        changes.stop()
        process.terminate()
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()
            process.wait()
    return process.returncode or 0

"""Preview on 127.0.0.1 while editing: the build's own incremental build, served by the preview itself.

The preview shows exactly what a build would publish as of now, in every
language, at the preview's address. It binds to 127.0.0.1 only; never expose
it. When the files have problems, the preview keeps the last version that
worked and shows the problems above every page until they are fixed. ``kill``
(SIGTERM) or Ctrl-C stops it, and the engine with it.

Each change runs :func:`generator.build.build`, as ``accompany build`` does, in
this process (kept loaded between builds), into folders of the preview's own:
``.accompany/preview/site`` and its cache ``.accompany/preview/cache`` (the
site and the build's cache are never touched). So the preview makes again only
what changed (read.SourceCache, outputs/memo.py, incremental.py), checks every
byte the way a build does, and a withdrawn item leaves it as it leaves the site.
``preview_server.py`` serves the folder and reloads the pages open in a browser.
A change is seen as it is saved (the system's file events, through watchdog).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from .build import build
from .clock import resolve_as_of
from .core.problems import ProblemsFound, report
from .engines import EngineFailed, Warm
from .load import collect_cycles, validate_settings
from .preview_server import Server, Shown
from .read import SourceCache, parse_settings

WATCHED = ("content", "campaigns", "theme", "mkdocs.yml")
#: After a change, how long to wait for more (an editor saving several files, or writing one in steps).
SETTLE = 0.05
#: Seconds without a change before the preview frees what its builds left (load.collect_cycles, a walk of every
#: object it holds): never while a volunteer saves edit after edit.
IDLE = 2.0
#: What the preview of an older accompany left in .accompany/preview (the engine's project, an alerts snapshot): removed.
_OLD_LAYOUT = ("mkdocs.yml", "accompany_hooks.py", "docs", "theme", "alerts")


def site_path(root: Path) -> str:
    """The path of the site's URL (``/``, ``/org/``), where the preview serves it; ``/`` while mkdocs.yml has
    problems (the build reports them)."""
    try:
        source, _ = parse_settings((root / "mkdocs.yml").read_bytes())
    except OSError:
        return "/"
    config = validate_settings(source)[0] if source is not None else None
    path = urlsplit(config.site_url).path if config is not None else "/"
    return path if path.endswith("/") else path + "/"


class _Preview:
    """The preview's site folder, built again on every change; the last version that worked, while the
    files have problems (then ``shown`` holds them)."""

    def __init__(self, root: Path, port: int, as_of_arg):
        self.root, self.port, self.as_of_arg = root, port, as_of_arg
        folder = root / ".accompany" / "preview"
        self.site, self.cache = folder / "site", folder / "cache"
        for name in _OLD_LAYOUT:
            old = folder / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        self.shown = Shown(site_path(root))
        self.good = False
        self.warm: Warm | None = None
        self.sources = SourceCache(self.cache)
        """The files as the last build parsed and validated them, kept in this process: not read back from disk."""

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.port}{prefix}"

    def stage(self) -> bool:
        prefix = site_path(self.root)
        told: list[bool] = []

        def tell(loaded) -> None:  # the pages open in a browser reload once the new site is in place
            self.shown.update((), prefix, loaded.site.config.settings.language)
            told.append(True)

        try:
            built = build(self.root, self.site, resolve_as_of(self.as_of_arg), cache_dir=self.cache,
                          site_url=self.url(prefix), warm=self.warm, alerts=False, wait=False, sources=self.sources,
                          collect=False, swapped=tell)  # collected when the preview is idle (serve)
        except (ProblemsFound, EngineFailed) as failed:
            if isinstance(failed, ProblemsFound):
                print(report(failed.problems).replace("nothing was built or changed",
                                                      "the preview keeps the last good version"), file=sys.stderr)
                lines = [str(p) for p in sorted(set(failed.problems))]
            else:
                print(f"engine: {failed}\nthe preview keeps the last good version", file=sys.stderr)
                lines = [f"{self.root.name}: the engine failed: {failed}"]
            if self.good:
                self.shown.update(tuple(lines))
            return False
        plan = built.plan
        changed = built.files if plan.kind == "full" else len(plan.pages) + len(plan.files) + len(plan.removed)
        self.good = True
        if not told:  # nothing changed: the site is the last one, but the problems shown (if any) are gone
            tell(built.loaded)
        print(f"preview updated ({changed} file{'s' if changed != 1 else ''} changed)", flush=True)
        self._warm_up(built.loaded)
        return True

    def _warm_up(self, loaded) -> None:
        """The engine loaded for the next build (its environment is given with its run): an edit does not
        wait for its imports."""
        engine = loaded.engine
        if self.warm is None or type(self.warm.engine) is not type(engine):
            self.close()
            self.warm = Warm(engine)
        self.warm.fill(engine.environment(loaded.site.clock.now))

    def close(self) -> None:
        if self.warm is not None:
            self.warm.close()


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


class _Changes:
    """Saved files under the project's watched folders, as the system reports them (watchdog)."""

    def __init__(self, root: Path):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.event = threading.Event()
        self.root = root
        self._inside: dict[str, tuple[int, object]] = {}
        """The watched folders whose files are watched too: the folder's inode, and its watch."""
        self._lock = threading.Lock()
        changes = self

        class Handler(FileSystemEventHandler):
            def __init__(self, names: tuple[str, ...] | None = None):
                self.names = names
                """The only names that count (in the project's own folder), or None: any."""

            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = (event.src_path, getattr(event, "dest_path", "") or "")
                if self.names is None or any(os.path.basename(p) in self.names for p in paths if p):
                    if self.names is not None:
                        changes._watch_inside()  # a watched folder made (or put back) since: its files too
                    changes.event.set()

        self.Handler = Handler
        self.observer = Observer()
        self._watch_inside()
        # mkdocs.yml, and watched folders made later; not the preview's own files (.accompany/), a site/ or an
        # editor's backup files, which would build again for nothing.
        self.observer.schedule(Handler(WATCHED), str(root), recursive=False)
        self.observer.daemon = True
        self.observer.start()

    def _watch_inside(self) -> None:
        """Watch the files in each watched folder there is now and that is not watched yet (or is another
        folder of the same name: removed, then made again)."""
        with self._lock:
            for name in WATCHED:
                path = self.root / name
                try:
                    inode = path.stat().st_ino if path.is_dir() else None
                except OSError:
                    inode = None
                last = self._inside.get(name)
                if inode is None or (last is not None and last[0] == inode):
                    continue
                if last is not None:
                    self.observer.unschedule(last[1])
                    del self._inside[name]
                try:
                    self._inside[name] = (inode, self.observer.schedule(self.Handler(), str(path), recursive=True))
                except OSError:
                    continue  # gone again meanwhile: its next making says so

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
    # kill (SIGTERM) and a closed terminal (SIGHUP) stop the preview and its engine, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    preview = _Preview(root, port, as_of_arg)
    server = Server(preview.site, port, preview.shown)  # bound first: the port is taken, or the preview stops now
    changes = _Changes(root)  # watching before the first build: a file saved meanwhile is built next
    try:
        if not preview.stage():
            return 1
        server.start()
        print(f"previewing on {preview.url(preview.shown.prefix)} (Ctrl-C to stop)", flush=True)
        built = time.monotonic()  # collected since: None
        while True:
            if changes.wait(0.5):
                preview.stage()
                built = time.monotonic()
            elif built is not None and time.monotonic() - built >= IDLE:
                collect_cycles()
                built = None
    finally:
        changes.stop()
        preview.close()
        server.server_close()  # its threads are the process's daemons: they end with it

"""Preview on 127.0.0.1 while editing: re-stage on every change, let the engine reload the browser.

The preview shows exactly what a build would publish as of now. It binds to
127.0.0.1 only; never expose it. When the files have problems, the preview
keeps the last version that worked and shows the problems above every page
until they are fixed. ``kill`` (SIGTERM) or Ctrl-C stops the engine with it.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from .build import load, render
from .cache import disk_cache
from .clock import resolve_as_of
from .core.problems import ProblemsFound, report
from .write import Tree

WATCHED = ("content", "campaigns", "theme", "mkdocs.yml")
#: How many problems the browser shows (all of them are in the terminal).
SHOWN = 30


def _snapshot(root: Path) -> dict[str, tuple[float, int]]:
    state = {}
    for name in WATCHED:
        base = root / name
        paths = [base] if base.is_file() else base.rglob("*") if base.is_dir() else []
        for path in paths:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


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
    """The preview folder, kept in step with the files; the last version that worked, while they have problems."""

    def __init__(self, root: Path, folder: Path, as_of_arg):
        self.root, self.folder, self.as_of_arg = root, folder, as_of_arg
        self.good: Tree | None = None
        self.loaded = None

    def stage(self) -> bool:
        try:
            loaded = load(self.root, resolve_as_of(self.as_of_arg))
            tree = render(loaded, cache=disk_cache(self.root / ".accompany" / "cache"))
            changed = sync(loaded.engine.preview(tree), self.folder)
        except ProblemsFound as found:
            print(report(found.problems).replace("nothing was built or changed", "the preview keeps the last good version"),
                  file=sys.stderr)
            if self.good is not None:
                lines = [str(p) for p in sorted(set(found.problems))]
                shown = lines[:SHOWN] + ([f"... and {len(lines) - SHOWN} more: see the terminal"] if len(lines) > SHOWN else [])
                sync(self.loaded.engine.preview(self.good, shown), self.folder)
            return False
        self.good, self.loaded = tree, loaded
        print(f"preview updated ({changed} file{'s' if changed != 1 else ''} changed)")
        return True


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


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
    state = _snapshot(root)
    try:
        while process.poll() is None:
            time.sleep(0.5)
            current = _snapshot(root)
            if current != state:
                state = current
                preview.stage()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()
            process.wait()
    return process.returncode or 0

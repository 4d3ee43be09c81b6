"""Preview on 127.0.0.1 while editing: re-stage on every change, let the engine reload the browser.

The preview shows exactly what a build would publish as of now. It binds to
127.0.0.1 only; never expose it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from . import engine
from .build import load, render
from .cache import disk_cache
from .cli import resolve_as_of
from .core.problems import ProblemsFound, report
from .write import Tree

WATCHED = ("content", "campaigns", "theme", "mkdocs.yml")


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


def _stage(root: Path, preview: Path, as_of_arg) -> bool:
    try:
        loaded = load(root, resolve_as_of(as_of_arg))
        changed = sync(render(loaded, cache=disk_cache(root / ".accompany" / "cache")), preview)
    except ProblemsFound as found:
        print(report(found.problems).replace("nothing was built or changed", "the preview keeps the last good version"),
              file=sys.stderr)
        return False
    print(f"preview updated ({changed} file{'s' if changed != 1 else ''} changed)")
    return True


def serve(root: Path, port: int, as_of_arg) -> int:
    preview = root / ".accompany" / "preview"
    preview.mkdir(parents=True, exist_ok=True)
    if not _stage(root, preview, as_of_arg):
        return 1
    process = engine.serve(preview, f"127.0.0.1:{port}", load(root, resolve_as_of(as_of_arg)).site.clock.now)
    print(f"previewing on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    state = _snapshot(root)
    try:
        while process.poll() is None:
            time.sleep(0.5)
            current = _snapshot(root)
            if current != state:
                state = current
                _stage(root, preview, as_of_arg)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return process.returncode or 0

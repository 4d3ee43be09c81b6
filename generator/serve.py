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
from urllib.parse import urlsplit

import yaml

from . import engine
from .build import load, render
from .cache import disk_cache
from .clock import resolve_as_of
from .core.problems import ProblemsFound, report
from .write import Tree

WATCHED = ("content", "campaigns", "theme", "mkdocs.yml")
#: How many problems the browser shows (all of them are in the terminal).
SHOWN = 30
RELOAD_SCRIPT = "assets/javascripts/preview-reload.js"

#: The engine's reload script is inline, which every page's CSP refuses (script-src 'self'). This file,
#: from the preview's own origin, does what it would: it reads the two numbers the engine wrote into
#: that script and asks the engine, as it would, when the preview has changed.
_RELOAD_JS = """\
/* accompany serve only: reload the page when the preview changes (the engine's inline script cannot run). */
window.addEventListener("load", function () {
  "use strict";
  var found = null;
  Array.prototype.forEach.call(document.scripts, function (s) {
    var m = /livereload\\((\\d+), (\\d+)\\);\\s*$/.exec(s.textContent || "");
    if (m) { found = m; }
  });
  if (!found) { return; }
  var epoch = found[1], id = found[2];
  (function poll() {
    var request = new XMLHttpRequest();
    request.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) { location.reload(); }
      else { setTimeout(poll, this.status === 200 ? 0 : 3000); }
    };
    request.open("GET", "/livereload/" + epoch + "/" + id);
    request.send();
  })();
});
"""


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


def preview_tree(tree: Tree) -> Tree:
    """The staged project as the preview serves it: with the reload script the pages' CSP allows."""
    config = yaml.safe_load(tree.files["mkdocs.yml"])
    config["extra_javascript"] = list(config.get("extra_javascript") or []) + [RELOAD_SCRIPT]
    tree.files["mkdocs.yml"] = yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode()
    tree.add("docs/" + RELOAD_SCRIPT, _RELOAD_JS.encode(), "preview")
    return tree


def show_problems(preview: Path, lines: list[str]) -> None:
    """Keep the last good preview, with ``lines`` shown above every page (the engine rebuilds and reloads)."""
    path = preview / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config.setdefault("extra", {})["preview_problems"] = lines[:SHOWN] + (
        [f"... and {len(lines) - SHOWN} more: see the terminal"] if len(lines) > SHOWN else [])
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _stage(root: Path, preview: Path, as_of_arg) -> bool:
    try:
        loaded = load(root, resolve_as_of(as_of_arg))
        tree = render(loaded, cache=disk_cache(root / ".accompany" / "cache"))
        changed = sync(preview_tree(tree), preview)
    except ProblemsFound as found:
        print(report(found.problems).replace("nothing was built or changed", "the preview keeps the last good version"),
              file=sys.stderr)
        if (preview / "mkdocs.yml").is_file():
            show_problems(preview, [str(p) for p in sorted(set(found.problems))])
        return False
    print(f"preview updated ({changed} file{'s' if changed != 1 else ''} changed)")
    return True


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


def serve(root: Path, port: int, as_of_arg) -> int:
    preview = root / ".accompany" / "preview"
    preview.mkdir(parents=True, exist_ok=True)
    if not _stage(root, preview, as_of_arg):
        return 1
    # kill (SIGTERM) and a closed terminal (SIGHUP) stop the engine too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    loaded = load(root, resolve_as_of(as_of_arg))
    process = engine.serve(preview, f"127.0.0.1:{port}", loaded.site.clock.now)
    path = urlsplit(loaded.config.site_url).path  # the engine serves the site under its URL's path
    print(f"previewing on http://127.0.0.1:{port}{path} (Ctrl-C to stop)", flush=True)
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
        try:
            process.wait(timeout=10)
        except Exception:
            process.kill()
            process.wait()
    return process.returncode or 0

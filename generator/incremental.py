"""Rebuild only what changed, with the same bytes a full build would give.

A page's HTML depends on its own staged Markdown and on what every page
shares: the engine config (navigation included), the theme, and the engine's
version. The navigation holds sections, not items, so an item's page does not
depend on other items. Hence:

- if nothing staged changed and the site on disk is the one we built, there is
  nothing to do;
- if only some staged files changed, the engine runs on a partial project (the
  changed pages plus the pages in the navigation), and the new site is the old
  one (hard-linked: unchanged files keep their bytes and mtime) with those
  pages replaced, removed pages deleted, static files copied, and the search
  index merged in the engine's own page order;
- anything else (first build, a change of config, theme or engine version, a
  site folder touched by someone else) is a full build.

``tests/test_incremental.py`` checks that an incremental build gives exactly
the bytes of a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from .write import Tree

STATE_VERSION = 1


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def secrets_key(secrets: dict) -> str:
    """A hash of the private real names: when they change, every file is scanned again."""
    return _digest("\0".join(sorted(secrets)).encode())


def engine_key(tree: Tree) -> str:
    """A hash of everything every page depends on: config, theme, engine versions."""
    h = hashlib.sha256()
    for name in ("mkdocs", "mkdocs-material", "accompany"):
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    for path in sorted(tree.files):
        if not path.startswith("docs/"):
            h.update(path.encode() + b"\0" + tree.files[path] + b"\0")
    return h.hexdigest()


def site_path(doc: str) -> str:
    """Where a staged docs file ends up in the site: ``x/index.md`` becomes ``x/index.html``."""
    return doc[: -len(".md")] + ".html" if doc.endswith(".md") else doc


def page_url(doc: str) -> str:
    """The URL of a staged page: ``actions/x/index.md`` is ``actions/x/``, ``index.md`` is ``""``."""
    return doc[: -len("index.md")]


def engine_order(doc: str) -> tuple:
    """The order in which MkDocs walks docs: files before folders, index first, then by name."""
    *folders, name = doc.split("/")
    stem = name.rsplit(".", 1)[0]
    return tuple((1, f) for f in folders) + ((0, stem not in ("index", "README"), name),)


def _site_manifest(site: Path) -> dict[str, list[int]]:
    out = {}
    for dirpath, _, filenames in os.walk(site):
        for name in filenames:
            path = Path(dirpath) / name
            stat = path.stat()
            out[path.relative_to(site).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return out


@dataclass
class State:
    """What the last successful build staged and left on disk (kept in the cache folder)."""

    engine: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    site: dict[str, list[int]] = field(default_factory=dict)
    secrets: str = ""

    @classmethod
    def read(cls, path: Path) -> "State | None":
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        if data.get("version") != STATE_VERSION:
            return None
        return cls(data["engine"], data["docs"], data["site"], data["secrets"])

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": STATE_VERSION, "engine": self.engine, "docs": self.docs,
                                         "site": self.site, "secrets": self.secrets}))
        temporary.replace(path)

    @classmethod
    def of(cls, tree: Tree, site: Path, secrets: str) -> "State":
        docs = {p[len("docs/"):]: _digest(d) for p, d in tree.files.items() if p.startswith("docs/")}
        return cls(engine_key(tree), docs, _site_manifest(site), secrets)


@dataclass(frozen=True)
class Plan:
    """``none``, ``partial`` or ``full``, and for partial builds what changed (staged docs paths)."""

    kind: str
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reason: str = ""


def plan(tree: Tree, state: State | None, site: Path, secrets: str) -> Plan:
    """Decide how much to rebuild."""
    if state is None:
        return Plan("full", reason="no record of an earlier build")
    if not site.is_dir() or _site_manifest(site) != state.site:
        return Plan("full", reason="the site folder is not the one the last build left")
    if engine_key(tree) != state.engine:
        return Plan("full", reason="config, theme or engine changed")
    docs = {p[len("docs/"):]: d for p, d in tree.files.items() if p.startswith("docs/")}
    changed = tuple(sorted(p for p, d in docs.items() if state.docs.get(p) != _digest(d)))
    removed = tuple(sorted(set(state.docs) - set(docs)))
    if not changed and not removed and secrets == state.secrets:
        return Plan("none")
    return Plan("partial", changed, removed)


def nav_docs(tree: Tree) -> set[str]:
    """The staged pages the navigation points at (always rebuilt: they show which page is active)."""
    config = yaml.safe_load(tree.files["mkdocs.yml"])
    found: set[str] = set()

    def walk(items) -> None:
        for item in items or ():
            if isinstance(item, dict):
                for value in item.values():
                    walk(value) if isinstance(value, list) else found.add(value)
            elif isinstance(item, str):
                found.add(item)

    walk(config.get("nav"))
    return found


def partial_project(tree: Tree, plan: Plan) -> Tree:
    """The staged project for the engine: config, theme, the navigation's pages and the changed pages."""
    pages = nav_docs(tree) | {p for p in plan.changed if p.endswith(".md")}
    out = Tree()
    for path, data in tree.files.items():
        if not path.startswith("docs/") or path[len("docs/"):] in pages:
            out.add(path, data, "partial")
    return out


def assemble(old_site: Path, partial_site: Path, tree: Tree, plan: Plan, new_site: Path) -> list[str]:
    """Make ``new_site``: the old site hard-linked, with what changed replaced. Returns the changed site paths."""
    rebuilt = nav_docs(tree) | {p for p in plan.changed if p.endswith(".md")}
    removed = {site_path(p) for p in plan.removed}
    replaced = {site_path(p) for p in rebuilt} | {site_path(p) for p in plan.changed if not p.endswith(".md")}
    for dirpath, _, filenames in os.walk(old_site):
        for name in filenames:
            source = Path(dirpath) / name
            rel = source.relative_to(old_site).as_posix()
            if rel in removed or rel in replaced or rel == "search/search_index.json":
                continue
            target = new_site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:  # a file system without hard links: copy, keeping the mtime
                shutil.copy2(source, target)
    written = []
    for doc in sorted(rebuilt):
        rel = site_path(doc)
        target = new_site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(partial_site / rel, target)
        written.append(rel)
    for doc in plan.changed:
        if not doc.endswith(".md"):
            target = new_site / doc
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tree.files["docs/" + doc])
            written.append(doc)
    _prune_empty_folders(new_site)
    merged = merge_search_index(old_site / "search/search_index.json", partial_site / "search/search_index.json",
                                rebuilt | set(plan.removed), tree)
    (new_site / "search").mkdir(parents=True, exist_ok=True)
    (new_site / "search/search_index.json").write_bytes(merged)
    written.append("search/search_index.json")
    return written


def _prune_empty_folders(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if not dirnames and not filenames and Path(dirpath) != root:
            try:
                os.rmdir(dirpath)
            except OSError:
                pass


def merge_search_index(old: Path, partial: Path, replaced_docs: set[str], tree: Tree) -> bytes:
    """The old index without the replaced pages' entries, plus the partial build's, in the engine's order."""
    old_index = json.loads(old.read_text())
    new_index = json.loads(partial.read_text())
    replaced_urls = {page_url(d) for d in replaced_docs if d.endswith(".md")}
    pages = sorted((p[len("docs/"):] for p in tree.files if p.startswith("docs/") and p.endswith(".md")), key=engine_order)
    rank = {page_url(d): i for i, d in enumerate(pages)}
    kept = [e for e in old_index["docs"] if e["location"].split("#")[0] not in replaced_urls]
    added = [e for e in new_index["docs"] if e["location"].split("#")[0] in replaced_urls]
    entries = sorted(kept + added, key=lambda e: rank.get(e["location"].split("#")[0], len(rank)))
    # Same serialisation as Material's search plugin (material/plugins/search/plugin.py).
    return json.dumps({"config": new_index["config"], "docs": entries}, separators=(",", ":"), default=str).encode()

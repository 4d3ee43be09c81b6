"""Build only what changed, on every core, with the same bytes a single full build would give.

A page's HTML depends on its own staged Markdown and on what every page
shares: the engine config (navigation included), the theme, and the engine's
version. The navigation holds sections, not items, so an item's page does not
depend on other items. Hence a site can be made from several engine runs, each
on a part of the pages (plus the navigation's pages, which show which section
is active), and put together:

- a **full** build splits every page into one part per core, runs the engines
  side by side, and merges their outputs;
- a **partial** build runs the engine only on the pages that changed (plus the
  navigation's), on a copy of the old site made of hard links (unchanged files
  keep their bytes and mtime);
- **none**: nothing changed and the site on disk is the one we built.

Files that are not pages (feeds, calendars, sheets, images) never go through
the engine: the build writes them next to the engine's pages. The search index
is merged in the engine's own page order. ``tests/test_incremental.py`` checks
that partial and parallel builds give exactly the bytes of a one-engine build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Mapping

import yaml

from .write import Tree

STATE_VERSION = 2
SEARCH_INDEX = "search/search_index.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def secrets_key(secrets: dict) -> str:
    """A hash of the private real names: when they change, every file is scanned again."""
    return _digest("\0".join(sorted(secrets)).encode())


def engine_key(project: Tree) -> str:
    """A hash of what every page depends on: config, theme, engine versions (not the pages)."""
    h = hashlib.sha256()
    for name in ("mkdocs", "mkdocs-material", "accompany"):
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    for path in sorted(project.files):
        if not path.startswith("docs/"):
            h.update(path.encode() + b"\0" + project.files[path] + b"\0")
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


def site_manifest(site: Path) -> dict[str, list[int]]:
    """Size and mtime of every file of a site: how we know nobody else touched it."""
    out: dict[str, list[int]] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                elif not entry.is_dir():  # os.walk's files: a link to a folder is neither walked nor listed
                    stat = entry.stat()
                    out[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]

    walk(os.fspath(site), "")
    return out


def nav_pages(project: Tree) -> set[str]:
    """The staged pages the navigation points at (in every engine run: they show which page is active)."""
    config = yaml.safe_load(project.files["mkdocs.yml"])
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
            if data.get("version") != STATE_VERSION:
                return None
            return cls(data["engine"], data["docs"], data["site"], data["secrets"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": STATE_VERSION, "engine": self.engine, "docs": self.docs,
                                         "site": self.site, "secrets": self.secrets}))
        temporary.replace(path)


def docs_digests(*trees: Tree) -> dict[str, str]:
    """Hash of each staged docs file (pages and other files), keyed without the ``docs/`` prefix."""
    return {p[len("docs/"):]: _digest(d) for tree in trees for p, d in tree.files.items() if p.startswith("docs/")}


@dataclass(frozen=True)
class Plan:
    """What this build does: ``none``, ``partial`` or ``full``.

    ``pages`` are the staged pages the engine renders; ``files`` the other docs
    files to write; ``removed`` the docs files that are gone.
    """

    kind: str
    pages: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reason: str = ""


def plan(project: Tree, files: Tree, state: State | None, site: Path, secrets: str) -> Plan:
    """Decide how much to build. ``project`` holds config, theme and pages; ``files`` the other outputs."""
    pages = sorted(p[len("docs/"):] for p in project.files if p.startswith("docs/"))
    others = sorted(p[len("docs/"):] for p in files.files)
    reason = ("no record of an earlier build" if state is None
              else "the site folder is not the one the last build left" if not site.is_dir() or site_manifest(site) != state.site
              else "config, theme or engine changed" if engine_key(project) != state.engine
              else "")
    if reason:
        return Plan("full", tuple(pages), tuple(others), (), reason)
    digests = docs_digests(project, files)
    changed = {p for p, d in digests.items() if state.docs.get(p) != d}
    removed = tuple(sorted(set(state.docs) - set(digests)))
    changed_pages = tuple(p for p in pages if p in changed)
    changed_files = tuple(p for p in others if p in changed)
    if not changed and not removed and secrets == state.secrets:
        return Plan("none")
    engine_pages = tuple(sorted(set(changed_pages) | (nav_pages(project) if changed_pages or any(
        p.endswith(".md") for p in removed) else set())))
    return Plan("partial", engine_pages, changed_files, removed)


#: Fewer pages than this per engine run are not worth another run: starting one costs about a second.
MIN_PAGES_PER_RUN = 50


def split(pages: tuple[str, ...], nav: set[str], parts: int, sizes: Mapping[str, int] | None = None) -> list[list[str]]:
    """Pages in ``parts`` runs of similar work, in engine order; the navigation's pages in each.

    The engine's time grows with a page's bytes (``sizes``; without them every
    page counts the same), so runs are cut to carry similar bytes: the slowest
    run is the one the build waits for.
    """
    items = sorted((p for p in pages if p not in nav), key=engine_order)
    parts = max(1, min(parts, len(items) // MIN_PAGES_PER_RUN or 1))
    shared = sorted(p for p in pages if p in nav)
    if not items:
        return [shared]
    weights = [PAGE_WEIGHT + (sizes.get(p, 0) if sizes else 0) for p in items]
    total, done = sum(weights), 0
    runs: list[list[str]] = [[] for _ in range(parts)]
    for page, weight in zip(items, weights):
        runs[min(parts - 1, (done + weight // 2) * parts // total)].append(page)
        done += weight
    return [shared + run for run in runs]


#: What a page costs the engine besides its bytes (its template, its search entry), in bytes' worth.
PAGE_WEIGHT = 4096


def engine_project(project: Tree, pages: list[str]) -> Tree:
    """The project one engine run sees: config, theme and ``pages``."""
    wanted = set(pages)
    out = Tree()
    for path, data in project.files.items():
        if not path.startswith("docs/") or path[len("docs/"):] in wanted:
            out.add(path, data, "engine project")
    return out


def compose(new_site: Path, old_site: Path | None, runs: list[tuple[Path, list[str]]], plan: Plan,
            files: Tree, project: Tree, written_files: Path | None = None) -> list[str]:
    """Put the new site together in ``new_site``; returns the site paths written (not linked).

    ``runs`` are ``(engine output, pages it rendered)``. From an old site
    (partial builds) every file is hard-linked except what is replaced or
    removed; the first run's output gives what the engine makes besides pages
    (theme assets, 404 page) when there is no old site. ``written_files``: a
    folder where the build already wrote every file of ``files`` (a full build
    does, while the engines run); they are moved in from there.
    """
    rendered = {site_path(p) for _, pages in runs for p in pages}
    replaced = rendered | {site_path(p) for p in plan.files} | {SEARCH_INDEX}
    removed = {site_path(p) for p in plan.removed}
    written: list[str] = []
    folders = _Folders(new_site)
    taken: set[str] = set()
    if old_site is not None:
        _link_tree(old_site, new_site, skip=replaced | removed)
    elif runs:
        # The first run's output becomes the new site in one rename: its pages are in place.
        first, first_pages = runs[0]
        os.rename(first, new_site)
        taken = {site_path(p) for p in first_pages}
        written += sorted(taken)
    os.makedirs(new_site, exist_ok=True)
    for output, pages in runs:
        for doc in pages:
            rel = site_path(doc)
            if rel in taken:  # the navigation's pages come out of every run alike
                continue
            taken.add(rel)
            folders.make(rel)
            os.replace(os.path.join(output, rel), os.path.join(new_site, rel))
            written.append(rel)
    if written_files is not None:
        if written_files.is_dir():  # not there when there are no files
            _move_into(os.fspath(written_files), os.fspath(new_site))
        written += plan.files
    else:
        for doc in plan.files:
            folders.make(doc)
            with open(os.path.join(new_site, doc), "wb") as out:
                out.write(files.files["docs/" + doc])
            written.append(doc)
    if old_site is not None:
        _prune_empty_folders(new_site)
    indexes = [output / SEARCH_INDEX for output, _ in runs]
    if old_site is None and runs:
        indexes[0] = new_site / SEARCH_INDEX  # the first run's output is the new site now
    index = merge_search_index(old_site / SEARCH_INDEX if old_site is not None else None, indexes,
                               {p for _, pages in runs for p in pages} | set(plan.removed), project)
    if index is not None:
        (new_site / "search").mkdir(parents=True, exist_ok=True)
        (new_site / SEARCH_INDEX).unlink(missing_ok=True)
        (new_site / SEARCH_INDEX).write_bytes(index)
        written.append(SEARCH_INDEX)
    return written


def _move_into(source: str, target: str) -> None:
    """Move everything under ``source`` into ``target``; a folder ``target`` lacks goes in one rename."""
    with os.scandir(source) as entries:
        for entry in entries:
            destination = os.path.join(target, entry.name)
            if entry.is_dir(follow_symlinks=False) and os.path.isdir(destination):
                _move_into(entry.path, destination)
            else:
                os.replace(entry.path, destination)


class _Folders:
    """Makes the folders of files about to be written under ``root``, each once."""

    def __init__(self, root: Path):
        self.root = os.fspath(root)
        self.made: set[str] = set()

    def make(self, rel: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder and folder not in self.made:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self.made.add(folder)


def _link_tree(source: Path, target: Path, skip: set[str]) -> None:
    for dirpath, _, filenames in os.walk(source):
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(source).as_posix()
            if rel in skip:
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target / rel)
            except OSError:  # a file system without hard links: copy, keeping the mtime
                shutil.copy2(path, target / rel)


def _prune_empty_folders(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if not os.listdir(dirpath) and Path(dirpath) != root:
            os.rmdir(dirpath)


def merge_search_index(old: Path | None, parts: list[Path], rebuilt: set[str], project: Tree) -> bytes | None:
    """One search index: the old one without the rebuilt pages, plus each run's, in the engine's order."""
    if old is None and not parts:
        return None
    indexes = [json.loads(p.read_text()) for p in parts]
    replaced = {page_url(d) for d in rebuilt if d.endswith(".md")}
    entries = []
    if old is not None:
        previous = json.loads(old.read_text())
        entries += [e for e in previous["docs"] if e["location"].split("#")[0] not in replaced]
        config = previous["config"]
    seen: set[str] = set()
    for index in indexes:
        config = index["config"]
        pages_here = []
        for entry in index["docs"]:
            url = entry["location"].split("#")[0]
            if url in replaced and url not in seen:
                pages_here.append(entry)
        seen |= {e["location"].split("#")[0] for e in pages_here}
        entries += pages_here
    pages = sorted((p[len("docs/"):] for p in project.files if p.startswith("docs/") and p.endswith(".md")),
                   key=engine_order)
    rank = {page_url(d): i for i, d in enumerate(pages)}
    entries.sort(key=lambda e: rank.get(e["location"].split("#")[0], len(rank)))
    # Same serialisation as Material's search plugin (material/plugins/search/plugin.py).
    return json.dumps({"config": config, "docs": entries}, separators=(",", ":"), default=str).encode()

"""Build only what changed, on every core, with the same bytes a single full build would give.

A page's HTML depends on its own staged Markdown and on what every page
shares: the engine's project without pages (its config, navigation included,
and the theme), and the engine's version. The navigation holds sections, not
items, so an item's page does not depend on other items. Hence a site can be
made from several engine runs, each on a part of the pages (plus the
navigation's pages, which show which section is active), and put together:

- a **full** build splits every page into one part per core, runs the engines
  side by side, and puts their outputs together;
- a **partial** build runs the engine only on the pages that changed (plus the
  navigation's), and keeps every other file of the old site as it is (hard
  links: unchanged files keep their bytes and mtime);
- **none**: nothing changed and the site on disk is the one we built.

Files that are not pages (feeds, calendars, sheets, images) never go through
the engine: the build writes them beside the engine's pages. The search index
is merged in the engine's own page order. ``tests/test_incremental.py`` checks
that partial and parallel builds give exactly the bytes of a one-engine build.

The plan is made in two steps, each once: :func:`plan_pages` (which pages the
engine renders: known as soon as the pages are, so the engines start at
once), then :func:`plan_files` (which other files to write, what is gone),
once the other files are made. :func:`compose` puts the new site together,
through :mod:`generator.write`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable, Mapping

from .engines import Engine, Staged
from .write import Tree, link_tree, move_files, replace_files

STATE_VERSION = 3


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def secrets_key(secrets: dict) -> str:
    """A hash of the private real names: when they change, every file is scanned again."""
    return _digest("\0".join(sorted(secrets)).encode())


def engine_key(engine: Engine, staged: Staged) -> str:
    """A hash of what every page depends on: the engine's project without pages, its version, ours."""
    h = hashlib.sha256()
    for name in (*engine.packages, "accompany"):
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    shared = engine.project(staged, pages=()).files
    for path in sorted(shared):
        h.update(path.encode() + b"\0" + shared[path] + b"\0")
    return h.hexdigest()


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


@dataclass
class State:
    """What the last successful build staged and left on disk (kept in the cache folder: cache.py)."""

    engine: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    site: dict[str, list[int]] = field(default_factory=dict)
    secrets: str = ""

    @classmethod
    def from_json(cls, data) -> "State | None":
        """The state recorded as :meth:`as_json` gave it; None when it is not (another version, damaged)."""
        try:
            if data.get("version") != STATE_VERSION:
                return None
            return cls(data["engine"], data["docs"], data["site"], data["secrets"])
        except (AttributeError, KeyError, TypeError):
            return None

    def as_json(self) -> dict:
        return {"version": STATE_VERSION, "engine": self.engine, "docs": self.docs, "site": self.site,
                "secrets": self.secrets}


def digests(staged: Staged, files: Tree) -> dict[str, str]:
    """Hash of each staged page (by doc path) and of each other file (by site path)."""
    return {p: _digest(d) for tree in (staged.pages, files.files) for p, d in tree.items()}


@dataclass(frozen=True)
class Plan:
    """What this build does: ``none``, ``partial`` or ``full``.

    ``pages`` are the doc paths of the pages the engine renders; ``files``
    the site paths of the other files to write; ``removed`` the pages and
    files that are gone.
    """

    kind: str
    pages: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reason: str = ""


def plan_pages(engine: Engine, staged: Staged, state: State | None, site: Path) -> Plan:
    """Which pages the engine renders: every one (``full``, and why), or those that changed and the navigation's.

    Known before any other file is made: the engines start on it. :func:`plan_files` completes it.
    """
    pages = tuple(sorted(staged.pages))
    reason = ("no record of an earlier build" if state is None
              else "the site folder is not the one the last build left" if not site.is_dir() or site_manifest(site) != state.site
              else "config, theme or engine changed" if engine_key(engine, staged) != state.engine
              else "")
    if reason:
        return Plan("full", pages, reason=reason)
    changed = {p for p in pages if state.docs.get(p) != _digest(staged.pages[p])}
    gone = any(p.endswith(".md") and p not in staged.pages for p in state.docs)
    nav = staged.nav_pages if changed or gone else set()
    return Plan("partial", tuple(sorted(changed | nav)))


def plan_files(plan: Plan, staged: Staged, files: Tree, state: State | None, secrets: str) -> Plan:
    """The whole plan, once the other files are made: :func:`plan_pages`' with the files to write and
    what is gone; ``none`` when nothing changed and the site on disk is the last build's."""
    others = tuple(sorted(files.files))
    if plan.kind == "full":
        return Plan("full", plan.pages, others, (), plan.reason)
    now = digests(staged, files)
    changed = tuple(p for p in others if state.docs.get(p) != now[p])
    removed = tuple(sorted(set(state.docs) - set(now)))
    if not plan.pages and not changed and not removed and secrets == state.secrets:
        return Plan("none")
    return Plan("partial", plan.pages, changed, removed)


#: Fewer pages than this per engine run are not worth another run: starting one costs about a second.
MIN_PAGES_PER_RUN = 50

#: What a page costs the engine besides its bytes (its template, its search entry), in bytes' worth.
PAGE_WEIGHT = 4096


def split(pages: tuple[str, ...], nav: set[str], parts: int, order: Callable[[str], tuple],
          sizes: Mapping[str, int] | None = None) -> list[list[str]]:
    """Pages in ``parts`` runs of similar work, in the engine's ``order``; the navigation's pages in each.

    The engine's time grows with a page's bytes (``sizes``; without them every
    page counts the same), so runs are cut to carry similar bytes: the slowest
    run is the one the build waits for.
    """
    items = sorted((p for p in pages if p not in nav), key=order)
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


def compose(site: Path, base: Path | None, runs: list[tuple[Path, list[str]]], plan: Plan, engine: Engine,
            staged: Staged, skip_folders: set[str] = frozenset()) -> list[str]:
    """Put the new site together in ``site``, which holds the files of ``plan.files`` already.

    ``runs`` are ``(engine output, doc paths of the pages it rendered)``. Every
    file this build does not make comes from ``base``: the old site (a partial
    build) or else the first run's output (what the engine makes besides
    pages: its assets, its 404 page). It is hard-linked, except what is
    rendered again, rewritten or gone. Each run's pages are moved in (the
    navigation's pages, which every run renders alike, from the first that
    has them), and the search index is merged. Returns the site paths written.
    ``skip_folders`` (``es/``) hold other sites, composed on their own: the
    other languages of the default's.
    """
    rendered: dict[str, Path] = {}
    for output, pages in runs:
        for doc in pages:
            rendered.setdefault(engine.site_path(doc), output)
    gone = {engine.site_path(p) for p in plan.removed}
    if base is not None:
        link_tree(base, site, skip=set(rendered) | set(plan.files) | gone | {engine.search_index},
                  skip_folders=skip_folders)
    move_files(rendered, site)
    written = sorted(rendered) + list(plan.files)
    if engine.search_index is not None:
        old = base / engine.search_index if base is not None else None
        index = engine.merge_search_index(old.read_bytes() if old is not None and old.is_file() else None,
                                          [(output / engine.search_index).read_bytes() for output, _ in runs],
                                          {p for _, pages in runs for p in pages} | set(plan.removed), staged.pages)
        if index is not None:
            replace_files(site, {engine.search_index: index})
            written.append(engine.search_index)
    return written

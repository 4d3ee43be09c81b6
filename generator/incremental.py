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
from typing import Callable, Iterable, Mapping

from .engines import Engine, Staged
from .write import (Tree, link_tree, linked, move_files, remove_files, replace_files, set_aside, start_linking,
                    version_of)

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


def _digest_of(files, path: str) -> str:
    """Hash of a file, without making one the memo kept (write.Files)."""
    return files.digest(path) if hasattr(files, "digest") else _digest(files[path])


def page_digest(staged: Staged, doc: str) -> str:
    """Hash of a staged page, without rendering one the memo knows is unchanged (outputs/pages.RenderedPages)."""
    return _digest_of(staged.pages, doc)


def digests(staged: Staged, files: Tree) -> dict[str, str]:
    """Hash of each staged page (by doc path) and of each other file (by site path)."""
    out = {p: page_digest(staged, p) for p in staged.pages}
    out.update({p: _digest_of(files.files, p) for p in files.files})
    return out


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


class SiteTouched(Exception):
    """The site folder is not the one the last build left, as its files showed while they were linked."""


TOUCHED = "the site folder is not the one the last build left"


def plan_pages(engine: Engine, staged: Staged, state: State | None, site: Path, trust: bool = False,
               key: str | None = None) -> Plan:
    """Which pages the engine renders: every one (``full``, and why), or those that changed.

    Known before any other file is made: the engines start on it. :func:`plan_files` completes it.
    ``trust``: the site folder is taken to be the last build's, to be checked file by file as it is
    linked (:func:`unchanged`), instead of walked here.
    """
    pages = tuple(sorted(staged.pages))
    reason = ("no record of an earlier build" if state is None
              else TOUCHED if not site.is_dir() or (not trust and site_manifest(site) != state.site)
              else "config, theme or engine changed" if (key or engine_key(engine, staged)) != state.engine
              else "")
    if reason:
        return Plan("full", pages, reason=reason)
    # A page's HTML depends on its staged bytes and on what every page shares (the engine key, equal here):
    # the navigation's pages too, which the engine runs get as stubs where they did not change (split()).
    return Plan("partial", tuple(p for p in pages if state.docs.get(p) != page_digest(staged, p)))


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
    """Pages in ``parts`` runs of similar work, in the engine's ``order``; the navigation's pages in the first.

    Every run needs every page the navigation names: it gets a stub of each
    that it does not render (:meth:`Engine.project`), whose output is not
    taken. The engine's time grows with a page's bytes (``sizes``; without
    them every page counts the same), so runs are cut to carry similar bytes:
    the slowest run is the one the build waits for.
    """
    items = sorted((p for p in pages if p not in nav), key=order)
    parts = max(1, min(parts, len(items) // MIN_PAGES_PER_RUN or 1))
    shared = sorted(p for p in pages if p in nav)
    if not items:
        return [shared] if shared else []
    weight = lambda p: PAGE_WEIGHT + (sizes.get(p, 0) if sizes else 0)  # noqa: E731
    weights = [weight(p) for p in items]
    total, done = sum(weights) + sum(weight(p) for p in shared), sum(weight(p) for p in shared)
    runs: list[list[str]] = [list(shared)] + [[] for _ in range(parts - 1)]
    for page, w in zip(items, weights):
        runs[min(parts - 1, (done + w // 2) * parts // total)].append(page)
        done += w
    return [run for run in runs if run]


def unchanged(stats: Mapping[str, tuple[int, int] | None], prefix: str, expected: Mapping[str, list[int]],
              others: set[str]) -> bool:
    """Whether the old site's files under ``prefix``, as :func:`~generator.write.link_tree` found them
    (``stats``: each file's size and mtime, None where it was skipped), are those the last build left
    (``expected``: its manifest; ``others``: the other languages' folders, in the default's)."""
    want = {path for path in expected if path.startswith(prefix)
            and not (not prefix and any(path.startswith(folder) for folder in others))}
    if len(want) != len(stats):
        return False
    for rel, stat in stats.items():
        found = expected.get(prefix + rel)
        if found is None or (stat is not None and list(stat) != found):
            return False
    return True


def manifest_after(site: Path, previous: Mapping[str, list[int]], dropped: Iterable[str],
                   written: Iterable[str]) -> dict[str, list[int]]:
    """The manifest of a site made of the last build's files, linked (``previous``: its manifest, every file
    of which :func:`unchanged` checked as it was linked), less those not linked (``dropped``: to be made
    again, or gone), and of the files this build ``written``: only those are looked at. Its cost grows with
    what the build wrote, not with the site (the last manifest is taken as it is, not copied file by file)."""
    out = dict(previous)
    for path in dropped:
        out.pop(path, None)
    added = False
    for path in written:
        try:
            stat = os.stat(site / path)
        except FileNotFoundError:
            out.pop(path, None)
            continue
        added = added or path not in out
        out[path] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(out.items())) if added else out


class Linking:
    """The old site's files hard-linked into the new one by processes of their own, while the build makes the rest.

    ``jobs``: ``(old site, new site, folders to skip)``; linking is system calls, which in a thread would
    wait for the interpreter after each while the build holds it (write.start_linking). :meth:`wait` says
    which new sites are linked."""

    def __init__(self, jobs: list[tuple[Path, Path, set[str]]]):
        self._jobs = jobs
        self._processes = [start_linking(base, site, folders) for base, site, folders in jobs]
        self.stats: dict[Path, dict] | None = None

    def wait(self) -> dict[Path, dict]:
        """The new sites linked, each with its files' size and mtime, by path under the site."""
        if self.stats is None:
            self.stats = {site: linked(process) for (_, site, _), process in zip(self._jobs, self._processes)}
        return self.stats

    def drop(self, aside: Path) -> None:
        """The build takes nothing of the old site (it is made whole): stop, and move what was linked to ``aside``
        (in the staging folder, removed with it); :meth:`wait` then says nothing was linked."""
        self.stop()
        set_aside([site for _, site, _ in self._jobs], aside)
        self.stats = {}

    def stop(self) -> None:
        """The build needs none of it (nothing changed, or it failed): the processes are ended."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.communicate()
        if self.stats is None:
            self.stats = {}

    def __enter__(self) -> "Linking":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()  # before the staging folder is removed: nothing is linked into it any more


def compose(site: Path, base: Path | None, runs: list[tuple[Path, list[str]]], plan: Plan, engine: Engine,
            staged: Staged, skip_folders: set[str] = frozenset(), files: Path | None = None,
            linked: bool = False, stats: dict | None = None) -> list[str]:
    """Put the new site together in ``site``.

    ``runs`` are ``(engine output, doc paths of the pages it rendered)``;
    ``files`` the folder holding the other files of ``plan.files``. Every
    file this build does not make comes from ``base``: the old site (a partial
    build) or else the first run's output (what the engine makes besides
    pages: its assets, its 404 page). It is hard-linked (``linked``: it was,
    while the rest was made: :class:`Linking`), except what is rendered again,
    rewritten or gone. Each run's pages and the other files are moved in,
    and the search index is merged. Returns the site paths written.
    ``skip_folders`` (``es/``) hold other sites, composed on their own: the
    other languages of the default's. ``stats`` gets each file linked here, as :func:`unchanged` reads them.
    """
    rendered: dict[str, Path] = {}
    for output, pages in runs:
        for doc in pages:
            rendered.setdefault(engine.site_path(doc), output)
    gone = {engine.site_path(p) for p in plan.removed}
    if linked:
        remove_files(site, gone)  # linked before it was known to be gone
    elif base is not None:
        link_tree(base, site, skip=set(rendered) | set(plan.files) | gone | {engine.search_index},
                  skip_folders=skip_folders, stats=stats)
    move_files(rendered, site)
    if files is not None:
        move_files({path: files for path in plan.files}, site)  # over what was linked: a new file, not a changed one
    written = sorted(rendered) + list(plan.files)
    if engine.search_index is not None:
        old = _LastIndex.read(base / engine.search_index) if base is not None else None
        index = engine.merge_search_index(old, [(output / engine.search_index).read_bytes() for output, _ in runs],
                                          {p for _, pages in runs for p in pages} | set(plan.removed), staged.pages)
        if index is not None:
            replace_files(site, {engine.search_index: index})
            _LastIndex.wrote(site / engine.search_index, index)
            written.append(engine.search_index)
    return written


class _LastIndex:
    """The search indexes this process wrote last (one per language; 36 MB at 5,000 items), each by the file it
    wrote as it was then (write.version_of: inode, size, time): the next build in the process (the preview's) takes
    an old site's index from here while it is still that file (a site is moved into place whole: its files keep
    their inodes), instead of reading it again. At most :attr:`KEEP`; one taken is no longer kept (its build
    writes the new one)."""

    KEEP = 4
    kept: dict[tuple, bytes] = {}

    @classmethod
    def read(cls, path: Path) -> bytes | None:
        """The file's bytes (None: there is none)."""
        if not path.is_file():
            return None
        found = cls.kept.pop(version_of(path), None)
        return found if found is not None else path.read_bytes()

    @classmethod
    def wrote(cls, path: Path, data: bytes) -> None:
        cls.kept[version_of(path)] = data
        while len(cls.kept) > cls.KEEP:
            del cls.kept[next(iter(cls.kept))]  # the oldest

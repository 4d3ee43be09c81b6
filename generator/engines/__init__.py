"""The site engine behind one interface: everything accompany needs to know about it, and nothing more.

accompany renders every page itself (Markdown whose body is our HTML, with a
little front matter) and hands the engine a *staged* site: those pages, the
theme's overrides and a navigation. The engine wraps each page in its theme
(header, navigation, search, footer) and makes its own files (assets, a 404
page, a search index). Everything that depends on which engine does this
lives in one adapter, a subclass of :class:`Engine`; today there is one,
:mod:`.mkdocs` (MkDocs with Material). The rest of the generator never
imports an engine, parses its config or writes its file names.

Writing a second adapter (ProperDocs, Zensical, ...)
----------------------------------------------------
Subclass :class:`Engine` in ``generator/engines/<name>.py`` and fill in each
method; the docstrings below say what the build relies on. In order:

1. **Settings.** :meth:`Engine.settings_problems` checks the keys of the
   settings file (``mkdocs.yml``) that your engine reads: the ones accompany
   writes itself, the theme, plugins, assets from other hosts. The core checks
   the rest (site_name, site_url and the ``accompany:`` block). Report a
   :class:`Problem` at the key's line, with a sentence saying what to do.
2. **Addresses.** A staged page sits at a *doc path* (``actions/x/index.md``:
   the page whose URL is ``actions/x/``); :meth:`Engine.page_url` and
   :meth:`Engine.site_path` say where the engine publishes it, and
   :meth:`Engine.order` in which order it walks pages (the search index and
   the sitemap follow it). Every other file is copied as it is, to the same path.
3. **The project.** :meth:`Engine.project` lays a :class:`Staged` site out as
   your engine reads it (its config file, docs folder, theme folder), as a
   :class:`~generator.write.Tree`: the build writes it (only ``write.py``
   writes). It must be a function of what it is given: every byte of it is
   hashed to decide what an incremental build may keep.
4. **Runs.** :meth:`Engine.build_command` is the command line that builds a
   project folder into an output folder; :meth:`Engine.environment` its
   environment, with the build's "now" wherever the engine prints a date.
   The build starts one run per core (:func:`engine_runs`), each on a share
   of the pages plus the navigation's pages, and puts the outputs together:
   so a page's HTML must depend only on the page itself and on what every
   page shares (config, theme, navigation). ``tests/test_incremental.py``
   checks that several runs give exactly the bytes of one.
5. **Files the engine makes.** :attr:`Engine.made_files` lists them (for the
   link check); :attr:`Engine.search_index` names the one file that holds
   something of every page, and :meth:`Engine.merge_search_index` merges the
   runs' indexes into what one run would have written.

The preview (``accompany serve``) asks nothing more of an engine: it runs the
same build into a folder of its own and serves that folder itself
(generator/serve.py), its reload script and problems added as it serves a page.

Then run ``scripts/digest.py`` and the whole suite with the new adapter:
they say, byte for byte and page by page, what changed.
"""

from __future__ import annotations

import json
import subprocess
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from ..core.settings import SiteConfig
from ..core.problems import Problem
from ..core.source import Source
from ..executor import Executor, Processes
from ..outputs.files import front_matter_of
from ..write import Tree


class EngineFailed(Exception):
    """The engine exited with an error; carries what it printed."""


@dataclass(frozen=True)
class Staged:
    """The site as accompany stages it, the same for every engine."""

    config: SiteConfig
    """The validated settings; ``config.raw`` holds the settings file's other keys, for the engine."""
    nav: tuple[tuple[str, str], ...]
    """The navigation: ``(title, doc path of a page)``, in order; sections, never items."""
    pages: Mapping[str, bytes]
    """Every page by doc path (``actions/x/index.md``): Markdown with front matter (title, description,
    alternates), whose body is HTML."""
    theme: Mapping[str, bytes]
    """The theme's overrides and static files (``main.html``, ``assets/...``), by path in ``theme/``."""
    theme_values: Mapping[str, object] = field(default_factory=dict)
    """Values the theme's templates print (``csp``: the Content-Security-Policy of every page)."""

    @property
    def nav_pages(self) -> set[str]:
        """The pages the navigation points at: every engine run renders them (they show which page is active)."""
        return {doc for _, doc in self.nav}


class Engine(ABC):
    """A site engine, as the build uses it. See the module's docstring for how to write one."""

    name: str
    """As the volunteer reads it in messages: ``MkDocs``."""
    packages: tuple[str, ...]
    """Installed distributions whose versions change the pages: a new version rebuilds every page."""
    made_files: frozenset[str]
    """Site paths of the files the engine makes in every site besides the pages (``404.html``)."""
    search_index: str | None
    """Site path of the search index, whose entries the build merges from several runs; None if none."""

    # ---- the settings file

    @abstractmethod
    def settings_problems(self, source: Source, language: str | None) -> list[Problem]:
        """Problems with the settings keys this engine reads.

        ``language`` is ``accompany.language`` when the ``accompany:`` block is
        valid (the interface language must not contradict it), else None.
        """

    # ---- addresses

    @abstractmethod
    def page_url(self, doc: str) -> str:
        """The site-relative URL of a staged page: ``actions/x/index.md`` is ``actions/x/``; ``index.md`` is ``""``."""

    @abstractmethod
    def site_path(self, doc: str) -> str:
        """The file the engine writes for a staged page: ``actions/x/index.md`` becomes ``actions/x/index.html``."""

    @abstractmethod
    def order(self, doc: str) -> tuple:
        """Sort key of the order in which the engine walks pages (its search index follows it)."""

    @abstractmethod
    def static_files(self, theme: Mapping[str, bytes]) -> dict[str, bytes]:
        """The theme's files the engine copies into the site as they are, by site path."""

    # ---- the project

    @abstractmethod
    def project(self, staged: Staged, pages: Iterable[str] | None = None,
                files: Mapping[str, bytes] | None = None, stubs: Iterable[str] = ()) -> Tree:
        """The project the engine reads: its config, the theme, and ``pages`` (all when None).

        ``files`` (site paths) are copied in too, for the preview; a build writes them itself.
        ``stubs`` are pages the run needs but does not render (the navigation's, rendered by another
        run or unchanged): each as :func:`stub` gives it, whose output the build does not take.
        """

    def project_path(self, path: str) -> str:
        """Where a staged page (doc path) or another file (site path) is in the project :meth:`project` lays out."""
        return path

    # ---- runs

    @abstractmethod
    def build_command(self, project: Path, output: Path) -> list[str]:
        """The command line that builds the project folder ``project`` into ``output``."""

    def runner(self) -> list[str] | None:
        """A command line that loads the engine and waits for its run: it reads one line on its standard
        input, the JSON of ``{"argv": build_command's, "env": environment's}``, and does what that command
        would in that environment; on an empty input it ends.
        The build starts it while it stages the pages (:class:`Ready`), so that a run does not wait for
        the engine's imports. None: every run starts from nothing."""
        return None

    @abstractmethod
    def environment(self, now: datetime, cache: Path | None = None) -> dict[str, str]:
        """The environment of a run: dates the engine prints are ``now``, never the wall clock's. ``cache``: a
        folder where runs may keep what they compile for the next (never anything of the site)."""

    def failure(self, finished) -> EngineFailed:
        """What a run that failed said, as an exception (``finished``: an :class:`~generator.executor.Finished`)."""
        return EngineFailed((finished.stderr or finished.stdout).strip())

    @abstractmethod
    def merge_search_index(self, old: bytes | None, parts: Sequence[bytes], rebuilt: set[str],
                           pages: Iterable[str]) -> bytes | None:
        """One search index: ``old`` (the site's, or None) without the ``rebuilt`` doc paths, plus the
        entries of those pages from each run's index (``parts``), in the engine's order of ``pages``
        (every staged page). None when there is nothing to merge."""


def stub(staged: Staged, doc: str) -> bytes:
    """A page that holds its place in the navigation: its front matter (what the navigation of the other
    pages may read of it), without its body."""
    pages = staged.pages
    if hasattr(pages, "front_matter"):
        return pages.front_matter(doc)
    return front_matter_of(pages[doc])


class Ready:
    """Engine processes started ahead of their runs (:meth:`Engine.runner`), each taken by a run; those
    left when the build ends are ended (or, from ``warm``, given back to it). A context manager.

    ``warm``: processes started before the build (by the preview, after its last build), taken first."""

    def __init__(self, engine: Engine, env: dict[str, str], count: int, warm: "Warm | None" = None):
        self._warm = warm
        self._waiting = warm.take(count) if warm is not None else []
        command = engine.runner() if count > len(self._waiting) else None
        self._waiting += [subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True, errors="replace")
                          for _ in range(count - len(self._waiting))] if command else []

    def take(self) -> subprocess.Popen | None:
        """A process ready for a run, or None."""
        return self._waiting.pop(0) if self._waiting else None

    def __enter__(self) -> "Ready":
        return self

    def __exit__(self, *exc) -> None:
        if self._warm is not None and exc[0] is None:
            self._warm.give(self._waiting)  # they ran nothing: as ready for the next build as they were
            self._waiting = []
        for process in self._waiting:
            process.kill()  # not needed: ended now rather than once it has loaded what no run will use
            process.communicate()
        self._waiting = []


class Warm:
    """Engine processes kept loaded between builds (``accompany serve``): started after a build with
    :meth:`fill`, taken by the next build's runs (:class:`Ready`), so that an edit does not wait for the
    engine's imports. Each runs at most one build, with the environment that build gives it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._processes: list[subprocess.Popen] = []

    def fill(self, env: dict[str, str], count: int = 1) -> None:
        """Start processes until ``count`` are waiting (``env``: any build's; each run is given its own)."""
        command = self.engine.runner()
        self._processes = [p for p in self._processes if p.poll() is None]
        while command and len(self._processes) < count:
            self._processes.append(subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                    stderr=subprocess.PIPE, text=True, errors="replace"))

    def take(self, count: int) -> list[subprocess.Popen]:
        """Up to ``count`` of the waiting processes that are still alive."""
        alive = [p for p in self._processes if p.poll() is None]
        taken, self._processes = alive[:count], alive[count:]
        return taken

    def give(self, processes: list[subprocess.Popen]) -> None:
        """Processes a build did not use, kept for the next."""
        self._processes += processes

    def pids(self) -> list[int]:
        return [p.pid for p in self._processes]

    def close(self) -> None:
        """End every waiting process."""
        for process in self._processes:
            process.kill()
            process.communicate()
        self._processes = []


class Runs:
    """The engine runs of one build: see :func:`engine_runs`."""

    def __init__(self, engine: Engine, processes: Processes, env: dict[str, str], ready: Ready | None = None):
        self.engine, self._processes, self._env = engine, processes, env
        self._ready = ready
        self.started: float | None = None
        """When the first run started (``time.perf_counter()``)."""
        self.outputs: list[tuple[Path, list[str]]] = []
        """``(output folder, doc paths of the pages it renders)`` of each run, in the order started."""

    def start(self, project: Path, output: Path, pages: list[str]) -> None:
        """Build the project folder ``project`` (holding ``pages``) into ``output``, beside the other runs."""
        argv = self.engine.build_command(project, output)
        ready = self._ready.take() if self._ready is not None else None
        # The run's own environment goes with its command line: a process started ahead may have another's.
        given = json.dumps({"argv": argv, "env": self._env}) + "\n" if ready is not None else None
        self._processes.start(argv, self._env, ready, given)
        self.started = self.started or time.perf_counter()
        self.outputs.append((output, pages))


@contextmanager
def engine_runs(engine: Engine, executor: Executor, env: dict[str, str], ready: Ready | None = None) -> Iterator[Runs]:
    """Engine runs started inside the block, on the executor's cores; leaving it waits for them.

    ``env``: their environment (:meth:`Engine.environment`); ``ready``: engine processes started ahead,
    which the runs take first.

    Raises :class:`EngineFailed` (what the engine printed) for the first run
    that failed. An error inside the block (a broken link, a leak, a failed
    renderer) kills every run and passes on as it was: a content problem is
    reported as one.
    """
    with executor.processes() as processes:
        runs = Runs(engine, processes, env, ready)
        yield runs
    for finished in processes.wait():
        if finished.returncode != 0:
            raise engine.failure(finished)

"""The pipeline, top to bottom: read, validate, publish, render, engine, compose, scan, swap.

Start here. Nothing is written until every file has been read and every
problem found; nothing replaces the site until the engine has built the new
pages and the leak scan has passed.

    load()                  read, validate, publish: the public site (load.py)
    Renderers.staged()      pages as staged Markdown, the navigation, the theme (render.py)
    incremental.plan_pages  which pages the engine must render (all, some, none)
    engine_runs()           one engine run per core, each on its share of the pages (engines/)
    Renderers.files()       while the engines run: feeds, calendars, sheets, images;
                            every link checked; the files written into the new site, scanned
    incremental.plan_files  which other files to write, and what is gone (or: nothing changed)
    incremental.compose     the new site, in a temporary folder beside the old one (write.py)
    scan, swap              no private name in any byte; then one atomic rename

One :class:`~generator.executor.Executor` holds the build's cores: the page
workers use them, then the engine runs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from . import incremental
from .alerts.snapshot import record as record_published
from .cache import BuildCache
from .core.problems import Problem, ProblemsFound
from .engines import Engine, Runs, Staged, engine_runs
from .executor import Executor
from .leakscan import scan_files, scan_tree
from .load import Loaded, Timings, load
from .outputs.sitemap import sitemap
from .render import TEMPLATES, Renderers, render
from .write import Staging, Tree, replace_files, site_dir_problems

__all__ = ["TEMPLATES", "BuildReport", "Renderers", "build", "load", "render"]


@dataclass
class BuildReport:
    loaded: Loaded
    site_dir: Path
    files: int
    timings: Timings
    plan: incremental.Plan
    warnings: list[str] = field(default_factory=list)
    """What the outputs say the volunteer should know (a PDF that could not be made accessible)."""


def build(root: Path, site_dir: Path, as_of: date | datetime, cache_dir: Path | None = None,
          full: bool = False, engines: int | None = None, site_url: str | None = None,
          timings: Timings | None = None) -> BuildReport:
    """Build the public site into ``site_dir``: all or nothing.

    Only what changed since the last build goes to the engine, unless ``full``
    is set or something every page shares changed (see incremental.py).
    ``engines`` is the build's budget of cores: how many page workers, and
    then engine runs, may go side by side (default: the machine's).
    ``site_url`` builds a mirror: every absolute URL points there (see load()).
    """
    timings = timings or Timings()
    problems = site_dir_problems(site_dir, root)
    if problems:
        raise ProblemsFound(problems)
    loaded = load(root, as_of, timings, site_url)
    engine = loaded.engine
    cache = BuildCache(cache_dir or root / ".accompany" / "cache", fresh_start=full)
    executor = Executor(engines)
    renderers = Renderers(loaded, cache.results, timings, executor, cache.remembered_markup())
    staged = renderers.staged()
    secrets = incremental.secrets_key(loaded.publication.watched)
    previous = cache.previous_state()
    # Which pages to render depends on the pages alone: the engines start before the other files are made.
    pages_plan = incremental.plan_pages(engine, staged, previous, site_dir)

    with Staging(site_dir) as staging:
        with engine_runs(engine, executor, loaded.site.clock.now) as runs:
            _start(runs, engine, staged, pages_plan, staging.root, executor.cores, timings)
            files = renderers.files()
            renderers.check_links(staged, files)
            plan = incremental.plan_files(pages_plan, staged, files, previous, secrets)
            leaks = _write_files(files, plan, staging.output, loaded, site_dir, timings)
        timings.phases["engine"] = time.perf_counter() - runs.started if runs.started else 0.0  # overlaps the files
        if plan.kind == "none":
            record_published(loaded.site, renderers.markup, cache.folder.parent / "alerts", site_dir)
            return BuildReport(loaded, site_dir, 0, timings, plan, renderers.warnings)
        with timings.phase("compose"):
            # What the engine makes besides pages comes from the old site, or else from the first run.
            base = site_dir if plan.kind == "partial" else runs.outputs[0][0]
            written = incremental.compose(staging.output, base, runs.outputs, plan, engine, staged)
            pages = sorted(staged.pages, key=engine.order)
            maps = sitemap([engine.page_url(p) for p in pages], loaded.config.site_url)
            replace_files(staging.output, maps)
        with timings.phase("scan"):
            where = f"{site_dir.name}/"
            if plan.kind == "partial" and secrets == previous.secrets:
                # The rest is the last build's, scanned then; the files were scanned before they were written.
                fresh = sorted(set(written) - set(plan.files)) + sorted(maps)
                leaks += scan_files({p: (staging.output / p).read_bytes() for p in fresh},
                                    loaded.publication.watched, where=where)
            else:
                leaks += scan_tree(staging.output, loaded.publication.watched, where, set(plan.files))
        if leaks:
            raise ProblemsFound(leaks)
        count = sum(len(names) for _, _, names in os.walk(staging.output))
        with timings.phase("swap"):
            staging.swap_in()
    cache.commit(renderers.markup.kept, incremental.State(
        incremental.engine_key(engine, staged), incremental.digests(staged, files),
        incremental.site_manifest(site_dir), secrets))
    # What `accompany alert` compares: the site as now published, never before it is.
    record_published(loaded.site, renderers.markup, cache.folder.parent / "alerts", site_dir)
    return BuildReport(loaded, site_dir, count, timings, plan, renderers.warnings)


def _start(runs: Runs, engine: Engine, staged: Staged, plan: incremental.Plan, folder: Path, cores: int,
           timings: Timings) -> None:
    """One engine run per core, each on its share of the pages, started as soon as its own pages are on disk."""
    if not plan.pages:
        return
    sizes = {doc: len(data) for doc, data in staged.pages.items()}
    for i, pages in enumerate(incremental.split(plan.pages, staged.nav_pages, cores, engine.order, sizes)):
        with timings.phase("write"):
            engine.project(staged, pages).write(folder / f"project-{i}")
        runs.start(folder / f"project-{i}", folder / f"engine-{i}", pages)


def _write_files(files: Tree, plan: incremental.Plan, site: Path, loaded: Loaded, site_dir: Path,
                 timings: Timings) -> list[Problem]:
    """Write the files the plan names into the new site, while the engines run; the private names found in them."""
    if plan.kind == "none":
        return []
    chosen = Tree()
    chosen.update({path: files.files[path] for path in plan.files}, "files")
    with timings.phase("write"):
        chosen.write(site)
    with timings.phase("scan"):
        return scan_files(chosen.files, loaded.publication.watched, where=f"{site_dir.name}/")


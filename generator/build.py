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

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from . import incremental
from .alerts.snapshot import Memo as AlertsMemo, record as record_published
from .cache import BuildCache
from .core.problems import Problem, ProblemsFound
from .engines import Engine, Ready, Runs, Staged, Warm, engine_runs
from .executor import Executor
from .leakscan import scan_files, scan_tree
from .load import Loaded, Timings, load, no_cycle_collection
from .outputs.files import Stale
from .read import SourceCache
from .outputs.sitemap import sitemap
from .core.languages import written_in
from .outputs.languages import LanguageLinks, prefix
from .render import TEMPLATES, LastSite, Renderers, check_links, render
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
    plans: dict[str, incremental.Plan] = field(default_factory=dict)
    """Each language's plan, by language, its paths its own; ``plan`` is all of them together (paths under each prefix)."""


@dataclass
class Language:
    """One language of the site, built as a site of its own under ``prefix`` (``""``: the default)."""

    lang: str
    prefix: str
    renderers: Renderers
    staged: Staged
    previous: incremental.State | None
    plan: incremental.Plan
    engine_key: str
    """What every page depends on (incremental.engine_key): in the plan, and in what the build records."""
    files: Tree | None = None
    runs: list = field(default_factory=list)
    written: Path | None = None
    """The folder of the other files this build made (plan.files), until they are moved into the site."""


def build(root: Path, site_dir: Path, as_of: date | datetime, cache_dir: Path | None = None,
          full: bool = False, engines: int | None = None, site_url: str | None = None,
          timings: Timings | None = None, warm: Warm | None = None, alerts: bool = True,
          wait: bool = True, sources: SourceCache | None = None, collect: bool = True,
          swapped: Callable[[Loaded], None] | None = None) -> BuildReport:
    """Build the public site into ``site_dir``: all or nothing.

    Only what changed since the last build goes to the engine, unless ``full``
    is set or something every page shares changed (see incremental.py).
    ``engines`` is the build's budget of cores: how many page workers, and
    then engine runs, may go side by side (default: the machine's).
    ``site_url`` builds a mirror: every absolute URL points there (see load()).
    ``warm``: engine processes loaded ahead by the caller (the preview), which the runs take first.
    ``alerts``: record what the site now publishes for ``accompany alert`` (alerts/snapshot.py); the preview,
    whose site is no one's public site, does not.
    ``wait``: return only once the old site's copy is removed (or kept, scrubbed, for the next build); else the
    next build of ``site_dir`` in this process waits for it (the preview: an edit is shown the sooner).
    ``sources``: the files as the last build in this process parsed them (the preview keeps them, with their
    records), for a cache in ``cache_dir``; by default read from there.
    ``swapped``: called with the project as loaded once the new site is in place, before the build records what
    it made (the preview's pages reload then: the rest of the build is for the next one); not called where
    nothing changed, for then no new site is swapped in.
    A site in several languages is built one language after the other, each
    as a site of its own: the default at the top, another under ``<lang>/``.
    """
    timings = timings or Timings()
    problems = site_dir_problems(site_dir, root)
    if problems:
        raise ProblemsFound(problems)
    cache_dir = cache_dir or root / ".accompany" / "cache"
    sources = None if full else sources or SourceCache(cache_dir)
    # Each full collection of Python's cycle collector walks every object it tracks, and a build's heap grows
    # enough to set off several, though what it makes is kept to its end: the collector waits for the build to
    # end (a preview builds again and again in one process).
    with no_cycle_collection(collect):
        loaded = load(root, as_of, timings, site_url, sources=sources)
        given = dict(warm=warm, alerts=alerts, wait=wait, swapped=swapped)
        try:
            # The site folder is taken to be the last build's, and checked file by file as the build links them.
            report = _build(loaded, site_dir, cache_dir, full, engines, timings, trust=not full, **given)
        except incremental.SiteTouched:
            report = _build(loaded, site_dir, cache_dir, full, engines, timings, trust=False, **given)
        except Stale as stale:
            # Nothing of the partial build was published: built again from nothing, and said, for it is a bug.
            report = _build(loaded, site_dir, cache_dir, True, engines, timings, trust=False, **given)
            report.warnings.append(f"{stale.path} changed though nothing its template read did: everything was "
                                   "built again (please report this to the developers of accompany)")
        if sources is not None:
            sources.write()  # what was parsed, kept only once the build succeeded
    return report


def _build(loaded: Loaded, site_dir: Path, cache_dir: Path, full: bool, engines: int | None, timings: Timings,
           trust: bool, warm: Warm | None = None, alerts: bool = True, wait: bool = True,
           swapped: Callable[[Loaded], None] | None = None) -> BuildReport:
    engine = loaded.engine
    cache = BuildCache(cache_dir, fresh_start=full)
    executor = Executor(engines)
    remembered = cache.remembered_markup() or {}  # one for every language: a text shown in two is rendered once
    secrets = incremental.secrets_key(loaded.publication.watched)
    languages: list[Language] = []
    warnings: list[str] = []

    with Staging(site_dir, background=True, spare=cache.folder / "spare") as staging, ExitStack() as stack:
        leaks: list[Problem] = []
        prefixes = [prefix(loaded.languages, lang) for lang in loaded.languages]
        others = set(prefixes[1:])
        # A partial build keeps the old site's files: they are linked into the new one while everything else is
        # made, from now on, before it is known what changed (a page made again, a file written, replaces its link).
        # Where the last build left no record, the build is full: nothing to link.
        early = site_dir.is_dir() and all(cache.previous_state(lang) is not None for lang in loaded.languages)
        staging.take_spare(early)  # the last site kept: only what differs from the site is linked
        # The engine loads itself while the pages are staged: one for a build in part (its pages are few), else one per core.
        env = engine.environment(loaded.site.clock.now, staging.borrow(cache.folder / "engine", "engine-cache"))
        ready = stack.enter_context(Ready(engine, env, 1 if early else executor.cores, warm))
        linking = stack.enter_context(incremental.Linking([
            (site_dir / where, staging.output / where, others if not where else set())
            for where in prefixes] if early else []))
        for lang in loaded.languages:
            languages.append(_language(loaded, lang, cache, timings, executor, remembered, site_dir, trust))
            # A text another language shows too (not translated) is rendered once: what this one rendered, the next knows.
            remembered = {**remembered, **languages[-1].renderers.markup.kept}
        default = languages[0]
        if any(part.plan.kind == "full" for part in languages):
            # The new site is made from the engine's runs: nothing of the old is taken (the links go with the staging).
            linking.drop(staging.root / "unused")
        for part in languages:
            # Which pages to render depends on the pages alone: the engines start before the other files are made.
            with engine_runs(engine, executor, env, ready) as runs:
                _start(runs, engine, part.staged, part.plan, staging.root, part.prefix.replace("/", "-"), executor.cores,
                       timings)
                part.files = part.renderers.files()
                part.plan = incremental.plan_files(part.plan, part.staged, part.files, part.previous, secrets)
                part.written = staging.root / (part.prefix.replace("/", "-") + "files")
                leaks += _write_files(part.files, part.plan, part.written, loaded, site_dir, timings)
            part.runs = runs.outputs
            timings.phases["engine"] = timings.phases.get("engine", 0.0) + (
                time.perf_counter() - runs.started if runs.started else 0.0)  # overlaps the files
            warnings += part.renderers.warnings
        # The links of what was not made again were checked by the last build: one of them can lead nowhere now
        # only if it leads to something that build made and this one does not (check_links reads those again).
        whole = any(part.plan.kind == "full" for part in languages)
        gone = [part.prefix + engine.site_path(path) for part in languages for path in part.plan.removed]
        check_links([(part.prefix, part.renderers, part.staged, part.files) for part in languages], whole, gone,
                    None if whole else LastSite(site_dir, default.previous.site))
        if all(part.plan.kind == "none" for part in languages):
            linking.stop()
            staging.keep_spare()
            if trust and incremental.site_manifest(site_dir) != default.previous.site:
                raise incremental.SiteTouched()
            if alerts:
                _record(languages, cache, site_dir)
            cache.templates.flush()
            return BuildReport(loaded, site_dir, 0, timings, _combined(languages), warnings,
                               {part.lang: part.plan for part in languages})
        written: list[str] = []
        skipped: list[str] = []
        """The old site's files not linked into the new one (to be made again, or gone), by site path."""
        with timings.phase("compose"):
            linked = linking.wait()
            for part in languages:
                # What the engine makes besides pages comes from the old site, or else from the first run.
                from_old = part.plan.kind in ("partial", "none")
                base = site_dir / part.prefix if from_old else part.runs[0][0] if part.runs else None
                new = staging.output / part.prefix
                stats = linked.get(new, {})
                written += [part.prefix + p for p in incremental.compose(
                    new, base, part.runs, part.plan, engine, part.staged,
                    skip_folders=others if not part.prefix else set(), files=part.written,
                    linked=new in linked, stats=stats)]
                if from_old and not incremental.unchanged(stats, part.prefix, part.previous.site,
                                                          others if not part.prefix else set()):
                    raise incremental.SiteTouched()
                skipped += [part.prefix + rel for rel, stat in stats.items() if stat is None]
            pages = [engine.page_url(p) for p in sorted(default.staged.pages, key=engine.order)]
            where = {part.lang: part.prefix for part in languages} if len(languages) > 1 else None
            maps = sitemap(pages, loaded.config.site_url, where)  # every language's pages, with their alternates
            for part in languages[1:]:  # and each other language's own, where its engine put one
                maps.update({part.prefix + path: data for path, data in
                             sitemap(pages, loaded.config.site_url, where, only=part.lang).items()})
            replace_files(staging.output, maps)
        with timings.phase("scan"):
            where = f"{site_dir.name}/"
            if all(part.plan.kind != "full" for part in languages) and secrets == (default.previous.secrets
                                                                                    if default.previous else None):
                # The rest is the last build's, scanned then; the files were scanned before they were written.
                planned = {part.prefix + f for part in languages for f in part.plan.files}
                fresh = sorted(set(written) - planned) + sorted(maps)
                leaks += scan_files({p: (staging.output / p).read_bytes() for p in fresh if (staging.output / p).is_file()},
                                    loaded.publication.watched, where=where)
            else:
                planned = {part.prefix + f for part in languages for f in part.plan.files}
                leaks += scan_tree(staging.output, loaded.publication.watched, where, planned)
        if leaks:
            raise ProblemsFound(leaks)
        with timings.phase("swap"):
            staging.swap_in()
        if swapped is not None:
            swapped(loaded)
        if all(part.plan.kind != "full" for part in languages):
            staging.keep_spare()  # the old site: what the new one shares with it kept for the next build
    if any(part.plan.kind == "full" for part in languages):
        manifest = incremental.site_manifest(site_dir)
    else:  # the linked files are the old site's, as checked; only what this build wrote is looked at
        manifest = incremental.manifest_after(site_dir, default.previous.site, skipped + gone, written + sorted(maps))
    count = len(manifest)
    # What `accompany alert` compares: the site as now published, never before it is.
    recorded = _record(languages, cache, site_dir) if alerts else None
    texts: dict = {}
    for part in languages:
        texts.update(part.renderers.markup.kept)
    cache.commit(texts, {part.lang: incremental.State(
        part.engine_key, incremental.digests(part.staged, part.files),
        manifest, secrets) for part in languages}, {part.lang: part.renderers.records() for part in languages},
        recorded)
    if wait:
        staging.wait()  # the old site was removed meanwhile
        cache.wait()  # and the results this build did not use
    return BuildReport(loaded, site_dir, count, timings, _combined(languages), warnings,
                       {part.lang: part.plan for part in languages})


def _record(languages: list[Language], cache: BuildCache, site_dir: Path) -> dict:
    """What each language of the site now publishes, for the alerts in that language (alerts/snapshot.py);
    each action's digest and JSON in each language, for the next build (by language)."""
    folder, last, made = cache.folder.parent / "alerts", cache.remembered("alerts") or {}, {}
    for part in languages:
        site = part.renderers.loaded.site
        prints = part.renderers.recorder.queries.prints if part.renderers.recorder else None
        memo = AlertsMemo(last.get(part.lang), prints) if prints is not None else None
        record_published(site, part.renderers.markup, folder, site_dir, memo)
        if memo is not None:
            made[part.lang] = memo.made
    return made


def _combined(languages: list[Language]) -> incremental.Plan:
    """What the build did in every language: ``full`` if any language was built whole, ``partial`` if
    any was built in part, else ``none``; each language's pages and files under its prefix."""
    kinds = {part.plan.kind for part in languages}
    kind = "full" if "full" in kinds else "partial" if "partial" in kinds else "none"
    return incremental.Plan(kind, *(tuple(part.prefix + p for part in languages for p in getattr(part.plan, name))
                                    for name in ("pages", "files", "removed")),
                            reason=next((part.plan.reason for part in languages if part.plan.reason), ""))


def _language(loaded: Loaded, lang: str, cache: BuildCache, timings: Timings, executor: Executor,
              remembered: dict | None, site_dir: Path, trust: bool) -> Language:
    """One language's renderers, staged pages and plan of pages (before any file is made)."""
    view = loaded.in_language(lang)
    links = None
    if len(loaded.languages) > 1:
        letters = written_in(loaded.publication.languages.public, "action", "letter")
        links = LanguageLinks(loaded.config.site_url, loaded.languages, lang, letters)
    records = cache.previous_records(lang)
    renderers = Renderers(view, cache.results, timings, executor, remembered, links, records,
                          trace=True, templates=cache.templates)
    staged = renderers.staged()
    previous = cache.previous_state(lang)
    key = incremental.engine_key(loaded.engine, staged)
    plan = incremental.plan_pages(loaded.engine, staged, previous, site_dir, trust, key)
    if plan.kind == "full":
        with timings.phase("pages"):  # the engine renders every page: those the memo kept are made too
            renderers.pages.render_kept(staged.pages, executor.map_chunks)
    return Language(lang, prefix(loaded.languages, lang), renderers, staged, previous, plan, key)


def _start(runs: Runs, engine: Engine, staged: Staged, plan: incremental.Plan, folder: Path, name: str, cores: int,
           timings: Timings) -> None:
    """One engine run per core, each on its share of the pages, started as soon as its own pages are on disk.

    The runs' folders are in ``folder``, their names start with ``name`` (one language's runs)."""
    if not plan.pages:
        return
    sizes = {doc: len(staged.pages[doc]) for doc in plan.pages}
    for i, pages in enumerate(incremental.split(plan.pages, staged.nav_pages, cores, engine.order, sizes)):
        with timings.phase("write"):
            engine.project(staged, pages, stubs=staged.nav_pages - set(pages)).write(folder / f"{name}project-{i}")
        runs.start(folder / f"{name}project-{i}", folder / f"{name}engine-{i}", pages)


def _write_files(files: Tree, plan: incremental.Plan, site: Path, loaded: Loaded, site_dir: Path,
                 timings: Timings) -> list[Problem]:
    """Write the files the plan names into the folder ``site`` (moved into the new site by compose), while the
    engines run; the private names found in them."""
    if plan.kind == "none":
        return []
    chosen = Tree()
    chosen.update({path: files.files[path] for path in plan.files}, "files")
    with timings.phase("write"):
        chosen.write(site)
    with timings.phase("scan"):
        return scan_files(chosen.files, loaded.publication.watched, where=f"{site_dir.name}/")


"""The pipeline, top to bottom: read, validate, publish, render, engine, compose, scan, swap.

Start here. Nothing is written until every file has been read and every
problem found; nothing replaces the site until the engine has built the new
pages and the leak scan has passed.

    load()              read, validate, publish: the public site (load.py)
    Renderers.project() pages as staged Markdown, theme and engine config
    incremental.plan()  which pages the engine must render (all, some, none)
    engine.start()      one engine run per core, on its share of the pages
    Renderers.files()   feeds, calendars, sheets, images: while the engines run
    incremental.compose the new site in a temporary folder beside the old one
    scan, swap          no private name in any byte; then one atomic rename
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import jinja2
import yaml

from . import engine, incremental, linkcheck
from .alerts.snapshot import record as record_published
from .cache import BuildCache
from .cms.admin import site_files as admin_site_files
from .core.kinds import sections
from .core.messages import N_
from .core.problems import ProblemsFound
from .leakscan import scan_files, scan_tree
from .load import Loaded, Timings, load
from .outputs import Cache, Context, outputs
from .outputs.headers import headers_file
from .outputs.l10n import Formatter
from .outputs.markup import MarkupRenderer
from .outputs.media import clean_media
from .outputs.pages import PageRenderer, template_environment
from .outputs.sitemap import sitemap
from .write import Staging, Tree, read_tree, replace_files, site_dir_problems

#: Folder of the page templates inside theme/; the rest of theme/ goes to the engine.
TEMPLATES = "accompany"

#: The sections of the navigation; top-level pages and outputs' pages (Subscribe) follow.
def sections_nav() -> list[tuple[str, str]]:
    """The navigation's sections: home, each type's index (kinds.py), countries; titles in English, marked N_."""
    return ([(N_("Home"), "index.md")] + [(kind.nav, kind.section + "/index.md") for kind in sections() if kind.nav]
            + [(N_("Countries"), "countries/index.md")])


class Renderers:
    """Everything that turns the public site into files, sharing one Markdown renderer."""

    def __init__(self, loaded: Loaded, cache: Cache | None = None, timings: Timings | None = None,
                 workers: int = 1, remembered: dict | None = None):
        self.loaded = loaded
        self.timings = timings or Timings()
        self.workers = workers
        site = loaded.site
        self.markup = MarkupRenderer(site, loaded.project.media, remembered)
        # The site's language: accompany's words from its catalog (catalogs.py), dates and names from Babel.
        self.fmt = fmt = Formatter(site.config.settings.language)
        self.env = template_environment(jinja2.FileSystemLoader(loaded.root / "theme" / TEMPLATES), fmt.translations)
        self.outputs = outputs(Context(site, self.markup, self.env, fmt, cache))
        self.pages = PageRenderer(site, self.markup, self.env, self.outputs, fmt)
        self.warnings: list[str] = []
        """After :meth:`files`: what the outputs say the volunteer should know."""

    def project(self) -> Tree:
        """What the engine sees: its config, the theme, and every page as Markdown (under ``docs/``)."""
        tree = Tree()
        with self.timings.phase("pages"):
            tree.update({"docs/" + p: d for p, d in self.pages.render_all(self.workers).items()}, "pages")
        for output in self.outputs:
            with self.timings.phase(output.name):
                tree.update({"docs/" + p: d for p, d in output.pages().items()}, output.name)
        site = self.loaded.site
        nav = [(self.fmt.translate(title), path) for title, path in sections_nav()]
        nav += [(p.meta.title, site.url(p) + "index.md") for p in site.nav_pages()]
        nav += [item for output in self.outputs for item in output.nav()]
        theme = read_tree(self.loaded.root / "theme", skip=(TEMPLATES + "/",))
        tree.update({"theme/" + path: data for path, data in theme.items()}, "theme")
        config = engine.staged_config(self.loaded.config, nav)
        tree.add("mkdocs.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "engine config")
        return tree

    def link_origins(self):
        """For the link check: a page's site path to the content file it shows and the template that made it."""
        site = self.loaded.site
        sources = {site.url(entry): entry.source for entry in site.catalogue.entries()}
        templates = {page.url: f"theme/{TEMPLATES}/{page.template}" for page in self.pages.pages()}

        def origin_of(page: str) -> linkcheck.Origin:
            template = templates.get(page)
            if page in sources or not page:
                return linkcheck.Origin(sources.get(page), template)
            parts = page.split("/")
            for n in range(len(parts) - 1, 0, -1):  # actions/x/print/index.html shows actions/x/
                prefix = "/".join(parts[:n]) + "/"
                if prefix in sources:
                    return linkcheck.Origin(sources[prefix], template)
            return linkcheck.Origin(None, template)

        return origin_of

    def files(self) -> Tree:
        """Every other file of the site (under ``docs/``): feeds, calendars, sheets, images, headers."""
        tree = Tree()
        try:
            for output in self.outputs:  # an output may start slow work here, collected by render()
                with self.timings.phase(output.name):
                    output.begin()
            for output in self.outputs:
                with self.timings.phase(output.name):
                    tree.update({"docs/" + p: d for p, d in output.render().items()}, output.name)
        finally:
            for output in self.outputs:
                output.close()
        with self.timings.phase("media"):
            root = self.loaded.root
            media, problems = clean_media({p: (root / p).read_bytes() for p in sorted(self.markup.used_media)})
        if self.markup.problems or problems:
            raise ProblemsFound(self.markup.problems + problems)
        tree.update({"docs/" + p: d for p, d in media.items()}, "media")
        tree.update({"docs/" + p: d for p, d in headers_file().items()}, "headers")
        # The editing page, only where the organisation publishes it (accompany.cms.publish).
        tree.update({"docs/" + p: d for p, d in admin_site_files(root, self.loaded.config).items()}, "cms")
        self.warnings = [w for output in self.outputs for w in output.warnings()]
        return tree


def render(loaded: Loaded, timings: Timings | None = None, cache: Cache | None = None) -> Tree:
    """The whole staged project in one tree, static files in ``docs/``: for the preview and for tools."""
    renderers = Renderers(loaded, cache, timings)
    tree = renderers.project()
    tree.update(renderers.files().files, "files")
    return tree


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
    ``engines`` is how many engine runs may go side by side (default: the cores).
    ``site_url`` builds a mirror: every absolute URL points there (see load()).
    """
    timings = timings or Timings()
    problems = site_dir_problems(site_dir, root)
    if problems:
        raise ProblemsFound(problems)
    loaded = load(root, as_of, timings, site_url)
    cache = BuildCache(cache_dir or root / ".accompany" / "cache", fresh_start=full)
    cores = engines or os.cpu_count() or 1
    renderers = Renderers(loaded, cache.results, timings, cores, cache.remembered_markup())
    project = renderers.project()
    secrets = incremental.secrets_key(loaded.publication.watched)
    previous = cache.previous_state()

    with Staging(site_dir) as staging:
        # The pages to render depend on the pages alone: start the engines before making the other files.
        pages_plan = incremental.plan(project, Tree(), previous, site_dir, secrets)
        runs, started = _start_engines(project, pages_plan, staging.root, cores, loaded.site.clock.now, timings)
        full_build = pages_plan.kind == "full"
        written_files = staging.root / "files" if full_build else None
        files, leaks = _while_engines_run(runs, lambda: _files(renderers, loaded, site_dir, written_files, project))
        timings.phases["engine"] = time.perf_counter() - started if runs else 0.0  # overlaps the files
        for project_folder in staging.root.glob("project-*"):
            staging.discard(project_folder)
        plan = incremental.plan(project, files, previous, site_dir, secrets)
        if plan.kind == "none":
            record_published(loaded.site, renderers.markup, cache.folder.parent / "alerts", site_dir)
            return BuildReport(loaded, site_dir, 0, timings, plan, renderers.warnings)
        with timings.phase("compose"):
            old_site = site_dir if plan.kind == "partial" else None
            runs_done = [(output, pages) for output, pages, _ in runs]
            written = incremental.compose(staging.output, old_site, runs_done, plan, files, project,
                                          written_files / "docs" if written_files else None)
            pages = sorted((p[len("docs/"):] for p in project.files if p.startswith("docs/")),
                           key=incremental.engine_order)
            replace_files(staging.output, sitemap([incremental.page_url(p) for p in pages], loaded.config.site_url))
        for output, _, _ in runs[1:] if old_site is None else runs:
            staging.discard(output)
        with timings.phase("scan"):
            if plan.kind == "partial" and previous is not None and secrets == previous.secrets:
                leaks += _scan_written(staging.output, written, loaded, site_dir)
            else:
                scanned = {p[len("docs/"):] for p in files.files} if full_build else set()
                leaks += scan_tree(staging.output, loaded.publication.watched, f"{site_dir.name}/", scanned)
        if leaks:
            raise ProblemsFound(leaks)
        count = sum(len(names) for _, _, names in os.walk(staging.output))
        with timings.phase("swap"):
            staging.swap_in()
    cache.commit(renderers.markup.kept, incremental.State(
        incremental.engine_key(project), incremental.docs_digests(project, files),
        incremental.site_manifest(site_dir), secrets))
    # What `accompany alert` compares: the site as now published, never before it is.
    record_published(loaded.site, renderers.markup, cache.folder.parent / "alerts", site_dir)
    return BuildReport(loaded, site_dir, count, timings, plan, renderers.warnings)


def _start_engines(project: Tree, plan: incremental.Plan, folder: Path, cores: int, now: datetime,
                   timings: Timings) -> tuple[list, float]:
    """One engine run per core, each on its share of the pages: ``([(output, pages, process)], start time)``."""
    if plan.kind == "none" or not plan.pages:
        return [], time.perf_counter()
    runs, started = [], None
    sizes = {p[len("docs/"):]: len(d) for p, d in project.files.items() if p.startswith("docs/")}
    try:
        for i, pages in enumerate(incremental.split(plan.pages, incremental.nav_pages(project), cores, sizes)):
            with timings.phase("write"):  # each run starts as soon as its own pages are on disk
                incremental.engine_project(project, pages).write(folder / f"project-{i}")
            started = started or time.perf_counter()
            runs.append((folder / f"engine-{i}", pages,
                         engine.start(folder / f"project-{i}", folder / f"engine-{i}", now)))
    except BaseException:
        for _, _, process in runs:  # a later project could not be written: stop the runs already started
            process.kill()
            process.wait()
        raise
    return runs, started


def _while_engines_run(runs: list, work):
    """Do ``work()`` while the engine runs go on, then wait for them; the first failure is raised.

    If ``work()`` fails (a broken link, a renderer's error), the build stops: the runs are stopped too.
    """
    try:
        result = work()
    except BaseException:
        for _, _, process in runs:
            process.kill()
            process.communicate()
        raise
    failures = []
    for _, _, process in runs:
        try:
            engine.wait(process)
        except engine.EngineFailed as exc:
            failures.append(exc)
    if failures:
        raise failures[0]
    return result


def _files(renderers: Renderers, loaded: Loaded, site_dir: Path, folder: Path | None,
           project: Tree) -> tuple[Tree, list]:
    """Feeds, calendars, sheets and images, while the engines run; then every link of the site is checked.

    For a full build (``folder``), they are also written there and scanned:
    the site will publish them as they are. Returns the files and the private
    names found in them.
    """
    files = renderers.files()
    with renderers.timings.phase("links"):
        broken = linkcheck.check_links({**project.files, **files.files}, renderers.link_origins())
    if broken:
        raise ProblemsFound(broken)
    if folder is None:
        return files, []
    with renderers.timings.phase("write"):
        files.write(folder)
    with renderers.timings.phase("scan"):
        found = scan_files({p[len("docs/"):]: d for p, d in files.files.items()}, loaded.publication.watched,
                           where=f"{site_dir.name}/")
    return files, found


def _scan_written(site: Path, written: list[str], loaded: Loaded, site_dir: Path) -> list:
    """Private names in what this build wrote (the rest is the last build's, scanned then)."""
    paths = written + ["sitemap.xml", "sitemap.xml.gz"]
    return scan_files({p: (site / p).read_bytes() for p in paths}, loaded.publication.watched,
                      where=f"{site_dir.name}/")

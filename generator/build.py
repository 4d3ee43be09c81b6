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

import json
import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2
import yaml

from . import engine, incremental
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
NAV = [("Home", "index.md"), ("Urgent actions", "actions/index.md"), ("Tours", "tours/index.md"),
       ("Defenders", "defenders/index.md"), ("Campaigns", "campaigns/index.md"), ("Countries", "countries/index.md")]


class Renderers:
    """Everything that turns the public site into files, sharing one Markdown renderer."""

    def __init__(self, loaded: Loaded, cache: Cache | None = None, timings: Timings | None = None,
                 workers: int = 1, remembered: dict | None = None):
        self.loaded = loaded
        self.timings = timings or Timings()
        self.workers = workers
        site = loaded.site
        self.markup = MarkupRenderer(site, loaded.project.media, remembered)
        self.env = template_environment(jinja2.FileSystemLoader(loaded.root / "theme" / TEMPLATES))
        self.outputs = outputs(Context(site, self.markup, self.env, Formatter(site.config.settings.language), cache))
        self.pages = PageRenderer(site, self.markup, self.env, self.outputs)
        self._early: dict[str, bytes] = {}

    def project(self) -> Tree:
        """What the engine sees: its config, the theme, and every page as Markdown (under ``docs/``)."""
        tree = Tree()
        with self.timings.phase("pages"):
            tree.update({"docs/" + p: d for p, d in self.pages.render_all(self.workers).items()}, "pages")
        for output in (o for o in self.outputs if o.makes_pages):
            with self.timings.phase(output.name):
                made = output.render()
            tree.update({"docs/" + p: d for p, d in made.items() if p.endswith(".md")}, output.name)
            self._early.update({p: d for p, d in made.items() if not p.endswith(".md")})
        site = self.loaded.site
        nav = NAV + [(p.meta.title, site.url(p) + "index.md") for p in site.nav_pages()]
        nav += [item for output in self.outputs for item in output.nav()]
        theme = read_tree(self.loaded.root / "theme", skip=(TEMPLATES + "/",))
        tree.update({"theme/" + path: data for path, data in theme.items()}, "theme")
        config = engine.staged_config(self.loaded.config, nav)
        tree.add("mkdocs.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "engine config")
        return tree

    def files(self) -> Tree:
        """Every other file of the site (under ``docs/``): feeds, calendars, sheets, images, headers."""
        tree = Tree()
        tree.update({"docs/" + p: d for p, d in self._early.items()}, "early outputs")
        for output in (o for o in self.outputs if not o.makes_pages):
            with self.timings.phase(output.name):
                tree.update({"docs/" + p: d for p, d in output.render().items()}, output.name)
        with self.timings.phase("media"):
            root = self.loaded.root
            media, problems = clean_media({p: (root / p).read_bytes() for p in sorted(self.markup.used_media)})
        if self.markup.problems or problems:
            raise ProblemsFound(self.markup.problems + problems)
        tree.update({"docs/" + p: d for p, d in media.items()}, "media")
        tree.update({"docs/" + p: d for p, d in headers_file().items()}, "headers")
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


def disk_cache(folder: Path) -> Cache:
    """A :class:`Cache` in ``folder`` (``.accompany/cache`` by default); files are named by their key."""

    def get(key: str) -> bytes | None:
        path = folder / key
        return path.read_bytes() if path.is_file() else None

    def put(key: str, data: bytes) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.tmp"
        temporary.write_bytes(data)
        temporary.replace(folder / key)

    return Cache(get, put)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, separators=(",", ":")))
    temporary.replace(path)


def build(root: Path, site_dir: Path, as_of: date | datetime, cache_dir: Path | None = None,
          full: bool = False, engines: int | None = None) -> BuildReport:
    """Build the public site into ``site_dir``: all or nothing.

    Only what changed since the last build goes to the engine, unless ``full``
    is set or something every page shares changed (see incremental.py).
    ``engines`` is how many engine runs may go side by side (default: the cores).
    """
    timings = Timings()
    problems = site_dir_problems(site_dir, root)
    if problems:
        raise ProblemsFound(problems)
    loaded = load(root, as_of, timings)
    cache_dir = cache_dir or root / ".accompany" / "cache"
    disk = disk_cache(cache_dir)
    # New results reach the disk cache only once the site is in place: a failed build writes nothing.
    fresh: dict[str, bytes] = {}
    used: set[str] = set()

    def cache_get(key: str) -> bytes | None:
        used.add(key)
        return fresh.get(key) or disk.get(key)

    def cache_put(key: str, data: bytes) -> None:
        used.add(key)
        fresh[key] = data

    cores = engines or os.cpu_count() or 1
    markup_file = cache_dir / "markup.json"
    renderers = Renderers(loaded, Cache(cache_get, cache_put), timings,
                          cores, None if full else _read_json(markup_file))
    project = renderers.project()
    secrets = incremental.secrets_key(loaded.publication.secrets)
    state_file = cache_dir / "state.json"
    previous = None if full else incremental.State.read(state_file)
    now = loaded.site.clock.now

    with Staging(site_dir) as staging:
        # Which pages the engine must render depends on the pages alone; start it before the other files.
        pages_plan = incremental.plan(project, Tree(), previous, site_dir, secrets)
        runs = []
        if pages_plan.kind != "none" and pages_plan.pages:
            nav = incremental.nav_pages(project)
            with timings.phase("write"):
                for i, pages in enumerate(incremental.split(pages_plan.pages, nav, cores)):
                    incremental.engine_project(project, pages).write(staging.root / f"project-{i}")
                    runs.append((staging.root / f"engine-{i}", pages))
        engine_started = time.perf_counter()
        started = [engine.start(staging.root / f"project-{i}", out, now) for i, (out, _) in enumerate(runs)]
        try:
            files = renderers.files()
        finally:
            failures = []
            for run in started:
                try:
                    engine.wait(run)
                except engine.EngineFailed as exc:
                    failures.append(exc)
            # Wall time of the engine runs, which overlap the files above.
            timings.phases["engine"] = time.perf_counter() - engine_started if started else 0.0
        if failures:
            raise failures[0]

        plan = incremental.plan(project, files, previous, site_dir, secrets)
        if plan.kind == "none":
            return BuildReport(loaded, site_dir, 0, timings, plan)
        with timings.phase("compose"):
            written = incremental.compose(staging.output, site_dir if plan.kind == "partial" else None,
                                          runs, plan, files, project)
            pages = sorted((p[len("docs/"):] for p in project.files if p.startswith("docs/")),
                           key=incremental.engine_order)
            replace_files(staging.output, sitemap([incremental.page_url(p) for p in pages], loaded.config.site_url))
        with timings.phase("scan"):
            if plan.kind == "full" or previous is None or secrets != previous.secrets:
                leaks = scan_tree(staging.output, loaded.publication.secrets, where=f"{site_dir.name}/")
            else:
                changed = written + ["sitemap.xml", "sitemap.xml.gz"]
                leaks = scan_files({p: (staging.output / p).read_bytes() for p in changed},
                                   loaded.publication.secrets, where=f"{site_dir.name}/")
        if leaks:
            raise ProblemsFound(leaks)
        count = sum(1 for p in staging.output.rglob("*") if p.is_file())
        with timings.phase("swap"):
            staging.swap_in()
    for key, data in fresh.items():
        disk.put(key, data)
    # Keep only what this build used (sheets are remade daily: "made on"); the cache does not grow.
    for path in cache_dir.iterdir():
        if path.is_file() and path.name not in used and path.name not in (markup_file.name, state_file.name):
            path.unlink()
    _write_json(markup_file, renderers.markup.kept)  # likewise: only what this build used
    incremental.State(incremental.engine_key(project), incremental.docs_digests(project, files),
                      incremental.site_manifest(site_dir), secrets).write(state_file)
    return BuildReport(loaded, site_dir, count, timings, plan)

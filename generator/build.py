"""The pipeline, top to bottom: read, validate, publish, index, render, write, engine, swap.

Start here. Nothing is written until every file has been read and every
problem found; nothing replaces the site until the engine has built the new
one and the leak scan has passed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import yaml

from . import engine, read
from .core.model import SiteConfig
from .core.policy import Clock, Publication, publish
from .core.problems import Problem, ProblemsFound
from .core.site import Site, build_site
from .core.source import Project
from .core.validate import validate, validate_settings
from .leakscan import scan_tree
from .outputs import Cache, Context, outputs
from .outputs.headers import headers_file
from .outputs.l10n import Formatter
from .outputs.markup import MarkupRenderer
from .outputs.media import clean_media
from .outputs.pages import PageRenderer, template_environment
from .write import Staging, Tree, WriteRefused, read_tree, site_dir_problems

#: Folder of the page templates inside theme/; the rest of theme/ goes to the engine.
TEMPLATES = "accompany"


@dataclass
class Timings:
    """Seconds spent in each phase, for the benchmark and the build summary."""

    phases: dict[str, float] = field(default_factory=dict)

    def phase(self, name: str):
        timings = self

        class _Phase:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timings.phases[name] = timings.phases.get(name, 0.0) + time.perf_counter() - self.start

        return _Phase()


@dataclass
class Loaded:
    """A project read, validated and published as of one moment."""

    root: Path
    project: Project
    config: SiteConfig
    publication: Publication
    site: Site


def resolve_now(as_of: date | datetime, timezone: ZoneInfo) -> datetime:
    """``--as-of`` as an instant: a date means its midnight in the site's time zone."""
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone)
    return datetime.combine(as_of, clock_time(0), tzinfo=timezone)


def load(root: Path, as_of: date | datetime, timings: Timings | None = None) -> Loaded:
    """Read and validate everything, then apply the policy as of ``as_of``.

    Raises :class:`ProblemsFound` with every problem in every file.
    """
    timings = timings or Timings()
    with timings.phase("read"):
        result = read.read_project(root)
    problems = list(result.problems)
    if result.project is None:
        raise ProblemsFound(problems)
    project = result.project
    with timings.phase("validate"):
        config, more = validate_settings(project.settings)
        problems += more
        if config is None:
            raise ProblemsFound(problems)
        catalogue, more = validate(project, config, result.broken)
        problems = _merge(problems, more)
    if problems:
        raise ProblemsFound(problems)
    with timings.phase("policy"):
        clock = Clock(resolve_now(as_of, ZoneInfo(config.settings.timezone)), ZoneInfo(config.settings.timezone))
        publication = publish(catalogue, clock, config.settings.review_warning_days)
        if publication.problems:
            raise ProblemsFound(publication.problems)
        site = build_site(publication.public, config, clock)
    return Loaded(root, project, config, publication, site)


def _merge(first: list[Problem], then: list[Problem]) -> list[Problem]:
    """Problems from a later stage, minus those already reported for the same key."""
    seen = {(p.path, p.key) for p in first}
    return first + [p for p in then if (p.path, p.key) not in seen]


def render(loaded: Loaded, timings: Timings | None = None, cache: Cache | None = None) -> Tree:
    """Every file of the staged engine project: pages, feeds, calendars, sheets, media, theme, config."""
    timings = timings or Timings()
    root, site = loaded.root, loaded.site
    tree = Tree()
    markup = MarkupRenderer(site, loaded.project.media)
    env = template_environment(jinja2.FileSystemLoader(root / "theme" / TEMPLATES))
    ctx = Context(site, markup, env, Formatter(site.config.settings.language), cache)
    others = outputs(ctx)
    with timings.phase("pages"):
        pages = PageRenderer(site, markup, env, others)
        tree.update({"docs/" + path: data for path, data in pages.render_all().items()}, "pages")
        nav = [("Home", "index.md"), ("Urgent actions", "actions/index.md"), ("Tours", "tours/index.md"),
               ("Defenders", "defenders/index.md"), ("Campaigns", "campaigns/index.md"),
               ("Countries", "countries/index.md")]
        nav += [(p.meta.title, site.url(p) + "index.md") for p in site.nav_pages()]
    for output in others:
        with timings.phase(output.name):
            tree.update({"docs/" + path: data for path, data in output.render().items()}, output.name)
        nav += output.nav()
    with timings.phase("media"):
        media, problems = clean_media({path: (root / path).read_bytes() for path in sorted(markup.used_media)})
        tree.update({"docs/" + path: data for path, data in media.items()}, "media")
    if markup.problems or problems:
        raise ProblemsFound(markup.problems + problems)
    tree.update({"docs/" + path: data for path, data in headers_file().items()}, "headers")
    theme = read_tree(root / "theme", skip=(TEMPLATES + "/",))
    tree.update({"theme/" + path: data for path, data in theme.items()}, "theme")
    tree.add("mkdocs.yml", yaml.safe_dump(engine.staged_config(loaded.config, nav), allow_unicode=True,
                                          sort_keys=False), "engine config")
    return tree


@dataclass
class BuildReport:
    loaded: Loaded
    site_dir: Path
    files: int
    timings: Timings


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


def build(root: Path, site_dir: Path, as_of: date | datetime, cache_dir: Path | None = None) -> BuildReport:
    """Build the public site into ``site_dir``: all or nothing."""
    timings = Timings()
    problems = site_dir_problems(site_dir, root)
    if problems:
        raise ProblemsFound(problems)
    loaded = load(root, as_of, timings)
    staged = render(loaded, timings, disk_cache(cache_dir or root / ".accompany" / "cache"))
    with Staging(site_dir) as staging:
        with timings.phase("write"):
            staged.write(staging.project)
        with timings.phase("engine"):
            engine.build(staging.project, staging.output, loaded.site.clock.now)
        with timings.phase("scan"):
            leaks = scan_tree(staging.output, loaded.publication.secrets, where=f"{site_dir.name}/")
        if leaks:
            raise ProblemsFound(leaks)
        files = sum(1 for p in staging.output.rglob("*") if p.is_file())
        with timings.phase("swap"):
            staging.swap_in()
    return BuildReport(loaded, site_dir, files, timings)



"""The pipeline, top to bottom: read, validate, publish, index, render, write, engine, swap.

Start here. Nothing is written until every file has been read and every
problem found; nothing replaces the site until the engine has built the new
one and the leak scan has passed.
"""

from __future__ import annotations

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


def build(root: Path, site_dir: Path, as_of: date | datetime, cache_dir: Path | None = None,
          full: bool = False) -> BuildReport:
    """Build the public site into ``site_dir``: all or nothing.

    Only what changed since the last build is given to the engine, unless
    ``full`` is set or anything shared by every page changed (see incremental.py).
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
    staged = render(loaded, timings, Cache(lambda key: fresh.get(key) or disk.get(key), fresh.__setitem__))
    secrets = incremental.secrets_key(loaded.publication.secrets)
    state_file = cache_dir / "state.json"
    with timings.phase("plan"):
        plan = incremental.plan(staged, None if full else incremental.State.read(state_file), site_dir, secrets)
    if plan.kind == "none":
        return BuildReport(loaded, site_dir, 0, timings, plan)
    pages = sorted((p[len("docs/"):] for p in staged.files if p.startswith("docs/") and p.endswith(".md")),
                   key=incremental.engine_order)
    with Staging(site_dir) as staging:
        now = loaded.site.clock.now
        if plan.kind == "full":
            with timings.phase("write"):
                staged.write(staging.project)
            with timings.phase("engine"):
                engine.build(staging.project, staging.output, now)
            changed = None
        else:
            with timings.phase("write"):
                incremental.partial_project(staged, plan).write(staging.project)
            with timings.phase("engine"):
                engine.build(staging.project, staging.root / "partial", now)
            with timings.phase("assemble"):
                changed = incremental.assemble(site_dir, staging.root / "partial", staged, plan, staging.output)
        replace_files(staging.output, sitemap([incremental.page_url(p) for p in pages], loaded.config.site_url))
        with timings.phase("scan"):
            if changed is None or secrets != (incremental.State.read(state_file) or incremental.State()).secrets:
                leaks = scan_tree(staging.output, loaded.publication.secrets, where=f"{site_dir.name}/")
            else:
                files = {p: (staging.output / p).read_bytes() for p in changed + ["sitemap.xml", "sitemap.xml.gz"]}
                leaks = scan_files(files, loaded.publication.secrets, where=f"{site_dir.name}/")
        if leaks:
            raise ProblemsFound(leaks)
        files = sum(1 for p in staging.output.rglob("*") if p.is_file())
        with timings.phase("swap"):
            staging.swap_in()
    for key, data in fresh.items():
        disk.put(key, data)
    incremental.State.of(staged, site_dir, secrets).write(state_file)
    return BuildReport(loaded, site_dir, files, timings, plan)

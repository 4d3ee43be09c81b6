"""Read, validate and publish: everything ``accompany check`` needs, and the first half of a build.

This module imports no output library (no templates, Markdown, PDF or site
engine: the engine's adapter runs it in a process of its own), so that
checking a large project starts fast.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from . import read
from .core import advice
from .core.settings import SiteConfig
from .core.policy import Clock
from .core.publication import Publication, publish
from .core.problems import Problem, ProblemsFound
from .core.site import Site, build_site
from .core.source import Project, Source
from .core.validate import Catalogue, accompany_settings, validate
from .core.validate import validate_settings as validate_shared_settings
from .engines import Engine
from .engines.mkdocs import MkDocs


@dataclass
class Timings:
    """Seconds spent in each phase, for the benchmark and the build summary."""

    phases: dict[str, float] = field(default_factory=dict)
    current: str = ""
    """The phase begun last: what a progress line shows."""

    def phase(self, name: str):
        timings = self

        class _Phase:
            def __enter__(self):
                timings.current = name
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
    warnings: list[Problem] = field(default_factory=list)
    """What ``check`` and ``build`` print as warnings: odd dates, and what time closed or withheld."""
    engine: Engine = field(default_factory=lambda: default_engine())
    """The site engine that checked the settings, and will build the pages."""
    sites: dict[str, Site] = field(default_factory=dict)
    """The site in each language, the default (``site``) first: each as if it were a site of its own,
    at ``site_url`` + ``<language>/`` for the others."""

    @property
    def languages(self) -> tuple[str, ...]:
        """The site's languages, the default first."""
        return self.config.settings.site_languages

    def in_language(self, lang: str) -> "Loaded":
        """The project as its pages in ``lang`` see it: that language's site and settings (address, language)."""
        if lang == self.languages[0] or lang not in self.sites:
            return self
        site = self.sites[lang]
        return replace(self, site=site, config=site.config)


def default_engine() -> Engine:
    """The site engine: MkDocs with Material (generator/engines/ says how to add another)."""
    return MkDocs()


def validate_settings(source: Source, engine: Engine | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    """Check the settings file: its own part (the core) and the keys the site engine reads (its adapter)."""
    config, problems = validate_shared_settings(source)
    settings = config.settings if config is not None else accompany_settings(source)[0]
    problems = problems + (engine or default_engine()).settings_problems(source, settings and settings.language)
    return (None, problems) if problems else (config, [])


def resolve_now(as_of: date | datetime, timezone: ZoneInfo) -> datetime:
    """``--as-of`` as an instant: a date means its midnight in the site's time zone."""
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone)
    return datetime.combine(as_of, clock_time(0), tzinfo=timezone)


def load(root: Path, as_of: date | datetime, timings: Timings | None = None, site_url: str | None = None,
         engine: Engine | None = None, sources: read.SourceCache | None = None) -> Loaded:
    """Read and validate everything, then apply the policy as of ``as_of``.

    ``site_url`` replaces mkdocs.yml's for a mirror (an absolute http(s) URL
    ending in ``/``). ``sources``: the files as the last run parsed them, and where this run's are kept for
    the next (read.SourceCache).
    Raises :class:`ProblemsFound` with every problem in every
    file: the settings, each file against its schema, the references between
    files, and what the policy finds in the files that are valid, all in one run.
    """
    with no_cycle_collection():
        return _load(root, as_of, timings or Timings(), site_url, engine or default_engine(), sources)


@contextmanager
def no_cycle_collection(collect: bool = True):
    """Python's cycle collector paused in the block, as it was after it (blocks may nest).

    Reading a project makes a few hundred small containers per file, all kept, and a build makes as many again
    (records, fingerprints, entries): the collector would walk them again and again for nothing (a sixth of the
    time of reading 5,000 files; about a tenth of one new action's build, a fifth of a cold build's own work).
    Objects no longer used are still freed at once; the few cycles made meanwhile wait for the next collection
    (at 5,000 items, some 25 MiB more at the peak of a cold build).

    ``collect``: whether the next collection may walk what the block made. Its first one, soon after, walks
    every object the block made that is still held (at 5,000 items, a quarter of a second after one new
    action). False: those objects are set aside first (``gc.freeze``), never walked again, and the cycles
    among them never freed, for a process that ends right after (the ``accompany`` command) or that calls
    :func:`collect_cycles` when it has nothing else to do (the preview)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not collect:
                gc.freeze()
            gc.enable()


def collect_cycles() -> None:
    """Free the cycles that blocks of :func:`no_cycle_collection` with ``collect=False`` set aside, and any
    other: one full collection, which walks every object of the process."""
    gc.unfreeze()
    gc.collect()


def _load(root: Path, as_of: date | datetime, timings: Timings, site_url: str | None, engine: Engine,
          sources: read.SourceCache | None) -> Loaded:
    project, config, catalogue, problems = _validate(root, timings, site_url, engine, sources)
    with timings.phase("policy"):
        zone = ZoneInfo(config.settings.timezone)
        clock = Clock(resolve_now(as_of, zone), zone)
        # A file with a problem is left out here, as if it could not be read: its mistake is
        # reported once, not again at every file that names it.
        faulty = {p.path for p in problems}
        publication = publish(catalogue.without(faulty) if faulty else catalogue, clock,
                              config.settings.review_warning_days, config.settings.site_languages,
                              sources.published if sources is not None else None)
        problems = _merge(problems, publication.problems)
        if problems:
            raise ProblemsFound(problems)
        sites = {lang: build_site(publication.languages.public[lang], in_language(config, lang), clock,
                                  publication.unlinked) for lang in config.settings.site_languages}
        site = sites[config.settings.site_languages[0]]
    notes = sorted(set(advice.warnings(catalogue, zone) + publication.warnings))
    return Loaded(root, project, config, publication, site, notes, engine, sites)


def in_language(config: SiteConfig, lang: str) -> SiteConfig:
    """The site's settings as its pages in ``lang`` see them: their language, and their address.

    The default language is at the site's address; another is at ``<address><language>/``, where it
    is built as a site of its own (its own pages, search, feeds, calendars and sheets).
    """
    languages = config.settings.site_languages
    if lang == languages[0]:
        return config
    settings = config.settings.model_copy(update={"language": lang})
    return replace(config, settings=settings, site_url=f"{config.site_url}{lang.lower()}/")


def validated(root: Path, timings: Timings | None = None,
              site_url: str | None = None) -> tuple[Project, SiteConfig, Catalogue]:
    """Read and validate everything, whatever the date: the first half of :func:`load`.

    Raises :class:`ProblemsFound` with every problem the files have on any date.
    """
    project, config, catalogue, problems = _validate(root, timings or Timings(), site_url, default_engine())
    if problems:
        raise ProblemsFound(problems)
    return project, config, catalogue


def _validate(root: Path, timings: Timings, site_url: str | None, engine: Engine,
              cache: read.SourceCache | None = None):
    """``(project, config, catalogue, problems)``; raises only when there are no settings to go on."""
    with timings.phase("read"):
        result = read.read_project(root, cache)
    problems = list(result.problems)
    if result.project is None:
        raise ProblemsFound(problems)
    project = result.project
    with timings.phase("validate"):
        config = None
        if project.settings is not None:
            config, more = validate_settings(project.settings, engine)
            problems += more
        if config is not None and site_url is not None:
            config = replace(config, site_url=site_url)
        if config is not None and config.settings.languages:
            from .catalogs import language_problems  # babel: imported only for a site in several languages

            problems += language_problems(project.settings, config.settings.site_languages)
        catalogue, more = validate(project, config, result.broken, cache.checks if cache else None,
                                   cache.records if cache else None)  # also when the settings are wrong
        problems = _merge(problems, more)
        if cache is not None:
            cache.finish()
    if config is None:
        raise ProblemsFound(problems)
    return project, config, catalogue, problems


def _merge(first: list[Problem], then: list[Problem]) -> list[Problem]:
    """Problems from a later stage, minus those already reported for the same key."""
    seen = {(p.path, p.key) for p in first}
    return first + [p for p in then if (p.path, p.key) not in seen]

"""The MkDocs adapter: Material for MkDocs, run on the staged project in a subprocess.

All accompany knows of MkDocs is here: the keys of ``mkdocs.yml`` it reads
and those accompany writes itself, the project's layout (``mkdocs.yml``,
``docs/``, ``theme/`` as ``custom_dir``), directory URLs and the order in
which MkDocs walks pages, the nav format, Material's interface languages,
its search index and the files it makes, ``mkdocs build``. Each run gets
"now" as ``SOURCE_DATE_EPOCH``, so that every date it prints comes from the
build's clock, not the wall's.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import yaml

from ..core.problems import Problem, format_key
from ..core.source import Source
from ..core.validate import describe
from ..write import Tree
from . import Engine, Staged, mkdocs_search, stub

CONFIG = "mkdocs.yml"
HOOKS = "accompany_hooks.py"
THEME_CSS = ["assets/stylesheets/accompany.css"]
THEME_JS = ["assets/javascripts/accompany.js"]

#: mkdocs.yml keys that accompany writes itself, with what to do instead.
_ENGINE_OWNED = {
    "docs_dir": "accompany stages the docs itself from content/ and campaigns/",
    "nav": "accompany builds the navigation: top-level pages appear by their order key",
    "use_directory_urls": "accompany needs directory URLs",
    "hooks": "the engine runs only accompany's own code: code of the site's could publish what accompany withholds",
}
_ALLOWED_PLUGINS = {"search"}

#: Where a theme adds interface languages Material lacks (theme/partials/languages/ne.html).
LANGUAGES = "partials/languages/"


@lru_cache(maxsize=1)
def material_languages() -> frozenset[str]:
    """The interface languages Material ships (``partials/languages/<tag>.html``): ``en``, ``pt-BR``, ``zh-Hant`` ..."""
    folder = resources.files("material") / "templates" / "partials" / "languages"
    return frozenset(p.name[: -len(".html")] for p in folder.iterdir() if p.name.endswith(".html"))


def material_language(tag: str, available: frozenset[str] | None = None) -> str:
    """Material's language for the site's BCP 47 tag: the tag itself, else its shorter forms, else English.

    ``en-GB`` gives ``en``, ``pt-BR`` gives ``pt-BR``, ``zh-Hant-TW`` gives ``zh-Hant``, ``sw`` gives ``en``
    (Material has no Swahili interface strings).
    """
    by_case = {name.casefold(): name for name in (available if available is not None else material_languages())}
    parts = tag.split("-")
    for n in range(len(parts), 0, -1):
        found = by_case.get("-".join(parts[:n]).casefold())
        if found:
            return found
    return "en"


class MkDocs(Engine):
    """MkDocs with Material for MkDocs, in a subprocess."""

    name = "MkDocs"
    packages = ("mkdocs", "mkdocs-material")
    made_files = frozenset({"404.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz",
                            "assets/images/favicon.png"})  # Material's own favicon, the print pages' too
    search_index = "search/search_index.json"

    # ---- the settings file

    def settings_problems(self, source: Source, language: str | None) -> list[Problem]:
        data = source.data
        problems: list[Problem] = []

        def bad(loc: tuple, message: str) -> None:
            problems.append(Problem(source.path, source.line(loc), format_key(loc), message))

        for key, why in _ENGINE_OWNED.items():
            if key in data:
                bad((key,), f"remove it: {why}")
        theme = data.get("theme")
        if not isinstance(theme, dict) or theme.get("name") != "material":
            bad(("theme",), "must be a mapping with name: material")
        else:
            if theme.get("font", False) is not False:
                bad(("theme", "font"), "must be false: web fonts would be loaded from Google, leaking readers' addresses")
            if "custom_dir" in theme and theme["custom_dir"] != "theme":
                bad(("theme", "custom_dir"), "must be theme (the project's theme/ folder)")
        plugins = data.get("plugins", ())
        names = [next(iter(p)) if isinstance(p, dict) and p else p for p in (plugins or ())]
        for i, name in enumerate(names):
            if name not in _ALLOWED_PLUGINS:
                bad(("plugins", i), f"{name!r} is not supported: accompany uses only Material's built-in search")
        for key in ("extra_css", "extra_javascript"):
            for i, item in enumerate(data.get(key) or ()):
                path = item.get("path") if isinstance(item, dict) else item
                if not isinstance(path, str) or re.match(r"^[a-z]+:|^//", path, re.I):
                    bad((key, i), "must be a file in theme/: pages load nothing from other hosts")
        if language is not None and isinstance(theme, dict) and "language" in theme:
            value = theme["language"]
            if not isinstance(value, str) or value.split("-")[0].casefold() != language.split("-")[0].casefold():
                bad(("theme", "language"), f"{describe(value)} contradicts accompany.language ({language!r}): "
                    "remove theme.language; the interface language follows accompany.language")
        return problems

    # ---- addresses: use_directory_urls

    def page_url(self, doc: str) -> str:
        stem = doc[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def site_path(self, doc: str) -> str:
        return self.page_url(doc) + "index.html" if doc.endswith(".md") else doc

    def order(self, doc: str) -> tuple:
        """Files before folders, index first, then by name."""
        *folders, name = doc.split("/")
        stem = name.rsplit(".", 1)[0]
        return tuple((1, f) for f in folders) + ((0, stem not in ("index", "README"), name),)

    def static_files(self, theme: Mapping[str, bytes]) -> dict[str, bytes]:
        # custom_dir: MkDocs renders the templates (*.html) and copies every other file as it is.
        return {path: data for path, data in theme.items() if not path.endswith(".html")}

    # ---- the project

    def config(self, staged: Staged) -> dict:
        """``mkdocs.yml`` of the staged project: the volunteer's keys, and those accompany sets."""
        config = staged.config
        raw = dict(config.raw)
        raw.pop("site_dir", None)
        theme = dict(raw.get("theme") or {})
        # One language setting: Material's interface follows accompany.language (settings_problems refuses a contradiction).
        theme.update(name="material", custom_dir="theme", font=False,
                     language=material_language(config.settings.language, material_languages() | {
                         path[len(LANGUAGES):-len(".html")] for path in staged.theme
                         if path.startswith(LANGUAGES) and path.endswith(".html")}))
        search = next((p for p in raw.get("plugins") or ["search"]
                       if p == "search" or (isinstance(p, dict) and "search" in p)), "search")
        extra = dict(raw.get("extra") or {})
        # The theme's values (csp: printed first in every page's head); generator: false drops Material's "Made with".
        extra.update(staged.theme_values, generator=False)
        raw.update(
            extra=extra,
            site_name=config.site_name,
            site_url=config.site_url,
            docs_dir="docs",
            use_directory_urls=True,
            edit_uri="",
            theme=theme,
            plugins=[search],
            hooks=[HOOKS],
            nav=[{html.escape(title, quote=False): path} for title, path in staged.nav],
            extra_css=list(raw.get("extra_css") or []) + THEME_CSS,
            extra_javascript=list(raw.get("extra_javascript") or []) + THEME_JS,
            validation={"nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
                        "links": {"not_found": "warn", "anchors": "ignore", "absolute_links": "ignore",
                                  "unrecognized_links": "ignore"}},
        )
        return raw

    def project(self, staged: Staged, pages: Iterable[str] | None = None,
                files: Mapping[str, bytes] | None = None, stubs: Iterable[str] = ()) -> Tree:
        wanted = None if pages is None else set(pages)
        tree = Tree()
        tree.update({"docs/" + p: staged.pages[p] for p in (staged.pages if wanted is None else wanted & set(staged.pages))},
                    "pages")
        tree.update({"docs/" + p: stub(staged, p) for p in set(stubs) - (wanted or set()) if p in staged.pages}, "stubs")
        tree.update({"docs/" + p: d for p, d in (files or {}).items()}, "files")
        tree.update({"theme/" + p: d for p, d in staged.theme.items()}, "theme")
        tree.add(CONFIG, _dump(self.config(staged)), "engine config")
        tree.add(HOOKS, resources.files(__package__).joinpath("mkdocs_hooks.py").read_bytes(), "engine hooks")
        return tree

    def project_path(self, path: str) -> str:
        return "docs/" + path

    # ---- runs

    def build_command(self, project: Path, output: Path) -> list[str]:
        return [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                "--config-file", str(project / CONFIG), "--site-dir", str(output)]

    def runner(self) -> list[str]:
        return [sys.executable, "-c", _RUNNER]

    def environment(self, now: datetime, cache: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        if cache is not None:
            env["ACCOMPANY_ENGINE_CACHE"] = os.fspath(cache)  # Material's templates compiled once (mkdocs_hooks.py)
        else:
            env.pop("ACCOMPANY_ENGINE_CACHE", None)
        env["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
        env["PYTHONHASHSEED"] = "0"
        env["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner about its future: not the volunteer's business
        return env

    def merge_search_index(self, old: bytes | None, parts: Sequence[bytes], rebuilt: set[str],
                           pages: Iterable[str]) -> bytes | None:
        if old is None and not parts:
            return None
        replaced = {self.page_url(d) for d in rebuilt if d.endswith(".md")}
        rank = {self.page_url(d): i for i, d in enumerate(sorted((p for p in pages if p.endswith(".md")), key=self.order))}
        # The kept entries as the last build wrote them, not parsed and written again (mkdocs_search.py).
        return mkdocs_search.merge(old, parts, replaced, lambda page: rank.get(page, len(rank)))


#: The engine loaded ahead of its run (Engine.runner): MkDocs' command line, its build, its config's schema, the
#: plugins and Markdown extensions the staged project names (the imports, about half a second); then the one
#: run given on standard input, in its environment, as ``python -m mkdocs ...`` would make it (its public entry point, mkdocs.__main__.cli).
_RUNNER = r"""
import json, os, sys
import mkdocs.__main__, mkdocs.commands.build, mkdocs.config.defaults, mkdocs.plugins
import markdown.extensions.attr_list, markdown.extensions.codehilite, material.plugins.search.plugin
mkdocs.plugins.get_plugins()
line = sys.stdin.readline()
if line:
    given = json.loads(line)
    argv = given["argv"]
    os.environ.clear()  # the run's environment, not the one this process was started with (engines.Warm)
    os.environ.update(given["env"])
    if argv[:3] != [sys.executable, "-m", "mkdocs"]:  # another command line (a test's wrapper): that program
        os.execvp(argv[0], argv)
    sys.argv = ["mkdocs", *argv[3:]]
    mkdocs.__main__.cli(args=argv[3:], prog_name="mkdocs")
"""


def _dump(config: dict) -> bytes:
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode()

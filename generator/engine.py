"""The site engine as an output target: MkDocs with Material, run on the staged project.

This adapter writes nothing of the domain. It derives the engine's config from
the project's mkdocs.yml (with the keys accompany owns set here), and runs the
engine in a subprocess with "now" as SOURCE_DATE_EPOCH, so that the sitemap
and every date the engine prints come from the build's clock, not the wall's.
A drop-in engine (ProperDocs, Zensical) needs only another command line.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import threading
from collections import deque
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TextIO


from .core.model import SiteConfig
from .outputs.headers import CSP
from .outputs.mobilise import theme_extra

THEME_CSS = ["assets/stylesheets/accompany.css"]
THEME_JS = ["assets/javascripts/accompany.js"]


class EngineFailed(Exception):
    """The engine exited with an error; carries what it printed."""


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


def staged_config(config: SiteConfig, nav: list[tuple[str, str]]) -> dict:
    """The engine's config for the staged project. ``nav`` is ``(title, docs path)`` pairs."""
    raw = dict(config.raw)
    raw.pop("site_dir", None)
    theme = dict(raw.get("theme") or {})
    # One language setting: Material's interface follows accompany.language (validate.py refuses a contradiction).
    theme.update(name="material", custom_dir="theme", font=False,
                 language=material_language(config.settings.language))
    search = next((p for p in raw.get("plugins") or ["search"] if p == "search" or (isinstance(p, dict) and "search" in p)), "search")
    extra = dict(raw.get("extra") or {})
    # csp: printed first in every page's head; generator: false drops Material's "Made with" link.
    extra.update(csp=CSP, generator=False, **theme_extra(config))  # footer contact, og:locale, site card
    extra.pop("preview_problems", None)  # the preview's own (serve.py): never in a build
    raw.update(
        extra=extra,
        site_name=config.site_name,
        site_url=config.site_url,
        docs_dir="docs",
        use_directory_urls=True,
        edit_uri="",
        theme=theme,
        plugins=[search],
        nav=[{html.escape(title, quote=False): path} for title, path in nav],
        extra_css=list(raw.get("extra_css") or []) + THEME_CSS,
        extra_javascript=list(raw.get("extra_javascript") or []) + THEME_JS,
        validation={"nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
                    "links": {"not_found": "warn", "anchors": "ignore", "absolute_links": "ignore", "unrecognized_links": "ignore"}},
    )
    return raw


def _env(now: datetime) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    env["PYTHONHASHSEED"] = "0"
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner about its future: not the volunteer's business
    return env


def start(project: Path, output: Path, now: datetime) -> subprocess.Popen:
    """Start the engine on the staged ``project``, writing the site to ``output``; see :func:`wait`."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(output)]
    return subprocess.Popen(command, env=_env(now), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait(run: subprocess.Popen) -> None:
    """Wait for an engine run; raise :class:`EngineFailed` with what it printed if it failed."""
    out, err = run.communicate()
    if run.returncode != 0:
        raise EngineFailed((err or out).strip())


def serve(project: Path, address: str, now: datetime, out: TextIO | None = None) -> subprocess.Popen:
    """Start the engine's preview server on the staged ``project``; it reloads when files change.

    What the engine prints goes to ``out`` (stderr) only when it matters: its
    warnings and errors, and its last lines if it stops with an error; not
    its banners and progress.
    """
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", address,
               "--config-file", str(project / "mkdocs.yml")]
    process = subprocess.Popen(command, env=_env(now), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    threading.Thread(target=_relay, args=(process, out or sys.stderr), daemon=True).start()
    return process


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _relay(process: subprocess.Popen, out: TextIO) -> None:
    """Pass on the engine's warnings and errors; keep the rest in case it fails."""
    last: deque[str] = deque(maxlen=30)
    for line in process.stdout:
        line = _ANSI.sub("", line.rstrip())
        last.append(line)
        if line.startswith(("WARNING", "ERROR", "CRITICAL")):
            print(f"engine: {line}", file=out, flush=True)
    if process.wait() not in (0, -15):
        print("engine: stopped with an error:\n" + "\n".join(last), file=out, flush=True)

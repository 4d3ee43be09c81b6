"""``accompany init``: start an organisation's own site, without the sample.

Writes ``mkdocs.yml`` with the organisation's settings (asked on a terminal,
or given as options), empty content folders, a home page, a copy of the
theme to make its own (logo, favicon, colours), a short README, and the
deploy files of the systems chosen (recipes/). Nothing that exists is
overwritten: a folder that already holds a site is refused, and other files
already there (a README, a .gitignore) are left as they are.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from . import recipes
from .core.settings import Settings
from .core.readiness import DEFAULT_TAG_AUTHORITY, is_placeholder
from .core.kinds import KINDS
from .core.source import MEDIA_DIR

#: The accompany checkout this command runs from: its theme is copied into new sites.
ACCOMPANY = Path(__file__).resolve().parent.parent

PLACEHOLDER_URL = "https://www.example.org/"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", nargs="?", type=Path, help="where to create the site (default: --project, i.e. here)")
    p.add_argument("--organisation", help="the organisation's name, as readers should see it")
    p.add_argument("--site-url", help="the site's public address, e.g. https://accompaniment.example.net/")
    p.add_argument("--language", help="the site's language (BCP 47: en, es, pt-BR); default en")
    p.add_argument("--timezone", help="the site's IANA time zone (Europe/London); default UTC")
    p.add_argument("--contact", help="the e-mail address supporters write to")
    p.add_argument("--tag-authority", help="a domain you control and a year: example.org,2026 (default: the site's)")
    p.add_argument("--deploy", action="append", choices=[*recipes.SYSTEMS, "none"],
                   help="deploy files to write: github, gitlab, server (your own server); repeat for more")
    p.add_argument("--onion", metavar="HOST", help="own server: the onion service's address (....onion)")
    p.add_argument("--maintainers", metavar="EMAIL", help="own server: who is told when a build fails (default: --contact)")
    p.add_argument("--accompany", metavar="REQUIREMENT",
                   help="how CI installs accompany, a pip requirement (default: this copy's Git origin and commit)")
    p.add_argument("--no-input", action="store_true", help="ask nothing: use the options and defaults")


def init(args: argparse.Namespace, now: datetime, ask: Callable[[str], str] | None = None) -> int:
    """Create the site; returns the exit code. ``ask`` reads an answer (default: input() on a terminal)."""
    root = (args.folder if args.folder is not None else args.project).absolute()
    taken = [name for name in ("mkdocs.yml", "content", "campaigns") if (root / name).exists()]
    if taken:
        print(f"accompany: {root} already holds a site ({', '.join(taken)}): nothing was written.\n"
              "To start your own site from a clone of accompany, remove the sample first: "
              "git rm -r content campaigns mkdocs.yml", file=sys.stderr)
        return 2
    if not (ACCOMPANY / "theme" / "main.html").is_file():
        print(f"accompany: the theme to copy is not at {ACCOMPANY / 'theme'}: run accompany init from a clone of "
              "accompany (pip install -e .), where the theme is", file=sys.stderr)
        return 2
    if ask is None and not args.no_input and sys.stdin.isatty():
        ask = input
    try:
        answers = _answers(args, now, ask)
    except ValueError as exc:
        print(f"accompany: {exc}", file=sys.stderr)
        return 2
    files = project_files(answers, now)
    for system in answers["deploy"]:
        files.update(recipes.recipe(system, _deployment(answers), now.year))
    files["requirements.txt"] = requirement_file(args.accompany, root)
    written, kept = [], []
    for path, text in files.items():
        target = root / path
        if target.exists():
            kept.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(path)
    if (root / "theme").exists():
        kept.append("theme/")
    else:
        shutil.copytree(ACCOMPANY / "theme", root / "theme")
        written.append("theme/")
    print(_next_steps(root, answers, written, kept))
    return 0


# ---------------------------------------------------------------- answers


def _answers(args: argparse.Namespace, now: datetime, ask) -> dict:
    """Every setting, from the options, else asked, else its default; checked like mkdocs.yml is."""

    def get(name: str, question: str, default: str | None) -> str | None:
        given = getattr(args, name)
        if given is not None or ask is None:
            return given if given is not None else default
        shown = f" [{default}]" if default else ""
        answer = ask(f"{question}{shown}: ").strip()
        return answer or default

    organisation = get("organisation", "Your organisation's name", None)
    if not organisation:
        raise ValueError("the organisation's name is needed: --organisation 'Name'")
    site_url = get("site_url", "The site's address", PLACEHOLDER_URL) or PLACEHOLDER_URL
    from .build_command import site_url_argument

    site_url = site_url_argument(site_url)
    host = site_url.split("://", 1)[1].split("/", 1)[0].split(":")[0]
    default_authority = DEFAULT_TAG_AUTHORITY if is_placeholder(host) else f"{host},{now.year}"
    values = {
        "organisation": organisation,
        "language": get("language", "Its language", "en"),
        "timezone": get("timezone", "Its time zone", "UTC"),
        "contact_email": get("contact", "The address supporters write to (empty: none)", None),
        "tag_authority": get("tag_authority", "Names feed entries for good: a domain you control, and this year",
                             default_authority),
    }
    values = {k: v for k, v in values.items() if v}
    try:
        Settings.model_validate(values)
    except ValidationError as exc:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    deploy = args.deploy
    if deploy is None and ask is not None:
        answer = ask("Where will it run? github, gitlab, server (your own), or none [none]: ").strip() or "none"
        deploy = answer.replace(",", " ").split()
    deploy = [d for d in dict.fromkeys(deploy or []) if d != "none"]
    unknown = [d for d in deploy if d not in recipes.SYSTEMS]
    if unknown:
        raise ValueError(f"unknown deploy system {unknown[0]!r}: choose from {', '.join(recipes.SYSTEMS)} or none")
    onion = args.onion
    if onion is not None and not onion.endswith(".onion"):
        raise ValueError(f"--onion {onion!r}: an onion address ends in .onion")
    return {**values, "site_url": site_url, "deploy": deploy, "onion": onion,
            "maintainers": args.maintainers or values.get("contact_email") or "root@localhost"}


def _deployment(a: dict) -> recipes.Deployment:
    return recipes.Deployment(site_url=a["site_url"], timezone=a.get("timezone", "UTC"),
                              organisation=a["organisation"], maintainers=a["maintainers"], onion=a["onion"])


# ---------------------------------------------------------------- files


def project_files(a: dict, now: datetime) -> dict[str, str]:
    """The new site's own files (not the theme, not the deploy files), by path."""
    files = {"mkdocs.yml": _settings(a), "content/pages/index.md": _HOME.format(organisation=a["organisation"]),
             ".gitignore": _GITIGNORE, "README.md": _README.format(organisation=a["organisation"])}
    for folder in [k.folder for k in KINDS.values() if not k.recursive] + [MEDIA_DIR]:
        files[f"{folder}/.gitkeep"] = ""
    return files


def _settings(a: dict) -> str:
    import yaml

    def q(value: str) -> str:
        return yaml.safe_dump(value, allow_unicode=True, default_style='"').strip()

    lines = [
        "# The site's settings (README: \"Make it yours\"). accompany reads the accompany: block;",
        "# the rest is MkDocs and its Material theme. accompany sets docs_dir, nav and",
        "# use_directory_urls itself: do not add them.",
        f"site_name: {q(a['organisation'])}",
        f"site_url: {a['site_url']}",
        "",
        "theme:",
        "  name: material",
        f"  language: {a.get('language', 'en')}",
        "  font: false          # never load Google Fonts: readers' addresses must not leak",
        "  # Your logo and favicon: put the files in theme/assets/images/ and name them here.",
        "  # logo: assets/images/logo.svg",
        "  # favicon: assets/images/favicon.png",
        "  palette:",
        "    scheme: default",
        "    primary: red",
        "    accent: red",
        "  features:",
        "    - navigation.sections",
        "",
        "plugins:",
        "  - search",
        "",
        "accompany:",
        f"  organisation: {q(a['organisation'])}",
        f"  language: {a.get('language', 'en')}",
        f"  timezone: {a.get('timezone', 'UTC')}",
    ]
    if a.get("contact_email"):
        lines.append(f"  contact_email: {a['contact_email']}")
    else:
        lines.append("  # contact_email: hello@your-organisation.org")
    lines += [
        "  # Names feed entries and calendar events for good: a domain you control and the",
        "  # year it was yours. Never change it once the site is out.",
        f"  tag_authority: {a.get('tag_authority', DEFAULT_TAG_AUTHORITY)}",
        "  # The theme vocabulary: slug: label. Files name themes by slug (themes: [land-rights]).",
        "  themes:",
        "    land-rights: Land and territory",
        "",
    ]
    return "\n".join(lines)


def requirement_file(given: str | None, root: Path) -> str:
    """``requirements.txt``: how CI and servers install accompany (the version this site was made with)."""
    head = "# How CI and servers install accompany: pip install -r requirements.txt\n"
    if given:
        return head + given + "\n"
    if (root / "pyproject.toml").is_file() and (root / "generator" / "build.py").is_file():
        return head + "-e .\n"  # the site lives in a clone of accompany itself
    origin, commit = _git(ACCOMPANY, "remote", "get-url", "origin"), _git(ACCOMPANY, "rev-parse", "HEAD")
    if origin and commit:
        if "://" not in origin and ":" in origin:  # git@host:owner/repo.git, as pip needs it
            user_host, _, path = origin.partition(":")
            origin = f"ssh://{user_host}/{path}"
        return head + f"accompany @ git+{origin}@{commit}\n"
    return (head + "# This copy of accompany has no Git origin: replace the line below with one CI can reach,\n"
            "# e.g. accompany @ git+https://git.example.org/you/accompany@<commit>\n"
            f"accompany @ {ACCOMPANY.as_uri()}\n")


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _next_steps(root: Path, a: dict, written: list[str], kept: list[str]) -> str:
    lines = [f"created the site of {a['organisation']} in {root}:"]
    lines += [f"  {path}" for path in written if not path.endswith(".gitkeep")]
    if kept:
        lines.append("left as they were: " + ", ".join(kept))
    lines += ["next:", f"  cd {root}", "  accompany new action my-first-action   # then fill it in",
              "  accompany check && accompany build",
              "Before it goes online: README.md of accompany, \"Make it yours\" and \"Put it online\"."]
    return "\n".join(lines)


_HOME = """\
---
title: {organisation}
summary: Who we are, and what supporters can do.
---

Say here who {organisation} is, whom you accompany, and what you ask of
supporters. This page is content/pages/index.md.
"""

_GITIGNORE = """\
# What accompany makes: never commit it. .accompany/ holds the build cache and records.
/site/
/public/
/_site/
/.accompany/
/schema/
/.venv/
"""

_README = """\
# The site of {organisation}

Made with accompany. Each item is one Markdown file:

- `content/actions/`: urgent actions (`accompany new action SLUG`)
- `content/defenders/`: defender profiles, published only when vetted and consented to
- `content/tours/`: speaker tours and their stops
- `content/pages/`: ordinary pages; `index.md` is the home page
- `content/media/`: images
- `campaigns/`: campaigns that group the rest

`mkdocs.yml` holds the settings, `theme/` the look (logo and favicon go in
`theme/assets/images/`). After every change: `accompany check`, then
`accompany build` (into `site/`) or `accompany serve` (a preview on this
computer). `accompany status` says what the site will change and when.

Keep this repository private: drafts, private notes and real names are in it.
"""

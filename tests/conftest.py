"""Shared fixtures: the sample site built once, and tiny projects built in temp folders."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import io
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
#: The sample content is written to show every state as of this date.
SAMPLE_AS_OF = date(2026, 12, 1)

MINIMAL_SETTINGS = """\
site_name: Test Network
site_url: https://example.org/
theme:
  name: material
  font: false
plugins:
  - search
accompany:
  organisation: Test Network
  language: en
  timezone: Europe/London
  themes:
    land-rights: Land rights
    press-freedom: Press freedom
"""


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample content, built as of SAMPLE_AS_OF. Returns the site folder."""
    from generator.build import build

    base = tmp_path_factory.mktemp("sample")
    build(REPO, base / "site", SAMPLE_AS_OF, cache_dir=base / "cache")
    return base / "site"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        done = subprocess.run([tool, *args, pdf.name, *(["-"] if tool == "pdftotext" else [])],
                              capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def read_back(path: str, data: bytes) -> str:
    """Everything a reader, a feed reader, a calendar or a PDF viewer could get from one output file, and its name.

    Read with tools of their own (poppler's pdftotext and pdfinfo, feedparser, icalendar, json,
    gzip), never with the build's leak scanner (generator/leakscan.py): if one went blind, the
    other would still see.
    """
    texts = [path, unquote(path)]
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    if path.endswith(".pdf"):
        texts.append(_poppler("pdftotext", data, "-enc", "UTF-8"))
        texts.append(_poppler("pdfinfo", data, "-enc", "UTF-8", "-meta"))  # title, author, keywords, XMP
        return "\n".join(texts)
    text = data.decode("utf-8", "replace")
    texts += [text, html.unescape(text), unquote(html.unescape(text))]  # e-mail and share links are percent-encoded
    if path.endswith(".json"):
        texts += _strings(json.loads(text))
    elif path.endswith(".ics"):
        from icalendar import Calendar

        for component in Calendar.from_ical(data).walk():
            texts += [str(value) for value in component.values()]
    elif path.endswith((".rss.xml", ".atom.xml")):
        import feedparser

        feed = feedparser.parse(data, sanitize_html=False)
        texts += _strings(dict(feed.feed)) + [s for entry in feed.entries for s in _strings(dict(entry))]
    return "\n".join(texts)


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site: ``{relative path: bytes}``."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


class Project:
    """A throwaway project: write files into it, then check or build it."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(REPO / "theme", root / "theme")
        for folder in ("content/actions", "content/defenders", "content/tours", "content/pages", "content/media", "campaigns"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.write("mkdocs.yml", MINIMAL_SETTINGS)

    @classmethod
    def existing(cls, root: Path) -> "Project":
        """The project already at ``root`` (a copy of one, see copy_built), left as it is."""
        project = cls.__new__(cls)
        project.root = root
        return project

    def write(self, path: str, text: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def copy_sample(self, *paths: str) -> None:
        """Copy files or folders of the bundled sample into this project."""
        for path in paths:
            source = REPO / path
            if source.is_dir():
                shutil.copytree(source, self.root / path, dirs_exist_ok=True)
            else:
                (self.root / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.root / path)

    def cli(self, *args: str) -> tuple[int, str, str]:
        """Run ``accompany --project ROOT ARGS``: (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--project", str(self.root), *args])
        return code, out.getvalue(), err.getvalue()

    def problems(self, as_of: str = "2026-12-01") -> list[str]:
        """The problem lines of ``accompany check``, without the count line."""
        code, _, err = self.cli("check", "--as-of", as_of)
        return [line for line in err.splitlines() if not line.endswith("nothing was built or changed.")]


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "project")


def build_sample(folder: Path):
    """The sample (content, campaigns, settings) copied into ``folder/project`` and built as of SAMPLE_AS_OF into
    ``folder/site``, its cache in ``folder/cache``: ``(project, site, cache, the build's report)``."""
    from generator.build import build

    project = Project(folder / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    report = build(project.root, folder / "site", SAMPLE_AS_OF, cache_dir=folder / "cache")
    return project, folder / "site", folder / "cache", report


@pytest.fixture(scope="session")
def sample_built_once(tmp_path_factory) -> Path:
    """build_sample's folder, its one full build made once per session (per xdist worker): the tests that change
    the sample and build it again start from a copy of it (copy_built) instead of a full build of their own."""
    folder = tmp_path_factory.mktemp("sample-built")
    _, site, cache, report = build_sample(folder)
    assert report.plan.kind == "full"
    settle(site, cache)
    return folder


def settle(site: Path, cache: Path) -> None:
    """Wait for what the last build of ``site`` left running in the background (the staging folder's removal, the
    cache's dropped files), as its next build would: a copy made then is the folder as that build would find it."""
    from generator.cache import BuildCache
    from generator.write import Staging

    for running in (Staging._removing.get(os.fspath(site.absolute()), (None,))[0],
                    BuildCache._dropping_in.get(os.fspath(cache.absolute()))):
        if running is not None:
            running.join()


def tree_digest(root: Path) -> str:
    """The SHA-256 of every file under ``root``: its path, its mode and its bytes, in order."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() or path.is_symlink():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(oct(path.lstat().st_mode).encode() + b"\0")
            digest.update(os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="session")
def full_build_of(tmp_path_factory):
    """``full_build_of(root, as_of)``: the site folder of a full build (``full=True``, a fresh cache of its own)
    of the project at ``root`` as of ``as_of``, made once per session (per xdist worker) for each state of the
    project's files (tree_digest): the tests that compare an incremental build with a full build of the same
    files share that full build instead of each making its own. Only for a project whose folder holds its
    sources alone (build_sample's: site and cache beside it), built with no part of the build patched."""
    from generator.build import build

    made: dict[tuple[str, object], Path] = {}

    def full_build(root: Path, as_of) -> Path:
        key = (tree_digest(root), as_of)
        if key not in made:
            folder = tmp_path_factory.mktemp("full")
            build(root, folder / "site", as_of, cache_dir=folder / "cache", full=True)
            made[key] = folder / "site"
        return made[key]

    return full_build


def copy_built(source: Path, folder: Path):
    """A copy of build_sample's folder ``source`` into ``folder``, made as ``cp -a`` makes it: the same bytes,
    modes, times and hard links (the spare a build keeps is hard links of the site's files), so that a build in
    the copy finds what a build in ``source`` would: ``(project, site, cache)``, as build_sample gives them."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", "--", f"{source}/.", str(folder)], check=True)
    return Project.existing(folder / "project"), folder / "site", folder / "cache"


VALID_ACTION = """\
---
title: A valid action
id: UA-TEST-001
issued: 2026-11-01
deadline: 2026-12-20
status: open
country: CO
summary: A test action.
targets:
  - name: The Minister
    address: |
      1 Street
      City
    salutation: Dear Minister
letter: |
  Dear Minister, please act.
---

Body.
"""

VALID_DEFENDER = """\
---
title: Ana
name: Ana
summary: A defender.
country: CO
author: AB
vetting:
  status: approved
  by: CD
  on: 2026-10-01
  review_by: 2027-04-01
consent:
  name: first
  given_on: 2026-09-01
---

Body.
"""


#: A made-up v3 onion address (56 base32 characters): the sample's onion mirror in the tests.
ONION = "accompanysampleonionmirrorfortheteststwo234567abcdefghij.onion"


@pytest.fixture(scope="session")
def onion_site(tmp_path_factory) -> Path:
    """The bundled sample built as a mirror at http://ONION/, as of SAMPLE_AS_OF. Returns the site folder."""
    from generator.build import build

    base = tmp_path_factory.mktemp("onion")
    build(REPO, base / "site", SAMPLE_AS_OF, cache_dir=base / "cache", site_url=f"http://{ONION}/")
    return base / "site"

"""Incremental builds of a site in several languages: each language re-renders only what changed in it.

The bundled sample (English, Spanish, Nepali) is built, then changed in one
language; the build's plan for each language (BuildReport.plans) and the line
`accompany build` prints say what was rendered, and the files of the pages
that do not show the change are not touched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLE_AS_OF, VALID_ACTION, Project, copy_built, settle, site_files

AS_OF = SAMPLE_AS_OF.isoformat()


def _stat(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """The sample copied into a project and built by ``accompany build`` (its site and cache in the project), once
    per module and worker: each test changes a copy of it (sample)."""
    folder = tmp_path_factory.mktemp("languages")
    project = Project(folder / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    code, out, err = project.cli("build", "--as-of", AS_OF)
    assert code == 0, err
    assert out.splitlines()[-1].startswith(f"built ")
    settle(project.root / "site", project.root / ".accompany" / "cache")
    return folder


@pytest.fixture
def sample(built_once, tmp_path) -> Project:
    """A copy (cp -a: bytes, times, hard links) of the project that built_once built, for this test to change."""
    project, _, _ = copy_built(built_once, tmp_path)
    return project


def _build(project: Project):
    from generator.build import build

    return build(project.root, project.root / "site", SAMPLE_AS_OF, cache_dir=project.root / ".accompany" / "cache")


def test_a_change_in_the_spanish_text_alone_renders_spanish_pages_alone_and_says_so(sample):
    spanish = sample.root / "content/actions/river-guardians.es.md"
    spanish.write_text(spanish.read_text().replace("Protejan a los guardianes", "Protejan ya a los guardianes", 1))
    before = _stat(sample.root / "site")
    code, out, err = sample.cli("build", "--as-of", AS_OF)
    assert code == 0, err
    line = out.splitlines()[-1]
    assert "nothing changed" not in line, line
    rendered = int(re.search(r"updated .*: (\d+) pages rendered", line).group(1))
    after = _stat(sample.root / "site")
    touched = sorted(p for p in after if before.get(p) != after[p])
    assert touched and all(p.startswith("es/") for p in touched), touched
    assert "es/actions/river-guardians/index.html" in touched
    assert rendered >= 1 and rendered <= len(touched) + 5  # the pages that show the title, and the navigation's
    assert "Protejan ya a los guardianes" in (sample.root / "site/es/actions/river-guardians/index.html").read_text()


def test_a_new_action_in_one_language_renders_in_each_language_only_the_pages_that_show_it(sample):
    sample.write("content/actions/new-action.md", VALID_ACTION.replace("UA-TEST-001", "UA-2026-099")
                 .replace("title: A valid action", "title: A brand new action").replace("country: CO", "country: KE"))
    report = _build(sample)
    assert set(report.plans) == {"en", "es", "ne"}
    for lang, plan in report.plans.items():
        assert plan.kind == "partial", (lang, plan.reason)
        pages = set(plan.pages)
        assert "actions/new-action/index.md" in pages, lang  # in every language: untranslated, marked
        assert {"index.md", "actions/index.md", "countries/ke/index.md"} <= pages, lang  # the lists that show it
        assert "defenders/lucia/index.md" not in pages and "tours/voices-of-the-river/index.md" not in pages, lang
        assert len(pages) < 15, (lang, sorted(pages))
    prefix = {"en": "", "es": "es/", "ne": "ne/"}  # report.plan: every language's, each under its prefix
    assert report.plan.pages == tuple(prefix[lang] + p for lang, plan in report.plans.items() for p in plan.pages)
    files = site_files(sample.root / "site")
    assert "A brand new action" in files["es/actions/new-action/index.html"].decode()

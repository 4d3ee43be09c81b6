"""Withdrawal in one step: set consent.withdrawn_on, build, and the defender is gone from every byte.

Outputs are read here without generator.leakscan: PDFs with poppler's
pdftotext and pdfinfo, feeds with feedparser, everything else as bytes, gzip
undone, HTML and JSON escapes undone, accents and case folded.
"""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import feedparser
import pytest

from conftest import Project, copy_built, settle, site_files
from marks import without_marks

AS_OF = date(2026, 12, 1)
#: Every form of Lucía the sample knows: shown name, real name, file name, and the alias added here.
LUCIA = ["Lucía", "Marisol Quintero Vargas", "lucia", "La Ribereña"]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    return " ".join(without_marks(decomposed).casefold().split())


def readable(path: str, data: bytes, tmp: Path) -> str:
    """What a reader (or a machine) could get out of one output file, independently of the generator."""
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    texts = [path, data.decode("utf-8", "ignore")]
    if path.endswith(".pdf"):
        pdf = tmp / "x.pdf"
        pdf.write_bytes(data)
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                    text=True, check=True).stdout)
        texts.append(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout)
    if path.endswith(".json"):
        texts.append(json.dumps(json.loads(data), ensure_ascii=False))
    if path.endswith((".rss.xml", ".atom.xml")):
        feed = feedparser.parse(data)
        texts += [feed.feed.get("title", "")] + [e.get("title", "") + e.get("summary", "") for e in feed.entries]
    return fold("\n".join(texts))


def mentions(site: Path, names: list[str], tmp: Path) -> dict[str, list[str]]:
    """Output file to the names it contains, as whole words."""
    import re

    patterns = {name: re.compile(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)") for name in names}
    found = {}
    for path, data in site_files(site).items():
        if path.startswith("assets/"):  # Material's scripts and our fonts: not content
            continue
        text = readable(path, data, tmp)
        hits = [name for name, pattern in patterns.items() if pattern.search(text)]
        if hits:
            found[path] = hits
    return found


def _withdraw(project: Project, on: str = "2026-12-01") -> None:
    path = project.root / "content/defenders/lucia.md"
    text = path.read_text()
    text = text.replace("  given_on: 2026-08-20\n", f"  given_on: 2026-08-20\n  withdrawn_on: {on}\n")
    text = text.replace("name: Lucía\n", "name: Lucía\nalso_known_as: [La Ribereña]\n")
    path.write_text(text)


@pytest.fixture
def sample(project) -> Project:
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    return project


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """The sample copied into a project and built by ``accompany build`` as of AS_OF (its site and cache in the
    project), once per module and worker: each test that starts from it changes a copy of it (built)."""
    folder = tmp_path_factory.mktemp("withdrawal")
    project = Project(folder / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    code, _, err = project.cli("build", "--as-of", AS_OF.isoformat())
    assert code == 0, err
    settle(project.root / "site", project.root / ".accompany" / "cache")
    return folder


@pytest.fixture
def built(built_once, tmp_path) -> Project:
    """A copy (cp -a: bytes, times, hard links) of the project built_once built, for this test to change."""
    return copy_built(built_once, tmp_path)[0]


def test_withdrawal_in_one_step_leaves_no_trace_and_lists_what_named_her(built, tmp_path):
    sample = built  # built as of AS_OF by `accompany build` (built_once)
    site = sample.root / "site"
    assert "defenders/lucia/index.html" in site_files(site)
    assert mentions(site, ["Lucía"], tmp_path)  # the control: the scan below can see her

    _withdraw(sample)
    code, out, err = sample.cli("build", "--as-of", AS_OF.isoformat())
    assert code == 0, err
    assert mentions(site, LUCIA, tmp_path) == {}
    files = site_files(site)
    assert not any("lucia" in path for path in files)
    assert "tours/voices-of-the-river/index.html" not in files
    assert "actions/river-guardians/index.html" in files  # named her by slug only: stays, without her
    code, out, _ = sample.cli("check", "--as-of", AS_OF.isoformat())
    assert code == 0
    assert ("warning: content/tours/voices-of-the-river.md:5: summary: names 'Lucía', whose consent was "
            "withdrawn on 2026-12-01: edit the text to publish this tour again") in out.splitlines()
    assert ("warning: content/actions/river-guardians.md:12: defenders[1]: defender 'lucia' "
            "(content/defenders/lucia.md) is withheld (consent withdrawn on 2026-12-01): left out of this action "
            "until it is public again") in out.splitlines()
    assert "withheld: content/tours/voices-of-the-river.md: names 'Lucía', whose consent was withdrawn on 2026-12-01" in out

    # Edit the tour's text and it is published again, still without her.
    tour = sample.root / "content/tours/voices-of-the-river.md"
    tour.write_text(tour.read_text().replace("Lucía and members", "Members").replace("For two weeks, Lucía and", "For two weeks,")
                    .replace("[lucia, san-ignacio-river-community]", "[lucia, san-ignacio-river-community]"))
    code, _, err = sample.cli("build", "--as-of", AS_OF.isoformat())
    assert code == 0, err
    assert "tours/voices-of-the-river/index.html" in site_files(site)
    assert mentions(site, LUCIA, tmp_path) == {}


def test_a_name_the_policy_cannot_remove_stops_the_build_and_keeps_the_old_site(built):
    sample = built  # built as of AS_OF by `accompany build` (built_once)
    before = site_files(sample.root / "site")
    settings = sample.root / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("copyright: >-\n", "copyright: >-\n  Photos: Lucía.\n"))
    _withdraw(sample)
    code, _, err = sample.cli("build", "--as-of", AS_OF.isoformat())
    assert code == 1
    assert ("content/defenders/lucia.md:4: name: 'Lucía', of a defender whose consent was withdrawn on 2026-12-01, "
            "would be published in site/index.html: find and remove it") in err.splitlines()
    assert site_files(sample.root / "site") == before


@pytest.mark.parametrize("text, withheld", [
    ("Supported by LUCIA and friends.", True),
    ("Supported by lucía.", True),
    ("Supported by la ribereña.", True),            # an alias, in another case
    ("Supported by Lucianne.", False),              # whole words only
    ("Supported by [a friend](../defenders/lucia.md).", False),  # a link by file: left out, not a mention
])
def test_a_mention_anywhere_in_a_file_withholds_it(sample, text, withheld):
    _withdraw(sample)
    action = sample.root / "content/actions/union-leader-guatemala.md"
    action.write_text(action.read_text().replace("    text: ", "    text: ", 1).replace(
        "appeal_languages: [es]\n",
        f"appeal_languages: [es]\nupdates:\n  - date: 2026-11-25\n    title: News\n    text: \"{text}\"\n"))
    code, out, err = sample.cli("check", "--as-of", AS_OF.isoformat())
    assert code == 0, err
    line = "withheld: content/actions/union-leader-guatemala.md: names"
    assert any(l.startswith(line) for l in out.splitlines()) == withheld, out


def test_consent_given_later_withholds_until_that_day(sample):
    path = sample.root / "content/defenders/lucia.md"
    path.write_text(path.read_text().replace("  given_on: 2026-08-20\n", "  given_on: 2026-12-03\n"))
    _, out, _ = sample.cli("check", "--as-of", "2026-12-02")
    assert "withheld: content/tours/voices-of-the-river.md: names 'Lucía', whose consent is given only from 2026-12-03" in out
    _, out, _ = sample.cli("check", "--as-of", "2026-12-03")
    out = "\n".join(line for line in out.splitlines() if not line.startswith("not translated into"))  # a translator's list
    assert "voices-of-the-river" not in out and "lucia" not in out

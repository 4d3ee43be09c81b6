"""What the CMS writes goes through check like any file: every content type, complete and minimal."""

from __future__ import annotations

import re

import pytest
import yaml

from cms_entries import entry, front_matter
from generator.cms.admin import admin_files
from generator.cms.command import read_settings
from generator.cms.config import local_backend

#: Published items of the sample that the CMS's relations offer.
REFERENCES = {"defender": "lucia", "campaign": "rivers-not-bullets", "action": "UA-2026-031"}
BODY = "\nWritten in the CMS, with a [link to how to help](../pages/how-to-help.md).\n"
SUMMARY = re.compile(r"^ok as of .*?: (\d+) actions \(\d+ open\), (\d+) defenders, (\d+) tours, (\d+) pages, "
                     r"(\d+) campaigns published; (\d+) withheld", re.M)


@pytest.fixture
def sample(project):
    project.copy_sample("mkdocs.yml", "content", "campaigns")
    return project


def collections(project) -> list[dict]:
    files = admin_files(read_settings(project.root), local_backend(), {})
    return yaml.safe_load(files["config.yml"])["collections"]


def write_entries(project, complete: bool) -> dict[str, str]:
    """One file per collection, as the CMS saves it: {collection: path}."""
    written = {}
    for spec in collections(project):
        path = f"{spec['folder']}/cms-made-{spec['name']}.md"
        body = BODY.replace("../pages/", "../content/pages/") if spec["folder"] == "campaigns" else BODY
        if spec["name"] == "page":
            body = body.replace("../pages/", "")
        project.write(path, front_matter(entry(spec, REFERENCES, complete), body))
        written[spec["name"]] = path
    return written


def counts(stdout: str) -> tuple[int, ...]:
    match = SUMMARY.search(stdout)
    assert match, stdout
    return tuple(int(n) for n in match.groups())


def test_complete_entries_of_every_type_pass_check_and_are_published(sample):
    code, before, err = sample.cli("check", "--as-of", "2026-12-01")
    assert code == 0, err
    written = write_entries(sample, complete=True)
    assert len(written) == 5
    text = (sample.root / written["action"]).read_text()
    assert "\nissued: 2026-11-20\n" in text and "  - name: Name (sample)\n" in text, "written as the CMS writes"
    assert "    address: |-\n      1 Street\n" in text
    code, after, err = sample.cli("check", "--as-of", "2026-12-01")
    assert code == 0, err
    assert [line for line in after.splitlines() if "cms-made" in line
            and not line.startswith("not translated into")] == []  # a translator's list, not a problem
    published_before, published_after = counts(before), counts(after)
    assert published_after[:5] == tuple(n + 1 for n in published_before[:5]), "one more of each type published"
    assert published_after[5] == published_before[5]


def test_what_the_cms_cannot_enforce_check_still_does(sample):
    written = write_entries(sample, complete=False)
    action = (sample.root / written["action"]).read_text()
    assert "\ndraft: true\n" in action and "\nstatus: open\n" in action, "a new entry is a draft, open"
    code, out, err = sample.cli("check", "--as-of", "2026-12-01")
    assert code == 1
    problems = sorted(line.split(": ", 1)[1] for line in err.splitlines() if line.startswith(("content/", "campaigns/"))
                      for _ in [0] if "cms-made" in line)
    assert problems == [
        "deadline: required while status is open",
        "letter: required while status is open: the model letter",
        "stops[0]: needs a venue, a city or an online link",
        "targets: at least one target is required while status is open",
    ], err
    assert all("cms-made" in line for line in err.splitlines() if line.startswith(("content/", "campaigns/")))


def test_the_drafts_the_cms_starts_are_withheld(sample):
    written = write_entries(sample, complete=False)
    for name in ("action", "tour"):
        (sample.root / written[name]).unlink()
    code, out, err = sample.cli("check", "--as-of", "2026-12-01")
    assert code == 0, err
    withheld = sorted(line for line in out.splitlines() if "cms-made" in line)
    assert withheld == [
        "withheld: campaigns/cms-made-campaign.md: draft: true",
        "withheld: content/defenders/cms-made-defender.md: draft: true",
        "withheld: content/pages/cms-made-page.md: draft: true",
    ]

"""``accompany status``: what is live, what changes when, and an exit code a monitor can use."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import VALID_ACTION, Project, site_files
from generator import buildrecord
from generator.status import status

SOON = VALID_ACTION.replace("UA-TEST-001", "UA-TEST-009").replace("deadline: 2026-12-20", "deadline: 2026-12-03")


def run(project: Project, as_of: str, wall_now: datetime, **options) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = status(project.root, date.fromisoformat(as_of), wall_now, **options)
    return code, out.getvalue()


@pytest.fixture
def built(project: Project, tmp_path):
    project.write("content/actions/open.md", VALID_ACTION)
    project.write("content/actions/soon.md", SOON)
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert (code, err) == (0, "")
    finished = datetime.fromisoformat(buildrecord.read(project.root).last_success.finished)
    return project, finished


def test_never_built_needs_attention(project: Project):
    project.write("content/actions/open.md", VALID_ACTION)
    code, out = run(project, "2026-12-01", datetime(2026, 12, 1, tzinfo=timezone.utc))
    assert code == 1
    assert "Last build: none recorded here" in out and "NEEDS ATTENTION: no build has succeeded here yet" in out


def test_a_fresh_build_is_ok_and_the_next_changes_are_listed(built):
    project, finished = built
    code, out = run(project, "2026-12-01", finished + timedelta(hours=3))
    assert code == 0, out
    assert "Last build: ok" in out and "(3 h ago)" in out
    assert "Live (built as of Tue 2026-12-01 00:00): actions: 2, open actions: 2," in out
    assert ("  Fri 2026-12-04 00:00  content/actions/soon.md: UA-TEST-009 closes: deadline 2026-12-03 passed; "
            "the letter and addresses go") in out
    assert "content/actions/open.md" not in out.split("In the next 14 days:")[1]  # 2026-12-21: too far
    assert out.rstrip().endswith("ok: the last build succeeded 3 h ago")


def test_a_longer_look_ahead(built):
    project, finished = built
    code, out = run(project, "2026-12-01", finished, days=30)
    assert code == 0 and "Mon 2026-12-21 00:00  content/actions/open.md: UA-TEST-001 closes" in out


def test_an_old_build_fails_and_says_what_is_not_live_yet(built):
    project, finished = built
    code, out = run(project, "2026-12-05", finished + timedelta(hours=30))
    assert code == 1
    assert "Due since that build, not on the site until the next one:" in out
    assert "  Fri 2026-12-04 00:00  content/actions/soon.md: UA-TEST-009 closes" in out
    assert "NEEDS ATTENTION: the last good build is 30 h old (the limit is 26 h)" in out
    code, _ = run(project, "2026-12-05", finished + timedelta(hours=30), max_age_hours=48)
    assert code == 0


def test_a_failed_build_fails_until_a_build_succeeds(built, tmp_path):
    project, finished = built
    project.write("content/actions/bad.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-010").replace("country: CO", "country: XX"))
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert code == 1
    record = json.loads((project.root / ".accompany/builds.json").read_text())["default"]
    assert record["last_attempt"]["ok"] is False and record["last_success"]["ok"] is True
    code, out = run(project, "2026-12-01", finished + timedelta(minutes=5))
    assert code == 1
    assert "Last build: FAILED" in out and "the site still shows the build before it" in out
    assert "content/actions/bad.md:" in out and "country" in out
    (project.root / "content/actions/bad.md").unlink()
    code, _, _ = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert code == 0
    code, out = run(project, "2026-12-01", finished + timedelta(minutes=10))
    assert code == 0, out


def test_files_that_cannot_build_fail_at_once(built):
    project, finished = built
    project.write("content/actions/bad.md", VALID_ACTION.replace("country: CO", "country: XX"))
    code, out = run(project, "2026-12-01", finished)
    assert code == 1
    assert "the files have" in out and "no build can succeed until they are fixed" in out
    assert "content/actions/bad.md:" in out


def test_the_record_stays_out_of_the_site(built, tmp_path):
    project, _ = built
    assert (project.root / ".accompany/builds.json").is_file()
    assert not [p for p in site_files(tmp_path / "site") if "builds" in p]


def test_the_cli_exit_code(built):
    project, _ = built
    code, out, _ = project.cli("status", "--as-of", "2026-12-01")
    assert code == 0 and "Last build: ok" in out  # the build just ran, by the wall clock
    code, out, _ = project.cli("status", "--as-of", "2026-12-01", "--site-url", "http://mirror.example.net/")
    assert code == 1 and "no build has succeeded here yet" in out

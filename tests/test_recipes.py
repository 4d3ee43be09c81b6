"""Deploy recipes, checked by the tools that run them: actionlint, GitLab's schema, systemd-analyze."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import REPO
from generator.recipes import Deployment, github, gitlab, recipe
from generator.recipes.examples import examples

BIN = Path(sys.executable).parent
DEPLOYMENT = Deployment(site_url="https://accompaniment.example.net/", timezone="America/Bogota",
                        organisation="Test Network", maintainers="team@example.net",
                        onion="testonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion")


def test_the_examples_in_deploy_are_what_the_recipes_make():
    for path, text in examples().items():
        assert (REPO / path).read_text() == text, f"{path}: run python -m generator.recipes.examples"


# ---------------------------------------------------------------- GitHub Actions


def _actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "actionlint"), "-no-color", str(path)], capture_output=True, text=True,
                          env={**os.environ, "PATH": f"/usr/bin:/bin:{BIN}"})


def test_the_workflow_passes_actionlint(tmp_path):
    path = tmp_path / ".github" / "workflows" / "accompany.yml"
    path.parent.mkdir(parents=True)
    path.write_text(recipe("github", DEPLOYMENT, 2027)[github.PATH])
    assert shutil.which("shellcheck"), "shellcheck checks the workflow's shell: run scripts/install-server-deps.sh"
    done = _actionlint(path)
    assert (done.returncode, done.stdout) == (0, "")


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    path = tmp_path / "broken.yml"
    text = recipe("github", DEPLOYMENT, 2027)[github.PATH]
    path.write_text(text.replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n    timeout: 30", 1)
                    .replace('"7 5 * * *"', '"7 25 * * *"'))
    done = _actionlint(path)
    assert done.returncode == 1
    assert "timeout" in done.stdout and "25" in done.stdout


def test_the_workflow_builds_on_push_daily_and_on_demand_and_tells_on_failure():
    flow = yaml.safe_load(recipe("github", DEPLOYMENT, 2027)[github.PATH])
    triggers = flow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"] == {"branches": ["main"]} and "workflow_dispatch" in triggers
    assert triggers["schedule"] == [{"cron": "7 5 * * *"}]  # Bogotá: UTC-5 all year
    steps = [s.get("run", s.get("uses", "")) for s in flow["jobs"]["build"]["steps"]]
    assert "accompany check" in steps and "accompany build --site-dir _site" in steps
    report = flow["jobs"]["tell-the-maintainers"]
    assert report["if"] == "failure()" and report["permissions"] == {"issues": "write"}
    assert "gh issue create" in report["steps"][0]["run"]
    assert flow["permissions"] == {"contents": "read"}


ZONES = ["Europe/London", "America/Bogota", "Asia/Kathmandu", "Australia/Lord_Howe", "America/Santiago", "UTC"]


@pytest.mark.parametrize("zone", ZONES)
def test_every_day_one_schedule_falls_just_after_local_midnight(zone):
    crons = github.utc_schedules(zone, 2027)
    assert 1 <= len(crons) <= 2
    tz = ZoneInfo(zone)
    day = date(2027, 1, 1)
    while day.year == 2027:
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)  # the day's first instant
        runs = [datetime.combine(start.date() + shift, time(h, m), tzinfo=timezone.utc)
                for h, m in crons for shift in (timedelta(days=-1), timedelta(0), timedelta(days=1))]
        assert timedelta(minutes=7) in {run - start for run in runs}, (zone, day, crons)
        day += timedelta(days=1)


def test_schedules_table():
    assert github.utc_schedules("Europe/London", 2027) == [(0, 7), (23, 7)]
    assert github.utc_schedules("America/Bogota", 2027) == [(5, 7)]
    assert github.utc_schedules("Asia/Kathmandu", 2027) == [(18, 22)]  # UTC+5:45


# ---------------------------------------------------------------- GitLab CI


def _gitlab_schema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)],
                          capture_output=True, text=True)


def test_the_gitlab_pipeline_matches_gitlabs_schema(tmp_path):
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(recipe("gitlab", DEPLOYMENT, 2027)[gitlab.PATH])
    done = _gitlab_schema(path)
    assert done.returncode == 0, done.stdout + done.stderr
    pipeline = yaml.safe_load(path.read_text())
    assert pipeline["pages"]["artifacts"] == {"paths": ["public"]}
    assert "accompany build --site-dir public" in pipeline["pages"]["script"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in pipeline["pages"]["rules"]
    assert '"7 0 * * *"' in path.read_text() and "America/Bogota" in path.read_text()


def test_gitlabs_schema_would_catch_a_broken_pipeline(tmp_path):
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(recipe("gitlab", DEPLOYMENT, 2027)[gitlab.PATH].replace("  artifacts:\n    paths:", "  artifacts:\n    pathz:"))
    assert _gitlab_schema(path).returncode == 1


# ---------------------------------------------------------------- systemd


def _units(tmp_path: Path, d: Deployment) -> list[Path]:
    folder = tmp_path / "units"
    folder.mkdir()
    out = []
    for path, text in recipe("server", d, 2027).items():
        if path.startswith("deploy/systemd/"):
            out.append(folder / Path(path).name)
            out[-1].write_text(text)
    return out


def _verify(units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)], capture_output=True,
                          text=True, cwd=units[0].parent)


needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze is not installed (scripts/install-server-deps.sh installs it)")


def _local(tmp_path: Path) -> Deployment:
    """The deployment with paths that exist here: verify checks that ExecStart's programs do."""
    (tmp_path / "project").mkdir()
    (tmp_path / "www").mkdir()
    return Deployment(**{**DEPLOYMENT.__dict__, "project_dir": str(tmp_path / "project"),
                         "venv": str(BIN.parent), "www_root": str(tmp_path / "www")})


@needs_systemd
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    units = _units(tmp_path, _local(tmp_path))
    assert sorted(u.name for u in units) == ["accompany-build.service", "accompany-build.timer",
                                            "accompany-failed@.service", "accompany-status.service",
                                            "accompany-status.timer"]
    done = _verify(units)
    assert (done.returncode, done.stderr) == (0, "")


@needs_systemd
def test_systemd_analyze_would_catch_a_broken_unit(tmp_path):
    units = _units(tmp_path, _local(tmp_path))
    service = next(u for u in units if u.name == "accompany-build.service")
    service.write_text(service.read_text().replace("OnFailure=", "OnFailur="))
    done = _verify(units)
    assert "Unknown key" in done.stderr and "OnFailur" in done.stderr


def test_the_build_service_fails_into_the_notice_and_builds_the_onion_mirror():
    files = recipe("server", DEPLOYMENT, 2027)
    service = files["deploy/systemd/accompany-build.service"]
    assert "OnFailure=accompany-failed@%n.service" in service
    assert "Type=oneshot" in service and "ExecStartPre=/usr/bin/git -C /srv/accompany/site pull --ff-only" in service
    assert (f"build --site-url http://{DEPLOYMENT.onion}/ --site-dir /var/www/accompany/onion") in service
    assert "OnFailure=accompany-failed@%n.service" in files["deploy/systemd/accompany-status.service"]
    assert "status --max-age 26h" in files["deploy/systemd/accompany-status.service"]
    notice = files["deploy/systemd/accompany-failed@.service"]
    assert "status;" in notice and "mail -s" in notice and DEPLOYMENT.maintainers in notice


@needs_systemd
def test_the_timer_fires_just_after_midnight_in_the_sites_zone_through_summer_time():
    timer = recipe("server", Deployment(**{**DEPLOYMENT.__dict__, "timezone": "Europe/London"}), 2027)[
        "deploy/systemd/accompany-build.timer"]
    spec = next(line.split("=", 1)[1] for line in timer.splitlines() if line.startswith("OnCalendar="))
    done = subprocess.run(["systemd-analyze", "calendar", "--iterations=4", "--base-time=2027-03-27 12:00 UTC", spec],
                          capture_output=True, text=True, env={**os.environ, "TZ": "UTC", "LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    elapses = [line.split(":", 1)[1].strip() for line in done.stdout.splitlines()
               if line.strip().startswith(("Next elapse", "Iter."))]
    london = ZoneInfo("Europe/London")
    local = [datetime.strptime(e.rsplit(" ", 1)[0], "%a %Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).astimezone(london)
             for e in elapses]
    assert [d.strftime("%m-%d %H:%M") for d in local] == ["03-28 00:07", "03-29 00:07", "03-30 00:07", "03-31 00:07"]

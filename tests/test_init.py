"""``accompany init``: from an empty folder to a site of one's own, with deploy files."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import REPO, VALID_ACTION, site_files
from generator.cli import main
from generator.core.readiness import is_placeholder

SAMPLE_WORDS = [b"Accompany Sample Network", b"river-guardians", b"lucia", b"fictional", b"voices-of-the-river"]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def init(folder: Path, *more: str) -> tuple[int, str, str]:
    return cli("init", str(folder), "--no-input", "--organisation", "Río Bravo Accompaniment",
               "--site-url", "https://riobravo-accompaniment.org/", "--timezone", "America/Bogota",
               "--language", "es", "--contact", "contacto@riobravo-accompaniment.org", *more)


def test_from_an_empty_folder_to_a_built_site_without_the_sample(tmp_path):
    folder = tmp_path / "our-site"
    started = time.perf_counter()
    code, out, err = init(folder, "--deploy", "github", "--deploy", "server")
    assert (code, err) == (0, "")
    assert "created the site of Río Bravo Accompaniment" in out
    settings = yaml.safe_load((folder / "mkdocs.yml").read_text())
    assert settings["site_url"] == "https://riobravo-accompaniment.org/"
    assert settings["theme"]["language"] == "es" and settings["theme"]["font"] is False
    assert settings["accompany"] == {
        "organisation": "Río Bravo Accompaniment", "language": "es", "timezone": "America/Bogota",
        "contact_email": "contacto@riobravo-accompaniment.org",
        "tag_authority": "riobravo-accompaniment.org,2026", "themes": {"land-rights": "Land and territory"}}
    for path in (".github/workflows/accompany.yml", "deploy/systemd/accompany-build.service",
                 "deploy/systemd/accompany-build.timer", "deploy/nginx/accompany.conf", "requirements.txt",
                 ".gitignore", "README.md", "content/pages/index.md", "theme/main.html"):
        assert (folder / path).is_file(), path
    assert not (folder / ".gitlab-ci.yml").exists()
    assert "OnCalendar=*-*-* 00:07:00 America/Bogota" in (folder / "deploy/systemd/accompany-build.timer").read_text()
    assert '"7 5 * * *"' in (folder / ".github/workflows/accompany.yml").read_text()
    assert sorted(p.name for p in (folder / "content/actions").iterdir()) == [".gitkeep"]

    code, out, err = cli("--project", str(folder), "check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "") and "warning" not in out  # nothing left at a placeholder

    (folder / "content/actions/first.md").write_text(VALID_ACTION)
    code, out, err = cli("--project", str(folder), "build", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")
    elapsed = time.perf_counter() - started
    files = site_files(folder / "site")
    assert "actions/first/index.html" in files and "index.html" in files
    assert b"R\xc3\xado Bravo Accompaniment" in files["index.html"]
    for path, data in files.items():
        for word in SAMPLE_WORDS:
            assert word not in data, (path, word)
    print(f"\ninit, check and build of one action: {elapsed:.1f} s")


def test_a_site_left_at_the_defaults_is_warned_about(tmp_path):
    folder = tmp_path / "site"
    code, out, err = cli("init", str(folder), "--no-input", "--organisation", "New Org")
    assert code == 0
    code, out, _ = cli("--project", str(folder), "check", "--as-of", "2026-12-01")
    assert code == 0
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: mkdocs.yml:5: site_url: https://www.example.org/ is an example address: set the site's real "
        "address before publishing (feeds, calendars and sheets carry it)",
        "warning: mkdocs.yml:24: accompany.contact_email: not set: supporters and partners have no address to "
        "write to",
        "warning: mkdocs.yml:31: accompany.tag_authority: still the default, shared by every site that keeps it: "
        "set a domain you control and this year (example.org,2026) once, before the site first goes out",
    ]


@pytest.mark.parametrize("host, placeholder", [
    ("example.org", True), ("accompany.example.org", True), ("x.example.net", True), ("site.invalid", True),
    ("localhost", True), ("EXAMPLE.COM.", True), ("example.org.uk", False), ("myexample.org", False),
    ("riobravo-accompaniment.org", False),
])
def test_placeholder_hosts(host, placeholder):
    assert is_placeholder(host) is placeholder


def test_an_existing_site_is_never_overwritten(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "README.md").write_text("ours\n")
    assert init(folder)[0] == 0
    assert (folder / "README.md").read_text() == "ours\n"
    before = (folder / "mkdocs.yml").read_text()
    code, out, err = init(folder)
    assert code == 2 and "already holds a site (mkdocs.yml, content, campaigns): nothing was written" in err
    assert (folder / "mkdocs.yml").read_text() == before
    code, _, err = cli("--project", str(REPO), "init")
    assert code == 2 and "git rm -r content campaigns mkdocs.yml" in err


def test_bad_answers_are_refused_before_anything_is_written(tmp_path):
    code, _, err = cli("init", str(tmp_path / "a"), "--no-input", "--organisation", "X", "--timezone", "Mars/Olympus")
    assert code == 2 and "timezone" in err and not (tmp_path / "a").exists()
    code, _, err = cli("init", str(tmp_path / "b"), "--no-input", "--organisation", "X", "--onion", "abc.example.org")
    assert code == 2 and "ends in .onion" in err
    code, _, err = cli("init", str(tmp_path / "c"), "--no-input")
    assert code == 2 and "the organisation's name is needed" in err


def test_requirements_say_how_ci_installs_accompany(tmp_path):
    assert init(tmp_path / "a", "--accompany", "accompany @ git+https://git.example.net/us/accompany@abc123")[0] == 0
    assert (tmp_path / "a/requirements.txt").read_text().splitlines()[-1] == (
        "accompany @ git+https://git.example.net/us/accompany@abc123")
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / "pyproject.toml").write_text("")
    (clone / "generator").mkdir()
    (clone / "generator/build.py").write_text("")
    assert init(clone)[0] == 0
    assert (clone / "requirements.txt").read_text().splitlines()[-1] == "-e ."


def test_a_logo_and_favicon_of_ones_own(tmp_path):
    folder = tmp_path / "site"
    assert init(folder)[0] == 0
    logo = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>\n'
    images = folder / "theme/assets/images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "logo.svg").write_bytes(logo)
    favicon = b"\x89PNG-our-favicon"
    (images / "favicon.png").write_bytes(favicon)
    settings = (folder / "mkdocs.yml").read_text()
    settings = settings.replace("  # logo: assets/images/logo.svg", "  logo: assets/images/logo.svg")
    settings = settings.replace("  # favicon: assets/images/favicon.png", "  favicon: assets/images/favicon.png")
    (folder / "mkdocs.yml").write_text(settings)
    code, _, err = cli("--project", str(folder), "build", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")
    files = site_files(folder / "site")
    assert files["assets/images/logo.svg"] == logo and files["assets/images/favicon.png"] == favicon
    assert b'<link rel="icon" href="assets/images/favicon.png">' in files["index.html"]
    assert b'src="assets/images/logo.svg"' in files["index.html"]
    assert b'src="../assets/images/logo.svg"' in files["subscribe/index.html"]


def test_init_asks_on_a_terminal(tmp_path):
    """The questions, answered in a real pseudo-terminal, as a volunteer would."""
    folder = tmp_path / "asked"
    pid, fd = pty.fork()
    if pid == 0:  # the child: accompany init with nothing given
        os.execv(sys.executable, [sys.executable, "-m", "generator", "init", str(folder)])
    answers = [("organisation's name", "Asked Org"), ("address", "https://asked-org.net/"),
               ("language", ""), ("time zone", "Europe/Madrid"), ("write to", "hi@asked-org.net"),
               ("this year", ""), ("Where will it run", "gitlab")]
    seen = b""
    for prompt, answer in answers:
        deadline = time.monotonic() + 20
        while prompt.encode() not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            if select.select([fd], [], [], 0.5)[0]:
                seen += os.read(fd, 4096)
        os.write(fd, answer.encode() + b"\n")
        seen = seen[seen.index(prompt.encode()) + len(prompt):]
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode(errors="replace")
    settings = yaml.safe_load((folder / "mkdocs.yml").read_text())
    assert settings["site_url"] == "https://asked-org.net/"
    assert settings["accompany"]["organisation"] == "Asked Org"
    assert settings["accompany"]["timezone"] == "Europe/Madrid" and settings["accompany"]["language"] == "en"
    assert settings["accompany"]["tag_authority"] == "asked-org.net,2026"
    assert (folder / ".gitlab-ci.yml").is_file() and not (folder / ".github").exists()

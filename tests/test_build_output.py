"""What ``accompany build`` prints: one line, timings with --verbose, a progress line on a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time

from conftest import VALID_ACTION, Project


def test_a_build_prints_one_line(project: Project, tmp_path):
    project.write("content/actions/a.md", VALID_ACTION)
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert (code, err) == (0, "")
    assert re.fullmatch(r"built \d+ files into \S+/site as of 2026-12-01T00:00:00\+00:00\n", out), out
    project.write("content/actions/c.md", VALID_ACTION.replace("UA-TEST-001", "UA-TEST-003")
                  .replace("status: open", "status: open\ndraft: true"))
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert re.fullmatch(r"\S+/site is up to date as of \S+: nothing changed \(1 item withheld; run 'accompany "
                        r"check' to see why\)\n", out), out


def test_verbose_adds_the_phase_timings(project: Project, tmp_path):
    project.write("content/actions/a.md", VALID_ACTION)
    code, out, _ = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"), "--verbose")
    assert code == 0
    first, second = out.splitlines()
    assert first.startswith("built ")
    assert re.fullmatch(r"(\w+ \d+\.\d\d s, )+\w+ \d+\.\d\d s; \d+\.\d s in all", second), second
    for phase in ("read", "validate", "pages", "feeds", "engine", "swap"):
        assert f"{phase} " in second


def test_a_long_build_shows_progress_on_a_terminal(project: Project, tmp_path):
    """In a real pseudo-terminal: a line rewritten in place while the build runs, erased at the end."""
    project.write("content/actions/a.md", VALID_ACTION)
    primary, secondary = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project.root), "build",
                                "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site")],
                               stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL,
                               env={**os.environ, "ACCOMPANY_PROGRESS_AFTER": "0.3"})
    os.close(secondary)
    out = process.communicate(timeout=120)[0].decode()
    elapsed = time.perf_counter() - started
    terminal = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    os.close(primary)
    assert process.returncode == 0 and out.startswith("built ")
    assert elapsed > 0.8, "the build was too quick to show progress: the test proves nothing"
    shown = terminal.decode()
    assert re.search(r"\r\x1b\[Kaccompany build: [a-z ()PDF]+ \(\d+ s\)", shown), shown
    assert shown.endswith("\r\x1b[K")  # erased


def test_no_progress_line_when_the_output_is_not_a_terminal(project: Project, tmp_path):
    project.write("content/actions/a.md", VALID_ACTION)
    done = subprocess.run([sys.executable, "-m", "generator", "--project", str(project.root), "build",
                           "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.splitlines()) == 1


def test_the_command_ends_with_mains_exit_code_and_all_it_printed(project: Project):
    """The command ends the process as soon as main returns (cli.entry): its code and every line it wrote survive."""
    project.write("content/actions/a.md", VALID_ACTION.replace("title: A valid action", "title: 12"))
    done = subprocess.run([sys.executable, "-m", "generator", "--project", str(project.root), "check",
                           "--as-of", "2026-12-01"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done
    assert re.search(r"^content/actions/a\.md:\d+: title: ", done.stderr, re.M) and done.stderr.endswith("\n"), done.stderr

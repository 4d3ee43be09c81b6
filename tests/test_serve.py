"""``accompany serve`` as a process: quiet, and stopped whole by kill."""

from __future__ import annotations

import os
import signal
import time

from conftest import VALID_ACTION, Project
from serving import Preview, listening


def test_kill_stops_the_preview_and_its_engine_and_frees_the_port(project: Project):
    project.write("content/actions/a.md", VALID_ACTION)
    with Preview(project.root) as preview:
        engines = preview.children()
        assert engines, "the engine runs as a child process (loaded ahead of the next build)"
        preview.process.send_signal(signal.SIGTERM)
        assert preview.process.wait(timeout=20) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 10
        while any(os.path.exists(f"/proc/{pid}") for pid in engines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(os.path.exists(f"/proc/{pid}") for pid in engines), "the engine outlived accompany serve"
        assert not listening(preview.port)


def test_the_engines_banners_are_not_shown(project: Project):
    project.write("content/actions/a.md", VALID_ACTION)
    with Preview(project.root) as preview:
        time.sleep(1)
        output = preview.output()
    lines = output.splitlines()
    assert lines[0].startswith("preview updated (") and lines[1] == f"previewing on {preview.url} (Ctrl-C to stop)"
    for noise in ("INFO", "Material for MkDocs", "Zensical", "Serving on", "Watching paths", "NO_MKDOCS_2_WARNING"):
        assert noise not in output


def _builds(preview: Preview) -> int:
    return preview.output().count("preview updated (")


def test_only_a_change_to_the_sites_own_files_builds_again(project: Project):
    project.write("content/actions/a.md", VALID_ACTION)
    with Preview(project.root) as preview:
        time.sleep(1.5)  # what the first build wrote (.accompany/) has been reported by now
        assert _builds(preview) == 1, preview.output()
        project.write("notes.txt", "a volunteer's notes, beside the project")
        project.write("site/index.html", "an old site")
        project.write("mkdocs.yml~", "an editor's backup")
        time.sleep(1.5)
        assert _builds(preview) == 1, preview.output()
        project.write("mkdocs.yml", (project.root / "mkdocs.yml").read_text() + "\n")
        deadline = time.monotonic() + 30
        while _builds(preview) < 2:
            assert time.monotonic() < deadline, preview.output()
            time.sleep(0.1)

"""``accompany serve`` as a process: quiet, and stopped whole by kill."""

from __future__ import annotations

import os
import signal
import time
from datetime import date

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


def test_the_pages_reload_once_the_new_site_is_in_place_and_once_a_build(project: Project, monkeypatch):
    """A page open in a browser asks the preview's version (reload.js) and reloads when it changes: it changes as
    soon as the new site is swapped in, not once the build has also recorded what it made for the next one
    (at N = 5,000 that is another 0.4-0.7 s); once a build; and also after a build that changed nothing, for the
    problems shown until then are gone."""
    from generator import cache
    from generator.serve import _Preview

    action = project.write("content/actions/a.md", VALID_ACTION)
    page = project.root / ".accompany/preview/site/actions/a/index.html"
    preview = _Preview(project.root, 8000, date(2026, 12, 1))
    try:
        assert preview.stage()
        first = preview.shown.version
        seen = []
        real = cache.BuildCache.commit

        def commit(self, *args, **kwargs):  # what the build records for the next, after the swap
            seen.append((preview.shown.version, "An edited title" in page.read_text()))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(cache.BuildCache, "commit", commit)
        action.write_text(VALID_ACTION.replace("title: A valid action", "title: An edited title"))
        assert preview.stage()
        assert seen == [(first + 1, True)]  # told with the new page in place, before the records were written
        assert preview.shown.version == first + 1  # and once
        assert preview.stage() and preview.shown.version == first + 2 and len(seen) == 1  # nothing changed
    finally:
        preview.close()


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


def _page(preview: Preview, path: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(preview.url + path, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def test_a_watched_folder_made_after_the_preview_started_is_watched_too(project: Project):
    import shutil

    project.write("content/actions/a.md", VALID_ACTION)
    shutil.rmtree(project.root / "campaigns")
    with Preview(project.root) as preview:
        time.sleep(1.5)
        (project.root / "campaigns").mkdir()  # built again: nothing in it yet
        deadline = time.monotonic() + 30
        while _builds(preview) < 2:
            assert time.monotonic() < deadline, preview.output()
            time.sleep(0.1)
        time.sleep(0.5)
        project.write("campaigns/c.md", "---\ntitle: Made later\nsummary: A campaign.\nstarts: 2026-01-01\n---\n\nC.\n")
        while "Made later" not in _page(preview, "campaigns/c/"):
            assert time.monotonic() < deadline + 30, preview.output()
            time.sleep(0.1)
        shutil.rmtree(project.root / "campaigns")  # removed, and made again: another folder, watched too
        while _builds(preview) < 4:
            assert time.monotonic() < deadline + 30, preview.output()
            time.sleep(0.1)
        (project.root / "campaigns").mkdir()
        while _builds(preview) < 5:
            assert time.monotonic() < deadline + 30, preview.output()
            time.sleep(0.1)
        time.sleep(0.5)
        project.write("campaigns/c.md", "---\ntitle: Made again\nsummary: A campaign.\nstarts: 2026-01-01\n---\n\nC.\n")
        while "Made again" not in _page(preview, "campaigns/c/"):
            assert time.monotonic() < deadline + 60, preview.output()
            time.sleep(0.1)

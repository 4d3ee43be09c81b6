"""The preview in a browser: problems shown above every page until fixed, and pages that reload by themselves."""

from __future__ import annotations

import sys
from pathlib import Path

from .harness import DESKTOP

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import VALID_ACTION, Project  # noqa: E402
from serving import Preview  # noqa: E402


def test_problems_show_in_the_browser_until_they_are_fixed(browser, tmp_path):
    project = Project(tmp_path / "project")
    action = project.write("content/actions/a.md", VALID_ACTION)
    with Preview(project.root) as preview:
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(preview.url + "actions/a/")
        assert page.locator("h1").first.inner_text() == "A valid action"
        assert page.locator(".ac-preview-problems").count() == 0

        action.write_text(VALID_ACTION.replace("country: CO", "country: XX"))
        banner = page.wait_for_selector(".ac-preview-problems", timeout=60_000)  # no reload by hand
        text = banner.inner_text()
        assert "Not updated: accompany found 1 problem." in text
        assert "content/actions/a.md:" in text and "country" in text
        assert page.locator("h1").first.inner_text() == "A valid action"  # the last good version
        page.screenshot(path=str(tmp_path / "preview-problems.png"))
        page.goto(preview.url)
        assert "content/actions/a.md:" in page.locator(".ac-preview-problems").inner_text()  # every page

        page.goto(preview.url + "actions/a/")
        action.write_text(VALID_ACTION.replace("title: A valid action", "title: A fixed action"))
        page.wait_for_selector(".ac-preview-problems", state="detached", timeout=60_000)
        page.wait_for_function("(document.querySelector('h1') || {}).innerText === 'A fixed action'", timeout=60_000)
        context.close()

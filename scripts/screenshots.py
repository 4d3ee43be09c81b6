"""``make screenshots``: the pages of the browser tests, at phone and desktop widths, for review.

Builds the bundled sample as of the day it is written for into a temporary folder, serves it on
127.0.0.1, and writes ``screenshots/<page>-<width>.png`` (whole pages) with Debian's Chromium.

Then the editing page (Decap CMS, with its local backend, on a copy of the sample): a volunteer
filling in an urgent action and a tour stop, into ``docs/images/cms-*.png``, which README.md and
VOLUNTEERS.md show; nothing is published.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser import cms_forms  # noqa: E402
from browser.harness import DESKTOP, PAGES, PHONE, SiteServer, launch, missing_tools, print_page_path  # noqa: E402
from conftest import SAMPLE_AS_OF, Project  # noqa: E402

from generator.build import build  # noqa: E402
from generator.cms.admin import bundle_files, bundle_folder  # noqa: E402
from generator.cms.command import read_settings  # noqa: E402
from generator.cms.local import editing, free_port  # noqa: E402

#: Where the editing page's screenshots go: committed, shown in README.md and VOLUNTEERS.md.
CMS_SHOTS = REPO / "docs" / "images"


def main() -> int:
    missing = missing_tools()
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out = REPO / "screenshots"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    with tempfile.TemporaryDirectory(prefix="accompany-shots-") as tmp:
        site = Path(tmp) / "site"
        build(REPO, site, SAMPLE_AS_OF, cache_dir=Path(tmp) / "cache")
        with SiteServer(site) as server, sync_playwright() as playwright:
            browser = launch(playwright)
            shots = dict(PAGES)
            for viewport in (PHONE, DESKTOP):
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                if "print" not in shots:  # the open action's print page, where there is one
                    page.goto(server.url(PAGES["open-action"]))
                    if page.get_by_role("link", name="Print this action").count():
                        shots["print"] = print_page_path(page, server.origin)
                for name, path in shots.items():
                    page.goto(server.url(path), wait_until="networkidle")
                    target = out / f"{name}-{viewport['width']}.png"
                    page.screenshot(path=target, full_page=True)
                    print(target.relative_to(REPO))
                context.close()
            cms_screenshots(browser, Path(tmp))
            browser.close()
    return 0


def cms_screenshots(browser, tmp: Path) -> None:
    """The editing page at desktop width: the collections, an urgent action's form, a tour's stop."""
    project = Project(tmp / "project")
    project.copy_sample("mkdocs.yml", "content", "campaigns")
    image = tmp / "santa-rita-lagoon.jpg"
    shutil.copyfile(REPO / "content" / "media" / "river.jpg", image)
    CMS_SHOTS.mkdir(parents=True, exist_ok=True)
    bundle = bundle_files(bundle_folder(REPO))
    with editing(project.root, read_settings(project.root), bundle, backend_port=free_port()) as editor:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()

        def shot(name: str, at=None) -> None:
            if at is not None:  # the field's label at the top of the form, under the bar
                at.evaluate("e => e.closest('[class*=ControlContainer]').scrollIntoView({block: 'start'})")
            target = CMS_SHOTS / f"cms-{name}.png"
            page.screenshot(path=target)
            print(target.relative_to(REPO))

        cms_forms.login(page, editor.url)
        shot("collections")
        cms_forms.open_new(page, editor.url, "action")
        cms_forms.fill_action(page)
        shot("action", cms_forms.field(page, "Summary"))
        shot("action-targets", page.locator("[id^='targets-field']").first)
        cms_forms.open_new(page, editor.url, "tour")
        cms_forms.fill_tour(page, image, featured="UA-2026-031")  # the sample's open action
        shot("tour-stop", cms_forms.field(page.locator("[id^='stops-field']").first, "Starts"))
        context.close()


if __name__ == "__main__":
    sys.exit(main())

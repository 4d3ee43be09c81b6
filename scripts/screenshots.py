"""``make screenshots``: the pages of the browser tests, at phone and desktop widths, for review.

Builds the bundled sample as of the day it is written for into a temporary folder, serves it on
127.0.0.1, and writes ``screenshots/<page>-<width>.png`` (whole pages) with Debian's Chromium.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser.harness import DESKTOP, PAGES, PHONE, SiteServer, launch, missing_tools, print_page_path  # noqa: E402
from conftest import SAMPLE_AS_OF  # noqa: E402

from generator.build import build  # noqa: E402


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
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

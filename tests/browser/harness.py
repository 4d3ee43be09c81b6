"""What the browser tests and ``make screenshots`` share: the pages, the local server, Chromium.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright's Python package with
``executable_path``: no browser is ever downloaded. ``scripts/install-browser-deps.sh``
installs it and axe-core; ``make test`` runs that script first.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "scripts/install-browser-deps.sh"

#: How this machine must start Chromium (see the machine notes): no sandbox (root), no GPU, no
#: QUIC, and none of the background connections a closed network refuses. Playwright adds a
#: fresh, empty --user-data-dir of its own to every launch.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Readers' screens: an old phone, and a laptop.
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 720}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

#: The pages under test, by name: site paths in the sample built as of SAMPLE_AS_OF. The print
#: page of the open action is found from its "Print this action" link (fixture ``paths``).
PAGES = {
    "home": "",
    "open-action": "actions/river-guardians/",
    "closed-action": "actions/journalist-detained/",
    "defender": "defenders/lucia/",
    "tour": "tours/voices-of-the-river/",
    "subscribe": "subscribe/",
}
PAGE_NAMES = [*PAGES, "print"]

#: WCAG 2.2 A and AA, as axe-core tags its rules.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def missing_tools() -> list[str]:
    """What the browser tests need and this machine lacks, each with what to do."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium is not installed at {CHROMIUM}: run {INSTALL} (make test runs it).")
    if not AXE.exists():
        missing.append(f"axe-core is not installed at {AXE.relative_to(REPO)}: run {INSTALL} (make test runs it).")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright's Python package is missing: pip install -e '.[test]' (make test does).")
    return missing


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output for failures
        pass


class SiteServer:
    """A built site served over http://127.0.0.1:<free port>, in a thread."""

    def __init__(self, site: Path):
        handler = functools.partial(_Quiet, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def url(self, path: str) -> str:
        return f"{self.origin}/{path}"

    def is_local(self, url: str) -> bool:
        """Whether the browser may fetch ``url``: this server, or data inside the page."""
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "about"):
            return True
        return url == self.origin or url.startswith(self.origin + "/")


def launch(playwright):
    """Debian's Chromium, headless, started as this machine needs."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, chromium_sandbox=False, args=CHROMIUM_ARGS,
    )


def print_page_path(page, origin: str) -> str:
    """The site path of the action's print page, from the "Print this action" link of an open page."""
    link = page.get_by_role("link", name="Print this action")
    href = link.evaluate("a => a.href")
    assert href.startswith(origin + "/"), href
    return href[len(origin) + 1:]

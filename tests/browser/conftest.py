"""Fixtures of the browser tests: the sample site on a local server, Debian's Chromium, and pages
that fail the test if they fetch anything from another host or log an error."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from .harness import AXE, DESKTOP, PAGES, PHONE, SiteServer, launch, missing_tools, print_page_path


@pytest.fixture(scope="package")
def server(sample_site):
    with SiteServer(sample_site) as running:
        yield running


@pytest.fixture(scope="package")
def browser():
    missing = missing_tools()
    if missing:  # never skip: CI must not pass without running these
        pytest.fail("The browser tests cannot run:\n" + "\n".join(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def paths(browser, server) -> dict[str, str]:
    """Every page under test by name (harness.PAGE_NAMES): its site path."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server.url(PAGES["open-action"]))
    found = {**PAGES, "print": print_page_path(page, server.origin)}
    context.close()
    return found


@dataclass
class Watch:
    """What the pages of one browser context did that they must not."""

    foreign: list[str] = field(default_factory=list)   # requests to another host (even if blocked)
    errors: list[str] = field(default_factory=list)    # console errors (CSP violations), page errors
    failed: list[str] = field(default_factory=list)    # local requests that failed or gave 4xx/5xx
    requested: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.foreign]
                + [f"browser error: {e}" for e in self.errors]
                + [f"failed request: {f}" for f in self.failed])


@dataclass
class Pages:
    """Opens pages of the served sample in fresh browser contexts, each watched."""

    browser: object
    server: SiteServer
    opened: list = field(default_factory=list)

    def context(self, viewport=PHONE, js: bool = True, axe: bool = False, clipboard: bool = False):
        context = self.browser.new_context(
            viewport=viewport, java_script_enabled=js, base_url=self.server.origin,
            permissions=["clipboard-read", "clipboard-write"] if clipboard else [],
        )
        context.set_default_timeout(10_000)
        watch = Watch()
        server = self.server

        def on_request(request):
            watch.requested.append(request.url)
            if not server.is_local(request.url):
                watch.foreign.append(request.url)

        def route(route):  # nothing leaves the machine, whatever a page asks for
            if server.is_local(route.request.url):
                route.continue_()
            else:
                route.abort("blockedbyclient")

        context.on("request", on_request)
        context.route("**/*", route)
        context.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
        context.on("weberror", lambda e: watch.errors.append(str(e.error)))
        context.on("requestfailed", lambda r: server.is_local(r.url) and watch.failed.append(f"{r.url} ({r.failure})"))
        context.on("response", lambda r: r.status >= 400 and watch.failed.append(f"{r.url} ({r.status})"))
        if axe:
            # Injected before any page script, as the CDP does it: a CSP cannot block that, so the
            # site's CSP stays in force (page.add_script_tag would add an inline script, which the
            # CSP refuses; bypass_csp is not needed).
            context.add_init_script(path=str(AXE))
        self.opened.append((context, watch))
        return context, watch

    def open(self, path: str, viewport=PHONE, js: bool = True, axe: bool = False, clipboard: bool = False):
        """A new page at ``path`` in a new context (empty cache): (page, watch)."""
        context, watch = self.context(viewport, js, axe, clipboard)
        page = context.new_page()
        response = page.goto(self.server.url(path))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return page, watch


@pytest.fixture
def pages(browser, server):
    """``pages.open(path, viewport, js=, axe=, clipboard=)``; after the test, every page opened must
    have requested nothing from another host, logged no error and had no request fail."""
    opener = Pages(browser, server)
    yield opener
    problems = []
    for context, watch in opener.opened:
        context.close()
        problems += watch.problems()
    assert not problems, "\n".join(problems)


"""What pages fetch: nothing from another host, and little on a first visit."""

from __future__ import annotations

import gzip
from collections import defaultdict

import pytest

from .harness import DESKTOP, PAGE_NAMES, PAGES, PHONE

#: A first visit to an open action page, as a static host would send it (gzip), in bytes.
BUDGET = 150_000
#: What static hosts compress; images and fonts are sent as they are (they are compressed already).
COMPRESSED = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_page_requests_nothing_from_another_host(pages, paths, name):
    """The ``pages`` fixture fails the test on any request to another host, even one the CSP
    blocks, and on any error the browser logs (a CSP violation is one)."""
    page, watch = pages.open(paths[name], DESKTOP)
    page.wait_for_load_state("networkidle")  # Material fetches some things after load
    assert watch.requested and all(pages.server.is_local(url) for url in watch.requested)
    # The feed links that accompany.js hides from Material while it loads are back for feed tools.
    html = page.context.request.get(pages.server.url(paths[name])).text()
    assert page.locator("link[rel=alternate]").count() == html.count('<link rel="alternate"')


def test_the_watch_catches_a_request_to_another_host(pages):
    """A tracking pixel shows as a request (the CSP blocks it, and the route would abort it);
    fetch() blocked by the CSP shows no request, only the CSP's error: both fail a test."""
    page, watch = pages.open(PAGES["home"], PHONE)
    pixel = "https://tracker.invalid/pixel.gif"  # .invalid never resolves: nothing can leave
    with page.expect_event("requestfailed", lambda r: r.url == pixel):
        page.evaluate("url => { const i = new Image(); i.src = url; document.body.append(i); }", pixel)
    with page.expect_console_message(lambda m: "Fetch API cannot load" in m.text):
        page.evaluate("url => fetch(url).catch(() => null)", "https://tracker.invalid/api")
    assert watch.foreign == [pixel]
    assert sum("Content Security Policy" in error for error in watch.errors) >= 2
    watch.foreign.clear()
    watch.errors.clear()


def kind(content_type: str, url: str) -> str:
    if content_type.startswith("text/html"):
        return "HTML"
    if content_type.startswith("text/css"):
        return "CSS"
    if "javascript" in content_type:
        return "JS (search worker)" if "/workers/" in url else "JS"
    if content_type.startswith(("font/", "application/font", "application/x-font")):
        return "fonts"
    if content_type.startswith("image/"):
        return "images"
    if "json" in content_type:
        return "JSON (search index)" if "search_index" in url else "JSON"
    return content_type or "other"


def test_a_first_visit_to_an_open_action_stays_within_the_budget(pages):
    context, watch = pages.context(PHONE)
    responses = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    page.goto(pages.server.url(PAGES["open-action"]), wait_until="networkidle")

    raw, packed, files = defaultdict(int), defaultdict(int), defaultdict(list)
    for response in responses:
        body = response.body()
        content_type = response.headers.get("content-type", "")
        size = len(gzip.compress(body, 6, mtime=0)) if content_type.startswith(COMPRESSED) else len(body)
        group = kind(content_type, response.url)
        raw[group] += len(body)
        packed[group] += size
        files[group].append(response.url.rsplit("/", 1)[-1] or response.url.rsplit("/", 2)[-2] + "/")
    total = sum(packed.values())
    lines = [f"First visit to {PAGES['open-action']} ({len(responses)} requests), bytes:",
             f"{'':20} {'raw':>9} {'gzip':>9}"]
    for group in sorted(packed, key=packed.get, reverse=True):
        lines.append(f"{group:20} {raw[group]:9,} {packed[group]:9,}  {', '.join(files[group])}")
    lines.append(f"{'total':20} {sum(raw.values()):9,} {total:9,}  budget {BUDGET:,}")
    print("\n" + "\n".join(lines))
    assert {"HTML", "CSS", "JS"} <= set(packed)
    assert total <= BUDGET, "\n".join(lines)

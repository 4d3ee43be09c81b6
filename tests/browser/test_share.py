"""One tap to write, to tell us and to share, in Chromium: what the links carry, that they load
nothing until clicked, that they work with and without JavaScript, and the print page on a phone."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .harness import AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, DESKTOP, PAGES, PHONE, print_page_path
from .test_accessibility import RUN_AXE, describe
from .test_reader import OPEN, RIVER, words

CAMPAIGN = "campaigns/rivers-not-bullets/"
HELP = "how-to-help/"
SHARE_HOSTS = {"wa.me", "t.me", "bsky.app", "x.com", "www.facebook.com"}

#: What a page's script sees of navigator.share and window.print: calls recorded, nothing opened.
RECORDER = """
window.__shared = []; window.__printed = 0;
Object.defineProperty(navigator, "share", {value: data => { window.__shared.push(data); return Promise.resolve(); },
                                           configurable: true});
window.print = () => { window.__printed += 1; };
"""


def mailto_parts(href: str) -> dict:
    """A mailto: URI as a mail program reads it (RFC 6068): to, and each header field, decoded."""
    assert href.startswith("mailto:"), href
    split = urlsplit(href)
    fields = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    return {"to": [unquote(a) for a in split.path.split(",") if a],
            "cc": [a for a in fields.get("cc", "").split(",") if a],
            "subject": fields.get("subject", ""), "body": fields.get("body", "").replace("\r\n", "\n")}


def test_the_appeal_link_carries_the_target_the_copies_the_subject_and_the_letter(pages):
    page, _ = pages.open(OPEN, PHONE)
    link = page.get_by_role("link", name=f"E-mail this appeal to {RIVER['targets'][0]['name']}")
    assert link.is_visible()
    href = link.evaluate("a => a.href")  # as the browser hands it to the mail program
    assert len(href) <= 2000  # Chromium on Windows drops a link longer than 2,046 characters (mailto.py)
    mail = mailto_parts(href)
    assert mail["to"] == [RIVER["targets"][0]["email"]]
    assert mail["cc"] == [c["email"] for c in RIVER["copies"] if c.get("email")]
    assert mail["subject"] == f"{RIVER['title']} ({RIVER['id']})"
    body = mail["body"]
    assert body.startswith(RIVER["targets"][0]["salutation"] + ",\n\n")
    assert body.count(RIVER["targets"][0]["salutation"]) == 1  # the letter's own opening is replaced, not doubled
    shown = page.locator("#letter-text").inner_text()
    for line in shown.splitlines():  # every line of the letter as the page shows it, in order
        assert words(line) in words(body.replace("\n- ", "\n")), line
    assert "\n- order a prompt and impartial investigation" in body  # the list stays a list in plain text
    # The same, decoded by the browser's own URL parser.
    decoded = page.evaluate("""href => { const u = new URL(href); return [u.pathname,
        u.searchParams.get("cc"), u.searchParams.get("subject"), u.searchParams.get("body")]; }""", href)
    assert decoded == [mail["to"][0], ",".join(mail["cc"]), mail["subject"], body.replace("\n", "\r\n")]


def test_a_click_hands_the_appeal_whole_to_the_mail_program(browser, server, tmp_path):
    """Chromium on Linux hands a mailto: link to the system's mail handler, xdg-open: here a stand-in
    that writes down what it was given. (It hands over up to 131,071 characters, the kernel's limit for
    one argument; Chromium on Windows, up to 2,046: see generator/outputs/mailto.py.)"""
    opened = tmp_path / "opened.txt"
    handler = tmp_path / "bin" / "xdg-open"
    handler.parent.mkdir()
    handler.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > {opened}.part && mv {opened}.part {opened}\n")
    handler.chmod(0o755)
    own = browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True, chromium_sandbox=False,
                                      args=CHROMIUM_ARGS, env={**os.environ, "PATH": f"{handler.parent}:{os.environ['PATH']}"})
    try:
        page = own.new_page(viewport=PHONE)
        page.goto(server.url(OPEN))
        link = page.get_by_role("link", name=f"E-mail this appeal to {RIVER['targets'][0]['name']}")
        href = link.evaluate("a => a.href")
        link.click()
        for _ in range(100):
            if opened.exists():
                break
            time.sleep(0.05)
        assert opened.read_text() == href
        mail = mailto_parts(opened.read_text())
        assert mail["to"] == [RIVER["targets"][0]["email"]] and RIVER["id"] in mail["subject"]
        assert mail["body"].startswith(RIVER["targets"][0]["salutation"] + ",")
        assert page.url == server.url(OPEN)  # the page stays where it was
    finally:
        own.close()


def test_tell_us_you_wrote_names_the_action_on_its_page_and_on_the_how_to_help_page(pages):
    page, _ = pages.open(OPEN, PHONE)
    mail = mailto_parts(page.get_by_role("link", name="tell us you wrote").get_attribute("href"))
    assert mail["to"] == ["hello@example.org"] and RIVER["id"] in mail["subject"]
    page, _ = pages.open(HELP, PHONE, js=False)
    mail = mailto_parts(page.get_by_role("link", name="Tell us you wrote").get_attribute("href"))
    assert mail["to"] == ["hello@example.org"] and mail["subject"] == "I wrote"
    footer = page.locator(".md-footer .ac-footer-contact")
    assert footer.is_visible() and footer.get_by_role("link", name="hello@example.org").get_attribute(
        "href") == "mailto:hello@example.org"


def test_a_closed_action_offers_no_appeal_no_tell_us_and_no_share(pages):
    page, _ = pages.open(PAGES["closed-action"], PHONE)
    assert page.locator("a[href^='mailto:']").evaluate_all("as => as.map(a => a.href)") == ["mailto:hello@example.org"]
    assert page.locator(".ac-share, .ac-act").count() == 0


@pytest.mark.parametrize("path", [OPEN, CAMPAIGN, PAGES["tour"]])
def test_share_links_make_no_request_until_clicked(pages, path):
    """The ``pages`` fixture fails the test on any request to another host; here the page also
    waits for the network to settle, and every share link is checked to be a plain link."""
    page, watch = pages.open(path, PHONE)
    page.wait_for_load_state("networkidle")
    assert all(pages.server.is_local(url) for url in watch.requested)
    assert not any(urlsplit(url).hostname in SHARE_HOSTS for url in watch.requested)
    links = page.locator(".ac-share__links a").evaluate_all(
        "as => as.map(a => [a.getAttribute('href'), a.getAttribute('rel'), a.target, a.textContent])")
    assert [label for *_, label in links] == ["E-mail a friend", "WhatsApp", "Telegram", "Bluesky", "Mastodon",
                                              "X", "Facebook"]
    text = page.locator("#share-text").inner_text()
    url = pages.server.url(path).replace(pages.server.origin + "/", "https://accompany.example.org/")
    assert url in text
    for href, rel, target, label in links:
        host = urlsplit(href).hostname
        if host:
            assert host in SHARE_HOSTS and href.startswith("https://") and rel == "noopener noreferrer", label
            query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
            assert query.get("text") in (text, words(text.replace(url, ""))) or query.get("u") == url, label
        assert target == ""
    assert page.locator("iframe, img[src^='http'], script[src^='http']").count() == 0


def test_with_javascript_the_share_sheet_the_copy_button_and_mastodon_work(pages):
    context, watch = pages.context(DESKTOP, clipboard=True)
    context.add_init_script(RECORDER)
    context.add_init_script("window.prompt = () => '@me@mastodon.example';")
    page = context.new_page()
    page.goto(pages.server.url(OPEN))
    text = page.locator("#share-text").inner_text()
    page.get_by_role("button", name="Share…").click()
    shared = page.evaluate("window.__shared")
    assert shared == [{"title": RIVER["title"], "text": words(text.replace(shared[0]["url"], "")),
                       "url": "https://accompany.example.org/actions/river-guardians/"}]
    page.get_by_role("button", name="Copy the text").click()
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert "Paste it into Signal" in page.locator(".ac-share .ac-copy-status").inner_text()
    with page.expect_request(lambda r: r.url.startswith("https://mastodon.example/share?")) as asked:
        page.get_by_role("link", name="Mastodon").click()
    assert parse_qs(urlsplit(asked.value.url).query)["text"] == [text]
    assert watch.foreign == ["https://mastodon.example/share?" + urlsplit(asked.value.url).query]
    watch.foreign.clear()  # the one request a click made, on purpose, aborted by the route


def test_without_javascript_the_text_to_copy_is_there_and_mastodon_leads_to_it(pages):
    page, _ = pages.open(OPEN, PHONE, js=False)
    assert page.locator("[data-ac-share-native]").is_hidden()
    assert page.get_by_role("button", name="Copy the text").is_hidden()
    page.get_by_role("link", name="Mastodon").click()
    assert page.url.endswith("#share-text")
    assert page.locator("#share-text").is_visible()
    assert page.get_by_role("link", name=f"E-mail this appeal to {RIVER['targets'][0]['name']}").is_visible()


@pytest.mark.parametrize("path", [OPEN, CAMPAIGN, HELP])
def test_no_wcag_violation_in_the_new_parts(pages, path):
    """axe-core on the pages the new parts are on (test_accessibility.py covers the open action at both
    widths). axe needs scripts: without JavaScript, the tests above read the pages instead."""
    page, _ = pages.open(path, PHONE, axe=True)
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    assert not results["violations"], f"{path}:\n{describe(results['violations'])}"


def test_every_page_announces_its_preview(pages):
    for path, kind in ((OPEN, "article"), (CAMPAIGN, "article"), (PAGES["home"], "website"), (HELP, "website")):
        page, _ = pages.open(path, DESKTOP, js=False)
        meta = page.locator("meta[property^='og:'], meta[name^='twitter:']").evaluate_all(
            "ms => Object.fromEntries(ms.map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))")
        assert meta["og:type"] == kind and meta["og:locale"] == "en_US" and meta["twitter:card"] == "summary_large_image"
        assert meta["og:url"] == "https://accompany.example.org/" + path
        assert meta["og:image"] == "https://accompany.example.org/" + (path + "card.png" if kind == "article" else "card.png")
        assert meta["og:title"] and meta["og:description"] and meta["og:image:alt"]
        card = page.context.request.get(pages.server.url(meta["og:image"].split(".org/", 1)[1]))
        assert card.ok and card.headers["content-type"] == "image/png" and card.body()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------ the print page


@pytest.fixture
def print_path(pages) -> str:
    page, _ = pages.open(OPEN, DESKTOP)
    return print_page_path(page, pages.server.origin)


def test_the_print_page_fits_a_phone_and_asks_for_no_missing_favicon(pages, print_path):
    page, watch = pages.open(print_path, PHONE)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    signature = page.locator(".sign .blank").first.bounding_box()
    assert signature["x"] + signature["width"] <= PHONE["width"]
    icon = page.locator("link[rel=icon]").evaluate("l => l.href")
    assert page.context.request.get(icon).ok
    assert not any(url.endswith("/favicon.ico") for url in watch.requested)


def test_the_print_page_has_a_print_button_with_javascript_and_a_way_back(pages, print_path):
    context, _ = pages.context(PHONE)
    context.add_init_script(RECORDER)
    page = context.new_page()
    page.goto(pages.server.url(print_path))
    page.get_by_role("button", name="Print this page").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.locator(".sheet-tools").is_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the action").click()
    assert page.url == pages.server.url(OPEN)


def test_without_javascript_the_print_page_has_no_dead_button(pages, print_path):
    page, _ = pages.open(print_path, PHONE, js=False)
    assert page.get_by_role("button", name="Print this page").count() == 0 or \
        page.get_by_role("button", name="Print this page").is_hidden()
    assert page.get_by_role("link", name="Back to the action").is_visible()

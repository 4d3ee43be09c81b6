"""Printing an action: its print page, and the action page itself, print without navigation."""

from __future__ import annotations

import pytest

from .harness import DESKTOP, PAGES, PHONE
from .test_reader import DEADLINE, RIVER, box_within_viewport

NAVIGATION = "nav, [role=navigation], .md-header, .md-sidebar, .md-footer, .md-search, .md-skip, .ac-jump, button"


def visible_navigation(page) -> list[str]:
    return page.locator(NAVIGATION).evaluate_all("""els => els
        .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
        .map(e => e.outerHTML.slice(0, 120))""")


def shows_the_action(page) -> None:
    assert page.get_by_text(DEADLINE).first.is_visible()
    assert page.get_by_text(RIVER["letter"].splitlines()[0]).first.is_visible()
    for target in RIVER["targets"]:
        for line in target["address"].strip().splitlines():
            assert page.get_by_text(line.strip(), exact=False).first.is_visible(), line


@pytest.fixture
def print_path(paths) -> str:
    return paths["print"]


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_the_print_page_prints_the_action_without_navigation(pages, print_path, js):
    page, _ = pages.open(print_path, DESKTOP, js=js)
    page.emulate_media(media="print")
    assert visible_navigation(page) == []
    shows_the_action(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_print_page_shows_the_deadline_on_the_first_screen(pages, print_path, viewport):
    page, _ = pages.open(print_path, viewport)
    box_within_viewport(page, page.get_by_text(DEADLINE).first)


def test_printing_the_action_page_itself_leaves_out_the_navigation(pages):
    page, _ = pages.open(PAGES["open-action"], DESKTOP)
    page.emulate_media(media="print")
    assert visible_navigation(page) == []
    shows_the_action(page)

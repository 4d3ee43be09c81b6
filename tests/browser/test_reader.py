"""What a supporter sees and can do, in a real browser: the deadline and status at first sight,
the letter on the clipboard, the whole page by keyboard, and every page without JavaScript."""

from __future__ import annotations

import re

import pytest
import yaml

from .harness import DESKTOP, PAGES, PHONE, REPO, VIEWPORTS

OPEN, CLOSED = PAGES["open-action"], PAGES["closed-action"]


def front_matter(name: str) -> dict:
    text = (REPO / "content" / "actions" / f"{name}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


RIVER = front_matter("river-guardians")
DEADLINE = f"Act by {RIVER['deadline']:%B} {RIVER['deadline'].day}, {RIVER['deadline'].year}"


def words(text: str) -> str:
    return " ".join(text.split())


def box_within_viewport(page, locator) -> dict:
    """The element's box at load, asserted to lie wholly within the first screen."""
    assert page.evaluate("scrollY") == 0
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{locator} is not displayed"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (
        f"{locator} spans y={box['y']:.0f}..{box['y'] + box['height']:.0f}, below the fold at {size['height']}px")
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], f"{locator} is cut off at the side: {box}"
    return box


# ------------------------------------------------------------------------------ above the fold


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_an_open_action_shows_its_deadline_and_status_on_the_first_screen(pages, viewport):
    page, _ = pages.open(OPEN, viewport)
    banner = page.locator(".ac-banner--open")
    box_within_viewport(page, banner)
    assert DEADLINE in banner.inner_text()
    assert re.search(r"\b\d+ days left\b|Last day to act|1 day left", banner.inner_text())
    box_within_viewport(page, page.locator("h1"))


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_closed_action_says_so_on_the_first_screen(pages, viewport):
    page, _ = pages.open(CLOSED, viewport)
    banner = page.locator(".ac-banner--closed")
    box_within_viewport(page, banner)
    assert "This action is closed" in banner.inner_text()
    assert page.locator("#letter-text").count() == 0  # late letters can do harm


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_home_page_shows_the_first_open_action_with_its_status_and_deadline(pages, viewport):
    page, _ = pages.open(PAGES["home"], viewport)
    card = page.locator(".ac-card--open").first
    box_within_viewport(page, card.locator(".ac-badge"))
    deadline = card.locator(".ac-card__deadline")
    box_within_viewport(page, deadline)
    assert "Act by" in deadline.inner_text()


# ------------------------------------------------------------------------------ the letter


def test_the_copy_button_puts_the_letter_on_the_clipboard(pages):
    page, _ = pages.open(OPEN, DESKTOP, clipboard=True)
    button = page.get_by_role("button", name="Copy the letter")
    button.click()
    status = page.locator(".ac-copy-status")
    status.filter(has_text="Letter copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    letter = page.locator("#letter-text").inner_text()
    assert copied == letter.strip()
    # ...and that is the volunteer's letter, from the salutation to the closing, every word.
    source = RIVER["letter"].strip()
    assert copied.startswith(source.splitlines()[0]) and copied.endswith(source.splitlines()[-1])
    assert words(copied) == words(re.sub(r"(?m)^\s*- ", "", source))


# ------------------------------------------------------------------------------ keyboard

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {
    tag: e.tagName, name: (e.innerText || e.value || e.getAttribute("aria-label") || e.getAttribute("placeholder") || "").trim().replace(/\\s+/g, " ").slice(0, 60),
    href: e.getAttribute("href"), search: !!e.closest(".md-search"),
    outline: [s.outlineStyle, parseFloat(s.outlineWidth) || 0, s.outlineColor], shadow: s.boxShadow,
    box: [r.left, r.top, r.right, r.bottom],
  };
}"""

ON_SCREEN = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  const cx = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1);
  const cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(cx, cy);
  return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1 && r.bottom > 0 && r.top < innerHeight
    && getComputedStyle(e).visibility === "visible" && !!top && (e.contains(top) || top.contains(e));
}"""


def visible_focus_ring(stop: dict) -> bool:
    style, width, color = stop["outline"]
    transparent = color in ("transparent", "rgba(0, 0, 0, 0)")
    return (style != "none" and width >= 1 and not transparent) or stop["shadow"] not in ("none", "")


def tab_through(page, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page; every stop must be on
    screen (waited for: Material's drawer slides in) with a visible focus ring."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None:
            break
        stops.append(stop)
        if stop["search"]:  # Material's search: focus opens it as an overlay (tested below)
            continue
        try:
            page.wait_for_function(ON_SCREEN, timeout=2000)
        except Exception:
            pytest.fail(f"keyboard focus is off screen or hidden at {stop['tag']} {stop['name']!r}: {page.evaluate(FOCUSED)}")
        stop = stops[-1] = page.evaluate(FOCUSED)
        assert visible_focus_ring(stop), f"no visible focus on {stop['tag']} {stop['name']!r}: {stop}"
    else:
        pytest.fail(f"focus never left the page after {limit} presses of Tab")
    return stops


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_keyboard_alone_reaches_skip_link_jump_links_print_link_and_copy_button(pages, viewport):
    page, _ = pages.open(OPEN, viewport)
    stops = tab_through(page)
    names = [s["name"] for s in stops]
    assert names[0] == "Skip to content"
    for name in ("Model letter", "Addresses", "Print this action", "Copy the letter"):
        assert name in names, f"Tab never reaches {name!r}: {names}"
    assert names.index("Print this action") < names.index("Copy the letter")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_keyboard_jumps_to_the_letter_and_then_to_its_copy_button(pages, viewport):
    page, _ = pages.open(OPEN, viewport)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Skip to content
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["name"] == "Model letter":
            break
    else:
        pytest.fail("after 'Skip to content', Tab never reached the 'Model letter' link")
    page.keyboard.press("Enter")
    page.wait_for_function("""() => { const r = document.getElementById("letter-text").getBoundingClientRect();
                                      return r.top >= 0 && r.top < innerHeight; }""", timeout=5000)
    page.keyboard.press("Tab")
    stop = page.evaluate(FOCUSED)
    for _ in range(3):  # past the letter in the site's other languages ("Model letter in: Español")
        if not page.evaluate("document.activeElement.closest('.ac-letter-languages') !== null"):
            break
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
    assert stop["tag"] == "BUTTON" and stop["name"] == "Copy the letter", stop
    page.wait_for_function(ON_SCREEN)
    assert visible_focus_ring(page.evaluate(FOCUSED))
    page.keyboard.press("Enter")
    page.locator(".ac-copy-status").filter(has_text=re.compile("Letter copied|Could not copy")).wait_for()


def test_the_search_box_opens_when_the_keyboard_reaches_it(pages):
    page, _ = pages.open(OPEN, PHONE)
    page.keyboard.press("Tab")  # Skip to content
    page.keyboard.press("Tab")
    for _ in range(5):  # past the language menu (partials/alternate.html): its button and its languages
        if not page.evaluate("document.activeElement.closest('.md-select') !== null"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["search"]
    page.wait_for_function(ON_SCREEN, timeout=2000)


# ------------------------------------------------------------------------------ without JavaScript


def test_without_javascript_an_open_action_shows_the_action_deadline_letter_and_addresses(pages):
    page, _ = pages.open(OPEN, PHONE, js=False)
    assert page.locator("h1").inner_text() == RIVER["title"]
    assert page.get_by_text(DEADLINE).first.is_visible()  # the banner's; the share text says it too
    letter = page.locator("#letter-text")
    assert letter.is_visible() and words(RIVER["letter"].splitlines()[0]) in letter.inner_text()
    for target in RIVER["targets"] + RIVER.get("copies", []):
        address = page.locator(".ac-contact", has_text=target["name"])
        assert address.is_visible(), target["name"]
        for line in target["address"].strip().splitlines():
            assert line.strip() in address.inner_text()
    # The copy buttons (the letter, the share text) need the script: without it, they are not shown at all.
    copy = page.locator("[data-ac-copy]")
    assert copy.count() == 2 and all(copy.nth(i).is_hidden() for i in range(copy.count()))
    # Material's navigation drawer still opens, with CSS alone.
    page.locator("label.md-header__button[for=__drawer]").click()
    page.get_by_role("link", name="Urgent actions").first.wait_for(state="visible")


@pytest.mark.parametrize("name, shows", [
    ("home", ["Act now", "Act by"]),
    ("closed-action", ["Journalist detained for reporting on land grabs", "This action is closed"]),
    ("defender", ["Lucía"]),
    ("tour", ["Voices of the River", "London"]),
    ("subscribe", ["News feeds", "Urgent actions", "Calendars"]),
])
def test_without_javascript_every_page_shows_its_content(pages, name, shows):
    page, _ = pages.open(PAGES[name], PHONE, js=False)
    assert page.locator("h1").is_visible()
    body = page.locator("article").first.inner_text()
    for text in shows:
        assert text in body, f"{name}: {text!r} not shown without JavaScript"

"""Driving the editing page (Decap CMS) as a volunteer does: for the browser test and ``make screenshots``.

Every step goes through the interface: labels, buttons, the selects' search boxes, the media
library's upload. Nothing is written behind the CMS's back.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

#: The urgent action and the tour a volunteer makes in the tests (fictional, like all sample content).
ACTION = {
    "title": "Protect the lagoon keepers of Santa Rita",
    "slug": "protect-the-lagoon-keepers-of-santa-rita",
    "id": "UA-2026-960",
    "targets": [("Dr. Elena Prieto (fictional)", "Calle 10 No. 5-20\nBogotá D.C.\nColombia", "Dear Dr. Prieto"),
                ("Minister of the Interior (sample)", "Carrera 8 No. 7-83\nBogotá D.C.\nColombia", "Dear Minister")],
    "letter": "Dear official, I am writing about the lagoon keepers of Santa Rita. Please protect them.",
}
TOUR = {"title": "Lagoon voices tour", "slug": "lagoon-voices-tour", "city": "Zaragoza", "venue": "Casa del Lago (sample)"}


def field(scope, label: str):
    """The control of a labelled field (Decap adds " (optional)" to the label of optional ones)."""
    return scope.get_by_label(re.compile("^" + re.escape(label) + r"( \(optional\))?$"))


def choose(page, scope, label: str, typed: str, option: str | None = None) -> None:
    """Pick from a select or relation: type into its search box, click the option."""
    field(scope, label).fill(typed)
    page.get_by_role("option").filter(has_text=option or typed).first.click()


def login(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Login").click()
    page.get_by_role("link", name="Urgent actions").wait_for()


def open_new(page, url: str, collection: str) -> None:
    page.goto(f"{url}#/collections/{collection}/new")
    page.reload()  # a fresh form, whatever was open before
    field(page, "Title").first.wait_for()


def markdown(page, label: str, text: str) -> None:
    editor = page.locator(f"xpath=//label[starts-with(@for, '{label.lower()}-field')]/../..")
    editor.locator("[contenteditable=true]").click()
    page.keyboard.type(text)


def draft_toggle(page):
    return field(page, "Draft")


def publish(page, written: Path, timeout: float = 15) -> None:
    """Publish now, and wait until the local backend has written the file."""
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    deadline = time.monotonic() + timeout
    while not written.is_file() and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # not time.sleep: Playwright routes the page's requests meanwhile
    assert written.is_file(), f"the CMS did not write {written}"
    page.get_by_text("Changes saved").wait_for()


def fill_action(page) -> None:
    field(page, "Title").fill(ACTION["title"])
    field(page, "Summary").fill("Keepers of a lagoon who reported illegal dredging are threatened. Ask for protection.")
    choose(page, page, "Country", "Colombia")
    choose(page, page, "Themes", "Land and territory")
    field(page, "ID").fill(ACTION["id"])
    field(page, "Issued").fill("2026-11-25")
    field(page, "Deadline").fill("2026-12-24")
    choose(page, page, "Defenders", "Luc", "Lucía, river defender")
    targets = page.locator("[id^='targets-field']").first
    for i, (name, address, salutation) in enumerate(ACTION["targets"]):
        targets.get_by_role("button", name="Add targets").click()
        field(targets, "Name").nth(i).fill(name)
        field(targets, "Address").nth(i).fill(address)
        field(targets, "Salutation").nth(i).fill(salutation)
    markdown(page, "letter", ACTION["letter"])


def fill_tour(page, image: Path, featured: str = ACTION["id"]) -> None:
    """A tour with one stop in Spain, featuring the action ``featured`` (by id), and an uploaded picture."""
    field(page, "Title").fill(TOUR["title"])
    field(page, "Summary").fill("Keepers of the Santa Rita lagoon speak in Spain.")
    stops = page.locator("[id^='stops-field']").first
    if not field(stops, "Starts").count():
        stops.get_by_role("button", name="Add stops").click()
    field(stops, "Starts").fill("2026-12-15T19:00")
    choose(page, stops, "Timezone", "Europe/Madrid")
    field(stops, "City").fill(TOUR["city"])
    choose(page, stops, "Country", "Spain")
    field(stops, "Venue").fill(TOUR["venue"])
    choose(page, stops, "Actions", featured)
    page.get_by_role("button", name="Choose an image").click()
    page.locator("input[type=file]").set_input_files(str(image))
    page.get_by_role("button", name=re.compile("Choose selected", re.I)).click()
    field(page, "Image description").fill("A lagoon at dawn, drawn in blue and yellow.")
    field(page, "Announced").last.fill("2026-11-26")  # the tour's own, after its stops: check warns without it

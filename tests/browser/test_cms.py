"""Publishing from the browser, end to end: the editing page with its local backend (decap-server),
driven in Chromium like a volunteer; the files it writes pass check and build; nothing leaves the machine."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SAMPLE_AS_OF, Project
from generator.cms.admin import bundle_files, bundle_folder
from generator.cms.command import read_settings
from generator.cms.local import EDIT_FOLDER, editing, free_port

from .cms_forms import ACTION, TOUR, draft_toggle, fill_action, fill_tour, login, open_new, publish
from .harness import AXE, AXE_TAGS
from .test_accessibility import RUN_AXE, describe


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """A copy of the sample project, its editing page and local backend running: (project, page server)."""
    project = Project(tmp_path_factory.mktemp("cms") / "project")
    project.copy_sample("mkdocs.yml", "content", "campaigns")
    bundle = bundle_files(bundle_folder(REPO))
    with editing(project.root, read_settings(project.root), bundle, backend_port=free_port()) as page_server:
        yield project, page_server


def watched(browser, page_server, axe: bool = False):
    """A browser context whose pages may reach 127.0.0.1 only; what they tried and logged is kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    seen = {"foreign": [], "errors": [], "failed": []}

    def route(route):
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            seen["foreign"].append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    context.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    context.on("weberror", lambda e: seen["errors"].append(str(e.error)))
    context.on("response", lambda r: r.status >= 400 and seen["failed"].append(f"{r.url} ({r.status})"))
    if axe:
        context.add_init_script(path=str(AXE))
    return context, seen


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])


def test_a_volunteer_publishes_an_action_and_a_tour_that_pass_check_and_build(browser, editor, tmp_path):
    project, page_server = editor
    context, seen = watched(browser, page_server)
    page = context.new_page()
    login(page, page_server.url)

    open_new(page, page_server.url, "action")
    assert draft_toggle(page).get_attribute("aria-checked") == "true", "a new entry starts as a draft"
    fill_action(page)
    draft_toggle(page).click()  # checked: ready to publish
    action_file = project.root / "content" / "actions" / f"{ACTION['slug']}.md"
    publish(page, action_file)

    image = tmp_path / "santa-rita-lagoon.jpg"
    shutil.copyfile(REPO / "content" / "media" / "river.jpg", image)
    open_new(page, page_server.url, "tour")
    fill_tour(page, image)
    draft_toggle(page).click()
    tour_file = project.root / "content" / "tours" / f"{TOUR['slug']}.md"
    publish(page, tour_file)
    context.close()
    assert seen == {"foreign": [], "errors": [], "failed": []}

    action = front_matter(action_file)
    assert (action["id"], action["issued"], action["deadline"], action["country"]) == (
        ACTION["id"], date(2026, 11, 25), date(2026, 12, 24), "CO")
    assert "\nissued: 2026-11-25\n" in action_file.read_text()
    assert [(t["name"], t["address"], t["salutation"]) for t in action["targets"]] == ACTION["targets"]
    assert action["letter"] == ACTION["letter"] and action["defenders"] == ["lucia"]
    assert action["themes"] == ["land-rights"] and action["draft"] is False
    tour = front_matter(tour_file)
    assert tour["stops"] == [{"starts": "2026-12-15T19:00", "timezone": "Europe/Madrid", "city": TOUR["city"],
                              "country": "ES", "venue": TOUR["venue"], "status": "scheduled",
                              "actions": [ACTION["id"]]}]
    assert tour["image"] == "media/santa-rita-lagoon.jpg"
    assert (project.root / "content" / "media" / "santa-rita-lagoon.jpg").read_bytes() == image.read_bytes()

    code, out, err = project.cli("check", "--as-of", SAMPLE_AS_OF.isoformat())
    assert code == 0, err
    assert not [line for line in out.splitlines() if (ACTION["slug"] in line or TOUR["slug"] in line)
                and not line.startswith("not translated into")]  # a translator's list, not a problem

    from generator.build import build

    site = tmp_path / "site"
    build(project.root, site, SAMPLE_AS_OF, cache_dir=tmp_path / "cache")
    action_page = (site / "actions" / ACTION["slug"] / "index.html").read_text()
    for name, _, salutation in ACTION["targets"]:
        assert name in action_page and salutation in action_page
    assert "I am writing about the lagoon keepers of Santa Rita" in action_page
    tour_page = (site / "tours" / TOUR["slug"] / "index.html").read_text()
    assert TOUR["city"] in tour_page and TOUR["venue"] in tour_page and ACTION["title"] in tour_page
    assert (site / "media" / "santa-rita-lagoon.jpg").is_file()
    assert not (site / "admin").exists(), "the editing page is not published unless asked for"


def test_the_admin_markup_we_control_has_no_wcag_violation(browser, editor):
    project, page_server = editor
    admin = project.root / EDIT_FOLDER
    # The page as a reader without JavaScript gets it: our <noscript> text, no CMS.
    text = (admin / "index.html").read_text()
    nojs = text.replace('<script src="decap-cms.js"></script>', "").replace("<noscript>", "").replace("</noscript>", "")
    (admin / "nojs.html").write_text(nojs)
    context, seen = watched(browser, page_server, axe=True)
    page = context.new_page()
    page.goto(page_server.url + "nojs.html")
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    assert not results["violations"], describe(results["violations"])
    assert page.get_by_role("heading", level=1).inner_text().endswith(": editing")

    # With the CMS running: the document and head are ours, the rest is Decap's (reported, for review).
    login(page, page_server.url)
    ours = page.evaluate("""tags => axe.run({exclude: [["#nc-root"]]},
                              {runOnly: {type: "tag", values: tags}})""", AXE_TAGS)
    assert page.locator("#nc-root").count() == 1
    assert not ours["violations"], describe(ours["violations"])
    theirs = page.evaluate(RUN_AXE, AXE_TAGS)
    if theirs["violations"]:
        print(f"\nDecap CMS's own interface, for review (not ours to fix):\n{describe(theirs['violations'])}")
    context.close()
    assert seen == {"foreign": [], "errors": [], "failed": []}

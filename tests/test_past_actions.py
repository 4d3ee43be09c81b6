"""The actions' index lists the newest past actions; when there are more, all of them are in an archive,
``actions/past/``, with a page for each year (``actions/past/2025/``).

A new action then changes a small index page, not one that grows with every action ever closed, and a
change to a past action changes one year's page (issue 16: one action's cost should grow with what it
touches, not with the site). A country's and a theme's page do the same: the newest past actions, and all of
them on a page of their own (``themes/land-rights/past/``).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from conftest import VALID_ACTION, Project
from generator.build import build
from datetime import date


class Links(HTMLParser):
    """The links of a page's article: (href, text), in order."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._article = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self._article += 1
        elif tag == "a" and self._article:
            self._href, self._text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)


def links(html: bytes) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html.decode())
    return parser.links


def year(i: int) -> int:
    """The year closed action ``i`` was issued (and last updated) in: four in each of 2024, 2025 and 2026."""
    return 2024 + (i - 1) // 4


def closed_actions(project: Project, count: int, theme: str | None = None) -> None:
    """``count`` actions issued on successive days of September, four a year from 2024, whose deadlines passed
    in October (the newest: the highest number), in Colombia (and on ``theme``)."""
    for i in range(1, count + 1):
        project.write(f"content/actions/closed-{i:02d}.md", VALID_ACTION
                      .replace("country: CO\n", f"country: CO\nthemes: [{theme}]\n" if theme else "country: CO\n")
                      .replace("title: A valid action", f"title: Closed action {i:02d}")
                      .replace("UA-TEST-001", f"UA-TEST-{100 + i}")
                      .replace("issued: 2026-11-01", f"issued: {year(i)}-09-{i:02d}")
                      .replace("deadline: 2026-12-20", f"deadline: {year(i)}-10-{i:02d}"))


def built(project: Project, tmp_path, full: bool = False):
    site = tmp_path / "site"
    report = build(project.root, site, date(2026, 12, 1), cache_dir=tmp_path / "cache", full=full)
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}, report


def test_more_past_actions_than_the_index_shows_go_to_an_archive_by_year(project: Project, tmp_path):
    project.write("content/actions/open.md", VALID_ACTION)
    closed_actions(project, 12)
    files, _ = built(project, tmp_path)

    index = [text for href, text in links(files["actions/index.html"]) if href.startswith("closed-")]
    assert index == [f"Closed action {i:02d}" for i in range(12, 2, -1)]  # the ten newest
    assert ("past/", "All 12 resolved and closed actions") in links(files["actions/index.html"])

    archive = links(files["actions/past/index.html"])
    assert [(href, text) for href, text in archive if href[:1].isdigit()] == [
        ("2026/", "2026"), ("2025/", "2025"), ("2024/", "2024")]
    assert ("../", "All urgent actions") in archive
    assert b"4 actions" in files["actions/past/index.html"]
    listed = []
    for y in (2026, 2025, 2024):
        page = links(files[f"actions/past/{y}/index.html"])
        shown = [text for href, text in page if href.startswith("../../closed-")]
        assert shown == [f"Closed action {i:02d}" for i in range(12, 0, -1) if year(i) == y]
        assert ("../", "Resolved and closed actions") in page and ("../../", "All urgent actions") in page
        assert [href for href, _ in page if href[:4].isdigit() or href.startswith("../20")] == [
            f"../{other}/" for other in (2026, 2025, 2024) if other != y]
        listed += shown
    assert sorted(listed) == [f"Closed action {i:02d}" for i in range(1, 13)]  # each once, in one year

    sitemap = files["sitemap.xml"].decode()
    assert all(f"/actions/past/{y}/</loc>" in sitemap for y in (2024, 2025, 2026)) and "/actions/past/</loc>" in sitemap
    titles = {doc["location"]: doc["title"] for doc in json.loads(files["search/search_index.json"])["docs"]}
    assert titles["actions/past/"] == "Resolved and closed actions"
    assert titles["actions/past/2025/"] == "Resolved and closed actions in 2025"


def test_a_change_to_a_past_action_makes_its_years_page_again_and_no_other(project: Project, tmp_path):
    closed_actions(project, 12)
    built(project, tmp_path)
    path = project.root / "content/actions/closed-02.md"
    path.write_text(path.read_text().replace("title: Closed action 02", "title: Renamed action 02"))
    files, report = built(project, tmp_path)
    archive = {p for p in report.plan.pages if p.startswith("actions/past/")}
    assert archive == {"actions/past/2024/index.md"}
    assert "Renamed action 02" in files["actions/past/2024/index.html"].decode()
    assert files == built(project, tmp_path / "full", full=True)[0]

def test_no_page_of_past_actions_while_the_index_shows_them_all(project: Project, tmp_path):
    closed_actions(project, 10)
    files, _ = built(project, tmp_path)
    assert "actions/past/index.html" not in files
    assert [href for href, _ in links(files["actions/index.html"]) if "past" in href] == []
    assert len([href for href, _ in links(files["actions/index.html"]) if href.startswith("closed-")]) == 10


def test_an_action_may_not_take_the_address_of_the_past_actions(project: Project):
    project.write("content/actions/past.md", VALID_ACTION)
    assert project.problems() == ["content/actions/past.md:2: front matter: the address /actions/past/ is "
                                  "generated by accompany: rename this file"]


def test_a_theme_copied_before_the_page_of_past_actions_lists_them_all_on_the_index(project: Project, tmp_path):
    (project.root / "theme/accompany/actions_past.html").unlink()
    (project.root / "theme/accompany/actions.html").write_text(OLD_INDEX)
    closed_actions(project, 12)
    files, _ = built(project, tmp_path)
    assert "actions/past/index.html" not in files
    assert len([href for href, _ in links(files["actions/index.html"]) if href.startswith("closed-")]) == 12


def test_a_theme_copied_before_the_archive_by_year_lists_every_past_action_on_one_page(project: Project, tmp_path):
    (project.root / "theme/accompany/actions_past_year.html").unlink()
    (project.root / "theme/accompany/actions_past.html").write_text(OLD_PAST)
    closed_actions(project, 12)
    files, _ = built(project, tmp_path)
    assert not [path for path in files if path.startswith("actions/past/20")]
    past = [text for href, text in links(files["actions/past/index.html"]) if href.startswith("../closed-")]
    assert past == [f"Closed action {i:02d}" for i in range(12, 0, -1)]


#: theme/accompany/actions_past.html as accompany copied it into sites before the archive had a page a year.
OLD_PAST = """\
{% import "macros.html" as m with context %}
{% set past = site.past_actions %}
<article class="ac-index">
<h1>{{ _("Resolved and closed actions") }}</h1>
<p><a href="{{ url('actions/') }}">{{ _("All urgent actions") }}</a></p>
<ul class="ac-links">
{% for a in past %}<li>{{ m.status_badge(a) }} <a href="{{ url(a) }}"{{ m.tl(a, "title") }}>{{ a.meta.title }}</a> <span class="ac-muted">{{ a.meta.id }} · {{ fmt.country(a.meta.country) }} · {{ fmt.date(a.updated) }}</span></li>
{% endfor %}
</ul>
{{ m.subscribe_links() }}
</article>
"""


#: theme/accompany/actions.html as accompany copied it into sites before actions/past/ existed.
OLD_INDEX = """\
{% import "macros.html" as m with context %}
{% set open = site.open_actions %}
{% set rest = site.actions_ordered[open | length:] %}
<article class="ac-index">
<h1>{{ _("Urgent actions") }}</h1>
<h2 id="open">{{ _("Open: act now") }}</h2>
{{ m.action_list(open, _("There are no open actions right now.")) }}
{{ m.past_actions(rest, details=true) }}
{{ m.subscribe_links() }}
</article>
"""


def test_a_country_and_a_theme_with_more_past_actions_than_they_show_link_to_a_page_of_them_all(project: Project,
                                                                                                tmp_path):
    project.write("content/actions/open.md", VALID_ACTION.replace("country: CO\n", "country: CO\nthemes: [land-rights]\n"))
    closed_actions(project, 12, theme="land-rights")
    files, _ = built(project, tmp_path)
    titles = {doc["location"]: doc["title"] for doc in json.loads(files["search/search_index.json"])["docs"]}
    sitemap = files["sitemap.xml"].decode()
    for folder, name in (("themes/land-rights", "Land rights"), ("countries/co", "Colombia")):
        page = links(files[f"{folder}/index.html"])
        shown = [text for href, text in page if "closed-" in href]
        assert shown == [f"Closed action {i:02d}" for i in range(12, 2, -1)]  # the ten newest
        assert ("past/", "All 12 resolved and closed actions") in page
        assert [text for href, text in page if href.endswith("/open/")] == ["A valid action"]
        past = links(files[f"{folder}/past/index.html"])
        assert [text for href, text in past if "closed-" in href] == [f"Closed action {i:02d}" for i in range(12, 0, -1)]
        assert ("../", name) in past and not [text for href, text in past if href.endswith("/open/")]
        assert titles[f"{folder}/past/"] == f"Resolved and closed actions: {name}"
        assert f"/{folder}/past/</loc>" in sitemap


def test_a_new_action_on_a_theme_makes_its_page_again_not_its_page_of_past_actions(project: Project, tmp_path):
    closed_actions(project, 12, theme="land-rights")
    built(project, tmp_path)
    project.write("content/actions/new.md", VALID_ACTION.replace("country: CO\n", "country: CO\nthemes: [land-rights]\n"))
    files, report = built(project, tmp_path)
    assert {"themes/land-rights/index.md", "countries/co/index.md"} <= set(report.plan.pages)
    assert not [p for p in report.plan.pages if "/past/" in p]
    assert [text for href, text in links(files["themes/land-rights/index.html"]) if href.endswith("/new/")] == [
        "A valid action"]
    assert files == built(project, tmp_path / "full", full=True)[0]


def test_a_theme_with_no_more_past_actions_than_it_shows_has_no_page_of_them(project: Project, tmp_path):
    closed_actions(project, 10, theme="land-rights")
    files, _ = built(project, tmp_path)
    assert not [path for path in files if "/past/" in path and not path.startswith("actions/")]
    assert len([href for href, _ in links(files["themes/land-rights/index.html"]) if "closed-" in href]) == 10
    assert [href for href, _ in links(files["themes/land-rights/index.html"]) if "past" in href] == []


def test_a_theme_copied_before_the_pages_of_past_actions_of_a_theme_lists_them_all(project: Project, tmp_path):
    (project.root / "theme/accompany/listing_past.html").unlink()
    (project.root / "theme/accompany/theme.html").write_text(OLD_THEME)
    closed_actions(project, 12, theme="land-rights")
    files, _ = built(project, tmp_path)
    assert not [path for path in files if "/past/" in path and not path.startswith("actions/")]
    assert len([href for href, _ in links(files["themes/land-rights/index.html"]) if "closed-" in href]) == 12
    assert len([href for href, _ in links(files["countries/co/index.html"]) if "closed-" in href]) == 12


#: theme/accompany/theme.html as accompany copied it into sites before a theme's past actions had a page.
OLD_THEME = """\
{% import "macros.html" as m with context %}
{% set open = items.actions | selectattr("status", "equalto", "open") | list %}
{% set rest = items.actions | rejectattr("status", "equalto", "open") | list %}
<article class="ac-index">
<p class="ac-kicker">{{ _("Theme") }}</p>
<h1>{{ label }}</h1>
{{ m.subscribe_links() }}
<h2 id="act-now">{{ _("Open urgent actions") }}</h2>
{{ m.action_list(open, _("No open actions on this theme right now.")) }}
{% if items.tours %}
<h2 id="tours">{{ _("Tours") }}</h2>
{{ m.entry_list(items.tours) }}
{% endif %}
{% if items.defenders %}
<h2 id="defenders">{{ _("Defenders") }}</h2>
{{ m.defender_list(items.defenders) }}
{% endif %}
{{ m.past_actions(rest) }}{{ m.more_items(items) }}
</article>
"""

"""``check`` and ``build`` tell the whole truth, once: each case breaks a file of a project whose site
is already built, builds again, and compares every problem line exactly; the old site must keep every byte.

The cases cover what issue 11 (part C) found: template placeholders left in a published file,
reference and policy problems hidden behind a schema problem or a wrong setting, a front matter
block that is never closed, links to pages that are not built, and two language settings that
disagree.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import VALID_ACTION, VALID_DEFENDER, Project

ACTION = VALID_ACTION.replace("country: CO\n", "country: CO\ncampaigns: [c]\ndefenders: [ana]\n")
TOUR = """\
---
title: A tour
summary: A tour.
announced: 2026-11-01
stops:
  - id: leeds
    starts: 2026-12-10T19:00
    city: Leeds
    country: GB
    venue: The Hall
    actions: [UA-TEST-001]
---

Body.
"""
CAMPAIGN = "---\ntitle: C\nsummary: A campaign.\nstarts: 2026-11-01\ncountries: [CO]\n---\n\nBody.\n"
PAGE = "---\ntitle: About\nsummary: About us.\n---\n\nWho we are.\n"
BASE = {
    "content/actions/a.md": ACTION,
    "content/defenders/ana.md": VALID_DEFENDER,
    "content/tours/t.md": TOUR,
    "campaigns/c.md": CAMPAIGN,
    "content/pages/about.md": PAGE,
}
A, D, T, C, G = "content/actions/a.md", "content/defenders/ana.md", "content/tours/t.md", "campaigns/c.md", "content/pages/about.md"
PLACEHOLDER = "still holds the template's placeholder '{}': write the real text, or keep draft: true until then"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The base project, built once: each case works on a copy of it and of its site."""
    base = tmp_path_factory.mktemp("check")
    project = Project(base / "project")
    for path, text in BASE.items():
        project.write(path, text)
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(base / "site"))
    assert (code, err) == (0, ""), err
    return base


@pytest.fixture
def built(built_once, tmp_path):
    shutil.copytree(built_once / "project", tmp_path / "project", symlinks=True)
    shutil.copytree(built_once / "site", tmp_path / "site")
    project = Project.__new__(Project)
    project.root = tmp_path / "project"
    return project, tmp_path / "site"


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def edit(path: str, old: str, new: str) -> tuple[str, str, str]:
    assert old in BASE.get(path, old), (path, old)
    return (path, old, new)


def apply(project: Project, changes) -> None:
    for change in changes:
        if len(change) == 3:
            path, old, new = change
            text = (project.root / path).read_text()
            assert old in text, (path, old)
            project.write(path, text.replace(old, new, 1))
        else:
            project.write(*change)


def build_fails(project: Project, site: Path, expected: list[str]) -> None:
    """Build again: exactly ``expected`` is reported, and the old site keeps every byte and date."""
    before = snapshot(site)
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert "Traceback" not in err and "internal error" not in err, err
    assert code == 1
    assert err.splitlines() == expected + [f"{len(expected)} problem{'s' if len(expected) > 1 else ''} found; "
                                           "nothing was built or changed."]
    assert snapshot(site) == before
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".site-")) == []


# ---------------------------------------------------------------- the cases

CASES = [
    # --- template placeholders, once draft is gone
    ("title placeholder", [edit(A, "title: A valid action", "title: TITLE")],
     [f"{A}:2: title: " + PLACEHOLDER.format("TITLE")]),
    ("template action id", [edit(A, "id: UA-TEST-001", "id: UA-2026-000"),
                            edit(T, "actions: [UA-TEST-001]", "actions: [UA-2026-000]")],
     [f"{A}:3: id: " + PLACEHOLDER.format("UA-2026-000"),
      f"{T}:11: stops[0].actions[0]: " + PLACEHOLDER.format("UA-2026-000")]),
    ("salutation placeholder", [edit(A, "salutation: Dear Minister", "salutation: Dear ...")],
     [f"{A}:16: targets[0].salutation: " + PLACEHOLDER.format("Dear ...")]),
    ("letter placeholder on its own line", [edit(A, "  Dear Minister, please act.\n", "  Dear Minister,\n\n  ...\n\n  Yours,\n")],
     [f"{A}:20: letter: " + PLACEHOLDER.format("...")]),
    ("address placeholder", [edit(A, "      1 Street\n      City\n", "      Street and number\n      City, postcode\n      Country\n")],
     [f"{A}:14: targets[0].address: " + PLACEHOLDER.format("Street and number ...")]),
    ("body placeholder", [edit(A, "Body.", "What happened, in a few paragraphs.")],
     [f"{A}:21: body: " + PLACEHOLDER.format("What happened, in a few paragraphs.")]),
    ("defender name placeholder", [edit(D, "name: Ana", "name: NAME")],
     [f"{D}:3: name: " + PLACEHOLDER.format("NAME")]),
    ("defender without a consent date", [edit(D, "  given_on: 2026-09-01\n", "")],
     [f"{D}:12: consent.given_on: required: the date the defender agreed to be shown (only a draft may leave it out)"]),
    ("tour venue placeholder", [edit(T, "venue: The Hall", "venue: Venue name")],
     [f"{T}:10: stops[0].venue: " + PLACEHOLDER.format("Venue name")]),
    ("campaign summary placeholder", [edit(C, "summary: A campaign.", "summary: One or two sentences.")],
     [f"{C}:3: summary: " + PLACEHOLDER.format("One or two sentences.")]),
    ("page body placeholder", [edit(G, "Who we are.", "The page's text.")],
     [f"{G}:6: body: " + PLACEHOLDER.format("The page's text.")]),
    # --- reference problems in the same run as schema problems
    ("schema and unknown defender in one file",
     [edit(A, "country: CO", "country: XX"), edit(A, "defenders: [ana]", "defenders: [nobody]")],
     [f"{A}:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)",
      f"{A}:9: defenders[0]: unknown defender 'nobody': no file content/defenders/nobody.md"]),
    ("schema and unknown campaign in one file",
     [edit(A, "issued: 2026-11-01", "issued: soon"), edit(A, "campaigns: [c]", "campaigns: [nope]")],
     [f"{A}:4: issued: must be a date written YYYY-MM-DD, e.g. 2026-12-18, not 'soon'",
      f"{A}:8: campaigns[0]: unknown campaign 'nope': no file campaigns/nope.md"]),
    ("bad stop time and unknown action id", [edit(T, "starts: 2026-12-10T19:00", "starts: 7pm"),
                                             edit(T, "actions: [UA-TEST-001]", "actions: [UA-NOPE]")],
     [f"{T}:7: stops[0].starts: must be a date and time written YYYY-MM-DDTHH:MM, e.g. 2026-12-18T18:30 "
      "or 2026-12-18T18:30:00+01:00, not '7pm'",
      f"{T}:11: stops[0].actions[0]: unknown action id 'UA-NOPE'"]),
    ("schema problem and a bad link in the body", [edit(A, "country: CO", "country: XX"),
                                                   edit(A, "Body.", "See [her](../defenders/ghost.md).")],
     [f"{A}:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)",
      f"{A}:21: body: link '../defenders/ghost.md': not a content file; link to another file's .md path, "
      "or to an image in content/media/"]),
    ("wrong setting and a wrong file", [edit("mkdocs.yml", "timezone: Europe/London", "timezone: London"),
                                        edit(C, "countries: [CO]", "countries: [CO]\ncampaigns: [nope]")],
     [f"{C}:6: campaigns[0]: unknown campaign 'nope': no file campaigns/nope.md",
      "mkdocs.yml:11: accompany.timezone: 'London' is not an IANA time zone name such as Europe/London or America/Bogota"]),
    ("unreadable settings and a wrong file", [edit("mkdocs.yml", "site_name: Test Network", "site_name: [Test"),
                                              edit(A, "country: CO", "country: XX")],
     [f"{A}:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)",
      "mkdocs.yml:2: yaml: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence "
      "that starts on line 1)"]),
    ("schema problem and a policy problem", [edit(T, "starts: 2026-12-10T19:00", "starts: 7pm"),
                                             edit(D, "status: approved", "status: pending")],
     [f"{A}:9: defenders[0]: defender 'ana' is not published (not vetted, consented and current): "
      "remove it here until the profile is public",
      f"{T}:7: stops[0].starts: must be a date and time written YYYY-MM-DDTHH:MM, e.g. 2026-12-18T18:30 "
      "or 2026-12-18T18:30:00+01:00, not '7pm'"]),
    ("duplicate id beside a schema problem", [(f"content/actions/b.md", ACTION.replace("country: CO", "country: XX"))],
     ["content/actions/b.md:3: id: 'UA-TEST-001' is already the id of content/actions/a.md",
      "content/actions/b.md:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)"]),
    # --- a front matter block that is never closed
    ("never closed, with a rule in the body", [(A, ACTION.replace("---\n\nBody.", "\nWhat *happened*.\n\n---\n\nMore."))],
     [f"{A}:1: front matter: the front matter block is never closed: add a line '---' after the keys "
      "(line 20 reads as the text of the page, not as 'key: value')"]),
    ("never closed, the body starting with emphasis", [(A, ACTION.replace("---\n\nBody.", "\n*Urgent*: write now.\n\n---\n"))],
     [f"{A}:1: front matter: the front matter block is never closed: add a line '---' after the keys "
      "(line 20 reads as the text of the page, not as 'key: value')"]),
    ("a stray line inside a closed block is not mistaken for text", [edit(A, "summary: A test action.", "\nA test action.")],
     [f"{A}:12: front matter: invalid YAML: could not find expected ':' (while scanning a simple key that "
      "starts on line 11); every line needs 'key: value', or continues a quoted value"]),
    # --- one language setting
    ("theme language contradicting the site's", [edit("mkdocs.yml", "  font: false\n", "  font: false\n  language: es\n")],
     ["mkdocs.yml:6: theme.language: 'es' contradicts accompany.language ('en'): remove theme.language; "
      "the interface language follows accompany.language"]),
]


@pytest.mark.parametrize("changes, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_exactly_and_the_old_site_stays(built, changes, expected):
    project, site = built
    apply(project, changes)
    build_fails(project, site, expected)


def test_check_reports_what_build_reports(built):
    project, _ = built
    apply(project, CASES[11][1])
    assert project.problems() == CASES[11][2]


def test_there_are_at_least_twenty_cases():
    assert len(CASES) + len(LINK_CASES) >= 20


# ---------------------------------------------------------------- links to pages that are not built

OLD_COUNTRY_LINK = "<a href=\"{{ url('countries/' ~ c.lower() ~ '/') }}\">{{ fmt.country(c) }}</a>"
OLD_THEME_LINK = "<a href=\"{{ url('themes/' ~ t ~ '/') }}\">{{ settings.themes[t] }}</a>"
LINK_CASES = [
    ("campaign country without a page, old template",
     [edit(C, "countries: [CO]", "countries: [CO, BR]"),
      ("theme/accompany/campaign.html", "{{ m.country_link(c) }}", OLD_COUNTRY_LINK)],
     [f"{C}:5: countries[1]: the page campaigns/c/ links to '../../countries/br/', which is not in the site "
      "(the link is made by theme/accompany/campaign.html)"]),
    ("theme without a page, old template",
     [edit(C, "countries: [CO]", "countries: [CO]\nthemes: [press-freedom]"),
      ("theme/accompany/macros.html", "{{ theme_link(t) }}", OLD_THEME_LINK)],
     [f"{C}:6: themes[0]: the page campaigns/c/ links to '../../themes/press-freedom/', which is not in the site "
      "(the link is made by theme/accompany/campaign.html)"]),
    ("a template link to nowhere on an index",
     [("theme/accompany/countries.html", '<h1>{{ _("Countries") }}</h1>',
       '<h1>{{ _("Countries") }}</h1><a href="../nowhere/">x</a>')],
     ["theme/accompany/countries.html:1: link: the page countries/ links to '../nowhere/', which is not in the site "
      "(the link is made by theme/accompany/countries.html)"]),
    ("a print sheet link to a missing font",
     [("theme/accompany/sheet_parts.html", "NotoSans-{{ face }}.ttf", "NotoSans-{{ face }}.otf")],
     [f"{A}:1: link: actions/a/print/index.html links to '../../../assets/fonts/NotoSans-{face}.otf', "
      "which is not in the site" for face in ("Bold", "Italic", "Regular")]),
]


@pytest.mark.parametrize("changes, expected", [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES])
def test_a_link_to_nothing_stops_the_build_at_the_key_that_made_it(built, changes, expected):
    project, site = built
    apply(project, changes)
    build_fails(project, site, expected)


# ---------------------------------------------------------------- templates, once draft is removed

TEMPLATE_PROBLEMS = {
    "action": [(2, "title", "TITLE"), (3, "summary", "One or two sentences: who is at risk, and what we ask."),
               (4, "id", "UA-2026-000"), (11, "targets[0].name", "Name of the official"),
               (12, "targets[0].role", "Their office"), (14, "targets[0].address", "Street and number ..."),
               (17, "targets[0].salutation", "Dear ..."), (22, "letter", "Dear ..."),
               (29, "body", "What happened, in a few paragraphs.")],
    "defender": [(2, "title", "NAME"), (3, "name", "NAME"), (4, "summary", "One or two sentences about their work."),
                 (7, "author", "YOUR-INITIALS"), (18, "body", "Their story, as they agreed to tell it.")],
    "tour": [(2, "title", "TITLE"), (3, "summary", "One or two sentences."), (10, "stops[0].venue", "Venue name"),
             (13, "body", "About the tour.")],
    "campaign": [(2, "title", "TITLE"), (3, "summary", "One or two sentences."), (7, "body", "The campaign's story.")],
    "page": [(2, "title", "TITLE"), (5, "body", "The page's text.")],
}


@pytest.mark.parametrize("kind", sorted(TEMPLATE_PROBLEMS))
def test_a_template_without_draft_names_every_placeholder_left(project, kind, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    assert project.cli("new", kind, "x")[0] == 0
    path = next(p for p in project.root.rglob("x.md"))
    assert project.problems() == []  # a draft may hold its placeholders
    path.write_text(re.sub(r"(?m)^draft: true.*\n", "", path.read_text()))
    rel = path.relative_to(project.root).as_posix()
    expected = [f"{rel}:{line}: {key}: " + PLACEHOLDER.format(text) for line, key, text in TEMPLATE_PROBLEMS[kind]]
    if kind == "defender":  # and the template leaves the consent date to be given
        expected.insert(4, f"{rel}:10: consent.given_on: required: the date the defender agreed to be shown "
                           "(only a draft may leave it out)")
    assert project.problems() == expected


# ---------------------------------------------------------------- dates that are allowed but odd: warnings

B = "content/actions/b.md"
B_ACTION = VALID_ACTION.replace("UA-TEST-001", "UA-TEST-002")
DEADLINE_PASSED = (f"warning: {B}:5: deadline: 2026-12-20 has passed before the action is first "
                   "published (2026-12-21, its publish_on): it will only ever be shown as closed; move the deadline "
                   "or publish_on, or set status: closed")
DEADLINE_FAR = (f"warning: {B}:5: deadline: 2027-11-02 is more than a year after issued (2026-11-01): "
                "an urgent action runs for weeks; check the year")


@pytest.mark.parametrize("change, warning", [
    (("country: CO", "country: CO\npublish_on: 2026-12-21T09:00"), DEADLINE_PASSED),
    (("deadline: 2026-12-20", "deadline: 2027-11-02"), DEADLINE_FAR),
])
def test_odd_deadlines_are_warnings_from_check_and_build(built, change, warning):
    project, site = built
    project.write(B, B_ACTION.replace(*change))
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "") and warning in out.splitlines()
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert (code, err) == (0, "") and out.splitlines()[0] == warning


def test_a_deadline_a_year_after_issued_or_on_the_first_day_is_not_odd(built):
    project, _ = built
    project.write(B, B_ACTION.replace("deadline: 2026-12-20", "deadline: 2027-11-01")
                  .replace("country: CO", "country: CO\npublish_on: 2027-11-01"))
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "") and "warning: content/actions/b.md" not in out
    assert f"withheld: {B}: embargoed until 2027-11-01" in out.splitlines()

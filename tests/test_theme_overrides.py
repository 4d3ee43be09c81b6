"""theme/partials/ files that replace one of Material's: each is Material's file as installed, but for what it says.

An upgrade of mkdocs-material that changes one of these files fails here, naming it: the override is then
made again from the new file (its comment says what to change), not left to hide Material's fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

REPO = Path(__file__).resolve().parent.parent
MATERIAL = Path(material.__file__).parent / "templates" / "partials"

#: Material's first lines, which ours replace with what the override changes and why.
GENERATED = "{#-\n  This file was automatically generated - do not edit\n-#}\n"
OURS = re.compile(r"\A\{#-\n  Material's own partials/(?P<name>[\w-]+\.html) .*?-#\}\n", re.S)
#: The one change: a title's span marked with the language the page's front matter gives it (title_lang).
MARK = re.compile(r'\{% if (\w+)\.meta and \1\.meta\.title_lang %\} lang="\{\{ \1\.meta\.title_lang \}\}"\{% endif %\}')

TITLE_OVERRIDES = ["nav-item.html", "header.html", "path-item.html"]


@pytest.mark.parametrize("name", TITLE_OVERRIDES)
def test_an_override_is_materials_file_but_for_the_title_language_it_marks(name):
    ours = (REPO / "theme" / "partials" / name).read_text(encoding="utf-8")
    theirs = (MATERIAL / name).read_text(encoding="utf-8")
    comment = OURS.match(ours)
    assert comment and comment["name"] == name
    body = ours[comment.end():]
    assert len(MARK.findall(body)) == 1, f"{name}: the title's language is marked once"
    assert GENERATED + MARK.sub("", body) == theirs


def test_the_title_overrides_are_every_override_of_materials_partials_that_marks_a_title():
    marking = sorted(p.name for p in (REPO / "theme" / "partials").glob("*.html") if "title_lang" in p.read_text())
    assert marking == sorted(TITLE_OVERRIDES)

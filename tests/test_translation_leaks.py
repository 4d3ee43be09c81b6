"""The leak suite in two languages: nothing a translation must not say reaches any language's output.

The leak fixture (tests/fixtures/leaks) is built as a site in English and
Spanish, with the Spanish translations of tests/fixtures/translation-leaks laid
over it. Each translation carries canaries of its own (LEAKTOKEN-ES-...):

- translations of every withheld original: drafts, embargoed items (an action,
  a tour, a defender), unvetted, rejected, withdrawn, overdue and four-eyes
  defenders, a defender whose consent was withdrawn, a draft campaign and page;
- a translation with its own ``draft: true`` (its original is public);
- ``private:`` notes in a translation, at the top and inside a target and a stop;
- HTML comments, and the Markdown comment idiom ``[//]: # (...)``, in every text
  a published translation carries (summary, salutation, role, step, letter,
  update, body);
- the alt text of a photo shown without consent, in a translation;
- a translation that names a defender whose consent was withdrawn (the
  tripwire): left out whole, with its canary.

Every byte of every output of both languages (pages, search indexes, sitemaps,
feeds, calendars, PDFs read back with poppler, file names) is searched with
conftest.read_back, and the share links, share texts and card images with the
extractors of test_share_leaks.py: never with the build's own leak scanner.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import MINIMAL_SETTINGS, REPO, VALID_ACTION, Project, read_back, site_files
from generator.build import Renderers, build
from generator.core.problems import ProblemsFound
from generator.load import load
from test_share_leaks import channels, fold

LEAKS = Path(__file__).parent / "fixtures" / "leaks"
OVERLAY = Path(__file__).parent / "fixtures" / "translation-leaks"
AS_OF = date(2026, 12, 1)


def _canaries() -> list[str]:
    """Every canary of both fixtures: tokens, and the slugs of withheld files."""
    tokens, slugs = set(), set()
    for folder in (LEAKS, OVERLAY):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".md", ".yml"):
                text = path.read_text()
                tokens |= set(re.findall(r"LEAKTOKEN-[A-Z0-9-]+", text))
                slugs |= set(re.findall(r"\b(zz-[a-z0-9-]+)", text))
            if path.name.startswith("zz-"):
                slugs.add(path.name.split(".")[0])
    return sorted(tokens) + sorted(slugs) + ["Leakreal Nameson Canary", "UA-LEAK-DRAFT", "UA-LEAK-EMBARGO"]


CANARIES = _canaries()
ES_CANARIES = [c for c in CANARIES if c.startswith("LEAKTOKEN-ES-")]

#: The translations of withheld originals: each is listed by check as withheld, and none is an error.
OF_WITHHELD = sorted(p.relative_to(OVERLAY).as_posix() for p in OVERLAY.rglob("zz-*.es.md"))


def _project(base: Path) -> Path:
    root = base / "project"
    shutil.copytree(LEAKS, root)
    shutil.copytree(OVERLAY, root, dirs_exist_ok=True)
    shutil.copytree(REPO / "theme", root / "theme")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("translation-leaks")
    root = _project(base)
    build(root, base / "site", AS_OF, cache_dir=base / "cache")
    files = site_files(base / "site")
    loaded = load(root, AS_OF)
    cards, drawn = {}, {}
    for lang, prefix in (("en", ""), ("es", "es/")):
        output = next(o for o in Renderers(loaded.in_language(lang)).outputs if o.name == "cards")
        cards.update({prefix + path: data for path, data in output.render().items()})
        drawn.update({prefix + path: strings for path, strings in output.drawn.items()})
    return {"root": root, "files": files, "read": {p: read_back(p, d).casefold() for p, d in files.items()},
            "cards": cards, "drawn": drawn}


def test_the_overlay_plants_a_canary_for_every_way_a_translation_is_withheld():
    expected = {f"LEAKTOKEN-ES-{name}" for name in [
        # translations of withheld originals
        "DRAFT-ACTION", "EMBARGO-ACTION", "EMBARGO-TOUR", "DRAFT-CAMPAIGN", "DRAFT-PAGE", "DRAFT-DEFENDER",
        "EMBARGO-DEFENDER", "PENDING", "REJECTED", "VETTING-WITHDRAWN", "FOUR-EYES", "OVERDUE", "VETTING-FUTURE",
        "CONSENT-WITHDRAWN",
        # a translation of its own: a draft; one that names a withdrawn defender
        "OWN-DRAFT", "TRIPWIRE",
        # private notes in translations
        "PRIVATE-TOP", "PRIVATE-IN-TARGET", "PRIVATE-IN-STOP", "PRIVATE-TOUR",
        # comments in what a published translation says
        "COMMENT-SUMMARY", "COMMENT-SALUTATION", "COMMENT-ROLE", "COMMENT-STEP", "COMMENT-LETTER",
        "COMMENT-UPDATE", "COMMENT-BODY", "MD-COMMENT-BODY", "MD-COMMENT-LETTER", "COMMENT-DEFENDER",
        "COMMENT-DEFENDER-SUMMARY", "COMMENT-CAMPAIGN-SUMMARY", "COMMENT-CAMPAIGN-BODY", "COMMENT-HOME",
        "COMMENT-STOP-VENUE", "COMMENT-ACCESSIBILITY", "COMMENT-TOUR", "COMMENT-TOUR-SUMMARY",
        # the alt text of a photo shown without consent
        "PHOTO-ALT-NO-CONSENT",
    ]}
    assert expected <= set(ES_CANARIES), expected - set(ES_CANARIES)
    assert len(OF_WITHHELD) == 14
    # The tripwire: Tomasa's Spanish profile names the defender whose consent was withdrawn.
    assert "LEAKTOKEN-CONSENT-WITHDRAWN name" in (OVERLAY / "content/defenders/located-nowhere.es.md").read_text()


def test_both_languages_and_every_channel_are_built(built):
    paths = set(built["files"])
    for prefix in ("", "es/"):
        assert {prefix + p for p in ["index.html", "404.html", "search/search_index.json", "sitemap.xml",
                                     "actions/public-action/index.html", "actions/public-action/print/index.html",
                                     "actions/public-action/public-action.pdf", "actions/public-action/card.png",
                                     "defenders/public-defender/index.html", "tours/public-tour/index.html",
                                     "campaigns/public-campaign/index.html", "feeds/all.atom.xml",
                                     "feeds/all.rss.xml", "feeds/all.json", "calendars/tours.ics",
                                     "actions/letter-writing-pack.pdf"]} <= paths, prefix
    assert set(built["cards"]) == {p for p in paths if p.endswith("card.png")}


def test_the_search_reaches_the_published_translations_in_every_channel(built):
    """A positive control: the Spanish words are read back where they are published (else 'no leak' means nothing)."""
    hay = built["read"]
    spanish = {p: t for p, t in hay.items() if p.startswith("es/")}
    for suffix in (".html", ".json", ".xml", ".ics", ".pdf"):
        assert [p for p in spanish if p.endswith(suffix) and "acción pública" in spanish[p]], suffix
    action = hay["es/actions/public-action/index.html"]
    for words in ["una acción publicada sobre rosa.", "señor ministro", "ministro del interior", "escriba la carta.",
                  "proteja a rosa.", "una novedad", "algo pasó.", "lo que le pasó a rosa."]:
        assert words in action, words  # what surrounds each comment is published: only the comment is gone
    assert re.search(r"proteja a\s+rosa", hay["es/actions/public-action/public-action.pdf"])
    assert "rosa trabaja para su comunidad" in hay["es/defenders/public-defender/index.html"]
    assert "cuerpo de la campaña publicada" in hay["es/campaigns/public-campaign/index.html"]
    assert "inicio." in hay["es/index.html"]
    tour = hay["es/tours/public-tour/index.html"]
    for words in ["gira pública", "una gira publicada.", "una sala del centro", "acceso sin escalones.",
                  "cuerpo de la gira."]:
        assert words in tour, words
    assert "una sala del centro" in hay["es/calendars/tours.ics"]
    # The English site stays English; Tomasa's Spanish page shows the original's words, as its translation
    # (which names a defender whose consent was withdrawn) is left out.
    assert "acción pública" not in hay["actions/public-action/index.html"]
    assert "tomasa speaks for her village" in hay["es/defenders/located-nowhere/index.html"]
    assert "public resolved action" in hay["es/actions/public-resolved/index.html"]  # its translation is a draft
    page = " ".join(channels(built["files"])["es/actions/public-action/index.html"])
    assert "Señor Ministro:\r\n\r\nProteja a Rosa." in page  # the Spanish letter, in the appeal's e-mail body
    assert "Acción pública" in built["drawn"]["es/actions/public-action/card.png"]


@pytest.mark.parametrize("canary", CANARIES)
def test_canary_appears_in_no_output_byte_of_any_language(built, canary):
    needle = canary.casefold()
    assert [path for path, text in built["read"].items() if needle in text] == []


@pytest.mark.parametrize("canary", CANARIES)
def test_canary_appears_in_no_link_share_text_or_card_of_any_language(built, canary):
    needle = fold(canary)
    found = [path for path, texts in channels(built["files"]).items() if needle in fold(" ".join(texts))]
    found += [path for path, strings in built["drawn"].items() if needle in fold(" ".join(strings))]
    assert found == []


def test_check_lists_every_withheld_translation_and_finds_no_error(built):
    project = Project.__new__(Project)
    project.root = built["root"]
    code, out, err = project.cli("check", "--as-of", AS_OF.isoformat())
    assert (code, err) == (0, "")
    withheld = dict(line[len("withheld: "):].split(": ", 1) for line in out.splitlines() if line.startswith("withheld: "))
    for path in OF_WITHHELD:
        original = path.replace(".es.md", ".md")
        assert original in withheld, original
        assert path in withheld, f"{path} is not listed as withheld"
        assert original in withheld[path], withheld[path]  # it says why: its original is withheld
    assert withheld["content/defenders/located-nowhere.es.md"] == (
        "names 'LEAKTOKEN-CONSENT-WITHDRAWN name', whose consent was withdrawn on 2026-11-20")
    assert "not translated into es: content/actions/public-resolved.md" in out  # its own draft: the original stands in
    assert not [line for line in out.splitlines() if line.startswith("withheld: ") and ".es.md" in line
                and line.split(": ")[1] not in OF_WITHHELD + ["content/defenders/located-nowhere.es.md"]], out


# ---------------------------------------------------------------- private names in a translation

TWO = MINIMAL_SETTINGS.replace("  language: en\n", "  languages: [en, es]\n")
SPANISH = """\
---
title: Una acción
private:
  real_name: Nombrereal Traducido Canario
  note: LEAKTOKEN-ES-PRIVATE-NOTE
summary: Una acción de prueba.
---

Cuerpo.
"""


@pytest.fixture
def two(project: Project) -> Project:
    project.write("mkdocs.yml", TWO)
    project.write("content/actions/a.md", VALID_ACTION)
    return project


def test_private_notes_of_a_translation_are_published_nowhere(two, tmp_path):
    two.write("content/actions/a.es.md", SPANISH)
    assert two.problems() == []
    build(two.root, tmp_path / "site", AS_OF, cache_dir=tmp_path / "cache")
    files = site_files(tmp_path / "site")
    hay = {p: read_back(p, d) for p, d in files.items()}
    assert "Una acción de prueba." in hay["es/actions/a/index.html"]  # a positive control
    assert [p for p, text in hay.items() if "LEAKTOKEN-ES-PRIVATE-NOTE" in text or "Nombrereal" in text] == []


@pytest.mark.parametrize("where, problem", [
    ("the translation itself", "content/actions/a.es.md:9: body: contains the private real name from "
                               "content/actions/a.es.md:4: remove it"),
    ("its original", "content/actions/a.md:19: body: contains the private real name from content/actions/a.es.md:4: "
                     "remove it"),
])
def test_a_real_name_kept_in_a_translations_private_notes_is_never_published(two, tmp_path, where, problem):
    """``private.real_name`` in a translation is watched as in any file: a text that says it is an error."""
    if where == "its original":
        two.write("content/actions/a.es.md", SPANISH)
        two.write("content/actions/a.md", VALID_ACTION.replace("Body.", "Body about Nombrereal Traducido Canario."))
    else:
        two.write("content/actions/a.es.md", SPANISH.replace("Cuerpo.", "Cuerpo con Nombrereal Traducido Canario."))
    assert two.problems() == [problem]  # the message points at the name, and does not repeat it
    with pytest.raises(ProblemsFound):
        build(two.root, tmp_path / "site", AS_OF, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "site").exists()

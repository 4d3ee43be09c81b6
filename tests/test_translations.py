"""Translations: text from the translation, facts from the original, and the policy through the original."""

from __future__ import annotations

import pytest

from conftest import MINIMAL_SETTINGS, VALID_ACTION, VALID_DEFENDER, Project
from generator.core.translations import text_hash
from generator.load import load

AS_OF = "2026-12-01"
TWO = MINIMAL_SETTINGS.replace("  language: en\n", "  languages: [en, es]\n")

ACTION = VALID_ACTION.replace("letter: |\n  Dear Minister, please act.\n", """\
letter: |
  Dear Minister, please act.
updates:
  - date: 2026-11-20
    title: News
    text: Something happened.
""")

TRANSLATION = """\
---
title: Una acción válida
summary: Una acción de prueba.
letter: |
  Señor Ministro, actúe por favor.
targets:
  - salutation: Señor Ministro
updates:
  - date: 2026-11-20
    title: Noticias
    text: Algo pasó.
---

Cuerpo.
"""


@pytest.fixture
def two(project: Project) -> Project:
    project.write("mkdocs.yml", TWO)
    project.write("content/actions/a.md", ACTION)
    return project


def spanish(project: Project):
    loaded = load(project.root, __import__("datetime").date.fromisoformat(AS_OF))
    return loaded.publication.languages.public["es"].actions["a"]


def test_a_translation_carries_text_and_takes_facts_from_the_original(two):
    two.write("content/actions/a.es.md", TRANSLATION)
    assert two.problems() == []
    es = spanish(two)
    meta = es.meta
    assert (meta.title, meta.summary, meta.lang) == ("Una acción válida", "Una acción de prueba.", "es")
    assert meta.letter == "Señor Ministro, actúe por favor.\n"
    assert (meta.targets[0].salutation, meta.targets[0].name, meta.targets[0].address) == (
        "Señor Ministro", "The Minister", "1 Street\nCity\n")  # facts from the original
    assert (meta.updates[0].title, meta.updates[0].text) == ("Noticias", "Algo pasó.")
    assert (meta.id, meta.deadline.isoformat(), meta.country) == ("UA-TEST-001", "2026-12-20", "CO")
    assert es.body.strip() == "Cuerpo." and es.path == "content/actions/a.es.md"
    assert es.untranslated == frozenset()  # every text the original has is translated


@pytest.mark.parametrize("name, text, problem", [
    ("a.es.md", TRANSLATION.replace("title: Una", "country: GT\ntitle: Una"),
     "content/actions/a.es.md:2: country: is a fact, not text: it comes from the original, content/actions/a.md; "
     "remove it here"),
    ("a.es.md", TRANSLATION.replace("  - salutation: Señor Ministro", "  - salutation: Señor Ministro\n"
                                    "    address: Calle 1"),
     "content/actions/a.es.md:8: targets[0].address: is a fact, not text: it comes from the original, "
     "content/actions/a.md; remove it here"),
    ("b.es.md", TRANSLATION,
     "content/actions/b.es.md:1: file name: a translation without an original: there is no content/actions/b.md "
     "to translate"),
    ("a.fr.md", TRANSLATION,
     "content/actions/a.fr.md:1: file name: 'fr' is not a language of this site (en, es): name it "
     "a.<language>.md with one of them, or add the language to accompany.languages"),
    ("a.en.md", TRANSLATION,
     "content/actions/a.en.md:1: file name: two files for content/actions/a.md in 'en': content/actions/a.md is "
     "already in that language"),
    ("a.es.md", TRANSLATION.replace("  - date: 2026-11-20", "  - date: 2026-11-21"),
     "content/actions/a.es.md:9: updates[0].date: the original (content/actions/a.md) has no update with date "
     "2026-11-21"),
    ("a.es.md", TRANSLATION.replace("  - salutation: Señor Ministro", "  - salutation: Señor Ministro\n"
                                    "  - salutation: Estimado"),
     "content/actions/a.es.md:8: targets[1]: the original (content/actions/a.md) has only 1 targets: targets are "
     "matched by position"),
])
def test_a_translation_that_does_more_than_translate_is_an_error(two, name, text, problem):
    two.write(f"content/actions/{name}", text)
    assert two.problems() == [problem]


def test_a_draft_translation_is_not_shown_and_the_original_stands_in_marked(two):
    two.write("content/actions/a.es.md", TRANSLATION.replace("---\ntitle:", "---\ndraft: true\ntitle:", 1))
    es = spanish(two)
    assert es.meta.title == "A valid action" and es.untranslated == frozenset({("*",)}) and es.original_lang == "en"
    code, out, _ = two.cli("check", "--as-of", AS_OF)
    assert "not translated into es: content/actions/a.md (its pages in es show the original's words)" in out


def test_a_translation_is_public_only_while_its_original_is(two):
    two.write("content/actions/a.es.md", TRANSLATION)
    two.write("content/actions/a.md", ACTION.replace("summary: A test action.", "summary: A test action.\ndraft: true"))
    loaded = load(two.root, __import__("datetime").date.fromisoformat(AS_OF))
    assert [e.path for lang in ("en", "es") for e in loaded.publication.languages.public[lang].entries()] == []


def test_a_translation_naming_a_withdrawn_defender_is_left_out_and_says_so(two):
    two.write("content/defenders/ana.md", VALID_DEFENDER.replace("  given_on: 2026-09-01",
                                                                 "  given_on: 2026-09-01\n  withdrawn_on: 2026-11-30"))
    two.write("content/actions/a.es.md", TRANSLATION.replace("Cuerpo.", "Con Ana, en el río."))
    es = spanish(two)
    assert es.meta.title == "A valid action"  # the original's words, which name no one
    code, out, _ = two.cli("check", "--as-of", AS_OF)
    assert ("warning: content/actions/a.es.md:14: body: names 'Ana', whose consent was withdrawn on 2026-11-30: "
            "edit the text to publish this translation again (meanwhile the original's words are shown in es)") in out


def test_a_translation_made_from_an_earlier_text_is_stale(two):
    loaded = load(two.root, __import__("datetime").date.fromisoformat(AS_OF))
    now = text_hash(loaded.publication.public.actions["a"])
    two.write("content/actions/a.es.md", TRANSLATION.replace("---\ntitle:", f"---\ntranslated_from: {now}\ntitle:", 1))
    code, out, _ = two.cli("check", "--as-of", AS_OF)
    assert "translated_from" not in out
    two.write("content/actions/a.md", ACTION.replace("please act.", "please act at once."))
    code, out, _ = two.cli("check", "--as-of", AS_OF)
    assert ("warning: content/actions/a.es.md:2: translated_from: content/actions/a.md has changed since this was "
            "translated: check the translation, then run accompany new --translation es content/actions/a.md "
            "--refresh") in out


def test_one_language_settings_keep_working_and_language_follows_languages(project):
    project.write("mkdocs.yml", TWO.replace("  languages: [en, es]\n", "  languages: [es, en]\n  language: en\n"))
    assert project.problems() == ["mkdocs.yml:11: accompany.language: is 'en' but languages starts with 'es': "
                                  "the first of languages is the site's default; leave language out"]


def test_accompany_new_starts_a_translation_that_check_accepts_and_refresh_follows_the_original(two):
    code, out, err = two.cli("new", "--translation", "es", "actions/a")
    assert code == 0, err
    written = (two.root / "content/actions/a.es.md").read_text()
    assert written.startswith("---\ndraft: true") and "letter: |\n  Dear Minister, please act.\n" in written
    assert "id:" not in written and "deadline:" not in written  # facts stay in the original
    code, out, err = two.cli("check", "--as-of", AS_OF)
    assert code == 0, err
    assert not [line for line in out.splitlines() if line.startswith(("withheld:", "warning: content"))], out
    assert "not translated into es: content/actions/a.md" in out  # a draft until its translator is done
    two.write("content/actions/a.md", ACTION.replace("please act.", "please act at once."))
    assert "translated_from" in two.cli("check", "--as-of", AS_OF)[1]
    code, out, err = two.cli("new", "--translation", "es", "content/actions/a.md", "--refresh")
    assert code == 0, err
    assert "translated_from" not in two.cli("check", "--as-of", AS_OF)[1]

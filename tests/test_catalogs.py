"""Every interface string translated: a complete catalog for each language we ship, with the fields,
markup and plural forms of its messages kept, `make messages` that keeps translations, and Material's
interface strings for the languages Material does not ship (theme/partials/languages/).

The catalogs are compared with the template (accompany.pot), not only with themselves: a message
added to the template and not translated fails here, whether or not `make messages` has run.
"""

from __future__ import annotations

import gettext
import re
import shutil
import string
import subprocess
import sys
from importlib import resources

import jinja2
import pytest
from babel import Locale
from babel.messages.catalog import PYTHON_FORMAT, Catalog
from babel.messages.pofile import read_po, write_po
from jinja2 import nodes

from conftest import REPO
from generator import catalogs

#: The languages accompany ships a catalog for, besides English (the source).
LANGUAGES = ["es", "fr", "de", "ne", "sw"]
#: Each language's Plural-Forms: gettext's, as msginit writes them (CLDR's extra "many" of a million
#: in es and fr never applies to the counts we print).
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);",
                "de": "nplurals=2; plural=(n != 1);", "ne": "nplurals=2; plural=(n != 1);",
                "sw": "nplurals=2; plural=(n != 1);"}
MATERIAL = resources.files("material") / "templates"
PARTIALS = REPO / "theme" / "partials" / "languages"
#: The languages Material ships no interface strings for: their partials are ours.
OURS = ["ne", "sw"]
MESSAGES = [sys.executable, str(REPO / "scripts" / "messages.py")]


def read(path) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f)


def template() -> Catalog:
    return read(catalogs.FOLDER / "accompany.pot")


def catalog(language: str) -> Catalog:
    return read(catalogs.FOLDER / language / "LC_MESSAGES" / "accompany.po")


def key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def forms(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def percent_fields(text: str) -> list[str]:
    """``%(name)s``, ``%s`` and ``%%`` as Babel finds them, and any other ``%``: ``%`` formatting (which the
    templates' ``_()`` always does) fills in the fields and chokes on a stray ``%``."""
    found = [m.group(0) for m in PYTHON_FORMAT.finditer(text)]
    return sorted(found) + ["%"] * (text.count("%") - sum(f.count("%") for f in found))


def brace_fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def tags(text: str) -> list[str]:
    return sorted(re.findall(r"<[^<>]+>", text))


def untranslated(language: str) -> list[str]:
    """The messages of the template that ``language``'s catalog lacks, or leaves untranslated or fuzzy."""
    translated = {key(m) for m in catalog(language) if m.id and not m.fuzzy and all(forms(m))}
    return [key(m) for m in template() if m.id and key(m) not in translated]


def mistranslated(language: str) -> list[tuple[str, str, str]]:
    """``(message, what differs, translation)`` for each translation whose fields or tags are not its message's."""
    wrong = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        measures = (percent_fields, tags) + ((brace_fields,) if "python-brace-format" in message.flags else ())
        for text in forms(message):
            for measure in measures:
                if all(measure(text) != measure(source) for source in ids):
                    wrong.append((key(message), measure.__name__, text))
    return wrong


# ---------------------------------------------------------------- the catalogs

@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_translates_every_message_of_the_template(language):
    assert catalogs.catalog_for(language) == language
    assert catalogs.untranslated(language) == []
    assert untranslated(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_translation_keeps_the_fields_and_markup_of_its_message(language):
    assert mistranslated(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_babels_checkers_find_nothing_to_say(language):
    assert [(key(m), [str(e) for e in errors]) for m, errors in catalog(language).check()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_plural_has_the_forms_its_header_declares_and_the_header_is_the_languages(language):
    po = catalog(language)
    assert po.plural_forms == PLURAL_FORMS[language]
    plurals = [m for m in po if m.id and m.pluralizable]
    assert plurals and all(len(forms(m)) == po.num_plurals for m in plurals)
    # The first form is for the counts CLDR calls "one" (fr: 0 and 1; the others: 1 alone).
    plural = gettext.c2py(po.plural_expr)
    locale = Locale.parse(language)
    assert [n for n in range(0, 1001) if (plural(n) == 0) != (locale.plural_form(n) == "one")] == []


def test_the_checks_find_a_message_added_and_not_translated_and_a_field_lost(tmp_path, monkeypatch):
    shutil.copytree(catalogs.FOLDER, tmp_path / "locale")
    monkeypatch.setattr(catalogs, "FOLDER", tmp_path / "locale")
    pot = template()
    pot.add("Write to us", locations=[("theme/accompany/home.html", 9)])
    with open(tmp_path / "locale" / "accompany.pot", "wb") as f:
        write_po(f, pot)
    assert untranslated("es") == ["Write to us"]  # not in the catalog: `make messages` has not run
    po = catalog("fr")
    po.add("Write to us", "")
    po["Act by %(date)s"].string = "Agissez au plus tard le %(jour)s"
    po["Check our <a href=\"%(href)s\">open actions</a> instead."].string = "Consultez plutôt nos actions ouvertes."
    with open(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "accompany.po", "wb") as f:
        write_po(f, po)
    assert untranslated("fr") == ["Write to us"]  # in the catalog, untranslated
    assert [(m, what) for m, what, _ in mistranslated("fr")] == [
        ("Act by %(date)s", "percent_fields"),
        ("Check our <a href=\"%(href)s\">open actions</a> instead.", "percent_fields"),
        ("Check our <a href=\"%(href)s\">open actions</a> instead.", "tags")]


# ---------------------------------------------------------------- make messages keeps translations

def test_make_messages_keeps_each_languages_translations_and_starts_new_catalogs(tmp_path):
    for path in ("generator", "theme/accompany"):
        shutil.copytree(REPO / path, tmp_path / path, ignore=shutil.ignore_patterns("__pycache__"))
    before = {lang: {key(m): forms(m) for m in read(tmp_path / f"generator/locale/{lang}/LC_MESSAGES/accompany.po") if m.id}
              for lang in LANGUAGES}
    home = tmp_path / "theme" / "accompany" / "home.html"
    home.write_text(home.read_text().replace("</article>", '<p>{{ _("Write to us") }}</p>\n</article>'))
    done = subprocess.run([*MESSAGES, "add", "pt_BR", "--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    messages = sum(1 for m in read(tmp_path / "generator/locale/accompany.pot") if m.id)  # "Write to us" among them
    assert "updated: de (1 to translate), en, es (1 to translate), fr (1 to translate), ne (1 to translate), " \
           f"pt_BR ({messages} to translate), sw (1 to translate)" in done.stdout
    for lang in LANGUAGES:
        after = read(tmp_path / f"generator/locale/{lang}/LC_MESSAGES/accompany.po")
        assert {key(m): forms(m) for m in after if m.id and key(m) in before[lang]} == before[lang]
        new = after["Write to us"]
        assert new.fuzzy or forms(new) == ("",)  # fuzzy when it looks like a message translated before
        assert after.plural_forms == PLURAL_FORMS[lang]
    assert read(tmp_path / "generator/locale/pt_BR/LC_MESSAGES/accompany.po").locale == Locale.parse("pt_BR")
    refused = subprocess.run([*MESSAGES, "add", "--root", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "name the languages" in refused.stderr


# ---------------------------------------------------------------- Material's interface strings

def partial_strings(path) -> dict[str, str]:
    """The table of a Material language partial (``{% macro t(key) %}{{ {...}[key] }}``), parsed by Jinja."""
    tree = jinja2.Environment().parse(path.read_text(encoding="utf-8"))
    (table,) = list(tree.find_all(nodes.Dict))
    return {pair.key.as_const(): pair.value.as_const() for pair in table.items}


ENGLISH = partial_strings(MATERIAL / "partials" / "languages" / "en.html")


@pytest.mark.parametrize("language", OURS)
def test_our_partials_say_every_key_materials_english_says(language):
    assert language not in {p.name[:-5] for p in (MATERIAL / "partials" / "languages").iterdir()}
    ours = partial_strings(PARTIALS / f"{language}.html")
    assert list(ours) == list(ENGLISH)  # every key, none more, in Material's order
    assert ours["language"] == language and ours["direction"] == "ltr"
    assert all(value.strip() for name, value in ours.items() if name != "search.config.pipeline")


def test_each_value_of_our_partials_is_translated():
    config = {"language", "direction"} | {k for k in ENGLISH if k.startswith("search.config.")}
    nepali = partial_strings(PARTIALS / "ne.html")
    assert [k for k in ENGLISH if k not in config and not re.search("[\u0900-\u097f]", nepali[k])] == []
    swahili = partial_strings(PARTIALS / "sw.html")
    assert [k for k in ENGLISH if k not in config and swahili[k] == ENGLISH[k]] == ["blog.meta"]  # "Metadata"


@pytest.mark.parametrize("language, pipeline", [("ne", " "), ("sw", "trimmer")])
def test_material_loads_our_partial_and_searches_with_lunrs_english_base(language, pipeline):
    """As Material and its search plugin read it: partials/language.html, the theme's folder first."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(REPO / "theme"), str(MATERIAL)]))
    t = env.get_template("partials/language.html", None, {"config": {"theme": {"language": language}}}).module.t
    assert {k: str(t(k)) for k in ENGLISH} == partial_strings(PARTIALS / f"{language}.html")
    assert str(t("search.config.lang")) == "en"  # lunr has no ne or sw stemmer
    assert str(t("search.config.pipeline")) == pipeline
    if language == "ne":
        separator = re.compile(str(t("search.config.separator")))
        assert separator.split("नदी रक्षकहरूलाई जोगाउनुहोस्। “म्याद”, नजिकै") == [
            "नदी", "रक्षकहरूलाई", "जोगाउनुहोस्", "म्याद", "नजिकै"]

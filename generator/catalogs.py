"""The message catalogs of accompany's own words: which exist, and each one loaded for a build.

Every reader-facing word that accompany writes (the templates' text, feed and
calendar titles, the shared sentences of outputs/wording.py, alerts) is a
message of the gettext domain ``accompany``. The catalogs ship with the
generator, in ``generator/locale/``:

    accompany.pot                     every message, extracted from the sources (``make messages``)
    <lang>/LC_MESSAGES/accompany.po   one language's translations; ``en`` is the source language

A catalog is read from its ``.po`` and compiled in memory (no ``.mo`` is
committed or written), once per language. A language without a catalog is
written in English. Content (titles, summaries, letters, names) never goes
through a catalog: volunteers write it in the language they publish in.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .core.problems import Problem, format_key
from .core.source import Source
from .outputs.l10n import Formatter

DOMAIN = "accompany"
#: The language the messages are written in: its catalog is the source of every other.
SOURCE = "en"
#: Where the catalogs are (package data, see pyproject.toml).
FOLDER = Path(__file__).resolve().parent / "locale"


def _po_path(tag: str) -> Path:
    return FOLDER / tag / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    """The languages that have a catalog, as their folders name them (``en``, ``pt_BR``), sorted."""
    return sorted(p.parent.parent.name for p in FOLDER.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def catalog_for(language: str) -> str | None:
    """The catalog a BCP 47 tag is written with: ``pt-BR`` uses ``pt_BR``, else ``pt``; None if neither exists."""
    tag = language.replace("-", "_")
    have = {name.casefold(): name for name in languages()}
    return have.get(tag.casefold()) or have.get(tag.split("_")[0].casefold())


@lru_cache(maxsize=None)
def _read(tag: str) -> Catalog:
    with _po_path(tag).open("rb") as po:
        return read_po(po, locale=tag, domain=DOMAIN)


@lru_cache(maxsize=None)
def _compiled(tag: str) -> Translations:
    mo = io.BytesIO()
    write_mo(mo, _read(tag), use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def translations(language: str) -> Translations:
    """The catalog of ``language`` (a BCP 47 tag), compiled once; the English one if it has none."""
    return _compiled(catalog_for(language) or SOURCE)


def untranslated(language: str) -> list[str] | None:
    """The messages that ``language``'s catalog leaves untranslated (or only fuzzily), in the order of
    the catalog, then those of the template (accompany.pot) it lacks; None if it has no catalog at all.

    For the check of a multilingual site: a site language needs a catalog, and
    every message translated. The source language's messages are its text.
    """
    tag = catalog_for(language)
    if tag is None:
        return None
    out = []
    for message in _read(tag):
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy or not all(strings):
            out.append(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
    if tag != SOURCE:  # and what was extracted since the catalog was last updated (make messages)
        have = {m.id for m in _read(tag)}
        out += [m.id[0] if isinstance(m.id, (tuple, list)) else m.id for m in _template() if m.id and m.id not in have]
    return out


@lru_cache(maxsize=1)
def _template() -> Catalog:
    with (FOLDER / f"{DOMAIN}.pot").open("rb") as pot:
        return read_po(pot, domain=DOMAIN)


def formatter(language: str) -> Formatter:
    """A :class:`~generator.outputs.l10n.Formatter` for ``language``, with its catalog (English if it has none)."""
    return Formatter(language, translations(language))


def language_problems(settings: Source, languages: tuple[str, ...]) -> list[Problem]:
    """For a site in several ``languages`` (``accompany.languages`` of ``settings``): each language
    that has no catalog of accompany's words, or leaves some of them untranslated, named with them.

    A reader of the Spanish pages must not meet an English button. A site in one language keeps
    working as it did: its words are English where its language has no catalog.
    """
    out = []
    for i, lang in enumerate(languages):
        loc = ("accompany", "languages", i)
        missing = untranslated(lang)
        if missing is None:
            out.append(Problem(settings.path, settings.line(loc), format_key(loc),
                               f"accompany has no catalog of its words in {lang!r} (generator/locale/"
                               f"{lang.replace('-', '_')}/LC_MESSAGES/{DOMAIN}.po): run 'make messages' to start one, "
                               f"translate it, or leave {lang!r} out of the site's languages"))
        elif missing:
            shown = ", ".join(repr(m) for m in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            out.append(Problem(settings.path, settings.line(loc), format_key(loc),
                               f"{len(missing)} of accompany's words are not translated into {lang!r} in "
                               f"generator/locale/{catalog_for(lang)}/LC_MESSAGES/{DOMAIN}.po: {shown}{more}; "
                               f"translate them (make messages lists them all)"))
    return out

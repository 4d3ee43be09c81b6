"""The public site in each of its languages: each file in the translation for that language, else as written.

A translation (core/translations.py) is published only while its original
is, and only if it is not a draft and names no one whose consent was
withdrawn: else the original's words stand in its place, marked with their
language. What time and withdrawal leave out of the original is left out of
its translations the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .catalogue import Catalogue
from .model import Entry
from .policy import shown
from .problems import Problem, format_key
from .translations import Translation, text_hash, translated


@dataclass
class Languages:
    """What each language shows, and what translators should know."""

    public: dict[str, Catalogue] = field(default_factory=dict)
    """Language to its public catalogue."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    """Language to the public originals with no translation into it (shown in the original's words)."""
    withheld: list[tuple[str, str]] = field(default_factory=list)
    """Translations left out, and why (their original is published)."""
    warnings: list[Problem] = field(default_factory=list)


def versions(catalogue: Catalogue, candidates: dict[str, Entry]) -> dict[str, dict[str, tuple[Translation, Entry]]]:
    """Each candidate original's translations that are not drafts, merged and as they may be shown."""
    out: dict[str, dict[str, tuple[Translation, Entry]]] = {}
    for path, original in candidates.items():
        for lang, translation in catalogue.translations.get(original.source.path, {}).items():
            if translation.draft:
                continue
            merged, untranslated = translated(translation)
            entry = shown(merged)
            meta = entry.meta.model_copy(update={"lang": lang})
            out.setdefault(path, {})[lang] = (translation, Entry(entry.source, meta, entry.body, untranslated,
                                                                  original.meta.lang))
    return out


def stale(catalogue: Catalogue) -> list[Problem]:
    """A warning for each translation made from an earlier text of its original."""
    out = []
    for translations in catalogue.translations.values():
        for t in translations.values():
            if t.translated_from and t.translated_from != text_hash(t.original):
                out.append(Problem(t.path, t.source.line(("translated_from",)), "translated_from",
                                   f"{t.original.path} has changed since this was translated: check the "
                                   f"translation, then run accompany new --translation {t.lang} "
                                   f"{t.original.path} --refresh"))
    return out


def publish_languages(languages: tuple[str, ...], public_originals: dict[str, Entry],
                      translations: dict[str, dict[str, Entry]], refused: dict[tuple[str, str], str]) -> Languages:
    """Each language's catalogue: the translation into it where one may be shown, else the original.

    ``public_originals``: path to the public original (as shown); ``translations``: path to language
    to the public translation (as shown, references left out as in the original); ``refused``:
    (path, language) to why a translation may not be shown.
    """
    out = Languages()
    default = languages[0]
    if len(languages) == 1:  # one language: every file as written, whatever its own lang
        catalogue = Catalogue()
        for original in public_originals.values():
            catalogue.of(original.kind)[original.slug] = original
        out.public[default] = catalogue
        return out
    for lang in languages:
        catalogue = Catalogue()
        for path, original in public_originals.items():
            written = original.meta.lang or default
            entry = translations.get(path, {}).get(lang)
            if entry is None and written != lang:  # shown in the original's words, marked as such
                out.missing.setdefault(lang, []).append(path)
                meta = original.meta.model_copy(update={"lang": written})  # the page's lang attribute says so
                entry = Entry(original.source, meta, original.body, frozenset({("*",)}), written)
            elif entry is None:
                entry = original
            elif entry.untranslated and entry.original_lang is None:  # the original's words: say which language
                entry = replace(entry, original_lang=written)
            catalogue.of(entry.kind)[entry.slug] = entry
        out.public[lang] = catalogue
    out.withheld = sorted((path, why) for (path, lang), why in refused.items())
    return out


def mention_warning(translation: Translation, line: int, loc: tuple, shown_name: str, why: str) -> Problem:
    """A translation that names someone whose consent was withdrawn: left out, its original's words shown."""
    return Problem(translation.path, line, format_key(loc), f"names {shown_name}, {why}: edit the text to publish "
                   f"this translation again (meanwhile the original's words are shown in {translation.lang})")


def written_in(public: dict[str, Catalogue], kind: str, name: str) -> dict[str, tuple[str, ...]]:
    """For each public item of ``kind``: the site languages whose page shows its ``name`` (``letter``)
    in that language, in the site's order; an item shows it in none where it has no such text.

    "Model letter in: Español · English": a supporter may send the letter in the officials' language.
    """
    out: dict[str, list[str]] = {}
    for lang, catalogue in public.items():
        for slug, entry in catalogue.of(kind).items():
            if not getattr(entry.meta, name, None):
                continue
            translated = not ({("*",), (name,)} & entry.untranslated)
            if (entry.meta.lang or lang) == lang and translated:
                out.setdefault(slug, []).append(lang)
    return {slug: tuple(langs) for slug, langs in out.items()}

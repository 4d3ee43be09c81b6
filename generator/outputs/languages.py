"""The links between a page and the same page in the site's other languages.

A site in several languages is built as one site per language: the default
at the site's address, each other at ``<address><language>/`` with the same
slugs (load.py, build.py). Every page exists in every language (an item not
yet translated shows its original's words, marked), so the same page in
another language is the same URL under another prefix. This module writes
those links: the ``hreflang`` alternates of every page's head, with
``x-default`` (theme/main.html), the language switcher (theme/partials/alternate.html),
and "Model letter in: Español · English" on actions (theme/accompany/action.html).

It does no I/O, and it is not used on a site with one language.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

from ..core.urls import relative_url
from . import Extras, Link


@lru_cache(maxsize=None)
def endonym(tag: str) -> str:
    """A language's name in that language, capitalised as a menu item: ``Español``, ``English``, ``नेपाली``."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
        name = locale.get_language_name(locale) or tag
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:]


def prefix(languages: tuple[str, ...], lang: str) -> str:
    """Where ``lang``'s pages are, under the site's address: ``""`` for the default, ``es/`` for another."""
    return "" if lang == languages[0] else lang.lower() + "/"


class LanguageLinks(Extras):
    """The same page in each language, for the pages of one language (``here``)."""

    def __init__(self, site_url: str, languages: tuple[str, ...], here: str,
                 letters: dict[str, tuple[str, ...]] | None = None):
        """``site_url``: the default language's address; ``letters``: action slug to the languages its
        letter is written in (core.languages.written_in)."""
        self.site_url = site_url
        self.languages = languages
        self.here = here
        self.letters_by_slug = letters or {}

    def _global(self, lang: str, url: str) -> str:
        return prefix(self.languages, lang) + url

    def _link(self, lang: str, url: str, page: str) -> str:
        href = relative_url(self._global(lang, url), self._global(self.here, page))
        return href if href.endswith("/") else href + "/"  # the default language's home: "../", not ".."

    def page_meta(self, url: str) -> dict:
        """The page's alternates: each language with its name, its address and a link from this page."""
        return {"languages": [
            {"lang": lang, "name": endonym(lang), "url": self.site_url + self._global(lang, url),
             "href": self._link(lang, url, url), **({"current": "1"} if lang == self.here else {})}
            for lang in self.languages]}

    def letters(self, slug: str, url: str, page: str) -> list[dict[str, str]]:
        """The other languages the letter of the action ``slug`` (at ``url``) is written in, as links
        from the page ``page`` of this language: ``[{lang, name, href}]``; none if it has no other."""
        langs = [lang for lang in self.letters_by_slug.get(slug, ()) if lang != self.here]
        return [{"lang": lang, "name": endonym(lang), "href": self._link(lang, url, page) + "#letter"}
                for lang in langs]

    def stop_language(self, stop) -> str | None:
        """The site language of a stop's letter-writing pack: its ``lang``, else one its country speaks
        officially (Babel's territory data), else None (the page's). Matched on the primary subtag."""
        by_primary = {lang.split("-")[0].lower(): lang for lang in reversed(self.languages)}
        stop = stop.stop  # the StopView's front matter
        wanted = [stop.lang] if stop.lang else list(get_official_languages(stop.country or "", de_facto=True))
        return next((by_primary[w.split("-")[0].split("_")[0].lower()] for w in wanted
                     if w.split("-")[0].split("_")[0].lower() in by_primary), None)

    def stop_pack(self, stop, pack: str, page: str, label: str) -> Link | None:
        """The pack of ``stop`` (at ``pack`` in every language) in the stop's language, if that is
        another of the site's: ``label`` names it (a sentence with the language's name)."""
        lang = self.stop_language(stop)
        if lang is None or lang == self.here:
            return None
        return Link(prefix(self.languages, lang) + pack, label % {"language": endonym(lang)},
                    href=self._link(lang, pack, page).rstrip("/"), lang=lang)

"""Words, dates, times, countries and language names in the reader's language (Babel, gettext)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property, lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_location
from babel.support import NullTranslations


@lru_cache(maxsize=None)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        # Babel lacks some languages (it has ne and sw, not every tag):
        # fall back to the primary subtag, then to English.
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale("en")


class Formatter:
    """Says things in one language (a BCP 47 tag): accompany's words from its catalog, values with Babel."""

    def __init__(self, language: str, translations: NullTranslations):
        """``translations``: the messages of ``language`` (``catalogs.formatter()`` reads its catalog)."""
        self.language = language
        self.locale = _locale(language)
        self.translations = translations

    def gettext(self, message: str, **fields: object) -> str:
        """A message of the catalog, its ``%(field)s`` filled in: as ``_()`` does in the templates."""
        return self.translations.gettext(message) % fields

    def translate(self, message: str) -> str:
        """A message marked where it is named (``N_``: the registry's titles), in this language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **fields: object) -> str:
        """The form of a message for ``n`` (``%(num)s`` is ``n``): as ``ngettext()`` does in the templates."""
        return self.translations.ngettext(singular, plural, n) % {"num": n, **fields}

    def date(self, value: date, style: str = "long") -> str:
        return format_date(value, style, locale=self.locale)

    def weekday_date(self, value: date) -> str:
        return format_date(value, "full", locale=self.locale)

    def time(self, value: datetime) -> str:
        return format_time(value, "short", locale=self.locale)

    def zone(self, value: datetime, zone: str) -> str:
        """Europe/London as "United Kingdom Time (BST)": where, and the abbreviation in force."""
        try:
            where = get_timezone_location(value, locale=self.locale, return_city=True)
        except LookupError:
            where = zone
        abbreviation = value.tzname()
        return f"{where} ({abbreviation})" if abbreviation and abbreviation != where else where

    def act_by(self, deadline: date) -> str:
        """How every output says an action's deadline: open through that day (policy.action_status)."""
        return self.gettext("Act by %(date)s", date=self.date(deadline))

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return self._territories.get(code, code)

    @cached_property
    def _territories(self) -> dict[str, str]:
        # Babel's Locale.territories looks its data up again at every call: a page names a few countries.
        return dict(self.locale.territories)

    def language_name(self, tag: str) -> str:
        try:
            return Locale.parse(tag.replace("-", "_")).get_display_name(self.locale) or tag
        except (UnknownLocaleError, ValueError):
            return self.locale.languages.get(tag.split("-")[0], tag)

"""Dates, times, countries and language names in the reader's language (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_location


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
    """Formats values for one language (a BCP 47 tag)."""

    def __init__(self, language: str):
        self.language = language
        self.locale = _locale(language)

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
        return f"Act by {self.date(deadline)}"

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return self.locale.territories.get(code, code)

    def language_name(self, tag: str) -> str:
        try:
            return Locale.parse(tag.replace("-", "_")).get_display_name(self.locale) or tag
        except (UnknownLocaleError, ValueError):
            return self.locale.languages.get(tag.split("-")[0], tag)

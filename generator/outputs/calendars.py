"""Placeholder: the calendars output is being built (see the open issue). It renders nothing yet."""

from __future__ import annotations

from . import Output


class Calendars(Output):
    name = "calendars"

    def render(self) -> dict[str, bytes]:
        return {}

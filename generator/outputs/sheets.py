"""Placeholder: the sheets output is being built (see the open issue). It renders nothing yet."""

from __future__ import annotations

from . import Output


class Sheets(Output):
    name = "sheets"

    def render(self) -> dict[str, bytes]:
        return {}

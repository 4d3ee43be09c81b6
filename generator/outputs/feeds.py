"""Placeholder: the feeds output is being built (see the open issue). It renders nothing yet."""

from __future__ import annotations

from . import Output


class Feeds(Output):
    name = "feeds"

    def render(self) -> dict[str, bytes]:
        return {}

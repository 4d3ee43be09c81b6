"""``python -m generator``: the same as the ``accompany`` command."""

from .cli import entry

entry()

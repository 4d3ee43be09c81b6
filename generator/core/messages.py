"""Reader-facing words the core names (titles of the types, their navigation and descriptions).

The core does not translate (it loads no catalog): it marks its messages with
:func:`N_`, so that ``make messages`` puts them in the catalog, and the
outputs translate them where they are shown (``Formatter.gettext``).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """``message`` itself, marked for the catalog: translated where it is shown, not here."""
    return message

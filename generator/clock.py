"""The build's "now", and the wall clock: read here and only here.

"Now" is ``--as-of``, else ``SOURCE_DATE_EPOCH``, else the clock; everything
below the command line receives it as a value. The wall clock (when a build
really ran, for ``accompany status``) is :func:`wall_clock`.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone


def resolve_as_of(arg: date | datetime | None, environ=os.environ) -> date | datetime:
    """The build's "now": ``--as-of``, else SOURCE_DATE_EPOCH, else the clock (UTC)."""
    if arg is not None:
        return arg
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SystemExit(f"accompany: SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return datetime.now(timezone.utc).replace(microsecond=0)


def wall_clock() -> datetime:
    """The time by the clock, whatever "now" a build is made as of: when a build ran, how old it is."""
    return datetime.now(timezone.utc).replace(microsecond=0)

"""What the last builds did, for ``accompany status``: ``.accompany/builds.json``.

The build command writes one record per site after every build, good or
failed: the main site under ``"default"``, each mirror under its URL. A
record holds times, counts and the first problem lines, never content; like
all of ``.accompany/`` it stays on the machine that built and is never
published.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

FILE = Path(".accompany") / "builds.json"
DEFAULT = "default"
#: How many problem lines a failed build keeps.
KEEP_PROBLEMS = 20


@dataclass(frozen=True)
class Attempt:
    """One run of ``accompany build``."""

    started: str
    """When it started, by the wall clock (ISO 8601, UTC)."""
    finished: str
    ok: bool
    as_of: str
    """The build's "now" (``--as-of``, SOURCE_DATE_EPOCH or the clock)."""
    site_dir: str
    files: int = 0
    live: dict = field(default_factory=dict)
    """What the site showed: counts of published actions (open), defenders, tours, stops to come ..."""
    problems: list[str] = field(default_factory=list)
    """Why it failed: the first lines of the report."""


@dataclass(frozen=True)
class Record:
    last_attempt: Attempt | None = None
    last_success: Attempt | None = None


def read(root: Path, key: str = DEFAULT) -> Record:
    """The record of one site (empty if it was never built here, or the file is unreadable)."""
    try:
        data = json.loads((root / FILE).read_text(encoding="utf-8")).get(key) or {}
        return Record(*(Attempt(**data[k]) if data.get(k) else None for k in ("last_attempt", "last_success")))
    except (OSError, ValueError, TypeError, AttributeError):
        return Record()


def write(root: Path, key: str, attempt: Attempt) -> None:
    """Add ``attempt`` to the record of site ``key``: the last attempt, and the last success if it is one."""
    path = root / FILE
    try:
        everything = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(everything, dict):
            everything = {}
    except (OSError, ValueError):
        everything = {}
    mine = everything.setdefault(key, {})
    mine["last_attempt"] = asdict(attempt)
    if attempt.ok:
        mine["last_success"] = asdict(attempt)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)

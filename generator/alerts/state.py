"""What the network has been told, per language, in ``.accompany/alerts/alerted-<lang>.json``.

One file holds the baseline (:mod:`.events`), the alert being sent, if any
(``inflight``), and the alerts held for the operator (``held``). Every change
is written whole, flushed to disk and renamed into place before the next step
of a delivery, so that after a crash the file says exactly how far it got:

``inflight.stage == "started"``
    written before the SMTP transaction began. The server cannot have
    accepted the message: a transaction is complete only when the server
    has the final "." and has answered it. The next run sends it again.
``inflight.stage == "committing"``
    written just before the final "." was sent. The server may have the
    message, or not: the next run holds it and reports it, and sends it again
    (with the same Message-ID) only when the operator says so.
"""

from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path

from .snapshot import write_json

FORMAT = 1


class StateError(Exception):
    """The state file cannot be used: the message says what to do."""


class AlertState:
    """The state of one language's alerts, read from and written back to its file."""

    def __init__(self, path: Path, data: dict):
        self.path = path
        self.data = data

    @classmethod
    def load(cls, folder: Path, language: str) -> "AlertState":
        path = folder / f"alerted-{language}.json"
        if not path.exists():
            return cls(path, {"format": FORMAT, "language": language, "baseline": None, "inflight": None, "held": []})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateError(f"{path}: cannot be read ({exc}). It records what the network was told: restore "
                             "it from a backup; deleting it makes the next run a first run.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StateError(f"{path}: written by another version of accompany")
        return cls(path, data)

    @property
    def first_run(self) -> bool:
        return self.data["baseline"] is None

    @property
    def baseline(self) -> dict:
        return self.data["baseline"]

    @property
    def inflight(self) -> dict | None:
        return self.data["inflight"]

    @property
    def held(self) -> list[dict]:
        return self.data["held"]

    def held_actions(self) -> set[str]:
        return {entry["event"]["action"] for entry in self.held}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json(self.path, self.data)


@contextmanager
def locked(folder: Path):
    """One ``accompany alert`` at a time on a project: a second one would send the same alerts."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StateError(f"another accompany alert is running on this project ({folder / 'lock'}): "
                             "wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""The last check before an alert leaves: no private real name, no name of a withdrawn defender.

The snapshot is the site as built; the content may have moved on since (a
defender withdrew consent this morning, the site is not rebuilt yet). So the
project is read again as of the snapshot's moment, only for the names the
policy watches now, and every composed message (its headers, text and HTML,
decoded) is searched for them with the build's own final scan. A message that
names one is not sent, nor is any other of the run.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..core.problems import Problem, ProblemsFound
from ..leakscan import scan_files
from ..load import load


class Guard:
    def __init__(self, root: Path, as_of: datetime, line: int):
        try:
            self.watched = load(root, as_of).publication.watched
        except ProblemsFound as found:
            raise ProblemsFound(found.problems + [Problem(
                "mkdocs.yml", line, "accompany.alerts", "no alert was sent: fix these problems first, so that the "
                "alerts can be checked against the names the content withholds now")]) from None

    def problems(self, name: str, message: EmailMessage) -> list[Problem]:
        """What ``message`` (called ``name`` in the report) must not say, found in any of its readable forms."""
        texts = [f"{key}: {value}" for key, value in message.items()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                texts.append(part.get_content())
        return scan_files({name: "\n".join(texts).encode()}, self.watched)

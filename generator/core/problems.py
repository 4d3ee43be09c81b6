"""Problems found in a volunteer's files, reported all at once.

Every check in the generator reports a :class:`Problem` instead of raising: the
build collects them all, prints them sorted as ``path:line: key: message`` with
a count, and stops before writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line, under one key."""

    path: str
    line: int
    key: str
    message: str = field(compare=True)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.key}: {self.message}"


class ProblemsFound(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(set(problems))

    def __reduce__(self):
        # Raised in a worker process, it comes back to the build whole: problems, not a message.
        return (ProblemsFound, (self.problems,))


def format_key(loc: tuple) -> str:
    """Render a key path as a volunteer reads it: ``targets[0].email``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "front matter"


def report(problems: list[Problem]) -> str:
    """The text printed for a failed check or build: sorted problems, then a count."""
    unique = sorted(set(problems))
    lines = [str(p) for p in unique]
    n = len(unique)
    lines.append(f"{n} problem{'s' if n != 1 else ''} found; nothing was built or changed.")
    return "\n".join(lines)

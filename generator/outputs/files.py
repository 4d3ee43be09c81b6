"""Files as renderers hand them to the build: made, or *kept* as the last build made them.

A :class:`Files` maps paths to bytes, like the ``{path: bytes}`` every renderer
returns, except that a file the memo (memo.py) found would come out as the
last build made it is *kept*: known by the digest of its bytes, and made only
if something asks for them (a full build). No I/O here: the build reads and
writes (write.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Callable


def file_digest(data: bytes) -> str:
    """The digest of a file's bytes, as a build's state records it (incremental.py, memo.py)."""
    return hashlib.sha256(data).hexdigest()


def front_matter_of(data: bytes) -> bytes:
    """The front matter block of a staged page (``---`` ... ``---``), or nothing."""
    if not data.startswith(b"---\n"):
        return b""
    end = data.find(b"\n---\n", 3)
    return data[: end + 5] + b"\n" if end >= 0 else b""


class Stale(Exception):
    """A kept file, made after all, did not come out as the last build made it: what its render read was not
    all traced. The build must not publish the kept files of this plan; it builds everything instead."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


class Files(MutableMapping):
    """Files by path: bytes made in this build, or kept (their digest; made only if asked for)."""

    def __init__(self) -> None:
        self.made: dict[str, bytes] = {}
        self.kept: dict[str, str] = {}
        """Path to the digest of a kept file."""
        self._makers: dict[str, Callable[[], bytes]] = {}
        self._order: list[str] | None = None

    def keep(self, path: str, digest: str, make: Callable[[], bytes]) -> None:
        self.kept[path] = digest
        self._makers[path] = make
        self._order = None

    def __getitem__(self, path: str) -> bytes:
        found = self.made.get(path)
        if found is None:
            make = self._makers.get(path)
            if make is None:
                raise KeyError(path)
            found = make()
            # Checked wherever a kept file is made after all (the link check, a full build): a trace that
            # missed a read would otherwise leave the last build's bytes, perhaps of what is withheld now.
            if file_digest(found) != self.kept[path]:
                raise Stale(path)
            self.made[path] = found
        return found

    def __setitem__(self, path: str, data: bytes) -> None:
        if path not in self.made and path not in self.kept:
            self._order = None
        self.made[path] = data

    def __delitem__(self, path: str) -> None:
        raise TypeError("files are not taken back")

    def __contains__(self, path: object) -> bool:
        return path in self.made or path in self.kept

    def __iter__(self):
        if self._order is None:
            self._order = sorted(self.made.keys() | self.kept.keys())
        return iter(self._order)

    def __len__(self) -> int:
        return len(self.made.keys() | self.kept.keys())

    def digest(self, path: str) -> str:
        """The digest of a file's bytes, without making a kept one."""
        if path in self.kept and path not in self.made:
            return self.kept[path]
        return file_digest(self[path])

    def rendered(self) -> set[str]:
        """The files made in this build (so far)."""
        return set(self.made)

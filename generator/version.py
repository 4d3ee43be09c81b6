"""What a build's remembered results depend on besides their inputs: accompany's own code, and its libraries.

Caches kept between runs (parsed files: read.py; rendered files: outputs/memo.py)
are dropped whole when this changes, so that a new version never reuses what an
older one made.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

#: The libraries whose versions shape what accompany reads and writes.
LIBRARIES = ("pyyaml", "pydantic", "jinja2", "markupsafe", "babel", "markdown", "nh3", "icalendar", "feedgen",
             "segno", "typst", "pillow")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of accompany's code, catalogs and templates (generator/), and of its libraries' versions."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".po", ".pot", ".cfg", ".json", ".typ", ".html", ".css", ".js"):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    return h.hexdigest()


def folder_digest(folder: Path) -> str:
    """A digest of every file under ``folder`` (the project's templates)."""
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()

"""The last guard: look for every private real name in every byte the build would publish.

The policy removes private data and the validator rejects public text that
contains a real name; this scan checks the finished site anyway, in every form
a name could take there: plain, HTML-escaped, JSON-escaped (the search index),
URL-encoded, and inside gzip files. PDFs are scanned by the sheet renderer's
own guard, which can read their text.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path
from urllib.parse import unquote

from .core.policy import normalise, secret_pattern
from .core.problems import Problem

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _variants(text: str) -> list[str]:
    out = [text, html.unescape(text)]
    if "\\u" in text:
        out.append(_JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text))
    if "%" in text:
        out.append(unquote(text))
    return out


def texts_of(path: str, data: bytes) -> list[str]:
    """The readable forms of one output file, including its name."""
    texts = [path, unquote(path)]
    if path.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            pass
    texts += _variants(data.decode("utf-8", errors="ignore"))
    return texts


def scan_files(files: dict[str, bytes], secrets: dict[str, tuple[str, int]], where: str = "") -> list[Problem]:
    """A problem for each secret found in ``files``, named at the line that declares it."""
    if not secrets:
        return []
    pattern = secret_pattern({name: origin[0] for name, origin in secrets.items()})
    by_norm = {normalise(name): origin for name, origin in secrets.items()}
    problems = []
    for path in sorted(files):
        for text in texts_of(path, files[path]):
            match = pattern.search(normalise(text))
            if match:
                origin_path, line = by_norm[match.group(0)]
                problems.append(Problem(origin_path, line, "private.real_name",
                                        f"this real name would be published in {where}{path}: find and remove it"))
                break
    return problems


def scan_tree(root: Path, secrets: dict[str, tuple[str, int]], where: str = "") -> list[Problem]:
    """:func:`scan_files` over every file under ``root``."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return scan_files(files, secrets, where)

"""Find the links and images in a Markdown text, and say where each one points.

Volunteers link between files as they see them on disk
(``[her profile](../defenders/ana.md)``, ``![](../media/river.jpg)``). This
module resolves such targets to a source path, so that validation can check
them and the renderers can turn them into public URLs. It is a scanner, not a
Markdown parser: it ignores code, and the renderer re-checks every link it
actually emits.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_INLINE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*(?:<([^>\n]*)>|([^()\s]*(?:\([^()\s]*\)[^()\s]*)*))")
_REFDEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?:<([^>\n]*)>|(\S+))", re.M)
_ATTR = re.compile(r"\b(?:href|src|srcset|poster|data|action|formaction|background)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)

#: Schemes a reader's browser may follow from our pages.
SAFE_SCHEMES = ("http", "https", "mailto", "tel")


@dataclass(frozen=True)
class Link:
    """A link or image target found in a text, with its line within that text (1-based)."""

    target: str
    line: int


@dataclass(frozen=True)
class Resolved:
    """Where a link points: ``external``, ``anchor``, or ``file`` with the source path."""

    kind: str
    path: str = ""
    fragment: str = ""


def _blank(match: re.Match) -> str:
    # Keep every offset: code becomes spaces, its line breaks stay.
    return re.sub(r"[^\n]", " ", match.group(0))


def may_have_links(text: str) -> bool:
    """A cheap test: False means :func:`find_links` would find nothing.

    Markdown links need ``](`` or ``]:``, HTML attributes need a tag.
    """
    return "](" in text or "]:" in text or "<" in text


def link_spans(text: str) -> list[tuple[int, int, str]]:
    """Every link target in a Markdown text, outside code, in order: ``(start, end, target)`` in ``text``."""
    scrubbed = text
    if "```" in text or "~~~" in text:
        scrubbed = _FENCE.sub(_blank, scrubbed)
    if "`" in scrubbed:
        scrubbed = _CODE_SPAN.sub(_blank, scrubbed)
    found: list[tuple[int, int, str]] = []
    for pattern in (_INLINE, _REFDEF, _ATTR):
        for m in pattern.finditer(scrubbed):
            group = next((i for i, g in enumerate(m.groups(), 1) if g is not None), None)
            if group is None:
                found.append((m.end(), m.end(), ""))
            else:
                found.append((m.start(group), m.end(group), m.group(group).strip()))
    found.sort()
    return found


def find_links(text: str) -> list[Link]:
    """Every link target in a Markdown text, outside code, in order."""
    return [Link(target, text.count("\n", 0, start) + 1) for start, _, target in link_spans(text)]


def without_targets(text: str, source_path: str, paths: frozenset[str] | set[str]) -> str:
    """``text`` with the targets of its links to the files in ``paths`` blanked (the link text stays).

    What a reader will see of a link that is left out: its words, not where it pointed.
    """
    if not paths or not may_have_links(text):
        return text
    out, last = [], 0
    for start, end, target in link_spans(text):
        try:
            resolved = resolve(source_path, target)
        except LinkError:
            continue
        if resolved.kind == "file" and resolved.path in paths:
            out += [text[last:start], " " * (end - start)]
            last = end
    return "".join(out) + text[last:] if out else text


class LinkError(ValueError):
    """A link that cannot be published, with the reason."""


def resolve(source_path: str, target: str) -> Resolved:
    """Resolve ``target`` as written in the file at ``source_path``.

    Raises :class:`LinkError` for a scheme we refuse, an absolute path, or a
    path that leaves the project.
    """
    if not target:
        raise LinkError("empty link")
    if target.startswith("#"):
        return Resolved("anchor", fragment=target[1:])
    parts = urlsplit(target)
    if parts.scheme:
        if parts.scheme.lower() in SAFE_SCHEMES and (parts.scheme.lower() not in ("http", "https") or parts.netloc):
            return Resolved("external")
        raise LinkError(f"links with {parts.scheme}: are not allowed")
    if target.startswith("//"):
        raise LinkError("write web links in full, starting with https://")
    if target.startswith("/"):
        raise LinkError("link to other content by its file, relative to this one, e.g. ../defenders/ana.md")
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), parts.path))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        raise LinkError("points outside the project")
    return Resolved("file", path=path, fragment=parts.fragment)

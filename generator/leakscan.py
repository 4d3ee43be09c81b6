"""The last guard: look for every private real name, and every name of a defender withheld for
consent, in every byte the build would publish.

The policy removes private data, rejects public text that contains a real
name, and withholds files that name a withdrawn defender; this scan checks the
finished site anyway, in every form
a name could take there: plain, HTML-escaped, JSON-escaped (the search index),
URL-encoded, inside gzip files, and inside PDFs (their text as a reader would
copy it, their metadata, and every string and stream they hold). A PDF that
cannot be read is reported as a leak: what cannot be checked is not published.
"""

from __future__ import annotations

import gzip
import html
import io
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote


from .core.names import Watched, name_pattern, normalise, watched
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
    if path.endswith(".pdf"):
        texts += pdf_texts(data)
    return texts


class UnreadablePdf(ValueError):
    """A PDF the scan cannot read, and so cannot vouch for."""


@lru_cache(maxsize=32)  # by content: tests and tools scan the same PDF once per name they look for
def pdf_texts(data: bytes) -> tuple[str, ...]:
    """Everything a PDF could show or give away: page text, metadata, and every string and stream in it.

    Page text comes from pypdf's extraction (font glyphs mapped back to
    characters) and from :func:`.pdftext.page_text`, which also reads the
    ``/ActualText`` that Typst gives for clusters of Indic scripts (a name in
    Devanagari reads back whole only so); the rest from walking every object, so that the outline,
    link targets, XMP metadata and anything else a viewer may show are covered.
    """
    # Imported here: most builds scan no PDF (pypdf takes a while to import).
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, StreamObject, TextStringObject

    from .pdftext import page_text

    out: list[str] = []

    def collect(value, depth: int = 0) -> None:
        if depth > 32:
            return
        if isinstance(value, StreamObject):
            try:
                out.append(value.get_data().decode("utf-8", errors="ignore"))
            except Exception as exc:  # pypdf raises many kinds for filters it cannot undo
                raise UnreadablePdf(f"a stream it cannot decode: {exc}") from exc
        if isinstance(value, DictionaryObject):
            for item in value.values():
                collect(item, depth + 1)
        elif isinstance(value, ArrayObject):
            for item in value:
                collect(item, depth + 1)
        elif isinstance(value, TextStringObject):
            out.append(str(value))
        elif isinstance(value, ByteStringObject):
            out.append(bytes(value).decode("utf-8", errors="ignore"))

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        for page in reader.pages:
            out += [page.extract_text() or "", page_text(page)]
        if reader.metadata:
            out += [str(value) for value in reader.metadata.values()]
        for number in range(1, int(reader.trailer.get("/Size", 0))):
            collect(reader.get_object(number))
    except UnreadablePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise UnreadablePdf(str(exc)) from exc
    return tuple(out)


#: Where the theme's and the engine's own files go: scripts, stylesheets, fonts (not content).
ASSETS = "assets/"


def scan_files(files: dict[str, bytes], secrets: dict[str, Watched | tuple[str, int]], where: str = "") -> list[Problem]:
    """A problem for each watched text found in ``files``, named at the line that makes it a rule.

    ``secrets`` maps each text to its :class:`~generator.core.names.Watched`
    rule (or, for a real name, the ``(path, line)`` that declares it).
    """
    if not secrets:
        return []
    rules = {name: watched(value) for name, value in secrets.items()}
    everywhere = [n for n, rule in rules.items() if not rule.content_only]
    patterns = {True: name_pattern(everywhere) if everywhere else None, False: name_pattern(rules)}
    by_norm: dict[str, Watched] = {}
    for name, rule in rules.items():  # the first of two texts that compare equal speaks for both
        by_norm.setdefault(normalise(name), rule)
    problems = []
    for path in sorted(files):
        pattern = patterns[path.startswith(ASSETS)]
        if pattern is None:
            continue
        try:
            texts = texts_of(path, files[path])
        except UnreadablePdf as exc:
            problems.append(Problem(path, 0, "pdf", f"cannot be read to check it for real names ({exc}): not published"))
            continue
        for text in texts:
            match = pattern.search(normalise(text))
            if match:
                rule = by_norm[match.group(0)]
                problems.append(Problem(rule.path, rule.line, rule.key,
                                        f"{rule.what} would be published in {where}{path}: find and remove it"))
                break
    return problems


def scan_tree(root: Path, secrets: dict[str, Watched | tuple[str, int]], where: str = "",
              scanned: frozenset[str] | set[str] = frozenset()) -> list[Problem]:
    """:func:`scan_files` over every file under ``root``, but those in ``scanned`` (already scanned as they are)."""
    if not secrets:
        return []
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    return scan_files({rel: path.read_bytes() for rel, path in files.items() if rel not in scanned}, secrets, where)

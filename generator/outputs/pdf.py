"""Typst source to PDF: tagged, deterministic, cached, with the shipped fonts only.

A :class:`PdfJob` is one Typst document (made by :mod:`.sheets` from the
theme's ``*.typ`` templates) and the address it is published at.
:class:`PdfMaker` turns jobs into PDF bytes with Typst (the ``typst`` package:
the Typst compiler, in this process; a sheet takes about a tenth of the time
WeasyPrint took, and the compiler loads in milliseconds):

* **Tagged and accessible.** PDF/UA-1: a structure tree, the document's
  language and title, alt text on the QR code (Typst refuses an image without
  it). A document holding characters that none of the shipped fonts can show
  cannot be PDF/UA-1; it is made tagged all the same, without that claim, and
  :attr:`PdfStats.warnings` says which and why.
* **Deterministic.** The same source gives the same bytes, in any process and
  on any machine: the date is the build's day (written in the source, and
  given to Typst as its timestamp, so nothing reads the clock); the fonts are
  those in ``theme/assets/fonts/`` and no other: not the system's, not those
  built into Typst.
* **Closed.** The templates load no package and no file; volunteers' text is
  only ever Typst text (:mod:`.typeset`). The compiler's root is the fonts
  folder, so even a file read could reach nothing else.
* **Cached.** The cache key is a hash of everything the bytes depend on
  (source, fonts, options, Typst's version), so an unchanged PDF is never
  made twice.

No process pool: while a build makes its PDFs, every core runs the site
engine, so workers would only compete for the same cores; and the PDFs of a
site now cost less than its print pages (see BENCHMARKS.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Mapping

import typst

from . import Cache

#: Bump when the way PDFs are made changes without the source changing.
FORMAT = 2

#: The standard every PDF claims when it can.
STANDARD = "ua-1"

#: What Typst says when a character has no glyph in any font given (PDF/UA-1 forbids it).
_NO_GLYPH = "could not be displayed with font"


class PdfError(Exception):
    """A document could not be made into a PDF (a template problem, not content)."""


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make."""

    path: str
    """Where it goes (docs-relative): for messages and the result."""
    source: str
    """The Typst document."""
    made: date
    """The build's day: the PDF's date."""


@dataclass
class PdfStats:
    """How many PDFs came from the cache and how many were made; what a reader should know."""

    hits: int = 0
    misses: int = 0
    rendered: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fonts:
    """The only fonts documents may use, as the build found them (generator/render.py reads them)."""

    folder: Path
    """Their folder: Typst reads the fonts from it, and may read nothing else (its root)."""
    digests: Mapping[str, str]
    """A hash of each font file, by name: the cache key covers them."""


class Typesetter:
    """The Typst compiler with the fonts of one folder and no other, reused for every document."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts.folder
        faces = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(self.fonts)])
        self.families = sorted(faces.families())
        """The only font families documents can use: those of the folder."""
        if not self.families:
            raise PdfError(f"no fonts in {self.fonts}")
        self._compiler = typst.Compiler(font_paths=faces, ignore_system_fonts=True, root=str(self.fonts))

    def compile(self, source: str, made: date) -> tuple[bytes, str]:
        """``(PDF, "")``, or ``(PDF, why it is not PDF/UA-1)`` when the fonts lack some of its characters."""
        stamp = datetime(made.year, made.month, made.day, tzinfo=timezone.utc)
        try:
            return self._compiler.compile(source.encode(), format="pdf", pdf_standards=[STANDARD],
                                          timestamp=stamp), ""
        except typst.TypstError as exc:
            if _NO_GLYPH not in exc.message:
                raise PdfError(_describe(exc)) from None
            why = exc.message.removeprefix("PDF/UA-1 error: ")
        try:
            return self._compiler.compile(source.encode(), format="pdf", timestamp=stamp, pdf_tags=True), why
        except typst.TypstError as exc:
            raise PdfError(_describe(exc)) from None


def _describe(exc: typst.TypstError) -> str:
    hints = "; ".join(exc.hints or [])
    return f"Typst: {exc.message}" + (f" ({hints})" if hints else "") + (f"\n{exc.diagnostic}" if exc.diagnostic else "")


class PdfMaker:
    """Makes PDFs from Typst jobs, from the cache when it can."""

    def __init__(self, fonts: Fonts, cache: Cache | None = None):
        """``fonts``: the only fonts documents may use."""
        self.typesetter = Typesetter(fonts)
        self.cache = cache
        self.stats = PdfStats()
        self._inputs = self._fingerprint(fonts)

    @staticmethod
    def _fingerprint(fonts: Fonts) -> str:
        """Everything besides the source that the bytes depend on."""
        faces = {name: digest for name, digest in sorted(fonts.digests.items()) if name.endswith((".ttf", ".otf"))}
        return json.dumps({"format": FORMAT, "typst": package_version("typst"), "standard": STANDARD,
                           "fonts": faces}, sort_keys=True)

    def key(self, job: PdfJob) -> str:
        """The cache key of a job: a hash of all its inputs."""
        digest = hashlib.sha256()
        for part in (self._inputs, job.made.isoformat(), job.source):
            digest.update(part.encode())
            digest.update(b"\0")
        return "pdf-" + digest.hexdigest()

    def make(self, jobs: list[PdfJob]) -> dict[str, bytes]:
        """``{job.path: PDF bytes}`` for every job, in the order given."""
        return {job.path: self.make_one(job) for job in jobs}

    def make_one(self, job: PdfJob) -> bytes:
        key = self.key(job)
        data = self.cache.get(key) if self.cache else None
        if _valid_pdf(data):
            note = self.cache.get("note-" + key)
            if note:
                self.stats.warnings.append(f"{job.path}: {note.decode()}")
            self.stats.hits += 1
            return data
        try:
            data, why = self.typesetter.compile(job.source, job.made)
        except PdfError as exc:
            raise PdfError(f"{job.path}: {exc}") from None
        if not _valid_pdf(data):
            raise PdfError(f"{job.path}: Typst did not return a PDF")
        note = _not_ua(why) if why else ""
        if note:
            self.stats.warnings.append(f"{job.path}: {note}")
        if self.cache:
            self.cache.put(key, data)
            if note:
                self.cache.put("note-" + key, note.encode())
        self.stats.misses += 1
        self.stats.rendered.append(job.path)
        return data


def _not_ua(why: str) -> str:
    return (f"made without the PDF/UA-1 claim: {why}; the shipped fonts (theme/assets/fonts/) cannot show it, "
            "so it prints as an empty box")


def _valid_pdf(data: bytes | None) -> bool:
    return bool(data) and data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]

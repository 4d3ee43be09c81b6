"""HTML to PDF with WeasyPrint: tagged, deterministic, cached, on every core.

A :class:`PdfJob` is one HTML document and the address it is published at.
:class:`PdfMaker` turns jobs into PDF bytes:

* **Deterministic.** The same HTML gives the same bytes, in any process: the
  dates come from the document's ``dcterms.created``/``dcterms.modified``
  (set from the build's "now"), the file identifier is a hash of the content,
  and nothing reads the clock.
* **Closed to the network.** A document may load only the files it was given
  (the shipped stylesheet and fonts) and ``data:`` URLs; any other URL stops
  the render instead of being fetched.
* **Cached.** The cache key is a hash of everything the bytes depend on (HTML,
  asset bytes, options, WeasyPrint and pydyf versions), so an unchanged sheet
  is never rendered twice.
* **Parallel.** Cache misses are rendered in a process pool; when no pool can
  be started, they are rendered one after the other, with the same result.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Mapping

import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, BooleanObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import Cache

#: Bump when the way PDFs are made changes without the HTML changing.
FORMAT = 1

#: WeasyPrint options: a tagged PDF/UA-1 document (structure tree, /Lang, title shown).
OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True}

#: The paper of every PDF. The print page leaves the size to the reader's printer.
PAPER_CSS = "@page { size: A4; }"


class PdfError(Exception):
    """A document could not be made into a PDF (a template or asset problem, not content)."""


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make."""

    path: str
    """Where it goes (docs-relative): for messages and the result."""
    html: str
    base_url: str
    """The absolute URL the document stands for; relative asset URLs resolve against it."""


@dataclass
class PdfStats:
    """How many PDFs came from the cache and how many were rendered."""

    hits: int = 0
    misses: int = 0
    rendered: list[str] = field(default_factory=list)


def render_pdf(html: str, base_url: str, assets: Mapping[str, str]) -> bytes:
    """One PDF from ``html``, loading nothing but ``assets`` (``{absolute URL: file}``) and data: URLs.

    Runs in a worker process: everything it needs comes in its arguments.
    """
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=AssetFetcher(assets))
        return document.write_pdf(stylesheets=[weasyprint.CSS(string=PAPER_CSS)], **OPTIONS)
    except FatalURLFetchingError as exc:
        raise PdfError(f"{base_url}: {exc} ({exc.__cause__})") from None


class AssetFetcher(URLFetcher):
    """Serves the given files and data: URLs; refuses everything else, so nothing is fetched."""

    def __init__(self, assets: Mapping[str, str]):
        super().__init__(fail_on_errors=True, allowed_protocols=("data",))
        self.assets = dict(assets)

    def fetch(self, url, headers=None):
        """The asset at ``url``; raises (and so stops the render) for any URL not given."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.assets.get(url)
        if path is None:
            raise PermissionError(f"not a sheet asset, not fetched: {url}")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": kind})


def _valid_pdf(data: bytes | None) -> bool:
    return bool(data) and data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class PdfMaker:
    """Makes PDFs from HTML jobs, from the cache when it can, in parallel when it must."""

    def __init__(self, assets: Mapping[str, Path], cache: Cache | None = None, workers: int | None = None):
        """``assets``: the only files documents may load, by absolute URL."""
        self.assets = {url: str(path) for url, path in sorted(assets.items())}
        self.cache = cache
        self.workers = workers if workers is not None else _cpus()
        self.stats = PdfStats()
        self._inputs = self._fingerprint()

    def _fingerprint(self) -> str:
        """Everything besides the HTML that the bytes depend on."""
        digests = {url: hashlib.sha256(Path(path).read_bytes()).hexdigest() for url, path in self.assets.items()}
        return json.dumps({
            "format": FORMAT,
            "weasyprint": package_version("weasyprint"),
            "pydyf": package_version("pydyf"),
            "options": OPTIONS,
            "paper": PAPER_CSS,
            "assets": digests,
        }, sort_keys=True)

    def key(self, job: PdfJob) -> str:
        """The cache key of a job: a hash of all its inputs."""
        digest = hashlib.sha256()
        for part in (self._inputs, job.base_url, job.html):
            digest.update(part.encode())
            digest.update(b"\0")
        return "pdf-" + digest.hexdigest()

    def make(self, jobs: list[PdfJob]) -> dict[str, bytes]:
        """``{job.path: PDF bytes}`` for every job, in the order given."""
        done: dict[str, bytes] = {}
        misses: list[tuple[PdfJob, str]] = []
        for job in jobs:
            key = self.key(job)
            data = self.cache.get(key) if self.cache else None
            if _valid_pdf(data):
                done[job.path] = data
                self.stats.hits += 1
            else:
                misses.append((job, key))
        for (job, key), data in zip(misses, self._render([job for job, _ in misses])):
            if not _valid_pdf(data):
                raise PdfError(f"{job.path}: WeasyPrint did not return a PDF")
            if self.cache:
                self.cache.put(key, data)
            done[job.path] = data
            self.stats.misses += 1
            self.stats.rendered.append(job.path)
        return {job.path: done[job.path] for job in jobs}

    def _render(self, jobs: list[PdfJob]) -> list[bytes]:
        if len(jobs) > 1 and self.workers > 1:
            try:
                return self._render_in_pool(jobs)
            except (OSError, NotImplementedError, BrokenProcessPool):
                pass  # no pool here (a sandbox, a dead worker): the same work, one by one
        return [render_pdf(job.html, job.base_url, self.assets) for job in jobs]

    def _render_in_pool(self, jobs: list[PdfJob]) -> list[bytes]:
        # On Linux, fork: workers start at once with WeasyPrint loaded, and do not re-run the
        # main script (the build is single-threaded here). Elsewhere fork is unsafe or absent.
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)), mp_context=context) as pool:
            futures = [pool.submit(render_pdf, job.html, job.base_url, self.assets) for job in jobs]
            return [future.result() for future in futures]


def page_count(data: bytes) -> int:
    """How many pages a PDF has."""
    return len(PdfReader(io.BytesIO(data)).pages)


def join_pdfs(parts: list[bytes], title: str, author: str, language: str, made: str) -> bytes:
    """One PDF of ``parts``, page after page: a pack made of a cover and the sheets already rendered.

    Each sheet is laid out once, for its own PDF, and its pages are reused
    here. The joined file keeps the text, fonts and page labels of its parts,
    not their structure tags: the sheets' own PDFs are the tagged, accessible
    ones. ``made`` is the PDF date (``D:YYYYMMDD``) of the build's "now".
    """
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "accompany",
                         "/CreationDate": made, "/ModDate": made})
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    # The file identifier is a hash of the parts: same parts, same bytes.
    digest = hashlib.md5(b"".join(hashlib.sha256(p).digest() for p in parts) + title.encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

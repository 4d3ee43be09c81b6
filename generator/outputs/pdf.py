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
* **Parallel, in the background.** Cache misses are rendered in a process
  pool while the build goes on (:meth:`PdfMaker.submit`); when no pool can be
  started, they are rendered one after the other, with the same result. Each
  worker parses the sheet stylesheet and loads its fonts once.
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
from urllib.parse import urljoin
from typing import Any, Callable, Mapping

import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, BooleanObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject
from weasyprint.text.fonts import FontConfiguration
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
    """One PDF from ``html``, loading nothing but ``assets`` (``{absolute URL: file}``) and data: URLs."""
    return render_counted(html, base_url, assets)[0]


def render_counted(html: str, base_url: str, assets: Mapping[str, str]) -> tuple[bytes, int]:
    """:func:`render_pdf` and the number of pages, which packs need for their index.

    Runs in a worker process: everything it needs comes in its arguments.
    """
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=AssetFetcher(assets))
        parsed = _parsed_styles(document, base_url, assets)
        font_config = None
        if parsed is not None:
            # The same stylesheets, parsed once per process, with their fonts loaded once: the
            # document's links to them are served empty. The bytes are the same (tests check it).
            font_config, styles = parsed
            document.url_fetcher = AssetFetcher(assets, served_empty={s.base_url for s in styles})
        else:
            styles = []
        # What HTML.write_pdf() does, keeping the document to count its pages.
        options = {**weasyprint.DEFAULT_OPTIONS, **OPTIONS,
                   "stylesheets": styles + [weasyprint.CSS(string=PAPER_CSS)]}
        rendered = document.render(font_config=font_config, **options)
        return rendered.write_pdf(**options), len(rendered.pages)
    except FatalURLFetchingError as exc:
        raise PdfError(f"{base_url}: {exc} ({exc.__cause__})") from None


#: In each process, the asset stylesheets parsed once: ``{asset files and dates: (font config, stylesheets)}``.
_PARSED: dict[tuple, tuple[FontConfiguration, dict[str, weasyprint.CSS]]] = {}


def _parsed_styles(document: weasyprint.HTML, base_url: str, assets: Mapping[str, str]):
    """``(font config, [stylesheet])`` for a document styled only by links to asset stylesheets, else None.

    A document with styles of its own (a ``style`` element or attribute) is
    left to WeasyPrint as it is: moving its linked sheets out of the document
    could change which rule wins.
    """
    linked = []
    for element in document.etree_element.iter():
        if element.tag == "style" or "style" in element.attrib:
            return None
        if element.tag == "link" and "stylesheet" in element.get("rel", "").split():
            linked.append(urljoin(base_url, element.get("href", "")))
    if not linked or any(url not in assets or not url.endswith(".css") for url in linked):
        return None
    key = tuple((url, path, *_stamp(path)) for url, path in sorted(assets.items()))
    if key not in _PARSED:
        _PARSED.clear()
        font_config, fetcher = FontConfiguration(), AssetFetcher(assets)
        _PARSED[key] = (font_config, {url: weasyprint.CSS(url=url, url_fetcher=fetcher, font_config=font_config)
                                      for url in assets if url.endswith(".css")})
    font_config, parsed = _PARSED[key]
    return font_config, [parsed[url] for url in linked]


def _stamp(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


class AssetFetcher(URLFetcher):
    """Serves the given files and data: URLs; refuses everything else, so nothing is fetched."""

    def __init__(self, assets: Mapping[str, str], served_empty: set[str] = frozenset()):
        """``served_empty``: asset stylesheets the document gets already parsed."""
        super().__init__(fail_on_errors=True, allowed_protocols=("data",))
        self.assets = dict(assets)
        self.served_empty = served_empty

    def fetch(self, url, headers=None):
        """The asset at ``url``; raises (and so stops the render) for any URL not given."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.assets.get(url)
        if path is None:
            raise PermissionError(f"not a sheet asset, not fetched: {url}")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        data = b"" if url in self.served_empty else Path(path).read_bytes()
        return URLFetcherResponse(url, data, {"Content-Type": kind})


def _valid_pdf(data: bytes | None) -> bool:
    return bool(data) and data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Later:
    """``function(*args)``: from a worker's future, or computed here when asked for.

    With no pool, or when the pool broke (a worker killed, no semaphores), the
    same work is done in this process, with the same result.
    """

    def __init__(self, function: Callable, args: tuple, future=None):
        self.function, self.args, self.future = function, args, future

    def result(self) -> Any:
        if self.future is not None:
            try:
                return self.future.result()
            except BrokenProcessPool:
                pass
        return self.function(*self.args)


class PdfMaker:
    """Makes PDFs from HTML jobs, from the cache when it can, in a process pool when it must.

    :meth:`submit` starts the work and returns at once, so that the caller can
    do other things meanwhile; :meth:`make` waits. Use it as a context manager
    (or call :meth:`close`) to stop the pool.
    """

    def __init__(self, assets: Mapping[str, Path], cache: Cache | None = None, workers: int | None = None):
        """``assets``: the only files documents may load, by absolute URL."""
        self.assets = {url: str(path) for url, path in sorted(assets.items())}
        self.cache = cache
        self.workers = workers if workers is not None else _cpus()
        self.stats = PdfStats()
        self._inputs = self._fingerprint()
        self._pages: dict[str, int] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._no_pool = self.workers <= 1

    def __enter__(self) -> "PdfMaker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes; work not yet started is dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

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

    def submit(self, jobs: list[PdfJob]) -> "PdfBatch":
        """Start making ``jobs``: cache hits are taken now, misses go to the workers. See :meth:`PdfBatch.result`."""
        done: dict[str, bytes] = {}
        misses = []
        for job in jobs:
            key = self.key(job)
            data = self.cache.get(key) if self.cache else None
            pages = self.cache.get(_pages_key(key)) if self.cache and _valid_pdf(data) else None
            if pages and pages.isdigit():
                done[job.path] = data
                self._pages[job.path] = int(pages)
                self.stats.hits += 1
            else:
                misses.append((job, key, self.later(render_counted, job.html, job.base_url, self.assets)))
        return PdfBatch(self, jobs, done, misses)

    def make(self, jobs: list[PdfJob]) -> dict[str, bytes]:
        """``{job.path: PDF bytes}`` for every job, in the order given."""
        return self.submit(jobs).result()

    def pages(self, path: str) -> int:
        """How many pages the PDF made for ``path`` has."""
        return self._pages[path]

    def later(self, function: Callable, *args: Any):
        """``function(*args)`` in a worker process (or, with no pool, when its result is asked for)."""
        if not self._no_pool and self._pool is None:
            try:
                # On Linux, fork: workers start at once with WeasyPrint loaded, and do not re-run the
                # main script (the build is single-threaded here). Elsewhere fork is unsafe or absent.
                context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            except (OSError, NotImplementedError):
                self._no_pool = True  # no pool here (a sandbox): the same work, one by one
        future = None
        if self._pool is not None:
            try:
                future = self._pool.submit(function, *args)
            except (OSError, BrokenProcessPool):
                self.close()
                self._no_pool = True
        return _Later(function, args, future)

    def _finish(self, job: PdfJob, key: str, made) -> bytes:
        data, pages = made.result()
        if not _valid_pdf(data):
            raise PdfError(f"{job.path}: WeasyPrint did not return a PDF")
        if self.cache:
            self.cache.put(key, data)
            self.cache.put(_pages_key(key), str(pages).encode())
        self._pages[job.path] = pages
        self.stats.misses += 1
        self.stats.rendered.append(job.path)
        return data


class PdfBatch:
    """PDFs being made by a :class:`PdfMaker`."""

    def __init__(self, maker: PdfMaker, jobs: list[PdfJob], done: dict[str, bytes], misses: list):
        self.maker, self.jobs, self.done, self.misses = maker, jobs, done, misses

    def result(self) -> dict[str, bytes]:
        """Wait for the batch: ``{job.path: PDF bytes}`` in the order of the jobs."""
        for job, key, made in self.misses:
            self.done[job.path] = self.maker._finish(job, key, made)
        self.misses = []
        return {job.path: self.done[job.path] for job in self.jobs}


def _pages_key(key: str) -> str:
    return "pages-" + key.removeprefix("pdf-")


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

"""The preview's web server: the preview's site folder, on 127.0.0.1 only, as a host would serve it.

It serves the folder under the path of the site's URL (``/`` or ``/org/``),
``index.html`` for a folder, the site's ``404.html`` (status 404) for what is
not there, and nothing outside the folder: no listing of folders, no path out
of it. What it adds is the preview's alone, added as each page is served and
never written into the site:

- every HTML page loads ``__accompany__/reload.js`` (from the same origin: the
  pages' Content-Security-Policy allows scripts from 'self' only), which asks
  ``__accompany__/version`` when the preview changes and then reloads the page;
- while the files have problems, every HTML page shows them above it, in the
  banner theme/ styles (``.ac-preview-problems``), escaped; its sentences in the
  site's language (accompany's catalog), the problems as the terminal has them.
"""

from __future__ import annotations

import html
import mimetypes
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .catalogs import SOURCE, formatter
from .outputs.l10n import Formatter

#: The folder of the preview's own files, under the site's path (no site has one: accompany writes no such folder).
OWN = "__accompany__/"
#: How long a page's question "has the preview changed?" waits for an answer, in seconds.
POLL = 25.0
#: How many problems the browser shows (all of them are in the terminal).
SHOWN = 30

_RELOAD_JS = b"""\
/* accompany serve only: reload the page when the preview changes. */
(function () {
  "use strict";
  var script = document.currentScript, seen = script.getAttribute("data-version");
  var url = script.src.replace(/reload\\.js$/, "version");
  (function poll() {
    var request = new XMLHttpRequest();
    request.onloadend = function () {
      var now = this.status === 200 ? this.responseText.trim() : "";
      if (now && now !== seen) { location.reload(); }
      else { setTimeout(poll, this.status === 200 ? 0 : 1000); }
    };
    request.open("GET", url + "?seen=" + encodeURIComponent(seen));
    request.send();
  })();
})();
"""


class Shown:
    """What the preview shows, shared by the builds and the server: its version, the problems, the site's path.

    Each change is a new version: the pages open in a browser reload (those waiting for one are woken)."""

    def __init__(self, prefix: str = "/"):
        self._changed = threading.Condition()
        self.version = 0
        self.problems: tuple[str, ...] = ()
        self.prefix = prefix
        self.fmt: Formatter = formatter(SOURCE)
        """The language of the site last built, which the banner speaks."""

    def update(self, problems: tuple[str, ...] = (), prefix: str | None = None, language: str | None = None) -> None:
        """A new version: the site folder as just built (no problems), or the last good one with ``problems``."""
        fmt = formatter(language) if language is not None else None
        with self._changed:
            self.problems = tuple(problems)
            if prefix is not None:
                self.prefix = prefix
            if fmt is not None:
                self.fmt = fmt
            self.version += 1
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float) -> int:
        """The version, once it is not ``seen`` (or after ``timeout`` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: str(self.version) != seen, timeout)
            return self.version


def banner(problems: tuple[str, ...], fmt: Formatter) -> str:
    """The problems as every page shows them, inside Material's banner (the theme's ``announce`` block): the
    first :data:`SHOWN` of them, and what ``fmt``'s language says around them."""
    count = len(problems)
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems[:SHOWN])
    if count > SHOWN:
        # Translators: the last line of the preview's list of problems, when it shows only the first ones.
        more = fmt.ngettext("and %(num)s more: see the terminal", "and %(num)s more: see the terminal", count - SHOWN)
        items += f"<li>{html.escape(more)}</li>"
    # Translators: in the preview (accompany serve), above every page, while the files have problems.
    found = fmt.ngettext("Not updated: accompany found %(num)s problem.", "Not updated: accompany found %(num)s problems.",
                         count)
    # Translators: in the preview, after "Not updated: accompany found 2 problems."
    advice = fmt.gettext("This preview shows the last version that worked. Fix the files and save: it updates by itself.")
    return (f'<div class="ac-preview-problems" role="alert"><p><strong>{html.escape(found)}</strong> '
            f"{html.escape(advice)}</p><ul>{items}</ul></div>")


#: Where a page made by the engine has its banner (Material's, shown when the theme's announce block is not
#: empty), and where it would have one.
_BANNER = '<div class="md-banner__inner md-grid md-typeset">'
_ANNOUNCE = '<div data-md-component="announce">'


def inject(page: bytes, script: str, version: int, problems: tuple[str, ...], fmt: Formatter) -> bytes:
    """The HTML ``page`` with the reload ``script`` (a URL; the page is of ``version``) and the ``problems``
    banner, if any, in ``fmt``'s language."""
    text = page.decode("utf-8", "replace")
    tag = f'<script src="{html.escape(script)}" data-version="{version}" defer></script>'
    head = text.find("</head>")
    text = text[:head] + tag + text[head:] if head >= 0 else tag + text
    if problems:
        shown = banner(problems, fmt)
        announce = text.find(_ANNOUNCE)
        inner = text.find(_BANNER, announce) if announce >= 0 else -1
        if inner >= 0 and text[announce + len(_ANNOUNCE):inner].split() != ['<aside', 'class="md-banner">']:
            inner = -1  # not the banner of the announce block
        if inner >= 0:  # the theme's banner, empty: the problems in it
            at = inner + len(_BANNER)
        elif announce >= 0:  # no banner: Material's, with the problems
            at = announce + len(_ANNOUNCE)
            shown = f'<aside class="md-banner">{_BANNER}{shown}</div></aside>'
        else:  # a page not made by the engine (a print sheet): first in its body
            body = text.find("<body")
            at = text.find(">", body) + 1 if body >= 0 else 0
        text = text[:at] + shown + text[at:]
    return text.encode()


class Server(ThreadingHTTPServer):
    """The preview folder ``site`` served on ``127.0.0.1:port`` (0: any free port), as ``shown`` says."""

    daemon_threads = True

    def __init__(self, site: Path, port: int, shown: Shown):
        self.site, self.shown = site, shown
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request, client_address) -> None:
        """A browser that left before its answer was sent is no error; anything else is reported as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="preview-server", daemon=True)
        thread.start()
        return thread

    def find(self, rel: str) -> Path | None:
        """The file of the site folder at the site path ``rel`` (a folder: its index.html); None if there is
        none, or if ``rel`` leads out of the folder."""
        parts = rel.split("/")
        if any(p in (".", "..") or "\0" in p or "\\" in p for p in parts):
            return None
        root = self.site.resolve()
        path = (root / rel).resolve()
        if path != root and not path.is_relative_to(root):
            return None
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() and path.is_relative_to(root) else None


class _Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format, *args) -> None:  # the terminal shows the preview's own messages only
        pass

    def _answer(self, body: bool) -> None:
        shown = self.server.shown
        url = urlsplit(self.path)
        path, prefix = unquote(url.path), shown.prefix
        if path == "/" and prefix != "/":
            return self._redirect(prefix)
        if not path.startswith(prefix):
            if path + "/" == prefix:
                return self._redirect(prefix)
            return self._missing(body)
        rel = path[len(prefix):]
        if rel == OWN + "reload.js":
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", _RELOAD_JS, body)
        if rel == OWN + "version":
            seen = parse_qs(url.query).get("seen", [""])[0]
            version = shown.wait(seen, POLL) if body else shown.version
            return self._send(HTTPStatus.OK, "text/plain; charset=utf-8", f"{version}\n".encode(), body)
        found = self.server.find(rel)
        if found is None:
            return self._missing(body)
        if found.name == "index.html" and rel and not rel.endswith(("/", ".html")):
            return self._redirect(path + "/")  # a folder's address ends with /, so that its relative links work
        self._file(found, HTTPStatus.OK, body)

    def _missing(self, body: bool) -> None:
        page = self.server.find("404.html")
        if page is None:
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", body)
        self._file(page, HTTPStatus.NOT_FOUND, body)

    def _file(self, path: Path, status: HTTPStatus, body: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:  # gone while a build replaced the site
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", body)
        kind, encoding = mimetypes.guess_type(path.name)
        if kind is None or encoding is not None:  # sitemap.xml.gz is served as the file it is
            kind = "application/gzip" if encoding == "gzip" else "application/octet-stream"
        if kind == "text/html":
            shown = self.server.shown
            version, problems, fmt = shown.version, shown.problems, shown.fmt
            data = inject(data, shown.prefix + OWN + "reload.js", version, problems, fmt)
        if kind.startswith("text/") or kind in ("application/json", "application/xml", "text/javascript"):
            kind += "; charset=utf-8"
        self._send(status, kind, data, body)

    def _redirect(self, where: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload shows the preview as it is now
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

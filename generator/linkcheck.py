"""Every link between our pages leads somewhere: checked on the staged tree, before anything is swapped in.

The templates and the Markdown renderer make every internal link from the
site graph, so each should lead to a page or file the build makes. This
check makes sure, the way the leak scan makes sure of names: it reads every
relative ``href``, ``src``, ``srcset`` and ``poster`` in the staged pages
(Markdown whose bodies are HTML), the HTML files (print sheets) and the
stylesheets' ``url()``, and the feeds and calendars a page announces in its
head, and resolves each against what the site will hold: the staged pages,
the other files (the build's, and the theme's static files), and the few
files the engine makes itself. A link that leads nowhere is a problem named at the
content file, line and key that made it, where that can be known (a campaign's
``countries[0]``), else at the template that printed it, so the build stops
and the previous site stays.

A pure function over ``{page URL: bytes}`` and ``{site path: bytes}``: no files are read here.

A partial build checks the links of what it made; what it kept of the last
build (the same bytes, whose links the last build checked) can only lead
nowhere now where it led to something gone: :class:`Gone` says which kept
page or file may, so that only those are read again.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from .core.problems import Problem, format_key
from .core.source import Source

_ATTRIBUTE = re.compile(rb"""\s(href|src|srcset|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS_URL = re.compile(rb"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)""")
_ALTERNATE = re.compile(rb'\{"href": "([^"]*)", "type"')
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Origin:
    """Where a staged page came from: the content file it shows, and the template that printed it."""

    source: Source | None = None
    template: str | None = None


@dataclass(frozen=True)
class _Link:
    page: str
    """Site path of the page or file that holds the link: ``campaigns/x/`` or ``actions/x/print/index.html``."""
    target: str
    """As written."""
    resolved: str
    """Site path it points at."""


def _attributes(data: bytes) -> Iterable[bytes]:
    for match in _ATTRIBUTE.finditer(data):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if match.group(1).lower() == b"srcset":
            yield from (part.split()[0] for part in value.split(b",") if part.strip())
        else:
            yield value


def _css_urls(data: bytes) -> Iterable[bytes]:
    for match in _CSS_URL.finditer(data):
        yield next(g for g in match.groups() if g is not None)


#: The files whose links are read (besides the pages): HTML, and stylesheets.
_HTML, _CSS = (".html", ".htm"), (".css",)


def holds_links(path: str) -> bool:
    """Whether the check reads the links of the file at ``path`` (every page's are read)."""
    return path.endswith(_HTML + _CSS)


def find_links(pages: Mapping[str, bytes], files: Mapping[str, bytes]) -> Iterable[_Link]:
    """Every relative link in the pages, HTML files and stylesheets, resolved to a site path."""
    for page in sorted(pages):
        data = pages[page]
        if b"\nalternates: " in data[: data.find(b"\n---", 3)]:
            for href in _ALTERNATE.findall(data):  # printed by main.html as site_url + href
                target = html.unescape(href.decode("utf-8", "replace"))
                yield _Link(page, target, posixpath.normpath(target.split("#")[0]))
        yield from _resolved(page, page, _attributes(data))
    for path in sorted(files):
        if path.endswith(_HTML):
            yield from _resolved(path, posixpath.dirname(path) + "/", _attributes(files[path]))
        elif path.endswith(_CSS):
            yield from _resolved(path, posixpath.dirname(path) + "/", _css_urls(files[path]))


def _resolved(page: str, base: str, targets: Iterable[bytes]) -> Iterable[_Link]:
    for raw in targets:
        target = html.unescape(raw.decode("utf-8", "replace")).strip()
        if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
            continue
        path_part = target.split("#", 1)[0].split("?", 1)[0]
        joined = posixpath.join(base, path_part) if not path_part.startswith("/") else path_part.lstrip("/")
        resolved = posixpath.normpath(joined) if joined else ""
        if path_part.endswith("/") and resolved not in ("", "."):
            resolved += "/"
        yield _Link(page, target, "" if resolved == "." else resolved)


def _exists(resolved: str, pages: set[str], files: set[str]) -> bool:
    if resolved.startswith("../") or resolved == "..":
        return False
    if resolved in files:
        return True
    page = resolved if resolved.endswith("/") or not resolved else resolved + "/"
    return page in pages or (page + "index.html") in files


#: A character reference as html.unescape reads one (the link's target is unescaped before it is resolved).
_REFERENCE = rb"&(?!%s)(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)"
#: The references every page is full of (Jinja escapes ' as &#39;), passed over where they stand for no character
#: of a gone path.
_COMMON = ("#39;", "#34;", "amp;", "quot;", "lt;", "gt;", "#x27;")


class Gone:
    """What the last build's site held that the new one will not (a page, a file): which of the pages and
    files kept from the last build may link there, and so must have their links checked again.

    A relative link is resolved from its page's folder: the path it leads to is the start of that folder
    (all of it, some, or none) followed by parts the link names. So a link from the folder ``base`` to
    ``t1/.../tk``, which shares ``t1 ... tc`` with ``base``, names each of ``t(c+1) ... tk`` (once
    ``html.unescape`` has read it, as the check does); where ``base`` is inside it (``c = k``), it may
    name none (``../`` from a print page leads to its action). A page or file whose bytes, raw and
    unescaped, lack one of those names for each thing gone has no link to any of them: its links lead
    where they did.
    """

    def __init__(self, paths: Iterable[str]):
        """``paths``: the site paths gone, every language's under its prefix (``actions/x/index.html``,
        ``es/feeds/x.rss.xml``). A folder's ``index.html`` is gone as the folder too (``actions/x/``)."""
        self.targets: list[tuple[tuple[str, ...], tuple[bytes, ...]]] = []
        for path in sorted(set(paths)):
            parts = tuple(part for part in path.split("/") if part)
            if parts and parts[-1] == "index.html":
                parts = parts[:-1]  # linked to as actions/x/ (and actions/x/index.html names x too)
            self.targets.append((parts, tuple(part.encode() for part in parts)))
        self._chars = {char for parts, _ in self.targets for part in parts for char in part}
        common = [ref for ref in _COMMON if self._chars.isdisjoint(html.unescape("&" + ref))]
        self._reference = re.compile(_REFERENCE % b"|".join(re.escape(ref.encode()) for ref in common) if common
                                     else _REFERENCE.replace(b"(?!%s)", b""))
        self._hides: dict[bytes, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.targets)

    def may_link(self, base: str, data: bytes) -> bool:
        """Whether ``data``, a page or file whose links are resolved from the folder ``base`` (a page's URL,
        ``actions/x/``; a file's folder), may link to something gone. When in doubt, it may."""
        folder = tuple(part for part in base.split("/") if part)
        found: dict[bytes, bool] = {}  # each name looked for once, the longest (the most telling) first
        text = None
        for parts, names in self.targets:
            shared = 0
            while shared < min(len(parts), len(folder)) and parts[shared] == folder[shared]:
                shared += 1
            needed = sorted(names[shared:], key=len, reverse=True)  # none where base is inside it: it may
            if all(found[name] if name in found else found.setdefault(name, name in data) for name in needed):
                return True
            if text is None:
                text = self._unescaped(data)
            if text is not data and all(name in text for name in needed):
                return True
        return False

    def _unescaped(self, data: bytes) -> bytes:
        """``data`` unescaped where a character reference in it could stand for a character of a gone
        path (``&#97;``); else ``data`` itself (most pages: ``&#39;`` is no part of a slug)."""
        for match in self._reference.finditer(data):
            reference = match.group()
            hides = self._hides.get(reference)
            if hides is None:
                raw = reference.decode("utf-8", "replace")
                text = html.unescape(raw)
                hides = self._hides[reference] = text != raw and not self._chars.isdisjoint(text)
            if hides:
                return html.unescape(data.decode("utf-8", "replace")).encode()
        return data


def check_links(pages: Mapping[str, bytes], files: Mapping[str, bytes], origin_of: Callable[[str], Origin],
                made: Iterable[str] = (), urls: Iterable[str] | None = None) -> list[Problem]:
    """A problem for every relative link that leads to nothing the site will hold.

    ``pages`` are the staged pages by URL (``actions/x/``, ``""`` for the
    home page); ``files`` every other file by site path (the theme's static
    files included); ``made`` the files the engine makes itself.
    ``origin_of`` names the content file and template of a page, given its site path.
    ``urls``: every page the site will hold, where ``pages`` are only those whose links to check.
    """
    urls, paths = set(pages) | set(urls or ()), set(files) | set(made)
    problems = []
    for link in find_links(pages, files):
        if _exists(link.resolved, urls, paths):
            continue
        origin = origin_of(link.page)
        where = f"the page {link.page or 'index'}" if not link.page or link.page.endswith("/") else link.page
        message = f"{where} links to {link.target!r}, which is not in the site"
        if origin.template:
            message += f" (the link is made by {origin.template})"
        if origin.source is not None:
            loc, line = _key_for(origin.source, link.resolved)
            problems.append(Problem(origin.source.path, line, format_key(loc) if loc else "link", message))
        else:
            problems.append(Problem(origin.template or link.page or "index", 1, "link", message))
    return sorted(problems)


def _key_for(source: Source, resolved: str) -> tuple[tuple, int]:
    """The key of ``source`` whose value names what the link points at (``countries[0]: BR``), and its line.

    The last part of the address is looked for among the file's values, then
    in its body; if neither has it, line 1.
    """
    name = resolved.rstrip("/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if stem:
        for loc, value in _values(source.data, ()):
            text = value.strip().casefold()
            if text in (name.casefold(), stem.casefold()) or text.endswith("/" + name.casefold()):
                return loc, source.line(loc)
        for i, line in enumerate(source.body.split("\n")):
            if stem.casefold() in line.casefold():
                return ("body",), source.body_line + i
    return (), 1


def _values(value: Any, loc: tuple) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "private":
                yield from _values(item, loc + (key,))
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _values(item, loc + (i,))

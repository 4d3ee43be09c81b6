"""Markdown to safe HTML, once per text, for pages, feeds and sheets alike.

Volunteers' Markdown (bodies, letters, steps, updates, outcomes) becomes HTML
through Python-Markdown, then through an allowlist sanitiser (nh3): no script,
no frames, no event handlers, no style, no ``javascript:`` or ``data:`` URLs.

Links between files are written by volunteers as paths on disk
(``../defenders/ana.md``, ``../media/river.jpg``). They come out as
``site:defenders/ana/`` placeholders; :func:`localize` turns those into
relative links for a page and :func:`absolutize` into absolute ones for feeds
and sheets. A link that does not resolve to something public is dropped and
reported.
"""

from __future__ import annotations

import hashlib
import json
import re
import weakref
from typing import Mapping

import markdown
import nh3
from markupsafe import Markup

from ..core import links
from ..core.problems import Problem, format_key
from ..core.site import Site
from ..core.urls import entry_url, relative_url
from ..core.source import MEDIA_DIR, original_path

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "sub", "sup", "small", "mark", "code", "pre", "kbd", "blockquote", "q", "cite", "ul", "ol", "li",
    "dl", "dt", "dd", "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "figure", "figcaption", "abbr", "span", "div",
}
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "abbr": {"title"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "site"}
SITE = "site:"

_EXTENSIONS = ["tables", "fenced_code", "def_list", "abbr", "sane_lists"]


#: What the HTML of a text depends on besides the text: change it and no remembered HTML is used.
_RENDERING = json.dumps([markdown.__version__, nh3.__version__ if hasattr(nh3, "__version__") else "",
                         _EXTENSIONS, sorted(TAGS), {k: sorted(v) for k, v in ATTRIBUTES.items()},
                         sorted(URL_SCHEMES), 1]).encode()


def _weak(method):
    """``method``, called through a weak reference to its object.

    The sanitiser (Rust) holds what it is given where Python's cycle collector cannot see it: given the bound
    method itself, each renderer would hold itself through its sanitiser, and never be freed, with all it
    read (a whole build's site, some 70 MB at 5,000 items), in a process that builds again and again (the preview)."""
    ref = weakref.WeakMethod(method)

    def call(*args):
        return ref()(*args)
    return call


class MarkupRenderer:
    """Renders every Markdown text of the public site once, and remembers the media it uses.

    ``remembered`` is what the last build rendered, keyed by a hash of each
    text and of where its links point: a text whose key is there is not
    rendered again. :attr:`kept` is what this build used, for the next one.
    """

    def __init__(self, site: Site, media: frozenset[str], remembered: Mapping[str, list] | None = None):
        self.site = site
        self.site_media = media
        self.problems: list[Problem] = []
        self.used_media: set[str] = set()
        self.remembered = remembered if remembered is not None else {}
        self.kept: dict[str, list] = {}
        self._media_now: list[str] = []
        self._cache: dict[tuple, str] = {}
        self._urls = {e.path: entry_url(e.kind, e.slug) for e in site.catalogue.entries()}
        # A translation's page is its original's, in another language: a link to either file leads there.
        self._urls.update({original_path(e.source): entry_url(e.kind, e.slug)
                           for e in site.catalogue.entries() if e.source.translation})
        self._effects: dict[tuple, tuple[list[str], tuple[str, ...], str | None]] = {}
        self.recorder = None
        """Set by the build: told what each text shown depends on (trace.py)."""
        self._md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
        self._current: tuple[str, str, int] = ("", "", 1)
        self._cleaner = nh3.Cleaner(
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
            strip_comments=True,
            clean_content_tags={"script", "style"},
            attribute_filter=_weak(self._filter),
        )

    # The sanitiser calls this for every attribute it keeps.
    def _filter(self, tag: str, attr: str, value: str) -> str | None:
        if attr not in ("href", "src"):
            return value
        path, key, line = self._current
        try:
            target = links.resolve(path, value)
        except links.LinkError as exc:
            self.problems.append(Problem(path, line, key, f"link {value!r}: {exc}"))
            return None
        if target.kind in ("external", "anchor"):
            return value
        if target.path in self.site.unlinked:
            return None  # withheld: the policy said so (a warning, or a problem that stops the build)
        if target.path.startswith(MEDIA_DIR + "/"):
            if target.path not in self.site_media:
                self.problems.append(Problem(path, line, key, f"link {value!r}: no such image"))
                return None
            self.used_media.add(target.path)
            self._media_now.append(target.path)
            return SITE + target.path[len("content/"):]
        url = self._urls.get(target.path)
        if url is None:
            self.problems.append(Problem(path, line, key, f"link {value!r}: not a published file"))
            return None
        return SITE + url + (f"#{target.fragment}" if target.fragment else "")

    def html(self, entry, text: str, loc: tuple = ("body",)) -> str:
        """Sanitised HTML of one Markdown text of ``entry``, with ``site:`` links."""
        key = (entry.path, loc)
        cached = self._cache.get(key)
        if cached is not None:
            self._note(key)
            return cached
        stored, targets = self._store_key(entry.path, text)
        hit = self.remembered.get(stored)
        if hit is not None:
            out, media = hit
            self.used_media.update(media)
        else:
            line = entry.source.body_line if loc == ("body",) else entry.source.text_line(loc)
            self._current = (entry.path, format_key(loc), line)
            self._media_now, problems = [], len(self.problems)
            self._md.reset()
            out = _IMAGE_WITHOUT_SOURCE.sub("", self._cleaner.clean(self._md.convert(text))).strip()
            media = sorted(set(self._media_now))
            if len(self.problems) != problems:
                stored = None  # never remember a text with problems: they must be reported again
        if stored is not None:
            self.kept[stored] = [out, media]
            if hit is None:
                self.remembered[stored] = [out, media]  # shared by the site's languages: each text rendered once
        self._cache[key] = out
        self._effects[key] = (targets, tuple(media), stored)
        self._note(key)
        return out

    def _note(self, key: tuple) -> None:
        """Tell the recorder (if any) what the text at ``key`` depends on and uses (trace.py)."""
        recorder = self.recorder
        if recorder is None:
            return
        targets, media, stored = self._effects[key]
        recorder.note_links(targets)
        for path in media:
            recorder.note_media(path)
        if stored is not None:
            recorder.note_text(stored)

    def effects(self, keys) -> dict:
        """What the texts at ``keys`` depend on and use (handed back from a worker with its texts)."""
        return {key: self._effects[key] for key in keys if key in self._effects}

    def reused(self, made) -> None:
        """A file is not made again (memo.py's :class:`~.memo.Made`): its images are used, its texts remembered."""
        self.used_media.update(made.media)
        for stored in made.texts:
            self.keep(stored)
        if self.recorder is not None:
            for path in made.media:
                self.recorder.note_media(path)
            for stored in made.texts:
                self.recorder.note_text(stored)

    def text_key(self, entry, text: str) -> str:
        """A digest of what one text's HTML depends on: the text, and where its links lead now."""
        return self._store_key(entry.path, text)[0]

    def keep(self, stored: str) -> None:
        """A text the last build rendered is shown unchanged (in a file not made again): remember it still."""
        hit = self.remembered.get(stored)
        if hit is not None:
            self.kept[stored] = hit

    def link_state(self, path: str) -> str:
        """What a link to the file ``path`` (under content/) leads to now: a page's URL, an image, or nothing."""
        return self._urls.get(path) or ("media" if path in self.site_media and path not in self.site.unlinked else "none")

    def _store_key(self, path: str, text: str) -> tuple[str, list[str]]:
        """A hash of a text and of what its links resolve to now (a page, an image, or nothing), and
        the files its links point at."""
        digest = hashlib.sha256(_RENDERING)
        digest.update(text.encode())
        targets = []
        if links.may_have_links(text):
            digest.update(b"\0" + path.encode())
            for link in links.find_links(text):
                try:
                    target = links.resolve(path, link.target)
                except links.LinkError:
                    digest.update(b"\0!")
                    continue
                if target.kind == "file":
                    digest.update(f"\0{target.path}={self.link_state(target.path)}".encode())
                    targets.append(target.path)
        return digest.hexdigest(), targets

    def rendered(self) -> dict[tuple, str]:
        """Every text rendered so far (to hand back from a worker process)."""
        return self._cache

    def adopt(self, rendered: dict[tuple, str], kept: dict[str, list], media: set[str], problems: list[Problem],
              effects: dict | None = None) -> None:
        """Take in what a worker process rendered, so that no text is rendered twice."""
        for key, html in rendered.items():
            self._cache.setdefault(key, html)
        self._effects.update(effects or {})
        self.kept.update(kept)
        for stored, made in kept.items():
            self.remembered.setdefault(stored, made)
        self.used_media |= media
        self.problems += [p for p in problems if p not in self.problems]

    def inline(self, entry, text: str, loc: tuple) -> str:
        """Like :meth:`html` for a one-paragraph text, without the ``<p>``."""
        out = self.html(entry, text, loc)
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            return out[3:-4]
        return out


#: An image whose source was left out (withheld, or refused): nothing to show.
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_SITE_LINK = re.compile(r'(href|src)="site:([^"]*)"')


def localize(html: str, page_url: str) -> Markup:
    """``site:`` links as links relative to the page at ``page_url``."""
    return Markup(_SITE_LINK.sub(lambda m: f'{m[1]}="{relative_url(m[2], page_url)}"', html))


def absolutize(html: str, site_url: str) -> str:
    """``site:`` links as absolute URLs under ``site_url``."""
    return _SITE_LINK.sub(lambda m: f'{m[1]}="{site_url}{m[2]}"', html)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, for summaries and calendar descriptions."""
    import html as _html

    text = re.sub(r"<(br|/p|/li|/h\d|/blockquote|/tr)\b[^>]*>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    text = _html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


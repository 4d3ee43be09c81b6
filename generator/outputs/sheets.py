"""Printable action sheets: a print page and a PDF per action, and letter-writing packs.

For every published action:

* ``actions/<slug>/print/index.html``: a standalone page to print: no
  navigation, no script, nothing from another host (the site's
  Content-Security-Policy heads it, as it heads every page); styled for paper
  by the theme's ``assets/stylesheets/sheet.css`` and the fonts beside it;
* ``actions/<slug>/<slug>.pdf``, while the action is open: the same HTML,
  byte for byte, made into a tagged A4 PDF by WeasyPrint (:mod:`.pdf`).
  Closed and resolved actions get no PDF: a printable letter for an action
  that is over invites late letters, which can do harm, and a PDF costs a
  hundred times a page to make (an archive holds thousands of closed actions).

And two kinds of letter-writing pack, each a cover with an index and then one
sheet per open action: ``actions/letter-writing-pack.pdf`` with every open
action, and one per upcoming tour stop that features open actions.

A sheet shows only what the public site shows (it reads :class:`Site` and the
shared Markdown renderer, nothing else) and carries no image but the QR code
of its canonical address: volunteers' Markdown is cleaned once more here, and
any image in it is dropped. Closed and resolved actions keep their print page,
which says so in large type and leaves out the steps, the addresses and the letter.
"""

from __future__ import annotations

import hashlib
import posixpath
from datetime import timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import nh3
import segno
from markupsafe import Markup

from ..core.site import ActionView, StopView
from ..core.stops import slugify
from . import Output
from .headers import CSP
from .markup import ATTRIBUTES, TAGS, absolutize
from .pages import Link
from .pdf import PdfJob, PdfMaker, PdfStats, join_pdfs

#: The pack of every open action.
PACK = "actions/letter-writing-pack.pdf"
#: What sheets load, in the theme folder and at the same path in the site: their stylesheet and its fonts.
STYLESHEET = "assets/stylesheets/sheet.css"
FONTS = "assets/fonts/"

_CLEANER = nh3.Cleaner(
    tags=TAGS - {"img"},
    attributes={tag: attrs for tag, attrs in ATTRIBUTES.items() if tag != "img"},
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


class SheetError(Exception):
    """Sheets cannot be made here (no theme folder, no fonts): nothing is published without them."""


class Sheets(Output):
    """Print pages, PDFs and packs. After :meth:`render`, :attr:`stats` says what came from the cache."""

    name = "sheets"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.stats = PdfStats()
        self._files: dict[str, bytes] | None = None
        self._maker: PdfMaker | None = None
        self._sheets = None

    # ---- addresses

    def print_url(self, action: ActionView) -> str:
        """The print page: ``actions/<slug>/print/``."""
        return action.url + "print/"

    def pdf_url(self, action: ActionView) -> str:
        """The PDF, named after the action so that a download keeps a telling name."""
        return action.url + action.entry.slug + ".pdf"

    @cached_property
    def stop_packs(self) -> dict[str, tuple[str, StopView, list[ActionView]]]:
        """Stop UID to (pack URL, stop, open actions) for each stop still to come that features open actions.

        The actions come soonest deadline first, as in the pack of every open
        action. Cancelled and past stops have no pack: nobody will write letters
        there; nor have stops further ahead than ``settings.pack_days``.
        """
        site = self.ctx.site
        horizon = site.clock.now + timedelta(days=site.config.settings.pack_days)
        out: dict[str, tuple[str, StopView, list[ActionView]]] = {}
        taken: set[str] = set()
        for stop in site.stops:
            featured = {a.meta.id for a in stop.actions}
            actions = [a for a in site.open_actions if a.meta.id in featured]
            if not actions or stop.status == "cancelled" or site.stop_is_past(stop) or stop.starts > horizon:
                continue
            base = site.url(stop.tour) + "letter-writing-pack-" + slugify(stop.uid)
            url, n = base + ".pdf", 1
            while url in taken:  # two UIDs may slugify alike
                n += 1
                url = f"{base}-{n}.pdf"
            taken.add(url)
            out[stop.uid] = (url, stop, actions)
        return out

    # ---- links on pages

    def action_links(self, action: ActionView) -> list[Link]:
        links = [Link(self.print_url(action), "Print this action")]
        if action.status == "open":
            links.append(Link(self.pdf_url(action), "Download the action sheet (PDF)"))
        return links

    def stop_links(self, stop: StopView) -> list[Link]:
        pack = self.stop_packs.get(stop.uid)
        return [Link(pack[0], "Letter-writing pack for this event (PDF)")] if pack else []

    def page_links(self, url: str) -> list[Link]:
        if url == "actions/" and self.ctx.site.open_actions:
            return [Link(PACK, "Letter-writing pack: every open action (PDF)")]
        return []

    # ---- rendering

    def begin(self) -> None:
        """Print pages now; the PDFs of open actions started in worker processes, collected by :meth:`render`."""
        site = self.ctx.site
        files: dict[str, bytes] = {}
        jobs: list[PdfJob] = []
        for action in site.actions_ordered:
            page = self.print_url(action)
            html = self.document("sheet.html", page + "index.html", action=action)
            files[page + "index.html"] = html.encode()
            if action.status == "open":
                jobs.append(PdfJob(self.pdf_url(action), html, site.absolute(page)))
        self._files = files
        if jobs:
            self._maker = PdfMaker(self.assets(), self.ctx.cache)
            self._sheets = self._maker.submit(jobs)

    def close(self) -> None:
        if self._maker is not None:
            self._maker.close()

    def render(self) -> dict[str, bytes]:
        """Print pages and PDFs, ``{docs path: bytes}``; a PDF whose inputs have not changed comes from the cache."""
        if self._files is None:
            self.begin()
        files, maker = dict(self._files), self._maker
        if maker is None:
            return files
        try:
            sheets = self._sheets.result()
            files.update(sheets)
            packs = [(PACK, None, self.ctx.site.open_actions)] + list(self.stop_packs.values())
            covers = self._covers(maker, packs)
            joined = [(url, self._join(maker, covers[url], [sheets[self.pdf_url(a)] for a in actions], stop))
                      for url, stop, actions in packs]
            files.update((url, made.result()) for url, made in joined)
        finally:
            maker.close()
        self.stats = maker.stats
        return files

    def _covers(self, maker: PdfMaker, packs: list) -> dict[str, bytes]:
        """Every pack's cover, made side by side: an index giving the page where each sheet starts.

        The page numbers depend on how long the cover itself is: it is made for
        one page, and made again for the length it came out at if that differs.
        """
        lengths = {url: 1 for url, _, _ in packs}
        covers: dict[str, bytes] = {}
        for attempt in range(3):  # one that has not settled by then keeps its last length (an index one page off)
            jobs = [self._cover_job(url, actions, stop, self._first_pages(maker, actions, lengths[url]))
                    for url, stop, actions in packs if url not in covers]
            for url, cover in maker.make(jobs).items():
                if maker.pages(url) == lengths[url] or attempt == 2:
                    covers[url] = cover
                lengths[url] = maker.pages(url)
        return covers

    def _first_pages(self, maker: PdfMaker, actions: list[ActionView], cover_pages: int) -> dict[str, int]:
        """The page of a pack on which each action's sheet starts, after a cover of ``cover_pages``."""
        first, out = cover_pages + 1, {}
        for action in actions:
            out[action.meta.id] = first
            first += maker.pages(self.pdf_url(action))
        return out

    def _join(self, maker: PdfMaker, cover: bytes, parts: list[bytes], stop: StopView | None):
        """A pack: its cover, then each action's own PDF, joined in a worker (each sheet is laid out once)."""
        site = self.ctx.site
        made = "D:" + site.today.strftime("%Y%m%d")
        args = ([cover] + parts, self._pack_title(stop), site.config.settings.organisation,
                site.config.settings.language, made)
        cache = self.ctx.cache
        if cache is None:
            return maker.later(join_pdfs, *args)
        digest = hashlib.sha256(repr(args[1:]).encode())
        for part in args[0]:
            digest.update(hashlib.sha256(part).digest())
        key = "pack-" + digest.hexdigest()
        joined = cache.get(key)
        if joined:
            return _Ready(joined)
        return _Stored(maker.later(join_pdfs, *args), cache, key)

    def _pack_title(self, stop: StopView | None) -> str:
        fmt = self.ctx.fmt
        if stop is None:
            return f"Letter-writing pack: every open urgent action, {fmt.date(self.ctx.site.today)}"
        return (f"Letter-writing pack: {stop.tour.meta.title}, "
                f"{stop.stop.city or 'online'}, {fmt.date(stop.starts.date())}")

    def _cover_job(self, url: str, actions: list[ActionView], stop: StopView | None,
                   first_pages: dict[str, int]) -> PdfJob:
        org = self.ctx.site.config.settings.organisation
        heading = "Every open urgent action" if stop is None else "Urgent actions featured at this event"
        where = "" if stop is None else self._where(stop)
        description = f"{len(actions)} open urgent action{'s' if len(actions) != 1 else ''} of {org}, to print and send."
        html = self.document("sheet_cover.html", url, actions=actions, stop=stop, heading=heading, where=where,
                             title=self._pack_title(stop), description=description, first_pages=first_pages,
                             index_url=self.ctx.site.absolute("actions/"))
        return PdfJob(url, html, self.ctx.site.absolute(url))

    def _where(self, stop: StopView) -> str:
        parts = [p for p in (stop.stop.venue, stop.stop.city, self.ctx.fmt.country(stop.stop.country)) if p]
        if stop.mode != "in person":
            parts.append("online" if stop.mode == "online" else "in person and online")
        return ", ".join(parts)

    def document(self, template: str, location: str, **context: Any) -> str:
        """The HTML of a sheet or pack published at ``location`` (docs-relative)."""
        site, fmt = self.ctx.site, self.ctx.fmt
        folder = posixpath.dirname(location)
        common = {
            "site": site,
            "settings": site.config.settings,
            "site_lang": site.config.settings.language,
            "fmt": fmt,
            "today": site.today,
            # The day, not the instant: a sheet says the day it was made, and is made again only the next day.
            "made": site.today.isoformat(),
            "md": self._md,
            "md_inline": self._md_inline,
            "qr": _qr_data_uri,
            "canonical": lambda action: site.absolute(action.url),
            "root": "../" * len(folder.split("/")) if folder else "",
            "csp": CSP,
        }
        return self.ctx.env.get_template(template).render({**common, **context})

    def _md(self, entry, text: str | None, *loc: Any) -> Markup:
        if not text:
            return Markup("")
        html = self.ctx.markup.html(entry, text, tuple(loc) or ("body",))
        return Markup(_CLEANER.clean(absolutize(html, self.ctx.site.config.site_url)))

    def _md_inline(self, entry, text: str | None, *loc: Any) -> Markup:
        if not text:
            return Markup("")
        html = self.ctx.markup.inline(entry, text, tuple(loc))
        return Markup(_CLEANER.clean(absolutize(html, self.ctx.site.config.site_url)))

    def assets(self) -> dict[str, Path]:
        """The stylesheet and fonts, by the absolute URL the sheets load them from."""
        theme = theme_folder(self.ctx.env)
        fonts = sorted((theme / FONTS).glob("*.ttf"))
        if not fonts or not (theme / STYLESHEET).is_file():
            raise SheetError(f"sheets need {STYLESHEET} and the fonts in {FONTS} of {theme}")
        files = [theme / STYLESHEET] + fonts
        return {self.ctx.site.absolute(path.relative_to(theme).as_posix()): path for path in files}


def theme_folder(env) -> Path:
    """The theme folder: the parent of the templates' folder (``theme/accompany/``)."""
    paths = getattr(env.loader, "searchpath", None)
    if not paths:
        raise SheetError("sheets need templates loaded from the theme folder (theme/accompany/)")
    return Path(paths[0]).parent


@lru_cache(maxsize=4096)
def _qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data: URI: vector, so it prints sharp at any size."""
    return segno.make(url, error="m").svg_data_uri(scale=1, border=2, omitsize=True)


class _Ready:
    """A joined pack taken from the cache."""

    def __init__(self, data: bytes):
        self.data = data

    def result(self) -> bytes:
        return self.data


class _Stored:
    """A pack being joined in a worker; stored in the cache when it is done."""

    def __init__(self, made, cache, key: str):
        self.made, self.cache, self.key = made, cache, key

    def result(self) -> bytes:
        data = self.made.result()
        self.cache.put(self.key, data)
        return data

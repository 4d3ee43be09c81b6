"""Printable action sheets: a print page and a PDF per action, and letter-writing packs.

For every published action:

* ``actions/<slug>/print/index.html``: a standalone page to print: no
  navigation, no script, nothing from another host (the site's
  Content-Security-Policy heads it, as it heads every page); styled for paper
  by the theme's ``assets/stylesheets/sheet.css`` and the fonts beside it;
* ``actions/<slug>/<slug>.pdf``, while the action is open: the same content
  and layout, set by Typst from ``sheet.typ`` into a tagged A4 PDF
  (:mod:`.pdf`; volunteers' text reaches Typst only as text: :mod:`.typeset`).
  Closed and resolved actions get no PDF: a printable letter for an action
  that is over invites late letters, which can do harm (and an archive holds
  thousands of closed actions).

And two kinds of letter-writing pack, each one document (``sheet_pack.typ``):
a cover with an index, then one sheet per open action, its pages numbered
through, so that the index and each page's footer agree. There is
``actions/letter-writing-pack.pdf`` with every open action, and one per
upcoming tour stop that features open actions.

A sheet shows only what the public site shows (it reads :class:`Site` and the
shared Markdown renderer, nothing else) and carries no image but the QR code
of its canonical address: volunteers' Markdown is cleaned once more here, and
any image in it is dropped. Closed and resolved actions keep their print page,
which says so in large type and leaves out the steps, the addresses and the letter.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
from datetime import timedelta
from functools import cached_property, lru_cache
from importlib.metadata import version as package_version
from typing import Any, Callable

import jinja2
import nh3
from markupsafe import Markup

from ..core.views import ActionView, StopView
from ..core.stops import slugify
from . import Output
from .headers import CSP
from .markup import ATTRIBUTES, TAGS, absolutize
from .pages import Link
from .pdf import Fonts, PdfJob, PdfMaker, PdfStats
from .typeset import Typst, from_html, typst_environment
from .files import Files, file_digest
from .trace import Tape

#: The pack of every open action.
PACK = "actions/letter-writing-pack.pdf"
#: The fonts of the PDFs, in the theme folder (the print pages load them from the same path in the site).
FONTS = "assets/fonts/"
#: Where the memo keeps the record of an action's sheet (its Typst), by action id: no path of the site.
BODY = "#typst/sheet/"

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
        self._files: Files | None = None
        self._bodies: dict[str, tuple] = {}
        self._pdfs: list[tuple] = []
        self._maker: PdfMaker | None = None

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
        _ = self.ctx.fmt.gettext
        links = [Link(self.print_url(action), _("Print this action"), "text/html")]
        if action.shows_letter:  # a PDF only while open: a printable letter for an action that is over invites harm
            links.append(Link(self.pdf_url(action), _("Download the action sheet (PDF)"), "application/pdf"))
        return links

    def stop_links(self, stop: StopView) -> list[Link]:
        pack = self.stop_packs.get(stop.uid)
        return [Link(pack[0], self.ctx.fmt.gettext("Letter-writing pack for this event (PDF)"))] if pack else []

    def page_links(self, url: str) -> list[Link]:
        if url == "actions/" and self.ctx.site.open_actions:
            return [Link(PACK, self.ctx.fmt.gettext("Letter-writing pack: every open action (PDF)"))]
        return []

    # ---- rendering

    def begin(self) -> None:
        """Print pages now, and the PDFs' Typst sources; Typst sets the PDFs in a thread of its own (it leaves
        the interpreter to the build meanwhile), collected by :meth:`render`."""
        site = self.ctx.site
        files = Files()
        for action in site.actions_ordered:
            path = self.print_url(action) + "index.html"
            # A print page is made from its action, the day (it says when it was made) and what it reads.
            self.ctx.make(files, path, ("sheet.html", path, action, site.today),
                          lambda path=path, action=action: self.document("sheet.html", path, action=action).encode())
        self._files = files
        self._pdfs = []
        if not site.open_actions:
            return
        self._maker = maker = PdfMaker(self.fonts(), self.ctx.cache)
        self.stats = maker.stats
        # A PDF is made from its actions (with what their sheets read), the day and the fonts (the global key):
        # one whose key and reads are the last build's is not set again, nor its Typst source made.
        for action in site.open_actions:
            path = self.pdf_url(action)
            self._start_pdf(path, ("sheet.typ", path, action, site.today),
                            lambda action=action: self.typst_document("sheet.typ", action=action))
        packs = [(PACK, None, site.open_actions)] + list(self.stop_packs.values())
        index_url = site.absolute("actions/")
        for path, stop, actions in packs:
            self._start_pdf(path, ("sheet_pack.typ", path, stop, tuple(actions), index_url, site.today),
                            lambda stop=stop, actions=actions: self.typst_document(
                                "sheet_pack.typ", actions=actions, stop=stop, index_url=index_url))

    def _start_pdf(self, path: str, parts: tuple, source: Callable[[], str]) -> None:
        """One PDF: kept (the memo's), or its source made here and handed to Typst's thread."""
        ctx, today = self.ctx, self.ctx.site.today
        key = made = tape = None
        if ctx.memo is not None and ctx.recorder is not None:
            key = ctx.memo.key(*parts)
            made = ctx.memo.reuse(path, key)
            if made is not None:
                ctx.markup.reused(made)
                self._pdfs.append((path, key, made, source, None, None))
                return
            with ctx.recorder.tape() as tape:
                text = source()
        else:
            text = source()
        submit = ctx.submit or _now
        self._pdfs.append((path, key, None, source, submit(self._set, PdfJob(path, text, today)), tape))

    def _set(self, job: PdfJob) -> tuple[bytes, list[str]]:
        """In Typst's thread: the PDF, and what making it said (from the cache, or set now)."""
        before = len(self._maker.stats.warnings)
        data = self._maker.make_one(job)
        return data, self._maker.stats.warnings[before:]

    def render(self) -> Files:
        """Print pages, PDFs and packs, ``{docs path: bytes}``; a PDF whose inputs have not changed comes from the cache."""
        if self._files is None:
            self.begin()
        files = self._files
        try:
            for path, key, made, source, future, tape in self._pdfs:
                if made is not None:
                    self.stats.warnings.extend(made.notes)
                    files.keep(path, made.digest, lambda path=path, key=key, source=source: self._again(path, key, source))
                    continue
                data, notes = future.result()
                if tape is not None:
                    tape.notes += [note for note in notes if note not in tape.notes]
                    self.ctx.memo.record(path, key, data, tape)
                files[path] = data
            self._keep_bodies()
        finally:
            self.close()
        return files

    def _keep_bodies(self) -> None:
        """The sheets of open actions this build did not need (their PDFs and packs kept): their records and
        Typst kept for the next build, where they are still what this build would make."""
        ctx = self.ctx
        if ctx.memo is None or ctx.recorder is None or ctx.cache is None:
            return
        for action in self.ctx.site.open_actions:
            if action.meta.id not in self._bodies:
                made = ctx.memo.reuse(BODY + action.meta.id, self._body_key(action))
                if made is not None:
                    ctx.cache.keep("typst-" + made.digest)

    def _again(self, path: str, key: str, source: Callable[[], str]) -> bytes:
        """A kept PDF, made after all (a full build): here, as the memo records it."""
        with self.ctx.recorder.tape() as tape:
            data, notes = self._set(PdfJob(path, source(), self.ctx.site.today))
        tape.notes += notes
        self.ctx.memo.record(path, key, data, tape)
        return data

    def close(self) -> None:
        """Drop the PDFs Typst has not begun (another output failed, or this one)."""
        for *_, future, _ in self._pdfs:
            if future is not None:
                future.cancel()

    def warnings(self) -> list[str]:
        """PDFs that could not be PDF/UA-1 (a character none of the fonts has), and why."""
        return list(self.stats.warnings)

    def _common(self) -> dict[str, Any]:
        site = self.ctx.site
        return {
            "site": self.ctx.site_for_templates,
            "settings": site.config.settings,
            "site_lang": site.config.settings.language,
            "fmt": self.ctx.fmt,
            "words": self.ctx.words,
            # The day, not the instant: a sheet says the day it was made, and is made again only the next day.
            "today": site.today,
            "canonical": lambda action: site.absolute(action.url),
        }

    def document(self, template: str, location: str, **context: Any) -> str:
        """The HTML of a print page published at ``location`` (docs-relative)."""
        folder = posixpath.dirname(location)
        common = {
            **self._common(),
            "made": self.ctx.site.today.isoformat(),
            "md": self._md,
            "md_inline": self._md_inline,
            "qr": self._qr_data_uri,
            "root": "../" * len(folder.split("/")) if folder else "",
            "csp": CSP,
        }
        return self.ctx.env.get_template(template).render({**common, **context})

    def typst_document(self, template: str, **context: Any) -> str:
        """The Typst source of a PDF (``sheet.typ``: one open action; ``sheet_pack.typ``: a pack)."""
        actions = [context["action"]] if "action" in context else context.get("actions", [])
        if any(a.status != "open" for a in actions):
            raise ValueError("a PDF is made only while an action is open: a letter for one that is over can do harm")
        common = {**self._typst_common, "sheet_body": self._sheet_body}
        return self._typst_env.get_template(template).render({**common, **context})

    @cached_property
    def _typst_env(self):
        env = typst_environment(self.ctx.env.loader, self.ctx.fmt.translations)
        if self.ctx.env.bytecode_cache is not None:  # compiled once, kept as the page templates are
            env.bytecode_cache = _Apart(self.ctx.env.bytecode_cache, "typst-")
        return env

    @cached_property
    def _typst_common(self) -> dict[str, Any]:
        return {**self._common(), "md": self._md_typst, "md_inline": self._md_inline_typst, "qr_svg": self._qr_svg}

    def _sheet_body(self, action: ActionView) -> Typst:
        """The Typst of one open action's sheet: made once, for its own PDF and for every pack (each of
        which reads what making it read: outputs/trace.py), and kept for the next build where what it
        read is the same (a pack holds every open action: one new action makes only its own sheet)."""
        found = self._bodies.get(action.meta.id)
        recorder = self.ctx.recorder
        if found is None:
            if recorder is None:
                found = (Typst(self._typst_parts.sheet_body(action)), None)
            else:
                found = self._kept_body(action) or self._made_body(action)
            self._bodies[action.meta.id] = found
        elif found[1] is not None:
            recorder.replay(found[1])
        return found[0]

    def _body_key(self, action: ActionView) -> str | None:
        """The base key of an action's sheet (memo.py): the action and the day, as its PDF's."""
        return self.ctx.memo.key("sheet_parts.typ", action, self.ctx.site.today)

    def _kept_body(self, action: ActionView) -> tuple[Typst, Tape] | None:
        """The sheet the last build made, if this build would make the same and the cache has it."""
        ctx = self.ctx
        if ctx.memo is None or ctx.cache is None:
            return None
        path = BODY + action.meta.id
        made = ctx.memo.reuse(path, self._body_key(action))
        data = ctx.cache.get("typst-" + made.digest) if made is not None else None
        if data is None:
            return None  # made again, and recorded anew
        ctx.markup.reused(made)
        tape = Tape(set(ctx.memo.records[path][2]), set(made.media), set(made.texts), list(made.notes))
        ctx.recorder.replay(tape)  # what the pack reads, as if it had made the sheet
        return Typst(data.decode()), tape

    def _made_body(self, action: ActionView) -> tuple[Typst, Tape]:
        ctx = self.ctx
        with ctx.recorder.tape() as tape:
            body = Typst(self._typst_parts.sheet_body(action))
        if ctx.memo is not None and ctx.cache is not None:
            data = body.encode()
            ctx.memo.record(BODY + action.meta.id, self._body_key(action), data, tape)
            ctx.cache.put("typst-" + file_digest(data), data)
        return body, tape

    def _qr_svg(self, url: str) -> str:
        """The QR code of ``url`` as SVG, for Typst: vector, so it prints sharp at any size."""
        return self._qr_text("svg", url, _qr_svg)

    def _qr_data_uri(self, url: str) -> str:
        """The same QR code as an SVG data: URI, for the print page."""
        return self._qr_text("uri", url, _qr_data_uri)

    def _qr_text(self, form: str, url: str, make) -> str:
        """A QR code, from the build cache when an earlier build made it (its masks take a while)."""
        cache = self.ctx.cache
        if cache is None:
            return make(url)
        key = "qr-" + hashlib.sha256(f"{QR_FORMAT}\0{form}\0{url}".encode()).hexdigest()
        found = cache.get(key)
        if found is None:
            found = make(url).encode()
            cache.put(key, found)
        return found.decode()

    @cached_property
    def _typst_parts(self):
        return self._typst_env.get_template("sheet_parts.typ").make_module(self._typst_common)

    def _html(self, entry, text: str | None, loc: tuple, inline: bool = False) -> str:
        if not text:
            return ""
        render = self.ctx.markup.inline if inline else self.ctx.markup.html
        return _CLEANER.clean(absolutize(render(entry, text, loc), self.ctx.site.config.site_url))

    def _md(self, entry, text: str | None, *loc: Any) -> Markup:
        return Markup(self._html(entry, text, tuple(loc) or ("body",)))

    def _md_inline(self, entry, text: str | None, *loc: Any) -> Markup:
        return Markup(self._html(entry, text, tuple(loc), inline=True))

    def _md_typst(self, entry, text: str | None, *loc: Any, urls: bool = True) -> Typst:
        """Typst of a Markdown text; ``urls``: web links followed by their address, as the print page does."""
        return from_html(self._html(entry, text, tuple(loc) or ("body",)), show_urls=urls)

    def _md_inline_typst(self, entry, text: str | None, *loc: Any) -> Typst:
        return from_html(self._html(entry, text, tuple(loc), inline=True), show_urls=True)

    def fonts(self) -> Fonts:
        """The fonts the PDFs are set in (and the print pages load): theme/assets/fonts/, as the build read them."""
        fonts = self.ctx.fonts
        if fonts is None or not any(name.endswith(".ttf") for name in fonts.digests):
            raise SheetError(f"sheets need the fonts in {fonts.folder if fonts else 'theme/' + FONTS}")
        return fonts


class _Apart(jinja2.BytecodeCache):
    """Templates compiled by another environment (other options compile to other code), kept in the same
    store under keys of their own."""

    def __init__(self, store: jinja2.BytecodeCache, tag: str):
        self.store, self.tag = store, tag

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return self.tag + self.store.get_cache_key(name, filename)

    def load_bytecode(self, bucket) -> None:
        self.store.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.store.dump_bytecode(bucket)


class _now:
    """Work done at once, as a future's result (where nothing runs beside the build)."""

    def __init__(self, fn: Callable, *args):
        self._result = fn(*args)

    def result(self):
        return self._result

    def cancel(self) -> bool:
        return False


#: What the QR codes depend on besides their address: the cache keeps them by both.
QR_FORMAT = f"segno {package_version('segno')}; error m; scale 1; border 2"


@lru_cache(maxsize=4096)
def _qr(url: str):
    """The QR code of ``url``, computed once for the print page and the PDFs."""
    import segno  # here: most builds take their QR codes from the cache

    return segno.make(url, error="m")


@lru_cache(maxsize=4096)
def _qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG, for Typst: vector, so it prints sharp at any size."""
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=1, border=2, omitsize=True, xmldecl=False, nl=False)
    return out.getvalue().decode()


@lru_cache(maxsize=4096)
def _qr_data_uri(url: str) -> str:
    """The same QR code as an SVG data: URI, for the print page."""
    return _qr(url).svg_data_uri(scale=1, border=2, omitsize=True)

"""Staged pages: one Markdown file per public page, for the site engine to wrap.

Each page's body is HTML rendered by the generator from a template in
``theme/accompany/`` (so the domain does not depend on engine plugins); its
front matter carries only a title and a description, both escaped because the
engine's templates print them as they are.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Sequence

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup

from ..core.kinds import KINDS
from ..core.messages import N_
from ..core.model import Entry
from ..core.site import Site
from ..core.urls import relative_url
from ..core.views import ActionView
from . import Extras, Link
from .l10n import Formatter
from .markup import MarkupRenderer, localize
from .wording import Wording
from .memo import Memo, TemplateReads
from .mobilise import Mobilise
from .trace import Recorder
from .files import Files, front_matter_of

if TYPE_CHECKING:
    from .languages import LanguageLinks


@dataclass(frozen=True)
class StagedPage:
    """A page to stage: its URL, title, description, template and context."""

    url: str
    title: str
    template: str
    description: str = ""
    context: dict | None = None

    @property
    def path(self) -> str:
        """Where the page's Markdown goes in the staged docs: ``actions/x/index.md``."""
        return self.url + "index.md"


def template_environment(loader: jinja2.BaseLoader, translations: NullTranslations,
                         bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The Jinja2 environment for page, sheet and feed templates in one language: autoescaped, strict.

    ``translations`` are its words (``_()``, ``ngettext()``, ``{% trans %}``, newstyle: ``%(name)s``
    fields, filled in and escaped by Jinja): One
    environment per language: a site in two languages renders its templates with two.
    """
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=bytecode,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],  # {% do %}: no throwaway `set _ =`, as _ is gettext
    )
    messages = translations
    env.newstyle_gettext = True  # {% trans %} calls gettext(msgid, **fields)
    gettext, ngettext = _gettext(messages.gettext), _ngettext(messages.ngettext)
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)
    return env


# Jinja's newstyle gettext, called straight (not through the `_` alias and Context.call: pages make
# tens of thousands of calls): the translation is trusted markup, its fields are escaped.
def _gettext(gettext):
    @jinja2.pass_eval_context
    def translate(eval_ctx, message: str, **fields: Any) -> str:
        text = gettext(message)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % fields if fields or "%" in text else text
    return translate


def _ngettext(ngettext):
    @jinja2.pass_eval_context
    def translate(eval_ctx, singular: str, plural: str, n: int, **fields: Any) -> str:
        text = ngettext(singular, plural, n)
        return (Markup(text) if eval_ctx.autoescape else text) % {"num": n, **fields}
    return translate


def front_matter(title: str | None, description: str, alternates: list[Link] = (), extra: dict[str, Any] = {}) -> str:
    """The staged page's front matter. Values are HTML-escaped: the engine prints them raw.

    Without a title, Material titles the home page with the site's name alone.
    """
    meta: dict[str, Any] = {"title": html.escape(title, quote=False)} if title else {}
    if description:
        meta["description"] = html.escape(" ".join(description.split()), quote=True)
    feeds = [link for link in alternates if link.type]
    if feeds:
        meta["alternates"] = [
            {"href": link.url, "type": link.type, "title": html.escape(link.label, quote=True)} for link in feeds
        ]
    meta.update({key: _escaped(value) for key, value in extra.items()})
    lines = [f"{key}: {_yaml_value(value)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _escaped(value: Any) -> Any:
    """Every string in ``value`` (a string, or lists and dicts of them) HTML-escaped."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return {k: _escaped(v) for k, v in value.items()}


#: What YAML does not allow raw, or reads as a line break (NEL, U+2028, U+2029).
_NOT_YAML_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _yaml_value(value: Any) -> str:
    """A value as YAML, written as JSON (which is YAML) for speed: a page has a few short values.

    JSON leaves some characters raw that YAML refuses or reads as line breaks: escape them too.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400

MapChunks = Callable[[Callable[[list], Any], Sequence], list]
"""``map_chunks(fn, items)``: ``fn`` on chunks of ``items``, perhaps in other processes; a result per chunk."""


class RenderedPages(Files):
    """Every staged page by docs path: bytes rendered in this build, or, where the memo said the page comes
    out as the last build made it, its digest (its bytes are rendered only if asked for: a full build)."""

    def __init__(self, front: Callable[[str], str] | None = None):
        super().__init__()
        self._front = front

    def front_matter(self, path: str) -> bytes:
        """The page's front matter alone (a stub for the engine), without rendering its body."""
        if path in self.made or self._front is None or path not in self.kept:
            return front_matter_of(self[path])
        return self._front(path).encode()


def written_in(entry: Any, loc: tuple) -> str | None:
    """The language a text of ``entry`` is shown in: its original's where it is not translated
    (core/languages.py marks what is not), else the entry's own (``lang``, or the site's: None)."""
    if not isinstance(entry, Entry):
        return None
    untranslated = entry.untranslated
    if untranslated and entry.original_lang and (("*",) in untranslated or any(
            loc[:n] in untranslated for n in range(1, len(loc) + 1))):
        return entry.original_lang
    return entry.meta.lang


def marked_lang(item: Any, loc: tuple, page_lang: str) -> str:
    """The language to mark one text of ``item`` (an entry or a view of one) with on a page in ``page_lang``:
    the language it is shown in (:func:`written_in`) where that is not the page's, else ""."""
    lang = written_in(getattr(item, "entry", item), loc)
    return lang if lang and lang != page_lang else ""


#: The note above a page shown (in part) in its original's words: a language it is not translated into.
TRANSLATION_NOTE = "translation_note.html"

#: The page of every past action of a country or a theme (Site.past_page_of).
LISTING_PAST = "listing_past.html"


class PageRenderer:
    """Renders every page of the public site to staged Markdown."""

    def __init__(self, site: Site, markup: MarkupRenderer, env: jinja2.Environment, extras: list[Extras],
                 fmt: Formatter, languages: "LanguageLinks | None" = None, recorder: "Recorder | None" = None,
                 memo: "Memo | None" = None):
        """``fmt``: the language of the pages, as ``env`` speaks it. With a ``recorder``, templates read
        the site through traced stand-ins (trace.py), and a page the ``memo`` says is unchanged is not rendered."""
        self.site = site
        self.markup = markup
        self.env = env
        self.fmt = fmt
        self.words = Wording(self.fmt)
        self.extras = list(extras)
        self.act = Mobilise(site, markup, self.fmt)
        self.languages = languages
        """The same pages in the site's other languages; None on a site with one language."""
        self.recorder = recorder
        self.memo = memo
        self._reads = TemplateReads(env, memo.templates if memo is not None else None)
        if recorder is not None:
            # What templates read, and what the next build asks again (Queries.targets).
            recorder.queries.targets.update({"site": site, "act": self.act, "languages": languages,
                                             "sheets": self._sheets, "stop_links": self._stop_links})
            self._site = recorder.traced("site", site)
            self._act = recorder.traced("act", self.act)
            self._languages = recorder.traced("languages", languages) if languages is not None else None
            self._sheets_traced = recorder.traced_function("sheets", self._sheets)
            self._stop_links_traced = recorder.traced_function("stop_links", self._stop_links)
        else:
            self._site, self._act, self._languages = site, self.act, languages
            self._sheets_traced, self._stop_links_traced = self._sheets, self._stop_links

    # ---- which pages exist

    def pages(self) -> list[StagedPage]:
        site, fmt = self.site, self.fmt
        _ = fmt.gettext
        out: list[StagedPage] = []
        home = site.home()
        out.append(StagedPage("", home.meta.title if home else site.config.site_name, "home.html",
                              (home.meta.summary or "") if home else "", {"page": home}))
        for kind in KINDS.values():
            if kind.section and kind.index_template:
                out.append(StagedPage(kind.section + "/", fmt.translate(kind.title), kind.index_template,
                                      fmt.translate(kind.description), {"kind": kind}))
            # A theme copied before actions_past.html existed lists every past action on the index, as it did;
            # one copied before actions_past_year.html, every past action on actions_past.html.
            if kind.name == "action" and site.past_page and self._has("actions_past.html"):
                by_year = self._has("actions_past_year.html")
                out.append(StagedPage(site.past_page, _("Resolved and closed actions"), "actions_past.html",
                                      fmt.translate(kind.description), {"kind": kind, "by_year": by_year}))
                for year in site.past_years if by_year else ():
                    out.append(StagedPage(site.past_year_page(year),
                                          _("Resolved and closed actions in %(year)s", year=str(year)),
                                          "actions_past_year.html", fmt.translate(kind.description),
                                          {"kind": kind, "year": year}))
            for item in site.listed(kind.name):
                if kind.name == "page" and item.slug == "index":
                    continue  # the home page, above
                meta = item.meta
                out.append(StagedPage(site.url(item), kind.heading(meta),
                                      kind.item_template, meta.summary or "", {kind.name: item, "item": item, "kind": kind}))
        out.append(StagedPage("countries/", _("Countries"), "countries.html",
                              _("Actions, defenders and events by country.")))
        # A theme copied before listing_past.html existed lists every past action on the country's or theme's page.
        listing_past = self._has(LISTING_PAST)
        for code, items in site.countries.items():
            url, name = site.country_url(code), fmt.country(code)
            past = site.past_page_of(url, items) if listing_past else None
            out.append(StagedPage(url, name, "country.html",
                                  _("Urgent actions, defenders and events: %(country)s.", country=name),
                                  {"code": code, "items": items, "open": site.open_among(items),
                                   "past": site.past_among(items), "past_page": past}))
            if past:
                out.append(self._listing_past(past, url, _("Country"), name, items))
        if site.themes:
            out.append(StagedPage("themes/", _("Themes"), "themes.html", _("Actions, tours and defenders by theme.")))
        for slug, items in site.themes.items():
            url, label = site.theme_url(slug), site.config.settings.themes[slug]
            past = site.past_page_of(url, items) if listing_past else None
            out.append(StagedPage(url, label, "theme.html",
                                  _("%(theme)s: actions, tours and defenders.", theme=label),
                                  {"theme": slug, "label": label, "items": items, "open": site.open_among(items),
                                   "past": site.past_among(items), "past_page": past}))
            if past:
                out.append(self._listing_past(past, url, _("Theme"), label, items))
        return out

    def _listing_past(self, url: str, back: str, kicker: str, name: str, items: dict) -> StagedPage:
        """The page of every past action of a country's or theme's page (``back``), see Site.past_page_of."""
        _ = self.fmt.gettext
        return StagedPage(url, _("Resolved and closed actions: %(name)s", name=name), LISTING_PAST,
                          self.fmt.translate(KINDS["action"].description),
                          {"kicker": kicker, "name": name, "back": back, "actions": self.site.past_among(items)})

    def _has(self, template: str) -> bool:
        try:
            self.env.get_template(template)
        except jinja2.TemplateNotFound:
            return False
        return True

    # ---- rendering

    def key(self, page: StagedPage) -> str | None:
        """What the page is given besides what its template reads of the site (see memo.py); None: no key."""
        if self.memo is None:
            return None
        # What the page's front matter is made of (title, description, links, the outputs' keys), not the text.
        extra = {key: value for output in self.extras for key, value in output.page_meta(page.url).items()}
        return self.memo.key(page.template, page.url, page.title, page.description, page.context,
                             self._links(page.url), extra,
                             self.site.today if self._reads.reads(page.template, "today") else None)

    def _links(self, url: str) -> list[Link]:
        return [link for extra in self.extras for link in extra.page_links(url)]

    def _front_matter(self, page: StagedPage) -> str:
        # Material prints "page title - site name": a home page titled with the site's name would say it twice.
        title = None if page.url == "" and page.title.strip() == self.site.config.site_name else page.title
        extra = {key: value for output in self.extras for key, value in output.page_meta(page.url).items()}
        lang = self._title_lang(page)
        if title and lang:
            extra["title_lang"] = lang  # the engine's navigation and header mark it (theme/partials)
        return front_matter(title, page.description, self._links(page.url), extra)

    def _title_lang(self, page: StagedPage) -> str | None:
        """The language the page's title is shown in, where it is not the page's: its original's, when
        the title is not translated into the site's language."""
        context = page.context or {}
        item, kind = context.get("item") or context.get("page"), context.get("kind")
        loc = (kind.heading_key if item and kind else "title",)
        return marked_lang(item, loc, self.site.config.settings.language) or None

    def render(self, page: StagedPage) -> str:
        template = self.env.get_template(page.template)
        context = self._context(page)
        body = template.render(context)
        item = (page.context or {}).get("item") or (page.context or {}).get("page")  # an item, or the home page
        entry = getattr(item, "entry", item)
        if isinstance(entry, Entry) and entry.untranslated and entry.original_lang:
            body = self.env.get_template(TRANSLATION_NOTE).render({**context, "entry": entry}) + body
        return self._front_matter(page) + body.strip() + "\n"

    def _traced_render(self, page: StagedPage, key: str | None) -> bytes:
        """The page's bytes; with a memo, recorded with what it read."""
        if self.recorder is None:
            return self.render(page).encode()
        with self.recorder.tape() as tape:
            data = self.render(page).encode()
        self.memo.record(page.path, key, data, tape)
        return data

    def render_all(self, map_chunks: MapChunks | None = None) -> "RenderedPages":
        """Every page, ``{docs path: bytes}``: those the memo says are unchanged are rendered only if asked for.

        ``map_chunks`` (the build's :meth:`Executor.map_chunks <generator.executor.Executor.map_chunks>`)
        may spread the pages over worker processes; each hands back its pages and what its Markdown
        renderer learnt, so that feeds and sheets render no text again.
        """
        pages = self.pages()
        keys = {page.path: self.key(page) for page in pages}
        kept: dict[str, str] = {}
        todo = []
        for page in pages:
            made = self.memo.reuse(page.path, keys[page.path]) if self.memo is not None else None
            if made is None:
                todo.append(page)
            else:
                kept[page.path] = made.digest
                self.markup.reused(made)
        by_path = {page.path: page for page in pages}
        out = RenderedPages(lambda path: self._front_matter(by_path[path]))
        for path, digest in kept.items():
            out.keep(path, digest, partial(self._traced_render, by_path[path], keys[path]))
        if map_chunks is None or len(todo) < PARALLEL_FROM:
            for page in todo:
                out.made[page.path] = self._traced_render(page, keys[page.path])
            return out
        for extra in self.extras:  # work every page's links need, done once before the workers start
            extra.page_links("")
        for files, texts, kept_texts, media, problems, records, answers, effects in map_chunks(
                lambda chunk: self._render_chunk(todo, keys, chunk), range(len(todo))):
            out.made.update(files)
            self.markup.adopt(texts, kept_texts, media, problems, effects)
            if self.memo is not None:
                self.memo.records.update(records)
                for query, answer in answers.items():
                    self.memo.queries.answers.setdefault(query, answer)
        return out

    def render_kept(self, out: "RenderedPages", map_chunks: MapChunks | None = None) -> None:
        """Render the pages the memo kept, too (the engine renders every page: a full build)."""
        missing = [path for path in out.kept if path not in out.made]
        if not missing:
            return
        pages = {page.path: page for page in self.pages()}
        todo = [pages[path] for path in missing]
        keys = {page.path: self.key(page) for page in todo}
        if map_chunks is None or len(todo) < PARALLEL_FROM:
            for page in todo:
                out.made[page.path] = self._traced_render(page, keys[page.path])
            return
        for files, texts, kept_texts, media, problems, records, answers, effects in map_chunks(
                lambda chunk: self._render_chunk(todo, keys, chunk), range(len(todo))):
            out.made.update(files)
            self.markup.adopt(texts, kept_texts, media, problems, effects)
            self.memo.records.update(records)
            for query, answer in answers.items():
                self.memo.queries.answers.setdefault(query, answer)

    def _render_chunk(self, pages: list[StagedPage], keys: dict, indexes: list[int]) -> tuple:
        markup = self.markup
        texts, kept = len(markup.rendered()), len(markup.kept)
        answers = len(self.memo.queries.answers) if self.memo is not None else 0
        files = {pages[i].path: self._traced_render(pages[i], keys[pages[i].path]) for i in indexes}
        records = {path: self.memo.records[path] for path in files} if self.memo is not None else {}
        new_answers = dict(islice(self.memo.queries.answers.items(), answers, None)) if self.memo is not None else {}
        # Only what this chunk added (both only grow): a worker's texts would otherwise travel back with every chunk.
        new_texts = dict(islice(markup.rendered().items(), texts, None))
        return (files, new_texts, dict(islice(markup.kept.items(), kept, None)),
                markup.used_media, markup.problems, records, new_answers, markup.effects(new_texts))

    def _sheets(self, action: Any) -> list[Link]:
        return [link for extra in self.extras for link in extra.action_links(action)]

    def _stop_links(self, stop: Any, here: str) -> list[Link]:
        """A stop's links (its calendar, its pack), and its pack in the language of its city where that
        is another of the site's languages (outputs/languages.py)."""
        links = [link for extra in self.extras for link in extra.stop_links(stop)]
        if self.languages is None:
            return links
        label = self.fmt.translate(N_("Letter-writing pack for this event, in %(language)s (PDF)"))
        return links + [other for link in links if link.url.endswith(".pdf")
                        for other in [self.languages.stop_pack(stop, link.url, here, label)] if other]

    def _context(self, page: StagedPage) -> dict[str, Any]:
        site, fmt, here = self.site, self.fmt, page.url

        page_lang = site.config.settings.language

        def url(target: Any) -> str:
            """A relative link from this page to an entry, an action view, a stop or a URL."""
            if isinstance(target, ActionView):
                target = target.url
            elif isinstance(target, Entry):
                target = site.url(target)
            elif hasattr(target, "url") and hasattr(target, "uid"):
                target = target.url
            return relative_url(target, here)

        def md(entry: Entry, text: str | None, *loc: Any) -> Markup:
            if not text:
                return Markup("")
            out = localize(self.markup.html(entry, text, tuple(loc) or ("body",)), here)
            lang = text_lang(entry, *(tuple(loc) or ("body",)))
            return Markup(f'<div lang="{lang}">\n{out}\n</div>') if lang else out

        def md_inline(entry: Entry, text: str | None, *loc: Any) -> Markup:
            if not text:
                return Markup("")
            out = localize(self.markup.inline(entry, text, tuple(loc)), here)
            lang = text_lang(entry, *loc)
            return Markup(f'<span lang="{lang}">{out}</span>') if lang else out

        def text_lang(item: Any, *loc: Any) -> str:
            """The language of one text of an item (``title``; ``steps, 0``) where it is not the page's, else ""."""
            return marked_lang(item, loc, page_lang)

        def media(path: str) -> str:
            self.markup.used_media.add("content/" + path)
            if self.recorder is not None:
                self.recorder.note_media("content/" + path)
            return relative_url(path, here)

        stop_links = self._stop_links_traced
        return {
            **(page.context or {}),
            "site": self._site,
            "settings": site.config.settings,
            "here": here,
            "site_lang": site.config.settings.language,
            "url": url,
            "md": md,
            "md_inline": md_inline,
            "text_lang": text_lang,
            "media": media,
            "fmt": fmt,
            "words": self.words,
            "today": site.today,
            "feeds": self._links(here),
            "sheets": self._sheets_traced,
            "stop_links": lambda stop: stop_links(stop, here),
            "act": self._act,
            "languages": self._languages,
        }

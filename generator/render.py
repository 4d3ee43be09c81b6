"""Everything that turns the public site into files: the staged site for the engine, and every other file.

:class:`Renderers` holds the renderers of one build, sharing one Markdown
renderer (each text is rendered once, for pages, feeds and sheets):

- :meth:`Renderers.staged`: the pages as staged Markdown, the navigation and
  the theme, for the engine (:class:`~generator.engines.Staged`);
- :meth:`Renderers.files`: feeds, calendars, sheets, images and headers, by
  site path: files the engine never sees;
- :meth:`Renderers.check_links`: every link between them leads somewhere.

The outputs besides pages are listed once, in :func:`outputs`.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import jinja2

from . import linkcheck
from .cms.admin import site_files as admin_site_files
from .core.kinds import sections
from .core.messages import N_
from .core.problems import Problem, ProblemsFound
from .engines import Staged
from .executor import Executor
from .load import Loaded, Timings
from .outputs import Cache, Context, Output
from .outputs.calendars import Calendars
from .outputs.cards import Cards
from .outputs.feeds import Feeds
from .catalogs import formatter
from .outputs.headers import CSP, headers_file
from .outputs.languages import LanguageLinks
from .outputs.markup import MarkupRenderer
from .outputs.media import clean_media
from .outputs.mobilise import theme_extra
from .outputs.pages import PageRenderer, template_environment
from .outputs.pdf import Fonts
from .outputs.sheets import Sheets
from .outputs.memo import Memo
from .outputs.trace import Queries, Recorder, global_key
from .version import code_digest, folder_digest
from .write import Tree, WriteRefused, file_digest, read_tree

#: Folder of the page templates inside theme/; the rest of theme/ goes to the engine.
TEMPLATES = "accompany"
#: Folder of the fonts inside theme/: the PDFs are set in them, and the print pages load them.
FONTS = "assets/fonts"


def outputs(ctx: Context) -> list[Output]:
    """Every output besides pages, in the order they are rendered."""
    return [Feeds(ctx), Calendars(ctx), Sheets(ctx), Cards(ctx)]


def read_fonts(folder: Path) -> Fonts:
    """The font files of ``folder``, each hashed: the only fonts the PDFs may use."""
    files = sorted(p for p in folder.iterdir() if p.suffix in (".ttf", ".otf")) if folder.is_dir() else []
    return Fonts(folder, {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files})


def sections_nav() -> list[tuple[str, str]]:
    """The navigation's sections: home, each type's index (kinds.py), countries; titles in English, marked N_."""
    return ([(N_("Home"), "index.md")] + [(kind.nav, kind.section + "/index.md") for kind in sections() if kind.nav]
            + [(N_("Countries"), "countries/index.md")])


class Renderers:
    """Everything that turns the public site into files, sharing one Markdown renderer.

    ``executor`` (the build's) spreads the pages over its cores; without one they are rendered here.
    """

    def __init__(self, loaded: Loaded, cache: Cache | None = None, timings: Timings | None = None,
                 executor: Executor | None = None, remembered: dict | None = None,
                 languages: LanguageLinks | None = None, records: dict | None = None, trace: bool = False,
                 templates: jinja2.BytecodeCache | None = None):
        """``trace``: record what each page read, and render only the pages that ``records`` (the last
        build's :meth:`records`) say would come out otherwise (outputs/trace.py, outputs/memo.py).
        ``templates``: where compiled templates are kept between runs (cache.BuildCache.templates)."""
        self.loaded = loaded
        self.timings = timings or Timings()
        self.executor = executor
        site = loaded.site
        self.markup = MarkupRenderer(site, loaded.project.media, remembered)
        # The site's language: accompany's words from its catalog (catalogs.py), dates and names from Babel.
        self.fmt = fmt = formatter(site.config.settings.language)
        self.env = template_environment(jinja2.FileSystemLoader(loaded.root / "theme" / TEMPLATES), fmt.translations,
                                        templates)
        fonts = read_fonts(loaded.root / "theme" / FONTS)
        media = lambda path: (loaded.root / "content" / path).read_bytes()  # noqa: E731
        self.recorder: Recorder | None = None
        self.page_memo: Memo | None = None
        self.file_memo: Memo | None = None
        if trace:
            self.recorder = Recorder(Queries(site, {"site": site}, self.markup.link_state))
            self.markup.recorder = self.recorder
            # What every page and file shares: the templates, the fonts, the settings, the language.
            shared = global_key(code_digest(), folder_digest(loaded.root / "theme" / TEMPLATES), fonts.digests,
                                self.recorder.queries.prints.of(site.config), site.config.settings.language,
                                [languages.site_url, languages.languages, languages.here] if languages else None)
            self.page_memo = Memo((records or {}).get("pages"), self.recorder.queries, shared)
            self.file_memo = Memo((records or {}).get("files"), self.recorder.queries, shared)
        self.outputs = outputs(Context(site, self.markup, self.env, fmt, cache, fonts, media, self.recorder,
                                       self.file_memo, executor.background if executor else None))
        self.languages = languages
        """The same pages in the other languages (a site in several); None on a site in one."""
        extras = self.outputs + ([languages] if languages else [])
        self.pages = PageRenderer(site, self.markup, self.env, extras, fmt, languages, self.recorder, self.page_memo)
        self.warnings: list[str] = []
        """After :meth:`files`: what the outputs say the volunteer should know."""

    def records(self) -> dict:
        """What this build made of each file and what it read, for the next build (outputs/memo.py)."""
        if self.page_memo is None:
            return {}
        return {"pages": self.page_memo.export(), "files": self.file_memo.export()}

    def staged(self) -> Staged:
        """What the engine sees: every page as Markdown, the navigation, and the theme."""
        with self.timings.phase("pages"):
            pages = self.pages.render_all(self.executor.map_chunks if self.executor else None)
            Tree().update({path: b"" for path in pages}, "pages")  # every path is safe, and each is made once
        for output in self.outputs:
            with self.timings.phase(output.name):
                more = output.pages()
                taken = [path for path in more if path in pages]
                if taken:
                    raise WriteRefused(f"{taken[0]!r} is written twice: by pages and by {output.name}")
                pages.update(more)
        site = self.loaded.site
        nav = [(self.fmt.translate(title), path) for title, path in sections_nav()]
        nav += [(p.meta.title, site.url(p) + "index.md") for p in site.nav_pages()]
        nav += [item for output in self.outputs for item in output.nav()]
        theme = read_tree(self.loaded.root / "theme", skip=(TEMPLATES + "/",))
        values = {"csp": CSP, **theme_extra(self.loaded.config, self.fmt)}
        if self.languages:  # the language switcher where a page names no alternates (partials/alternate.html)
            values["alternate"] = [{"name": alt["name"], "link": alt["url"], "lang": alt["lang"]}
                                   for alt in self.languages.page_meta("")["languages"]]
        return Staged(self.loaded.config, tuple(nav), pages, theme, values)

    def files(self) -> Tree:
        """Every other file of the site, by site path: feeds, calendars, sheets, images, headers."""
        tree = Tree()
        try:
            for output in self.outputs:  # an output may start slow work here, collected by render()
                with self.timings.phase(output.name):
                    output.begin()
            for output in self.outputs:
                with self.timings.phase(output.name):
                    tree.update(output.render(), output.name)
        finally:
            for output in self.outputs:
                output.close()
        with self.timings.phase("media"):
            root = self.loaded.root
            media, problems = clean_media({p: (root / p).read_bytes() for p in sorted(self.markup.used_media)})
        if self.markup.problems or problems:
            raise ProblemsFound(self.markup.problems + problems)
        tree.update(media, "media")
        if self.languages is None or self.languages.here == self.languages.languages[0]:  # once per site
            tree.update(headers_file(), "headers")
            # The editing page, only where the organisation publishes it (accompany.cms.publish).
            tree.update(admin_site_files(root, self.loaded.config), "cms")
        self.warnings = [w for output in self.outputs for w in output.warnings()]
        return tree

    def check_links(self, staged: Staged, files: Tree) -> None:
        """Every link of the site leads to a page or file it will hold; else every broken one, as problems."""
        check_links([("", self, staged, files)])

    def link_origins(self):
        """For the link check: a page's site path to the content file it shows and the template that made it."""
        site = self.loaded.site
        sources = {site.url(entry): entry.source for entry in site.catalogue.entries()}
        templates = {page.url: f"theme/{TEMPLATES}/{page.template}" for page in self.pages.pages()}

        def origin_of(page: str) -> linkcheck.Origin:
            template = templates.get(page)
            if page in sources or not page:
                return linkcheck.Origin(sources.get(page), template)
            parts = page.split("/")
            for n in range(len(parts) - 1, 0, -1):  # actions/x/print/index.html shows actions/x/
                prefix = "/".join(parts[:n]) + "/"
                if prefix in sources:
                    return linkcheck.Origin(sources[prefix], template)
            return linkcheck.Origin(None, template)

        return origin_of


@dataclass(frozen=True)
class LastSite:
    """The site the last build left, as it recorded it (incremental.State.site): each file's size and mtime."""

    folder: Path
    manifest: Mapping[str, list[int]]

    def read(self, path: str) -> bytes | None:
        """The file at the site path ``path``, if it is still the one the last build left there; else None."""
        try:
            with open(self.folder / path, "rb") as file:
                stat = os.fstat(file.fileno())
                if self.manifest.get(path) != [stat.st_size, stat.st_mtime_ns]:
                    return None
                data = file.read()
        except OSError:
            return None
        return data if len(data) == stat.st_size else None


def check_links(languages: list[tuple[str, "Renderers", Staged, Tree]], everything: bool = True,
                gone: Iterable[str] = (), last: LastSite | None = None) -> None:
    """Every link of a site in one or several languages leads to a page or file it will hold; else every
    broken one, as problems. ``languages``: ``(where its pages are: "" or "es/", renderers, staged, files)``,
    so that a link from one language to another (the switcher, a letter in another language) is checked too.

    ``everything`` False: the links of the pages and files this build rendered are read; of those the memo
    kept (the last build's bytes, whose links the last build checked), only the links of those that may lead
    to something ``gone``: the site paths, every language's, that the last build made and this one does not
    (linkcheck.Gone says which). Which may is read in ``last``, the last build's site: a kept file's own
    bytes there, and a kept page's HTML, which the engine made of the page's staged bytes and which holds
    its links as written (a page that may is made again, and its links read). What ``last`` does not hold
    as the last build left it may.
    """
    with languages[0][1].timings.phase("links"):  # the kept pages made again to be read, too
        broken = _broken_links(languages, everything, linkcheck.Gone(gone), last)
    if broken:
        raise ProblemsFound(broken)


def _broken_links(languages: list[tuple[str, "Renderers", Staged, Tree]], everything: bool, gone: linkcheck.Gone,
                  last: LastSite | None) -> list[Problem]:
    pages: dict[str, bytes] = {}
    urls: set[str] = set()
    files: dict[str, bytes] = {}
    made: set[str] = set()
    origins = []
    for prefix, renderers, staged, tree in languages:
        engine = renderers.loaded.engine
        read = staged.pages.rendered() if not everything and hasattr(staged.pages, "rendered") else set(staged.pages)
        read_files = tree.files.rendered() if not everything and hasattr(tree.files, "rendered") else set(tree.files)
        if gone:  # what the memo kept, where it may lead to something gone
            for doc in sorted(set(staged.pages) - read):
                html = last.read(prefix + engine.site_path(doc)) if last else None
                if html is None or gone.may_link(prefix + engine.page_url(doc), html):
                    read.add(doc)
            for path in sorted(set(tree.files) - read_files):
                if not linkcheck.holds_links(path):
                    continue
                data = last.read(prefix + path) if last else None
                if data is None or file_digest(data) != tree.files.digest(path):
                    read_files.add(path)
                elif gone.may_link(prefix + posixpath.dirname(path) + "/", data):
                    files[prefix + path] = data  # the bytes it would be made with
        pages.update({prefix + engine.page_url(doc): staged.pages[doc] for doc in sorted(read)})
        urls |= {prefix + engine.page_url(doc) for doc in staged.pages}
        files.update({prefix + path: tree.files[path] for path in sorted(read_files)})
        files.update({prefix + path: data for path, data in engine.static_files(staged.theme).items()})
        made |= {prefix + path for path in engine.made_files} | {prefix + path for path in tree.files}
        origins.append((prefix, renderers.link_origins()))

    def origin_of(page: str) -> linkcheck.Origin:
        prefix, origin = next((p, o) for p, o in sorted(origins, key=lambda po: -len(po[0])) if page.startswith(p))
        return origin(page[len(prefix):])

    return linkcheck.check_links(pages, files, origin_of, made, urls)


def render(loaded: Loaded, timings: Timings | None = None, cache: Cache | None = None) -> Tree:
    """The whole project as the engine reads it, the other files in its docs: for the preview and for tools."""
    renderers = Renderers(loaded, cache, timings)
    return loaded.engine.project(renderers.staged(), files=renderers.files().files)

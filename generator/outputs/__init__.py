"""Renderers of the public site. Each takes the public site and returns ``{path: bytes}``.

Paths are relative to the staged docs folder: the engine copies every file
that is not Markdown into the site as it is, and renders the Markdown ones as
pages. No renderer writes to disk; :mod:`generator.write` does.

Pages are rendered by :mod:`.pages`. The other outputs (feeds, calendars,
sheets) are :class:`Output` objects, listed by the build (generator/render.py):
besides their files, they tell the pages which links to show (a feed on an
index, a print sheet on an action), which sections to add to the navigation,
and which pages of their own to stage (:meth:`Output.pages`, before the engines start).
The build calls :meth:`Output.begin` on every output, then :meth:`Output.render`
on each, while the engines run: an output may start slow work early in
:meth:`Output.begin` and collect it in :meth:`Output.render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # for the annotations only: this package stays light to import (recipes, the engine)
    import jinja2

    from ..core.site import Site
    from ..core.views import ActionView
    from .l10n import Formatter
    from .markup import MarkupRenderer
    from .memo import Made, Memo
    from .pdf import Fonts
    from .trace import Recorder
    from .wording import Wording


@dataclass
class Context:
    """What every output renderer may use."""

    site: Site
    markup: MarkupRenderer
    """The shared Markdown renderer: each text is rendered once for all outputs."""
    env: jinja2.Environment
    """Templates from theme/accompany/."""
    fmt: Formatter
    cache: "Cache | None" = None
    """Content-addressed store for expensive results (PDFs), kept between builds."""
    fonts: Fonts | None = None
    """The fonts of the PDFs (theme/assets/fonts/), read by the build: a renderer reads no file."""
    media: "Callable[[str], bytes] | None" = None
    """The bytes of a public media file (``media/x.jpg`` under content/), read by the build: a preview card's photo."""
    recorder: "Recorder | None" = None
    """Records what each file's render reads (trace.py); None: nothing is recorded."""
    memo: "Memo | None" = None
    """The last build's records of these files: a file that would come out the same is not made (memo.py)."""
    submit: "Callable | None" = None
    """``submit(fn, *args)``: a future of ``fn(*args)``, run beside the build (the executor's thread:
    work that leaves the interpreter, Typst); None: run here, at once."""

    @property
    def site_for_templates(self):
        """The site as templates get it: traced when the build records what files read."""
        return self.recorder.traced("site", self.site) if self.recorder is not None else self.site

    def make(self, files, path: str, parts: tuple, make: "Callable[[], bytes]") -> "Made | None":
        """Put the file ``path`` into ``files`` (a :class:`~generator.write.Files`): made by ``make()``, or
        kept as the last build made it where its base key (``parts``) and what it read are the same
        (then its record, whose ``notes`` the caller says again: see :meth:`note`)."""
        memo = self.memo
        if memo is None or self.recorder is None:
            files[path] = make()
            return None
        key = memo.key(*parts)
        made = memo.reuse(path, key)
        if made is None:
            files[path] = self._made(path, key, make)
        else:
            self.markup.reused(made)
            files.keep(path, made.digest, lambda: self._made(path, key, make))
        return made

    def note(self, text: str) -> None:
        """What making the current file says to the volunteer (a warning): kept with it, for every build that keeps it."""
        if self.recorder is not None:
            self.recorder.note_warning(text)

    def _made(self, path: str, key, make) -> bytes:
        with self.recorder.tape() as tape:
            data = make()
        self.memo.record(path, key, data, tape)
        return data

    @cached_property
    def words(self) -> Wording:
        """The shared sentences (status lines, stop titles and places), in the site's language."""
        from .wording import Wording

        return Wording(self.fmt)


class Cache:
    """A content-addressed store: ``get(key)``/``put(key, bytes)`` where key is a hash of the inputs.

    The renderer computes the key from everything its result depends on; the
    store (a folder, given by the build) never decides what is fresh.
    """

    def __init__(self, get: Callable[[str], bytes | None], put: Callable[[str, bytes], None],
                 keep: Callable[[str], None] | None = None):
        self.get = get
        self.put = put
        self.keep = keep or (lambda key: None)
        """``keep(key)``: a result is still in use, though not read (its file was kept: memo.py)."""

    @classmethod
    def memory(cls) -> "Cache":
        store: dict[str, bytes] = {}
        return cls(store.get, store.__setitem__)


@dataclass(frozen=True)
class Link:
    """A link another output adds to pages: a feed, a calendar, a print sheet."""

    url: str
    """Site-relative URL of the target."""
    label: str
    type: str = ""
    """Media type, for feeds and calendars announced in the page head."""
    href: str = ""
    """The link as written from the page, where ``url`` is in another language's site."""
    lang: str = ""
    """The language of what it leads to, where it is not the page's."""


class Extras:
    """What other outputs (feeds, calendars, sheets) add to pages. The default adds nothing."""

    def page_links(self, url: str) -> list[Link]:
        """Feeds and calendars that belong to the page at ``url``."""
        return []

    def action_links(self, action: ActionView) -> list[Link]:
        """Print page and PDF of an action."""
        return []

    def stop_links(self, stop) -> list[Link]:
        """Add-to-calendar and letter-writing pack of a stop."""
        return []

    def page_meta(self, url: str) -> dict[str, str]:
        """Keys for the front matter of the page at ``url``, which the theme reads (a preview card)."""
        return {}


class Output(Extras):
    """An output besides pages. Subclasses implement :meth:`render` and may override the link hooks."""

    name = "output"

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def nav(self) -> list[tuple[str, str]]:
        """Extra navigation sections: ``(title, docs path of a Markdown page)``."""
        return []

    def pages(self) -> dict[str, bytes]:
        """Markdown pages it adds to the site, ``{docs path: bytes}``: made before the engines start.

        The default adds none.
        """
        return {}

    def begin(self) -> None:
        """Start slow work in the background before the other outputs render.

        :meth:`render` collects it. The default starts nothing.
        """

    def render(self) -> dict[str, bytes]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop background work that :meth:`render` will not collect (another output failed)."""

    def warnings(self) -> list[str]:
        """After :meth:`render`: what the volunteer should know about the files made (none by default)."""
        return []

"""The HTML and summaries of feed entries, from the template ``feed_entries.html`` and the shared words.

An entry's body is made only when a feed that keeps it is written. Links are
absolute (a feed entry has no base address); Markdown texts come from the
shared renderer, rendered once for pages, sheets and feeds alike.
"""

from __future__ import annotations

import re
from functools import cached_property

from markupsafe import Markup

from ...core.model import Entry
from ...core.views import ActionView, StopView
from ..markup import absolutize, plain_text
from .model import shorten


class Bodies:
    """Renders entry bodies for one site (``ctx``: the outputs' Context)."""

    def __init__(self, ctx, calendars, calendar_path):
        self.ctx = ctx
        self.site = ctx.site
        self.calendars = calendars
        self.calendar_path = calendar_path
        if ctx.recorder is not None:  # asked again by the next build (outputs/trace.py)
            ctx.recorder.queries.targets["calendar_links"] = calendars.stop_links

    # ---- shared pieces

    def absolute(self, url: str) -> str:
        return self.site.absolute(url)

    def rich(self, entry: Entry, text: str | None, loc: tuple, page: str) -> Markup:
        """A Markdown text of ``entry`` as sanitised HTML with absolute links (``#x`` points into ``page``)."""
        if not text:
            return Markup("")
        return self.absolute_links(self.ctx.markup.html(entry, text, tuple(loc)), page)

    def inline(self, entry: Entry, text: str, loc: tuple, page: str) -> Markup:
        """Like :meth:`rich` for a one-paragraph text, without the ``<p>``."""
        return self.absolute_links(self.ctx.markup.inline(entry, text, tuple(loc)), page)

    def absolute_links(self, html: str, page: str) -> Markup:
        html = absolutize(html, self.site.config.site_url)
        return Markup(re.sub(r'(href|src)="#', lambda m: f'{m[1]}="{page}#', html))

    def image(self, meta) -> Markup:
        """The item's image, as its page shows it (noted as used, so that the site carries it)."""
        if not meta.image:
            return Markup("")
        self.ctx.markup.used_media.add("content/" + meta.image)
        if self.ctx.recorder is not None:
            self.ctx.recorder.note_media("content/" + meta.image)
        return Markup('<p><img src="{}" alt="{}"></p>').format(self.absolute(meta.image), meta.image_alt or "")

    @property
    def _macros(self):
        """The template's macros; what making the module read is read by every body made with them."""
        module, tape = self._module
        if tape is not None:
            self.ctx.recorder.replay(tape)
        return module

    @cached_property
    def _module(self):
        context = {"site": self.ctx.site_for_templates, "fmt": self.ctx.fmt, "words": self.ctx.words, "rich": self.rich,
                   "inline": self.inline, "image": self.image, "abs": self.absolute,
                   "calendar_path": self.calendar_path}
        template = self.ctx.env.get_template("feed_entries.html")
        if self.ctx.recorder is None:
            return template.make_module(context), None
        with self.ctx.recorder.tape() as tape:
            return template.make_module(context), tape

    # ---- actions

    def action(self, action: ActionView, page: str, related) -> Markup:
        """The action as its page shows it today: what to do and the letter only while it is open."""
        return self._macros.action(action, page, related)

    def update_text(self, action: ActionView, i: int, page: str) -> Markup:
        return self.rich(action.entry, action.meta.updates[i].text, ("updates", i, "text"), page)

    def update_summary(self, action: ActionView, i: int, page: str) -> str:
        return shorten(plain_text(str(self.update_text(action, i, page))))

    def update(self, action: ActionView, i: int, page: str) -> Markup:
        return self._macros.update(action, i, page, self.update_text(action, i, page))

    def closed_why(self, action: ActionView) -> str:
        return self.ctx.words.closed_why(action)

    def closed(self, action: ActionView, page: str, why) -> Markup:
        return self._macros.closed(action, page, str(why))

    def outcome(self, action: ActionView, page: str) -> Markup:
        return self.rich(action.entry, action.meta.outcome, ("outcome",), page)

    def resolved_summary(self, action: ActionView, page: str) -> str:
        return shorten(plain_text(str(self.outcome(action, page))))

    def resolved(self, action: ActionView, page: str) -> Markup:
        return self._macros.resolved(action, page, self.outcome(action, page))

    # ---- tours, stops, items

    def tour(self, tour: Entry, stops: list[StopView], page: str, image: Markup) -> Markup:
        return self._macros.tour(tour, stops, page, image)

    def stop_title(self, stop: StopView) -> str:
        """``Cancelled: Voices of the River – Berlin, 10 December 2026``."""
        words, fmt = self.ctx.words, self.ctx.fmt
        return words.titled(stop, fmt.gettext("%(stop)s, %(date)s", stop=words.stop_title(stop),
                                              date=fmt.date(stop.starts.date())))

    def stop_summary(self, stop: StopView) -> str:
        fmt, words = self.ctx.fmt, self.ctx.words
        when_where = fmt.gettext("%(date)s, %(time)s · %(place)s", date=fmt.weekday_date(stop.starts.date()),
                                 time=fmt.time(stop.starts), place=words.stop_where(stop))
        return " ".join(filter(None, [words.stop_note(stop), when_where]))

    def stop(self, stop: StopView, page: str) -> Markup:
        return self._macros.stop(stop, page, self._calendar_links(stop))

    @cached_property
    def _calendar_links(self):
        """A stop's calendar file (its name depends on the other stops'): traced, where the build records."""
        recorder = self.ctx.recorder
        if recorder is None:
            return self.calendars.stop_links
        return recorder.traced_function("calendar_links", self.calendars.stop_links)

    def item(self, entry: Entry, page: str, image: Markup, heading: str) -> Markup:
        return self._macros.item(entry, page, image, heading)

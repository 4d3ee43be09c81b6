"""What a page offers a supporter to do in one tap: e-mail an appeal, tell us they wrote, share.

The page templates ask an instance of :class:`Mobilise` (``act`` in their
context; the partials ``theme/accompany/act.html`` and ``share.html`` render
it). Every decision is taken from the core's view or the public site:

* appeals only while the action shows its letter (:attr:`ActionView.shows_letter`),
  one per target with an e-mail address, the copies' addresses in ``cc``;
* "tell us you wrote" only with ``accompany.contact_email``, on open actions
  and on pages that ask for it (``tell_us: true``);
* sharing on open and resolved actions (a closed one invites late letters),
  tours and campaigns, from the ``share`` key while it applies, else from the
  title, the deadline or dates, and the address, with the campaigns' hashtags.

Everything here comes from the public :class:`~generator.core.site.Site` and
the shared Markdown renderer's sanitised HTML: what the page itself shows.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel.core import get_global
from babel.dates import format_interval

from .plaintext import html_to_text
from ..core.model import Contact, Entry
from ..core.settings import SiteConfig
from ..core.site import Site
from ..core.views import ActionView
from .l10n import Formatter
from .mailto import APPEAL_SUBJECT, MailLink, appeal, tell_us, with_salutation
from .markup import MarkupRenderer, absolutize
from .share import GOOD_NEWS, Share, default_lead, share, share_text

#: Where a page shows its share text to copy: the Mastodon link's target without JavaScript.
SHARE_TEXT_ID = "share-text"
#: The site's own preview card (pages without one of their own), at the site's root.
SITE_CARD = "card.png"


class Appeal:
    """One target's "E-mail this appeal" link."""

    def __init__(self, contact: Contact, link: MailLink):
        self.contact = contact
        self.href = link.href
        self.cut = link.cut


class Mobilise:
    """The one-tap links of the public site's pages."""

    def __init__(self, site: Site, markup: MarkupRenderer, fmt: Formatter):
        self.site = site
        self.markup = markup
        self.fmt = fmt
        self._appeals: dict[str, list[Appeal]] = {}

    @property
    def contact(self) -> str | None:
        return self.site.config.settings.contact_email

    # ---- writing

    def letter_text(self, action: ActionView) -> str:
        """The model letter as plain text, as the page shows it: links written out in full."""
        page = self.site.absolute(action.url)
        html = self.markup.html(action.entry, action.meta.letter, ("letter",))
        html = re.sub(r'(href|src)="#', lambda m: f'{m[1]}="{page}#', absolutize(html, self.site.config.site_url))
        return html_to_text(html)

    def appeals(self, action: ActionView) -> list[Appeal]:
        """An "E-mail this appeal" link per target with an e-mail address; none unless the letter is shown."""
        if not action.shows_letter or not action.meta.letter:
            return []
        key = action.meta.id
        if key not in self._appeals:
            meta = action.meta
            letter = self.letter_text(action)
            cc = tuple(c.email for c in meta.copies if c.email)
            known = tuple(c.salutation for c in meta.targets + meta.copies if c.salutation)
            fmt = self.fmt
            subject = fmt.gettext(APPEAL_SUBJECT, title=meta.title, id=meta.id)
            letter_url = self.site.absolute(action.url) + "#letter"
            self._appeals[key] = [
                Appeal(target, appeal((target.email,), cc, subject,
                                      with_salutation(letter, target.salutation, fmt, known), letter_url, fmt))
                for target in meta.targets if target.email]
        return self._appeals[key]

    def tell_us(self, action: ActionView | None = None) -> str | None:
        """The "tell us you wrote" link: about an open ``action``, or about any (None); None without a contact address."""
        if not self.contact:
            return None
        if action is None:
            return tell_us(self.contact, self.fmt)
        if not action.shows_letter:
            return None
        return tell_us(self.contact, self.fmt, action.meta.id, action.meta.title)

    # ---- sharing

    def share(self, item: ActionView | Entry) -> Share | None:
        """What the page of ``item`` (an action, a tour or a campaign) offers to share; None where it offers nothing."""
        site, fmt = self.site, self.fmt
        if isinstance(item, ActionView):
            if item.status == "closed":
                return None  # sharing a closed action invites late letters, which can do harm
            meta = item.meta
            if item.status == "resolved":
                lead = fmt.gettext(GOOD_NEWS, title=meta.title)
            else:
                lead = meta.share or default_lead(meta.title, fmt, fmt.act_by(meta.deadline))
            tags = [c.meta.hashtag for c in site.campaigns_of(meta.campaigns)]
        elif item.kind == "tour":
            meta = item.meta
            lead = meta.share or default_lead(meta.title, fmt, self._tour_dates(item))
            tags = [c.meta.hashtag for c in site.campaigns_of(meta.campaigns)]
        elif item.kind == "campaign":
            meta = item.meta
            lead = meta.share or default_lead(meta.title, fmt)
            tags = [meta.hashtag]
        else:
            return None
        url = site.absolute(site.url(item))
        return share(meta.title, share_text(lead, url, tags), url, SHARE_TEXT_ID, fmt)

    def _tour_dates(self, tour: Entry) -> str:
        return tour_dates(self.site, tour, self.fmt)


def tour_dates(site: Site, tour: Entry, fmt: Formatter) -> str:
    """The days of a tour's first and last stops, as the reader's language writes a range: "Dec 5 – 14, 2026"."""
    stops = site.tour_stops(tour)
    if not stops:
        return ""
    return date_range(stops[0].starts.date(), stops[-1].starts.date(), fmt)


def date_range(first, last, fmt: Formatter) -> str:
    """One day, or a range of days in the reader's language (Babel's interval formats)."""
    if first == last:
        return fmt.date(first)
    if type(first) is date and type(last) is date:  # not a datetime: two equal ones may be other days
        return _days(first, last, fmt.locale)
    return format_interval(first, last, "yMMMMd", locale=fmt.locale)


@lru_cache(maxsize=4096)
def _days(first: date, last: date, locale) -> str:
    # Babel matches the skeleton anew for every range: slow, and the same ranges are asked again (a tour's
    # share text and its card, in every build of the preview). Two days, and a Locale (equal when its
    # identifier is): the text is a function of them.
    return format_interval(first, last, "yMMMMd", locale=locale)


def theme_extra(config: SiteConfig, fmt: Formatter) -> dict[str, str]:
    """What the theme's partials read from ``config.extra``: the footer's contact address and the words
    before it (in ``fmt``'s language: the engine's templates have no catalog of ours), the Open Graph
    locale (``en_US`` for ``en``) and the site's own preview card."""
    out = {"og_locale": og_locale(config.settings.language), "card": SITE_CARD}
    if config.settings.contact_email:
        out["contact_email"] = config.settings.contact_email
        # Translators: in every page's footer, before the organisation's e-mail address.
        out["contact_label"] = fmt.gettext("Write to us:")
    return out


@lru_cache(maxsize=None)
def og_locale(tag: str) -> str:
    """A BCP 47 tag as Open Graph writes a locale, language_TERRITORY: ``en`` is ``en_US``, ``pt-BR`` is ``pt_BR``."""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    territory = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if territory is None:
        likely = get_global("likely_subtags").get(language, "")
        territory = next((p for p in likely.split("_")[1:] if len(p) == 2 and p.isalpha() and p.isupper()), None)
    return f"{language}_{territory}" if territory else language

"""The content types, once: every list of types in the generator iterates this registry.

Reading (which folders), validation (which model, which addresses are taken),
the site graph (sections, order, country and theme pages), the pages (index
and item templates), the navigation, the feeds (which types have entries, and
their date), the command line (``accompany new``, ``check``'s summary), the
editing page and the documentation tests all ask :data:`KINDS`.

Adding a type is: a model in ``model.py``, a :class:`Kind` here, its two page
templates in ``theme/accompany/`` (or the generic ``item.html`` and
``index.html``), its keys in VOLUNTEERS.md, and, if volunteers start it with
``accompany new``, a template in ``scaffold.py``. See generator/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from .messages import N_
from .model import Action, Campaign, Content, Defender, Page, Tour


Order = Callable[[Iterable, Any], list]
"""``order(views, site)``: items in the order readers expect them."""


def _newest_first(key: Callable[[Any], Any]) -> Order:
    return lambda views, site: sorted(views, key=key, reverse=True)


def _by(key: Callable[[Any], Any]) -> Order:
    return lambda views, site: sorted(views, key=key)


def _tours_in_order(views: Iterable, site) -> list:
    """The tour whose first stop is latest first."""
    return sorted(views, key=lambda t: (site.first_start(t), t.slug), reverse=True)


def _actions_in_order(views: Iterable, site) -> list:
    """Open first, soonest deadline first; then resolved and closed, newest first."""
    views = list(views)
    open_ = sorted((a for a in views if a.status == "open"), key=lambda a: (a.meta.deadline, a.meta.id))
    rest = sorted((a for a in views if a.status != "open"),
                  key=lambda a: (a.updated, a.meta.issued, a.meta.id), reverse=True)
    return open_ + rest


@dataclass(frozen=True)
class Kind:
    """A content type: where its files live, what they hold, and how the site shows them."""

    name: str
    """As volunteers and the command line say it: ``action`` (``accompany new action``)."""
    plural: str
    """``actions``: counts in messages."""
    folder: str
    """Where its files live, from the project's root: ``content/actions``."""
    model: type[Content]
    """The front matter's record (model.py)."""
    section: str | None
    """The first part of its pages' addresses (``actions`` for ``actions/<slug>/``); None: at the root (pages)."""
    title: str = ""
    """The title of its index page. Like ``nav``, ``description`` and ``one``, readers see it: it is
    written in English and marked ``N_`` (messages.py), and the outputs translate it where it is shown."""
    nav: str = ""
    """Its section's title in the navigation ("" for none)."""
    description: str = ""
    """The index page's description (search engines, link previews)."""
    label: str = ""
    """How messages to volunteers call one of them: "left out of this action"."""
    one: str = ""
    """One of them, as a heading says it: "Urgent action" (its pages, feed entries, the editing page)."""
    many: str = ""
    """Several, as a heading says it: "Urgent actions" (the editing page)."""
    item_template: str = "item.html"
    index_template: str = "index.html"
    order: Order = _by(lambda v: (v.meta.title.casefold(), v.slug))
    """Its public items in the order readers expect (on its index, on country and theme pages)."""
    heading_key: str = "title"
    """The front matter key its page is called by: the title, or a profile's name."""
    placed: bool = False
    """Listed on the pages of the countries and themes its items carry."""
    feed_date: Callable[[Content], date] | None = None
    """For a type with feed entries of one per item (new types): the date an item is dated by.
    Actions and tours have entries of their own (updates, closures, stops): outputs/feeds.py."""
    recursive: bool = False
    """Files in sub-folders too (pages)."""

    def heading(self, meta: Content) -> str:
        """What its page is called (``heading_key``)."""
        return getattr(meta, self.heading_key)


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("action", "actions", "content/actions", Action, "actions", title=N_("Urgent actions"),
         nav=N_("Urgent actions"),
         description=N_("Urgent actions: write to the authorities to protect human rights defenders at risk."),
         label="action", one=N_("Urgent action"), many="Urgent actions", item_template="action.html",
         index_template="actions.html", order=_actions_in_order, placed=True),
    Kind("defender", "defenders", "content/defenders", Defender, "defenders", title=N_("Defenders"),
         nav=N_("Defenders"),
         description=N_("The human rights defenders we accompany."), label="profile", one=N_("Defender profile"),
         many="Defender profiles", item_template="defender.html",
         index_template="defenders.html", order=_by(lambda d: (d.meta.name.casefold(), d.slug)),
         heading_key="name", placed=True),
    Kind("tour", "tours", "content/tours", Tour, "tours", title=N_("Speaker tours"), nav=N_("Tours"),
         description=N_("Meet the defenders on tour: upcoming and past events."), label="tour",
         one=N_("Speaker tour"), many="Speaker tours",
         item_template="tour.html", index_template="tours.html", order=_tours_in_order, placed=True),
    Kind("page", "pages", "content/pages", Page, None, label="page", one=N_("Page"), many="Pages",
         item_template="page.html", index_template="", recursive=True),
    Kind("campaign", "campaigns", "campaigns", Campaign, "campaigns", title=N_("Campaigns"), nav=N_("Campaigns"),
         description=N_("Our campaigns."), label="campaign", one=N_("Campaign"), many="Campaigns",
         item_template="campaign.html", index_template="campaigns.html",
         order=_newest_first(lambda c: (c.meta.starts, c.slug))),
)}
"""Every content type, in the order files are read and listed."""

#: The types of the content contract: their country and theme sections are written out in the
#: templates; a type added since is listed there generically (macros.html, more_items).
CONTRACT = frozenset({"action", "defender", "tour", "page", "campaign"})

#: The order of the sections in the navigation (the rest follow in registry order).
NAV_ORDER = ("action", "tour", "defender", "campaign")

#: Addresses accompany makes besides the types' sections: no page may take them.
GENERATED = ("countries", "themes", "media", "subscribe", "feeds", "calendars", "sheets", "assets", "search",
             "404", "admin")


#: Addresses accompany makes inside a type's section (``actions/past/``, the past actions when the index lists
#: only the newest: Site.past_shown): no item of that type may take them.
SECTION_PAGES: dict[str, tuple[str, ...]] = {"action": ("past",)}


def sections() -> list[Kind]:
    """The types with a section of their own (not pages), in the navigation's order."""
    ranked = {name: i for i, name in enumerate(NAV_ORDER)}
    return sorted((k for k in KINDS.values() if k.section), key=lambda k: ranked.get(k.name, len(ranked)))


def reserved() -> frozenset[str]:
    """First parts of addresses that a page under content/pages may not use."""
    return frozenset(k.section for k in KINDS.values() if k.section) | frozenset(GENERATED)


def folders() -> dict[str, str]:
    """Type name to its folder."""
    return {name: kind.folder for name, kind in KINDS.items()}

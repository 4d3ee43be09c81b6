"""Which feeds exist: the catalogue, as data, in the order the Subscribe page lists them.

Files, under ``feeds/`` in the site, each in three formats (``.rss.xml``,
``.atom.xml``, ``.json``): ``all`` (everything), ``actions`` (every urgent
action), ``actions-open`` (open ones only), ``tours`` (speaker tours and each of
their stops), one per type added to the registry that has entries, and one per
campaign, country and theme.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from ...core.kinds import KINDS
from ...core.views import ActionView
from . import model


def catalogue(site, fmt, carried: Callable, ordered: Callable[[], bool] = lambda: False) -> list[model.Feed]:
    """Every feed of the site; ``carried(actions=..., tours=..., ...)`` gives the sources of a feed's entries,
    ``ordered()`` whether they are ranked over the whole site (model.Feed.top)."""
    Feed = partial(model.Feed, ordered=ordered)  # noqa: N806 (the class, told what every feed shares)
    # One pass over the actions, not one per campaign (Site.campaign_actions).
    campaign_actions: dict[str, list[ActionView]] = {}
    for action in site.actions_ordered:
        for slug in dict.fromkeys(action.meta.campaigns):
            campaign_actions.setdefault(slug, []).append(action)
    action_pages = tuple(a.url for a in site.actions_ordered)
    dated = [kind for kind in KINDS.values() if kind.feed_date is not None]
    tour_pages = tuple(site.url(t) for t in site.tours)
    _ = fmt.gettext
    out = [
        Feed("all", _("Everything"), _("Every urgent action with its updates, closure or good news, and every "
             "speaker tour and event."), _("Everything"), ("", "subscribe/"),
             partial(carried, actions=site.actions_ordered, tours=site.tours,
                     items=[e for kind in dated for e in site.listed(kind.name)])),
        Feed("actions", _("Urgent actions"), _("Each new urgent action, each update, and the news when an action "
             "closes or ends well."), _("Urgent actions"), ("actions/", *action_pages),
             partial(carried, actions=site.actions_ordered)),
        Feed("actions-open", _("Open urgent actions"), _("Only the actions you can still act on: each new action "
             "and its updates, while it is open."), _("Urgent actions"), ("actions/", *action_pages),
             partial(carried, actions=site.open_actions)),
        Feed("tours", _("Speaker tours and events"), _("Each new tour and each of its events; cancelled and "
             "postponed events stay, marked."), _("Tours and events"), ("tours/", *tour_pages),
             partial(carried, tours=site.tours)),
    ]
    for kind in dated:
        title = fmt.translate(kind.title)
        out.append(Feed(kind.section, title, _("Each new item: %(kind)s.", kind=title.lower()), title,
                        (kind.section + "/", *(site.url(e) for e in site.listed(kind.name))),
                        partial(carried, items=site.listed(kind.name))))
    for campaign in site.campaigns:
        out.append(Feed(f"campaigns/{campaign.slug}", campaign.meta.title,
                        _("Urgent actions, tours and events of the campaign \u201c%(campaign)s\u201d.",
                          campaign=campaign.meta.title),
                        _("Campaigns"), (site.url(campaign),),
                        partial(carried, actions=campaign_actions.get(campaign.slug, []),
                                tours=site.campaign_tours(campaign),
                                items=[e for k in dated for e in site.listed(k.name)
                                       if campaign.slug in e.meta.campaigns])))
    for code, bucket in site.countries.items():
        name = fmt.country(code)
        # A tour's stops may be elsewhere: the country's own stops instead.
        out.append(Feed(f"countries/{code.lower()}", name,
                        _("Urgent actions, tours and events: %(country)s.", country=name), _("Countries"),
                        (f"countries/{code.lower()}/",),
                        partial(carried, actions=bucket["actions"], tours_alone=bucket["tours"],
                                stops=bucket["stops"], items=[e for k in dated for e in bucket.get(k.plural, ())])))
    for slug, bucket in site.themes.items():
        label = site.config.settings.themes[slug]
        out.append(Feed(f"themes/{slug}", label,
                        _("Urgent actions, tours and events about %(theme)s.", theme=label.lower()), _("Themes"),
                        (f"themes/{slug}/",),
                        partial(carried, actions=bucket["actions"], tours=bucket["tours"],
                                items=[e for k in dated for e in bucket.get(k.plural, ())])))
    return out


def groups(feeds: list[model.Feed]) -> list[tuple[str, list[model.Feed]]]:
    """The feeds by group, in the catalogue's order: the Subscribe page's and the OPML's sections."""
    out: dict[str, list[model.Feed]] = {}
    for feed in feeds:
        out.setdefault(feed.group, []).append(feed)
    return list(out.items())

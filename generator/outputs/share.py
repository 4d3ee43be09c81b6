"""Share links that load nothing until clicked: plain addresses of each network's own share page.

Pure: a text and the page's address in, links out (labelled in the page's
language by its :class:`~.l10n.Formatter`). No button of a network's
own, no script of theirs, no counter, no image from elsewhere: a reader who
never clicks sends nothing to anyone (``tests/browser/test_share.py`` checks
it in Chromium). Where a network has no share address (Signal) or no one
address (Mastodon: every server has its own), the page offers the text to
copy, and ``assets/javascripts/accompany.js`` adds the copy button and asks
for the Mastodon server. The browser's own share sheet (Web Share API) is
added by the same script where it exists.

Each address is the network's own: WhatsApp's click to chat ``wa.me/?text=``
(no number: the reader picks the chat), Telegram ``t.me/share/url``
(core.telegram.org/widgets/share), Bluesky ``bsky.app/intent/compose``
(docs.bsky.app "Action Intent Links"), Mastodon's ``https://<server>/share?text=``,
X ``x.com/intent/tweet`` (docs.x.com "Web intent"), Facebook
``facebook.com/sharer/sharer.php``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from ..core.messages import N_
from .l10n import Formatter
from .mailto import mailto

#: The networks' names, as each writes its own: names, not words of the catalog.
NETWORKS = {
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "x": "X",
    "facebook": "Facebook",
}
# The words of the links: messages of the catalog, said in the page's language by its Formatter.
# Translators: the share link that opens the reader's e-mail app with the text to send.
EMAIL_A_FRIEND = N_("E-mail a friend")
# Translators: the text shared about a resolved action, when its page has no share text of its own.
GOOD_NEWS = N_("Good news: %(title)s")
# Translators: a share text nobody wrote: the title, then "Act by December 3, 2026" or a tour's dates.
LEAD = N_("%(title)s. %(when)s.")
# Translators: the same, after a title that ends with its own full stop, "!" or "?".
LEAD_ENDED = N_("%(title)s %(when)s.")


@dataclass(frozen=True)
class ShareLink:
    """One network's share link."""

    network: str
    """A stable key: email, whatsapp, telegram, bluesky, mastodon, x, facebook."""
    label: str
    href: str
    external: bool = True
    """Leaves the site (``rel="noopener noreferrer"``); e-mail and the Mastodon fallback do not."""


@dataclass(frozen=True)
class Share:
    """What a page offers to share: the title, the text (ending with the address) and the links.

    Its fields are all it is made of: its links are made from them (and the code) when a page shows them.
    So the fields are what a build compares (outputs/trace.py fingerprints a dataclass by its fields): a
    build that asks again what a page was offered to share makes no link (``tests/test_share_pages.py``)."""

    title: str
    text: str
    """The whole message: the item's text, its address and the hashtags."""
    url: str
    text_id: str
    """The id of the element that shows the text on the page (to copy; the Mastodon link's target)."""
    email_label: str
    """The e-mail link's words, in the page's language."""

    @property
    def bare(self) -> str:
        """The text without the address, for a share sheet or network that takes the address apart."""
        return " ".join(self.text.replace(self.url, " ").split())

    @cached_property
    def links(self) -> tuple[ShareLink, ...]:
        """Every network's share link for the text."""
        q = lambda value: quote(value, safe="")  # noqa: E731
        text, url = self.text, self.url
        return (
            ShareLink("email", self.email_label, mailto([], self.title, text), external=False),
            ShareLink("whatsapp", NETWORKS["whatsapp"], "https://wa.me/?text=" + q(text)),
            ShareLink("telegram", NETWORKS["telegram"],
                      "https://t.me/share/url?url=" + q(url) + "&text=" + q(self.bare)),
            ShareLink("bluesky", NETWORKS["bluesky"], "https://bsky.app/intent/compose?text=" + q(text)),
            ShareLink("mastodon", NETWORKS["mastodon"], "#" + self.text_id, external=False),
            ShareLink("x", NETWORKS["x"], "https://x.com/intent/tweet?text=" + q(text)),
            ShareLink("facebook", NETWORKS["facebook"], "https://www.facebook.com/sharer/sharer.php?u=" + q(url)),
        )


def hashtag(tag: str | None) -> str:
    """``RiversNotBullets`` or ``#RiversNotBullets`` as ``#RiversNotBullets``; "" for none."""
    tag = "".join((tag or "").split()).lstrip("#")
    return "#" + tag if tag else ""


def share_text(lead: str, url: str, hashtags: list[str] = ()) -> str:
    """``lead``, the address, then each hashtag the lead does not already carry."""
    lead = " ".join(lead.split())
    tags = []
    for tag in hashtags:
        tag = hashtag(tag)
        if tag and tag.casefold() not in lead.casefold() and tag not in tags:
            tags.append(tag)
    return " ".join(part for part in (lead, url, " ".join(tags)) if part)


def default_lead(title: str, fmt: Formatter, when: str = "") -> str:
    """``Title. When.``: the lead of a share text written by nobody (no ``share`` key), in ``fmt``'s language."""
    title = " ".join(title.split())
    if not when:
        return title
    if title.endswith((".", "!", "?")):
        return fmt.gettext(LEAD_ENDED, title=title, when=when)
    return fmt.gettext(LEAD, title=title, when=when)


def share(title: str, text: str, url: str, text_id: str, fmt: Formatter) -> Share:
    """Every share link for ``text`` (which holds ``url``), labelled in ``fmt``'s language; the page shows
    the text to copy in the element ``text_id``."""
    return Share(title, text, url, text_id, fmt.translate(EMAIL_A_FRIEND))

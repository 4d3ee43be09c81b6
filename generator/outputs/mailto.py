"""E-mail links (``mailto:``, RFC 6068): an appeal to one target of an action, and "tell us you wrote".

Pure: plain texts in, a URI out. :mod:`.mobilise` gives it the letter as
plain text (from the shared Markdown renderer's sanitised HTML), the
action's public fields and the page's :class:`~.l10n.Formatter` (the links'
own words are messages of the catalog); the pages render the links
(``theme/accompany/act.html``).

How long a ``mailto:`` link may be. RFC 6068 sets no limit; what opens it does:

* Chromium and Edge on Windows hand the link to the mail program (Outlook,
  Thunderbird, Windows Mail) through ``ShellExecute`` and silently drop one
  longer than 2,048 characters with the quotes they add: 2,046 characters of
  URI, percent-encoded (``chrome/browser/platform_util_win.cc``,
  ``kMaxUrlLength``, crbug.com/727909). Nothing happens on a click: the worst
  failure, which is why this limit decides.
* Outlook 2013 cut the URI at 2,070 characters (stackoverflow.com/q/13317429);
  Outlook with Internet Explorer, Firefox or Chrome, and Windows Live Mail, at
  2,046 (superruub.wordpress.com, 2013-05-30, "Mailto protocol character limit").
* Gmail on the web, as the browser's mail handler, receives the link
  percent-encoded once more inside its own address: around 1,620 characters
  were reliable in 2013 (same source), and its server refused 6,410 and 8,132
  characters in 2020 (github.com/defund12/defund12.org issue 893).
* Apple Mail (macOS, iOS), Thunderbird and Chromium elsewhere take far more
  (500,000 characters in Apple Mail, 2 MB, Chromium's own URL limit, in
  Thunderbird: stackoverflow.com/q/13317429). Measured here
  (``scripts/measure_mailto.py``): Debian's Chromium 156 hands ``xdg-open``
  up to 131,071 characters, the kernel's limit on one argument; past it,
  nothing opens.
* Android's Gmail drops what follows an unencoded ``=`` and unencoded line
  breaks (github.com/smaho-engineering/mailto issues 1 and 2): every reserved
  character is percent-encoded here, and line breaks are ``%0D%0A`` as RFC 6068 asks.

So a link is at most :data:`BUDGET` characters as written. A letter that
does not fit keeps its salutation and as many whole paragraphs as fit, then
words, then a line pointing to the whole letter on the page; the page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from ..core.messages import N_
from .l10n import Formatter

#: The longest ``mailto:`` URI written, in characters as written (percent-encoded ASCII): under
#: the 2,046 of Chromium on Windows, with room for Gmail's web handler.
BUDGET = 2000

# The words of the links: messages of the catalog, said in the page's language by its Formatter.
# Translators: the subject of an "E-mail this appeal": the action's title and id (UA-2026-031).
APPEAL_SUBJECT = N_("%(title)s (%(id)s)")
# Translators: before a model letter that has no salutation: the target's, e.g. "Dear Minister".
SALUTATION = N_("%(salutation)s,")
# Translators: the last line of an "E-mail this appeal" whose letter is too long for the link.
LETTER_CUT = N_("[The letter is longer than an e-mail link can carry: paste the rest from %(url)s]")
# Translators: subject of "tell us you wrote" about one action (id: UA-2026-031).
TELL_SUBJECT = N_("I wrote: %(id)s")
# Translators: body of "tell us you wrote" about one action, for the supporter to fill in.
TELL_BODY = N_("I wrote about %(id)s, %(title)s.\n\nBy e-mail or by post:\nTo whom:\n")
# Translators: subject of "tell us you wrote" about any action (the how-to-help page).
TELL_SUBJECT_ANY = N_("I wrote")
# Translators: body of "tell us you wrote" about any action, for the supporter to fill in.
TELL_BODY_ANY = N_("The action I wrote about (its title or id):\nBy e-mail or by post:\nTo whom:\n")

#: A first paragraph that is a salutation: one short line ending in a comma or a colon.
_SALUTATION = re.compile(r"[^\n.!?]{1,60}[,:]")


@dataclass(frozen=True)
class MailLink:
    """A composed ``mailto:`` link."""

    href: str
    cut: bool = False
    """The body carries the start of the letter and the page's address, not all of it."""


def mailto(to: list[str] | tuple[str, ...], subject: str = "", body: str = "", cc: tuple[str, ...] = ()) -> str:
    """A ``mailto:`` URI (RFC 6068): every reserved character percent-encoded, line breaks as ``%0D%0A``."""
    path = ",".join(quote(address, safe="@") for address in to)
    fields = []
    if cc:
        fields.append("cc=" + ",".join(quote(address, safe="@") for address in cc))
    if subject:
        fields.append("subject=" + _encode(subject))
    if body:
        fields.append("body=" + _encode(body))
    return "mailto:" + path + ("?" + "&".join(fields) if fields else "")


def _encode(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "%0D%0A".join(quote(line, safe="") for line in lines)


def _folded(text: str) -> str:
    return " ".join(text.casefold().rstrip(",:;!. ").split())


def with_salutation(letter: str, salutation: str | None, fmt: Formatter, known: tuple[str, ...] = ()) -> str:
    """The letter opening with this target's ``salutation``.

    A first paragraph that is a salutation (one of the action's ``known`` ones,
    or one short line ending in a comma or colon) is replaced, keeping its
    punctuation; otherwise the salutation is put before the letter. Without a
    salutation, the letter is as written.
    """
    letter = letter.strip()
    if not salutation:
        return letter
    first, _, rest = letter.partition("\n\n")
    if _folded(first) in {_folded(s) for s in (*known, salutation)} or _SALUTATION.fullmatch(first):
        mark = first.rstrip()[-1] if first.rstrip()[-1:] in (",", ":") else ""
        opening = salutation.rstrip(",: ") + mark if mark else fmt.gettext(SALUTATION, salutation=salutation.rstrip(",: "))
        return (opening + "\n\n" + rest).strip()
    return fmt.gettext(SALUTATION, salutation=salutation.rstrip(",: ")) + "\n\n" + letter


def appeal(to: tuple[str, ...], cc: tuple[str, ...], subject: str, letter: str, letter_url: str, fmt: Formatter,
           budget: int = BUDGET) -> MailLink:
    """The appeal as one link: the whole ``letter`` if the link fits in ``budget``, else its start and
    ``letter_url`` (the line that says so in ``fmt``'s language)."""
    whole = mailto(to, subject, letter, cc)
    if len(whole) <= budget:
        return MailLink(whole)
    marker = fmt.gettext(LETTER_CUT, url=letter_url)

    def fits(text: str) -> bool:
        return len(mailto(to, subject, (text + "\n\n" + marker).strip(), cc)) <= budget

    kept = ""
    paragraphs = letter.split("\n\n")
    for paragraph in paragraphs:
        candidate = (kept + "\n\n" + paragraph) if kept else paragraph
        if fits(candidate):
            kept = candidate
            continue
        words = paragraph.split(" ")
        n = _most_that_fit(lambda k: fits(((kept + "\n\n") if kept else "") + " ".join(words[:k]) + " …"), len(words))
        if n:
            kept = ((kept + "\n\n") if kept else "") + " ".join(words[:n]) + " …"
        break
    return MailLink(mailto(to, subject, (kept + "\n\n" + marker).strip(), cc), cut=True)


def _most_that_fit(fits, total: int) -> int:
    """The largest k in 0..total with fits(k) (fits is monotonic), by bisection; 0 if none."""
    low, high = 0, total
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def tell_us(contact: str, fmt: Formatter, action_id: str | None = None, title: str = "") -> str:
    """The "tell us you wrote" link to the organisation, in ``fmt``'s language: about one action, or
    (on the how-to-help page) any."""
    if action_id:
        return mailto([contact], fmt.gettext(TELL_SUBJECT, id=action_id),
                      fmt.gettext(TELL_BODY, id=action_id, title=title))
    return mailto([contact], fmt.translate(TELL_SUBJECT_ANY), fmt.translate(TELL_BODY_ANY))

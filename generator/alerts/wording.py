"""What alerts say: one table of English messages, each translated by the catalog of the network's language.

Each entry is a format string; the fields in braces are filled in by
:mod:`.compose` (``{id}``, ``{title}``, ``{date}``, ``{organisation}`` ...):
a translation keeps them. The messages are marked (``N_``) for ``make
messages`` and translated by the catalog of the snapshot's language
(generator/catalogs.py), as the site's words are; a language without a
catalog is written in English (dates, countries and language names are
still in its language, from Babel).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..core.messages import N_
from ..outputs.l10n import Formatter


@dataclass(frozen=True)
class Wording:
    subject_new: str
    subject_update: str
    subject_deadline: str
    subject_reopened: str
    subject_closed: str
    subject_resolved: str
    subject_withdrawn: str

    lead_new: str
    lead_update: str
    lead_deadline: str
    lead_reopened: str
    closed: str
    closed_no_deadline: str
    resolved: str
    withdrawn: str
    still_open: str
    not_open: str

    what_to_do: str
    write_in: str
    letter: str
    targets: str
    copies: str
    email: str
    salutation: str
    read_more: str
    open_actions: str
    footer: str


ENGLISH = Wording(
    subject_new=N_("Urgent action {id}: {title}"),
    subject_update=N_("Update, {id}: {update}"),
    subject_deadline=N_("New deadline, {id}: act by {date}"),
    subject_reopened=N_("Open again, {id}: act by {date}"),
    subject_closed=N_("Stop writing: {id} is closed ({title})"),
    subject_resolved=N_("Good news, stop writing: {id} ({title})"),
    subject_withdrawn=N_("Stop writing: an urgent action we sent you is withdrawn"),

    lead_new=N_("A new urgent action. Please act by {date}."),
    lead_update=N_("An update on urgent action {id}, {date}:"),
    lead_deadline=N_("The deadline of urgent action {id} has changed: please act by {date}."),
    lead_reopened=N_("Urgent action {id} is open again: please act by {date}."),
    closed=N_("This urgent action is closed: the last day to act was {date}. Please stop writing now: "
              "late letters can do harm. Thank you to everyone who wrote."),
    closed_no_deadline=N_("This urgent action is closed. Please stop writing now: late letters can do harm. "
                          "Thank you to everyone who wrote."),
    resolved=N_("Good news. Please stop writing: no further letters are needed, and late letters can do harm. "
                "Thank you to everyone who wrote."),
    withdrawn=N_("An urgent action we sent you earlier is no longer published on our site. Please stop "
                 "writing about it and stop sharing it now, and remove our alerts about it from any public "
                 "place (a list archive, a forum). To protect the people concerned, this message does not say "
                 "which action it was: your mail program shows it beside our earlier alert."),
    still_open=N_("The action is open: please act by {date}."),
    not_open=N_("This action is closed: please do not send letters now, late letters can do harm."),

    what_to_do=N_("What to do"),
    write_in=N_("Write in: {languages}"),
    letter=N_("Model letter"),
    targets=N_("Send your appeal to"),
    copies=N_("Send copies to"),
    email=N_("E-mail: {email}"),
    salutation=N_("Salutation: {salutation}"),
    read_more=N_("The whole action: {url}"),
    open_actions=N_("Every open action: {url}"),
    footer=N_("Sent by {organisation} to its emergency network, from the urgent actions published on {site}. "
              "Everything in it is public on our site."),
)


def wording(fmt: Formatter) -> Wording:
    """The table in ``fmt``'s language: each message through its catalog."""
    return Wording(**{f.name: fmt.translate(getattr(ENGLISH, f.name)) for f in fields(Wording)})

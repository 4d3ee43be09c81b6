"""What alerts say, per language: one table a translator fills in; adding a language adds a table.

Each entry is a format string; the fields in braces are filled in by
:mod:`.compose` (``{id}``, ``{title}``, ``{date}``, ``{organisation}`` ...). A
language without its own table is written with the English one (dates,
countries and language names are still in the network's language, from
Babel), as the rest of the site does until its texts go through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    subject_new="Urgent action {id}: {title}",
    subject_update="Update, {id}: {update}",
    subject_deadline="New deadline, {id}: act by {date}",
    subject_reopened="Open again, {id}: act by {date}",
    subject_closed="Stop writing: {id} is closed ({title})",
    subject_resolved="Good news, stop writing: {id} ({title})",
    subject_withdrawn="Stop writing: an urgent action we sent you is withdrawn",

    lead_new="A new urgent action. Please act by {date}.",
    lead_update="An update on urgent action {id}, {date}:",
    lead_deadline="The deadline of urgent action {id} has changed: please act by {date}.",
    lead_reopened="Urgent action {id} is open again: please act by {date}.",
    closed=("This urgent action is closed: the last day to act was {date}. Please stop writing now: "
            "late letters can do harm. Thank you to everyone who wrote."),
    closed_no_deadline=("This urgent action is closed. Please stop writing now: late letters can do harm. "
                        "Thank you to everyone who wrote."),
    resolved=("Good news. Please stop writing: no further letters are needed, and late letters can do harm. "
              "Thank you to everyone who wrote."),
    withdrawn=("An urgent action we sent you earlier is no longer published on our site. Please stop "
               "writing about it and stop sharing it now, and remove our alerts about it from any public "
               "place (a list archive, a forum). To protect the people concerned, this message does not say "
               "which action it was: your mail program shows it beside our earlier alert."),
    still_open="The action is open: please act by {date}.",
    not_open="This action is closed: please do not send letters now, late letters can do harm.",

    what_to_do="What to do",
    write_in="Write in: {languages}",
    letter="Model letter",
    targets="Send your appeal to",
    copies="Send copies to",
    email="E-mail: {email}",
    salutation="Salutation: {salutation}",
    read_more="The whole action: {url}",
    open_actions="Every open action: {url}",
    footer=("Sent by {organisation} to its emergency network, from the urgent actions published on {site}. "
            "Everything in it is public on our site."),
)

#: BCP 47 primary language subtag to its wording.
WORDINGS: dict[str, Wording] = {"en": ENGLISH}


def wording(language: str) -> Wording:
    """The wording for ``language`` (``pt-BR`` uses ``pt``), else English."""
    return WORDINGS.get(language) or WORDINGS.get(language.split("-")[0].lower()) or ENGLISH

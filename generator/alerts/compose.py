"""One alert e-mail: plain text with an HTML alternative, from the snapshot of the published site.

While an action is open, every alert about it carries what a reader needs to
act without opening the site: summary, steps, the model letter, the addresses
and the link. Once it is closed or resolved, alerts say "stop writing" and
carry neither letter nor addresses (late letters can do harm). An alert about
an action that left the site says nothing of what it was.

The same event composes the same bytes: Message-ID, date (the build's "now")
and MIME boundary are derived from the event and the snapshot, never from the
clock or chance.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from markupsafe import Markup, escape

from ..core.settings import AlertSettings
from ..outputs.l10n import Formatter
from ..catalogs import formatter
from .events import Event
from .wording import Wording, wording


def message_id(snapshot: dict, language: str, key: str) -> str:
    """``<hash@domain>``: the domain of the tag authority, the hash of the site, the language and the event."""
    digest = hashlib.sha256("\0".join([snapshot["site_url"], snapshot["tag_authority"], language, key]).encode())
    domain = snapshot["tag_authority"].split(",")[0]
    return f"<{digest.hexdigest()[:32]}@{domain}>"


class _Body:
    """The text and the HTML of one message, block by block, so that both say the same."""

    def __init__(self):
        self.text: list[str] = []
        self.html: list[Markup] = []

    def para(self, text: str, strong: bool = False) -> None:
        self.text.append(text)
        self.html.append(Markup("<p><strong>{}</strong></p>" if strong else "<p>{}</p>").format(text))

    def heading(self, text: str) -> None:
        self.text.append(text.upper())
        self.html.append(Markup("<h2>{}</h2>").format(text))

    def rich(self, value: dict | None) -> None:
        """A Markdown text of the action, as the snapshot holds it (sanitised HTML and its text)."""
        if value:
            self.text.append(value["text"])
            self.html.append(Markup(value["html"]))

    def steps(self, steps: list[dict]) -> None:
        self.text.append("\n".join(f"{i}. {step['text']}" for i, step in enumerate(steps, 1)))
        self.html.append(Markup("<ol>{}</ol>").format(Markup("").join(
            Markup("<li>{}</li>").format(Markup(step["html"])) for step in steps)))

    def contact(self, contact: dict, words: Wording) -> None:
        lines = [contact.get("name"), contact.get("role"), contact.get("organisation")]
        lines += [line.strip() for line in (contact.get("address") or "").strip().splitlines()]
        lines = [line for line in lines if line]
        html_lines = [escape(line) for line in lines]
        if contact.get("email"):
            lines.append(words.email.format(email=contact["email"]))
            html_lines.append(Markup('<a href="mailto:{0}">{0}</a>').format(contact["email"]))
        if contact.get("salutation"):
            lines.append(words.salutation.format(salutation=contact["salutation"]))
            html_lines.append(escape(words.salutation.format(salutation=contact["salutation"])))
        self.text.append("\n".join(lines))
        self.html.append(Markup("<address>{}</address>").format(Markup("<br>").join(html_lines)))

    def link(self, template: str, url: str) -> None:
        self.text.append(template.format(url=url))
        before, _, after = template.partition("{url}")
        self.html.append(Markup('<p>{}<a href="{}">{}</a>{}</p>').format(before, url, url, after))


def compose(event: Event, snapshot: dict, settings: AlertSettings, references: list[str],
            mid: str | None = None) -> EmailMessage | None:
    """The e-mail for ``event`` in the snapshot's language; None if the snapshot no longer has what it is about."""
    language = snapshot["language"]
    fmt = formatter(language)
    words = wording(fmt)
    action = snapshot["actions"].get(event.action)
    if action is None and event.kind != "withdrawn":
        return None
    if event.kind == "update" and not any(u["key"] == event.detail for u in action["updates"]):
        return None
    if event.kind in ("new", "deadline", "reopened") and action["status"] != "open":
        return None  # a call to act on an action no longer open (a held alert, sent again later)

    def day(value: str | None) -> str:
        return fmt.date(date.fromisoformat(value)) if value else ""

    body = _Body()
    fields = {}
    if action is not None:
        fields = {"id": action["id"], "title": action["title"], "date": day(action["deadline"])}
    if event.kind == "withdrawn":
        subject = words.subject_withdrawn
        body.para(words.withdrawn)
    elif event.kind == "update":
        update = next(u for u in action["updates"] if u["key"] == event.detail)
        subject = words.subject_update.format(**fields, update=update["title"])
        body.para(words.lead_update.format(**{**fields, "date": day(update["date"])}))
        body.para(f"{update['title']} ({action['title']})", strong=True)
        body.rich(update)
        if action["status"] == "open":
            _call_to_act(body, action, words, fmt, fields)
        else:
            body.para(words.not_open)
    elif event.kind == "closed":
        subject = words.subject_closed.format(**fields)
        body.para(action["title"], strong=True)
        passed = action["deadline"] and action["deadline"] < snapshot["as_of"][:10]  # else closed early, by hand
        body.para(words.closed.format(**fields) if passed else words.closed_no_deadline)
    elif event.kind == "resolved":
        subject = words.subject_resolved.format(**fields)
        body.para(action["title"], strong=True)
        body.rich(action["outcome"])
        body.para(words.resolved)
    else:  # new, deadline, reopened: the action is open
        subject = getattr(words, f"subject_{event.kind}").format(**fields)
        body.para(getattr(words, f"lead_{event.kind}").format(**fields))
        body.para(action["title"], strong=True)
        _call_to_act(body, action, words, fmt, fields, lead=False)
    if action is not None and event.kind != "withdrawn":
        body.link(words.read_more, action["url"])
    body.link(words.open_actions, snapshot["actions_url"])
    body.para(words.footer.format(organisation=snapshot["organisation"], site=snapshot["site_url"]))
    return _message(event, snapshot, settings, subject, body, references, mid)


def _call_to_act(body: _Body, action: dict, words: Wording, fmt: Formatter, fields: dict, lead: bool = True) -> None:
    """Summary, steps, languages, letter and addresses of an open action."""
    if lead:
        body.para(words.still_open.format(**fields))
    body.para(action["summary"])
    if action["steps"]:
        body.heading(words.what_to_do)
        body.steps(action["steps"])
    if action["appeal_languages"]:
        body.para(words.write_in.format(languages=", ".join(fmt.language_name(t) for t in action["appeal_languages"])))
    if action["letter"]:
        body.heading(words.letter)
        body.rich(action["letter"])
    for title, contacts in ((words.targets, action["targets"]), (words.copies, action["copies"])):
        if contacts:
            body.heading(title)
            for contact in contacts:
                body.contact(contact, words)


def _message(event: Event, snapshot: dict, settings: AlertSettings, subject: str, body: _Body,
             references: list[str], mid: str | None) -> EmailMessage:
    language = snapshot["language"]
    mid = mid or message_id(snapshot, language, event.key)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((snapshot["organisation"], settings.sender))
    msg["To"] = ", ".join(settings.to)  # bcc: on the envelope only, never in a header
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.fromisoformat(snapshot["as_of"]))
    msg["Message-ID"] = mid
    if references:
        msg["In-Reply-To"] = references[0]
        msg["References"] = " ".join(references)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n\n".join(body.text) + "\n", cte="quoted-printable")
    html = Markup('<!DOCTYPE html>\n<html lang="{}">\n<head><meta charset="utf-8"><title>{}</title></head>\n'
                  "<body>\n{}\n</body>\n</html>\n").format(language, subject, Markup("\n").join(body.html))
    msg.add_alternative(str(html), subtype="html", cte="quoted-printable")
    msg.set_boundary("accompany-" + hashlib.sha256(mid.encode()).hexdigest()[:24])
    msg["Content-Language"] = language  # after the content: setting it clears Content-* headers
    return msg


def recipients(settings: AlertSettings) -> list[str]:
    """Everyone the message goes to: ``to`` and ``bcc``, each once."""
    return list(dict.fromkeys(settings.to + settings.bcc))

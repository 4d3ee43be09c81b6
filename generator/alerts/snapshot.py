"""What the last build published, as alerts need it: one file per language, written after the swap.

The build calls :func:`record` once the new site is in place (and when it
found nothing to change), so the snapshot is always the site as published,
never a draft of it. It is made from the public :class:`~generator.core.site.Site`
alone (the policy has already left out drafts, embargoes, withheld files,
private data and comments) and from the shared Markdown renderer's sanitised
HTML; the plain text comes from that HTML (:mod:`.text`).

``accompany alert`` reads it and never reads ``content/``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..core.model import Contact
from ..core.site import ActionView, Site
from ..outputs.feeds.model import update_keys
from ..outputs.markup import MarkupRenderer, absolutize
from ..outputs.plaintext import html_to_text

#: Bumped when the layout changes: an older snapshot is refused with "build again", never misread.
FORMAT = 1
CONTACT_FIELDS = ("name", "role", "organisation", "address", "email", "salutation")


def snapshot_path(folder: Path, language: str) -> Path:
    return folder / f"published-{language}.json"


def published(site: Site, markup: MarkupRenderer, site_dir: Path) -> dict:
    """The public actions of ``site``, built into ``site_dir``, with everything an alert says about them."""
    return {**_head(site, site_dir), "actions": {a.meta.id: _action(site, markup, a) for a in site.actions_ordered}}


def _head(site: Site, site_dir: Path) -> dict:
    """The snapshot but its actions."""
    config = site.config
    return {
        "format": FORMAT,
        "site_dir": str(site_dir.absolute()),
        "language": config.settings.language,
        "as_of": site.clock.now.isoformat(),
        "timezone": config.settings.timezone,
        "site_name": config.site_name,
        "site_url": config.site_url,
        "organisation": config.settings.organisation,
        "tag_authority": config.settings.tag_authority,
        "actions_url": site.absolute("actions/"),
    }


def dumps(data) -> str:
    """``data`` in the snapshot's JSON: compact (json's fast encoder writes only that: a large site's snapshot
    is megabytes), keys sorted."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _text(head: dict, actions: dict[str, str]) -> str:
    """What :func:`dumps` makes of ``head`` with its ``actions`` (by id, each already in JSON): the same
    text, without encoding again the actions a :class:`Memo` kept. ("actions" sorts before every other key.)"""
    if "actions" in head or any(name < "actions" for name in head):
        # The text is joined by hand on the key order dumps() gives: a key before "actions" would misplace it.
        raise ValueError(f"the snapshot's head must sort after 'actions': {sorted(head)}")
    rest = dumps(head)
    body = ",".join(f"{dumps(name)}:{actions[name]}" for name in sorted(actions))
    return '{"actions":{' + body + "}" + ("," + rest[1:] if rest != "{}" else "}")


class Memo:
    """The last snapshot's actions, each by a digest of what it is made of: an action the same is not made again.

    ``keys`` (action id to its digest and its JSON, as :func:`dumps` writes it in the snapshot) are the last
    build's, kept by the build cache; :attr:`made` this build's. The snapshot is not read: what an action the
    same was, in its JSON, is taken as the build cache kept it, beside its digest (one never without the other)."""

    def __init__(self, keys: dict | None, prints):
        self._keys = keys if isinstance(keys, dict) else {}
        self._prints = prints
        self.made: dict[str, list] = {}

    def action(self, site: Site, markup: MarkupRenderer, view: ActionView) -> str:
        """The action's entry in the snapshot, as JSON."""
        meta = view.meta
        texts = [*meta.steps, meta.letter or "", *(u.text for u in meta.updates), meta.outcome or ""]
        key = self._prints.of((FORMAT, site.config.site_url, view, [markup.text_key(view.entry, t) for t in texts]))
        last = self._keys.get(meta.id)
        if isinstance(last, list) and len(last) == 2 and last[0] == key and isinstance(last[1], str):
            made = last
        else:
            made = [key, dumps(_action(site, markup, view))]
        self.made[meta.id] = made
        return made[1]


def _action(site: Site, markup: MarkupRenderer, action: ActionView) -> dict:
    meta, entry = action.meta, action.entry
    page = site.absolute(action.url)

    def rich(text: str | None, loc: tuple, inline: bool = False) -> dict | None:
        if not text:
            return None
        html = (markup.inline if inline else markup.html)(entry, text, loc)
        # An e-mail has no base address: site links and #anchors become absolute.
        html = re.sub(r'(href|src)="#', lambda m: f'{m[1]}="{page}#', absolutize(html, site.config.site_url))
        return {"html": html, "text": html_to_text(html)}

    # As the action's page shows it: what to do, the letter and the addresses while it is open only,
    # the outcome once resolved (the same texts the page renders, so each is rendered once).
    is_open = action.status == "open"
    return {
        "id": meta.id,
        "url": page,
        "title": meta.title,
        "status": action.status,
        "deadline": meta.deadline.isoformat() if meta.deadline else None,
        "issued": meta.issued.isoformat(),
        "country": meta.country,
        "summary": " ".join(meta.summary.split()),
        "appeal_languages": list(meta.appeal_languages) if is_open else [],
        "steps": [rich(step, ("steps", i), inline=True) for i, step in enumerate(meta.steps)] if is_open else [],
        "letter": rich(meta.letter, ("letter",)) if is_open else None,
        "targets": [_contact(c) for c in meta.targets] if is_open else [],
        "copies": [_contact(c) for c in meta.copies] if is_open else [],
        "updates": [{"key": key, "date": u.date.isoformat(), "title": u.title,
                     **rich(u.text, ("updates", i, "text"))}
                    for i, (u, key) in enumerate(zip(meta.updates, update_keys(meta.updates)))],
        "outcome": rich(meta.outcome, ("outcome",)) if action.status == "resolved" else None,
    }


def _contact(contact: Contact) -> dict:
    """A contact's public fields (``private`` is gone already: the policy dropped it)."""
    return {name: getattr(contact, name) for name in CONTACT_FIELDS if getattr(contact, name)}


def record(site: Site, markup: MarkupRenderer, folder: Path, site_dir: Path, memo: Memo | None = None) -> Path:
    """Write the snapshot of the site just published in ``site_dir`` into ``folder``, atomically.

    A build elsewhere (a preview as of another day, a mirror) replaces it too:
    ``accompany alert`` refuses a snapshot of another folder than the site's.
    """
    if memo is None:
        text = dumps(published(site, markup, site_dir))
    else:  # the same text, with the JSON of each action the memo kept
        text = _text(_head(site, site_dir), {a.meta.id: memo.action(site, markup, a) for a in site.actions_ordered})
    folder.mkdir(parents=True, exist_ok=True)
    path = snapshot_path(folder, site.config.settings.language)
    _write_text(path, text + "\n")
    return path


def read(folder: Path, language: str) -> dict | None:
    """The snapshot of the last build in ``language``; None if there is none or it is of another format."""
    try:
        data = json.loads(snapshot_path(folder, language).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def write_json(path: Path, data) -> None:
    """Replace ``path`` with ``data`` in one rename, flushed to disk first: a crash leaves the old file or the new."""
    _write_text(path, dumps(data) + "\n")


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    try:
        directory = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    finally:
        os.close(directory)

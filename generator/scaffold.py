"""``accompany new``: start a file from a template that passes ``accompany check`` once filled in.

Each template is a draft. Its fill-me-in texts (``TITLE``, ``Dear ...``) are listed in
:mod:`generator.core.placeholders`: ``check`` refuses any left once ``draft: true`` is removed.
The defender template leaves ``consent.given_on`` out: only the person can give that date.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from .clock import resolve_as_of
from .core.kinds import KINDS

_TEMPLATES = {
    "action": """---
title: TITLE
summary: "One or two sentences: who is at risk, and what we ask."
id: UA-{year}-000
issued: {today}
deadline: {deadline}
status: open
country: CO
draft: true            # remove this line when the action has been checked
defenders: []
targets:
  - name: Name of the official
    role: Their office
    address: |
      Street and number
      City, postcode
      Country
    salutation: Dear ...
steps:
  - Write a polite letter in your own words, or adapt the model letter.
  - Send it before the deadline.
letter: |
  Dear ...,

  ...

  Yours sincerely,
---

What happened, in a few paragraphs.
""",
    "defender": """---
title: NAME
name: NAME
summary: One or two sentences about their work.
country: CO
kind: person
author: YOUR-INITIALS
vetting:
  status: pending
consent:
  name: first
  photo: false
  location: country
  organisation: false
  # given_on: YYYY-MM-DD   the day they agreed to be shown: required before draft is removed
draft: true            # remove this line when the profile has been written, vetted and consented to
---

Their story, as they agreed to tell it.
""",
    "tour": """---
title: TITLE
summary: One or two sentences.
defenders: []
draft: true
stops:
  - starts: {deadline}T19:00
    timezone: Europe/London
    city: London
    country: GB
    venue: Venue name
---

About the tour.
""",
    "campaign": """---
title: TITLE
summary: One or two sentences.
starts: {today}
draft: true
---

The campaign's story.
""",
    "page": """---
title: TITLE
draft: true            # remove this line when the page is written
---

The page's text.
""",
}


def _generic(kind) -> str:
    """A template for a type without one of its own (added to core/kinds.py): its model's required keys."""
    schema = kind.model.model_json_schema()
    lines = ["---", "title: TITLE", 'summary: "One or two sentences."']
    for name in schema.get("required", ()):
        if name in ("title", "summary"):
            continue
        spec = schema["properties"][name]
        formats = {spec.get("format")} | {s.get("format") for s in spec.get("anyOf", ())}
        value = ("{today}" if "date" in formats else "{today}T19:00" if "date-time" in formats
                 else spec["enum"][0] if spec.get("enum") else "TEXT")
        lines.append(f"{name}: {value}")
    return "\n".join(lines + ["draft: true            # remove this line when it is written", "---", "",
                               "The text.", ""])


def new(root: Path, kind: str, slug: str) -> int:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug):
        print(f"accompany: {slug!r}: use lowercase letters, digits, '-' and '_'", file=sys.stderr)
        return 2
    path = root / KINDS[kind].folder / f"{slug}.md"
    if path.exists():
        print(f"accompany: {path.relative_to(root)} already exists", file=sys.stderr)
        return 2
    now = resolve_as_of(None)
    today = now.date() if isinstance(now, datetime) else now
    text = _TEMPLATES.get(kind, _generic(KINDS[kind])).format(today=today.isoformat(), year=today.year,
                                   deadline=(today + timedelta(days=21)).isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"created {path.relative_to(root)}: fill it in, then run 'accompany check'")
    return 0

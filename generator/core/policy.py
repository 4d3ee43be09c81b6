"""Publication policy: what may be public at a given moment, and what must be hidden in it.

This is the one place that decides. Read it top to bottom:

1. :func:`withheld_reason` says whether a file is published *now*, and if not, why.
2. :func:`action_status` says how an action is shown: an open action past its
   deadline is shown as closed (it is never deleted).
3. :func:`redact_defender` removes what a defender did not consent to show.
4. :func:`strip_private` drops every ``private`` mapping, at any depth, and
   :func:`strip_comments` drops HTML comments from every Markdown text.
5. :func:`publish` applies all of the above to a whole catalogue, and reports
   as problems the published files that point at something withheld (which
   would otherwise reveal it).

Anything not explicitly allowed here is withheld: the rules fail closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time as time_of_day, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from .model import Action, Content, Defender, Entry, Private, Tour
from .problems import Problem, format_key
from .source import MEDIA_DIR
from .validate import Catalogue


@dataclass(frozen=True)
class Clock:
    """"Now" for one build: the only notion of time the core has."""

    now: datetime
    timezone: ZoneInfo

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Clock.now must carry a time zone")

    @property
    def today(self) -> date:
        """Today's date in the site's time zone."""
        return self.now.astimezone(self.timezone).date()

    def instant(self, value: date | datetime) -> datetime:
        """A date (its midnight, site time) or date-time (site time if it has no offset) as an instant."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.timezone)
        return datetime.combine(value, time_of_day(0), tzinfo=self.timezone)


# ---------------------------------------------------------------- 1. published now?


def withheld_reason(entry: Entry, clock: Clock) -> str | None:
    """Why this file must not be published now, or None if it may be."""
    meta = entry.meta
    if meta.draft:
        return "draft: true"
    if meta.publish_on is not None and clock.now < clock.instant(meta.publish_on):
        return f"embargoed until {meta.publish_on.isoformat()}"
    if isinstance(meta, Defender):
        return defender_withheld_reason(meta, clock.today)
    return None


def defender_withheld_reason(defender: Defender, today: date) -> str | None:
    """A profile is public only when vetted by a second person, reviewed on time, and consented to."""
    vetting, consent = defender.vetting, defender.consent
    if vetting.status != "approved":
        return f"vetting.status is {vetting.status}"
    if defender.author and vetting.by and _same_person(defender.author, vetting.by):
        return "vetting.by is the author: a second person must vet it"
    if vetting.review_by is None or vetting.review_by < today:
        return f"review overdue since {vetting.review_by}"
    if vetting.on is None or vetting.on > today:
        return "vetting.on is in the future"
    if consent.withdrawn_on is not None:
        return f"consent withdrawn on {consent.withdrawn_on.isoformat()}"
    if consent.given_on is None:  # only a draft may lack it (validate.py); a draft never gets here
        return "consent.given_on is missing"
    if consent.given_on > today:
        return "consent.given_on is in the future"
    return None


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


# ---------------------------------------------------------------- 2. action status


def action_status(action: Action, today: date) -> str:
    """open, closed or resolved, as shown to the public on ``today``.

    The deadline day itself is still open: "take action before" the end of it.
    """
    if action.status == "open" and action.deadline is not None and action.deadline < today:
        return "closed"
    return action.status


def days_left(action: Action, today: date) -> int | None:
    """Whole days from ``today`` to the deadline of an open action (0 on the last day)."""
    if action_status(action, today) != "open" or action.deadline is None:
        return None
    return (action.deadline - today).days


# ---------------------------------------------------------------- 3. consent


def redact_defender(defender: Defender) -> Defender:
    """The profile as consent allows it to be shown."""
    consent = defender.consent
    changes: dict[str, Any] = {}
    if consent.location != "region":
        changes["region"] = None
    if consent.location == "none":
        changes["country"] = None
    if not consent.organisation:
        changes["organisation"] = None
    if not consent.photo:
        changes["image"] = None
        changes["image_alt"] = None
    # Pydantic's model_copy does not re-validate; country is typed str | None
    # on the base and required on Defender, and None here means "not shown".
    return defender.model_copy(update=changes)


# ---------------------------------------------------------------- 4. private and comments


def _rewrite(value: Any, change) -> Any:
    """``value`` with ``change`` applied to every value inside it, rebuilding only what changed."""
    changed = change(value)
    if changed is not value:
        return changed
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _rewrite(old, change)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        items = tuple(_rewrite(v, change) for v in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


def strip_private(record: Any) -> Any:
    """The record with every ``private`` mapping removed, at any depth."""
    return _rewrite(record, lambda v: None if isinstance(v, Private) else v)


_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)


def strip_comments(text: str) -> str:
    """Markdown without HTML comments: they would sit in the page source, invisible to the author."""
    return _COMMENT.sub("", text)


def _strip_comments_everywhere(record: Any) -> Any:
    return _rewrite(record, lambda v: strip_comments(v) if isinstance(v, str) and "<!--" in v else v)


# ---------------------------------------------------------------- 5. the whole catalogue


@dataclass(frozen=True)
class Withheld:
    """A file left out of this build, and why (shown to volunteers, never published)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Publication:
    """The public catalogue, what was withheld, and the problems that stop the build."""

    public: Catalogue
    withheld: list[Withheld] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    secrets: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each private.real_name, mapped to the file and line that declare it: no output may contain them."""
    warnings: list[Problem] = field(default_factory=list)


def publish(catalogue: Catalogue, clock: Clock, warn_days: int = 14) -> Publication:
    """Apply the policy to every file and check what the published files point at."""
    public = Catalogue(links=catalogue.links)
    withheld: list[Withheld] = []
    warnings: list[Problem] = []
    for entry in catalogue.entries():
        reason = withheld_reason(entry, clock)
        if reason is not None:
            withheld.append(Withheld(entry.path, reason))
            continue
        meta = entry.meta
        if isinstance(meta, Defender):
            review_by = meta.vetting.review_by
            if review_by is not None and (review_by - clock.today) <= timedelta(days=warn_days):
                warnings.append(Problem(
                    entry.path, entry.line(("vetting", "review_by")), "vetting.review_by",
                    f"review due on {review_by.isoformat()}: after it the profile is withheld",
                ))
            meta = redact_defender(meta)
        if isinstance(meta, Tour) and meta.announced is None and meta.publish_on is None:
            for i, stop in enumerate(meta.stops):
                if stop.announced is None and clock.instant(stop.starts) > clock.now + timedelta(days=1):
                    warnings.append(Problem(
                        entry.path, entry.line(("stops",)), "announced",
                        "add announced: YYYY-MM-DD (when the tour was made public): without it, feed entries "
                        "of future stops are dated in the future, which feed readers distrust"))
                    break
        meta = _strip_comments_everywhere(strip_private(meta))
        public.of(entry.kind)[entry.slug] = entry.replace(meta=meta, body=strip_comments(entry.body))

    problems = _references_to_withheld(catalogue, public)
    problems += _photo_consent(catalogue, public)
    secrets = collect_secrets(catalogue)
    problems += find_secrets(public, secrets)
    return Publication(public, sorted(withheld, key=lambda w: w.path), problems, secrets, warnings)


def _references_to_withheld(catalogue: Catalogue, public: Catalogue) -> list[Problem]:
    """A published file that names something withheld would reveal it: that is the volunteer's error."""
    problems = []

    def bad(entry: Entry, loc: tuple, message: str) -> None:
        problems.append(Problem(entry.path, entry.line(loc), format_key(loc), message))

    public_action_ids = {a.meta.id for a in public.actions.values()}
    all_action_ids = {a.meta.id for a in catalogue.actions.values()}
    by_path = catalogue.by_path()
    for entry in public.entries():
        for i, slug in enumerate(entry.meta.campaigns):
            if slug in catalogue.campaigns and slug not in public.campaigns:
                bad(entry, ("campaigns", i), f"campaign {slug!r} is not published: remove it here, or publish the campaign")
        for i, slug in enumerate(getattr(entry.meta, "defenders", ())):
            if slug in catalogue.defenders and slug not in public.defenders:
                bad(entry, ("defenders", i), f"defender {slug!r} is not published (not vetted, consented and current): "
                    "remove it here until the profile is public")
        for i, stop in enumerate(getattr(entry.meta, "stops", ())):
            for j, action_id in enumerate(stop.actions):
                if action_id in all_action_ids and action_id not in public_action_ids:
                    bad(entry, ("stops", i, "actions", j), f"action {action_id!r} is not published: remove it from this stop")
        for loc, target in catalogue.links.get(entry.path, ()):
            linked = by_path.get(target)
            if linked is not None and linked.slug not in public.of(linked.kind):
                bad(entry, loc, f"links to {target}, which is not published: remove the link")
    return problems


def _photo_consent(catalogue: Catalogue, public: Catalogue) -> list[Problem]:
    """A defender's image may appear only on a published profile that consents to photos."""
    allowed: set[str] = set()
    guarded: dict[str, str] = {}
    for slug, defender in catalogue.defenders.items():
        if defender.meta.image:
            path = f"content/{defender.meta.image}"
            shown = public.defenders.get(slug)
            if shown is not None and shown.meta.image:
                allowed.add(path)
            else:
                guarded[path] = defender.path
    problems = []
    for entry in public.entries():
        uses = []
        if entry.meta.image and not isinstance(entry.meta, Defender):
            uses.append((("image",), f"content/{entry.meta.image}"))
        uses += [(loc, p) for loc, p in catalogue.links.get(entry.path, ()) if p.startswith(MEDIA_DIR + "/")]
        for loc, path in uses:
            if path in guarded and path not in allowed:
                problems.append(Problem(
                    entry.path, entry.line(loc), format_key(loc),
                    f"{path} is the photo of a profile that may not show it ({guarded[path]}): use another image",
                ))
    return problems


# ---------------------------------------------------------------- secrets


def collect_secrets(catalogue: Catalogue) -> dict[str, tuple[str, int]]:
    """Every ``private.real_name`` of every file, published or not, with the file and line."""
    found: dict[str, tuple[str, int]] = {}

    def walk(value: Any, entry: Entry, loc: tuple) -> None:
        if isinstance(value, Private):
            if value.real_name and value.real_name.strip():
                found.setdefault(value.real_name.strip(), (entry.path, entry.line(loc + ("real_name",))))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), entry, loc + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                walk(item, entry, loc + (i,))

    for entry in catalogue.entries():
        walk(entry.meta, entry, ())
    return found


def normalise(text: str) -> str:
    """Case- and space-insensitive form used to look for secrets."""
    return " ".join(text.casefold().split())


def find_secrets(public: Catalogue, secrets: dict[str, tuple[str, int]]) -> list[Problem]:
    """Problems for every public text that contains a real name."""
    if not secrets:
        return []
    pattern = secret_pattern(secrets)
    origins = {normalise(name): f"{path}:{line}" for name, (path, line) in secrets.items()}
    problems = []
    for entry in public.entries():
        texts = list(_texts(entry.meta, ())) + [(("body",), entry.body)]
        for loc, text in texts:
            match = pattern.search(normalise(text))
            if match:
                origin = origins[match.group(0)]
                first = entry.source.body_line if loc == ("body",) else entry.source.text_line(loc)
                problems.append(Problem(entry.path, first + _line_of(pattern, text), format_key(loc),
                                        f"contains the private real name from {origin}: remove it"))
    return problems


def _line_of(pattern: re.Pattern, text: str) -> int:
    """Lines before the first line that contains a match (0 if it spans lines)."""
    for i, line in enumerate(text.splitlines()):
        if pattern.search(normalise(line)):
            return i
    return 0


def secret_pattern(secrets) -> re.Pattern:
    """A regex that finds any of the names in ``secrets`` as whole words in :func:`normalise`-d text."""
    alternatives = sorted({normalise(name) for name in secrets}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)")


def _texts(value: Any, loc: tuple):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), loc + (name,))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,))

"""Typed records for each content type of the contract (``shared/spec/content-format.md``).

Each class is the front matter of one type. Field docstrings are the
documentation volunteers see in the JSON Schema for their editor. Rules that
depend on other keys (``deadline`` is required while an action is open) are in
each record's :meth:`requirements`, so that all of them are reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .fields import (
    Bool,
    Country,
    DateOrDateTime,
    DateOrYear,
    Email,
    Identifier,
    IsoDate,
    IsoDateTime,
    Lang,
    Markdown,
    MediaPath,
    PlainText,
    Slug,
    Text,
    Timezone,
    Url,
)
from .source import Source

Requirement = tuple[tuple, str] | tuple[tuple, str, tuple]
"""A broken rule: (key path, message), optionally with the key whose line to report."""


class Private(BaseModel):
    """Internal notes. Never published anywhere, at any depth."""

    model_config = ConfigDict(extra="allow", frozen=True, use_attribute_docstrings=True)

    real_name: Text | None = None
    """A name that must never appear in any output: the build fails if it does."""


class Record(BaseModel):
    """Base of every mapping in the contract: strict, closed to unknown keys, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, use_attribute_docstrings=True)

    private: Private | None = None
    """Internal notes; never published. Allowed in any mapping (a stop, a contact ...)."""

    def requirements(self) -> list[Requirement]:
        """Rules between keys, as ``(key path, message)`` for every rule broken."""
        return []


class Content(Record):
    """Keys every type may carry."""

    TEXT: ClassVar[frozenset[str]] = frozenset({"title", "summary", "image_alt"})
    """The keys a translation carries (``x.es.md``): text. Every other key is a fact, from the original."""

    title: PlainText
    """The title, as plain text."""
    summary: Text | None = None
    """One or two sentences: feeds, cards and the meta description use it."""
    lang: Lang | None = None
    """BCP 47 language of this file; defaults to the site language."""
    country: Country | None = None
    """ISO 3166-1 alpha-2 country code."""
    themes: tuple[Slug, ...] = ()
    """Theme slugs from the site's vocabulary (``accompany.themes`` in mkdocs.yml)."""
    campaigns: tuple[Slug, ...] = ()
    """Campaign slugs: each names a file in campaigns/."""
    draft: Bool = False
    """true: never published."""
    publish_on: DateOrDateTime | None = None
    """Embargo: not published before this date or date-time."""
    image: MediaPath | None = None
    """An image inside content/media/, written media/river.jpg."""
    image_alt: Text | None = None
    """What the image shows, for people who cannot see it. Required with image."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.image and not self.image_alt:
            out.append((("image_alt",), "required when image is set: describe what the image shows", ("image",)))
        return out


class Contact(Record):
    """Someone to write to: a target of an action, or a person to copy."""

    TEXT: ClassVar[frozenset[str]] = frozenset({"role", "salutation"})

    name: Text | None = None
    """The person's name and title, as on the envelope."""
    role: Text | None = None
    """Their office: Attorney General, Minister of the Interior."""
    organisation: Text | None = None
    """Their institution."""
    address: Text | None = None
    """The postal address, one line per envelope line."""
    email: Email | None = None
    """An email address, when letters may be emailed."""
    salutation: Text | None = None
    """How to open the letter: Dear Attorney General."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if not (self.name or self.role or self.organisation):
            out.append(((), "needs a name, a role or an organisation"))
        if not (self.address or self.email):
            out.append(((), "needs an address or an email to write to"))
        return out


class Update(Record):
    """A development in an action's case; each is its own feed entry."""

    TEXT: ClassVar[frozenset[str]] = frozenset({"title", "text"})

    date: IsoDate
    """When it happened."""
    title: PlainText
    """A headline."""
    text: Markdown
    """What happened, in Markdown."""


class Action(Content):
    """An urgent action: one case, with its updates."""

    TEXT: ClassVar[frozenset[str]] = Content.TEXT | {"steps", "letter", "outcome", "updates", "targets", "copies",
                                                     "share"}

    summary: Text
    """Required: one or two sentences; feeds, cards and the meta description use it."""
    country: Country
    """Required: the country of the case (ISO 3166-1 alpha-2)."""
    id: Identifier
    """Stable unique id, such as UA-2026-014. Never change it once published."""
    issued: IsoDate
    """The date the action was issued."""
    deadline: IsoDate | None = None
    """The last day to act: the action is open through this day, and shows as closed after it. Required while open."""
    status: Literal["open", "closed", "resolved"] = "open"
    """open, closed or resolved (good news). After the deadline an open action shows as closed."""
    outcome: Markdown | None = None
    """What happened in the end. Required when resolved."""
    defenders: tuple[Slug, ...] = ()
    """Slugs of the defender profiles involved; each must be published."""
    targets: tuple[Contact, ...] = ()
    """Who to write to. At least one while open."""
    copies: tuple[Contact, ...] = ()
    """Who to send copies to."""
    appeal_languages: tuple[Lang, ...] = ()
    """The languages appeals should be written in."""
    steps: tuple[Markdown, ...] = ()
    """What to do, in order."""
    letter: Markdown | None = None
    """The model letter, in Markdown. Required while open."""
    updates: tuple[Update, ...] = ()
    """Developments, each with date, title and text."""
    share: Text | None = None
    """Added by accompany: the text its share links start with (a message, a post), in its language. The
    page's address and the campaign's hashtag follow it. Without it: the title, the date and the address."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.status == "open":
            if self.deadline is None:
                out.append((("deadline",), "required while status is open", ("status",)))
            if not self.targets:
                out.append((("targets",), "at least one target is required while status is open", ("targets",)))
            if not self.letter:
                out.append((("letter",), "required while status is open: the model letter", ("status",)))
        if self.status == "resolved" and not self.outcome:
            out.append((("outcome",), "required when status is resolved: say what happened", ("status",)))
        if self.deadline and self.deadline < self.issued:
            out.append((("deadline",), f"is before issued ({self.issued.isoformat()})"))
        seen: dict[tuple[date, str], int] = {}
        for i, update in enumerate(self.updates):
            key = (update.date, update.title)
            if key in seen:
                out.append((("updates", i), f"repeats update {seen[key]} (same date and title)"))
            seen.setdefault(key, i)
        return out


class Vetting(Record):
    """Who checked the profile, and until when that check holds."""

    status: Literal["pending", "approved", "rejected", "withdrawn"]
    """Only approved publishes."""
    by: Text | None = None
    """Who approved it; must differ from author. Required when approved."""
    on: IsoDate | None = None
    """When it was approved. Required when approved."""
    review_by: IsoDate | None = None
    """After this date the profile is withheld until re-vetted. Required when approved."""


class Consent(Record):
    """What the defender agreed may be shown."""

    name: Literal["full", "first", "pseudonym"]
    """How the name field may be shown: full name, first name or a pseudonym."""
    photo: Bool = False
    """false (the default): no photo anywhere, and the file is not copied."""
    location: Literal["country", "region", "none"] = "country"
    """How precise a place may be shown: country (the default), region, or none."""
    organisation: Bool = False
    """false (the default): the organisation is not shown."""
    given_on: IsoDate | None = None
    """When consent was given. Required, except while the profile is a draft."""
    withdrawn_on: IsoDate | None = None
    """Set it, and the profile is withdrawn from every output."""


class Defender(Content):
    """A defender profile: a person, a community or an organisation."""

    TEXT: ClassVar[frozenset[str]] = Content.TEXT | {"role", "pronouns"}

    summary: Text
    """Required: one or two sentences about their work."""
    country: Country
    """Required: ISO 3166-1 alpha-2. Shown only as consent.location allows."""
    name: PlainText
    """The name as the person agreed to be shown."""
    also_known_as: tuple[PlainText, ...] = ()
    """Added by accompany: other names texts may use for them (a nickname, a full name). Once consent
    is withdrawn or missing, name and these are tripwires: any file whose public text mentions one is
    withheld until edited."""
    kind: Literal["person", "community", "organisation"] = "person"
    """person (the default), community or organisation."""
    pronouns: Text | None = None
    """Optional: she/her."""
    role: Text | None = None
    """Their role: community leader, lawyer."""
    organisation: Text | None = None
    """Their organisation; shown only with consent.organisation."""
    region: Text | None = None
    """Their region; shown only when consent.location is region."""
    accompanied_since: DateOrYear | None = None
    """A year or a date."""
    author: Text | None = None
    """Who wrote the profile (initials or handle)."""
    vetting: Vetting
    """Required: who checked the profile (see vetting.*)."""
    consent: Consent
    """Required: what the defender agreed may be shown (see consent.*)."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.vetting.status == "approved":
            for key in ("by", "on", "review_by"):
                if getattr(self.vetting, key) is None:
                    out.append((("vetting", key), "required when vetting.status is approved", ("vetting", "status")))
        if self.consent.given_on is None and not self.draft:
            out.append((("consent", "given_on"), "required: the date the defender agreed to be shown "
                        "(only a draft may leave it out)", ("consent",)))
        return out


class Stop(Record):
    """One event of a speaker tour."""

    TEXT: ClassVar[frozenset[str]] = frozenset({"venue", "accessibility"})

    id: Identifier | None = None
    """Keeps the stop's calendar UID stable when its date or city changes."""
    starts: IsoDateTime
    """Local date and time, 2026-12-18T19:00, or with an offset."""
    ends: IsoDateTime | None = None
    """Local date and time the event ends."""
    timezone: Timezone | None = None
    """IANA name, Europe/London; defaults to the site's time zone. A stop written with an offset and no
    timezone (2027-04-02T17:00:00+02:00) is at that fixed offset."""
    city: Text | None = None
    """The city, shown in the schedule and calendars."""
    country: Country | None = None
    """ISO 3166-1 alpha-2: the stop appears on that country's page."""
    lang: Lang | None = None
    """BCP 47 language of the stop's letter-writing pack, es; defaults to a language of the stop's country
    that the site is published in, else the page's."""
    venue: Text | None = None
    """The venue's name."""
    address: Text | None = None
    """The venue's address, one line per line."""
    online: Url | None = None
    """The link for online or hybrid stops."""
    registration: Url | None = None
    """Where to register."""
    accessibility: Text | None = None
    """Step-free access, captions, interpretation."""
    status: Literal["scheduled", "postponed", "cancelled"] = "scheduled"
    """A cancelled stop stays listed, marked, and cancelled in calendars."""
    announced: IsoDate | None = None
    """Added by accompany: when this stop was announced, if later than its tour; its feed entry carries this date."""
    actions: tuple[Identifier, ...] = ()
    """Ids of urgent actions featured at this stop."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if not (self.venue or self.online or self.city):
            out.append(((), "needs a venue, a city or an online link"))
        if self.ends is not None and (self.ends.tzinfo is None) != (self.starts.tzinfo is None):
            out.append((("ends",), "write both starts and ends with an offset, or both without"))
        elif self.ends is not None and self.ends <= self.starts:
            out.append((("ends",), "must be after starts"))
        return out


class Tour(Content):
    """A speaker tour: one or more stops."""

    TEXT: ClassVar[frozenset[str]] = Content.TEXT | {"stops", "share"}

    summary: Text
    """Required: one or two sentences."""
    defenders: tuple[Slug, ...] = ()
    """Slugs of the defenders touring; each must be published."""
    stops: tuple[Stop, ...] = Field(min_length=1)
    """The events, at least one."""
    announced: IsoDate | None = None
    """Added by accompany: when the tour was announced; its feed entries carry this date
    (else publish_on, else the first stop's date, which feed readers distrust while it is in the future)."""
    share: Text | None = None
    """Added by accompany: the text its share links start with (a message, a post), in its language. The
    page's address and the campaign's hashtag follow it. Without it: the title, the date and the address."""


class Campaign(Content):
    """A campaign: groups actions, tours and defenders."""

    TEXT: ClassVar[frozenset[str]] = Content.TEXT | {"share"}

    summary: Text
    """Required: one or two sentences."""
    starts: IsoDate
    """When the campaign starts."""
    ends: IsoDate | None = None
    """When it ends, if it does."""
    countries: tuple[Country, ...] = ()
    """The countries it concerns."""
    hashtag: Text | None = None
    """Optional, with or without #."""
    share: Text | None = None
    """Added by accompany: the text its share links start with (a message, a post), in its language. The
    page's address and the campaign's hashtag follow it. Without it: the title, the date and the address."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.ends and self.ends < self.starts:
            out.append((("ends",), "must not be before starts"))
        return out


class Page(Content):
    """An ordinary page: home, about, how to help."""

    order: int | None = None
    """Added by accompany: top-level pages appear in the navigation, sorted by order."""
    tell_us: Bool = False
    """Added by accompany: true shows a "Tell us you wrote" e-mail link to accompany.contact_email on this
    page (the how-to-help page). Every open action has one."""


M = TypeVar("M", bound=Content)


@dataclass(frozen=True)
class Entry(Generic[M]):
    """A validated file: its front matter as a typed record, its body and where it came from.

    Attribute access falls through to the record, so ``entry.title`` works.
    """

    source: Source
    meta: M
    body: str
    untranslated: frozenset = frozenset()
    """For a translation: the key paths (``("letter",)``, ``("body",)``) still in the original's words."""
    original_lang: str | None = None
    """For a translation, or an original shown in another language: the language of the original's words."""

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def path(self) -> str:
        return self.source.path

    def line(self, loc: tuple = ()) -> int:
        return self.source.line(loc)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: delegate to the record.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.meta, name)

    def replace(self, meta: Any = None, body: str | None = None) -> "Entry[M]":
        return Entry(self.source, self.meta if meta is None else meta, self.body if body is None else body,
                     self.untranslated, self.original_lang)

"""The site's settings: the ``accompany:`` block of ``mkdocs.yml``, typed, and the settings file as a whole.

Field docstrings are what volunteers read (VOLUNTEERS.md, the JSON Schema);
rules between keys are each record's :meth:`requirements`, as in model.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from .fields import Bool, Email, EnvName, HostName, Lang, PlainText, Slug, TagAuthority, Text, Timezone, Url, fail
from .model import Record, Requirement
from .source import Source


class CmsSettings(Record):
    """Editing in the browser (``accompany cms``): where the repository lives, and whether admin/ is published."""

    publish: Bool = False
    """true: the build puts the editing page in the public site, at admin/ (it needs backend).
    false (the default): editing happens on this computer only (make edit), and the site has no admin/."""
    backend: Literal["github", "gitlab", "gitea"] | None = None
    """Where the site's repository lives, for editing on the published site: github, gitlab or gitea."""
    repo: Text | None = None
    """The repository, written owner/name. Required with backend."""
    branch: Text = "main"
    """The branch the site is built from; the CMS commits to it."""
    base_url: Url | None = None
    """GitLab or Gitea on your own server: its address (https://git.example.org). GitHub: the address
    of the OAuth helper that signs volunteers in (see README); left out, Netlify's is used. Required for gitea."""
    app_id: Text | None = None
    """The id of the OAuth application registered for the CMS on GitLab or Gitea. Required for gitlab and gitea."""

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.publish and self.backend is None:
            out.append((("backend",), "required when publish is true: github, gitlab or gitea", ("publish",)))
        if self.backend and not self.repo:
            out.append((("repo",), "required with backend: the repository, written owner/name", ("backend",)))
        if self.repo and not re.fullmatch(r"[^/\s]+(/[^/\s]+)+", self.repo):
            out.append((("repo",), f"{self.repo!r} is not a repository: write owner/name"))
        if self.backend in ("gitlab", "gitea") and not self.app_id:
            out.append((("app_id",), f"required for {self.backend}: the id of the OAuth application", ("backend",)))
        if self.backend == "gitea" and not self.base_url:
            out.append((("base_url",), "required for gitea: the address of your Gitea server", ("backend",)))
        return out


#: Host names that never leave this machine: the only ones a password may be sent to without TLS.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class AlertSettings(Record):
    """``accompany.alerts``: how ``accompany alert --send`` reaches the emergency network by e-mail."""

    host: HostName
    """The SMTP server that submits the alerts: smtp.example.org."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """Its port; by default 587 with starttls, 465 with tls, 25 with none."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    """starttls (the default), tls (the connection is encrypted from the start, usually port 465),
    or none (only for a server on this machine)."""
    sender: Email = Field(alias="from")
    """The address alerts come from (written from:); the organisation's name is shown with it."""
    to: tuple[Email, ...] = Field(min_length=1)
    """Who receives the alerts, shown in each message: usually the network's list address."""
    bcc: tuple[Email, ...] = ()
    """Who else receives them without being shown to the others: members at risk, partners."""
    username: Text | None = None
    """The login name on the SMTP server, if it asks for one."""
    password_env: EnvName | None = None
    """The name of the environment variable that holds the SMTP password (ACCOMPANY_SMTP_PASSWORD).
    The password itself is never written in mkdocs.yml."""
    languages: tuple[Lang, ...] = ()
    """The languages the network reads; each event is one e-mail per language. Default: the site language."""

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise fail("password: never write the SMTP password in mkdocs.yml: put it in an environment "
                             "variable and write that variable's name as password_env")
        return data

    @property
    def default_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.username and not self.password_env:
            out.append((("password_env",), "required with username: the name of the environment variable "
                        "that holds the password", ("username",)))
        if self.password_env and not self.username:
            out.append((("username",), "required with password_env: the login name on the SMTP server",
                        ("password_env",)))
        if self.security == "none" and self.username and self.host.lower() not in LOOPBACK:
            out.append((("security",), "is none, which would send the password unencrypted to "
                        f"{self.host}: use starttls or tls"))
        return out


class Settings(Record):
    """The ``accompany:`` block of mkdocs.yml: settings of the site as a whole."""

    organisation: PlainText
    """The organisation's name: author of feeds, shown on sheets."""
    language: Lang = "en"
    """The site's language, the default for every file's lang. Material's interface follows it:
    leave theme.language out of mkdocs.yml. With languages, the first of them (or leave it out)."""
    languages: tuple[Lang, ...] = ()
    """Added by accompany: the site's languages, the first the default: pages in the others are
    under /<language>/, and a file translates another as river-guardians.es.md. One language: leave it out."""
    timezone: Timezone = "UTC"
    """The site's IANA time zone: dates, deadlines and stops without their own zone use it."""
    themes: dict[Slug, PlainText] = {}
    """The theme vocabulary: slug: label."""
    feed_limit: int = Field(default=50, ge=1, le=1000)
    """How many entries each feed carries, newest first."""
    contact_email: Email | None = None
    """Where supporters write to the organisation."""
    pack_days: int = Field(default=45, ge=0, le=366)
    """Letter-writing packs (PDF) are made for tour stops that start within this many days.
    A pack is printed shortly before the event; one made months ahead would list actions long closed."""
    review_warning_days: int = Field(default=14, ge=0, le=365)
    """accompany check warns this many days before a profile's review_by date."""
    tag_authority: TagAuthority = "accompany.invalid,2026"
    """Who names feed entries and calendar events: a domain you control and a date it was yours
    (example.org,2026). Feed entry ids (tag: URIs) and event UIDs are made from it, not from
    site_url, so they survive a move to a new domain. Set it once, before the site is first
    published, and never change it: readers and calendars would show everything again, twice.
    The default works, but it is the same for every site that keeps it."""
    cms: CmsSettings = CmsSettings()
    """Editing in the browser (see cms.*): off the public site unless cms.publish is true."""
    alerts: AlertSettings | None = None
    """Added by accompany: e-mail alerts to the emergency network (see alerts.*); none without it."""
    websub_hub: Url | None = None
    """Added by accompany: a WebSub hub (https://hub.example/): every feed names it, and
    ``accompany websub`` tells it which feeds changed, so subscribers hear within seconds."""

    @model_validator(mode="before")
    @classmethod
    def _default_language(cls, data: Any) -> Any:
        # With languages and no language, the first language is the site's default.
        if isinstance(data, dict) and data.get("languages") and "language" not in data:
            languages = data["languages"]
            if isinstance(languages, tuple) and languages and isinstance(languages[0], str):
                return {**data, "language": languages[0]}
        return data

    @property
    def site_languages(self) -> tuple[str, ...]:
        """Every language the site is published in, the default first."""
        return self.languages or (self.language,)

    def requirements(self) -> list[Requirement]:
        out = super().requirements()
        if self.languages and self.language != self.languages[0]:
            out.append((("language",), f"is {self.language!r} but languages starts with {self.languages[0]!r}: "
                        "the first of languages is the site's default; leave language out"))
        for i, lang in enumerate(self.languages):
            if lang in self.languages[:i]:
                out.append((("languages", i), f"{lang!r} is listed twice"))
        for i, lang in enumerate(self.alerts.languages if self.alerts else ()):
            if lang not in self.site_languages:
                out.append((("alerts", "languages", i), f"{lang!r} is not a language of this site "
                            f"({', '.join(self.site_languages)}): alerts are composed from the built site, in its languages"))
        return out

    @property
    def alert_languages(self) -> tuple[str, ...]:
        """The languages alerts are written in: ``alerts.languages``, else the site language."""
        return (self.alerts.languages if self.alerts and self.alerts.languages else ()) or (self.language,)


@dataclass(frozen=True)
class SiteConfig:
    """Settings plus what accompany takes from mkdocs.yml itself."""

    settings: Settings
    site_name: str
    site_url: str
    raw: dict
    """The rest of mkdocs.yml, handed on to the engine."""
    source: Source

"""Is the site ready to go out? Settings still at their placeholder values.

``accompany check`` prints these as warnings: a site can be built and
previewed with them, but not published as it is. Decided here, once, on the
validated settings; no I/O.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .settings import Settings, SiteConfig
from .problems import Problem

#: Domains reserved for examples and tests (RFC 2606, RFC 6761): never a real site's.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "invalid", "test", "localhost")

DEFAULT_TAG_AUTHORITY = Settings.model_fields["tag_authority"].default


def is_placeholder(host: str) -> bool:
    """True for a host under a domain reserved for examples (``accompany.example.org``, ``x.invalid``)."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def settings_warnings(config: SiteConfig) -> list[Problem]:
    """What in mkdocs.yml is still a placeholder, each with what to do."""
    source, settings = config.source, config.settings
    out = []

    def warn(loc: tuple, key: str, message: str) -> None:
        out.append(Problem(source.path, source.line(loc), key, message))

    host = urlsplit(config.site_url).hostname or ""
    if is_placeholder(host):
        warn(("site_url",), "site_url", f"{config.site_url} is an example address: set the site's real address "
             "before publishing (feeds, calendars and sheets carry it)")
    if settings.contact_email is None:
        warn(("accompany", "contact_email"), "accompany.contact_email",
             "not set: supporters and partners have no address to write to")
    elif is_placeholder(settings.contact_email.rpartition("@")[2]):
        warn(("accompany", "contact_email"), "accompany.contact_email",
             f"{settings.contact_email} is an example address: set the organisation's real one")
    if settings.tag_authority == DEFAULT_TAG_AUTHORITY:
        warn(("accompany", "tag_authority"), "accompany.tag_authority",
             "still the default, shared by every site that keeps it: set a domain you control and this "
             "year (example.org,2026) once, before the site first goes out")
    elif is_placeholder(settings.tag_authority.partition(",")[0]):
        warn(("accompany", "tag_authority"), "accompany.tag_authority",
             f"{settings.tag_authority} names an example domain: use a domain you control, once, before "
             "the site first goes out")
    return out

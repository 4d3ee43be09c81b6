"""What the deploy files must know about one site: shared by every recipe."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

SYSTEMS = ("github", "gitlab", "server")

#: Minutes past local midnight at which the daily build starts: late enough to be on the new day,
#: off the top of the hour that every other scheduled job on a shared runner picks.
BUILD_MINUTE = 7


@dataclass(frozen=True)
class Deployment:
    """What the deploy files need to know about one site."""

    site_url: str
    """The public address, with a trailing slash: ``https://example.org/``."""
    timezone: str
    """The site's IANA time zone: the daily build runs just after midnight there."""
    organisation: str
    maintainers: str
    """Who is told when a build fails (an e-mail address)."""
    onion: str | None = None
    """The onion service's host name (``...onion``), if the site has one."""
    project_dir: str = "/srv/accompany/site"
    """Own server: the clone of the site's repository."""
    venv: str = "/srv/accompany/venv"
    """Own server: the virtual environment accompany is installed in."""
    www_root: str = "/var/www/accompany"
    """Own server: the folder that holds ``site/`` (and ``onion/``); the build swaps them in place."""
    user: str = "accompany"
    """Own server: the system user the build runs as."""

    @property
    def host(self) -> str:
        return urlsplit(self.site_url).hostname or ""

    @property
    def onion_url(self) -> str | None:
        return f"http://{self.onion}/" if self.onion else None

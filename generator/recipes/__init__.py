"""Deploy recipes: the files that put a site online and rebuild it every day.

Each recipe turns a :class:`Deployment` (what the files must know about one
site) into ``{path in the project: text}``. Nothing here touches the disk:
``accompany init`` writes the files, and the tests render them with paths of
their own to run the real tools on them (actionlint, GitLab's schema,
``systemd-analyze verify``, nginx).

- ``github``: GitHub Pages through a GitHub Actions workflow;
- ``gitlab``: GitLab Pages through ``.gitlab-ci.yml`` and a pipeline schedule;
- ``server``: your own server: systemd units (daily build, failure notice,
  daily status check), an nginx site, and a Tor onion service if asked.
"""

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


def recipe(system: str, deployment: Deployment, year: int) -> dict[str, str]:
    """The files of one deploy system, by path in the project. ``year``: the GitHub schedule's DST year."""
    from . import github, gitlab, nginx, systemd

    if system == "github":
        return {github.PATH: github.workflow(deployment, year)}
    if system == "gitlab":
        return {gitlab.PATH: gitlab.pipeline(deployment)}
    if system == "server":
        files = systemd.units(deployment)
        files[nginx.PATH] = nginx.config(nginx.Server.for_deployment(deployment))
        if deployment.onion:
            files[nginx.TORRC] = nginx.torrc(deployment)
        return files
    raise ValueError(f"unknown deploy system {system!r}: choose from {', '.join(SYSTEMS)}")

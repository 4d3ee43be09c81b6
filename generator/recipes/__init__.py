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

from . import github, gitlab, nginx, systemd
from .deployment import BUILD_MINUTE, SYSTEMS, Deployment

__all__ = ["BUILD_MINUTE", "SYSTEMS", "Deployment", "recipe"]


def recipe(system: str, deployment: Deployment, year: int) -> dict[str, str]:
    """The files of one deploy system, by path in the project. ``year``: the GitHub schedule's DST year."""
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

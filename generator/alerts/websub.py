"""``accompany websub``: tell the WebSub hub which feeds of the built site changed since it was last told.

With ``accompany.websub_hub`` set, every feed names the hub
(:mod:`generator.outputs.hubs`). Subscribers' readers and partner sites
subscribe there; the hub fetches a feed when it hears that it changed. This
command hashes every feed file of the built site, compares them with what it
recorded after the last notification (``.accompany/alerts/websub.json``), and
posts ``hub.mode=publish`` with ``hub.url`` for each feed that changed, one
at a time, recording each the hub accepted. A ping names a public feed's
address and nothing else; a feed no longer in the site is forgotten, never pinged.

Run it once the site is online: the hub fetches the feeds at once.
"""

from __future__ import annotations

import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ..core.problems import Problem, ProblemsFound
from .command import alerts_folder, read_config
from .snapshot import write_json

TIMEOUT = 30
FEED_SUFFIXES = (".rss.xml", ".atom.xml", ".json")


class HubError(Exception):
    """The hub could not be told: the message says why."""


def feed_digests(site_dir: Path) -> dict[str, str]:
    """``{path in the site: sha256}`` of every feed file (RSS, Atom, JSON Feed) under ``feeds/``."""
    folder = site_dir / "feeds"
    return {p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name.endswith(FEED_SUFFIXES)}


def publish(hub: str, topic: str, timeout: float = TIMEOUT) -> None:
    """One publish notification: ``hub.mode=publish``, ``hub.url=topic``; :class:`HubError` unless the hub accepts."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    request = urllib.request.Request(hub, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "accompany"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise HubError(f"the hub {hub} refused {topic}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HubError(f"cannot reach the hub {hub}: {reason}") from None


def run(root: Path, site_dir: Path) -> int:
    config = read_config(root, needs="websub_hub")
    hub, site_url = config.settings.websub_hub, config.site_url
    digests = feed_digests(site_dir) if (site_dir / "feeds").is_dir() else {}
    if not digests:
        raise ProblemsFound([Problem("mkdocs.yml", config.source.line(("accompany", "websub_hub")),
                                     "accompany.websub_hub", f"no feeds in {site_dir}: run accompany build first")])
    if not _declares(site_dir / "feeds" / "all.atom.xml", hub):
        raise ProblemsFound([Problem("mkdocs.yml", config.source.line(("accompany", "websub_hub")),
                                     "accompany.websub_hub", f"the feeds in {site_dir} do not name this hub: "
                                     "run accompany build, put the site online, then run accompany websub")])
    path = alerts_folder(root) / "websub.json"
    recorded = _read(path)
    if recorded.get("hub") != hub or recorded.get("site_url") != site_url:
        recorded = {"hub": hub, "site_url": site_url, "feeds": {}}
    # Feeds gone from the site are forgotten: their addresses may be what was withdrawn.
    told = {p: d for p, d in recorded["feeds"].items() if p in digests}
    changed = [p for p in digests if told.get(p) != digests[p]]
    done = 0
    try:
        for feed in changed:
            publish(hub, site_url + feed)
            told[feed] = digests[feed]
            done += 1
    except HubError as exc:
        print(f"accompany websub: {exc}", file=sys.stderr)
        return 1
    finally:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json(path, {"hub": hub, "site_url": site_url, "feeds": told})
    print(f"told {hub} about {done} changed feed(s) of {len(digests)}" +
          ("" if done else ": nothing changed since the last notification"))
    return 0


def _declares(feed: Path, hub: str) -> bool:
    """Whether the built feed names ``hub`` (else it was built before the setting: no one subscribes there)."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.parse(feed).getroot()
    except (OSError, ElementTree.ParseError):
        return False
    return any(link.get("rel") == "hub" and link.get("href") == hub
               for link in root.iter("{http://www.w3.org/2005/Atom}link"))


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("feeds"), dict) else {}

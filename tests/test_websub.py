"""WebSub: every feed names the hub, and accompany websub pings the hub once for each feed that changed.

The hub is a real HTTP server on 127.0.0.1 recording the pings; feeds are read
back with ElementTree, feedparser and json.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from alerting import Hub, write_action
from conftest import MINIMAL_SETTINGS, Project
from smtp_server import free_port

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def hub():
    server = Hub()
    yield server
    server.stop()


class _Copy(Project):
    """A copy of a project already built (one build for the module, then each test on its own copy)."""

    def __init__(self, root):
        self.root = root


@pytest.fixture(scope="module")
def built_once(tmp_path_factory, hub) -> Path:
    project = Project(tmp_path_factory.mktemp("websub") / "project")
    project.write("mkdocs.yml", MINIMAL_SETTINGS + f"  websub_hub: {hub.url}\n")
    write_action(project, 1)
    code, _, err = project.cli("build", "--as-of", "2026-12-01")
    assert code == 0, err
    return project.root


@pytest.fixture
def built(built_once, tmp_path, hub):
    shutil.copytree(built_once, tmp_path / "project", symlinks=True)
    hub.pings.clear()
    hub.bodies.clear()
    hub.status = 204
    return _Copy(tmp_path / "project")


def _feeds(project) -> list[str]:
    site = project.root / "site"
    return sorted(p.relative_to(site).as_posix() for p in (site / "feeds").rglob("*")
                  if p.name.endswith((".rss.xml", ".atom.xml", ".json")))


def test_every_feed_names_the_hub(built, hub):
    feeds = _feeds(built)
    home = feedparser.parse((built.root / "site/feeds/all.rss.xml").read_bytes())
    assert home.feed.link == "https://example.org/"
    assert len(feeds) >= 12 and len(feeds) % 3 == 0
    for path in feeds:
        data = (built.root / "site" / path).read_bytes()
        if path.endswith(".json"):
            assert json.loads(data)["hubs"] == [{"type": "WebSub", "url": hub.url}]
            continue
        root = ElementTree.fromstring(data)
        links = root.iter(f"{ATOM}link")
        assert [link.get("href") for link in links if link.get("rel") == "hub"] == [hub.url], path
        parsed = feedparser.parse(data)
        assert {link["rel"]: link["href"] for link in parsed.feed.links}["hub"] == hub.url
        # RSS's <link> is the page the feed belongs to, not the hub (feedgen takes the last link given)
        assert parsed.feed.link.startswith("https://example.org/") and parsed.feed.link.endswith("/"), path
        assert any(link["rel"] == "self" and link["href"] == "https://example.org/" + path for link in parsed.feed.links)


def test_websub_pings_each_changed_feed_once(built, hub):
    code, out, err = built.cli("websub")
    assert code == 0, err
    feeds = _feeds(built)
    assert sorted(hub.topics()) == ["https://example.org/" + p for p in feeds]
    code, out, _ = built.cli("websub")
    assert code == 0 and "nothing changed since the last notification" in out and len(hub.pings) == len(feeds)

    write_action(built, 2)  # a new action: the action feeds change, the tours' feed does not
    assert built.cli("build", "--as-of", "2026-12-01")[0] == 0
    hub.pings.clear()
    assert built.cli("websub")[0] == 0
    topics = hub.topics()
    assert len(topics) == len(set(topics))
    assert {"https://example.org/feeds/all.atom.xml", "https://example.org/feeds/actions-open.rss.xml",
            "https://example.org/feeds/actions.json", "https://example.org/feeds/countries/co.json"} <= set(topics)
    assert not any("/feeds/tours." in t for t in topics)


def test_a_hub_that_refuses_or_cannot_be_reached_is_reported_and_asked_again(built, hub):
    hub.status = 500
    code, _, err = built.cli("websub")
    assert code == 1 and f"the hub {hub.url} refused https://example.org/feeds/" in err and "HTTP 500" in err
    assert "Traceback" not in err
    hub.status = 204
    assert built.cli("websub")[0] == 0 and len(hub.pings) == len(_feeds(built))  # nothing was recorded as told
    text = (built.root / "mkdocs.yml").read_text().replace(hub.url, f"http://127.0.0.1:{free_port()}/")
    (built.root / "mkdocs.yml").write_text(text)
    code, _, err = built.cli("websub")
    assert code == 1 and "do not name this hub: run accompany build" in err
    assert built.cli("build", "--as-of", "2026-12-01")[0] == 0
    code, _, err = built.cli("websub")
    assert code == 1 and "cannot reach the hub http://127.0.0.1:" in err and "Connection refused" in err

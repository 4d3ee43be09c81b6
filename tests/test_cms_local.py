"""Local editing: decap-server listens on 127.0.0.1 only, answers only the editing page, writes only the project."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, VALID_ACTION
from generator.cms.admin import bundle_files, bundle_folder
from generator.cms.command import read_settings
from generator.cms.local import LocalBackend, LocalBackendFailed, editing, free_port


@pytest.fixture
def running(project):
    project.write("content/actions/a.md", VALID_ACTION)
    bundle = bundle_files(bundle_folder(REPO))
    with editing(project.root, read_settings(project.root), bundle, backend_port=free_port()) as page:
        yield project, page


def backend_url(project) -> str:
    config = (project.root / ".accompany" / "admin" / "config.yml").read_text()
    return next(line.split(": ", 1)[1] for line in config.splitlines() if "proxy_url:" in line)


def post(url: str, body: dict, origin: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def test_the_local_backend_listens_on_127_0_0_1_and_answers_only_the_editing_page(running):
    project, page = running
    url = backend_url(project)
    port = int(url.split(":")[2].split("/")[0])
    assert listening_addresses(port) == {"0100007F"}, "127.0.0.1 only, not every interface"
    listing = {"action": "entriesByFolder", "params": {"branch": "main", "folder": "content/actions",
                                                         "extension": "md", "depth": 1}}
    status, headers, entries = post(url, listing, page.origin)
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == page.origin
    assert [e["file"]["path"] for e in entries] == ["content/actions/a.md"]
    # Another page (another port, another site) must not: its browser asks first, and is told no.
    preflight = urllib.request.Request(url, method="OPTIONS", headers={
        "Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(preflight, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == page.origin != "http://127.0.0.1:1"


def test_the_local_backend_writes_inside_the_project_only(running):
    project, page = running
    url = backend_url(project)
    outside = project.root.parent / "outside.md"
    status, _, answer = post(url, {"action": "persistEntry", "params": {
        "branch": "main", "entry": {"slug": "x", "path": "../outside.md", "raw": "---\ntitle: x\n---\n"},
        "assets": [], "options": {"commitMessage": "x", "useWorkflow": False, "status": "draft"}}}, page.origin)
    assert status == 422 and "under the configured repository" in answer["error"]
    assert not outside.exists()


def test_the_editing_page_is_served_with_its_types_and_nothing_else(running):
    project, page = running
    with urllib.request.urlopen(page.url + "config.yml", timeout=10) as response:
        assert response.headers["Content-Type"] == "text/yaml"
        assert response.headers["Cache-Control"] == "no-store"
    with urllib.request.urlopen(page.url, timeout=10) as response:
        assert b'<script src="decap-cms.js"></script>' in response.read()
    for path in ("/", "/mkdocs.yml", "/admin/../mkdocs.yml", "/content/actions/a.md"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(page.origin + path, timeout=10)
        assert refused.value.code == 404, path


def test_a_port_in_use_is_said_plainly(running):
    project, page = running
    port = int(backend_url(project).split(":")[2].split("/")[0])
    with pytest.raises(LocalBackendFailed, match=f"127.0.0.1:{port} is in use"):
        with LocalBackend(project.root, port, page.origin):
            pass

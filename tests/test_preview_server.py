"""The preview's web server (generator/preview_server.py), and the preview failing closed as a build does.

The server is started on a site folder made here and asked over HTTP, as a browser would; the last
test starts ``accompany serve`` itself and withdraws a defender's consent while it runs.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import VALID_DEFENDER, Project
from serving import Preview
from generator.preview_server import Server, Shown

PAGE = ("<!doctype html><html><head><title>{}</title></head><body>"
        '<div data-md-component="announce"></div><h1>{}</h1></body></html>')


class Scripts(HTMLParser):
    """The scripts a page loads, and the text of the problems banner (if any)."""

    def __init__(self, text: str):
        super().__init__()
        self.scripts: list[dict] = []
        self.banner: list[str] = []
        self._in_banner = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if "ac-preview-problems" in (attrs.get("class") or "").split() or self._in_banner:
            self._in_banner += 1

    def handle_endtag(self, tag):
        if self._in_banner:
            self._in_banner -= 1

    def handle_data(self, data):
        if self._in_banner:
            self.banner.append(data)


@pytest.fixture
def served(tmp_path: Path):
    site = tmp_path / "site"
    (site / "actions" / "a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "empty").mkdir()
    (site / "index.html").write_text(PAGE.format("Home", "Home"))
    (site / "404.html").write_text(PAGE.format("Not found", "Page not found"))
    (site / "actions" / "a" / "index.html").write_text(PAGE.format("A", "An action"))
    (site / "assets" / "site.css").write_text("body { color: black; }\n")
    (site / "feed.xml").write_text("<rss></rss>\n")
    (tmp_path / "secret.txt").write_text("SECRET-OUTSIDE-THE-SITE\n")
    (site / "escape").symlink_to(tmp_path)
    shown = Shown("/org/")
    server = Server(site, 0, shown)
    server.start()
    yield server, shown
    server.shutdown()
    server.server_close()


def ask(server: Server, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    """The raw answer to ``path``, sent as it is (no normalisation by the client)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_it_listens_on_127_0_0_1_only(served):
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"


def test_the_site_is_served_under_its_path_with_content_types(served):
    server, _ = served
    status, headers, body = ask(server, "/org/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Home</h1>" in body.decode()
    status, headers, body = ask(server, "/org/actions/a/")
    assert status == 200 and "<h1>An action</h1>" in body.decode()
    status, headers, body = ask(server, "/org/assets/site.css")
    assert (status, headers["content-type"], body) == (200, "text/css; charset=utf-8", b"body { color: black; }\n")
    status, headers, body = ask(server, "/org/feed.xml")
    assert status == 200 and headers["content-type"].startswith(("application/xml", "text/xml"))
    assert ask(server, "/org/feed.xml", "HEAD")[2] == b""
    status, headers, _ = ask(server, "/org/actions/a")
    assert (status, headers["location"]) == (301, "/org/actions/a/")
    status, headers, _ = ask(server, "/")
    assert (status, headers["location"]) == (301, "/org/")


def test_what_is_not_there_or_outside_the_sites_path_is_the_404_page(served):
    server, _ = served
    for path in ("/org/actions/b/", "/actions/a/", "/other/index.html", "/org/empty/", "/org/nothing.css"):
        status, headers, body = ask(server, path)
        assert status == 404, path
        assert "<h1>Page not found</h1>" in body.decode(), path
    status, _, body = ask(server, "/org/empty/")
    assert b"<a href" not in body  # no listing of a folder


@pytest.mark.parametrize("path", [
    "/org/../secret.txt", "/org/%2e%2e/secret.txt", "/org/..%2fsecret.txt", "/org/actions/../../secret.txt",
    "/org/escape/secret.txt", "/org//etc/passwd", "/org/%00", "/org/..\\secret.txt"])
def test_no_file_outside_the_site_folder_is_served(served, path):
    server, _ = served
    status, _, body = ask(server, path)
    assert status in (301, 404)
    assert b"SECRET-OUTSIDE-THE-SITE" not in body and b"root:" not in body


def test_the_reload_script_and_the_problems_go_into_html_only_and_go_when_fixed(served):
    server, shown = served
    _, _, body = ask(server, "/org/actions/a/")
    page = Scripts(body.decode())
    assert [s["src"] for s in page.scripts] == ["/org/__accompany__/reload.js"] and page.banner == []
    version = page.scripts[0]["data-version"]
    status, headers, script = ask(server, "/org/__accompany__/reload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"location.reload()" in script

    shown.update(("content/actions/a.md:3: country: <script>alert(1)</script> is not a country",))
    _, _, body = ask(server, "/org/actions/a/")
    page = Scripts(body.decode())
    assert len(page.scripts) == 1 and page.scripts[0]["data-version"] != version  # the injected one alone
    text = " ".join("".join(page.banner).split())
    assert text.startswith("Not updated: accompany found 1 problem. This preview shows the last version that worked.")
    assert "content/actions/a.md:3: country: <script>alert(1)</script> is not a country" in text  # escaped: text
    assert "<h1>An action</h1>" in body.decode()  # the last good page
    for path in ("/org/assets/site.css", "/org/feed.xml"):
        assert b"accompany" not in ask(server, path)[2] and b"__accompany__" not in ask(server, path)[2]
    _, _, missing = ask(server, "/org/gone/")
    assert "Not updated" in "".join(Scripts(missing.decode()).banner)  # the 404 page too

    shown.update(())
    _, _, body = ask(server, "/org/actions/a/")
    assert Scripts(body.decode()).banner == []
    assert b"Not updated" not in body
    assert not any("ac-preview" in p.read_text() for p in server.site.rglob("*.html"))  # never written


def test_the_problems_are_told_in_the_language_of_the_site_last_built_and_only_the_first_are_listed(served):
    """The banner's sentences from accompany's catalog of the site's language (the problems as the terminal
    has them); a long list shows its first 30 and says how many more the terminal has."""
    server, shown = served
    problems = tuple(f"content/actions/a{n:02}.md:3: country: XX is not a country" for n in range(32))
    shown.update((), None, "es")
    shown.update(problems)  # a failed build: the language stays the last good build's
    text = " ".join("".join(Scripts(ask(server, "/org/actions/a/")[2].decode()).banner).split())
    assert text.startswith("Sin actualizar: accompany encontró 32 problemas. Esta vista previa muestra la última "
                           "versión que funcionó.")
    assert "a29.md:3: country: XX is not a country" in text and "a30.md" not in text
    assert text.endswith("y 2 más: vea la terminal")
    shown.update((), None, "de")
    shown.update(problems[:1])
    text = " ".join("".join(Scripts(ask(server, "/org/actions/a/")[2].decode()).banner).split())
    assert text.startswith("Nicht aktualisiert: accompany hat 1 Problem gefunden.") and "weitere" not in text


def test_the_version_answers_when_the_preview_changes(served):
    server, shown = served
    seen = str(shown.version)
    threading.Timer(0.5, shown.update).start()
    started = time.monotonic()
    status, _, body = ask(server, f"/org/__accompany__/version?seen={seen}")
    assert status == 200 and int(body) == int(seen) + 1
    assert 0.3 < time.monotonic() - started < 10  # it waited for the change


WITHDRAWN = VALID_DEFENDER.replace("name: Ana\n", "name: Ana Quillbrook\n").replace(
    "  given_on: 2026-09-01\n", "  given_on: 2026-09-01\n  withdrawn_on: 2026-11-30\n")


def test_a_withdrawn_defender_leaves_the_preview(tmp_path: Path):
    project = Project(tmp_path / "project")
    profile = project.write("content/defenders/ana.md", VALID_DEFENDER.replace("name: Ana\n", "name: Ana Quillbrook\n"))
    site = project.root / ".accompany" / "preview" / "site"
    with Preview(project.root) as preview:
        with urllib.request.urlopen(preview.url + "defenders/ana/") as response:
            assert b"Ana Quillbrook" in response.read()
        profile.write_text(WITHDRAWN)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(preview.url + "defenders/ana/").close()
            except urllib.error.HTTPError as error:
                assert error.code == 404
                break
            assert time.monotonic() < deadline, preview.output()
            time.sleep(0.2)
        leaked = [p for p in site.rglob("*") if p.is_file() and b"Quillbrook" in p.read_bytes()]
        assert leaked == []
        for path in ("", "search/search_index.json", "sitemap.xml"):
            with urllib.request.urlopen(preview.url + path) as response:
                data = response.read()
            assert b"Quillbrook" not in data and b"defenders/ana/" not in data
    # The preview is no one's public site: nothing of it is recorded for `accompany alert` to compare.
    assert not (project.root / ".accompany" / "preview" / "alerts").exists()
    assert not (project.root / ".accompany" / "alerts").exists()


def test_a_spanish_sites_preview_tells_its_problems_in_spanish(tmp_path: Path):
    """`accompany serve` gives the banner the language of the site it built (`accompany.language`)."""
    from conftest import MINIMAL_SETTINGS

    project = Project(tmp_path / "project")
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("language: en", "language: es"))
    profile = project.write("content/defenders/ana.md", VALID_DEFENDER)
    with Preview(project.root) as preview:
        profile.write_text(VALID_DEFENDER.replace("country: CO", "country: XX"))
        deadline = time.monotonic() + 60
        while True:
            with urllib.request.urlopen(preview.url + "defenders/ana/") as response:
                banner = " ".join("".join(Scripts(response.read().decode()).banner).split())
            if banner:
                break
            assert time.monotonic() < deadline, preview.output()
            time.sleep(0.2)
    assert banner.startswith("Sin actualizar: accompany encontró 1 problema. Esta vista previa muestra")
    assert "content/defenders/ana.md:" in banner and "country" in banner

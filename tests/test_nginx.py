"""The nginx recipe, served by a real nginx (Debian's) on 127.0.0.1 with the built sample.

The test server runs the site configuration that ``accompany init`` writes
(recipes/nginx.py), rendered with this machine's ports, a throwaway
certificate and the sample site as root; the clearnet site announces the
onion mirror, which the same nginx serves as Tor would reach it.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ONION
from generator.outputs.headers import HEADERS
from generator.recipes import nginx

NGINX = Path("/usr/sbin/nginx")
HOST = "accompany.example.org"
TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_site, onion_site):
    """nginx serving the sample over https (and http), and its onion mirror; yields the ports and roots."""
    assert NGINX.exists(), "Debian's nginx is missing: run scripts/install-server-deps.sh (make test runs it)"
    base = tmp_path_factory.mktemp("nginx")
    site = base / "site"
    shutil.copytree(sample_site, site, copy_function=os.link)
    (site / "site.webmanifest").write_text('{"name": "Accompany Sample Network"}\n')
    (site / ".hidden").write_text("not for readers\n")
    acme = base / "acme"
    (acme / ".well-known/acme-challenge").mkdir(parents=True)
    (acme / ".well-known/acme-challenge/token").write_text("challenge\n")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={HOST}", "-keyout", str(base / "key.pem"),
                    "-out", str(base / "cert.pem")], check=True, capture_output=True)
    ports = {"https": _free_port(), "http": _free_port(), "onion": _free_port()}
    site_conf = nginx.config(nginx.Server(
        host=HOST, site_root=str(site), certificate=str(base / "cert.pem"), certificate_key=str(base / "key.pem"),
        https_listen=(f"127.0.0.1:{ports['https']} ssl",), http_listen=(f"127.0.0.1:{ports['http']}",),
        acme_root=str(acme), access_log=str(base / "access.log"), onion=ONION, onion_root=str(onion_site),
        onion_listen=f"127.0.0.1:{ports['onion']}"))
    (base / "accompany.conf").write_text(site_conf)
    temp = "\n".join(f"    {kind}_temp_path {base}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (base / "nginx.conf").write_text(f"""\
daemon off;
worker_processes 1;
{"user root;" if os.geteuid() == 0 else ""}
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp}
    include {base}/accompany.conf;
}}
""")
    command = [str(NGINX), "-p", str(base), "-c", str(base / "nginx.conf")]
    started = time.perf_counter()
    tested = subprocess.run(command + ["-t"], capture_output=True, text=True)
    TIMINGS["nginx -t"] = time.perf_counter() - started
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["https"]), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
        TIMINGS["nginx up"] = time.perf_counter() - started
        yield {"ports": ports, "site": site, "onion": Path(onion_site), "tested": tested, "base": base}
    finally:
        process.terminate()
        process.wait(timeout=10)


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status = raw.status
        self.headers = {k.lower(): v for k, v in raw.getheaders()}
        self.all_headers = raw.getheaders()
        self.body = raw.read()


def get(server, path: str, *, port: str = "https", host: str = HOST, headers: dict | None = None) -> Response:
    number = server["ports"][port]
    if port == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", number, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", number, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        return Response(connection.getresponse())
    finally:
        connection.close()


def test_nginx_accepts_the_configuration(server):
    tested = server["tested"]
    assert tested.returncode == 0, tested.stderr
    assert "syntax is ok" in tested.stderr and "test is successful" in tested.stderr
    assert "[warn]" not in tested.stderr and "[emerg]" not in tested.stderr


PAGES = ["/", "/actions/river-guardians/", "/feeds/all.rss.xml", "/no-such-page/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_every_promised_header(server, path):
    response = get(server, path)
    assert response.status == (404 if path.startswith("/no-such") else 200)
    for name, value in HEADERS.items():
        assert response.headers[name.lower()] == value, name
    assert response.headers["strict-transport-security"] == nginx.HSTS
    assert response.headers["onion-location"] == f"http://{ONION}{path}"
    assert "server" not in response.headers or response.headers["server"] == "nginx"  # no version


def _first(folder: Path, pattern: str) -> str:
    return "/" + next(iter(sorted(folder.rglob(pattern)))).relative_to(folder).as_posix()


@pytest.mark.parametrize("pattern, media_type", [
    ("index.html", "text/html; charset=utf-8"),
    ("*.ics", "text/calendar; charset=utf-8"),
    ("all.rss.xml", "application/rss+xml; charset=utf-8"),
    ("all.atom.xml", "application/atom+xml; charset=utf-8"),
    ("sitemap.xml", "text/xml; charset=utf-8"),
    ("feeds/all.json", "application/feed+json; charset=utf-8"),
    ("search_index.json", "application/json; charset=utf-8"),
    ("*.pdf", "application/pdf"),
    ("site.webmanifest", "application/manifest+json; charset=utf-8"),
    ("accompany.css", "text/css; charset=utf-8"),
])
def test_content_types(server, pattern, media_type):
    path = _first(server["site"], pattern)
    response = get(server, path)
    assert response.status == 200, path
    assert response.headers["content-type"] == media_type, path
    assert response.body == (server["site"] / path[1:]).read_bytes()


@pytest.mark.parametrize("pattern, cache_control", [
    ("main.*.min.css", "public, max-age=31536000, immutable"),
    ("bundle.*.min.js", "public, max-age=31536000, immutable"),
    ("accompany.css", "public, max-age=3600"),
    ("media/*.jpg", "public, max-age=3600"),
    ("index.html", "no-cache"),
    ("all.rss.xml", "no-cache"),
    ("*.ics", "no-cache"),
    ("*.pdf", "no-cache"),
])
def test_assets_are_cached_and_pages_and_feeds_revalidated(server, pattern, cache_control):
    path = _first(server["site"], pattern)
    response = get(server, path)
    assert response.status == 200
    assert response.headers["cache-control"] == cache_control, path
    assert "last-modified" in response.headers and "etag" in response.headers  # revalidation is cheap


@pytest.mark.parametrize("pattern", ["index.html", "all.rss.xml", "*.ics", "all.json", "main.*.min.css"])
def test_text_is_compressed_for_clients_that_ask(server, pattern):
    path = _first(server["site"], pattern)
    original = (server["site"] / path[1:]).read_bytes()
    packed = get(server, path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("content-encoding") == "gzip", path
    assert packed.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed.body) == original and len(packed.body) < len(original)
    plain = get(server, path)
    assert "content-encoding" not in plain.headers and plain.body == original


def test_pdfs_are_not_compressed_again(server):
    response = get(server, _first(server["site"], "*.pdf"), headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_a_missing_page_gets_the_sites_404_page(server):
    response = get(server, "/actions/no-such-action/")
    assert response.status == 404
    assert response.body == (server["site"] / "404.html").read_bytes()
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", ["/assets/", "/feeds/", "/calendars/", "/actions/river-guardians/../../assets/"])
def test_no_folder_is_listed(server, path):
    response = get(server, path)
    assert response.status == 404
    assert b"Index of" not in response.body and response.body == (server["site"] / "404.html").read_bytes()


def test_hidden_files_are_not_served(server):
    assert get(server, "/.hidden").status == 404


def test_a_folder_without_its_slash_is_redirected_on_the_same_host(server):
    response = get(server, "/actions")
    assert response.status == 301 and response.headers["location"] == "/actions/"


def test_plain_http_redirects_to_https_but_serves_certificate_challenges(server):
    response = get(server, "/actions/?from=flyer", port="http")
    assert response.status == 301
    assert response.headers["location"] == f"https://{HOST}/actions/?from=flyer"
    challenge = get(server, "/.well-known/acme-challenge/token", port="http")
    assert challenge.status == 200 and challenge.body == b"challenge\n"


def test_readers_addresses_are_not_logged(server):
    get(server, "/")
    log = (server["base"] / "access.log").read_text()
    assert '"GET / HTTP/1.1" 200' in log and "127.0.0.1" not in log


def test_the_onion_service_serves_the_onion_mirror_without_hsts(server):
    response = get(server, "/actions/river-guardians/", port="onion", host=ONION)
    assert response.status == 200
    assert response.body == (server["onion"] / "actions/river-guardians/index.html").read_bytes()
    assert f'href="http://{ONION}/actions/river-guardians/"'.encode() in response.body
    assert response.headers["content-security-policy"] == HEADERS["Content-Security-Policy"]
    assert "strict-transport-security" not in response.headers and "onion-location" not in response.headers
    feed = get(server, "/feeds/all.rss.xml", port="onion", host=ONION)
    assert feed.status == 200 and ONION.encode() in feed.body and HOST.encode() not in feed.body


def test_timings(server, capsys):
    """Not a check: the numbers for the report (pytest -s shows them)."""
    started = time.perf_counter()
    for _ in range(20):
        get(server, "/")
    TIMINGS["20 page requests"] = time.perf_counter() - started
    with capsys.disabled():
        print("\nnginx: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in TIMINGS.items()))

"""One Content-Security-Policy: in every page, in _headers, and in the nginx snippet."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import REPO, site_files
from generator.outputs.headers import CSP, HEADERS, nginx_snippet


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.first_meta = None
        self.inline_scripts = 0
        self._in_script = False
        self.event_handlers = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and self.first_meta is None:
            self.first_meta = attrs
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self._in_script = True
        self.event_handlers += [k for k in attrs if k.startswith("on")]

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def test_every_page_starts_with_the_csp_and_runs_no_inline_script(sample_site):
    pages = {p: d for p, d in site_files(sample_site).items() if p.endswith(".html")}
    assert len(pages) > 30
    for path, data in pages.items():
        head = _Head()
        head.feed(data.decode())
        assert head.first_meta == {"http-equiv": "Content-Security-Policy", "content": CSP}, path
        assert head.inline_scripts == 0, path
        assert head.event_handlers == [], path
        assert b'name="referrer" content="no-referrer"' in data, path


def test_headers_file_and_nginx_snippet_carry_the_same_policy(sample_site):
    headers = (sample_site / "_headers").read_text()
    assert f"  Content-Security-Policy: {CSP}; frame-ancestors 'none'" in headers
    assert (REPO / "deploy" / "nginx-accompany.conf").read_text() == nginx_snippet()
    assert all(f'add_header {name} "{value}" always;' in nginx_snippet() for name, value in HEADERS.items())
    assert "default-src 'none'" in CSP and "script-src 'self'" in CSP and "unsafe-inline" not in CSP

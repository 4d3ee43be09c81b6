"""Helpers of the alert tests: a project wired to a local SMTP server, and messages read back."""

from __future__ import annotations

import email
import json
from datetime import date
from email import policy
from html.parser import HTMLParser
from pathlib import Path

from conftest import MINIMAL_SETTINGS, Project

ALERTS = """\
  alerts:
    host: 127.0.0.1
    port: {port}
    security: {security}
    from: alerts@example.org
    to: [network@example.org]
    bcc: [member@example.net]
{extra}"""

ACTION = """\
---
title: Protect the Delta {n} singers
id: UA-TEST-{n:03d}
issued: 2026-11-01
deadline: {deadline}
status: {status}
country: CO
summary: Singers of the Delta were threatened. Ask for protection.
targets:
  - name: The Minister
    role: Minister of the Interior
    address: |
      1 Street
      Bogotá
    email: minister@gov.example
    salutation: Dear Minister
copies:
  - organisation: Embassy of Colombia
    address: 3 Example Street
steps:
  - Write to the **Minister** before the deadline.
  - Tell us [you wrote](https://example.org/wrote).
letter: |
  Dear Minister,

  Please protect the singers. 1 < 2 & "quotes".
{more}---

Body.
"""


def alert_settings(port: int, extra: str = "", security: str = "none") -> str:
    return MINIMAL_SETTINGS + ALERTS.format(port=port, extra=extra, security=security)


def write_action(project: Project, n: int = 1, deadline: str = "2026-12-20", status: str = "open",
                 more: str = "") -> None:
    project.write(f"content/actions/action-{n}.md", ACTION.format(n=n, deadline=deadline, status=status, more=more))


def publish(project: Project, as_of: str = "2026-12-01", site_dir: Path | None = None) -> None:
    """What a build records for alerts, without the rest of the build (see test_alerts_build for the whole path)."""
    from generator.alerts.snapshot import record
    from generator.load import load
    from generator.outputs.markup import MarkupRenderer

    loaded = load(project.root, date.fromisoformat(as_of))
    record(loaded.site, MarkupRenderer(loaded.site, loaded.project.media), project.root / ".accompany" / "alerts",
           site_dir or project.root / "site")


def state(project: Project, language: str = "en") -> dict:
    return json.loads((project.root / ".accompany" / "alerts" / f"alerted-{language}.json").read_text())


def outbox(project: Project) -> dict[str, email.message.EmailMessage]:
    folder = project.root / ".accompany" / "alerts" / "outbox"
    return {p.name: read_eml(p) for p in sorted(folder.glob("*.eml"))}


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def parts(message: email.message.EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of an alert, decoded."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def everything(message: email.message.EmailMessage) -> str:
    """Every header, decoded, and every text part, decoded: what a recipient could read in a message."""
    out = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        out += [f"{key}: {value}" for key, value in part.items()]
        if part.get_content_maintype() == "text":
            out.append(part.get_content().replace("\r\n", "\n"))
    return "\n".join(out)


class Html(HTMLParser):
    """Tags and text of an HTML part, to assert on its structure."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.chunks: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


class Hub:
    """A WebSub hub on 127.0.0.1 (http.server in a thread) that records every publish ping it receives."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        hub = self
        self.pings: list[dict[str, list[str]]] = []
        self.bodies: list[bytes] = []
        self.status = 204

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hub.bodies.append(body)
                if hub.status < 300:
                    hub.pings.append(parse_qs(body.decode()))
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def topics(self) -> list[str]:
        assert all(p["hub.mode"] == ["publish"] and len(p["hub.url"]) == 1 for p in self.pings)
        return [p["hub.url"][0] for p in self.pings]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

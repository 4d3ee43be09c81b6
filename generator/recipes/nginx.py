"""Your own server: an nginx site for the clearnet address and, if there is one, the onion service.

Every page carries the security headers of ``outputs/headers.py`` (the same
ones as the ``_headers`` file and ``deploy/nginx-accompany.conf``), the
calendar, feed and manifest files their content types, and caching follows
what changes: pages, feeds, calendars and PDFs are revalidated on every visit
(an action closes, a profile is withdrawn: readers see it at once), Material's
fingerprinted assets are kept a year, other assets an hour. Readers'
addresses are not logged. The onion service is a mirror built with its own
site URL (``accompany build --site-url http://....onion/``); the clearnet site
announces it to Tor Browser with ``Onion-Location``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..outputs.headers import HEADERS
from .deployment import Deployment

PATH = "deploy/nginx/accompany.conf"
TORRC = "deploy/tor/accompany.torrc"

#: The start of a path in the site in any of its languages: ``/`` or ``/es/`` (a site of its own, build.py).
LANG = r"^/([a-z][a-z][a-z]?(-[a-z0-9]+)*/)?"  # no braces: nginx reads them as a block

#: Content types set here rather than left to the system's mime.types, which differ between releases.
#: Without "; charset": nginx adds it (charset_types), and gzip_types would not match a type with it.
TYPES = [
    (r"\.ics$", "text/calendar"),
    (r"\.rss\.xml$", "application/rss+xml"),
    (r"\.atom\.xml$", "application/atom+xml"),
    (LANG + r"feeds/.+\.json$", "application/feed+json"),
    (r"\.webmanifest$", "application/manifest+json"),
    (r"\.pdf$", "application/pdf"),
]
TEXT = ("text/css text/plain text/xml text/calendar application/javascript application/json application/rss+xml "
        "application/atom+xml application/feed+json application/manifest+json image/svg+xml")

#: Cache-Control by path: the first pattern that matches wins; anything else is "no-cache".
CACHING = [
    (LANG + r"assets/.+\.[0-9a-f]{8}\.min\.(css|js)$", "public, max-age=31536000, immutable"),
    (LANG + r"assets/", "public, max-age=3600"),
    (LANG + r"media/", "public, max-age=3600"),
]

HSTS = "max-age=31536000"
COMPRESSED = ("text/css text/plain text/xml application/xml application/javascript application/json "
              "application/rss+xml application/atom+xml application/feed+json application/manifest+json "
              "text/calendar image/svg+xml")


@dataclass(frozen=True)
class Server:
    """Where nginx listens and what it serves: :meth:`for_deployment` for a real server, or paths of a test."""

    host: str
    site_root: str
    certificate: str
    certificate_key: str
    https_listen: tuple[str, ...] = ("443 ssl", "[::]:443 ssl")
    http_listen: tuple[str, ...] = ("80", "[::]:80")
    acme_root: str = "/var/www/html"
    access_log: str = "/var/log/nginx/accompany.access.log"
    hsts: bool = True
    onion: str | None = None
    onion_root: str | None = None
    onion_listen: str = "127.0.0.1:8081"

    @classmethod
    def for_deployment(cls, d: Deployment) -> "Server":
        live = f"/etc/letsencrypt/live/{d.host}"
        return cls(host=d.host, site_root=f"{d.www_root}/site", certificate=f"{live}/fullchain.pem",
                   certificate_key=f"{live}/privkey.pem", onion=d.onion,
                   onion_root=f"{d.www_root}/onion" if d.onion else None)


def config(s: Server) -> str:
    """The site's nginx configuration: one file for ``/etc/nginx/sites-available/``."""
    out = [_HEAD.format(host=s.host)]
    out.append("map $uri $accompany_cache_control {")
    out.append('    default "no-cache";')
    out += [f'    "~{pattern}" "{value}";' for pattern, value in CACHING]
    out.append("}\n")
    out.append("# Readers' addresses and browsers are not logged: see SECURITY.md, \"The host sees readers' addresses\".")
    out.append("log_format accompany '$time_iso8601 \"$request\" $status $body_bytes_sent';\n")
    out.append("# Port 80: certificate renewals (certbot --webroot), and a redirect to https for the rest.")
    out.append("server {")
    out += [f"    listen {listen};" for listen in s.http_listen]
    out.append(f"    server_name {s.host};")
    out.append("    server_tokens off;")
    out.append(f"    access_log {s.access_log} accompany;")
    out.append(f"    location /.well-known/acme-challenge/ {{ root {s.acme_root}; }}")
    out.append("    location / { return 301 https://$host$request_uri; }")
    out.append("}\n")
    out.append("server {")
    out += [f"    listen {listen};" for listen in s.https_listen]
    out.append(f"    server_name {s.host};")
    out.append(f"    ssl_certificate {s.certificate};")
    out.append(f"    ssl_certificate_key {s.certificate_key};")
    out.append(f"    root {s.site_root};")
    extra = []
    if s.hsts:
        extra.append(f'add_header Strict-Transport-Security "{HSTS}" always;')
    if s.onion:
        extra.append("# Tor Browser offers the onion service to readers who come here.")
        extra.append(f'add_header Onion-Location "http://{s.onion}$request_uri" always;')
    out += _common(s, extra)
    out.append("}")
    if s.onion:
        out.append("")
        out.append(f"# The onion service: Tor forwards to {s.onion_listen} ({TORRC}). A mirror built with")
        out.append(f"# accompany build --site-url http://{s.onion}/: every link in it stays on the onion.")
        out.append("server {")
        out.append(f"    listen {s.onion_listen};")
        out.append(f"    server_name {s.onion};")
        out.append(f"    root {s.onion_root};")
        out += _common(s, [])
        out.append("}")
    return "\n".join(out) + "\n"


def _common(s: Server, extra: list[str]) -> list[str]:
    lines = [
        "server_tokens off;",
        f"access_log {s.access_log} accompany;",
        "index index.html;",
        "autoindex off;",
        "absolute_redirect off;",
        "charset utf-8;",
        f"charset_types {TEXT};",
        "error_page 404 /404.html;",
        "# A folder without a page is not listed: it is not found.",
        "error_page 403 =404 /404.html;",
        "gzip on;",
        "gzip_vary on;",
        "gzip_comp_level 5;",
        "gzip_min_length 256;",
        f"gzip_types {COMPRESSED};",
        "",
        "# add_header here only: one in a location would drop all of these there.",
        "add_header Cache-Control $accompany_cache_control always;",
    ]
    lines += [f'add_header {name} "{value}" always;' for name, value in HEADERS.items()]
    lines += extra
    lines += ["", "location / {", "}", "location ~ /\\. {", "    return 404;", "}"]
    for pattern, media_type in TYPES:
        lines.append(f"location ~ {pattern} {{ types {{ }} default_type {media_type}; }}")
    return ["    " + line if line else "" for line in lines]


_HEAD = """\
# nginx site of https://{host}/ made by accompany (generator/recipes/nginx.py).
# Install: README, "Put it online", your own server. Then: sudo nginx -t && sudo systemctl reload nginx
"""


def torrc(d: Deployment) -> str:
    """The lines to add to ``/etc/tor/torrc`` for the onion service."""
    return (
        "# The onion service of the site (README, \"Put it online\", onion service).\n"
        "# Add to /etc/tor/torrc, restart tor, and read the address from\n"
        "# /var/lib/tor/accompany/hostname: it goes in the nginx site and the build units.\n"
        "HiddenServiceDir /var/lib/tor/accompany/\n"
        "HiddenServicePort 80 127.0.0.1:8081\n"
    )

"""The Decap CMS configuration, from the models and the site's settings, and the admin page's CSP.

One collection per content type (:func:`content_types`), one field per key (``widgets.py``), the
site's vocabulary in the selects, images into ``content/media/``. Where the CMS saves is the
*backend*: the local one (``decap-server`` on 127.0.0.1, for ``make edit``) or the organisation's
GitHub, GitLab or Gitea repository (``accompany.cms`` in mkdocs.yml). The admin page may connect to
its own host and to that backend, and to nothing else (:func:`admin_csp`).
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from ..core.settings import CmsSettings, Settings
from ..core.source import MEDIA_DIR
from ..core.vocab import COUNTRIES
from .content_types import ContentType, content_types
from .widgets import FieldMaker, Vocabulary, hint, markdown

#: The local backend's port (decap-server's default).
LOCAL_PORT = 8081

#: Keys whose text is translated when the site has several languages; the others are facts, kept once.
TRANSLATED = frozenset({"title", "summary", "body", "steps", "letter", "text", "role", "salutation",
                        "accessibility", "outcome", "image_alt", "updates", "targets", "copies", "stops"})

#: Interface languages Decap CMS ships (its locale names), for the site languages that have one.
DECAP_LOCALES = {"bg", "ca", "cs", "da", "de", "es", "fa", "fr", "he", "hr", "hu", "it", "ja", "ko", "lt",
                 "nl", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi"}


@dataclass(frozen=True)
class Backend:
    """Where the CMS reads and saves: Decap's ``backend`` block, and the origins the page must reach."""

    config: dict
    connect: tuple[str, ...]
    """Origins of the backend's API (CSP connect-src)."""
    images: tuple[str, ...] = ()
    """Origins of pictures the backend shows, such as the volunteer's avatar (CSP img-src)."""


def local_backend(port: int = LOCAL_PORT, branch: str = "main") -> Backend:
    """``decap-server`` on this computer: it writes the files into the project folder, and commits nothing."""
    origin = f"http://127.0.0.1:{port}"
    return Backend({"name": "proxy", "proxy_url": f"{origin}/api/v1", "branch": branch}, (origin,))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def production_backend(cms: CmsSettings) -> Backend:
    """The organisation's repository host, from ``accompany.cms`` (validated by ``check``)."""
    if cms.backend is None or not cms.repo:
        raise ValueError("accompany.cms.backend and accompany.cms.repo are not set in mkdocs.yml")
    block = {"name": cms.backend, "repo": cms.repo, "branch": cms.branch}
    if cms.backend == "github":
        if cms.base_url:  # the OAuth helper; Decap's default is Netlify's
            block["base_url"] = cms.base_url.rstrip("/")
        return Backend(block, ("https://api.github.com",), ("https://avatars.githubusercontent.com",))
    server = (cms.base_url or "https://gitlab.com").rstrip("/")
    block.update(base_url=server, app_id=cms.app_id)
    if cms.backend == "gitlab":
        block.update(auth_type="pkce", api_root=f"{server}/api/v4")
    else:
        block.update(api_root=f"{server}/api/v1")
    return Backend(block, (_origin(server),), (_origin(server),))


def vocabulary(settings: Settings, languages: Sequence[str]) -> Vocabulary:
    """The selects' options: the site's themes, countries named in the site language, time zones."""
    try:
        names = Locale.parse(settings.language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    countries = sorted(((code, f"{names.get(code, code)} ({code})") for code in COUNTRIES),
                       key=lambda pair: pair[1].casefold())
    return Vocabulary(dict(settings.themes), countries, timezones(), settings.timezone, tuple(languages),
                      TRANSLATED if len(languages) > 1 else frozenset())


def timezones() -> list[str]:
    """IANA zones of places (Europe/London ...) and UTC, from the tzdata package: the same on every machine."""
    zones = (importlib.resources.files("tzdata") / "zones").read_text().split()
    regions = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/",
               "Pacific/")
    return ["UTC", *sorted(z for z in zones if z.startswith(regions))]


def decap_config(settings: Settings, site_url: str, backend: Backend, languages: Sequence[str] | None = None,
                 display_url: str | None = None) -> dict:
    """The whole configuration (Decap's config.yml) as plain data.

    ``languages``: the site's languages, the first the default (today: the site language only).
    With several, each collection is translated file by file (``river-guardians.es.md``).
    """
    languages = list(languages or [settings.language])
    maker = FieldMaker(vocabulary(settings, languages))
    locale = settings.language.split("-")[0].lower()
    config: dict = {
        "backend": backend.config,
        "site_url": site_url,
        "display_url": display_url or site_url,
        "locale": locale if locale in DECAP_LOCALES else "en",
        "media_folder": MEDIA_DIR,
        "public_folder": MEDIA_DIR.split("/")[-1],
        "omit_empty_optional_fields": True,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
    }
    if len(languages) > 1:
        config["i18n"] = {"structure": "multiple_files", "locales": languages, "default_locale": languages[0]}
    config["collections"] = [collection(t, maker, len(languages) > 1) for t in content_types()]
    return config


def collection(content_type: ContentType, maker: FieldMaker, translated: bool = False) -> dict:
    """One content type as a folder collection: its files, its keys, then the Markdown body."""
    up = "../" * content_type.folder.count("/") + ("" if "/" in content_type.folder else "../content/")
    body = {"label": "Text", "name": "body", **markdown(), "required": False,
            "hint": hint(f"The text, in Markdown. Link to other files by their path: [Lucía's profile]({up}defenders/"
                         f"lucia.md); show an image of content/media/ as ![what it shows]({up}media/river.jpg).")}
    if translated:
        body["i18n"] = True
    spec = {
        "name": content_type.name,
        "label": content_type.label,
        "label_singular": content_type.label_singular,
        "description": hint(content_type.model.__doc__),
        "folder": content_type.folder,
        "extension": "md",
        "format": "frontmatter",
        "create": True,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "preview_path": content_type.preview_path,
        "fields": [*maker.fields(content_type.model, content_type.name, top=True), body],
    }
    if translated:
        spec["i18n"] = True
    return spec


def admin_csp(backend: Backend) -> str:
    """The admin page's Content-Security-Policy: its own host and its backend, nothing else.

    Looser than the public site's, and only for admin/: Decap compiles its config schema at run time
    ('unsafe-eval') and styles its components inline ('unsafe-inline'); it keeps unsaved work and
    previews media as blob: and data: URLs.
    """
    connect = " ".join(("'self'", "blob:", *backend.connect))
    images = " ".join(("'self'", "data:", "blob:", *backend.images))
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        f"connect-src {connect}",
        "media-src 'self' blob:",
        "frame-src 'self' blob:",
        "worker-src 'self' blob:",
        "manifest-src 'none'",
        "form-action 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ])

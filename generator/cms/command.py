"""``accompany cms``: write the editing page; with ``--edit``, edit in the browser on this computer."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from ..core.settings import SiteConfig
from ..core.problems import Problem, ProblemsFound
from ..load import validate_settings
from ..read import parse_settings
from .admin import BundleMissing, admin_files, bundle_files, bundle_folder, write_admin
from .config import local_backend, production_backend
from .local import LocalBackendFailed, editing


def read_settings(root: Path) -> SiteConfig:
    """mkdocs.yml, validated as ``check`` does: the CMS needs the settings only, not valid content."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise ProblemsFound([Problem("mkdocs.yml", 1, "file", "missing: this is not an accompany project")])
    source, problems = parse_settings(path.read_bytes())
    config, more = validate_settings(source) if source is not None else (None, [])
    if problems or more or config is None:
        raise ProblemsFound(problems + more)
    return config


def run(root: Path, out: Path, local: bool, edit: bool, port: int, as_of) -> int:
    """The command: 0 on success, 2 when the CMS is not installed or not configured."""
    config = read_settings(root)
    try:
        if edit:
            return edit_here(root, config, port, as_of)
        backend = local_backend() if local else _production(config)
        if backend is None:
            return 2
        folder = out if out.is_absolute() else root / out
        write_admin(folder, admin_files(config, backend, bundle_files(bundle_folder(root))))
    except (BundleMissing, LocalBackendFailed, FileExistsError) as problem:
        print(f"accompany: {problem}", file=sys.stderr)
        return 2
    where = "saves into this folder through decap-server (make edit)" if local else \
        f"saves into {config.settings.cms.backend}: {config.settings.cms.repo}"
    print(f"wrote the editing page into {folder}: one collection per content type; it {where}")
    return 0


def _production(config: SiteConfig):
    cms = config.settings.cms
    if cms.backend is None:
        print("accompany: accompany.cms.backend is not set in mkdocs.yml (github, gitlab or gitea): set it to edit "
              "the published site, or run 'accompany cms --local' or 'make edit' to edit on this computer",
              file=sys.stderr)
        return None
    return production_backend(cms)


def edit_here(root: Path, config: SiteConfig, port: int, as_of) -> int:
    """The editing page, its local backend and the preview, until Ctrl-C."""
    from ..serve import serve

    preview = f"http://127.0.0.1:{port}/"
    # A terminated run stops like an interrupted one: decap-server and the preview go with it.
    signal.signal(signal.SIGTERM, _interrupt)
    with editing(root, config, bundle_files(bundle_folder(root)), port + 1, display_url=preview) as page:
        print(f"edit in your browser: {page.url}\nthe CMS saves into {root} (nothing is committed); "
              f"the preview follows on {preview} (Ctrl-C stops all)")
        return serve(root, port, as_of)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt

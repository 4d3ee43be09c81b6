"""The hooks accompany gives MkDocs (generator/engines/mkdocs_hooks.py): the same theme files, less work per run.

The hooks file is loaded here as MkDocs loads it (a module from its path), on a config MkDocs loads from a
small project with Material and a theme folder of its own, as accompany stages them.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

HOOKS = Path(__file__).resolve().parent.parent / "generator" / "engines" / "mkdocs_hooks.py"


def hooks():
    spec = importlib.util.spec_from_file_location("accompany_hooks", HOOKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def project(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n")
    (folder / "theme" / "partials").mkdir(parents=True)
    (folder / "theme" / "main.html").write_text('{% extends "base.html" %}\n{% block footer %}ours{% endblock %}\n')
    (folder / "theme" / "partials" / "note.html").write_text("<p>{{ 1 + 1 }}</p>\n")
    (folder / "theme" / "site.css").write_text("body { color: black; }\n")
    (folder / "theme" / ".hidden").mkdir()
    (folder / "theme" / ".hidden" / "icon.svg").write_text("<svg/>\n")
    (folder / "mkdocs.yml").write_text("site_name: Test\ntheme:\n  name: material\n  custom_dir: theme\n")
    return folder / "mkdocs.yml"


def theme_files(config) -> list[str]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted(f.src_uri for f in files)


def test_the_theme_files_mkdocs_copies_are_the_same(tmp_path, monkeypatch):
    monkeypatch.delenv("ACCOMPANY_ENGINE_CACHE", raising=False)
    path = project(tmp_path / "p")
    plain = load_config(str(path))
    hooked = load_config(str(path))
    hooks().on_config(hooked)
    listed = theme_files(hooked)
    assert listed == theme_files(plain)
    assert "site.css" in listed and any(name.startswith("assets/stylesheets/main.") for name in listed)  # Material's too
    assert not [name for name in listed if "/." in "/" + name]  # nothing hidden, as before


def test_the_staged_themes_templates_are_compiled_once_whatever_the_staging_folders_name(tmp_path, monkeypatch):
    cache = tmp_path / "compiled"
    cache.mkdir()
    monkeypatch.setenv("ACCOMPANY_ENGINE_CACHE", str(cache))
    first = project(tmp_path / "build-1")
    second = tmp_path / "build-2"
    shutil.copytree(first.parent, second)
    counts = []
    for path in (first, second / "mkdocs.yml"):
        config = load_config(str(path))
        hooks().on_config(config)
        env = config.theme.get_env()
        assert env.get_template("partials/note.html").render() == "<p>2</p>"
        env.get_template("main.html")
        counts.append(len(list(cache.iterdir())))
    assert counts[0] >= 2 and counts[1] == counts[0]

    (second / "theme" / "partials" / "note.html").write_text("<p>{{ 2 + 2 }}</p>\n")
    config = load_config(str(second / "mkdocs.yml"))
    hooks().on_config(config)
    assert config.theme.get_env().get_template("partials/note.html").render() == "<p>4</p>"  # changed: compiled again


@pytest.mark.parametrize("hidden", [".icons/material/x.svg", "partials/.draft.html"])
def test_a_hidden_file_is_loaded_though_not_listed(tmp_path, monkeypatch, hidden):
    monkeypatch.delenv("ACCOMPANY_ENGINE_CACHE", raising=False)
    path = project(tmp_path / "p")
    (path.parent / "theme" / hidden).parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "theme" / hidden).write_text("seen")
    config = load_config(str(path))
    hooks().on_config(config)
    env = config.theme.get_env()
    assert env.get_template(hidden).render() == "seen"
    assert hidden not in env.list_templates()

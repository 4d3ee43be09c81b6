"""The volunteer guide documents every key the code accepts, and the README the commands that exist."""

from __future__ import annotations

import re
import typing

import pytest

from conftest import REPO
from generator.core import model, settings

GUIDE = (REPO / "VOLUNTEERS.md").read_text()
DOCUMENTED = set(re.findall(r"^\| `([a-z_.]+)` \|", GUIDE, re.M))


def records(kinds=None) -> list[tuple[type, str]]:
    """Every record of the contract, from the registry's models and the settings, with its keys' prefix.

    A mapping's keys are documented with its name (``vetting.status``); the
    keys of the items of a list (targets, stops, updates) without it.
    """
    from generator.core.kinds import KINDS
    from generator.core.fields import model_inside as _unwrap

    found: dict[type, str] = {}

    def walk(cls: type, prefix: str) -> None:
        if cls in found or cls is model.Private:
            return
        found[cls] = prefix
        for name, info in cls.model_fields.items():
            inner = _unwrap(info.annotation)
            if isinstance(inner, type) and issubclass(inner, model.BaseModel):
                listed = typing.get_origin(info.annotation) is tuple or "tuple[" in str(info.annotation)
                walk(inner, prefix if listed else f"{prefix}{name}.")

    for kind in (kinds or KINDS).values():
        walk(kind.model, "")
    walk(settings.Settings, "")
    return list(found.items())


def undocumented(kinds=None) -> list[str]:
    """Keys the code accepts that VOLUNTEERS.md does not document (``private`` is documented once)."""
    keys = [(prefix, field.alias or name) for cls, prefix in records(kinds)  # alerts.from is `sender` in Python
            for name, field in cls.model_fields.items()]
    return [prefix + key for prefix, key in keys if prefix + key not in DOCUMENTED and key != "private"]


def test_every_key_is_documented():
    assert undocumented() == []


def test_every_key_has_a_docstring():
    for cls, _ in records():
        assert [n for n, f in cls.model_fields.items() if not f.description] == [], cls.__name__


def test_readme_gives_the_two_commands_and_the_cli():
    readme = (REPO / "README.md").read_text()
    assert "make site" in readme and "make test" in readme
    for command in ("accompany check", "accompany build", "accompany serve", "accompany new", "accompany alert",
                    "accompany websub"):
        assert command in readme


def test_json_schemas_for_editors_describe_every_key(tmp_path):
    import json

    from conftest import Project

    project = Project(tmp_path / "p")
    code, out, _ = project.cli("schema", "--out", str(tmp_path / "schema"))
    assert code == 0
    action = json.loads((tmp_path / "schema" / "action.schema.json").read_text())
    assert set(model.Action.model_fields) == set(action["properties"])
    assert {"title", "summary", "country", "id", "issued"} <= set(action["required"])
    assert action["additionalProperties"] is False
    assert action["properties"]["deadline"]["anyOf"][0]["format"] == "date"
    assert "The last day to act" in action["properties"]["deadline"]["description"]
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == [
        "action.schema.json", "campaign.schema.json", "defender.schema.json", "page.schema.json", "tour.schema.json"]


def test_readme_says_how_to_put_it_online_and_make_it_yours():
    readme = (REPO / "README.md").read_text()
    for heading in ("## Make it yours", "## Put it online", "### GitHub Pages", "### GitLab Pages",
                    "### Your own server", "### Mirrors and an onion service"):
        assert f"\n{heading}" in readme, heading
    for command in ("accompany init", "accompany status", "accompany build --site-url", ". .venv/bin/activate"):
        assert command in readme, command
    # Every deploy file the README names is in deploy/.
    for path in re.findall(r"`(deploy/[\w/@.-]+)`", readme):
        assert (REPO / path).exists(), path


def test_the_volunteer_guide_stands_on_its_own():
    assert "shared/spec" not in GUIDE and "content-format.md" not in GUIDE


def test_package_json_names_the_tests_that_use_it():
    import json

    description = json.loads((REPO / "package.json").read_text())["description"]
    for path in re.findall(r"tests/[\w/.]+", description):
        assert (REPO / path).exists(), path


def test_the_schema_folder_is_not_committed():
    import subprocess

    done = subprocess.run(["git", "check-ignore", "-q", "schema/action.schema.json"], cwd=REPO)
    assert done.returncode == 0


def test_the_documented_command_works_as_written_after_activating(tmp_path):
    """README: after `make site`, `. .venv/bin/activate`, then `accompany check` as written."""
    import subprocess
    import sys
    from pathlib import Path

    venv = Path(sys.executable).parent.parent
    done = subprocess.run(["sh", "-c", f". {venv}/bin/activate && cd {REPO} && accompany check --as-of 2026-12-01"],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("ok as of 2026-12-01")

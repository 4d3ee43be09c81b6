"""The core does no I/O and imports no engine or output library (generator/core/README.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "generator" / "core"
ALLOWED_IMPORTS = {
    "__future__", "dataclasses", "datetime", "typing", "types", "re", "difflib", "posixpath",
    "unicodedata", "functools", "zoneinfo", "urllib", "pydantic", "pydantic_core",
}
FORBIDDEN_CALLS = {
    "open", "print", "input", "exec", "eval", "now", "today", "utcnow", "time", "perf_counter",
    "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "stat",
    "mkdir", "unlink", "system", "popen", "run", "getenv", "available_timezones",
}


def _modules():
    return sorted(CORE.glob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_pydantic(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS, imported - ALLOWED_IMPORTS


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_core_calls_nothing_that_reads_files_or_the_clock(path):
    tree = ast.parse(path.read_text())
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            calls.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    assert calls & FORBIDDEN_CALLS == set()


def test_the_rule_is_written_beside_the_code():
    assert "This code does no I/O" in (CORE / "README.md").read_text()


def test_the_checker_would_catch_a_clock_read(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from datetime import datetime\nx = datetime.now()\nimport yaml\n")
    tree = ast.parse(bad.read_text())
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert calls & FORBIDDEN_CALLS == {"now"}

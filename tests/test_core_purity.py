"""The core does no I/O and imports no engine or output library (generator/core/README.md).

Imports are checked on everything importing a core module runs: its imports, at the top or inside a
function, relative ones resolved, then theirs, and so on (tests/imports.py). A core module that
imported ``..read`` would reach PyYAML through it, and fail here.
"""

from __future__ import annotations

import ast

import pytest

from imports import REPO, graph, sources

CORE = REPO / "generator" / "core"
ALLOWED_IMPORTS = {
    "__future__", "dataclasses", "datetime", "typing", "types", "re", "difflib", "posixpath",
    "unicodedata", "functools", "zoneinfo", "urllib", "pydantic", "pydantic_core",
    "hashlib", "json",  # what a translation was made from: a hash of the original's text (core/translations.py)
}
FORBIDDEN_CALLS = {
    "open", "print", "input", "exec", "eval", "now", "today", "utcnow", "time", "perf_counter",
    "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "stat",
    "mkdir", "unlink", "system", "popen", "run", "getenv", "available_timezones",
}
GRAPH = graph()
MODULES = sorted(m for m in GRAPH.internal if m.startswith("generator.core."))


def _outside_the_core(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in ("generator", "generator.core") and not m.startswith("generator.core.")}


def _libraries(g, module: str) -> set[str]:
    return set().union(*(g.external[m] for m in g.reachable(module)))


@pytest.mark.parametrize("module", MODULES)
def test_core_imports_only_the_core_the_standard_library_and_pydantic(module):
    assert _outside_the_core(GRAPH.reachable(module)) == set()
    assert _libraries(GRAPH, module) - ALLOWED_IMPORTS == set()


@pytest.mark.parametrize("module", MODULES)
def test_core_calls_nothing_that_reads_files_or_the_clock(module):
    calls = set()
    for node in ast.walk(GRAPH.tree[module]):
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


@pytest.mark.parametrize("planted, reached, library", [
    ("from ..read import read_project\n", "generator.read", "yaml"),
    ("def later():\n    from .. import render\n", "generator.render", "jinja2"),
    ("from generator.engines.mkdocs import MkDocs\n", "generator.engines.mkdocs", "yaml"),
])
def test_the_checker_follows_relative_and_hidden_imports(planted, reached, library):
    modules = sources()
    text, is_package = modules["generator.core.validate"]
    modules["generator.core.validate"] = (text + planted, is_package)
    g = graph(modules)
    assert reached in _outside_the_core(g.reachable("generator.core.validate"))
    assert library in _libraries(g, "generator.core.validate") - ALLOWED_IMPORTS

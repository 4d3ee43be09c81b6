"""Boundaries between the parts of generator/, checked on the source and on a real build.

- No import cycle, at the top of a module or hidden in a function (tests/imports.py reads them all).
- Renderers (generator/outputs/) do no file I/O and start no processes: they take the public site
  and return ``{path: bytes}``; the build reads the templates and fonts, the executor starts the
  workers, write.py writes.
- Only write.py writes under the site: on the source, no module that makes the site calls a
  function that writes a file; on a real build, every file written, moved, linked or removed
  under the site folder or its staging folder is written by write.py (an audit hook watches).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE_AS_OF, Project
from imports import REPO, graph, sources

GRAPH = graph()

# ---------------------------------------------------------------- import cycles


def test_no_module_of_generator_imports_itself_through_others():
    assert GRAPH.cycles() == []


@pytest.mark.parametrize("module, planted, cycle", [
    ("generator.outputs", "def outputs(ctx):\n    from .feeds import Feeds\n    return [Feeds(ctx)]\n",
     ["generator.outputs", "generator.outputs.feeds"]),
    ("generator.write", "def later():\n    from .build import build\n", ["generator.build", "generator.write"]),
])
def test_the_cycle_check_finds_a_cycle_hidden_in_a_function(module, planted, cycle):
    modules = sources()
    text, is_package = modules[module]
    modules[module] = (text + planted, is_package)
    assert any(set(cycle) <= set(group) for group in graph(modules).cycles())


# ---------------------------------------------------------------- renderers

RENDERERS = sorted(m for m in GRAPH.internal if m.startswith("generator.outputs"))

#: Libraries for processes, threads, files and the network: none is a renderer's business.
NOT_FOR_RENDERERS = {"os", "shutil", "subprocess", "multiprocessing", "concurrent", "threading", "tempfile",
                     "socket", "asyncio", "glob", "fileinput"}
#: Calls that read or write files, or start processes, whatever object they are called on.
FILE_OR_PROCESS_CALLS = {
    "open", "save", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "scandir",
    "listdir", "walk", "exists", "is_file", "is_dir", "stat", "mkdir", "makedirs", "unlink", "remove", "rmdir",
    "rmtree", "touch", "rename", "symlink_to", "hardlink_to", "copyfile", "copytree", "Popen", "system",
    "fork", "spawn", "ProcessPoolExecutor", "ThreadPoolExecutor", "Process", "Thread",
}


def _in_memory(names: set[str], argument: ast.expr) -> bool:
    """``io.BytesIO(...)``, or a name bound to one: ``Image.open`` and ``.save`` on bytes in memory."""
    if isinstance(argument, ast.Call):
        return ast.unparse(argument.func).endswith("BytesIO")
    return isinstance(argument, ast.Name) and argument.id in names


def file_or_process_calls(tree: ast.AST) -> list[str]:
    """Every call in ``tree`` that reads or writes a file or starts a process, as ``line: source``."""
    buffers = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
               and ast.unparse(node.value.func).endswith("BytesIO") for target in node.targets
               if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in FILE_OR_PROCESS_CALLS:
            continue
        if name in ("open", "save") and node.args and _in_memory(buffers, node.args[0]):
            continue
        found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("module", RENDERERS)
def test_renderers_read_no_file_and_start_no_process(module):
    assert file_or_process_calls(GRAPH.tree[module]) == []
    assert GRAPH.external[module] & NOT_FOR_RENDERERS == set()


@pytest.mark.parametrize("module", RENDERERS)
def test_renderers_import_only_renderers_and_the_core(module):
    """Not the writer, the reader, the engine, the executor or the build: they would bring I/O back in."""
    reached = GRAPH.reachable(module)
    assert {m for m in reached if m != "generator" and not m.startswith(("generator.outputs", "generator.core"))} == set()


@pytest.mark.parametrize("code, expected", [
    ("from pathlib import Path\ndef f(p):\n    return Path(p).read_bytes()\n", ["3: Path(p).read_bytes()"]),
    ("def f(fonts):\n    return sorted(fonts.glob('*.ttf'))\n", ["2: fonts.glob('*.ttf')"]),
    ("import subprocess\ndef f():\n    subprocess.Popen(['rm'])\n", ["3: subprocess.Popen(['rm'])"]),
    ("import io\nfrom PIL import Image\ndef f(data):\n    out = io.BytesIO()\n    Image.open(io.BytesIO(data)).save(out)\n", []),
    ("def f(image):\n    image.save('/tmp/x.png')\n", ["2: image.save('/tmp/x.png')"]),
])
def test_the_renderer_check_can_fail(code, expected):
    assert file_or_process_calls(ast.parse(code)) == expected


# ---------------------------------------------------------------- only write.py writes under the site

#: The modules that make the site. Files elsewhere have their own writers: the cache folder
#: (cache.py), the alerts' snapshot (alerts/), the preview's folder (serve.py), new projects and
#: content files (project_init.py, scaffold.py), the editing page (cms/).
SITE_MAKERS = sorted(m for m in GRAPH.internal if m in (
    "generator.build", "generator.incremental", "generator.render", "generator.load", "generator.linkcheck",
    "generator.leakscan", "generator.executor") or m.startswith(("generator.engines", "generator.outputs")))
WRITING_METHODS = {"write_text", "write_bytes", "mkdir", "makedirs", "unlink", "rmdir", "rmtree", "touch",
                   "symlink_to", "hardlink_to", "copyfile", "copytree", "mkdtemp"}
WRITING_IN_OS = {"replace", "rename", "renames", "link", "symlink", "remove", "unlink", "mkdir", "makedirs",
                 "rmdir", "removedirs", "truncate", "open", "write"}


def writing_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        mode = next((a for a in node.args[1:2]), None) or next((k.value for k in node.keywords if k.arg == "mode"), None)
        writes_open = name == "open" and not owner and isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+")
        if (name in WRITING_METHODS or (owner in ("os", "shutil") and (owner == "shutil" or name in WRITING_IN_OS))
                or writes_open):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("module", SITE_MAKERS)
def test_the_modules_that_make_the_site_write_through_write_py(module):
    assert writing_calls(GRAPH.tree[module]) == []


@pytest.mark.parametrize("code", [
    "import os\nos.replace(a, b)\n", "import shutil\nshutil.copy2(a, b)\n", "path.write_bytes(b'x')\n",
    "open(path, 'wb').write(b'x')\n", "(site / 'x').mkdir()\n",
])
def test_the_writer_check_can_fail(code):
    assert len(writing_calls(ast.parse(code))) == 1


_WRITES = {"open", "os.rename", "os.link", "os.symlink", "os.remove", "os.rmdir", "os.mkdir", "os.truncate",
           "shutil.rmtree", "shutil.copyfile", "shutil.copytree", "shutil.move", "os.utime", "os.chmod"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_watching: dict = {}


def _writer_of_the_call() -> str:
    """The innermost frame in generator/ (what asked for the write), as a path from the repository."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(REPO / "generator"):
            return path.relative_to(REPO).as_posix()
        frame = frame.f_back
    return "(outside generator/)"


def _audit(event: str, args: tuple) -> None:
    if not _watching or event not in _WRITES:
        return
    if event == "open":
        path, mode, flags = args
        if not (mode and set(mode) & set("wax+")) and not (flags and flags & _WRITE_FLAGS):
            return
        paths = [path]
    else:
        paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    for path in paths:
        if isinstance(path, int):
            continue
        where = os.path.abspath(os.fsdecode(path))
        if any(where == root or where.startswith(root + os.sep) for root in _watching["roots"]()):
            _watching["writes"].append((event, where, _writer_of_the_call()))


sys.addaudithook(_audit)


def test_only_write_py_writes_under_the_site_on_a_real_build(tmp_path):
    from generator.build import build

    project = Project(tmp_path / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    site = tmp_path / "site"

    def roots() -> list[str]:  # the site folder and the staging folders beside it
        return [str(site)] + [os.path.join(tmp_path, n) for n in os.listdir(tmp_path) if n.startswith(f".{site.name}-")]

    _watching.update(roots=roots, writes=[])
    try:
        build(project.root, site, SAMPLE_AS_OF, cache_dir=tmp_path / "cache")  # full
        river = project.root / "content/actions/river-guardians.md"
        river.write_text(river.read_text().replace("Keep writing:", "Keep writing now:"))
        build(project.root, site, SAMPLE_AS_OF, cache_dir=tmp_path / "cache")  # partial
        writes = list(_watching["writes"])
    finally:
        _watching.clear()
    assert len(writes) > 100 and {event for event, _, _ in writes} >= {"open", "os.rename", "os.mkdir"}
    assert sorted({writer for _, _, writer in writes}) == ["generator/write.py"]

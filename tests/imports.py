"""The import graph of generator/, read from the source: every import, at the top of a module or inside a
function, relative ones resolved. For the boundary tests (test_core_purity.py, test_boundaries.py).

An import under ``if TYPE_CHECKING:`` is left out: it never runs, it only names types.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "generator"


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path = REPO) -> dict[str, tuple[str, bool]]:
    """``{module: (source, is a package)}`` of every module of generator/."""
    return {module_name(p, root): (p.read_text(), p.name == "__init__.py") for p in sorted((root / PACKAGE).rglob("*.py"))}


@dataclass
class Graph:
    internal: dict[str, set[str]] = field(default_factory=dict)
    """Module to the modules of generator/ it imports."""
    external: dict[str, set[str]] = field(default_factory=dict)
    """Module to the top-level names of the other packages it imports (``yaml``, ``os``)."""
    tree: dict[str, ast.Module] = field(default_factory=dict)

    def reachable(self, start: str) -> set[str]:
        """Every module of generator/ that importing ``start`` runs: what it imports, what they import, and
        each one's parent packages (importing ``generator.core.site`` runs ``generator/core/__init__.py``)."""
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module in seen or module not in self.internal:
                continue
            seen.add(module)
            todo += self.internal[module]
            todo += [".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 1)]
        return seen

    def cycles(self) -> list[list[str]]:
        """Groups of modules that import each other, directly or through others (Tarjan's algorithm)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(v: str) -> None:
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in sorted(self.internal[v]):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1 or v in self.internal[v]:
                    found.append(sorted(group))

        for v in sorted(self.internal):
            if v not in index:
                visit(v)
        return sorted(found)


def _runs(tree: ast.AST):
    """Every node that can run: the bodies of ``if TYPE_CHECKING:`` are left out."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                yield child
                yield from _runs(child)
            continue
        yield node
        yield from _runs(node)


def graph(modules: dict[str, tuple[str, bool]] | None = None) -> Graph:
    """The import graph of ``modules`` (default: generator/ as it is on disk)."""
    modules = sources() if modules is None else modules
    out = Graph()
    for name, (text, is_package) in modules.items():
        tree = ast.parse(text)
        out.tree[name] = tree
        internal, external = set(), set()

        def add(target: str) -> None:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                internal.add(target)
            else:
                external.add(target.split(".")[0])

        for node in _runs(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                for alias in node.names:  # ``from . import feeds`` imports the module generator.outputs.feeds
                    sub = f"{target}.{alias.name}"
                    add(sub if sub in modules else target)
        out.internal[name] = {m for m in internal if m != name}
        out.external[name] = external
    for name in out.internal:  # an import of a name the package does not hold stays an edge to the package
        out.internal[name] = {m if m in modules else m.rsplit(".", 1)[0] for m in out.internal[name]}
    return out

"""The import graph of the `nklabor` package, read with `ast`: which module imports which, and between rooms.

Only top-level imports count as dependencies of a module; imports inside functions (the CLI defers heavy
ones so that `nklabor validate` starts fast) are listed apart.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.support import ROOT

PACKAGE = ROOT / "toolkit" / "nklabor"


def module_name(path: Path) -> str:
    """`nklabor.validation.reading` for `toolkit/nklabor/validation/reading.py`."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    if not base.startswith("nklabor"):
        return []
    # `from . import x` names submodules; `from .x import y` names the module x.
    return [f"{base}.{alias.name}" for alias in node.names] if node.module is None else [base]


def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(top-level imports, in-function imports): module -> the nklabor modules it imports."""
    top: dict[str, set[str]] = defaultdict(set)
    deferred: dict[str, set[str]] = defaultdict(set)
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        in_function = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(f)
        }
        type_only = {
            id(n)
            for i in ast.walk(tree)
            if isinstance(i, ast.If) and "TYPE_CHECKING" in ast.unparse(i.test)
            for n in ast.walk(i)
        }
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, is_package, node)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("nklabor")]
            if not targets or id(node) in type_only:
                continue
            found = {t if t in modules else t.rsplit(".", 1)[0] for t in targets}
            (deferred if id(node) in in_function else top)[name].update(found - {name})
    return dict(top), dict(deferred)


def room(module: str) -> str:
    """The room of a module: `validation`, `release`, ... or the shared module itself (`schema`, `report`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "nklabor"


def rooms() -> dict[str, set[str]]:
    """Room -> the rooms it imports at top level."""
    top, _ = graph()
    out: dict[str, set[str]] = defaultdict(set)
    for module, targets in top.items():
        for target in targets:
            if room(target) != room(module) and room(target) != "nklabor":
                out[room(module)].add(room(target))
    return dict(out)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if node not in index:
            visit(node)
    return found


def describe() -> str:
    """The room graph as text, for docs/architecture.md."""
    lines = [f"{name:<11} -> {', '.join(sorted(targets))}" for name, targets in sorted(rooms().items())]
    _, deferred = graph()
    lazy = sorted({room(t) for m, ts in deferred.items() if room(m) == "cli" for t in ts} - {"cli"})
    lines.append(
        f"(cli also imports {', '.join(lazy)} inside commands, so that `nklabor validate` starts fast)"
    )
    return "\n".join(lines)

"""The layout keeps the roles apart (docs/architecture.md), read from the imports with ast.

Models hold numbers and codes; readers turn text and files into models; calculators
compute; renderers own every word a person reads; the CLI parses options, calls the
library once and renders. Each role may import only what the table below allows.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "regimens"

#: What each role (the first package below ``regimens``) may import of the package.
ALLOWED: dict[str, frozenset[str]] = {
    "_models": frozenset({"_models", "_errors", "_version"}),
    "_read": frozenset({"_read", "_models", "_errors", "_version"}),
    "_calc": frozenset({"_calc", "_models", "_errors", "_version"}),
    "_render": frozenset({"_render", "_models", "_errors", "_version"}),
    # The public functions that join a reader with a calculator or renderer.
    "_api": frozenset({"_api", "_read", "_calc", "_render", "_models", "_errors", "_version"}),
}

#: Modules over this many lines are split by role or concept (issue 16).
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, tuple[str, ...], bool]]:
    """(module imported, names taken from it, only for type checking) for every import."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, tuple[str, ...], bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for item in child.body:
                    visit_node(item, True)
                for item in child.orelse:
                    visit_node(item, typing_only)
                continue
            visit_node(child, typing_only)

    def visit_node(child: ast.AST, typing_only: bool) -> None:
        if isinstance(child, ast.Import):
            found.extend((alias.name, (), typing_only) for alias in child.names)
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                target = f"{base}.{child.module}" if child.module else base
            else:
                target = child.module or ""
            names = tuple(alias.name for alias in child.names)
            found.append((target, names, typing_only))
        else:
            visit(child, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _role(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _resolve(target: str, names: tuple[str, ...], modules: dict[str, Path]) -> list[str]:
    """The modules of ours an import loads (``from regimens._calc import bsa`` → ``…bsa``)."""
    if not target.startswith("regimens"):
        return []
    found = [f"{target}.{name}" for name in names if f"{target}.{name}" in modules]
    return found or [target]


def test_each_role_imports_only_what_it_may() -> None:
    """Models, readers, calculators and renderers import only the roles the table allows."""
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        role = _role(module)
        if role not in ALLOWED:
            continue
        for target, names, _ in _imports(path):
            for imported in _resolve(target, names, modules):
                other = _role(imported)
                if imported != "regimens" and other not in ALLOWED[role]:
                    wrong.append(f"{module} imports {imported}")
                elif imported == "regimens":
                    wrong.append(f"{module} imports the package root")
    assert wrong == []


def test_no_module_imports_another_modules_private_name() -> None:
    """``from regimens.x import _name`` reaches into x's internals: not allowed."""
    modules = _modules()
    wrong = []
    for module, path in modules.items():
        for target, names, _ in _imports(path):
            if not target.startswith("regimens") or target == module:
                continue
            private = [
                name
                for name in names
                if name.startswith("_")
                and not name.startswith("__")
                and f"{target}.{name}" not in modules  # a private module is fine
            ]
            wrong.extend(f"{module} imports {target}.{name}" for name in private)
    assert wrong == []


def test_no_import_cycle() -> None:
    """The run-time imports of src/ (type-checking ones aside) form no cycle."""
    modules = _modules()
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, path in modules.items():
        for target, names, typing_only in _imports(path):
            if typing_only:
                continue
            for imported in _resolve(target, names, modules):
                if imported in modules and imported != module:
                    graph[module].add(imported)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    # A package's __init__ importing its own modules lazily is not a cycle of ours.
    cycles = [c for c in cycles if not all(m == "regimens" or "." not in m for m in c)]
    assert cycles == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_module_is_at_most_600_lines(module: str) -> None:
    """A module over 600 lines mixes roles or concepts: split it (issue 16)."""
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES


def _code_lines(path: Path) -> list[str]:
    """The lines that count for copying: stripped; no blank, comment or import line, and
    no name alone in a parenthesised import list."""
    kept: list[str] = []
    in_import = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith(("from ", "import ")):
            in_import = line.endswith("(")
            continue
        if in_import:
            in_import = line != ")"
            continue
        if line and not line.startswith("#"):
            kept.append(line)
    return kept


def test_no_copied_blocks() -> None:
    """No run of six identical code lines stands in two places of src/ (two such runs at most).

    Overlapping windows of one copied run count once: a run is a chain of windows that
    follow each other in both places.
    """
    places: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        lines = _code_lines(path)
        for start in range(len(lines) - 5):
            window = tuple(lines[start : start + 6])
            places.setdefault(window, []).append((str(path.relative_to(SRC)), start))
    pairs: set[tuple[str, int, str, int]] = set()
    for found in places.values():
        for i, (file_a, at_a) in enumerate(found):
            for file_b, at_b in found[i + 1 :]:
                pairs.add((file_a, at_a, file_b, at_b))
    runs = sorted(
        (a, at_a, b, at_b) for a, at_a, b, at_b in pairs if (a, at_a - 1, b, at_b - 1) not in pairs
    )
    assert len(runs) <= 2, runs

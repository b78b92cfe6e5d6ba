"""The test suite's own rules: the tests that start a process say so.

A test that starts a new Python process (``python -m regimens``, or a fresh interpreter
that checks what an import loads) is marked ``subprocess``, so that a quick run can
leave those out (``pytest -m 'not subprocess'``) and the full run, CI's, keeps them.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _starts_a_process(node: ast.AST, helpers: set[str]) -> bool:
    """Whether ``node`` calls ``subprocess.*`` or a module helper that does."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        function = call.func
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "subprocess"
        ):
            return True
        if isinstance(function, ast.Name) and function.id in helpers:
            return True
    return False


def _is_marked(function: ast.FunctionDef) -> bool:
    return any(
        ast.unparse(decorator) == "pytest.mark.subprocess" for decorator in function.decorator_list
    )


def _unmarked_process_tests(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    helpers = {
        f.name for f in functions if not f.name.startswith("test_") and _starts_a_process(f, set())
    }
    return [
        f"{path.name}::{f.name}"
        for f in functions
        if f.name.startswith("test_") and _starts_a_process(f, helpers) and not _is_marked(f)
    ]


def test_tests_that_start_a_process_are_marked_subprocess() -> None:
    """Every test calling ``subprocess`` (directly or through a helper) has the mark."""
    found = [
        name for path in sorted(TESTS.glob("test_*.py")) for name in _unmarked_process_tests(path)
    ]
    assert found == []


def test_the_check_sees_the_marked_tests() -> None:
    """The check finds the tests it is about: marked ones exist, so it is not vacuous."""
    source = (TESTS / "test_bad_input.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    marked = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and _is_marked(node) and _starts_a_process(node, set())
    ]
    assert marked == ["test_bad_file_is_refused_in_one_line"]

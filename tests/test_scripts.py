"""The maintenance scripts under scripts/ stay in step with the project."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_mutation_script_names_existing_test_files_for_every_core_module() -> None:
    """Each clinical-core module has its list of test files for mutmut, and each file
    exists (a renamed test file would otherwise silently drop out of the score)."""
    mutation = _load("mutation")
    assert set(mutation.TESTS) == set(mutation.CORE)
    for module, files in mutation.TESTS.items():
        assert files, module
        for name in files:
            assert (ROOT / name).is_file(), f"{module}: {name}"


def test_mutation_script_mutates_what_pyproject_lists() -> None:
    """scripts/mutation.py and pyproject's [tool.mutmut] name the same modules."""
    mutation = _load("mutation")
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for module in mutation.CORE:
        assert f'"src/regimens/{module.replace(".", "/")}.py"' in text


SNIPPET = """
class Options:
    @field_validator("cycles")
    @classmethod
    def _in_range(cls, cycles):
        if cycles > 100:
            raise ValueError("too many")
        return cycles

    def plain(self):
        return 1 + 1


def top():
    return 2 > 1
"""


def test_decorated_bodies_are_found_with_their_class() -> None:
    """The separate pass finds decorated functions (the ones mutmut skips) by their
    qualified name and the lines of their body only, not plain functions."""
    mutation = _load("mutation")
    assert mutation._decorated_bodies(SNIPPET) == [("Options._in_range", 6, 8)]


def test_decorated_mutants_change_only_decorated_bodies() -> None:
    """mutmut's operators, applied by the separate pass, mutate only inside the
    decorated function (``>`` and ``100`` and the message there; nothing in ``plain`` or
    ``top``)."""
    pytest.importorskip("mutmut")
    mutation = _load("mutation")
    mutants = mutation._decorated_mutants(SNIPPET, "snippet.py")
    assert mutants
    assert {name.rsplit("__", 1)[0] for name, _ in mutants} == {"Options._in_range"}
    for _, source in mutants:
        assert "return 1 + 1" in source
        assert "return 2 > 1" in source

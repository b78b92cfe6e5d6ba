"""Issue 22, "Python API": the public functions' types are the public surface.

Every regimens type a public function (or a public method of a public class) returns is
exported in ``regimens.__all__``, so a caller can annotate what it gets back; the option
models' constructors are typed, so that ``mypy --strict`` catches a misspelt option or
an unknown value before the code runs.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import regimens

ROOT = Path(__file__).resolve().parent.parent
IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def _regimens_classes() -> dict[str, str]:
    """Every class defined in a module of the package: name → module."""
    found: dict[str, str] = {}
    for module_info in pkgutil.walk_packages(regimens.__path__, "regimens."):
        if "._cli" in module_info.name or module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                found.setdefault(name, module.__name__)
    return found


def _public_callables() -> Iterator[tuple[str, Callable[..., object]]]:
    """The public functions, and the public methods and properties of public classes."""
    for name in regimens.__all__:
        value = getattr(regimens, name)
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value) and value.__module__.startswith("regimens"):
            for attribute, member in vars(value).items():
                if attribute.startswith("_"):
                    continue
                function = member.fget if isinstance(member, property) else member
                function = getattr(function, "__func__", function)
                if inspect.isfunction(function):
                    yield f"{name}.{attribute}", function


def test_every_type_a_public_function_returns_is_exported() -> None:
    """``Library.supportive_for`` returned ``SupportiveSchedule``, which was not public:
    a caller could not name the type of what it got. Third-party types (fhir.resources'
    ``Bundle``) and the standard library's are not ours to export."""
    ours = _regimens_classes()
    exported = set(regimens.__all__)
    assert {"DoseSheet", "SupportiveSchedule", "Library"} <= set(ours)
    missing = {
        f"{where} -> {name}"
        for where, function in _public_callables()
        for name in IDENTIFIER.findall(str(inspect.signature(function).return_annotation))
        if name in ours and name not in exported and not hasattr(builtins, name)
    }
    assert not missing, sorted(missing)


#: Each line with a mistake is a mypy error at its line; the correct calls are not.
SNIPPET = """\
import regimens

regimens.SheetOptions(cycel=2)
regimens.SheetOptions(rounding="nearest")
regimens.CalendarOptions(cycels=4)
regimens.DrugDoseLevel(drug="oxaliplatin", percent=75, reasn="neuropathy")
regimens.Delay(cycle=3, days="7")
regimens.SheetOptions(cycle=2, rounding="none", dose_level_percent=80)
regimens.CalendarOptions(cycles=4, delays=[regimens.Delay(cycle=3, days=7)])
regimens.DrugDoseLevel(drug="oxaliplatin", percent=75, reason="neuropathy")
"""


@pytest.mark.subprocess
def test_mypy_strict_catches_option_typos(tmp_path: Path) -> None:
    """``SheetOptions(cycel=2)`` and ``rounding="nearest"`` passed ``mypy --strict``: the
    option models took ``**data: Any``. With pydantic's mypy plugin (``init_typed``,
    ``init_forbid_extra`` in pyproject.toml) each mistake is an error at its line, and
    the correct calls below them are not. Run from the repository root, so that mypy
    reads its configuration and reuses its cache (a cold run takes about 30 s)."""
    snippet = tmp_path / "typos.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(snippet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    errors = re.findall(r"typos\.py:(\d+): error: (.*)", result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert {int(line) for line, _ in errors} == {3, 4, 5, 6, 7}, result.stdout
    messages = dict(errors)
    assert 'Unexpected keyword argument "cycel" for "SheetOptions"' in messages["3"]
    assert 'Argument "rounding" to "SheetOptions" has incompatible type' in messages["4"]

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


# --- docs/api.md: every block runs, the reference says what each name is -----------------

API_DOC = ROOT / "docs" / "api.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_every_code_block_of_the_api_guide_is_run() -> None:
    """Each fenced block of docs/api.md is a ``pycon`` block of ``>>>`` examples, which
    tests/test_api.py runs with doctest: a block the suite does not run (the ``sh``
    install line was one) could go stale unseen."""
    blocks = FENCE.findall(API_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 12
    not_run = [
        (language, body[:60])
        for language, body in blocks
        if language != "pycon" or ">>> " not in body
    ]
    assert not not_run


def _library_row() -> list[str]:
    """The backticked members named in the reference row of ``Library``."""
    row = next(
        line
        for line in API_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `Library` |")
    )
    return re.findall(r"`([a-z_]+(?:\([a-z_, ]*\))?)`", row.split("|")[3])


def test_api_reference_says_which_library_members_are_methods() -> None:
    """``regimens()`` and ``drugs()`` were listed as methods; they are mappings. A member
    written with brackets is callable, one without is not."""
    library = regimens.load_library()
    members = _library_row()
    assert {"regimens", "drugs", "get(name)", "drug(name)"} <= set(members)
    for member in members:
        name = member.split("(")[0]
        value = getattr(library, name)
        assert callable(value) == member.endswith(")"), member
    assert library.regimens["FOLFOX-6"] is library.get("mfolfox6")


def test_batch_guide_python_example_runs_as_shown(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/batch.md's Python example imports only the public namespace (it once imported
    ``regimens._batch``) and prints the ``text`` block shown after it: 67 in / 154 lb →
    1.82 m², oxaliplatin 155 mg (api.md's worked example); 17 cm is refused."""
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    blocks = FENCE.findall(text.split("## From Python", 1)[1])
    (code,) = [body for language, body in blocks if language == "python"]
    (shown,) = [body for language, body in blocks if language == "text"]
    assert "regimens._" not in code
    exec(compile(code, "docs/batch.md", "exec"), {})
    assert capsys.readouterr().out == shown

"""Fuzzing the file loaders: regimen and drug files (TOML), course files (TOML, JSON).

Each example takes a real file of the project and damages it the way files get damaged
(a line deleted, duplicated or truncated; a value replaced by random text, a number or
a nested array; random bytes inserted), or builds random JSON from scratch. The loader
must then either accept the file or raise the package's own error (a RegimensError):
no KeyError, TypeError, RecursionError or pydantic ValidationError may escape.

Bounded: ``REGIMENS_FUZZ_EXAMPLES`` examples per test (default 100 in the normal suite,
about 3 s in all; CI runs a second pass with 1,000 each; docs/testing.md records the
measured times).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regimens._calc.course import compute_course
from regimens._calc.dosing import compute_sheet
from regimens._errors import RegimensError
from regimens._models.library import Library
from regimens._models.patient import Patient
from regimens._read.course import load_course
from regimens._read.library import (
    builtin_library_dir,
    load_drugs_file,
    load_library,
    load_regimen_file,
    validate_paths,
)
from strategies import JSON_VALUES, damaged

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("REGIMENS_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

REGIMEN_FILES = sorted(p for p in builtin_library_dir().glob("*.toml") if p.name != "drugs.toml")
COURSE_FILES = [
    REPO / "docs" / "examples" / "case-report-course.toml",
    REPO / "tests" / "fixtures" / "courses" / "folfox-dated.json",
    REPO / "tests" / "fixtures" / "courses" / "mixed-anthracyclines.toml",
]

#: An adult with every measurement, so that every rule of the library applies.
PATIENT = Patient(height_cm=170, weight_kg=70, sex="female", age_years=60, creatinine_mg_dl=1.0)


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for a module's examples: each writes its file there, then removes it.

    Cheaper than a temporary directory per example (made and removed 300 times a test:
    about 1 s of each test's time).
    """
    return tmp_path_factory.mktemp("fuzz")


@contextlib.contextmanager
def _only_file(directory: Path, name: str, text: str) -> Iterator[Path]:
    """``text`` written to ``directory/name``, the one file of the directory while in use."""
    path = directory / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        yield path
    finally:
        path.unlink()


@FUZZ
@given(data=st.data(), source=st.sampled_from(REGIMEN_FILES))
def test_damaged_regimen_file_raises_only_own_errors(
    data: st.DataObject, source: Path, directory: Path
) -> None:
    """A damaged regimen file loads, or raises a RegimensError (file, then library)."""
    text = data.draw(damaged(source.read_text(encoding="utf-8")))
    with _only_file(directory, source.name, text) as path:
        with contextlib.suppress(RegimensError):
            load_regimen_file(path)
        with contextlib.suppress(RegimensError):
            load_library([directory])
        assert all(isinstance(problem, str) for problem in validate_paths([path]))


@FUZZ
@given(data=st.data())
def test_damaged_drugs_file_raises_only_own_errors(data: st.DataObject, directory: Path) -> None:
    """A damaged drugs.toml loads and doses every regimen, or raises a RegimensError.

    Loading alone is not enough: a tablet strength of 150.5 mg once loaded fine and
    then stopped every capecitabine sheet with a bare ValueError.
    """
    source = builtin_library_dir() / "drugs.toml"
    text = data.draw(damaged(source.read_text(encoding="utf-8")))
    with _only_file(directory, "drugs.toml", text) as path:
        with contextlib.suppress(RegimensError):
            load_drugs_file(path)
        with contextlib.suppress(RegimensError):
            library = load_library([directory])
            for regimen in library:
                with contextlib.suppress(RegimensError):
                    compute_sheet(library, regimen, PATIENT)


def _load_and_compute(library: Library, path: Path) -> None:
    try:
        course = load_course(path)
        compute_course(library, course, source=str(path))
    except RegimensError:
        pass


@FUZZ
@given(data=st.data(), source=st.sampled_from(COURSE_FILES))
def test_damaged_course_file_raises_only_own_errors(
    data: st.DataObject, source: Path, directory: Path, library: Library
) -> None:
    """A damaged course file (TOML or JSON) loads and computes, or raises a RegimensError."""
    text = data.draw(damaged(source.read_text(encoding="utf-8")))
    with _only_file(directory, source.name, text) as path:
        _load_and_compute(library, path)


@FUZZ
@given(value=JSON_VALUES)
def test_random_course_json_raises_only_own_errors(
    value: Any, directory: Path, library: Library
) -> None:
    """Random JSON built from the course's own keys and values: a report, or a RegimensError."""
    with _only_file(directory, "course.json", json.dumps(value)) as path:
        _load_and_compute(library, path)


#: Builtins that run code (re.compile is fine: the look-behind skips attribute calls),
#: and modules that can build objects from data.
FORBIDDEN_IN_SRC = re.compile(
    r"(?<![\w.])(eval|exec|compile|__import__)\(|\b(pickle|marshal|shelve|yaml|dill)\b"
)


def test_no_code_is_run_from_data_files() -> None:
    """Data files are parsed by tomllib and json only: no eval, exec, pickle or YAML in src.

    A tampered regimen or course file can at worst be refused, never run code
    (docs/safety.md, "Data-file tampering").
    """
    found = [
        f"{path.relative_to(REPO)}: {match.group(0)}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for match in FORBIDDEN_IN_SRC.finditer(path.read_text(encoding="utf-8"))
    ]
    # The one exception: the package's own validated library (issue 23), read by an
    # unpickler that finds only the package's model classes
    # (tests/test_validated_cache.py::test_a_tampered_file_runs_no_code).
    allowed = {"src/regimens/_read/validated.py: pickle"}
    assert [item for item in found if item not in allowed] == []

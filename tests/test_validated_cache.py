"""The shipped validation of the built-in library is what validating it gives, and is
used only for the very bytes and code it was made from (issue 23,
src/regimens/_read/validated.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from regimens._errors import LibraryError
from regimens._models.regimen import Regimen
from regimens._read import library as _library
from regimens._read import validated
from regimens._read.library import (
    _library_files,
    _scan,
    builtin_library_dir,
    load_library,
    validate_paths,
)
from regimens._read.validated import (
    CACHE_FILE,
    FRESH_PROGRAM,
    MAGIC,
    header_of,
    same_sources,
    validated_results,
)

ROOT = Path(__file__).resolve().parents[1]


def _fresh() -> dict[tuple[str, str], object]:
    record: dict[tuple[str, str], object] = {}
    _, problems = _scan(
        _library_files(builtin_library_dir()), label="test", builtin=True, record=record
    )
    assert problems == []
    return record


@pytest.fixture
def cache_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Point the package at a cache file of the test's making (and forget the cached one)."""

    def use(raw: bytes) -> None:
        path = tmp_path / "validated_library.bin"
        path.write_bytes(raw)
        monkeypatch.setattr(validated, "CACHE_FILE", path)
        validated_results.cache_clear()

    yield use
    validated_results.cache_clear()


def _with_header(raw: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    magic, line, body = raw.split(b"\n", 2)
    header = json.loads(line)
    change(header)
    return magic + b"\n" + json.dumps(header).encode() + b"\n" + body


@pytest.mark.subprocess
def test_the_shipped_file_is_current() -> None:
    """After a change to regimen_library/ or to a module validation imports, run
    `python scripts/parsed_toml.py`; a fresh process must record the same header."""
    program = [sys.executable, "-c", FRESH_PROGRAM]
    fresh = subprocess.run(program, capture_output=True, check=True).stdout
    assert same_sources(header_of(CACHE_FILE.read_bytes()), header_of(fresh)), (
        "src/regimens/_read/validated_library.bin is stale: run python scripts/parsed_toml.py"
    )


def _made_here() -> None:
    """Skip a test that needs the shipped file in use when it was made with another
    pydantic (a newer release installed here): it is then rightly not used."""
    header = header_of(CACHE_FILE.read_bytes())
    assert header is not None
    if header["versions"] != validated._versions():
        pytest.skip(
            f"validated_library.bin was made with {header['versions']}; this is "
            f"{validated._versions()}: run python scripts/parsed_toml.py"
        )


def test_it_is_used_here() -> None:
    """In this checkout the shipped file matches the code: every built-in file is in it."""
    _made_here()
    names = {path.name for path in _library_files(builtin_library_dir())}
    assert {name for name, _ in validated_results()} == names


def test_what_it_holds_is_what_validation_gives() -> None:
    """Model for model, equal to validating every built-in file now."""
    _made_here()
    shipped = validated_results()
    fresh = _fresh()
    assert shipped.keys() == fresh.keys()
    for key, result in fresh.items():
        assert shipped[key] == result, key


def test_it_records_the_modules_validation_imports() -> None:
    header = header_of(CACHE_FILE.read_bytes())
    assert header is not None
    sources = header["sources"]
    assert isinstance(sources, dict)
    for name in (
        "_read/regimen_file.py",
        "_models/regimen.py",
        "_models/assessment.py",
        "_read/units.txt",
    ):
        digest = hashlib.sha256((ROOT / "src" / "regimens" / name).read_bytes()).hexdigest()
        assert sources[name] == digest


def test_a_changed_module_turns_it_off(cache_at) -> None:  # type: ignore[no-untyped-def]
    def edit(header: dict) -> None:  # type: ignore[type-arg]
        header["sources"]["_models/regimen.py"] = "0" * 64

    cache_at(_with_header(CACHE_FILE.read_bytes(), edit))
    assert validated_results() == {}


def test_another_pydantic_turns_it_off(cache_at) -> None:  # type: ignore[no-untyped-def]
    def edit(header: dict) -> None:  # type: ignore[type-arg]
        header["versions"]["pydantic"] = "1.10.0"

    cache_at(_with_header(CACHE_FILE.read_bytes(), edit))
    assert validated_results() == {}


@pytest.mark.parametrize(
    "raw",
    [b"", b"not a cache", MAGIC + b"\n{}\n", MAGIC + b"\n[1]\n", MAGIC + b"\n{bad json\n"],
    ids=["empty", "other", "no sources", "not an object", "bad header"],
)
def test_a_file_that_is_not_one_is_not_used(cache_at, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    cache_at(raw)
    assert validated_results() == {}


def test_a_damaged_body_is_not_used(cache_at) -> None:  # type: ignore[no-untyped-def]
    magic, line, body = CACHE_FILE.read_bytes().split(b"\n", 2)
    cache_at(magic + b"\n" + line + b"\n" + body[: len(body) // 2])
    assert validated_results() == {}
    cache_at(magic + b"\n" + line + b"\n" + zlib.compress(b"not a pickle"))
    assert validated_results() == {}


def test_without_it_the_library_is_the_same(cache_at) -> None:  # type: ignore[no-untyped-def]
    with_cache = load_library([], use_env=False)
    cache_at(b"")
    _library._builtin_layer.cache_clear()
    try:
        without = load_library([], use_env=False)
    finally:
        _library._builtin_layer.cache_clear()
    assert list(with_cache) == list(without)
    assert with_cache.drugs == without.drugs
    assert with_cache.assessment_settings == without.assessment_settings


def test_other_bytes_are_validated(tmp_path: Path) -> None:
    """A built-in file edited after installation has another SHA-256: it is validated,
    so a dose changed in it is read, and a broken one is refused."""
    copy = tmp_path / "library"
    shutil.copytree(builtin_library_dir(), copy)
    path = copy / "folfox-6.toml"
    text = path.read_text(encoding="utf-8")
    assert 'dose = "85 mg/m2"' in text  # oxaliplatin, FOLFOX-6 (the case report)
    path.write_text(text.replace('dose = "85 mg/m2"', 'dose = "80 mg/m2"', 1), encoding="utf-8")
    layer, problems = _scan(
        _library_files(copy), label="built-in", builtin=True, known=validated_results()
    )
    assert problems == []
    regimen = layer.regimens["FOLFOX-6"][0]
    assert isinstance(regimen, Regimen)
    assert [c.dose.amount for c in regimen.components if c.drug == "oxaliplatin"] == [80]

    path.write_text(text.replace('dose = "85 mg/m2"', 'dose = "85 mg/m3"', 1), encoding="utf-8")
    _, problems = _scan(
        _library_files(copy), label="built-in", builtin=True, known=validated_results()
    )
    assert len(problems) == 1
    assert "folfox-6.toml" in problems[0]


def test_the_same_bytes_under_another_name_are_validated(tmp_path: Path) -> None:
    """The key is the name with the SHA-256: drugs.toml's bytes named as a regimen file
    are not taken for a drugs file's result."""
    source = builtin_library_dir() / "folfox-6.toml"
    (tmp_path / "assessment.toml").write_bytes(source.read_bytes())
    with pytest.raises(LibraryError):
        _library._assessment(_library._read_toml(tmp_path / "assessment.toml", builtin=True))
    _, problems = _scan(
        [tmp_path / "assessment.toml"], label="built-in", builtin=True, known=validated_results()
    )
    assert problems
    assert "assessment.toml" in problems[0]


def test_validate_checks_the_builtin_files_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """`regimens validate` of the built-in directory validates every file, whatever
    the shipped file says."""

    def refuse() -> dict[tuple[str, str], object]:
        raise AssertionError("validate used the shipped validation")

    monkeypatch.setattr(_library, "validated_results", refuse)
    _library._builtin_layer.cache_clear()
    try:
        assert validate_paths([builtin_library_dir()]) == []
    finally:
        _library._builtin_layer.cache_clear()


@pytest.mark.subprocess
def test_a_library_command_does_not_import_the_file_formats() -> None:
    """Loading the built-in library takes the shipped validation: the file-format
    models (and their schemas) are never built."""
    _made_here()
    code = (
        "import sys; from regimens._read.library import load_library; "
        "load_library([], use_env=False); "
        "print('regimens._read.regimen_file' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


class _Runs:
    """Unpickled, would call os.system (a tampered cache file)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):  # type: ignore[no-untyped-def]
        import os

        return (os.system, (f"touch {self.target}",))


def test_a_tampered_file_runs_no_code(cache_at, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A body that would call a function is refused: only the package's model classes
    are found, so the file is not used and nothing runs."""
    import pickle

    target = tmp_path / "ran"
    magic, line, _ = CACHE_FILE.read_bytes().split(b"\n", 2)
    body = zlib.compress(pickle.dumps({("x.toml", "0" * 64): _Runs(target)}))
    cache_at(magic + b"\n" + line + b"\n" + body)
    assert validated_results() == {}
    assert not target.exists()
    # and a global of the package that is not a model class is refused too, as is a
    # class a model module imported from elsewhere (regimens._models.base.BaseModel).
    from regimens._models import base

    assert base.BaseModel.__module__ != "regimens._models.base"
    for refused in (validate_paths, base.control_character):
        body = zlib.compress(pickle.dumps({("x.toml", "0" * 64): refused}))
        cache_at(magic + b"\n" + line + b"\n" + body)
        assert validated_results() == {}
    body = pickletools_global("regimens._models.base", "BaseModel")
    cache_at(magic + b"\n" + line + b"\n" + zlib.compress(body))
    assert validated_results() == {}


def pickletools_global(module: str, name: str) -> bytes:
    """A pickle (protocol 2) of the dict ``{"k": module.name}``: it names the global."""
    return b"\x80\x02}(X\x01\x00\x00\x00kc" + f"{module}\n{name}\n".encode() + b"u."


@pytest.mark.subprocess
def test_it_is_used_in_a_fresh_process_before_any_model_is_imported() -> None:
    """The unpickler imports the model modules it names (only regimens._models ones)."""
    _made_here()
    code = "from regimens._read.validated import validated_results; print(len(validated_results()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) == len(_library_files(builtin_library_dir()))

"""The shipped parse of the built-in library's TOML is tomllib's, and is used only for
the very bytes it was made from (issue 23, src/regimens/_read/parsed_toml.py)."""

from __future__ import annotations

import hashlib
import runpy
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import run
from regimens._errors import LibraryError
from regimens._read import library as _library
from regimens._read import parsed_toml
from regimens._read.library import builtin_library_dir, load_library, load_regimen_file
from regimens._read.parsed_toml import PARSED_FILE, known_parse, parsed_text, same_data

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = sorted((ROOT / "regimen_library").glob("*.toml"))


def test_the_shipped_file_is_current() -> None:
    """After a change to regimen_library/, run `python scripts/parsed_toml.py`."""
    assert PARSED_FILE.read_text(encoding="utf-8") == parsed_text(BUILTIN), (
        "src/regimens/_read/parsed_toml.txt is stale: run python scripts/parsed_toml.py"
    )


def test_the_script_checks_the_file() -> None:
    """`scripts/parsed_toml.py --check` exits 0 on the current file."""
    script = runpy.run_path(str(ROOT / "scripts" / "parsed_toml.py"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.argv", ["parsed_toml.py", "--check"])
        assert script["main"]() == 0


@pytest.mark.parametrize("path", BUILTIN, ids=lambda path: path.name)
def test_every_builtin_file_is_shipped_as_tomllib_parses_it(path: Path) -> None:
    """Each built-in file's parse is there under the SHA-256 of its bytes, and is
    tomllib's, type for type and key order for key order."""
    raw = path.read_bytes()
    shipped = known_parse(hashlib.sha256(raw).hexdigest())
    assert shipped is not None
    assert same_data(shipped, tomllib.loads(raw.decode("utf-8-sig")))


def test_a_parse_is_a_new_object_each_time() -> None:
    """A reader that changed the data it was given could not change the next file's."""
    digest = hashlib.sha256(BUILTIN[0].read_bytes()).hexdigest()
    first = known_parse(digest)
    assert first is not None
    first.clear()
    assert known_parse(digest)


def test_bytes_not_shipped_have_no_parse() -> None:
    assert known_parse(hashlib.sha256(b"id = 'X'\n").hexdigest()) is None


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ({"a": 1, "b": [1.0, "x"]}, {"a": 1, "b": [1.0, "x"]}, True),
        ({"a": 1}, {"a": 1.0}, False),  # == says equal
        ({"a": 1}, {"a": True}, False),  # == says equal
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),  # == ignores key order
        ([1, 2], [1, 2, 3], False),
        ({"a": float("nan")}, {"a": float("nan")}, False),  # left to tomllib
    ],
)
def test_same_data_is_exact(left: object, right: object, same: bool) -> None:
    assert same_data(left, right) is same


def test_a_file_json_cannot_give_back_is_left_to_tomllib(tmp_path: Path) -> None:
    """A TOML date or a nan has no exact JSON: no entry, so tomllib reads the file."""
    dated = tmp_path / "dated.toml"
    dated.write_text("id = 'X'\nsince = 2026-01-05\n", encoding="utf-8")
    nan = tmp_path / "nan.toml"
    nan.write_text("id = 'Y'\nvalue = nan\n", encoding="utf-8")
    plain = tmp_path / "plain.toml"
    plain.write_text("id = 'Z'\nvalue = 1.0\n", encoding="utf-8")
    text = parsed_text([dated, nan, plain])
    assert "dated.toml" not in text
    assert "nan.toml" not in text
    assert "# plain.toml" in text


def test_the_library_is_the_same_without_the_shipped_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every regimen, drug, assessment setting and file hash of the built-in library is
    the same whether its TOML is parsed by tomllib or taken from the shipped file."""
    _library._builtin_layer.cache_clear()
    shipped = load_library((), use_env=False)
    _library._builtin_layer.cache_clear()
    monkeypatch.setattr(_library, "known_parse", lambda sha256: None)
    try:
        parsed = load_library((), use_env=False)
    finally:
        _library._builtin_layer.cache_clear()
    assert dict(shipped.regimens) == dict(parsed.regimens)
    assert dict(shipped.drugs) == dict(parsed.drugs)
    assert shipped.assessment_settings == parsed.assessment_settings
    assert shipped.warnings == parsed.warnings
    for regimen_id in shipped.regimens:
        assert shipped.file_of(regimen_id) == parsed.file_of(regimen_id)


def test_an_edited_builtin_file_is_parsed_again(tmp_path: Path) -> None:
    """A copy of FOLFOX-6 whose bytes differ by one comment is read by tomllib, to the
    same regimen; one with a TOML error gives tomllib's message, as before."""
    source = builtin_library_dir() / "folfox-6.toml"
    edited = tmp_path / "folfox-6.toml"
    edited.write_bytes(source.read_bytes() + b"# edited\n")
    assert known_parse(hashlib.sha256(edited.read_bytes()).hexdigest()) is None
    assert load_regimen_file(edited) == load_regimen_file(source)
    broken = tmp_path / "broken.toml"
    shutil.copy(source, broken)
    broken.write_bytes(source.read_bytes() + b"id = \n")
    with pytest.raises(LibraryError, match=r"broken\.toml:\d+: malformed TOML: "):
        load_regimen_file(broken)


def test_a_missing_shipped_file_means_tomllib_for_every_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without parsed_toml.txt (a packaging mistake) the library still loads, slower."""
    monkeypatch.setattr(parsed_toml, "PARSED_FILE", tmp_path / "missing.txt")
    parsed_toml._entries.cache_clear()
    try:
        digest = hashlib.sha256(BUILTIN[0].read_bytes()).hexdigest()
        assert known_parse(digest) is None
        source = builtin_library_dir() / "folfox-6.toml"
        assert load_regimen_file(source).id == "FOLFOX-6"
    finally:
        parsed_toml._entries.cache_clear()


def test_a_broken_unrelated_file_still_stops_a_sheet(tmp_path: Path) -> None:
    """Every file is still read and checked on every command (the decision of issue 23:
    a library with a broken file is not used, even for a regimen the file does not
    touch): a user library holding one malformed file stops a FOLFOX-6 sheet, naming
    the file and line as tomllib does."""
    (tmp_path / "broken.toml").write_text("id = 'BROKEN'\nname = \n", encoding="utf-8")
    code, out, err = run(
        [
            *("sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"),
            *("--library", str(tmp_path)),
        ]
    )
    assert code == 2
    assert out == ""
    assert f"{tmp_path / 'broken.toml'}:2: malformed TOML: " in err

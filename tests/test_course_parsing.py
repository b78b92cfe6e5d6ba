"""Course files as read: the exact message and field of each mistake (issue 9's survivors).

Each message is the one a user sees after ``Error:``; each ``field`` is the path the
batch and API callers get. Expected texts are the module's wording, checked against
docs/course.md (fields) and the rules of ``parse_course``/``load_course``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import regimens
from regimens._calc.course import compute_course
from regimens._errors import InputError
from regimens._read.course import load_course, parse_course
from regimens._read.library import load_library

ROOT = Path(__file__).resolve().parent.parent


def line(**fields: Any) -> dict[str, Any]:
    return {"patient": {"height": 170, "weight": 70}, "lines": [{"regimen": "EOX", **fields}]}


def refused(data: object) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_course(data)
    return caught.value


# --- parse_course -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        pytest.param(
            line(cycles=True),
            "course: lines[1].cycles: cycles must be a whole number of cycles given, got True",
            "lines[1].cycles",
            id="cycles = true",
        ),
        pytest.param(
            line(cycles=201),
            "course: lines[1].cycles: cycles 201 is not a plausible number of cycles (at most 200)",
            "lines[1].cycles",
            id="201 cycles",
        ),
        pytest.param(
            {"lines": [{"cycles": 1}]},
            "course: lines[1].regimen: missing: this field is required",
            "lines[1].regimen",
            id="no regimen",
        ),
        pytest.param(
            line(cycles=1, zzzzqq=1),
            "course: lines[1].zzzzqq: unknown field 'zzzzqq' (the fields are listed in "
            "docs/course.md)",
            "lines[1].zzzzqq",
            id="unknown field, nothing close",
        ),
        pytest.param(
            line(cycles=1, wth=["ZOLEDRONIC-ACID"]),
            "course: lines[1].wth: unknown field 'wth'; did you mean 'with'? (the fields "
            "are listed in docs/course.md)",
            "lines[1].wth",
            id="misspelt with (an alias of supportive)",
        ),
        pytest.param(
            line(cycles=1, dose_level="abc"),
            "course: lines[1].dose_level: must be a percentage such as 80 or 80%, got 'abc'",
            "lines[1].dose_level",
            id="dose level not a number",
        ),
    ],
)
def test_parse_errors_name_the_field(data: object, message: str, field: str) -> None:
    """Each mistake: the path counted from 1, the reason, the value given; field = the path.

    ``cycles = true`` is refused (TOML's true is not 1 cycle); 200 cycles is the stated
    maximum, so 201 is refused; an unknown field gets the closest known name, the alias
    ``with`` included, or no hint when nothing is close (docs/course.md).
    """
    error = refused(data)
    assert str(error) == message
    assert error.field == field


def test_misspelt_bsa_formula_is_refused_naming_the_field() -> None:
    """The BSA formula is checked against the formulas when the course is computed (the
    reader does not know the formulas: they are the calculator's), with the same words."""
    course = parse_course({**line(cycles=1), "bsa_formula": "mostler"})
    with pytest.raises(InputError) as caught:
        compute_course(load_library(use_env=False), course)
    assert str(caught.value) == (
        "course: bsa_formula: unknown BSA formula 'mostler' (did you mean 'mosteller'?); "
        "accepted: mosteller, dubois, haycock, gehan-george, boyd, fujimoto, takahira, "
        "shuter-aslani, schlich (got 'mostler')"
    )
    assert caught.value.field == "bsa_formula"


def _dated(*dates: str | None, **fields: Any) -> dict[str, Any]:
    cycles = [{"date": day} if day else {} for day in dates]
    return line(cycles=cycles, **fields)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_dated("2026-01-05", start="2026-01-05", end="2026-01-05"), id="one day"),
        pytest.param(
            _dated("2026-01-05", "2026-01-26", start="2026-01-05", end="2026-01-26"),
            id="first on the start, last on the end",
        ),
        pytest.param(_dated("2026-01-05", None, "2026-01-26"), id="an undated cycle between"),
    ],
)
def test_line_dates_at_their_limits_are_accepted(data: dict[str, Any]) -> None:
    """A line may start and end on one day; cycles may fall on the start and on the end
    day themselves; a cycle without a date may sit between dated ones."""
    assert parse_course(data).lines[0].cycles[0].date is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            _dated("2026-01-05", start="2026-01-06"),
            "course: lines[1].cycles[1].date: 2026-01-05 is before the line's start 2026-01-06",
            id="before the start",
        ),
        pytest.param(
            _dated("2026-01-05", "2026-01-27", end="2026-01-26"),
            "course: lines[1].cycles[2].date: 2026-01-27 is after the line's end 2026-01-26",
            id="after the end",
        ),
        pytest.param(
            _dated("2026-01-05", "2026-01-05"),
            "course: lines[1].cycles[2].date: 2026-01-05 is not after cycles[1] (2026-01-05): "
            "list the cycles in the order given",
            id="two cycles on one day",
        ),
        pytest.param(
            _dated("2026-01-26", None, "2026-01-05"),
            "course: lines[1].cycles[3].date: 2026-01-05 is not after cycles[1] (2026-01-26): "
            "list the cycles in the order given",
            id="out of order after an undated cycle",
        ),
    ],
)
def test_cycle_dates_outside_the_line_or_out_of_order_are_refused(
    data: dict[str, Any], message: str
) -> None:
    """Each cycle's date is checked against the line's start and end and the cycle
    before; the error names the cycle (counted from 1) and both dates."""
    error = refused(data)
    assert str(error) == message
    assert error.field == message.split(": ")[1]


def test_unknown_field_hides_no_other_mistake() -> None:
    """A misspelt formula no longer aborts validation: the unknown field is reported first."""
    error = refused({**line(cycles=1, rubbish=1), "bsa_formula": "mosteler"})
    assert str(error).startswith("course: lines[1].rubbish: unknown field 'rubbish'")


def test_two_hundred_cycles_are_accepted() -> None:
    """200 is the largest plausible count (the message of 201 says 'at most 200')."""
    course = parse_course(line(cycles=200))
    assert len(course.lines[0].cycles) == 200


@pytest.mark.parametrize(
    ("second_start", "error"),
    [
        pytest.param(
            "2026-02-09",
            "course: lines[2].start: 2026-02-09 is before the last date of lines[1] "
            "(2026-02-16): list the lines in the order they were given, without overlap",
            id="overlaps the last dated cycle",
        ),
        pytest.param("2026-02-16", None, id="starts on the last cycle's day"),
    ],
)
def test_line_without_end_ends_at_its_last_dated_cycle(
    second_start: str, error: str | None
) -> None:
    """A line with no end lasts to its last cycle's date (2026-02-16, not its start or cycle 2).

    Cycles on 2026-01-05, 01-26, 02-16: a next line starting 02-09 overlaps; one
    starting on 02-16 does not (the check is 'before', not 'on').
    """
    data = {
        "patient": {"height": 170, "weight": 70},
        "lines": [
            {
                "regimen": "EOX",
                "start": "2026-01-05",
                "cycles": [{"date": "2026-01-05"}, {"date": "2026-01-26"}, {"date": "2026-02-16"}],
            },
            {"regimen": "FOLFOX-6", "start": second_start, "cycles": 1},
        ],
    }
    if error is None:
        assert parse_course(data).lines[0].last_date().isoformat() == "2026-02-16"
        return
    caught = refused(data)
    assert (str(caught), caught.field) == (error, "lines[2].start")


# --- load_course --------------------------------------------------------------------------


def test_file_without_extension(tmp_path: Path) -> None:
    """A file without .toml or .json says 'no extension' and names the field 'file'."""
    path = tmp_path / "course"
    path.write_text("[patient]\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_course(path)
    assert str(caught.value) == f"{path}: a course file is .toml or .json, got 'no extension'"
    assert caught.value.field == "file"


def test_unknown_extension_names_it(tmp_path: Path) -> None:
    """course.yaml: the suffix is quoted as given."""
    path = tmp_path / "course.yaml"
    path.write_text("lines: []\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_course(path)
    assert str(caught.value) == f"{path}: a course file is .toml or .json, got '.yaml'"


def _nested(suffix: str) -> str:
    depth = 100_000
    if suffix == ".json":
        return '{"lines": ' + "[" * depth + "]" * depth + "}"
    return "lines = " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("absent.toml", None, "{path}: no such file", id="missing"),
        pytest.param(
            "latin1.toml",
            "[patient]\nnotes = 'épirubicine'\n".encode("latin-1"),
            "{path}: cannot be read as UTF-8 text ('utf-8' codec can't decode byte 0xe9 in "
            "position 19: invalid continuation byte)",
            id="not UTF-8",
        ),
        pytest.param(
            "invalid.toml",
            "[patient\n",
            "{path}: invalid TOML: Expected ']' at the end of a table declaration "
            "(at line 1, column 9)",
            id="invalid TOML",
        ),
        pytest.param(
            "invalid.json",
            '{"lines": [}',
            "{path}: invalid JSON: Expecting value: line 1 column 12 (char 11)",
            id="invalid JSON",
        ),
        pytest.param(
            "deep.json",
            _nested(".json"),
            "{path}: arrays or tables nested too deeply to read",
            id="nested JSON",
        ),
        pytest.param(
            "deep.toml",
            _nested(".toml"),
            "{path}: arrays or tables nested too deeply to read",
            id="nested TOML",
        ),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    """A file that cannot be read or decoded: the path, what is wrong, field 'file'.

    'é' in Latin-1 is the byte 0xE9, at offset 19 after "[patient]\\nnotes = '" (19
    bytes); the TOML and JSON texts are the standard library's parsers' own messages.
    """
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_course(path)
    assert str(caught.value) == message.format(path=path)
    assert caught.value.field == "file"


def test_directory_named_like_a_course_file(tmp_path: Path) -> None:
    """A directory called course.toml: cannot be read, field 'file' (OSError, not a crash)."""
    path = tmp_path / "course.toml"
    path.mkdir()
    with pytest.raises(InputError) as caught:
        load_course(path)
    assert str(caught.value).startswith(f"{path}: cannot be read as UTF-8 text (")
    assert caught.value.field == "file"


@pytest.mark.subprocess
def test_course_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """Under an ASCII locale (LC_ALL=C, no UTF-8 mode) a French drug name still reads.

    'épirubicine' is the French name of epirubicin (drugs.toml local_names); read with
    the locale's encoding, its first byte (0xC3) is not ASCII and the file is refused.
    The subprocess imports the same ``regimens`` package as this test.
    """
    path = tmp_path / "course.toml"
    path.write_text(
        '[patient]\nheight = 170\nweight = 70\n\n[[lines]]\nregimen = "EOX"\ncycles = 1\n'
        "drug_dose_levels = { 'épirubicine' = 75 }\n",
        encoding="utf-8",
    )
    # Read here too: the same file, this process's (UTF-8) locale.
    assert load_course(path).lines[0].drug_dose_levels == {"épirubicine": 75.0}
    package = Path(regimens.__file__).resolve().parents[1]
    env = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONIOENCODING": "utf-8",  # stdout only: files still use the locale's encoding
        "PYTHONPATH": str(package),
    }
    code = (
        "import sys; from regimens._read.course import load_course; "
        "print(sys.flags.utf8_mode, load_course(sys.argv[1]).lines[0].drug_dose_levels)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "0 {'épirubicine': 75.0}\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            {"patient": {"height": 170, "weight": 70, "creatinine": True}, "lines": []},
            "course: patient.creatinine: write a number, or a text with its unit such as "
            "'160 cm' (got True)",
            id="creatinine = true",
        ),
        pytest.param(
            {"patient": {"height": 170, "weight": 70, "crcl": True}, "lines": []},
            "course: patient.crcl: write a number, or a text with its unit such as '160 cm' "
            "(got True)",
            id="crcl = true",
        ),
        pytest.param(
            {"patient": {"height": [170], "weight": 70}, "lines": []},
            "course: patient.height: write a number, or a text with its unit such as '160 cm' "
            "(got [170])",
            id="height = [170]",
        ),
        pytest.param(
            line(cycles=1, dose_level=True),
            "course: lines[1].dose_level: must be a percentage such as 80 or 80%, got True",
            id="dose_level = true",
        ),
        pytest.param(
            line(cycles=1, drug_dose_levels={"epirubicin": True}),
            "course: lines[1].drug_dose_levels.epirubicin: must be a percentage such as 80 "
            "or 80%, got True",
            id="a drug's dose level = true",
        ),
    ],
)
def test_a_boolean_is_not_read_as_1(data: dict[str, Any], message: str) -> None:
    """TOML's `true` is refused where a measurement or a dose level is expected: pydantic
    would read it as 1 (creatinine 1 mg/dL, CrCl 1 mL/min, a dose level of 1 %)."""
    assert str(refused(data)) == message


# --- measurements in canonical units ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "field", "canonical"),
    [
        pytest.param("1.6 m", "height", 160.0, id="height in m → cm"),
        pytest.param("63 in", "height", 160.02, id="height in inches → cm (63 × 2.54)"),
        pytest.param("132.277 lb", "weight", 60.0, id="weight in lb → kg (× 0.45359237)"),
        pytest.param("F", "sex", "female", id="F → female"),
        pytest.param("88.4 µmol/L", "creatinine", 1.0, id="creatinine 88.4 µmol/L → 1 mg/dL"),
        pytest.param(60, "crcl", 60.0, id="a bare number is in the field's default unit"),
    ],
)
def test_measurements_are_kept_in_canonical_units(
    written: object, field: str, canonical: object
) -> None:
    """The reader converts each measurement once, where it enters: the calculator then
    builds the patient of each cycle from numbers in cm, kg, years, mg/dL and mL/min."""
    data = {"patient": {"height": 170, "weight": 70}, "lines": [{"regimen": "EOX", "cycles": 1}]}
    data["lines"][0][field] = written  # type: ignore[index]
    value = getattr(parse_course(data).lines[0], field)
    expected = pytest.approx(canonical, abs=1e-3) if isinstance(canonical, float) else canonical
    assert value == expected


def test_course_file_keeps_its_sha256() -> None:
    """load_course records the SHA-256 of the file's bytes (the report's provenance);
    a course built from data has none."""
    import hashlib

    path = ROOT / "docs" / "examples" / "case-report-course.toml"
    assert load_course(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert parse_course(line(cycles=1)).sha256 is None


def test_course_is_immutable() -> None:
    """A course as read cannot be changed afterwards, its dose-level maps included."""
    course = parse_course(line(cycles=[{"drug_dose_levels": {"epirubicin": 75}}]))
    with pytest.raises(TypeError):
        course.lines[0].cycles[0].drug_dose_levels["epirubicin"] = 100

"""Issue 22: calendars and courses name every library file they read, as a sheet does
(``tests/test_provenance.py``): ``files`` with each file's SHA-256, ``shadowed`` (the
user files that replaced built-in ones) and ``library_dirs``.

The case is the issue's: a user ``drugs.toml`` changing fluorouracil's rounding must be
named, with its own hash, by ``regimens calendar``, ``regimens course`` and
``regimens next``. Hashes are of the files' bytes, computed here with :mod:`hashlib`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

import regimens
from conftest import run, validate_json
from test_provenance import BUILTIN, sha256, user_library

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "examples" / "folfox6-record.toml"
CALENDAR = "calendar FOLFOX-6 --start 2026-01-05 --cycles 2"
MEASURED = "--height 170 --weight 70 --crcl 90"


def built_in_files() -> list[dict[str, Any]]:
    """FOLFOX-6's two built-in files: drugs.toml (its three drugs) and folfox-6.toml."""
    return [
        {
            "path": "drugs.toml",
            "sha256": sha256(BUILTIN / "drugs.toml"),
            "layer": "built-in",
            "role": "drugs",
            "names": ["fluorouracil", "folinic acid", "oxaliplatin"],
        },
        {
            "path": "folfox-6.toml",
            "sha256": sha256(BUILTIN / "folfox-6.toml"),
            "layer": "built-in",
            "role": "regimen",
            "names": ["FOLFOX-6"],
        },
    ]


def assert_names_the_user_drugs_file(provenance: dict[str, Any], directory: Path) -> None:
    """The user drugs.toml is named with its own hash for fluorouracil, shadowing the
    built-in file, which is still named for the two other drugs; its directory is listed."""
    user_file = os.path.abspath(directory / "drugs.toml")
    assert provenance["files"] == [
        {
            "path": "drugs.toml",
            "sha256": sha256(BUILTIN / "drugs.toml"),
            "layer": "built-in",
            "role": "drugs",
            "names": ["folinic acid", "oxaliplatin"],
        },
        {
            "path": "folfox-6.toml",
            "sha256": sha256(BUILTIN / "folfox-6.toml"),
            "layer": "built-in",
            "role": "regimen",
            "names": ["FOLFOX-6"],
        },
        {
            "path": user_file,
            "sha256": sha256(directory / "drugs.toml"),
            "layer": "extra_dirs",
            "role": "drugs",
            "names": ["fluorouracil"],
        },
    ]
    assert sha256(directory / "drugs.toml") != sha256(BUILTIN / "drugs.toml")
    assert provenance["shadowed"] == [
        {
            "what": "drug",
            "name": "fluorouracil",
            "path": user_file,
            "layer": "extra_dirs",
            "shadowed_path": "drugs.toml",
        }
    ]
    assert provenance["library_dirs"] == [
        {"label": "extra_dirs", "path": os.path.abspath(directory)}
    ]


def json_of(command: str) -> dict[str, Any]:
    code, out, err = run(f"{command} --format json")
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


# ------------------------------------------------------------------------------ calendar


@pytest.mark.parametrize("measured", ["", MEASURED], ids=["dates-only", "with-doses"])
def test_a_built_in_calendar_names_its_files(measured: str) -> None:
    """A FOLFOX-6 calendar reads folfox-6.toml and drugs.toml (its drugs' names, and with
    the measurements their doses): both named with their hashes; nothing shadowed."""
    document = json_of(f"{CALENDAR} {measured}")
    assert document["schema_version"] == "1.3"
    provenance = document["provenance"]
    assert provenance["files"] == built_in_files()
    assert (provenance["shadowed"], provenance["library_dirs"]) == ([], [])
    validate_json(document, ROOT / "docs" / "calendar.schema.json")


@pytest.mark.parametrize("measured", ["", MEASURED], ids=["dates-only", "with-doses"])
def test_a_calendar_names_the_user_drugs_file(tmp_path: Path, measured: str) -> None:
    """--library with a drugs.toml rounding fluorouracil to 50 mg: the calendar names it."""
    directory = user_library(tmp_path)
    document = json_of(f"{CALENDAR} {measured} --library {directory}")
    assert_names_the_user_drugs_file(document["provenance"], directory)
    validate_json(document, ROOT / "docs" / "calendar.schema.json")


def test_a_supportive_regimen_file_is_named(library: regimens.Library) -> None:
    """--with ZOLEDRONIC-ACID: its regimen file is named too, with its hash."""
    calendar = regimens.build_calendar(
        library,
        "FOLFOX-6",
        dt.date(2026, 1, 5),
        regimens.CalendarOptions(cycles=1, supportive=("ZOLEDRONIC-ACID",)),
    )
    paths = {file.path: file for file in calendar.provenance.files}
    zoledronic = library.file_of("ZOLEDRONIC-ACID")
    name = os.path.basename(zoledronic.path)
    assert paths[name].sha256 == sha256(BUILTIN / name) == zoledronic.sha256
    assert paths[name].names == ("ZOLEDRONIC-ACID",)
    assert "zoledronic acid" in paths["drugs.toml"].names


# ------------------------------------------------------------------------- course, next


def test_a_course_names_the_user_drugs_file(tmp_path: Path) -> None:
    """regimens course on the FOLFOX-6 record with the user drugs.toml: named with its
    hash, as shadowing the built-in file; the course JSON is 1.2, the file format 1.1."""
    directory = user_library(tmp_path)
    document = json_of(f"course {RECORD} --library {directory}")
    assert document["schema_version"] == "1.2"
    provenance = document["provenance"]
    assert_names_the_user_drugs_file(provenance, directory)
    # The older maps are kept, and agree.
    assert provenance["drugs"]["fluorouracil"] == sha256(directory / "drugs.toml")
    assert provenance["course_sha256"] == sha256(RECORD)


def test_a_built_in_course_names_its_files() -> None:
    provenance = json_of(f"course {RECORD}")["provenance"]
    assert provenance["files"] == built_in_files()
    assert (provenance["shadowed"], provenance["library_dirs"]) == ([], [])


def test_next_names_the_course_file_and_the_user_drugs_file(tmp_path: Path) -> None:
    """regimens next (JSON 1.1): a provenance with the course file's hash and the library
    files of the last line's cycles and of the next one, the user drugs.toml among them."""
    directory = user_library(tmp_path)
    document = json_of(f"next {RECORD} --library {directory}")
    assert document["schema_version"] == "1.1"
    provenance = document["provenance"]
    assert provenance["course_sha256"] == sha256(RECORD)
    assert_names_the_user_drugs_file(provenance, directory)
    # The next cycle's sheet keeps its own provenance, which says the same of its files.
    assert document["sheet"]["provenance"]["files"] == provenance["files"]


def test_the_api_course_report_has_the_files(library: regimens.Library) -> None:
    """From Python: CourseReport.provenance.files, the same objects as a sheet's."""
    report = regimens.compute_course(library, regimens.load_course(RECORD))
    assert [file.path for file in report.provenance.files] == ["drugs.toml", "folfox-6.toml"]
    assert report.provenance.files[0].sha256 == sha256(BUILTIN / "drugs.toml")

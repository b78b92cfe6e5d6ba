"""``regimens verify``: a saved sheet computed again from its own provenance (issue 22).

Exit 0 identical; 1 different or edited; 2 a sheet that cannot be read, or a library
file or directory it names that is gone. The doses worked by hand: FOLFOX-6 at
170 cm / 70 kg, BSA (Mosteller) 1.82 m²; 5-FU bolus 400 mg/m² × 1.82 = 728 mg (1 mg
step), 750 mg to the nearest 50 mg; pump 2400 × 1.82 = 4368 mg, 4350 mg to 50 mg.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import regimens
from conftest import run
from regimens._calc.verify import document_differences
from test_provenance import user_library

SHEET = "sheet FOLFOX-6 --height 170 --weight 70 --format json"
CRCL = "--crcl 90"
BOLUS = "days[day 1].administrations[fluorouracil bolus].dose_mg"
PUMP = "days[day 1].administrations[fluorouracil continuous_infusion].dose_mg"


def saved_sheet(tmp_path: Path, extra: str = CRCL) -> Path:
    """A sheet saved today as `regimens sheet ... --output` writes it."""
    path = tmp_path / "folfox6-c1.json"
    status, _, err = run(f"{SHEET} {extra} --output {path}")
    assert status == 0, err
    return path


def edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_a_sheet_saved_today_is_identical(tmp_path: Path) -> None:
    """The brief's first case: exit 0, and the word `identical`."""
    path = saved_sheet(tmp_path)
    status, out, err = run(["verify", str(path)])
    assert (status, err) == (0, "")
    assert out.startswith("identical: FOLFOX-6 cycle 1 computed again with regimens ")
    assert "from 2 library files" in out


def test_a_sheet_with_a_user_library_and_options_is_identical(tmp_path: Path) -> None:
    """Options, a supportive regimen, an assessment and a user library are replayed."""
    directory = user_library(tmp_path)
    path = saved_sheet(
        tmp_path,
        f"--library {directory} --with ZOLEDRONIC-ACID --age 60 --sex F --creatinine 0.9 "
        "--pump-rate 2 --dose-level 80 --lab anc=2.0 --patient-id 'A 12'",
    )
    status, out, _ = run(["verify", str(path)])
    assert status == 0, out
    assert "from 5 library files" in out  # drugs.toml ×2, two regimens, assessment.toml


def test_a_sheet_with_a_date_of_birth_is_identical_and_an_edited_one_is_not(
    tmp_path: Path,
) -> None:
    """The patient's identifiers, date of birth included (schema 1.6), are replayed: a
    saved sheet with --patient-dob verifies identical; a date of birth changed in the
    file breaks its sheet_sha256 (exit 1)."""
    path = saved_sheet(tmp_path, f"{CRCL} --patient-id X1 --patient-dob 1956-04-23")
    assert json.loads(path.read_text(encoding="utf-8"))["patient_dob"] == "1956-04-23"
    status, out, err = run(["verify", str(path)])
    assert (status, err) == (0, ""), out
    edit(path, lambda document: document.update(patient_dob="1956-04-24"))
    status, out, _ = run(["verify", str(path)])
    assert status == 1
    assert "provenance.sheet_sha256" in out


def test_a_changed_drug_fact_names_the_changed_doses(tmp_path: Path) -> None:
    """The brief's second case: the user drugs.toml now rounds 5-FU to 50 mg. Exit 1;
    the bolus 728 → 750 mg and the pump 4368 → 4350 mg are named, with the file's hash."""
    directory = user_library(tmp_path, step="1 mg")
    path = saved_sheet(tmp_path, f"--library {directory} {CRCL}")
    user_library(tmp_path, step="50 mg")
    status, out, _ = run(["verify", str(path), "--format", "json"])
    assert status == 1
    result = json.loads(out)
    assert result["identical"] is False
    changed = {item["field"]: (item["saved"], item["now"]) for item in result["differences"]}
    assert changed[BOLUS] == (728.0, 750.0)
    assert changed[PUMP] == (4368.0, 4350.0)
    assert changed["totals[fluorouracil].total_mg"] == (5096.0, 5100.0)
    user_file = os.path.abspath(directory / "drugs.toml")
    assert f"provenance.files[{user_file}].sha256" in changed
    assert not any("oxaliplatin" in field for field in changed)  # its facts did not change
    status, text, _ = run(["verify", str(path)])
    assert status == 1
    assert text.startswith("different: FOLFOX-6 cycle 1 ")
    row = next(line for line in text.splitlines() if line.startswith(BOLUS))
    assert row.removeprefix(BOLUS).split() == ["728.0", "750.0"]


def test_an_edited_dose_is_detected(tmp_path: Path) -> None:
    """A dose changed in the saved JSON: its hash no longer matches (`edited`) and the
    dose differs from the one computed again."""
    path = saved_sheet(tmp_path)
    edit(path, lambda d: d["days"][0]["administrations"][2].update(dose_mg=800.0))
    status, out, _ = run(["verify", str(path), "--format", "json"])
    assert status == 1
    differences = json.loads(out)["differences"]
    assert differences[0]["field"] == "provenance.sheet_sha256"
    assert differences[0]["change"] == "edited"
    assert {"field": BOLUS, "saved": 800.0, "now": 728.0, "change": "changed"} in differences


def test_an_edit_with_a_recomputed_hash_is_still_detected(tmp_path: Path) -> None:
    """Someone who recomputes sheet_sha256 after editing hides the edit from the hash,
    not from the recomputation."""
    from regimens._models.provenance import document_sha256

    path = saved_sheet(tmp_path)

    def forge(document: dict[str, Any]) -> None:
        document["bsa_m2"] = 1.9
        document["provenance"]["sheet_sha256"] = document_sha256(document)

    edit(path, forge)
    result = regimens.verify_sheet(path)
    assert [(d.field, d.saved, d.now) for d in result.differences] == [("bsa_m2", 1.9, 1.82)]


def test_only_the_time_of_calculation_is_not_compared(tmp_path: Path) -> None:
    """A sheet computed at another time is identical; calculated_at is all that differs."""
    path = saved_sheet(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["provenance"]["calculated_at"] = "2020-01-01T00:00:00+00:00"
    from regimens._models.provenance import document_sha256

    document["provenance"]["sheet_sha256"] = document_sha256(document)
    assert regimens.verify_sheet(document).identical


@pytest.mark.parametrize("gone", ["directory", "file"])
def test_a_missing_user_library_exits_2(tmp_path: Path, gone: str) -> None:
    """The user library it was computed with is gone: it cannot be computed again."""
    directory = user_library(tmp_path)
    path = saved_sheet(tmp_path, f"--library {directory} {CRCL}")
    (directory / "drugs.toml").unlink()
    if gone == "directory":
        directory.rmdir()
    status, out, err = run(["verify", str(path)])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("Error: the library ")
    assert "is not available: the sheet cannot be computed again" in err


def test_a_built_in_file_name_that_leaves_the_library_exits_2(tmp_path: Path) -> None:
    """A built-in file is a name inside the built-in library, never a path out of it."""
    path = saved_sheet(tmp_path)
    edit(path, lambda d: d["provenance"]["files"][0].update(path="../../etc/passwd"))
    status, _, err = run(["verify", str(path)])
    assert status == 2
    assert "library file ../../etc/passwd (built-in)" in err


HOSTILE: dict[str, tuple[str | bytes, str]] = {
    "not an object": ("[1, 2]", "a JSON object is expected, got an array"),
    "a string": ('"sheet"', "got a string"),
    "not json": ("{", "is not JSON"),
    "not utf-8": (b"\xff\xfe{}", "is not UTF-8"),
    "NaN": ('{"bsa_m2": NaN}', "NaN is not a number a sheet holds"),
    "repeated key": ('{"cycle": 1, "cycle": 2}', "'cycle' is given twice"),
    "deep nesting": ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
    "deep objects": ('{"a":' * 40 + "1" + "}" * 40, "nested too deeply"),
    "old schema": ('{"schema_version": "1.4"}', "only a sheet of schema 1.5 or later"),
    "no schema": ("{}", "schema_version None"),
    "wrong type": (
        '{"schema_version": "1.5", "cycle": "one"}',
        "cycle: Input should be a valid integer",
    ),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_is_one_line_and_exit_2(tmp_path: Path, content: tuple[Any, str]) -> None:
    """Not a sheet: one line naming the file and the reason, exit 2, no traceback."""
    text, reason = content
    path = tmp_path / "bad.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    status, out, err = run(["verify", str(path)])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith(f"Error: {path}")
    assert reason in err


def test_wrong_types_inside_a_real_sheet_name_the_field(tmp_path: Path) -> None:
    """A real sheet whose options were typed by hand: the field is named."""
    path = saved_sheet(tmp_path)
    edit(path, lambda d: d["provenance"]["options"].update(tolerance_percent="5"))
    status, _, err = run(["verify", str(path)])
    assert status == 2
    assert "tolerance_percent" in err
    assert err.count("\n") == 1
    path = saved_sheet(tmp_path)
    edit(path, lambda d: d["patient"].update(height={"value": 67, "unit": "in"}))
    status, _, err = run(["verify", str(path)])
    assert status == 2
    assert "patient.height" in err


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """Over 8 MiB: refused without parsing (a sheet is a few hundred kB)."""
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (8 * 1024 * 1024 + 1))
    status, _, err = run(["verify", str(path)])
    assert status == 2
    assert "larger than 8 MiB" in err


def test_differences_name_list_items_and_keep_json_types() -> None:
    """Items are named by what they say they are; 1 and true, or 1 and 1.0, differ."""
    saved = {"days": [{"day": 1, "administrations": [{"drug": "x", "method": "oral", "n": 1}]}]}
    now = {"days": [{"day": 1, "administrations": [{"drug": "x", "method": "oral", "n": True}]}]}
    [difference] = document_differences(saved, now)
    assert difference.field == "days[day 1].administrations[x oral].n"
    assert document_differences({"a": 1}, {"a": 1.0})[0].field == "a"
    assert document_differences({"a": [1, 2]}, {"a": [1]})[0].model_dump() == {
        "field": "a[2]",
        "saved": 2,
        "now": None,
        "change": "removed",
    }


def test_every_regimen_s_sheet_verifies_identical(library: regimens.Library) -> None:
    """For every regimen of the library (cycle 2 too, for a component of some cycles
    only), the sheet written today is identical when computed again, and its hash, made
    from the values before they were written, is the hash of the JSON as read back."""
    patient = regimens.make_patient(
        height="170 cm", weight="70 kg", age=60, sex="female", creatinine="0.9 mg/dL"
    )
    for regimen in library:
        for cycle in (1, 2):
            options = regimens.SheetOptions(cycle=cycle)
            sheet = regimens.compute_sheet(library, regimen.id, patient, options)
            result = regimens.verify_sheet(regimens.sheet_json(sheet, indent=None))
            assert result.differences == (), (regimen.id, cycle)


def test_a_sheet_made_with_the_environment_library_verifies_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify loads the directories the sheet names, not today's REGIMENS_LIBRARY: a
    sheet made with a REGIMENS_LIBRARY directory is identical with the variable unset,
    and a directory set today does not change it."""
    directory = user_library(tmp_path)
    monkeypatch.setenv("REGIMENS_LIBRARY", str(directory))
    patient = regimens.make_patient(height="170 cm", weight="70 kg", crcl="90 mL/min")
    sheet = regimens.compute_sheet(regimens.load_library(), "FOLFOX-6", patient)
    saved = regimens.sheet_json(sheet)
    monkeypatch.delenv("REGIMENS_LIBRARY")
    assert regimens.verify_sheet(saved).identical
    plain = regimens.sheet_json(
        regimens.compute_sheet(regimens.load_library(), "FOLFOX-6", patient)
    )
    monkeypatch.setenv("REGIMENS_LIBRARY", str(directory))
    assert regimens.verify_sheet(plain).identical


def test_a_treatment_day_left_to_the_day_is_that_day_when_verified_later(
    library: regimens.Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet with an assessment and no --date is for the day it was computed
    (assessment.date): verified on a later day, it is computed for that same day, and
    its options still say that the date was left to the day."""
    import datetime as dt
    import types

    from regimens._calc import assessment as assessment_module

    class Then(dt.date):
        @classmethod
        def today(cls) -> Then:
            return cls(2026, 1, 5)

    inputs = regimens.assessment_inputs(library, labs=["anc=2.0", "platelets=150"])
    patient = regimens.make_patient(height="170 cm", weight="70 kg", crcl="90 mL/min")
    options = regimens.SheetOptions(assessment=inputs)
    with monkeypatch.context() as patched:
        patched.setattr(
            assessment_module, "dt", types.SimpleNamespace(**{**vars(dt), "date": Then})
        )
        saved = regimens.sheet_json(regimens.compute_sheet(library, "FOLFOX-6", patient, options))
    document = json.loads(saved)
    assert document["assessment"]["date"] == "2026-01-05"
    assert document["provenance"]["options"]["assessment"]["date"] is None
    assert regimens.verify_sheet(saved).differences == ()

"""Issue 22: the patient's date of birth in every output that carries the patient: the
sheet CSV, the FHIR Patient (``birthDate``) of a sheet and of a calendar, the calendar
CSV, and the batch (a ``patient_dob`` input column, checked as ``--patient-dob``).

The date is copied, never calculated with: each test gives 1956-04-23 and finds it
written as given, ISO in every language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient as FhirPatient

from conftest import run
from regimens._calc.calendar import build_calendar
from regimens._calc.dosing import compute_sheet
from regimens._models.calendar import CalendarOptions
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import bundle_json, calendar_bundle, sheet_bundle
from regimens._render.sheet_csv import sheet_csv

DOB = "1956-04-23"
SHEET = "sheet FOLFOX-6 --height 170 --weight 70 --crcl 90"
CALENDAR = "calendar FOLFOX-6 --start 2026-01-05 --cycles 1"
WHO = f"--patient-id 123456 --patient-name 'Jane Doe' --patient-dob {DOB}"


@pytest.fixture(scope="module")
def folfox_sheet(library: Library) -> DoseSheet:
    """FOLFOX-6 cycle 1, 170 cm, 70 kg, CrCl 90 mL/min, no identifiers."""
    patient = make_patient(height="170 cm", weight="70 kg", crcl="90")
    return compute_sheet(library, "FOLFOX-6", patient)


def table(text: str) -> list[dict[str, str]]:
    """The CSV's rows by header name (a ``#`` comment line above the header skipped)."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def fhir_patient(text: str) -> FhirPatient:
    """The one Patient of a bundle, read back with fhir.resources (which validates it)."""
    bundle = Bundle.model_validate_json(text)
    (patient,) = [e.resource for e in bundle.entry if isinstance(e.resource, FhirPatient)]
    return patient


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sheet_csv_has_the_date_of_birth(lang: str) -> None:
    """Every row of the sheet CSV carries the date of birth, ISO in both languages,
    after the patient's name (French header ``date_de_naissance``)."""
    code, out, err = run(f"{SHEET} {WHO} --format csv --lang {lang}")
    assert code == 0, err
    header = "date_de_naissance" if lang == "fr" else "patient_dob"
    rows = table(out)
    assert rows
    assert {row[header] for row in rows} == {DOB}
    names = list(rows[0])
    assert names.index(header) == names.index("nom_patient" if lang == "fr" else "patient_name") + 1


def test_sheet_csv_without_a_date_of_birth_leaves_it_empty(folfox_sheet: DoseSheet) -> None:
    """No --patient-dob: the column is there, empty (one header for every sheet)."""
    rows = table(sheet_csv(folfox_sheet))
    assert {row["patient_dob"] for row in rows} == {""}


def test_sheet_fhir_patient_birth_date() -> None:
    """``sheet --format fhir``: the Patient's birthDate is the date of birth given."""
    code, out, err = run(f"{SHEET} {WHO} --format fhir")
    assert code == 0, err
    patient = fhir_patient(out)
    assert patient.birthDate == dt.date(1956, 4, 23)
    assert patient.identifier[0].value == "123456"


def test_sheet_fhir_without_a_date_of_birth_has_none(
    folfox_sheet: DoseSheet, library: Library
) -> None:
    """No date of birth: no birthDate (none is invented)."""
    patient = fhir_patient(bundle_json(sheet_bundle(folfox_sheet, library=library)))
    assert patient.birthDate is None


def test_calendar_fhir_patient_carries_the_identifiers() -> None:
    """``calendar --format fhir``: the Patient has the calendar's id, name and birthDate."""
    code, out, err = run(f"{CALENDAR} {WHO} --format fhir")
    assert code == 0, err
    patient = fhir_patient(out)
    assert patient.birthDate == dt.date(1956, 4, 23)
    assert patient.identifier[0].value == "123456"
    assert patient.name[0].text == "Jane Doe"


def test_calendar_bundle_without_identifiers(library: Library) -> None:
    """A calendar with no identifiers gives a Patient with none of them."""
    calendar = build_calendar(library, "FOLFOX-6", dt.date(2026, 1, 5), CalendarOptions(cycles=1))
    patient = fhir_patient(bundle_json(calendar_bundle(calendar, library=library)))
    assert (patient.birthDate, patient.identifier, patient.name) == (None, None, None)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_calendar_csv_has_the_identifiers(lang: str) -> None:
    """Every row of the calendar CSV names the patient: id, name, date of birth first."""
    code, out, err = run(f"{CALENDAR} {WHO} --format csv --lang {lang}")
    assert code == 0, err
    rows = table(out)
    first = ("n_patient", "nom_patient", "date_de_naissance")
    if lang == "en":
        first = ("patient_id", "patient_name", "patient_dob")
    assert tuple(rows[0])[:3] == first
    assert {tuple(row[key] for key in first) for row in rows} == {("123456", "Jane Doe", DOB)}


def test_calendar_csv_without_identifiers_leaves_them_empty() -> None:
    code, out, _ = run(f"{CALENDAR} --format csv")
    assert code == 0
    assert {(r["patient_id"], r["patient_name"], r["patient_dob"]) for r in table(out)} == {
        ("", "", "")
    }


def test_batch_patient_dob_column(tmp_path: Path) -> None:
    """A batch row's patient_dob reaches its sheet: in the JSONL sheet and the CSV rows;
    a row without one has none."""
    source = tmp_path / "patients.csv"
    source.write_text(
        f"patient_id,height,weight,crcl,patient_dob\nA1,170,70,90,{DOB}\nA2,170,70,90,\n",
        encoding="utf-8",
    )
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 0, err
    sheets = [json.loads(line) for line in out.splitlines()]
    assert [s["patient_dob"] for s in sheets] == [DOB, None]
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --format csv")
    assert code == 0, err
    assert {(r["patient_id"], r["patient_dob"]) for r in table(out)} == {("A1", DOB), ("A2", "")}


@pytest.mark.parametrize(
    ("dob", "said"),
    [
        pytest.param("23/04/1956", "is not a date written YYYY-MM-DD", id="french-order"),
        pytest.param("1956-02-30", "is not a calendar date", id="30-february"),
        pytest.param("2999-01-01", "is in the future", id="future"),
        pytest.param("1899-12-31", "is before 1900", id="1899"),
    ],
)
def test_batch_refuses_a_bad_date_of_birth(tmp_path: Path, dob: str, said: str) -> None:
    """A bad patient_dob makes that row an error record naming the column, as
    --patient-dob refuses it; the other rows are computed."""
    source = tmp_path / "patients.jsonl"
    rows = [
        {"patient_id": "A1", "height": 170, "weight": 70, "crcl": 90, "patient_dob": dob},
        {"patient_id": "A2", "height": 170, "weight": 70, "crcl": 90, "patient_dob": DOB},
    ]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    code, out, _ = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 2
    bad, good = (json.loads(line) for line in out.splitlines())
    assert bad["patient_id"] == "A1"
    assert bad["error"]["field"] == "patient_dob"
    assert said in bad["error"]["message"]
    assert "YYYY-MM-DD" in bad["error"]["message"]
    assert good["patient_dob"] == DOB


def test_batch_parquet_date_column(tmp_path: Path) -> None:
    """A Parquet ``date`` column (a data warehouse's type for a birth date) is read as
    YYYY-MM-DD and reaches the sheet; a null is "not given"."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "patients.parquet"
    table = pa.table(
        {
            "patient_id": ["A1", "A2"],
            "height": [170.0, 170.0],
            "weight": [70.0, 70.0],
            "crcl": [90.0, 90.0],
            "patient_dob": pa.array([dt.date(1956, 4, 23), None], type=pa.date32()),
        }
    )
    pq.write_table(table, source)
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 0, err
    assert [json.loads(line)["patient_dob"] for line in out.splitlines()] == [DOB, None]

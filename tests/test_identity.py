"""Issue 22: the patient's identifiers (id, name, date of birth), checked on every way in
(:mod:`regimens._models.identity`): the Python API, ``regimens sheet`` and
``regimens calendar``; and written where the issue asks (sheet and calendar JSON, ICS,
the text headers)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import regimens
from conftest import run
from regimens._errors import InputError
from regimens._models.identity import PatientIdentity, patient_identity

PATIENT = regimens.make_patient(height="170 cm", weight="70 kg", crcl="90")
SHEET = "sheet FOLFOX-6 --height 170 --weight 70 --crcl 90"
CALENDAR = "calendar EOX --start 2026-01-05 --cycles 2"
WHO = "--patient-id 123456 --patient-name 'Jane Doe' --patient-dob 1956-04-23"


def test_compute_sheet_sets_the_identifiers(library: regimens.Library) -> None:
    """The API sets them through the validated path: text stripped, the date read."""
    sheet = regimens.compute_sheet(
        library, "FOLFOX-6", PATIENT, patient_id=" 123456 ", patient_name="Jane Doe",
        patient_dob="1956-04-23",
    )  # fmt: skip
    assert (sheet.patient_id, sheet.patient_name) == ("123456", "Jane Doe")
    assert sheet.patient_dob == dt.date(1956, 4, 23)
    document = json.loads(regimens.sheet_json(sheet))
    assert document["schema_version"] == "1.7"
    assert (document["patient_id"], document["patient_dob"]) == ("123456", "1956-04-23")
    given = regimens.compute_sheet(library, "FOLFOX-6", PATIENT, patient_dob=dt.date(1956, 4, 23))
    assert given.patient_dob == dt.date(1956, 4, 23)


@pytest.mark.parametrize(
    ("keywords", "field", "said"),
    [
        pytest.param({"patient_id": 123456}, "patient_id", "is not text (int)", id="int-id"),
        pytest.param(
            {"patient_name": "Jane\nWeight 120 kg"},
            "patient_name",
            "control character (\\n)",
            id="line-break",
        ),
        pytest.param(
            {"patient_name": "Jane \u202eeoD"},
            "patient_name",
            "control character",
            id="bidi-override",
        ),
        pytest.param({"patient_dob": "2999-01-01"}, "patient_dob", "is in the future", id="future"),
        pytest.param({"patient_dob": "1899-12-31"}, "patient_dob", "is before 1900", id="1899"),
        pytest.param(
            {"patient_dob": "1956-02-30"}, "patient_dob", "is not a calendar date", id="30-february"
        ),
        pytest.param({"patient_dob": "23/04/1956"}, "patient_dob", "YYYY-MM-DD", id="french"),
        pytest.param({"patient_dob": 19560423}, "patient_dob", "is not a date", id="number"),
        pytest.param(
            {"patient_dob": dt.datetime(1956, 4, 23, 8, 0)},
            "patient_dob",
            "is not a date",
            id="datetime",
        ),
    ],
)
def test_compute_sheet_refuses_bad_identifiers(
    library: regimens.Library, keywords: dict[str, object], field: str, said: str
) -> None:
    """Each refusal is an InputError naming the keyword (never a stored int, never a
    line break that forges a printed line)."""
    with pytest.raises(InputError) as caught:
        regimens.compute_sheet(library, "FOLFOX-6", PATIENT, **keywords)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert said in str(caught.value)


def test_today_is_a_date_of_birth_and_tomorrow_is_not() -> None:
    """The bounds are inclusive: 1900-01-01 and today are accepted."""
    today = dt.date.today()
    assert patient_identity(patient_dob=today.isoformat()).patient_dob == today
    assert patient_identity(patient_dob="1900-01-01").patient_dob == dt.date(1900, 1, 1)
    with pytest.raises(InputError, match="in the future"):
        PatientIdentity(patient_dob=today + dt.timedelta(days=1))


def test_blank_text_is_refused_not_dropped() -> None:
    """An identifier of only spaces looks given and is not: refused as the CLI refuses it
    (issue 24), through the API too."""
    with pytest.raises(InputError, match="patient_id: is blank"):
        patient_identity(patient_id="\u00a0")
    assert patient_identity(patient_id=" 12 ").patient_id == "12"


def test_sheet_cli_prints_the_date_of_birth() -> None:
    """--patient-dob on sheet: in the text header, the JSON and the HTML band."""
    code, out, _ = run(f"{SHEET} {WHO}")
    assert code == 0
    assert "Date of birth        1956-04-23" in out
    _, out, _ = run(f"{SHEET} {WHO} --format json")
    document = json.loads(out)
    assert (document["patient_id"], document["patient_name"], document["patient_dob"]) == (
        "123456",
        "Jane Doe",
        "1956-04-23",
    )
    _, out, _ = run(f"{SHEET} {WHO} --format html")
    assert "<th>Date of birth</th><td>1956-04-23</td>" in out


@pytest.mark.parametrize("command", [SHEET, CALENDAR])
@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("--patient-dob 2999-01-01", "patient_dob: 2999-01-01 is in the future"),
        ("--patient-dob 1850-06-01", "patient_dob: 1850-06-01 is before 1900"),
        ("--patient-dob 1956-13-01", "patient_dob: '1956-13-01' is not a calendar date"),
        ("--patient-name $'Jane\\nDoe'", "patient_name: contains a control character (\\n)"),
    ],
)
def test_cli_refuses_a_bad_identifier_in_one_line(command: str, option: str, said: str) -> None:
    """Exit 2, one line naming the field and what is accepted; no traceback."""
    words = option.split(" ", 1)
    if words[1].startswith("$'"):
        words[1] = "Jane\nDoe"
    code, out, err = run([*command.split(), *words])
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [f"Error: {err.strip().removeprefix('Error: ')}"]
    assert said in err


def test_calendar_cli_carries_the_identifiers() -> None:
    """calendar gains --patient-id, --patient-name, --patient-dob: printed in the text
    header, in the JSON (calendar schema 1.1) and in the ICS (X- properties and each
    event's description)."""
    code, out, _ = run(f"{CALENDAR} {WHO}")
    assert code == 0
    assert "Patient id" in out
    assert "123456" in out
    assert "1956-04-23" in out
    _, out, _ = run(f"{CALENDAR} {WHO} --format json")
    document = json.loads(out)
    assert document["schema_version"] == "1.3"  # 1.1 added them; 1.2 the files
    assert [document[k] for k in ("patient_id", "patient_name", "patient_dob")] == [
        "123456",
        "Jane Doe",
        "1956-04-23",
    ]
    _, ics, _ = run(f"{CALENDAR} {WHO} --format ics")
    assert "X-REGIMENS-PATIENT-ID:123456\n" in ics
    assert "X-REGIMENS-PATIENT-NAME:Jane Doe\n" in ics
    assert "X-REGIMENS-PATIENT-DOB:1956-04-23\n" in ics
    unfolded = ics.replace("\n ", "")
    events = unfolded.count("BEGIN:VEVENT")
    described = unfolded.count(
        "DESCRIPTION:Patient id: 123456\\; Patient name: Jane Doe\\; Date of birth: 1956-04-23"
    )
    assert events > 0
    assert described == events


def test_calendar_without_identifiers_has_none() -> None:
    """No identifier given: null in JSON, no X- property, descriptions as before."""
    _, out, _ = run(f"{CALENDAR} --format json")
    assert json.loads(out)["patient_id"] is None
    _, ics, _ = run(f"{CALENDAR} --format ics")
    assert "X-REGIMENS-PATIENT" not in ics
    assert "Patient id" not in ics


def test_build_calendar_checks_the_identifiers(library: regimens.Library) -> None:
    """The calendar's API goes through the same check as the sheet's."""
    start = dt.date(2026, 1, 5)
    options = regimens.CalendarOptions(cycles=1)
    calendar = regimens.build_calendar(
        library, "EOX", start, options, patient_id="A1", patient_dob="1956-04-23"
    )
    assert (calendar.patient_id, calendar.patient_dob) == ("A1", dt.date(1956, 4, 23))
    with pytest.raises(InputError) as caught:
        regimens.build_calendar(library, "EOX", start, options, patient_id=42)  # type: ignore[arg-type]
    assert caught.value.field == "patient_id"

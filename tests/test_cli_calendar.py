"""``regimens calendar`` as a clinic runs it: table, grid, JSON, ICS, --output, errors.

Dates are worked by hand as in tests/test_calendar.py: 5 January 2026 is a Monday
(1 January 2026 is a Thursday); FOLFOX-6 cycles are 14 days, the 46-hour pump comes
off on day 3.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from pathlib import Path

import icalendar
import pytest

from conftest import invoke, run, validate_json

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
D = dt.date


def events(text: str) -> list[icalendar.cal.Component]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


# --- table and grid ---------------------------------------------------------------------


def test_table_shows_planned_and_actual_dates() -> None:
    """Cycle 2 delayed 7 days: planned 19 Jan, given Mon 26 Jan; its pump comes off Wed 28 Jan."""
    code, out, err = run("calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --delay 2=7:neutropenia")
    assert code == 0, err
    lines = out.splitlines()
    assert "Start (cycle 1 day 1)  2026-01-05 Monday" in lines
    cycle_2 = next(line for line in lines if line.startswith("2        "))
    assert re.split(r"\s{2,}", cycle_2) == [
        "2", "2026-01-19", "2026-01-26", "Mon", "+7 d", "delayed 7 d: neutropenia",
    ]  # fmt: skip
    day_1 = next(line for line in lines if line.startswith("2026-01-26"))
    assert re.split(r"\s{2,}", day_1) == [
        "2026-01-26", "Mon", "2", "D1", "clinic",
        "oxaliplatin IV 2 h, folinic acid IV 2 h, fluorouracil IV bolus, fluorouracil IV pump 46 h",
        "delayed +7 d (neutropenia), pump on",
    ]  # fmt: skip
    pump_off = next(line for line in lines if line.startswith("2026-01-28"))
    assert re.split(r"\s{2,}", pump_off) == [
        "2026-01-28", "Wed", "2", "D3", "pump off",
        "fluorouracil pump off (46 h from D1)", "pump off",
    ]  # fmt: skip
    assert [line[:10] for line in lines if re.match(r"\d{4}-\d\d-\d\d  ", line)] == [
        "2026-01-05", "2026-01-07", "2026-01-26", "2026-01-28",
    ]  # fmt: skip
    assert lines[-1] == "regimens 0.1.0. To be checked by a qualified professional before use."


def test_table_with_doses() -> None:
    """170 cm, 70 kg (BSA 1.82 m²): oxaliplatin 155 mg, 5-FU 728 mg bolus and 4368 mg by pump."""
    code, out, err = run(
        "calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --height 170 --weight 70 --crcl 80 "
        "--with ZOLEDRONIC-ACID"
    )
    assert code == 0, err
    day_1 = next(line for line in out.splitlines() if line.startswith("2026-01-05"))
    assert (
        "oxaliplatin 155 mg IV 2 h, folinic acid 728 mg IV 2 h, fluorouracil 728 mg IV bolus, "
        "fluorouracil 4368 mg IV pump 46 h, zoledronic acid 4 mg IV 15 min" in day_1
    )
    assert "BSA                    1.82 m2 (mosteller)" in out
    assert "recompute them" in out


def test_blocking_dose_warning_exits_3() -> None:
    """EOX at CrCl 25 mL/min: the calendar is printed, capecitabine WITHHELD, exit status 3."""
    code, out, _ = run(
        "calendar EOX --start 2026-01-05 --cycles 1 --height 180 --weight 80 --crcl 25"
    )
    assert code == 3
    assert "capecitabine WITHHELD PO" in out
    assert "BLOCKING CONTRAINDICATED (cycles 1)" in out


def test_grid_marks_the_leap_day() -> None:
    """XELIRI from Sun 20 Feb 2028: 20 Feb clinic on a weekend (C!), oral days through 29 Feb."""
    code, out, err = run("calendar XELIRI --start 2028-02-20 --cycles 1 --format grid")
    assert code == 0, err
    lines = out.splitlines()
    february = lines.index("February 2028")
    assert lines[february + 1] == "Mon   Tue   Wed   Thu   Fri   Sat   Sun"
    assert lines[february + 4] == " 14    15    16    17    18    19    20C!"
    assert lines[february + 5] == " 21o   22o   23o   24o   25o   26o   27o"
    assert lines[february + 6] == " 28o   29o"
    assert "  Sun 20 Feb  C1 D1: irinotecan IV 1.5 h  [weekend]" in lines
    assert "  Sun 20 Feb – Tue 29 Feb: C1 D1–10 capecitabine at home" in lines
    assert "  Wed 1 Mar – Sat 4 Mar: C1 D11–14 capecitabine at home" in lines
    assert any(line.startswith("Legend: C clinic visit") for line in lines)


def test_avoid_in_the_table() -> None:
    """--avoid holidays: cycle 2 on Easter Monday 29 Mar 2027 is given Tue 30 Mar, with the why."""
    code, out, err = run(
        "calendar FOLFOX-6 --start 2027-03-15 --cycles 3 --country FR --avoid holidays"
    )
    assert code == 0, err
    rows = {line.split()[0]: re.split(r"\s{2,}", line) for line in out.splitlines() if line}
    assert rows["2"] == [
        "2", "2027-03-29", "2027-03-30", "Tue", "+1 d",
        "moved: 2027-03-29 Easter Monday (public holiday in FR)",
    ]  # fmt: skip
    assert rows["3"] == [
        "3", "2027-04-12", "2027-04-13", "Tue", "+1 d", "follows the previous cycle",
    ]  # fmt: skip
    assert "moved from 2027-03-29, pump on" in out


# --- JSON -------------------------------------------------------------------------------


def test_json_contract() -> None:
    """The JSON has the keys docs/json-output.md documents, with ISO dates."""
    code, out, err = run(
        "calendar FOLFOX-6 --start 2026-01-05 --cycles 3 --with ZOLEDRONIC-ACID "
        "--delay 2=7:fever --country FR --format json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["regimen"]["id"] == "FOLFOX-6"
    assert data["country"] == "FR"
    cycle = data["cycles"][1]
    for key in ("cycle", "start_date", "planned_start_date", "delay_days", "days"):
        assert key in cycle
    assert (cycle["planned_start_date"], cycle["start_date"]) == ("2026-01-19", "2026-01-26")
    assert (cycle["delay_days"], cycle["delay_reason"], cycle["shift_days"]) == (7, "fever", 7)
    day_1 = cycle["days"][0]
    for key in ("day", "date", "weekday", "administrations", "flags"):
        assert key in day_1
    assert (day_1["day"], day_1["date"], day_1["weekday"]) == (1, "2026-01-26", "Monday")
    assert day_1["flags"] == ["delayed", "pump_on"]
    assert day_1["administrations"][0] == {
        "drug": "oxaliplatin",
        "regimen": "FOLFOX-6",
        "order": 1,
        "kind": "chemotherapy",
        "route": "IV",
        "method": "infusion",
        "duration_h": 2.0,
        "dose": None,
    }
    assert [c["supportive"] for c in data["cycles"]] == [
        ["ZOLEDRONIC-ACID"],
        [],
        ["ZOLEDRONIC-ACID"],
    ]


@pytest.mark.parametrize(
    "command",
    [
        "calendar FOLFOX-6 --start 2026-03-30 --cycles 12 --with ZOLEDRONIC-ACID --country FR",
        "calendar EOX --start 2026-12-21 --height 180 --weight 80 --crcl 45 --delay 2=7",
        "calendar XELIRI --start 2028-02-20 --country DE-BY --avoid weekends,holidays",
    ],
)
def test_json_validates_against_the_schema(command: str) -> None:
    """Every calendar printed as JSON validates against docs/calendar.schema.json."""
    code, out, err = run(f"{command} --format json")
    assert code == 0, err
    validate_json(json.loads(out), DOCS / "calendar.schema.json")


# --- ICS --------------------------------------------------------------------------------


def test_ics_events_dates_and_stable_uids() -> None:
    """FOLFOX-6 × 3 + zoledronic acid: 6 events (3 clinic, 3 pump off); a delay keeps the UIDs.

    Without delay: clinic 5 Jan, 19 Jan, 2 Feb; pump off 7 Jan, 21 Jan, 4 Feb 2026.
    With cycle 2 delayed 7 days: clinic 26 Jan and 9 Feb, pump off 28 Jan and 11 Feb.
    """
    base = "calendar FOLFOX-6 --start 2026-01-05 --cycles 3 --with ZOLEDRONIC-ACID --format ics"
    result = invoke(base)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")  # CRLF kept
    first = result.stdout
    before = {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in events(first)}
    assert before == {
        "folfox-6.c1.d1.clinic@regimens": (D(2026, 1, 5), D(2026, 1, 6)),
        "folfox-6.c1.d3.pump-off@regimens": (D(2026, 1, 7), D(2026, 1, 8)),
        "folfox-6.c2.d1.clinic@regimens": (D(2026, 1, 19), D(2026, 1, 20)),
        "folfox-6.c2.d3.pump-off@regimens": (D(2026, 1, 21), D(2026, 1, 22)),
        "folfox-6.c3.d1.clinic@regimens": (D(2026, 2, 2), D(2026, 2, 3)),
        "folfox-6.c3.d3.pump-off@regimens": (D(2026, 2, 4), D(2026, 2, 5)),
    }
    _, again, _ = run(base)
    assert [str(e["UID"]) for e in events(again)] == [str(e["UID"]) for e in events(first)]
    _, delayed, _ = run(f"{base} --delay 2=7")
    after = {str(e["UID"]): e["DTSTART"].dt for e in events(delayed)}
    assert set(after) == set(before)
    assert after["folfox-6.c2.d1.clinic@regimens"] == D(2026, 1, 26)
    assert after["folfox-6.c3.d3.pump-off@regimens"] == D(2026, 2, 11)
    clinic = events(first)[0]
    description = str(clinic["DESCRIPTION"])
    assert "- zoledronic acid IV infusion over 15 min" in description
    assert "pump off on day 3, Wednesday 2026-01-07" in description
    assert str(clinic["SUMMARY"]) == "FOLFOX-6 C1 D1: clinic visit"


def test_ics_oral_treatment_is_an_all_day_event() -> None:
    """XELIRI: a clinic event on D1 and one all-day event for capecitabine D1–14 (5–18 Jan)."""
    code, out, _ = run("calendar XELIRI --start 2026-01-05 --cycles 2 --format ics")
    assert code == 0
    found = {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in events(out)}
    assert found == {
        "xeliri.c1.d1.clinic@regimens": (D(2026, 1, 5), D(2026, 1, 6)),
        "xeliri.c1.d1.oral@regimens": (D(2026, 1, 5), D(2026, 1, 19)),  # end exclusive
        "xeliri.c2.d1.clinic@regimens": (D(2026, 1, 26), D(2026, 1, 27)),
        "xeliri.c2.d1.oral@regimens": (D(2026, 1, 26), D(2026, 2, 9)),
    }
    oral = next(e for e in events(out) if str(e["UID"]).endswith(".oral@regimens"))
    assert str(oral["SUMMARY"]) == "XELIRI C1 D1–14: capecitabine at home"
    assert str(oral["TRANSP"]) == "TRANSPARENT"


def test_ics_course_key_is_hashed_into_the_uid() -> None:
    """--course-key keeps two patients apart without writing the key into the file."""
    _, out, _ = run(
        "calendar DOCETAXEL --start 2026-01-05 --cycles 1 --format ics --course-key MRN-12345"
    )
    (event,) = events(out)
    assert re.fullmatch(r"docetaxel\.c1\.d1\.clinic\.[0-9a-f]{16}@regimens", str(event["UID"]))
    assert "MRN-12345" not in out


# --- --output ---------------------------------------------------------------------------


def test_output_writes_the_file(tmp_path: Path) -> None:
    """--output folfox.ics writes the ICS file (format from the extension), CRLF kept."""
    target = tmp_path / "folfox.ics"
    result = invoke(f"calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --output {target}")
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert len(events(target.read_text(encoding="utf-8"))) == 4
    data = target.read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # every iCalendar line ends in CRLF
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["folfox.ics"]


def test_failing_renderer_leaves_the_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renderer that fails writes nothing: the existing file is intact, no file is added."""

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("regimens._render.calendar.render_calendar", broken)
    target = tmp_path / "calendar.txt"
    target.write_text("the previous calendar\n", encoding="utf-8")
    result = invoke(f"calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --output {target}")
    assert isinstance(result.exception, RuntimeError)
    assert target.read_text(encoding="utf-8") == "the previous calendar\n"
    assert [p.name for p in tmp_path.iterdir()] == ["calendar.txt"]


def test_failing_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk error while writing: one-line error, the old file intact, no temporary file left."""

    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    target = tmp_path / "calendar.txt"
    target.write_text("the previous calendar\n", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", failing_fsync)
    result = invoke(f"calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --output {target}")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: output {str(target)!r}: cannot write (Input/output error); the previous "
        "file, if any, is unchanged\n"
    )
    assert target.read_text(encoding="utf-8") == "the previous calendar\n"
    assert [p.name for p in tmp_path.iterdir()] == ["calendar.txt"]


def test_output_into_a_missing_directory(tmp_path: Path) -> None:
    """--output into a directory that does not exist: one-line error, exit 2."""
    target = tmp_path / "missing" / "calendar.ics"
    code, _, err = run(f"calendar FOLFOX-6 --start 2026-01-05 --cycles 1 --output {target}")
    assert code == 2
    assert err == (
        f"Error: output {str(target)!r}: directory {str(target.parent)!r} does not exist\n"
    )


# --- mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            "--start 2026-02-30 --cycles 2",
            "start: '2026-02-30' is not a calendar date (day is out of range for month); "
            "write YYYY-MM-DD, e.g. 2026-01-05",
            id="30-february",
        ),
        pytest.param(
            "--start 05/01/2026 --cycles 2",
            "start: '05/01/2026' is not a date written YYYY-MM-DD (e.g. 2026-01-05)",
            id="not-iso",
        ),
        pytest.param(
            "--start 2026-01-05",
            "cycles: FOLFOX-6 has no usual number of cycles in the library: give the number "
            "of cycles (1 to 100)",
            id="no-usual-cycles",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 12 --delay 13=7",
            "delay: cycle 13 does not exist: this calendar has 12 cycles (1 to 12)",
            id="delay-beyond-the-course",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 12 --delay 3=7 --delay 3=7",
            "delay: cycle 3 is delayed twice (7 and 7 days): give the total delay of a cycle "
            "once, e.g. 3=14",
            id="same-cycle-twice",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 2 --country XX",
            "country: unknown country code 'XX': give an ISO 3166-1 alpha-2 code that the "
            'holidays package knows, e.g. FR, DE, GB, US (python -c "import holidays; '
            'print(sorted(holidays.list_supported_countries()))" lists the codes)',
            id="unknown-country",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 2 --avoid holidays",
            "avoid: holidays needs the country whose public holidays to avoid "
            "(country: an ISO code such as FR)",
            id="avoid-holidays-without-country",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 2 --avoid mondays",
            "avoid: 'mondays' is not something to avoid: give weekends, holidays, or "
            "weekends,holidays",
            id="avoid-what",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 1 --output calendar.pdf",
            "cannot tell the format from the file name 'calendar.pdf': give --format (table, "
            "grid, markdown, csv, html, json, ics, fhir) or use one of the extensions .txt, "
            ".md, .markdown, .csv, .json, .html, .htm, .ics, .fhir.json",
            id="output-extension",
        ),
        pytest.param(
            "--start 2026-01-05 --cycles 2 --with EOX",
            "--with: EOX is not a supportive regimen and cannot be added to FOLFOX-6",
            id="with-chemotherapy",
        ),
    ],
)
def test_user_mistakes_are_one_line(arguments: str, message: str) -> None:
    """Each mistake exits 2 with one line naming the field, the value and what is accepted."""
    code, out, err = run(f"calendar FOLFOX-6 {arguments}")
    assert code == 2
    assert out == ""
    assert err == f"Error: {message}\n"


def test_help_has_a_summary_and_examples() -> None:
    """--help starts with a one-line summary and shows examples."""
    code, out, _ = run("calendar --help")
    assert code == 0
    assert "Dates of every cycle of REGIMEN and what is given on each date." in out
    assert "regimens calendar FOLFOX-6 --start 2026-03-30 --cycles 12" in out


# --- the user guide runs ----------------------------------------------------------------


def _guide_examples() -> list[tuple[str, str]]:
    """Each ```console block of docs/calendar.md: the command after '$ ', then its output."""
    text = (DOCS / "calendar.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        lines = block.splitlines()
        command_lines = [lines[0].removeprefix("$ ")]
        index = 1
        while command_lines[-1].endswith("\\"):
            command_lines[-1] = command_lines[-1][:-1]
            command_lines.append(lines[index].strip())
            index += 1
        examples.append((" ".join(command_lines), "\n".join(lines[index:])))
    return examples


@pytest.mark.parametrize(("command", "expected"), _guide_examples())
def test_user_guide_output_is_real(command: str, expected: str) -> None:
    """Every command shown in docs/calendar.md prints exactly the output shown there."""
    assert command.startswith("regimens calendar ")
    code, out, err = run(command.removeprefix("regimens "))
    assert code == 0, err
    assert out.rstrip("\n") == expected.rstrip("\n")

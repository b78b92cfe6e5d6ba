"""``regimens next``: the next cycle of a course's last line (issue 20), as a pharmacist
runs it: its number and date, the levels carried forward, today's assessment, the
calendar of the cycles still planned. Expected values are worked by hand in each
docstring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import run

ROOT = Path(__file__).resolve().parent.parent
RECORD = "docs/examples/folfox6-record.toml"
CASE = "docs/examples/case-report-course.toml"


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _json(args: str) -> tuple[int, dict[str, object]]:
    code, out, err = run(f"next {args} --format json")
    assert out, err
    return code, json.loads(out)


def _doses(document: dict[str, object]) -> dict[str, float]:
    sheet = document["sheet"]
    assert isinstance(sheet, dict)
    return {
        item["drug"]: item["daily_dose_mg"]
        for day in sheet["days"]
        for item in day["administrations"]
        if item["drug"] != "fluorouracil"
    }


def test_next_of_the_folfox6_record() -> None:
    """docs/examples/folfox6-record.toml: 4 cycles given, the last on 2026-02-23 at 68 kg
    (170 cm: √(170 × 68 / 3600) = 1.79 m²). Cycle 5 on 2026-02-23 + 14 = 2026-03-09;
    oxaliplatin still at 80 % (reduced in cycle 3 for neuropathy): 85 × 0.8 × 1.79 =
    121.72 → 122 mg; folinic acid 400 × 1.79 = 716 mg. 12 planned: cycles 5 to 12 laid
    out, the blood test the day before each, moved back to the Friday when that day is a
    weekend: day 1 Monday 2026-03-09 → Sunday 2026-03-08 → Friday 2026-03-06."""
    code, data = _json(RECORD)
    assert code == 0
    assert (data["line"], data["regimen"], data["cycle"]) == (1, "FOLFOX-6", 5)
    assert (data["last_date"], data["planned_date"], data["date"]) == (
        "2026-02-23",
        "2026-03-09",
        "2026-03-09",
    )
    assert data["carried"] == [
        {
            "drug": "oxaliplatin",
            "percent": 80.0,
            "cycle": 3,
            "reason": "delayed 7 days (ANC 1.1 on 2026-02-02); oxaliplatin 80 % for grade 2 "
            "neuropathy",
            "rule": "library",
            "replaced_by": None,
        }
    ]
    assert _doses(data) == {"oxaliplatin": 122.0, "folinic acid": 716.0}
    calendar = data["calendar"]
    assert isinstance(calendar, list)
    assert [visit["cycle"] for visit in calendar] == list(range(5, 13))
    assert calendar[0]["labs_date"] == "2026-03-06"
    assert calendar[-1]["date"] == "2026-06-15"  # 2026-03-09 + 7 × 14 days


def test_next_on_the_case_report() -> None:
    """The case report's last line: FOLFIRI, 2 cycles, undated; cycle 3 at the line's 50 kg
    and 160 cm (√(160 × 50 / 3600) = 1.49 m²): irinotecan 180 × 1.49 = 268.2 → 268 mg.
    No date: no calendar, said so."""
    code, data = _json(CASE)
    assert code == 0
    assert (data["line"], data["regimen"], data["cycle"]) == (5, "FOLFIRI", 3)
    assert data["planned_date"] is None
    assert data["calendar"] == []
    assert _doses(data)["irinotecan"] == 268.0
    code, out, _ = run(f"next {CASE}")
    assert code == 0
    assert "Next cycle: cycle 3 of — planned, line 5 (FOLFIRI)" in out
    assert "the last cycle has no date: no calendar" in out


def _xeliri(tmp_path: Path) -> Path:
    """XELIRI at 180 cm, 80 kg (2.00 m²): capecitabine reduced to 75 % in cycle 2 for
    hand-foot syndrome, then (as recorded) back at 100 % in cycle 3; the last on a
    Saturday, 2026-01-03, so that cycle 4 (+ 21 days) is also a Saturday."""
    path = tmp_path / "xeliri.toml"
    path.write_text(
        """
[patient]
height = "180 cm"
weight = "80 kg"
crcl = 90

[[lines]]
regimen = "XELIRI"
planned_cycles = 6

[[lines.cycles]]
date = 2025-11-22
[[lines.cycles]]
date = 2025-12-13
drug_dose_levels = { capecitabine = 75 }
toxicity = ["hand-foot=2"]
[[lines.cycles]]
date = 2026-01-03
""",
        encoding="utf-8",
    )
    return path


def test_capecitabine_stays_reduced(tmp_path: Path) -> None:
    """Capecitabine was at 75 % in cycle 2: cycle 4 keeps 75 % (its label: never increased
    again), reason the recorded toxicity: 1000 × 0.75 × 2.00 = 1500 mg per intake,
    3000 mg a day."""
    code, data = _json(str(_xeliri(tmp_path)))
    assert code == 0
    [carried] = data["carried"]
    assert (carried["drug"], carried["percent"], carried["cycle"]) == ("capecitabine", 75.0, 2)
    assert (carried["reason"], carried["rule"]) == ("hand-foot=2", "label")
    assert _doses(data)["capecitabine"] == 3000.0


def test_capecitabine_is_never_re_escalated(tmp_path: Path) -> None:
    """--drug-dose-level capecitabine=100 is refused (exit 2, one line naming the option);
    50 % is accepted and shown as replacing the 75 %."""
    path = _xeliri(tmp_path)
    code, out, err = run(f"next {path} --drug-dose-level capecitabine=100")
    assert code == 2
    assert out == ""
    assert err.startswith("Error: --drug-dose-level: capecitabine 100% is above the 75% it was ")
    assert len(err.strip().splitlines()) == 1
    code, data = _json(f"{path} --drug-dose-level capecitabine=50")
    assert code == 0
    assert data["carried"][0]["replaced_by"] == 50.0
    assert _doses(data)["capecitabine"] == 2000.0  # 1000 × 0.5 × 2.00 × 2 intakes


def test_another_drug_may_be_re_escalated_by_the_prescriber() -> None:
    """Oxaliplatin has no encoded label rule: --drug-dose-level oxaliplatin=100 is the
    prescriber's decision: 85 × 1.79 = 152.15 → 152 mg."""
    code, data = _json(f"{RECORD} --drug-dose-level oxaliplatin=100")
    assert code == 0
    assert data["carried"][0]["replaced_by"] == 100.0
    assert _doses(data)["oxaliplatin"] == 152.0


def test_avoid_moves_day_1_and_the_blood_test(tmp_path: Path) -> None:
    """Cycle 4 falls on Saturday 2026-01-24: --avoid weekends moves it to Monday
    2026-01-26; the blood test, the day before, would be Sunday 2026-01-25: it moves
    back to Friday 2026-01-23."""
    code, data = _json(f"{_xeliri(tmp_path)} --avoid weekends")
    assert code == 0
    assert (data["planned_date"], data["date"]) == ("2026-01-24", "2026-01-26")
    first = data["calendar"][0]
    assert (first["moved_from"], first["labs_date"]) == ("2026-01-24", "2026-01-23")
    assert len(data["calendar"]) == 3  # cycles 4, 5, 6 of 6


def test_measurements_given_now_replace_the_recorded_ones() -> None:
    """--weight 60 (170 cm: √(170 × 60 / 3600) = 1.68 m²): oxaliplatin 85 × 0.8 × 1.68 =
    114.24 → 114 mg."""
    code, data = _json(f"{RECORD} --weight 60")
    assert code == 0
    assert data["measured_now"] == ["weight"]
    assert _doses(data)["oxaliplatin"] == 114.0


def test_a_delayed_cycle_shows_its_recheck_date() -> None:
    """ANC 0.9 today (< 1.5: FOLFOX-6's haematology rule): the cycle waits (blocking,
    exit 3); the re-check date is on the cycle's calendar row."""
    code, data = _json(f"{RECORD} --lab anc=0.9 --lab platelets=150 --date 2026-03-09")
    assert code == 3
    assert data["blocking"] is True
    assert data["recheck_date"] is not None
    assert data["calendar"][0]["recheck_date"] == data["recheck_date"]
    assert data["calendar"][1]["recheck_date"] is None


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html", "fhir"])
def test_every_sheet_format(fmt: str) -> None:
    """Each format of `regimens sheet` is one of `regimens next`."""
    code, out, _ = run(f"next {RECORD} --format {fmt}")
    assert code == 0
    assert out


def test_bad_labs_before_days() -> None:
    """--labs-before-days 20 is refused with one line naming the option."""
    code, _, err = run(f"next {RECORD} --labs-before-days 20")
    assert code == 2
    assert err.startswith("Error: --labs-before-days")


@pytest.mark.parametrize(
    ("option", "flag"),
    [
        ("--rdi-threshold 0", "--rdi-threshold"),
        ("--weight-change-threshold 120", "--weight-change-threshold"),
    ],
)
def test_course_thresholds_are_checked(option: str, flag: str) -> None:
    """`regimens course` refuses a threshold outside 0–100 % with one line naming it."""
    code, out, err = run(f"course {RECORD} {option}")
    assert code == 2
    assert out == ""
    assert err.startswith(f"Error: {flag}: a percentage above 0 and below 100")


def test_course_refuses_a_misspelt_recorded_toxicity(tmp_path: Path) -> None:
    """A recorded toxicity is read as --toxicity reads it: a misspelling stops `course`
    and `next` with the file, the cycle and the field."""
    path = tmp_path / "bad.toml"
    text = (ROOT / RECORD).read_text(encoding="utf-8")
    path.write_text(text.replace('toxicity = ["neuropathy=1"]', 'toxicity = ["neuropaty=1"]'))
    for command in ("course", "next"):
        code, _, err = run(f"{command} {path}")
        assert code == 2
        assert err.startswith(f"Error: {path}: lines[1].cycles[4].toxicity: unknown toxicity")


def test_a_line_dose_level_is_carried_once(tmp_path: Path) -> None:
    """A FOLFOX-6 line at dose_level 80 (170 cm, 70 kg: 1.82 m²): the next cycle gives
    oxaliplatin 85 × 0.8 × 1.82 = 123.76 → 124 mg, not 80 % of 80 % (99 mg); folinic
    acid, not a cytotoxic, stays at 100 %: 400 × 1.82 = 728 mg."""
    path = tmp_path / "level.toml"
    path.write_text(
        '[patient]\nheight = "170 cm"\nweight = "70 kg"\ncrcl = 90\n'
        '[[lines]]\nregimen = "FOLFOX-6"\ndose_level = 80\n'
        "[[lines.cycles]]\ndate = 2026-01-05\n",
        encoding="utf-8",
    )
    code, data = _json(str(path))
    assert code == 0
    assert _doses(data) == {"oxaliplatin": 124.0, "folinic acid": 728.0}
    levels = {
        item["drug"]: item["dose_level_percent"]
        for day in data["sheet"]["days"]
        for item in day["administrations"]
    }
    assert levels == {"oxaliplatin": 80.0, "folinic acid": 100.0, "fluorouracil": 80.0}


@pytest.mark.parametrize(("weight", "warns"), [(62, False), (61, True)], ids=["-8.8%", "-10.3%"])
def test_todays_weight_against_the_last_cycle(weight: int, warns: bool) -> None:
    """The record's last weight is 68 kg: 62 kg is −8.8 % (no warning), 61 kg −10.3 %
    (the sheet's WEIGHT_CHANGED, ≥ 10 %), with today's labs given."""
    code, data = _json(f"{RECORD} --weight {weight} --lab anc=2 --lab platelets=200")
    assert code == 0
    codes = [w["code"] for w in data["sheet"]["warnings"]]
    assert ("WEIGHT_CHANGED" in codes) is warns


@pytest.mark.parametrize(
    ("day_1", "lead", "expected"),
    [
        ("2026-03-10", 1, "2026-03-09"),  # Tuesday → Monday: a weekday, kept
        ("2026-03-09", 1, "2026-03-06"),  # Monday → Sunday → Friday
        ("2026-03-09", 2, "2026-03-06"),  # Monday → Saturday → Friday
        ("2026-03-09", 3, "2026-03-06"),  # Monday → Friday: kept
        ("2026-03-09", 0, "2026-03-09"),  # the same day
    ],
)
def test_a_blood_test_never_falls_on_a_weekend(day_1: str, lead: int, expected: str) -> None:
    from regimens._calc.course_next import _weekday_on_or_before

    day = dt.date.fromisoformat(day_1) - dt.timedelta(days=lead)
    assert _weekday_on_or_before(day).isoformat() == expected

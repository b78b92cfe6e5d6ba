"""Issue 21's format: cycles, days before day 1, kinds of order, multi-day pumps,
emetogenic risk, and validate listing every error of a file.

The regimens are test fixtures (tests/fixtures/format21/library), not clinical ones; the
expected values are worked by hand in each test's docstring.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run
from regimens._calc.calendar import build_calendar, date_of, pump_off_day
from regimens._calc.course_record import planned_per_cycle
from regimens._calc.dosing import DrugDoseLevel, SheetOptions, compute_sheet
from regimens._errors import InputError
from regimens._models.calendar import CalendarOptions
from regimens._models.patient import Patient
from regimens._models.regimen import Regimen
from regimens._models.schedule import CycleRange, cycles_overlap, cycles_text, in_cycles
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.library import Library, load_library, validate_paths
from regimens._read.regimen import parse_cycles, parse_days
from regimens._read.regimen_file import RegimenFile
from regimens._render.sheet import sheet_csv, sheet_markdown, sheet_table
from regimens._render.sheet_json import sheet_document
from regimens._render.sheet_print import sheet_html

FIXTURES = Path(__file__).parent / "fixtures" / "format21"
LIBRARY_DIR = FIXTURES / "library"

#: 72 kg (weight-dosed), 180 cm: the BSA is not used by the per-kg doses.
WEIGHT_72 = Patient(height_cm=180, weight_kg=72)
#: Mosteller √(180 × 80 / 3600) = √4 = 2.00 m² exactly.
BSA_2 = Patient(height_cm=180, weight_kg=80)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library([LIBRARY_DIR], use_env=False)


def items(sheet: DoseSheet, day: int) -> list[Administration]:
    return [item for d in sheet.days if d.day == day for item in d.administrations]


def by_drug(sheet: DoseSheet, day: int) -> dict[str, Administration]:
    return {item.drug: item for item in items(sheet, day)}


def regimen_data(**component: Any) -> dict[str, Any]:
    """A minimal regimen with one fluorouracil component, ``component`` overriding it."""
    base: dict[str, Any] = {
        "drug": "fluorouracil",
        "dose": "400 mg/m2",
        "days": "1",
        "route": "IV",
        "method": "bolus",
        "order": 1,
        "source": "test",
    }
    return {
        "id": "T",
        "name": "t",
        "description": "t",
        "setting": "t",
        "cycle_length_days": 21,
        "references": [{"citation": "t"}],
        "components": [{**base, **component}],
    }


# --- cycles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "ranges"),
    [
        ("1", ((1, 1),)),
        ("2-", ((2, None),)),
        ("1,3,5", ((1, 1), (3, 3), (5, 5))),
        ("1-4", ((1, 4),)),
        (3, ((3, 3),)),
    ],
    ids=str,
)
def test_cycles_are_read_from_the_usual_spellings(written: object, ranges: tuple) -> None:
    """'1', '2-' (2 and later), '1,3,5' and '1-4' give the cycle ranges."""
    assert tuple((r["first"], r["last"]) for r in parse_cycles(written)) == ranges


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("0", "counted from 1"),
        ("-2", "counted from 1"),
        ("", "empty"),
        ("4-2", "runs backwards"),
        ("1,1-3", "given twice"),
        ("first", "not a list of cycles"),
    ],
    ids=str,
)
def test_bad_cycles_are_refused(written: str, reason: str) -> None:
    """Cycle 0, negatives, empty text, reversed ranges and repeats are refused."""
    with pytest.raises(ValueError, match=reason):
        parse_cycles(written)


def test_a_bad_cycles_text_names_the_field() -> None:
    """The file model reports components[1].cycles with the reason."""
    with pytest.raises(ValueError, match=r"components\.0\.cycles[\s\S]*counted from 1"):
        RegimenFile.model_validate(regimen_data(cycles="0"))


def test_cycle_ranges_answer_membership_and_overlap() -> None:
    """'2-' holds 2 and 50, not 1; '1' and '2-' never meet; '1-4' and '3,9' meet at 3."""
    later = (CycleRange(first=2),)
    assert not in_cycles(later, 1)
    assert in_cycles(later, 2)
    assert in_cycles(later, 50)
    assert in_cycles((), 7)  # no cycles: every cycle
    assert cycles_overlap((CycleRange(first=1, last=1),), later) is None
    assert (
        cycles_overlap(
            (CycleRange(first=1, last=4),), tuple(CycleRange(first=n, last=n) for n in (3, 9))
        )
        == 3
    )
    assert cycles_overlap((), later) == 2
    assert cycles_text((CycleRange(first=1, last=1), CycleRange(first=3))) == "1,3-"


def test_two_components_of_one_drug_on_one_day_of_one_cycle_are_refused() -> None:
    """Trastuzumab 8 mg/kg in every cycle and 6 mg/kg from cycle 2 would both be given on
    day 1 of cycle 2: the regimen is refused, naming the cycle and the other component."""
    data = regimen_data(drug="trastuzumab", dose="8 mg/kg", method="infusion", duration="90 min")
    second = {**data["components"][0], "dose": "6 mg/kg", "cycles": "2-", "order": 2}
    data["components"].append(second)
    with pytest.raises(ValueError, match=r"day 1 of cycle 2 by components\[1\]"):
        RegimenFile.model_validate(data)
    data["components"][0]["cycles"] = "1"
    assert RegimenFile.model_validate(data).to_model().components[1].cycles[0].first == 2


def test_loading_dose_in_cycle_1_then_maintenance(library: Library) -> None:
    """Trastuzumab 8 mg/kg × 72 kg = 576 mg in cycle 1 only; 6 mg/kg × 72 = 432 mg from
    cycle 2 (cycles 2 and 5 checked), never both on one sheet."""
    first = [
        i
        for i in items(compute_sheet(library, "LOADING-TEST", WEIGHT_72), 1)
        if i.drug == "trastuzumab"
    ]
    assert [(i.order, i.dose_mg) for i in first] == [(2, 576.0)]
    for cycle in (2, 5):
        options = SheetOptions(cycle=cycle)
        later = [
            i
            for i in items(compute_sheet(library, "LOADING-TEST", WEIGHT_72, options), 1)
            if i.drug == "trastuzumab"
        ]
        assert [(i.order, i.dose_mg) for i in later] == [(3, 432.0)]


def test_the_calendar_follows_the_cycles(library: Library) -> None:
    """The calendar gives the 90-minute loading infusion in cycle 1 and the 30-minute one
    in cycle 2 (durations of the fixture), with their doses 576 and 432 mg."""
    calendar = build_calendar(
        library,
        "LOADING-TEST",
        dt.date(2026, 3, 2),
        CalendarOptions(cycles=2),
        patient=WEIGHT_72,
    )
    given = [
        (cycle.cycle, item.duration_h, item.dose.dose_mg if item.dose else None)
        for cycle in calendar.cycles
        for day in cycle.days
        for item in day.administrations
        if item.drug == "trastuzumab"
    ]
    assert given == [(1, 1.5, 576.0), (2, 0.5, 432.0)]


# --- days before day 1 ------------------------------------------------------------------


def test_day_minus_one_is_read_and_day_zero_refused() -> None:
    """'-1,1' is read; day 0 is ambiguous (the day before, or day 1) and refused."""
    assert parse_days("-1,1") == (-1, 1)
    with pytest.raises(ValueError, match="day 0 is read two ways"):
        parse_days("-1,0")


def test_chemotherapy_before_day_1_is_refused() -> None:
    """Only an order of another kind (premedication...) may come before day 1."""
    with pytest.raises(ValueError, match="before day 1"):
        RegimenFile.model_validate(regimen_data(days="-1,1"))
    accepted = RegimenFile.model_validate(
        regimen_data(days="-1,1", kind="premedication")
    ).to_model()
    assert accepted.components[0].days == (-1, 1)


def test_day_minus_one_is_on_the_sheet_and_the_day_before_on_the_calendar(
    library: Library,
) -> None:
    """Dexamethasone on day −1 and day 1: the sheet has day −1; a cycle starting on
    Monday 2 March 2026 has it on Sunday 1 March, and cycle 2 (day 1 on 23 March, 21 days
    later: the counting is unchanged) on 22 March."""
    sheet = compute_sheet(library, "LOADING-TEST", WEIGHT_72)
    assert [day.day for day in sheet.days] == [-1, 1]
    calendar = build_calendar(
        library, "LOADING-TEST", dt.date(2026, 3, 2), CalendarOptions(cycles=2)
    )
    dexamethasone = [
        (cycle.cycle, day.day, day.date)
        for cycle in calendar.cycles
        for day in cycle.days
        if any(item.drug == "dexamethasone" for item in day.administrations)
    ]
    assert dexamethasone == [
        (1, -1, dt.date(2026, 3, 1)),
        (1, 1, dt.date(2026, 3, 2)),
        (2, -1, dt.date(2026, 3, 22)),
        (2, 1, dt.date(2026, 3, 23)),
    ]
    assert calendar.cycles[1].start_date == dt.date(2026, 3, 23)
    assert "day_before" in [note.code for note in calendar.notes]
    assert date_of(dt.date(2026, 3, 2), -2) == dt.date(2026, 2, 28)


def test_day_minus_one_is_printed_with_a_minus_sign(library: Library) -> None:
    """The text sheet says 'Day −1' (U+2212), in its own premedication section."""
    table = sheet_table(compute_sheet(library, "LOADING-TEST", WEIGHT_72))
    assert "Day −1: premedication and supportive orders" in table


# --- kinds of order ---------------------------------------------------------------------


def test_premedication_is_untouched_by_a_global_dose_level(library: Library) -> None:
    """At --dose-level 80: docetaxel 75 × 1.90 = 142.5 → 114 mg (80 %), trastuzumab
    6 × 72 = 432 → 345.6 → 346 mg; dexamethasone stays 8 mg at 100 %, with no warning
    that the level was not applied to it."""
    options = SheetOptions(cycle=2, dose_level_percent=80)
    sheet = compute_sheet(library, "LOADING-TEST", WEIGHT_72, options)
    day1 = by_drug(sheet, 1)
    assert day1["docetaxel"].dose_mg == 114.0
    assert day1["trastuzumab"].dose_mg == 346.0
    assert (day1["dexamethasone"].dose_level_percent, day1["dexamethasone"].dose_mg) == (
        100.0,
        8.0,
    )
    assert day1["dexamethasone"].kind == "premedication"
    assert not [w for w in sheet.warnings if w.drug == "dexamethasone"]


def test_a_per_drug_level_naming_a_premedication_is_refused(library: Library) -> None:
    """A dose level for dexamethasone, given only as premedication, is refused."""
    options = SheetOptions(drug_dose_levels=(DrugDoseLevel(drug="dexamethasone", percent=50),))
    with pytest.raises(InputError, match=r"premedication.*never changed by a dose level"):
        compute_sheet(library, "LOADING-TEST", WEIGHT_72, options)


def test_premedication_is_not_assessed(library: Library) -> None:
    """The treatment-day assessment is given only chemotherapy: dexamethasone has no
    assessment ceiling and is not withheld."""
    from regimens._models.assessment import AssessmentInputs

    options = SheetOptions(assessment=AssessmentInputs())
    sheet = compute_sheet(library, "LOADING-TEST", WEIGHT_72, options)
    dexamethasone = by_drug(sheet, 1)["dexamethasone"]
    assert dexamethasone.assessment_level_percent is None
    assert not dexamethasone.withheld


def test_every_format_shows_the_kind(library: Library) -> None:
    """Table, Markdown and HTML print the premedication section; CSV has a kind column;
    JSON a kind per administration."""
    sheet = compute_sheet(library, "LOADING-TEST", WEIGHT_72)
    assert "dexamethasone (premedication)" in sheet_markdown(sheet)
    assert 'dexamethasone</strong> <span class="sub">(premedication)</span>' in sheet_html(sheet)
    rows = sheet_csv(sheet).splitlines()
    header = rows[0].split(",")
    kinds = {
        row.split(",")[header.index("drug")]: row.split(",")[header.index("kind")]
        for row in rows[1:]
    }
    assert kinds == {
        "dexamethasone": "premedication",
        "trastuzumab": "chemotherapy",
        "docetaxel": "chemotherapy",
    }
    document = sheet_document(sheet)
    assert {a["drug"]: a["kind"] for day in document["days"] for a in day["administrations"]}[
        "dexamethasone"
    ] == "premedication"


def test_premedication_is_left_out_of_dose_intensity() -> None:
    """Planned mg/m² per cycle counts chemotherapy only; a cycle-1-only component counts
    in cycle 1 of 4: 100 mg/m² → 25 per cycle on average."""
    data = regimen_data(dose="400 mg/m2")
    data["components"].append(
        {
            **data["components"][0],
            "drug": "dexamethasone",
            "kind": "premedication",
            "order": 2,
            "dose": "20 mg/m2",
            "method": "bolus",
        }
    )
    data["components"].append(
        {
            **data["components"][0],
            "drug": "oxaliplatin",
            "order": 3,
            "dose": "100 mg/m2",
            "method": "infusion",
            "duration": "2 h",
            "cycles": "1",
        }
    )
    regimen: Regimen = RegimenFile.model_validate(data).to_model()
    assert planned_per_cycle(regimen, 4) == {"fluorouracil": 400.0, "oxaliplatin": 25.0}


# --- multi-day and 24-hour pumps --------------------------------------------------------


def test_a_120_hour_pump_of_750_per_day_over_5_days(library: Library) -> None:
    """5-FU 750 mg/m²/day, days 1–5, one 120-h pump, BSA 2.00: 750 × 2.00 × 5 = 7500 mg
    in one pump connected on day 1 (no administration on days 2–5); 1500 mg a day;
    62.5 mg/h. At 1.5 mL/h the pump holds 180 mL: 7500 / 50 mg/mL = 150 mL of drug."""
    sheet = compute_sheet(library, "PUMP-TEST", BSA_2, SheetOptions(pump_rate_ml_per_h=1.5))
    assert [day.day for day in sheet.days] == [1]
    (pump,) = items(sheet, 1)
    assert (pump.dose_mg, pump.daily_dose_mg, pump.infusion_days) == (7500.0, 7500.0, 5)
    assert pump.dose_per_infusion_day_mg == 1500.0
    assert pump.prescribed_daily == "750 mg/m2/day"
    assert pump.rate_mg_per_h == 62.5
    assert pump.pump is not None
    assert (pump.pump.pump_volume_ml, pump.pump.drug_volume_ml) == (180.0, 150.0)
    assert sheet.totals[0].total_mg == 7500.0


def test_the_120_hour_pump_comes_off_on_day_6(library: Library) -> None:
    """Day 1 + ceil(120 / 24) = day 6: one pump on, one pump off, nothing on days 2–5."""
    assert pump_off_day(1, 120) == 6
    calendar = build_calendar(library, "PUMP-TEST", dt.date(2026, 3, 2), CalendarOptions(cycles=1))
    days = {day.day: day for day in calendar.cycles[0].days}
    assert sorted(days) == [1, 6]
    assert days[1].flags[0] == "pump_on"
    assert [off.started_day for off in days[6].pump_off] == [1]
    assert days[6].date == dt.date(2026, 3, 7)


def test_a_24_hour_pump_comes_off_on_day_2(library: Library) -> None:
    """FLOT's 5-FU 2600 mg/m² over 24 h at BSA 2.00: 5200 mg, off on day 1 + 1 = day 2."""
    sheet = compute_sheet(library, "DAY-PUMP-TEST", BSA_2)
    assert items(sheet, 1)[0].dose_mg == 5200.0
    calendar = build_calendar(
        library, "DAY-PUMP-TEST", dt.date(2026, 3, 2), CalendarOptions(cycles=1)
    )
    assert [day.day for day in calendar.cycles[0].days] == [1, 2]


@pytest.mark.parametrize(
    ("component", "reason"),
    [
        ({"dose": "750 mg/m2/day", "days": "1-5", "duration": "96 h"}, "runs 120 h"),
        ({"dose": "750 mg/m2/day", "days": "1,3", "duration": "48 h"}, "consecutive days"),
        ({"dose": "750 mg/m2", "days": "1-5", "duration": "120 h"}, "would overlap"),
        (
            {"dose": "750 mg/m2/day", "dose_per": "intake", "days": "1-5", "duration": "120 h"},
            "per day but dose_per",
        ),
    ],
    ids=["duration", "gap", "overlapping pumps", "two spellings"],
)
def test_pumps_that_do_not_add_up_are_refused(component: dict[str, str], reason: str) -> None:
    """A per-day pump runs 24 h a day over consecutive days; pumps of a per-intake dose
    must not overlap; '/day' and dose_per = 'intake' contradict each other."""
    data = regimen_data(method="continuous_infusion", **component)
    with pytest.raises(ValueError, match=reason):
        RegimenFile.model_validate(data)


# --- emetogenic risk --------------------------------------------------------------------


def test_the_emetogenic_risk_is_in_every_format(library: Library) -> None:
    """The class, scheme, evidence and source are printed; JSON has the object with the
    file's keys (class, scheme, evidence, source)."""
    sheet = compute_sheet(library, "LOADING-TEST", WEIGHT_72)
    shown = "low (MASCC/ESMO 2016) [U]; source: Test fixture: not a reference."
    for rendered in (sheet_table(sheet), sheet_markdown(sheet), sheet_html(sheet)):
        assert shown in rendered
    assert sheet_document(sheet)["emetogenic_risk"] == {
        "class": "low",
        "scheme": "MASCC/ESMO 2016",
        "evidence": "U",
        "source": "Test fixture: not a reference.",
        "note": "",
    }


def test_a_regimen_without_a_class_says_not_stated(library: Library) -> None:
    """The case report's regimens state no class: 'not stated', JSON null (none invented)."""
    sheet = compute_sheet(library, "FOLFOX-6", BSA_2)
    assert "Emetogenic risk      not stated" in sheet_table(sheet)
    assert sheet_document(sheet)["emetogenic_risk"] is None
    version = json.loads(json.dumps(sheet_document(sheet)))["schema_version"]
    assert tuple(map(int, version.split("."))) >= (1, 4)  # emetogenic_risk came with 1.4


def test_an_unknown_emetogenic_class_is_refused() -> None:
    """Only high, moderate, low and minimal are classes."""
    data = regimen_data()
    data["emetogenic_risk"] = {
        "class": "very high",
        "scheme": "ASCO 2020",
        "evidence": "V",
        "source": "x",
    }
    with pytest.raises(ValueError, match=r"emetogenic_risk\.class"):
        RegimenFile.model_validate(data)


# --- validate ---------------------------------------------------------------------------


def test_validate_lists_every_error_of_a_file() -> None:
    """Three mistakes in three components (cycle 0, day 0, a misspelt kind): three lines,
    each FILE:LINE: FIELD: REASON, in file order."""
    path = FIXTURES / "errors" / "three-errors.toml"
    problems = validate_paths([path])
    assert [problem.split(": ", 2)[:2] for problem in problems] == [
        [f"{path}:16", "components[1].cycles"],
        [f"{path}:26", "components[2].days"],
        [f"{path}:35", "components[3].kind"],
    ]
    status, out, err = run(["validate", str(path)])
    assert status != 0
    assert (out + err).count(f"{path}:") == 3
    assert "3 problems found." in out + err


def test_the_fixture_library_validates() -> None:
    """The test regimens of this module are valid library files."""
    assert validate_paths([LIBRARY_DIR]) == []


def test_premedication_is_left_out_of_cumulative_doses(library: Library) -> None:
    """A course sums what the sheets delivered of chemotherapy only: trastuzumab 576 mg
    and docetaxel 142 mg in cycle 1, no dexamethasone."""
    from regimens._calc.course import _sum_sheets

    sums = _sum_sheets([compute_sheet(library, "LOADING-TEST", WEIGHT_72)], 1)
    assert sorted(sums) == ["docetaxel", "trastuzumab"]
    assert sums["trastuzumab"].mg == 576.0


def test_the_calendar_names_a_premedication(library: Library) -> None:
    """The calendar's 'Given' column says '(premedication)' after dexamethasone, on D−1."""
    from regimens._render.calendar import calendar_table

    calendar = build_calendar(
        library, "LOADING-TEST", dt.date(2026, 3, 2), CalendarOptions(cycles=1)
    )
    assert "D−1    home     dexamethasone (premedication) PO" in calendar_table(calendar)


def test_the_new_fields_validate_against_the_published_sheet_schema(library: Library) -> None:
    """A sheet with a premedication on day −1, a loading dose, an emetogenic risk and a
    multi-day pump validates against docs/sheet.schema.json."""
    from conftest import validate_json

    schema = Path(__file__).parents[1] / "docs" / "sheet.schema.json"
    for regimen, patient in (("LOADING-TEST", WEIGHT_72), ("PUMP-TEST", BSA_2)):
        document = json.loads(json.dumps(sheet_document(compute_sheet(library, regimen, patient))))
        validate_json(document, schema)

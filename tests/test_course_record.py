"""The course as a treatment record (issue 20): doses given, delays, relative dose
intensity, the weight guard, and mistakes refused with the file, the cycle and the field.

Expected values are worked by hand in each test's docstring; the RDI method is
Hryniuk's (mg/m² per week, docs/course.md "The treatment record").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from regimens._calc.course import compute_course
from regimens._calc.course_record import rdi_percent, weight_change_percent
from regimens._errors import InputError
from regimens._models.course import CourseReport
from regimens._models.course_record import DrugIntensity, LineRecord
from regimens._read.course import course_assessments, parse_course
from regimens._read.library import Library

DAY0 = dt.date(2026, 1, 5)


def _date(day: int) -> str:
    return (DAY0 + dt.timedelta(days=day)).isoformat()


def _report(library: Library, line: dict[str, Any], **options: Any) -> CourseReport:
    data = {
        "patient": {"height": "170 cm", "sex": "female", "age": 60, "crcl": 90},
        "lines": [line],
    }
    return compute_course(library, parse_course(data, source="t.toml"), source="t.toml", **options)


def _record(report: CourseReport) -> LineRecord:
    record = report.lines[-1].record
    assert record is not None
    return record


def _intensity(report: CourseReport, drug: str) -> DrugIntensity:
    return next(item for item in _record(report).intensity if item.drug == drug)


def _folfox(
    levels: list[int], days: list[int], weights: list[float] | None = None
) -> dict[str, Any]:
    weights = weights or [70.0] * len(days)
    return {
        "regimen": "FOLFOX-6",
        "cycles": [
            {"date": _date(day), "weight": weight, "drug_dose_levels": {"oxaliplatin": level}}
            for day, level, weight in zip(days, levels, weights, strict=True)
        ],
    }


def test_rdi_of_the_issue_20_example(library: Library) -> None:
    """FOLFOX-6 on days 0, 14, 35 (7 days late), 49; oxaliplatin 85, 85, 68, 68 mg/m²:
    306 mg/m² over 49 + 14 = 63 days = 9 weeks → 34 mg/m²/week; planned 85 per 14 days
    = 42.5 mg/m²/week; RDI 34 / 42.5 = 80.0 % (below 85 %: a caution)."""
    report = _report(library, _folfox([100, 100, 80, 80], [0, 14, 35, 49]))
    oxaliplatin = _intensity(report, "oxaliplatin")
    assert oxaliplatin.delivered_mg_per_m2 == 306
    assert oxaliplatin.weeks == 9
    assert oxaliplatin.delivered_mg_per_m2_per_week == 34
    assert oxaliplatin.planned_mg_per_m2_per_week == 42.5
    assert oxaliplatin.rdi_percent == 80.0
    assert _record(report).window_days == 63
    codes = [(w.code, w.drug) for w in report.warnings]
    assert ("RDI_BELOW_THRESHOLD", "oxaliplatin") in codes
    assert rdi_percent(306, 9, 85, 14) == 80.0


def test_rdi_threshold_is_configurable(library: Library) -> None:
    """The same line against a 75 % threshold: 80.0 % is not below it."""
    report = _report(library, _folfox([100, 100, 80, 80], [0, 14, 35, 49]), rdi_threshold=75)
    assert "RDI_BELOW_THRESHOLD" not in {w.code for w in report.warnings}
    assert report.provenance.options.rdi_threshold_percent == 75


def test_delays_against_the_planned_interval(library: Library) -> None:
    """Day 1s 0, 14, 35, 49 of a 14-day cycle: delays 0, +7, 0; total +7, one cycle late."""
    record = _record(_report(library, _folfox([100] * 4, [0, 14, 35, 49])))
    assert [row.delay_days for row in record.cycles] == [None, 0, 7, 0]
    assert record.cycles[2].planned_date == dt.date(2026, 2, 2)
    assert record.delay_days_total == 7
    assert record.delayed_cycles == 1


def test_capecitabine_line_with_given_doses_and_withheld_days(library: Library) -> None:
    """XELIRI (capecitabine 2000 mg/m²/day days 1–14, irinotecan 250 mg/m² day 1, every
    21 days) at 180 cm, 80 kg: Mosteller √(180 × 80 / 3600) = 2.00 m².
    Cycle 1 as the sheet: 14 × 2000 = 28000 mg/m². Cycle 2 given 3000 mg/day = 1500
    mg/m²/day at 2.00 m²: 21000. Cycle 3 3000 mg/day, days 8–14 withheld: 7 × 1500 =
    10500. Total 59500 mg/m² over 42 + 21 = 63 days (9 weeks) = 6611.11/week; planned
    28000 / 3 weeks = 9333.33/week; RDI 59500 / 84000 = 70.833333 %. In mg: 14 × 4000
    + 14 × 3000 + 7 × 3000 = 119000 mg in 3 cycles. Irinotecan, as planned: 100 %."""
    line = {
        "regimen": "XELIRI",
        "height": "180 cm",
        "weight": "80 kg",
        "cycles": [
            {"date": _date(0)},
            {"date": _date(21), "given": {"capecitabine": "3000 mg/day"}},
            {
                "date": _date(42),
                "given": {"capecitabine": "3000 mg/day"},
                "withheld_days": {"capecitabine": [8, 9, 10, 11, 12, 13, 14]},
            },
        ],
    }
    report = _report(library, line)
    assert report.lines[0].bsa_m2 == (2.0,)
    capecitabine = _intensity(report, "capecitabine")
    assert capecitabine.delivered_mg_per_m2 == 59500
    assert capecitabine.planned_mg_per_m2_per_cycle == 28000
    assert capecitabine.weeks == 9
    assert capecitabine.rdi_percent == pytest.approx(70.833333, abs=1e-6)
    assert _intensity(report, "irinotecan").rdi_percent == 100
    total = next(item for item in report.lines[0].drugs if item.drug == "capecitabine")
    assert (total.mg_per_m2, total.mg, total.cycles) == (59500, 119000, 3)


def test_a_withheld_drug_counts_nothing(library: Library) -> None:
    """Oxaliplatin withheld in cycle 2 of 2 on days 0 and 14: 85 mg/m² in 1 cycle;
    RDI 85 / 4 weeks = 21.25 against 42.5: 50 %."""
    line = {
        "regimen": "FOLFOX-6",
        "weight": 70,
        "cycles": [{"date": _date(0)}, {"date": _date(14), "withheld": ["oxaliplatin"]}],
    }
    report = _report(library, line)
    oxaliplatin = next(item for item in report.lines[0].drugs if item.drug == "oxaliplatin")
    assert (oxaliplatin.mg_per_m2, oxaliplatin.cycles) == (85, 1)
    assert _intensity(report, "oxaliplatin").rdi_percent == 50


@pytest.mark.parametrize(
    ("weight", "warns"),
    [(65.94, False), (66.0, True), (66.06, True), (54.06, False), (54.0, True)],
    ids=["+9.9%", "+10.0%", "+10.1%", "-9.9%", "-10.0%"],
)
def test_weight_guard_at_the_threshold(library: Library, weight: float, warns: bool) -> None:
    """From 60 kg: 65.94 is +9.9 % (no), 66 is +10.0 % (≥ 10: yes), 66.06 +10.1 %;
    54.06 −9.9 %, 54 −10.0 % (COSA: ≥ 10 %, read on the safe side)."""
    report = _report(library, _folfox([100, 100], [0, 14], [60, weight]))
    found = [w for w in report.warnings if w.code == "WEIGHT_CHANGED"]
    assert bool(found) is warns
    if warns:
        params = found[0].params
        assert params["variant"] == "first"
        assert (params["cycle"], params["reference_cycle"]) == ("2", "1")
        assert params["weight_then"] == "60"
        assert params["bsa_then"] == "1.68"  # √(170 × 60 / 3600) = 1.683
        assert params["bsa_now"] == ("1.77" if weight > 60 else "1.60")


def test_weight_change_is_exact_at_ten_percent() -> None:
    """60 → 66 kg is 10.0 %, not 10.000000000000002 (compared after rounding)."""
    assert weight_change_percent(60, 66) == 10.0


def test_weight_guard_against_the_previous_cycle(library: Library) -> None:
    """60, 57, 63 kg: cycle 3 is +5 % from cycle 1 but +10.5 % from cycle 2: one
    warning, variant previous; with a 5 % threshold cycle 3 also warns against cycle 1."""
    line = _folfox([100] * 3, [0, 14, 28], [60, 57, 63])
    found = [w for w in _report(library, line).warnings if w.code == "WEIGHT_CHANGED"]
    assert [(w.params["cycle"], w.params["variant"]) for w in found] == [("3", "previous")]
    found = [
        w
        for w in _report(library, line, weight_change_percent=5).warnings
        if w.code == "WEIGHT_CHANGED"
    ]
    assert [(w.params["cycle"], w.params["variant"]) for w in found] == [
        ("2", "first"),
        ("3", "first"),
        ("3", "previous"),
    ]


def test_an_old_course_file_is_still_read(library: Library) -> None:
    """A 1.0 file (cycles as a count, no record) is read; nothing is dated: no RDI."""
    data = {
        "schema_version": "1.0",
        "patient": {"height": 170, "weight": 70, "crcl": 90},
        "lines": [{"regimen": "FOLFOX-6", "cycles": 2}],
    }
    report = compute_course(library, parse_course(data))
    assert _record(report).intensity == ()
    assert _record(report).delay_days_total is None


BAD = [
    ({"given": {"oxaliplatin": "136"}}, "lines[1].cycles[2].given.oxaliplatin", "'136 mg'"),
    ({"given": {"irinotecan": "100 mg"}}, "lines[1].cycles[2].given.irinotecan", "not given"),
    (
        {"given": {"fluorouracil": "4000 mg"}},
        "lines[1].cycles[2].given.fluorouracil",
        "more than once",
    ),
    (
        {"withheld_days": {"oxaliplatin": [2]}},
        "lines[1].cycles[2].withheld_days.oxaliplatin",
        "day 2",
    ),
    ({"withheld": ["oxaliplatn"]}, "lines[1].cycles[2].withheld", "oxaliplatin"),
    ({"labs": ["anc=lots"]}, "lines[1].cycles[2].labs[1]", "anc"),
    ({"notes": 3}, "lines[1].cycles[2].notes", "string"),
]


@pytest.mark.parametrize(("entry", "field", "hint"), BAD, ids=[b[1].split(".", 2)[-1] for b in BAD])
def test_bad_record_values_are_refused(
    library: Library, entry: dict[str, Any], field: str, hint: str
) -> None:
    """Each mistake names the file, the cycle and the field, and says what is accepted."""
    line = {
        "regimen": "FOLFOX-6",
        "weight": 70,
        "cycles": [{"date": _date(0)}, {"date": _date(14), **entry}],
    }
    with pytest.raises(InputError) as error:
        _report(library, line)
    assert str(error.value).startswith(f"t.toml: {field}: ")
    assert hint in str(error.value)


def test_a_recorded_toxicity_is_read_as_the_cli_reads_it(library: Library) -> None:
    """`toxicity = ["neuropaty=2"]` is refused with the file, cycle and field, like
    --toxicity; `neuropathy=2` is read as grade 2."""
    data = {
        "patient": {"height": 170, "weight": 70},
        "lines": [
            {"regimen": "FOLFOX-6", "cycles": [{"date": _date(0), "toxicity": ["neuropaty=2"]}]}
        ],
    }
    with pytest.raises(InputError, match=r"^c\.toml: lines\[1\]\.cycles\[1\]\.toxicity: unknown"):
        course_assessments(library, parse_course(data), source="c.toml")
    data["lines"][0]["cycles"][0]["toxicity"] = ["neuropathy=2"]
    found = course_assessments(library, parse_course(data), source="c.toml")
    assert found[(1, 1)].toxicities[0].grade == 2


def test_planned_cycles_must_be_a_whole_number(library: Library) -> None:
    """planned_cycles 0 or true is refused, naming the line's field."""
    for value in (0, True):
        data = {
            "patient": {"height": 170, "weight": 70},
            "lines": [{"regimen": "FOLFOX-6", "cycles": 1, "planned_cycles": value}],
        }
        with pytest.raises(InputError, match=r"^f: lines\[1\]\.planned_cycles: "):
            parse_course(data, source="f")


@pytest.mark.parametrize(
    ("given", "warns"),
    [("162 mg", False), ("163 mg", True), ("1550 mg", True)],
    ids=["+4.5%", "+5.2%", "typo-x10"],
)
def test_a_given_dose_above_the_sheet_is_a_caution(
    library: Library, given: str, warns: bool
) -> None:
    """FOLFOX-6 at 1.82 m² (170 cm, 70 kg): the sheet gives oxaliplatin 85 × 1.82 = 154.7
    → 155 mg. 162 mg is +4.5 % (within the 5 % tolerance), 163 mg +5.2 % and 1550 mg
    (a slip for 155) are GIVEN_ABOVE_SHEET."""
    line = {
        "regimen": "FOLFOX-6",
        "weight": 70,
        "cycles": [{"date": _date(0), "given": {"oxaliplatin": given}}],
    }
    found = [w for w in _report(library, line).warnings if w.code == "GIVEN_ABOVE_SHEET"]
    assert bool(found) is warns
    if warns:
        assert found[0].params["sheet"] == "155"

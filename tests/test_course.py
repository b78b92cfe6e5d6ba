"""Treatment courses: cumulative doses worked by hand, limits at and past their edge, errors.

Patients (Mosteller, BSA rounded to 2 decimals): 180 cm / 80 kg → √4 = 2.00 m²;
180 cm / 64.8 kg → √3.24 = 1.80 m²; 160 cm / 60 kg → √2.667 = 1.633 → 1.63 m².
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regimens._calc.course import compute_course, cycles_that_fit, limit_status
from regimens._errors import InputError, UnknownNameError
from regimens._models.course import COURSE_WARNING_CODES, CourseReport
from regimens._read.course import course_json_schema, load_course, parse_course
from regimens._read.library import Library, load_library
from regimens._render.catalogue import LANGUAGES, catalogue
from regimens._render.messages import message

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "courses"
CASE = ROOT / "docs" / "examples" / "case-report-course.toml"


@pytest.fixture(scope="module")
def case(library: Library) -> CourseReport:
    return compute_course(library, load_course(CASE))


def course(*lines: dict[str, Any], **patient: Any) -> dict[str, Any]:
    return {"patient": {"height": 180, "weight": 80, "crcl": 80, **patient}, "lines": list(lines)}


def run(library: Library, data: dict[str, Any], **options: Any) -> CourseReport:
    return compute_course(library, parse_course(data), **options)


def total(report: CourseReport, drug: str) -> Any:
    return next(item for item in report.totals if item.drug == drug)


def limit(report: CourseReport, drug: str) -> Any:
    return next(item for item in report.limits if item.drug == drug)


# --- the case report's history (docs/case-report.md) -------------------------------------


@pytest.mark.parametrize(
    ("drug", "mg_per_m2"),
    [
        pytest.param("epirubicin", 300, id="epirubicin 6 x 50 = 300"),
        pytest.param("oxaliplatin", 1630, id="oxaliplatin 6 x 130 + 10 x 85 = 1630"),
        pytest.param("irinotecan", 1860, id="irinotecan 6 x 250 + 2 x 180 = 1860"),
        pytest.param("docetaxel", 450, id="docetaxel 6 x 75 = 450"),
        pytest.param(
            "capecitabine", 325500, id="capecitabine 6 x 1250 x 21 + 6 x 2000 x 14 = 325500"
        ),
        pytest.param("fluorouracil", 33600, id="5-FU (10 + 2) x (400 + 2400) = 33600"),
        pytest.param("folinic acid", 4400, id="folinic acid 10 x 400 + 2 x 200 = 4400"),
    ],
)
def test_case_report_cumulative_doses(case: CourseReport, drug: str, mg_per_m2: float) -> None:
    """The case report's five lines add up to the totals worked by hand (issue 7)."""
    assert total(case, drug).mg_per_m2 == mg_per_m2


def test_case_report_oxaliplatin_per_line(case: CourseReport) -> None:
    """Oxaliplatin: EOX 6 x 130 = 780 (line 1) and FOLFOX-6 10 x 85 = 850 (line 4)."""
    per_line = [
        (line.line, item.mg_per_m2, item.cycles)
        for line in case.lines
        for item in line.drugs
        if item.drug == "oxaliplatin"
    ]
    assert per_line == [(1, 780, 6), (4, 850, 10)]
    assert total(case, "oxaliplatin").cycles == 16


def test_case_report_mg_from_the_rounded_doses(case: CourseReport) -> None:
    """Epirubicin at 1.63 m²: 50 x 1.63 = 81.5 → 81 mg (halves round down); 6 x 81 = 486 mg."""
    assert case.lines[0].bsa_m2 == (1.63,)
    assert total(case, "epirubicin").mg == 486


def test_case_report_zoledronic_acid(case: CourseReport) -> None:
    """With FOLFOX-6 every second cycle (1, 3, 5, 7, 9): 5 x 4 mg = 20 mg, no mg/m².

    CrCl (Cockcroft-Gault, 54 y, 52 kg, creatinine 0.47 mg/dL, female):
    (140 − 54) x 52 / (72 x 0.47) x 0.85 = 112.3 mL/min > 60 → 4 mg (SmPC).
    """
    zoledronic = total(case, "zoledronic acid")
    assert (zoledronic.mg, zoledronic.mg_per_m2, zoledronic.cycles) == (20, None, 5)
    assert case.lines[3].supportive == ("ZOLEDRONIC-ACID",)


def test_case_report_limits(case: CourseReport) -> None:
    """Epirubicin 300 of 900 mg/m²; oxaliplatin 1630 past the 842 advisory (a caution)."""
    epirubicin, oxaliplatin = limit(case, "epirubicin"), limit(case, "oxaliplatin")
    assert (epirubicin.cumulative, epirubicin.remaining, epirubicin.status) == (300, 600, "below")
    assert epirubicin.cycles_that_fit is None  # FOLFIRI, the current line, has no epirubicin
    assert (oxaliplatin.kind, oxaliplatin.status, oxaliplatin.cumulative) == (
        "advisory",
        "exceeded",
        1630,
    )
    codes = [(w.severity, w.code, w.drug) for w in case.warnings]
    assert codes == [
        ("caution", "ADVISORY_THRESHOLD_EXCEEDED", "oxaliplatin"),
        ("info", "CUMULATIVE_HEADROOM", "epirubicin"),
    ]
    assert not case.blocking


@pytest.mark.parametrize(
    ("ratios", "equivalent"),
    [
        pytest.param(None, 240, id="default 0.8 (Feijen 2019): 300 x 0.8 = 240"),
        pytest.param({"epirubicin": 1.0}, 300, id="COG 1:1 by option: 300 x 1 = 300"),
        pytest.param({"épirubicine": 0.67}, 201, id="by French name: 300 x 0.67 = 201"),
    ],
)
def test_doxorubicin_equivalent_ratio_by_option(
    library: Library, ratios: dict[str, float] | None, equivalent: float
) -> None:
    """The equivalence ratio is the library's unless --equivalence replaces it."""
    report = compute_course(library, load_course(CASE), equivalence=ratios)
    assert report.doxorubicin_equivalent_mg_per_m2 == equivalent
    assert total(report, "epirubicin").doxorubicin_equivalent_mg_per_m2 == equivalent
    (ratio,) = report.equivalence
    assert ratio.from_option is (ratios is not None)
    assert ratio.library_ratio == 0.8
    assert ("Feijen" in ratio.source) is (ratios is None)


# --- limits at and past their edge -------------------------------------------------------


@pytest.mark.parametrize(
    ("cycles", "cumulative", "fit", "status", "code", "severity"),
    [
        pytest.param(16, 800, 2, "below", "CUMULATIVE_HEADROOM", "info", id="16x50=800: 2 fit"),
        pytest.param(17, 850, 1, "below", "CUMULATIVE_HEADROOM", "info", id="17x50=850: 1 fits"),
        pytest.param(
            18, 900, 0, "reached", "CUMULATIVE_LIMIT_REACHED", "caution", id="18x50=900 at limit"
        ),
        pytest.param(
            19, 950, 0, "exceeded", "CUMULATIVE_LIMIT_EXCEEDED", "blocking", id="19x50=950 past"
        ),
    ],
)
def test_epirubicin_label_limit_edges(
    library: Library,
    cycles: int,
    cumulative: float,
    fit: int,
    status: str,
    code: str,
    severity: str,
) -> None:
    """EOX continued: epirubicin 50 mg/m² a cycle against the 900 mg/m² label limit."""
    report = run(library, course({"regimen": "EOX", "cycles": cycles}))
    epirubicin = limit(report, "epirubicin")
    assert (epirubicin.cumulative, epirubicin.per_cycle) == (cumulative, 50)
    assert (epirubicin.cycles_that_fit, epirubicin.status) == (fit, status)
    warning = next(w for w in report.warnings if w.drug == "epirubicin")
    assert (warning.code, warning.severity) == (code, severity)
    assert report.blocking is (severity == "blocking")


def test_next_cycle_would_pass_the_limit(library: Library) -> None:
    """A first cycle at 50 % then 17 full: 25 + 17 x 50 = 875; the next 50 would pass 900."""
    cycles = [{"dose_level": 50}, *({} for _ in range(17))]
    report = run(library, course({"regimen": "EOX", "cycles": cycles}))
    epirubicin = limit(report, "epirubicin")
    assert (epirubicin.cumulative, epirubicin.cycles_that_fit) == (875, 0)
    warning = next(w for w in report.warnings if w.drug == "epirubicin")
    assert (warning.code, warning.severity) == ("CUMULATIVE_LIMIT_NEXT_CYCLE", "caution")
    assert "the next cycle of EOX (50 mg/m2) would pass the limit" in message(
        warning, kind="course"
    )


@pytest.mark.parametrize(
    ("cycles", "cumulative", "fit", "code"),
    [
        pytest.param(6, 510, 3, "CUMULATIVE_HEADROOM", id="6x85=510: 3 fit (765 <= 842)"),
        pytest.param(8, 680, 1, "CUMULATIVE_HEADROOM", id="8x85=680: 1 fits (765 <= 842)"),
        pytest.param(9, 765, 0, "ADVISORY_THRESHOLD_NEXT_CYCLE", id="9x85=765: 850 would pass"),
        pytest.param(10, 850, 0, "ADVISORY_THRESHOLD_EXCEEDED", id="10x85=850: past 842"),
    ],
)
def test_oxaliplatin_advisory_threshold(
    library: Library, cycles: int, cumulative: float, fit: int, code: str
) -> None:
    """FOLFOX-6: oxaliplatin 85 mg/m² a cycle against the 842 mg/m² advisory threshold.

    842 mg/m²: PROFILES registry (Beijers, Acta Oncol 2014), worse sensory neuropathy
    scores at a cumulative >= 842 mg/m². The old 550 mg/m² (no source) flagged cycle 7.
    """
    report = run(library, course({"regimen": "FOLFOX-6", "cycles": cycles}))
    oxaliplatin = limit(report, "oxaliplatin")
    assert (oxaliplatin.cumulative, oxaliplatin.cycles_that_fit) == (cumulative, fit)
    warning = next(w for w in report.warnings if w.drug == "oxaliplatin")
    assert warning.code == code
    assert warning.severity in {"caution", "info"}  # advisory: never blocking
    assert not report.blocking


def test_oxaliplatin_threshold_is_sourced_and_advisory(library: Library) -> None:
    """The library's figure names its primary source and stays advisory (no label limit)."""
    threshold = library.drug("oxaliplatin").cumulative_limit
    assert threshold is not None
    assert (threshold.kind, threshold.evidence) == ("advisory", "P")
    assert "PROFILES" in threshold.source
    assert "842" in threshold.source
    assert "550" not in threshold.source


@pytest.mark.parametrize(
    ("cumulative", "status"),
    [
        (549.999, "below"),
        (550, "reached"),
        (550.0000000001, "reached"),  # float noise of a sum is not a dose
        (550.000001, "exceeded"),
        (550.1, "exceeded"),
    ],
)
def test_limit_status_at_the_edge(cumulative: float, status: str) -> None:
    """Exactly at a limit is 'reached'; a millionth of a unit past it is 'exceeded'."""
    assert limit_status(cumulative, 550) == status


@pytest.mark.parametrize(
    ("cumulative", "per_cycle", "fit"),
    [
        pytest.param(300, 50, 12, id="(900-300)/50 = 12"),
        pytest.param(850, 50, 1, id="(900-850)/50 = 1"),
        pytest.param(875, 50, 0, id="(900-875)/50 = 0.5 -> 0"),
        pytest.param(900, 50, 0, id="at the limit"),
        pytest.param(950, 50, 0, id="past the limit"),
        pytest.param(0, 7.2, 125, id="900/7.2 = 125 exactly"),
    ],
)
def test_cycles_that_fit(cumulative: float, per_cycle: float, fit: int) -> None:
    """The largest n with cumulative + n x per_cycle <= 900."""
    assert cycles_that_fit(cumulative, 900, per_cycle) == fit


def test_cycles_that_fit_needs_a_positive_dose() -> None:
    """A zero dose a cycle would fit forever: refused."""
    with pytest.raises(ValueError, match="positive"):
        cycles_that_fit(0, 900, 0)


# --- two anthracyclines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratios", "in_epirubicin", "fit", "equivalent"),
    [
        pytest.param(
            None, 600, 6, 480, id="0.8: (240 + 300 x 0.8) / 0.8 = 600; 300/50 = 6; 240+240"
        ),
        pytest.param(
            {"epirubicin": 1}, 540, 7, 540, id="1: (240 + 300) / 1 = 540; 360/50 = 7; 240+300"
        ),
    ],
)
def test_epirubicin_limit_counts_earlier_doxorubicin(
    ratios: dict[str, float] | None, in_epirubicin: float, fit: int, equivalent: float
) -> None:
    """Doxorubicin 4 x 60 = 240 then EOX 6 x 50 = 300: the 900 limit counts both."""
    library = load_library([FIXTURES / "library"], use_env=False)
    report = compute_course(
        library, load_course(FIXTURES / "mixed-anthracyclines.toml"), equivalence=ratios
    )
    epirubicin = limit(report, "epirubicin")
    assert epirubicin.counted == ("doxorubicin", "epirubicin")
    assert (epirubicin.cumulative, epirubicin.cycles_that_fit) == (in_epirubicin, fit)
    assert report.doxorubicin_equivalent_mg_per_m2 == equivalent
    assert report.lines[0].doxorubicin_equivalent_mg_per_m2 == 240


@pytest.mark.parametrize(
    ("ratios", "error", "message"),
    [
        ({"epirubicin": 0}, InputError, "above 0 and at most 20"),
        ({"epirubicin": 25}, InputError, "above 0 and at most 20"),
        ({"doxorubicine": 1}, UnknownNameError, "unknown drug"),
    ],
)
def test_bad_equivalence_ratio(
    library: Library, ratios: dict[str, float], error: type[Exception], message: str
) -> None:
    """A ratio must be a plausible number for a drug of the library."""
    with pytest.raises(error, match=message):
        compute_course(library, load_course(CASE), equivalence=ratios)


# --- measurements, dose levels and dates -------------------------------------------------


def test_cycle_measurements_replace_the_line_s(library: Library) -> None:
    """Cycle 2 weighs 64.8 kg: oxaliplatin 85 x 2.00 + 85 x 1.80 = 170 + 153 = 323 mg."""
    report = run(library, course({"regimen": "FOLFOX-6", "cycles": [{}, {"weight": "64.8 kg"}]}))
    oxaliplatin = total(report, "oxaliplatin")
    assert (oxaliplatin.mg, oxaliplatin.mg_per_m2) == (323, 170)
    assert report.lines[0].bsa_m2 == (2.0, 1.8)


def test_creatinine_replaces_an_earlier_crcl(library: Library) -> None:
    """The patient's CrCl 25 would withhold capecitabine; the line's creatinine replaces it.

    Cockcroft-Gault: (140 − 50) x 80 / (72 x 0.8) x 0.85 = 106.25 mL/min: full dose.
    """
    line = {"regimen": "EOX", "cycles": 1, "creatinine": 0.8, "age": 50, "sex": "F"}
    report = run(library, course(line, crcl=25))
    assert total(report, "capecitabine").cycles == 1
    assert not report.blocking


def test_withheld_drug_makes_the_report_blocking(library: Library) -> None:
    """At CrCl 25 capecitabine is withheld in every cycle: counted 0, the report blocks."""
    report = run(library, course({"regimen": "EOX", "cycles": 2}, crcl=25))
    capecitabine = total(report, "capecitabine")
    assert (capecitabine.mg, capecitabine.mg_per_m2, capecitabine.cycles) == (0, 0, 0)
    assert any(w.code == "CONTRAINDICATED" for w in report.lines[0].sheet_warnings)
    assert report.blocking


def test_dated_cycles_with_a_reduced_dose(library: Library) -> None:
    """JSON file; cycle 3 oxaliplatin at 80 %: 85 + 85 + 68 = 238 mg/m².

    At 170 cm / 70 kg (1.82 m²): 85 x 1.82 = 154.7 → 155 mg twice, 68 x 1.82 = 123.76
    → 124 mg: 155 + 155 + 124 = 434 mg.
    """
    report = compute_course(library, load_course(FIXTURES / "folfox-dated.json"))
    oxaliplatin = total(report, "oxaliplatin")
    assert (oxaliplatin.mg_per_m2, oxaliplatin.mg) == (238, 434)
    assert report.patient_id == "T-1"
    assert str(report.lines[0].start) == "2026-01-05"


def test_zero_cycles_plans_a_line(library: Library) -> None:
    """A last line with 0 cycles given: nothing added, but how many of it would fit."""
    report = run(
        library,
        course({"regimen": "EOX", "cycles": 6}, {"regimen": "FOLFOX-6", "cycles": 0}),
    )
    oxaliplatin = limit(report, "oxaliplatin")
    assert (oxaliplatin.cumulative, oxaliplatin.per_cycle) == (780, 85)
    assert oxaliplatin.current_regimen == "FOLFOX-6"
    assert report.lines[1].drugs == ()


# --- mistakes in a course file -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "unknown-regimen.toml",
            "lines[3].regimen: unknown regimen 'FOLFOXX'; close matches (each not the same "
            "regimen as 'FOLFOXX': check which is meant): FOLFOX-6 (alias mFOLFOX6), ",
            id="unknown regimen",
        ),
        pytest.param(
            "negative-cycles.toml", "lines[2].cycles: cycles must be 0 or more", id="negative"
        ),
        pytest.param(
            "cycle-dates-out-of-order.toml",
            "lines[1].cycles[3].date: 2026-01-12 is not after cycles[2] (2026-01-19)",
            id="cycle dates out of order",
        ),
        pytest.param(
            "lines-out-of-order.toml",
            "lines[3].start: 2013-06-01 is before the last date of lines[2]",
            id="lines out of order",
        ),
        pytest.param("missing-weight.toml", "lines[2].weight: missing", id="missing measurement"),
        pytest.param(
            "implausible-weight.toml",
            "patient.weight: weight 700 kg is outside the accepted adult range",
            id="implausible measurement",
        ),
        pytest.param(
            "unknown-field.toml",
            "lines[1].cyles: unknown field 'cyles'; did you mean 'cycles'?",
            id="misspelt field",
        ),
        pytest.param("invalid.toml", "invalid TOML", id="invalid TOML"),
    ],
)
def test_broken_course_files(library: Library, name: str, message: str) -> None:
    """Each mistake names the file, the line of therapy and the field."""
    path = FIXTURES / "broken" / name
    with pytest.raises(InputError) as raised:
        compute_course(library, load_course(path), source=str(path))
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param({"cycles": 2.5}, "lines[1].cycles: cycles must be a whole number", id="2.5"),
        pytest.param({"cycles": True}, "lines[1].cycles", id="true"),
        pytest.param({"cycles": 500}, "at most 200", id="500"),
        pytest.param({"cycles": 1, "dose_level": 0}, "lines[1].dose_level", id="level 0"),
        pytest.param(
            {"cycles": 1, "drug_dose_levels": {"aspirin": 50}},
            "lines[1].drug_dose_levels: unknown drug 'aspirin'",
            id="unknown drug level",
        ),
        pytest.param(
            {"cycles": 1, "drug_dose_levels": {"docetaxel": 50}},
            "lines[1].drug_dose_levels: drug dose level for 'docetaxel'",
            id="drug not in regimen",
        ),
        pytest.param(
            {"cycles": [{}, {"drug_dose_levels": {"aspirin": 50}}]},
            "lines[1].cycles[2].drug_dose_levels",
            id="cycle drug level",
        ),
        pytest.param(
            {"cycles": 1, "with": ["ZOLEDRONIC-ACID"]},
            "lines[1].with: ZOLEDRONIC-ACID has no schedule for use with EOX",
            id="supportive without schedule",
        ),
        pytest.param(
            {"cycles": 1, "with": ["ZOLEDRONATE-X"]}, "lines[1].with: unknown regimen", id="with"
        ),
        pytest.param(
            {"cycles": [{"date": "2026-13-01"}]}, "lines[1].cycles[1].date", id="bad date"
        ),
        pytest.param(
            {"cycles": 1, "start": "2026-02-01", "end": "2026-01-01"},
            "lines[1].end: 2026-01-01 is before the start 2026-02-01",
            id="end before start",
        ),
    ],
)
def test_mistakes_name_the_line_and_field(
    library: Library, line: dict[str, Any], message: str
) -> None:
    """Mistakes inside a line: the message names lines[N] and the field."""
    with pytest.raises(InputError, match=r"^course: ") as raised:
        run(library, course({"regimen": "EOX", **line}))
    assert message in str(raised.value)


def test_no_lines_is_refused() -> None:
    """A course without a line of therapy says so."""
    with pytest.raises(InputError, match="lines"):
        parse_course({"patient": {"height": 170, "weight": 70}, "lines": []})


@pytest.mark.parametrize(
    ("name", "message"),
    [("course.yaml", "is .toml or .json"), ("absent.toml", "no such file")],
)
def test_file_kinds(tmp_path: Path, name: str, message: str) -> None:
    """Only .toml and .json are read; a missing file is named."""
    path = tmp_path / name
    if name.endswith(".yaml"):
        path.write_text("lines: []", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_course(path)


# --- schema and catalogues ---------------------------------------------------------------


def test_checked_in_schema_is_current() -> None:
    """docs/course.schema.json equals course_json_schema() (regenerate it when stale)."""
    checked_in = json.loads((ROOT / "docs" / "course.schema.json").read_text(encoding="utf-8"))
    assert checked_in == course_json_schema(), (
        "docs/course.schema.json is stale: regenerate it with python -c "
        '"import json; from regimens._read.course import course_json_schema; '
        'print(json.dumps(course_json_schema(), indent=2, ensure_ascii=False))" '
        "> docs/course.schema.json"
    )


@pytest.mark.parametrize(
    "path",
    [
        CASE,
        FIXTURES / "folfox-dated.json",
        FIXTURES / "mixed-anthracyclines.toml",
        FIXTURES / "epirubicin-19-cycles.toml",
    ],
    ids=lambda p: p.name,
)
def test_course_files_validate_against_the_schema(path: Path) -> None:
    """The example and fixture files are valid by the published schema (dates as text)."""
    import tomllib

    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    jsonschema.validate(json.loads(json.dumps(data, default=str)), course_json_schema())


def test_schema_refuses_negative_cycles() -> None:
    """The schema says what the loader says: cycles is a count >= 0 or a list."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"lines": [{"regimen": "EOX", "cycles": -1}]}, course_json_schema())


@pytest.mark.parametrize("code", sorted(COURSE_WARNING_CODES))
def test_warning_codes_have_texts_and_docs(code: str) -> None:
    """Every course warning has English and French text and is listed in docs/course.md."""
    for lang in LANGUAGES:
        texts = [key for key in catalogue(lang).TEXTS if key.split("/")[0] == f"course.{code}"]
        assert texts
    assert f"`{code}`" in (ROOT / "docs" / "course.md").read_text(encoding="utf-8")


@settings(max_examples=25, deadline=None)
@given(
    height=st.floats(min_value=140, max_value=200),
    weight=st.floats(min_value=40, max_value=130),
    cycles=st.integers(min_value=0, max_value=4),
)
def test_mg_per_m2_does_not_depend_on_the_patient(
    height: float, weight: float, cycles: int
) -> None:
    """FOLFOX-6 x n: oxaliplatin n x 85 mg/m² and 5-FU n x 2800 mg/m², whatever the size."""
    library = load_library(use_env=False)
    data = {
        "patient": {"height": height, "weight": weight},
        "lines": [{"regimen": "FOLFOX-6", "cycles": cycles}],
    }
    report = compute_course(library, parse_course(data))
    amounts = {item.drug: item.mg_per_m2 for item in report.totals}
    if cycles:
        assert amounts == {
            "oxaliplatin": 85 * cycles,
            "folinic acid": 400 * cycles,
            "fluorouracil": 2800 * cycles,
        }
    assert limit(report, "oxaliplatin").cumulative == 85 * cycles


@pytest.mark.parametrize(
    ("cumulative", "limit", "per_cycle", "fit"),
    [
        # 1 mg/m2 left at 0.5 mg/m2 a cycle: 1 / 0.5 = 2 cycles (a dose under 1 is a dose).
        pytest.param(0.0, 1.0, 0.5, 2, id="per-cycle dose under 1"),
        # 0.5 left at 0.25 a cycle: 2 cycles; less than 1 left is not "nothing left".
        pytest.param(899.5, 900.0, 0.25, 2, id="less than 1 left"),
    ],
)
def test_cycles_that_fit_with_small_amounts(
    cumulative: float, limit: float, per_cycle: float, fit: int
) -> None:
    """Fractions of a mg/m2 count: remaining / per-cycle, floored (worked by hand)."""
    assert cycles_that_fit(cumulative, limit, per_cycle) == fit


# --- limits in mg and drugs dosed per kg (a user library; issue 9's surviving mutants) ---

_FIXTURE_DRUGS = """
# Test fixture: made-up drugs and limits; not for clinical use.
[[drug]]
inn = "kilomab"
sources = ["Test fixture only."]
[drug.cumulative_limit]
limit = "{kilomab_limit}"
source = "Test fixture only."

[[drug]]
inn = "flatomycin"
sources = ["Test fixture only."]
[drug.cumulative_limit]
limit = "600 mg"
source = "Test fixture only."
"""

_FIXTURE_REGIMEN = """
# Test fixture: a made-up regimen; not for clinical use.
id = "FIXTURE-KG"
name = "Kilomab 2 mg/kg and flatomycin 100 mg/m2 every 21 days (test fixture)"
description = "Test fixture for limits in mg and per-kg doses."
setting = "Tests only."
cycle_length_days = 21

[[references]]
citation = "Test fixture: no clinical source."

[[components]]
drug = "kilomab"
dose = "2 mg/kg"
days = "1"
route = "IV"
method = "infusion"
duration = "1 h"
order = 1
source = "Test fixture"

[[components]]
drug = "flatomycin"
dose = "100 mg/m2"
days = "1"
route = "IV"
method = "infusion"
duration = "1 h"
order = 2
source = "Test fixture"
"""


def _fixture_library(tmp_path: Path, kilomab_limit: str) -> Library:
    (tmp_path / "drugs.toml").write_text(
        _FIXTURE_DRUGS.format(kilomab_limit=kilomab_limit), encoding="utf-8"
    )
    (tmp_path / "fixture-kg.toml").write_text(_FIXTURE_REGIMEN, encoding="utf-8")
    return load_library([tmp_path], use_env=False)


def _fixture_course(cycles: int) -> Any:
    # 170 cm, 70 kg: Mosteller √(170 × 70 / 3600) = 1.8181 → 1.82 m².
    return parse_course(
        {
            "patient": {"height": "170 cm", "weight": "70 kg"},
            "lines": [{"regimen": "FIXTURE-KG", "cycles": cycles}],
        }
    )


def test_limit_in_mg_sums_milligrams(tmp_path: Path) -> None:
    """Limits in mg count mg (worked by hand, 170 cm / 70 kg, BSA 1.82 m², 3 cycles).

    kilomab 2 mg/kg × 70 kg = 140 mg a cycle, 420 mg in 3; limit 1000 mg: 580 left,
    floor(580 / 140) = 4 more cycles. flatomycin 100 mg/m² × 1.82 = 182 mg a cycle,
    546 mg in 3; limit 600 mg: 54 left, 0 more cycles.
    """
    report = compute_course(_fixture_library(tmp_path, "1000 mg"), _fixture_course(3))
    kilomab, flatomycin = limit(report, "kilomab"), limit(report, "flatomycin")
    assert (kilomab.unit, kilomab.cumulative, kilomab.remaining) == ("mg", 420, 580)
    assert (kilomab.per_cycle, kilomab.cycles_that_fit, kilomab.status) == (140, 4, "below")
    assert (flatomycin.unit, flatomycin.cumulative, flatomycin.remaining) == ("mg", 546, 54)
    assert (flatomycin.per_cycle, flatomycin.cycles_that_fit) == (182, 0)
    totals = {item.drug: (item.mg, item.mg_per_m2) for item in report.totals}
    # A drug dosed per kg has no mg/m² total: it would be mg/kg mislabelled.
    assert totals == {"kilomab": (420, None), "flatomycin": (546, 300)}


def test_limit_in_mg_exceeded_is_reported(tmp_path: Path) -> None:
    """4 cycles of flatomycin: 4 × 182 = 728 mg, past 600 mg (by hand)."""
    report = compute_course(_fixture_library(tmp_path, "1000 mg"), _fixture_course(4))
    flatomycin = limit(report, "flatomycin")
    assert (flatomycin.cumulative, flatomycin.status) == (728, "exceeded")
    assert any(w.code == "CUMULATIVE_LIMIT_EXCEEDED" for w in report.warnings)


@pytest.mark.parametrize(
    ("kilomab_limit", "unit"),
    [
        pytest.param("300 mg/m2", "mg/m2", id="per-kg drug, limit per m2"),
        pytest.param("30 mg/kg", "mg/kg", id="limit per kg"),
    ],
)
def test_limit_that_cannot_be_checked_is_refused(
    tmp_path: Path, kilomab_limit: str, unit: str
) -> None:
    """A limit per m² of a drug dosed per kg, or a limit per kg, is refused, not guessed."""
    library = _fixture_library(tmp_path, kilomab_limit)
    with pytest.raises(InputError) as caught:
        compute_course(library, _fixture_course(3))
    assert str(caught.value) == (
        f"the cumulative limit of kilomab is in {unit}: it can be checked only when "
        "kilomab is dosed per m2 in every line of the course (limits in mg/m2 or mg are "
        "supported)"
    )
    assert caught.value.field == "cumulative_limit"


def test_limit_of_a_million_mg_is_written_in_full(tmp_path: Path) -> None:
    """Amounts of 10^6 and more are written whole ("1000000"), not "1e+06".

    kilomab 140 mg a cycle, 3 cycles: 420 of 1 000 000 mg, 0.042 % → "0";
    (1 000 000 − 420) / 140 = 7139.9 → 7139 more cycles.
    """
    report = compute_course(_fixture_library(tmp_path, "1000000 mg"), _fixture_course(3))
    warning = next(w for w in report.warnings if w.drug == "kilomab")
    assert message(warning, kind="course") == (
        "kilomab: 420 of 1000000 mg (0% of the limit); 7139 more cycle(s) of FIXTURE-KG fit"
    )


def test_limit_per_m2_of_a_per_kg_drug_in_a_planned_line(tmp_path: Path) -> None:
    """0 cycles given: nothing to sum, but the planned cycle's per-kg dose is refused too."""
    library = _fixture_library(tmp_path, "300 mg/m2")
    with pytest.raises(InputError) as caught:
        compute_course(library, _fixture_course(0))
    assert str(caught.value).startswith(
        "the cumulative limit of kilomab is in mg/m2: it can be checked only when kilomab "
    )


def test_remaining_at_a_limit_with_more_decimals_is_not_negative_zero(tmp_path: Path) -> None:
    """A limit of 419.9999999 mg, 420 mg given: equal to 6 decimals, so 'reached' and 0 left.

    420 − 419.9999999 = 1e-7 rounds to 0 at 6 decimals; the remaining amount is +0.0
    (written "0.0" in JSON), not -0.0.
    """
    report = compute_course(_fixture_library(tmp_path, "419.9999999 mg"), _fixture_course(3))
    kilomab = limit(report, "kilomab")
    assert (kilomab.cumulative, kilomab.status, kilomab.remaining) == (420, "reached", 0)
    assert math.copysign(1.0, kilomab.remaining) == 1.0
    assert '"remaining":0.0,' in report.model_dump_json()


# --- a Course built without the reader; the report holds no prose ------------------------


def test_course_built_without_the_reader_takes_numbers(library: Library) -> None:
    """Course.model_validate (no reader) keeps numbers as given, in the default units:
    the same doses as the file read by parse_course."""
    from regimens._models.course import Course

    data = course({"regimen": "EOX", "cycles": 2})
    direct = compute_course(library, Course.model_validate(data))
    assert direct.totals == run(library, data).totals


@pytest.mark.parametrize(
    ("patient", "message", "field"),
    [
        pytest.param(
            {"height": "160 cm", "weight": 60},
            "course: lines[1].height: '160 cm' is a text: read course files with "
            "parse_course or load_course, which read units",
            "lines[1].height",
            id="a text with a unit is not guessed",
        ),
        pytest.param(
            {"height": 160, "weight": 700},
            "course: lines[1].weight: weight 700 kg is outside the accepted adult range 25–350 kg",
            "lines[1].weight",
            id="an implausible number is refused when computed",
        ),
    ],
)
def test_course_built_without_the_reader_is_checked(
    library: Library, patient: dict[str, Any], message: str, field: str
) -> None:
    """Without the reader, the calculator refuses what it cannot use, naming the field."""
    from regimens._models.course import Course

    data = {"patient": patient, "lines": [{"regimen": "EOX", "cycles": 1}]}
    with pytest.raises(InputError) as caught:
        compute_course(library, Course.model_validate(data))
    assert str(caught.value).startswith(message)
    assert caught.value.field == field


def test_report_holds_codes_not_sentences(case: CourseReport) -> None:
    """Warnings and notes are codes with their values; the words are the renderers'."""
    assert case.notes == ("mg_m2", "mg", "equivalent", "current", "record", "rdi")
    assert all("message" not in type(w).model_fields for w in case.warnings)
    assert case.provenance.options.bsa_formula == "mosteller"
    with pytest.raises(TypeError):
        case.drug_names["epirubicin"]["fr"] = "x"

"""Cumulative doses: warnings' exact texts, which measurements apply, ratios, user libraries.

Worked by hand with Mosteller, BSA to 2 decimals: 180 cm / 80 kg → √4 = 2.00 m².
Limits from regimen_library/drugs.toml: epirubicin 900 mg/m² (label limit, evidence V),
oxaliplatin 550 mg/m² (advisory, evidence P). FOLFOX-6: oxaliplatin 85 mg/m² a cycle;
EOX: epirubicin 50, oxaliplatin 130 mg/m² a cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regimens._calc.course import compute_course
from regimens._errors import InputError
from regimens._models.course import CourseReport, EquivalenceRatio
from regimens._read.course import parse_course
from regimens._read.library import Library, load_library
from regimens._render.messages import message


def course(*lines: dict[str, Any], **patient: Any) -> dict[str, Any]:
    return {"patient": {"height": 180, "weight": 80, "crcl": 80, **patient}, "lines": list(lines)}


def run(library: Library, data: dict[str, Any], **options: Any) -> CourseReport:
    return compute_course(library, parse_course(data), **options)


def warning_of(report: CourseReport, drug: str) -> Any:
    return next(w for w in report.warnings if w.drug == drug)


def refused(library: Library, data: dict[str, Any], **options: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        run(library, data, **options)
    return caught.value


# --- which measurements and options a sheet uses -----------------------------------------


def test_crcl_of_a_line_replaces_the_patients_creatinine(library: Library) -> None:
    """The patient's creatinine gives 106 mL/min; the line's CrCl 25 replaces it.

    Cockcroft-Gault (140 − 50) × 80 / (72 × 0.8) × 0.85 = 106.25 mL/min would give
    capecitabine in full; at CrCl 25 (< 30) it is withheld in both cycles (SmPC), so it
    counts 0 mg in 0 cycles and the report blocks (oxaliplatin is withheld too: EU SmPC,
    contraindicated below 30).
    """
    line = {"regimen": "EOX", "cycles": 2, "crcl": 25}
    data = course(line)
    data["patient"] = {"height": 180, "weight": 80, "creatinine": 0.8, "age": 50, "sex": "F"}
    report = run(library, data)
    capecitabine = next(item for item in report.totals if item.drug == "capecitabine")
    assert (capecitabine.mg, capecitabine.cycles) == (0, 0)
    assert [(w.code, w.drug) for w in report.lines[0].sheet_warnings] == [
        ("CONTRAINDICATED", "oxaliplatin"),
        ("CONTRAINDICATED", "capecitabine"),
    ]
    assert report.blocking


def test_line_warnings_are_the_distinct_warnings_of_its_cycles(library: Library) -> None:
    """CrCl 40, 40 then 25: capecitabine reduced (30–50 mL/min) twice, then withheld (< 30).

    The line lists each distinct warning once, in the order met: the reduction, then
    the contraindications (oxaliplatin's, EU SmPC < 30, then capecitabine's).
    """
    cycles = [{"crcl": 40}, {"crcl": 40}, {"crcl": 25}]
    report = run(library, course({"regimen": "EOX", "cycles": cycles}))
    assert [(w.code, w.drug) for w in report.lines[0].sheet_warnings] == [
        ("RENAL_ADJUSTED", "capecitabine"),
        ("CONTRAINDICATED", "oxaliplatin"),
        ("CONTRAINDICATED", "capecitabine"),
    ]


def test_course_bsa_formula_is_used_for_every_sheet(library: Library) -> None:
    """bsa_formula = "dubois" at 160 cm / 60 kg: 0.007184 × 60^0.425 × 160^0.725 = 1.62 m².

    (Mosteller would give √(160 × 60 / 3600) = 1.633 → 1.63 m².) Epirubicin 50 mg/m²
    counts 50 mg/m² whatever the BSA.
    """
    data = course({"regimen": "EOX", "cycles": 1}, height=160, weight=60)
    data["bsa_formula"] = "dubois"
    report = run(library, data)
    assert report.lines[0].bsa_m2 == (1.62,)
    assert report.bsa_formula == "dubois"


def test_line_start_is_its_first_cycle_date(library: Library) -> None:
    """A line without start begins on its first dated cycle (2026-03-02)."""
    cycles = [{"date": "2026-03-02"}, {"date": "2026-03-16"}]
    report = run(library, course({"regimen": "FOLFOX-6", "cycles": cycles}))
    assert report.lines[0].start is not None
    assert report.lines[0].start.isoformat() == "2026-03-02"
    assert report.lines[0].end is None


def test_planned_cycle_is_the_next_one(library: Library) -> None:
    """0 cycles of FOLFOX-6 with zoledronic acid (every 2nd cycle from cycle 1, day 1).

    The cycle planned is cycle 1, which has zoledronic acid: its French name is among
    the report's drug names although nothing has been given yet. (Cycle 2 would not.)
    """
    line = {"regimen": "FOLFOX-6", "cycles": 0, "with": ["ZOLEDRONIC-ACID"]}
    report = run(library, course(line))
    assert report.totals == ()
    assert report.drug_names["zoledronic acid"] == {"fr": "acide zolédronique"}


# --- errors raised while the sheets are computed -----------------------------------------


def test_missing_weight_names_the_field(library: Library) -> None:
    """The second line has no weight (none in [patient] either): lines[2].weight."""
    data = course({"regimen": "EOX", "cycles": 1, "weight": 70}, {"regimen": "EOX", "cycles": 1})
    del data["patient"]["weight"]
    error = refused(library, data)
    assert str(error) == (
        "course: lines[2].weight: missing: give the weight the doses were computed from, "
        "in [patient], in the line or in each of its cycles"
    )
    assert error.field == "lines[2].weight"


def test_missing_weight_of_a_planned_line(library: Library) -> None:
    """A last line of 0 cycles is still computed (the planned cycle): lines[2].weight."""
    data = course({"regimen": "EOX", "cycles": 1, "weight": 70}, {"regimen": "EOX", "cycles": 0})
    del data["patient"]["weight"]
    error = refused(library, data)
    assert str(error).startswith("course: lines[2].weight: missing: ")
    assert error.field == "lines[2].weight"


def test_sheet_error_names_the_line(library: Library) -> None:
    """Creatinine without age and sex: Cockcroft-Gault cannot be computed; field lines[1]."""
    data = course({"regimen": "EOX", "cycles": 1})
    data["patient"] = {"height": 170, "weight": 70, "creatinine": 0.8}
    error = refused(library, data)
    assert str(error) == (
        "course: lines[1]: Cockcroft-Gault CrCl from creatinine needs the patient's age, sex"
    )
    assert error.field == "lines[1]"


def test_unknown_regimen_names_the_field(library: Library) -> None:
    """An unknown regimen: field lines[1].regimen."""
    error = refused(library, course({"regimen": "FOLFOXX", "cycles": 1}))
    assert str(error).startswith("course: lines[1].regimen: unknown regimen 'FOLFOXX'")
    assert error.field == "lines[1].regimen"


# --- warnings: codes, exact texts, order -------------------------------------------------


def test_fractional_mg_per_m2_are_kept(library: Library) -> None:
    """Oxaliplatin at 75 %: 85 × 0.75 = 63.75 mg/m² a cycle, 127.5 in 2 cycles.

    Against the 842 mg/m² advisory threshold (PROFILES): (842 − 127.5) / 63.75 = 11.2 → 11
    more cycles (127.5 + 11 × 63.75 = 828.75 ≤ 842); 127.5 / 842 = 15.1 % → "15".
    """
    line = {"regimen": "FOLFOX-6", "cycles": 2, "drug_dose_levels": {"oxaliplatin": 75}}
    report = run(library, course(line))
    oxaliplatin = next(item for item in report.limits if item.drug == "oxaliplatin")
    assert (oxaliplatin.cumulative, oxaliplatin.per_cycle) == (127.5, 63.75)
    assert (oxaliplatin.remaining, oxaliplatin.cycles_that_fit) == (714.5, 11)
    warning = warning_of(report, "oxaliplatin")
    assert message(warning, kind="course") == (
        "oxaliplatin: 127.5 of 842 mg/m2 (15% of the advisory threshold); "
        "11 more cycle(s) of FOLFOX-6 fit"
    )
    assert warning.params == {
        "drug": "oxaliplatin",
        "cumulative": "127.5",
        "limit": "842",
        "unit": "mg/m2",
        "regimen": "FOLFOX-6",
        "percent": "15",
        "variant": "advisory",
        "cycles": "11",
    }


def test_advisory_drug_not_in_the_current_line(library: Library) -> None:
    """FOLFOX-6 × 2 then docetaxel: oxaliplatin 2 × 85 = 170 of 842 (20.2 % → 20)."""
    report = run(
        library,
        course({"regimen": "FOLFOX-6", "cycles": 2}, {"regimen": "DOCETAXEL", "cycles": 1}),
    )
    warning = warning_of(report, "oxaliplatin")
    assert (warning.code, warning.severity) == ("CUMULATIVE_HEADROOM", "info")
    assert message(warning, kind="course") == (
        "oxaliplatin: 170 of 842 mg/m2 (20% of the advisory threshold); not given in the "
        "current line (DOCETAXEL)"
    )
    assert warning.params["variant"] == "advisory_not_in_line"


def test_limits_carry_their_evidence(library: Library) -> None:
    """The evidence grade of each limit is drugs.toml's: epirubicin V, oxaliplatin P."""
    report = run(library, course({"regimen": "EOX", "cycles": 1}))
    evidence = {item.drug: (item.kind, item.evidence) for item in report.limits}
    assert evidence == {"epirubicin": ("limit", "V"), "oxaliplatin": ("advisory", "P")}


@pytest.fixture(scope="module")
def past_both(library: Library) -> CourseReport:
    """FOLFOX-6 × 1 then EOX × 19: oxaliplatin 85 + 19 × 130 = 2555; epirubicin 19 × 50 = 950."""
    return run(
        library, course({"regimen": "FOLFOX-6", "cycles": 1}, {"regimen": "EOX", "cycles": 19})
    )


def test_blocking_warning_comes_first(past_both: CourseReport) -> None:
    """Oxaliplatin's limit is met first, but the blocking epirubicin warning is listed first."""
    assert [item.drug for item in past_both.limits] == ["oxaliplatin", "epirubicin"]
    assert [(w.severity, w.code) for w in past_both.warnings] == [
        ("blocking", "CUMULATIVE_LIMIT_EXCEEDED"),
        ("caution", "ADVISORY_THRESHOLD_EXCEEDED"),
    ]
    assert message(past_both.warnings[0], kind="course") == (
        "epirubicin: cumulative dose 950 mg/m2 is above the limit of 900 mg/m2: any "
        "further dose needs a documented decision"
    )


@pytest.mark.parametrize(
    ("lang", "drug_name", "expected"),
    [
        pytest.param(
            "fr",
            "épirubicine",
            "épirubicine : dose cumulée de 950 mg/m2, au-delà de la limite de 900 mg/m2 : "
            "toute nouvelle dose demande une décision documentée",
            id="French with the French drug name",
        ),
        pytest.param(
            "de",
            None,
            "epirubicin: cumulative dose 950 mg/m2 is above the limit of 900 mg/m2: any "
            "further dose needs a documented decision",
            id="a language without texts falls back to English",
        ),
    ],
)
def test_warning_text_in_another_language(
    past_both: CourseReport, lang: str, drug_name: str | None, expected: str
) -> None:
    """A course warning worded from its params (as the table and Markdown do)."""
    warning = past_both.warnings[0]
    if drug_name is not None:
        assert past_both.drug_names[warning.drug or ""][lang] == drug_name
    words = message(warning, lang, kind="course", drug_names=past_both.drug_names)
    assert words == expected


# --- doxorubicin equivalence -------------------------------------------------------------


def test_course_without_anthracycline_has_no_equivalent(library: Library) -> None:
    """FOLFOX-6 has no anthracycline: no doxorubicin-equivalent figure (None, not 0)."""
    report = run(library, course({"regimen": "FOLFOX-6", "cycles": 2}))
    assert report.lines[0].doxorubicin_equivalent_mg_per_m2 is None
    assert report.doxorubicin_equivalent_mg_per_m2 is None


def test_equivalent_total_counts_an_anthracycline_listed_after_other_drugs(
    library: Library,
) -> None:
    """FOLFOX-6 × 2 then EOX × 3: the course's drugs start with oxaliplatin, and the
    epirubicin after them still counts: 3 × 50 mg/m² × 0.8 (Feijen 2019) = 120."""
    report = run(
        library, course({"regimen": "FOLFOX-6", "cycles": 2}, {"regimen": "EOX", "cycles": 3})
    )
    assert report.totals[0].drug == "oxaliplatin"
    assert [line.doxorubicin_equivalent_mg_per_m2 for line in report.lines] == [None, 120]
    assert report.doxorubicin_equivalent_mg_per_m2 == 120


@pytest.mark.parametrize(
    "ratio",
    [pytest.param(True, id="true"), pytest.param(20.5, id="20.5"), pytest.param(21, id="21")],
)
def test_equivalence_ratio_out_of_range(library: Library, ratio: float) -> None:
    """A ratio is a number above 0 and at most 20; a boolean is not a number."""
    error = refused(
        library, course({"regimen": "EOX", "cycles": 1}), equivalence={"epirubicin": ratio}
    )
    assert str(error) == (
        f"equivalence epirubicin={ratio}: a doxorubicin-equivalence ratio is a number "
        "above 0 and at most 20 (e.g. epirubicin=0.8 or epirubicin=1)"
    )
    assert error.field == "equivalence"


def test_equivalence_ratio_of_20_is_accepted(library: Library) -> None:
    """The largest ratio accepted: EOX × 2, 2 × 50 × 20 = 2000 doxorubicin-equivalent mg/m²."""
    report = run(library, course({"regimen": "EOX", "cycles": 2}), equivalence={"epirubicin": 20})
    assert report.doxorubicin_equivalent_mg_per_m2 == 2000


# --- user libraries: anthracyclines without a ratio, or not dosed per m2 -------------------

_DRUGS = """
# Test fixture: a made-up anthracycline; not for clinical use.
[[drug]]
inn = "testorubicin"
sources = ["Test fixture only."]
{ratio}
"""

_RATIO = """
[drug.doxorubicin_equivalence]
ratio = 1.0
source = "Test fixture only."
"""

_REGIMEN = """
# Test fixture: a made-up regimen; not for clinical use.
id = "{id}"
name = "{name} every 21 days (test fixture)"
description = "Test fixture for anthracyclines in a user library."
setting = "Tests only."
cycle_length_days = 21

[[references]]
citation = "Test fixture: no clinical source."
"""

_COMPONENT = """
[[components]]
drug = "{drug}"
dose = "{dose}"
days = "1"
route = "IV"
method = "bolus"
order = {order}
source = "Test fixture"
"""


def _library(tmp_path: Path, *, ratio: bool, regimens: dict[str, list[tuple[str, str]]]) -> Library:
    (tmp_path / "drugs.toml").write_text(
        _DRUGS.format(ratio=_RATIO if ratio else ""), encoding="utf-8"
    )
    for regimen_id, components in regimens.items():
        name = " and ".join(f"{drug} {dose}" for drug, dose in components)
        text = _REGIMEN.format(id=regimen_id, name=name) + "".join(
            _COMPONENT.format(drug=drug, dose=dose, order=order)
            for order, (drug, dose) in enumerate(components, start=1)
        )
        (tmp_path / f"{regimen_id.lower()}.toml").write_text(text, encoding="utf-8")
    return load_library([tmp_path], use_env=False)


def test_equivalence_for_an_anthracycline_without_a_library_ratio(tmp_path: Path) -> None:
    """--equivalence testorubicin=0.5 where drugs.toml gives none: 4 × 60 × 0.5 = 120."""
    library = _library(tmp_path, ratio=False, regimens={"TESTO": [("testorubicin", "60 mg/m2")]})
    report = run(
        library, course({"regimen": "TESTO", "cycles": 4}), equivalence={"testorubicin": 0.5}
    )
    assert report.equivalence == (
        EquivalenceRatio(
            drug="testorubicin",
            ratio=0.5,
            source="--equivalence",
            from_option=True,
            library_ratio=None,
        ),
    )
    assert report.doxorubicin_equivalent_mg_per_m2 == 120


@pytest.mark.parametrize(
    ("regimen", "drug", "dose"),
    [
        pytest.param("TESTO-KG", "testorubicin", "1 mg/kg", id="another anthracycline per kg"),
        pytest.param("EPI-FLAT", "epirubicin", "90 mg", id="epirubicin itself as a flat dose"),
    ],
)
def test_anthracycline_not_dosed_per_m2_is_refused(
    tmp_path: Path, regimen: str, drug: str, dose: str
) -> None:
    """Epirubicin's 900 mg/m² limit counts every anthracycline in mg/m²: a dose per kg or
    a flat dose has no mg/m², so the limit cannot be checked. It was counted as 0 before
    (issue 9: a 4-cycle per-kg anthracycline then EOX showed epirubicin at 300 of 900).
    """
    library = _library(tmp_path, ratio=True, regimens={regimen: [(drug, dose)]})
    data = course({"regimen": regimen, "cycles": 4}, {"regimen": "EOX", "cycles": 6})
    error = refused(library, data)
    assert str(error) == (
        "the cumulative limit of epirubicin in mg/m2 counts every anthracycline of the "
        f"course: it can be checked only when {drug} is dosed per m2 in every line of the "
        "course"
    )
    assert error.field == "cumulative_limit"


def test_anthracycline_per_kg_in_the_planned_cycle_is_refused(tmp_path: Path) -> None:
    """EOX × 6, then 0 cycles of epirubicin 50 mg/m² with testorubicin 1 mg/kg: the planned
    cycle's testorubicin has no mg/m² to add to epirubicin's per-cycle dose; refused."""
    components = [("epirubicin", "50 mg/m2"), ("testorubicin", "1 mg/kg")]
    library = _library(tmp_path, ratio=True, regimens={"EPI-TESTO": components})
    data = course({"regimen": "EOX", "cycles": 6}, {"regimen": "EPI-TESTO", "cycles": 0})
    error = refused(library, data)
    assert str(error) == (
        "the cumulative limit of epirubicin in mg/m2 counts every anthracycline of the "
        "course: it can be checked only when testorubicin is dosed per m2 in every line "
        "of the course"
    )


_TWO_DRUGS = """
# Test fixture: two made-up anthracyclines without limits; not for clinical use.
[[drug]]
inn = "testorubicin"
sources = ["Test fixture only."]

[drug.doxorubicin_equivalence]
ratio = 1.0
source = "Test fixture only."

[[drug]]
inn = "otherubicin"
sources = ["Test fixture only."]

[drug.doxorubicin_equivalence]
ratio = 1.0
source = "Test fixture only."
"""


def test_equivalent_total_is_not_a_partial_sum(tmp_path: Path) -> None:
    """With an anthracycline dosed per kg and no limit to refuse the course, the
    doxorubicin-equivalent total is not shown (null) rather than summed without it.

    Testorubicin (ratio 1) 60 mg/m² × 2 cycles is 120 mg/m² of doxorubicin. Given with
    otherubicin 1 mg/kg (ratio 1, no mg/m²), the line's and the course's totals are
    unknown, not 120 (which they were before: the per-kg drug was left out).
    """
    (tmp_path / "drugs.toml").write_text(_TWO_DRUGS, encoding="utf-8")
    regimens = {
        "TESTO": [("testorubicin", "60 mg/m2")],
        "BOTH": [("testorubicin", "60 mg/m2"), ("otherubicin", "1 mg/kg")],
    }
    for regimen_id, components in regimens.items():
        text = _REGIMEN.format(id=regimen_id, name=regimen_id) + "".join(
            _COMPONENT.format(drug=drug, dose=dose, order=order)
            for order, (drug, dose) in enumerate(components, start=1)
        )
        (tmp_path / f"{regimen_id.lower()}.toml").write_text(text, encoding="utf-8")
    library = load_library([tmp_path], use_env=False)
    alone = run(library, course({"regimen": "TESTO", "cycles": 2}))
    assert [line.doxorubicin_equivalent_mg_per_m2 for line in alone.lines] == [120]
    assert alone.doxorubicin_equivalent_mg_per_m2 == 120
    both = run(library, course({"regimen": "BOTH", "cycles": 2}))
    amounts = {a.drug: (a.mg_per_m2, a.doxorubicin_equivalent_mg_per_m2) for a in both.totals}
    assert amounts == {"testorubicin": (120, 120), "otherubicin": (None, None)}
    assert [line.doxorubicin_equivalent_mg_per_m2 for line in both.lines] == [None]
    assert both.doxorubicin_equivalent_mg_per_m2 is None

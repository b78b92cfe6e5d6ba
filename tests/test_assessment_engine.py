"""The treatment-day assessment engine (issue 18): the readers of labs and rules, the
three-valued evaluation of a rule's condition, and the ceilings it puts on doses.

Values are worked by hand from the sources named in each test; the rules themselves
(thresholds, levels) are checked against their labels in tests/test_assessment_rules.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from regimens._calc.assessment import evaluate_when
from regimens._calc.dosing import compute_sheet
from regimens._errors import InputError
from regimens._models.assessment import AssessmentInputs, When
from regimens._models.options import SheetOptions
from regimens._read.assessment import (
    make_assessment_inputs,
    parse_lab,
    parse_occurrence,
    parse_toxicity,
    parse_ugt1a1,
)
from regimens._read.assessment_when import parse_when
from regimens._read.library import load_library
from regimens._read.patient import make_patient

DAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def library():
    return load_library(use_env=False)


# --- labs as written ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Bilirubin: 1 mg/dL = 17.1 µmol/L (molar mass 584.66 g/mol): 34.2 / 17.1 = 2.0.
        ("bilirubin=34.2 umol/L", 2.0),
        ("bilirubin=34.2 µmol/L", 2.0),
        ("bilirubin=2.3 mg/dL", 2.3),
        # Creatinine: 88.4 µmol/L per mg/dL: 176.8 / 88.4 = 2.0.
        ("creatinine=176.8 umol/L", 2.0),
        # Counts: 1500/mm³ = 1500 × 10⁶/L = 1.5 × 10⁹/L; G/L (French) is 10⁹/L.
        ("anc=1500/mm3", 1.5),
        ("anc=1.2", 1.2),
        ("platelets=85 G/L", 85.0),
        ("platelets=85000 /uL", 85.0),
        # Haemoglobin: 95 g/L = 9.5 g/dL.
        ("hemoglobin=95 g/L", 9.5),
        ("ast=120 U/L", 120.0),
        ("ast=120", 120.0),
        ("alt=80 UI/L", 80.0),
    ],
)
def test_lab_values_are_converted_to_their_canonical_unit(text, value):
    lab = parse_lab(text)
    assert lab.value == pytest.approx(value)
    assert lab.times_uln is None


def test_a_lab_may_be_a_multiple_of_the_uln():
    lab = parse_lab("ast=3xULN")
    assert lab.times_uln == 3.0
    assert lab.value is None
    assert parse_lab("alt = 2.5 × ULN".replace(" = ", "=")).times_uln == 2.5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # Bilirubin, creatinine and haemoglobin differ between countries by 10-88×.
        ("bilirubin=40", "has no unit"),
        ("creatinine=90", "has no unit"),
        ("hemoglobin=10", "has no unit"),
        # 1500 as 10⁹/L is impossible; it is 1500/mm³.
        ("anc=1500", "did you mean 1500/mm3"),
        ("anc=-1", "finite number"),
        ("ast=12 mg/dL", "not one for ast"),
        ("sodium=140", "unknown lab"),
        ("anc", "NAME=VALUE"),
        ("anc=1.2\x1b[31m", "control character"),
        ("ast=2000xULN", "outside 0 to 1000"),
        ("bilirubin=80 mg/dL", "plausible range"),
    ],
)
def test_implausible_or_ambiguous_labs_are_refused(text, words):
    with pytest.raises(InputError, match=words) as caught:
        parse_lab(text)
    assert caught.value.field == "labs"


def test_toxicity_names_and_ctcae_aliases(library):
    settings = library.assessment_settings
    report = parse_toxicity("palmar-plantar erythrodysesthesia syndrome=3:2", settings)
    assert (report.name, report.grade, report.occurrence) == ("hand-foot", 3, 2)
    assert parse_toxicity("Diarrhea=2", settings).name == "diarrhoea"
    assert parse_toxicity("neuropathy=grade 2", settings).grade == 2
    with pytest.raises(InputError, match="CTCAE grade 0 to 4"):
        parse_toxicity("diarrhoea=5", settings)
    with pytest.raises(InputError, match="unknown toxicity"):
        parse_toxicity("hair-loss=2", settings)
    with pytest.raises(InputError, match="occurrence"):
        parse_toxicity("diarrhoea=2:0", settings)


def test_ugt1a1_genotypes_are_put_in_order():
    assert parse_ugt1a1("*28/*1") == "*1/*28"
    assert parse_ugt1a1("*28/*6") == "*6/*28"
    with pytest.raises(InputError, match="two alleles"):
        parse_ugt1a1("*28")


def test_occurrences_of_a_ladder_rung():
    assert parse_occurrence("1") == (1, 1)
    assert parse_occurrence("3-") == (3, None)
    assert parse_occurrence("2-3") == (2, 3)
    with pytest.raises(ValueError, match="occurrence must be"):
        parse_occurrence("first")


def test_nothing_given_makes_no_assessment(library):
    settings = library.assessment_settings
    assert make_assessment_inputs(settings) is None
    assert make_assessment_inputs(settings, always=True) is not None
    with pytest.raises(InputError, match="twice"):
        make_assessment_inputs(settings, labs=["anc=1.2", "anc=1.5"])


# --- the `when` of a rule -----------------------------------------------------------------


def _when(text: str) -> When:
    return When.model_validate(parse_when(text))


def test_when_is_an_or_of_ands():
    when = _when("bilirubin > 1 xULN or (ast > 1.5 xULN and alp > 2.5 xULN)")
    shapes = [[c.subject for c in group] for group in when.any_of]
    assert shapes == [["bilirubin"], ["ast", "alp"]]
    # A distributed AND: (a or b) and c → (a and c) or (b and c).
    when = _when("(ast > 1.5 xULN or alt > 1.5 xULN) and alp > 2.5 xULN")
    assert [[c.subject for c in group] for group in when.any_of] == [
        ["ast", "alp"],
        ["alt", "alp"],
    ]
    # Thresholds are held in the canonical unit: 51.3 µmol/L = 3.0 mg/dL.
    assert _when("bilirubin > 51.3 umol/L").any_of[0][0].value == pytest.approx(3.0)


@pytest.mark.parametrize(
    "text",
    ["bilirubin >", "bilirubin > 3 mg/dL or", "(anc < 1.5", "sodium < 130", "anc = 1.5", ""],
)
def test_a_when_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError, match=r"."):
        parse_when(text)


def _inputs(**labs: str) -> AssessmentInputs:
    return AssessmentInputs(
        labs={name: parse_lab(f"{name}={value}") for name, value in labs.items()}
    )


def test_evaluation_is_three_valued():
    when = _when("bilirubin > 3 mg/dL or ast > 4 xULN")
    uln = {"ast": 40.0}
    # Bilirubin 4 > 3: true whatever the AST.
    assert evaluate_when(when, _inputs(bilirubin="4 mg/dL"), uln)[0] is True
    # Bilirubin 2 ≤ 3 and AST missing: undecided, AST named as missing.
    result, missing, _ = evaluate_when(when, _inputs(bilirubin="2 mg/dL"), uln)
    assert (result, missing) == (None, ["ast"])
    # AST 160 U/L = 4.0 × ULN (ULN 40): not > 4; bilirubin 2: false.
    assert evaluate_when(when, _inputs(bilirubin="2 mg/dL", ast="160"), uln)[0] is False
    # AST 161 U/L = 4.025 × ULN > 4: true.
    assert evaluate_when(when, _inputs(bilirubin="2 mg/dL", ast="161"), uln)[0] is True
    # AST typed as 4.1 × ULN: compared as typed.
    assert evaluate_when(when, _inputs(bilirubin="2 mg/dL", ast="4.1xULN"), uln)[0] is True


# --- the ceilings on a sheet ------------------------------------------------------------


def _eox(library, **given):
    settings = library.assessment_settings
    inputs = make_assessment_inputs(settings, date="2026-12-04", **given)
    patient = make_patient(height=170, weight=70, crcl=90)
    return compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))


def _epirubicin(sheet):
    return next(a for day in sheet.days for a in day.administrations if a.drug == "epirubicin")


@pytest.mark.parametrize(
    ("bilirubin", "level"),
    [
        # Epirubicin US label §2: bilirubin 1.2-3 mg/dL → 1/2 of the starting dose;
        # > 3 mg/dL → 1/4. Below 1.2: no hepatic reduction.
        ("1.19 mg/dL", None),
        ("1.2 mg/dL", 50.0),
        ("3 mg/dL", 50.0),
        ("3.01 mg/dL", 25.0),
        ("20.4 umol/L", None),  # 20.4 / 17.1 = 1.193 mg/dL < 1.2
        ("20.6 umol/L", 50.0),  # 20.6 / 17.1 = 1.205 mg/dL ≥ 1.2
    ],
)
def test_epirubicin_hepatic_levels_at_and_around_each_edge(library, bilirubin, level):
    sheet = _eox(library, labs=[f"bilirubin={bilirubin}", "ast=1xULN"])
    epirubicin = _epirubicin(sheet)
    # EOX: epirubicin 50 mg/m2; BSA at 170 cm, 70 kg (Mosteller) sqrt(170*70/3600) = 1.818
    # → 1.82 m2; standard 50 × 1.82 = 91 mg.
    assert epirubicin.standard_mg == pytest.approx(91.0)
    assert epirubicin.assessment_level_percent == level
    expected = 91.0 * (level or 100) / 100  # 45.5 → 45 mg; 22.75 → 23 mg (1 mg steps)
    assert epirubicin.calculated_mg == pytest.approx(expected)
    assert sheet.assessment is not None
    assert sheet.assessment.decision == "go"
    codes = [w.code for w in sheet.warnings]
    assert ("HEPATIC_REDUCTION" in codes) == (level is not None)


def test_a_starting_dose_reduction_multiplies_the_dose_level(library):
    settings = library.assessment_settings
    inputs = make_assessment_inputs(settings, date="2026-12-04", labs=["bilirubin=2 mg/dL"])
    patient = make_patient(height=170, weight=70, crcl=90)
    # The hepatic rule halves the STARTING dose (label: "1/2 of recommended starting
    # dose"); a dose level of 80 % (a reduction carried from earlier toxicity) is a % of
    # that starting dose: 91 mg × 50 % × 80 % = 36.4 mg, not the 45.5 mg of 50 % alone.
    sheet = compute_sheet(
        library, "EOX", patient, SheetOptions(dose_level_percent=80, assessment=inputs)
    )
    assert _epirubicin(sheet).calculated_mg == pytest.approx(36.4)
    # Level 40 %: 91 × 50 % × 40 % = 18.2 mg.
    sheet = compute_sheet(
        library, "EOX", patient, SheetOptions(dose_level_percent=40, assessment=inputs)
    )
    assert _epirubicin(sheet).calculated_mg == pytest.approx(18.2)


def test_a_toxicity_step_takes_the_place_of_a_higher_dose_level(library):
    settings = library.assessment_settings
    patient = make_patient(height=170, weight=70, crcl=90)
    # Capecitabine label: grade 3 hand-foot, 1st occurrence → 75 % of the starting dose.
    # EOX capecitabine 625 mg/m2 × 1.82 = 1137.5 mg per intake; 75 % → 853.125 mg.
    inputs = make_assessment_inputs(settings, date="2026-12-04", toxicities=["hand-foot=3"])
    sheet = compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    capecitabine = next(a for a in sheet.days[0].administrations if a.drug == "capecitabine")
    assert capecitabine.calculated_mg == pytest.approx(853.125)
    # Already at a dose level of 60 %: the 75 % step is higher and changes nothing
    # (both are % of the starting dose; they do not multiply): 1137.5 × 60 % = 682.5.
    sheet = compute_sheet(
        library, "EOX", patient, SheetOptions(dose_level_percent=60, assessment=inputs)
    )
    capecitabine = next(a for a in sheet.days[0].administrations if a.drug == "capecitabine")
    assert capecitabine.calculated_mg == pytest.approx(682.5)
    # DPD activity score 1 (50 % start, CPIC/DPWG) and the 75 % toxicity step multiply:
    # 1137.5 × 50 % × 75 % = 426.5625 mg.
    inputs = make_assessment_inputs(
        settings, date="2026-12-04", toxicities=["hand-foot=3"], dpyd_activity_score="1"
    )
    sheet = compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    capecitabine = next(a for a in sheet.days[0].administrations if a.drug == "capecitabine")
    assert capecitabine.calculated_mg == pytest.approx(426.5625)


def test_a_missing_lab_is_named_not_guessed(library):
    # Bilirubin 2 mg/dL decides the 50 % step; AST not given leaves the 25 % step
    # undecided: the sheet applies 50 % and names AST as missing.
    sheet = _eox(library, labs=["bilirubin=2 mg/dL"])
    assert _epirubicin(sheet).assessment_level_percent == 50.0
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "epirubicin"]
    assert missing
    assert missing[0].params["labs"] == "ast"
    assert missing[0].severity == "caution"  # the undecided step reduces, it does not stop


def test_stale_labs_and_a_lab_date_after_the_treatment_date(library):
    settings = library.assessment_settings
    limit = settings.lab_max_age_days
    late = (DAY - dt.timedelta(days=limit + 1)).isoformat()
    sheet = _eox(library, labs=["bilirubin=1 mg/dL"], lab_date=late)
    stale = [w for w in sheet.warnings if w.code == "LAB_STALE"]
    assert stale
    assert stale[0].severity == "blocking"
    assert stale[0].params["age"] == str(limit + 1)
    on_time = (DAY - dt.timedelta(days=limit)).isoformat()
    sheet = _eox(library, labs=["bilirubin=1 mg/dL"], lab_date=on_time)
    assert "LAB_STALE" not in [w.code for w in sheet.warnings]
    with pytest.raises(InputError, match="after the treatment date") as caught:
        _eox(library, labs=["bilirubin=1 mg/dL"], lab_date="2026-12-05")
    assert caught.value.field == "lab_date"


def test_weight_change_against_the_reference_weight(library):
    settings = library.assessment_settings
    threshold = settings.weight_change_percent
    # 70 kg now; reference 77.78 kg: (70 − 77.78) / 77.78 = −10.0 % → at the threshold.
    reference = 70 / (1 - threshold / 100)
    sheet = _eox(library, reference_weight=f"{reference:.4f}")
    changed = [w for w in sheet.warnings if w.code == "WEIGHT_CHANGED"]
    assert changed
    assert changed[0].params["current"] == "70"
    # BSA then: sqrt(170 × 77.78 / 3600) = 1.916 → 1.92; now 1.82.
    assert (changed[0].params["bsa_then"], changed[0].params["bsa_now"]) == ("1.92", "1.82")
    # 76 kg: −7.9 % → no warning.
    sheet = _eox(library, reference_weight="76")
    assert "WEIGHT_CHANGED" not in [w.code for w in sheet.warnings]


def test_an_uncovered_toxicity_is_said(library):
    # No ladder of EOX covers leukopenia (only FOLFIRI's do): a grade-3 leukopenia must
    # not pass as if it had been checked.
    sheet = _eox(library, toxicities=["leukopenia=3"])
    uncovered = [w for w in sheet.warnings if w.code == "TOXICITY_NOT_COVERED"]
    assert uncovered
    assert uncovered[0].params["toxicity"] == "leukopenia"
    # Grade 2 neuropathy on EOX: the oxaliplatin ladder has no rung for it (no sourced
    # reduced dose for 130 mg/m2): said, for oxaliplatin.
    sheet = _eox(library, toxicities=["neuropathy=2"])
    uncovered = [w for w in sheet.warnings if w.code == "TOXICITY_NOT_COVERED"]
    assert [w.drug for w in uncovered] == ["oxaliplatin"]


def test_a_creatinine_among_the_labs_is_used_for_cockcroft_gault(library):
    settings = library.assessment_settings
    inputs = make_assessment_inputs(settings, date="2026-12-04", labs=["creatinine=88.4 umol/L"])
    patient = make_patient(height=170, weight=70, age=60, sex="M")
    sheet = compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    # Cockcroft-Gault: (140 - 60) × 70 / (72 × 1.0) = 77.78 mL/min (88.4 µmol/L = 1.0 mg/dL).
    assert sheet.renal is not None
    assert sheet.renal.crcl_ml_min == pytest.approx(77.78, abs=0.01)
    # The same creatinine twice with different values is refused.
    patient = make_patient(height=170, weight=70, age=60, sex="M", creatinine=1.2)
    with pytest.raises(InputError, match="given twice") as caught:
        compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    assert caught.value.field == "labs"


def test_an_override_must_name_a_rule_of_the_sheet(library):
    settings = library.assessment_settings
    inputs = make_assessment_inputs(
        settings, date="2026-12-04", overrides=["epirubicin-hepatik=typo in the rule id"]
    )
    patient = make_patient(height=170, weight=70, crcl=90)
    with pytest.raises(InputError, match="no rule 'epirubicin-hepatik'") as caught:
        compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    assert caught.value.field == "overrides"

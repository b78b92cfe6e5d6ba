"""Cisplatin's contraindications as treatment-day conditions (issue 21):
``cisplatin-contraindications``.

Source: the cisplatin UK/EU SmPC §4.3 as a third-party copy reproduces it
(pill2trip.com/medicine/cisplatin): contraindicated "with pre-existing renal impairment;
in dehydrated condition …; with pre-existing hearing impairment; with neuropathy caused
by cisplatin; who are breastfeeding" (regimen_library/drugs.toml, cisplatin).

The patient: 180 cm, 64.8 kg, BSA (Mosteller) √(180 × 64.8 / 3600) = 1.80 m² exactly;
DCF gives cisplatin 75 mg/m² × 1.80 = 135 mg on day 1, worked by hand.
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.patient import make_patient

DATE = "2026-12-04"
LABS = ["anc=2", "platelets=150", "bilirubin=0.5 mg/dL", "ast=20", "alt=20", "alp=80"]
ULN = ["bilirubin=1.0 mg/dL", "ast=40 U/L", "alt=40 U/L", "alp=100 U/L"]


def _sheet(library, regimen="DCF", conditions=()):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=LABS,
        uln=ULN,
        uracil=10,
        conditions=list(conditions),
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs))


def _cisplatin(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "cisplatin")


def test_without_a_condition_cisplatin_is_given_in_full(library):
    sheet = _sheet(library)
    assert _cisplatin(sheet).action == "give"
    assert given_mg(sheet, "cisplatin") == [pytest.approx(135.0)]
    checks = {check.rule: check.status for check in _cisplatin(sheet).rules}
    assert checks["cisplatin-contraindications"] == "not_met"


@pytest.mark.parametrize(
    "condition",
    [
        "renal-impairment",
        "pre-existing-renal-impairment",
        "dehydration",
        "dehydrated",
        "hearing-impairment",
        "hypoacousie",
        "cisplatin-neuropathy",
        "breast-feeding",
    ],
)
@pytest.mark.parametrize("regimen", ["DCF", "XP-TRASTUZUMAB"])
def test_each_smpc_contraindication_stops_cisplatin(library, regimen, condition):
    sheet = _sheet(library, regimen, [condition])
    cisplatin = _cisplatin(sheet)
    assert cisplatin.action == "stop"
    assert given_mg(sheet, "cisplatin") == []
    assert [reason.rule for reason in cisplatin.reasons] == ["cisplatin-contraindications"]
    blocking = [w for w in sheet.warnings if w.code == "CONDITION_CONTRAINDICATION"]
    assert [w.drug for w in blocking] == ["cisplatin"]
    assert blocking[0].severity == "blocking"
    assert sheet.assessment.decision == "stop"


def test_a_cisplatin_condition_does_not_stop_the_other_drugs(library):
    # Docetaxel 75 mg/m² × 1.80 = 135 mg and fluorouracil 750 mg/m²/day × 1.80 × 5 days
    # = 6750 mg in one pump are still computed; only cisplatin is stopped.
    sheet = _sheet(library, "DCF", ["hearing-impairment"])
    assert given_mg(sheet, "docetaxel") == [pytest.approx(135.0)]
    assert given_mg(sheet, "fluorouracil") == [pytest.approx(6750.0)]


def test_cisplatin_s_hydration_is_flagged_when_cisplatin_is_not_given(library):
    # DCF orders magnesium sulfate 10 mmol before and sodium chloride 0.9 % 1000 mL after
    # cisplatin on day 1 (regimen_library/dcf.toml): with cisplatin stopped, both stay
    # on the sheet, each with a caution naming cisplatin and the day.
    sheet = _sheet(library, "DCF", ["dehydration"])
    flagged = [w for w in sheet.warnings if w.code == "ORDER_FOR_WITHHELD_DRUG"]
    assert sorted((w.drug, w.params["relative_to"], w.params["day"]) for w in flagged) == [
        ("magnesium sulfate", "cisplatin", "1"),
        ("sodium chloride", "cisplatin", "1"),
    ]
    assert {w.severity for w in flagged} == {"caution"}
    assert flagged[0].params["relative_to_fr"] == "cisplatine"
    assert given_mg(sheet, "magnesium sulfate")  # not removed
    # Cisplatin given: no such caution.
    assert "ORDER_FOR_WITHHELD_DRUG" not in {w.code for w in _sheet(library, "DCF").warnings}


# --- the repeat-course gate: serum creatinine below 1.5 mg/dL (rule cisplatin-repeat-course)


def _with_creatinine(library, creatinine, regimen="DCF", cycle=2):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[*LABS, f"creatinine={creatinine}"],
        uln=ULN,
        uracil=10,
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs, cycle=cycle))


@pytest.mark.parametrize(
    ("creatinine", "waits"),
    [
        # 'A repeat course should not be given until … serum creatinine <1.5 mg/100 mL'.
        ("1.49 mg/dL", False),
        ("1.5 mg/dL", True),
        ("2 mg/dL", True),
        # µmol/L ÷ 88.4: 132 → 1.493 mg/dL, 133 → 1.505 mg/dL.
        ("132 umol/L", False),
        ("133 umol/L", True),
    ],
)
def test_the_course_waits_at_a_creatinine_of_1_5_mg_per_dl(library, creatinine, waits):
    sheet = _with_creatinine(library, creatinine)
    assert _cisplatin(sheet).action == ("delay" if waits else "give")
    assert sheet.assessment.decision == ("delay" if waits else "go")
    codes = [w.code for w in sheet.warnings if w.code == "RENAL_DELAY"]
    assert codes == (["RENAL_DELAY"] if waits else [])
    if waits:
        (warning,) = [w for w in sheet.warnings if w.code == "RENAL_DELAY"]
        assert warning.severity == "blocking"
        assert "serum creatinine <1.5 mg/100 mL" in warning.params["source"]
    else:
        assert given_mg(sheet, "cisplatin") == [pytest.approx(135.0)]


def test_the_gate_also_holds_for_xp_trastuzumab_and_not_once_cisplatin_is_over(library):
    # XP-TRASTUZUMAB gives cisplatin in cycles 1-6: at cycle 7 the rule has no drug.
    assert _cisplatin(_with_creatinine(library, "1.6 mg/dL", "XP-TRASTUZUMAB")).action == "delay"
    sheet = _with_creatinine(library, "1.6 mg/dL", "XP-TRASTUZUMAB", cycle=7)
    assert "RENAL_DELAY" not in {w.code for w in sheet.warnings}

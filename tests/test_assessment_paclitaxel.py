"""Paclitaxel's liver rule, renal statement and product (issue 21).

Liver (rule ``paclitaxel-hepatic``): the US label's table for the 3-hour infusion, as
the Medscape drug reference restates it: "AST/ALT ≥10 x ULN OR bilirubin >5 x ULN: Do
not administer"; between 1.26 and 5 × ULN of bilirubin the label reduces the 175 mg/m²
3-hour dose, which is not this library's weekly dose: a caution, the dose unchanged.
Product: 6 mg/mL (openFDA NDC 46708-622). Renal: no adjustment (Medscape).

Patient: 170 cm, 72 kg, Mosteller BSA √(170 × 72 / 3600) = √3.4 = 1.8439 → 1.84 m².
RAINBOW paclitaxel 80 mg/m² × 1.84 = 147.2 → 147 mg on days 1, 8 and 15 (by hand);
147 mg ÷ 6 mg/mL = 24.5 mL.
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.patient import make_patient

DATE = "2026-12-04"
# The laboratory's ULNs, so that each multiple is exact.
ULN = ["bilirubin=1.0 mg/dL", "ast=40 U/L", "alt=40 U/L"]
BASE = {"anc": "2", "platelets": "150", "urine_protein": "0.1 g/24h"}


def _sheet(library, liver, regimen="RAINBOW", crcl=90.0):
    labs = {**BASE, "bilirubin": "0.5 mg/dL", "ast": "20 U/L", "alt": "20 U/L", **liver}
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[f"{name}={value}" for name, value in labs.items()],
        uln=ULN,
    )
    patient = make_patient(height=170, weight=72, crcl=crcl)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs, cycle=2))


def _paclitaxel(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "paclitaxel")


@pytest.mark.parametrize(
    ("liver", "action", "code"),
    [
        ({}, "give", None),
        ({"bilirubin": "1.25 mg/dL"}, "give", None),  # 1.25 × ULN: the first band
        ({"bilirubin": "1.26 mg/dL"}, "give", "HEPATIC_CAUTION"),  # 1.26-2 × ULN: 135 of 175
        ({"bilirubin": "5 mg/dL"}, "give", "HEPATIC_CAUTION"),  # 2.01-5 × ULN: 90 of 175
        ({"bilirubin": "5.01 mg/dL"}, "stop", "HEPATIC_CONTRAINDICATION"),  # > 5 × ULN
        ({"ast": "399 U/L"}, "give", None),  # 9.975 × ULN
        ({"ast": "400 U/L"}, "stop", "HEPATIC_CONTRAINDICATION"),  # 10 × ULN: '≥10'
        ({"alt": "10xULN"}, "stop", "HEPATIC_CONTRAINDICATION"),
    ],
)
def test_paclitaxel_liver_edges(library, liver, action, code):
    sheet = _sheet(library, liver)
    paclitaxel = _paclitaxel(sheet)
    assert paclitaxel.action == action
    assert [r.code for r in paclitaxel.reasons] == ([code] if code else [])
    # Never a reduced dose: 147 mg on days 1, 8, 15, or nothing.
    assert given_mg(sheet, "paclitaxel") == ([147.0] * 3 if action == "give" else [])
    # Ramucirumab's own rules are not paclitaxel's: 8 mg/kg × 72 = 576 mg on days 1, 15.
    assert given_mg(sheet, "ramucirumab") == [576.0, 576.0]
    assert sheet.assessment.decision == ("stop" if action == "stop" else "go")


def test_a_missing_liver_panel_waits_for_it(library):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[f"{name}={value}" for name, value in BASE.items()],
    )
    patient = make_patient(height=170, weight=72, crcl=90)
    sheet = compute_sheet(library, "RAINBOW", patient, SheetOptions(assessment=inputs, cycle=2))
    (warning,) = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "paclitaxel"]
    assert warning.severity == "blocking"
    assert sheet.assessment.decision == "delay"


def test_paclitaxel_volume_at_6_mg_per_ml(library):
    patient = make_patient(height=170, weight=72, crcl=90)
    sheet = compute_sheet(library, "RAINBOW", patient, SheetOptions(cycle=1))
    doses = [a for day in sheet.days for a in day.administrations if a.drug == "paclitaxel"]
    assert [a.dose_mg for a in doses] == [147.0, 147.0, 147.0]
    for dose in doses:
        preparation = dose.preparation
        assert preparation is not None
        assert preparation.concentration_mg_per_ml == 6.0
        assert preparation.volume_ml == pytest.approx(24.5)
        # 147 mg from vials of 30, 100 and 300 mg: the fewest vials first, then the
        # least waste (docs/dispensing.md): one 300 mg vial (153 mg left), not three.
        assert preparation.vials is not None
        assert [(v.size_mg, v.count) for v in preparation.vials] == [(300.0, 1)]
        assert preparation.waste_mg == pytest.approx(153.0)
        assert preparation.final_concentration_min_mg_per_ml == 0.3
        assert preparation.final_concentration_max_mg_per_ml == 1.2


@pytest.mark.parametrize("crcl", [15.0, 45.0, 120.0])
def test_paclitaxel_has_no_renal_dose_rule(library, crcl):
    rule = library.drug("paclitaxel").renal_rule
    assert rule is not None
    assert rule.status == "none"
    patient = make_patient(height=170, weight=72, crcl=crcl)
    sheet = compute_sheet(library, "RAINBOW", patient, SheetOptions(cycle=1))
    assert given_mg(sheet, "paclitaxel") == [147.0, 147.0, 147.0]


def test_cross_says_no_hepatic_rule_applies_to_carboplatin(library):
    # CROSS: carboplatin AUC 2 by Calvert and paclitaxel 50 mg/m² weekly. Carboplatin's
    # liver statement is 'none' with its source; paclitaxel's is its rule.
    sheet = _sheet(library, {}, regimen="CARBOPLATIN-PACLITAXEL-WEEKLY")
    carboplatin = next(d for d in sheet.assessment.drugs if d.drug == "carboplatin")
    checks = {check.rule: check.status for check in carboplatin.rules}
    assert checks["carboplatin-hepatic"] == "none_applies"
    assert "hepatic" not in carboplatin.not_encoded
    # 50 mg/m² × 1.84 m² = 92 mg of paclitaxel, given.
    assert given_mg(sheet, "paclitaxel") == [92.0]

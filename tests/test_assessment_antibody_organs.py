"""Renal and liver rules of the two antibodies of issue 21 that had none encoded.

Ramucirumab (regimen_library/drugs.toml, from the SmPC via Lilly UK medical information
[V]): no dose reduction at any renal function ("No dose reductions are recommended in
patients with mild, moderate or severe renal impairment"), none for the liver either;
"no data" in severe hepatic impairment (total bilirubin > 3 × ULN) and "use with
caution" in severe cirrhosis (Child-Pugh B or C...): both cautions of rule
``ramucirumab-hepatic``, the dose unchanged.

Trastuzumab (Herceptin EU SmPC §4.2 via a copy [P]): no renal and no hepatic
adjustment ("Dedicated pharmacokinetic studies ... with renal or hepatic impairment
have not been carried out. However in a population pharmacokinetic analysis, age and
renal impairment were not shown to affect trastuzumab disposition"): renal_rule
``none`` and rule ``trastuzumab-hepatic`` ``none``, each with its source, so that the
sheet says "no rule applies" instead of "no rule encoded".

Patient: 170 cm, 72 kg. RAINBOW: ramucirumab 8 mg/kg × 72 kg = 576 mg on days 1 and 15;
XP-TRASTUZUMAB cycle 7: trastuzumab 6 mg/kg × 72 kg = 432 mg (by hand).
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.patient import make_patient

DATE = "2026-12-04"
COUNTS = ["anc=2", "platelets=150", "urine_protein=0.1 g/24h", "ast=20 U/L", "alt=20 U/L"]


def _sheet(library, regimen="RAINBOW", labs=(), conditions=(), cycle=1, crcl=90.0):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=list(labs),
        conditions=list(conditions),
        always=True,
    )
    patient = make_patient(height=170, weight=72, crcl=crcl)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs, cycle=cycle))


def _drug(sheet, name):
    return next(d for d in sheet.assessment.drugs if d.drug == name)


def _checks(sheet, name):
    return {check.rule: check.status for check in _drug(sheet, name).rules}


@pytest.mark.parametrize(
    ("bilirubin", "caution"),
    [
        # The library's default ULN is 1.2 mg/dL (assessment.toml): 3 × ULN = 3.6 mg/dL.
        ("3.6 mg/dL", False),  # 3.0 × ULN: moderate ('>1.5-3.0 times ULN'), no caution
        ("3.61 mg/dL", True),  # 3.008 × ULN: severe ('>3 times ULN'), no data
        ("3xULN", False),
        ("3.01xULN", True),
        # 61 µmol/L ÷ 17.1 = 3.567 mg/dL = 2.97 × ULN; 62 µmol/L = 3.626 mg/dL = 3.02 × ULN.
        ("61 umol/L", False),
        ("62 umol/L", True),
        ("1 mg/dL", False),
    ],
)
def test_ramucirumab_bilirubin_above_3_uln_is_a_caution_and_changes_no_dose(
    library, bilirubin, caution
):
    sheet = _sheet(library, labs=[*COUNTS, f"bilirubin={bilirubin}"])
    ramucirumab = _drug(sheet, "ramucirumab")
    assert ramucirumab.action == "give"
    assert [r.code for r in ramucirumab.reasons] == (["HEPATIC_CAUTION"] if caution else [])
    assert _checks(sheet, "ramucirumab")["ramucirumab-hepatic"] == ("met" if caution else "not_met")
    # No reduction at any bilirubin ("No dose reductions are recommended").
    assert given_mg(sheet, "ramucirumab") == [576.0, 576.0]
    assert sheet.assessment.decision == "go"
    warning = [w for w in sheet.warnings if w.code == "HEPATIC_CAUTION" and w.drug == "ramucirumab"]
    assert [w.severity for w in warning] == (["caution"] if caution else [])


@pytest.mark.parametrize("name", ["severe-cirrhosis", "child-pugh-b", "cirrhose-severe"])
def test_severe_cirrhosis_is_a_caution_for_ramucirumab(library, name):
    sheet = _sheet(library, labs=[*COUNTS, "bilirubin=1 mg/dL"], conditions=[name])
    ramucirumab = _drug(sheet, "ramucirumab")
    assert ramucirumab.action == "give"
    assert [r.code for r in ramucirumab.reasons] == ["CONDITION_CAUTION"]
    (warning,) = [w for w in sheet.warnings if w.code == "CONDITION_CAUTION"]
    assert warning.severity == "caution"
    assert "lillymedical.eu" in warning.params["source"]
    assert given_mg(sheet, "ramucirumab") == [576.0, 576.0]
    # Paclitaxel's own liver rules are not ramucirumab's: 80 mg/m² on days 1, 8, 15.
    assert len(given_mg(sheet, "paclitaxel")) == 3


def test_a_missing_bilirubin_for_ramucirumab_is_said_not_blocking(library):
    sheet = _sheet(library, labs=COUNTS)
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "ramucirumab"]
    assert [(w.params["labs"], w.severity) for w in missing] == [("bilirubin", "caution")]
    # The cycle waits only for paclitaxel's bilirubin (its rule can stop it), not for
    # ramucirumab's (cautions only).
    blocking = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.severity == "blocking"]
    assert [w.drug for w in blocking] == ["paclitaxel"]


@pytest.mark.parametrize("crcl", [10.0, 29.0, 45.0, 120.0])
def test_ramucirumab_has_no_renal_dose_rule_at_any_clearance(library, crcl):
    sheet = _sheet(library, labs=[*COUNTS, "bilirubin=1 mg/dL"], crcl=crcl)
    assert given_mg(sheet, "ramucirumab") == [576.0, 576.0]
    rule = library.drug("ramucirumab").renal_rule
    assert rule is not None
    assert rule.status == "none"
    assert "lillymedical.eu" in rule.source


def test_trastuzumab_says_no_hepatic_or_renal_rule_applies_with_its_source(library):
    sheet = _sheet(
        library,
        regimen="XP-TRASTUZUMAB",
        labs=["lvef=60", "lvef_baseline=62", "bilirubin=2 mg/dL"],
        cycle=7,
        crcl=25.0,
    )
    trastuzumab = _drug(sheet, "trastuzumab")
    assert "hepatic" not in trastuzumab.not_encoded
    assert _checks(sheet, "trastuzumab")["trastuzumab-hepatic"] == "none_applies"
    assert given_mg(sheet, "trastuzumab") == [432.0]
    rule = library.drug("trastuzumab").renal_rule
    assert rule is not None
    assert rule.status == "none"
    assert "renal impairment were not shown to affect" in rule.source

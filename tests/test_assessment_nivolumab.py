"""Nivolumab's liver-test rule (issue 21): ``nivolumab-hepatitis``.

Source: BMS medical information, hepatic immune-related adverse events, nivolumab
monotherapy (regimen_library/drugs.toml, nivolumab): without tumour involvement of the
liver, "AST/ALT >3.0x and ≤8.0x ULN or total bilirubin >1.5x and ≤3.0x ULN: Withhold;
AST/ALT >8.0x ULN or total bilirubin >3.0x ULN: Permanently discontinue"; with it,
discontinue above 10 × ULN (or bilirubin above 3 × ULN), the withhold thresholds
depending on the baseline (a caution here).

The laboratory's ULNs are given (AST and ALT 40 U/L, bilirubin 1.0 mg/dL), so that every
multiple is exact: AST 121 U/L = 3.025 × ULN. FOLFOX-NIVOLUMAB gives nivolumab 240 mg
flat on day 1 (CheckMate 649), worked by hand.
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.assessment_when import parse_when
from regimens._read.patient import make_patient

DATE = "2026-12-04"
ULN = ["bilirubin=1.0 mg/dL", "ast=40 U/L", "alt=40 U/L", "alp=100 U/L"]
NORMAL = {"anc": "2", "platelets": "150", "bilirubin": "0.5 mg/dL", "ast": "20", "alt": "20"}


def _sheet(library, changed=(), conditions=()):
    labs = dict(NORMAL)
    labs.update(item.split("=", 1) for item in changed)
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[f"{name}={value}" for name, value in labs.items()] + ["alp=80"],
        uln=ULN,
        uracil=10,
        conditions=list(conditions),
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    return compute_sheet(library, "FOLFOX-NIVOLUMAB", patient, SheetOptions(assessment=inputs))


def _nivolumab(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "nivolumab")


def _codes(sheet, drug="nivolumab"):
    return {w.code for w in sheet.warnings if w.drug == drug}


@pytest.mark.parametrize(
    ("labs", "action"),
    [
        ([], "give"),
        (["ast=120"], "give"),  # 3.0 × ULN: not above 3
        (["ast=121"], "withhold"),  # 3.025 ×
        (["alt=121"], "withhold"),
        (["ast=320"], "withhold"),  # 8.0 ×: '≤8.0x' still withholds
        (["ast=321"], "stop"),  # 8.025 ×
        (["alt=321"], "stop"),
        (["bilirubin=1.5 mg/dL"], "give"),  # 1.5 ×: not above 1.5
        (["bilirubin=1.51 mg/dL"], "withhold"),
        (["bilirubin=3.0 mg/dL"], "withhold"),
        (["bilirubin=3.01 mg/dL"], "stop"),
    ],
)
def test_without_liver_involvement(library, labs, action):
    sheet = _sheet(library, labs)
    assert _nivolumab(sheet).action == action
    assert given_mg(sheet, "nivolumab") == ([240.0] if action == "give" else [])
    expected = {
        "give": set(),
        "withhold": {"HEPATIC_WITHHOLD"},
        "stop": {"HEPATIC_CONTRAINDICATION"},
    }
    assert _codes(sheet) & {"HEPATIC_WITHHOLD", "HEPATIC_CONTRAINDICATION"} == expected[action]


@pytest.mark.parametrize(
    ("labs", "action", "caution"),
    [
        (["ast=121"], "give", True),  # depends on the baseline: the prescriber decides
        (["ast=320"], "give", True),
        (["ast=400"], "give", True),  # 10.0 ×: '≤10.0x'
        (["ast=401"], "stop", False),  # above 10 ×
        (["bilirubin=2.0 mg/dL"], "give", False),  # no bilirubin withhold with involvement
        (["bilirubin=3.01 mg/dL"], "stop", False),
        ([], "give", False),
    ],
)
def test_with_liver_metastases(library, labs, action, caution):
    sheet = _sheet(library, labs, conditions=["liver-metastases"])
    assert _nivolumab(sheet).action == action
    assert ("HEPATIC_CAUTION" in _codes(sheet)) is caution
    assert given_mg(sheet, "nivolumab") == ([240.0] if action == "give" else [])


def test_oxaliplatin_goes_on_when_nivolumab_is_withheld(library):
    # Oxaliplatin 85 mg/m² × 1.80 m² = 153 mg: nivolumab's rule is its own.
    sheet = _sheet(library, ["ast=200"])
    assert _nivolumab(sheet).action == "withhold"
    assert given_mg(sheet, "oxaliplatin") == [pytest.approx(153.0)]


def test_not_goes_before_a_condition_only():
    parsed = parse_when("ast > 8 xULN and not condition liver-metastases")
    assert isinstance(parsed, dict)
    (group,) = parsed["any_of"]
    assert (group[1]["subject"], group[1]["op"], group[1]["values"]) == (
        "condition",
        "lacks",
        ("liver-metastases",),
    )
    with pytest.raises(ValueError, match="'not' goes before a condition only"):
        parse_when("not ast > 3 xULN")


def test_the_reason_shows_the_liver_test_not_an_absent_condition(library):
    sheet = _sheet(library, ["ast=121"])
    (reason,) = _nivolumab(sheet).reasons
    assert reason.value == "ast 121 = 3.02 × ULN"  # 121 ÷ 40; no "condition none"

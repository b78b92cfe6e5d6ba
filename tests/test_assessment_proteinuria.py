"""Ramucirumab's proteinuria rule (issue 21): ``ramucirumab-proteinuria``.

Source: the Cyramza US label §2 (drugs.com reprint), and the same thresholds from Lilly's
UK medical information: "Interrupt CYRAMZA for urine protein levels ≥2 g/24 hours …
Permanently discontinue CYRAMZA for urine protein level >3 g/24 hours or in the setting
of nephrotic syndrome" (regimen_library/drugs.toml, ramucirumab).

The patient: 170 cm, 72 kg, PACLITAXEL-RAMUCIRUMAB (RAINBOW) cycle 1: ramucirumab
8 mg/kg × 72 kg = 576 mg on days 1 and 15, worked by hand.
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._errors import InputError
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs, parse_lab
from regimens._read.patient import make_patient

DATE = "2026-12-04"
# The counts and the liver tests (paclitaxel-hepatic waits for them).
COUNTS = ["anc=2", "platelets=150", "bilirubin=0.5 mg/dL", "ast=20 U/L", "alt=20 U/L"]


def _sheet(library, labs=(), conditions=()):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[*COUNTS, *labs],
        conditions=list(conditions),
        always=True,
    )
    patient = make_patient(height=170, weight=72, crcl=90)
    return compute_sheet(library, "RAINBOW", patient, SheetOptions(assessment=inputs))


def _ramucirumab(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "ramucirumab")


@pytest.mark.parametrize(
    ("protein", "action", "code"),
    [
        ("1.99 g/24h", "give", None),
        # '≥2 g/24 hours' interrupts: 2.0 is on the threshold.
        ("2 g/24h", "withhold", "PROTEINURIA_WITHHOLD"),
        ("2000 mg/24h", "withhold", "PROTEINURIA_WITHHOLD"),
        # '>3 g/24 hours' discontinues: 3.0 is not above it.
        ("3 g/24h", "withhold", "PROTEINURIA_WITHHOLD"),
        ("3.01 g/24h", "stop", "PROTEINURIA_STOP"),
        ("3.5 g/d", "stop", "PROTEINURIA_STOP"),
    ],
)
def test_urine_protein_edges(library, protein, action, code):
    sheet = _sheet(library, [f"urine_protein={protein}"])
    ramucirumab = _ramucirumab(sheet)
    assert ramucirumab.action == action
    codes = {w.code for w in sheet.warnings}
    assert ({"PROTEINURIA_WITHHOLD", "PROTEINURIA_STOP"} & codes) == ({code} if code else set())
    # 576 mg on days 1 and 15 when given; nothing when withheld or stopped.
    assert given_mg(sheet, "ramucirumab") == ([576.0, 576.0] if action == "give" else [])
    # Paclitaxel 80 mg/m² on days 1, 8 and 15 whatever the urine protein.
    assert len(given_mg(sheet, "paclitaxel")) == 3
    assert sheet.assessment.decision == ("stop" if action == "stop" else "go")


def test_nephrotic_syndrome_stops_ramucirumab(library):
    sheet = _sheet(library, conditions=["syndrome-nephrotique"])
    assert _ramucirumab(sheet).action == "stop"
    assert [r.code for r in _ramucirumab(sheet).reasons] == ["CONDITION_CONTRAINDICATION"]


def test_a_missing_24_hour_urine_is_a_caution_not_a_wait(library):
    # missing_input = "caution": the 24-hour urine is measured after a dipstick of 2+,
    # not before every dose; a stop step that cannot be decided does not block.
    sheet = _sheet(library)
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "ramucirumab"]
    assert [(w.params["labs"], w.severity) for w in missing] == [("urine_protein", "caution")]
    assert sheet.assessment.decision == "go"
    assert given_mg(sheet, "ramucirumab") == [576.0, 576.0]
    checks = {check.rule: check.status for check in _ramucirumab(sheet).rules}
    assert checks["ramucirumab-proteinuria"] == "missing_input"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("urine_protein=3", "has no unit"),
        ("urine_protein=3 g/L", "accepted: g/24h, mg/24h)"),
        ("urine_protein=60 g/24h", "outside the plausible range 0 to 50 g/24h"),
        ("urine_protein=2xULN", "not as a multiple of the ULN"),
    ],
)
def test_a_urine_protein_needs_its_unit(text, words):
    with pytest.raises(InputError) as error:
        parse_lab(text)
    assert words in str(error.value)


def test_proteinuria_aliases_read_in_grams_per_24_hours():
    assert parse_lab("proteinurie=2500 mg/24h").value == pytest.approx(2.5)
    assert parse_lab("proteinuria=2.5 g/24 h").value == pytest.approx(2.5)

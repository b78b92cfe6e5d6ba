"""Nivolumab's immune-mediated pneumonitis, colitis and nephritis (issue 21): the ladder
``nivolumab-immune`` (regimen_library/drugs.toml, nivolumab).

Source: the Opdivo HCP site (Bristol-Myers Squibb, US), treatment modifications, for
nivolumab alone: pneumonitis grade 1 "Continue treatment", grade 2 "Withhold
treatment", grades 3-4 "Permanently discontinue treatment"; colitis grade 2 withhold,
"withhold treatment for Grade 3", "permanently discontinue treatment for Grade 4";
nephritis (CTCAE v5 creatinine increased) grade 1 continue, grades 2-3 withhold, grade 4
permanently discontinue; the general rule stops nivolumab for "recurrent severe
(Grade 3) immune-mediated reactions that require systemic immunosuppressive treatment".
No rung reduces the dose ("No dose reduction for OPDIVO ... is recommended").

FOLFOX-NIVOLUMAB at 170 cm and 72 kg: nivolumab 240 mg flat on day 1 (CheckMate 649),
the chemotherapy as mFOLFOX6, which these toxicities leave alone.
"""

from __future__ import annotations

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._errors import InputError
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.patient import make_patient

DATE = "2026-12-04"
LABS = ["anc=2", "platelets=150", "bilirubin=0.5 mg/dL", "ast=20", "alt=20", "alp=80"]


def _sheet(library, toxicity=None, regimen="FOLFOX-NIVOLUMAB", condition=None):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=LABS,
        uracil=10,
        toxicities=[toxicity] if toxicity else [],
        conditions=[condition] if condition else [],
    )
    patient = make_patient(height=170, weight=72, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs, cycle=2))


def _nivolumab(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "nivolumab")


@pytest.mark.parametrize(
    ("toxicity", "action", "code"),
    [
        ("pneumonitis=1", "give", None),
        ("pneumonitis=2", "withhold", "TOXICITY_WITHHOLD"),
        ("pneumonitis=2:3", "withhold", "TOXICITY_WITHHOLD"),  # not a 'recurrent grade 3'
        ("pneumonitis=3", "stop", "TOXICITY_STOP"),
        ("pneumonitis=4", "stop", "TOXICITY_STOP"),
        ("colitis=1", "give", None),
        ("colitis=2", "withhold", "TOXICITY_WITHHOLD"),
        ("colitis=3", "withhold", "TOXICITY_WITHHOLD"),
        ("colitis=3:2", "stop", "TOXICITY_STOP"),  # recurrent grade 3
        ("colitis=4", "stop", "TOXICITY_STOP"),
        ("immune-colitis=2", "withhold", "TOXICITY_WITHHOLD"),
        ("nephritis=1", "give", None),
        ("nephritis=2", "withhold", "TOXICITY_WITHHOLD"),
        ("nephritis=3", "withhold", "TOXICITY_WITHHOLD"),
        ("nephritis=3:2", "stop", "TOXICITY_STOP"),
        ("nephritis=4", "stop", "TOXICITY_STOP"),
    ],
)
def test_the_ladder_rung_by_rung(library, toxicity, action, code):
    sheet = _sheet(library, toxicity)
    nivolumab = _nivolumab(sheet)
    assert nivolumab.action == action
    codes = {w.code for w in sheet.warnings if w.drug == "nivolumab"}
    assert codes & {"TOXICITY_WITHHOLD", "TOXICITY_STOP"} == ({code} if code else set())
    assert given_mg(sheet, "nivolumab") == ([240.0] if action == "give" else [])
    # No dose reduction is ever given: the full dose or nothing.
    if action == "give":
        assert nivolumab.level_percent == 100.0
    # mFOLFOX6 is not nivolumab's: oxaliplatin 85 mg/m² is still given.
    assert len(given_mg(sheet, "oxaliplatin")) == 1
    assert sheet.assessment.decision == ("stop" if action == "stop" else "go")


def test_capox_nivolumab_uses_the_same_ladder(library):
    sheet = _sheet(library, "pneumonitis=3", regimen="CAPOX-NIVOLUMAB")
    assert _nivolumab(sheet).action == "stop"
    assert given_mg(sheet, "nivolumab") == []


def test_a_chemotherapy_diarrhoea_is_not_nivolumab_s(library):
    # Diarrhoea is the chemotherapy's toxicity name: nivolumab's ladder does not take
    # it (attribution: an immune-mediated diarrhoea is given as colitis).
    sheet = _sheet(library, "diarrhoea=3")
    assert _nivolumab(sheet).action == "give"
    assert given_mg(sheet, "nivolumab") == [240.0]


def test_the_new_toxicities_are_not_covered_without_nivolumab(library):
    # FOLFOX-6 has no ladder for pneumonitis: said, never dropped.
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=LABS, uracil=10, toxicities=["pneumonitis=2"]
    )
    patient = make_patient(height=170, weight=72, crcl=90)
    sheet = compute_sheet(library, "FOLFOX-6", patient, SheetOptions(assessment=inputs, cycle=2))
    assert "TOXICITY_NOT_COVERED" in {w.code for w in sheet.warnings}


def test_an_unknown_toxicity_name_is_refused_with_the_names(library):
    with pytest.raises(InputError, match="pneumonitis"):
        make_assessment_inputs(library.assessment_settings, date=DATE, toxicities=["pneumonia=2"])


# --- adrenal insufficiency (ladder nivolumab-adrenal) and SJS/TEN/DRESS (nivolumab-skin) ---


@pytest.mark.parametrize(
    ("toxicity", "action", "code"),
    [
        # Grade 1 "Continue treatment".
        ("adrenal-insufficiency=1", "give", None),
        # Grade 2 "Consider withholding depending on clinical severity": given, and said
        # to be the prescriber's call.
        ("adrenal-insufficiency=2", "give", "TOXICITY_NOT_COVERED"),
        # Grades 3-4 "Withhold treatment until clinically stable or permanently
        # discontinue depending on severity": withheld at least.
        ("adrenal-insufficiency=3", "withhold", "TOXICITY_WITHHOLD"),
        ("insuffisance-surrenalienne=4", "withhold", "TOXICITY_WITHHOLD"),
    ],
)
def test_adrenal_insufficiency(library, toxicity, action, code):
    sheet = _sheet(library, toxicity)
    assert _nivolumab(sheet).action == action
    codes = {w.code for w in sheet.warnings if w.drug == "nivolumab"}
    expected = {code} if code else set()
    assert codes & {"TOXICITY_NOT_COVERED", "TOXICITY_WITHHOLD", "TOXICITY_STOP"} == expected
    assert given_mg(sheet, "nivolumab") == ([240.0] if action == "give" else [])


@pytest.mark.parametrize(
    ("condition", "action", "code"),
    [
        ("sjs-ten-dress-suspected", "withhold", "CONDITION_WITHHOLD"),
        ("suspected-dress", "withhold", "CONDITION_WITHHOLD"),
        ("sjs-ten-dress", "stop", "CONDITION_CONTRAINDICATION"),
        ("toxic-epidermal-necrolysis", "stop", "CONDITION_CONTRAINDICATION"),
    ],
)
def test_sjs_ten_dress_suspected_withholds_confirmed_stops(library, condition, action, code):
    sheet = _sheet(library, condition=condition)
    nivolumab = _nivolumab(sheet)
    assert nivolumab.action == action
    assert [r.code for r in nivolumab.reasons] == [code]
    (warning,) = [w for w in sheet.warnings if w.code == code]
    assert warning.severity == ("blocking" if action == "stop" else "caution")
    assert given_mg(sheet, "nivolumab") == []
    assert sheet.assessment.decision == ("stop" if action == "stop" else "go")

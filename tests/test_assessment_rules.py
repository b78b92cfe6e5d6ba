"""The treatment-day rules of the library, at, just below and just above each threshold
(issue 18), for every drug: liver tests, conditions, the lab age limit, default ULNs.

The patient is 180 cm and 64.8 kg: BSA (Mosteller) = √(180 × 64.8 / 3600) = √3.24 =
1.80 m² exactly, so each full dose is the regimen's mg/m² × 1.80, worked by hand below.
The thresholds come from the sources cited in regimen_library/drugs.toml and named in
each test; the ULNs are given explicitly (``uln``) unless the test is about a default.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import load_library
from regimens._read.patient import make_patient

DATE = "2026-12-04"
#: Normal blood counts: no haematology rule of the library delays a cycle on these.
COUNTS = ["anc=2.0", "platelets=150"]
#: The laboratory's own ULNs, so that × ULN values are exact.
ULN = ["bilirubin=1.0 mg/dL", "ast=40 U/L", "alt=40 U/L", "alp=100 U/L"]
#: Normal liver tests at those ULNs.
NORMAL_LIVER = ["bilirubin=0.5 mg/dL", "ast=20", "alt=20", "alp=80"]


@pytest.fixture(scope="module")
def library():
    return load_library(use_env=False)


def _sheet(library, regimen, *, labs=(), uln=ULN, **given):
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=list(labs), uln=list(uln), **given
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs))


def _labs(*changed: str) -> list[str]:
    """Normal counts and liver tests, with the named labs replaced."""
    names = {item.split("=")[0] for item in changed}
    kept = [item for item in (*COUNTS, *NORMAL_LIVER) if item.split("=")[0] not in names]
    return [*kept, *changed]


def _drug(sheet, drug):
    return next(d for d in sheet.assessment.drugs if d.drug == drug and d.method is None)


def _doses(sheet, drug):
    return [a for day in sheet.days for a in day.administrations if a.drug == drug]


def _codes(sheet):
    return {w.code for w in sheet.warnings}


# --- docetaxel: US label, bilirubin > ULN, or AST/ALT > 1.5 × ULN with ALP > 2.5 × ULN ---


@pytest.mark.parametrize(
    ("labs", "stopped"),
    [
        # Bilirubin 1.0 mg/dL = 1.0 × ULN: not above the ULN.
        (["bilirubin=1.0 mg/dL"], False),
        (["bilirubin=1.01 mg/dL"], True),
        # 17.1 µmol/L = 1.0 mg/dL exactly (17.1 µmol/L per mg/dL): on the ULN, given.
        (["bilirubin=17.1 umol/L"], False),
        (["bilirubin=17.2 umol/L"], True),
        # AST 1.5 × ULN is not above 1.5; ALP 2.5 × ULN is not above 2.5.
        (["ast=60", "alp=260"], False),  # AST 1.5 ×, ALP 2.6 ×
        (["ast=61", "alp=250"], False),  # AST 1.525 ×, ALP 2.5 ×
        (["ast=61", "alp=251"], True),  # AST 1.525 ×, ALP 2.51 ×
        (["alt=61", "alp=251"], True),  # the same with ALT
        # Transaminases alone, however high, are not the label's combination.
        (["ast=400", "alt=400"], False),
        (["alp=1000"], False),
    ],
)
def test_docetaxel_liver_rule(library, labs, stopped):
    sheet = _sheet(library, "DOCETAXEL", labs=_labs(*labs))
    docetaxel = _drug(sheet, "docetaxel")
    dose = _doses(sheet, "docetaxel")[0]
    if stopped:
        assert docetaxel.action == "stop"
        assert sheet.assessment.decision == "stop"
        assert "HEPATIC_CONTRAINDICATION" in _codes(sheet)
        assert sheet.blocking
        assert dose.withheld
        assert dose.withheld_reason == "assessment"
        reason = next(r for r in docetaxel.reasons if r.rule == "docetaxel-hepatic")
        assert "US prescribing information" in reason.source
    else:
        assert docetaxel.action == "give"
        assert sheet.assessment.decision == "go"
        # Docetaxel 75 mg/m² × 1.80 m² = 135 mg.
        assert dose.dose_mg == pytest.approx(135.0)
        assert not sheet.blocking


def test_docetaxel_without_liver_tests_is_blocking(library):
    # The rule can stop the drug: a missing lab is blocking (LAB_MISSING), not a pass.
    sheet = _sheet(library, "DOCETAXEL", labs=COUNTS)
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "docetaxel"]
    assert missing
    assert missing[0].severity == "blocking"
    assert {"bilirubin", "ast", "alt", "alp"} >= set(missing[0].params["labs"].split(", "))
    check = next(r for r in _drug(sheet, "docetaxel").rules if r.rule == "docetaxel-hepatic")
    assert check.status == "missing_input"


# --- irinotecan: EU SmPC 4.3, bilirubin > 3 × ULN contraindicated ----------------------------


@pytest.mark.parametrize(
    ("bilirubin", "stopped"),
    [("2.99 mg/dL", False), ("3.0 mg/dL", False), ("3.01 mg/dL", True), ("3.5xULN", True)],
)
def test_irinotecan_liver_rule(library, bilirubin, stopped):
    for regimen, dose in (("FOLFIRI", 324.0), ("XELIRI", 450.0)):
        sheet = _sheet(library, regimen, labs=_labs(f"bilirubin={bilirubin}"), uracil=10)
        irinotecan = _drug(sheet, "irinotecan")
        if stopped:
            assert irinotecan.action == "stop", regimen
            assert "HEPATIC_CONTRAINDICATION" in _codes(sheet)
            assert all(a.withheld for a in _doses(sheet, "irinotecan"))
        else:
            # FOLFIRI 180 mg/m² × 1.80 = 324 mg; XELIRI 250 mg/m² × 1.80 = 450 mg.
            assert _doses(sheet, "irinotecan")[0].dose_mg == pytest.approx(dose), regimen


def test_a_default_uln_is_used_and_said(library):
    # No --uln: the library's default bilirubin ULN, 1.2 mg/dL. 3.6 mg/dL = 3.0 × ULN
    # exactly (3.6 / 1.2 is 3.0000000000000004 in binary: it must not count as above 3).
    sheet = _sheet(library, "FOLFIRI", labs=_labs("bilirubin=3.6 mg/dL"), uln=(), uracil=10)
    assert _drug(sheet, "irinotecan").action == "give"
    assert sheet.assessment.uln_used["bilirubin"] == pytest.approx(1.2)
    sheet = _sheet(library, "FOLFIRI", labs=_labs("bilirubin=3.61 mg/dL"), uln=(), uracil=10)
    reason = next(r for r in _drug(sheet, "irinotecan").reasons if r.rule == "irinotecan-hepatic")
    assert "library default ULN 1.2 mg/dL" in reason.value
    # With the laboratory's own ULN (1.3 mg/dL), 3.61 mg/dL is 2.78 × ULN: given.
    sheet = _sheet(
        library,
        "FOLFIRI",
        labs=_labs("bilirubin=3.61 mg/dL"),
        uln=["bilirubin=1.3 mg/dL"],
        uracil=10,
    )
    assert _drug(sheet, "irinotecan").action == "give"


# --- capecitabine: EU SmPC 4.4, bilirubin > 3 × ULN or ALT/AST > 2.5 × ULN → interrupt ------


@pytest.mark.parametrize(
    ("labs", "withheld"),
    [
        (["bilirubin=3.0 mg/dL"], False),
        (["bilirubin=3.01 mg/dL"], True),
        (["ast=100"], False),  # 2.5 × ULN 40
        (["ast=101"], True),  # 2.525 ×
        (["alt=100"], False),
        (["alt=101"], True),
    ],
)
def test_capecitabine_liver_rule(library, labs, withheld):
    sheet = _sheet(library, "XELIRI", labs=_labs(*labs), uracil=10)
    capecitabine = _drug(sheet, "capecitabine")
    doses = _doses(sheet, "capecitabine")
    if withheld:
        assert capecitabine.action == "withhold"
        assert all(a.withheld and a.withheld_reason == "assessment" for a in doses)
        assert "HEPATIC_CONTRAINDICATION" in _codes(sheet)
    else:
        assert capecitabine.action == "give"
        assert not any(a.withheld for a in doses)


# --- epirubicin: US label bands, and the combined EOX case of the issue ----------------------


def test_eox_bilirubin_2_with_grade_3_hand_foot(library):
    # Bilirubin 2.0 mg/dL: epirubicin 1.2-3 mg/dL band → 50 % (US label §2); capecitabine
    # 2.0 × ULN is under its 3 × ULN interruption. Grade 3 hand-foot syndrome, 1st time:
    # capecitabine 75 % (label table); epirubicin and oxaliplatin have no rung for it.
    sheet = _sheet(
        library,
        "EOX",
        labs=_labs("bilirubin=2.0 mg/dL"),
        toxicities=["hand-foot=3"],
        uracil=10,
    )
    epirubicin, capecitabine = _drug(sheet, "epirubicin"), _drug(sheet, "capecitabine")
    assert (epirubicin.action, epirubicin.level_percent) == ("reduce", 50.0)
    assert (capecitabine.action, capecitabine.level_percent) == ("reduce", 75.0)
    assert _drug(sheet, "oxaliplatin").action == "give"
    # Epirubicin 50 mg/m² × 1.80 × 50 % = 45 mg.
    assert _doses(sheet, "epirubicin")[0].calculated_mg == pytest.approx(45.0)
    # Capecitabine 625 mg/m² × 1.80 = 1125 mg per intake × 75 % = 843.75 mg.
    assert _doses(sheet, "capecitabine")[0].calculated_mg == pytest.approx(843.75)
    # Oxaliplatin 130 mg/m² × 1.80 = 234 mg, untouched.
    assert _doses(sheet, "oxaliplatin")[0].dose_mg == pytest.approx(234.0)
    assert {"HEPATIC_REDUCTION", "TOXICITY_REDUCTION"} <= _codes(sheet)
    assert sheet.assessment.decision == "go"


def test_epirubicin_conditions(library):
    sheet = _sheet(library, "EOX", labs=_labs(), conditions=["child-pugh-c"], uracil=10)
    assert _drug(sheet, "epirubicin").action == "stop"
    assert "CONDITION_CONTRAINDICATION" in _codes(sheet)
    sheet = _sheet(library, "EOX", labs=_labs(), conditions=["lactation"], uracil=10)
    assert _drug(sheet, "epirubicin").action == "stop"


# --- oxaliplatin: no liver rule; DIC, sepsis, HUS stop it (the case report's patient) --------


def test_oxaliplatin_states_that_no_liver_rule_applies(library):
    sheet = _sheet(library, "FOLFOX-6", labs=_labs("bilirubin=5 mg/dL"), uracil=10)
    oxaliplatin = _drug(sheet, "oxaliplatin")
    check = next(r for r in oxaliplatin.rules if r.rule == "oxaliplatin-hepatic")
    assert check.status == "none_applies"
    assert "hepatic" not in oxaliplatin.not_encoded
    assert oxaliplatin.action == "give"
    # Fluorouracil has no liver rule in the library: that must look missing, not "none".
    assert "hepatic" in _drug(sheet, "fluorouracil").not_encoded


@pytest.mark.parametrize("condition", ["dic", "CIVD", "septic-shock", "hus"])
def test_the_case_reports_dic_stops_oxaliplatin(library, condition):
    sheet = _sheet(library, "FOLFOX-6", labs=_labs(), conditions=[condition], uracil=10)
    oxaliplatin = _drug(sheet, "oxaliplatin")
    assert oxaliplatin.action == "stop"
    assert sheet.assessment.decision == "stop"
    assert sheet.blocking
    assert all(a.withheld for a in _doses(sheet, "oxaliplatin"))
    # The other drugs of FOLFOX-6 follow their own rules: they are not stopped by DIC.
    assert _drug(sheet, "fluorouracil").action == "give"


def test_an_override_of_the_dic_rule_is_on_record_not_silent(library):
    sheet = _sheet(
        library,
        "FOLFOX-6",
        labs=_labs(),
        conditions=["dic"],
        uracil=10,
        overrides=["oxaliplatin-stop-conditions=DIC resolved, oncologist decision 2026-12-03"],
    )
    oxaliplatin = _drug(sheet, "oxaliplatin")
    assert oxaliplatin.action == "give"
    reason = next(r for r in oxaliplatin.reasons if r.rule == "oxaliplatin-stop-conditions")
    assert reason.overridden == "DIC resolved, oncologist decision 2026-12-03"
    overridden = [w for w in sheet.warnings if w.code == "ASSESSMENT_OVERRIDDEN"]
    assert overridden
    assert overridden[0].severity == "caution"
    # mFOLFOX6 oxaliplatin 85 mg/m² × 1.80 = 153 mg, computed and given.
    assert _doses(sheet, "oxaliplatin")[0].dose_mg == pytest.approx(153.0)


# --- irinotecan's contraindications, including the one renal state a label names -------------


@pytest.mark.parametrize(
    "condition", ["dialysis", "haemodialysis", "bowel-obstruction", "ibd", "pregnancy", "ecog-3"]
)
def test_irinotecan_contraindications(library, condition):
    sheet = _sheet(library, "FOLFIRI", labs=_labs(), conditions=[condition], uracil=10)
    assert _drug(sheet, "irinotecan").action == "stop"
    # Fluorouracil and folinic acid are not stopped by irinotecan's contraindications.
    assert _drug(sheet, "fluorouracil").action == "give"


def test_zoledronic_acid_states_that_no_liver_rule_applies(library):
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=_labs(), uln=ULN, uracil=10
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    sheet = compute_sheet(
        library,
        "FOLFOX-6",
        patient,
        SheetOptions(assessment=inputs),
        supportive=["ZOLEDRONIC-ACID"],
    )
    zoledronic = _drug(sheet, "zoledronic acid")
    assert [r.status for r in zoledronic.rules if r.kind == "hepatic"] == ["none_applies"]


# --- the age of the labs: 3 days (UK standard, Chambers et al. Cancer Med 2021) -------------


@pytest.mark.parametrize(("lab_date", "stale"), [("2026-12-01", False), ("2026-11-30", True)])
def test_labs_older_than_three_days_are_stale(library, lab_date, stale):
    sheet = _sheet(library, "FOLFOX-6", labs=_labs(), uracil=10, lab_date=lab_date)
    assert ("LAB_STALE" in _codes(sheet)) is stale
    assert sheet.blocking is stale


# --- docs/assessment.md lists every rule, as the library has it ------------------------------


def test_the_rule_reference_is_current():
    root = Path(__file__).resolve().parent.parent
    script = runpy.run_path(str(root / "scripts" / "assessment_rules.py"))
    current = (root / "docs" / "assessment.md").read_text(encoding="utf-8")
    assert current == script["render"](current), (
        "docs/assessment.md is stale: regenerate it with `python scripts/assessment_rules.py`"
    )


def test_every_rule_and_ladder_is_documented(library):
    text = (Path(__file__).resolve().parent.parent / "docs" / "assessment.md").read_text(
        encoding="utf-8"
    )
    ids = [rule.id for drug in library.drugs.values() for rule in drug.assessment]
    ids += [ladder.id for drug in library.drugs.values() for ladder in drug.toxicity_ladders]
    for regimen in library.regimens.values():
        ids += [rule.id for rule in regimen.assessment]
        ids += [ladder.id for ladder in regimen.toxicity_ladders]
    assert len(ids) >= 30
    assert [rule_id for rule_id in ids if f"#### `{rule_id}`" not in text] == []


def test_waiting_for_an_input_is_a_delay_not_a_go(library):
    # Stale labs (4 days > 3): the cycle waits for a fresh sample, re-checked on the day.
    sheet = _sheet(library, "FOLFOX-6", labs=_labs(), uracil=10, lab_date="2026-11-30")
    assert sheet.assessment.decision == "delay"
    assert str(sheet.assessment.recheck_date) == DATE
    reasons = [r for r in sheet.assessment.cycle_reasons if r.kind == "input"]
    assert [r.code for r in reasons] == ["LAB_STALE"]
    # Docetaxel without liver tests: its contraindication cannot be ruled out.
    sheet = _sheet(library, "DOCETAXEL", labs=COUNTS)
    assert sheet.assessment.decision == "delay"
    # France without a uracilaemia before a fluoropyrimidine (a legal requirement).
    sheet = _sheet(library, "FOLFOX-6", labs=_labs(), country="FR")
    assert sheet.assessment.decision == "delay"
    assert "DPD_STATUS_MISSING" in [r.code for r in sheet.assessment.cycle_reasons]
    # A caution-only missing input does not hold the cycle: capecitabine's liver rule
    # withholds (not stops), so EOX without liver tests is still "go".
    sheet = _sheet(library, "EOX", labs=COUNTS, uracil=10)
    assert sheet.assessment.decision == "go"
    # Counts below the threshold and stale labs: the counts' 7 days win.
    sheet = _sheet(library, "FOLFOX-6", labs=_labs("anc=1.0"), uracil=10, lab_date="2026-11-30")
    assert str(sheet.assessment.recheck_date) == "2026-12-11"


@pytest.mark.parametrize(
    ("creatinine", "caution"),
    # Epirubicin US label §2: 'consider lower doses … serum creatinine > 5 mg/dL'.
    # 442 µmol/L ÷ 88.4 = 5.0 mg/dL exactly: on the threshold, no caution.
    [("5.0 mg/dL", False), ("442 umol/L", False), ("5.01 mg/dL", True), ("450 umol/L", True)],
)
def test_epirubicin_renal_caution_changes_no_dose(library, creatinine, caution):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[*_labs(), f"creatinine={creatinine}"],
        uln=ULN,
        uracil=10,
    )
    # Age 60, male, 64.8 kg: the creatinine lab feeds Cockcroft–Gault (no --crcl).
    patient = make_patient(height=180, weight=64.8, age=60, sex="M")
    sheet = compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    epirubicin = _drug(sheet, "epirubicin")
    assert ("RENAL_CAUTION" in _codes(sheet)) is caution
    assert epirubicin.action == "give"
    # 50 mg/m² × 1.80 = 90 mg whatever the creatinine: the label gives no reduced dose.
    assert _doses(sheet, "epirubicin")[0].dose_mg == pytest.approx(90.0)


def test_a_patient_creatinine_counts_as_the_lab(library):
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=_labs(), uln=ULN, uracil=10
    )
    patient = make_patient(height=180, weight=64.8, age=60, sex="M", creatinine="6 mg/dL")
    sheet = compute_sheet(library, "EOX", patient, SheetOptions(assessment=inputs))
    assert "RENAL_CAUTION" in _codes(sheet)
    # Without any creatinine the caution cannot be decided: said, not passed.
    sheet = _sheet(library, "EOX", labs=_labs(), uracil=10)
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "epirubicin"]
    assert "creatinine" in missing[0].params["labs"]


def test_a_go_says_which_cycle_rules_were_checked(library):
    sheet = _sheet(library, "FOLFOX-6", labs=_labs(), uracil=10)
    assert sheet.assessment.decision == "go"
    checks = {check.rule: check.status for check in sheet.assessment.cycle_rules}
    assert checks == {"folfox-6-haematology": "not_met"}


def test_a_delay_outranked_by_a_stop_keeps_its_recheck_date(library):
    # ANC 1.0 delays FOLFOX-6 (7 days, EU oxaliplatin SmPC); DIC stops oxaliplatin: the
    # decision is stop, and the other drugs still wait for the counts.
    sheet = _sheet(library, "FOLFOX-6", labs=_labs("anc=1.0"), uracil=10, conditions=["dic"])
    assert sheet.assessment.decision == "stop"
    assert str(sheet.assessment.recheck_date) == "2026-12-11"


def test_a_bare_lab_value_shows_its_unit(library):
    sheet = _sheet(library, "FOLFOX-6", labs=_labs("anc=1.2"), uracil=10)
    (reason,) = sheet.assessment.cycle_reasons
    assert reason.value == "anc 1.2 10^9/L"

"""The hand-worked tables of the treatment-day research notes, run against the library
(issue 18): blood counts at and around each regimen's threshold, DPD and UGT1A1 status,
the country rule, and every toxicity ladder rung of every regimen.

Tables: docs/research/issue-18-haematology-ladders.md (§2.7 H1–H24, §3), and
docs/research/issue-18-dpd-ladders.md (§1.5 D/U/C/F, §2.4 G, §4.3 T, §5.3 E, §6.3 X),
each row worked by hand from the source the notes quote. A level is % of the full dose;
a reduced dose "65 mg/m2" is 65 / 85 = 76.47 % of mFOLFOX6's 85 mg/m2, and so on. The
patient is 180 cm and 64.8 kg (BSA 1.80 m² exactly) with normal liver tests.
"""

from __future__ import annotations

import pytest

from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import load_library
from regimens._read.patient import make_patient

DATE = "2026-03-02"
LIVER = ["bilirubin=0.5 mg/dL", "ast=20", "alt=20", "alp=80", "creatinine=0.9 mg/dL"]


@pytest.fixture(scope="module")
def library():
    return load_library(use_env=False)


def _sheet(library, regimen, *, counts=("anc=2.0", "platelets=150"), **given):
    given.setdefault("uracil", 10)
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=[*LIVER, *counts], **given
    )
    patient = make_patient(height=180, weight=64.8, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs))


def _outcome(sheet, drug, method=None):
    """(action, level %) of a drug, or of one of its methods where a rung names it."""
    entries = {(d.drug, d.method): d for d in sheet.assessment.drugs}
    entry = entries.get((drug, method)) or entries[(drug, None)]
    return entry.action, round(entry.level_percent, 2)


# --- blood counts: go or delay (7 days), at, below and above each threshold ----------------


@pytest.mark.parametrize(
    ("regimen", "anc", "platelets", "delayed"),
    [
        # FOLFOX-6: EU oxaliplatin SmPC §4.4, delay if ANC < 1.5 or platelets < 50.
        ("FOLFOX-6", 1.50, 50, False),  # H1: on both edges ("<" is strict)
        ("FOLFOX-6", 1.49, 200, True),  # H2
        ("FOLFOX-6", 1.51, 51, False),  # H3
        ("FOLFOX-6", 2.0, 49, True),  # H4
        ("FOLFOX-6", 2.0, 60, False),  # H5: the EU SmPC (the US label would delay < 75)
        ("FOLFOX-6", 1.2, 40, True),  # H6
        # FOLFIRI: recovery to grade 0-1 (Campto SmPC) = ANC ≥ 1.5, platelets ≥ 75.
        ("FOLFIRI", 1.50, 75, False),  # H7
        ("FOLFIRI", 1.49, 300, True),  # H8
        ("FOLFIRI", 3.0, 74, True),  # H9
        ("FOLFIRI", 1.51, 76, False),  # H10
        # XELIRI and EOX: capecitabine SmPC and epirubicin label, 1.5 and 100.
        ("XELIRI", 1.50, 100, False),  # H11
        ("XELIRI", 1.49, 150, True),  # H12
        ("XELIRI", 2.5, 99, True),  # H13
        ("XELIRI", 1.51, 101, False),  # H14
        ("EOX", 1.50, 100, False),  # H15
        ("EOX", 1.49, 250, True),  # H16
        ("EOX", 2.0, 99, True),  # H17
        ("EOX", 1.51, 101, False),  # H18
        # DOCETAXEL: ANC ≥ 1.5 (label [P]); platelets ≥ 100 (rule docetaxel-platelets [U]).
        ("DOCETAXEL", 1.50, 250, False),  # H19
        ("DOCETAXEL", 1.49, 250, True),  # H20
        ("DOCETAXEL", 1.51, 250, False),  # H21
        ("DOCETAXEL", 3.0, 20, True),  # H22 with the platelet rule encoded
        ("DOCETAXEL", 3.0, 99, True),  # H23
        ("DOCETAXEL", 3.0, 100, False),
        ("DOCETAXEL", 3.0, 101, False),
    ],
)
def test_blood_counts_delay_the_cycle(library, regimen, anc, platelets, delayed):
    sheet = _sheet(library, regimen, counts=(f"anc={anc}", f"platelets={platelets}"))
    assessment = sheet.assessment
    assert assessment.decision == ("delay" if delayed else "go")
    if delayed:
        # Re-check 7 days later (the library's default interval for a count delay).
        assert str(assessment.recheck_date) == "2026-03-09"
        assert {r.code for r in assessment.cycle_reasons} == {"LAB_BELOW_THRESHOLD"}
        assert sheet.blocking
    else:
        assert assessment.recheck_date is None


def test_zoledronic_acid_has_no_blood_count_rule(library):
    # H24: zoledronic acid is not myelosuppressive; its doses follow the renal table.
    sheet = _sheet(library, "ZOLEDRONIC-ACID", counts=("anc=0.4", "platelets=20"))
    assert sheet.assessment.decision == "go"


def test_a_missing_count_is_named_and_not_blocking(library):
    # H25: a count delay is not a contraindication: LAB_MISSING is a caution.
    sheet = _sheet(library, "FOLFOX-6", counts=("platelets=150",))
    missing = [w for w in sheet.warnings if w.code == "LAB_MISSING"]
    assert [w.params["labs"] for w in missing] == ["anc"]
    assert missing[0].severity == "caution"


# --- DPD: activity score (CPIC/DPWG) and uracilaemia (HAS/INCa) ----------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"dpyd_activity_score": 2}, ("give", 100.0)),  # D1
        ({"dpyd_activity_score": 1.5}, ("reduce", 50.0)),  # D2
        ({"dpyd_activity_score": 1}, ("reduce", 50.0)),  # D3
        ({"dpyd_activity_score": 0.5}, ("stop", 100.0)),  # D4: avoid
        ({"dpyd_activity_score": 0}, ("stop", 100.0)),  # D5
        ({"uracil": 15.9}, ("give", 100.0)),  # U1
        ({"uracil": 16}, ("reduce", 50.0)),  # U2: ≥ 16 partial deficiency
        ({"uracil": 16.1}, ("reduce", 50.0)),  # U3
        ({"uracil": 149.9}, ("reduce", 50.0)),  # U4
        ({"uracil": 150}, ("stop", 100.0)),  # U5: ≥ 150 complete deficiency
        ({"uracil": 150.1}, ("stop", 100.0)),  # U6
        ({"dpyd_activity_score": 2, "uracil": 20}, ("reduce", 50.0)),  # C1: lowest wins
        ({"dpyd_activity_score": 1, "uracil": 160}, ("stop", 100.0)),  # C2: stop wins
    ],
)
def test_dpd_status(library, given, expected):
    given.setdefault("uracil", None)
    for regimen, drug in (("EOX", "capecitabine"), ("FOLFOX-6", "fluorouracil")):
        sheet = _sheet(library, regimen, **given)
        action, level = _outcome(sheet, drug)
        # A stopped drug's level is not given: the action is what counts.
        assert (action, level if action != "stop" else 100.0) == expected, regimen
    # EOX capecitabine 625 mg/m² × 1.80 = 1125 mg per intake; at 50 % 562.5 mg.
    if expected == ("reduce", 50.0):
        sheet = _sheet(library, "EOX", **given)
        capecitabine = next(a for a in sheet.days[0].administrations if a.drug == "capecitabine")
        assert capecitabine.calculated_mg == pytest.approx(562.5)


@pytest.mark.parametrize(
    ("country", "given", "blocking_missing"),
    [
        ("FR", {"uracil": None}, True),  # F1: French law requires a uracilaemia
        ("FR", {"uracil": None, "dpyd_activity_score": 2}, True),  # F2: a genotype is not it
        ("FR", {"uracil": 12}, False),  # F3
        ("DE", {"uracil": None}, False),  # F4: a caution elsewhere
    ],
)
def test_the_french_uracilaemia_requirement(library, country, given, blocking_missing):
    sheet = _sheet(library, "FOLFOX-6", country=country, **given)
    missing = [w for w in sheet.warnings if w.code == "DPD_STATUS_MISSING"]
    assert any(w.severity == "blocking" for w in missing) is blocking_missing
    if country == "DE":
        assert missing
        assert all(w.severity == "caution" for w in missing)


def test_a_genotype_alone_outside_france_reduces_without_a_status_warning(library):
    # F5: DE, activity score 1.5, no uracil: 50 % and no DPD_STATUS_MISSING.
    sheet = _sheet(library, "FOLFOX-6", country="DE", uracil=None, dpyd_activity_score=1.5)
    assert _outcome(sheet, "fluorouracil") == ("reduce", 50.0)
    assert "DPD_STATUS_MISSING" not in {w.code for w in sheet.warnings}


# --- UGT1A1: poor metabolisers at 70 % (DPWG) ---------------------------------------------


@pytest.mark.parametrize(
    ("genotype", "level"),
    [
        ("*1/*1", 100.0),  # G1
        ("*1/*28", 100.0),  # G2: intermediate metaboliser, no action (DPWG)
        ("*1/*6", 100.0),  # G3
        ("*28/*28", 70.0),  # G4
        ("*28/*6", 70.0),  # G5, written in either order
        ("*6/*6", 70.0),  # G6
        ("*28/*37", 70.0),
    ],
)
def test_ugt1a1_genotypes(library, genotype, level):
    sheet = _sheet(library, "FOLFIRI", ugt1a1=genotype)
    assert _outcome(sheet, "irinotecan")[1] == level
    # FOLFIRI irinotecan 180 mg/m² × 1.80 = 324 mg; × 70 % = 226.8 mg.
    irinotecan = next(a for a in sheet.days[0].administrations if a.drug == "irinotecan")
    assert irinotecan.calculated_mg == pytest.approx(324 * level / 100)


def test_no_genotype_is_said_not_blocking(library):
    # G7: no genotype: UGT1A1_NOT_GIVEN (info), full dose.
    sheet = _sheet(library, "FOLFIRI")
    assert _outcome(sheet, "irinotecan") == ("give", 100.0)
    notes = [w for w in sheet.warnings if w.code == "UGT1A1_NOT_GIVEN"]
    assert [w.severity for w in notes] == ["info"]


# --- weight change: ≥ 10 % of the reference weight (COSA) ---------------------------------


@pytest.mark.parametrize(
    ("weight", "changed"), [(63.0, True), (63.1, False), (70.0, False), (76.9, False), (77.0, True)]
)
def test_weight_change_at_ten_percent(library, weight, changed):
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=[*LIVER, "anc=2", "platelets=150"],
        uracil=10,
        reference_weight="70 kg",
    )
    patient = make_patient(height=170, weight=weight, crcl=90)
    sheet = compute_sheet(library, "FOLFOX-6", patient, SheetOptions(assessment=inputs))
    warnings = [w for w in sheet.warnings if w.code == "WEIGHT_CHANGED"]
    assert bool(warnings) is changed
    if weight == 77.0:
        # BSA then √(170 × 70 / 3600) = 1.818 → 1.82; now √(170 × 77 / 3600) = 1.907 → 1.91.
        assert (warnings[0].params["bsa_then"], warnings[0].params["bsa_now"]) == ("1.82", "1.91")


# --- capecitabine's label ladder (EOX) ------------------------------------------------------


@pytest.mark.parametrize(
    ("toxicities", "expected"),
    [
        (["hand-foot=0"], ("give", 100.0)),  # T0
        (["hand-foot=1:1"], ("give", 100.0)),  # T1
        (["hand-foot=2:1"], ("give", 100.0)),  # T2: after resolution to grade 0-1
        (["hand-foot=2:2"], ("reduce", 75.0)),  # T3
        (["hand-foot=2:3"], ("reduce", 50.0)),  # T4
        (["hand-foot=2:4"], ("stop", 100.0)),  # T5
        (["diarrhoea=3:1"], ("reduce", 75.0)),  # T6
        (["diarrhoea=3:2"], ("reduce", 50.0)),  # T7
        (["diarrhoea=3:3"], ("stop", 100.0)),  # T8
        (["diarrhoea=4:1"], ("stop", 100.0)),  # T9: discontinue (50 % only by override)
        (["neuropathy=3:1"], ("give", 100.0)),  # T10: not in capecitabine's list
        (["hand-foot=2:2", "diarrhoea=3:1"], ("reduce", 75.0)),  # T11
        (["hand-foot=3:1", "diarrhoea=2:3"], ("reduce", 50.0)),  # T12: lowest wins
    ],
)
def test_capecitabine_label_ladder(library, toxicities, expected):
    sheet = _sheet(library, "EOX", toxicities=toxicities)
    assert _outcome(sheet, "capecitabine") == expected


# --- EOX: epirubicin's label rule and oxaliplatin's neuropathy ------------------------------


@pytest.mark.parametrize(
    ("toxicities", "epirubicin", "oxaliplatin", "capecitabine"),
    [
        ([], 100.0, 100.0, 100.0),  # E1
        (["febrile-neutropenia=3:1"], 75.0, 100.0, 75.0),  # E2
        (["neutropenia=3:1"], 100.0, 100.0, 75.0),  # E3: epirubicin acts at grade 4 only
        (["neutropenia=4:1"], 75.0, 100.0, "stop"),  # E4
        (["thrombocytopenia=2:1"], 100.0, 100.0, 100.0),  # E5
        (["thrombocytopenia=3:1"], 75.0, 100.0, 75.0),  # E6
        (["diarrhoea=3:2"], 56.25, 100.0, 50.0),  # E7: 75 % of 75 %
        (["neuropathy=1"], 100.0, 100.0, 100.0),  # E8
        (["neuropathy=3"], 75.0, "stop", 100.0),  # E10
    ],
)
def test_eox_ladders(library, toxicities, epirubicin, oxaliplatin, capecitabine):
    sheet = _sheet(library, "EOX", toxicities=toxicities)
    for drug, expected in (
        ("epirubicin", epirubicin),
        ("oxaliplatin", oxaliplatin),
        ("capecitabine", capecitabine),
    ):
        action, level = _outcome(sheet, drug)
        assert (action if expected == "stop" else level) == expected, drug


def test_eox_grade_2_neuropathy_is_the_prescribers_decision(library):
    # E9: the SmPC's 85 → 65 mg/m² has no 130 mg/m² equivalent: TOXICITY_NOT_COVERED.
    sheet = _sheet(library, "EOX", toxicities=["neuropathy=2"])
    assert _outcome(sheet, "oxaliplatin") == ("give", 100.0)
    assert "TOXICITY_NOT_COVERED" in {w.code for w in sheet.warnings if w.drug == "oxaliplatin"}


# --- DOCETAXEL: 75 → 60 mg/m² (80 %), then stop --------------------------------------------


@pytest.mark.parametrize(
    ("toxicity", "expected"),
    [
        ("febrile-neutropenia=3:1", ("reduce", 80.0)),  # X2: 60 / 75
        ("febrile-neutropenia=3:2", ("stop", 100.0)),  # X3
        ("neutropenia=4:1", ("reduce", 80.0)),  # X4
        ("neutropenia=3:1", ("give", 100.0)),  # X5
        ("skin=2:1", ("give", 100.0)),  # X6
        ("skin=3:1", ("reduce", 80.0)),  # X7
        ("neuropathy=2:1", ("give", 100.0)),  # X8
        ("neuropathy=3:1", ("reduce", 80.0)),  # X9
    ],
)
def test_docetaxel_ladder(library, toxicity, expected):
    sheet = _sheet(library, "DOCETAXEL", toxicities=[toxicity])
    assert _outcome(sheet, "docetaxel") == expected
    if expected[0] == "reduce":
        # 75 mg/m² × 1.80 = 135 mg; 60 mg/m² × 1.80 = 108 mg.
        docetaxel = sheet.days[0].administrations[0]
        assert docetaxel.calculated_mg == pytest.approx(108.0)


# --- FOLFIRI and XELIRI: irinotecan levels, fluorouracil −20 % per level ---------------------


@pytest.mark.parametrize(
    ("toxicity", "irinotecan", "fluorouracil"),
    [
        # Camptosar US Table 1, regimen 2: irinotecan 180 → 150 → 120 mg/m² (83.33 %,
        # 66.67 %); 5-FU bolus 400 → 320 → 240 and infusion 600 → 480 → 360 (80 %, 60 %).
        ("diarrhoea=3:1", 83.33, 80.0),
        ("diarrhoea=3:2", 66.67, 60.0),
        ("diarrhoea=3:3", "stop", "stop"),
        ("neutropenia=4:1", 83.33, 80.0),
        ("neutropenia=3:1", 100.0, 100.0),  # grade 3 neutropenia is not a trigger
        ("hand-foot=3:1", 100.0, 80.0),  # hand-foot is on fluorouracil's list only
    ],
)
def test_folfiri_ladders(library, toxicity, irinotecan, fluorouracil):
    sheet = _sheet(library, "FOLFIRI", toxicities=[toxicity])
    for drug, expected in (("irinotecan", irinotecan), ("fluorouracil", fluorouracil)):
        action, level = _outcome(sheet, drug)
        assert (action if expected == "stop" else level) == expected, drug


@pytest.mark.parametrize(
    ("toxicity", "irinotecan", "capecitabine"),
    [
        # XELIRI irinotecan 250 mg/m²: 200 (80 %), then 160 (64 %); capecitabine's label.
        ("diarrhoea=3:1", 80.0, 75.0),
        ("diarrhoea=3:2", 64.0, 50.0),
        ("diarrhoea=3:3", "stop", "stop"),
    ],
)
def test_xeliri_ladders(library, toxicity, irinotecan, capecitabine):
    sheet = _sheet(library, "XELIRI", toxicities=[toxicity])
    for drug, expected in (("irinotecan", irinotecan), ("capecitabine", capecitabine)):
        action, level = _outcome(sheet, drug)
        assert (action if expected == "stop" else level) == expected, drug


# --- FOLFOX-6: oxaliplatin neuropathy and the mFOLFOX6 protocol table -----------------------


@pytest.mark.parametrize(
    ("toxicity", "oxaliplatin", "bolus", "infusion"),
    [
        # SmPC: persisting grade 2 paraesthesia 85 → 65 mg/m² (76.47 %); grade 3 stop.
        ("neuropathy=1", 100.0, 100.0, 100.0),
        ("neuropathy=2:1", 76.47, 100.0, 100.0),
        ("neuropathy=3:1", "stop", 100.0, 100.0),
        # JECCR 2009 Table 1: non-haematological grade 3: oxaliplatin 65, 5-FU bolus
        # 400 → 300 (75 %), infusion 2400 → 2000 (83.33 %).
        ("diarrhoea=3:1", 76.47, 75.0, 83.33),
        # Skin grade 3: oxaliplatin kept at 85, 5-FU as above.
        ("skin=3:1", 100.0, 75.0, 83.33),
        # Neutrophils < 500 (grade 4) or platelets < 50 000 (grade ≥ 3): bolus omitted.
        ("neutropenia=4:1", 100.0, "withhold", 100.0),
        ("thrombocytopenia=3:1", 100.0, "withhold", 100.0),
    ],
)
def test_folfox_6_ladders(library, toxicity, oxaliplatin, bolus, infusion):
    sheet = _sheet(library, "FOLFOX-6", toxicities=[toxicity])
    for (drug, method), expected in (
        (("oxaliplatin", None), oxaliplatin),
        (("fluorouracil", "bolus"), bolus),
        (("fluorouracil", "continuous_infusion"), infusion),
    ):
        action, level = _outcome(sheet, drug, method)
        shown = action if expected in ("stop", "withhold") else level
        assert shown == expected, (drug, method)

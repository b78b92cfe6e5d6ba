"""Issue 21's premedication, antiemetic and supportive orders, emetogenic classes and
treatment-day blood-count rules, on the library's new regimens.

Two patients, worked by hand:

- A: 200 cm, 72 kg, CrCl 100 mL/min → Mosteller √(200 × 72 / 3600) = √4 = 2.00 m²;
  per-kg doses on 72 kg; carboplatin AUC 2 × (100 + 25) = 250 mg.
- B: 162 cm, 50 kg, CrCl 80 mL/min → √(162 × 50 / 3600) = √2.25 = 1.50 m²; per-kg
  doses on 50 kg; carboplatin AUC 2 × (80 + 25) = 210 mg.

Parenteral doses are rounded to 1 mg, half down (src/regimens/_calc/rounding.py:
127.5 → 127). The orders are flat doses, the same at both patients. Sources (quoted in
regimen_library/*.toml): NZ SACT Regimen Library pages for FLOT, CAPOX, FOLFIRINOX and
weekly paclitaxel; the docetaxel prescribing information (MIMS copy) for DCF's
dexamethasone; the ASCO antiemetics guideline's Table 1 for the classes.
"""

from __future__ import annotations

import json

import pytest

from regimens._calc.course import _sum_sheets
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.sheet import DoseSheet
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import sheet_fhir_json
from regimens._render.sheet import sheet_csv, sheet_markdown, sheet_table
from regimens._render.sheet_json import sheet_document
from regimens._render.sheet_print import sheet_html
from test_regimens_21 import doses as chemotherapy

PATIENT_A = {"height": 200, "weight": 72, "crcl": 100}
PATIENT_B = {"height": 162, "weight": 50, "crcl": 80}

Doses = dict[tuple[int, str, str], float]


def sheet(
    library: Library, regimen: str, patient: dict[str, float], **options: object
) -> DoseSheet:
    return compute_sheet(library, regimen, make_patient(**patient), SheetOptions(**options))  # type: ignore[arg-type]


def orders(result: DoseSheet) -> Doses:
    """{(day, drug, kind): dose in mg} of every order that is not chemotherapy."""
    return {
        (d.day, a.drug, a.kind): a.dose_mg
        for d in result.days
        for a in d.administrations
        if a.kind != "chemotherapy"
    }


def intakes(result: DoseSheet, drug: str) -> set[int]:
    return {a.intakes_per_day for d in result.days for a in d.administrations if a.drug == drug}


# --- the orders, at both patients -------------------------------------------------------

FLOT_ORDERS: Doses = {
    # NZ SACT FLOT: 'dexamethasone * 8 mg Twice daily oral administration 0, 1, 2' (the
    # page's day 0 is the day before day 1: -1 here); ondansetron 8 mg twice on day 1;
    # 'pegFILGRASTIM 6 mg subcutaneous injection 3'.
    (-1, "dexamethasone", "premedication"): 8,
    (1, "dexamethasone", "premedication"): 8,
    (2, "dexamethasone", "premedication"): 8,
    (1, "ondansetron", "antiemetic"): 8,
    (3, "pegfilgrastim", "supportive"): 6,
}
CAPOX_ORDERS: Doses = {
    # NZ SACT CAPOX: dexamethasone 8 mg PO days 1, 2, 3; ondansetron 8 mg PO day 1 (twice).
    (1, "dexamethasone", "antiemetic"): 8,
    (2, "dexamethasone", "antiemetic"): 8,
    (3, "dexamethasone", "antiemetic"): 8,
    (1, "ondansetron", "antiemetic"): 8,
}
DCF_ORDERS: Doses = {
    # Docetaxel label: 'dexamethasone 16 mg per day (8 mg twice daily) for 3 days starting
    # one day before docetaxel administration': the day before, day 1, day 2.
    (-1, "dexamethasone", "premedication"): 8,
    (1, "dexamethasone", "premedication"): 8,
    (2, "dexamethasone", "premedication"): 8,
}
RAINBOW_ORDERS: Doses = {
    # NZ SACT weekly paclitaxel 80 mg/m² (days 1, 8, 15 of 28): dexamethasone 8 mg,
    # loratadine 10 mg, famotidine 20 mg PO one hour before paclitaxel, days 1, 8, 15.
    **{
        (day, drug, "premedication"): dose
        for day in (1, 8, 15)
        for drug, dose in (("dexamethasone", 8), ("loratadine", 10), ("famotidine", 20))
    },
    # HemOnc RAINBOW: diphenhydramine 50 mg IV before each ramucirumab (days 1 and 15).
    (1, "diphenhydramine", "premedication"): 50,
    (15, "diphenhydramine", "premedication"): 50,
}


def four_drug(atropine: bool = False) -> Doses:
    """The NZ SACT four-drug prophylaxis (FOLFIRINOX, mFOLFOXIRI, cisplatin-capecitabine
    pages, quoted in the regimen files): olanzapine 5 mg days 1-4; aprepitant 125 mg
    day 1, 80 mg days 2, 3; dexamethasone 12 mg day 1, 8 mg days 2, 3, 4; ondansetron
    8 mg day 1 (twice); with irinotecan, atropine 600 microgram IV on day 1."""
    orders: Doses = {
        **{(day, "olanzapine", "antiemetic"): 5 for day in (1, 2, 3, 4)},
        (1, "aprepitant", "antiemetic"): 125,
        (2, "aprepitant", "antiemetic"): 80,
        (3, "aprepitant", "antiemetic"): 80,
        (1, "dexamethasone", "antiemetic"): 12,
        **{(day, "dexamethasone", "antiemetic"): 8 for day in (2, 3, 4)},
        (1, "ondansetron", "antiemetic"): 8,
    }
    if atropine:
        orders[(1, "atropine", "premedication")] = 0.6
    return orders


DEX_ONDANSETRON: Doses = {
    # NZ SACT gastric mFOLFOX6-trastuzumab and CAPOX-pembrolizumab-trastuzumab pages:
    # dexamethasone 8 mg days 1, 2, 3; ondansetron 8 mg on day 1 (twice).
    **{(day, "dexamethasone", "antiemetic"): 8 for day in (1, 2, 3)},
    (1, "ondansetron", "antiemetic"): 8,
}
DCF_FULL: Doses = {
    **DCF_ORDERS,
    # NZ SACT head-and-neck TPF page: dexamethasone 8 mg days 3, 4; olanzapine 5 mg days
    # 1-4; aprepitant 125 mg day 1, 80 mg days 2, 3; ondansetron 8 mg day 1.
    (3, "dexamethasone", "antiemetic"): 8,
    (4, "dexamethasone", "antiemetic"): 8,
    **{(day, "olanzapine", "antiemetic"): 5 for day in (1, 2, 3, 4)},
    (1, "aprepitant", "antiemetic"): 125,
    (2, "aprepitant", "antiemetic"): 80,
    (3, "aprepitant", "antiemetic"): 80,
    (1, "ondansetron", "antiemetic"): 8,
    # The same page: magnesium sulfate heptahydrate 10 mmol IV over 60 minutes, day 1;
    # NZ cisplatin 50 mg/m² page (PORTEC-3 export): sodium chloride 0.9 % 'Quantity:
    # 1000 mL' after cisplatin, day 1 (flat: mL, as written).
    (1, "magnesium sulfate", "hydration"): 10,
    (1, "sodium chloride", "hydration"): 1000,
}
#: NZ SACT gastric cisplatin-capecitabine-pembrolizumab page (xp-trastuzumab.toml): the
#: four-drug prophylaxis, and magnesium sulfate heptahydrate 10 mmol IV over 60 minutes
#: on day 1 before cisplatin; sodium chloride 0.9 % 1000 mL after it (the volume from the
#: NZ cisplatin 50 mg/m² page).
XP_ORDERS: Doses = {
    **four_drug(),
    (1, "magnesium sulfate", "hydration"): 10,
    (1, "sodium chloride", "hydration"): 1000,
}
CROSS_ORDERS: Doses = {
    # NZ SACT weekly carboplatin AUC 2 / paclitaxel 45 mg/m² chemoradiation (lung):
    # dexamethasone 8 mg days 1, 2, 3; loratadine 10 mg, famotidine 20 mg day 1;
    # ondansetron 8 mg day 1 (twice).
    **{(day, "dexamethasone", "premedication"): 8 for day in (1, 2, 3)},
    (1, "loratadine", "premedication"): 10,
    (1, "famotidine", "premedication"): 20,
    (1, "ondansetron", "antiemetic"): 8,
}

ORDERS = {
    "FLOT": FLOT_ORDERS,
    "CAPOX": CAPOX_ORDERS,
    "FOLFIRINOX": four_drug(atropine=True),
    "MFOLFIRINOX": four_drug(atropine=True),
    "FOLFOXIRI": four_drug(atropine=True),
    "DCF": DCF_FULL,
    "XP-TRASTUZUMAB": XP_ORDERS,
    "PACLITAXEL-RAMUCIRUMAB": RAINBOW_ORDERS,
    "FOLFOX-NIVOLUMAB": DEX_ONDANSETRON,
    "CAPOX-NIVOLUMAB": DEX_ONDANSETRON,
    "CARBOPLATIN-PACLITAXEL-WEEKLY": CROSS_ORDERS,
}


def test_every_new_regimen_has_its_orders() -> None:
    """Issue 21's eleven regimens, each with the orders of its protocol page."""
    assert sorted(ORDERS) == sorted(SECOND_PATIENT)


@pytest.mark.parametrize("patient", [PATIENT_A, PATIENT_B], ids=["2.00m2", "1.50m2"])
@pytest.mark.parametrize("regimen", sorted(ORDERS))
def test_the_orders_are_the_protocols_flat_doses(
    library: Library, regimen: str, patient: dict[str, float]
) -> None:
    """Each order at its protocol's dose and days, whatever the patient's size."""
    assert orders(sheet(library, regimen, patient)) == ORDERS[regimen]


def test_twice_daily_orders_say_so(library: Library) -> None:
    """'8 mg Twice daily' (NZ FLOT, docetaxel label): 2 intakes of 8 mg = 16 mg a day;
    ondansetron listed twice on day 1 (before and after the chemotherapy) on every NZ
    page but the TPF one (cut after one); once a day elsewhere."""
    flot = sheet(library, "FLOT", PATIENT_A)
    assert intakes(flot, "dexamethasone") == {2}
    assert intakes(flot, "ondansetron") == {2}
    dcf = sheet(library, "DCF", PATIENT_A)
    premedication = {
        a.intakes_per_day
        for d in dcf.days
        for a in d.administrations
        if a.drug == "dexamethasone" and a.kind == "premedication"
    }
    assert premedication == {2}
    assert intakes(dcf, "ondansetron") == {1}
    for regimen in sorted(set(ORDERS) - {"DCF", "PACLITAXEL-RAMUCIRUMAB"}):
        assert intakes(sheet(library, regimen, PATIENT_A), "ondansetron") == {2}, regimen
    capox = sheet(library, "CAPOX", PATIENT_A)
    assert intakes(capox, "dexamethasone") == {1}


# --- the chemotherapy of the second patient (the first is in test_regimens_21.py) ---------

SECOND_PATIENT = {
    # 1.50 m², 50 kg. Capecitabine 1000 × 1.50 = 1500 mg = 3 × 500 mg per intake.
    "CAPOX": {("oxaliplatin", "infusion"): 195, ("capecitabine", "oral"): 1500},
    # docetaxel 50 × 1.5 = 75; oxaliplatin 85 × 1.5 = 127.5 → 127 (half down); folinic
    # acid 200 × 1.5 = 300; fluorouracil 2600 × 1.5 = 3900.
    "FLOT": {
        ("docetaxel", "infusion"): 75,
        ("oxaliplatin", "infusion"): 127,
        ("folinic acid", "infusion"): 300,
        ("fluorouracil", "continuous_infusion"): 3900,
    },
    # 85 → 127; folinic acid 400 × 1.5 = 600; irinotecan 180 × 1.5 = 270; 5-FU 400 × 1.5
    # = 600 bolus, 2400 × 1.5 = 3600 pump.
    "FOLFIRINOX": {
        ("oxaliplatin", "infusion"): 127,
        ("folinic acid", "infusion"): 600,
        ("irinotecan", "infusion"): 270,
        ("fluorouracil", "bolus"): 600,
        ("fluorouracil", "continuous_infusion"): 3600,
    },
    # irinotecan 150 × 1.5 = 225; no bolus.
    "MFOLFIRINOX": {
        ("oxaliplatin", "infusion"): 127,
        ("folinic acid", "infusion"): 600,
        ("irinotecan", "infusion"): 225,
        ("fluorouracil", "continuous_infusion"): 3600,
    },
    # irinotecan 165 × 1.5 = 247.5 → 247; folinic acid 400 × 1.5 = 600; 3200 × 1.5 = 4800.
    "FOLFOXIRI": {
        ("irinotecan", "infusion"): 247,
        ("oxaliplatin", "infusion"): 127,
        ("folinic acid", "infusion"): 600,
        ("fluorouracil", "continuous_infusion"): 4800,
    },
    # 75 × 1.5 = 112.5 → 112 (docetaxel and cisplatin); 750 × 1.5 × 5 days = 5625 mg pump.
    "DCF": {
        ("docetaxel", "infusion"): 112,
        ("cisplatin", "infusion"): 112,
        ("fluorouracil", "continuous_infusion"): 5625,
    },
    # trastuzumab 8 mg/kg × 50 kg = 400 (cycle 1); cisplatin 80 × 1.5 = 120.
    "XP-TRASTUZUMAB": {
        ("trastuzumab", "infusion"): 400,
        ("cisplatin", "infusion"): 120,
        ("capecitabine", "oral"): 1500,
    },
    # ramucirumab 8 mg/kg × 50 = 400; paclitaxel 80 × 1.5 = 120.
    "PACLITAXEL-RAMUCIRUMAB": {("ramucirumab", "infusion"): 400, ("paclitaxel", "infusion"): 120},
    # nivolumab flat 240 mg; mFOLFOX6 at 1.50 m².
    "FOLFOX-NIVOLUMAB": {
        ("nivolumab", "infusion"): 240,
        ("oxaliplatin", "infusion"): 127,
        ("folinic acid", "infusion"): 600,
        ("fluorouracil", "bolus"): 600,
        ("fluorouracil", "continuous_infusion"): 3600,
    },
    "CAPOX-NIVOLUMAB": {
        ("nivolumab", "infusion"): 360,
        ("oxaliplatin", "infusion"): 195,
        ("capecitabine", "oral"): 1500,
    },
    # paclitaxel 50 × 1.5 = 75; carboplatin AUC 2 × (80 + 25) = 210.
    "CARBOPLATIN-PACLITAXEL-WEEKLY": {
        ("paclitaxel", "infusion"): 75,
        ("carboplatin", "infusion"): 210,
    },
}


@pytest.mark.parametrize("regimen", sorted(SECOND_PATIENT))
def test_the_chemotherapy_at_the_second_patient(library: Library, regimen: str) -> None:
    """Day 1 at 162 cm / 50 kg / CrCl 80 (1.50 m²): the working is in SECOND_PATIENT."""
    result = sheet(library, regimen, PATIENT_B)
    assert result.bsa is not None
    assert result.bsa.bsa_m2 == pytest.approx(1.50)
    assert chemotherapy(result) == SECOND_PATIENT[regimen]


# --- every output format ----------------------------------------------------------------

SECTION_DAY = {
    "FLOT": "Day −1",
    "DCF": "Day −1",
    "CAPOX": "Day 1",
    "FOLFIRINOX": "Day 1",
    "PACLITAXEL-RAMUCIRUMAB": "Day 1",
    "MFOLFIRINOX": "Day 1",
    "FOLFOXIRI": "Day 1",
    "XP-TRASTUZUMAB": "Day 1",
    "FOLFOX-NIVOLUMAB": "Day 1",
    "CAPOX-NIVOLUMAB": "Day 1",
    "CARBOPLATIN-PACLITAXEL-WEEKLY": "Day 1",
}


@pytest.mark.parametrize("patient", [PATIENT_A, PATIENT_B], ids=["2.00m2", "1.50m2"])
@pytest.mark.parametrize("regimen", sorted(ORDERS))
def test_every_format_prints_the_premedication_section(
    library: Library, regimen: str, patient: dict[str, float]
) -> None:
    """Table and Markdown have the section 'Day N: premedication and supportive
    orders', the printed HTML order the kind beside each drug; CSV a kind per row; JSON
    a kind per administration; FHIR names the drug."""
    result = sheet(library, regimen, patient)
    title = f"{SECTION_DAY[regimen]}: premedication and supportive orders"
    (_, first_drug, first_kind), _ = next(iter(ORDERS[regimen].items()))
    for text in (sheet_table(result), sheet_markdown(result)):
        assert title in text
        assert f"{first_drug} ({first_kind})" in text
    # The printed order (issue 22): one order table, each order with its kind and days.
    html = sheet_html(result)
    assert f'{first_drug}</strong> <span class="sub">({first_kind})</span>' in html
    rows = sheet_csv(result).splitlines()
    header = rows[0].split(",")
    kinds = {
        (row.split(",")[header.index("drug")], row.split(",")[header.index("kind")])
        for row in rows[1:]
    }
    assert {(drug, kind) for _, drug, kind in ORDERS[regimen]} <= kinds
    document = json.loads(json.dumps(sheet_document(result)))
    found = {
        (day["day"], a["drug"], a["kind"]): a["dose_mg"]
        for day in document["days"]
        for a in day["administrations"]
        if a["kind"] != "chemotherapy"
    }
    assert found == ORDERS[regimen]
    assert first_drug in sheet_fhir_json(result, library=library)


# --- never touched by dose levels, never counted ----------------------------------------


def test_a_dose_level_leaves_the_orders_at_their_dose(library: Library) -> None:
    """FLOT at 75 %: docetaxel 50 × 2.00 × 0.75 = 75 mg; the orders stay as written."""
    result = sheet(library, "FLOT", PATIENT_A, dose_level_percent=75.0)
    assert chemotherapy(result)[("docetaxel", "infusion")] == 75
    assert orders(result) == FLOT_ORDERS


def test_the_orders_are_left_out_of_cumulative_doses(library: Library) -> None:
    """A course sums chemotherapy only: FLOT cycle 1 at 2.00 m² is docetaxel 100,
    oxaliplatin 170, folinic acid 400, fluorouracil 5200 mg; no dexamethasone,
    ondansetron or pegfilgrastim."""
    sums = _sum_sheets([sheet(library, "FLOT", PATIENT_A)], 1)
    assert sorted(sums) == ["docetaxel", "fluorouracil", "folinic acid", "oxaliplatin"]
    assert sums["docetaxel"].mg == 100.0


# --- emetogenic classes -----------------------------------------------------------------

EMETOGENIC = {
    # ASCO Table 1: cisplatin high; oxaliplatin, irinotecan, carboplatin moderate;
    # docetaxel, paclitaxel, fluorouracil low; nivolumab, ramucirumab, trastuzumab minimal.
    "DCF": "high",
    "XP-TRASTUZUMAB": "high",
    "CAPOX": "moderate",
    "FLOT": "moderate",
    "FOLFIRINOX": "moderate",
    "MFOLFIRINOX": "moderate",
    "FOLFOXIRI": "moderate",
    "FOLFOX-NIVOLUMAB": "moderate",
    "CAPOX-NIVOLUMAB": "moderate",
    "CARBOPLATIN-PACLITAXEL-WEEKLY": "moderate",
    "PACLITAXEL-RAMUCIRUMAB": "low",
}


@pytest.mark.parametrize(("regimen", "emetogenic_class"), sorted(EMETOGENIC.items()))
def test_each_new_regimen_states_its_emetogenic_class(
    library: Library, regimen: str, emetogenic_class: str
) -> None:
    """The class of the regimen's most emetogenic IV agent, with its source, in the
    header of the text sheet and in the JSON."""
    result = sheet(library, regimen, PATIENT_A)
    risk = library.get(regimen).emetogenic_risk
    assert risk is not None
    assert (risk.class_, risk.scheme, risk.evidence) == (emetogenic_class, "ASCO 2020", "P")
    assert "Table 1" in risk.source
    assert f"Emetogenic risk      {emetogenic_class} (ASCO 2020)" in sheet_table(result)
    assert sheet_document(result)["emetogenic_risk"]["class"] == emetogenic_class


# --- treatment-day blood counts -----------------------------------------------------------


def assess(library: Library, regimen: str, **labs: float) -> DoseSheet:
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date="2026-12-04",
        labs=[f"{name}={value}" for name, value in labs.items()],
        dpyd_activity_score="2",
    )
    patient = make_patient(**PATIENT_A)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs))


@pytest.mark.parametrize(
    ("regimen", "anc", "platelets", "decision"),
    [
        # CAPOX, CAPOX-NIVOLUMAB, XP-TRASTUZUMAB: capecitabine SmPC, not below ANC 1.5 or
        # platelets 100 × 10⁹/L; at the edge the cycle goes.
        ("CAPOX", 1.5, 100, "go"),
        ("CAPOX", 1.49, 100, "delay"),
        ("CAPOX", 1.5, 99, "delay"),
        ("CAPOX-NIVOLUMAB", 1.5, 99, "delay"),
        ("XP-TRASTUZUMAB", 1.5, 99, "delay"),
        ("XP-TRASTUZUMAB", 1.5, 100, "go"),
        # FLOT: UK trust protocol, neutrophils 1.5, platelets 100.
        ("FLOT", 1.5, 100, "go"),
        ("FLOT", 1.5, 99, "delay"),
        ("FLOT", 1.4, 150, "delay"),
        # FOLFIRINOX family: irinotecan grade 0-1 (platelets 75) over oxaliplatin's 50.
        ("FOLFIRINOX", 1.5, 75, "go"),
        ("FOLFIRINOX", 1.5, 74, "delay"),
        ("MFOLFIRINOX", 1.5, 74, "delay"),
        ("FOLFOXIRI", 1.5, 74, "delay"),
        ("FOLFOXIRI", 1.49, 200, "delay"),
        # FOLFOX-NIVOLUMAB: oxaliplatin SmPC 1.5 / 50, as FOLFOX-6.
        ("FOLFOX-NIVOLUMAB", 1.5, 50, "go"),
        ("FOLFOX-NIVOLUMAB", 1.5, 49, "delay"),
    ],
)
def test_the_blood_count_rule_at_and_around_its_edges(
    library: Library, regimen: str, anc: float, platelets: float, decision: str
) -> None:
    # The liver tests, and a baseline LVEF (trastuzumab's first dose waits for it).
    liver = {"bilirubin": "10 umol/L", "ast": 20, "alt": 20, "alp": 50}
    heart = {"lvef": 60, "lvef_baseline": 60}
    result = assess(library, regimen, anc=anc, platelets=platelets, **liver, **heart)  # type: ignore[arg-type]
    assert result.assessment is not None
    assert result.assessment.decision == decision


@pytest.mark.parametrize("regimen", ["CARBOPLATIN-PACLITAXEL-WEEKLY"])
def test_a_regimen_without_a_blood_count_rule_says_so(library: Library, regimen: str) -> None:
    """No sourced blood-count threshold: each drug says 'haematology: no rule encoded',
    rather than a silent 'go' at neutrophils 0.5 and platelets 20 (issue 21). DCF's and
    RAINBOW's rules: tests/test_blood_counts_21.py."""
    liver = {"bilirubin": "10 umol/L", "ast": 20, "alt": 20, "alp": 50}
    result = assess(library, regimen, anc=0.5, platelets=20, **liver)  # type: ignore[arg-type]
    assert result.assessment is not None
    assert all("haematology" in drug.not_encoded for drug in result.assessment.drugs)


def test_a_regimen_rule_counts_as_each_drugs_blood_count_rule(library: Library) -> None:
    """CAPOX's regimen-wide rule covers both drugs: no 'haematology: no rule encoded'."""
    result = assess(library, "CAPOX", anc=2.0, platelets=150)
    assert result.assessment is not None
    assert not any("haematology" in drug.not_encoded for drug in result.assessment.drugs)

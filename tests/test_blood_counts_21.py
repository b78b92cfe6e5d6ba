"""Issue 21: the treatment-day blood-count rules of DCF and PACLITAXEL-RAMUCIRUMAB
(RAINBOW), CROSS's missing rule, and ramucirumab's IV H1 premedication.

Sources (quoted in the regimen files):

- DCF: docetaxel EU SmPC §4.2, gastric adenocarcinoma (rxreasoner copy): 'Patients
  should not be retreated with subsequent cycles of docetaxel until neutrophils recover
  to a level >1,500 cells/mm³ and platelets recover to a level >100,000 cells/mm³.'
- RAINBOW: paclitaxel US prescribing information (120ty.net copy): 'Patients should
  not be retreated with subsequent cycles of paclitaxel until neutrophils recover to a
  level >1,500 cells/mm3 and platelets recover to a level >100,000 cells/mm3.'
- Ramucirumab's premedication: HemOnc RAINBOW page, 'Diphenhydramine 50 mg; administer
  intravenously, 30–60 minutes before each ramucirumab dose' (days 1 and 15).

Both sentences say "> 1,500" and "> 100,000" to give the next cycle: a count of exactly
1.5 × 10⁹/L neutrophils or 100 × 10⁹/L platelets delays; 1.51 and 101 go.
"""

from __future__ import annotations

import json

import pytest

from conftest import run
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.sheet import DoseSheet
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import sheet_fhir_json
from regimens._render.sheet import sheet_csv, sheet_markdown, sheet_table
from regimens._render.sheet_json import sheet_document
from regimens._render.sheet_print import sheet_html

#: 200 cm, 72 kg: Mosteller √(200 × 72 / 3600) = √4 = 2.00 m², and 72 kg for per-kg doses.
PATIENT = {"height": 200, "weight": 72, "crcl": 100}
#: A liver panel inside every hepatic rule of these drugs (docetaxel's US label table).
LIVER = {"bilirubin": "10 umol/L", "ast": 20, "alt": 20, "alp": 50}
CLI_PATIENT = "--height 200 --weight 72 --crcl 100 --date 2026-12-04 --dpyd-activity-score 2"
CLI_LIVER = "--lab bilirubin=10umol/L --lab ast=20 --lab alt=20 --lab alp=50"


def assess(library: Library, regimen: str, anc: float, platelets: float) -> DoseSheet:
    labs = {"anc": anc, "platelets": platelets, **LIVER}
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date="2026-12-04",
        labs=[f"{name}={value}" for name, value in labs.items()],
        dpyd_activity_score="2",
    )
    return compute_sheet(library, regimen, make_patient(**PATIENT), SheetOptions(assessment=inputs))


EDGES = [
    # (anc, platelets, decision): 1.50 and 100 are not "> 1,500" and "> 100,000".
    (1.5, 150, "delay"),
    (1.51, 150, "go"),
    (2.0, 100, "delay"),
    (2.0, 101, "go"),
    (1.49, 99, "delay"),
]


@pytest.mark.parametrize(("anc", "platelets", "decision"), EDGES)
@pytest.mark.parametrize(
    ("regimen", "rule"),
    [
        ("DCF", "dcf-haematology"),  # docetaxel EU SmPC, gastric section
        ("PACLITAXEL-RAMUCIRUMAB", "paclitaxel-ramucirumab-haematology"),  # paclitaxel label
    ],
    ids=["DCF-docetaxel-SmPC", "RAINBOW-paclitaxel-label"],
)
def test_the_blood_count_rule_either_side_of_its_edges(
    library: Library, regimen: str, rule: str, anc: float, platelets: float, decision: str
) -> None:
    """Neutrophils must be above 1.5 and platelets above 100 × 10⁹/L (the sources'
    '> 1,500' and '> 100,000'): a delay names the rule, for the whole cycle."""
    result = assess(library, regimen, anc, platelets)
    assert result.assessment is not None
    assert result.assessment.decision == decision
    rules = {reason.rule for reason in result.assessment.cycle_reasons}
    assert rules == ({rule} if decision == "delay" else set())
    assert not any("haematology" in drug.not_encoded for drug in result.assessment.drugs)


@pytest.mark.parametrize(
    ("regimen", "anc", "status"),
    [("DCF", "1.5", 3), ("DCF", "1.51", 0), ("RAINBOW", "1.5", 3), ("RAINBOW", "1.51", 0)],
)
def test_regimens_assess_either_side_of_the_neutrophil_edge(
    regimen: str, anc: str, status: int
) -> None:
    """`regimens assess`: ANC 1.5 delays (exit 3, re-check a week later, 2026-12-11);
    1.51 goes (exit 0). Docetaxel SmPC (DCF), paclitaxel label (RAINBOW)."""
    code, out, err = run(
        f"assess {regimen} {CLI_PATIENT} {CLI_LIVER} --lab anc={anc} --lab platelets=150"
    )
    assert (code, err) == (status, "")
    if status == 3:
        assert "DELAY — re-check on 2026-12-11" in out
        assert "threshold anc <= 1.5" in out
    else:
        assert "DELAY" not in out
        assert "haematology: no rule encoded" not in out


def test_rainbow_applies_the_rule_on_every_treatment_day(library: Library) -> None:
    """The assessment cannot tell day 8 or 15 from day 1: the rule (the paclitaxel
    label's) is the same whatever the day, and the file says that the trial's day-8/15
    criteria were not seen, rather than encoding a guess."""
    rules = [r for r in library.get("PACLITAXEL-RAMUCIRUMAB").assessment if r.kind == "haematology"]
    assert [step.when.text for rule in rules for step in rule.steps] == [
        "anc <= 1.5",
        "platelets <= 100",
    ]
    notes = " ".join(rules[0].notes)
    assert "DAYS 8 AND 15 ARE NOT TOLD APART" in notes
    assert "NOT SEEN" in notes


def test_cross_still_has_no_blood_count_rule(library: Library) -> None:
    """No CROSS threshold was found, and the labels' are for 3- and 4-weekly courses:
    each drug says 'haematology: no rule encoded', never a silent 'go' at ANC 0.5."""
    result = assess(library, "CARBOPLATIN-PACLITAXEL-WEEKLY", 0.5, 20)
    assert result.assessment is not None
    assert result.assessment.decision == "go"
    assert all("haematology" in drug.not_encoded for drug in result.assessment.drugs)
    code, out, _ = run(f"assess CROSS {CLI_PATIENT} {CLI_LIVER} --lab anc=0.5 --lab platelets=20")
    assert code == 0
    assert "haematology: no rule encoded (check it yourself)" in out


# --- ramucirumab's IV H1 antagonist --------------------------------------------------------


def premedication(result: DoseSheet, drug: str) -> dict[int, tuple[float, str, str]]:
    return {
        day.day: (a.dose_mg, a.route, a.method)
        for day in result.days
        for a in day.administrations
        if a.drug == drug and a.kind == "premedication"
    }


@pytest.mark.parametrize(
    "patient",
    [PATIENT, {"height": 162, "weight": 50, "crcl": 80}],
    ids=["2.00m2-72kg", "1.50m2-50kg"],
)
def test_diphenhydramine_before_each_ramucirumab(
    library: Library, patient: dict[str, float]
) -> None:
    """HemOnc RAINBOW: diphenhydramine 50 mg IV before each ramucirumab dose (days 1 and
    15), a flat dose: 50 mg at 200 cm / 72 kg (2.00 m², ramucirumab 8 × 72 = 576 mg) and
    at 162 cm / 50 kg (1.50 m², ramucirumab 8 × 50 = 400 mg); not on day 8."""
    result = compute_sheet(library, "RAINBOW", make_patient(**patient), SheetOptions())
    assert premedication(result, "diphenhydramine") == {
        1: (50, "IV", "bolus"),
        15: (50, "IV", "bolus"),
    }
    ramucirumab = {
        d.day: a.dose_mg for d in result.days for a in d.administrations if a.drug == "ramucirumab"
    }
    assert ramucirumab == {1: 8 * patient["weight"], 15: 8 * patient["weight"]}


def test_diphenhydramine_in_every_format(library: Library) -> None:
    """Table, Markdown, HTML, CSV, JSON and FHIR each carry the order, at 2.00 m² / 72 kg."""
    result = compute_sheet(library, "RAINBOW", make_patient(**PATIENT), SheetOptions())
    for text in (sheet_table(result), sheet_markdown(result)):
        assert "Day 15: premedication and supportive orders" in text
        assert "diphenhydramine (premedication)" in text
    assert 'diphenhydramine</strong> <span class="sub">(premedication)</span>' in sheet_html(result)
    rows = sheet_csv(result).splitlines()
    header = rows[0].split(",")
    found = {
        (row.split(",")[header.index("day")], row.split(",")[header.index("kind")])
        for row in rows[1:]
        if row.split(",")[header.index("drug")] == "diphenhydramine"
    }
    assert found == {("1", "premedication"), ("15", "premedication")}
    document = json.loads(json.dumps(sheet_document(result)))
    assert {
        (day["day"], a["dose_mg"], a["route"])
        for day in document["days"]
        for a in day["administrations"]
        if a["drug"] == "diphenhydramine"
    } == {(1, 50, "IV"), (15, 50, "IV")}
    assert "diphenhydramine" in sheet_fhir_json(result, library=library)

"""Trastuzumab's ejection-fraction rule (issue 21): ``trastuzumab-lvef``, kind cardiac.

The rule is the EU SmPC §4.4 hold rule as the 2017 Roche/EMA direct healthcare
professional communication (HALMED, 24 March 2017) restates it: "cases when LVEF
percentage drops ≥ 10 percent points from baseline and to below 50 %. Trastuzumab
treatment should then be suspended". Its second step is the US label §5.1's "≥ 16%
absolute decrease in LVEF from pre-treatment values", a caution where the EU rule did
not match (regimen_library/drugs.toml, trastuzumab).

The patient: 170 cm, 72 kg, XP-TRASTUZUMAB cycle 7, when trastuzumab 6 mg/kg is given
alone (cisplatin and capecitabine: cycles 1-6): 6 × 72 = 432 mg, by hand.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import given_mg
from regimens._calc.dosing import compute_sheet
from regimens._errors import InputError
from regimens._models.options import SheetOptions
from regimens._read.assessment import make_assessment_inputs, parse_lab, parse_uln
from regimens._read.assessment_when import parse_when
from regimens._read.patient import make_patient
from regimens._render.registry import render

DATE = "2026-12-04"
ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("table", "markdown", "csv", "json", "html")


def _sheet(library, labs, regimen="XP-TRASTUZUMAB", cycle=7):
    inputs = make_assessment_inputs(
        library.assessment_settings, date=DATE, labs=list(labs), always=True
    )
    patient = make_patient(height=170, weight=72)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs, cycle=cycle))


def _trastuzumab(sheet):
    return next(d for d in sheet.assessment.drugs if d.drug == "trastuzumab")


def _codes(sheet):
    return [w.code for w in sheet.warnings]


@pytest.mark.parametrize(
    ("baseline", "now", "withheld", "caution"),
    [
        # 60 → 49: 11 points and below 50 % → suspended (EU).
        ("60", "49", True, False),
        # 60 → 50: 10 points but not below 50 % → given.
        ("60", "50", False, False),
        # 58 → 48: exactly 10 points ("≥ 10 percent points") and below 50 → suspended.
        ("58", "48", True, False),
        # 57 → 48: 9 points, below 50 → given (the fall is what the rule is about).
        ("57", "48", False, False),
        # 45 → 40: 5 points, far below 50 → given by this rule (a baseline below 50 is the
        # prescriber's decision before starting, not a hold rule).
        ("45", "40", False, False),
        # 70 → 54: 16 points, not below 50: the EU rule does not match; the US label
        # withholds (≥ 16 % absolute): a caution, the dose unchanged.
        ("70", "54", False, True),
        # 70 → 55: 15 points: neither.
        ("70", "55", False, False),
        # 66 → 49: 17 points and below 50: the EU step matches first, withheld, and the
        # US caution (a later step) is not added.
        ("66", "49", True, False),
        # Written with the unit, and a decimal value: 60.5 % → 50.4 % is 10.1 points.
        ("60.5 %", "50.4%", False, False),
        ("60.5 %", "49.9%", True, False),
    ],
)
def test_lvef_edges(library, baseline, now, withheld, caution):
    sheet = _sheet(library, [f"lvef={now}", f"lvef_baseline={baseline}"])
    trastuzumab = _trastuzumab(sheet)
    assert trastuzumab.action == ("withhold" if withheld else "give")
    assert ("CARDIAC_WITHHOLD" in _codes(sheet)) is withheld
    assert ("CARDIAC_CAUTION" in _codes(sheet)) is caution
    # 6 mg/kg × 72 kg = 432 mg when given; nothing when withheld.
    assert given_mg(sheet, "trastuzumab") == ([] if withheld else [pytest.approx(432.0)])
    assert {check.rule: check.status for check in trastuzumab.rules} == {
        "trastuzumab-lvef": "met" if withheld or caution else "not_met",
        "trastuzumab-heart-failure": "not_met",
        "trastuzumab-hepatic": "none_applies",
    }


def test_the_reason_shows_the_fall_and_both_values(library):
    sheet = _sheet(library, ["lvef=49", "lvef_baseline=60"])
    (reason,) = _trastuzumab(sheet).reasons
    assert reason.value == "lvef_drop 11 points (60 % → 49 %); lvef 49 %"
    assert reason.code == "CARDIAC_WITHHOLD"
    assert "HALMED" in reason.source


def test_the_us_caution_cites_the_us_label(library):
    sheet = _sheet(library, ["lvef=54", "lvef_baseline=70"])
    (reason,) = _trastuzumab(sheet).reasons
    assert reason.action == "caution"
    assert "US label §5.1" in reason.source
    assert sheet.assessment.decision == "go"


def test_cycle_1_withholds_trastuzumab_and_keeps_the_chemotherapy(library):
    # Cycle 1: trastuzumab 8 mg/kg × 72 kg = 576 mg loading dose, withheld; cisplatin
    # 80 mg/m² still given (the rule is trastuzumab's, kind cardiac, not the cycle's).
    sheet = _sheet(library, ["lvef=45", "lvef_baseline=58", "anc=2", "platelets=150"], cycle=1)
    assert _trastuzumab(sheet).action == "withhold"
    assert given_mg(sheet, "trastuzumab") == []
    cisplatin = [a for day in sheet.days for a in day.administrations if a.drug == "cisplatin"]
    assert len(cisplatin) == 1
    assert not cisplatin[0].withheld


@pytest.mark.parametrize(
    ("labs", "missing"),
    [
        ([], "lvef_baseline, lvef"),
        (["lvef=55"], "lvef_baseline"),
        (["lvef_baseline=60"], "lvef"),
    ],
)
def test_a_missing_lvef_is_said_and_does_not_block(library, labs, missing):
    sheet = _sheet(library, labs)
    warnings = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "trastuzumab"]
    assert [w.params["labs"] for w in warnings] == [missing]
    # LVEF is measured every 3 months, not every cycle: a caution, not a blocking wait.
    assert warnings[0].severity == "caution"
    assert sheet.assessment.decision == "go"
    checks = {check.rule: check.status for check in _trastuzumab(sheet).rules}
    assert checks == {
        "trastuzumab-lvef": "missing_input",
        "trastuzumab-heart-failure": "not_met",
        "trastuzumab-hepatic": "none_applies",
    }


def test_drugs_without_a_cardiac_rule_do_not_say_cardiac_is_missing(library):
    # kind cardiac is not one every drug is expected to have (ASSESSED_KINDS).
    sheet = _sheet(library, ["anc=2", "platelets=150"], regimen="FOLFOX-6", cycle=1)
    assert all("cardiac" not in drug.not_encoded for drug in sheet.assessment.drugs)


# --- reading the LVEF ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("lvef=45", "lvef", 45.0),
        ("lvef=45 %", "lvef", 45.0),
        ("LVEF=45%", "lvef", 45.0),
        ("fevg=45%", "lvef", 45.0),
        ("baseline-lvef=62", "lvef_baseline", 62.0),
        ("lvef_baseline=62 %", "lvef_baseline", 62.0),
    ],
)
def test_an_lvef_is_read_in_percent(text, name, value):
    lab = parse_lab(text)
    assert (lab.name, lab.value, lab.times_uln) == (name, value, None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # A fraction: 0.45 is below the plausible range, with the % it may have meant.
        ("lvef=0.45", "did you mean 45 %?"),
        ("lvef=95", "outside the plausible range 5 to 90 %"),
        ("lvef=2xULN", "not as a multiple of the ULN"),
        ("lvef=45 mg", "accepted: %)"),
        ("anc=2xULN", "not as a multiple of the ULN"),
    ],
)
def test_an_implausible_lvef_is_refused_with_what_is_accepted(text, words):
    with pytest.raises(InputError) as error:
        parse_lab(text)
    assert words in str(error.value)
    assert error.value.field == "labs"


def test_an_lvef_has_no_uln():
    with pytest.raises(InputError, match="absolute thresholds"):
        parse_uln("lvef=50")


def test_lvef_drop_is_written_in_points():
    parsed = parse_when("lvef_drop >= 10 points and lvef < 50 %")
    assert isinstance(parsed, dict)
    (group,) = parsed["any_of"]
    assert [(c["subject"], c["op"], c["value"]) for c in group] == [
        ("lvef_drop", ">=", 10.0),
        ("lvef", "<", 50.0),
    ]
    for wrong, words in (
        ("lvef_drop >= 10 %", "percentage points"),
        ("lvef_drop >= 10", "percentage points"),
        ("lvef < 2 xULN", "not as a multiple of the ULN"),
        ("anc < 2 xULN", "not as a multiple of the ULN"),
    ):
        with pytest.raises(ValueError, match=words):
            parse_when(wrong)


# --- every format, both languages: a caution reason renders ------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_caution_reason_renders_in_every_format(library, output_format, lang):
    """A step whose action is caution (CARDIAC_CAUTION here; epirubicin's RENAL_CAUTION
    is the same) once raised KeyError 'assessment.action.caution' in the text formats."""
    sheet = _sheet(library, ["lvef=54", "lvef_baseline=70"])
    for document in ("assessment", "sheet"):
        out = render(document, output_format, sheet, lang=lang, style=None)
        if output_format == "json":
            codes = [w["code"] for w in json.loads(out)["warnings"]]
            assert "CARDIAC_CAUTION" in codes
        else:
            assert "CARDIAC_CAUTION" in out or "16 points" in out


# --- heart failure: trastuzumab-heart-failure ----------------------------------------------


@pytest.mark.parametrize("name", ["heart-failure", "cardiomyopathy", "insuffisance-cardiaque"])
def test_heart_failure_stops_trastuzumab(library, name):
    # US boxed warning: 'Discontinue Herceptin for cardiomyopathy' [V].
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=["lvef=60", "lvef_baseline=62"],
        conditions=[name],
        always=True,
    )
    patient = make_patient(height=170, weight=72)
    sheet = compute_sheet(
        library, "XP-TRASTUZUMAB", patient, SheetOptions(assessment=inputs, cycle=7)
    )
    trastuzumab = _trastuzumab(sheet)
    assert trastuzumab.action == "stop"
    assert [r.rule for r in trastuzumab.reasons] == ["trastuzumab-heart-failure"]
    assert given_mg(sheet, "trastuzumab") == []
    assert sheet.assessment.decision == "stop"


def test_heart_failure_overridden_gives_trastuzumab_on_record(library):
    # The EU SmPC: discontinuation 'should be strongly considered … unless the benefits
    # … outweigh the risks': a prescriber who continues says so, and it is kept.
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DATE,
        labs=["lvef=60", "lvef_baseline=62"],
        conditions=["heart-failure"],
        overrides=["trastuzumab-heart-failure=benefit outweighs the risk, Dr X"],
        always=True,
    )
    patient = make_patient(height=170, weight=72)
    sheet = compute_sheet(
        library, "XP-TRASTUZUMAB", patient, SheetOptions(assessment=inputs, cycle=7)
    )
    assert _trastuzumab(sheet).action == "give"
    assert given_mg(sheet, "trastuzumab") == [pytest.approx(432.0)]
    assert "ASSESSMENT_OVERRIDDEN" in _codes(sheet)


# --- the baseline before the first dose, and a day with nothing given ----------------------


def test_cycle_1_without_a_baseline_lvef_waits(library):
    # required_in_cycles = "1": the US boxed warning asks to "Evaluate cardiac function
    # prior to ... treatment"; the first dose (8 mg/kg loading) waits for the LVEF.
    sheet = _sheet(library, ["anc=2", "platelets=150"], cycle=1)
    (warning,) = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "trastuzumab"]
    assert warning.severity == "blocking"
    assert warning.params["labs"] == "lvef_baseline, lvef"
    assert sheet.assessment.decision == "delay"
    assert sheet.blocking


def test_cycle_1_with_its_baseline_lvef_goes(library):
    # Both values are the baseline in cycle 1: no fall, loading dose 8 × 72 = 576 mg.
    sheet = _sheet(library, ["anc=2", "platelets=150", "lvef=62", "lvef_baseline=62"], cycle=1)
    assert not [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "trastuzumab"]
    assert given_mg(sheet, "trastuzumab") == [576.0]


@pytest.mark.parametrize("cycle", [2, 7])
def test_after_cycle_1_a_missing_lvef_stays_a_caution(library, cycle):
    sheet = _sheet(library, ["anc=2", "platelets=150"], cycle=cycle)
    (warning,) = [w for w in sheet.warnings if w.code == "LAB_MISSING" and w.drug == "trastuzumab"]
    assert warning.severity == "caution"


def test_a_day_with_every_drug_withheld_says_nothing_is_given(library):
    # Cycle 7: trastuzumab alone; withheld at 60 → 49 %. The decision stays "go" (the
    # schedule is kept), and NOTHING_GIVEN says no dose is prepared.
    sheet = _sheet(library, ["lvef=49", "lvef_baseline=60"])
    assert sheet.assessment.decision == "go"
    (warning,) = [w for w in sheet.warnings if w.code == "NOTHING_GIVEN"]
    assert warning.severity == "caution"
    assert warning.params == {"drugs": "trastuzumab"}
    assert given_mg(sheet, "trastuzumab") == []


def test_a_day_with_one_drug_given_does_not_say_nothing_is_given(library):
    # Cycle 1, trastuzumab withheld but cisplatin and capecitabine given.
    sheet = _sheet(library, ["lvef=45", "lvef_baseline=58", "anc=2", "platelets=150"], cycle=1)
    assert "NOTHING_GIVEN" not in _codes(sheet)
    # Given on day 7 when trastuzumab is: no warning either.
    assert "NOTHING_GIVEN" not in _codes(_sheet(library, ["lvef=60", "lvef_baseline=60"]))


def test_the_wait_for_a_baseline_lvef_names_the_rule_s_source(library):
    # The delay reason carries the rule's source, not "source: not given".
    sheet = _sheet(library, ["anc=2", "platelets=150"], cycle=1)
    (reason,) = [r for r in sheet.assessment.cycle_reasons if r.code == "LAB_MISSING"]
    assert reason.rule == "trastuzumab-lvef"
    assert "Evaluate cardiac function prior to and during treatment" in reason.source


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("zero", "'zero' is not a list of cycles"),
        ("0", "cycles are counted from 1"),
    ],
)
def test_a_bad_required_in_cycles_names_the_file_line_and_field(tmp_path, written, words):
    from conftest import run

    library = tmp_path / "library"
    shutil.copytree(ROOT / "regimen_library", library)
    drugs = library / "drugs.toml"
    text = drugs.read_text(encoding="utf-8")
    assert text.count('required_in_cycles = "1"') == 1
    drugs.write_text(
        text.replace('required_in_cycles = "1"', f'required_in_cycles = "{written}"'),
        encoding="utf-8",
    )
    code, out, err = run(["validate", str(library)])
    assert code != 0
    assert "drugs.toml:" in out + err
    assert ".required_in_cycles: " in out + err
    assert words in out + err

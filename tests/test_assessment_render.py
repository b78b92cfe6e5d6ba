"""The treatment-day assessment as people and programs read it (issue 18): the sheet's
JSON ``assessment`` object, the text formats (assessment above the doses), the CSV
columns, the ``assessment`` document of ``regimens assess``, and the words of its codes.

Values are worked by hand: EOX at BSA 1.80 m² (180 cm, 64.8 kg, Mosteller
√(180 × 64.8 / 3600) = √3.24 = 1.80), epirubicin 50 mg/m² × 1.80 = 90 mg; bilirubin
2.0 mg/dL is in the label's 1.2–3 mg/dL band: ½ of the starting dose = 45 mg.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._models.sheet import SCHEMA_VERSION, DoseSheet, SheetWarning
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import load_library
from regimens._read.patient import make_patient
from regimens._render import assessment as assess
from regimens._render.assessment_json import assessment_json_schema
from regimens._render.messages import message
from regimens._render.registry import RENDERERS, render, renderer
from regimens._render.sheet import sheet_csv, sheet_markdown, sheet_table
from regimens._render.sheet_json import sheet_document, sheet_json_schema
from regimens._render.sheet_print import sheet_html

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-12-04"
FORMATS = ("table", "markdown", "csv", "json", "html")  # the sheet's order


@pytest.fixture(scope="module")
def library():
    return load_library(use_env=False)


def _sheet(library, regimen: str, height=180, weight=64.8, **given) -> DoseSheet:
    inputs = make_assessment_inputs(library.assessment_settings, date=DAY, always=True, **given)
    patient = make_patient(height=height, weight=weight, crcl=90)
    return compute_sheet(library, regimen, patient, SheetOptions(assessment=inputs))


def _eox_bilirubin(library) -> DoseSheet:
    # AST given as 1 × ULN so that the rule's AST branch is decided (no LAB_MISSING).
    return _sheet(
        library, "EOX", labs=["bilirubin=2.0 mg/dL", "ast=1xULN", "anc=2", "platelets=150"]
    )


def _folfox_anc(library) -> DoseSheet:
    return _sheet(library, "FOLFOX-6", labs=["anc=1.2", "platelets=150"])


def _xeliri_dpd0(library) -> DoseSheet:
    return _sheet(library, "XELIRI", labs=[*_FIT, "anc=2", "platelets=150"], dpyd_activity_score=0)


#: Normal liver tests and creatinine (1 × ULN at most): no liver or renal rule of the
#: library stops a drug on them, so a sheet's decision comes from the rule under test.
_FIT = ["bilirubin=1xULN", "ast=1xULN", "alt=1xULN", "alp=1xULN", "creatinine=0.9 mg/dL"]


def _drug(document: dict, drug: str, method: str | None = None) -> dict:
    return next(
        entry
        for entry in document["assessment"]["drugs"]
        if entry["drug"] == drug and entry["method"] == method
    )


def _administration(sheet: DoseSheet, drug: str):
    return next(a for day in sheet.days for a in day.administrations if a.drug == drug)


# --- the sheet's JSON --------------------------------------------------------------------


def test_eox_bilirubin_2_gives_epirubicin_half_dose_with_its_reason(library):
    """Epirubicin US label §2: bilirubin 1.2–3 mg/dL → ½ dose: 90 mg × 50 % = 45 mg."""
    sheet = _eox_bilirubin(library)
    document = json.loads(json.dumps(sheet_document(sheet), default=str))
    assert sheet.bsa_m2 == pytest.approx(1.80)
    epirubicin = _drug(document, "epirubicin")
    assert epirubicin["action"] == "reduce"
    assert epirubicin["level_percent"] == 50
    (reason,) = epirubicin["reasons"]
    assert reason["code"] == "HEPATIC_REDUCTION"
    assert reason["rule"] == "epirubicin-hepatic"
    assert reason["value"] == "bilirubin 2.0 mg/dL"  # as typed
    assert "bilirubin >= 1.2 mg/dL" in reason["threshold"]
    assert "Epirubicin US label" in reason["source"]
    given = _administration(sheet, "epirubicin")
    assert given.standard_mg == pytest.approx(90.0)
    assert given.assessment_level_percent == 50
    assert given.calculated_mg == pytest.approx(45.0)
    assert given.dose_mg == pytest.approx(45.0)
    rows = [a for day in document["days"] for a in day["administrations"]]
    assert {a["drug"]: a["assessment_level_percent"] for a in rows}["epirubicin"] == 50
    assert document["schema_version"] == SCHEMA_VERSION == "1.7"


def test_the_assessment_object_keeps_the_inputs_with_their_units(library):
    """Labs keep the value in their canonical unit with that unit, or the ULN multiple."""
    document = sheet_document(_eox_bilirubin(library))
    assessment = document["assessment"]
    assert (assessment["decision"], assessment["date"], assessment["lab_date"]) == (
        "go",
        DAY,
        DAY,
    )
    labs = {lab["name"]: lab for lab in assessment["inputs"]["labs"]}
    assert labs["bilirubin"] == {
        "name": "bilirubin",
        "value": 2.0,
        "unit": "mg/dL",
        "times_uln": None,
        "typed": "2.0 mg/dL",
    }
    assert (labs["ast"]["value"], labs["ast"]["times_uln"], labs["ast"]["unit"]) == (
        None,
        1.0,
        "U/L",
    )
    rules = {rule["rule"]: rule["status"] for rule in _drug(document, "epirubicin")["rules"]}
    assert rules["epirubicin-hepatic"] == "met"


def test_folfox_anc_1_2_delays_the_cycle_with_a_recheck_date(library):
    """EU oxaliplatin SmPC: ANC ≥ 1.5 × 10⁹/L before a cycle; 1.2 waits 7 days."""
    sheet = _folfox_anc(library)
    document = sheet_document(sheet)
    assessment = document["assessment"]
    assert assessment["decision"] == "delay"
    assert assessment["recheck_date"] == "2026-12-11"  # 2026-12-04 + 7 days
    assert document["blocking"] is True
    (reason,) = assessment["cycle_reasons"]
    assert (reason["code"], reason["action"], reason["recheck_days"]) == (
        "LAB_BELOW_THRESHOLD",
        "delay",
        7,
    )
    assert "DELAY — re-check on 2026-12-11" in sheet_table(sheet)
    assert "REPORTER — nouveau contrôle le 11/12/2026" in sheet_table(sheet, lang="fr")


def test_a_sheet_with_an_assessment_validates_against_the_published_schema(library):
    """docs/sheet.schema.json describes the assessment object as written."""
    schema = json.loads((ROOT / "docs" / "sheet.schema.json").read_text(encoding="utf-8"))
    for sheet in (_eox_bilirubin(library), _folfox_anc(library), _xeliri_dpd0(library)):
        document = json.loads(json.dumps(sheet_document(sheet), default=str))
        jsonschema.validate(document, schema)
    assert schema == json.loads(json.dumps(sheet_json_schema()))


def test_a_sheet_without_assessment_says_null_and_has_no_assessment_column(library):
    patient = make_patient(height=180, weight=64.8, crcl=90)
    sheet = compute_sheet(library, "EOX", patient, SheetOptions())
    assert sheet_document(sheet)["assessment"] is None
    assert "Assess." not in sheet_table(sheet)
    assert "TREATMENT-DAY ASSESSMENT" not in sheet_table(sheet)


# --- the words ------------------------------------------------------------------------------


def test_french_text_of_a_code_reads_with_an_empty_source():
    """A param may be empty: the sentence says the source is not given."""
    warning = SheetWarning(
        severity="caution",
        code="HEPATIC_REDUCTION",
        drug="epirubicin",
        params={
            "rule": "epirubicin-hepatic",
            "when": "bilirubin >= 1.2 mg/dL",
            "value": "bilirubin 2 mg/dL",
            "level": "50",
            "method": "",
            "source": "",
        },
    )
    names = {"epirubicin": {"fr": "épirubicine"}}
    assert message(warning, "fr", drug_names=names) == (
        "épirubicine : bilan hépatique bilirubin 2 mg/dL : « bilirubin >= 1,2 mg/dL » est "
        "rempli : administrer 50 % de la dose pleine (règle epirubicin-hepatic ; source : "
        "non précisée)"
    )
    assert message(warning, "en").endswith(
        "give 50% of the full dose (rule epirubicin-hepatic; source: not given)"
    )


def test_a_toxicity_no_ladder_covers_is_worded_without_a_rule():
    warning = SheetWarning(
        severity="caution",
        code="TOXICITY_NOT_COVERED",
        params={"rule": "", "toxicity": "skin", "grade": "3", "occurrence": "2"},
    )
    assert message(warning) == (
        "skin grade 3 (occurrence 2) in the last cycle: no toxicity ladder of this sheet "
        "covers it, the prescriber decides"
    )


def test_france_requires_uracilaemia_blocking_in_both_languages(library):
    sheet = _sheet(library, "XELIRI", labs=["anc=2", "platelets=150"], country="FR")
    (warning,) = [w for w in sheet.warnings if w.params.get("variant") == "country"]
    assert warning.severity == "blocking"
    assert "FR requires an uracilaemia result before any fluoropyrimidine" in message(warning)
    assert "FR exige une uracilémie avant toute fluoropyrimidine" in message(warning, "fr")


# --- the text formats -----------------------------------------------------------------------


def test_the_assessment_is_above_the_doses_in_every_text_format(library):
    sheet = _eox_bilirubin(library)
    for text, heading, doses in (
        (sheet_table(sheet), "TREATMENT-DAY ASSESSMENT", "Day 1"),
        (sheet_markdown(sheet), "## Treatment-day assessment", "## Day 1"),
        # The printed order: orders first (issue 22), the assessment above the calculation.
        (sheet_html(sheet), '<section class="assessment"', "<h2>Calculation details</h2>"),
        (sheet_table(sheet, lang="fr"), "ÉVALUATION DU JOUR DE TRAITEMENT", "Jour 1"),
    ):
        assert text.index(heading) < text.index(doses)
    table = sheet_table(sheet)
    assert "HEPATIC_REDUCTION (rule epirubicin-hepatic): bilirubin 2.0 mg/dL" in table
    assert "epirubicin: reduce — 50% of the full dose" in table
    assert "treatment-day assessment → rounding" in table  # the order of operations


def test_the_dose_table_shows_the_assessment_step(library):
    """The Assess. column holds the ceiling: epirubicin 50 %, the others none."""
    table = sheet_table(_eox_bilirubin(library))
    (row,) = [line for line in table.splitlines() if line.startswith("1    epirubicin")]
    cells = row.split()
    assert cells[cells.index("100%") + 1 :][:3] == ["50%", "45.00", "45"]


def test_a_dose_withheld_by_the_assessment_says_so(library):
    """DPYD activity score 0: capecitabine avoided (CPIC): withheld, dose 0."""
    sheet = _xeliri_dpd0(library)
    capecitabine = _administration(sheet, "capecitabine")
    assert (capecitabine.withheld, capecitabine.withheld_reason) == (True, "assessment")
    rows = [line for line in sheet_table(sheet).splitlines() if "capecitabine  PO" in line]
    assert rows
    assert all(row.endswith("WITHHELD (assessment)") for row in rows)
    assert "WITHHELD (assessment)" in sheet_html(sheet)
    assert "NON ADMINISTRÉ (évaluation)" in sheet_table(sheet, lang="fr")
    document = sheet_document(sheet)
    withheld = [a for d in document["days"] for a in d["administrations"] if a["withheld"]]
    assert withheld[0]["withheld_reason"].startswith("withheld by the treatment-day assessment")


def test_not_encoded_looks_different_from_none_applies(library):
    """A kind with no rule at all must not read like a sourced 'no rule applies'.

    Oxaliplatin states that no liver rule applies (its SmPC, drugs.toml); fluorouracil
    has no liver rule encoded in the library: the two must read differently."""
    sheet = _sheet(library, "FOLFOX-6", labs=[*_FIT, "anc=2", "platelets=150"], uracil=10)
    assert sheet.assessment is not None
    oxaliplatin = next(d for d in sheet.assessment.drugs if d.drug == "oxaliplatin")
    fluorouracil = next(d for d in sheet.assessment.drugs if d.drug == "fluorouracil")
    assert "hepatic" not in oxaliplatin.not_encoded
    assert "hepatic" in fluorouracil.not_encoded
    table = sheet_table(sheet)
    assert "hepatic oxaliplatin-hepatic: no rule applies (Oxaliplatin SmPC" in table
    section = table.split("fluorouracil: give")[1]
    assert "hepatic: no rule encoded (check it yourself)" in section
    entry = _drug(sheet_document(sheet), "oxaliplatin")
    assert {r["rule"]: r["status"] for r in entry["rules"]}["oxaliplatin-hepatic"] == "none_applies"
    assert "hepatic" in _drug(sheet_document(sheet), "fluorouracil")["not_encoded"]


def test_an_override_is_on_record_and_not_applied(library):
    sheet = _sheet(
        library,
        "EOX",
        labs=["bilirubin=2.0 mg/dL", "ast=1xULN", "anc=2", "platelets=150"],
        overrides=["epirubicin-hepatic=bilirubin from Gilbert syndrome, hepatologist agrees"],
    )
    assert _administration(sheet, "epirubicin").dose_mg == pytest.approx(90.0)
    table = sheet_table(sheet)
    assert "OVERRIDDEN by the prescriber, not applied: bilirubin from Gilbert syndrome" in table
    (warning,) = [w for w in sheet.warnings if w.code == "ASSESSMENT_OVERRIDDEN"]
    assert "overridden by the prescriber, not applied" in message(warning)


# --- CSV ----------------------------------------------------------------------------------


def test_csv_rows_carry_the_assessment_columns(library):
    lines = sheet_csv(_eox_bilirubin(library)).splitlines()
    header = lines[0].split(",")
    for column in (
        "assessment_decision",
        "assessment_action",
        "assessment_level_percent",
        "assessment_reasons",
    ):
        assert column in header
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    epirubicin = next(row for row in rows if row["drug"] == "epirubicin")
    assert epirubicin["assessment_decision"] == "go"
    assert epirubicin["assessment_action"] == "reduce"
    assert epirubicin["assessment_level_percent"] == "50"  # as the sheet prints it (50%)
    assert epirubicin["assessment_reasons"] == "HEPATIC_REDUCTION:epirubicin-hepatic"
    assert "evaluation_motifs" in sheet_csv(_eox_bilirubin(library), lang="fr").splitlines()[0]


def test_the_assess_csv_carries_each_rows_warnings_as_the_sheet_csv_does(library):
    """Every format shows the warnings: ``regimens assess --format csv`` had only the
    reasons, so a contraindication or a BSA caution was missing from it. FOLFOX-6 at
    190 cm, 110 kg: Mosteller √(190 × 110 / 3600) = √5.806 = 2.41 m², above 2.2
    (BSA_HIGH, every row); CrCl 20 mL/min: oxaliplatin contraindicated below 30 (EU
    SmPC §4.3; its row only); ANC 1.2 < 1.5: the cycle waits (oxaliplatin SmPC §4.4;
    LAB_BELOW_THRESHOLD, the whole cycle, every row)."""
    inputs = make_assessment_inputs(
        library.assessment_settings,
        date=DAY,
        always=True,
        labs=[*_FIT, "anc=1.2", "platelets=150"],
        uracil=12,  # ng/mL, below 16: DPD status known, no fluorouracil warning
        country="FR",
    )
    patient = make_patient(height=190, weight=110, crcl=20)
    sheet = compute_sheet(library, "FOLFOX-6", patient, SheetOptions(assessment=inputs))
    assert sheet.bsa_m2 == 2.41

    def rows(text: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(text)))

    assessed = rows(assess.assessment_csv(sheet))
    assert [row["drug"] for row in assessed] == [
        "oxaliplatin",
        "folinic acid",
        "fluorouracil",
        "fluorouracil",
    ]
    assert assessed[0]["warnings"] == "CONTRAINDICATED;LAB_BELOW_THRESHOLD;BSA_HIGH"
    assert {row["warnings"] for row in assessed[1:]} == {"LAB_BELOW_THRESHOLD;BSA_HIGH"}
    assert assessed[0]["warning_messages"].startswith(
        "CONTRAINDICATED: oxaliplatin is contraindicated at CrCl 20.0 mL/min"
    )
    assert assessed[1]["warning_messages"].endswith("BSA_HIGH: BSA 2.41 m² is above 2.2 m²")
    # The same cells as the sheet's CSV, row for row.
    dosed = rows(sheet_csv(sheet))
    for mine, theirs in zip(assessed, dosed, strict=True):
        assert (mine["warnings"], mine["warning_messages"]) == (
            theirs["warnings"],
            theirs["warning_messages"],
        )
    header = assess.assessment_csv(sheet, lang="fr").splitlines()[0].split(",")
    assert header[-2:] == ["alertes", "messages_alertes"]


# --- the assessment document (regimens assess) ----------------------------------------------


def test_registry_offers_the_assessment_document_like_the_sheet():
    assert tuple(RENDERERS["assessment"]) == FORMATS
    for output_format in FORMATS:
        assert renderer("assessment", output_format).takes == renderer("sheet", output_format).takes
        assert callable(renderer("assessment", output_format).load())


def test_assess_json_is_the_decision_alone(library):
    sheet = _folfox_anc(library)
    document = json.loads(render("assessment", "json", sheet))
    assert list(document) == [
        "schema_version",
        "regimen",
        "cycle",
        "assessment",
        "doses",
        "blocking",
        "warnings",
    ]
    assert document["assessment"] == json.loads(
        json.dumps(sheet_document(sheet)["assessment"], default=str)
    )
    assert document["blocking"] is True
    dose = document["doses"][0]
    # Oxaliplatin 85 mg/m² × 1.80 m² = 153 mg: the doses of a delayed cycle, once it goes.
    assert (dose["drug"], dose["day"], dose["dose"], dose["unit"]) == (
        "oxaliplatin",
        1,
        153.0,
        "mg",
    )
    jsonschema.validate(document, assessment_json_schema())


def test_assess_text_says_what_to_give_and_what_to_hold(library):
    text = assess.assessment_table(_xeliri_dpd0(library))
    give = text.split("\nGive\n")[1].split("\nDo not give\n")[0]
    hold = text.split("\nDo not give\n")[1].split("\nWarnings")[0]
    assert "irinotecan" in give
    assert "capecitabine" not in give
    assert "capecitabine (PO oral), Days 1–14: stop" in hold
    assert "DPD_DEFICIENCY (rule capecitabine-dpd-genotype)" in text


def test_assess_after_a_delay_gives_once_the_cycle_goes_ahead(library):
    text = assess.assessment_markdown(_folfox_anc(library))
    assert "## Give once the cycle goes ahead (after the re-check)" in text
    assert "oxaliplatin**: give — 100% of the full dose (once the cycle goes ahead)" in text


def test_checked_in_assess_schema_is_current():
    """docs/assessment.schema.json is what assessment_json_schema() generates."""
    written = json.loads((ROOT / "docs" / "assessment.schema.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(assessment_json_schema()))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_of_the_assessment_renders_for_every_regimen(library, output_format, lang):
    """Each regimen of the library, with counts that pass: the decision is shown.
    (A baseline LVEF too: trastuzumab's first dose waits for it.)"""
    fit = [*_FIT, "anc=2", "platelets=150", "lvef=60", "lvef_baseline=60"]
    for regimen in [r.id for r in library]:
        sheet = _sheet(library, regimen, labs=fit)
        assert sheet.assessment is not None
        out = render("assessment", output_format, sheet, lang=lang, style=None)
        if output_format == "json":
            assert json.loads(out)["assessment"]["decision"] == sheet.assessment.decision
        elif output_format == "csv":
            assert f",{sheet.assessment.decision}," in out
        else:
            word = {"en": {"go": "GO", "stop": "STOP"}, "fr": {"go": "TRAITER", "stop": "ARRÊTER"}}
            assert word[lang][sheet.assessment.decision] in out


def test_the_fhir_note_names_the_assessment_step(library):
    """A FHIR reader recomputing 45 mg must see the 50 % ceiling, not only 100 %."""
    from regimens._render.fhir import sheet_fhir_json

    bundle = sheet_fhir_json(_eox_bilirubin(library), library=library)
    assert "at 100%, treatment-day assessment 50% of the full dose); final dose" in bundle


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_assessment_document_without_an_assessment_says_so(library, output_format):
    patient = make_patient(height=180, weight=64.8, crcl=90)
    sheet = compute_sheet(library, "EOX", patient, SheetOptions())
    out = render("assessment", output_format, sheet, lang="en", style=None)
    if output_format == "json":
        assert json.loads(out)["assessment"] is None
    elif output_format != "csv":
        assert "No assessment was made" in out


def test_a_delay_is_shown_when_a_stop_outranks_it(library):
    """ANC 1.0 delays XELIRI; DPYD score 0 stops capecitabine: the decision is STOP, and
    irinotecan is still given only once the cycle goes ahead."""
    sheet = _sheet(library, "XELIRI", labs=["anc=1.0", "platelets=150"], dpyd_activity_score=0)
    assert sheet.assessment is not None
    assert sheet.assessment.decision == "stop"
    text = assess.assessment_table(sheet)
    assert "Give once the cycle goes ahead (after the re-check)" in text
    assert "irinotecan: give — 100% of the full dose (once the cycle goes ahead)" in text

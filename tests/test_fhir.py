"""The FHIR R4 export (``_render/fhir.py``): a dose sheet and a calendar as a FHIR Bundle.

Every bundle is read back with ``fhir.resources`` (the same models that validate it on
the way out), and its numbers are compared with the sheet's or calendar's own and with
figures worked by hand for the case report's FOLFOX-6 cycle (170 cm, 70 kg).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.requestgroup import RequestGroup
from pydantic import ValidationError

from conftest import run
from regimens._calc.calendar import build_calendar
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.calendar import Calendar, CalendarOptions, Delay
from regimens._models.regimen import DrugCodes, DrugFacts
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import bundle_json, calendar_bundle, sheet_bundle
from regimens._render.messages import message

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"


def sheet_of(
    library: Library, regimen: str, *, supportive: tuple[str, ...] = (), **given: Any
) -> DoseSheet:
    options = {
        key: given.pop(key) for key in ("dose_level_percent", "pump_rate_ml_per_h") if key in given
    }
    patient = make_patient(**{key: str(value) for key, value in given.items()})
    return compute_sheet(library, regimen, patient, SheetOptions(**options), supportive=supportive)


def read_back(bundle: Bundle) -> Bundle:
    """The bundle through its JSON, parsed and validated again by fhir.resources."""
    return Bundle.model_validate_json(bundle_json(bundle))


def resources(bundle: Bundle, kind: type[Any]) -> list[Any]:
    return [entry.resource for entry in bundle.entry or [] if isinstance(entry.resource, kind)]


def by_url(bundle: Bundle) -> dict[str, Any]:
    return {entry.fullUrl: entry.resource for entry in bundle.entry or []}


def loinc_value(bundle: Bundle, code: str) -> tuple[float, str, str]:
    """(value, UCUM code, UCUM system) of the one Observation with this LOINC code."""
    found = [
        obs
        for obs in resources(bundle, Observation)
        if any(c.system == LOINC and c.code == code for c in obs.code.coding or [])
    ]
    assert len(found) == 1, f"{len(found)} observations with LOINC {code}"
    quantity = found[0].valueQuantity
    return float(quantity.value), quantity.code, quantity.system


def request_doses(bundle: Bundle) -> list[tuple[str, float | None]]:
    """(drug, dose in mg) of each MedicationRequest, in bundle order."""
    doses = []
    for request in resources(bundle, MedicationRequest):
        dosage = request.dosageInstruction[0]
        dose = dosage.doseAndRate[0].doseQuantity if dosage.doseAndRate else None
        if dose is not None:
            assert (dose.system, dose.code, dose.unit) == (UCUM, "mg", "mg")
        doses.append((request.medicationCodeableConcept.text, float(dose.value) if dose else None))
    return doses


@pytest.fixture(scope="module")
def folfox(library: Library) -> DoseSheet:
    """The case report's cycle: ``regimens sheet FOLFOX-6 --height 170 --weight 70 --crcl 90``."""
    return sheet_of(library, "FOLFOX-6", height=170, weight=70, crcl=90)


@pytest.fixture(scope="module")
def folfox_bundle(folfox: DoseSheet, library: Library) -> Bundle:
    return read_back(sheet_bundle(folfox, library=library))


# --- the case report's FOLFOX-6 cycle ----------------------------------------------------


def test_bundle_round_trips_unchanged(folfox: DoseSheet, library: Library) -> None:
    """Parsed back by fhir.resources, the bundle serialises to the same JSON: nothing lost."""
    text = bundle_json(sheet_bundle(folfox, library=library))
    again = Bundle.model_validate_json(text)
    assert bundle_json(again) == text
    assert again.type == "collection"


def test_same_sheet_same_bundle(folfox: DoseSheet, library: Library) -> None:
    """The urn:uuid identities derive from the sheet: one sheet, one bundle, byte for byte."""
    assert bundle_json(sheet_bundle(folfox, library=library)) == bundle_json(
        sheet_bundle(folfox, library=library)
    )


def test_measurements_as_loinc_observations(folfox_bundle: Bundle) -> None:
    """Height 170 cm (8302-2), weight 70 kg (29463-7), BSA 1.82 m² (8277-6).

    Hand-worked: Mosteller √(170 × 70 / 3600) = √3.3056 = 1.8181 m² → 1.82 m² used.
    """
    assert loinc_value(folfox_bundle, "8302-2") == (170.0, "cm", UCUM)
    assert loinc_value(folfox_bundle, "29463-7") == (70.0, "kg", UCUM)
    assert round(math.sqrt(170 * 70 / 3600), 4) == 1.8181
    assert loinc_value(folfox_bundle, "8277-6") == (1.82, "m2", UCUM)


@pytest.mark.parametrize(
    ("index", "drug", "dose_mg"),
    [
        pytest.param(0, "oxaliplatin", 155.0, id="oxaliplatin 85 mg/m2 x 1.82 = 154.7 -> 155 mg"),
        pytest.param(1, "folinic acid", 728.0, id="folinic acid 400 mg/m2 x 1.82 = 728 mg"),
        pytest.param(2, "fluorouracil", 728.0, id="5-FU bolus 400 mg/m2 x 1.82 = 728 mg"),
        pytest.param(3, "fluorouracil", 4368.0, id="5-FU 46 h 2400 mg/m2 x 1.82 = 4368 mg"),
    ],
)
def test_final_doses_worked_by_hand(
    folfox_bundle: Bundle, index: int, drug: str, dose_mg: float
) -> None:
    """Each dose is the final (rounded, 1 mg steps) dose of the case report's cycle, in mg."""
    assert request_doses(folfox_bundle)[index] == (drug, dose_mg)


def test_doses_equal_the_sheet(folfox: DoseSheet, folfox_bundle: Bundle) -> None:
    """One request per administration, in sheet order, each with the sheet's final dose."""
    expected = [(a.drug, a.dose_mg) for day in folfox.days for a in day.administrations]
    assert request_doses(folfox_bundle) == expected


def test_calculated_dose_in_a_note(folfox_bundle: Bundle) -> None:
    """Oxaliplatin: the unrounded 154.7 mg is in a note; the dose itself is the final 155 mg."""
    oxaliplatin = resources(folfox_bundle, MedicationRequest)[0]
    notes = [note.text for note in oxaliplatin.note]
    assert notes[0] == (
        "Calculated dose 154.7 mg per intake (85 mg/m2 × 1.82 m2 = 154.7 mg at 100%, "
        "organ rule renal (Cockcroft-Gault CrCl): CrCl ≥ 30 mL/min: full dose); "
        "final dose after rounding (nearest 1 mg): 155 mg, +0.2%."
    )


def test_infusion_duration_and_rate(folfox: DoseSheet, folfox_bundle: Bundle) -> None:
    """5-FU over 46 h at 4368 / 46 = 94.96 mg/h; oxaliplatin over 2 h (no rate on the sheet)."""
    requests = resources(folfox_bundle, MedicationRequest)
    pump = requests[3].dosageInstruction[0]
    assert (pump.timing.repeat.duration, pump.timing.repeat.durationUnit) == (46, "h")
    rate = pump.doseAndRate[0].rateQuantity
    assert (rate.code, rate.system) == ("mg/h", UCUM)
    assert float(rate.value) == pytest.approx(4368 / 46)
    assert float(rate.value) == folfox.days[0].administrations[3].rate_mg_per_h
    oxaliplatin = requests[0].dosageInstruction[0]
    assert (oxaliplatin.timing.repeat.duration, oxaliplatin.timing.repeat.durationUnit) == (2, "h")
    assert oxaliplatin.doseAndRate[0].rateQuantity is None


def test_codes_routes_and_timing(folfox_bundle: Bundle) -> None:
    """ATC code per drug, SNOMED CT intravenous route, "cycle 1 day 1" (a sheet has no dates)."""
    atc = {}
    for request in resources(folfox_bundle, MedicationRequest):
        (coding,) = request.medicationCodeableConcept.coding
        assert coding.system == ATC
        atc[request.medicationCodeableConcept.text] = coding.code
        dosage = request.dosageInstruction[0]
        (route,) = dosage.route.coding
        assert (route.system, route.code) == (SNOMED, "47625008")
        assert dosage.timing.code.text == "cycle 1 day 1"
        assert dosage.timing.event is None
    assert atc == {"oxaliplatin": "L01XA03", "folinic acid": "V03AF03", "fluorouracil": "L01BC02"}


def test_requests_are_draft_proposals(folfox_bundle: Bundle) -> None:
    """A calculator proposes; it never orders: every request and the group are draft proposals."""
    for request in [
        *resources(folfox_bundle, MedicationRequest),
        *resources(folfox_bundle, RequestGroup),
    ]:
        assert (request.status, request.intent) == ("draft", "proposal")
    assert all(r.doNotPerform is False for r in resources(folfox_bundle, MedicationRequest))


def test_request_group_has_one_action_per_cycle(folfox_bundle: Bundle) -> None:
    """The regimen as a RequestGroup: one cycle action, one sub-action per administration."""
    (group,) = resources(folfox_bundle, RequestGroup)
    (cycle,) = group.action
    assert cycle.title == "Cycle 1"
    urls = by_url(folfox_bundle)
    pointed = [urls[action.resource.reference] for action in cycle.action]
    assert pointed == resources(folfox_bundle, MedicationRequest)
    assert "PROPOSAL" in group.note[0].text


def test_every_reference_resolves_inside_the_bundle(folfox: DoseSheet, library: Library) -> None:
    """Each reference is the fullUrl of an entry (a collection travels on its own)."""
    data = json.loads(bundle_json(sheet_bundle(folfox, library=library)))
    urls = {entry["fullUrl"] for entry in data["entry"]}

    def references(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["reference"]] if "reference" in node else []
            return own + [ref for value in node.values() for ref in references(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in references(value)]
        return []

    found = references(data)
    assert found
    assert set(found) <= urls


def test_patient_identifier_and_name(folfox: DoseSheet, library: Library) -> None:
    """--patient-id and --patient-name become the Patient's identifier and name."""
    named = folfox.model_copy(update={"patient_id": "123456", "patient_name": "Jane Doe"})
    (patient,) = resources(read_back(sheet_bundle(named, library=library)), FhirPatient)
    assert patient.identifier[0].value == "123456"
    assert patient.name[0].text == "Jane Doe"


def test_without_library_codes_the_drug_is_named_by_text(folfox: DoseSheet) -> None:
    """A library without [drug.codes] gives the drug's name only, never an invented code."""

    class NoCodes:
        def drug(self, name: str) -> DrugFacts:
            return DrugFacts(inn=name, sources=("test",))

    bundle = read_back(sheet_bundle(folfox, library=NoCodes()))
    for request in resources(bundle, MedicationRequest):
        assert request.medicationCodeableConcept.coding is None
        assert request.medicationCodeableConcept.text


def test_the_renderer_without_a_library_names_drugs_by_text(folfox: DoseSheet) -> None:
    """The renderer reads no file: without a library no drug gets a code."""
    bundle = read_back(sheet_bundle(folfox))
    for request in resources(bundle, MedicationRequest):
        assert request.medicationCodeableConcept.coding is None


def test_public_bundles_use_the_builtin_library_by_default(
    folfox: DoseSheet, library: Library
) -> None:
    """``regimens.sheet_bundle(sheet)`` (docs/fhir.md) reads the built-in library's ATC codes:
    the same bundle as with the library given."""
    import regimens

    assert bundle_json(regimens.sheet_bundle(folfox)) == bundle_json(
        sheet_bundle(folfox, library=library)
    )
    calendar = build_calendar(library, "FOLFOX-6", dt.date(2026, 1, 5), CalendarOptions(cycles=1))
    assert bundle_json(regimens.calendar_bundle(calendar)) == bundle_json(
        calendar_bundle(calendar, library=library)
    )


@pytest.mark.parametrize("regimen", ["DOCETAXEL", "EOX", "FOLFIRI", "FOLFOX-6", "XELIRI"])
@pytest.mark.parametrize(
    ("height", "weight", "crcl"),
    [(150, 45, 35), (170, 70, 80), (195, 120, 120)],
    ids=["small, CrCl 35", "case report, CrCl 80", "large, CrCl 120"],
)
def test_every_regimen_validates_with_the_sheet_doses(
    library: Library, regimen: str, height: int, weight: int, crcl: int
) -> None:
    """Each built-in regimen, three patients: the bundle validates; doses, ATC codes and
    routes are the sheet's and the library's, administration by administration."""
    sheet = sheet_of(library, regimen, height=height, weight=weight, crcl=crcl)
    bundle = read_back(sheet_bundle(sheet, library=library))
    administrations = [a for day in sheet.days for a in day.administrations]
    expected = [(a.drug, None if a.withheld else a.dose_mg) for a in administrations]
    assert request_doses(bundle) == expected
    for request, item in zip(resources(bundle, MedicationRequest), administrations, strict=True):
        codes = library.drug(item.drug).codes
        assert codes is not None
        assert request.medicationCodeableConcept.coding[0].code == codes.atc
        assert request.dosageInstruction[0].route.text == item.route
        assert request.doNotPerform is item.withheld
    assert len(resources(bundle, DetectedIssue)) == len(sheet.warnings)


# --- renal function, warnings, withheld drugs --------------------------------------------


def test_creatinine_and_cockcroft_gault_clearance(library: Library) -> None:
    """Creatinine 0.9 mg/dL (2160-0) and CrCl (35591-7), woman of 50 years, 70 kg.

    Hand-worked: (140 − 50) × 70 / (72 × 0.9) × 0.85 = 6300 / 64.8 × 0.85 = 82.64 mL/min.
    """
    sheet = sheet_of(library, "FOLFOX-6", height=170, weight=70, age=50, sex="F", creatinine=0.9)
    bundle = read_back(sheet_bundle(sheet, library=library))
    assert loinc_value(bundle, "2160-0") == (0.9, "mg/dL", UCUM)
    crcl, unit, system = loinc_value(bundle, "35591-7")
    assert (unit, system) == ("mL/min", UCUM)
    assert crcl == pytest.approx((140 - 50) * 70 / (72 * 0.9) * 0.85)
    assert sheet.renal is not None
    assert crcl == sheet.renal.crcl_ml_min
    (patient,) = resources(bundle, FhirPatient)
    assert patient.gender == "female"


def test_given_clearance_has_no_loinc_code(library: Library) -> None:
    """A CrCl typed in (--crcl) has no known method: text only, not the Cockcroft–Gault code."""
    sheet = sheet_of(library, "EOX", height=165, weight=60, crcl=45)
    bundle = read_back(sheet_bundle(sheet, library=library))
    (crcl,) = [obs for obs in resources(bundle, Observation) if obs.valueQuantity.code == "mL/min"]
    assert crcl.code.coding is None
    assert float(crcl.valueQuantity.value) == 45.0


def test_renal_adjustment_is_a_moderate_issue(library: Library) -> None:
    """EOX at CrCl 45: capecitabine at 75% (label §2.4), a caution → severity moderate.

    BSA √(165 × 60 / 3600) = 1.658 → 1.66 m²; 625 × 1.66 × 0.75 = 778.1 mg; whole
    tablets 1 × 500 + 2 × 150 = 800 mg (+2.8%, within 5%).
    """
    sheet = sheet_of(library, "EOX", height=165, weight=60, crcl=45)
    bundle = read_back(sheet_bundle(sheet, library=library))
    (issue,) = resources(bundle, DetectedIssue)
    assert (issue.code.text, issue.severity) == ("RENAL_ADJUSTED", "moderate")
    assert issue.detail == message(sheet.warnings[0])
    capecitabine = [d for d in request_doses(bundle) if d[0] == "capecitabine"]
    assert capecitabine == [("capecitabine", 800.0)] * 21
    urls = by_url(bundle)
    assert {urls[ref.reference].medicationCodeableConcept.text for ref in issue.implicated} == {
        "capecitabine"
    }
    assert len(issue.implicated) == 21
    oral = resources(bundle, MedicationRequest)[2].dosageInstruction[0]
    assert (oral.route.coding[0].code, oral.timing.repeat.frequency) == ("26643006", 2)
    assert oral.text == "800 mg (1 × 500 mg + 2 × 150 mg) PO twice a day, cycle 1 day 1"


def test_contraindicated_drug_is_a_request_not_to_give(library: Library) -> None:
    """EOX at CrCl 25: capecitabine contraindicated (< 30 mL/min, label §4.1), and
    oxaliplatin too (EU SmPC §4.3): the second warning is capecitabine's.

    Each capecitabine request says doNotPerform, carries the reason and NO dose (not 0 mg);
    the blocking warning is a high-severity DetectedIssue implicating them all.
    """
    sheet = sheet_of(library, "EOX", height=165, weight=60, crcl=25)
    assert sheet.blocking
    bundle = read_back(sheet_bundle(sheet, library=library))
    withheld = [
        r
        for r in resources(bundle, MedicationRequest)
        if r.medicationCodeableConcept.text == "capecitabine"
    ]
    assert len(withheld) == 21
    for request in withheld:
        assert request.doNotPerform is True
        assert request.dosageInstruction[0].doseAndRate is None
        assert "contraindicated" in request.statusReason.text
        assert request.dosageInstruction[0].text.startswith("WITHHELD, do not give")
        assert (
            request.note[0].text
            == f"WARNING (blocking) CONTRAINDICATED: {message(sheet.warnings[1])}"
        )
    given = [r for r in resources(bundle, MedicationRequest) if r not in withheld]
    assert [r.doNotPerform for r in given] == [False, True]  # epirubicin; oxaliplatin withheld
    issues = resources(bundle, DetectedIssue)
    assert [(i.code.text, i.severity) for i in issues] == [("CONTRAINDICATED", "high")] * 2
    urls = by_url(bundle)
    assert [urls[ref.reference] for ref in issues[1].implicated] == withheld


def test_regimen_wide_warning_is_a_low_issue_without_implicated(library: Library) -> None:
    """A dose level of 80% for all drugs is an info warning: severity low, no single drug.

    Docetaxel alone: FOLFOX-6 would add an info for folinic acid, kept at 100 % (issue 17).
    """
    sheet = sheet_of(library, "DOCETAXEL", height=170, weight=70, dose_level_percent=80)
    bundle = read_back(sheet_bundle(sheet, library=library))
    (issue,) = resources(bundle, DetectedIssue)
    assert (issue.code.text, issue.severity, issue.implicated) == (
        "DOSE_LEVEL_REDUCED",
        "low",
        None,
    )
    (group,) = resources(bundle, RequestGroup)
    assert group.note[-1].text == f"WARNING (info) DOSE_LEVEL_REDUCED: {issue.detail}"
    # 75 × 1.82 × 0.8 = 109.2 → 109 mg
    assert request_doses(bundle)[0] == ("docetaxel", 109.0)


def test_supportive_regimen_and_short_infusion(library: Library) -> None:
    """Zoledronic acid 4 mg (M05BA08) over 15 min, given with FOLFOX-6 (CrCl 82.6 > 60 → 4 mg)."""
    sheet = sheet_of(
        library, "FOLFOX-6", supportive=("ZOLEDRONIC-ACID",), height=170, weight=70,
        age=50, sex="F", creatinine=0.9,
    )  # fmt: skip
    bundle = read_back(sheet_bundle(sheet, library=library))
    (zoledronic,) = [
        r
        for r in resources(bundle, MedicationRequest)
        if r.medicationCodeableConcept.text == "zoledronic acid"
    ]
    assert zoledronic.medicationCodeableConcept.coding[0].code == "M05BA08"
    dosage = zoledronic.dosageInstruction[0]
    assert float(dosage.doseAndRate[0].doseQuantity.value) == 4.0
    assert (dosage.timing.repeat.duration, dosage.timing.repeat.durationUnit) == (15, "min")


# --- the calendar ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendar(library: Library) -> Calendar:
    """FOLFOX-6 from Monday 2026-01-05, two cycles, cycle 2 delayed 7 days (neutropenia)."""
    return build_calendar(
        library,
        "FOLFOX-6",
        dt.date(2026, 1, 5),
        CalendarOptions(cycles=2, delays=(Delay(cycle=2, days=7, reason="neutropenia"),)),
        patient=make_patient(height="170", weight="70", crcl="90"),
    )


def test_calendar_cycles_and_dates(calendar: Calendar, library: Library) -> None:
    """Cycle 1: 2026-01-05 to 01-18; cycle 2: 01-05 + 14 + 7 = 01-26 to 02-08; pump off day 3."""
    bundle = read_back(calendar_bundle(calendar, library=library))
    (group,) = resources(bundle, RequestGroup)
    periods = [(a.title, a.timingPeriod.start, a.timingPeriod.end) for a in group.action]
    assert [(t, str(s), str(e)) for t, s, e in periods] == [
        ("Cycle 1", "2026-01-05", "2026-01-18"),
        ("Cycle 2", "2026-01-26", "2026-02-08"),
    ]
    assert "delayed 7 days (neutropenia)" in group.action[1].description
    pump_off = group.action[1].action[-1]
    assert pump_off.resource is None
    assert str(pump_off.timingDateTime) == "2026-01-28"
    assert pump_off.title == "Day 3: pump off, fluorouracil"


def test_calendar_requests_carry_the_date_and_dose(calendar: Calendar, library: Library) -> None:
    """Each request's timing.event is its date; its dose is the calendar's dose."""
    bundle = read_back(calendar_bundle(calendar, library=library))
    expected = [
        (item.drug, day.date.isoformat(), item.dose.dose_mg if item.dose else None)
        for cycle in calendar.cycles
        for day in cycle.days
        for item in day.administrations
    ]
    got = [
        (r.medicationCodeableConcept.text, str(r.dosageInstruction[0].timing.event[0]), dose)
        for r, (_, dose) in zip(
            resources(bundle, MedicationRequest), request_doses(bundle), strict=True
        )
    ]
    assert got == expected
    assert [g[2] for g in got] == [155.0, 728.0, 728.0, 4368.0] * 2


def test_calendar_without_measurements_has_no_doses(library: Library) -> None:
    """Dates only: the requests carry no dose and no BSA observation is made up."""
    calendar = build_calendar(library, "FOLFOX-6", dt.date(2026, 1, 5), CalendarOptions(cycles=1))
    bundle = read_back(calendar_bundle(calendar, library=library))
    assert [dose for _, dose in request_doses(bundle)] == [None] * 4
    assert resources(bundle, Observation) == []


# --- the drug codes in the library --------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "atc"),
    [
        ("epirubicin", "L01DB03"),
        ("oxaliplatin", "L01XA03"),
        ("capecitabine", "L01BC06"),
        ("irinotecan", "L01CE02"),
        ("docetaxel", "L01CD02"),
        ("folinic acid", "V03AF03"),
        ("fluorouracil", "L01BC02"),
        ("zoledronic acid", "M05BA08"),
    ],
    ids=str,
)
def test_library_atc_codes(library: Library, drug: str, atc: str) -> None:
    """WHO ATC codes of the built-in drugs, each with its source (drugs.toml [drug.codes])."""
    codes = library.drug(drug).codes
    assert codes is not None
    assert codes.atc == atc
    assert "atcddd.fhi.no" in codes.source


@pytest.mark.parametrize("bad", ["L1XA03", "l01xa03", "L01XA3", "L01XA033", "L01X"])
def test_malformed_atc_code_is_refused(bad: str) -> None:
    """An ATC substance code is a letter, 2 digits, 2 letters, 2 digits (L01XA03)."""
    with pytest.raises(ValidationError, match="is not an ATC code"):
        DrugCodes(atc=bad, source="test")


def test_a_code_needs_its_source() -> None:
    """A code without a source is refused: where it was checked is part of the fact."""
    with pytest.raises(ValidationError, match="source"):
        DrugCodes.model_validate({"atc": "L01XA03"})


# --- the command line and the cold start --------------------------------------------------


def test_cli_sheet_format_fhir(folfox: DoseSheet) -> None:
    """``regimens sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 --format fhir`` validates,
    same doses."""
    code, out, err = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 --format fhir")
    assert code == 0, err
    bundle = Bundle.model_validate_json(out)
    assert request_doses(bundle) == [("oxaliplatin", 155.0), ("folinic acid", 728.0),
                                     ("fluorouracil", 728.0), ("fluorouracil", 4368.0)]  # fmt: skip


def test_cli_blocking_fhir_exits_3() -> None:
    """A bundle with a blocking warning is printed, and the exit status is still 3."""
    code, out, _ = run("sheet EOX --height 165 --weight 60 --crcl 25 --format fhir")
    assert code == 3
    assert resources(Bundle.model_validate_json(out), DetectedIssue)[0].severity == "high"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("c1.fhir.json", "Bundle"), ("c1.FHIR.JSON", "Bundle"), ("c1.json", None)],
)
def test_cli_output_extension(tmp_path: Path, name: str, kind: str | None) -> None:
    """``-o c1.fhir.json`` writes FHIR; ``-o c1.json`` stays the sheet's own JSON."""
    target = tmp_path / name
    code, _, err = run(f"sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 -o {target}")
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data.get("resourceType") == kind
    if kind is None:
        assert data["schema_version"]


def test_cli_calendar_format_fhir(calendar: Calendar, library: Library) -> None:
    """``regimens calendar ... --format fhir`` is the calendar_bundle of the same calendar.

    FOLFOX-6 from 2026-01-05, cycle 2 delayed 7 days: cycle 2 on 2026-01-26 (by hand:
    01-05 + 14 + 7), doses 155, 728, 728, 4368 mg each cycle (170 cm, 70 kg).
    """
    code, out, err = run(
        "calendar FOLFOX-6 --start 2026-01-05 --cycles 2 --delay 2=7:neutropenia "
        "--height 170 --weight 70 --crcl 90 --format fhir"
    )
    assert code == 0, err
    bundle = Bundle.model_validate_json(out)
    assert out.rstrip("\n") == bundle_json(calendar_bundle(calendar, library=library))
    dates = [
        str(r.dosageInstruction[0].timing.event[0]) for r in resources(bundle, MedicationRequest)
    ]
    assert dates == ["2026-01-05"] * 4 + ["2026-01-26"] * 4
    assert [dose for _, dose in request_doses(bundle)] == [155.0, 728.0, 728.0, 4368.0] * 2


def test_cli_calendar_fhir_from_extension(tmp_path: Path) -> None:
    """``calendar -o course.fhir.json`` writes a Bundle; ``-o course.json`` the calendar JSON."""
    for name, kind in (("course.fhir.json", "Bundle"), ("course.json", None)):
        target = tmp_path / name
        code, _, err = run(f"calendar FOLFOX-6 --start 2026-01-05 --cycles 2 -o {target}")
        assert code == 0, err
        assert json.loads(target.read_text(encoding="utf-8")).get("resourceType") == kind


@pytest.mark.subprocess
def test_fhir_library_loaded_only_by_the_fhir_format() -> None:
    """``import regimens``, the renderer module and a JSON sheet never import fhir.resources."""
    code = (
        "import sys, regimens, regimens._render.fhir\n"
        "from click.testing import CliRunner\n"
        "from regimens._cli import main\n"
        "r = CliRunner().invoke(main, ['sheet', 'FOLFOX-6', '--height', '170', '--weight', '70',"
        " '--crcl', '90', '--format', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m == 'fhir' or m.startswith(('fhir.', 'fhir_core'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- docs/fhir.md -------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "fhir.md"


def doc_commands() -> list[str]:
    return [
        line.removeprefix("$ regimens ")
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("$ regimens ")
    ]


@pytest.mark.parametrize("command", doc_commands())
def test_doc_commands_write_valid_bundles(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command shown in docs/fhir.md runs and writes a bundle fhir.resources accepts
    (`show`: a regimen's PlanDefinition)."""
    from fhir.resources.R4B.plandefinition import PlanDefinition

    monkeypatch.chdir(tmp_path)
    code, out, err = run(command)
    assert code == 0, err
    written = [path.read_text(encoding="utf-8") for path in tmp_path.iterdir()]
    (text,) = written or [out]
    if command.startswith("show "):
        assert PlanDefinition.model_validate_json(text).status == "draft"
    else:
        assert Bundle.model_validate_json(text).type == "collection"


def test_doc_example_is_real_output(folfox: DoseSheet, library: Library) -> None:
    """The MedicationRequest shown in docs/fhir.md is the real one, apart from ids and time."""
    blocks = DOC.read_text(encoding="utf-8").split("```json\n")
    shown = json.loads(blocks[1].split("```")[0])["resource"]
    data = json.loads(bundle_json(sheet_bundle(folfox, library=library)))
    (real,) = [
        entry["resource"]
        for entry in data["entry"]
        if entry["resource"].get("medicationCodeableConcept", {}).get("text") == "oxaliplatin"
    ]
    for varying in ("subject", "authoredOn"):
        shown.pop(varying)
        real.pop(varying)
    assert shown == real

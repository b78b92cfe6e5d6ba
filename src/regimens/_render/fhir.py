"""FHIR R4 export: a dose sheet or a calendar as a FHIR Bundle (``docs/fhir.md``).

:func:`sheet_bundle` and :func:`calendar_bundle` build a ``collection`` Bundle with the
models of the maintained ``fhir.resources`` library (R4B classes: wire-compatible with
R4 for the resources used here), so every resource is validated as it is built;
:func:`bundle_json` serialises it. The library is imported inside these functions
only: ``import regimens`` and the other commands never load it.

What goes where (the full table is in ``docs/fhir.md``):

- ``Patient``: identifier and name when given; sex.
- ``Observation`` per measurement: body height (LOINC 8302-2), body weight (29463-7),
  the BSA used for dosing (8277-6), serum creatinine (2160-0), and the creatinine
  clearance (35591-7 when estimated by Cockcroft–Gault; text only when it was given).
- ``RequestGroup``: the regimen, one action per cycle, one sub-action per
  administration pointing at its ``MedicationRequest`` (and, in a calendar, one per
  pump disconnection).
- ``MedicationRequest`` per administration: the final (rounded) dose per intake in
  mg (UCUM), route (SNOMED CT), method, timing (calendar: the date; sheet: the cycle
  day as text, since a sheet has no dates), infusion duration and rate; the
  calculated dose in a note. Withheld drugs carry ``doNotPerform = true`` and no dose.
- ``DetectedIssue`` per warning: severity high (blocking), moderate (caution) or low
  (info), implicating the requests of the drug it is about.

Every request is ``status = draft``, ``intent = proposal``: the output of a calculator
is a proposal that a qualified professional checks and signs, never an order. The
bundle is a ``collection``, not a ``transaction``, for the same reason: a receiving
server must not create orders from it without a person in between.

Renderers compute nothing: every number here is copied from the sheet or calendar.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regimens._render._text import format_mg, regimen_title, signed_percent
from regimens._render.dose_words import (
    order_of_operations_text,
    organ_rule_text,
    rounding_text,
    withheld_text,
)
from regimens._render.messages import message as warning_message

if TYPE_CHECKING:
    import datetime as dt

    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.medicationrequest import MedicationRequest
    from fhir.resources.R4B.reference import Reference
    from fhir.resources.R4B.requestgroup import RequestGroupAction
    from fhir.resources.R4B.resource import Resource

    from regimens._calc.calendar import Calendar, CalendarAdministration, CalendarCycle, CalendarDay
    from regimens._models.measures import Measured
    from regimens._models.sheet import Administration, DoseSheet, SheetWarning, TabletCount
    from regimens._read.library import Library

__all__ = [
    "ATC_SYSTEM",
    "LOINC_CODES",
    "LOINC_SYSTEM",
    "ROUTES",
    "SEVERITY",
    "SNOMED_SYSTEM",
    "UCUM_SYSTEM",
    "bundle_json",
    "calendar_bundle",
    "sheet_bundle",
]

ATC_SYSTEM = "http://www.whocc.no/atc"
LOINC_SYSTEM = "http://loinc.org"
SNOMED_SYSTEM = "http://snomed.info/sct"
UCUM_SYSTEM = "http://unitsofmeasure.org"
_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_DOSE_RATE_TYPE = "http://terminology.hl7.org/CodeSystem/dose-rate-type"

#: LOINC code and display of each measurement (sources in docs/fhir.md).
LOINC_CODES: dict[str, tuple[str, str]] = {
    "height": ("8302-2", "Body height"),
    "weight": ("29463-7", "Body weight"),
    "bsa": ("8277-6", "Body surface area"),
    "creatinine": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
    "crcl_cockcroft_gault": (
        "35591-7",
        "Creatinine renal clearance predicted by Cockcroft-Gault formula",
    ),
}

#: Route as written in regimen files → SNOMED CT route of administration (docs/fhir.md).
ROUTES: dict[str, tuple[str, str]] = {
    "IV": ("47625008", "Intravenous route"),
    "PO": ("26643006", "Oral route"),
    "SC": ("34206005", "Subcutaneous route"),
    "IM": ("78421000", "Intramuscular route"),
}

#: Warning severity → DetectedIssue.severity.
SEVERITY: dict[str, str] = {"blocking": "high", "caution": "moderate", "info": "low"}

_CATEGORIES = {"vital-signs": "Vital Signs", "laboratory": "Laboratory"}
_METHOD_TEXT = {"continuous_infusion": "continuous infusion"}
_INTAKES_TEXT = {2: "twice a day", 3: "three times a day", 4: "four times a day"}
_DISCLAIMER = (
    "Computed by regimens {version} as a PROPOSAL: every request is a draft to be checked "
    "and signed by a qualified professional before use."
)
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:regimens:fhir-export")


# --- what the sheet and the calendar share ---------------------------------------------


@dataclass(frozen=True)
class _Measures:
    """The patient's data that both documents carry, in their canonical units."""

    patient: dict[str, Measured | str]
    bsa_m2: float | None
    bsa_method: str | None
    bsa_note: str | None
    crcl_ml_min: float | None
    crcl_estimated: bool  # True: Cockcroft–Gault from creatinine; False: given as is
    crcl_method: str | None
    crcl_note: str | None = None
    patient_id: str | None = None
    patient_name: str | None = None


@dataclass(frozen=True)
class _Item:
    """One administration to turn into a MedicationRequest."""

    drug: str
    regimen: str  # "" for the main regimen, else the supportive regimen's id
    route: str
    method: str
    cycle: int
    day: int
    date: dt.date | None
    dose_mg: float | None  # None: not computed (a calendar without measurements)
    intakes_per_day: int
    tablets: tuple[TabletCount, ...] | None
    duration_h: float | None
    rate_mg_per_h: float | None
    withheld: bool
    withheld_reason: str | None
    notes: tuple[str, ...]
    flags: str = ""  # calendar: weekend, holiday... of the date


@dataclass
class _Builder:
    """Collects the bundle's entries with stable ``urn:uuid`` identities.

    The identities are UUID version 5 of the document's own JSON and a name, so one
    sheet always gives the same bundle and two different sheets never share an id.
    """

    seed: str
    library: Library | None
    issued: str | None
    entries: list[tuple[str, Resource]] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.seed}/{name}')}"

    def add(self, name: str, resource: Resource) -> str:
        url = self.url(name)
        self.entries.append((url, resource))
        return url

    def bundle(self) -> Bundle:
        from fhir.resources.R4B.bundle import Bundle, BundleEntry

        return Bundle(
            type="collection",
            identifier=_identifier(self.url("bundle")),
            timestamp=self.issued,
            entry=[BundleEntry(fullUrl=url, resource=resource) for url, resource in self.entries],
        )


def _identifier(url: str) -> Any:
    from fhir.resources.R4B.identifier import Identifier

    return Identifier(system="urn:ietf:rfc:3986", value=url)


def _reference(url: str, display: str | None = None) -> Reference:
    from fhir.resources.R4B.reference import Reference

    return Reference(reference=url, display=display)


def _concept(
    text: str, system: str | None = None, code: str | None = None, display: str | None = None
) -> CodeableConcept:
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.coding import Coding

    coding = [Coding(system=system, code=code, display=display)] if code else None
    return CodeableConcept(coding=coding, text=text)


def _quantity(value: float, unit: str) -> Any:
    from fhir.resources.R4B.quantity import Quantity

    return Quantity(value=value, unit=unit, system=UCUM_SYSTEM, code=unit)


def _notes(texts: Sequence[str]) -> Any:
    from fhir.resources.R4B.annotation import Annotation

    return [Annotation(text=text) for text in texts if text] or None


def _duration(hours: float) -> tuple[float, str]:
    """A duration in whole minutes below an hour (zoledronic acid: 15 min), else hours."""
    minutes = hours * 60
    if hours < 1 and abs(minutes - round(minutes)) < 1e-9:
        return float(round(minutes)), "min"
    return hours, "h"


def _hours(hours: float) -> str:
    value, unit = _duration(hours)
    return f"{value:g} {unit}"


# --- patient and measurements -----------------------------------------------------------


def _patient_entries(builder: _Builder, measures: _Measures) -> str:
    """Add the Patient and the Observations; return the Patient's reference."""
    from fhir.resources.R4B.humanname import HumanName
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.patient import Patient

    sex = measures.patient.get("sex")
    patient_url = builder.add(
        "patient",
        Patient(
            identifier=([Identifier(value=measures.patient_id)] if measures.patient_id else None),
            name=[HumanName(text=measures.patient_name)] if measures.patient_name else None,
            gender=sex if isinstance(sex, str) else None,
        ),
    )

    made: dict[str, str] = {}

    def observe(
        key: str,
        value: float,
        unit: str,
        code: CodeableConcept,
        category: str,
        *,
        method: str | None = None,
        note: str | None = None,
        derived_from: Sequence[str] = (),
    ) -> None:
        from fhir.resources.R4B.observation import Observation

        made[key] = builder.add(
            f"observation/{key}",
            Observation(
                status="final",
                category=[
                    _concept(
                        _CATEGORIES[category],
                        _OBSERVATION_CATEGORY,
                        category,
                        _CATEGORIES[category],
                    )
                ],
                code=code,
                subject=_reference(patient_url),
                issued=builder.issued,
                valueQuantity=_quantity(value, unit),
                method=_concept(method) if method else None,
                derivedFrom=[_reference(made[name]) for name in derived_from if name in made]
                or None,
                note=_notes([note] if note else []),
            ),
        )

    def loinc(key: str) -> CodeableConcept:
        code, display = LOINC_CODES[key]
        return _concept(display, LOINC_SYSTEM, code, display)

    for key, category in (("height", "vital-signs"), ("weight", "vital-signs")):
        measured = measures.patient.get(key)
        if measured is not None and not isinstance(measured, str):
            observe(key, measured.value, measured.unit, loinc(key), category)
    if measures.bsa_m2 is not None:
        observe(
            "bsa",
            measures.bsa_m2,
            "m2",
            loinc("bsa"),
            "vital-signs",
            method=measures.bsa_method,
            note=measures.bsa_note,
            derived_from=("height", "weight"),
        )
    creatinine = measures.patient.get("creatinine")
    if creatinine is not None and not isinstance(creatinine, str):
        observe("creatinine", creatinine.value, creatinine.unit, loinc("creatinine"), "laboratory")
    if measures.crcl_ml_min is not None:
        observe(
            "crcl",
            measures.crcl_ml_min,
            "mL/min",
            loinc("crcl_cockcroft_gault")
            if measures.crcl_estimated
            # No LOINC code says "a clearance someone typed in": text only.
            else _concept("Creatinine clearance, as given to regimens (method not recorded)"),
            "laboratory",
            method=measures.crcl_method,
            note=measures.crcl_note,
            derived_from=("creatinine", "weight", "height") if measures.crcl_estimated else (),
        )
    return patient_url


# --- administrations --------------------------------------------------------------------


def _when(item: _Item) -> str:
    when = f"cycle {item.cycle} day {item.day}"
    return f"{when} ({item.date.isoformat()})" if item.date else when


def _dose_text(item: _Item) -> str:
    method = _METHOD_TEXT.get(item.method, item.method)
    if item.withheld:
        return f"WITHHELD, do not give: {item.withheld_reason or 'see the warnings'}"
    if item.dose_mg is None:
        dose = "dose not computed (no patient measurements)"
    else:
        dose = f"{format_mg(item.dose_mg)} mg"
        if item.tablets:
            dose += (
                " ("
                + " + ".join(f"{t.count} × {format_mg(t.strength_mg)} mg" for t in item.tablets)
                + ")"
            )
    text = f"{dose} {item.route}" + ("" if method == "oral" else f" {method}")
    if item.intakes_per_day > 1:
        text += " " + _INTAKES_TEXT.get(item.intakes_per_day, f"{item.intakes_per_day} times a day")
    if item.duration_h:
        text += f" over {_hours(item.duration_h)}"
    return f"{text}, {_when(item)}"


def _medication(builder: _Builder, drug: str) -> CodeableConcept:
    atc = None
    if builder.library is not None:
        from regimens._errors import UnknownNameError

        try:
            codes = builder.library.drug(drug).codes
        except UnknownNameError:
            codes = None
        atc = codes.atc if codes is not None else None
    return _concept(drug, ATC_SYSTEM if atc else None, atc, drug if atc else None)


def _medication_request(builder: _Builder, item: _Item, patient: str) -> MedicationRequest:
    from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
    from fhir.resources.R4B.medicationrequest import MedicationRequest
    from fhir.resources.R4B.timing import Timing, TimingRepeat

    repeat = TimingRepeat(
        count=item.intakes_per_day,
        frequency=item.intakes_per_day if item.intakes_per_day > 1 else None,
        period=1 if item.intakes_per_day > 1 else None,
        periodUnit="d" if item.intakes_per_day > 1 else None,
        duration=_duration(item.duration_h)[0] if item.duration_h else None,
        durationUnit=_duration(item.duration_h)[1] if item.duration_h else None,
    )
    timing = Timing(
        event=[item.date.isoformat()] if item.date else None,
        repeat=repeat,
        code=_concept(_when(item)),
    )
    route = ROUTES.get(item.route)
    dose_and_rate = None
    if not item.withheld and item.dose_mg is not None:
        dose_and_rate = [
            DosageDoseAndRate(
                type=_concept("Calculated", _DOSE_RATE_TYPE, "calculated", "Calculated"),
                doseQuantity=_quantity(item.dose_mg, "mg"),
                rateQuantity=(
                    _quantity(item.rate_mg_per_h, "mg/h") if item.rate_mg_per_h else None
                ),
            )
        ]
    return MedicationRequest(
        status="draft",
        intent="proposal",
        # Explicit both ways: a withheld drug is a request NOT to give it, with no dose.
        doNotPerform=item.withheld,
        statusReason=(_concept(item.withheld_reason or "withheld") if item.withheld else None),
        medicationCodeableConcept=_medication(builder, item.drug),
        subject=_reference(patient),
        authoredOn=builder.issued,
        dosageInstruction=[
            Dosage(
                text=_dose_text(item),
                timing=timing,
                route=_concept(item.route, SNOMED_SYSTEM, route[0], route[1])
                if route
                else _concept(item.route),
                method=_concept(_METHOD_TEXT.get(item.method, item.method)),
                doseAndRate=dose_and_rate,
            )
        ],
        note=_notes(item.notes),
    )


def _warning_note(warning: SheetWarning) -> str:
    return f"WARNING ({warning.severity}) {warning.code}: {warning_message(warning)}"


def _with_warnings(items: Sequence[_Item], warnings: Sequence[SheetWarning]) -> list[_Item]:
    """Each drug's warnings also as notes of its requests, ahead of the other notes.

    The DetectedIssues carry them for systems that read issues; the notes keep them
    in sight of anyone who only reads the request.
    """
    return [
        dataclasses.replace(
            item,
            notes=(
                *(_warning_note(w) for w in warnings if w.drug == item.drug),
                *item.notes,
            ),
        )
        for item in items
    ]


def _general_warnings(warnings: Sequence[SheetWarning], prefix: str = "") -> list[str]:
    """Warnings about no single drug (a dose level for all, a BSA cap...)."""
    return [prefix + _warning_note(w) for w in warnings if w.drug is None]


def _add_requests(
    builder: _Builder, items: Sequence[_Item], patient: str, name: str
) -> list[tuple[_Item, str, RequestGroupAction]]:
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    added = []
    for index, item in enumerate(items, start=1):
        url = builder.add(f"{name}/{index}", _medication_request(builder, item, patient))
        regimen = f" [{item.regimen}]" if item.regimen else ""
        action = RequestGroupAction(
            title=f"Day {item.day}: {item.drug}{regimen}",
            description=_dose_text(item) + (f"; {item.flags}" if item.flags else ""),
            timingDateTime=item.date.isoformat() if item.date else None,
            resource=_reference(url),
        )
        added.append((item, url, action))
    return added


def _issues(
    builder: _Builder,
    warnings: Sequence[SheetWarning],
    requests: Sequence[tuple[_Item, str, RequestGroupAction]],
    patient: str,
    name: str,
) -> None:
    from fhir.resources.R4B.detectedissue import DetectedIssue

    for index, warning in enumerate(warnings, start=1):
        implicated = [url for item, url, _ in requests if warning.drug == item.drug]
        builder.add(
            f"{name}/{index}",
            DetectedIssue(
                status="final",
                severity=SEVERITY[warning.severity],
                # Our warning codes (docs/dose-sheet.md) are no registered code system:
                # the code travels as text, the message as the detail.
                code=_concept(warning.code),
                detail=warning_message(warning),
                patient=_reference(patient),
                identifiedDateTime=builder.issued,
                implicated=[_reference(url) for url in implicated] or None,
            ),
        )


def _request_group(
    builder: _Builder,
    patient: str,
    title: str,
    notes: Sequence[str],
    actions: Sequence[RequestGroupAction],
) -> None:
    from fhir.resources.R4B.requestgroup import RequestGroup

    builder.add(
        "requestgroup",
        RequestGroup(
            status="draft",
            intent="proposal",
            code=_concept(title),
            subject=_reference(patient),
            authoredOn=builder.issued,
            note=_notes(notes),
            action=list(actions) or None,
        ),
    )


def _seed(document_json: str) -> str:
    return hashlib.sha256(document_json.encode()).hexdigest()


# --- the dose sheet ---------------------------------------------------------------------


def _sheet_item(sheet: DoseSheet, day: int, item: Administration) -> _Item:
    notes = []
    if not item.withheld:
        basis = (
            f" × {item.basis_value:g} {item.basis_unit}"
            if item.basis_value is not None and item.basis_unit
            else ""
        )
        adjustment = (
            f", organ rule {organ_rule_text(item.organ_adjustment)}: {item.organ_adjustment.band}"
            if item.organ_adjustment
            else ""
        )
        standard = f" = {format_mg(item.standard_mg)} mg" if basis else ""
        notes.append(
            f"Calculated dose {format_mg(item.calculated_mg)} mg per intake "
            f"({item.prescribed}{basis}{standard} at "
            f"{item.dose_level_percent:g}%{adjustment}); final dose after rounding "
            f"({rounding_text(item)}): {format_mg(item.dose_mg)} mg, "
            f"{signed_percent(item.deviation_percent)}."
        )
    if item.pump is not None:
        pump = item.pump
        notes.append(
            f"Pump: {pump.pump_rate_ml_per_h:g} mL/h over {_hours(pump.duration_h)}, "
            f"{pump.pump_volume_ml:g} mL: drug {pump.drug_volume_ml:g} mL at "
            f"{pump.drug_concentration_mg_per_ml:g} mg/mL + diluent {pump.diluent_ml:g} mL"
            + ("" if pump.fits else " (DOES NOT FIT: see the warnings)")
        )
    if item.notes:
        notes.append(item.notes)
    return _Item(
        drug=item.drug,
        regimen=item.regimen if item.regimen != sheet.regimen.id else "",
        route=item.route,
        method=item.method,
        cycle=sheet.cycle,
        day=day,
        date=None,
        dose_mg=item.dose_mg,
        intakes_per_day=item.intakes_per_day,
        tablets=item.tablets,
        duration_h=item.duration_h,
        rate_mg_per_h=item.rate_mg_per_h,
        withheld=item.withheld,
        withheld_reason=withheld_text(item),
        notes=tuple(notes),
    )


def _crcl_inputs(sheet: DoseSheet) -> str:
    """The clearance's inputs as given (age has no Observation of its own here)."""
    renal = sheet.renal
    if renal is None or renal.source != "cockcroft_gault":
        return "Given by the user, not estimated by regimens."
    shown = []
    for key in ("age", "sex", "creatinine"):
        value = sheet.patient.get(key)
        if isinstance(value, str):
            shown.append(f"{key} {value}")
        elif value is not None:
            shown.append(f"{key} {value.value:g} {value.unit}")
    if renal.weight_kg_used is not None:
        shown.append(f"weight used {renal.weight_kg_used:g} kg ({renal.weight_basis})")
    return "Inputs: " + ", ".join(shown) + "."


def sheet_bundle(sheet: DoseSheet, *, library: Library | None = None) -> Bundle:
    """The dose sheet as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``).

    ``library`` gives the drugs' ATC codes (``[drug.codes]`` in ``drugs.toml``); by
    default the built-in library. A drug it does not know is named by text only.
    A sheet has no dates: each request's timing says "cycle N day D".
    """
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    builder = _Builder(
        seed=_seed(sheet.model_dump_json()),
        library=library if library is not None else _builtin_library(),
        issued=sheet.provenance.calculated_at,
    )
    bsa = sheet.bsa
    renal = sheet.renal
    patient = _patient_entries(
        builder,
        _Measures(
            patient=sheet.patient,
            bsa_m2=sheet.bsa_m2,
            bsa_method=f"{bsa.formula_label}: {bsa.formula_expression}" if bsa else None,
            bsa_note=(
                f"BSA used for dosing; unrounded {bsa.bsa_m2_unrounded:.4f} m2"
                + (f", capped at {bsa.bsa_cap_m2:g} m2" if bsa.bsa_capped else "")
                if bsa
                else None
            ),
            crcl_ml_min=renal.crcl_ml_min if renal else None,
            crcl_estimated=renal is not None and renal.source == "cockcroft_gault",
            crcl_method=(
                f"Cockcroft-Gault: {renal.formula} ({renal.weight_basis} weight)"
                if renal is not None and renal.source == "cockcroft_gault"
                else None
            ),
            crcl_note=_crcl_inputs(sheet) if renal is not None else None,
            patient_id=sheet.patient_id,
            patient_name=sheet.patient_name,
        ),
    )
    items = [
        _sheet_item(sheet, day.day, item) for day in sheet.days for item in day.administrations
    ]
    items = _with_warnings(items, sheet.warnings)
    requests = _add_requests(builder, items, patient, "medicationrequest")
    _issues(builder, sheet.warnings, requests, patient, "detectedissue")
    cycle = RequestGroupAction(
        title=f"Cycle {sheet.cycle}",
        description=f"Cycle {sheet.cycle} of {sheet.regimen.id}, every "
        f"{sheet.regimen.cycle_length_days} days",
        action=[action for _, _, action in requests] or None,
    )
    _request_group(
        builder,
        patient,
        regimen_title(sheet.regimen.name, sheet.regimen.id),
        [
            _DISCLAIMER.format(version=sheet.provenance.tool_version),
            f"Regimen file sha256 {sheet.regimen.sha256}; order of operations: "
            f"{order_of_operations_text(sheet.provenance.order_of_operations)}.",
            *_general_warnings(sheet.warnings),
        ],
        [cycle],
    )
    return builder.bundle()


# --- the calendar -----------------------------------------------------------------------


def _day_flags(day: CalendarDay) -> str:
    """What the date itself calls for attention (the pump flags have their own actions)."""
    flags = ", ".join(flag for flag in day.flags if flag not in ("pump_on", "pump_off"))
    return flags + (f" ({day.holiday})" if day.holiday else "")


def _calendar_item(
    cycle: CalendarCycle, day: CalendarDay, item: CalendarAdministration, main: str
) -> _Item:
    dose = item.dose
    return _Item(
        drug=item.drug,
        regimen=item.regimen if item.regimen != main else "",
        route=item.route,
        method=item.method,
        cycle=cycle.cycle,
        day=day.day,
        date=day.date,
        dose_mg=dose.dose_mg if dose else None,
        intakes_per_day=dose.intakes_per_day if dose else 1,
        tablets=dose.tablets if dose else None,
        duration_h=item.duration_h,
        # A calendar keeps no infusion rate: see the cycle's dose sheet.
        rate_mg_per_h=None,
        withheld=dose.withheld if dose else False,
        withheld_reason="withheld on this cycle's dose sheet (see the warnings)"
        if dose and dose.withheld
        else None,
        notes=(f"Prescribed in the regimen: {dose.prescribed} per intake.",) if dose else (),
        flags=_day_flags(day),
    )


def calendar_bundle(calendar: Calendar, *, library: Library | None = None) -> Bundle:
    """The calendar as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``).

    One RequestGroup action per cycle (its period), with one sub-action per
    administration on its date and one per pump disconnection. Doses are present only
    when the calendar was computed with the patient's measurements. ``library`` as
    for :func:`sheet_bundle`.
    """
    from fhir.resources.R4B.period import Period
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    builder = _Builder(
        seed=_seed(calendar.model_dump_json()),
        library=library if library is not None else _builtin_library(),
        issued=None,  # a calendar records no time of calculation
    )
    dosing = calendar.dosing
    patient = _patient_entries(
        builder,
        _Measures(
            patient=dosing.patient if dosing else {},
            bsa_m2=dosing.bsa_m2 if dosing else None,
            bsa_method=dosing.bsa_formula if dosing else None,
            bsa_note="BSA used for dosing" if dosing else None,
            crcl_ml_min=dosing.crcl_ml_min if dosing else None,
            # A clearance typed in is kept in the patient's inputs; otherwise the
            # calendar's sheets estimated it by Cockcroft–Gault.
            crcl_estimated=dosing is not None and "crcl" not in dosing.patient,
            crcl_method="Cockcroft-Gault" if dosing and "crcl" not in dosing.patient else None,
        ),
    )
    cycle_actions = []
    general: list[str] = []
    for cycle in calendar.cycles:
        items = [
            _calendar_item(cycle, day, item, calendar.regimen.id)
            for day in cycle.days
            for item in day.administrations
        ]
        items = _with_warnings(items, cycle.warnings)
        general += _general_warnings(cycle.warnings, f"Cycle {cycle.cycle}: ")
        name = f"cycle/{cycle.cycle}"
        requests = _add_requests(builder, items, patient, f"{name}/medicationrequest")
        _issues(builder, cycle.warnings, requests, patient, f"{name}/detectedissue")
        actions = [action for _, _, action in requests]
        for day in cycle.days:
            flags = _day_flags(day)
            for off in day.pump_off:
                actions.append(
                    RequestGroupAction(
                        title=f"Day {day.day}: pump off, {off.drug}",
                        description=f"Disconnect the {off.drug} pump started on day "
                        f"{off.started_day} ({off.started_date.isoformat()}, "
                        f"{_hours(off.duration_h)})" + (f"; {flags}" if flags else ""),
                        timingDateTime=day.date.isoformat(),
                    )
                )
        description = [f"{cycle.start_date.isoformat()} to {cycle.end_date.isoformat()}"]
        if cycle.delay_days:
            description.append(
                f"delayed {cycle.delay_days} days"
                + (f" ({cycle.delay_reason})" if cycle.delay_reason else "")
            )
        if cycle.moved_from is not None:
            description.append(
                f"moved from {cycle.moved_from.isoformat()}"
                + (f" ({cycle.moved_reason})" if cycle.moved_reason else "")
            )
        cycle_actions.append(
            RequestGroupAction(
                title=f"Cycle {cycle.cycle}",
                description="; ".join(description),
                timingPeriod=Period(
                    start=cycle.start_date.isoformat(), end=cycle.end_date.isoformat()
                ),
                action=actions or None,
            )
        )
    _request_group(
        builder,
        patient,
        regimen_title(calendar.regimen.name, calendar.regimen.id),
        [_DISCLAIMER.format(version=calendar.tool_version), *calendar.notes, *general],
        cycle_actions,
    )
    return builder.bundle()


def _builtin_library() -> Library:
    from regimens._read.library import load_library

    return load_library(use_env=False)


def bundle_json(bundle: Bundle) -> str:
    """The bundle as indented FHIR JSON (empty elements left out)."""
    text: str = bundle.model_dump_json(by_alias=True, exclude_none=True, indent=2)
    return text

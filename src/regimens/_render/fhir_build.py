"""The building blocks of the FHIR export (``fhir.py``): code systems, the bundle
builder, the Patient and its Observations, MedicationRequests, DetectedIssues and the
RequestGroup that the dose sheet and the calendar share.

``fhir.resources`` is imported inside the functions only (``docs/fhir.md``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from regimens._render._text import format_mg
from regimens._render.dose_words import intakes_differ, intakes_text
from regimens._render.messages import message

if TYPE_CHECKING:
    import datetime as dt

    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.medicationrequest import MedicationRequest
    from fhir.resources.R4B.reference import Reference
    from fhir.resources.R4B.requestgroup import RequestGroupAction
    from fhir.resources.R4B.resource import Resource

    from regimens._models.measures import Measured
    from regimens._models.regimen import DrugFacts
    from regimens._models.sheet import Intake, SheetWarning, TabletCount

__all__ = [
    "ATC_SYSTEM",
    "CATEGORIES",
    "DISCLAIMER",
    "DOSE_RATE_TYPE",
    "INTAKES_TEXT",
    "LOINC_CODES",
    "LOINC_SYSTEM",
    "METHOD_TEXT",
    "NAMESPACE",
    "OBSERVATION_CATEGORY",
    "ROUTES",
    "SEVERITY",
    "SNOMED_SYSTEM",
    "UCUM_SYSTEM",
    "Builder",
    "DrugLookup",
    "Item",
    "Measures",
    "add_issues",
    "add_request_group",
    "add_requests",
    "concept",
    "dose_text",
    "duration_of",
    "general_warnings",
    "hours_text",
    "identifier_of",
    "medication_concept",
    "medication_request",
    "note_list",
    "patient_entries",
    "quantity",
    "reference_to",
    "seed_of",
    "warning_note",
    "when_text",
    "with_warnings",
]


class DrugLookup(Protocol):
    """What the export needs of a library: a drug's facts (its ATC code) by name."""

    def drug(self, name: str) -> DrugFacts: ...


ATC_SYSTEM = "http://www.whocc.no/atc"
LOINC_SYSTEM = "http://loinc.org"
SNOMED_SYSTEM = "http://snomed.info/sct"
UCUM_SYSTEM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DOSE_RATE_TYPE = "http://terminology.hl7.org/CodeSystem/dose-rate-type"

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

CATEGORIES = {"vital-signs": "Vital Signs", "laboratory": "Laboratory"}
METHOD_TEXT = {"continuous_infusion": "continuous infusion"}
INTAKES_TEXT = {2: "twice a day", 3: "three times a day", 4: "four times a day"}
DISCLAIMER = (
    "Computed by regimens {version} as a PROPOSAL: every request is a draft to be checked "
    "and signed by a qualified professional before use."
)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:regimens:fhir-export")


# --- what the sheet and the calendar share ---------------------------------------------


@dataclass(frozen=True)
class Measures:
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
    patient_dob: dt.date | None = None  # the Patient's birthDate (issue 22)


@dataclass(frozen=True)
class Item:
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
    #: An oral plan's intakes (they may differ: one Dosage each); False: no plan is
    #: dispensable, so no dose is proposed.
    intakes: tuple[Intake, ...] | None = None
    dispensable: bool = True
    dose_unit: str = "mg"  # of dose_mg: or a hydration order's mL or mmol (UCUM codes too)
    rate_ml_per_h: float | None = None  # a hydration fluid's volume over its duration


@dataclass
class Builder:
    """Collects the bundle's entries with stable ``urn:uuid`` identities.

    The identities are UUID version 5 of the document's own JSON and a name, so one
    sheet always gives the same bundle and two different sheets never share an id.
    """

    seed: str
    library: DrugLookup | None
    issued: str | None
    entries: list[tuple[str, Resource]] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.seed}/{name}')}"

    def add(self, name: str, resource: Resource) -> str:
        url = self.url(name)
        self.entries.append((url, resource))
        return url

    def bundle(self) -> Bundle:
        from fhir.resources.R4B.bundle import Bundle, BundleEntry

        return Bundle(
            type="collection",
            identifier=identifier_of(self.url("bundle")),
            timestamp=self.issued,
            entry=[BundleEntry(fullUrl=url, resource=resource) for url, resource in self.entries],
        )


def identifier_of(url: str) -> Any:
    from fhir.resources.R4B.identifier import Identifier

    return Identifier(system="urn:ietf:rfc:3986", value=url)


def reference_to(url: str, display: str | None = None) -> Reference:
    from fhir.resources.R4B.reference import Reference

    return Reference(reference=url, display=display)


def concept(
    text: str, system: str | None = None, code: str | None = None, display: str | None = None
) -> CodeableConcept:
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.coding import Coding

    coding = [Coding(system=system, code=code, display=display)] if code else None
    return CodeableConcept(coding=coding, text=text)


def quantity(value: float, unit: str) -> Any:
    from fhir.resources.R4B.quantity import Quantity

    return Quantity(value=value, unit=unit, system=UCUM_SYSTEM, code=unit)


def note_list(texts: Sequence[str]) -> Any:
    from fhir.resources.R4B.annotation import Annotation

    return [Annotation(text=text) for text in texts if text] or None


def duration_of(hours: float) -> tuple[float, str]:
    """A duration in whole minutes below an hour (zoledronic acid: 15 min), else hours."""
    minutes = hours * 60
    if hours < 1 and abs(minutes - round(minutes)) < 1e-9:
        return float(round(minutes)), "min"
    return hours, "h"


def hours_text(hours: float) -> str:
    value, unit = duration_of(hours)
    return f"{value:g} {unit}"


# --- patient and measurements -----------------------------------------------------------


def patient_entries(builder: Builder, measures: Measures) -> str:
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
            birthDate=measures.patient_dob,
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
                    concept(
                        CATEGORIES[category],
                        OBSERVATION_CATEGORY,
                        category,
                        CATEGORIES[category],
                    )
                ],
                code=code,
                subject=reference_to(patient_url),
                issued=builder.issued,
                valueQuantity=quantity(value, unit),
                method=concept(method) if method else None,
                derivedFrom=[reference_to(made[name]) for name in derived_from if name in made]
                or None,
                note=note_list([note] if note else []),
            ),
        )

    def loinc(key: str) -> CodeableConcept:
        code, display = LOINC_CODES[key]
        return concept(display, LOINC_SYSTEM, code, display)

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
            else concept("Creatinine clearance, as given to regimens (method not recorded)"),
            "laboratory",
            method=measures.crcl_method,
            note=measures.crcl_note,
            derived_from=("creatinine", "weight", "height") if measures.crcl_estimated else (),
        )
    return patient_url


# --- administrations --------------------------------------------------------------------


def when_text(item: Item) -> str:
    when = f"cycle {item.cycle} day {item.day}"
    return f"{when} ({item.date.isoformat()})" if item.date else when


def dose_text(item: Item) -> str:
    method = METHOD_TEXT.get(item.method, item.method)
    if item.withheld:
        return f"WITHHELD, do not give: {item.withheld_reason or 'see the warnings'}"
    if item.dose_mg is None:
        dose = "dose not computed (no patient measurements)"
    elif not item.dispensable:
        dose = "NO DISPENSABLE PLAN of whole tablets within the tolerance (see the warnings)"
    elif item.intakes and intakes_differ(item.intakes):
        dose = intakes_text(item.intakes)
        return f"{dose} {item.route}, {when_text(item)}"
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
        text += " " + INTAKES_TEXT.get(item.intakes_per_day, f"{item.intakes_per_day} times a day")
    if item.duration_h:
        text += f" over {hours_text(item.duration_h)}"
    return f"{text}, {when_text(item)}"


def medication_concept(builder: Builder, drug: str) -> CodeableConcept:
    atc = None
    if builder.library is not None:
        from regimens._errors import UnknownNameError

        try:
            codes = builder.library.drug(drug).codes
        except UnknownNameError:
            codes = None
        atc = codes.atc if codes is not None else None
    return concept(drug, ATC_SYSTEM if atc else None, atc, drug if atc else None)


def medication_request(builder: Builder, item: Item, patient: str) -> MedicationRequest:
    from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
    from fhir.resources.R4B.medicationrequest import MedicationRequest
    from fhir.resources.R4B.timing import Timing, TimingRepeat

    repeat = TimingRepeat(
        count=item.intakes_per_day,
        frequency=item.intakes_per_day if item.intakes_per_day > 1 else None,
        period=1 if item.intakes_per_day > 1 else None,
        periodUnit="d" if item.intakes_per_day > 1 else None,
        duration=duration_of(item.duration_h)[0] if item.duration_h else None,
        durationUnit=duration_of(item.duration_h)[1] if item.duration_h else None,
    )
    timing = Timing(
        event=[item.date.isoformat()] if item.date else None,
        repeat=repeat,
        code=concept(when_text(item)),
    )
    route = ROUTES.get(item.route)
    dose_and_rate = None
    if item.intakes and intakes_differ(item.intakes) and item.dispensable and not item.withheld:
        return _by_intake(builder, item, patient)
    if not item.withheld and item.dose_mg is not None and item.dispensable:
        dose_and_rate = [
            DosageDoseAndRate(
                type=concept("Calculated", DOSE_RATE_TYPE, "calculated", "Calculated"),
                doseQuantity=quantity(item.dose_mg, item.dose_unit),
                rateQuantity=_rate(item),
            )
        ]
    return MedicationRequest(
        status="draft",
        intent="proposal",
        # Explicit both ways: a withheld drug is a request NOT to give it, with no dose.
        doNotPerform=item.withheld,
        statusReason=(concept(item.withheld_reason or "withheld") if item.withheld else None),
        medicationCodeableConcept=medication_concept(builder, item.drug),
        subject=reference_to(patient),
        authoredOn=builder.issued,
        dosageInstruction=[
            Dosage(
                text=dose_text(item),
                timing=timing,
                route=concept(item.route, SNOMED_SYSTEM, route[0], route[1])
                if route
                else concept(item.route),
                method=concept(METHOD_TEXT.get(item.method, item.method)),
                doseAndRate=dose_and_rate,
            )
        ],
        note=note_list(item.notes),
    )


#: HL7 EventTiming codes of the intakes of a day.
_WHEN = {"morning": "MORN", "midday": "NOON", "evening": "EVE", "night": "NIGHT"}


def _rate(item: Item) -> Any:
    """The infusion rate: mg/h of a pump, or mL/h of a hydration fluid."""
    if item.rate_mg_per_h:
        return quantity(item.rate_mg_per_h, "mg/h")
    return quantity(item.rate_ml_per_h, "mL/h") if item.rate_ml_per_h else None


def _by_intake(builder: Builder, item: Item, patient: str) -> MedicationRequest:
    """An oral plan whose intakes differ: one Dosage per intake, each once a day at its
    time of day (EventTiming), with its own dose."""
    from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
    from fhir.resources.R4B.medicationrequest import MedicationRequest
    from fhir.resources.R4B.timing import Timing, TimingRepeat

    route = ROUTES.get(item.route)
    dosages = [
        Dosage(
            sequence=1,
            text=f"{intakes_text((intake,))} {item.route}, {when_text(item)}",
            timing=Timing(
                event=[item.date.isoformat()] if item.date else None,
                repeat=TimingRepeat(
                    frequency=1, period=1, periodUnit="d", when=[_WHEN.get(intake.time, "C")]
                ),
                code=concept(when_text(item)),
            ),
            route=concept(item.route, SNOMED_SYSTEM, route[0], route[1])
            if route
            else concept(item.route),
            method=concept(METHOD_TEXT.get(item.method, item.method)),
            doseAndRate=[
                DosageDoseAndRate(
                    type=concept("Calculated", DOSE_RATE_TYPE, "calculated", "Calculated"),
                    doseQuantity=quantity(intake.dose_mg, "mg"),
                )
            ],
        )
        for intake in item.intakes or ()
    ]
    return MedicationRequest(
        status="draft",
        intent="proposal",
        doNotPerform=False,
        medicationCodeableConcept=medication_concept(builder, item.drug),
        subject=reference_to(patient),
        authoredOn=builder.issued,
        dosageInstruction=dosages,
        note=note_list(item.notes),
    )


def warning_note(warning: SheetWarning) -> str:
    return f"WARNING ({warning.severity}) {warning.code}: {message(warning)}"


def with_warnings(items: Sequence[Item], warnings: Sequence[SheetWarning]) -> list[Item]:
    """Each drug's warnings also as notes of its requests, ahead of the other notes.

    The DetectedIssues carry them for systems that read issues; the notes keep them
    in sight of anyone who only reads the request.
    """
    return [
        dataclasses.replace(
            item,
            notes=(
                *(warning_note(w) for w in warnings if w.drug == item.drug),
                *item.notes,
            ),
        )
        for item in items
    ]


def general_warnings(warnings: Sequence[SheetWarning], prefix: str = "") -> list[str]:
    """Warnings about no single drug (a dose level for all, a BSA cap...)."""
    return [prefix + warning_note(w) for w in warnings if w.drug is None]


def add_requests(
    builder: Builder, items: Sequence[Item], patient: str, name: str
) -> list[tuple[Item, str, RequestGroupAction]]:
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    added = []
    for index, item in enumerate(items, start=1):
        url = builder.add(f"{name}/{index}", medication_request(builder, item, patient))
        regimen = f" [{item.regimen}]" if item.regimen else ""
        action = RequestGroupAction(
            title=f"Day {item.day}: {item.drug}{regimen}",
            description=dose_text(item) + (f"; {item.flags}" if item.flags else ""),
            timingDateTime=item.date.isoformat() if item.date else None,
            resource=reference_to(url),
        )
        added.append((item, url, action))
    return added


def add_issues(
    builder: Builder,
    warnings: Sequence[SheetWarning],
    requests: Sequence[tuple[Item, str, RequestGroupAction]],
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
                code=concept(warning.code),
                detail=message(warning),
                patient=reference_to(patient),
                identifiedDateTime=builder.issued,
                implicated=[reference_to(url) for url in implicated] or None,
            ),
        )


def add_request_group(
    builder: Builder,
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
            code=concept(title),
            subject=reference_to(patient),
            authoredOn=builder.issued,
            note=note_list(notes),
            action=list(actions) or None,
        ),
    )


def seed_of(document_json: str) -> str:
    return hashlib.sha256(document_json.encode()).hexdigest()

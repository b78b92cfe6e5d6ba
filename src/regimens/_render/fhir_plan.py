"""A regimen as a FHIR R4 ``PlanDefinition`` (``regimens show REGIMEN --format fhir``).

The shape of the HL7 FHIR R4 chemotherapy example (``PlanDefinition/KDN5``, "Chemotherapy
Order Template", NCCN) and the New Zealand Cancer Control Agency guide
(``CcaPlanDefinition``): an ``order-set`` whose one top-level action is the cycle (its
length in ``timingTiming.repeat.duration`` days, the usual number of cycles in
``count``), with one sub-action per component of the regimen, in the order given, each
pointing at a contained ``ActivityDefinition`` (``definitionCanonical = "#ad-N"``) and
giving its days of the cycle with the core extension ``timing-daysOfCycle``. Each
ActivityDefinition holds the dose as the library writes it, per m² or per kg or flat, as
a UCUM quantity (``mg/m2``, ``mg/kg``, ``mg``, ``mg/m2/d``; a carboplatin target AUC in
``mg.min/mL``), with the route (SNOMED CT), method, intakes a day and duration.
Everything is ``draft``: a definition from a calculator's library, to be checked
before use (docs/fhir.md).

Built with ``fhir.resources`` (R4B classes, the same JSON as R4 for these resources),
imported inside the functions only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from regimens._render.fhir_build import (
    ATC_SYSTEM,
    DOSE_RATE_TYPE,
    METHOD_TEXT,
    ROUTES,
    SNOMED_SYSTEM,
    UCUM_SYSTEM,
    concept,
    duration_of,
)

if TYPE_CHECKING:
    from fhir.resources.R4B.activitydefinition import ActivityDefinition
    from fhir.resources.R4B.plandefinition import PlanDefinition

    from regimens._models.library import Library
    from regimens._models.regimen import Component, Regimen

__all__ = [
    "DAYS_OF_CYCLE",
    "PLAN_DEFINITION_TYPE",
    "UCUM_CODES",
    "regimen_fhir_json",
    "regimen_plan_definition",
]

#: Core extension "Days on which the action should be performed" (on Timing), as KDN5.
DAYS_OF_CYCLE = "http://hl7.org/fhir/StructureDefinition/timing-daysOfCycle"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"

#: A dose's unit as the library writes it → (UCUM code, unit shown). The AUC of the
#: Calvert formula, mg/mL × min, is ``mg.min/mL`` in UCUM.
UCUM_CODES: dict[str, tuple[str, str]] = {
    "mg/m2": ("mg/m2", "mg/m2"),
    "mg/kg": ("mg/kg", "mg/kg"),
    "mg": ("mg", "mg"),
    "mg/mL*min": ("mg.min/mL", "mg/mL*min"),
    "mL": ("mL", "mL"),  # a hydration fluid
    "mmol": ("mmol", "mmol"),  # an electrolyte of a hydration order
}

_INTAKES = {1: "once a day", 2: "twice a day", 3: "three times a day", 4: "four times a day"}


def regimen_fhir_json(regimen: Regimen, *, library: Library) -> str:
    """``regimens show REGIMEN --format fhir``: the PlanDefinition as indented JSON."""
    text: str = regimen_plan_definition(regimen, library=library).model_dump_json(
        by_alias=True, exclude_none=True, indent=2
    )
    return text


def regimen_plan_definition(regimen: Regimen, *, library: Library) -> PlanDefinition:
    """The regimen as a validated ``fhir.resources`` PlanDefinition (module docstring)."""
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.plandefinition import PlanDefinition, PlanDefinitionAction
    from fhir.resources.R4B.relatedartifact import RelatedArtifact
    from fhir.resources.R4B.timing import Timing, TimingRepeat

    from regimens._version import __version__

    activities = [_activity(f"ad-{n}", c, library) for n, c in enumerate(regimen.components, 1)]
    steps = [
        PlanDefinitionAction(
            title=_title(component),
            textEquivalent=f"{_title(component)}: {_days_text(component)}",
            timingTiming=Timing(extension=[_days_of_cycle(component.days)]),
            definitionCanonical=f"#{activity.id}",
        )
        for component, activity in zip(regimen.components, activities, strict=True)
    ]
    cycles = f", {regimen.usual_cycles} cycles" if regimen.usual_cycles else ""
    cycle = PlanDefinitionAction(
        title=f"{regimen.id} cycle",
        description=f"A {regimen.cycle_length_days}-day cycle{cycles}.",
        timingTiming=Timing(
            repeat=TimingRepeat(
                duration=regimen.cycle_length_days, durationUnit="d", count=regimen.usual_cycles
            )
        ),
        action=steps,
    )
    file = library.file_of(regimen.id)
    artifacts = [
        RelatedArtifact(type="citation", citation=reference.citation, url=reference.url)
        for reference in regimen.references
    ]
    artifacts.append(
        RelatedArtifact(
            type="derived-from",
            display=f"regimens {__version__} library file {file.path.rsplit('/', 1)[-1]}, "
            f"SHA-256 {file.sha256}",
        )
    )
    return PlanDefinition(
        id=regimen.id,
        identifier=[Identifier(value=regimen.id)],
        name=_computable(regimen.id),
        title=regimen.name,
        type=concept("Order Set", PLAN_DEFINITION_TYPE, "order-set", "Order Set"),
        status="draft",
        description=regimen.description,
        usage=regimen.setting,
        relatedArtifact=artifacts,
        contained=activities,
        action=[cycle],
    )


def _activity(identity: str, component: Component, library: Library) -> ActivityDefinition:
    from fhir.resources.R4B.activitydefinition import ActivityDefinition
    from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
    from fhir.resources.R4B.relatedartifact import RelatedArtifact
    from fhir.resources.R4B.timing import Timing, TimingRepeat

    repeat: dict[str, Any] = {}
    if component.intakes_per_day > 1:
        repeat |= {"frequency": component.intakes_per_day, "period": 1, "periodUnit": "d"}
    if component.duration_h is not None:
        repeat["duration"], repeat["durationUnit"] = duration_of(component.duration_h)
    route_code, route_display = ROUTES[component.route]
    kind = "Target AUC (Calvert formula)" if component.dose.basis == "auc" else "Ordered"
    atc = codes.atc if (codes := library.drug(component.drug).codes) is not None else None
    return ActivityDefinition(
        id=identity,
        status="draft",
        kind="MedicationRequest",
        intent="proposal",
        title=_title(component),
        description=component.notes or None,
        productCodeableConcept=concept(
            component.drug, ATC_SYSTEM if atc else None, atc, component.drug if atc else None
        ),
        dosage=[
            Dosage(
                text=f"{_title(component)}, {_days_text(component)}",
                timing=Timing(repeat=TimingRepeat(**repeat)) if repeat else None,
                route=concept(component.route, SNOMED_SYSTEM, route_code, route_display),
                method=concept(METHOD_TEXT.get(component.method, component.method)),
                doseAndRate=[
                    DosageDoseAndRate(
                        type=concept(kind, DOSE_RATE_TYPE, "ordered", "Ordered"),
                        **_amount(component),
                    )
                ],
            )
        ],
        relatedArtifact=[RelatedArtifact(type="documentation", display=component.source)],
    )


def _amount(component: Component) -> dict[str, Any]:
    """The dose as FHIR reads it: ``doseQuantity`` is the amount of ONE intake.

    A dose per intake is the library's amount. A dose per day is divided among the
    day's intakes (EOX's capecitabine 1250 mg/m2/day twice a day: 625 mg/m2 a dose),
    except for a continuous infusion, whose amount a day is a ``rateQuantity`` (DCF's
    fluorouracil 750 mg/m2/d over 120 h), never a dose of 750 mg/m2 given five times.
    """
    from fhir.resources.R4B.quantity import Quantity

    dose = component.dose
    code, unit = UCUM_CODES[dose.unit]
    if component.dose_per == "day" and component.method == "continuous_infusion":
        per_day = Quantity(
            value=dose.amount, unit=f"{unit}/day", system=UCUM_SYSTEM, code=f"{code}/d"
        )
        return {"rateQuantity": per_day}
    amount = dose.amount
    if component.dose_per == "day":
        amount = dose.amount / component.intakes_per_day
    return {"doseQuantity": Quantity(value=amount, unit=unit, system=UCUM_SYSTEM, code=code)}


def _days_of_cycle(days: tuple[int, ...]) -> Any:
    from fhir.resources.R4B.extension import Extension

    return Extension(
        url=DAYS_OF_CYCLE,
        extension=[Extension(url="day", valueInteger=day) for day in days],
    )


def _title(component: Component) -> str:
    """``capecitabine 1250 mg/m2/day PO oral, 625 mg/m2 twice a day``."""
    method = METHOD_TEXT.get(component.method, component.method)
    dose = component.dose
    count = component.intakes_per_day
    intakes = _INTAKES.get(count, f"{count} times a day")
    if component.dose_per == "day":
        shown = f"{dose.amount:g} {dose.unit}/day"
        split = f", {dose.amount / count:g} {dose.unit} {intakes}" if count > 1 else ""
        return f"{component.drug} {shown} {component.route} {method}{split}"
    often = f" {intakes}" if count > 1 else ""
    return f"{component.drug} {dose.amount:g} {dose.unit} {component.route} {method}{often}"


def _days_text(component: Component) -> str:
    days = component.days_text or ", ".join(str(day) for day in component.days)
    text = f"day{'s' * (len(component.days) > 1)} {days} of each cycle"
    if component.cycles:
        ranges = [
            f"cycle {item.first}"
            if item.last == item.first
            else f"from cycle {item.first}"
            if item.last is None
            else f"cycles {item.first}-{item.last}"
            for item in component.cycles
        ]
        open_ended = any(item.last is None for item in component.cycles)
        text += f", {' and '.join(ranges)}{'' if open_ended else ' only'}"
    return text


def _computable(regimen_id: str) -> str:
    """A computable name (``FOLFOX6``): letters and digits, starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9]", "", regimen_id)
    return name if name[:1].isalpha() else f"R{name}"

"""FHIR R4 export: a dose sheet or a calendar as a FHIR Bundle (``docs/fhir.md``).

:func:`sheet_bundle` and :func:`calendar_bundle` build a ``collection`` Bundle with the
models of the maintained ``fhir.resources`` library (R4B classes: wire-compatible with
R4 for the resources used here), so every resource is validated as it is built;
:func:`bundle_json` serialises it. The library is imported inside these functions
only: ``import regimens`` and the other commands never load it.

What goes where (the full table is in ``docs/fhir.md``):

- ``Patient``: identifier, name and date of birth (``birthDate``) when given; sex.
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

from typing import TYPE_CHECKING

from regimens._render._text import format_mg, regimen_title, signed_percent
from regimens._render.calendar_words import calendar_notes, moved_text
from regimens._render.catalogue import text
from regimens._render.dose_words import (
    order_of_operations_text,
    organ_rule_text,
    renal_rule_text,
    rounding_text,
    withheld_text,
)
from regimens._render.fhir_build import (
    ATC_SYSTEM,
    DISCLAIMER,
    LOINC_CODES,
    LOINC_SYSTEM,
    ROUTES,
    SEVERITY,
    SNOMED_SYSTEM,
    UCUM_SYSTEM,
    Builder,
    DrugLookup,
    Item,
    Measures,
    add_issues,
    add_request_group,
    add_requests,
    general_warnings,
    hours_text,
    patient_entries,
    seed_of,
    with_warnings,
)

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

    from regimens._models.calendar import (
        Calendar,
        CalendarAdministration,
        CalendarCycle,
        CalendarDay,
    )
    from regimens._models.sheet import Administration, DoseSheet

__all__ = [
    "ATC_SYSTEM",
    "LOINC_CODES",
    "LOINC_SYSTEM",
    "ROUTES",
    "SEVERITY",
    "SNOMED_SYSTEM",
    "UCUM_SYSTEM",
    "DrugLookup",
    "bundle_json",
    "calendar_bundle",
    "calendar_fhir_json",
    "sheet_bundle",
    "sheet_fhir_json",
]


# --- the dose sheet ---------------------------------------------------------------------


def _sheet_item(sheet: DoseSheet, day: int, item: Administration) -> Item:
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
        ceiling = item.assessment_level_percent
        if ceiling is not None:  # the treatment-day assessment's step, after the organ one
            adjustment += f", treatment-day assessment {ceiling:g}% of the full dose"
        notes.append(
            f"Calculated dose {format_mg(item.calculated_mg)} mg per intake "
            f"({item.prescribed}{basis}{standard} at "
            f"{item.dose_level_percent:g}%{adjustment}); final dose after rounding "
            f"({rounding_text(item)}): {format_mg(item.dose_mg)} mg, "
            f"{signed_percent(item.deviation_percent)}."
        )
    if item.pump is not None:
        pump = item.pump
        if pump.fits:
            notes.append(
                f"Pump: {pump.pump_rate_ml_per_h:g} mL/h over {hours_text(pump.duration_h)}, "
                f"{pump.pump_volume_ml:g} mL: drug {pump.drug_volume_ml:g} mL at "
                f"{pump.drug_concentration_mg_per_ml:g} mg/mL + diluent {pump.diluent_ml:g} mL"
            )
        else:  # no recipe: what it needs (issue 17)
            notes.append(
                f"Pump: {pump.pump_rate_ml_per_h:g} mL/h over {hours_text(pump.duration_h)}, "
                f"{pump.pump_volume_ml:g} mL: DOES NOT FIT: drug {pump.drug_volume_ml:g} mL at "
                f"{pump.drug_concentration_mg_per_ml:g} mg/mL; needs a pump of at least "
                f"{pump.min_rate_ml_per_h:g} mL/h (see the warnings)"
            )
    notes.append(f"Renal rule: {renal_rule_text(item)}.")
    if item.notes:
        notes.append(item.notes)
    return Item(
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
        rate_ml_per_h=item.rate_ml_per_h,
        dose_unit=item.dose_unit,
        withheld=item.withheld,
        withheld_reason=withheld_text(item),
        notes=tuple(notes),
        intakes=item.intakes,
        dispensable=not item.nearest_plans,
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


def sheet_bundle(sheet: DoseSheet, *, library: DrugLookup | None = None) -> Bundle:
    """The dose sheet as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``).

    ``library`` (a loaded library, or anything with ``drug(name)``) gives the drugs'
    ATC codes (``[drug.codes]`` in ``drugs.toml``); a drug it does not know, or every
    drug without it, is named by text only. (``regimens.sheet_bundle`` uses the
    built-in library when none is given.)
    A sheet has no dates: each request's timing says "cycle N day D".
    """
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    builder = Builder(
        seed=seed_of(sheet.model_dump_json()),
        library=library,
        issued=sheet.provenance.calculated_at,
    )
    bsa = sheet.bsa
    renal = sheet.renal
    patient = patient_entries(
        builder,
        Measures(
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
            patient_dob=sheet.patient_dob,
        ),
    )
    items = [
        _sheet_item(sheet, day.day, item) for day in sheet.days for item in day.administrations
    ]
    items = with_warnings(items, sheet.warnings)
    requests = add_requests(builder, items, patient, "medicationrequest")
    add_issues(builder, sheet.warnings, requests, patient, "detectedissue")
    cycle = RequestGroupAction(
        title=f"Cycle {sheet.cycle}",
        description=f"Cycle {sheet.cycle} of {sheet.regimen.id}, every "
        f"{sheet.regimen.cycle_length_days} days",
        action=[action for _, _, action in requests] or None,
    )
    add_request_group(
        builder,
        patient,
        regimen_title(sheet.regimen.name, sheet.regimen.id),
        [
            *([text("label.provisional", "en")] if sheet.provisional else []),
            DISCLAIMER.format(version=sheet.provenance.tool_version),
            f"Regimen file sha256 {sheet.regimen.sha256}; order of operations: "
            f"{order_of_operations_text(sheet.provenance.order_of_operations)}.",
            *general_warnings(sheet.warnings),
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
) -> Item:
    dose = item.dose
    return Item(
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
        intakes=dose.intakes if dose else None,
        dispensable=dose.dispensable if dose else True,
        duration_h=item.duration_h,
        # A calendar keeps no infusion rate: see the cycle's dose sheet.
        rate_mg_per_h=None,
        dose_unit=dose.dose_unit if dose else "mg",
        withheld=dose.withheld if dose else False,
        withheld_reason="withheld on this cycle's dose sheet (see the warnings)"
        if dose and dose.withheld
        else None,
        notes=(f"Prescribed in the regimen: {dose.prescribed} per intake.",) if dose else (),
        flags=_day_flags(day),
    )


def calendar_bundle(calendar: Calendar, *, library: DrugLookup | None = None) -> Bundle:
    """The calendar as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``).

    One RequestGroup action per cycle (its period), with one sub-action per
    administration on its date and one per pump disconnection. Doses are present only
    when the calendar was computed with the patient's measurements. ``library`` as
    for :func:`sheet_bundle`.
    """
    from fhir.resources.R4B.period import Period
    from fhir.resources.R4B.requestgroup import RequestGroupAction

    builder = Builder(
        seed=seed_of(calendar.model_dump_json(exclude={"provenance"})),  # not its time
        library=library,
        issued=None,  # a calendar records no time of calculation
    )
    dosing = calendar.dosing
    patient = patient_entries(
        builder,
        Measures(
            patient=dosing.patient if dosing else {},
            bsa_m2=dosing.bsa_m2 if dosing else None,
            bsa_method=dosing.bsa_formula if dosing else None,
            bsa_note="BSA used for dosing" if dosing else None,
            crcl_ml_min=dosing.crcl_ml_min if dosing else None,
            # A clearance typed in is kept in the patient's inputs; otherwise the
            # calendar's sheets estimated it by Cockcroft–Gault.
            crcl_estimated=dosing is not None and "crcl" not in dosing.patient,
            crcl_method="Cockcroft-Gault" if dosing and "crcl" not in dosing.patient else None,
            patient_id=calendar.patient_id,
            patient_name=calendar.patient_name,
            patient_dob=calendar.patient_dob,
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
        items = with_warnings(items, cycle.warnings)
        general += general_warnings(cycle.warnings, f"Cycle {cycle.cycle}: ")
        name = f"cycle/{cycle.cycle}"
        requests = add_requests(builder, items, patient, f"{name}/medicationrequest")
        add_issues(builder, cycle.warnings, requests, patient, f"{name}/detectedissue")
        actions = [action for _, _, action in requests]
        for day in cycle.days:
            flags = _day_flags(day)
            for off in day.pump_off:
                actions.append(
                    RequestGroupAction(
                        title=f"Day {day.day}: pump off, {off.drug}",
                        description=f"Disconnect the {off.drug} pump started on day "
                        f"{off.started_day} ({off.started_date.isoformat()}, "
                        f"{hours_text(off.duration_h)})" + (f"; {flags}" if flags else ""),
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
                + (f" ({moved_text(cycle)})" if cycle.moved_reasons else "")
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
    add_request_group(
        builder,
        patient,
        regimen_title(calendar.regimen.name, calendar.regimen.id),
        [DISCLAIMER.format(version=calendar.tool_version), *calendar_notes(calendar), *general],
        cycle_actions,
    )
    return builder.bundle()


def bundle_json(bundle: Bundle) -> str:
    """The bundle as indented FHIR JSON (empty elements left out)."""
    text: str = bundle.model_dump_json(by_alias=True, exclude_none=True, indent=2)
    return text


def sheet_fhir_json(sheet: DoseSheet, *, library: DrugLookup | None = None) -> str:
    """``regimens sheet --format fhir``: :func:`sheet_bundle` as JSON."""
    return bundle_json(sheet_bundle(sheet, library=library))


def calendar_fhir_json(calendar: Calendar, *, library: DrugLookup | None = None) -> str:
    """``regimens calendar --format fhir``: :func:`calendar_bundle` as JSON."""
    return bundle_json(calendar_bundle(calendar, library=library))

"""The dose calculator: a regimen and a patient in, a per-day dose sheet out.

A sheet is built in three parts:

* the components given in this cycle (the main regimen's, then each supportive
  regimen's on its own schedule): :func:`components_for_cycle`;
* the BSA and renal function of the patient, with the sheet-level warnings (BSA range
  and formulas, dose levels);
* each component's dose, computed once by the order of operations
  (:mod:`regimens._calc.dose`) and placed on every day the component is given.

The result, a :class:`~regimens._models.sheet.DoseSheet`, holds numbers and codes;
the renderers give it words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from regimens._calc import bsa as bsa_formulas
from regimens._calc.assessment import assess
from regimens._calc.context import RegimenLibrary, SheetContext
from regimens._calc.dispense import dispense
from regimens._calc.dose import dose_component
from regimens._calc.maxima import check_maxima
from regimens._calc.measures import compute_bsa_result, patient_inputs
from regimens._calc.organ import renal_function
from regimens._calc.preparation import vial_use
from regimens._errors import InputError
from regimens._models.base import FrozenDict
from regimens._models.identity import patient_identity
from regimens._models.measures import BsaResult
from regimens._models.options import MAX_TOLERANCE_PERCENT, DrugDoseLevel, SheetOptions
from regimens._models.sheet import (
    ESCALATION_CONFIRMED_SEVERITY,
    ORDER_OF_OPERATIONS,
    Administration,
    DoseSheet,
    DrugTotal,
    Provenance,
    RegimenRef,
    SheetDay,
)
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._models.patient import Patient
    from regimens._models.regimen import Component, Regimen

__all__ = [
    # The options and the steps' names, re-exported for callers of this module until
    # integration; their home is regimens._models.options / regimens._models.sheet.
    "MAX_TOLERANCE_PERCENT",
    "ORDER_OF_OPERATIONS",
    "DrugDoseLevel",
    "SheetOptions",
    "components_for_cycle",
    "compute_sheet",
    "regimen_ref",
    "sheet_for",
]

#: BSA outside this range gets a caution (usual adult range in oncology dosing).
BSA_USUAL_RANGE_M2 = (1.3, 2.2)


def compute_sheet(
    library: RegimenLibrary,
    regimen: Regimen | str,
    patient: Patient,
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
    patient_id: str | None = None,
    patient_name: str | None = None,
    patient_dob: date | str | None = None,
) -> DoseSheet:
    """Compute the dose sheet of one cycle of ``regimen`` for ``patient``.

    ``supportive`` regimens (e.g. ZOLEDRONIC-ACID with FOLFOX-6) are added on the
    days and cycles their library entry gives for this regimen. ``patient_id``,
    ``patient_name`` and ``patient_dob`` (a date or ``YYYY-MM-DD``) are printed on the
    sheet and never used in a calculation; they are checked as
    :class:`~regimens._models.identity.PatientIdentity` checks them (an
    :class:`InputError` naming the keyword: text that is not one plain line, a date of
    birth in the future or before 1900).
    """
    return sheet_for(
        library,
        regimen,
        patient,
        options,
        supportive=supportive,
        patient_id=patient_id,
        patient_name=patient_name,
        patient_dob=patient_dob,
    )


def sheet_for(
    library: RegimenLibrary,
    regimen: Regimen | str,
    patient: Patient,
    options: SheetOptions | None = None,
    *,
    patient_id: str | None = None,
    patient_name: str | None = None,
    patient_dob: date | str | None = None,
    supportive: Sequence[Regimen | str] = (),
) -> DoseSheet:
    """:func:`compute_sheet`, the one way a sheet is built (the batch calls it too).

    The identifiers are checked first, before any dose: a sheet never carries one that
    :class:`~regimens._models.identity.PatientIdentity` refuses.
    """
    identity = patient_identity(
        patient_id=patient_id, patient_name=patient_name, patient_dob=patient_dob
    )
    options = options or SheetOptions()
    main = library.get(regimen) if isinstance(regimen, str) else regimen
    added = [library.get(item) if isinstance(item, str) else item for item in supportive]
    _refuse_repeated(main, added)
    components = components_for_cycle(main, added, options.cycle)
    drugs = {component.drug for _, component in components}
    chemotherapy = {component.drug for _, component in components if component.is_chemotherapy}
    for level in options.drug_dose_levels:
        facts = library.drug(level.drug)
        if facts.inn not in drugs:
            raise InputError(
                f"drug dose level for {level.drug!r}: that drug is not in {main.id}",
                field="drug_dose_level",
            )
        if facts.inn not in chemotherapy:
            # A premedication, antiemetic, hydration or supportive order keeps its dose.
            kinds = sorted({c.kind for _, c in components if c.drug == facts.inn})
            raise InputError(
                f"drug dose level for {facts.inn}: it is given as {' and '.join(kinds)} in "
                f"{main.id}, and such orders are never changed by a dose level",
                field="drug_dose_level",
            )
        if facts.renal_rule is not None and any(
            band.action == "absolute" for band in facts.renal_rule.bands
        ):
            # The renal table gives the dose itself (zoledronic acid 3.5 mg at CrCl 50-60):
            # a level would be ignored in those bands, so it is refused, not dropped.
            raise InputError(
                f"drug dose level for {facts.inn}: its dose comes from its renal table "
                "(absolute doses by creatinine clearance), not from a dose level",
                field="drug_dose_level",
            )

    for given in options.concentrations:
        facts = library.drug(given.drug)
        if facts.inn not in drugs or facts.tablet_strengths_mg:
            why = "taken as tablets" if facts.tablet_strengths_mg else f"not in {main.id}"
            raise InputError(
                f"concentration for {facts.inn}: that drug is {why}", field="concentrations"
            )

    patient = _creatinine_from_labs(patient, options)
    needs_bsa = any(component.dose.basis == "per_m2" for _, component in components)
    bsa = _bsa(patient, options, needs_bsa)
    rules = [
        rule
        for drug in sorted(drugs)
        if (rule := library.drug(drug).renal_rule) is not None and rule.bands
    ]
    renal = renal_function(patient, options.weight_basis, rules)
    context = SheetContext(patient, options, bsa, renal, main.id)
    if bsa is not None:
        _bsa_warnings(context, bsa)
    for shown in (main, *added):
        for caution in shown.cautions:
            context.warn(
                "REGIMEN_CAUTION", regimen=shown.id, text=caution.text, text_fr=caution.text_fr
            )
    for source_regimen in added:
        if not any(regimen_id == source_regimen.id for regimen_id, _ in components):
            context.warn(
                "SUPPORTIVE_NOT_THIS_CYCLE",
                regimen=source_regimen.name,
                cycle=str(options.cycle),
                main=main.id,
            )

    assessment = None
    if options.assessment is not None:
        regimens = {item.id: item for item in (main, *added)}
        # Premedication, antiemetic, hydration and supportive orders are not assessed.
        treated = [item for item in components if item[1].is_chemotherapy]
        assessment, context.outcomes = assess(
            context, main, treated, regimens, library.drug, library.assessment_settings
        )

    # Each component once: its dose is the same on every day it is given.
    days: dict[int, list[Administration]] = {}
    for regimen_id, component in components:
        administration = dose_component(
            context, regimen_id, component, library.drug(component.drug)
        )
        for day in component.start_days:
            days.setdefault(day, []).append(administration)
    _level_warnings(context)

    # Each day: the main regimen in its own order, then supportive add-ons in theirs.
    ordered = [
        (day, tuple(sorted(items, key=lambda a: (a.regimen != main.id, a.order))))
        for day, items in sorted(days.items())
    ]
    check_maxima(context, ordered, library.drug)
    _orders_for_withheld_drugs(context, ordered, library)
    _nothing_given(context, ordered)
    sheet_days = tuple(SheetDay(day=day, administrations=items) for day, items in ordered)
    # Looked up at the end of the sheet, so that a regimen missing from the library
    # fails after the patient's own errors.
    main_ref = regimen_ref(library, main)
    added_refs = tuple(regimen_ref(library, item) for item in added)
    sources = library.sources(
        [main.id, *(ref.id for ref in added_refs)],
        sorted(drugs),
        assessment=options.assessment is not None,
    )
    return DoseSheet(
        provisional=options.provisional,
        regimen=main_ref,
        supportive=added_refs,
        emetogenic_risk=main.emetogenic_risk,
        cycle=options.cycle,
        patient=bsa.patient if bsa is not None else patient_inputs(patient),
        bsa_formula=options.bsa_formula,
        bsa_m2=bsa.bsa_m2 if bsa else None,
        bsa_m2_unrounded=bsa.bsa_m2_unrounded if bsa else None,
        bsa=bsa,
        renal=context.renal,
        tolerance_percent=options.tolerance_percent,
        rounding_policy=options.rounding,
        days=sheet_days,
        totals=_totals(ordered),
        dispense=dispense(sheet_days, library.drug),
        vial_use=vial_use(sheet_days, _vial_sizes(library)),
        warnings=context.sorted_warnings(),
        drug_names=_drug_names(library, drugs),
        provenance=Provenance(
            tool_version=__version__,
            regimen_id=main.id,
            regimen_sha256=main_ref.sha256,
            supportive=FrozenDict({ref.id: ref.sha256 for ref in added_refs}),
            options=FrozenDict(options.model_dump(mode="json")),
            order_of_operations=ORDER_OF_OPERATIONS,
            calculated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            files=sources.files,
            shadowed=sources.shadowed,
            library_dirs=sources.library_dirs,
        ),
        patient_id=identity.patient_id,
        patient_name=identity.patient_name,
        patient_dob=identity.patient_dob,
        assessment=assessment,
    )


def components_for_cycle(
    main: Regimen, added: Sequence[Regimen], cycle: int
) -> list[tuple[str, Component]]:
    """The main regimen's components given in this cycle (their ``cycles``), then each
    supportive one's given in this cycle, each with the id of the regimen it comes from."""
    chosen = [(main.id, component) for component in main.components if component.given_in(cycle)]
    for item in added:
        if item.kind != "supportive":
            raise InputError(
                f"{item.id} is not a supportive regimen and cannot be added to {main.id}",
                field="with",
            )
        schedule = next((s for s in item.given_with if s.regimen == main.id), None)
        if schedule is None:
            partners = ", ".join(s.regimen for s in item.given_with) or "none"
            raise InputError(
                f"{item.id} has no schedule for use with {main.id} in the library "
                f"(it is defined with: {partners})",
                field="with",
            )
        offset = cycle - schedule.first_cycle
        if offset >= 0 and offset % schedule.every_n_cycles == 0:
            for component in (c for c in item.components if c.given_in(cycle)):
                chosen.append((item.id, component.model_copy(update={"days": (schedule.day,)})))
    return chosen


def regimen_ref(library: RegimenLibrary, regimen: Regimen) -> RegimenRef:
    """What a result records of the regimen it was computed from (with its file's hash)."""
    return RegimenRef(
        id=regimen.id,
        name=regimen.name,
        name_fr=regimen.name_fr,
        cycle_length_days=regimen.cycle_length_days,
        sha256=library.file_of(regimen.id).sha256,
        kind=regimen.kind,
    )


def _vial_sizes(library: RegimenLibrary) -> Callable[[str], tuple[float, ...] | None]:
    """A drug's vial sizes, from the library's preparation facts (None: not given)."""

    def sizes(drug: str) -> tuple[float, ...] | None:
        info = library.drug(drug).preparation
        return info.vial_sizes_mg if info is not None else None

    return sizes


def _orders_for_withheld_drugs(
    context: SheetContext,
    ordered: Sequence[tuple[int, Sequence[Administration]]],
    library: RegimenLibrary,
) -> None:
    """An order given before, during or after a drug (``relative_to``: cisplatin's
    hydration) on a day that drug is not given (withheld by its renal rule or the
    treatment-day assessment): said (``ORDER_FOR_WITHHELD_DRUG``), not removed: whether
    the hydration, premedication or antiemetic is still wanted is the prescriber's call."""
    for day, items in ordered:
        for item in items:
            if item.relative_to is None:
                continue
            given = [a for a in items if a.drug == item.relative_to]
            if not given or not all(a.withheld for a in given):
                continue
            params = {"relative_to": item.relative_to, "day": str(day)}
            for lang, name in library.drug(item.relative_to).local_names.items():
                params[f"relative_to_{lang}"] = name  # the message's language picks it
            context.warn("ORDER_FOR_WITHHELD_DRUG", item.drug, severity=None, **params)


def _nothing_given(
    context: SheetContext, ordered: Sequence[tuple[int, Sequence[Administration]]]
) -> None:
    """Every chemotherapy dose of the sheet withheld (the assessment, a renal band):
    said (``NOTHING_GIVEN``), because the decision can still read "go" (a withheld drug
    keeps the schedule) while nothing is to be prepared or given."""
    doses = [item for _, items in ordered for item in items if item.kind == "chemotherapy"]
    if doses and all(item.withheld for item in doses):
        drugs = ", ".join(dict.fromkeys(item.drug for item in doses))
        context.warn("NOTHING_GIVEN", severity=None, drugs=drugs)


def _drug_names(library: RegimenLibrary, drugs: set[str]) -> dict[str, dict[str, str]]:
    """Drug INN → {language: name}, for the drugs of the sheet that have local names."""
    names: dict[str, dict[str, str]] = {}
    for drug in sorted(drugs):
        local = library.drug(drug).local_names
        if local:
            names[drug] = FrozenDict(local)
    return FrozenDict(names)


def _creatinine_from_labs(patient: Patient, options: SheetOptions) -> Patient:
    """A creatinine given among the treatment day's labs is the patient's creatinine
    (for Cockcroft–Gault): one value, never two that disagree."""
    inputs = options.assessment
    lab = inputs.labs.get("creatinine") if inputs is not None else None
    if lab is None or lab.value is None:
        return patient
    if patient.creatinine_mg_dl is None and patient.crcl_ml_min is None:
        return patient.model_copy(update={"creatinine_mg_dl": lab.value})
    if patient.creatinine_mg_dl is not None and abs(patient.creatinine_mg_dl - lab.value) > 1e-9:
        raise InputError(
            f"creatinine is given twice with different values ({patient.creatinine_mg_dl:g} "
            f"and {lab.value:g} mg/dL, from the labs): give it once",
            field="labs",
        )
    return patient


def _bsa(patient: Patient, options: SheetOptions, needed: bool) -> BsaResult | None:
    if not needed and (patient.height_cm is None or patient.weight_kg is None):
        return None
    return compute_bsa_result(
        patient, options.bsa_formula, decimals=options.bsa_decimals, cap_m2=options.bsa_cap_m2
    )


def _bsa_warnings(context: SheetContext, bsa: BsaResult) -> None:
    low, high = BSA_USUAL_RANGE_M2
    if bsa.bsa_capped:
        context.warn(
            "BSA_CAPPED", unrounded=f"{bsa.bsa_m2_unrounded:.2f}", used=f"{bsa.bsa_m2:.2f}"
        )
    if bsa.bsa_m2 > high:
        context.warn("BSA_HIGH", bsa=f"{bsa.bsa_m2:.2f}", limit=f"{high}")
    elif bsa.bsa_m2 < low:
        context.warn("BSA_LOW", bsa=f"{bsa.bsa_m2:.2f}", limit=f"{low}")
    # The formula used against one reference, DuBois (the most widely used, and the one
    # the others are usually compared with: Verbraecken 2006, Redlarski 2016). Comparing
    # all nine formulas flagged most ordinary adults once Schlich (sex) joined in.
    patient = context.patient
    assert patient.height_cm is not None and patient.weight_kg is not None  # BSA was computed
    used = bsa.bsa_m2_unrounded
    dubois = bsa_formulas.compute_bsa(patient.height_cm, patient.weight_kg, "dubois")
    difference = (used - dubois) / dubois * 100
    tolerance = context.options.bsa_spread_tolerance_percent
    if abs(difference) > tolerance:
        context.warn(
            "BSA_FORMULAS_DISAGREE",
            formula=bsa.formula,
            used=f"{used:.2f}",
            dubois=f"{dubois:.2f}",
            difference=f"{difference:+.1f}",
            tolerance=f"{tolerance:g}",
        )


def _level_warnings(context: SheetContext) -> None:
    """A level other than 100 %, with its reason; above 100 % blocking unless confirmed."""
    options = context.options
    confirmed = ESCALATION_CONFIRMED_SEVERITY if options.confirm_escalation else None
    if options.dose_level_percent != 100:
        above = options.dose_level_percent > 100
        reason = f" ({options.dose_level_reason})" if options.dose_level_reason else ""
        context.warn(
            "DOSE_LEVEL_ABOVE_100" if above else "DOSE_LEVEL_REDUCED",
            severity=confirmed if above else None,
            variant="all",
            regimen=context.main_id,
            percent=f"{options.dose_level_percent:g}",
            reason=reason,
        )
    for level in options.drug_dose_levels:
        if level.percent != 100:
            above = level.percent > 100
            reason = f" ({level.reason})" if level.reason else ""
            context.warn(
                "DOSE_LEVEL_ABOVE_100" if above else "DOSE_LEVEL_REDUCED",
                drug=level.drug,
                severity=confirmed if above else None,
                percent=f"{level.percent:g}",
                reason=reason,
            )


def _totals(days: Sequence[tuple[int, Sequence[Administration]]]) -> tuple[DrugTotal, ...]:
    """Per drug over the cycle: the total of daily doses (added in day order), by method.
    A hydration order in mL or mmol has no total in mg: it is left out."""
    totals: dict[str, dict[str, float]] = {}
    when: dict[str, dict[int, None]] = {}  # the days of each drug, in order
    for day, items in days:
        for item in items:
            if item.dose_unit != "mg":
                continue
            per_method = totals.setdefault(item.drug, {})
            per_method[item.method] = per_method.get(item.method, 0.0) + item.daily_dose_mg
            when.setdefault(item.drug, {})[day] = None
    return tuple(
        DrugTotal(
            drug=drug,
            total_mg=sum(per_method.values()),
            per_method=FrozenDict(per_method),
            days=tuple(when[drug]),
        )
        for drug, per_method in totals.items()
    )


def _refuse_repeated(main: Regimen, added: Sequence[Regimen]) -> None:
    """A regimen named twice (by id or alias) would be given twice: two 4 mg infusions
    of zoledronic acid for ``--with ZOLEDRONIC-ACID --with ZOLEDRONATE``. Refused."""
    seen = {main.id}
    for regimen in added:
        if regimen.id in seen:
            raise InputError(
                f"{regimen.id} is named twice (by its id or an alias: "
                f"{', '.join(regimen.names())}): name each regimen once",
                field="supportive",
            )
        seen.add(regimen.id)

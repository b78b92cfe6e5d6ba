"""The dose calculator: a regimen and a patient in, a per-day dose sheet out.

The order of operations is written once, in :func:`_dose_component`:

1. **BSA** (or weight, or GFR + 25): the basis the library dose is multiplied by.
2. **dose × basis**: the standard dose per intake at 100 %.
3. **dose level**: the global percentage × the drug's percentage.
4. **organ-function adjustment**: the drug's renal band (a percentage, an absolute
   dose, or a contraindication that withholds the drug).
5. **rounding**: tablets or the drug's increment, never beyond the tolerance.

Every intermediate value is kept on the :class:`~regimens._models.sheet.Administration`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from regimens._calc import bsa as bsa_formulas
from regimens._calc import renal
from regimens._calc.measures import BsaResult, compute_bsa_result, patient_inputs
from regimens._calc.rounding import (
    Rounded,
    deviation_percent,
    round_to_increment,
    round_to_tablets,
)
from regimens._errors import InputError, MissingInputError
from regimens._models.base import Number, Whole
from regimens._models.patient import Patient
from regimens._models.sheet import (
    WARNING_CODES,
    Administration,
    DoseSheet,
    DrugTotal,
    OrganAdjustment,
    Provenance,
    PumpFill,
    RegimenRef,
    RenalFunction,
    SheetDay,
    SheetWarning,
    TabletCount,
    warning_text,
)
from regimens._read.validation import own_error
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._models.regimen import Component, DrugFacts, Regimen
    from regimens._read.library import Library

__all__ = ["ORDER_OF_OPERATIONS", "DrugDoseLevel", "SheetOptions", "compute_sheet"]

ORDER_OF_OPERATIONS = (
    "BSA (or weight, or GFR+25) -> dose x basis -> dose level -> "
    "organ-function adjustment -> rounding"
)

#: BSA outside this range gets a caution (usual adult range in oncology dosing).
BSA_USUAL_RANGE_M2 = (1.3, 2.2)
#: HOPA: rounding within 10 % of the calculated dose is acceptable; no policy here may go further.
MAX_TOLERANCE_PERCENT = 10.0
DEFAULT_INCREMENT_MG = 1.0


class DrugDoseLevel(BaseModel):
    """A dose level for one drug, e.g. capecitabine at 75 % after grade 2 toxicity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    drug: str
    percent: Number = Field(gt=0, le=200)
    reason: str | None = None

    def __init__(self, **data: Any) -> None:
        # A rejected value raises the package's InputError, not pydantic's error.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="drug dose level") from None


class SheetOptions(BaseModel):
    """How to compute a sheet. Defaults are the documented clinical defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    bsa_formula: str = bsa_formulas.DEFAULT_FORMULA
    bsa_decimals: Whole = Field(default=2, ge=0, le=4)
    #: Off by default (ASCO: full weight-based doses in obese adults).
    bsa_cap_m2: Number | None = Field(default=None, ge=1.0, le=3.0)
    weight_basis: Literal["actual", "ideal", "adjusted"] = "actual"
    dose_level_percent: Number = Field(default=100.0, gt=0, le=200)
    dose_level_reason: str | None = None
    drug_dose_levels: tuple[DrugDoseLevel, ...] = ()
    rounding: Literal["default", "none"] = "default"
    tolerance_percent: Number = Field(default=5.0, gt=0, le=MAX_TOLERANCE_PERCENT)
    cycle: Whole = Field(default=1, ge=1, le=100)
    pump_rate_ml_per_h: Number | None = Field(default=None, gt=0, le=50)
    calvert_gfr_cap_ml_min: Number | None = Field(default=125.0, gt=0)

    def __init__(self, **data: Any) -> None:
        # A rejected option raises InputError naming the field (the CLI renames it).
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="option") from None

    @field_validator("bsa_formula")
    @classmethod
    def _known_formula(cls, value: str) -> str:
        return bsa_formulas.get_formula(value).name

    @field_validator("drug_dose_levels")
    @classmethod
    def _one_level_per_drug(cls, value: tuple[DrugDoseLevel, ...]) -> tuple[DrugDoseLevel, ...]:
        # Two levels for one drug would multiply (80 % then 75 % gives 60 %): a user
        # correcting a level must not get the product of both.
        drugs = [level.drug for level in value]
        repeated = sorted({drug for drug in drugs if drugs.count(drug) > 1})
        if repeated:
            raise InputError(
                f"more than one dose level for {', '.join(repeated)}: give one per drug",
                field="drug_dose_levels",
            )
        return value


#: The arguments of one call of ``_Context.warn``: code, drug, message parameters.
_WarnCall = tuple[str, "str | None", dict[str, str]]


class _Context:
    """What every component's calculation shares; built once per sheet."""

    def __init__(
        self,
        patient: Patient,
        options: SheetOptions,
        bsa: BsaResult | None,
        renal_function: RenalFunction | None,
        main_id: str,
    ) -> None:
        self.main_id = main_id
        self.patient = patient
        self.options = options
        self.bsa = bsa
        self.renal = renal_function
        self.warnings: list[SheetWarning] = []
        #: When a list, every call of :meth:`warn` is also noted there (see _Plan).
        self.calls: list[_WarnCall] | None = None
        #: The one object of all options equal to ``options``: what doses are remembered by.
        self.options_key = _canonical(options)

    def warn(self, code: str, drug: str | None = None, **params: str) -> None:
        """Record a warning; its English message comes from the catalogue in sheet.py."""
        if self.calls is not None:
            self.calls.append((code, drug, dict(params)))
        severity = WARNING_CODES[code][0]
        if drug is not None:
            params["drug"] = drug
        warning = SheetWarning(
            severity=severity,
            code=code,
            message=warning_text(code, params),
            drug=drug,
            params=params,
        )
        if warning not in self.warnings:
            self.warnings.append(warning)


def compute_sheet(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
) -> DoseSheet:
    """Compute the dose sheet of one cycle of ``regimen`` for ``patient``.

    ``supportive`` regimens (e.g. ZOLEDRONIC-ACID with FOLFOX-6) are added on the
    days and cycles their library entry gives for this regimen.
    """
    return sheet_for(library, regimen, patient, options, supportive=supportive)


def sheet_for(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
    patient_id: str | None = None,
    patient_name: str | None = None,
) -> DoseSheet:
    """:func:`compute_sheet`, with the sheet's identifiers set as it is built.

    The batch uses it: setting ``patient_id`` and ``patient_name`` here gives the same
    sheet as ``compute_sheet(...).model_copy(update=...)`` without a second copy.
    """
    options = options or SheetOptions()
    main = library.get(regimen) if isinstance(regimen, str) else regimen
    added = [library.get(item) if isinstance(item, str) else item for item in supportive]
    plan = _plan(library, main, added, options.cycle)
    components = plan.components
    all_drugs = plan.all_drugs
    for level in options.drug_dose_levels:
        if library.drug(level.drug).inn not in all_drugs:
            raise InputError(
                f"drug dose level for {level.drug!r}: that drug is not in {main.id}",
                field="drug_dose_level",
            )

    bsa = _bsa(patient, options, plan.needs_bsa)
    renal_function = _renal_function(patient)
    context = _Context(patient, options, bsa, renal_function, main.id)
    if bsa is not None:
        _bsa_warnings(context, bsa)
    for source_regimen in added:
        if not any(regimen_id == source_regimen.id for regimen_id, _ in components):
            context.warn(
                "SUPPORTIVE_NOT_THIS_CYCLE",
                regimen=source_regimen.name,
                cycle=str(options.cycle),
                main=main.id,
            )

    days: dict[int, list[Administration]] = {}
    for index, (regimen_id, component) in enumerate(components):
        facts = library.drug(component.drug)
        for day in component.days:
            administration = plan.administration(context, index, regimen_id, component, facts)
            days.setdefault(day, []).append(administration)
    _level_warnings(context)

    sheet_days = tuple(
        SheetDay(
            day=day,
            # The main regimen in its own order, then supportive add-ons in theirs.
            administrations=tuple(sorted(items, key=lambda a: (a.regimen != main.id, a.order))),
        )
        for day, items in sorted(days.items())
    )
    files = plan.files(library)
    inputs = bsa.patient if bsa is not None else patient_inputs(patient)
    return DoseSheet(
        regimen=files.regimen,
        supportive=files.supportive,
        cycle=options.cycle,
        patient=inputs,
        bsa_formula=options.bsa_formula,
        bsa_m2=bsa.bsa_m2 if bsa else None,
        bsa_m2_unrounded=bsa.bsa_m2_unrounded if bsa else None,
        bsa=bsa,
        renal=renal_function,
        tolerance_percent=options.tolerance_percent,
        rounding_policy=options.rounding,
        days=sheet_days,
        totals=_totals(sheet_days),
        warnings=tuple(_sorted_warnings(context.warnings)),
        drug_names=files.drug_names,
        provenance=Provenance(
            tool_version=__version__,
            regimen_id=main.id,
            regimen_sha256=files.regimen.sha256,
            supportive=files.supportive_sha256,
            options=options.model_dump(mode="json"),
            order_of_operations=ORDER_OF_OPERATIONS,
            calculated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ),
        patient_id=patient_id,
        patient_name=patient_name,
    )


@dataclass(frozen=True, slots=True)
class _Files:
    """What a sheet records of the library files: read once per plan, at the sheet's end."""

    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...]
    supportive_sha256: dict[str, str]
    drug_names: dict[str, dict[str, str]]


class _Plan:
    """The part of a sheet that does not depend on the patient, kept between sheets.

    The components of one cycle of a regimen (with its supportive add-ons), and, once a
    sheet has been completed, the regimen references and the drugs' local names. It is
    kept per library and checked by identity against the regimens it was built from;
    pydantic copies the dicts it hands to a sheet, so no sheet shares them.
    """

    __slots__ = ("__weakref__", "_files", "added", "all_drugs", "components", "main", "needs_bsa")

    def __init__(self, main: Regimen, added: Sequence[Regimen], cycle: int) -> None:
        self.main = main
        self.added = tuple(added)
        self.components = _components_for_cycle(main, added, cycle)
        self.all_drugs = frozenset(component.drug for _, component in self.components)
        self.needs_bsa = any(c.dose.basis == "per_m2" for _, c in self.components)
        self._files: _Files | None = None

    def fits(self, main: Regimen, added: Sequence[Regimen]) -> bool:
        return (
            self.main is main
            and len(self.added) == len(added)
            and all(mine is theirs for mine, theirs in zip(self.added, added, strict=True))
        )

    def administration(
        self,
        context: _Context,
        index: int,
        regimen_id: str,
        component: Component,
        facts: DrugFacts,
    ) -> Administration:
        """``_dose_component`` of the ``index``-th component, remembered for per-m² doses.

        A per-m² dose reads nothing of the patient but the BSA used (``bsa_m2``) and,
        for a drug with a renal rule, the CrCl (or its absence): with the options and
        the component (fixed by ``index`` in this plan and library), that is all
        ``_dose_component`` depends on. The BSA is rounded (to 0.01 m² by default), so
        a batch meets the same few hundred values again and again. A remembered dose
        replays its warnings through ``warn`` (new objects, same order); the
        ``Administration`` itself is frozen and holds no mutable container, so sheets
        may share it.
        """
        if component.dose.basis != "per_m2" or context.bsa is None:
            return _dose_component(context, regimen_id, component, facts)
        renal: float | str | None = None
        if facts.renal_rule is not None:
            renal = "none" if context.renal is None else context.renal.crcl_ml_min
        options = context.options_key
        key = (id(self), index, id(options), context.bsa.bsa_m2, renal)
        found = _DOSES.get(key)
        if found is not None and found[0]() is self and found[1] is options:
            for code, drug, params in found[3]:
                context.warn(code, drug, **params)
            return found[2]
        calls: list[_WarnCall] = []
        context.calls = calls
        try:
            administration = _dose_component(context, regimen_id, component, facts)
        finally:
            context.calls = None
        if len(_DOSES) >= _DOSE_CACHE_SIZE:
            _DOSES.clear()
        # The options are kept with the entry, so their id cannot be reused while it
        # lives; the plan, weakly, and checked: a new plan may get a dead one's id.
        _DOSES[key] = (weakref.ref(self), options, administration, calls)
        return administration

    def files(self, library: Library) -> _Files:
        # Looked up at the end of a sheet, as before the plan existed, so that a
        # regimen missing from the library fails after the patient's own errors.
        if self._files is None:
            self._files = _Files(
                regimen=_regimen_ref(library, self.main),
                supportive=tuple(_regimen_ref(library, item) for item in self.added),
                supportive_sha256={item.id: library.file_of(item.id).sha256 for item in self.added},
                drug_names={
                    drug: dict(library.drug(drug).local_names)
                    for drug in sorted(self.all_drugs)
                    if library.drug(drug).local_names
                },
            )
        return self._files


#: Plans per library (dropped with it), at most _PLAN_CACHE_SIZE per library.
_PLANS: weakref.WeakKeyDictionary[Library, dict[tuple[str, tuple[str, ...], int], _Plan]] = (
    weakref.WeakKeyDictionary()
)
_PLAN_CACHE_SIZE = 64
#: Remembered per-m² administrations, all plans together (a batch of one regimen needs a
#: few hundred: BSA values × components; each entry is about 2 kB).
_DOSE_CACHE_SIZE = 4096
#: (id of the plan, component index, id of the canonical options, BSA used, CrCl / "none" /
#: None).
_DoseKey = tuple[int, int, int, float, "float | str | None"]
_DOSES: dict[
    _DoseKey,
    tuple[weakref.ref[_Plan], SheetOptions, Administration, list[_WarnCall]],
] = {}


#: Equal options (every field equal, pydantic's ``==``) share one object, so that sheets
#: computed with ``SheetOptions()`` made afresh each time share remembered doses.
_OPTIONS: dict[SheetOptions, SheetOptions] = {}
_OPTIONS_CACHE_SIZE = 256


def _canonical(options: SheetOptions) -> SheetOptions:
    found = _OPTIONS.get(options)
    if found is None:
        if len(_OPTIONS) >= _OPTIONS_CACHE_SIZE:
            _OPTIONS.clear()
        found = _OPTIONS.setdefault(options, options)
    return found


def _plan(library: Library, main: Regimen, added: Sequence[Regimen], cycle: int) -> _Plan:
    plans = _PLANS.get(library)
    if plans is None:
        plans = _PLANS[library] = {}
    key = (main.id, tuple(item.id for item in added), cycle)
    plan = plans.get(key)
    if plan is None or not plan.fits(main, added):
        plan = _Plan(main, added, cycle)
        if len(plans) >= _PLAN_CACHE_SIZE:
            plans.clear()
        plans[key] = plan
    return plan


def _components_for_cycle(
    main: Regimen, added: Sequence[Regimen], cycle: int
) -> list[tuple[str, Component]]:
    """The main regimen's components, then each supportive one given in this cycle."""
    chosen = [(main.id, component) for component in main.components]
    for item in added:
        if item.kind != "supportive":
            raise InputError(
                f"{item.id} is not a supportive regimen and cannot be added with --with",
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
            for component in item.components:
                chosen.append((item.id, component.model_copy(update={"days": (schedule.day,)})))
    return chosen


def _bsa(patient: Patient, options: SheetOptions, needed: bool) -> BsaResult | None:
    if not needed and (patient.height_cm is None or patient.weight_kg is None):
        return None
    return compute_bsa_result(
        patient, options.bsa_formula, decimals=options.bsa_decimals, cap_m2=options.bsa_cap_m2
    )


def _renal_function(patient: Patient) -> RenalFunction | None:
    """The CrCl given, else Cockcroft–Gault from serum creatinine on actual weight."""
    if patient.crcl_ml_min is not None:
        return RenalFunction(crcl_ml_min=patient.crcl_ml_min, source="given")
    if patient.creatinine_mg_dl is None:
        return None
    patient.require("age", "weight", "sex", purpose="Cockcroft-Gault CrCl from creatinine")
    assert patient.age_years is not None and patient.weight_kg is not None  # for mypy
    assert patient.sex is not None
    return RenalFunction(
        crcl_ml_min=renal.cockcroft_gault(
            patient.age_years, patient.weight_kg, patient.creatinine_mg_dl, patient.sex
        ),
        source="cockcroft_gault",
        weight_kg_used=patient.weight_kg,
        weight_basis="actual",
        formula="(140 - age) x weight / (72 x SCr[mg/dL]), x 0.85 if female",
    )


def _bsa_warnings(context: _Context, bsa: BsaResult) -> None:
    low, high = BSA_USUAL_RANGE_M2
    if bsa.bsa_capped:
        context.warn(
            "BSA_CAPPED", unrounded=f"{bsa.bsa_m2_unrounded:.2f}", used=f"{bsa.bsa_m2:.2f}"
        )
    if bsa.bsa_m2 > high:
        context.warn("BSA_HIGH", bsa=f"{bsa.bsa_m2:.2f}", limit=f"{high}")
    elif bsa.bsa_m2 < low:
        context.warn("BSA_LOW", bsa=f"{bsa.bsa_m2:.2f}", limit=f"{low}")
    patient = context.patient
    assert patient.height_cm is not None and patient.weight_kg is not None  # BSA was computed
    # Every formula, Schlich only with a sex (FORMULAS order: the first of equals wins).
    values = bsa_formulas.bsa_by_formula(patient.height_cm, patient.weight_kg, patient.sex)
    lowest, highest = min(values, key=values.__getitem__), max(values, key=values.__getitem__)
    spread = (values[highest] - values[lowest]) / bsa.bsa_m2_unrounded * 100
    if spread > context.options.tolerance_percent:
        context.warn(
            "BSA_FORMULAS_DISAGREE",
            spread=f"{spread:.1f}",
            lowest=lowest,
            low=f"{values[lowest]:.2f}",
            highest=highest,
            high=f"{values[highest]:.2f}",
            tolerance=f"{context.options.tolerance_percent:g}",
        )


def _level_for(context: _Context, drug: str, regimen_id: str) -> float:
    """The dose level of ``drug``: the global percentage times the drug's own.

    The global level is a chemotherapy dose reduction: it applies to the main
    regimen's drugs, not to a supportive add-on (zoledronic acid is not reduced
    because oxaliplatin is); a per-drug level applies wherever the drug appears.
    """
    percent = context.options.dose_level_percent if regimen_id == context.main_id else 100.0
    for level in context.options.drug_dose_levels:
        if level.drug == drug:
            percent = percent * level.percent / 100
    return percent


def _level_warnings(context: _Context) -> None:
    options = context.options
    if options.dose_level_percent != 100:
        code = "DOSE_LEVEL_REDUCED" if options.dose_level_percent < 100 else "DOSE_LEVEL_ABOVE_100"
        reason = f" ({options.dose_level_reason})" if options.dose_level_reason else ""
        context.warn(
            code,
            variant="all",
            regimen=context.main_id,
            percent=f"{options.dose_level_percent:g}",
            reason=reason,
        )
    for level in options.drug_dose_levels:
        if level.percent != 100:
            code = "DOSE_LEVEL_REDUCED" if level.percent < 100 else "DOSE_LEVEL_ABOVE_100"
            reason = f" ({level.reason})" if level.reason else ""
            context.warn(code, drug=level.drug, percent=f"{level.percent:g}", reason=reason)


def _basis(context: _Context, component: Component) -> tuple[float | None, str | None]:
    """Step 1: what the library dose is multiplied by."""
    patient, dose = context.patient, component.dose
    if dose.basis == "per_m2":
        assert context.bsa is not None  # computed when any component is per m2
        return context.bsa.bsa_m2, "m2"
    if dose.basis == "per_kg":
        patient.require("weight", purpose=f"The per-kg dose of {component.drug}")
        assert patient.weight_kg is not None
        basis = context.options.weight_basis
        weight = renal.dosing_weight(basis, patient.height_cm, patient.weight_kg, patient.sex)
        return weight, "kg"
    if dose.basis == "auc":
        if context.renal is None:
            raise MissingInputError(
                f"The Calvert dose of {component.drug} needs renal function: "
                "give creatinine (with age, sex, weight) or a CrCl",
                field="creatinine",
            )
        gfr = context.renal.crcl_ml_min
        cap = context.options.calvert_gfr_cap_ml_min
        if cap is not None and gfr > cap:
            context.warn(
                "CALVERT_GFR_CAPPED", drug=component.drug, gfr=f"{gfr:.0f}", cap=f"{cap:g}"
            )
            gfr = cap
        return gfr + 25, "mL/min"
    return None, None


def _dose_component(
    context: _Context, regimen_id: str, component: Component, facts: DrugFacts
) -> Administration:
    """The order of operations for one component on one day (see the module docstring)."""
    dose = component.dose
    intakes = component.intakes_per_day
    per_intake_amount = dose.amount / intakes if component.dose_per == "day" else dose.amount

    # 1-2. basis, and dose x basis: the standard dose per intake at 100 %.
    basis_value, basis_unit = _basis(context, component)
    standard = per_intake_amount * basis_value if basis_value is not None else per_intake_amount

    # 3. dose level.
    level = _level_for(context, component.drug, regimen_id)
    calculated = standard * level / 100

    # 4. organ-function adjustment.
    adjustment = _organ_adjustment(context, component, facts)
    withheld_reason = None
    if adjustment is not None:
        if adjustment.action == "percent" and adjustment.percent is not None:
            calculated = calculated * adjustment.percent / 100
        elif adjustment.action == "absolute" and adjustment.dose_mg is not None:
            # An absolute band replaces the dose (zoledronic acid 3.5 mg at CrCl 50–60):
            # the SmPC dose is given as is, not scaled again by a dose level.
            calculated = adjustment.dose_mg
        elif adjustment.action == "contraindicated":
            withheld_reason = f"contraindicated at {adjustment.band} ({adjustment.source})"

    # 5. rounding.
    if withheld_reason is not None:
        rounded = Rounded(dose_mg=0.0, method="withheld")
        calculated_for_deviation = 0.0
    else:
        rounded = _round(context, component, facts, calculated)
        calculated_for_deviation = calculated

    daily = rounded.dose_mg * intakes
    duration = component.duration_h
    rate = None
    pump = None
    if component.method == "continuous_infusion" and duration:
        rate = daily / duration
        pump = _pump_fill(context, component, facts, daily)
    unit = dose.unit
    return Administration(
        drug=component.drug,
        regimen=regimen_id,
        order=component.order,
        route=component.route,
        method=component.method,
        prescribed=f"{_number(per_intake_amount)} {unit}",
        prescribed_daily=(
            f"{_number(dose.amount)} {unit}/day" if component.dose_per == "day" else None
        ),
        dose_basis=dose.basis,
        basis_value=basis_value,
        basis_unit=basis_unit,
        intakes_per_day=intakes,
        standard_mg=standard,
        dose_level_percent=level,
        organ_adjustment=adjustment,
        calculated_mg=calculated,
        rounding=rounded.method,
        dose_mg=rounded.dose_mg,
        daily_dose_mg=daily,
        deviation_percent=deviation_percent(rounded.dose_mg, calculated_for_deviation),
        tablets=(
            tuple(TabletCount(strength_mg=s, count=n) for s, n in rounded.tablets)
            if rounded.tablets
            else None
        ),
        duration_h=duration,
        rate_mg_per_h=rate,
        pump=pump,
        withheld=withheld_reason is not None,
        withheld_reason=withheld_reason,
        notes=component.notes,
    )


def _organ_adjustment(
    context: _Context, component: Component, facts: DrugFacts
) -> OrganAdjustment | None:
    rule = facts.renal_rule
    if rule is None:
        return None
    if context.renal is None:
        context.warn("RENAL_RULE_NOT_CHECKED", drug=component.drug, source=rule.source)
        return None
    crcl = context.renal.crcl_ml_min
    band = rule.band_for(crcl)
    adjustment = OrganAdjustment(
        rule="renal (Cockcroft-Gault CrCl)",
        band=band.label,
        action=band.action,
        percent=band.percent,
        dose_mg=band.dose_mg,
        source=band.source or rule.source,
    )
    if band.action == "contraindicated":
        context.warn("CONTRAINDICATED", drug=component.drug, crcl=f"{crcl:.1f}", band=band.label)
    elif band.action == "percent":
        context.warn(
            "RENAL_ADJUSTED",
            drug=component.drug,
            percent=f"{band.percent:g}",
            crcl=f"{crcl:.1f}",
            band=band.label,
        )
    elif band.action == "absolute":
        context.warn(
            "RENAL_ADJUSTED",
            drug=component.drug,
            variant="absolute",
            dose=f"{band.dose_mg:g}",
            crcl=f"{crcl:.1f}",
            band=band.label,
        )
    return adjustment


def _round(context: _Context, component: Component, facts: DrugFacts, calculated: float) -> Rounded:
    """Step 5: the rounding policy, kept within the tolerance."""
    options = context.options
    if options.rounding == "none":
        return Rounded(dose_mg=calculated, method="none")
    tolerance = options.tolerance_percent
    if component.route.upper() == "PO" and facts.tablet_strengths_mg:
        strengths = tuple(sorted(facts.tablet_strengths_mg, reverse=True))
        amount, counts = round_to_tablets(calculated, strengths)
        label = "/".join(_number(s) for s in strengths)
        if abs(deviation_percent(amount, calculated)) > tolerance:
            context.warn(
                "TABLETS_NOT_ACHIEVABLE",
                drug=component.drug,
                calculated=f"{calculated:.2f}",
                rounded=_number(amount),
                strengths=label,
                deviation=f"{deviation_percent(amount, calculated):+.1f}",
                tolerance=f"{tolerance:g}",
            )
            return Rounded(dose_mg=calculated, method="none (beyond tolerance)")
        tablets = tuple((s, n) for s, n in zip(strengths, counts, strict=True) if n)
        return Rounded(
            dose_mg=amount, method=f"nearest whole tablets of {label} mg", tablets=tablets
        )
    increment = facts.rounding_increment_mg or DEFAULT_INCREMENT_MG
    amount = round_to_increment(calculated, increment)
    if abs(deviation_percent(amount, calculated)) > tolerance:
        context.warn(
            "ROUNDING_BEYOND_TOLERANCE",
            drug=component.drug,
            calculated=f"{calculated:.2f}",
            rounded=_number(amount),
            tolerance=f"{tolerance:g}",
        )
        return Rounded(dose_mg=calculated, method="none (beyond tolerance)")
    return Rounded(dose_mg=amount, method=f"nearest {_number(increment)} mg")


def _pump_fill(
    context: _Context, component: Component, facts: DrugFacts, dose_mg: float
) -> PumpFill | None:
    """Volumes for an elastomeric pump at the requested rate (CLINICAL-SOURCES: 46-h pumps)."""
    rate = context.options.pump_rate_ml_per_h
    if rate is None or component.duration_h is None:
        return None
    concentration = facts.concentration_mg_per_ml
    if concentration is None:
        raise InputError(
            f"--pump-rate: the library gives no concentration for {component.drug}",
            field="pump_rate",
        )
    pump_volume = rate * component.duration_h
    drug_volume = dose_mg / concentration
    fits = drug_volume <= pump_volume
    if not fits:
        context.warn(
            "PUMP_VOLUME_EXCEEDED",
            drug=component.drug,
            dose=_number(dose_mg),
            concentration=_number(concentration),
            volume=f"{drug_volume:.1f}",
            capacity=f"{pump_volume:g}",
            rate=f"{rate:g}",
            duration=f"{component.duration_h:g}",
        )
    return PumpFill(
        pump_rate_ml_per_h=rate,
        duration_h=component.duration_h,
        pump_volume_ml=pump_volume,
        drug_concentration_mg_per_ml=concentration,
        drug_volume_ml=drug_volume,
        diluent_ml=max(pump_volume - drug_volume, 0.0),
        final_concentration_mg_per_ml=dose_mg / pump_volume,
        fits=fits,
    )


def _totals(days: Sequence[SheetDay]) -> tuple[DrugTotal, ...]:
    """Per drug over the cycle: the total of daily doses, split by method."""
    totals: dict[str, dict[str, float]] = {}
    when: dict[str, list[int]] = {}
    for day in days:
        for item in day.administrations:
            per_method = totals.setdefault(item.drug, {})
            per_method[item.method] = per_method.get(item.method, 0.0) + item.daily_dose_mg
            if day.day not in when.setdefault(item.drug, []):
                when[item.drug].append(day.day)
    return tuple(
        DrugTotal(
            drug=drug,
            total_mg=sum(per_method.values()),
            per_method=per_method,
            days=tuple(when[drug]),
        )
        for drug, per_method in totals.items()
    )


def _sorted_warnings(warnings: list[SheetWarning]) -> list[SheetWarning]:
    rank = {"blocking": 0, "caution": 1, "info": 2}
    return sorted(warnings, key=lambda w: rank[w.severity])


def _regimen_ref(library: Library, regimen: Regimen) -> RegimenRef:
    return RegimenRef(
        id=regimen.id,
        name=regimen.name,
        cycle_length_days=regimen.cycle_length_days,
        sha256=library.file_of(regimen.id).sha256,
        kind=regimen.kind,
    )


def _number(value: float) -> str:
    """A dose for display: 625, 62.5, 3.3 — never 625.0 or 3.3000000000000003."""
    return f"{value:.6g}"


# Public names for the calendar (issue 16: the sheet's split gives them their own home).
components_for_cycle = _components_for_cycle
regimen_ref = _regimen_ref

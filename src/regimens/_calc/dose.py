"""The order of operations for one component of a regimen: the one place a dose is made.

1. **basis**: the BSA (or the weight, or GFR + 25) the library dose is multiplied by.
2. **dose × basis**: the standard dose per intake at 100 %.
3. **dose level**: the global percentage × the drug's percentage.
4. **organ function**: the drug's renal band (a percentage, an absolute dose, or a
   contraindication that withholds the drug; :mod:`regimens._calc.organ`); then the
   **treatment-day assessment** (:mod:`regimens._calc.assessment`): a ceiling in % of
   the full dose, applied where it is below the level reached so far, or the drug
   withheld.
5. **rounding**: tablets or the drug's increment, never beyond the tolerance
   (:mod:`regimens._calc.rounding`).
6. **preparation** of an IV dose: volume, vials, diluent, final volume
   (:mod:`regimens._calc.preparation`).

A component is computed once per sheet, whatever the number of days it is given on:
its dose does not depend on the day. Every intermediate value is kept on the
:class:`~regimens._models.sheet.Administration`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from regimens._calc import renal
from regimens._calc.assessment import level_of
from regimens._calc.oral_plan import INTAKE_TIMES, OralPlan, plan_oral
from regimens._calc.organ import organ_adjustment
from regimens._calc.preparation import concentration_of, prepare
from regimens._calc.pump import pump_fill
from regimens._calc.rounding import (
    Rounded,
    deviation_percent,
    round_to_increment,
)
from regimens._errors import MissingInputError
from regimens._models.regimen import GLOBAL_LEVEL_ROLES
from regimens._models.sheet import (
    Administration,
    Intake,
    PlanOption,
    TabletCount,
    WithheldReason,
)

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.regimen import Component, DrugFacts, DrugRole
    from regimens._models.schedule import DoseUnit

__all__ = ["DEFAULT_INCREMENT_MG", "dose_component", "dose_level_percent"]

#: The unit of an administration's amounts: mg, or a hydration order's mL or mmol.
_DOSE_UNITS: dict[str, DoseUnit] = {"mL": "mL", "mmol": "mmol"}

#: The rounding step of a parenteral drug whose library entry gives none.
DEFAULT_INCREMENT_MG = 1.0


def dose_component(
    context: SheetContext, regimen_id: str, component: Component, facts: DrugFacts
) -> Administration:
    """The order of operations for one component (see the module docstring)."""
    dose = component.dose
    intakes = component.intakes_per_day
    # One pump over several days (5-FU 750 mg/m²/day on days 1-5 over 120 h) holds the
    # dose of every day it runs: the whole pump is made, rounded and given on its first day.
    per_intake_amount = (
        dose.amount / intakes if component.dose_per == "day" else dose.amount
    ) * component.pump_days

    # 1-2. basis, and dose x basis: the standard dose per intake at 100 %.
    basis_value, basis_unit = _basis(context, component)
    standard = per_intake_amount * basis_value if basis_value is not None else per_intake_amount

    # 3. dose level.
    # An order that is not chemotherapy (premedication, antiemetic, hydration,
    # supportive) is never changed by a dose level nor by the assessment.
    level = (
        dose_level_percent(context, component.drug, regimen_id, facts.role)
        if component.is_chemotherapy
        else 100.0
    )
    calculated = standard * level / 100

    # 4. organ-function adjustment.
    adjustment = organ_adjustment(context, component, facts)
    adjustment_kind = adjustment.action if adjustment is not None else None
    withheld = False
    withheld_reason: WithheldReason = "contraindicated"
    if adjustment is not None:
        if adjustment.action == "percent" and adjustment.percent is not None:
            calculated = calculated * adjustment.percent / 100
        elif adjustment.action == "absolute" and adjustment.dose_mg is not None:
            # An absolute band replaces the dose (zoledronic acid 3.5 mg at CrCl 50–60):
            # the SmPC dose is given as is, not scaled again by a dose level.
            calculated = adjustment.dose_mg
        elif adjustment.action == "contraindicated":
            withheld = True

    # 4b. the treatment-day assessment: today's state (liver, conditions, DPD, UGT1A1)
    # and the last cycle's toxicity give a level in % of the full dose
    # (:func:`regimens._calc.assessment.level_of`, with the dose level reached so far);
    # it applies where it is below that dose level, or the drug is withheld.
    ceiling = None
    outcome = (
        context.outcome(component.drug, component.method) if component.is_chemotherapy else None
    )
    if outcome is not None and not withheld:
        if outcome[0] in ("stop", "withhold"):
            withheld = True
            withheld_reason = "assessment"
        elif level > 0 and adjustment_kind != "absolute":
            target = level_of(outcome, level)
            if target < level:
                ceiling = target / level * 100
                calculated = calculated * ceiling / 100

    # 5. rounding.
    if withheld:
        rounded = Rounded(dose_mg=0.0, method="withheld")
        calculated_for_deviation = 0.0
    else:
        rounded = _round(context, component, facts, calculated)
        calculated_for_deviation = calculated

    daily = rounded.dose_mg * intakes
    deviation = deviation_percent(rounded.dose_mg, calculated_for_deviation)
    daily, deviation, oral_intakes, nearest = _oral(rounded, daily, deviation)
    duration = component.duration_h
    rate = None
    pump = None
    # 6. preparation (:mod:`regimens._calc.preparation`): the pump and the volumes use
    # the concentration of --concentration where given.
    concentration, given = concentration_of(context, facts)
    stock = facts.model_copy(update={"concentration_mg_per_ml": concentration}) if given else facts
    if component.method == "continuous_infusion" and duration:
        rate = daily / duration
        pump = pump_fill(context, component, stock, daily)
    # A continuous infusion prepares the day's dose (the pump); others one intake.
    prepared = daily if component.method == "continuous_infusion" else rounded.dose_mg
    preparation = None if withheld else prepare(context, component, facts, prepared, pump)
    unit = dose.unit
    return Administration(
        drug=component.drug,
        regimen=regimen_id,
        order=component.order,
        route=component.route,
        method=component.method,
        kind=component.kind,
        prescribed=f"{per_intake_amount:.6g} {unit}",
        prescribed_daily=(f"{dose.amount:.6g} {unit}/day" if component.dose_per == "day" else None),
        infusion_days=component.pump_days,
        dose_per_infusion_day_mg=daily / component.pump_days if component.pump_days > 1 else None,
        dose_basis=dose.basis,
        basis_value=basis_value,
        basis_unit=basis_unit,
        intakes_per_day=intakes,
        standard_mg=standard,
        dose_level_percent=level,
        organ_adjustment=adjustment,
        calculated_mg=calculated,
        rounding=rounded.method,
        rounding_increment_mg=_increment(facts) if rounded.method == "increment" else None,
        tablet_strengths_mg=_strengths(facts) if rounded.method == "tablets" else (),
        dose_mg=rounded.dose_mg,
        daily_dose_mg=daily,
        deviation_percent=deviation,
        tablets=(
            tuple(TabletCount(strength_mg=s, count=n) for s, n in rounded.tablets)
            if rounded.tablets
            else None
        ),
        intakes=oral_intakes,
        nearest_plans=nearest,
        duration_h=duration,
        rate_mg_per_h=rate,
        # A fluid's rate: its volume over its duration (1000 mL over 2 h: 500 mL/h).
        rate_ml_per_h=rounded.dose_mg / duration if dose.unit == "mL" and duration else None,
        dose_unit=_DOSE_UNITS.get(dose.unit, "mg"),
        timing=component.timing,
        relative_to=component.relative_to,
        pump=pump,
        preparation=preparation,
        withheld=withheld,
        withheld_reason=withheld_reason if withheld else None,
        assessment_level_percent=ceiling,
        renal_rule=facts.renal_rule.status if facts.renal_rule else "not_encoded",
        renal_rule_source=facts.renal_rule.source if facts.renal_rule else None,
        notes=component.notes,
        notes_fr=component.notes_fr,
    )


def _oral(
    rounded: Rounded, daily: float, deviation: float
) -> tuple[float, float, tuple[Intake, ...] | None, tuple[PlanOption, ...]]:
    """An oral plan's day: its total and that total's deviation from the day's
    calculated dose, its intakes; or, with no plan, the nearest plans on each side."""
    choice = rounded.choice
    if choice is None:
        return daily, deviation, None, ()
    if choice.plan is not None:
        return choice.plan.daily_mg, choice.plan.deviation_percent, _intakes(choice.plan), ()
    sides: tuple[tuple[Literal["below", "above"], OralPlan | None], ...] = (
        ("below", choice.below),
        ("above", choice.above),
    )
    nearest = tuple(
        PlanOption(
            side=side,
            intakes=_intakes(option),
            daily_dose_mg=option.daily_mg,
            deviation_percent=option.deviation_percent,
        )
        for side, option in sides
        if option is not None
    )
    return daily, deviation, None, nearest


def _plan_values(plan: OralPlan | None) -> tuple[str, str, str]:
    """A nearest plan as the warning's values, as displayed (the catalogue words them):
    the intakes "450 + 300", the day's total "750", the deviation "-11.1"."""
    if plan is None:
        return "", "", ""
    return (
        " + ".join(f"{dose:.6g}" for dose in plan.doses_mg),
        f"{plan.daily_mg:.6g}",
        f"{plan.deviation_percent:+.1f}",
    )


def _intakes(plan: OralPlan) -> tuple[Intake, ...]:
    times = INTAKE_TIMES.get(len(plan.doses_mg)) or tuple(
        f"intake {n}" for n in range(1, len(plan.doses_mg) + 1)
    )
    return tuple(
        Intake(
            time=time,
            dose_mg=dose,
            tablets=tuple(TabletCount(strength_mg=s, count=n) for s, n in tablets),
        )
        for time, dose, tablets in zip(times, plan.doses_mg, plan.tablets, strict=True)
    )


def _basis(context: SheetContext, component: Component) -> tuple[float | None, str | None]:
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


def dose_level_percent(
    context: SheetContext, drug: str, regimen_id: str, role: DrugRole | None = None
) -> float:
    """Step 3: the dose level of ``drug``, the global percentage times the drug's own.

    The global level is a chemotherapy dose reduction: it applies to the main
    regimen's cytotoxic and targeted drugs (``GLOBAL_LEVEL_ROLES``), not to a
    supportive add-on (zoledronic acid is not reduced because oxaliplatin is), nor to
    a modulator or supportive drug of the regimen itself (folinic acid keeps its dose
    in FOLFOX at 80 %: drugs.toml gives the source); such a drug is reduced only by a
    per-drug level, and the sheet says the global level was not applied to it
    (``DOSE_LEVEL_NOT_APPLIED``). A drug without a role takes the global level.
    A per-drug level applies wherever the drug appears.
    """
    options = context.options
    own = next((level for level in options.drug_dose_levels if level.drug == drug), None)
    percent = options.dose_level_percent if regimen_id == context.main_id else 100.0
    if percent != 100 and role is not None and role not in GLOBAL_LEVEL_ROLES:
        if own is None:
            context.warn("DOSE_LEVEL_NOT_APPLIED", drug=drug, role=role, percent=f"{percent:g}")
        percent = 100.0
    if own is not None:
        percent = percent * own.percent / 100
    return percent


def _strengths(facts: DrugFacts) -> tuple[float, ...]:
    return tuple(sorted(facts.tablet_strengths_mg, reverse=True))


def _increment(facts: DrugFacts) -> float:
    return facts.rounding_increment_mg or DEFAULT_INCREMENT_MG


def _round(
    context: SheetContext, component: Component, facts: DrugFacts, calculated: float
) -> Rounded:
    """Step 5: the rounding policy, kept within the tolerance."""
    options = context.options
    # A hydration order in mL or mmol is given as written: there is no mg step to round to.
    if options.rounding == "none" or component.dose.unit in ("mL", "mmol"):
        return Rounded(dose_mg=calculated, method="none")
    tolerance = options.tolerance_percent
    if component.route == "PO" and facts.tablet_strengths_mg:
        strengths = _strengths(facts)
        choice = plan_oral(calculated, component.intakes_per_day, strengths, tolerance)
        if choice.plan is None:
            nearest = [plan for plan in (choice.below, choice.above) if plan is not None]
            closest = min(nearest, key=lambda p: abs(p.deviation_percent), default=None)
            below, above = _plan_values(choice.below), _plan_values(choice.above)
            context.warn(
                "TABLETS_NOT_ACHIEVABLE",
                drug=component.drug,
                calculated=f"{calculated:.2f}",
                daily=f"{calculated * component.intakes_per_day:.2f}",
                # The nearest plan's intakes ("300 + 150"): its daily total next to a
                # per-intake {calculated} would read as one intake's dose.
                rounded=" + ".join(f"{d:.6g}" for d in closest.doses_mg) if closest else "",
                below_doses=below[0],
                below_daily=below[1],
                below_deviation=below[2],
                above_doses=above[0],
                above_daily=above[1],
                above_deviation=above[2],
                strengths="/".join(f"{s:.6g}" for s in strengths),
                deviation=f"{closest.deviation_percent:+.1f}" if closest else "",
                tolerance=f"{tolerance:g}",
            )
            return Rounded(dose_mg=calculated, method="beyond_tolerance", choice=choice)
        plan = choice.plan
        return Rounded(
            dose_mg=max(plan.doses_mg), method="tablets", tablets=plan.tablets[0], choice=choice
        )
    amount = round_to_increment(calculated, _increment(facts))
    if abs(deviation_percent(amount, calculated)) > tolerance:
        context.warn(
            "ROUNDING_BEYOND_TOLERANCE",
            drug=component.drug,
            calculated=f"{calculated:.2f}",
            rounded=f"{amount:.6g}",
            tolerance=f"{tolerance:g}",
        )
        return Rounded(dose_mg=calculated, method="beyond_tolerance")
    return Rounded(dose_mg=amount, method="increment")

"""Maximum doses: each final dose of a sheet against its drug's labelled maxima.

Checked after rounding, on what would be given, so that neither a dose level nor a
rounding step can carry a dose past a maximum: per administration (in mg, in mg/m² of
the BSA used, and for a dose by target AUC in mg per unit of that AUC), per day (every
component of the drug on that day) and per cycle.
A dose above a maximum is blocking (``MAX_DOSE_EXCEEDED``). The maxima are data
(``[drug.maximum_dose]`` in ``drugs.toml``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.regimen import DrugFacts
    from regimens._models.sheet import Administration

__all__ = ["check_maxima"]


#: Relative float noise allowed when a dose is compared with a maximum derived from the
#: target AUC (AUC × (GFR + 25) ÷ (GFR + 25) may differ from the AUC in the last bit:
#: 2.26 × 150 is 338.99999999999994, and its dose rounded to 339 mg is at, not above,
#: 2.26 × 150). A rounding step is 0.5 mg or more, far above this.
_AUC_NOISE = 1e-9


def _shown(value: float) -> str:
    return f"{value:.6g}"


def _target_auc(item: Administration) -> float | None:
    """The target AUC (mg/mL·min) of an administration dosed by Calvert, else None: its
    standard dose is AUC × (GFR + 25), with (GFR + 25) its basis value."""
    if item.dose_basis != "auc" or not item.basis_value:
        return None
    return item.standard_mg / item.basis_value


def check_maxima(
    context: SheetContext,
    days: Sequence[tuple[int, Sequence[Administration]]],
    facts_of: Callable[[str], DrugFacts],
) -> None:
    """Warn ``MAX_DOSE_EXCEEDED`` for each maximum a dose of ``days`` goes above."""
    bsa = context.bsa.bsa_m2 if context.bsa is not None else None
    per_day: dict[str, dict[int, float]] = {}
    for day, items in days:
        for item in items:
            if item.withheld or item.dose_unit != "mg":  # a hydration volume is no mg dose
                continue
            per_day.setdefault(item.drug, {})
            per_day[item.drug][day] = per_day[item.drug].get(day, 0.0) + item.daily_dose_mg
            maximum = facts_of(item.drug).maximum_dose
            if maximum is None:
                continue
            limit_m2 = maximum.per_administration_mg_per_m2
            if limit_m2 is not None and bsa is not None and item.dose_mg / bsa > limit_m2:
                context.warn(
                    "MAX_DOSE_EXCEEDED",
                    drug=item.drug,
                    variant="per_m2",
                    dose=_shown(item.dose_mg),
                    per_m2=_shown(item.dose_mg / bsa),
                    bsa=f"{bsa:g}",
                    maximum=_shown(limit_m2),
                )
            limit = maximum.per_administration_mg
            if limit is not None and item.dose_mg > limit:
                context.warn(
                    "MAX_DOSE_EXCEEDED",
                    drug=item.drug,
                    dose=_shown(item.dose_mg),
                    maximum=_shown(limit),
                )
            per_auc = maximum.per_auc_mg
            auc = _target_auc(item) if per_auc is not None else None
            if per_auc is not None and auc is not None:
                limit = per_auc * auc
                if item.dose_mg > limit * (1 + _AUC_NOISE):
                    context.warn(
                        "MAX_DOSE_EXCEEDED",
                        drug=item.drug,
                        variant="per_auc",
                        dose=_shown(item.dose_mg),
                        auc=_shown(auc),
                        per_auc=_shown(per_auc),
                        maximum=_shown(limit),
                    )
    for drug, by_day in per_day.items():
        maximum = facts_of(drug).maximum_dose
        if maximum is None:
            continue
        # One warning per drug: its highest day (the first of equals).
        day, total = max(by_day.items(), key=lambda pair: (pair[1], -pair[0]))
        if maximum.per_day_mg is not None and total > maximum.per_day_mg:
            context.warn(
                "MAX_DOSE_EXCEEDED",
                drug=drug,
                variant="per_day",
                dose=_shown(total),
                day=str(day),
                maximum=_shown(maximum.per_day_mg),
            )
        cycle_total = sum(by_day.values())
        if maximum.per_cycle_mg is not None and cycle_total > maximum.per_cycle_mg:
            context.warn(
                "MAX_DOSE_EXCEEDED",
                drug=drug,
                variant="per_cycle",
                dose=_shown(cycle_total),
                maximum=_shown(maximum.per_cycle_mg),
            )

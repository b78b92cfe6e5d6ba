"""Oral plans a pharmacy can dispense: whole tablets for each intake of a day.

The rule (docs/dispensing.md), for a calculated dose per intake ``c`` taken ``n``
times a day (a daily target ``D = c × n``) and the drug's tablet strengths:

1. The tolerance is judged on the **daily total**: a plan is allowed when
   ``|daily − D| / D ≤ tolerance``.
2. **Equal intakes first**: every intake the same dose of whole tablets.
3. When no equal plan is allowed and the drug is taken twice a day, the two intakes
   **may differ by at most the smallest tablet strength** (150 mg for capecitabine),
   **the larger one in the morning**.
4. Among the plans allowed, the **fewest tablets a day**, then the **smallest
   deviation**, then the lower daily dose (the safer of two equally near).
5. No plan allowed: none is chosen (the sheet blocks, ``TABLETS_NOT_ACHIEVABLE``), and
   the **nearest plans on each side** are given, each with its deviation.

Sources: no label or protocol library states rule 3 or the tie-breaks of rule 4
(docs/research/issue-19-sources.md: the capecitabine label's own tables use two equal
intakes of as many 500 mg tablets as possible, which is the fewest tablets); the
unequal plan with the larger dose in the morning is an oncology-pharmacy convention,
encoded here as the library's documented choice. Each intake is made with the fewest
tablets (:func:`regimens._calc.rounding.tablet_combination`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache, reduce

from regimens._calc.rounding import deviation_percent, tablet_combination

__all__ = ["OralPlan", "PlanChoice", "plan_oral"]

#: Names of the intakes of a day, in order (the larger intake first: the morning).
INTAKE_TIMES: dict[int, tuple[str, ...]] = {
    1: ("morning",),
    2: ("morning", "evening"),
    3: ("morning", "midday", "evening"),
    4: ("morning", "midday", "evening", "night"),
}
#: The largest day of tablets searched (100 g): capecitabine's labelled days are a few
#: grams; anything larger is refused as no plan, at once.
MAX_DAILY_MG = 100_000.0
#: Deviations are compared at this many decimals of a percent (float noise).
_PERCENT_PLACES = 9


@dataclass(frozen=True, slots=True)
class OralPlan:
    """One plan: the dose of each intake (morning first) and its tablets."""

    doses_mg: tuple[float, ...]
    #: Per intake, (strength mg, count) for each strength used, largest first.
    tablets: tuple[tuple[tuple[float, int], ...], ...]
    daily_mg: float
    deviation_percent: float  # of the daily total from the daily target

    @property
    def tablets_per_day(self) -> int:
        return sum(count for intake in self.tablets for _, count in intake)

    @property
    def equal(self) -> bool:
        return len(set(self.doses_mg)) <= 1


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """The plan chosen (None: no plan within the tolerance) and, when none, the
    nearest plans below and above the daily target."""

    plan: OralPlan | None
    below: OralPlan | None = None
    above: OralPlan | None = None


def plan_oral(
    calculated_mg: float,
    intakes_per_day: int,
    strengths_mg: tuple[float, ...],
    tolerance_percent: float,
) -> PlanChoice:
    """The plan for ``calculated_mg`` per intake (see the module's rule)."""
    return _plan_cached(
        round(calculated_mg, 6), intakes_per_day, tuple(strengths_mg), tolerance_percent
    )


def _plan(
    calculated_mg: float,
    intakes_per_day: int,
    strengths_mg: tuple[float, ...],
    tolerance_percent: float,
) -> PlanChoice:
    ints = tuple(round(s) for s in strengths_mg)
    if not ints or any(
        s <= 0 or abs(s - r) > 1e-9 for s, r in zip(strengths_mg, ints, strict=True)
    ):
        raise ValueError(f"tablet strengths must be positive whole mg, got {strengths_mg}")
    if intakes_per_day < 1:
        raise ValueError("intakes_per_day must be at least 1")
    if calculated_mg * intakes_per_day > MAX_DAILY_MG:
        # No oral plan is that large: the search would take minutes (a hostile library
        # or a typo); the sheet blocks, as for any dose no plan can make.
        return PlanChoice(plan=None)
    order = sorted(range(len(ints)), key=lambda i: -ints[i])  # largest strength first
    target = calculated_mg * intakes_per_day
    smallest = min(ints)
    step = reduce(math.gcd, ints)
    # Every intake dose worth trying: the makeable multiples of the strengths' common
    # divisor from (target − tolerance − one small tablet) to (target + ... ) per intake.
    spread = calculated_mg * tolerance_percent / 100 + smallest + max(ints)
    low = max(0, math.floor((calculated_mg - spread) / step) * step)
    high = math.ceil((calculated_mg + spread) / step) * step
    makeable: dict[int, tuple[tuple[float, int], ...]] = {}
    for amount in range(low, high + 1, step):
        if amount == 0:
            continue
        counts = tablet_combination(amount, ints)
        if counts is not None:
            makeable[amount] = tuple((float(ints[i]), counts[i]) for i in order if counts[i])
    if not makeable:
        return PlanChoice(plan=None)

    def plan_of(doses: tuple[int, ...]) -> OralPlan:
        daily = float(sum(doses))
        return OralPlan(
            doses_mg=tuple(float(d) for d in doses),
            tablets=tuple(makeable[d] for d in doses),
            daily_mg=daily,
            deviation_percent=deviation_percent(daily, target),
        )

    def allowed(plan: OralPlan) -> bool:
        # Both sides rounded: a plan at exactly the tolerance is allowed (rounding only
        # the deviation made 8.433734939759036 % exceed a tolerance of that very value).
        return round(abs(plan.deviation_percent), _PERCENT_PLACES) <= round(
            tolerance_percent, _PERCENT_PLACES
        )

    def rank(plan: OralPlan) -> tuple[int, float, float]:
        return (
            plan.tablets_per_day,
            round(abs(plan.deviation_percent), _PERCENT_PLACES),
            plan.daily_mg,
        )

    equal = [plan_of((amount,) * intakes_per_day) for amount in makeable]
    unequal: list[OralPlan] = []
    if intakes_per_day == 2:
        unequal = [
            plan_of((morning, evening))
            for morning in makeable
            for evening in makeable
            if 0 < morning - evening <= smallest
        ]
    chosen = [plan for plan in equal if allowed(plan)]
    if not chosen:
        chosen = [plan for plan in unequal if allowed(plan)]
    if chosen:
        return PlanChoice(plan=min(chosen, key=rank))
    every = equal + unequal
    below = [plan for plan in every if plan.daily_mg <= target]
    above = [plan for plan in every if plan.daily_mg >= target]

    def nearest(plans: list[OralPlan]) -> OralPlan | None:
        if not plans:
            return None
        return min(plans, key=lambda p: (round(abs(p.daily_mg - target), 6), p.tablets_per_day))

    return PlanChoice(plan=None, below=nearest(below), above=nearest(above))


#: Pure and memoised: an oral drug repeats the same dose on every day of a cycle and,
#: in a batch, across patients of the same BSA.
_plan_cached = lru_cache(maxsize=2048, typed=True)(_plan)

"""Preparing a parenteral dose (issue 19, docs/dispensing.md): the volume to draw, the
vials to open, the diluent, the final volume and concentration, the rate.

- **Concentration**: ``--concentration DRUG=VALUE`` where given, else the library's
  (drugs.toml ``concentration``). None (docetaxel: several products exist): no volume.
- **Volume**: dose ÷ concentration to the nearest 0.1 mL, half up (a 0.1 mL step is what
  a syringe of the volumes involved is read to); ``dose_drawn_mg`` is what that volume
  holds, within 0.05 mL × concentration of the dose.
- **Vials**: the fewest vials whose content covers the dose drawn — that is
  ceil(dose ÷ largest vial) — and among those the least waste (ties: the larger vials).
  Only for the library's product: a concentration given with ``--concentration`` that
  differs from the library's is another product, whose vials the library does not know.
- **Final volume**: the pump's volume for a continuous infusion with ``--pump-rate``;
  else the smallest of the library's bags whose final concentration is in the labelled
  range, plus the drug's volume (nothing is removed from the bag); else None. The final
  concentration is checked against the labelled range (``FINAL_CONCENTRATION_OUT_OF_RANGE``,
  a caution).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from regimens._models.sheet import Preparation, SheetDay, VialCount, VialUse

if TYPE_CHECKING:
    from collections.abc import Callable

    from regimens._calc.context import SheetContext
    from regimens._models.regimen import Component, DrugFacts
    from regimens._models.sheet import PumpFill

__all__ = ["choose_vials", "concentration_of", "prepare", "vial_use", "volume_to_draw"]

#: Float noise guard (170 / 5 × 10 = 340.00000000000006 must not round up a step).
_EPSILON = 1e-9


def concentration_of(context: SheetContext, facts: DrugFacts) -> tuple[float | None, bool]:
    """The concentration a drug is drawn from, and whether ``--concentration`` gave it."""
    for given in context.options.concentrations:
        if given.drug == facts.inn:
            return given.mg_per_ml, True
    return facts.concentration_mg_per_ml, False


def volume_to_draw(dose_mg: float, concentration_mg_per_ml: float) -> float:
    """``dose ÷ concentration`` to the nearest 0.1 mL, half up."""
    return math.floor(dose_mg / concentration_mg_per_ml * 10 + 0.5 + _EPSILON) / 10


def choose_vials(dose_mg: float, sizes_mg: Sequence[float]) -> tuple[VialCount, ...]:
    """The fewest vials covering ``dose_mg``, then the least waste, then larger vials.

    A pure function of its arguments, remembered (at most 4,096 of them): a batch meets
    the same doses and vial sizes over and over. It returns frozen models, shared."""
    return _choose_vials(dose_mg, tuple(sizes_mg))


@lru_cache(maxsize=4096, typed=True)
def _choose_vials(dose_mg: float, sizes_mg: tuple[float, ...]) -> tuple[VialCount, ...]:
    largest_first = sorted(sizes_mg, reverse=True)
    count = max(1, math.ceil(dose_mg / largest_first[0] - _EPSILON))
    best: tuple[float, ...] | None = None
    for combination in itertools.combinations_with_replacement(largest_first, count):
        total = sum(combination)
        if total + _EPSILON < dose_mg:
            continue
        # combinations come larger vials first: a strict '<' keeps the larger on a tie.
        if best is None or total < sum(best) - _EPSILON:
            best = combination
    assert best is not None  # ``count`` largest vials always cover the dose
    return tuple(
        VialCount(size_mg=size, count=best.count(size))
        for size in largest_first
        if best.count(size)
    )


def _in_range(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _bag(
    bags: Sequence[float], volume: float, drawn: float, low: float | None, high: float | None
) -> float:
    """The final volume: the smallest bag (plus the drug's volume) whose concentration is
    in the labelled range; when none is, the one nearest to it (the largest bag for a
    dose too concentrated, the smallest for one too dilute)."""
    finals = [round(bag + volume, 6) for bag in sorted(bags)]
    for final in finals:
        if _in_range(drawn / final, low, high):
            return final
    return finals[-1] if high is not None and drawn / finals[-1] > high else finals[0]


def _range(low: float | None, high: float | None) -> str:
    """The labelled range as displayed: ``0.2–0.7``, ``≤ 0.74`` or ``≥ 0.3``."""
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    return f"≤ {high:g}" if high is not None else f"≥ {low:g}"


def _content(vials: Sequence[VialCount]) -> float:
    return sum(vial.size_mg * vial.count for vial in vials)


def prepare(
    context: SheetContext,
    component: Component,
    facts: DrugFacts,
    dose_mg: float,
    pump: PumpFill | None,
) -> Preparation | None:
    """The preparation of ``dose_mg`` of an IV component (None for other routes)."""
    if component.route != "IV" or dose_mg <= 0 or component.dose.unit in ("mL", "mmol"):
        return None  # a hydration fluid or electrolyte: no vials of a mg strength
    info = facts.preparation
    concentration, given = concentration_of(context, facts)
    if concentration is None and info is None:
        return None
    low = info.final_concentration_min_mg_per_ml if info else None
    high = info.final_concentration_max_mg_per_ml if info else None
    fixed: dict[str, object] = {
        "concentration_mg_per_ml": concentration,
        "concentration_given": given,
        "diluents": info.diluents if info else (),
        "final_concentration_min_mg_per_ml": low,
        "final_concentration_max_mg_per_ml": high,
        "stability": info.stability if info else "",
        "source": info.source if info else None,
    }
    if concentration is None:
        return Preparation.model_validate(fixed)
    volume = volume_to_draw(dose_mg, concentration)
    drawn = round(volume * concentration, 6)
    vials = None
    own_product = concentration == facts.concentration_mg_per_ml
    if info is not None and info.vial_sizes_mg and own_product:
        vials = choose_vials(drawn, info.vial_sizes_mg)
    final_volume = final_concentration = rate = None
    if component.method == "continuous_infusion":
        if pump is not None and pump.fits:
            final_volume = pump.pump_volume_ml
            final_concentration = pump.final_concentration_mg_per_ml
            rate = pump.pump_rate_ml_per_h
    elif info is not None and info.bag_volumes_ml:
        final_volume = _bag(info.bag_volumes_ml, volume, drawn, low, high)
        final_concentration = drawn / final_volume
        if component.duration_h:
            rate = final_volume / component.duration_h
    if final_concentration is not None and not _in_range(final_concentration, low, high):
        context.warn(
            "FINAL_CONCENTRATION_OUT_OF_RANGE",
            drug=component.drug,
            concentration=f"{final_concentration:.3f}",
            volume=f"{final_volume:g}",
            range=_range(low, high),
        )
    # One validation of every value (a model_copy's update would not check the computed
    # ones), and cheaper than building then copying.
    return Preparation.model_validate(
        {
            **fixed,
            "volume_ml": volume,
            "dose_drawn_mg": drawn,
            "vials": vials,
            "waste_mg": round(_content(vials) - drawn, 6) if vials else None,
            "final_volume_ml": final_volume,
            "final_concentration_mg_per_ml": final_concentration,
            "rate_ml_per_h": rate,
        }
    )


def vial_use(
    days: Sequence[SheetDay], vial_sizes: Callable[[str], Sequence[float] | None]
) -> tuple[VialUse, ...]:
    """Per day, each drug prepared from vials more than once: the day's total, the
    fewest vials for it (:func:`choose_vials`), the waste shared or separate."""
    found: list[VialUse] = []
    for day in days:
        prepared: dict[str, list[Preparation]] = {}
        for item in day.administrations:
            if item.preparation is not None and item.preparation.vials:
                prepared.setdefault(item.drug, []).append(item.preparation)
        for drug, items in prepared.items():
            sizes = vial_sizes(drug)
            if len(items) < 2 or not sizes:
                continue
            total = round(sum(item.dose_drawn_mg or 0.0 for item in items), 6)
            vials = choose_vials(total, sizes)
            found.append(
                VialUse(
                    drug=drug,
                    day=day.day,
                    total_mg=total,
                    vials=vials,
                    waste_mg=round(_content(vials) - total, 6),
                    separate_waste_mg=round(sum(item.waste_mg or 0.0 for item in items), 6),
                )
            )
    return tuple(found)

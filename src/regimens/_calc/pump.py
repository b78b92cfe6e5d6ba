"""Filling an elastomeric pump for a continuous infusion (CLINICAL-SOURCES: 46-h pumps).

A pump of a given rate (mL/h) holds rate × duration mL; the drug's volume is its dose
over the library's concentration, and the rest is diluent.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from regimens._errors import InputError
from regimens._models.sheet import PumpFill

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.regimen import Component, DrugFacts

__all__ = ["min_rate", "pump_fill"]


def pump_fill(
    context: SheetContext, component: Component, facts: DrugFacts, dose_mg: float
) -> PumpFill | None:
    """The volumes for ``dose_mg`` (the daily dose) at the options' pump rate, if any.

    A drug whose volume alone exceeds the pump gets a blocking warning and no recipe (no
    diluent, no final concentration): the volume it needs and the lowest rate that holds
    it instead.
    """
    rate = context.options.pump_rate_ml_per_h
    if rate is None or component.duration_h is None:
        return None
    concentration = facts.concentration_mg_per_ml
    if concentration is None:
        raise InputError(
            f"pump_rate_ml_per_h {rate:g} mL/h: the library gives no concentration for "
            f"{component.drug}, so its pump cannot be filled (give no pump rate, or add "
            "concentration_mg_per_ml to the drug)",
            field="pump_rate_ml_per_h",
        )
    pump_volume = rate * component.duration_h
    drug_volume = dose_mg / concentration
    fits = drug_volume <= pump_volume
    needed_rate = min_rate(drug_volume, component.duration_h)
    if not fits:
        context.warn(
            "PUMP_VOLUME_EXCEEDED",
            drug=component.drug,
            dose=f"{dose_mg:.6g}",
            concentration=f"{concentration:.6g}",
            volume=f"{drug_volume:.1f}",
            capacity=f"{pump_volume:g}",
            rate=f"{rate:g}",
            duration=f"{component.duration_h:g}",
            min_rate=f"{needed_rate:g}",
        )
    return PumpFill(
        pump_rate_ml_per_h=rate,
        duration_h=component.duration_h,
        pump_volume_ml=pump_volume,
        drug_concentration_mg_per_ml=concentration,
        drug_volume_ml=drug_volume,
        diluent_ml=pump_volume - drug_volume if fits else None,
        final_concentration_mg_per_ml=dose_mg / pump_volume if fits else None,
        fits=fits,
        min_rate_ml_per_h=needed_rate,
    )


def min_rate(volume_ml: float, duration_h: float) -> float:
    """The lowest rate in 0.1 mL/h steps whose pump holds ``volume_ml``: rounded UP.

    The library does not know which pump rates a unit stocks, so this is a minimum to
    choose from, never a rate rounded down (which would not hold the dose). The 10⁻⁹
    guard keeps float noise (92 / 46 = 2.0000000001) from adding a step.
    """
    return math.ceil(round(volume_ml / duration_h * 10, 9)) / 10

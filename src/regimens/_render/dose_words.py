"""The words of a sheet's coded steps: how a dose was rounded, why it is withheld, which
organ rule applied, the order of operations.

The models carry codes (``rounding="increment"`` with its step, ``withheld_reason=
"contraindicated"`` with the organ band); these give them their text from the
catalogues. The JSON, CSV and FHIR documents show them in English, as they always have.
"""

from __future__ import annotations

from functools import lru_cache

from regimens._models.sheet import Administration, OrganAdjustment, PumpFill
from regimens._render._text import plain_number
from regimens._render.catalogue import text

__all__ = [
    "order_of_operations_text",
    "organ_rule_text",
    "pump_text",
    "renal_rule_text",
    "rounding_text",
    "withheld_text",
]


def rounding_text(item: Administration, lang: str = "en") -> str:
    """``nearest 1 mg``, ``nearest whole tablets of 500/150 mg``, ``none``,
    ``none (beyond tolerance)`` or ``withheld``."""
    return _rounding_text(item.rounding, item.rounding_increment_mg, item.tablet_strengths_mg, lang)


# A pure function of a few values that recur on every sheet (the JSON of a batch).
@lru_cache(maxsize=256)
def _rounding_text(
    method: str, increment: float | None, strengths: tuple[float, ...], lang: str
) -> str:
    return text(
        f"sheet.rounding.{method}",
        lang,
        increment=plain_number(increment or 0.0),
        strengths="/".join(plain_number(s) for s in strengths),
    )


def pump_text(pump: PumpFill, lang: str = "en") -> str:
    """How to fill the pump, or, when the drug does not fit, what it needs: never a recipe
    with no room for the drug (issue 17)."""
    if not pump.fits:
        return text(
            "label.pump_does_not_fit",
            lang,
            total=f"{pump.pump_volume_ml:g}",
            rate=f"{pump.pump_rate_ml_per_h:g}",
            drug=f"{pump.drug_volume_ml:.1f}",
            min_rate=f"{pump.min_rate_ml_per_h:g}",
        )
    assert pump.diluent_ml is not None and pump.final_concentration_mg_per_ml is not None
    return text(
        "label.pump",
        lang,
        rate=f"{pump.pump_rate_ml_per_h:g}",
        drug=f"{pump.drug_volume_ml:.1f}",
        diluent=f"{pump.diluent_ml:.1f}",
        total=f"{pump.pump_volume_ml:g}",
        conc=f"{pump.final_concentration_mg_per_ml:.2f}",
    )


def withheld_text(item: Administration, lang: str = "en") -> str | None:
    """Why the dose is withheld, e.g. ``contraindicated at CrCl < 30 mL/min (source)``;
    None when it is given."""
    if item.withheld_reason is None:
        return None
    adjustment = item.organ_adjustment
    return text(
        f"sheet.withheld.{item.withheld_reason}",
        lang,
        band=adjustment.band if adjustment else "",
        source=adjustment.source if adjustment else "",
    )


def renal_rule_text(item: Administration, lang: str = "en") -> str:
    """What the drug's renal rule is: ``CrCl bands (source)``, ``no renal dose rule
    applies (source)`` or ``no renal rule encoded: ...`` (a missing rule looks missing)."""
    return text(f"sheet.renal_rule.{item.renal_rule}", lang, source=item.renal_rule_source or "")


def organ_rule_text(adjustment: OrganAdjustment, lang: str = "en") -> str:
    """``renal (Cockcroft-Gault CrCl)``."""
    return text(f"sheet.organ_rule.{adjustment.rule}", lang)


@lru_cache(maxsize=16)
def order_of_operations_text(steps: tuple[str, ...], lang: str = "en") -> str:
    """``BSA (or weight, or GFR+25) -> dose x basis -> ... -> rounding``."""
    return " -> ".join(text(f"sheet.step.{step}", lang) for step in steps)

"""The words of a sheet's coded steps: how a dose was rounded, why it is withheld, which
organ rule applied, the order of operations.

The models carry codes (``rounding="increment"`` with its step, ``withheld_reason=
"contraindicated"`` with the organ band); these give them their text from the
catalogues. The JSON, CSV and FHIR documents show them in English, as they always have.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from regimens._models.base import FrozenMap
from regimens._models.sheet import (
    Administration,
    Intake,
    OrganAdjustment,
    PlanOption,
    PumpFill,
    TabletCount,
    VialCount,
    VialUse,
)
from regimens._render._text import format_mg, plain_number
from regimens._render.catalogue import text
from regimens._render.labels import Lang, drug_name

__all__ = [
    "csv_intakes",
    "intakes_differ",
    "intakes_text",
    "nearest_plans_text",
    "order_of_operations_text",
    "organ_rule_text",
    "preparation_text",
    "pump_text",
    "renal_rule_text",
    "rounding_text",
    "tablets_text",
    "vial_use_lines",
    "vials_text",
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
        band=(adjustment.band_fr if lang == "fr" else "") or adjustment.band if adjustment else "",
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


def tablets_text(tablets: tuple[TabletCount, ...] | None) -> str:
    """``1 × 500 mg + 3 × 150 mg``."""
    return " + ".join(f"{t.count} × {format_mg(t.strength_mg)} mg" for t in tablets or ())


def intakes_differ(intakes: tuple[Intake, ...] | None) -> bool:
    """True for an oral plan whose intakes of a day are not all the same dose."""
    return bool(intakes) and len({intake.dose_mg for intake in intakes or ()}) > 1


def intakes_text(intakes: tuple[Intake, ...], lang: str = "en") -> str:
    """``950 mg morning (1 × 500 mg + 3 × 150 mg) / 800 mg evening (1 × 500 mg + 2 × 150
    mg)``: what is taken at each intake of the day."""
    return " / ".join(
        text(
            "sheet.intake",
            lang,
            dose=format_mg(intake.dose_mg),
            time=text(f"sheet.intake.{intake.time}", lang)
            if intake.time in _TIMES
            else intake.time,
            tablets=tablets_text(intake.tablets),
        )
        for intake in intakes
    )


def nearest_plans_text(options: tuple[PlanOption, ...], lang: str = "en") -> str:
    """No plan within the tolerance: the nearest below and above, each with its day's
    total and deviation (never the undispensable calculated dose as if it were one)."""
    return text(
        "sheet.no_plan",
        lang,
        plans=text("sheet.no_plan.or", lang).join(
            text(
                "sheet.no_plan.option",
                lang,
                intakes=intakes_text(option.intakes, lang),
                daily=format_mg(option.daily_dose_mg),
                deviation=f"{option.deviation_percent:+.1f}",
            )
            for option in options
        ),
    )


_TIMES = ("morning", "midday", "evening", "night")


def csv_intakes(intakes: tuple[Intake, ...] | None) -> str:
    """The intakes of a day in a CSV cell: ``morning:950:1x500;3x150|evening:800:...``
    (English codes, numbers as written); empty for a drug without an oral plan."""
    return "|".join(
        f"{intake.time}:{format_mg(intake.dose_mg)}:"
        + ";".join(f"{t.count}x{format_mg(t.strength_mg)}" for t in intake.tablets)
        for intake in intakes or ()
    )


def vials_text(vials: Sequence[VialCount]) -> str:
    """``1 × 200 mg + 1 × 50 mg``."""
    return " + ".join(f"{vial.count} × {format_mg(vial.size_mg)} mg" for vial in vials)


def preparation_text(item: Administration, lang: str = "en") -> str | None:
    """Volume, vials, diluent (and the bag's final volume and rate) of an IV dose; the
    pump of a continuous infusion has its own text (:func:`pump_text`)."""
    prep = item.preparation
    if prep is None:
        return None
    if prep.concentration_mg_per_ml is None or prep.volume_ml is None:
        return text("label.prep_no_concentration", lang)
    parts = [
        text(
            "label.prep_draw",
            lang,
            volume=f"{prep.volume_ml:.1f}",
            conc=f"{prep.concentration_mg_per_ml:g}",
            drawn=format_mg(prep.dose_drawn_mg or 0.0),
        )
    ]
    if prep.vials:
        parts.append(
            text(
                "label.prep_vials",
                lang,
                vials=vials_text(prep.vials),
                waste=format_mg(prep.waste_mg or 0.0),
            )
        )
    if prep.diluents:
        names = [text(f"diluent.{code}", lang) for code in prep.diluents]
        parts.append(text("label.prep_in", lang, diluents=text("label.or", lang).join(names)))
    if item.pump is None and prep.final_volume_ml is not None:
        parts.append(
            text(
                "label.prep_final",
                lang,
                volume=f"{prep.final_volume_ml:g}",
                conc=f"{prep.final_concentration_mg_per_ml or 0.0:.2f}",
            )
        )
        if prep.rate_ml_per_h is not None:
            parts.append(text("label.prep_rate", lang, rate=f"{prep.rate_ml_per_h:.0f}"))
    return ", ".join(parts)


def vial_use_lines(
    uses: Sequence[VialUse], names: FrozenMap[str, FrozenMap[str, str]], lang: Lang = "en"
) -> list[str]:
    """A drug prepared twice on a day: its shared vials and the waste either way."""
    return [
        text(
            "sheet.vial_use.line",
            lang,
            drug=drug_name(use.drug, names, lang),
            day=use.day,
            total=format_mg(use.total_mg),
            vials=vials_text(use.vials),
            waste=format_mg(use.waste_mg),
            separate=format_mg(use.separate_waste_mg),
        )
        for use in uses
    ]

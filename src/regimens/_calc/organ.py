"""The organ-function step of the order of operations: the renal function used, and the
band of a drug's renal rule that applies to it.

A drug's renal rule (``drugs.toml``, each band sourced) gives, by Cockcroft-Gault CrCl,
the full dose, a percentage, an absolute dose, or a contraindication that withholds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from regimens._calc import renal
from regimens._models.sheet import OrganAdjustment, RenalFunction

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.options import WeightBasis
    from regimens._models.patient import Patient
    from regimens._models.regimen import Component, DrugFacts, RenalRule
    from regimens._models.renal_rule import RenalBand

__all__ = ["crcl_text", "organ_adjustment", "renal_function"]


def _band(band: RenalBand) -> dict[str, Any]:
    """A band's label for a warning's text, with its French form when the file has one
    (the renderer uses ``band_fr`` for ``{band}`` in French)."""
    return {"band": band.label, "band_fr": band.label_fr} if band.label_fr else {"band": band.label}


def renal_function(
    patient: Patient, weight_basis: str = "actual", rules: Sequence[RenalRule] = ()
) -> RenalFunction | None:
    """The CrCl given, else Cockcroft–Gault from serum creatinine on the weight of
    :func:`regimens._calc.renal.cockcroft_gault_weight` (the weight basis, or adjusted
    weight in obesity). ``rules`` are the sheet's banded renal rules: the CrCl is shown
    with enough decimals to fall in the same band of each."""
    if patient.crcl_ml_min is not None:
        crcl = patient.crcl_ml_min
        return RenalFunction(
            crcl_ml_min=crcl, source="given", display_decimals=_decimals(crcl, rules)
        )
    if patient.creatinine_mg_dl is None:
        return None
    patient.require("age", "weight", "sex", purpose="Cockcroft-Gault CrCl from creatinine")
    assert patient.age_years is not None and patient.weight_kg is not None  # for mypy
    assert patient.sex is not None
    weight, basis, ideal = renal.cockcroft_gault_weight(
        weight_basis, patient.height_cm, patient.weight_kg, patient.sex
    )
    crcl = renal.cockcroft_gault(patient.age_years, weight, patient.creatinine_mg_dl, patient.sex)
    return RenalFunction(
        crcl_ml_min=crcl,
        source="cockcroft_gault",
        weight_kg_used=weight,
        # cockcroft_gault_weight returns one of WEIGHT_BASES (it refuses any other).
        weight_basis=cast("WeightBasis", basis),
        formula=renal.COCKCROFT_GAULT_EXPRESSION,
        obesity_actual_kg=patient.weight_kg if ideal is not None else None,
        obesity_ideal_kg=ideal,
        display_decimals=_decimals(crcl, rules),
    )


def _decimals(crcl: float, rules: Sequence[RenalRule]) -> int:
    """The fewest decimals (1 to 4) at which the shown CrCl is in the same band of every
    rule as the CrCl itself: 29.98 is shown "29.98", not "30.0" (issue 17)."""
    for decimals in range(1, 5):
        shown = float(f"{crcl:.{decimals}f}")
        if all(rule.band_for(shown) is rule.band_for(crcl) for rule in rules if rule.bands):
            return decimals
    return 4


def crcl_text(renal_function: RenalFunction) -> str:
    """The CrCl as displayed (params of warnings): its display decimals."""
    return f"{renal_function.crcl_ml_min:.{renal_function.display_decimals}f}"


def organ_adjustment(
    context: SheetContext, component: Component, facts: DrugFacts
) -> OrganAdjustment | None:
    """Step 4: the band of the drug's renal rule at the patient's CrCl, with its warning.

    No banded rule: None. A rule that can withhold or reduce the drug but no renal
    function: None, and a blocking ``RENAL_FUNCTION_MISSING`` (a caution
    ``RENAL_RULE_NOT_CHECKED`` on a provisional sheet).
    """
    rule = facts.renal_rule
    if rule is None or rule.status != "bands":
        return None
    if context.renal is None:
        if all(band.action == "full" for band in rule.bands):
            return None  # a rule that can neither withhold nor reduce the drug
        code = "RENAL_RULE_NOT_CHECKED" if context.options.provisional else "RENAL_FUNCTION_MISSING"
        context.warn(code, drug=component.drug, source=rule.source)
        return None
    crcl = context.renal.crcl_ml_min
    shown = crcl_text(context.renal)
    band = rule.band_for(crcl)
    adjustment = OrganAdjustment(
        rule="renal",
        band=band.label,
        band_fr=band.label_fr,
        action=band.action,
        percent=band.percent,
        dose_mg=band.dose_mg,
        source=band.source or rule.source,
    )
    if band.action == "contraindicated":
        context.warn("CONTRAINDICATED", drug=component.drug, crcl=shown, **_band(band))
    elif band.action == "percent":
        context.warn(
            "RENAL_ADJUSTED",
            drug=component.drug,
            percent=f"{band.percent:g}",
            crcl=shown,
            **_band(band),
        )
    elif band.action == "absolute":
        context.warn(
            "RENAL_ADJUSTED",
            drug=component.drug,
            variant="absolute",
            dose=f"{band.dose_mg:g}",
            crcl=shown,
            **_band(band),
        )
    return adjustment

"""The organ-function step of the order of operations: the renal function used, and the
band of a drug's renal rule that applies to it.

A drug's renal rule (``drugs.toml``, each band sourced) gives, by Cockcroft-Gault CrCl,
the full dose, a percentage, an absolute dose, or a contraindication that withholds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regimens._calc import renal
from regimens._models.sheet import OrganAdjustment, RenalFunction

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.patient import Patient
    from regimens._models.regimen import Component, DrugFacts

__all__ = ["organ_adjustment", "renal_function"]


def renal_function(patient: Patient) -> RenalFunction | None:
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
        formula=renal.COCKCROFT_GAULT_EXPRESSION,
    )


def organ_adjustment(
    context: SheetContext, component: Component, facts: DrugFacts
) -> OrganAdjustment | None:
    """Step 4: the band of the drug's renal rule at the patient's CrCl, with its warning.

    No rule: None. A rule but no renal function: None, and a caution that the rule was
    not checked.
    """
    rule = facts.renal_rule
    if rule is None:
        return None
    if context.renal is None:
        context.warn("RENAL_RULE_NOT_CHECKED", drug=component.drug, source=rule.source)
        return None
    crcl = context.renal.crcl_ml_min
    band = rule.band_for(crcl)
    adjustment = OrganAdjustment(
        rule="renal",
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

"""Body surface area and renal function for one patient, with every step kept.

These are the results behind ``regimens bsa`` and ``regimens crcl``, and the first
steps of a dose sheet. The arithmetic itself lives in :mod:`regimens._calc.bsa` and
:mod:`regimens._calc.renal`; here it is applied to a :class:`~regimens._models.patient.Patient`
and recorded with its inputs and units.
"""

from __future__ import annotations

from regimens._calc import bsa as bsa_formulas
from regimens._calc import renal
from regimens._errors import InputError
from regimens._models.base import FrozenDict
from regimens._models.measures import BsaResult, CrclResult, Measured
from regimens._models.patient import Patient

__all__ = [
    # The models, re-exported for callers of this module until integration; their
    # home is regimens._models.measures.
    "BsaResult",
    "CrclResult",
    "Measured",
    "compute_bsa_result",
    "compute_crcl_result",
    "patient_inputs",
]


def patient_inputs(patient: Patient) -> FrozenDict[str, Measured | str]:
    """The patient's given measurements with units (omitting those not given)."""
    inputs: dict[str, Measured | str] = {}
    for key, value, unit in (
        ("height", patient.height_cm, "cm"),
        ("weight", patient.weight_kg, "kg"),
        ("age", patient.age_years, "years"),
        ("creatinine", patient.creatinine_mg_dl, "mg/dL"),
        ("crcl", patient.crcl_ml_min, "mL/min"),
    ):
        if value is not None:
            inputs[key] = Measured(value=value, unit=unit)
    if patient.creatinine_mg_dl is not None and patient.creatinine_umol_l is not None:
        inputs["creatinine"] = Measured(
            value=patient.creatinine_mg_dl,
            unit="mg/dL",
            given_value=patient.creatinine_umol_l,
            given_unit="µmol/L",
        )
    if patient.sex is not None:
        inputs["sex"] = patient.sex
    return FrozenDict(inputs)


def compute_bsa_result(
    patient: Patient,
    formula: str = bsa_formulas.DEFAULT_FORMULA,
    *,
    decimals: int = 2,
    cap_m2: float | None = None,
) -> BsaResult:
    """BSA of ``patient`` by ``formula``: unrounded, rounded half up, then capped if asked.

    The cap (off by default: ASCO advises full weight-based doses in obese adults)
    applies to the rounded value and is reported in ``bsa_capped``.
    """
    if not 0 <= decimals <= 4:
        raise InputError(f"bsa decimals must be 0 to 4, got {decimals}", field="bsa_decimals")
    spec = bsa_formulas.get_formula(formula)
    patient.require("height", "weight", purpose="Body surface area")
    if spec.needs_sex:
        patient.require("sex", purpose=f"The {spec.label} BSA formula")
    assert patient.height_cm is not None and patient.weight_kg is not None  # for mypy
    unrounded = bsa_formulas.compute_bsa(
        patient.height_cm, patient.weight_kg, spec.name, sex=patient.sex
    )
    used = bsa_formulas.round_bsa(unrounded, decimals)
    capped = False
    if cap_m2 is not None:
        if not 1.0 <= cap_m2 <= 3.0:
            raise InputError(
                f"bsa cap must be between 1.0 and 3.0 m2, got {cap_m2:g} m2", field="bsa_cap"
            )
        if used > cap_m2:
            used, capped = cap_m2, True
    return BsaResult(
        formula=spec.name,
        formula_label=spec.label,
        formula_expression=spec.expression,
        formula_reference=spec.reference,
        patient=patient_inputs(patient),
        bsa_m2_unrounded=unrounded,
        bsa_decimals=decimals,
        bsa_m2=used,
        bsa_cap_m2=cap_m2,
        bsa_capped=capped,
    )


def compute_crcl_result(patient: Patient, weight_basis: str = "actual") -> CrclResult:
    """Cockcroft–Gault CrCl on the chosen weight basis, with the weights and eGFR."""
    if weight_basis not in renal.WEIGHT_BASES:
        raise InputError(
            f"weight basis must be one of {', '.join(renal.WEIGHT_BASES)}, got {weight_basis!r}",
            field="weight_basis",
        )
    patient.require("age", "weight", "sex", "creatinine", purpose="Cockcroft-Gault CrCl")
    if weight_basis != "actual":
        patient.require("height", purpose=f"CrCl on {weight_basis} body weight")
    assert patient.age_years is not None and patient.weight_kg is not None  # for mypy
    assert patient.creatinine_mg_dl is not None and patient.sex is not None
    ibw = adjbw = bmi = None
    if patient.height_cm is not None:
        ibw = renal.ideal_body_weight(patient.height_cm, patient.sex)
        adjbw = renal.adjusted_body_weight(patient.height_cm, patient.weight_kg, patient.sex)
        bmi = renal.bmi(patient.height_cm, patient.weight_kg)
    weight = renal.dosing_weight(weight_basis, patient.height_cm, patient.weight_kg, patient.sex)
    return CrclResult(
        patient=patient_inputs(patient),
        formula=f"Cockcroft-Gault: {renal.COCKCROFT_GAULT_EXPRESSION}",
        creatinine_mg_dl=patient.creatinine_mg_dl,
        creatinine_umol_l=renal.creatinine_mg_dl_to_umol_l(patient.creatinine_mg_dl),
        weight_basis=weight_basis,
        weight_kg_used=weight,
        ideal_body_weight_kg=ibw,
        adjusted_body_weight_kg=adjbw,
        bmi_kg_m2=bmi,
        crcl_ml_min=renal.cockcroft_gault(
            patient.age_years, weight, patient.creatinine_mg_dl, patient.sex
        ),
        egfr_ckd_epi_2021=renal.ckd_epi_2021(
            patient.age_years, patient.creatinine_mg_dl, patient.sex
        ),
    )

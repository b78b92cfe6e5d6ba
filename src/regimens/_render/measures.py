"""Text rendering of BSA and CrCl results (``regimens bsa`` / ``regimens crcl``)."""

from __future__ import annotations

from regimens._models.measures import BsaResult, CrclResult, Measured
from regimens._render._text import key_value_table

__all__ = ["bsa_text", "crcl_text", "key_value_table"]


def _measured(value: Measured | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value.value:g} {value.unit}"


def _inputs(patient: dict[str, Measured | str]) -> list[tuple[str, str]]:
    return [(key.capitalize(), _measured(value)) for key, value in patient.items()]


def bsa_text(result: BsaResult) -> str:
    """The BSA with its formula, the unrounded value and the value used for dosing."""
    rows = _inputs(result.patient)
    rows += [
        ("Formula", f"{result.formula_label}: {result.formula_expression}"),
        ("Reference", result.formula_reference),
        ("BSA (unrounded)", f"{result.bsa_m2_unrounded:.4f} m2"),
        (
            "BSA used for dosing",
            f"{result.bsa_m2:.{result.bsa_decimals}f} m2 (rounded half up to "
            f"{result.bsa_decimals} decimals)",
        ),
    ]
    if result.bsa_capped:
        rows.append(("BSA cap", f"applied: capped at {result.bsa_cap_m2:g} m2"))
    return key_value_table(rows)


def crcl_text(result: CrclResult) -> str:
    """The clearance with the weight used and the intermediate values."""
    rows = _inputs(result.patient)
    rows.append(
        (
            "Creatinine",
            f"{result.creatinine_mg_dl:.3g} mg/dL = {result.creatinine_umol_l:.0f} µmol/L (x 88.4)",
        )
    )
    if result.ideal_body_weight_kg is not None:
        rows.append(("Ideal body weight", f"{result.ideal_body_weight_kg:.1f} kg (Devine)"))
    if result.adjusted_body_weight_kg is not None:
        rows.append(
            (
                "Adjusted body weight",
                f"{result.adjusted_body_weight_kg:.1f} kg (IBW + 0.4 x excess)",
            )
        )
    if result.bmi_kg_m2 is not None:
        rows.append(("BMI", f"{result.bmi_kg_m2:.1f} kg/m2"))
    rows += [
        ("Weight used", f"{result.weight_kg_used:.1f} kg ({result.weight_basis})"),
        ("Formula", result.formula),
        ("CrCl (Cockcroft-Gault)", f"{result.crcl_ml_min:.1f} mL/min"),
    ]
    if result.egfr_ckd_epi_2021 is not None:
        rows.append(
            (
                "eGFR CKD-EPI 2021",
                f"{result.egfr_ckd_epi_2021:.0f} mL/min/1.73 m2 (information only, not for dosing)",
            )
        )
    return key_value_table(rows)

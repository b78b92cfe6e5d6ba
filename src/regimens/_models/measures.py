"""Body surface area and renal function results, with their inputs and units.

The results behind ``regimens bsa`` and ``regimens crcl``, and the first steps of a
dose sheet; :mod:`regimens._calc.measures` computes them.
"""

from pydantic import Field

from regimens._models.base import Frozen, FrozenMap

__all__ = ["BsaResult", "CrclResult", "Measured", "PatientInputs"]


def _is_none(value: object) -> bool:
    return value is None


class Measured(Frozen):
    """A value with its unit, as shown in every output; and, for a value typed in
    another unit (a creatinine in µmol/L), that value and unit as typed.

    ``given_value`` and ``given_unit`` are written in JSON only when there is one.
    """

    value: float
    unit: str
    given_value: float | None = Field(default=None, exclude_if=_is_none)
    given_unit: str | None = Field(default=None, exclude_if=_is_none)


#: The patient's given measurements with units, by name (``height``, ``sex``...).
PatientInputs = FrozenMap[str, Measured | str]


class BsaResult(Frozen):
    """A body surface area, unrounded and as used for dosing, with its formula."""

    formula: str
    formula_label: str
    formula_expression: str
    formula_reference: str
    patient: PatientInputs
    bsa_m2_unrounded: float
    bsa_decimals: int
    #: The value used for dosing: rounded half up to ``bsa_decimals`` (and capped when a
    #: cap was asked for; see ``bsa_capped``).
    bsa_m2: float
    bsa_cap_m2: float | None = None
    bsa_capped: bool = False


class CrclResult(Frozen):
    """A Cockcroft–Gault creatinine clearance with the weight it used."""

    patient: PatientInputs
    #: The formula as text (``_calc/renal.py``: ``COCKCROFT_GAULT_EXPRESSION``).
    formula: str
    creatinine_mg_dl: float
    creatinine_umol_l: float
    weight_basis: str
    weight_kg_used: float
    ideal_body_weight_kg: float | None
    adjusted_body_weight_kg: float | None
    bmi_kg_m2: float | None
    #: Unrounded, in mL/min.
    crcl_ml_min: float
    #: CKD-EPI 2021 eGFR in mL/min/1.73 m², for information only: not used for dosing.
    egfr_ckd_epi_2021: float | None

"""How to compute a dose sheet: the options and the per-drug dose levels.

Defaults are the documented clinical defaults (``docs/dose-sheet.md``). A rejected
option raises :class:`~regimens._errors.InputError` naming the field; the CLI maps the
field to its own option name.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator

from regimens._errors import InputError
from regimens._models.base import Frozen, Number, Whole
from regimens._models.constants import DEFAULT_BSA_FORMULA, bsa_formula_key
from regimens._models.validation import own_error

__all__ = [
    "MAX_TOLERANCE_PERCENT",
    "DrugDoseLevel",
    "RoundingPolicy",
    "SheetOptions",
    "WeightBasis",
]

#: HOPA: rounding within 10 % of the calculated dose is acceptable; no policy here may go further.
MAX_TOLERANCE_PERCENT = 10.0

#: The weight a per-kg dose is based on (``_calc/renal.py``: ``dosing_weight``).
WeightBasis = Literal["actual", "ideal", "adjusted"]
#: ``default``: tablets or the drug's increment within the tolerance; ``none``: as calculated.
RoundingPolicy = Literal["default", "none"]


class DrugDoseLevel(Frozen):
    """A dose level for one drug, e.g. capecitabine at 75 % after grade 2 toxicity."""

    model_config = ConfigDict(allow_inf_nan=False)

    drug: str
    percent: Number = Field(gt=0, le=200)
    reason: str | None = None

    def __init__(self, **data: Any) -> None:
        # A rejected value raises the package's InputError, not pydantic's error.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="drug dose level") from None


class SheetOptions(Frozen):
    """How to compute a sheet. Defaults are the documented clinical defaults."""

    model_config = ConfigDict(allow_inf_nan=False)

    bsa_formula: str = DEFAULT_BSA_FORMULA
    bsa_decimals: Whole = Field(default=2, ge=0, le=4)
    #: Off by default (ASCO: full weight-based doses in obese adults).
    bsa_cap_m2: Number | None = Field(default=None, ge=1.0, le=3.0)
    weight_basis: WeightBasis = "actual"
    dose_level_percent: Number = Field(default=100.0, gt=0, le=200)
    dose_level_reason: str | None = None
    drug_dose_levels: tuple[DrugDoseLevel, ...] = ()
    rounding: RoundingPolicy = "default"
    tolerance_percent: Number = Field(default=5.0, gt=0, le=MAX_TOLERANCE_PERCENT)
    cycle: Whole = Field(default=1, ge=1, le=100)
    pump_rate_ml_per_h: Number | None = Field(default=None, gt=0, le=50)
    calvert_gfr_cap_ml_min: Number | None = Field(default=125.0, gt=0)
    #: A planning sheet: a missing renal function is a caution, not blocking, and the
    #: sheet says "PROVISIONAL — not for administration" (issue 17).
    provisional: bool = False

    def __init__(self, **data: Any) -> None:
        # A rejected option raises InputError naming the field (the CLI renames it).
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="option") from None

    @field_validator("bsa_formula")
    @classmethod
    def _known_formula(cls, value: str) -> str:
        return bsa_formula_key(value)

    @field_validator("drug_dose_levels")
    @classmethod
    def _one_level_per_drug(cls, value: tuple[DrugDoseLevel, ...]) -> tuple[DrugDoseLevel, ...]:
        # Two levels for one drug would multiply (80 % then 75 % gives 60 %): a user
        # correcting a level must not get the product of both.
        drugs = [level.drug for level in value]
        repeated = sorted({drug for drug in drugs if drugs.count(drug) > 1})
        if repeated:
            raise InputError(
                f"more than one dose level for {', '.join(repeated)}: give one per drug",
                field="drug_dose_levels",
            )
        return value

"""How to compute a dose sheet: the options and the per-drug dose levels.

Defaults are the documented clinical defaults (``docs/dose-sheet.md``). A rejected
option raises :class:`~regimens._errors.InputError` naming the field; the CLI maps the
field to its own option name.
"""

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from regimens._errors import InputError
from regimens._models.assessment import AssessmentInputs
from regimens._models.base import Frozen, Items, Number, PlainText, Whole
from regimens._models.constants import DEFAULT_BSA_FORMULA, bsa_formula_key
from regimens._models.validation import Checked

__all__ = [
    "MAX_CONCENTRATION_MG_PER_ML",
    "MAX_DOSE_LEVEL_PERCENT",
    "MAX_TOLERANCE_PERCENT",
    "MIN_CONCENTRATION_MG_PER_ML",
    "MIN_DOSE_LEVEL_PERCENT",
    "DrugConcentration",
    "DrugDoseLevel",
    "RoundingPolicy",
    "SheetOptions",
    "WeightBasis",
    "check_dose_level",
]

#: HOPA: rounding within 10 % of the calculated dose is acceptable; no policy here may go further.
MAX_TOLERANCE_PERCENT = 10.0

#: The accepted dose levels, % of the full dose (issue 17). Below 25 % or above 150 % is
#: far outside the one or two 20-25 % steps of published dose-modification tables: more
#: likely a typo (180 for 80, 8 for 80) than an order. A project choice, not a published limit.
MIN_DOSE_LEVEL_PERCENT = 25.0
MAX_DOSE_LEVEL_PERCENT = 150.0

#: The weight a per-kg dose is based on (``_calc/renal.py``: ``dosing_weight``).
WeightBasis = Literal["actual", "ideal", "adjusted"]
#: ``default``: tablets or the drug's increment within the tolerance; ``none``: as calculated.
RoundingPolicy = Literal["default", "none"]


def check_dose_level(percent: float, field: str, what: str | None = None) -> float:
    """``percent`` if it is a dose level (a percentage, 25 to 150), else an InputError.

    A value of 1 or less is a fraction typed for a percentage (0.8 for 80 %): refused with
    the percentage it probably means, never computed as 0.8 % of the dose.
    """
    low, high = MIN_DOSE_LEVEL_PERCENT, MAX_DOSE_LEVEL_PERCENT
    what = what or field
    if 0 < percent <= 1:
        raise InputError(
            f"{what}: {percent:g} is not a percentage (a dose level is {low:g} to {high:g} % "
            f"of the full dose): did you mean {percent * 100:g} %?",
            field=field,
        )
    if not low <= percent <= high:
        raise InputError(
            f"{what}: {percent:g} % is outside the accepted dose levels, {low:g} to {high:g} %",
            field=field,
        )
    return percent


class DrugDoseLevel(Checked):
    """A dose level for one drug, e.g. capecitabine at 75 % after grade 2 toxicity."""

    model_config = ConfigDict(allow_inf_nan=False)

    drug: str
    percent: Number
    reason: PlainText | None = None

    _label: ClassVar[str] = "drug dose level"

    @field_validator("percent")
    @classmethod
    def _a_percentage(cls, value: float, info: ValidationInfo) -> float:
        drug = info.data.get("drug", "")
        return check_dose_level(value, "drug_dose_levels", f"dose level of {drug}".strip())


#: Above 1000 mg/mL (1 g per mL) no solution is drawn up: a typo (a unit missed), refused.
MAX_CONCENTRATION_MG_PER_ML = 1000.0
#: Below 0.01 mg/mL no product is drawn from (the most dilute of the library is
#: zoledronic acid's ready-to-use 4 mg/100 mL, 0.04 mg/mL): a typo (1e-30 mg/mL gave a
#: volume of 1.5e32 mL), refused.
MIN_CONCENTRATION_MG_PER_ML = 0.01


class DrugConcentration(Frozen):
    """The concentration of the product a drug is drawn from, replacing the library's
    (``--concentration fluorouracil=25mg/mL``): 5-FU comes as 25 and 50 mg/mL."""

    model_config = ConfigDict(allow_inf_nan=False)

    drug: str
    mg_per_ml: Number = Field(ge=MIN_CONCENTRATION_MG_PER_ML, le=MAX_CONCENTRATION_MG_PER_ML)


class SheetOptions(Checked):
    """How to compute a sheet. Defaults are the documented clinical defaults."""

    model_config = ConfigDict(allow_inf_nan=False)

    bsa_formula: str = DEFAULT_BSA_FORMULA
    #: 2 to 4: with 0 or 1 decimal the BSA's rounding alone moves a dose by up to 33 %
    #: (1.50 m² used as 2 m²) or 3.8 % (1.25 → 1.3), beyond or eating up the dose
    #: tolerance (issue 24); pharmacists round the BSA to 2 decimals.
    bsa_decimals: Whole = Field(default=2, ge=2, le=4)
    #: Off by default (ASCO: full weight-based doses in obese adults).
    bsa_cap_m2: Number | None = Field(default=None, ge=1.0, le=3.0)
    weight_basis: WeightBasis = "actual"
    dose_level_percent: Number = 100.0
    dose_level_reason: PlainText | None = None
    drug_dose_levels: Items[DrugDoseLevel] = ()
    #: A level above 100 % is blocking unless the prescriber confirms the escalation.
    confirm_escalation: bool = False
    rounding: RoundingPolicy = "default"
    tolerance_percent: Number = Field(default=5.0, gt=0, le=MAX_TOLERANCE_PERCENT)
    #: BSA_FORMULAS_DISAGREE: the formula used against DuBois. A project choice, not a
    #: published threshold (none was found): the same 5 % as the rounding tolerance, so
    #: the formula alone never moves a dose by more than rounding may. Mosteller is within
    #: ±3.1 % of DuBois for BMI 18.5–30 and heights 150–195 cm, and reaches +5 % only
    #: past about BMI 40, where DuBois underestimates (docs/dose-sheet.md).
    bsa_spread_tolerance_percent: Number = Field(default=5.0, gt=0, le=50)
    #: Up to 200, as a course file's cycles (docs/course.md): a sheet of any cycle of it.
    cycle: Whole = Field(default=1, ge=1, le=200)
    pump_rate_ml_per_h: Number | None = Field(default=None, gt=0, le=50)
    #: Concentrations replacing the library's, one per drug (issue 19, docs/dispensing.md).
    concentrations: Items[DrugConcentration] = ()
    calvert_gfr_cap_ml_min: Number | None = Field(default=125.0, gt=0)
    #: A planning sheet: a missing renal function is a caution, not blocking, and the
    #: sheet says "PROVISIONAL — not for administration" (issue 17).
    provisional: bool = False
    #: The treatment day's labs, toxicity, genotypes, conditions (issue 18); None: no
    #: assessment is made, and the sheet says so.
    assessment: AssessmentInputs | None = None

    #: A rejected option raises InputError naming the field (the CLI renames it).
    _label: ClassVar[str] = "option"

    @field_validator("bsa_formula")
    @classmethod
    def _known_formula(cls, value: str) -> str:
        return bsa_formula_key(value)

    @field_validator("dose_level_percent")
    @classmethod
    def _a_percentage(cls, value: float) -> float:
        return check_dose_level(value, "dose_level_percent")

    @field_validator("concentrations")
    @classmethod
    def _one_concentration_per_drug(
        cls, value: tuple[DrugConcentration, ...]
    ) -> tuple[DrugConcentration, ...]:
        drugs = [item.drug for item in value]
        repeated = sorted({drug for drug in drugs if drugs.count(drug) > 1})
        if repeated:
            raise InputError(
                f"more than one concentration for {', '.join(repeated)}: give one per drug",
                field="concentrations",
            )
        return value

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

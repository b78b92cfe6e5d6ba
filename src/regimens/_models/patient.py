"""The patient's measurements, checked for plausibility in an adult.

Values are stored in one canonical unit each (the field name says which); text with
units is read by :func:`regimens._read.patient.make_patient`. A value outside
the adult range is refused with a :class:`~regimens._errors.PlausibilityError` that names
the field, the value with its unit, the accepted range, and, when a unit slip is
likely, what the user probably meant (``1.7`` cm for a height → "did you mean 1.7 m?").

Paediatric dosing is out of scope: ages under 18 are refused.
"""

import math
from typing import Literal

from pydantic import ConfigDict, model_validator

from regimens._errors import InputError, MissingInputError, PlausibilityError
from regimens._models.constants import CM_PER_INCH, CREATININE_UMOL_PER_MG_DL, KG_PER_LB
from regimens._models.validation import Checked

__all__ = ["RANGES", "Patient", "Sex", "check_range"]

Sex = Literal["female", "male"]

#: Accepted adult ranges, inclusive, in the canonical unit of each field.
RANGES: dict[str, tuple[float, float, str]] = {
    "height": (100.0, 250.0, "cm"),
    "weight": (25.0, 350.0, "kg"),
    "age": (18.0, 120.0, "years"),
    "creatinine": (0.1, 20.0, "mg/dL"),
    "crcl": (1.0, 250.0, "mL/min"),
}


def _shown(value: float) -> str:
    """A number for a message: no trailing zeros, no float noise (``1.7``, ``70``)."""
    return f"{value:.6g}"


def _unit_slip_hint(field: str, value: float) -> str:
    """Say what the user probably meant when a value is out of range by a unit slip."""
    low, high, _ = RANGES[field]
    shown = _shown(value)
    if field == "height":
        if low <= value * 100 <= high:
            return f"; did you mean {shown} m?"
        if low <= value * CM_PER_INCH <= high:
            return f"; did you mean {shown} in?"
    elif field == "weight":
        if low <= value * KG_PER_LB <= high and value > high:
            return f"; did you mean {shown} lb?"
        if low <= value / 1000 <= high:
            return f"; did you mean {shown} g?"
    elif field == "creatinine":
        if low <= value / CREATININE_UMOL_PER_MG_DL <= high:
            return (
                f"; did you mean {shown} µmol/L (= {value / CREATININE_UMOL_PER_MG_DL:.2f} mg/dL)?"
            )
    elif field == "age" and value < low:
        return "; paediatric dosing is out of scope of this tool"
    return ""


def check_range(field: str, value: float) -> float:
    """Return ``value`` if it is finite and in the adult range of ``field``, else raise."""
    low, high, unit = RANGES[field]
    shown = f"{_shown(value)} {unit}"
    if not math.isfinite(value):
        raise PlausibilityError(f"{field} must be a finite number, got {shown}", field=field)
    if value <= 0:
        raise PlausibilityError(f"{field} must be positive, got {shown}", field=field)
    if not low <= value <= high:
        raise PlausibilityError(
            f"{field} {shown} is outside the accepted adult range "
            f"{_shown(low)}–{_shown(high)} {unit}{_unit_slip_hint(field, value)}",
            field=field,
        )
    return value


class Patient(Checked):
    """A patient's measurements in canonical units; every field optional.

    A calculation that needs a missing value raises
    :class:`~regimens._errors.MissingInputError` naming it (see :meth:`require`).
    Constructing a Patient with an implausible value raises
    :class:`~regimens._errors.PlausibilityError` (not pydantic's ValidationError), and
    with both a serum creatinine and a CrCl an :class:`~regimens._errors.InputError`:
    one of them would be silently ignored.
    """

    # NaN and infinity reach the range check, which names the field (not pydantic).
    model_config = ConfigDict(allow_inf_nan=True)

    height_cm: float | None = None
    weight_kg: float | None = None
    sex: Sex | None = None
    age_years: float | None = None
    creatinine_mg_dl: float | None = None
    #: A creatinine clearance measured or estimated elsewhere, in mL/min; when given
    #: it is used instead of Cockcroft–Gault from serum creatinine.
    crcl_ml_min: float | None = None
    #: The serum creatinine as typed when it was typed in µmol/L (or another molar
    #: unit, converted to µmol/L): shown as given, with its mg/dL conversion, on every
    #: output. None when it was given in mg/dL. Never used in a calculation.
    creatinine_umol_l: float | None = None

    @model_validator(mode="after")
    def _plausible(self) -> "Patient":
        for field, value in (
            ("height", self.height_cm),
            ("weight", self.weight_kg),
            ("age", self.age_years),
            ("creatinine", self.creatinine_mg_dl),
            ("crcl", self.crcl_ml_min),
        ):
            if value is not None:
                check_range(field, value)
        if self.creatinine_umol_l is not None and (
            self.creatinine_mg_dl is None
            or not math.isclose(
                self.creatinine_umol_l / CREATININE_UMOL_PER_MG_DL, self.creatinine_mg_dl
            )
        ):
            # The value shown must be the value used: a µmol/L that is not the mg/dL
            # that doses would print one number and compute with another.
            raise InputError(
                f"creatinine_umol_l {self.creatinine_umol_l:g} µmol/L is not the "
                f"creatinine used ({self.creatinine_mg_dl} mg/dL): give it in one unit",
                field="creatinine",
            )
        if self.creatinine_mg_dl is not None and self.crcl_ml_min is not None:
            # A given CrCl replaces the Cockcroft-Gault estimate: with both, which one
            # doses the patient must be the prescriber's choice, not a silent rule.
            raise InputError(
                "creatinine and crcl are both given: give one (a crcl replaces the "
                "Cockcroft-Gault estimate from creatinine)",
                field="crcl",
            )
        return self

    def require(self, *fields: str, purpose: str) -> None:
        """Raise MissingInputError naming each missing field needed for ``purpose``."""
        names = {
            "height": self.height_cm,
            "weight": self.weight_kg,
            "sex": self.sex,
            "age": self.age_years,
            "creatinine": self.creatinine_mg_dl,
        }
        missing = [field for field in fields if names[field] is None]
        if missing:
            raise MissingInputError(
                f"{purpose} needs the patient's {', '.join(missing)}", field=missing[0]
            )

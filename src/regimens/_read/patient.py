"""A patient typed by a person: text with or without units → :class:`Patient`.

Bare numbers take the default unit of their field (cm, kg, years, mg/dL, mL/min);
numbers with a unit are converted by :mod:`regimens._read.units`. The model then
checks plausibility (:mod:`regimens._models.patient`).
"""

from __future__ import annotations

from regimens._errors import InputError
from regimens._models.patient import Patient, Sex
from regimens._read.units import parse_creatinine, parse_measurement

__all__ = ["make_patient", "parse_sex"]


def parse_sex(value: str | None) -> Sex | None:
    """Read ``female``/``male`` or ``F``/``M`` (any case); None stays None."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in {"f", "female"}:
        return "female"
    if text in {"m", "male"}:
        return "male"
    raise InputError(f"sex must be female or male (F/M), got {value!r}", field="sex")


def make_patient(
    *,
    height: str | float | None = None,
    weight: str | float | None = None,
    sex: str | None = None,
    age: str | float | None = None,
    creatinine: str | float | None = None,
    crcl: str | float | None = None,
) -> Patient:
    """Build a :class:`Patient` from values typed by a person, with or without units.

    Bare numbers take the default unit of their field: cm for height, kg for weight,
    years for age, mg/dL for serum creatinine (µmol/L accepted with its unit, and kept
    as typed in ``creatinine_umol_l``), mL/min for a creatinine clearance. A
    creatinine and a CrCl together are refused
    (:class:`~regimens._errors.InputError`, field ``crcl``): say which one to use.
    """

    def read(value: str | float | None, field: str, kind: str) -> float | None:
        if value is None:
            return None
        return parse_measurement(value, field=field, kind=kind)

    creatinine_mg_dl, creatinine_umol_l = (
        parse_creatinine(creatinine) if creatinine is not None else (None, None)
    )
    return Patient(
        height_cm=read(height, "height", "length"),
        weight_kg=read(weight, "weight", "mass"),
        sex=parse_sex(sex),
        age_years=read(age, "age", "age"),
        creatinine_mg_dl=creatinine_mg_dl,
        creatinine_umol_l=creatinine_umol_l,
        crcl_ml_min=read(crcl, "crcl", "clearance"),
    )

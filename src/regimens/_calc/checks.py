"""The input check the pure formulas share (BSA, renal): standard library only."""

from __future__ import annotations

import math

from regimens._errors import InputError

__all__ = ["check_positive"]


def check_positive(value: float, field: str, unit: str) -> None:
    """Refuse a value no formula can use: zero, negative, NaN or infinite."""
    # `not value > 0` is also true for NaN, which a plain `value <= 0` lets through.
    if not math.isfinite(value) or not value > 0:
        raise InputError(
            f"{field} must be a positive, finite number of {unit}; got {value!r} {unit}",
            field=field,
        )

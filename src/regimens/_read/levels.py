"""Dose levels as written: ``80``, ``80%`` or ``80 %`` → 80.0, checked (issue 17).

The same reading for every place a level is given: the CLI's ``--dose-level`` and
``--drug-dose-level DRUG=PCT[:REASON]``, a batch ``dose_level`` cell and a course
file's ``dose_level`` and per-drug levels. The number is then checked by
:func:`~regimens._models.options.check_dose_level` (a percentage, 25 to 150).
"""

from __future__ import annotations

import math
import numbers

from regimens._errors import InputError
from regimens._models.options import check_dose_level

__all__ = ["read_dose_level"]


def read_dose_level(value: object, field: str, what: str | None = None) -> float:
    """A dose level, a number or a text with or without ``%``, as a checked percentage."""
    what = what or field
    if isinstance(value, bool):  # TOML's `true` is not 1 %
        raise InputError(
            f"{what}: must be a percentage such as 80 or 80%, got {value!r}", field=field
        )
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise InputError(
                f"{what}: must be a percentage such as 80 or 80%, got {value!r}", field=field
            ) from None
    elif isinstance(value, numbers.Real):
        number = float(value)
    else:
        raise InputError(
            f"{what}: must be a percentage such as 80 or 80%, got {value!r}", field=field
        )
    if not math.isfinite(number):
        raise InputError(f"{what}: must be a finite percentage, got {value!r}", field=field)
    return check_dose_level(number, field, what)

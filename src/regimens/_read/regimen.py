"""Reading the values of a library file: doses, days, durations, masses, concentrations.

A regimen or drug file writes each quantity with its unit, as a pharmacist does; these
functions read that spelling into the canonical numbers the models hold, and check its
dimension: a per-m² dose must be a mass per area, a duration a time.

==============================  ======================================================
file                            model
==============================  ======================================================
``dose = "1.25 g/m2"``          ``Dose(text="1.25 g/m2", amount=1250.0, basis="per_m2",
                                unit="mg/m2")``
``days = "1-14"``               ``days=(1, 2, ..., 14)``, ``days_text="1-14"``
``duration = "46 h"``           ``duration_h=46.0``
``concentration = "50 mg/mL"``  ``concentration_mg_per_ml=50.0``
==============================  ======================================================

Common spellings (``mg/m2``, ``h``...) are read by a fast table that a test proves equal
to pint's reading; anything else goes through :func:`regimens._read.units.parse_quantity`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from regimens._models.regimen import CANONICAL_UNIT

__all__ = [
    "ACCEPTED_DOSE_UNITS",
    "FAST_CONCENTRATION_UNITS",
    "FAST_DOSE_UNITS",
    "FAST_DURATION_UNITS",
    "days_text",
    "parse_concentration",
    "parse_cycles",
    "parse_days",
    "parse_dose",
    "parse_duration_h",
    "parse_mass_mg",
    "parse_strengths",
]

_PINT_UNIT = {
    "per_m2": "mg/m**2",
    "per_kg": "mg/kg",
    "flat": "mg",
    "auc": "mg*min/mL",
    "volume": "mL",
    "mmol": "mmol",
}

# Fast readings of the spellings the library uses, so that loading the library does
# not build the pint registry (about 0.1 s of every command's start). A test checks
# that each entry reads exactly as pint reads it.
FAST_DOSE_UNITS: dict[str, tuple[str, float]] = {
    "mg/m2": ("per_m2", 1.0),
    "mg/m²": ("per_m2", 1.0),
    "g/m2": ("per_m2", 1000.0),
    "g/m²": ("per_m2", 1000.0),
    "mg/kg": ("per_kg", 1.0),
    "mg": ("flat", 1.0),
    "g": ("flat", 1000.0),
    "mg/mL*min": ("auc", 1.0),
    "mL": ("volume", 1.0),
    "L": ("volume", 1000.0),
    "mmol": ("mmol", 1.0),
}
FAST_DURATION_UNITS: dict[str, float] = {"h": 1.0, "min": 1.0 / 60.0}
FAST_CONCENTRATION_UNITS: dict[str, float] = {"mg/mL": 1.0}

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(\S.*?)?\s*$")
ACCEPTED_DOSE_UNITS = (
    "mg/m2 (per body-surface area), mg/kg (per kg of body weight), mg (flat) "
    "or mg/mL*min (carboplatin-style AUC, Calvert); a hydration order also mL (a fluid) "
    "or mmol (an electrolyte), flat"
)


def _clean_number(value: float) -> float:
    """Drop float noise from a unit conversion (1.25 g → 1250.0000000000002 mg)."""
    return float(f"{value:.12g}")


def _split_quantity(text: str) -> tuple[float, str] | None:
    match = _QUANTITY.match(text)
    if match is None:
        return None
    return float(match.group(1)), (match.group(2) or "").replace(" ", "")


def _check_positive(value: float, what: str, text: str) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive finite number, got {text!r}")


def parse_dose(text: str) -> dict[str, Any]:
    """Read a dose text (``"625 mg/m2"``) into the fields of :class:`Dose`.

    The basis follows from the unit: mass per area → ``per_m2``, mass per mass →
    ``per_kg``, mass → ``flat``, mass·time per volume → ``auc``. Anything else is
    refused with the list of accepted units.
    """
    if not isinstance(text, str):
        raise ValueError(f"write the dose as text with its unit, e.g. '625 mg/m2', got {text!r}")
    split = _split_quantity(text)
    if split is not None and split[1] in FAST_DOSE_UNITS:
        basis, factor = FAST_DOSE_UNITS[split[1]]
        amount = _clean_number(split[0] * factor)
    else:
        basis, amount = _parse_dose_with_pint(text)
    _check_positive(amount, "a dose", text)
    return {"text": text.strip(), "amount": amount, "basis": basis, "unit": CANONICAL_UNIT[basis]}


def _parse_dose_with_pint(text: str) -> tuple[str, float]:
    from regimens._read.units import get_registry, parse_quantity

    quantity = parse_quantity(text, field="dose", example="625 mg/m2")
    units = list(quantity.unit_items())
    if units:  # a bare number has no unit, and mg/kg is "dimensionless" to pint
        registry = get_registry()
        numerator = registry.Quantity(1.0, "")
        denominator = registry.Quantity(1.0, "")
        for name, power in units:
            exponent = float(str(power))
            if exponent > 0:
                numerator = numerator * registry.Quantity(1.0, name) ** exponent
            else:
                denominator = denominator * registry.Quantity(1.0, name) ** -exponent
        shape = (str(numerator.dimensionality), str(denominator.dimensionality))
        basis = {
            ("[mass]", "[length] ** 2"): "per_m2",
            ("[mass]", "[mass]"): "per_kg",
            ("[mass]", "dimensionless"): "flat",
            ("[mass] * [time]", "[length] ** 3"): "auc",
            ("[length] ** 3", "dimensionless"): "volume",
            ("[substance]", "dimensionless"): "mmol",
        }.get(shape)
        if basis is not None:
            return basis, _clean_number(float(quantity.to(_PINT_UNIT[basis]).magnitude))
        if shape[0] in ("[length] ** 3", "[substance]"):
            raise ValueError(
                f"{text.strip()!r} is not a dose: a volume or an amount in mmol is a flat "
                "amount (hydration is not scaled by body-surface area or weight): "
                "write e.g. '1000 mL' or '10 mmol'"
            )
    raise ValueError(f"{text.strip()!r} is not a dose: write it in {ACCEPTED_DOSE_UNITS}")


def _number_as_is(value: object, what: str) -> float | None:
    """A number already in the canonical unit (a model dumped and read back)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    _check_positive(number, what, str(value))
    return number


def parse_duration_h(value: object) -> float | None:
    """Read a duration text (``"46 h"``, ``"15 min"``) into hours; ``None`` stays ``None``."""
    if value is None:
        return None
    as_is = _number_as_is(value, "a duration")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the duration as text with its unit, e.g. '46 h', got {value!r}")
    split = _split_quantity(value)
    if split is not None and split[1] in FAST_DURATION_UNITS:
        hours = _clean_number(split[0] * FAST_DURATION_UNITS[split[1]])
    else:
        from regimens._read.units import get_registry, parse_quantity

        quantity = parse_quantity(value, field="duration", example="46 h")
        if quantity.dimensionality != get_registry().get_dimensionality("[time]"):
            raise ValueError(f"{value.strip()!r} is not a duration: write it in h or min")
        hours = _clean_number(float(quantity.to("h").magnitude))
    _check_positive(hours, "a duration", value)
    return hours


def parse_mass_mg(value: object) -> float | None:
    """Read a mass text (``"500 mg"``) into milligrams; ``None`` stays ``None``."""
    if value is None:
        return None
    as_is = _number_as_is(value, "a mass")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the amount as text with its unit, e.g. '500 mg', got {value!r}")
    dose = parse_dose(value)
    if dose["basis"] != "flat":
        raise ValueError(f"{value.strip()!r} is not a mass: write it in mg")
    amount: float = dose["amount"]
    return amount


def parse_concentration(value: object) -> float | None:
    """Read a concentration text (``"50 mg/mL"``) into mg/mL; ``None`` stays ``None``."""
    if value is None:
        return None
    as_is = _number_as_is(value, "a concentration")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the concentration with its unit, e.g. '50 mg/mL', got {value!r}")
    split = _split_quantity(value)
    if split is not None and split[1] in FAST_CONCENTRATION_UNITS:
        amount = _clean_number(split[0] * FAST_CONCENTRATION_UNITS[split[1]])
    else:
        from regimens._read.units import get_registry, parse_quantity

        quantity = parse_quantity(value, field="concentration", example="50 mg/mL")
        wanted = get_registry().get_dimensionality("[mass] / [length] ** 3")
        if quantity.dimensionality != wanted:
            raise ValueError(f"{value.strip()!r} is not a concentration: write it in mg/mL")
        amount = _clean_number(float(quantity.to("mg/mL").magnitude))
    _check_positive(amount, "a concentration", value)
    return amount


def parse_strengths(value: object) -> object:
    """Read a list of tablet strengths (``["150 mg", "500 mg"]``) into milligrams."""
    if isinstance(value, list | tuple):
        return tuple(parse_mass_mg(item) for item in value)
    return value


def parse_pack_sizes(value: object) -> object:
    """Read pack sizes (``{ "150 mg" = 60, "500 mg" = 120 }``): strength → tablets a pack."""
    if isinstance(value, dict):
        return tuple(
            {"strength_mg": parse_mass_mg(strength), "count": count}
            for strength, count in value.items()
        )
    return value


_DAY_PART = re.compile(r"^(-?\d+)(?:\s*[-–]\s*(\d+))?$")


#: The last day a cycle may have (``cycle_length_days`` is at most 365).
MAX_DAY = 365


def parse_days(value: object) -> tuple[int, ...]:
    """Read cycle days: ``1``, ``"1-21"``, ``"1,8,15"``, ``"1-3, 8"`` or ``[1, 8, 15]``.

    Days are 1-based; ranges are inclusive; ``-1`` is the day before day 1 (``"-1,1,2"``:
    a premedication). A day given twice or a reversed range is refused (each is a likely
    typo in a protocol); the model refuses day 0 and chemotherapy before day 1.
    """
    days: list[int] = []
    if isinstance(value, bool):
        raise ValueError(f"days must be a day number or text such as '1-14', got {value!r}")
    if isinstance(value, int):
        days = [value]
    elif isinstance(value, list | tuple):
        if len(value) > MAX_DAY:
            raise ValueError(f"days lists {len(value)} days: a cycle lasts at most {MAX_DAY} days")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                raise ValueError(f"days must be whole numbers, got {item!r}")
            days.append(item)
    elif isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
        for part in parts:
            match = _DAY_PART.match(part)
            if match is None:
                raise ValueError(
                    f"{value!r} is not a list of days: write e.g. '1', '1-14' or '1,8,15'"
                )
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) else first
            if last < first:
                raise ValueError(f"day range {part!r} runs backwards: write it as {last}-{first}")
            if last > MAX_DAY or len(days) + last - first >= MAX_DAY:
                # Checked before the range is laid out: "1-1000000000" would take gigabytes.
                raise ValueError(
                    f"day range {part!r} goes past day {MAX_DAY}: a cycle lasts at most "
                    f"{MAX_DAY} days"
                )
            days.extend(range(first, last + 1))
    else:
        raise ValueError(f"days must be a day number or text such as '1-14', got {value!r}")
    if not days:
        raise ValueError("days is empty: give at least one day, e.g. '1'")
    if 0 in days:
        raise ValueError(
            "day 0 is read two ways (the day before day 1, or day 1 itself): write -1 for "
            f"the day before day 1, got {value!r}"
        )
    if min(days) < -7:
        raise ValueError(
            f"days are counted from 1, and from -7 (a week before day 1) for an order "
            f"given before the cycle, got {value!r}"
        )
    repeated = sorted({day for day in days if days.count(day) > 1})
    if repeated:
        raise ValueError(f"day {repeated[0]} is given twice in {value!r}")
    return tuple(sorted(days))


_CYCLE_PART = re.compile(r"^(-?\d+)(?:\s*[-–]\s*(\d*))?$")
_CYCLES_EXAMPLE = "write e.g. '1', '2-' (cycle 2 and later), '1,3,5' or '1-4'"


def parse_cycles(value: object) -> tuple[dict[str, int | None], ...]:
    """Read a component's cycles: ``"1"``, ``"2-"`` (2 and later), ``"1,3,5"``, ``"1-4"``.

    Cycles count from 1. Cycle 0, a negative cycle, an empty text, a reversed range or a
    cycle given twice is refused, naming what was written.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"cycles {value!r} is not a list of cycles: {_CYCLES_EXAMPLE}")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, list | tuple):
        # A list of texts (["1", "3-"]), or of ranges already read (a model dumped).
        return tuple(
            item
            for part in value
            for item in ((part,) if isinstance(part, dict) else parse_cycles(part))
        )
    if not isinstance(value, str):
        raise ValueError(f"cycles {value!r} is not a list of cycles: {_CYCLES_EXAMPLE}")
    if not value.strip():
        raise ValueError(f"cycles is empty: {_CYCLES_EXAMPLE}")
    ranges: list[dict[str, int | None]] = []
    for part in (part.strip() for part in value.split(",")):
        match = _CYCLE_PART.match(part)
        if match is None:
            raise ValueError(f"{value!r} is not a list of cycles: {_CYCLES_EXAMPLE}")
        first = int(match.group(1))
        last = None if match.group(2) == "" else int(match.group(2) or first)
        if first < 1:
            raise ValueError(f"cycles are counted from 1, got {part!r} in {value!r}")
        if last is not None and last < first:
            raise ValueError(f"cycle range {part!r} runs backwards: write it as {last}-{first}")
        ranges.append({"first": first, "last": last})
    for index, one in enumerate(ranges):
        for other in ranges[:index]:
            low = max(one["first"] or 1, other["first"] or 1)
            ends = [end for end in (one["last"], other["last"]) if end is not None]
            if not ends or low <= min(ends):
                raise ValueError(f"cycle {low} is given twice in {value!r}")
    return tuple(ranges)


def days_text(value: object) -> str:
    """The days as written, without spaces: what a dose sheet shows (``"1-14"``)."""
    if isinstance(value, str):
        return re.sub(r"\s+", "", value).replace("–", "-")
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)

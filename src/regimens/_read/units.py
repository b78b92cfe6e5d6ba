"""Units at the edges: parsing and checking the quantities people type.

One pint registry serves the whole package (:func:`get_registry`). It is built from
``units.txt``, a small definitions file, and only when a text with a unit must be
read: a bare number already is in the field's documented default unit, and the
common spellings (``170 cm``, ``154 lb``, ``80 µmol/L``...) are read from a table
checked against pint (:data:`COMMON_UNITS`), so such a command never imports pint
(cold start is measured, see ``docs/performance.md``). pint stays the authority for
every other spelling and writes every error message.

Inside the package, patient measurements are plain floats in one canonical unit per
kind (:data:`KINDS`): centimetres, kilograms, years, mg/dL, mL/min. They are
converted here, explicitly, once.
"""

from __future__ import annotations

import math
import numbers
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from regimens._errors import UnitError
from regimens._models.constants import CREATININE_UMOL_PER_MG_DL

if TYPE_CHECKING:
    import pint

__all__ = [
    "COMMON_UNITS",
    "CREATININE_UMOL_PER_MG_DL",
    "KINDS",
    "Kind",
    "format_number",
    "get_registry",
    "parse_creatinine",
    "parse_measurement",
    "parse_quantity",
]


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# "m2", "cm2", "m²" after a letter mean squared: pint reads "m2" as an unknown name.
_SQUARED = re.compile(r"(?<=[A-Za-zµμ])(2|²)(?![\w.])")
_CUBED = re.compile(r"(?<=[A-Za-zµμ])(3|³)(?![\w.])")


@dataclass(frozen=True)
class Kind:
    """A kind of measurement: its canonical unit and how to describe it to a person."""

    name: str
    unit: str  # canonical unit, in which values are stored and formulas are defined
    dimension: str  # pint dimensionality text, e.g. "[length]"
    described_as: str  # "a length", used in "height must be a length, got 70 kg"
    accepted: str  # examples of accepted units, for messages
    example: str  # a value as a person would type it, for messages: "170 cm"


KINDS: dict[str, Kind] = {
    "length": Kind("length", "cm", "[length]", "a length", "cm, m, in, ft", "170 cm"),
    "mass": Kind("mass", "kg", "[mass]", "a mass", "kg, g, lb", "70 kg"),
    "age": Kind("age", "year", "[time]", "an age in years", "years (bare number), y", "60"),
    "creatinine": Kind(
        "creatinine",
        "mg/dL",
        "[mass] / [length] ** 3",
        "a concentration in mg/dL or µmol/L",
        "mg/dL, µmol/L (umol/L)",
        "1.0 mg/dL",
    ),
    "clearance": Kind(
        "clearance",
        "mL/min",
        "[length] ** 3 / [time]",
        "a clearance (volume per time)",
        "mL/min",
        "80 mL/min",
    ),
    "dose": Kind("dose", "mg", "[mass]", "a mass", "mg, g, µg", "150 mg"),
    "duration": Kind("duration", "h", "[time]", "a duration", "h, min", "46 h"),
    "rate": Kind("rate", "mL/h", "[length] ** 3 / [time]", "a volume rate", "mL/h", "2 mL/h"),
    "concentration": Kind(
        "concentration",
        "mg/mL",
        "[mass] / [length] ** 3",
        "a mass concentration",
        "mg/mL",
        "50 mg/mL",
    ),
    "area": Kind("area", "m**2", "[length] ** 2", "an area", "m2", "1.8 m2"),
}

_MOLAR_CONCENTRATION = "[substance] / [length] ** 3"


def format_number(value: float) -> str:
    """Format a number for messages: no trailing zeros, no float noise (``1.7``, ``70``)."""
    return f"{value:.6g}"


_REGISTRY_LOCK = threading.Lock()


def get_registry() -> pint.UnitRegistry[Any]:
    """Return the package's one pint registry, built on first use from ``units.txt``.

    Thread-safe: two web-server threads asking at once must not build two registries
    (quantities of different pint registries cannot be combined).
    """
    with _REGISTRY_LOCK:
        return _build_registry()


@lru_cache(maxsize=1)
def _build_registry() -> pint.UnitRegistry[Any]:
    from importlib import resources  # here: only a text pint must read needs it

    import pint

    definitions = resources.files("regimens._read").joinpath("units.txt")
    with resources.as_file(definitions) as path:
        registry: pint.UnitRegistry[Any] = pint.UnitRegistry(
            str(path),
            autoconvert_offset_to_baseunit=False,
            preprocessors=[_preprocess],
            cache_folder=None,
        )
    registry.formatter.default_format = "~"
    return registry


def _preprocess(text: str) -> str:
    text = _SQUARED.sub("**2", text)
    return _CUBED.sub("**3", text)


def parse_quantity(text: str, *, field: str, example: str | None = None) -> pint.Quantity[Any]:
    """Read ``text`` (e.g. ``"170 cm"``, ``"625 mg/m2"``) into a pint quantity.

    Raises :class:`UnitError` naming ``field`` when the text is not a quantity or
    its unit is unknown; the message shows ``example`` of what ``field`` takes.
    """
    hint = f"e.g. '{example}'" if example else "a number with its unit"
    import pint

    registry = get_registry()
    cleaned = text.strip()
    if not cleaned:
        raise UnitError(f"{field} is empty: give a number with a unit", field=field)
    if "," in cleaned:
        raise UnitError(
            f"{field} {cleaned!r} contains a comma: write decimals with a point (1.70 m)",
            field=field,
        )
    number = _NUMBER.match(cleaned)
    if cleaned.lower().lstrip("+-").startswith(("nan", "inf")):
        raise UnitError(f"{field} must be a finite number, got {cleaned}", field=field)
    if number is None:
        raise UnitError(
            f"{field} {cleaned!r} does not start with a number: give {hint}", field=field
        )
    unit_text = cleaned[number.end() :].strip()
    try:
        quantity = registry.Quantity(float(number.group()), unit_text)
    except pint.UndefinedUnitError as exc:
        names = ", ".join(sorted(exc.unit_names)) if exc.unit_names else unit_text
        raise UnitError(f"{field} {cleaned!r}: unknown unit {names}", field=field) from None
    except Exception:  # pint raises many kinds of parse errors for free text
        raise UnitError(
            f"{field} {cleaned!r} is not a quantity: give {hint}", field=field
        ) from None
    magnitude = float(quantity.magnitude)
    if not math.isfinite(magnitude):
        raise UnitError(f"{field} must be a finite number, got {cleaned}", field=field)
    return quantity


def parse_measurement(value: str | float | int, *, field: str, kind: str) -> float:
    """Read a user's measurement into the canonical unit of ``kind`` (see :data:`KINDS`).

    A bare number (``170``, or a Python int/float) is taken in the canonical unit,
    which is the documented default for that field (cm, kg, years, mg/dL, mL/min...).
    A number with a unit is converted (a common spelling through :data:`COMMON_UNITS`,
    any other through pint); a unit of the wrong dimension is an error
    naming the field: ``height must be a length, got 70 kg``. Serum creatinine in
    µmol/L is divided by :data:`CREATININE_UMOL_PER_MG_DL`. NaN and infinity are refused;
    range checks belong to the caller (the patient model).
    """
    return _measurement(value, field=field, kind=kind)[0]


def parse_creatinine(
    value: str | float | int, *, field: str = "creatinine"
) -> tuple[float, float | None]:
    """A serum creatinine in mg/dL, and the value in µmol/L when it was typed in a molar
    unit (``95 umol/L`` → ``(1.0747, 95.0)``; ``1.1`` or ``1.1 mg/dL`` → ``(1.1, None)``).

    The sheet shows the value as it was typed with its conversion: a pharmacist who
    typed 95 µmol/L checks 95, not 1.07466.
    """
    mg_dl, conversion = _measurement(value, field=field, kind="creatinine")
    number = _NUMBER.match(str(value).strip())
    if conversion is None or not conversion.molar_creatinine or number is None:
        return mg_dl, None
    # The number as typed times the unit's factor (1 for µmol/L, 1000 for mmol/L), not
    # back from mg/dL: 95 µmol/L stays 95, without float noise.
    return mg_dl, float(number.group()) * conversion.factor


def _measurement(
    value: str | float | int, *, field: str, kind: str
) -> tuple[float, _Conversion | None]:
    """The value in the canonical unit of ``kind`` and the conversion of its unit text
    (None for a bare number)."""
    spec = KINDS[kind]
    if isinstance(value, bool):
        raise UnitError(f"{field} must be a number, got {value!r}", field=field)
    if isinstance(value, int | float):
        number = float(value)
        _check_finite(number, field=field, shown=str(value))
        return number, None
    if isinstance(value, numbers.Number) and not isinstance(value, complex):  # numpy, Decimal
        try:
            number = float(value)
        except (OverflowError, ValueError):
            raise UnitError(
                f"{field} must be a finite number, got {value!r}", field=field
            ) from None
        _check_finite(number, field=field, shown=str(value))
        return number, None
    if not isinstance(value, str):
        raise UnitError(
            f"{field} must be a number or a text with its unit, got {type(value).__name__}",
            field=field,
        )
    text = value.strip()
    if "#" in text:  # "170 cm # 1.7 m": a comment would be dropped by pint, not read
        raise UnitError(
            f"{field} {text!r}: give the value and its unit only, without other text",
            field=field,
        )
    if _NUMBER.fullmatch(text):
        number = float(text)
        _check_finite(number, field=field, shown=text)
        return number, None
    lowered = text.lower()
    if lowered in {"nan", "inf", "+inf", "-inf", "infinity", "-infinity"}:
        raise UnitError(f"{field} must be a finite number, got {text}", field=field)
    if kind == "length":
        inches = _feet_and_inches(text, field=field)
        if inches is not None:  # 5 ft 7 in is read as 67 in, the same path as "67 in"
            return _measurement(f"{inches!r} in", field=field, kind=kind)
    split = _split_known(text, kind)
    if split is not None:
        number, conversion = split
        return conversion.apply(number), conversion
    value_in_unit, conversion = _convert_with_pint(text, field=field, spec=spec)
    _learn(text, kind, value_in_unit, conversion)
    return value_in_unit, conversion


#: A height in feet and inches, as people in the US and the UK give it (issue 22):
#: ``5 ft 7 in``, ``5ft7``, ``5 feet 7 inches``, ``5'7"``, ``5′ 7″``, ``5'``.
_FEET_AND_INCHES = re.compile(
    r"(?P<feet>\d+)\s*(?:ft|feet|foot|'|′)"
    r"\s*(?:(?P<inches>\d+(?:\.\d+)?)\s*(?:in|inch|inches|\"|″|'')?)?",
    re.IGNORECASE,
)


def _feet_and_inches(text: str, *, field: str) -> float | None:
    """The inches of a compound height (``5 ft 7 in`` → 67.0), None when ``text`` is not
    one; inches of 12 or more are refused (``5 ft 13 in`` is a typo, not 6 ft 1 in)."""
    match = _FEET_AND_INCHES.fullmatch(text.strip())
    if match is None or (match.group("inches") is None and "'" not in text and "′" not in text):
        return None  # "6 ft" alone is a plain quantity, as "67 in" is
    inches = float(match.group("inches") or 0)
    if inches >= 12:
        raise UnitError(
            f"{field} {text.strip()!r}: the inches after the feet must be below 12 "
            "(write e.g. 5 ft 7 in, or the height in cm)",
            field=field,
        )
    return int(match.group("feet")) * 12 + inches


@dataclass(frozen=True, slots=True)
class _Conversion:
    """How pint converts a number written with one unit text: ``number × factor``.

    pint converts a multiplicative unit by multiplying the magnitude by a factor that
    depends on the two units only; ``factor`` is that product for a magnitude of 1.
    """

    factor: float
    molar_creatinine: bool  # µmol/L (or another molar unit): then ÷ the molar mass

    def apply(self, number: float) -> float:
        value = number * self.factor
        return value / CREATININE_UMOL_PER_MG_DL if self.molar_creatinine else value


def _table(
    kind: str, factors: dict[str, float], *, molar: bool = False
) -> dict[tuple[str, str], _Conversion]:
    return {(unit, kind): _Conversion(factor, molar) for unit, factor in factors.items()}


# The spellings people type most, read without pint: importing pint costs about 0.1 s
# of a command's start (docs/performance.md). Each factor is number → the kind's
# canonical unit (KINDS), and is the very float pint computes from units.txt, so that a
# value reads the same to the last bit through this table or through pint
# (tests/test_units.py checks every entry against pint: value and dimension). Any other
# spelling, and every error, still goes to pint.
_INCH_CM = 2.54  # 1 in = 0.0254 m exactly (international yard and pound, 1959)
_FOOT_CM = 30.479999999999997  # 12 in = 30.48 cm: pint's product, 1 ulp below 30.48
_POUND_KG = 0.45359237  # exactly, by the same definition
#: (unit text, kind) → conversion, for the common spellings (see above).
COMMON_UNITS: dict[tuple[str, str], _Conversion] = {
    **_table("length", {"cm": 1.0, "m": 100.0, "mm": 0.1, "in": _INCH_CM, "ft": _FOOT_CM}),
    **_table("mass", {"kg": 1.0, "g": 0.001, "lb": _POUND_KG, "lbs": _POUND_KG}),
    **_table("age", {"y": 1.0, "yr": 1.0, "years": 1.0}),
    **_table("creatinine", {"mg/dL": 1.0, "mg/dl": 1.0}),
    # µmol/L: the factor gives µmol/L, then ÷ the molar mass (CREATININE_UMOL_PER_MG_DL).
    # µ is the micro sign (U+00B5), μ the Greek mu (U+03BC), u the ASCII spelling.
    **_table(
        "creatinine",
        {f"{micro}mol/{litre}": 1.0 for micro in "µμu" for litre in "Ll"},
        molar=True,
    ),
    **_table("clearance", {"mL/min": 1.0, "ml/min": 1.0}),
    **_table("dose", {"mg": 1.0, "g": 1000.0}),
}

#: (unit text, kind) → conversion, learnt from pint the first time each unit text is
#: read, so that a batch of "170 cm" cells calls pint once, not once per row.
_CONVERSIONS: dict[tuple[str, str], _Conversion] = {}
_MAX_CONVERSIONS = 256


def _split_known(text: str, kind: str) -> tuple[float, _Conversion] | None:
    """The number and the known conversion of ``text``, or None (then pint decides).

    Only a unit text of :data:`COMMON_UNITS`, or one that pint has already read
    successfully with this exact spelling, qualifies; anything else (a comma, a
    non-finite number, a new unit) goes to pint, which gives the error messages.
    """
    if "," in text:
        return None
    number = _NUMBER.match(text)
    if number is None:
        return None
    key = (text[number.end() :].strip(), kind)
    conversion = COMMON_UNITS.get(key)
    if conversion is None:
        conversion = _CONVERSIONS.get(key)
    if conversion is None:
        return None
    value = float(number.group())
    if not math.isfinite(value):
        return None
    return value, conversion


def _convert_with_pint(text: str, *, field: str, spec: Kind) -> tuple[float, _Conversion]:
    """Read ``text`` with pint into the canonical unit of ``spec`` (the reference path)."""
    quantity = parse_quantity(text, field=field, example=spec.example)
    registry = get_registry()
    dimensionality = quantity.dimensionality
    if spec.name == "creatinine" and dimensionality == registry.get_dimensionality(
        _MOLAR_CONCENTRATION
    ):
        umol_per_l = float(quantity.to("umol/L").magnitude)
        unit_factor = float(registry.Quantity(1.0, quantity.units).to("umol/L").magnitude)
        return umol_per_l / CREATININE_UMOL_PER_MG_DL, _Conversion(unit_factor, True)
    if dimensionality != registry.get_dimensionality(spec.dimension):
        shown = f"{format_number(float(quantity.magnitude))} {quantity.units:~}".strip()
        raise UnitError(
            f"{field} must be {spec.described_as}, got {shown} (accepted units: {spec.accepted})",
            field=field,
        )
    unit_factor = float(registry.Quantity(1.0, quantity.units).to(spec.unit).magnitude)
    return float(quantity.to(spec.unit).magnitude), _Conversion(unit_factor, False)


def _learn(text: str, kind: str, value_in_unit: float, conversion: _Conversion) -> None:
    """Keep the conversion of ``text``'s unit text, if it reproduces pint exactly.

    It is checked on the value just read: a conversion that would not give pint's
    result to the last bit is never kept.
    """
    number = _NUMBER.match(text)
    if number is None or "," in text:
        return
    key = (text[number.end() :].strip(), kind)
    if key in _CONVERSIONS or conversion.apply(float(number.group())) != value_in_unit:
        return
    if len(_CONVERSIONS) >= _MAX_CONVERSIONS:
        _CONVERSIONS.clear()
    _CONVERSIONS[key] = conversion


def _check_finite(number: float, *, field: str, shown: str) -> None:
    if not math.isfinite(number):
        raise UnitError(f"{field} must be a finite number, got {shown}", field=field)

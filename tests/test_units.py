"""Reading quantities typed by people: default units, conversions, dimension errors."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimens._errors import InputError, UnitError
from regimens._read.units import (
    COMMON_UNITS,
    CREATININE_UMOL_PER_MG_DL,
    KINDS,
    _convert_with_pint,
    get_registry,
    parse_measurement,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param("170cm", "length", 170.0, id="170cm"),
        pytest.param("170 cm", "length", 170.0, id="170 cm with space"),
        pytest.param("1.70 m", "length", 170.0, id="1.70 m"),
        pytest.param("67 in", "length", 170.18, id="67 in = 67 x 2.54 cm"),
        pytest.param("6 ft", "length", 182.88, id="6 ft = 72 in = 182.88 cm"),
        pytest.param("170", "length", 170.0, id="bare height is cm"),
        pytest.param("70kg", "mass", 70.0, id="70kg"),
        pytest.param("154 lb", "mass", 154 * 0.45359237, id="154 lb, 1 lb = 0.45359237 kg exactly"),
        pytest.param("70000 g", "mass", 70.0, id="grams"),
        pytest.param("70", "mass", 70.0, id="bare weight is kg"),
        pytest.param("0.9 mg/dL", "creatinine", 0.9, id="creatinine mg/dL"),
        pytest.param("0.9", "creatinine", 0.9, id="bare creatinine is mg/dL"),
        pytest.param("80 µmol/L", "creatinine", 80 / 88.4, id="80 µmol/L / 88.4"),
        pytest.param("80 umol/L", "creatinine", 80 / 88.4, id="80 umol/L ascii micro"),
        pytest.param("88.4 μmol/L", "creatinine", 1.0, id="greek mu, 88.4 µmol/L = 1 mg/dL"),
        pytest.param("60", "age", 60.0, id="bare age is years"),
        pytest.param("60 mL/min", "clearance", 60.0, id="clearance"),
        pytest.param("46 h", "duration", 46.0, id="46 h"),
        pytest.param("15 min", "duration", 0.25, id="15 min = 0.25 h"),
        pytest.param("2.5 mL/h", "rate", 2.5, id="pump rate"),
        pytest.param("4.37 g", "dose", 4370.0, id="4.37 g = 4370 mg"),
        pytest.param("1.5 ft", "length", 45.72, id="1.5 ft = 18 in = 45.72 cm"),
    ],
)
def test_parse_measurement_converts_to_the_canonical_unit(
    text: str, kind: str, expected: float
) -> None:
    """Each accepted spelling converts to the canonical unit of its kind."""
    assert parse_measurement(text, field="x", kind=kind) == pytest.approx(expected, rel=1e-12)


def test_creatinine_factor_is_88_4() -> None:
    """The documented mg/dL ↔ µmol/L factor is 88.4 (CLINICAL-SOURCES)."""
    assert CREATININE_UMOL_PER_MG_DL == 88.4


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        pytest.param("70kg", "length", "height must be a length, got 70 kg", id="mass for length"),
        pytest.param("170 cm", "mass", "height must be a mass, got 170 cm", id="length for mass"),
        pytest.param("1 mg", "creatinine", "must be a concentration", id="mass for creatinine"),
        pytest.param("170 xx", "length", "unknown unit xx", id="unknown unit"),
        pytest.param("80 umol/L", "mass", "height must be a mass", id="molar for mass"),
        pytest.param("170 CM", "length", "unknown unit CM", id="capitals are not cm"),
        pytest.param("1e999 cm", "length", "finite", id="overflow with a unit"),
        pytest.param("", "length", "height is empty", id="empty"),
        pytest.param("   ", "length", "height is empty", id="blank"),
        pytest.param("cm", "length", "does not start with a number", id="unit without number"),
        pytest.param("abc", "length", "does not start with a number", id="text"),
        pytest.param("1,70 m", "length", "decimals with a point", id="decimal comma"),
        pytest.param("nan", "length", "finite", id="nan"),
        pytest.param("inf", "length", "finite", id="inf"),
        pytest.param("1e999", "length", "finite", id="overflow to inf"),
        pytest.param("nan cm", "length", "finite", id="nan with unit"),
    ],
)
def test_bad_quantities_name_the_field(text: str, kind: str, message: str) -> None:
    """Each mistake is a UnitError whose message names the field and the problem; a
    spelling of the table of common units under the wrong kind, or a number it cannot
    read, still goes to pint for its error (issue 23)."""
    with pytest.raises(UnitError, match=message.replace("(", r"\(")) as info:
        parse_measurement(text, field="height", kind=kind)
    assert info.value.field == "height"
    assert "height" in str(info.value)


def test_unit_error_is_a_value_error() -> None:
    """Callers catching ValueError also catch the package's input errors."""
    with pytest.raises(ValueError, match="must be a length"):
        parse_measurement("70 kg", field="height", kind="length")
    assert issubclass(UnitError, InputError)


def test_numbers_from_python_are_taken_in_the_canonical_unit() -> None:
    """An int or float from Python code is already in the canonical unit."""
    assert parse_measurement(170, field="height", kind="length") == 170.0
    with pytest.raises(UnitError):
        parse_measurement(math.nan, field="height", kind="length")
    with pytest.raises(UnitError):
        parse_measurement(True, field="height", kind="length")


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("625 mg/m2", "[mass] / [length] ** 2"),
        ("625 mg/m²", "[mass] / [length] ** 2"),
        ("5 mg/mL*min", "[mass] * [time] / [length] ** 3"),
        ("4 mg", "[mass]"),
        ("2 mg/kg", "dimensionless"),
        ("500 mcg", "[mass]"),
    ],
)
def test_parse_quantity_reads_library_dose_units(text: str, dimension: str) -> None:
    """Dose units used in the regimen library parse to the expected dimension."""
    quantity = parse_quantity(text, field="dose")
    if dimension == "dimensionless":
        assert quantity.dimensionless
    else:
        assert quantity.dimensionality == quantity._REGISTRY.get_dimensionality(dimension)


@given(st.floats(min_value=100, max_value=250))
def test_metres_centimetres_inches_agree(height_cm: float) -> None:
    """The same height written in cm, m and inches gives the same number of cm."""
    in_m = parse_measurement(f"{height_cm / 100!r} m", field="h", kind="length")
    in_in = parse_measurement(f"{height_cm / 2.54!r} in", field="h", kind="length")
    assert in_m == pytest.approx(height_cm, rel=1e-12)
    assert in_in == pytest.approx(height_cm, rel=1e-12)


@pytest.mark.parametrize(
    ("field", "kind", "example"),
    [
        ("height", "length", "170 cm"),
        ("weight", "mass", "70 kg"),
        ("age", "age", "60"),
        ("creatinine", "creatinine", "1.0 mg/dL"),
        ("crcl", "clearance", "80 mL/min"),
    ],
)
def test_unreadable_measurement_shows_an_example_of_its_own_kind(
    field: str, kind: str, example: str
) -> None:
    """The hint is an example of what the field takes (a weight is not shown '170 cm')."""
    with pytest.raises(UnitError) as caught:
        parse_measurement("abc", field=field, kind=kind)
    assert str(caught.value) == f"{field} 'abc' does not start with a number: give e.g. '{example}'"
    with pytest.raises(UnitError) as caught:
        parse_measurement("70 kg/", field=field, kind=kind)
    assert str(caught.value) == f"{field} '70 kg/' is not a quantity: give e.g. '{example}'"


def test_unreadable_quantity_without_an_example() -> None:
    """Without an example for the field, the hint says what is needed in words."""
    with pytest.raises(UnitError) as caught:
        parse_quantity("1 cm)", field="value")
    assert str(caught.value) == "value '1 cm)' is not a quantity: give a number with its unit"


# --- the table of common spellings (issue 23) ------------------------------------------

#: Numbers as people type them: integers, decimals, exponents, signs, extremes.
_TYPED = [f"{random.Random(23).uniform(0.01, 400):.{places}f}" for places in range(6)]
_TYPED += [f"{value:.{index % 5}f}" for index, value in enumerate(range(1, 251, 7))]
_TYPED += ["170", "1.7", "0.5", "1e2", "2.5E-1", "+80", "154", "88.4", "5.6", "6.25"]
_TYPED += ["1" * 18, "0.000001", "12.", ".75", "70.00", "3e-5", "1e308", "0", "-3"]


@pytest.mark.parametrize(
    ("unit", "kind"), sorted(COMMON_UNITS), ids=[f"{u} ({k})" for u, k in sorted(COMMON_UNITS)]
)
def test_common_unit_reads_exactly_as_pint(unit: str, kind: str) -> None:
    """Every entry of the table has the dimension of its kind in pint (µmol/L: an amount
    concentration, read with the molar mass) and gives pint's very float (``==``) for
    every typed number above, alone and written without a space."""
    conversion = COMMON_UNITS[(unit, kind)]
    registry = get_registry()
    dimension = (
        "[substance] / [length] ** 3" if conversion.molar_creatinine else KINDS[kind].dimension
    )
    assert parse_quantity(f"1 {unit}", field="x").dimensionality == (
        registry.get_dimensionality(dimension)
    )
    assert conversion.molar_creatinine == (kind == "creatinine" and "mol" in unit)
    for number in _TYPED:
        for text in (f"{number} {unit}", f"{number}{unit}"):
            expected, _ = _convert_with_pint(text, field="x", spec=KINDS[kind])
            assert parse_measurement(text, field="x", kind=kind) == expected, text


def test_common_units_cover_what_the_help_lists() -> None:
    """The spellings of the options' help and of issue 23 are all in the table."""
    listed = {
        "length": ["cm", "m", "in", "ft"],
        "mass": ["kg", "g", "lb"],
        "creatinine": ["mg/dL", "µmol/L", "μmol/L", "umol/L"],
        "clearance": ["mL/min"],
        "dose": ["mg", "g"],
    }
    for kind, units in listed.items():
        for unit in units:
            assert (unit, kind) in COMMON_UNITS, (unit, kind)


@pytest.mark.subprocess
def test_common_units_do_not_import_pint() -> None:
    """Reading every entry of the table leaves pint unimported (cold start, issue 23)."""
    code = (
        "import sys\n"
        "from regimens._read.units import COMMON_UNITS, parse_measurement\n"
        "for unit, kind in COMMON_UNITS:\n"
        "    parse_measurement(f'12.5 {unit}', field='x', kind=kind)\n"
        "print('pint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

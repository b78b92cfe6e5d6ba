"""Specification of regimens._calc.bsa: published check values, properties and errors.

Published values come from the test suite of the pharmaverse ``admiral`` R package,
file ``tests/testthat/test-derive_advs_params.R`` (commit 16b15499420b91baf3e3be46510e304c5b198ad1),
tests "compute_bsa Test 4" to "Test 23", which assert each formula rounded to 3 decimals
at 170 cm/75 kg and 185 cm/90 kg. admiral has no Shuter & Aslani or Schlich formula:
those values are worked by hand below from the coefficients in CLINICAL-SOURCES.md.
"""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimens._calc import bsa
from regimens._calc.bsa import (
    DEFAULT_FORMULA,
    FORMULAS,
    compute_bsa,
    get_formula,
    mosteller,
    round_bsa,
    schlich,
)
from regimens._errors import InputError, MissingInputError, UnknownNameError
from strategies import ADULT_HEIGHT_CM, ADULT_WEIGHT_KG, HEIGHTS, WEIGHTS, increasing_pairs

ADMIRAL = "admiral tests/testthat/test-derive_advs_params.R"

# ---------------------------------------------------------------------------------------
# Published check values
# ---------------------------------------------------------------------------------------

ADMIRAL_VALUES = [
    # (formula, height cm, weight kg, m² to 3 dp, admiral test number)
    ("mosteller", 170, 75, 1.882, 4),
    ("mosteller", 185, 90, 2.151, 5),
    ("dubois", 170, 75, 1.864, 7),
    ("dubois", 185, 90, 2.141, 8),
    ("haycock", 170, 75, 1.895, 10),
    ("haycock", 185, 90, 2.161, 11),
    ("gehan-george", 170, 75, 1.897, 13),
    ("gehan-george", 185, 90, 2.160, 14),
    ("boyd", 170, 75, 1.905, 16),
    ("boyd", 185, 90, 2.158, 17),
    ("fujimoto", 170, 75, 1.819, 19),
    ("fujimoto", 185, 90, 2.086, 20),
    ("takahira", 170, 75, 1.878, 22),
    ("takahira", 185, 90, 2.158, 23),
]


@pytest.mark.parametrize(
    ("formula", "height_cm", "weight_kg", "expected"),
    [
        pytest.param(f, h, w, e, id=f"{f}-{h}cm-{w}kg={e}-admiral-test-{n}")
        for f, h, w, e, n in ADMIRAL_VALUES
    ],
)
def test_matches_admiral_published_value(
    formula: str, height_cm: float, weight_kg: float, expected: float
) -> None:
    """Each formula gives admiral's published value to 3 dp (test-derive_advs_params.R)."""
    assert compute_bsa(height_cm, weight_kg, formula) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize(
    ("height_cm", "weight_kg", "expected"),
    [
        pytest.param(170, 75, 1.841, id="170cm-75kg=1.841"),
        pytest.param(185, 90, 2.109, id="185cm-90kg=2.109"),
    ],
)
def test_shuter_aslani_hand_worked(height_cm: float, weight_kg: float, expected: float) -> None:
    """Shuter & Aslani, 0.00949 × H^0.655 × W^0.441, matches hand-worked values to 3 dp.

    170 cm/75 kg: 170^0.655 = 28.9031, 75^0.441 = 6.71277;
                  0.00949 × 28.9031 × 6.71277 = 1.8412 → 1.841.
    185 cm/90 kg: 185^0.655 = 30.5490, 90^0.441 = 7.27480;
                  0.00949 × 30.5490 × 7.27480 = 2.1090 → 2.109.
    """
    assert compute_bsa(height_cm, weight_kg, "shuter-aslani") == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize(
    ("height_cm", "weight_kg", "sex", "expected"),
    [
        pytest.param(170, 75, "female", 1.822, id="female-170cm-75kg=1.822"),
        pytest.param(170, 75, "male", 1.743, id="male-170cm-75kg=1.743"),
        pytest.param(185, 90, "female", 2.171, id="female-185cm-90kg=2.171"),
        pytest.param(185, 90, "male", 2.075, id="male-185cm-90kg=2.075"),
    ],
)
def test_schlich_hand_worked(height_cm: float, weight_kg: float, sex: str, expected: float) -> None:
    """Schlich uses the female and male coefficients for the right sex (hand-worked, 3 dp).

    female 0.000975482 × H^1.08 × W^0.46; male 0.000579479 × H^1.24 × W^0.38
    (Schlich, Ernährungs Umschau 2010). Swapping them is a bug seen in public code.

    female 170/75: 170^1.08 = 256.380, 75^0.46 = 7.28665;
                   0.000975482 × 256.380 × 7.28665 = 1.8224 → 1.822.
    male   170/75: 170^1.24 = 583.118, 75^0.38 = 5.15850;
                   0.000579479 × 583.118 × 5.15850 = 1.7431 → 1.743.
    female 185/90: 185^1.08 = 280.896, 90^0.46 = 7.92413;
                   0.000975482 × 280.896 × 7.92413 = 2.1713 → 2.171.
    male   185/90: 185^1.24 = 647.579, 90^0.38 = 5.52856;
                   0.000579479 × 647.579 × 5.52856 = 2.0746 → 2.075.
    """
    assert compute_bsa(height_cm, weight_kg, "schlich", sex=sex) == pytest.approx(
        expected, abs=5e-4
    )


def test_dubois_uses_the_1916_constant_with_height_in_cm() -> None:
    """DuBois is 0.007184 × H[cm]^0.725 × W^0.425, not the rounded 0.20247 × H[m] form."""
    assert bsa.dubois(170, 75) == pytest.approx(0.007184 * 170**0.725 * 75**0.425, rel=1e-12)
    assert bsa.dubois(170, 75) != pytest.approx(0.20247 * 1.70**0.725 * 75**0.425, rel=1e-7)


def test_boyd_uses_grams_and_log10() -> None:
    """Boyd takes weight in grams with log10; with ln it would give 0.499 m² at 170/75."""
    assert bsa.boyd(170, 75) == pytest.approx(1.905, abs=5e-4)
    weight_g = 75_000
    with_ln = 0.0003207 * 170**0.3 * weight_g ** (0.7285 - 0.0188 * math.log(weight_g))
    assert with_ln == pytest.approx(0.499, abs=5e-4)


@pytest.mark.parametrize("name", list(FORMULAS))
def test_table_calls_the_formula_function_of_the_same_name(name: str) -> None:
    """FORMULAS[name] computes with the module function named after it (no crossed wires)."""
    function = getattr(bsa, name.replace("-", "_"))
    args: tuple[float | str, ...] = (170.0, 75.0, "female") if name == "schlich" else (170.0, 75.0)
    assert FORMULAS[name].function is function
    assert compute_bsa(170, 75, name, sex="female") == function(*args)


# ---------------------------------------------------------------------------------------
# The formula table
# ---------------------------------------------------------------------------------------


def test_formulas_are_offered_in_the_documented_order() -> None:
    """FORMULAS lists the CLI names in the documented order, the default first."""
    assert list(FORMULAS) == [
        "mosteller",
        "dubois",
        "haycock",
        "gehan-george",
        "boyd",
        "fujimoto",
        "takahira",
        "shuter-aslani",
        "schlich",
    ]
    assert DEFAULT_FORMULA == "mosteller" == next(iter(FORMULAS))


@pytest.mark.parametrize("name", list(FORMULAS))
def test_each_formula_describes_itself(name: str) -> None:
    """Each entry is keyed by its own name and has a label, expression and reference."""
    formula = FORMULAS[name]
    assert formula.name == name
    assert formula.label
    assert "height[cm]" in formula.expression
    assert formula.reference
    assert formula.needs_sex is (name == "schlich")


def test_formula_is_frozen() -> None:
    """A BsaFormula cannot be modified after creation."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        FORMULAS["mosteller"].label = "Other"  # type: ignore[misc]


def test_formula_table_is_read_only() -> None:
    """FORMULAS cannot be modified by a caller."""
    with pytest.raises(TypeError):
        FORMULAS["x"] = FORMULAS["mosteller"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        pytest.param("Mosteller", "mosteller", id="capitalised"),
        pytest.param("DUBOIS", "dubois", id="upper-case"),
        pytest.param("gehan_george", "gehan-george", id="underscore"),
        pytest.param("Shuter_Aslani", "shuter-aslani", id="underscore-mixed-case"),
        pytest.param(" boyd ", "boyd", id="surrounding-spaces"),
    ],
)
def test_get_formula_accepts_case_and_underscore_variants(given_name: str, expected: str) -> None:
    """get_formula ignores case and surrounding spaces and reads ``_`` as ``-``."""
    assert get_formula(given_name) is FORMULAS[expected]


def test_compute_bsa_defaults_to_mosteller() -> None:
    """Without a formula name, compute_bsa uses Mosteller."""
    assert compute_bsa(170, 75) == mosteller(170, 75)


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

FORMULA_CASES = [
    pytest.param(name, sex, id=f"{name}-{sex}" if sex else name)
    for name, formula in FORMULAS.items()
    for sex in (("female", "male") if formula.needs_sex else (None,))
]


@pytest.mark.parametrize(("name", "sex"), FORMULA_CASES)
@given(pair=increasing_pairs(*ADULT_HEIGHT_CM), weight_kg=WEIGHTS)
def test_bsa_strictly_increases_with_height(
    name: str, sex: str | None, pair: tuple[float, float], weight_kg: float
) -> None:
    """Over the adult range, a taller patient of the same weight has a larger BSA."""
    shorter, taller = pair
    assert compute_bsa(shorter, weight_kg, name, sex) < compute_bsa(taller, weight_kg, name, sex)


@pytest.mark.parametrize(("name", "sex"), FORMULA_CASES)
@given(height_cm=HEIGHTS, pair=increasing_pairs(*ADULT_WEIGHT_KG))
def test_bsa_strictly_increases_with_weight(
    name: str, sex: str | None, height_cm: float, pair: tuple[float, float]
) -> None:
    """Over the adult range, a heavier patient of the same height has a larger BSA."""
    lighter, heavier = pair
    assert compute_bsa(height_cm, lighter, name, sex) < compute_bsa(height_cm, heavier, name, sex)


@given(height_cm=HEIGHTS, weight_kg=WEIGHTS)
def test_mosteller_is_the_square_root_formula(height_cm: float, weight_kg: float) -> None:
    """mosteller(h, w) is exactly √(h × w / 3600)."""
    assert mosteller(height_cm, weight_kg) == math.sqrt(height_cm * weight_kg / 3600)


# ---------------------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        pytest.param(1.825, 2, 1.83, id="1.825-half-up-to-1.83-where-round-gives-1.82"),
        pytest.param(2.675, 2, 2.68, id="2.675-half-up-to-2.68-where-round-gives-2.67"),
        pytest.param(1.8249999, 2, 1.82, id="just-below-half-rounds-down"),
        pytest.param(1.8819316317727024, 2, 1.88, id="mosteller-170-75-to-1.88"),
        pytest.param(1.85, 1, 1.9, id="one-decimal-half-up"),
        pytest.param(1.8815, 3, 1.882, id="three-decimals-half-up"),
        pytest.param(2.0, 2, 2.0, id="already-round"),
    ],
)
def test_round_bsa_rounds_half_up(value: float, decimals: int, expected: float) -> None:
    """round_bsa rounds the decimal value half up, as a pharmacist does by hand."""
    assert round_bsa(value, decimals) == expected


bsa_values = st.floats(0.5, 3.5)


@given(value=bsa_values)
def test_round_bsa_moves_at_most_half_a_unit(value: float) -> None:
    """Rounding to 2 dp changes a BSA by at most 0.005 m²."""
    assert abs(round_bsa(value) - value) <= 0.005 + 1e-12


@given(value=bsa_values)
def test_round_bsa_is_idempotent(value: float) -> None:
    """Rounding an already rounded BSA changes nothing."""
    once = round_bsa(value)
    assert round_bsa(once) == once


@given(value=bsa_values)
def test_round_bsa_keeps_at_most_two_decimals(value: float) -> None:
    """The rounded value prints with at most 2 decimals."""
    exponent = Decimal(repr(round_bsa(value))).as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent >= -2


@given(first=bsa_values, second=bsa_values)
def test_round_bsa_preserves_order(first: float, second: float) -> None:
    """A larger BSA never rounds to a smaller value."""
    low, high = sorted((first, second))
    assert round_bsa(low) <= round_bsa(high)


@given(hundredths=st.integers(50, 349))
def test_round_bsa_rounds_every_written_tie_up(hundredths: int) -> None:
    """Every tie written with 3 decimals (x.xx5) rounds up to the next hundredth."""
    tie = float(f"{hundredths / 100:.2f}5")
    assert round_bsa(tie) == (hundredths + 1) / 100


@pytest.mark.parametrize(
    ("value", "decimals"),
    [
        pytest.param(math.nan, 2, id="nan"),
        pytest.param(math.inf, 2, id="infinite"),
        pytest.param(1.82, -1, id="negative-decimals"),
    ],
)
def test_round_bsa_refuses_what_it_cannot_round(value: float, decimals: int) -> None:
    """round_bsa raises InputError for a non-finite value or negative decimals."""
    with pytest.raises(InputError):
        round_bsa(value, decimals)


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


def test_unknown_formula_suggests_the_closest_and_lists_all() -> None:
    """An unknown formula name raises UnknownNameError with a suggestion and the choices."""
    with pytest.raises(UnknownNameError) as caught:
        get_formula("mosteler")
    assert caught.value.field == "bsa_formula"
    message = str(caught.value)
    assert "did you mean 'mosteller'?" in message
    assert all(name in message for name in FORMULAS)
    assert isinstance(caught.value, LookupError)


def test_unknown_formula_without_a_close_match_still_lists_all() -> None:
    """A name like no formula gets no suggestion but still the accepted names."""
    with pytest.raises(UnknownNameError) as caught:
        compute_bsa(170, 75, "xyz")
    assert "did you mean" not in str(caught.value)
    assert "shuter-aslani" in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: compute_bsa(170, 75, "schlich"), id="compute_bsa"),
        pytest.param(lambda: schlich(170, 75, None), id="schlich-function"),
    ],
)
def test_schlich_without_sex_asks_for_it(call: Callable[[], float]) -> None:
    """Schlich without a sex raises MissingInputError(field="sex") saying why."""
    with pytest.raises(MissingInputError) as caught:
        call()
    assert caught.value.field == "sex"
    assert "Schlich formula needs the patient's sex (female/male)" in str(caught.value)


@pytest.mark.parametrize("sex", ["F", "Female", "other", ""])
def test_malformed_sex_is_refused(sex: str) -> None:
    """Sex must be exactly "female" or "male" (canonical form); anything else is refused."""
    with pytest.raises(InputError) as caught:
        compute_bsa(170, 75, "schlich", sex=sex)
    assert caught.value.field == "sex"


BAD_NUMBERS = [
    pytest.param(0.0, id="zero"),
    pytest.param(-170.0, id="negative"),
    pytest.param(math.nan, id="nan"),
    pytest.param(math.inf, id="infinite"),
]


@pytest.mark.parametrize("name", list(FORMULAS))
@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["height", "weight"])
def test_unusable_height_or_weight_is_refused(name: str, bad: float, field: str) -> None:
    """Every formula refuses a zero, negative, NaN or infinite input, naming the field."""
    height_cm, weight_kg = (bad, 75.0) if field == "height" else (170.0, bad)
    with pytest.raises(InputError) as caught:
        compute_bsa(height_cm, weight_kg, name, sex="female")
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------------------------------
# Import weight
# ---------------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_module_imports_nothing_heavy() -> None:
    """Importing regimens._calc.bsa loads neither pint nor pydantic (CLI cold start)."""
    src = str(Path(bsa.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = "import sys, regimens._calc.bsa; print(sorted({'pint', 'pydantic'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# Exact messages and edges found by mutation testing (docs/testing.md)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("height", "weight", "message", "field"),
    [
        (0.0, 70.0, "height must be a positive, finite number of cm; got 0.0 cm", "height"),
        (170.0, -1.0, "weight must be a positive, finite number of kg; got -1.0 kg", "weight"),
    ],
)
def test_unusable_value_message_names_field_value_and_unit(
    height: float, weight: float, message: str, field: str
) -> None:
    """The refusal names the field, the value and its unit, word for word."""
    with pytest.raises(InputError) as caught:
        bsa.mosteller(height, weight)
    assert str(caught.value) == message
    assert caught.value.field == field


def test_formulas_accept_any_positive_value() -> None:
    """Plausibility is the patient model's job; a formula takes any positive value.

    Mosteller for 170 cm and 0.5 kg: sqrt(170 x 0.5 / 3600) = sqrt(0.0236111) = 0.153659.
    """
    assert bsa.mosteller(170.0, 0.5) == pytest.approx(0.153659, abs=1e-6)


def test_malformed_sex_message() -> None:
    """A sex that is neither female nor male is refused word for word, even if unused."""
    with pytest.raises(InputError) as caught:
        get_formula("mosteller").compute(170, 70, sex="x")
    assert str(caught.value) == "sex must be 'female' or 'male'; got 'x'"
    assert caught.value.field == "sex"


def test_unknown_formula_message_word_for_word() -> None:
    """Without a close match: no hint, then every formula, comma-separated."""
    with pytest.raises(UnknownNameError) as caught:
        get_formula("xyz")
    assert str(caught.value) == "unknown BSA formula 'xyz'; accepted: " + ", ".join(FORMULAS)


def test_round_bsa_refusals_name_the_field() -> None:
    """A non-finite BSA and negative decimals are refused with their field."""
    with pytest.raises(InputError) as caught:
        round_bsa(math.nan)
    assert str(caught.value) == "cannot round a BSA of nan m²"
    assert caught.value.field == "bsa"
    with pytest.raises(InputError) as caught:
        round_bsa(1.8, -1)
    assert str(caught.value) == "decimals must be 0 or more; got -1"
    assert caught.value.field == "decimals"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        pytest.param(1.825, 0, 2.0, id="0 decimals: 1.825 -> 2"),
        pytest.param(1.5, 0, 2.0, id="0 decimals: half up 1.5 -> 2"),
        pytest.param(1.49, 0, 1.0, id="0 decimals: 1.49 -> 1"),
        # 1e27 to 2 decimals needs 30 significant digits, past decimal's default 28.
        pytest.param(1e27, 2, 1e27, id="exact beyond 28 digits"),
    ],
)
def test_round_bsa_edges(value: float, decimals: int, expected: float) -> None:
    """Zero decimals are allowed; rounding is exact whatever the size (hand-worked)."""
    assert round_bsa(value, decimals) == expected


# ---------------------------------------------------------------------------------------
# All formulas at once (bsa_by_formula, the dose sheet's fast path)
# ---------------------------------------------------------------------------------------

# 170 cm/75 kg to 3 dp: admiral tests 4-22 (ADMIRAL_VALUES above), Shuter & Aslani and
# Schlich hand-worked in test_shuter_aslani_hand_worked and test_schlich_hand_worked.
ALL_AT_170_CM_75_KG = {
    "mosteller": 1.882,
    "dubois": 1.864,
    "haycock": 1.895,
    "gehan-george": 1.897,
    "boyd": 1.905,
    "fujimoto": 1.819,
    "takahira": 1.878,
    "shuter-aslani": 1.841,
}


@pytest.mark.parametrize(
    ("sex", "schlich_m2"),
    [
        pytest.param(None, None, id="no-sex-no-schlich"),
        pytest.param("female", 1.822, id="female-schlich-1.822"),
        pytest.param("male", 1.743, id="male-schlich-1.743"),
    ],
)
def test_bsa_by_formula_gives_each_published_value(
    sex: str | None, schlich_m2: float | None
) -> None:
    """bsa_by_formula(170, 75) gives each formula's own value, in FORMULAS order.

    admiral test-derive_advs_params.R tests 4-22 (170 cm/75 kg, 3 dp); Shuter & Aslani
    1.841 and Schlich 1.822 (female) / 1.743 (male) worked by hand above. Schlich only
    with a sex, and with that sex's coefficients.
    """
    expected = dict(ALL_AT_170_CM_75_KG)
    if schlich_m2 is not None:
        expected["schlich"] = schlich_m2
    got = bsa.bsa_by_formula(170.0, 75.0, sex)
    assert list(got) == list(expected)
    assert [name for name in FORMULAS if name in got] == list(got)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=5e-4), name


def test_bsa_by_formula_refusals_word_for_word() -> None:
    """A zero height and a malformed sex are refused as by each formula, word for word."""
    with pytest.raises(InputError) as caught:
        bsa.bsa_by_formula(0.0, 75.0)
    assert str(caught.value) == "height must be a positive, finite number of cm; got 0.0 cm"
    assert caught.value.field == "height"
    with pytest.raises(InputError) as caught:
        bsa.bsa_by_formula(170.0, 75.0, "F")
    assert str(caught.value) == "sex must be 'female' or 'male'; got 'F'"
    assert caught.value.field == "sex"


def test_formula_names_of_the_options_model_are_the_formulas() -> None:
    """The options model checks a formula's name without importing the formulas (cold
    start): its list of names is FORMULAS', in the same order."""
    from regimens._models.constants import BSA_FORMULA_NAMES, DEFAULT_BSA_FORMULA

    assert tuple(FORMULAS) == BSA_FORMULA_NAMES
    assert DEFAULT_BSA_FORMULA == next(iter(FORMULAS)) == "mosteller"

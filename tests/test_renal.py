"""Specification of regimens._calc.renal: body weights, renal function and carboplatin dose.

Published check values come from the pharmaverse ``admiral`` R package, file
``tests/testthat/test-compute_kidney.R`` (commit 05459a5e6d85c639377da801de492e36c94cead5),
whose expected values are "taken from the National Kidney Foundation's CKD-EPI Creatinine
Equation (2021) calculator" and its Cockcroft–Gault calculator; and from
``tests/testthat/test-derive_advs_params.R`` (commit 16b15499420b91baf3e3be46510e304c5b198ad1)
for BMI, taken from the CDC adult BMI calculator. The other cases are worked by hand in
their docstrings.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimens._calc import renal
from regimens._calc.renal import (
    CREATININE_UMOL_PER_MG_DL,
    WEIGHT_BASES,
    adjusted_body_weight,
    bmi,
    calvert_dose_mg,
    ckd_epi_2021,
    cockcroft_gault,
    creatinine_mg_dl_to_umol_l,
    creatinine_umol_l_to_mg_dl,
    dosing_weight,
    ideal_body_weight,
)
from regimens._errors import InputError, MissingInputError, UnknownNameError
from strategies import AGES, CREATININES, WEIGHTS

# ---------------------------------------------------------------------------------------
# Cockcroft–Gault
# ---------------------------------------------------------------------------------------


def test_cockcroft_gault_male_hand_worked() -> None:
    """Male 60 y, 72 kg, SCr 1.0 mg/dL: (140 − 60) × 72 / (72 × 1.0) = 80.0 mL/min."""
    assert cockcroft_gault(60, 72, 1.0, "male") == pytest.approx(80.0)


def test_cockcroft_gault_female_is_85_percent() -> None:
    """Female 60 y, 72 kg, SCr 1.0 mg/dL: 80.0 × 0.85 = 68.0 mL/min."""
    assert cockcroft_gault(60, 72, 1.0, "female") == pytest.approx(68.0)


def test_cockcroft_gault_matches_nkf_calculator_male() -> None:
    """Male 55 y, 90 kg, SCr 1.09 mg/dL → 97 mL/min (NKF calculator; admiral Test 01.03).

    (140 − 55) × 90 / (72 × 1.09) = 7650 / 78.48 = 97.48 → 97.
    """
    assert round(cockcroft_gault(55, 90, 1.09, "male")) == 97


def test_cockcroft_gault_matches_nkf_calculator_female_si() -> None:
    """Female 65 y, 60 kg, SCr 85 µmol/L → 55 mL/min (NKF calculator; admiral Test 01.04).

    85 / 88.4 = 0.96154 mg/dL; (140 − 65) × 60 × 0.85 / (72 × 0.96154) = 3825 / 69.231
    = 55.25 → 55.
    """
    scr = creatinine_umol_l_to_mg_dl(85)
    assert round(cockcroft_gault(65, 60, scr, "female")) == 55


@given(age=AGES, weight_kg=WEIGHTS, scr=CREATININES)
def test_cockcroft_gault_female_is_085_times_male(age: float, weight_kg: float, scr: float) -> None:
    """For any patient, the female estimate is 0.85 × the male one."""
    female = cockcroft_gault(age, weight_kg, scr, "female")
    assert female == pytest.approx(0.85 * cockcroft_gault(age, weight_kg, scr, "male"))


@given(age=AGES, weight_kg=WEIGHTS, scr=CREATININES)
def test_cockcroft_gault_is_linear_in_weight_and_inverse_in_creatinine(
    age: float, weight_kg: float, scr: float
) -> None:
    """Doubling weight doubles CrCl; doubling creatinine halves it."""
    base = cockcroft_gault(age, weight_kg, scr, "male")
    assert cockcroft_gault(age, 2 * weight_kg, scr, "male") == pytest.approx(2 * base)
    assert cockcroft_gault(age, weight_kg, 2 * scr, "male") == pytest.approx(base / 2)


def test_cockcroft_gault_refuses_age_outside_the_formula() -> None:
    """At 140 years or more, (140 − age) is not positive: refused, naming the age."""
    with pytest.raises(InputError) as caught:
        cockcroft_gault(140, 70, 1.0, "male")
    assert caught.value.field == "age"


# ---------------------------------------------------------------------------------------
# CKD-EPI 2021
# ---------------------------------------------------------------------------------------


def test_ckd_epi_2021_matches_nkf_calculator_male() -> None:
    """Male 55 y, SCr 1.09 mg/dL → 80 mL/min/1.73 m² (NKF calculator; admiral Test 01.01).

    1.09 / 0.9 = 1.2111 > 1, so 1.2111^−1.200 = 0.79466; 0.9938^55 = 0.71030;
    142 × 0.79466 × 0.71030 = 80.15 → 80.
    """
    assert round(ckd_epi_2021(55, 1.09, "male")) == 80


def test_ckd_epi_2021_matches_nkf_calculator_female_si() -> None:
    """Female 65 y, SCr 85 µmol/L → 66 mL/min/1.73 m² (NKF calculator; admiral Test 01.02).

    85 / 88.4 = 0.96154 mg/dL; / 0.7 = 1.37363 > 1, so 1.37363^−1.200 = 0.68322;
    0.9938^65 = 0.66747; 142 × 0.68322 × 0.66747 × 1.012 = 65.53 → 66.
    """
    assert round(ckd_epi_2021(65, creatinine_umol_l_to_mg_dl(85), "female")) == 66


@pytest.mark.parametrize(
    ("age", "umol_l", "sex", "expected"),
    [
        pytest.param(55, 96.3, "male", 80.2293, id="P01-1001-male-55y-96.3umol=80.2293"),
        pytest.param(52, 70, "female", 89.7175, id="P01-1002-female-52y-70umol=89.7175"),
        pytest.param(67, 77, "male", 94.5453, id="P01-1003-male-67y-77umol=94.5453"),
        pytest.param(76, 65, "female", 84.4646, id="P01-1004-female-76y-65umol=84.4646"),
    ],
)
def test_ckd_epi_2021_matches_admiral_to_4_decimals(
    age: float, umol_l: float, sex: str, expected: float
) -> None:
    """The equation matches admiral's 4-dp values (test-compute_kidney.R, Test 01.07).

    admiral converts µmol/L with 88.42 (not our 88.4), so the same factor is applied
    here to compare the equation itself. Race is listed in admiral's data but not used.
    """
    assert ckd_epi_2021(age, umol_l / 88.42, sex) == pytest.approx(expected, abs=5e-5)


def test_ckd_epi_2021_female_below_kappa_hand_worked() -> None:
    """Female 40 y, SCr 0.6 mg/dL (below κ = 0.7, so the α = −0.241 branch) → 116.3.

    0.6 / 0.7 = 0.857143; 0.857143^−0.241 = 1.037849; 0.9938^40 = 0.779758;
    142 × 1.037849 × 0.779758 × 1.012 = 116.30.
    """
    assert ckd_epi_2021(40, 0.6, "female") == pytest.approx(116.30, abs=5e-3)


@pytest.mark.parametrize(
    ("sex", "kappa", "sex_factor"),
    [pytest.param("female", 0.7, 1.012, id="female"), pytest.param("male", 0.9, 1.0, id="male")],
)
@given(age=AGES)
def test_ckd_epi_2021_at_kappa_both_branches_meet(
    sex: str, kappa: float, sex_factor: float, age: float
) -> None:
    """At SCr = κ both creatinine terms are 1: eGFR = 142 × 0.9938^age (× 1.012 if female)."""
    assert ckd_epi_2021(age, kappa, sex) == pytest.approx(142 * 0.9938**age * sex_factor)


@pytest.mark.parametrize("sex", ["female", "male"])
@given(age=AGES, low=CREATININES, high=CREATININES)
def test_ckd_epi_2021_falls_as_creatinine_rises(
    sex: str, age: float, low: float, high: float
) -> None:
    """A higher serum creatinine never gives a higher eGFR."""
    low, high = sorted((low, high))
    assert ckd_epi_2021(age, high, sex) <= ckd_epi_2021(age, low, sex)


# ---------------------------------------------------------------------------------------
# Creatinine units
# ---------------------------------------------------------------------------------------


def test_creatinine_factor_is_88_4() -> None:
    """1 mg/dL of creatinine is 88.4 µmol/L."""
    assert CREATININE_UMOL_PER_MG_DL == 88.4
    assert creatinine_mg_dl_to_umol_l(1.0) == pytest.approx(88.4)


def test_creatinine_umol_to_mg_dl_hand_worked() -> None:
    """80 µmol/L / 88.4 = 0.90498 → 0.905 mg/dL."""
    assert creatinine_umol_l_to_mg_dl(80) == pytest.approx(0.905, abs=5e-4)


@given(mg_dl=CREATININES)
def test_creatinine_conversion_round_trips(mg_dl: float) -> None:
    """Converting mg/dL to µmol/L and back gives the starting value."""
    assert creatinine_umol_l_to_mg_dl(creatinine_mg_dl_to_umol_l(mg_dl)) == pytest.approx(mg_dl)


# ---------------------------------------------------------------------------------------
# Body weights
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("height_cm", "sex", "expected"),
    [
        pytest.param(180.34, "male", 75.3, id="male-71in=50+2.3x11=75.3kg"),
        pytest.param(152.4, "male", 50.0, id="male-60in=base-50kg"),
        pytest.param(165.1, "female", 57.0, id="female-65in=45.5+2.3x5=57.0kg"),
        pytest.param(152.4, "female", 45.5, id="female-60in=base-45.5kg"),
        pytest.param(147.32, "female", 40.9, id="female-58in=45.5-2.3x2=40.9kg-no-floor"),
    ],
)
def test_ideal_body_weight_devine(height_cm: float, sex: str, expected: float) -> None:
    """Devine: 50 kg (male) / 45.5 kg (female) + 2.3 kg per inch over 60 in, linear below."""
    assert ideal_body_weight(height_cm, sex) == pytest.approx(expected)


def test_ideal_body_weight_refuses_heights_where_it_is_not_positive() -> None:
    """Below about 97 cm (male) the Devine line reaches 0 kg: refused, naming height."""
    with pytest.raises(InputError) as caught:
        ideal_body_weight(90, "male")
    assert caught.value.field == "height"


def test_adjusted_body_weight_hand_worked() -> None:
    """Male 180.34 cm (IBW 75.3 kg), 120 kg: 75.3 + 0.4 × (120 − 75.3) = 93.18 kg."""
    assert adjusted_body_weight(180.34, 120, "male") == pytest.approx(93.18)


@given(height_cm=st.floats(150, 200), weight_kg=WEIGHTS)
def test_adjusted_body_weight_lies_between_ideal_and_actual(
    height_cm: float, weight_kg: float
) -> None:
    """The adjusted weight is always between the ideal and the actual weight."""
    ibw = ideal_body_weight(height_cm, "female")
    adjusted = adjusted_body_weight(height_cm, weight_kg, "female")
    assert min(ibw, weight_kg) - 1e-9 <= adjusted <= max(ibw, weight_kg) + 1e-9


@pytest.mark.parametrize(
    ("height_cm", "weight_kg", "expected"),
    [
        pytest.param(180, 75, 23.148, id="180cm-75kg=23.148-cdc-admiral-compute_bmi-test-1"),
        pytest.param(200, 100, 25.0, id="200cm-100kg=25-admiral-compute_bmi-test-2"),
    ],
)
def test_bmi_matches_published_values(height_cm: float, weight_kg: float, expected: float) -> None:
    """BMI = kg / m² matches admiral's CDC-calculator values (test-derive_advs_params.R)."""
    assert bmi(height_cm, weight_kg) == pytest.approx(expected, abs=5e-4)


# ---------------------------------------------------------------------------------------
# Dosing weight
# ---------------------------------------------------------------------------------------


def test_weight_bases_are_the_documented_three() -> None:
    """The accepted bases are actual, ideal and adjusted, in that order."""
    assert WEIGHT_BASES == ("actual", "ideal", "adjusted")


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        pytest.param("actual", 120.0, id="actual=measured"),
        pytest.param("ideal", 75.3, id="ideal=devine"),
        pytest.param("adjusted", 93.18, id="adjusted=ibw+0.4x(tbw-ibw)"),
        pytest.param("Ideal", 75.3, id="case-insensitive"),
    ],
)
def test_dosing_weight_by_basis(basis: str, expected: float) -> None:
    """dosing_weight returns the measured, Devine ideal or adjusted weight (180.34 cm, 120 kg)."""
    assert dosing_weight(basis, 180.34, 120, "male") == pytest.approx(expected)


def test_actual_weight_needs_neither_height_nor_sex() -> None:
    """The actual weight is returned even when height and sex are unknown."""
    assert dosing_weight("actual", None, 70.0, None) == 70.0


@pytest.mark.parametrize("basis", ["ideal", "adjusted"])
@pytest.mark.parametrize(
    ("height_cm", "sex", "missing"),
    [
        pytest.param(None, "male", "height", id="no-height"),
        pytest.param(180.0, None, "sex", id="no-sex"),
    ],
)
def test_ideal_and_adjusted_weight_name_what_is_missing(
    basis: str, height_cm: float | None, sex: str | None, missing: str
) -> None:
    """Ideal and adjusted weights raise MissingInputError naming the missing input and why."""
    with pytest.raises(MissingInputError) as caught:
        dosing_weight(basis, height_cm, 90.0, sex)
    assert caught.value.field == missing
    assert f"needs the patient's {missing}" in str(caught.value)
    assert basis in str(caught.value)


def test_unknown_weight_basis_suggests_the_closest() -> None:
    """An unknown basis raises UnknownNameError(field="weight_basis") with a suggestion."""
    with pytest.raises(UnknownNameError) as caught:
        dosing_weight("ideel", 180.0, 90.0, "male")
    assert caught.value.field == "weight_basis"
    assert "did you mean 'ideal'?" in str(caught.value)
    assert "actual, ideal, adjusted" in str(caught.value)


# ---------------------------------------------------------------------------------------
# Calvert
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auc", "gfr", "cap", "expected"),
    [
        pytest.param(5, 100, 125.0, 625.0, id="auc5-gfr100=5x(100+25)=625mg"),
        pytest.param(5, 150, 125.0, 750.0, id="auc5-gfr150-capped-at-125=5x(125+25)=750mg"),
        pytest.param(5, 125, 125.0, 750.0, id="auc5-gfr-at-cap=750mg"),
        pytest.param(5, 150, None, 875.0, id="auc5-gfr150-uncapped=5x(150+25)=875mg"),
        pytest.param(6, 150, 100.0, 750.0, id="auc6-gfr150-cap100=6x(100+25)=750mg"),
    ],
)
def test_calvert_dose(auc: float, gfr: float, cap: float | None, expected: float) -> None:
    """Calvert: dose = AUC × (min(GFR, cap) + 25) mg; cap 125 mL/min by default."""
    assert calvert_dose_mg(auc, gfr, cap) == pytest.approx(expected)


def test_calvert_caps_gfr_at_125_by_default() -> None:
    """Without a cap argument, a GFR of 200 mL/min is counted as 125."""
    assert calvert_dose_mg(5, 200) == pytest.approx(750.0)


# ---------------------------------------------------------------------------------------
# Errors common to every function
# ---------------------------------------------------------------------------------------

SEX_NEEDED: list[tuple[str, Callable[[str | None], float]]] = [
    ("ideal_body_weight", lambda sex: ideal_body_weight(170, sex)),
    ("adjusted_body_weight", lambda sex: adjusted_body_weight(170, 90, sex)),
    ("cockcroft_gault", lambda sex: cockcroft_gault(60, 70, 1.0, sex)),
    ("ckd_epi_2021", lambda sex: ckd_epi_2021(60, 1.0, sex)),
]


@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, call in SEX_NEEDED])
def test_missing_sex_is_asked_for(call: Callable[[str | None], float]) -> None:
    """Functions that depend on sex raise MissingInputError(field="sex") without it."""
    with pytest.raises(MissingInputError) as caught:
        call(None)
    assert caught.value.field == "sex"
    assert "needs the patient's sex (female/male)" in str(caught.value)


@pytest.mark.parametrize("call", [pytest.param(call, id=name) for name, call in SEX_NEEDED])
@pytest.mark.parametrize("sex", ["F", "M", "Male", "unknown"])
def test_malformed_sex_is_refused(call: Callable[[str | None], float], sex: str) -> None:
    """Sex must be exactly "female" or "male" (canonical form)."""
    with pytest.raises(InputError) as caught:
        call(sex)
    assert caught.value.field == "sex"


GOOD_CALLS: list[tuple[Callable[..., float], dict[str, object], dict[str, str]]] = [
    # (function, valid keyword arguments, {numeric parameter: field named in the error})
    (ideal_body_weight, {"height_cm": 170.0, "sex": "male"}, {"height_cm": "height"}),
    (
        adjusted_body_weight,
        {"height_cm": 170.0, "weight_kg": 90.0, "sex": "male"},
        {"height_cm": "height", "weight_kg": "weight"},
    ),
    (bmi, {"height_cm": 170.0, "weight_kg": 90.0}, {"height_cm": "height", "weight_kg": "weight"}),
    (
        cockcroft_gault,
        {"age_years": 60.0, "weight_kg": 70.0, "creatinine_mg_dl": 1.0, "sex": "male"},
        {"age_years": "age", "weight_kg": "weight", "creatinine_mg_dl": "creatinine"},
    ),
    (
        ckd_epi_2021,
        {"age_years": 60.0, "creatinine_mg_dl": 1.0, "sex": "male"},
        {"age_years": "age", "creatinine_mg_dl": "creatinine"},
    ),
    (creatinine_umol_l_to_mg_dl, {"umol_l": 80.0}, {"umol_l": "creatinine"}),
    (creatinine_mg_dl_to_umol_l, {"mg_dl": 1.0}, {"mg_dl": "creatinine"}),
    (
        calvert_dose_mg,
        {"auc_mg_ml_min": 5.0, "gfr_ml_min": 100.0, "cap_ml_min": 125.0},
        {"auc_mg_ml_min": "auc", "gfr_ml_min": "gfr", "cap_ml_min": "gfr_cap"},
    ),
    (
        dosing_weight,
        {"basis": "actual", "height_cm": None, "weight_kg": 70.0, "sex": None},
        {"weight_kg": "weight"},
    ),
]

BAD_INPUT_CASES = [
    pytest.param(
        function,
        {**good, parameter: bad},
        field,
        id=f"{function.__name__}-{parameter}-{bad_id}",
    )
    for function, good, fields in GOOD_CALLS
    for parameter, field in fields.items()
    for bad, bad_id in ((0.0, "zero"), (-1.0, "negative"), (math.nan, "nan"), (math.inf, "inf"))
]


@pytest.mark.parametrize(("function", "good"), [(f, g) for f, g, _ in GOOD_CALLS])
def test_valid_arguments_of_the_error_table_work(
    function: Callable[..., float], good: dict[str, object]
) -> None:
    """The baseline arguments used below are accepted, so each refusal is due to one value."""
    assert function(**good) > 0


@pytest.mark.parametrize(("function", "kwargs", "field"), BAD_INPUT_CASES)
def test_unusable_numbers_are_refused(
    function: Callable[..., float], kwargs: dict[str, object], field: str
) -> None:
    """Every function refuses a zero, negative, NaN or infinite input, naming the field."""
    with pytest.raises(InputError) as caught:
        function(**kwargs)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


@pytest.mark.subprocess
def test_module_imports_nothing_heavy() -> None:
    """Importing regimens._calc.renal loads neither pint nor pydantic (CLI cold start)."""
    src = str(Path(renal.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = (
        "import sys, regimens._calc.renal; print(sorted({'pint', 'pydantic'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# Exact messages and edges found by mutation testing (docs/testing.md)
# ---------------------------------------------------------------------------------------

POSITIVE = "must be a positive, finite number of"


@pytest.mark.parametrize(
    ("call", "message", "field"),
    [
        pytest.param(
            lambda: renal.ideal_body_weight(0.0, "female"),
            f"height {POSITIVE} cm; got 0.0 cm",
            "height",
            id="ibw height",
        ),
        pytest.param(
            lambda: renal.ideal_body_weight(170.0, None),
            "ideal body weight (Devine) needs the patient's sex (female/male)",
            "sex",
            id="ibw sex",
        ),
        pytest.param(
            lambda: renal.ideal_body_weight(170.0, "x"),
            "sex must be 'female' or 'male'; got 'x'",
            "sex",
            id="ibw malformed sex",
        ),
        # 100 cm = 39.37 in: 45.5 + 2.3 x (39.37 - 60) = -1.949 kg, shown as -1.9 kg.
        pytest.param(
            lambda: renal.ideal_body_weight(100.0, "female"),
            "height 100.0 cm is too short for the Devine ideal body weight (it would be -1.9 kg)",
            "height",
            id="ibw too short",
        ),
        pytest.param(
            lambda: renal.adjusted_body_weight(170.0, 0.0, "female"),
            f"weight {POSITIVE} kg; got 0.0 kg",
            "weight",
            id="adjusted weight",
        ),
        pytest.param(
            lambda: renal.bmi(0.0, 70.0), f"height {POSITIVE} cm; got 0.0 cm", "height", id="bmi h"
        ),
        pytest.param(
            lambda: renal.bmi(170.0, 0.0), f"weight {POSITIVE} kg; got 0.0 kg", "weight", id="bmi w"
        ),
        pytest.param(
            lambda: renal.dosing_weight("xyz", 170.0, 70.0, "female"),
            "unknown weight basis 'xyz'; accepted: actual, ideal, adjusted",
            "weight_basis",
            id="basis without close match",
        ),
        pytest.param(
            lambda: renal.dosing_weight("actual", 170.0, 0.0, "female"),
            f"weight {POSITIVE} kg; got 0.0 kg",
            "weight",
            id="dosing weight",
        ),
        pytest.param(
            lambda: renal.cockcroft_gault(0.0, 70.0, 1.0, "male"),
            f"age {POSITIVE} years; got 0.0 years",
            "age",
            id="cg age",
        ),
        pytest.param(
            lambda: renal.cockcroft_gault(60.0, 0.0, 1.0, "male"),
            f"weight {POSITIVE} kg; got 0.0 kg",
            "weight",
            id="cg weight",
        ),
        pytest.param(
            lambda: renal.cockcroft_gault(60.0, 70.0, 0.0, "male"),
            f"creatinine {POSITIVE} mg/dL; got 0.0 mg/dL",
            "creatinine",
            id="cg creatinine",
        ),
        pytest.param(
            lambda: renal.cockcroft_gault(60.0, 70.0, 1.0, None),
            "the Cockcroft–Gault creatinine clearance needs the patient's sex (female/male)",
            "sex",
            id="cg sex",
        ),
        pytest.param(
            lambda: renal.cockcroft_gault(140.0, 70.0, 1.0, "male"),
            "age 140.0 years is outside the Cockcroft–Gault formula (under 140)",
            "age",
            id="cg age 140",
        ),
        pytest.param(
            lambda: renal.ckd_epi_2021(0.0, 1.0, "male"),
            f"age {POSITIVE} years; got 0.0 years",
            "age",
            id="ckd-epi age",
        ),
        pytest.param(
            lambda: renal.ckd_epi_2021(60.0, 0.0, "male"),
            f"creatinine {POSITIVE} mg/dL; got 0.0 mg/dL",
            "creatinine",
            id="ckd-epi creatinine",
        ),
        pytest.param(
            lambda: renal.ckd_epi_2021(60.0, 1.0, None),
            "the CKD-EPI 2021 eGFR needs the patient's sex (female/male)",
            "sex",
            id="ckd-epi sex",
        ),
        pytest.param(
            lambda: renal.creatinine_umol_l_to_mg_dl(0.0),
            f"creatinine {POSITIVE} µmol/L; got 0.0 µmol/L",
            "creatinine",
            id="umol/L",
        ),
        pytest.param(
            lambda: renal.creatinine_mg_dl_to_umol_l(0.0),
            f"creatinine {POSITIVE} mg/dL; got 0.0 mg/dL",
            "creatinine",
            id="mg/dL",
        ),
        pytest.param(
            lambda: renal.calvert_dose_mg(0.0, 100.0),
            f"auc {POSITIVE} mg/mL·min; got 0.0 mg/mL·min",
            "auc",
            id="calvert auc",
        ),
        pytest.param(
            lambda: renal.calvert_dose_mg(5.0, 0.0),
            f"gfr {POSITIVE} mL/min; got 0.0 mL/min",
            "gfr",
            id="calvert gfr",
        ),
        pytest.param(
            lambda: renal.calvert_dose_mg(5.0, 100.0, 0.0),
            f"gfr_cap {POSITIVE} mL/min; got 0.0 mL/min",
            "gfr_cap",
            id="calvert cap",
        ),
    ],
)
def test_refusals_word_for_word(call: Callable[[], float], message: str, field: str) -> None:
    """Each refusal names the field, the value and its unit (what a user must fix)."""
    with pytest.raises((InputError, UnknownNameError)) as caught:
        call()
    assert str(caught.value) == message
    assert caught.value.field == field


def test_ideal_body_weight_just_above_zero() -> None:
    """Devine for a woman of 102.71 cm: 102.71 / 2.54 = 40.4370 in;
    45.5 + 2.3 x (40.4370 - 60) = 45.5 - 44.9949 = 0.505 kg.

    Tiny but positive, so it is returned (only 0 kg or less is refused).
    """
    assert renal.ideal_body_weight(102.71, "female") == pytest.approx(0.5051, abs=1e-3)


def test_ideal_body_weight_of_exactly_zero_is_refused() -> None:
    """Devine for a man reaches 0 kg at 60 - 50 / 2.3 = 38.2609 in = 97.1826 cm.

    At the float height where the arithmetic gives exactly 0.0 kg the height is refused
    (0 kg is no weight), not returned as a zero weight.
    """
    height = 97.18260869565218
    assert 50 + 2.3 * (height / 2.54 - 60) == 0.0
    with pytest.raises(InputError, match="too short for the Devine ideal body weight"):
        renal.ideal_body_weight(height, "male")

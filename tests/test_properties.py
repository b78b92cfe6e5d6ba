"""Properties of the Python API over the whole accepted input space (hypothesis).

- Any accepted patient, with any built-in regimen, cycle, formula and dose level,
  gives a sheet whose numbers are finite and positive, whose rounded doses stay within
  the stated tolerance of the calculated dose (or carry the warning that says they
  could not), and whose JSON validates against the published docs/sheet.schema.json.
- Any rejected input raises the package's own error (a RegimensError subclass), never
  a bare ValueError, KeyError or TypeError from deep inside.

Example counts are modest so the suite stays fast; ``REGIMENS_PROPERTY_EXAMPLES`` raises
them for a longer local run (docs/testing.md).
"""

from __future__ import annotations

import json
import math
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import validate_json
from regimens._calc.bsa import FORMULAS
from regimens._calc.dosing import DrugDoseLevel, SheetOptions, compute_sheet
from regimens._errors import RegimensError
from regimens._models.patient import RANGES, Patient
from regimens._read.library import Library, load_library
from regimens._read.patient import make_patient
from regimens._render.sheet_json import sheet_json
from strategies import ANY_NUMBER, ANY_TEXT, patients

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("REGIMENS_PROPERTY_EXAMPLES", "60"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: Rounding warnings that say a dose could not be brought within tolerance.
NOT_WITHIN_TOLERANCE = {"ROUNDING_BEYOND_TOLERANCE", "TABLETS_NOT_ACHIEVABLE"}


@cache
def _library() -> Library:
    return load_library(())


@st.composite
def sheet_requests(draw: st.DrawFn) -> tuple[str, Patient, SheetOptions]:
    library = _library()
    regimen = draw(st.sampled_from(sorted(r.id for r in library)))
    drugs = sorted({c.drug for c in library.get(regimen).components})
    levels = draw(
        st.lists(
            st.tuples(st.sampled_from(drugs), st.floats(min_value=25, max_value=150)),
            max_size=2,
            unique_by=lambda item: item[0],
        )
    )
    options = SheetOptions(
        bsa_formula=draw(st.sampled_from(sorted(FORMULAS))),
        bsa_decimals=draw(st.integers(min_value=2, max_value=4)),
        bsa_cap_m2=draw(st.none() | st.floats(min_value=1.0, max_value=3.0)),
        weight_basis=draw(st.sampled_from(["actual", "ideal", "adjusted"])),
        dose_level_percent=draw(st.floats(min_value=25, max_value=150)),
        drug_dose_levels=tuple(DrugDoseLevel(drug=d, percent=p) for d, p in levels),
        rounding=draw(st.sampled_from(["default", "none"])),
        tolerance_percent=draw(st.floats(min_value=0.5, max_value=10)),
        cycle=draw(st.integers(min_value=1, max_value=12)),
        pump_rate_ml_per_h=draw(st.none() | st.floats(min_value=0.5, max_value=50)),
    )
    return regimen, draw(patients()), options


def _compute(regimen: str, patient: Patient, options: SheetOptions) -> Any:
    try:
        return compute_sheet(_library(), regimen, patient, options)
    except RegimensError:
        # Refused on purpose (e.g. a per-kg drug with an ideal weight not computable):
        # allowed, as long as it is the package's own error.
        return None


@PROPERTY
@given(sheet_requests())
def test_accepted_patient_gives_finite_positive_doses(
    request: tuple[str, Patient, SheetOptions],
) -> None:
    """Every number on a sheet is finite, and every dose given is positive."""
    sheet = _compute(*request)
    if sheet is None:
        return
    if sheet.bsa_m2 is not None:
        assert math.isfinite(sheet.bsa_m2)
        assert sheet.bsa_m2 > 0
    for day in sheet.days:
        for item in day.administrations:
            if item.basis_value is not None:
                assert math.isfinite(item.basis_value)
                assert item.basis_value > 0
            for value in (item.standard_mg, item.calculated_mg, item.dose_mg, item.daily_dose_mg):
                assert math.isfinite(value)
                assert value >= 0
            if not item.withheld:
                assert item.standard_mg > 0
                assert item.dose_mg > 0
                if item.intakes:  # an oral plan: the day is its intakes (they may differ)
                    assert item.daily_dose_mg == pytest.approx(
                        sum(intake.dose_mg for intake in item.intakes)
                    )
                    assert item.dose_mg == max(intake.dose_mg for intake in item.intakes)
                else:
                    assert item.daily_dose_mg == pytest.approx(item.dose_mg * item.intakes_per_day)
            assert math.isfinite(item.deviation_percent)
    for total in sheet.totals:
        assert math.isfinite(total.total_mg)


@PROPERTY
@given(sheet_requests())
def test_rounded_dose_within_tolerance_or_warned(
    request: tuple[str, Patient, SheetOptions],
) -> None:
    """A rounded dose is within the tolerance of the calculated one, or a warning says not.

    Judged on the day's total (issue 19): an oral plan's intakes may differ (950 + 800 mg
    for 856.25 mg per intake is +2.2 % on the day, though 950 is +10.9 % of one intake).
    """
    sheet = _compute(*request)
    if sheet is None:
        return
    warned = {(w.code, w.drug) for w in sheet.warnings}
    for day in sheet.days:
        for item in day.administrations:
            if item.withheld or item.calculated_mg == 0:
                continue
            if item.intakes:
                assert sum(i.dose_mg for i in item.intakes) == item.daily_dose_mg
                assert max(i.dose_mg for i in item.intakes) == item.dose_mg
            calculated_day = item.calculated_mg * item.intakes_per_day
            deviation = 100 * (item.daily_dose_mg - calculated_day) / calculated_day
            assert deviation == pytest.approx(item.deviation_percent, abs=0.06)
            if abs(deviation) > sheet.tolerance_percent + 1e-9:
                assert any((code, item.drug) in warned for code in NOT_WITHIN_TOLERANCE), (
                    item.drug,
                    item.calculated_mg,
                    item.dose_mg,
                )


@PROPERTY
@given(sheet_requests())
def test_sheet_json_validates_against_published_schema(
    request: tuple[str, Patient, SheetOptions],
) -> None:
    """The JSON of any sheet validates against docs/sheet.schema.json."""
    sheet = _compute(*request)
    if sheet is None:
        return
    validate_json(json.loads(sheet_json(sheet)), REPO / "docs" / "sheet.schema.json")


# Rejected input: only the package's own errors ---------------------------------------------


@PROPERTY
@given(
    height=st.none() | ANY_TEXT | ANY_NUMBER,
    weight=st.none() | ANY_TEXT | ANY_NUMBER,
    sex=st.none() | st.text(max_size=8),
    age=st.none() | ANY_TEXT | ANY_NUMBER,
    creatinine=st.none() | ANY_TEXT | ANY_NUMBER,
)
def test_make_patient_raises_only_own_errors(
    height: Any, weight: Any, sex: str | None, age: Any, creatinine: Any
) -> None:
    """Whatever is typed, make_patient returns a Patient in range or raises a RegimensError."""
    try:
        patient = make_patient(
            height=height, weight=weight, sex=sex, age=age, creatinine=creatinine
        )
    except RegimensError:
        return
    for field, value in (
        ("height", patient.height_cm),
        ("weight", patient.weight_kg),
        ("age", patient.age_years),
        ("creatinine", patient.creatinine_mg_dl),
    ):
        if value is not None:
            low, high, _ = RANGES[field]
            assert low <= value <= high


@PROPERTY
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "bsa_formula": st.text(max_size=12) | st.sampled_from(sorted(FORMULAS)),
            "bsa_decimals": st.integers(min_value=-3, max_value=8),
            "bsa_cap_m2": ANY_NUMBER,
            "weight_basis": st.sampled_from(["actual", "ideal", "adjusted", "lean", ""]),
            "dose_level_percent": ANY_NUMBER,
            "rounding": st.sampled_from(["default", "none", "up"]),
            "tolerance_percent": ANY_NUMBER,
            "cycle": st.integers(min_value=-5, max_value=200),
            "pump_rate_ml_per_h": ANY_NUMBER,
            "unknown_option": st.integers(),
        },
    )
)
def test_sheet_options_raise_only_own_errors(values: dict[str, Any]) -> None:
    """SheetOptions accepts a value in its documented range or raises a RegimensError."""
    try:
        options = SheetOptions(**values)
    except RegimensError:
        return
    assert 0 < options.tolerance_percent <= 10
    assert 0 < options.dose_level_percent <= 200
    assert options.cycle >= 1


@PROPERTY
@given(name=st.text(max_size=30), drug=st.text(max_size=20), percent=ANY_NUMBER)
def test_unknown_regimen_or_drug_raises_only_own_errors(name: str, drug: str, percent: Any) -> None:
    """Unknown regimen and drug names, and any drug dose level, raise a RegimensError."""
    library = _library()
    patient = Patient(height_cm=170, weight_kg=70)
    try:
        options = SheetOptions(drug_dose_levels=(DrugDoseLevel(drug=drug, percent=percent),))
        compute_sheet(library, name, patient, options)
    except RegimensError:
        return
    # Accepted only when the name is a real regimen and the drug one of its drugs.
    assert library.get(name)

"""The batch's fast paths give exactly the numbers of the reference paths they replace.

Each shortcut taken for speed (issue 8) is compared here, value for value with ``==``
(not ``approx``), against the code it stands in for: the nine-formula BSA comparison
against :func:`compute_bsa` by name, memoised rounding against the Decimal/knapsack
functions, learnt unit conversions against pint, and a batch sheet's identifiers
against ``model_copy``. A sheet computes each component once and remembers nothing
between sheets (issue 16): a regimen changed under the same id, or another patient
of the same BSA, gets its own doses. Every command of the cold-start benchmark, with
bare numbers or the common unit spellings, runs without importing pint (issue 23).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimens._calc import bsa as _bsa
from regimens._calc import dosing as _dosing
from regimens._calc import rounding as _rounding
from regimens._calc.dosing import compute_sheet, sheet_for
from regimens._errors import UnitError
from regimens._models.options import SheetOptions
from regimens._read import units as _units
from regimens._read.library import load_library
from regimens._read.patient import make_patient

HEIGHTS = st.floats(min_value=100, max_value=250, allow_nan=False)
WEIGHTS = st.floats(min_value=25, max_value=350, allow_nan=False)
SEXES = st.sampled_from([None, "female", "male"])


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library(())


# --- the nine-formula comparison -----------------------------------------------------


@given(HEIGHTS, WEIGHTS, SEXES)
def test_bsa_by_formula_equals_compute_bsa_for_every_formula(
    height: float, weight: float, sex: str | None
) -> None:
    """Same values, same order (FORMULAS), Schlich only with a sex."""
    expected = {
        name: _bsa.compute_bsa(height, weight, name, sex=sex)
        for name, spec in _bsa.FORMULAS.items()
        if not spec.needs_sex or sex is not None
    }
    got = _bsa.bsa_by_formula(height, weight, sex)
    assert list(got) == list(expected)
    assert got == expected


def test_bsa_by_formula_on_a_grid_of_adults() -> None:
    """Every whole cm 100-250 × every kg 25-350 step 5, both sexes: identical floats."""
    for height, weight in itertools.product(range(100, 251), range(25, 351, 5)):
        for sex in ("female", "male"):
            got = _bsa.bsa_by_formula(float(height), float(weight), sex)
            for name, value in got.items():
                assert value == _bsa.compute_bsa(height, weight, name, sex=sex), (height, weight)


def test_bsa_by_formula_value_170_cm_70_kg() -> None:
    """Mosteller √(170 × 70 / 3600) = 1.8181 m² (Mosteller 1987); DuBois
    0.007184 × 170^0.725 × 70^0.425 = 1.8097 m² (Du Bois 1916)."""
    values = _bsa.bsa_by_formula(170, 70)
    assert values["mosteller"] == pytest.approx(1.818119, abs=1e-6)
    assert values["dubois"] == pytest.approx(1.809708, abs=1e-6)
    assert "schlich" not in values


@pytest.mark.parametrize(
    ("height", "weight", "sex", "field"),
    [(0.0, 70.0, None, "height"), (170.0, math.nan, None, "weight"), (170.0, 70.0, "x", "sex")],
    ids=["zero-height", "nan-weight", "bad-sex"],
)
def test_bsa_by_formula_checks_its_inputs(
    height: float, weight: float, sex: str | None, field: str
) -> None:
    """The inputs are checked once, with the same errors as each formula's."""
    with pytest.raises(ValueError, match=field):
        _bsa.bsa_by_formula(height, weight, sex)


# --- memoised rounding ---------------------------------------------------------------


def test_round_to_increment_memo_equals_decimal_path() -> None:
    """20,000 doses 0-6000 mg at steps 0.1, 1, 5, 10 and 25 mg, each asked twice."""
    draw = random.Random(12)
    doses = [draw.uniform(0, 6000) for _ in range(20_000)]
    doses += [152.5, 1125.0, 2.5, 3.3, 0.05]  # exact halves (ties go down) and tiny doses
    for dose, step in itertools.product(doses, (0.1, 1.0, 5.0, 10.0, 25.0)):
        expected = _rounding._round_to_increment(dose, step)
        assert _rounding.round_to_increment(dose, step) == expected
        assert _rounding.round_to_increment(dose, step) == expected  # from the cache


def test_round_to_increment_ties_down_from_the_cache() -> None:
    """152.5 mg at 1 mg is a tie → 152 mg (module docstring: ties to the lower dose)."""
    assert _rounding.round_to_increment(152.5, 1.0) == 152.0
    assert _rounding.round_to_increment(152.5, 1.0) == 152.0


def test_round_to_increment_keeps_the_sign_of_zero() -> None:
    """0.0 and -0.0 are one cache key; each keeps its own result."""
    positive = _rounding.round_to_increment(0.0, 1.0)
    negative = _rounding.round_to_increment(-0.0, 1.0)
    assert math.copysign(1, positive) == math.copysign(1, _rounding._round_to_increment(0.0, 1.0))
    assert math.copysign(1, negative) == math.copysign(1, _rounding._round_to_increment(-0.0, 1.0))


def test_round_to_tablets_memo_equals_search() -> None:
    """Capecitabine 150/500 mg: 400 doses 100-4000 mg, each asked twice, same answer."""
    draw = random.Random(13)
    strengths = (500.0, 150.0)
    for dose in [draw.uniform(100, 4000) for _ in range(400)] + [1137.5, 1125.0]:
        expected = _rounding._round_to_tablets(dose, strengths)
        assert _rounding.round_to_tablets(dose, strengths) == expected
        assert _rounding.round_to_tablets(dose, strengths) == expected


def test_round_to_tablets_of_zero_either_sign_from_the_cache() -> None:
    """0 mg, positive or negative zero, asked in either order: no tablets, +0.0 mg."""
    for first, second in ((0.0, -0.0), (-0.0, 0.0)):
        _rounding._round_to_tablets_cached.cache_clear()
        for dose in (first, second):
            amount, counts = _rounding.round_to_tablets(dose, (500.0, 150.0))
            assert (amount, counts) == (0.0, (0, 0))
            assert math.copysign(1, amount) == 1.0


def test_round_to_tablets_1137_5_mg() -> None:
    """1137.5 mg of 500/150 mg tablets (worked by hand): 1150 = 2 × 500 + 1 × 150 is
    12.5 mg away, 1100 = 1 × 500 + 4 × 150 is 37.5 mg away → 1150 mg, (2, 1)."""
    assert _rounding.round_to_tablets(1137.5, (500.0, 150.0)) == (1150.0, (2, 1))


# --- units learnt from pint ----------------------------------------------------------

UNIT_TEXTS = {
    "length": ["cm", "m", "in", "ft", "mm", " cm", "inches", "feet", "m "],
    "mass": ["kg", "g", "lb", "lbs", "mg"],
    "age": ["years", "y", "yr"],
    "creatinine": ["mg/dL", "umol/L", "µmol/L", "μmol/L", "mmol/L", "mg/L"],
    "clearance": ["mL/min", "L/h", "mL/s"],
}


def test_learnt_conversions_equal_pint_for_many_values() -> None:
    """Every unit text above × 300 numbers (integers, decimals, exponents): the number
    read through a learnt conversion is the very float pint gives."""
    draw = random.Random(14)
    numbers = [f"{draw.uniform(0.01, 400):.{draw.randrange(0, 6)}f}" for _ in range(280)]
    numbers += ["170", "1.7", "0.5", "1e2", "2.5E-1", "+80", "154", "88.4", "5", "6.25"]
    numbers += ["1" * 18, "0.000001", "-3", "1e308", "12.", ".75", "70.00", "3e-5", "4", "9"]
    for kind, units in UNIT_TEXTS.items():
        for unit, number in itertools.product(units, numbers):
            text = f"{number} {unit}"
            spec = _units.KINDS[kind]
            expected, _ = _units._convert_with_pint(text.strip(), field="x", spec=spec)
            got = _units.parse_measurement(text, field="x", kind=kind)
            assert got == expected or (math.isnan(got) and math.isnan(expected)), text
            assert _units._split_known(text.strip(), kind) is not None, text  # learnt


def test_learnt_conversion_154_lb() -> None:
    """154 lb = 154 × 0.45359237 kg = 69.85322498 kg (definition of the pound)."""
    assert _units.parse_measurement("154 lb", field="weight", kind="mass") == pytest.approx(
        69.85322498, abs=1e-8
    )
    assert _units.parse_measurement("154 lb", field="weight", kind="mass") == pytest.approx(
        69.85322498, abs=1e-8
    )


def test_creatinine_in_umol_per_litre_after_learning() -> None:
    """88.4 µmol/L ÷ 88.4 = 1.0 mg/dL (creatinine 113.12 g/mol), twice."""
    for _ in range(2):
        assert _units.parse_measurement("88.4 µmol/L", field="c", kind="creatinine") == 1.0


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("70 kg", "length", "height must be a length"),
        ("170,5 cm", "length", "comma"),
        ("1e999 cm", "length", "finite"),
        ("170 furlongs", "length", "unknown unit"),
    ],
    ids=["wrong-dimension", "comma", "overflow", "unknown-unit"],
)
def test_errors_still_come_from_pint_after_learning(text: str, kind: str, message: str) -> None:
    """A learnt unit never turns an error into a number: these still raise, as before."""
    _units.parse_measurement("170 cm", field="height", kind="length")
    _units.parse_measurement("70 kg", field="weight", kind="mass")
    with pytest.raises(UnitError, match=message):
        _units.parse_measurement(text, field="height", kind=kind)


# --- a changed regimen, the cycle's supportive add-ons, the batch's identifiers ------


def test_a_changed_regimen_under_the_same_id_is_not_served_an_old_plan(library) -> None:  # type: ignore[no-untyped-def]
    """Oxaliplatin 85 → 100 mg/m² (original FOLFOX6) at 1.82 m²: 154.7 then 182 mg."""
    patient = make_patient(height="170", weight="70")
    regimen = library.get("FOLFOX-6")
    first = compute_sheet(library, regimen, patient)
    component = regimen.components[0]
    dose = component.dose.model_copy(update={"amount": 100.0, "text": "100 mg/m2"})
    changed = regimen.model_copy(
        update={
            "components": (component.model_copy(update={"dose": dose}), *regimen.components[1:])
        }
    )
    second = compute_sheet(library, changed, patient)
    assert first.days[0].administrations[0].calculated_mg == pytest.approx(154.7)
    assert second.days[0].administrations[0].calculated_mg == pytest.approx(182.0)
    assert compute_sheet(library, regimen, patient).days[0].administrations[0].dose_mg == 155.0


def test_supportive_add_ons_differ_by_cycle(library) -> None:  # type: ignore[no-untyped-def]
    """ZOLEDRONIC-ACID with FOLFOX-6 is given in cycle 1, not in cycle 2 (library entry)."""
    patient = make_patient(height="170", weight="70", sex="female", age="60", creatinine="0.8")
    drugs = {}
    for cycle in (1, 2, 1):
        sheet = compute_sheet(
            library,
            "FOLFOX-6",
            patient,
            SheetOptions(cycle=cycle),
            supportive=("ZOLEDRONIC-ACID",),
        )
        drugs[cycle] = {a.drug for day in sheet.days for a in day.administrations}
    assert "zoledronic acid" in drugs[1]
    assert "zoledronic acid" not in drugs[2]


def test_sheet_for_identifiers_equal_model_copy(library) -> None:  # type: ignore[no-untyped-def]
    """The batch sets patient_id and patient_name while building; same document as
    model_copy after."""
    patient = make_patient(height="163.5", weight="58.2", sex="female", age="71", creatinine="1.4")
    options = SheetOptions(dose_level_percent=80, pump_rate_ml_per_h=2)
    copied = compute_sheet(
        library, "FOLFOX-6", patient, options, supportive=("ZOLEDRONIC-ACID",)
    ).model_copy(update={"patient_id": "P7", "patient_name": "DOE Jane"})
    built = sheet_for(
        library,
        "FOLFOX-6",
        patient,
        options,
        supportive=("ZOLEDRONIC-ACID",),
        patient_id="P7",
        patient_name="DOE Jane",
    )
    assert (built.patient_id, built.patient_name) == ("P7", "DOE Jane")
    stamp = {"provenance": {"calculated_at"}}
    assert built.model_dump(exclude=stamp) == copied.model_dump(exclude=stamp)
    assert built.model_dump_json(exclude=stamp) == copied.model_dump_json(exclude=stamp)


# --- each component once per sheet, and sheets independent of each other ----------------

STAMP = {"provenance": {"calculated_at"}}


def _cold(library, regimen, patient, options, supportive=()):  # type: ignore[no-untyped-def]
    """The sheet computed with the rounding memories emptied first."""
    _rounding._round_to_increment_cached.cache_clear()
    _rounding._round_to_tablets_cached.cache_clear()
    return compute_sheet(library, regimen, patient, options, supportive=supportive)


def test_sheets_after_others_equal_fresh_ones_across_patients(library) -> None:  # type: ignore[no-untyped-def]
    """300 patients of varied size and renal function, options shared (as in a batch):
    each sheet, computed after the others, equals the sheet computed from empty memories."""
    draw = random.Random(15)
    options = SheetOptions(dose_level_percent=80, pump_rate_ml_per_h=2.0)
    patients = [
        make_patient(
            height=round(draw.uniform(140, 200), 1),
            weight=round(draw.uniform(40, 150), 1),
            sex=draw.choice(["female", "male"]),
            age=draw.choice([45, 70]),
            crcl=draw.choice([None, 20.0, 35.0, 45.0, 55.0, 65.0, 200.0]),
        )
        for _ in range(300)
    ]
    for regimen, supportive in (("EOX", ()), ("FOLFOX-6", ("ZOLEDRONIC-ACID",))):
        warm = [
            compute_sheet(library, regimen, patient, options, supportive=supportive)
            for patient in patients
        ]
        for patient, sheet in zip(patients, warm, strict=True):
            cold = _cold(library, regimen, patient, options, supportive)
            assert sheet.model_dump(exclude=STAMP) == cold.model_dump(exclude=STAMP)


def test_each_component_is_computed_once_per_sheet(library, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """EOX: epirubicin day 1, oxaliplatin day 1, capecitabine twice a day on days 1-21:
    three doses computed, whatever the number of days; each day shows the same one."""
    calls = []
    original = _dosing.dose_component

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[2].drug)
        return original(*args, **kwargs)

    monkeypatch.setattr(_dosing, "dose_component", counting)
    sheet = compute_sheet(library, "EOX", make_patient(height="170", weight="70"))
    assert sorted(calls) == ["capecitabine", "epirubicin", "oxaliplatin"]
    capecitabine = [
        a for day in sheet.days for a in day.administrations if a.drug == "capecitabine"
    ]
    assert len(capecitabine) == 21
    assert all(item is capecitabine[0] for item in capecitabine)


def test_same_bsa_different_crcl_gives_each_its_own_capecitabine(library) -> None:  # type: ignore[no-untyped-def]
    """EOX capecitabine 625 mg/m² per intake at 1.82 m² = 1137.5 mg; library renal rule
    (capecitabine label): CrCl 30-50 → 75 %, < 30 contraindicated. Worked by hand:
    CrCl 60 → 1150 mg (2 × 500 + 1 × 150: 3 tablets, fewer than 1100 = 500 + 4 × 150,
    both within 5 %); CrCl 40 → 75 % = 853.125 mg, 1706.25 mg a day: no equal plan within
    5 % (800 is −6.2 %, 850 is not whole tablets, 900 is +5.5 %), so unequal intakes
    (issue 19): 950 + 800 = 1750 (7 tablets) rather than 900 + 800 (9) or 900 + 750 (11),
    +2.6 %, no tablet warning, the dose of record the larger intake, 950 mg;
    CrCl 25 → withheld (oxaliplatin too: EU SmPC, < 30); then CrCl 60 again: the first
    answer, warnings and all."""
    options = SheetOptions()

    def capecitabine(crcl: float) -> tuple[float, bool, list[str]]:
        patient = make_patient(height="170", weight="70", crcl=crcl)
        sheet = compute_sheet(library, "EOX", patient, options)
        item = next(a for a in sheet.days[0].administrations if a.drug == "capecitabine")
        return item.dose_mg, item.withheld, [w.code for w in sheet.warnings]

    first = capecitabine(60.0)
    assert first == (1150.0, False, [])
    assert capecitabine(40.0) == (950.0, False, ["RENAL_ADJUSTED"])
    assert capecitabine(25.0) == (0.0, True, ["CONTRAINDICATED", "CONTRAINDICATED"])
    assert capecitabine(60.0) == first


def test_two_equal_sheets_share_no_warning(library) -> None:  # type: ignore[no-untyped-def]
    """Two sheets of one patient: equal warnings, each sheet its own objects."""
    options = SheetOptions(pump_rate_ml_per_h=2.0)
    patient = make_patient(height="190", weight="110")  # 5-FU 2400 mg/m² overfills a 2 mL/h pump
    first = compute_sheet(library, "FOLFOX-6", patient, options)
    second = compute_sheet(library, "FOLFOX-6", patient, options)
    codes = [w.code for w in first.warnings]
    assert "PUMP_VOLUME_EXCEEDED" in codes
    assert first.warnings == second.warnings
    for mine, theirs in zip(first.warnings, second.warnings, strict=True):
        assert mine is not theirs
        assert mine.params is not theirs.params


def test_equal_options_made_afresh_give_equal_doses(library) -> None:  # type: ignore[no-untyped-def]
    """compute_sheet without options makes SheetOptions() each time; 80 % differs.
    1.82 m²: oxaliplatin 85 × 1.82 = 154.7 → 155 mg; at 80 %, 123.76 → 124 mg."""
    patient = make_patient(height="170", weight="70")
    doses = [
        compute_sheet(library, "FOLFOX-6", patient, options).days[0].administrations[0].dose_mg
        for options in (None, SheetOptions(), SheetOptions(dose_level_percent=80), None)
    ]
    assert doses == [155.0, 155.0, 124.0, 155.0]


_KG_AND_M2 = """
# Test fixture: a made-up regimen; not for clinical use.
id = "TEST-KG-M2"
name = "Trastuzumab 6 mg/kg with fluorouracil 400 mg/m2 (test fixture)"
description = "Fixture: a per-kg and a per-m2 dose in one sheet."
setting = "Tests only."
cycle_length_days = 21

[[references]]
citation = "Test fixture."

[[components]]
drug = "trastuzumab"
dose = "6 mg/kg"
days = "1"
route = "IV"
method = "infusion"
duration = "30 min"
order = 1
source = "test"

[[components]]
drug = "fluorouracil"
dose = "400 mg/m2"
days = "1"
route = "IV"
method = "bolus"
order = 2
source = "test"
"""


def test_per_kg_dose_is_not_remembered_by_bsa(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Same BSA, different weights: each patient gets their own per-kg dose.

    By hand: 170 × 70 = 175 × 68 = 11900, so both patients have Mosteller
    √(11900 / 3600) = 1.8181 → 1.82 m² and fluorouracil 400 × 1.82 = 728 mg; trastuzumab
    is 6 × 70 = 420 mg and 6 × 68 = 408 mg (a dose remembered by BSA would give the
    second patient 420 mg).
    """
    (tmp_path / "drugs.toml").write_text(
        '[[drug]]\ninn = "trastuzumab"\nsources = ["test fixture"]\n', encoding="utf-8"
    )
    (tmp_path / "kg-m2.toml").write_text(_KG_AND_M2, encoding="utf-8")
    library = load_library([tmp_path], use_env=False)
    got = []
    for height, weight in ((170, 70), (175, 68), (170, 70)):
        result = compute_sheet(library, "TEST-KG-M2", make_patient(height=height, weight=weight))
        assert result.bsa_m2 == 1.82
        got.append([(a.drug, a.dose_mg) for a in result.days[0].administrations])
    assert got == [
        [("trastuzumab", 420), ("fluorouracil", 728)],
        [("trastuzumab", 408), ("fluorouracil", 728)],
        [("trastuzumab", 420), ("fluorouracil", 728)],
    ]


# --- two tablet strengths -----------------------------------------------------------------


@pytest.mark.parametrize(
    "strengths",
    [(500, 150), (150, 500), (100, 25), (25, 100), (300, 7), (2, 1), (500, 1)],
    ids=str,
)
def test_two_strengths_equal_the_search_on_every_dose(strengths: tuple[int, int]) -> None:
    """Every whole dose 0-5,000 mg: the closed form for two strengths gives the counts
    of the fewest tablets (None where no combination makes the dose).

    The expected counts come from one dynamic programme over every amount up to 5,000 mg
    (the search ``_fewest_tablets`` runs once per dose; it agrees at the checked doses).
    """
    top = 5000
    best: list[tuple[int, int] | None] = [None] * (top + 1)
    best[0] = (0, 0)
    for amount in range(1, top + 1):
        options = []
        for index, strength in enumerate(strengths):
            previous = best[amount - strength] if amount >= strength else None
            if previous is not None:
                counts = list(previous)
                counts[index] += 1
                options.append((counts[0] + counts[1], counts[0], counts[1]))
        if options:
            _, first, second = min(options)
            best[amount] = (first, second)
    for dose in range(top + 1):
        assert _rounding.tablet_combination(float(dose), strengths) == best[dose], dose
    for dose in (0, 1, 7, 150, 650, 1150, 1999, top):
        assert _rounding._fewest_tablets(dose, list(strengths)) == best[dose], dose


def test_two_strengths_1150_mg() -> None:
    """1150 mg of 500/150 mg (by hand): 2 × 500 + 1 × 150, three tablets; 700 mg cannot
    be made of 500 and 150 (700 − 500 = 200 and 700 are not multiples of 150) → None."""
    assert _rounding.tablet_combination(1150.0, (500.0, 150.0)) == (2, 1)
    assert _rounding.tablet_combination(700.0, (500.0, 150.0)) is None


# --- cold start: no command imports pint for bare numbers or common units (issue 23) ------

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "cold_start.py"

_RUN_EACH = """
import contextlib, io, json, sys
from regimens._cli import main
found = {}
for name, argv in json.loads(sys.argv[1]).items():
    code = 0
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    found[name] = [code, "pint" in sys.modules]
print(json.dumps(found))
"""


@pytest.mark.subprocess
def test_no_command_of_the_benchmark_imports_pint(tmp_path: Path) -> None:
    """sheet, calendar, check, assess, course, next, list, show, bsa and crcl, each with
    bare numbers and with units (cm, m, in, ft, kg, g, lb, mg/dL, µmol/L, umol/L,
    mL/min: the benchmark's own arguments), run in one fresh process one after the
    other: each succeeds (exit 0, so it did read its values) and pint is still not
    imported after it."""
    spec = importlib.util.spec_from_file_location("cold_start", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    argvs = {
        name: argv[1:]
        for name, argv in benchmark.commands("regimens", benchmark.bare_copy(tmp_path)).items()
        if name != benchmark.REFERENCE
    }
    commands = {name.split()[0] for name in argvs}
    assert commands == {
        *("sheet", "calendar", "check", "assess", "course", "next"),
        *("list", "show", "bsa", "crcl"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUN_EACH, json.dumps(argvs)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found == {name: [0, False] for name in argvs}
    spellings = " ".join(" ".join(argv) for argv in argvs.values())
    for unit in ("cm", " m", "in", "ft", "kg", " g", "lb", "mg/dL", "µmol/L", "umol/L", "mL/min"):
        assert unit in spellings, unit


#: A subprocess's call of the CLI with its own arguments: ``code`` is the exit status.
_CALL_MAIN = """
from regimens._cli import main
code = 0
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
"""

_RUN_ONE = (
    "import contextlib, io, json, sys"
    + _CALL_MAIN
    + """unwanted = ("tomllib", "regimens._render.sheet_json")
print(json.dumps([code, sorted(name for name in sys.modules if name.startswith(unwanted))]))
"""
)


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "argv",
    [
        ["sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"],
        [
            *("sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"),
            *("--with", "ZOLEDRONIC-ACID"),
        ],
        ["list"],
        ["show", "FOLFOX-6"],
    ],
    ids=["sheet", "sheet-with-supportive", "list", "show"],
)
def test_the_builtin_library_is_read_without_tomllib(argv: list[str]) -> None:
    """The built-in files' parse ships with the package (src/regimens/_read/parsed_toml.py):
    a command that reads only them never imports tomllib, and a sheet drawn as a table
    does not import the JSON document's renderer."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_ONE, *argv], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [0, []]


_SCHEMAS_AT_IMPORT = """
import importlib, json, pkgutil, sys
import regimens._models as package
from regimens._models.base import Frozen
for info in pkgutil.iter_modules(package.__path__):
    importlib.import_module("regimens._models." + info.name)
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
built = sorted(cls.__qualname__ for cls in subclasses(Frozen) if cls.__pydantic_complete__)
print(json.dumps([built, "pydantic.plugin._loader" in sys.modules]))
"""


@pytest.mark.subprocess
def test_importing_the_models_builds_no_schema() -> None:
    """Every model's schema is built on first use (``defer_build``), none at import: a
    ``model_rebuild`` at import cost every command about 20 ms (docs/performance.md,
    sixth pass). The import of every model module leaves every model incomplete, and
    pydantic has not looked for plugins, which it does on its first schema."""
    done = subprocess.run(
        [sys.executable, "-c", _SCHEMAS_AT_IMPORT], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [[], False]


def test_cumulative_limit_resolves_its_dose_when_first_used() -> None:
    """CumulativeLimit (drug_data.py) names Dose (regimen.py), which regimen.py puts into
    drug_data's namespace: the model builds and validates on first use. Epirubicin's
    limit as drugs.toml holds it, 900 mg/m² (epirubicin US label, boxed warning), and a
    dose in the wrong unit for its basis refused by Dose's own check."""
    from pydantic import ValidationError

    from regimens._models.drug_data import CumulativeLimit
    from regimens._models.regimen import Dose

    dose = {"text": "900 mg/m2", "amount": 900, "basis": "per_m2", "unit": "mg/m2"}
    limit = CumulativeLimit.model_validate({"limit": dose, "source": "epirubicin US label"})
    assert isinstance(limit.limit, Dose)
    assert (limit.limit.amount, limit.limit.unit) == (900, "mg/m2")
    with pytest.raises(ValidationError, match="canonical unit"):
        CumulativeLimit.model_validate(
            {"limit": {**dose, "unit": "mg/kg"}, "source": "epirubicin US label"}
        )


_PLUGINS = (
    """import contextlib, io, json, sys
import regimens
from regimens._calc.dosing import compute_sheet
before = "pydantic.plugin._loader" in sys.modules"""
    + _CALL_MAIN
    + """loader = sys.modules["pydantic.plugin._loader"]
print(json.dumps([before, code, loader.__doc__, list(loader.get_plugins())]))
"""
)


@pytest.mark.subprocess
def test_the_cli_skips_pydantic_plugin_discovery() -> None:
    """The ``regimens`` process puts a loader that finds no plugin in place of pydantic's
    (which imports importlib.metadata and reads every installed package's entry points);
    ``import regimens`` alone does not."""
    argv = ["sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"]
    done = subprocess.run(
        [sys.executable, "-c", _PLUGINS, *argv], capture_output=True, text=True, check=True
    )
    before, code, doc, plugins = json.loads(done.stdout)
    assert (before, code, plugins) == (False, 0, [])
    assert doc.startswith("regimens' stand-in")


def test_pydantic_still_asks_its_loader_by_the_names_the_stand_in_has() -> None:
    """The stand-in works only while pydantic imports ``get_plugins`` from
    ``pydantic.plugin._loader`` when it builds a validator: a pydantic release that
    changes this fails here, not silently in the CLI."""
    import inspect

    from pydantic.plugin import _loader, _schema_validator

    assert callable(_loader.get_plugins)
    assert _loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
    assert "from ._loader import get_plugins" in inspect.getsource(_schema_validator)

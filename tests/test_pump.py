"""Filling a pump (``_calc/pump.py``): a pump that does not fit says what is needed.

Issue 17: a 5-FU dose larger than the pump printed an impossible recipe ("92 mL =
115.7 mL of drug + 0.0 mL of diluent") with a final concentration above the stock's.
"""

from __future__ import annotations

import pytest

from conftest import run
from regimens._calc.dosing import DrugDoseLevel, SheetOptions, compute_sheet
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import bundle_json, sheet_bundle
from regimens._render.sheet import sheet_csv, sheet_table

#: 190 cm, 110 kg, Mosteller √(190 × 110 / 3600) = 2.4095 → 2.41 m². 5-FU 2400 mg/m² ×
#: 2.41 = 5784 mg; at 50 mg/mL 115.68 mL; a 2 mL/h pump holds 2 × 46 = 92 mL. The lowest
#: rate that holds it: 115.68 / 46 = 2.5148 mL/h, rounded UP to the next 0.1 mL/h: 2.6
#: (2.6 × 46 = 119.6 mL holds it; 2.5 × 46 = 115 mL does not). The tool does not know
#: which pump rates a unit stocks: it gives the minimum, never a rounded-down one.
LARGE = {"height": 190, "weight": 110}
PUMP = "sheet FOLFOX-6 --height 190 --weight 110 --pump-rate 2"


def _sheet(library: Library, patient: dict[str, float], **options: object) -> DoseSheet:
    return compute_sheet(library, "FOLFOX-6", make_patient(**patient), SheetOptions(**options))  # type: ignore[arg-type]


def _infusion(result: DoseSheet) -> Administration:
    (item,) = [a for a in result.days[0].administrations if a.method == "continuous_infusion"]
    return item


def test_a_pump_too_small_gives_the_volume_and_rate_needed(library: Library) -> None:
    """5784 mg = 115.68 mL > 92 mL: no diluent, no final concentration, 2.6 mL/h needed."""
    pump = _infusion(_sheet(library, LARGE, pump_rate_ml_per_h=2)).pump
    assert pump is not None
    assert pump.fits is False
    assert pump.drug_volume_ml == pytest.approx(115.68)
    assert pump.pump_volume_ml == 92
    assert (pump.diluent_ml, pump.final_concentration_mg_per_ml) == (None, None)
    assert pump.min_rate_ml_per_h == pytest.approx(2.6)


@pytest.mark.parametrize(
    ("percent", "dose", "fits", "min_rate"),
    [
        # 4800 × 95.82 % = 4599.36 → 4599 mg = 91.98 mL: fits; 91.98 / 46 = 1.9996 → 2.0
        pytest.param(95.82, 4599, True, 2.0, id="91.98 mL: just below 92, fits"),
        # 4600 mg = 92 mL exactly: fits, no diluent
        pytest.param(95.84, 4600, True, 2.0, id="92 mL: exactly, fits"),
        # 4601 mg = 92.02 mL: does not fit; 92.02 / 46 = 2.0004 → 2.1 mL/h
        pytest.param(95.86, 4601, False, 2.1, id="92.02 mL: just above, 2.1 mL/h"),
    ],
)
def test_pump_fit_at_and_around_its_volume(
    library: Library, percent: float, dose: float, fits: bool, min_rate: float
) -> None:
    """BSA 2.00 m² (180 cm, 80 kg): 5-FU 2400 × 2.00 = 4800 mg × level, 1 mg steps."""
    result = _sheet(
        library,
        {"height": 180, "weight": 80},
        pump_rate_ml_per_h=2,
        drug_dose_levels=(DrugDoseLevel(drug="fluorouracil", percent=percent),),
    )
    item = _infusion(result)
    assert item.dose_mg == dose
    pump = item.pump
    assert pump is not None
    assert pump.fits is fits
    assert pump.min_rate_ml_per_h == pytest.approx(min_rate)
    if fits:
        assert pump.final_concentration_mg_per_ml is not None
        assert pump.final_concentration_mg_per_ml <= pump.drug_concentration_mg_per_ml
    else:
        assert pump.final_concentration_mg_per_ml is None


def test_no_format_prints_an_impossible_recipe(library: Library) -> None:
    """Table, CSV, JSON and FHIR: "does not fit", the volume and rate needed, no recipe."""
    result = _sheet(library, LARGE, pump_rate_ml_per_h=2)
    table = sheet_table(result)
    assert (
        "pump 92 mL at 2 mL/h does not fit: needs ≥ 115.7 mL (a pump of at least 2.6 mL/h)"
    ) in table
    assert "0.0 mL of diluent" not in table
    assert "final concentration" not in table
    row = next(r for r in sheet_csv(result).splitlines() if ",continuous_infusion," in r)
    assert ",92,115.7,," in row  # pump volume, drug volume (as printed), no diluent
    text = bundle_json(sheet_bundle(result))
    assert "DOES NOT FIT" in text
    assert "2.6 mL/h" in text
    assert "diluent" not in text


def test_warning_gives_the_rate_needed() -> None:
    """PUMP_VOLUME_EXCEEDED (blocking, exit 3) names the minimum rate, in both languages."""
    code, out, _ = run(PUMP)
    assert code == 3
    assert (
        "BLOCKING PUMP_VOLUME_EXCEEDED [fluorouracil]: fluorouracil 5784 mg at 50 mg/mL is "
        "115.7 mL, more than the 92 mL a 2 mL/h pump holds over 46 h: choose a pump of at "
        "least 2.6 mL/h"
    ) in out
    _, out, _ = run(PUMP + " --lang fr")
    assert "choisir un diffuseur d'au moins 2,6 mL/h" in out
    assert "ne suffit pas : il faut ≥ 115,7 mL (un diffuseur d'au moins 2,6 mL/h)" in out
    assert "0.0 mL de diluant" not in out

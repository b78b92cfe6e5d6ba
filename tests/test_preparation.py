"""Preparing infusions (issue 19, ``_calc/preparation.py``, docs/dispensing.md): volumes
to draw, vials, diluent, final volume, vial sharing. Every expected value is worked by
hand in the comments.

Patients: Mosteller √(height × weight / 3600):
- 200 cm × 72 kg: √(14400 / 3600) = √4 = 2.00 m²;
- 180 cm × 64.8 kg: √(11664 / 3600) = √3.24 = 1.80 m².

Rules (docs/dispensing.md, Infusions): volume = dose ÷ concentration to the nearest
0.1 mL, half up, and the dose drawn is that volume × the concentration; vials: the
fewest (= ceil(dose ÷ largest vial)), then the least waste; final volume: the smallest
labelled bag whose final concentration is in range, plus the drug's volume.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import run
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._calc.preparation import choose_vials, volume_to_draw
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.concentration import read_concentrations
from regimens._read.library import Library
from regimens._read.patient import make_patient

BSA_200 = {"height": 200, "weight": 72}
BSA_180 = {"height": 180, "weight": 64.8}
LIBRARY = Path(__file__).parent.parent / "regimen_library"


def _sheet(
    library: Library, regimen: str, patient: dict[str, float], **options: object
) -> DoseSheet:
    sheet = compute_sheet(
        library,
        regimen,
        make_patient(crcl=90, **patient),
        SheetOptions(**options),  # type: ignore[arg-type]
    )
    assert sheet.bsa_m2 in (1.80, 2.00)
    return sheet


def _item(sheet: DoseSheet, drug: str, method: str | None = None) -> Administration:
    (item,) = [
        a
        for a in sheet.days[0].administrations
        if a.drug == drug and (method is None or a.method == method)
    ]
    return item


def _vials(item: Administration) -> dict[float, int] | None:
    assert item.preparation is not None
    vials = item.preparation.vials
    return None if vials is None else {v.size_mg: v.count for v in vials}


# --- the rules themselves -------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "concentration", "volume"),
    [
        (170, 5, 34.0),  # 170 / 5 = 34
        (135, 20, 6.8),  # 6.75 → 6.8 (half up)
        (728, 50, 14.6),  # 14.56 → 14.6
        (3.5, 0.8, 4.4),  # 4.375 → 4.4 (the zoledronic acid label's 4.4 mL for 3.5 mg)
        (4.96, 0.8, 6.2),  # 6.2 exactly: float noise must not add a step
        (14.4, 8, 1.8),
    ],
)
def test_volume_is_rounded_to_the_nearest_tenth_half_up(
    dose: float, concentration: float, volume: float
) -> None:
    assert volume_to_draw(dose, concentration) == volume


@pytest.mark.parametrize(
    ("dose", "sizes", "expected"),
    [
        # one 200 mg vial covers 170: fewest is 1, waste 30
        (170, (50, 100, 200), {200: 1}),
        # 260 needs 2 (ceil 260/200); 200+100 = 300 wastes 40, 200+200 wastes 140
        (260, (50, 100, 200), {200: 1, 100: 1}),
        # 720 needs 2 (ceil 720/500); 500+300 = 800 is the least waste of two vials
        (720, (50, 100, 200, 300, 500), {500: 1, 300: 1}),
        # fewest first: one 500 mg vial for 324 mg (waste 176), not 300 + 40 (waste 16)
        (324, (40, 100, 300, 500), {500: 1}),
        # 5040 (5-FU bolus 720 + pump 4320): two vials, 5000 + 250
        (5040, (250, 500, 1000, 2500, 5000), {5000: 1, 250: 1}),
        # exact: 800 = 500 + 300, no waste
        (800, (50, 100, 200, 300, 500), {500: 1, 300: 1}),
    ],
)
def test_vials_are_the_fewest_then_the_least_waste(
    dose: float, sizes: tuple[float, ...], expected: dict[float, int]
) -> None:
    assert {v.size_mg: v.count for v in choose_vials(dose, sizes)} == expected


# --- the worked example: FOLFOX-6 at 2.00 m² ----------------------------------


def test_folfox6_at_2_m2(library: Library) -> None:
    """Oxaliplatin 85 × 2 = 170 mg at 5 mg/mL = 34.0 mL in glucose 5 %; one 200 mg vial
    (waste 30 mg); 250 mL bag + 34 mL = 284 mL, 170 / 284 = 0.599 mg/mL (in 0.2–0.7);
    over 2 h: 284 / 2 = 142 mL/h. Fluorouracil bolus 400 × 2 = 800 mg at 50 mg/mL =
    16.0 mL, one 1000 mg vial (waste 200 mg)."""
    sheet = _sheet(library, "FOLFOX-6", BSA_200)
    oxaliplatin = _item(sheet, "oxaliplatin").preparation
    assert oxaliplatin is not None
    assert oxaliplatin.concentration_mg_per_ml == 5
    assert oxaliplatin.volume_ml == 34.0
    assert oxaliplatin.dose_drawn_mg == 170
    assert _vials(_item(sheet, "oxaliplatin")) == {200: 1}
    assert oxaliplatin.waste_mg == 30
    assert oxaliplatin.diluents == ("glucose_5",)
    assert oxaliplatin.final_volume_ml == 284
    assert oxaliplatin.final_concentration_mg_per_ml == pytest.approx(170 / 284)
    assert oxaliplatin.rate_ml_per_h == 142
    bolus = _item(sheet, "fluorouracil", "bolus").preparation
    assert bolus is not None
    assert (bolus.concentration_mg_per_ml, bolus.volume_ml, bolus.waste_mg) == (50, 16.0, 200)
    assert _vials(_item(sheet, "fluorouracil", "bolus")) == {1000: 1}
    assert bolus.final_volume_ml is None
    assert bolus.rate_ml_per_h is None
    assert not [w for w in sheet.warnings if w.code == "FINAL_CONCENTRATION_OUT_OF_RANGE"]


# --- every IV drug of the library at two BSAs -----------------------------------------

#: regimen, drug, method, patient, options → concentration, volume, vials, waste, final volume
CASES = [
    # FOLFOX-6 at 1.80: oxaliplatin 153 mg → 30.6 mL, 200 mg vial, waste 47, 280.6 mL
    ("FOLFOX-6", "oxaliplatin", None, BSA_180, {}, 5, 30.6, {200: 1}, 47, 280.6),
    # folinic acid 400 × 1.8 = 720 mg at 10 mg/mL → 72.0 mL; 500 + 300 (waste 80); no bag
    ("FOLFOX-6", "folinic acid", None, BSA_180, {}, 10, 72.0, {500: 1, 300: 1}, 80, None),
    # ... at 2.00: 800 mg → 80.0 mL; 500 + 300 exactly
    ("FOLFOX-6", "folinic acid", None, BSA_200, {}, 10, 80.0, {500: 1, 300: 1}, 0, None),
    # 5-FU bolus 400 × 1.8 = 720 mg → 14.4 mL; one 1000 mg vial (waste 280)
    ("FOLFOX-6", "fluorouracil", "bolus", BSA_180, {}, 50, 14.4, {1000: 1}, 280, None),
    # 5-FU pump 2400 × 1.8 = 4320 mg → 86.4 mL; one 5000 mg vial (waste 680)
    (
        "FOLFOX-6",
        "fluorouracil",
        "continuous_infusion",
        BSA_180,
        {},
        50,
        86.4,
        {5000: 1},
        680,
        None,
    ),
    # ... at 2.00: 4800 mg → 96.0 mL, one 5000 mg vial (waste 200)
    (
        "FOLFOX-6",
        "fluorouracil",
        "continuous_infusion",
        BSA_200,
        {},
        50,
        96.0,
        {5000: 1},
        200,
        None,
    ),
    # FOLFIRI irinotecan 180 × 1.8 = 324 mg at 20 mg/mL → 16.2 mL; one 500 mg vial
    # (fewest first: waste 176); 250 + 16.2 = 266.2 mL, 324 / 266.2 = 1.22 (0.12–2.8)
    ("FOLFIRI", "irinotecan", None, BSA_180, {}, 20, 16.2, {500: 1}, 176, 266.2),
    # ... at 2.00: 360 mg → 18.0 mL; 500 mg vial (waste 140); 268 mL
    ("FOLFIRI", "irinotecan", None, BSA_200, {}, 20, 18.0, {500: 1}, 140, 268),
    # EOX epirubicin 50 × 1.8 = 90 mg at 2 mg/mL → 45.0 mL; one 100 mg vial (waste 10);
    # a bolus: no bag
    ("EOX", "epirubicin", None, BSA_180, {}, 2, 45.0, {100: 1}, 10, None),
    # ... at 2.00: 100 mg → 50.0 mL; one 100 mg vial, no waste
    ("EOX", "epirubicin", None, BSA_200, {}, 2, 50.0, {100: 1}, 0, None),
    # EOX oxaliplatin 130 × 1.8 = 234 mg → 46.8 mL; 200 + 50 (waste 16). In 250 mL:
    # 234 / 296.8 = 0.788 > 0.7, so the 500 mL bag: 546.8 mL, 0.428 mg/mL
    ("EOX", "oxaliplatin", None, BSA_180, {}, 5, 46.8, {200: 1, 50: 1}, 16, 546.8),
    # ... at 2.00: 260 mg → 52.0 mL; 200 + 100 (waste 40); 260 / 302 = 0.861 → 552 mL
    ("EOX", "oxaliplatin", None, BSA_200, {}, 5, 52.0, {200: 1, 100: 1}, 40, 552),
    # docetaxel 75 × 1.8 = 135 mg at 20 mg/mL (given) → 6.75 → 6.8 mL (136 mg drawn);
    # no vial sizes in the library; 250 + 6.8 = 256.8 mL, 136 / 256.8 = 0.53 (0.3–0.74)
    (
        "DOCETAXEL",
        "docetaxel",
        None,
        BSA_180,
        {"docetaxel": 20},
        20,
        6.8,
        None,
        None,
        256.8,
    ),
    # ... at 2.00: 150 mg → 7.5 mL; 257.5 mL
    (
        "DOCETAXEL",
        "docetaxel",
        None,
        BSA_200,
        {"docetaxel": 20},
        20,
        7.5,
        None,
        None,
        257.5,
    ),
    # zoledronic acid 4 mg (flat) at 0.8 mg/mL → 5.0 mL, the 4 mg vial; 100 + 5 = 105 mL
    ("ZOLEDRONIC-ACID", "zoledronic acid", None, BSA_180, {}, 0.8, 5.0, {4: 1}, 0, 105),
    ("ZOLEDRONIC-ACID", "zoledronic acid", None, BSA_200, {}, 0.8, 5.0, {4: 1}, 0, 105),
]


@pytest.mark.parametrize(
    ("regimen", "drug", "method", "patient", "given", "conc", "volume", "vials", "waste", "final"),
    CASES,
)
def test_every_iv_drug_at_two_bsas(
    library: Library,
    regimen: str,
    drug: str,
    method: str | None,
    patient: dict[str, float],
    given: dict[str, float],
    conc: float,
    volume: float,
    vials: dict[float, int] | None,
    waste: float | None,
    final: float | None,
) -> None:
    concentrations = read_concentrations([f"{d}={c} mg/mL" for d, c in given.items()], library)
    sheet = _sheet(library, regimen, patient, concentrations=concentrations)
    item = _item(sheet, drug, method)
    prep = item.preparation
    assert prep is not None
    assert prep.concentration_mg_per_ml == conc
    assert prep.volume_ml == volume
    assert prep.dose_drawn_mg == pytest.approx(volume * conc)
    assert _vials(item) == vials
    assert prep.waste_mg == (pytest.approx(waste) if waste is not None else None)
    assert prep.final_volume_ml == (pytest.approx(final) if final is not None else None)
    if final is not None:
        assert prep.final_concentration_mg_per_ml == pytest.approx(volume * conc / final)
    assert not [w for w in sheet.warnings if w.code == "FINAL_CONCENTRATION_OUT_OF_RANGE"]


def test_zoledronic_acid_renal_dose_draws_the_labelled_volume(library: Library) -> None:
    """CrCl 55 → 3.5 mg: 3.5 / 0.8 = 4.375 → 4.4 mL (the label's own 4.4 mL), which
    holds 3.52 mg; from the 4 mg vial, 0.48 mg is waste."""
    sheet = compute_sheet(
        library, "ZOLEDRONIC-ACID", make_patient(crcl=55, **BSA_200), SheetOptions()
    )
    prep = _item(sheet, "zoledronic acid").preparation
    assert prep is not None
    assert (prep.volume_ml, prep.dose_drawn_mg) == (4.4, pytest.approx(3.52))
    assert prep.waste_mg == pytest.approx(0.48)


# --- overriding the concentration; docetaxel without one ------------------------------


def test_fluorouracil_at_25_mg_per_ml(library: Library) -> None:
    """800 mg at 25 mg/mL = 32.0 mL; the pump 4800 / 25 = 192.0 mL; the library's vials
    are of its 50 mg/mL product, so none are counted."""
    given = read_concentrations(["fluorouracil=25mg/mL"], library)
    sheet = _sheet(library, "FOLFOX-6", BSA_200, concentrations=given)
    bolus = _item(sheet, "fluorouracil", "bolus").preparation
    pump = _item(sheet, "fluorouracil", "continuous_infusion").preparation
    assert bolus is not None
    assert pump is not None
    assert (bolus.volume_ml, bolus.concentration_given, bolus.vials) == (32.0, True, None)
    assert pump.volume_ml == 192.0
    assert sheet.vial_use == ()


def test_the_pump_takes_the_given_concentration(library: Library) -> None:
    """4800 mg at 25 mg/mL = 192 mL: more than a 2 mL/h × 46 h = 92 mL pump holds."""
    given = read_concentrations(["5-FU=25 mg/mL"], library)
    sheet = _sheet(library, "FOLFOX-6", BSA_200, concentrations=given, pump_rate_ml_per_h=2)
    pump = _item(sheet, "fluorouracil", "continuous_infusion").pump
    assert pump is not None
    assert (pump.drug_concentration_mg_per_ml, pump.drug_volume_ml, pump.fits) == (25, 192, False)


def test_pump_and_preparation_agree(library: Library) -> None:
    """5 mL/h × 46 h = 230 mL pump holds 4800 mg: final volume 230 mL, 4800 / 230 =
    20.87 mg/mL, rate 5 mL/h: the preparation's final values are the pump's."""
    sheet = _sheet(library, "FOLFOX-6", BSA_200, pump_rate_ml_per_h=5)
    item = _item(sheet, "fluorouracil", "continuous_infusion")
    assert item.pump is not None
    assert item.preparation is not None
    assert item.preparation.final_volume_ml == item.pump.pump_volume_ml == 230
    assert item.preparation.final_concentration_mg_per_ml == pytest.approx(4800 / 230)
    assert item.preparation.rate_ml_per_h == 5


def test_docetaxel_without_a_concentration_says_so(library: Library) -> None:
    sheet = _sheet(library, "DOCETAXEL", BSA_200)
    prep = _item(sheet, "docetaxel").preparation
    assert prep is not None
    assert prep.concentration_mg_per_ml is None
    assert prep.volume_ml is None
    assert prep.diluents == ("sodium_chloride_0_9", "glucose_5")
    _, out, _ = run("sheet DOCETAXEL --height 200 --weight 72 --crcl 90")
    assert "concentration not given: give --concentration" in out
    _, out, _ = run("sheet DOCETAXEL --height 200 --weight 72 --crcl 90 --lang fr")
    assert "concentration non fournie : indiquer --concentration" in out


def test_a_dose_too_dilute_for_any_bag_is_a_caution(library: Library) -> None:
    """Docetaxel 75 × 1.8 × 50 % = 67.5 → 68 mg at 20 mg/mL = 3.4 mL; in 250 mL:
    68 / 253.4 = 0.268 mg/mL, below 0.3; the 500 mL bag is more dilute still: the
    smallest bag is kept, with FINAL_CONCENTRATION_OUT_OF_RANGE."""
    given = read_concentrations(["docetaxel=20mg/mL"], library)
    sheet = _sheet(library, "DOCETAXEL", BSA_180, concentrations=given, dose_level_percent=50)
    prep = _item(sheet, "docetaxel").preparation
    assert prep is not None
    assert prep.final_volume_ml == pytest.approx(253.4)
    (warning,) = [w for w in sheet.warnings if w.code == "FINAL_CONCENTRATION_OUT_OF_RANGE"]
    assert warning.severity == "caution"
    assert dict(warning.params) == {
        "drug": "docetaxel",
        "concentration": "0.268",
        "volume": "253.4",
        "range": "0.3–0.74",
    }


def test_no_preparation_for_oral_or_withheld_doses(library: Library) -> None:
    """Capecitabine is oral; oxaliplatin at CrCl 25 is contraindicated (withheld)."""
    sheet = compute_sheet(library, "EOX", make_patient(crcl=25, **BSA_200), SheetOptions())
    assert _item(sheet, "capecitabine").preparation is None
    oxaliplatin = _item(sheet, "oxaliplatin")
    assert oxaliplatin.withheld
    assert oxaliplatin.preparation is None


# --- vial sharing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patient", "total", "vials", "waste", "separate"),
    [
        # 720 + 4320 = 5040 mg: 5000 + 250 (waste 210); separately 280 + 680 = 960
        (BSA_180, 5040, {5000: 1, 250: 1}, 210, 960),
        # 800 + 4800 = 5600 mg: 5000 + 1000 (waste 400); separately 200 + 200 = 400
        (BSA_200, 5600, {5000: 1, 1000: 1}, 400, 400),
    ],
)
def test_fluorouracil_bolus_and_pump_share_vials(
    library: Library,
    patient: dict[str, float],
    total: float,
    vials: dict[float, int],
    waste: float,
    separate: float,
) -> None:
    sheet = _sheet(library, "FOLFOX-6", patient)
    (use,) = sheet.vial_use
    assert (use.drug, use.day, use.total_mg) == ("fluorouracil", 1, total)
    assert {v.size_mg: v.count for v in use.vials} == vials
    assert (use.waste_mg, use.separate_waste_mg) == (waste, separate)


# --- the command line, the formats -----------------------------------------------------


def test_concentration_option_and_printed_details() -> None:
    code, out, _ = run(
        "sheet FOLFOX-6 --height 200 --weight 72 --crcl 90 --concentration fluorouracil=25mg/mL"
    )
    assert code == 0
    assert "draw 32.0 mL at 25 mg/mL (800 mg)" in out
    code, out, _ = run("sheet FOLFOX-6 --height 200 --weight 72 --crcl 90")
    assert (
        "draw 34.0 mL at 5 mg/mL (170 mg), vials 1 × 200 mg, waste 30 mg, in glucose 5 %, "
        "final 284 mL at 0.60 mg/mL, 142 mL/h"
    ) in out
    assert "fluorouracil, day 1: 5600 mg from shared vials 1 × 5000 mg + 1 × 1000 mg" in out
    code, out, _ = run("sheet FOLFOX-6 --height 200 --weight 72 --crcl 90 --lang fr")
    assert "prélever 34,0 mL à 5 mg/mL (170 mg), flacons 1 × 200 mg" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fluorouracil=25", "write the unit"),
        ("fluorouracil=25 mg", "is not a concentration"),
        ("fluorouracil=0 mg/mL", "positive"),
        ("fluorouracil=2000 mg/mL", "at most 1000 mg/mL"),
        ("nodrug=2 mg/mL", "unknown drug"),
        ("capecitabine=2 mg/mL", "taken as tablets"),
        ("irinotecan=20 mg/mL", "not in FOLFOX-6"),
        ("fluorouracil", "DRUG=VALUE"),
    ],
)
def test_bad_concentrations_are_refused(value: str, message: str) -> None:
    code, _, err = run(
        ["sheet", "FOLFOX-6", "--height", "200", "--weight", "72", "--concentration", value]
    )
    assert code == 2
    assert message in err


def test_a_drug_given_twice_is_refused() -> None:
    code, _, err = run(
        "sheet FOLFOX-6 --height 200 --weight 72 --concentration 5-FU=25mg/mL "
        "--concentration fluorouracil=50mg/mL"
    )
    assert code == 2
    assert "more than one concentration for fluorouracil" in err


@pytest.mark.parametrize("command", ["check", "calendar", "assess"])
def test_the_option_is_on_every_dose_command(command: str) -> None:
    _, out, _ = run([command, "--help"])
    assert "--concentration DRUG=VALUE" in out


def test_csv_and_json_carry_the_preparation() -> None:
    _, out, _ = run("sheet FOLFOX-6 --height 200 --weight 72 --crcl 90 --format csv")
    rows = {(r["drug"], r["method"]): r for r in csv.DictReader(io.StringIO(out))}
    oxaliplatin = rows[("oxaliplatin", "infusion")]
    assert (oxaliplatin["volume_ml"], oxaliplatin["vials"], oxaliplatin["diluent"]) == (
        "34.0",
        "1x200",
        "glucose_5",
    )
    _, out, _ = run("sheet FOLFOX-6 --height 200 --weight 72 --crcl 90 --format json")
    document = json.loads(out)
    first = document["days"][0]["administrations"][0]
    assert first["preparation"]["volume_ml"] == 34.0
    assert document["vial_use"][0]["total_mg"] == 5600


def test_batch_column_concentration(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "patient_id,regimen,height,weight,crcl,concentration\n"
        "p1,FOLFOX-6,200,72,90,fluorouracil=25mg/mL\n"
        "p2,FOLFOX-6,200,72,90,fluorouracil=25\n",
        encoding="utf-8",
    )
    _, out, _ = run(["batch", "--input", str(rows), "--format", "jsonl"])
    first, second = (json.loads(line) for line in out.splitlines())
    bolus = first["days"][0]["administrations"][2]
    assert (bolus["method"], bolus["preparation"]["volume_ml"]) == ("bolus", 32.0)
    assert second["error"]["field"] == "concentration"


# --- the library file ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('vial_sizes = ["50 mg", "100 mg", "200 mg"]', "vial_sizes = []", "vial_sizes"),
        ('vial_sizes = ["4 mg"]', 'vial_sizes = ["0 mg"]', "vial_sizes"),
        ('vial_sizes = ["4 mg"]', 'vial_sizes = ["-4 mg"]', "vial_sizes"),
        ("bag_volumes_ml = [100]", "bag_volumes_ml = [0]", "bag_volumes_ml"),
        (
            'final_concentration_min = "0.2 mg/mL"',
            'final_concentration_min = "0.9 mg/mL"',
            "final_concentration_min: 0.9 mg/mL is above final_concentration_max",
        ),
        (
            'final_concentration_max = "0.7 mg/mL"',
            'final_concentration_max = "0 mg/mL"',
            "final_concentration_max",
        ),
        ('diluents = ["glucose_5"]', 'diluents = ["saline"]', "diluents"),
    ],
)
def test_validate_refuses_bad_preparation_values(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    drugs = copy / "drugs.toml"
    text = drugs.read_text(encoding="utf-8")
    assert old in text
    drugs.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run(["validate", str(copy)])
    assert code == 2
    assert "preparation." in out + err
    assert message in out + err

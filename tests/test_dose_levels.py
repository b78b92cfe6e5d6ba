"""Dose levels (issue 17): a percentage between 25 and 150, escalation confirmed, the
global level on cytotoxic and targeted drugs only, no level on a renal-table dose.

The patient is 170 cm, 70 kg: Mosteller √(170 × 70 / 3600) = 1.818 → 1.82 m². FOLFOX-6
(regimen_library/folfox-6.toml) is oxaliplatin 85, folinic acid 400, fluorouracil 400
bolus and 2400 mg/m² over 46 h; docetaxel 75 mg/m².
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run
from regimens._calc.dosing import DrugDoseLevel, SheetOptions, compute_sheet
from regimens._errors import InputError
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient

# A renal function is given: FOLFOX-6 without one is blocking (RENAL_FUNCTION_MISSING).
PATIENT = "--height 170 --weight 70 --crcl 90"


def _sheet(library: Library, regimen: str, **options: object) -> DoseSheet:
    patient = make_patient(height=170, weight=70, crcl=80)
    return compute_sheet(library, regimen, patient, SheetOptions(**options))  # type: ignore[arg-type]


def _day1(data: dict[str, object]) -> dict[str, dict[str, object]]:
    days = data["days"]
    assert isinstance(days, list)
    return {f"{a['drug']}:{a['method']}": a for a in days[0]["administrations"]}


# --- 1. a percentage, 25 to 150 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "hint"),
    [
        pytest.param("0.8", "did you mean 80 %?", id="0.8 is a fraction"),
        pytest.param("1", "did you mean 100 %?", id="1 is a fraction"),
        pytest.param("0.75", "did you mean 75 %?", id="0.75"),
    ],
)
def test_fraction_refused_with_hint(level: str, hint: str) -> None:
    """Issue 17: `--dose-level 0.8` gave oxaliplatin 1.24 mg; a value ≤ 1 is a fraction."""
    code, _, err = run(f"sheet FOLFOX-6 {PATIENT} --dose-level {level}")
    assert code == 2
    assert "--dose-level" in err
    assert hint in err


@pytest.mark.parametrize(
    ("level", "accepted"),
    [
        pytest.param("24.9", False, id="just below 25"),
        pytest.param("25", True, id="25"),
        pytest.param("150", True, id="150"),
        pytest.param("150.1", False, id="just above 150"),
        pytest.param("1.01", False, id="just above 1, below 25"),
    ],
)
def test_range_25_to_150(level: str, accepted: bool) -> None:
    """Levels below 25 % or above 150 % are refused, naming the value and the range."""
    code, _, err = run(f"sheet FOLFOX-6 {PATIENT} --dose-level {level} --confirm-escalation")
    if accepted:
        assert code == 0, err
    else:
        assert code == 2
        assert "--dose-level" in err
        assert level in err
        assert "25" in err
        assert "150" in err


@pytest.mark.parametrize("level", ["80%", "80 %", "80"])
def test_percent_sign_accepted(level: str) -> None:
    """`80%`, `80 %` and `80` are the same level: oxaliplatin 85 × 1.82 × 0.8 = 123.76 → 124 mg."""
    code, out, err = run(
        ["sheet", "FOLFOX-6", *PATIENT.split(), "--dose-level", level, "--format", "json"]
    )
    assert code == 0, err
    assert _day1(json.loads(out))["oxaliplatin:infusion"]["dose_mg"] == 124


@pytest.mark.parametrize(
    ("value", "ok"),
    [("oxaliplatin=80%", True), ("oxaliplatin=80 %:neuropathy", True), ("oxaliplatin=0.8", False)],
)
def test_drug_dose_level_percent(value: str, ok: bool) -> None:
    """`DRUG=PCT[:REASON]` takes `80%` too and refuses a fraction with the same hint."""
    code, out, err = run(
        ["sheet", "FOLFOX-6", *PATIENT.split(), "--drug-dose-level", value, "--format", "json"]
    )
    if ok:
        assert code == 0, err
        assert _day1(json.loads(out))["oxaliplatin:infusion"]["dose_mg"] == 124
    else:
        assert code == 2
        assert "--drug-dose-level" in err
        assert "did you mean 80 %?" in err


def test_python_options_refuse_fraction_and_range() -> None:
    """SheetOptions and DrugDoseLevel take numbers and check them the same way."""
    with pytest.raises(InputError, match="did you mean 80 %") as caught:
        SheetOptions(dose_level_percent=0.8)
    assert caught.value.field == "dose_level_percent"
    with pytest.raises(InputError, match="25 to 150"):
        SheetOptions(dose_level_percent=160)
    with pytest.raises(InputError, match="did you mean 75 %"):
        DrugDoseLevel(drug="oxaliplatin", percent=0.75)
    with pytest.raises(InputError, match="25 to 150"):
        DrugDoseLevel(drug="oxaliplatin", percent=20)
    assert SheetOptions(dose_level_percent=25).dose_level_percent == 25


def test_check_refuses_fraction() -> None:
    """`check` takes the same level: 0.8 is refused, not a check against 1.24 mg."""
    code, _, err = run(f"check FOLFOX-6 {PATIENT} --dose-level 0.8 --prescribed oxaliplatin=124mg")
    assert code == 2
    assert "did you mean 80 %?" in err


def test_batch_cell_fraction_refused_and_percent_accepted(tmp_path: Path) -> None:
    """A batch `dose_level` cell goes through the same check: 0.8 is a row error, 80% works."""
    source = tmp_path / "p.csv"
    source.write_text(
        "patient_id,regimen,height,weight,dose_level\n"
        "A,FOLFOX-6,170,70,0.8\n"
        "B,FOLFOX-6,170,70,80 %\n"
        "C,FOLFOX-6,170,70,180\n"
    )
    code, out, err = run(f"batch --input {source}")
    lines = [json.loads(line) for line in out.splitlines()]
    assert "did you mean 80 %?" in json.dumps(lines[0]) + err
    assert _day1(lines[1])["oxaliplatin:infusion"]["dose_mg"] == 124
    assert "25 to 150" in json.dumps(lines[2]) + err
    assert code != 0


def _course(tmp_path: Path, level: str) -> str:
    path = tmp_path / "c.toml"
    path.write_text(
        '[patient]\nheight = "170 cm"\nweight = "70 kg"\ncrcl = 90\n\n'
        f'[[lines]]\nregimen = "FOLFOX-6"\ncycles = 2\ndose_level = {level}\n'
    )
    return str(path)


@pytest.mark.parametrize(
    ("level", "error"),
    [
        pytest.param("0.8", "did you mean 80 %?", id="fraction"),
        pytest.param("200", "25 to 150", id="above 150"),
        pytest.param('"80%"', None, id="text with percent sign"),
        pytest.param("80", None, id="number"),
    ],
)
def test_course_file_levels(tmp_path: Path, level: str, error: str | None) -> None:
    """A course file's `dose_level` is read as the CLI's: `"80%"` is 80, 0.8 is refused.

    Oxaliplatin per cycle 85 × 0.8 = 68 mg/m²; two cycles 136 mg/m².
    """
    code, out, err = run(f"course {_course(tmp_path, level)} --format json")
    if error is None:
        assert code == 0, err
        assert "136" in out
    else:
        assert code == 2
        assert error in err
        assert "dose_level" in err


# --- 2. escalation above 100 % ----------------------------------------------------------


def test_escalation_blocking_unless_confirmed() -> None:
    """Issue 17: docetaxel at 180 % gave 246 mg with a caution. 75 × 1.82 × 1.8 = 245.7.

    Unconfirmed it is blocking DOSE_LEVEL_ABOVE_100 (exit 3); confirmed, a caution with the reason.
    """
    code, out, _ = run(f"sheet DOCETAXEL {PATIENT} --dose-level 120 --format json")
    assert code == 3
    data = json.loads(out)
    found = [w for w in data["warnings"] if w["code"] == "DOSE_LEVEL_ABOVE_100"]
    assert [w["severity"] for w in found] == ["blocking"]
    code, out, err = run(
        [
            "sheet",
            "DOCETAXEL",
            *PATIENT.split(),
            "--dose-level",
            "120",
            "--confirm-escalation",
            "--dose-level-reason",
            "trial protocol escalation",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    data = json.loads(out)
    found = [w for w in data["warnings"] if w["code"] == "DOSE_LEVEL_ABOVE_100"]
    assert [w["severity"] for w in found] == ["caution"]
    assert "trial protocol escalation" in found[0]["message"]


@pytest.mark.parametrize(
    ("level", "code"),
    [
        pytest.param("99.5", 0, id="99.5 is a reduction"),
        pytest.param("100", 0, id="100 is no escalation"),
        pytest.param("100.5", 3, id="100.5"),
    ],
)
def test_escalation_threshold(level: str, code: int) -> None:
    """Just below and at 100 % nothing blocks; just above 100 % is blocking (exit 3)."""
    assert run(f"sheet DOCETAXEL {PATIENT} --dose-level {level}")[0] == code


def test_drug_escalation_blocking_unless_confirmed(library: Library) -> None:
    """`DRUG=PCT:REASON` above 100: blocking without confirmation, a caution with it."""
    level = DrugDoseLevel(drug="oxaliplatin", percent=110, reason="under-dosed last cycle")
    sheet = _sheet(library, "FOLFOX-6", drug_dose_levels=(level,))
    assert sheet.blocking
    confirmed = _sheet(library, "FOLFOX-6", drug_dose_levels=(level,), confirm_escalation=True)
    assert not confirmed.blocking
    (warning,) = [w for w in confirmed.warnings if w.code == "DOSE_LEVEL_ABOVE_100"]
    assert warning.severity == "caution"
    assert "under-dosed last cycle" in warning.params["reason"]


# --- 3. the global level and a drug's role ------------------------------------------------


def test_global_level_spares_folinic_acid(library: Library) -> None:
    """FOLFOX-6 at 80 %: oxaliplatin 85 × 1.82 × 0.8 = 123.76 → 124 mg, fluorouracil bolus
    400 × 1.82 × 0.8 = 582.4 → 582 mg; folinic acid (a modulator) stays 400 × 1.82 = 728 mg.

    Source: the mFOLFOX6 dose-reduction table of Multicenter safety study of mFOLFOX6 for
    unresectable advanced/recurrent colorectal cancer in elderly patients, J Exp Clin Cancer
    Res 2009;28:109, doi:10.1186/1756-9966-28-109, Table 1, reduces oxaliplatin and 5-FU
    (bolus and infusion) and has no row for folinic acid.
    """
    sheet = _sheet(library, "FOLFOX-6", dose_level_percent=80)
    day1 = {(a.drug, a.method): a for d in sheet.days if d.day == 1 for a in d.administrations}
    assert day1[("oxaliplatin", "infusion")].dose_mg == 124
    assert day1[("fluorouracil", "bolus")].dose_mg == 582
    folinic = day1[("folinic acid", "infusion")]
    assert (folinic.dose_level_percent, folinic.dose_mg) == (100, 728)
    spared = [w for w in sheet.warnings if w.code == "DOSE_LEVEL_NOT_APPLIED"]
    assert [(w.drug, w.severity, w.params["role"]) for w in spared] == [
        ("folinic acid", "info", "modulator")
    ]


def test_per_drug_level_names_a_modulator(library: Library) -> None:
    """A per-drug level applies to folinic acid: 400 × 1.82 × 0.5 = 364 mg."""
    sheet = _sheet(
        library,
        "FOLFOX-6",
        dose_level_percent=80,
        drug_dose_levels=(DrugDoseLevel(drug="folinic acid", percent=50),),
    )
    day1 = {(a.drug, a.method): a for d in sheet.days if d.day == 1 for a in d.administrations}
    assert day1[("folinic acid", "infusion")].dose_mg == 364
    assert day1[("oxaliplatin", "infusion")].dose_mg == 124


def test_every_drug_has_a_role(library: Library) -> None:
    """Each drug of drugs.toml states its role; folinic acid is a modulator."""
    roles = {inn: library.drug(inn).role for inn in library.drugs}
    assert set(roles.values()) <= {"cytotoxic", "targeted", "modulator", "supportive"}
    assert roles["folinic acid"] == "modulator"
    assert roles["zoledronic acid"] == "supportive"
    assert roles["oxaliplatin"] == roles["fluorouracil"] == roles["irinotecan"] == "cytotoxic"


# --- 4. no level on a renal-table dose -----------------------------------------------------


def test_level_on_renal_table_drug_refused(library: Library) -> None:
    """Zoledronic acid's dose comes from its SmPC renal table (absolute doses): no level."""
    patient = make_patient(height=170, weight=70, crcl=55)
    options = SheetOptions(drug_dose_levels=(DrugDoseLevel(drug="zoledronic acid", percent=75),))
    with pytest.raises(InputError, match="zoledronic acid") as caught:
        compute_sheet(library, "FOLFOX-6", patient, options, supportive=("ZOLEDRONIC-ACID",))
    assert caught.value.field == "drug_dose_level"
    code, _, err = run(
        "sheet FOLFOX-6 --height 170 --weight 70 --crcl 55 --with ZOLEDRONIC-ACID "
        "--drug-dose-level 'zoledronic acid=75'"
    )
    assert code == 2
    assert "zoledronic acid: its dose comes from its renal table" in err

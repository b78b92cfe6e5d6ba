"""``regimens sheet`` as a pharmacist runs it: table, JSON contract, exit statuses."""

from __future__ import annotations

import json

import pytest

from conftest import run


def test_readme_main_job() -> None:
    """The README's command: FOLFOX-6 at 170 cm/70 kg, BSA 1.82 m² (Mosteller), CrCl 90
    mL/min (oxaliplatin's renal rule needs a renal function: full dose at ≥ 30).

    85 × 1.82 = 154.7 → 155 mg; 400 × 1.82 = 728 mg; 2400 × 1.82 = 4368 mg over 46 h
    = 94.96 mg/h.
    """
    code, out, err = run("sheet FOLFOX-6 --height 170cm --weight 70kg --crcl 90")
    assert code == 0, err
    assert "Body surface area    1.8181 m² unrounded → 1.82 m² used" in out
    assert "154.70" in out
    assert "4368" in out
    assert "95.0 mg/h" in out
    assert "Warnings: none" in out
    assert "To be checked by a qualified professional before use." in out


def test_table_groups_identical_days() -> None:
    """EOX days 2 to 21 carry only capecitabine: shown once as Days 2–21.

    At 1.80 m², 1125 mg per intake: 1100 (500 + 4 × 150) and 1150 (2 × 500 + 150) are
    both within 5 %; the fewest tablets (issue 19) → 1150 mg = 2 × 500 + 1 × 150.
    """
    code, out, _ = run("sheet EOX --height 180 --weight 64.8 --crcl 80")
    assert code == 0
    assert "\nDay 1\n" in out
    assert "\nDays 2–21\n" in out
    assert "2 × 500 mg + 1 × 150 mg" in out


def test_json_contract() -> None:
    """The JSON has the documented keys at every level (docs/json-output.md)."""
    code, out, _ = run("sheet EOX --height 180 --weight 64.8 --provisional --format json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "schema_version", "regimen", "cycle", "bsa_m2", "bsa_m2_unrounded", "bsa_formula",
        "patient", "days", "totals", "warnings", "provenance",
    ):  # fmt: skip
        assert key in data
    assert data["regimen"]["id"] == "EOX"
    assert data["regimen"]["cycle_length_days"] == 21
    assert data["bsa_m2"] == 1.8
    assert [day["day"] for day in data["days"]] == list(range(1, 22))
    cape = data["days"][0]["administrations"][2]
    assert cape["drug"] == "capecitabine"
    assert cape["route"] == "PO"
    assert cape["prescribed"] == "625 mg/m2"
    assert cape["intakes_per_day"] == 2
    assert cape["calculated_mg"] == pytest.approx(1125)
    # 1125 mg: 1150 = 2 × 500 + 150 (3 tablets, +2.22 %) is chosen over 1100 = 500 +
    # 4 × 150 (5 tablets, -2.22 %): the fewest tablets a day (issue 19, dispensing.md).
    assert cape["dose_mg"] == 1150
    assert cape["daily_dose_mg"] == 2300
    assert cape["deviation_percent"] == pytest.approx(2.2222, abs=1e-4)
    assert cape["dose_level_percent"] == 100
    assert cape["tablets"] == [{"strength_mg": 500, "count": 2}, {"strength_mg": 150, "count": 1}]
    assert [(i["time"], i["dose_mg"]) for i in cape["intakes"]] == [
        ("morning", 1150),
        ("evening", 1150),
    ]
    assert cape["nearest_plans"] == []
    # 21 days × 2 intakes: 500 mg × 2 × 42 = 84 (1 pack of 120), 150 mg × 42 (1 of 60).
    assert data["dispense"] == [
        {"drug": "capecitabine", "strength_mg": 500.0, "count": 84, "packs": 1},
        {"drug": "capecitabine", "strength_mg": 150.0, "count": 42, "packs": 1},
    ]
    warning = data["warnings"][0]
    assert set(warning) == {"severity", "code", "message", "drug", "params"}
    assert warning["code"] == "RENAL_RULE_NOT_CHECKED"
    assert data["provenance"]["regimen_sha256"] == data["regimen"]["sha256"]


def test_json_continuous_infusion_fields() -> None:
    """A continuous infusion carries duration_h and rate_mg_per_h (4800 mg / 46 h)."""
    _, out, _ = run("sheet FOLFOX-6 --height 180 --weight 80 --format json")
    infusion = json.loads(out)["days"][0]["administrations"][3]
    assert infusion["method"] == "continuous_infusion"
    assert infusion["duration_h"] == 46
    assert infusion["rate_mg_per_h"] == pytest.approx(104.3478, abs=1e-4)


def test_blocking_sheet_is_printed_and_exits_3() -> None:
    """A contraindication still prints the sheet, with exit status 3."""
    code, out, _ = run("sheet EOX --height 180 --weight 80 --crcl 25")
    assert code == 3
    assert "BLOCKING CONTRAINDICATED [capecitabine]" in out
    assert "WITHHELD" in out


def test_supportive_add_on() -> None:
    """FOLFOX-6 with zoledronic acid at CrCl 55: 3.5 mg (SmPC band 50–60), after FOLFOX."""
    code, out, _ = run(
        "sheet FOLFOX-6 --height 180 --weight 80 --crcl 55 --with ZOLEDRONIC-ACID --format json"
    )
    assert code == 0
    day1 = json.loads(out)["days"][0]["administrations"]
    assert [a["drug"] for a in day1][-1] == "zoledronic acid"
    assert day1[-1]["dose_mg"] == 3.5
    assert day1[-1]["regimen"] == "ZOLEDRONIC-ACID"


def test_drug_dose_level_with_reason() -> None:
    """--drug-dose-level capecitabine=75:HFS: 1250 × 0.75 = 937.5 → 950 mg, reason kept."""
    code, out, _ = run(
        "sheet EOX --height 180 --weight 80 --crcl 80 "
        "--drug-dose-level 'capécitabine=75:hand-foot syndrome' --format json"
    )
    assert code == 0
    data = json.loads(out)
    cape = data["days"][0]["administrations"][2]
    assert (cape["dose_level_percent"], cape["dose_mg"]) == (75, 950)
    assert any("hand-foot syndrome" in w["message"] for w in data["warnings"])


@pytest.mark.parametrize(
    ("command", "message"),
    [
        pytest.param(
            "sheet FOLFOX --height 170 --weight 70", "FOLFOX-6", id="unknown regimen suggests"
        ),
        pytest.param(
            "sheet FOLFOX-6 --height 170 --weight 70 --tolerance 15",
            "--tolerance: Input should be less than or equal to 10",
            id="tolerance above 10",
        ),
        pytest.param(
            "sheet FOLFOX-6 --height 170 --weight 70 --creatinine 1 --crcl 50",
            "not both",
            id="creatinine and crcl",
        ),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --drug-dose-level capecitabine",
            "DRUG=PCT",
            id="malformed drug level",
        ),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --drug-dose-level aspirin=50",
            "aspirin",
            id="unknown drug",
        ),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --creatinine 1.0",
            "age",
            id="creatinine without age",
        ),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --with ZOLEDRONIC-ACID",
            "no schedule for use with EOX",
            id="supportive without schedule",
        ),
        pytest.param("sheet EOX --weight 70", "height", id="missing height"),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --dose-level 0",
            "--dose-level: 0 % is outside the accepted dose levels, 25 to 150 %",
            id="zero dose level",
        ),
    ],
)
def test_user_mistakes(command: str, message: str) -> None:
    """Each mistake: one line on stderr naming the problem, exit 2, nothing on stdout."""
    code, out, err = run(command)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_help_groups_options_and_shows_examples() -> None:
    """sheet --help: a one-line summary, examples, and options under headings."""
    code, out, _ = run("sheet --help")
    assert code == 0
    assert out.splitlines()[2] == "  Per-day dose sheet of one cycle of REGIMEN for a patient."
    assert "Examples:" in out
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[1:] == [
        "Patient:",
        "Body surface area:",
        "Dose:",
        "Treatment-day assessment:",
        "Output:",
        "Library:",
        "Other options:",
    ]

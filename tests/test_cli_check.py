"""``regimens check`` as a pharmacist runs it: the table, the JSON, the exit statuses.

Doses worked by hand in tests/test_check.py: at 180 cm / 80 kg (BSA 2.00 m²) FOLFOX-6
is oxaliplatin 170 mg, folinic acid 800 mg, 5-FU bolus 800 mg and 46-h infusion 4800
mg; at 180 cm / 64.8 kg (1.80 m²) EOX is epirubicin 90 mg, oxaliplatin 234 mg,
capecitabine 1125 mg per intake.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run

FOLFOX = (
    "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=170mg "
    "--prescribed leucovorin=800mg --prescribed fluorouracil:bolus=800mg "
    "--prescribed fluorouracil:infusion=4800mg"
)
EOX = "check EOX --height 180 --weight 64.8 --crcl 80 --prescribed epirubicin=90mg"


def test_table_of_a_passing_check() -> None:
    """The exact table: one row per prescribed dose, nothing missing, PASS, exit 0."""
    code, out, _ = run(FOLFOX)
    assert code == 0
    assert out.splitlines()[3:] == [
        "Body surface area  2.00 m² (mosteller)",
        "Comparison         Expected dose: recalculated, before rounding; tolerance ±5%",
        "",
        "Drug          Method               Prescribed    Expected mg    "
        "Sheet mg    Dev.    Result",
        "------------  -------------------  ------------  -------------  "
        "----------  ------  --------",
        "oxaliplatin   infusion             170 mg        170.00         170         +0.00%  OK",
        "folinic acid  infusion             800 mg        800.00         800         +0.00%  OK",
        "fluorouracil  bolus                800 mg        800.00         800         +0.00%  OK",
        "fluorouracil  continuous infusion  4800 mg       4800.00        4800        +0.00%  OK",
        "",
        "Missing from the prescription: none",
        "Prescribed but not in the regimen: none",
        "",
        "Warnings: none",
        "",
        "Result: PASS (every dose within ±5%, nothing missing or extra)",
        "To be checked by a qualified professional before use.",
    ]


def test_dose_outside_tolerance_exits_1() -> None:
    """Oxaliplatin 250 mg for 234 expected: (250 − 234) / 234 = +6.84 %, outside 5 %."""
    code, out, _ = run(f"{EOX} --prescribed oxaliplatin=250mg --prescribed capecitabine=1100mg")
    assert code == 1
    row = "oxaliplatin   infusion  250 mg        234.00         234         +6.84%  OUTSIDE ±5%"
    assert row in out
    assert "Result: FAIL (1 outside tolerance)" in out


def test_wider_tolerance_passes_the_same_dose() -> None:
    """With --tolerance 10 (HOPA), +6.84 % is within: exit 0."""
    code, out, _ = run(
        f"{EOX} --prescribed oxaliplatin=250mg --prescribed capecitabine=1100mg --tolerance 10"
    )
    assert code == 0, out
    assert "Result: PASS (every dose within ±10%, nothing missing or extra)" in out


def test_missing_and_extra_exit_1() -> None:
    """Folinic acid left out and docetaxel added: both listed, exit 1."""
    code, out, _ = run(
        "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=170mg "
        "--prescribed fluorouracil:bolus=800mg --prescribed fluorouracil:infusion=4800mg "
        "--prescribed docetaxel=150mg"
    )
    assert code == 1
    missing = "Missing from the prescription\n  folinic acid infusion, day 1: expected 800.00 mg"
    assert missing in out
    assert "Prescribed but not in the regimen\n  docetaxel=150mg: docetaxel is not part of" in out
    assert "Result: FAIL (1 missing; 1 not in the regimen)" in out


def test_blocking_recalculation_exits_3() -> None:
    """Capecitabine contraindicated at CrCl 25: printed with the blocking warning, exit 3."""
    code, out, _ = run(
        "check EOX --height 180 --weight 64.8 --crcl 25 --prescribed epirubicin=90mg "
        "--prescribed oxaliplatin=234mg --prescribed capecitabine=1100mg"
    )
    assert code == 3
    assert "BLOCKING CONTRAINDICATED [capecitabine]" in out
    assert "WITHHELD" in out


def test_json_contract() -> None:
    """The JSON has the keys the issue names, with the hand-worked values."""
    code, out, _ = run(f"{FOLFOX} --format json")
    assert code == 0
    data = json.loads(out)
    for key in ("tolerance_percent", "results", "missing", "extra", "warnings", "ok"):
        assert key in data
    assert data["tolerance_percent"] == 5
    assert data["ok"] is True
    first = data["results"][0]
    assert {
        "drug",
        "method",
        "prescribed_mg",
        "expected_mg",
        "deviation_percent",
        "within_tolerance",
    } <= set(first)
    assert [[r["drug"], r["method"], r["expected_mg"]] for r in data["results"]] == [
        ["oxaliplatin", "infusion", 170],
        ["folinic acid", "infusion", 800],
        ["fluorouracil", "bolus", 800],
        ["fluorouracil", "continuous_infusion", 4800],
    ]


def test_json_of_a_failed_check() -> None:
    """ok is false and the result says why, in JSON too; the exit status is still 1."""
    code, out, _ = run(f"{EOX} --prescribed capecitabine=2200mg --format json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    cape = data["results"][1]
    assert (cape["prescribed_mg"], cape["expected_mg"], cape["within_tolerance"]) == (
        2200,
        1125,
        False,
    )
    assert cape["deviation_percent"] == pytest.approx(95.5556, abs=1e-4)
    assert cape["notes"][0]["code"] == "LOOKS_DAILY"
    assert [m["drug"] for m in data["missing"]] == ["oxaliplatin"]


def test_french_table() -> None:
    """--lang fr: French labels and drug names, the verdict in French."""
    code, out, _ = run(f"{FOLFOX} --lang fr")
    assert code == 0
    assert "Vérification d'une prescription" in out
    assert "fluorouracile    perfusion continue  4 800 mg" in out
    assert "Résultat : CONFORME" in out


def test_csv_rows() -> None:
    """CSV: one row per result, then missing and extra rows, numbers unrounded."""
    code, out, _ = run(
        "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=178.6mg "
        "--format csv"
    )
    assert code == 1
    rows = out.splitlines()
    assert rows[0].startswith("regimen_id,cycle,status,drug,method,day,prescribed")
    assert rows[1].startswith("FOLFOX-6,1,outside,oxaliplatin,infusion,1,oxaliplatin=178.6mg,")
    assert [row.split(",")[2] for row in rows[2:]] == ["missing", "missing", "missing"]


def test_markdown_and_output_file(tmp_path: Path) -> None:
    """--output check.md writes Markdown (format from the extension)."""
    target = tmp_path / "check.md"
    code, out, _ = run(f"{FOLFOX} --output {target}")
    assert (code, out) == (0, "")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Prescription check: ")
    assert "| oxaliplatin | infusion | 170 mg | 170.00 | 170 | +0.00% | OK |" in text


@pytest.mark.parametrize(
    ("command", "message"),
    [
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed fluorouracil=800mg",
            "fluorouracil:bolus=DOSE and fluorouracil:continuous_infusion=DOSE",
            id="5-FU without method",
        ),
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=170",
            "give the dose with its unit",
            id="bare number",
        ),
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed aspirin=100mg",
            "unknown drug 'aspirin'",
            id="unknown drug",
        ),
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=170mg "
            "--tolerance 15",
            "--tolerance: Input should be less than or equal to 10",
            id="tolerance above 10",
        ),
        pytest.param(
            "check FOLFOX-6 --weight 80 --prescribed oxaliplatin=170mg", "height", id="no height"
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


def test_prescribed_is_required() -> None:
    """A check with nothing prescribed is a usage error (click's, exit 2)."""
    code, out, err = run("check FOLFOX-6 --height 180 --weight 80")
    assert (code, out) == (2, "")
    assert "Missing option '--prescribed'" in err


def test_help_shows_how_to_address_a_method() -> None:
    """check --help: the DRUG:METHOD form, per-intake rule, exit statuses and headings."""
    code, out, _ = run("check --help")
    assert code == 0
    assert "fluorouracil:bolus=800mg" in out
    assert "fluorouracil:infusion=4800mg" in out
    assert "capecitabine=1100mg is one intake" in out
    assert "1 the\n  check failed" in out or "1 the check failed" in out.replace("\n  ", " ")
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[1:] == [
        "Prescription:",
        "Patient:",
        "Body surface area:",
        "Dose:",
        "Treatment-day assessment:",
        "Output:",
        "Library:",
        "Other options:",
    ]

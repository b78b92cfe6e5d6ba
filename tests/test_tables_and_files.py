"""Issue 22, "Tables and files": CSV outputs a spreadsheet user reads (numbers as the
sheet prints them, one header per column, the patient's name, warnings with messages),
unknown regimen ids, heights in feet and inches, semicolon-separated batch files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import run
from regimens import compute_bsa, make_patient
from regimens._errors import UnitError

# EOX at 165 cm / 60 kg: Mosteller √(165 × 60 / 3600) = 1.658 → 1.66 m²; oxaliplatin
# 130 mg/m² × 1.66 = 215.8 mg, which a float holds as 215.79999999999998; the printed
# sheet shows 215.8 standard, 215.80 calculated, 216 mg (+0.1 %, 216 / 215.8 = 1.0009).
EOX_166 = "EOX --height 165 --weight 60 --crcl 80"
#: A float's noise: ten or more decimals (215.79999999999998, 0.193923723335477).
FLOAT_NOISE = re.compile(r"\d\.\d{10,}")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def oxaliplatin_row(text: str) -> dict[str, str]:
    return next(row for row in rows(text) if row["drug"] == "oxaliplatin")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sheet_csv_numbers_as_the_sheet_prints_them(lang: str) -> None:
    """EOX at 1.66 m² (worked above): no 215.79999999999998; the same decimals as the
    printed sheet (standard 215.8, calculated 215.80, dose 216, deviation 0.1 %)."""
    code, out, _ = run(f"sheet {EOX_166} --format csv --lang {lang}")
    assert code == 0
    assert not FLOAT_NOISE.search(out), FLOAT_NOISE.search(out)
    if lang == "fr":
        out = out.replace("dose_standard_mg", "standard_mg", 1)
        out = out.replace("dose_calculee_mg", "calculated_mg", 1)
        out = out.replace("dose_finale_mg", "dose_mg", 1)
        out = out.replace("ecart_pourcent", "deviation_percent", 1)
        out = out.replace(",dci,", ",drug,", 1)
    row = oxaliplatin_row(out)
    shown = (row["standard_mg"], row["calculated_mg"], row["dose_mg"], row["deviation_percent"])
    assert shown == ("215.8", "215.80", "216", "0.1")
    _, table, _ = run(f"sheet {EOX_166}")
    assert "215.8          100%     100%     215.80           216        +0.1%" in table


def test_sheet_csv_one_header_per_column_with_patient_name() -> None:
    """Every header names one column; patient_id and patient_name are the first two;
    the main regimen is named once (regimen_id), a supportive regimen's row names its
    own (zoledronic acid given with FOLFOX-6)."""
    code, out, _ = run(
        "sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 --with ZOLEDRONIC-ACID "
        "--format csv --patient-id P-1 --patient-name 'Doe, Jane'"
    )
    assert code == 0, out
    header = next(csv.reader(io.StringIO(out)))
    assert len(header) == len(set(header))
    assert header[:4] == ["patient_id", "patient_name", "patient_dob", "regimen_id"]
    assert "regimen" not in header
    table = rows(out)
    assert {row["patient_name"] for row in table} == {"Doe, Jane"}
    by_drug = {row["drug"]: row["supportive_regimen"] for row in table}
    assert by_drug["oxaliplatin"] == ""
    assert by_drug["zoledronic acid"] == "ZOLEDRONIC-ACID"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "DOSE_LEVEL_REDUCED: Cytotoxic and targeted drugs of EOX at 80% (neutropenia)"),
        ("fr", "DOSE_LEVEL_REDUCED: "),
    ],
)
def test_sheet_csv_warnings_carry_their_messages(lang: str, expected: str) -> None:
    """A warning's code is followed by its message, in the CSV's language."""
    code, out, _ = run(
        f"sheet {EOX_166} --dose-level 80 --dose-level-reason neutropenia "
        f"--format csv --lang {lang}"
    )
    assert code == 0
    column = "messages_alertes" if lang == "fr" else "warning_messages"
    codes = "alertes" if lang == "fr" else "warnings"
    for row in rows(out):
        assert row[codes] == "DOSE_LEVEL_REDUCED"
        assert row[column].startswith(expected)
        assert len(row[column]) > len("DOSE_LEVEL_REDUCED: ") + 10


def test_batch_csv_numbers_patient_name_and_one_header(tmp_path: Path) -> None:
    """Batch CSV: the sheet's columns and printed numbers for every row, the name of
    each patient, and one header for all (a provisional sheet's comment line and header
    are not repeated per row). Oxaliplatin for 165 cm / 60 kg as worked above."""
    source = tmp_path / "patients.csv"
    source.write_text(
        "patient_id,patient_name,height,weight,crcl\nA1,Doe,165,60,80\nA2,Roe,165,60,80\n",
        encoding="utf-8",
    )
    code, out, err = run(f"batch --input {source} --regimen EOX --format csv")
    assert code == 0, err
    assert not FLOAT_NOISE.search(out)
    assert out.count("patient_id,") == 1
    table = rows(out)
    oxaliplatin = [row for row in table if row["drug"] == "oxaliplatin"]
    assert [(r["patient_name"], r["calculated_mg"]) for r in oxaliplatin] == [
        ("Doe", "215.80"),
        ("Roe", "215.80"),
    ]


def test_calendar_csv_doses_as_printed() -> None:
    """Calendar CSV with doses: oxaliplatin 216 mg at 1.66 m² (worked above), not 216.0;
    the infusion's 2 h as 2; no float noise anywhere."""
    code, out, _ = run(f"calendar {EOX_166} --start 2026-03-30 --cycles 1 --format csv")
    assert code == 0
    assert not FLOAT_NOISE.search(out)
    row = oxaliplatin_row(out)
    assert (row["dose_mg"], row["daily_dose_mg"], row["duration_h"]) == ("216", "216", "2")
    header = next(csv.reader(io.StringIO(out)))
    assert len(header) == len(set(header))
    assert row["supportive_regimen"] == ""


# --------------------------------------------------------------- unknown regimen ids


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        # One letter from XELOX, CAPOX's alias; XELIRI (irinotecan) is close too.
        ("XELOXX", "CAPOX (alias XELOX), EOX, XELIRI"),
        ("FOLFIRI-6", "FOLFIRI, FOLFOXIRI, FOLFIRINOX"),
        ("FOLFOX-7", "FOLFOX-6, FOLFOXIRI, FOLFIRINOX"),
    ],
)
def test_unknown_regimen_lists_close_ids_as_not_the_same_regimen(typed: str, matches: str) -> None:
    """A close id is never offered as the regimen meant ("did you mean XELIRI?" for a
    typo of XELOX named a regimen of different drugs): the message says each match is
    not the same regimen, and names the alias that matched."""
    code, out, err = run(f"sheet {typed} --height 170 --weight 70 --crcl 90")
    assert (code, out) == (2, "")
    assert err == (
        f"Error: unknown regimen {typed!r}; close matches (each not the same regimen as "
        f"{typed!r}: check which is meant): {matches} ('regimens list' shows them all)\n"
    )
    assert "did you mean" not in err


# ------------------------------------------------------------ heights in feet and inches


@pytest.mark.parametrize(
    "height", ["5 ft 7 in", "5ft7in", "5 feet 7 inches", "5 ft 7", "5'7\"", "5′ 7″", "5'7"]
)
def test_compound_imperial_height_is_170_18_cm(height: str) -> None:
    """5 ft 7 in = 67 in = 67 × 2.54 = 170.18 cm (1 in = 2.54 cm exactly, NIST SP 811);
    the BSA is the one of 170.18 cm: Mosteller √(170.18 × 70 / 3600) = 1.8191 → 1.82 m²."""
    patient = make_patient(height=height, weight=70)
    reference = make_patient(height=170.18, weight=70)
    assert patient.height_cm == pytest.approx(170.18, abs=1e-9)
    bsa = compute_bsa(patient)
    assert bsa.bsa_m2_unrounded == pytest.approx(compute_bsa(reference).bsa_m2_unrounded)
    assert round(bsa.bsa_m2_unrounded, 4) == 1.8191
    assert bsa.bsa_m2 == 1.82


def test_compound_height_on_the_command_line() -> None:
    """``--height "5 ft 7 in"`` works as "67 in" does (was: "is not a quantity")."""
    code, out, err = run(["bsa", "--height", "5 ft 7 in", "--weight", "70"])
    assert code == 0, err
    assert out == run(["bsa", "--height", "67 in", "--weight", "70"])[1]
    assert "BSA used for dosing  1.82 m2" in out


def test_inches_of_12_or_more_after_feet_are_refused() -> None:
    """5 ft 13 in is a typo (6 ft 1 in is written so): refused, naming the field."""
    with pytest.raises(UnitError, match=r"height '5 ft 13 in': the inches after the feet"):
        make_patient(height="5 ft 13 in", weight=70)


# ------------------------------------------------------- batch CSV separated by ; or tab


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolon", "tab"])
def test_batch_reads_a_semicolon_or_tab_separated_file(tmp_path: Path, separator: str) -> None:
    """A spreadsheet set to French saves CSV with ``;`` (its decimal separator is ``,``):
    the header says which separator the file uses. FOLFOX-6 at 170 cm / 70 kg: Mosteller
    1.8181 → 1.82 m²; oxaliplatin 85 × 1.82 = 154.7 → 155 mg (api.md's worked example)."""
    source = tmp_path / "patients.csv"
    lines = [["patient_id", "height", "weight", "crcl"], ["A1", "170", "70", "90"]]
    source.write_text("".join(separator.join(line) + "\n" for line in lines), encoding="utf-8")
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --format csv")
    assert code == 0, err
    oxaliplatin = oxaliplatin_row(out)
    assert (oxaliplatin["patient_id"], oxaliplatin["dose_mg"]) == ("A1", "155")


def test_batch_unknown_column_names_the_separator_read(tmp_path: Path) -> None:
    """A misspelt column of a semicolon file is refused (exit 2), and the error says the
    header was read as separated by semicolons."""
    source = tmp_path / "patients.csv"
    source.write_text("patient_id;height;wieght\nA1;170;70\n", encoding="utf-8")
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 2
    assert err.startswith(
        "Error: input: unknown column 'wieght' (the header read as separated by semicolons; "
        "commas, semicolons and tabs are accepted)"
    )


# ------------------------------------------------------------- docs/cli.md exit statuses

ROOT = Path(__file__).resolve().parent.parent
CLI_DIR = ROOT / "src" / "regimens" / "_cli"


def _intro_status(status: str) -> str:
    """The text of one exit status in docs/cli.md's intro (above the first command)."""
    intro = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split("## regimens", 1)[0]
    found = re.search(rf"^  {status}  (.*?)(?=^  \d  |^```)", intro, re.MULTILINE | re.DOTALL)
    assert found, f"docs/cli.md's intro does not list exit status {status}"
    return " ".join(found.group(1).split())


def test_cli_reference_intro_lists_every_exit_status() -> None:
    """Each command that exits 3 on a blocking result is named under status 3 of
    docs/cli.md's intro, and check's 1 is there (the intro said 3 was for sheet only)."""
    blocking = sorted(
        module.stem.lstrip("_")
        for module in CLI_DIR.glob("_*.py")
        if "sys.exit(EXIT_BLOCKING)" in module.read_text(encoding="utf-8")
    )
    assert blocking == ["assess", "batch", "calendar", "check", "course", "next", "sheet"]
    three = _intro_status("3")
    for command in blocking:
        assert re.search(rf"\b{command}\b", three), (command, three)
    assert "regimens check" in _intro_status("1")
    assert "regimens batch" in _intro_status("2")
    assert _intro_status("0").startswith("success")

"""The option groups that sheet, calendar, check and batch share, and errors that name the
option a user typed (the library names the field, the CLI names the flag)."""

from __future__ import annotations

import ast
import importlib
import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from regimens._cli import COMMANDS, main

PATIENT = ["--height", "--weight", "--sex", "--age", "--creatinine", "--crcl"]
DOSE = [
    "--bsa-formula",
    "--bsa-decimals",
    "--bsa-cap",
    "--bsa-spread-tolerance",
    "--weight-basis",
    "--dose-level",
    "--dose-level-reason",
    "--drug-dose-level",
    "--rounding",
    "--tolerance",
]


def run(command: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, shlex.split(command))
    return result.exit_code, result.stdout, result.stderr


def options_of(name: str) -> set[str]:
    command = main.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None
    return {opt for param in command.params for opt in param.opts if opt.startswith("--")}


@pytest.mark.parametrize("command", ["sheet", "calendar", "check"])
def test_patient_and_dose_groups_are_shared(command: str) -> None:
    """sheet, calendar and check take the same patient and dose options."""
    assert set(PATIENT + DOSE) <= options_of(command)


def test_batch_has_the_dose_group_and_no_patient_options() -> None:
    """In a batch the patient's values are the input's columns, never options."""
    assert set(DOSE) <= options_of("batch")
    assert not set(PATIENT) & options_of("batch")
    assert "Patient:" not in run("batch --help")[1]


def test_no_command_edits_its_parameters_after_decoration() -> None:
    """Each command declares what it takes (``batch`` once deleted params afterwards)."""
    for target in set(COMMANDS.values()):
        module = importlib.import_module(target.split(":")[0])
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        assigned = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Attribute) and t.attr == "params" for t in node.targets)
        ]
        assert assigned == [], target


def _calendar_doses(extra: str = "") -> list[float]:
    code, out, _ = run(
        "calendar EOX --start 2026-01-05 --cycles 1 --height 165 --weight 60 --crcl 80 "
        f"--format json {extra}"
    )
    assert code == 0
    day1 = json.loads(out)["cycles"][0]["days"][0]
    return [item["dose"]["dose_mg"] for item in day1["administrations"]]


def test_calendar_dose_level_reaches_each_cycles_sheet() -> None:
    """calendar --dose-level 80: epirubicin 50 mg/m2 × 1.66 m2 = 83 mg → 80 % = 66.4 mg.

    BSA Mosteller √(165 × 60 / 3600) = 1.658 → 1.66 m2; doses computed as by
    ``regimens sheet`` with the same options.
    """
    assert _calendar_doses()[0] == 83.0
    assert _calendar_doses("--dose-level 80 --rounding none")[0] == pytest.approx(66.4)


def test_calendar_doses_equal_the_sheets_with_the_same_options() -> None:
    """The first cycle of a calendar and a sheet with the same dose options agree."""
    options = "--bsa-formula dubois --drug-dose-level epirubicin=75 --tolerance 10"
    code, out, _ = run(f"sheet EOX --height 165 --weight 60 --crcl 80 --format json {options}")
    assert code == 0
    sheet_day1 = json.loads(out)["days"][0]["administrations"]
    assert _calendar_doses(options) == [item["dose_mg"] for item in sheet_day1]


def test_calendar_refuses_dose_options_without_measurements() -> None:
    """Without height and weight a calendar has no doses: a dose level would change
    nothing on it, so it is refused rather than silently ignored."""
    code, out, err = run("calendar EOX --start 2026-01-05 --cycles 1 --dose-level 80")
    assert (code, out) == (2, "")
    assert err.startswith("Error: --dose-level applies to doses")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        pytest.param("sheet FOLFOX-6 --height 170 --weight 70 --pump-rate 0", "--pump-rate"),
        pytest.param("sheet FOLFOX-6 --height 170 --weight 70 --cycle 0", "--cycle"),
        pytest.param("sheet FOLFOX-6 --height 170 --weight 70 --bsa-cap 0.5", "--bsa-cap"),
        pytest.param("sheet FOLFOX-6 --height 170 --weight 70 --bsa-decimals -1", "--bsa-decimals"),
        pytest.param(
            "sheet FOLFOX-6 --height 170 --weight 70 --bsa-spread-tolerance 0",
            "--bsa-spread-tolerance",
        ),
        pytest.param(
            "sheet EOX --height 170 --weight 70 --drug-dose-level capecitabine=0",
            "--drug-dose-level",
        ),
        pytest.param(
            "calendar EOX --start 2026-01-05 --cycles 1 --height 170 --weight 70 --tolerance 20",
            "--tolerance",
        ),
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --prescribed oxaliplatin=170mg --dose-level 0",
            "--dose-level",
        ),
        pytest.param("batch --input x.csv --regimen EOX --tolerance 11", "--tolerance"),
    ],
)
def test_an_error_names_the_flag_to_fix(command: str, flag: str) -> None:
    """A bad value: one line on stderr that starts with the option typed, exit 2."""
    code, out, err = run(command)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: {flag}: "), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_field_the_command_has_no_option_for_is_not_given_a_flag(tmp_path: Path) -> None:
    """A batch's missing weight is a column of the input, not --weight."""
    path = tmp_path / "patients.csv"
    path.write_text("patient_id,height\nA,170\n", encoding="utf-8")
    code, _, err = run(f"batch --input {path} --regimen EOX")
    assert code == 2
    assert "--weight" not in err


@pytest.mark.parametrize(
    ("message", "field", "shown"),
    [
        pytest.param(
            "pump_rate_ml_per_h: the library gives no concentration for ondansetron",
            "pump_rate_ml_per_h",
            "--pump-rate: the library gives no concentration for ondansetron",
            id="model field label becomes the flag",
        ),
        pytest.param(
            "option tolerance_percent: Input should be less than or equal to 10 (got 15.0)",
            "tolerance_percent",
            "--tolerance: Input should be less than or equal to 10 (got 15.0)",
            id="pydantic label becomes the flag",
        ),
        pytest.param(
            "prescribed dose 'oxaliplatin=170': give the dose with its unit",
            "prescribed",
            "prescribed dose 'oxaliplatin=170': give the dose with its unit",
            id="option named in words stays",
        ),
        pytest.param(
            "no concentration of ondansetron in the library",
            "pump_rate_ml_per_h",
            "--pump-rate: no concentration of ondansetron in the library",
            id="flag in front",
        ),
        pytest.param(
            "cannot tell the format: give --pump-rate",
            "pump_rate",
            "cannot tell the format: give --pump-rate",
            id="flag already named",
        ),
        pytest.param("anything", None, "anything", id="no field"),
    ],
)
def test_library_messages_are_printed_with_the_flag(
    message: str, field: str | None, shown: str
) -> None:
    """The contract with the library: it names the field; the CLI prints the flag."""
    from regimens._cli._common import _with_flag

    flags = {"--pump-rate", "--tolerance", "--prescribed"}
    assert _with_flag(message, field, flags) == shown

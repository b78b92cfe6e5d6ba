"""``regimens bsa`` and ``regimens crcl`` as a user runs them."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from conftest import run_words as run


def test_bsa_table_shows_formula_unrounded_and_used() -> None:
    """Mosteller at 170 cm/70 kg: √(170 × 70 / 3600) = √3.30556 = 1.81812 → 1.82 m²."""
    code, out, _ = run("bsa", "--height", "170", "--weight", "70")
    assert code == 0
    assert "Mosteller: √(height[cm] × weight[kg] / 3600)" in out
    assert "BSA (unrounded)      1.8181 m2" in out
    assert "BSA used for dosing  1.82 m2 (rounded half up to 2 decimals)" in out
    assert "Height               170 cm" in out


def test_bsa_json_contract() -> None:
    """JSON has formula, bsa_m2 (used), bsa_m2_unrounded and the inputs with units."""
    code, out, _ = run("bsa", "--height", "1.70 m", "--weight", "70kg", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["formula"] == "mosteller"
    assert data["bsa_m2"] == 1.82
    assert data["bsa_m2_unrounded"] == pytest.approx((170 * 70 / 3600) ** 0.5, rel=1e-12)
    assert data["patient"]["height"] == {"value": 170.0, "unit": "cm"}
    assert data["patient"]["weight"] == {"value": 70.0, "unit": "kg"}


def test_bsa_in_inches_and_pounds() -> None:
    """67 in and 154 lb are converted before the formula (170.18 cm, 69.853 kg)."""
    code, out, _ = run("bsa", "--height", "67 in", "--weight", "154 lb", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["bsa_m2_unrounded"] == pytest.approx(
        (170.18 * 154 * 0.45359237 / 3600) ** 0.5, rel=1e-12
    )


def test_bsa_schlich_needs_sex() -> None:
    """A formula that needs sex says so, naming the field."""
    code, _, err = run("bsa", "--height", "170", "--weight", "70", "--bsa-formula", "schlich")
    assert code == 2
    assert "sex" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--height", "70kg", "--weight", "70"],
            "Error: height must be a length, got 70 kg (accepted units: cm, m, in, ft)\n",
            id="wrong dimension",
        ),
        pytest.param(
            ["--height", "1.7", "--weight", "70"],
            "Error: height 1.7 cm is outside the accepted adult range 100–250 cm; "
            "did you mean 1.7 m?\n",
            id="metres typed as cm",
        ),
        pytest.param(
            ["--height", "170", "--weight", "abc"],
            "Error: weight 'abc' does not start with a number: give e.g. '70 kg'\n",
            id="text",
        ),
        pytest.param(
            ["--height", "170", "--weight", "nan"],
            "Error: weight must be a finite number, got nan\n",
            id="nan",
        ),
        pytest.param(
            ["--height", "170"],
            "Error: Body surface area needs the patient's weight\n",
            id="missing weight",
        ),
    ],
)
def test_bsa_user_mistakes_are_one_line(args: list[str], message: str) -> None:
    """Each user mistake: exactly one line on stderr, exit status 2, no traceback."""
    code, out, err = run("bsa", *args)
    assert (code, out, err) == (2, "", message)


def test_unknown_formula_suggests_the_closest() -> None:
    """A misspelt formula name is refused with the accepted names."""
    code, _, err = run("bsa", "--height", "170", "--weight", "70", "--bsa-formula", "mostelle")
    assert code == 2
    assert "mosteller" in err
    assert len(err.strip().splitlines()) == 1


def test_bsa_old_formula_option_is_a_hidden_alias() -> None:
    """``bsa --formula`` (before issue 16) gives what ``--bsa-formula`` gives; --help shows
    only the new name."""
    patient = ("bsa", "--height", "170", "--weight", "70", "--format", "json")
    assert run(*patient, "--formula", "dubois") == run(*patient, "--bsa-formula", "dubois")
    assert json.loads(run(*patient, "--formula", "dubois")[1])["formula"] == "dubois"
    help_text = run("bsa", "--help")[1]
    assert "--bsa-formula" in help_text
    assert "--formula" not in help_text.replace("--bsa-formula", "")


def test_bsa_old_and_new_formula_options_together_are_refused() -> None:
    """Both spellings at once: one usage error, exit 2, nothing computed."""
    code, out, err = run(
        "bsa", "--height", "170", "--weight", "70", "--formula", "boyd", "--bsa-formula", "dubois"
    )
    assert (code, out) == (2, "")
    assert "--formula is the old name of --bsa-formula" in err
    assert len(err.strip().splitlines()) == 1


def test_crcl_hand_worked() -> None:
    """Male, 60 y, 72 kg, SCr 1.0 mg/dL: (140 − 60) × 72 / (72 × 1.0) = 80.0 mL/min."""
    code, out, _ = run(
        *shlex.split("crcl --age 60 --weight 72 --sex M --creatinine 1.0 --format json")
    )
    assert code == 0
    data = json.loads(out)
    assert data["crcl_ml_min"] == pytest.approx(80.0)
    assert data["weight_kg_used"] == 72
    assert data["weight_basis"] == "actual"
    assert data["egfr_ckd_epi_2021"] is not None


def test_crcl_female_micromolar() -> None:
    """Female, 50 y, 70 kg, 80 µmol/L = 0.90498 mg/dL: 90 × 70 / (72 × 0.90498) × 0.85."""
    code, out, _ = run(
        *shlex.split("crcl --age 50 --weight 70 --sex F --creatinine '80 umol/L' --format json")
    )
    assert code == 0
    expected = 90 * 70 / (72 * (80 / 88.4)) * 0.85  # = 82.18 mL/min
    assert json.loads(out)["crcl_ml_min"] == pytest.approx(expected, rel=1e-12)


def test_crcl_ideal_weight_needs_height() -> None:
    """Ideal body weight cannot be computed without a height: the error says so."""
    code, _, err = run(
        *shlex.split("crcl --age 60 --weight 90 --sex M --creatinine 1.0 --weight-basis ideal")
    )
    assert code == 2
    assert "height" in err


def test_crcl_ideal_weight_used() -> None:
    """Male 180.34 cm (71 in): IBW 50 + 2.3 × 11 = 75.3 kg; CrCl 80 × 75.3 / 72 = 83.67."""
    code, out, _ = run(
        *shlex.split(
            "crcl --age 60 --weight 90 --sex M --creatinine 1.0 --height '71 in' "
            "--weight-basis ideal --format json"
        )
    )
    assert code == 0
    data = json.loads(out)
    assert data["weight_kg_used"] == pytest.approx(75.3)
    assert data["crcl_ml_min"] == pytest.approx(80 * 75.3 / 72)


def test_version() -> None:
    """--version prints the package version."""
    from regimens._version import __version__

    code, out, _ = run("--version")
    assert (code, out) == (0, f"regimens {__version__}\n")


@pytest.mark.subprocess
def test_python_dash_m_is_the_same_command() -> None:
    """``python -m regimens`` runs the same CLI."""
    result = subprocess.run(
        [sys.executable, "-m", "regimens", "bsa", "--height", "170", "--weight", "70"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "1.82 m2" in result.stdout


@pytest.mark.subprocess
def test_bsa_command_does_not_load_pint_for_bare_numbers() -> None:
    """Cold start: bare numbers are already in the default unit, pint is not imported."""
    code = (
        "import sys; from regimens._cli import main\n"
        "try:\n    main(['bsa', '--height', '170', '--weight', '70'])\n"
        "except SystemExit:\n    pass\n"
        "assert 'pint' not in sys.modules, 'pint was imported'\n"
        "assert 'tabulate' not in sys.modules, 'tabulate was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr

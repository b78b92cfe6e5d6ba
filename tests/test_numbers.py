"""Numbers as each language writes them (``_render/numbers.py``), and a creatinine
shown in the unit it was typed in (issue 22)."""

from __future__ import annotations

import json

import pytest

from conftest import invoke
from regimens._models.measures import Measured
from regimens._read.patient import make_patient
from regimens._render.numbers import NARROW_NBSP, localize, measured_text

SHEET = ("sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--age", "60", "--sex", "female")


@pytest.mark.parametrize(
    ("english", "french"),
    [
        pytest.param("1712.5 mg", f"1{NARROW_NBSP}712,5 mg", id="issue-22-example"),
        pytest.param("4368", f"4{NARROW_NBSP}368", id="four-digits-grouped"),
        pytest.param("1234567.25", f"1{NARROW_NBSP}234{NARROW_NBSP}567,25", id="millions"),
        pytest.param("155 mg, 0.55 mg/mL", "155 mg, 0,55 mg/mL", id="small-numbers"),
        pytest.param("FOLFOX-6 mFOLFOX6 m2", "FOLFOX-6 mFOLFOX6 m2", id="names-untouched"),
        pytest.param("07/12/2026 11:58", "07/12/2026 11:58", id="dates-times-untouched"),
        pytest.param("2026-12-07", "2026-12-07", id="iso-date-untouched"),
        pytest.param("regimens 0.1.0", "regimens 0.1.0", id="version-untouched"),
        pytest.param("10^9/L", "10^9/L", id="power-untouched"),
        pytest.param("lundi 7 décembre 2026", "lundi 7 décembre 2026", id="year-untouched"),
        pytest.param("−1.5", "−1,5", id="minus-sign"),
    ],
)
def test_french_numbers(english: str, french: str) -> None:
    """French: decimal comma, U+202F between thousands (Imprimerie nationale; the
    issue's ``1 712,5 mg``); names, codes, dates, times and versions unchanged."""
    assert localize(english, "fr") == french
    assert localize(english, "en") == english


def test_creatinine_typed_in_umol_is_kept() -> None:
    """95 µmol/L is 95 / 88.4 = 1.0747 mg/dL for the calculation, and 95 as typed."""
    patient = make_patient(creatinine="95 umol/L")
    assert patient.creatinine_umol_l == 95.0
    assert patient.creatinine_mg_dl == pytest.approx(95 / 88.4)
    assert make_patient(creatinine="1.1 mg/dL").creatinine_umol_l is None
    assert make_patient(creatinine="0.095 mmol/L").creatinine_umol_l == pytest.approx(95.0)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", "95 µmol/L (1.07 mg/dL)"), ("fr", "95 µmol/L (1,07 mg/dL)")],
)
def test_measured_text_shows_what_was_typed(lang: str, shown: str) -> None:
    """The pharmacist checks the number typed, with the mg/dL the formula used."""
    creatinine = Measured(value=95 / 88.4, unit="mg/dL", given_value=95, given_unit="µmol/L")
    assert measured_text(creatinine, "mg/dL", lang) == shown


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_sheet_shows_creatinine_as_typed(lang: str, fmt: str) -> None:
    """Every language and text format: ``95 µmol/L (1.07 mg/dL)``, never only 1.07466."""
    result = invoke([*SHEET, "--creatinine", "95umol/L", "--lang", lang, "--format", fmt])
    assert result.exit_code in (0, 3), result.stderr
    conversion = "1.07" if lang == "en" else "1,07"
    assert f"95 µmol/L ({conversion} mg/dL)" in result.stdout
    assert "1.07466" not in result.stdout


def test_sheet_json_keeps_the_creatinine_as_typed() -> None:
    """JSON: ``value`` stays mg/dL (the contract); ``given_value``/``given_unit`` added."""
    result = invoke([*SHEET, "--creatinine", "95umol/L", "--format", "json"])
    document = json.loads(result.stdout)
    assert document["patient"]["creatinine"] == {
        "value": pytest.approx(95 / 88.4),
        "unit": "mg/dL",
        "given_value": 95.0,
        "given_unit": "µmol/L",
    }
    assert document["patient"]["height"] == {"value": 170.0, "unit": "cm"}


def test_a_sheet_with_a_creatinine_typed_in_umol_verifies_identical() -> None:
    """verify rebuilds the patient with the creatinine as typed (given_value): the saved
    sheet of a 97 µmol/L creatinine is computed again identical (docs/api.md)."""
    import regimens

    library = regimens.load_library()
    patient = regimens.make_patient(
        height="67 in", weight="154 lb", sex="male", age=64, creatinine="97 umol/L"
    )
    sheet = regimens.compute_sheet(library, "FOLFOX-6", patient)
    assert regimens.verify_sheet(regimens.sheet_json(sheet)).identical

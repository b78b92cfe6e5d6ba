"""Patient measurements: adult plausibility ranges and unit-slip hints."""

from __future__ import annotations

import pytest

from regimens._errors import InputError, MissingInputError, PlausibilityError
from regimens._models.patient import Patient
from regimens._read.patient import make_patient, parse_sex


def test_make_patient_reads_units() -> None:
    """A patient typed with mixed units is stored in cm, kg, years, mg/dL."""
    patient = make_patient(
        height="67 in", weight="154 lb", sex="F", age="50", creatinine="80 umol/L"
    )
    assert patient.height_cm == pytest.approx(170.18)
    assert patient.weight_kg == pytest.approx(69.8532249798)
    assert patient.sex == "female"
    assert patient.age_years == 50
    assert patient.creatinine_mg_dl == pytest.approx(0.904977, rel=1e-6)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        pytest.param(
            {"height": "1.7"},
            "height 1.7 cm is outside the accepted adult range 100–250 cm; did you mean 1.7 m?",
            id="height in metres without unit",
        ),
        pytest.param(
            {"height": "1.7 cm"}, "did you mean 1.7 m?", id="height 1.7 cm typed with unit"
        ),
        pytest.param({"height": "67"}, "did you mean 67 in?", id="height in inches"),
        pytest.param({"height": "300"}, "outside the accepted adult range", id="too tall"),
        pytest.param({"weight": "400"}, "did you mean 400 lb?", id="weight in pounds"),
        pytest.param({"weight": "70000"}, "did you mean 70000 g?", id="weight in grams"),
        pytest.param({"weight": "20"}, "25–350 kg", id="too light"),
        pytest.param({"age": "12"}, "paediatric dosing is out of scope", id="child"),
        pytest.param({"age": "130"}, "18–120 years", id="too old"),
        pytest.param(
            {"creatinine": "80"}, "did you mean 80 µmol/L (= 0.90 mg/dL)?", id="creatinine µmol/L"
        ),
        pytest.param({"creatinine": "0.05"}, "0.1–20 mg/dL", id="creatinine too low"),
        pytest.param({"height": "-170"}, "height must be positive, got -170 cm", id="negative"),
        pytest.param({"weight": "0"}, "weight must be positive, got 0 kg", id="zero"),
        pytest.param({"crcl": "0"}, "crcl must be positive", id="zero crcl"),
    ],
)
def test_implausible_values_are_refused_with_a_hint(inputs: dict[str, str], message: str) -> None:
    """Out-of-range values name the field, the value, the range and the likely slip."""
    with pytest.raises(PlausibilityError) as info:
        make_patient(**inputs)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert info.value.field == next(iter(inputs))


@pytest.mark.parametrize(("height", "weight"), [(100, 25), (250, 350)])
def test_range_edges_are_accepted(height: float, weight: float) -> None:
    """The documented range edges are inclusive."""
    patient = make_patient(height=height, weight=weight)
    assert (patient.height_cm, patient.weight_kg) == (height, weight)


def test_direct_construction_is_checked_too() -> None:
    """Building the model directly applies the same checks and raises our own error."""
    with pytest.raises(PlausibilityError, match=r"did you mean 1\.7 m"):
        Patient(height_cm=1.7)
    with pytest.raises(InputError, match="height_cm"):
        Patient(height_cm="tall")
    with pytest.raises(PlausibilityError, match="height must be a finite number"):
        Patient(height_cm=float("nan"))


def test_patient_is_frozen() -> None:
    """A patient cannot be changed after it was checked."""
    patient = make_patient(height=170, weight=70)
    with pytest.raises(ValueError, match="frozen"):
        patient.height_cm = 1.7  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("F", "female"), ("f", "female"), ("Female", "female"), ("M", "male"), ("male", "male")],
)
def test_sex_spellings(text: str, expected: str) -> None:
    """F/M and female/male are accepted in any case."""
    assert parse_sex(text) == expected


def test_unknown_sex_is_refused() -> None:
    """An unknown sex is an error naming the field and the accepted values."""
    with pytest.raises(InputError, match="sex must be female or male"):
        parse_sex("x")


def test_require_names_every_missing_field() -> None:
    """A calculation needing absent values says which ones."""
    patient = make_patient(height=170)
    with pytest.raises(MissingInputError, match="needs the patient's weight, sex") as info:
        patient.require("height", "weight", "sex", purpose="Test")
    assert info.value.field == "weight"


def test_creatinine_and_crcl_together_are_refused() -> None:
    """A given CrCl replaces Cockcroft-Gault from creatinine: with both, one would be
    silently ignored, so the patient is refused, naming both fields (the API as the CLI)."""
    with pytest.raises(InputError) as info:
        make_patient(age="60", sex="M", weight="70", creatinine="1.0", crcl="60")
    assert str(info.value) == (
        "creatinine and crcl are both given: give one (a crcl replaces the "
        "Cockcroft-Gault estimate from creatinine)"
    )
    assert info.value.field == "crcl"
    with pytest.raises(InputError, match="creatinine and crcl are both given"):
        Patient(creatinine_mg_dl=1.0, crcl_ml_min=60.0)


@pytest.mark.parametrize(
    "inputs", [{"creatinine": "1.0"}, {"crcl": "60"}], ids=["creatinine", "crcl"]
)
def test_creatinine_or_crcl_alone_is_accepted(inputs: dict[str, str]) -> None:
    """Either one alone is a renal function the sheet can use."""
    patient = make_patient(**inputs)  # type: ignore[arg-type]
    assert (patient.creatinine_mg_dl is None) != (patient.crcl_ml_min is None)

"""The regimen models: file spellings, dimension checks, band edges, the JSON Schema."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from regimens._errors import InputError, UnitError
from regimens._models.library import normalize_name
from regimens._models.regimen import (
    Component,
    Dose,
    DrugCodes,
    FieldPathError,
    RenalBand,
    RenalRule,
    check_contiguous,
)
from regimens._read.regimen import (
    FAST_CONCENTRATION_UNITS,
    FAST_DOSE_UNITS,
    FAST_DURATION_UNITS,
    _parse_dose_with_pint,
    parse_concentration,
    parse_days,
    parse_dose,
    parse_duration_h,
    parse_mass_mg,
)
from regimens._read.regimen_file import (
    ComponentFile,
    DoseText,
    DrugFactsFile,
    DrugsFile,
    RegimenFile,
    _string_schema,
    file_json_schema,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"


# --- doses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "basis", "unit"),
    [
        ("625 mg/m2", 625.0, "per_m2", "mg/m2"),
        ("1.25 g/m2", 1250.0, "per_m2", "mg/m2"),
        ("4 mg/m²", 4.0, "per_m2", "mg/m2"),
        ("500 µg/m2", 0.5, "per_m2", "mg/m2"),
        ("5 mg/kg", 5.0, "per_kg", "mg/kg"),
        ("5 mcg/kg", 0.005, "per_kg", "mg/kg"),
        ("4 mg", 4.0, "flat", "mg"),
        ("1 g", 1000.0, "flat", "mg"),
        ("5 mg/mL*min", 5.0, "auc", "mg/mL*min"),
        ("5 mg*min/mL", 5.0, "auc", "mg/mL*min"),
    ],
    ids=str,
)
def test_dose_text_gives_canonical_amount_and_basis(
    text: str, amount: float, basis: str, unit: str
) -> None:
    """The unit decides the basis; the amount is converted to mg per m², per kg, mg or AUC."""
    dose = TypeAdapter(DoseText).validate_python(text)
    assert (dose.amount, dose.basis, dose.unit, dose.text) == (amount, basis, unit, text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("625 mL/m2", "is a flat amount"),
        ("10 mmol/m2", "is a flat amount"),
        ("5 mL/kg", "is a flat amount"),
        ("625 mL*min", "is not a dose"),
        ("625", "is not a dose"),
        ("625 mg/m", "is not a dose"),
        ("46 h", "is not a dose"),
        ("0 mg/m2", "positive"),
        ("-5 mg", "positive"),
        ("625 furlongs", "unknown unit"),
        ("mg/m2", "does not start with a number: give e.g. .625 mg/m2."),
        ("625 mg/m2)", "is not a quantity: give e.g. .625 mg/m2."),
    ],
)
def test_dose_of_wrong_dimension_is_refused(text: str, reason: str) -> None:
    """A per-m² dose must be a mass per area, a flat dose a mass: anything else is refused."""
    with pytest.raises(ValidationError, match=reason):
        TypeAdapter(DoseText).validate_python(text)


def test_a_domain_dose_does_not_read_text() -> None:
    """The model holds numbers; reading "625 mg/m2" is the reader's (DoseText)."""
    with pytest.raises(ValidationError):
        Dose.model_validate("625 mg/m2")
    assert Dose.model_validate(TypeAdapter(DoseText).validate_python("1 g").model_dump()) == Dose(
        text="1 g", amount=1000.0, basis="flat", unit="mg"
    )


@pytest.mark.parametrize(
    "days", [(), (0,), (8, 1), (1, 1)], ids=["none", "day 0", "reversed", "twice"]
)
def test_domain_component_days_are_counted_from_1_once_in_order(days: tuple[int, ...]) -> None:
    """A component built in Python keeps the invariant the file reading ensures."""
    data = ComponentFile.model_validate(component()).to_model().model_dump()
    with pytest.raises(ValidationError):
        Component.model_validate({**data, "days": days})


@pytest.mark.parametrize("unit", sorted(FAST_DOSE_UNITS))
def test_fast_dose_units_read_as_pint_reads_them(unit: str) -> None:
    """The fast table that spares loading pint gives exactly pint's reading."""
    fast = parse_dose(f"2.5 {unit}")
    assert (fast["basis"], fast["amount"]) == _parse_dose_with_pint(f"2.5 {unit}")


@pytest.mark.parametrize("unit", sorted(FAST_DURATION_UNITS))
def test_fast_duration_units_read_as_pint_reads_them(unit: str) -> None:
    """'h' and 'min' mean hours and minutes, as in pint."""
    from regimens._read.units import parse_quantity

    expected = parse_quantity(f"7.5 {unit}", field="duration").to("h").magnitude
    assert parse_duration_h(f"7.5 {unit}") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("unit", sorted(FAST_CONCENTRATION_UNITS))
def test_fast_concentration_units_read_as_pint_reads_them(unit: str) -> None:
    """'mg/mL' is milligrams per millilitre, as in pint."""
    from regimens._read.units import parse_quantity

    expected = parse_quantity(f"0.8 {unit}", field="c").to("mg/mL").magnitude
    assert parse_concentration(f"0.8 {unit}") == pytest.approx(expected, rel=1e-12)


# --- days and durations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("1", (1,)),
        (1, (1,)),
        ("1-21", tuple(range(1, 22))),
        ("1-14", tuple(range(1, 15))),
        ("1,8,15", (1, 8, 15)),
        ("1-3, 8", (1, 2, 3, 8)),
        ("1–3", (1, 2, 3)),
        ([15, 1, 8], (1, 8, 15)),
    ],
    ids=str,
)
def test_days_are_read_from_the_usual_spellings(written: Any, days: tuple[int, ...]) -> None:
    """'1', '1-21', '1,8,15' and lists give sorted 1-based cycle days."""
    assert parse_days(written) == days


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("0", "day 0 is read two ways"),
        ("-1,0", "write -1 for the day before day 1"),
        ("-9", "from -7"),
        ("3-1", "runs backwards"),
        ("1,1", "given twice"),
        ("1-3,2", "given twice"),
        ("", "not a list of days"),
        ("D1", "not a list of days"),
        (True, "day number"),
        ([1, "2"], "whole numbers"),
        ([], "empty"),
    ],
    ids=str,
)
def test_bad_days_are_refused(written: Any, reason: str) -> None:
    """Reversed ranges, repeated days and day 0 (ambiguous) are refused; days before
    day 1 go back one week at most."""
    with pytest.raises(ValueError, match=reason):
        parse_days(written)


@pytest.mark.parametrize(
    ("written", "hours"),
    [("46 h", 46.0), ("2 h", 2.0), ("90 min", 1.5), ("15 min", 0.25), ("2 hours", 2.0)],
)
def test_durations_are_read_in_hours(written: str, hours: float) -> None:
    """Infusion durations are written with their unit and stored in hours."""
    assert parse_duration_h(written) == hours


@pytest.mark.parametrize("written", ["46 mg", "46", "0 h"])
def test_a_duration_must_be_a_positive_time(written: str) -> None:
    """An infusion duration must be a time."""
    with pytest.raises(ValueError, match="duration"):
        parse_duration_h(written)


# --- components ------------------------------------------------------------------------


def component(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "drug": "oxaliplatin",
        "dose": "85 mg/m2",
        "days": "1",
        "route": "IV",
        "method": "infusion",
        "duration": "2 h",
        "order": 1,
        "source": "test",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_component_stores_file_spellings_and_canonical_values() -> None:
    """The file's '2 h' and '1-14' are kept as text beside the canonical values."""
    item = ComponentFile.model_validate(component(days="1-14"))
    assert item.duration_h == 2.0
    assert item.days == tuple(range(1, 15))
    assert item.days_text == "1-14"


def test_daily_dose_is_divided_into_intakes() -> None:
    """EOX capecitabine: 1250 mg/m²/day in 2 intakes is 625 mg/m² per intake."""
    item = ComponentFile.model_validate(
        component(
            drug="capecitabine",
            dose="1250 mg/m2",
            dose_per="day",
            intakes_per_day=2,
            days="1-21",
            route="PO",
            method="oral",
            duration=None,
        )
    )
    assert item.dose_per_intake == 625.0
    assert item.daily_amount == 1250.0


def test_dose_per_intake_times_intakes_is_the_daily_amount() -> None:
    """625 mg/m² twice daily written per intake is 1250 mg/m² a day."""
    item = ComponentFile.model_validate(
        component(
            drug="capecitabine",
            dose="625 mg/m2",
            intakes_per_day=2,
            route="PO",
            method="oral",
            duration=None,
        )
    )
    assert (item.dose_per_intake, item.daily_amount) == (625.0, 1250.0)


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        ({"duration": None}, "duration", "infusion needs a duration"),
        ({"method": "continuous_infusion", "duration": None}, "duration", "needs a duration"),
        ({"route": "PO", "method": "oral"}, "duration", "oral dose has no infusion duration"),
        ({"route": "PO"}, "method", "route PO is given as oral"),
        ({"route": "SC"}, "method", "route SC is given as injection"),
    ],
    ids=[
        "infusion without duration",
        "46-h pump without duration",
        "oral with duration",
        "oral route given as infusion",
        "SC given as infusion",
    ],
)
def test_administration_must_be_consistent(changes: dict[str, Any], path: str, reason: str) -> None:
    """Route, method and duration must agree."""
    with pytest.raises(ValidationError) as caught:
        ComponentFile.model_validate(component(**changes))
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, FieldPathError)
    assert cause.path == path
    assert reason in cause.reason


def test_drug_must_be_the_lowercase_inn() -> None:
    """Components name drugs by lowercase INN, as drugs.toml lists them."""
    with pytest.raises(ValidationError, match="lowercase INN"):
        ComponentFile.model_validate(component(drug="Oxaliplatin"))


def test_unknown_key_is_refused() -> None:
    """extra='forbid': a misspelt key fails instead of being ignored."""
    with pytest.raises(ValidationError, match="Extra inputs"):
        ComponentFile.model_validate(component(note="typo"))


def test_component_round_trips_through_its_dump() -> None:
    """A dumped component (canonical fields) validates back to an equal object."""
    item = ComponentFile.model_validate(component()).to_model()
    assert Component.model_validate(item.model_dump()) == item


def test_models_are_frozen() -> None:
    """Domain objects are immutable; changes go through model_copy."""
    item = ComponentFile.model_validate(component())
    with pytest.raises(ValidationError):
        item.order = 2  # type: ignore[misc]


# --- regimens --------------------------------------------------------------------------


def regimen(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "TEST",
        "name": "Test",
        "description": "d",
        "setting": "s",
        "cycle_length_days": 21,
        "components": [component()],
        "references": [{"citation": "c"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        (
            {"components": [component(days="1-22")]},
            "components[1].days",
            "day 22 is outside the 21-day cycle",
        ),
        (
            {"components": [component(), component(drug="fluorouracil")]},
            "components[2].order",
            "order 1 is already used by components[1]",
        ),
        ({"aliases": ["A", "a"]}, "aliases[2]", "duplicate alias 'a'"),
        ({"aliases": ["test"]}, "aliases[1]", "same as the id"),
        (
            {"given_with": [{"regimen": "X", "every_n_cycles": 1, "day": 1, "source": "s"}]},
            "given_with",
            "only a supportive regimen",
        ),
    ],
    ids=[
        "day outside cycle",
        "two components in one place",
        "duplicate alias",
        "alias repeats id",
        "chemotherapy given with another",
    ],
)
def test_regimen_checks_fields_together(changes: dict[str, Any], path: str, reason: str) -> None:
    """Checks that need several fields name the field path they concern."""
    with pytest.raises(ValidationError) as caught:
        RegimenFile.model_validate(regimen(**changes))
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, FieldPathError)
    assert (cause.path, reason in cause.reason) == (path, True)


@pytest.mark.parametrize("bad_id", ["eox", "EOX 2", "-EOX", ""])
def test_regimen_id_is_upper_case(bad_id: str) -> None:
    """Ids are upper-case letters, digits and hyphens (FOLFOX-6)."""
    with pytest.raises(ValidationError, match="id"):
        RegimenFile.model_validate(regimen(id=bad_id))


def test_regimen_needs_components_and_references() -> None:
    """An empty regimen or one without any reference is refused."""
    with pytest.raises(ValidationError, match="components"):
        RegimenFile.model_validate(regimen(components=[]))
    with pytest.raises(ValidationError, match="references"):
        RegimenFile.model_validate(regimen(references=[]))


# --- renal bands -----------------------------------------------------------------------


def band(
    low: float | None, low_in: bool, high: float | None, high_in: bool, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": f"{low}-{high}",
        "min_ml_min": low,
        "min_inclusive": low_in,
        "max_ml_min": high,
        "max_inclusive": high_in,
        "action": "full",
        "source": "s",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def rule(*bands: dict[str, Any]) -> RenalRule:
    return RenalRule.model_validate({"bands": list(bands), "source": "s"})


@pytest.mark.parametrize(
    ("bands", "path", "reason"),
    [
        (
            [band(None, True, 30, False), band(25, True, None, False)],
            "bands[2]",
            "overlaps bands[1]",
        ),
        (
            [band(None, True, 30, False), band(35, True, None, False)],
            "bands[2]",
            "leaves a gap after bands[1]: values between 30 and 35",
        ),
        (
            [band(None, True, 30, True), band(30, True, None, False)],
            "bands[2]",
            "both include it",
        ),
        (
            [band(None, True, 30, False), band(30, False, None, False)],
            "bands[2]",
            "30 mL/min itself is in no band",
        ),
        ([band(10, True, None, False)], "bands[1]", "must start at 0"),
        ([band(None, True, 30, False)], "bands[1]", "last band must have no max"),
        ([band(None, True, None, False), band(None, True, None, False)], "bands[2]", "only the"),
        ([band(None, True, 30, False), band(40, True, 35, False)], "bands[2]", "must be below"),
    ],
    ids=[
        "overlap",
        "gap",
        "edge in both",
        "edge in neither",
        "not from 0",
        "not to infinity",
        "two unbounded",
        "reversed band",
    ],
)
def test_bands_must_cover_zero_to_infinity_once(
    bands: list[dict[str, Any]], path: str, reason: str
) -> None:
    """No gap, no overlap, exactly one side inclusive at every shared edge."""
    with pytest.raises(ValidationError) as caught:
        rule(*bands)
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, FieldPathError)
    assert cause.path == path
    assert reason in cause.reason


def test_band_action_needs_its_number() -> None:
    """A 'percent' band gives percent; an 'absolute' band gives dose_mg; not otherwise."""
    with pytest.raises(ValidationError, match="percent"):
        RenalBand.model_validate(band(None, True, None, False, action="percent"))
    with pytest.raises(ValidationError, match="dose_mg"):
        RenalBand.model_validate(band(None, True, None, False, action="absolute"))
    with pytest.raises(ValidationError, match="percent"):
        RenalBand.model_validate(band(None, True, None, False, percent=75.0))


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
def test_band_for_refuses_impossible_clearance(value: float) -> None:
    """A negative or non-finite CrCl is an input error naming the field."""
    with pytest.raises(InputError, match="creatinine clearance") as caught:
        rule(band(None, True, None, False)).band_for(value)
    assert caught.value.field == "creatinine_clearance"


@given(
    edges=st.lists(
        st.floats(min_value=0.5, max_value=500, allow_nan=False), min_size=1, max_size=6
    ).map(lambda values: sorted(set(values))),
    upper_inclusive=st.lists(st.booleans(), min_size=6, max_size=6),
    probes=st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), max_size=20),
)
def test_every_clearance_falls_in_exactly_one_band(
    edges: list[float], upper_inclusive: list[bool], probes: list[float]
) -> None:
    """Property: for any valid banding, every value (edges included) has one band."""
    bounds: list[float | None] = [None, *edges, None]
    bands = []
    for index in range(len(bounds) - 1):
        low, high = bounds[index], bounds[index + 1]
        high_in = upper_inclusive[index] if high is not None else False
        low_in = True if low is None else not upper_inclusive[index - 1]
        bands.append(band(low, low_in, high, high_in, label=f"band {index}"))
    banding = rule(*bands)
    for value in [*edges, *probes, 0.0]:
        assert sum(item.contains(value) for item in banding.bands) == 1
        assert banding.band_for(value).contains(value)


def test_contiguity_check_is_reusable_for_other_measures() -> None:
    """check_contiguous works on plain edges, so a bilirubin rule can reuse it."""
    check_contiguous([(None, True, 1.5, True), (1.5, False, None, False)], unit="× ULN")
    with pytest.raises(FieldPathError, match="× ULN"):
        check_contiguous([(None, True, 1.5, False), (2.0, True, None, False)], unit="× ULN")


# --- drug facts ------------------------------------------------------------------------


def test_drug_facts_read_products_with_units() -> None:
    """Tablet strengths, concentration and rounding step are written with units."""
    facts = DrugFactsFile.model_validate(
        {
            "inn": "capecitabine",
            "tablet_strengths": ["500 mg", "150 mg"],
            "concentration": "50 mg/mL",
            "products_source": "label",
            "rounding_increment": "0.1 mg",
            "rounding_source": "table",
            "sources": ["s"],
        }
    )
    assert facts.tablet_strengths_mg == (150.0, 500.0)
    assert facts.concentration_mg_per_ml == 50.0
    assert facts.rounding_increment_mg == 0.1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"tablet_strengths": ["150 mg/m2"]}, "is not a mass"),
        ({"concentration": "50 mg"}, "is not a concentration"),
        ({"tablet_strengths": ["150 mg"]}, "products_source"),
        ({"rounding_increment": "1 mg"}, "rounding_source"),
        ({"aliases": ["x", "X"]}, "duplicate alias"),
        ({"cumulative_limit": {"limit": "5 mg/mL*min", "source": "s"}}, "cumulative limit"),
    ],
    ids=[
        "strength not a mass",
        "concentration not mass/volume",
        "strength without source",
        "rounding without source",
        "repeated alias",
        "AUC as cumulative limit",
    ],
)
def test_drug_facts_are_checked(changes: dict[str, Any], reason: str) -> None:
    """Every fact has the right dimension and a source."""
    with pytest.raises(ValidationError, match=reason):
        DrugFactsFile.model_validate({"inn": "x", "sources": ["s"], **changes})


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Capécitabine", "capecitabine"),
        ("  5-FU ", "5-fu"),
        ("acide  zolédronique", "acide zoledronique"),
    ],
)
def test_names_are_compared_without_case_accents_or_spacing(name: str, key: str) -> None:
    """The French names of the case report find their drug."""
    assert normalize_name(name) == key


# --- JSON Schema -----------------------------------------------------------------------


def test_schema_describes_the_file_spelling() -> None:
    """The schema shows what a pharmacist writes: dose and duration as text."""
    schema = file_json_schema("regimen")
    component_schema = schema["$defs"]["Component"]["properties"]
    assert component_schema["dose"]["type"] == "string"
    assert component_schema["duration"]["type"] == "string"
    assert "days_text" not in component_schema
    assert schema["additionalProperties"] is False
    drugs = file_json_schema("drugs")["$defs"]["DrugFacts"]["properties"]
    assert {"tablet_strengths", "concentration", "rounding_increment"} <= set(drugs)


def test_checked_in_schema_is_current() -> None:
    """docs/regimen.schema.json is what the models generate today."""
    checked_in = json.loads((DOCS / "regimen.schema.json").read_text(encoding="utf-8"))
    assert checked_in == file_json_schema("regimen"), (
        "docs/regimen.schema.json is stale: regenerate it with "
        "`regimens schema > docs/regimen.schema.json`"
    )


# --- exact messages and spellings (mutation testing, issue 9) ---------------------------
# Each message below is what `regimens validate` prints after FILE:LINE: FIELD: for a
# wrong regimen or drugs.toml, so a pharmacist can correct the file; the expected texts
# are the ones documented by the format strings of src/regimens/_models/regimen.py.


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (" 1 - 3 , 8 ", "1-3,8"),
        ("1 – 3", "1-3"),
        ([1, 8, 15], "1,8,15"),
        (8, "8"),
    ],
    ids=["spaces", "en dash", "list", "one day"],
)
def test_days_text_is_the_file_spelling_without_spaces(written: Any, shown: str) -> None:
    """The days shown on sheets keep the file's spelling, spaces dropped and '–' as '-'.

    Worked by hand: ' 1 - 3 , 8 ' without whitespace is '1-3,8'; [1, 8, 15] joined by
    commas is '1,8,15'; the single day 8 is '8'.
    """
    assert ComponentFile.model_validate(component(days=written)).days_text == shown


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_duration_h, -2, "a duration must be a positive finite number, got '-2'"),
        (parse_duration_h, 0.0, "a duration must be a positive finite number, got '0.0'"),
        (parse_mass_mg, -150, "a mass must be a positive finite number, got '-150'"),
        (parse_concentration, 0, "a concentration must be a positive finite number, got '0'"),
        (parse_duration_h, "0 h", "a duration must be a positive finite number, got '0 h'"),
        (
            parse_concentration,
            "0 mg/mL",
            "a concentration must be a positive finite number, got '0 mg/mL'",
        ),
        (
            parse_duration_h,
            [46],
            "write the duration as text with its unit, e.g. '46 h', got [46]",
        ),
        (
            parse_duration_h,
            True,
            "write the duration as text with its unit, e.g. '46 h', got True",
        ),
        (parse_mass_mg, [500], "write the amount as text with its unit, e.g. '500 mg', got [500]"),
        (
            parse_concentration,
            [50],
            "write the concentration with its unit, e.g. '50 mg/mL', got [50]",
        ),
    ],
    ids=[
        "negative duration number",
        "zero duration number",
        "negative mass number",
        "zero concentration number",
        "zero duration text",
        "zero concentration text",
        "duration in a list",
        "duration true",
        "mass in a list",
        "concentration in a list",
    ],
)
def test_quantity_messages_name_what_is_wrong(parse: Any, value: object, message: str) -> None:
    """A zero, negative or non-text quantity is refused naming the quantity and the value.

    Expected texts: the format strings of _check_positive ('{what} must be a positive
    finite number, got {text!r}') and of each parser's 'write ... with its unit' line.
    """
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        parse(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("parse", "value", "expected"),
    [
        (parse_duration_h, 46, 46.0),
        (parse_mass_mg, 150, 150.0),
        (parse_concentration, 50, 50.0),
        (parse_concentration, 2.5, 2.5),
    ],
)
def test_a_number_is_read_back_in_the_canonical_unit(
    parse: Any, value: float, expected: float
) -> None:
    """A dumped model (46 h → 46.0, 150 mg → 150.0, 50 mg/mL → 50.0) reads back as is."""
    assert parse(value) == expected


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_concentration, "0.05 g/mL", 50.0),
        (parse_concentration, "50 g/L", 50.0),
        (parse_duration_h, "1 day", 24.0),
    ],
)
def test_other_units_are_converted_by_pint(parse: Any, text: str, expected: float) -> None:
    """Spellings outside the fast tables are converted: 0.05 g/mL = 50 mg/mL
    (0.05 × 1000 mg per mL), 50 g/L = 50 mg/mL (50 000 mg / 1000 mL), 1 day = 24 h."""
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("parse", "text", "field", "message"),
    [
        (
            parse_duration_h,
            "two h",
            "duration",
            "duration 'two h' does not start with a number: give e.g. '46 h'",
        ),
        (
            parse_concentration,
            "fifty mg/mL",
            "concentration",
            "concentration 'fifty mg/mL' does not start with a number: give e.g. '50 mg/mL'",
        ),
        (
            parse_concentration,
            "50 MG/ML",
            "concentration",
            "concentration '50 MG/ML': unknown unit MG",
        ),
    ],
)
def test_unreadable_quantity_names_its_field(
    parse: Any, text: str, field: str, message: str
) -> None:
    """Text that is no quantity is a UnitError naming the field (duration, concentration).

    Expected: parse_quantity's messages ('{field} {text!r} does not start with a number',
    '{field} {text!r}: unknown unit ...', src/regimens/_read/units.py) with this module's field.
    """
    with pytest.raises(UnitError) as caught:
        parse(text)
    assert (caught.value.field, str(caught.value)) == (field, message)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_duration_h, "46 h", 46.0),
        (parse_duration_h, "15 min", 0.25),
        (parse_concentration, "50 mg/mL", 50.0),
        (parse_dose, "625 mg/m2", {"amount": 625.0}),
    ],
)
def test_common_spellings_are_read_without_pint(
    parse: Any, text: str, expected: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library's spellings go through the fast tables: pint is never asked.

    (Loading the library must not build the pint registry, about 0.1 s of every
    command; test_library.py checks that in a subprocess.) 15 min = 15/60 = 0.25 h.
    """
    import regimens._read.units

    def no_pint(*args: object, **kwargs: object) -> None:
        raise AssertionError("pint was asked")

    monkeypatch.setattr(regimens._read.units, "parse_quantity", no_pint)
    monkeypatch.setattr(regimens._read.units, "get_registry", no_pint)
    result = parse(text)
    if isinstance(expected, dict):
        assert result["amount"] == expected["amount"]
    else:
        assert result == expected


def test_field_path_error_without_a_path_is_just_the_reason() -> None:
    """A problem of the model itself (no sub-path) reads as the bare reason."""
    assert str(FieldPathError("", "no bands: give at least one")) == "no bands: give at least one"
    assert str(FieldPathError("bands[2]", "overlaps")) == "bands[2]: overlaps"


def test_no_bands_at_all_is_refused() -> None:
    """check_contiguous of no edges names 'bands' and asks for at least one."""
    with pytest.raises(FieldPathError) as caught:
        check_contiguous([], unit="mL/min")
    assert (caught.value.path, caught.value.reason) == ("bands", "no bands: give at least one")


def test_first_band_may_start_at_zero_inclusive() -> None:
    """A first band written 'min = 0, inclusive' is the same as leaving min out."""
    check_contiguous([(0.0, True, 30.0, False), (30.0, True, None, False)], unit="mL/min")


@pytest.mark.parametrize(
    ("edges", "path", "reason"),
    [
        (
            [(0.0, False, 30.0, False), (30.0, True, None, False)],
            "bands[1]",
            "the first band must start at 0 mL/min inclusive (or leave min out), "
            "so that every value has a band",
        ),
        (
            [(None, True, 30.0, False), (30.0, True, 30.0, True), (30.0, False, None, False)],
            "bands[2]",
            "min 30 must be below max 30",
        ),
        (
            [(None, True, 30.0, False), (None, True, None, False)],
            "bands[2]",
            "overlaps bands[1]: only the first band may omit min and only the last may omit "
            "max (bands are listed from the lowest value up)",
        ),
        (
            [(None, True, 30.0, True), (30.0, True, None, False)],
            "bands[2]",
            "overlaps bands[1] at 30 mL/min: both include it; make exactly one side inclusive",
        ),
        (
            [(None, True, 30.0, False), (30.0, False, None, False)],
            "bands[2]",
            "leaves a gap after bands[1]: 30 mL/min itself is in no band; make exactly one "
            "side inclusive",
        ),
        (
            [(None, True, 30.0, False), (30.0, True, 50.0, True)],
            "bands[2]",
            "the last band must have no max, so that every value above 50 mL/min has a band",
        ),
    ],
    ids=[
        "first band excludes 0",
        "empty band",
        "second band without min",
        "edge in both",
        "edge in neither",
        "last band bounded",
    ],
)
def test_band_messages_are_exact(
    edges: list[tuple[float | None, bool, float | None, bool]], path: str, reason: str
) -> None:
    """Each banding mistake names its band (1-based) and says how to fix it, in full.

    The band [30, 30] would hold only 30 mL/min: min must be strictly below max.
    """
    with pytest.raises(FieldPathError) as caught:
        check_contiguous(edges, unit="mL/min")
    assert (caught.value.path, caught.value.reason) == (path, reason)


def test_band_for_reports_a_rule_built_without_validation() -> None:
    """The guard of band_for: bands that overlap (possible only past validation) are an error.

    Bands [0, 30] and [30, ∞) both contain 30 mL/min, so 30 falls in 2 bands.
    """
    low = RenalBand.model_validate(band(None, True, 30, True))
    high = RenalBand.model_validate(band(30, True, None, False))
    unchecked = RenalRule.model_construct(bands=(low, high), source="s")
    with pytest.raises(InputError) as caught:
        unchecked.band_for(30.0)
    assert str(caught.value) == "creatinine clearance 30 mL/min falls in 2 bands"
    assert caught.value.field == "creatinine_clearance"


def test_string_schema_is_the_documented_file_spelling() -> None:
    """The helper gives a dose's schema as docs/regimen.schema.json shows it (validation only).

    The models are built once at import, so this calls the helper itself with the dose's
    description and examples and compares with the checked-in schema.
    """
    checked_in = json.loads((DOCS / "regimen.schema.json").read_text(encoding="utf-8"))
    dose = checked_in["$defs"]["Component"]["properties"]["dose"]
    made = _string_schema(dose["description"], tuple(dose["examples"]))
    assert (made.json_schema, made.mode) == (dose, "validation")


def test_schema_of_a_regimen_file_is_the_default() -> None:
    """`regimens schema` without a kind describes a regimen file (docs/regimen.schema.json)."""
    assert file_json_schema()["title"] == "regimens: regimen file"


# --- validators' exact refusals (mutation testing of the decorated validators) ---------


def refusal(model: Any, data: object) -> tuple[tuple[Any, ...], str | None, str]:
    """(pydantic location, sub-path or None, reason) of the first problem of ``data``.

    The loader prints these joined: FILE:LINE: LOCATION+SUB-PATH: REASON.
    """
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    error = caught.value.errors()[0]
    cause = error["ctx"]["error"]
    if isinstance(cause, FieldPathError):
        return tuple(error["loc"]), cause.path, cause.reason
    return tuple(error["loc"]), None, str(cause)


def facts(**changes: Any) -> dict[str, Any]:
    return {"inn": "capecitabine", "sources": ["s"], **changes}


def test_dose_unit_must_be_the_canonical_unit_of_its_basis() -> None:
    """A dumped dose edited by hand to mg/kg while its basis is per m² is refused, naming both."""
    data = {"text": "625 mg/m2", "amount": 625.0, "basis": "per_m2", "unit": "mg/kg"}
    assert refusal(Dose, data) == (
        (),
        None,
        "unit 'mg/kg' is not the canonical unit of basis 'per_m2' (mg/m2)",
    )


def test_component_without_days_says_days_is_missing() -> None:
    """A component with no days is reported as the missing key 'days', not a crash."""
    with pytest.raises(ValidationError) as caught:
        ComponentFile.model_validate(component(days=None))
    assert [(error["loc"], error["type"]) for error in caught.value.errors()] == [
        (("days",), "missing")
    ]


def test_days_text_survives_a_dump_and_reload() -> None:
    """A component dumped (days as 1..14) and read back keeps the file's spelling '1-14'."""
    item = ComponentFile.model_validate(component(days="1-14"))
    assert ComponentFile.model_validate(item.model_dump()).days_text == "1-14"


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        (
            {"method": "continuous_infusion", "duration": None},
            "duration",
            "continuous infusion needs a duration, e.g. '2 h' or '46 h'",
        ),
        (
            {"route": "PO", "method": "oral"},
            "duration",
            "an oral dose has no infusion duration",
        ),
        (
            {"method": "oral", "duration": None},
            "method",
            "route IV is given as bolus or infusion or continuous_infusion, not oral",
        ),
    ],
    ids=["pump without duration", "oral with duration", "IV given as oral"],
)
def test_administration_messages_are_exact(changes: dict[str, Any], path: str, reason: str) -> None:
    """Route, method and duration problems say what to write (method spelled with spaces)."""
    assert refusal(ComponentFile, component(**changes)) == ((), path, reason)


def test_component_drug_message_gives_the_lowercase_inn() -> None:
    """'Oxaliplatin' is refused with the spelling to write instead: 'oxaliplatin'."""
    assert refusal(ComponentFile, component(drug="Oxaliplatin")) == (
        ("drug",),
        None,
        "write the drug as its lowercase INN: 'oxaliplatin', not 'Oxaliplatin'",
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"aliases": ["  "]}, (("aliases",), None, "an alias is empty")),
        (
            {"aliases": ["A", "a"]},
            ((), "aliases[2]", "duplicate alias 'a': same as alias 'A'"),
        ),
        (
            {"components": [component(), component(drug="fluorouracil")]},
            (
                (),
                "components[2].order",
                "order 1 is already used by components[1]: give each administration its "
                "own place on the day",
            ),
        ),
        (
            {"given_with": [{"regimen": "X", "every_n_cycles": 1, "day": 1, "source": "s"}]},
            ((), "given_with", "only a supportive regimen is given with another"),
        ),
    ],
    ids=["blank alias", "alias repeats alias", "two components in one place", "given with"],
)
def test_regimen_messages_are_exact(changes: dict[str, Any], expected: tuple[Any, ...]) -> None:
    """Regimen-level problems name the field and the earlier item they clash with."""
    assert refusal(RegimenFile, regimen(**changes)) == expected


@pytest.mark.parametrize(
    ("extra", "path", "reason"),
    [
        (
            {"action": "percent"},
            "percent",
            "give percent exactly when action is 'percent' (e.g. percent = 75)",
        ),
        (
            {"action": "absolute"},
            "dose_mg",
            "give dose_mg exactly when action is 'absolute' (e.g. dose_mg = 3.5)",
        ),
    ],
)
def test_band_action_messages_are_exact(extra: dict[str, Any], path: str, reason: str) -> None:
    """A renal band whose action lacks its number names the missing key and an example."""
    assert refusal(RenalBand, band(None, True, None, False, **extra)) == ((), path, reason)


def test_cumulative_limit_in_auc_is_refused_on_limit() -> None:
    """A cumulative limit written as an AUC (5 mg/mL*min) is refused on its 'limit' key."""
    data = facts(cumulative_limit={"limit": "5 mg/mL*min", "source": "s"})
    assert refusal(DrugFactsFile, data) == (
        ("cumulative_limit",),
        "limit",
        "a cumulative limit is a dose in mg/m2, mg/kg or mg",
    )


def test_atc_code_must_have_the_atc_shape() -> None:
    """'L1XA03' (a digit short) is not an ATC code; the message spells the shape out.

    Shape from the WHO ATC index: letter, 2 digits, 2 letters, 2 digits (L01XA03).
    """
    assert refusal(DrugCodes, {"atc": "L1XA03", "source": "s"}) == (
        ("atc",),
        None,
        "'L1XA03' is not an ATC code of a substance: write 7 characters, a letter, "
        "2 digits, 2 capital letters and 2 digits, e.g. 'L01XA03'",
    )
    assert DrugCodes.model_validate({"atc": "L01XA03", "source": "s"}).atc == "L01XA03"


def test_drug_facts_inn_message_gives_the_lowercase_inn() -> None:
    """'Capecitabine' in drugs.toml is refused with the spelling to write: 'capecitabine'."""
    assert refusal(DrugFactsFile, facts(inn="Capecitabine")) == (
        ("inn",),
        None,
        "write the INN in lowercase: 'capecitabine'",
    )


@pytest.mark.parametrize(
    ("strengths", "reason"),
    [
        (
            ["150.5 mg", "500 mg"],
            "tablet strengths must be whole milligrams (e.g. 150 mg), got 150.5 mg, 500 mg",
        ),
        (["0.5 mg"], "tablet strengths must be whole milligrams (e.g. 150 mg), got 0.5 mg"),
        (["150 mg", "150 mg"], "a tablet strength is listed twice"),
    ],
    ids=["150.5 mg", "half a mg", "twice"],
)
def test_tablet_strength_messages_are_exact(strengths: list[str], reason: str) -> None:
    """Tablet strengths are whole mg, once each (150.5 mg would stop every capecitabine sheet)."""
    data = facts(tablet_strengths=strengths, products_source="label")
    assert refusal(DrugFactsFile, data) == (("tablet_strengths",), None, reason)


def test_a_one_mg_tablet_is_accepted() -> None:
    """1 mg is the smallest whole-mg strength (e.g. anastrozole 1 mg tablets): accepted."""
    data = facts(tablet_strengths=["1 mg"], products_source="label")
    assert DrugFactsFile.model_validate(data).tablet_strengths_mg == (1.0,)


@pytest.mark.parametrize("strength", [0.0, -150.0])
def test_strengths_not_read_from_text_are_checked_too(strength: float) -> None:
    """A set of numbers from Python (not parsed by parse_mass_mg) is still checked positive.

    Files give a list, whose items parse_mass_mg already refuses when not positive; a set
    reaches the check as is. 0 and -150 mg are not tablet strengths.
    """
    data = facts(tablet_strengths_mg={strength}, products_source="label")
    assert refusal(DrugFactsFile, data) == (
        ("tablet_strengths_mg",),
        None,
        "tablet strengths must be positive",
    )


@pytest.mark.parametrize("strength", [math.inf, -math.inf, math.nan])
def test_no_model_holds_a_number_that_is_not_finite(strength: float) -> None:
    """∞ and NaN mg are refused by every model (``allow_inf_nan=False`` on Frozen), before
    any validator of the package runs: no sheet, and so no JSON document or hash, can
    hold one (src/regimens/_models/provenance.py, canonical_json)."""
    from regimens._models.sheet import VialCount

    data = facts(tablet_strengths_mg={strength}, products_source="label")
    with pytest.raises(ValidationError) as caught:
        DrugFactsFile.model_validate(data)
    assert caught.value.errors()[0]["type"] == "finite_number"
    with pytest.raises(ValidationError, match="finite number"):
        VialCount(size_mg=strength, count=1)


@pytest.mark.parametrize(
    ("aliases", "path", "reason"),
    [
        (["xeloda", " "], "[2]", "an alias is empty"),
        (["xeloda", "XELODA"], "[2]", "duplicate alias 'XELODA'"),
    ],
)
def test_drug_alias_messages_are_exact(aliases: list[str], path: str, reason: str) -> None:
    """A blank or repeated drug alias is refused on aliases[N], N counted from 1."""
    assert refusal(DrugFactsFile, facts(aliases=aliases)) == (("aliases",), path, reason)


def test_local_name_must_be_an_alias() -> None:
    """The French name used on sheets must also be an alias, so that it finds the drug."""
    data = facts(local_names={"fr": "capécitabine"})
    assert refusal(DrugFactsFile, data) == (
        (),
        "local_names.fr",
        "'capécitabine' must also be listed in aliases",
    )


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        (
            {"concentration": "50 mg/mL"},
            "products_source",
            "cite where the strengths/concentration come from",
        ),
        (
            {"rounding_increment": "1 mg"},
            "rounding_source",
            "cite where the rounding step comes from",
        ),
    ],
)
def test_product_facts_need_a_source_exactly(
    changes: dict[str, Any], path: str, reason: str
) -> None:
    """A concentration or rounding step without its source is refused on the source key."""
    assert refusal(DrugFactsFile, facts(**changes)) == ((), path, reason)


def test_drug_name_claimed_twice_names_both_drugs() -> None:
    """'Xeloda' given to a second drug is refused on drug[2], naming the first owner.

    Names are compared case-insensitively (normalize_name), so 'XELODA' = 'xeloda'.
    """
    drugs = [
        facts(aliases=["xeloda"]),
        {"inn": "fluorouracil", "aliases": ["XELODA"], "sources": ["s"]},
    ]
    assert refusal(DrugsFile, {"drug": drugs}) == (
        (),
        "drug[2]",
        "name 'XELODA' of 'fluorouracil' is already a name of 'capecitabine'",
    )


# --- TOML's true is not 1 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "loc"),
    [
        pytest.param(
            ComponentFile, component(intakes_per_day=True), ("intakes_per_day",), id="intakes"
        ),
        pytest.param(ComponentFile, component(order=True), ("order",), id="order"),
        pytest.param(
            RegimenFile, regimen(cycle_length_days=True), ("cycle_length_days",), id="cycle"
        ),
        pytest.param(RegimenFile, regimen(usual_cycles=True), ("usual_cycles",), id="usual cycles"),
        pytest.param(
            RegimenFile,
            regimen(
                kind="supportive",
                given_with=[{"regimen": "X", "every_n_cycles": True, "day": 1, "source": "s"}],
            ),
            ("given_with", 0, "every_n_cycles"),
            id="every n cycles",
        ),
        pytest.param(
            RenalBand,
            band(None, True, None, False, action="percent", percent=True),
            ("percent",),
            id="band percent",
        ),
        pytest.param(
            DrugFactsFile,
            {
                "inn": "x",
                "sources": ["s"],
                "doxorubicin_equivalence": {"ratio": True, "source": "s"},
            },
            ("doxorubicin_equivalence", "ratio"),
            id="equivalence ratio",
        ),
    ],
)
def test_a_boolean_is_not_read_as_1(model: Any, data: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """`intakes_per_day = true` in a file is refused, naming the field; pydantic would
    otherwise read it as 1 (one intake, order 1, a 1-day cycle, a ratio of 1.0)."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    first = caught.value.errors()[0]
    assert first["loc"] == loc
    assert first["input"] is True
    assert first["msg"] in {"Input should be a valid integer", "Input should be a valid number"}


def test_whole_numbers_and_decimals_still_read() -> None:
    """Integers where a number is expected (a band edge of 30) are still read."""
    assert RenalBand.model_validate(band(30, True, None, False)).min_ml_min == 30.0
    assert RegimenFile.model_validate(regimen(cycle_length_days=14)).cycle_length_days == 14


@pytest.mark.parametrize(
    ("increment", "accepted"),
    [
        pytest.param(4.9673223711297916e-188, False, id="1e-188 mg (found by the fuzz)"),
        pytest.param("0.0009 mg", False, id="just under 1 µg"),
        pytest.param("0.001 mg", True, id="1 µg"),
        pytest.param("1000 mg", True, id="1 g"),
        pytest.param("1000.1 mg", False, id="just over 1 g"),
    ],
)
def test_rounding_increment_is_a_step_that_can_be_measured(
    increment: object, accepted: bool
) -> None:
    """A rounding step from 1 µg to 1 g: a step of 1e-188 mg crashed the rounding (Decimal
    quantize beyond its precision) instead of being refused with the field named."""
    import tomllib

    from pydantic import ValidationError

    from regimens._read.regimen_file import DrugsFile

    data = tomllib.loads(
        (DOCS.parent / "regimen_library" / "drugs.toml").read_text(encoding="utf-8")
    )
    data["drug"][0]["rounding_increment"] = increment
    if accepted:
        DrugsFile.model_validate(data)
    else:
        with pytest.raises(ValidationError, match="rounding_increment"):
            DrugsFile.model_validate(data)

"""The regimen models: file spellings, dimension checks, band edges, the JSON Schema."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from regimens._errors import InputError
from regimens._regimen import (
    FAST_CONCENTRATION_UNITS,
    FAST_DOSE_UNITS,
    FAST_DURATION_UNITS,
    Component,
    Dose,
    DrugFacts,
    FieldPathError,
    Regimen,
    RenalBand,
    RenalRule,
    _parse_concentration,
    _parse_dose_with_pint,
    check_contiguous,
    file_json_schema,
    normalize_name,
    parse_days,
    parse_dose,
    parse_duration_h,
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
    dose = Dose.model_validate(text)
    assert (dose.amount, dose.basis, dose.unit, dose.text) == (amount, basis, unit, text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("625 mL/m2", "is not a dose"),
        ("625", "is not a dose"),
        ("625 mg/m", "is not a dose"),
        ("46 h", "is not a dose"),
        ("0 mg/m2", "positive"),
        ("-5 mg", "positive"),
        ("625 furlongs", "unknown unit"),
        ("mg/m2", "does not start with a number"),
    ],
)
def test_dose_of_wrong_dimension_is_refused(text: str, reason: str) -> None:
    """A per-m² dose must be a mass per area, a flat dose a mass: anything else is refused."""
    with pytest.raises(ValidationError, match=reason):
        Dose.model_validate(text)


@pytest.mark.parametrize("unit", sorted(FAST_DOSE_UNITS))
def test_fast_dose_units_read_as_pint_reads_them(unit: str) -> None:
    """The fast table that spares loading pint gives exactly pint's reading."""
    fast = parse_dose(f"2.5 {unit}")
    assert (fast["basis"], fast["amount"]) == _parse_dose_with_pint(f"2.5 {unit}")


@pytest.mark.parametrize("unit", sorted(FAST_DURATION_UNITS))
def test_fast_duration_units_read_as_pint_reads_them(unit: str) -> None:
    """'h' and 'min' mean hours and minutes, as in pint."""
    from regimens._units import parse_quantity

    expected = parse_quantity(f"7.5 {unit}", field="duration").to("h").magnitude
    assert parse_duration_h(f"7.5 {unit}") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("unit", sorted(FAST_CONCENTRATION_UNITS))
def test_fast_concentration_units_read_as_pint_reads_them(unit: str) -> None:
    """'mg/mL' is milligrams per millilitre, as in pint."""
    from regimens._units import parse_quantity

    expected = parse_quantity(f"0.8 {unit}", field="c").to("mg/mL").magnitude
    assert _parse_concentration(f"0.8 {unit}") == pytest.approx(expected, rel=1e-12)


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
        ("0", "counted from 1"),
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
    """Reversed ranges, repeated days and day 0 are likely typos in a protocol."""
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
    item = Component.model_validate(component(days="1-14"))
    assert item.duration_h == 2.0
    assert item.days == tuple(range(1, 15))
    assert item.days_text == "1-14"


def test_daily_dose_is_divided_into_intakes() -> None:
    """EOX capecitabine: 1250 mg/m²/day in 2 intakes is 625 mg/m² per intake."""
    item = Component.model_validate(
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
    item = Component.model_validate(
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
        Component.model_validate(component(**changes))
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, FieldPathError)
    assert cause.path == path
    assert reason in cause.reason


def test_drug_must_be_the_lowercase_inn() -> None:
    """Components name drugs by lowercase INN, as drugs.toml lists them."""
    with pytest.raises(ValidationError, match="lowercase INN"):
        Component.model_validate(component(drug="Oxaliplatin"))


def test_unknown_key_is_refused() -> None:
    """extra='forbid': a misspelt key fails instead of being ignored."""
    with pytest.raises(ValidationError, match="Extra inputs"):
        Component.model_validate(component(note="typo"))


def test_component_round_trips_through_its_dump() -> None:
    """A dumped component (canonical fields) validates back to an equal object."""
    item = Component.model_validate(component())
    assert Component.model_validate(item.model_dump()) == item


def test_models_are_frozen() -> None:
    """Domain objects are immutable; changes go through model_copy."""
    item = Component.model_validate(component())
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
        Regimen.model_validate(regimen(**changes))
    cause = caught.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, FieldPathError)
    assert (cause.path, reason in cause.reason) == (path, True)


@pytest.mark.parametrize("bad_id", ["eox", "EOX 2", "-EOX", ""])
def test_regimen_id_is_upper_case(bad_id: str) -> None:
    """Ids are upper-case letters, digits and hyphens (FOLFOX-6)."""
    with pytest.raises(ValidationError, match="id"):
        Regimen.model_validate(regimen(id=bad_id))


def test_regimen_needs_components_and_references() -> None:
    """An empty regimen or one without any reference is refused."""
    with pytest.raises(ValidationError, match="components"):
        Regimen.model_validate(regimen(components=[]))
    with pytest.raises(ValidationError, match="references"):
        Regimen.model_validate(regimen(references=[]))


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
    facts = DrugFacts.model_validate(
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
        DrugFacts.model_validate({"inn": "x", "sources": ["s"], **changes})


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

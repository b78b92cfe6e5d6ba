"""The regimen models: what a regimen file means, validated.

These frozen pydantic models are the only description of the library format: the
loader (:mod:`regimens._read.library`) reads TOML and hands plain data to them, and the
JSON Schema in ``docs/regimen.schema.json`` is generated from them. They accept the
*file* spelling of each value, the one a pharmacist writes, and store a canonical
value beside it:

==============================  ======================================================
file                            model
==============================  ======================================================
``dose = "1.25 g/m2"``          ``Dose(text="1.25 g/m2", amount=1250.0, basis="per_m2",
                                unit="mg/m2")``
``days = "1-14"``               ``days=(1, 2, ..., 14)``, ``days_text="1-14"``
``duration = "46 h"``           ``duration_h=46.0``
``concentration = "50 mg/mL"``  ``concentration_mg_per_ml=50.0``
==============================  ======================================================

Every quantity in a file is written with its unit and checked for its dimension
here, at load: a per-m² dose must be a mass per area, a duration a time. Common
spellings (``mg/m2``, ``h``...) are read by a fast table that a test proves equal to
pint's reading; anything else goes through :func:`regimens._read.units.parse_quantity`.

Organ-function rules are data (:class:`RenalRule`): bands of Cockcroft–Gault
creatinine clearance with explicit edges, checked to cover 0 to infinity with no
gap and no overlap, so a non-integer clearance (49.5 mL/min) falls in exactly one
band. The band check is written once (:func:`check_contiguous`) so that a bilirubin
rule can reuse it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from regimens._errors import InputError
from regimens._models.base import Number, Whole

__all__ = [
    "Component",
    "CumulativeLimit",
    "Dose",
    "DoseBasis",
    "DoxorubicinEquivalence",
    "DrugCodes",
    "DrugFacts",
    "DrugsFile",
    "Evidence",
    "FieldPathError",
    "Method",
    "Reference",
    "Regimen",
    "RenalAction",
    "RenalBand",
    "RenalRule",
    "SupportiveSchedule",
    "check_contiguous",
    "file_json_schema",
    "normalize_name",
    "parse_days",
    "parse_dose",
    "parse_duration_h",
    "parse_mass_mg",
]

DoseBasis = Literal["per_m2", "per_kg", "flat", "auc"]
Method = Literal["bolus", "infusion", "continuous_infusion", "oral", "injection"]
Route = Literal["IV", "PO", "SC", "IM"]
RenalAction = Literal["full", "percent", "absolute", "contraindicated"]

#: Canonical display unit of each dose basis; ``Dose.amount`` is in this unit.
CANONICAL_UNIT: dict[str, str] = {
    "per_m2": "mg/m2",
    "per_kg": "mg/kg",
    "flat": "mg",
    "auc": "mg/mL*min",
}
_PINT_UNIT = {"per_m2": "mg/m**2", "per_kg": "mg/kg", "flat": "mg", "auc": "mg*min/mL"}

# Fast readings of the spellings the library uses, so that loading the library does
# not build the pint registry (about 0.1 s of every command's start). A test checks
# that each entry reads exactly as pint reads it.
FAST_DOSE_UNITS: dict[str, tuple[str, float]] = {
    "mg/m2": ("per_m2", 1.0),
    "mg/m²": ("per_m2", 1.0),
    "g/m2": ("per_m2", 1000.0),
    "g/m²": ("per_m2", 1000.0),
    "mg/kg": ("per_kg", 1.0),
    "mg": ("flat", 1.0),
    "g": ("flat", 1000.0),
    "mg/mL*min": ("auc", 1.0),
}
FAST_DURATION_UNITS: dict[str, float] = {"h": 1.0, "min": 1.0 / 60.0}
FAST_CONCENTRATION_UNITS: dict[str, float] = {"mg/mL": 1.0}

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(\S.*?)?\s*$")
_ACCEPTED_DOSE_UNITS = (
    "mg/m2 (per body-surface area), mg/kg (per kg of body weight), mg (flat) "
    "or mg/mL*min (carboplatin-style AUC, Calvert)"
)


class FieldPathError(ValueError):
    """A validation problem located below the model that found it.

    A model validator that checks several fields together (days against the cycle
    length, bands against each other) raises this with a path relative to its model,
    e.g. ``components[2].days``; the loader joins it to the model's own location.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


def _clean_number(value: float) -> float:
    """Drop float noise from a unit conversion (1.25 g → 1250.0000000000002 mg)."""
    return float(f"{value:.12g}")


def _split_quantity(text: str) -> tuple[float, str] | None:
    match = _QUANTITY.match(text)
    if match is None:
        return None
    return float(match.group(1)), (match.group(2) or "").replace(" ", "")


def _check_positive(value: float, what: str, text: str) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive finite number, got {text!r}")


def parse_dose(text: str) -> dict[str, Any]:
    """Read a dose text (``"625 mg/m2"``) into the fields of :class:`Dose`.

    The basis follows from the unit: mass per area → ``per_m2``, mass per mass →
    ``per_kg``, mass → ``flat``, mass·time per volume → ``auc``. Anything else is
    refused with the list of accepted units.
    """
    if not isinstance(text, str):
        raise ValueError(f"write the dose as text with its unit, e.g. '625 mg/m2', got {text!r}")
    split = _split_quantity(text)
    if split is not None and split[1] in FAST_DOSE_UNITS:
        basis, factor = FAST_DOSE_UNITS[split[1]]
        amount = _clean_number(split[0] * factor)
    else:
        basis, amount = _parse_dose_with_pint(text)
    _check_positive(amount, "a dose", text)
    return {"text": text.strip(), "amount": amount, "basis": basis, "unit": CANONICAL_UNIT[basis]}


def _parse_dose_with_pint(text: str) -> tuple[str, float]:
    from regimens._read.units import get_registry, parse_quantity

    quantity = parse_quantity(text, field="dose", example="625 mg/m2")
    units = list(quantity.unit_items())
    if units:  # a bare number has no unit, and mg/kg is "dimensionless" to pint
        registry = get_registry()
        numerator = registry.Quantity(1.0, "")
        denominator = registry.Quantity(1.0, "")
        for name, power in units:
            exponent = float(str(power))
            if exponent > 0:
                numerator = numerator * registry.Quantity(1.0, name) ** exponent
            else:
                denominator = denominator * registry.Quantity(1.0, name) ** -exponent
        shape = (str(numerator.dimensionality), str(denominator.dimensionality))
        basis = {
            ("[mass]", "[length] ** 2"): "per_m2",
            ("[mass]", "[mass]"): "per_kg",
            ("[mass]", "dimensionless"): "flat",
            ("[mass] * [time]", "[length] ** 3"): "auc",
        }.get(shape)
        if basis is not None:
            return basis, _clean_number(float(quantity.to(_PINT_UNIT[basis]).magnitude))
    raise ValueError(f"{text.strip()!r} is not a dose: write it in {_ACCEPTED_DOSE_UNITS}")


def _number_as_is(value: object, what: str) -> float | None:
    """A number already in the canonical unit (a model dumped and read back)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    _check_positive(number, what, str(value))
    return number


def parse_duration_h(value: object) -> float | None:
    """Read a duration text (``"46 h"``, ``"15 min"``) into hours; ``None`` stays ``None``."""
    if value is None:
        return None
    as_is = _number_as_is(value, "a duration")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the duration as text with its unit, e.g. '46 h', got {value!r}")
    split = _split_quantity(value)
    if split is not None and split[1] in FAST_DURATION_UNITS:
        hours = _clean_number(split[0] * FAST_DURATION_UNITS[split[1]])
    else:
        from regimens._read.units import get_registry, parse_quantity

        quantity = parse_quantity(value, field="duration", example="46 h")
        if quantity.dimensionality != get_registry().get_dimensionality("[time]"):
            raise ValueError(f"{value.strip()!r} is not a duration: write it in h or min")
        hours = _clean_number(float(quantity.to("h").magnitude))
    _check_positive(hours, "a duration", value)
    return hours


def parse_mass_mg(value: object) -> float | None:
    """Read a mass text (``"500 mg"``) into milligrams; ``None`` stays ``None``."""
    if value is None:
        return None
    as_is = _number_as_is(value, "a mass")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the amount as text with its unit, e.g. '500 mg', got {value!r}")
    dose = parse_dose(value)
    if dose["basis"] != "flat":
        raise ValueError(f"{value.strip()!r} is not a mass: write it in mg")
    amount: float = dose["amount"]
    return amount


def _parse_concentration(value: object) -> float | None:
    if value is None:
        return None
    as_is = _number_as_is(value, "a concentration")
    if as_is is not None:
        return as_is
    if not isinstance(value, str):
        raise ValueError(f"write the concentration with its unit, e.g. '50 mg/mL', got {value!r}")
    split = _split_quantity(value)
    if split is not None and split[1] in FAST_CONCENTRATION_UNITS:
        amount = _clean_number(split[0] * FAST_CONCENTRATION_UNITS[split[1]])
    else:
        from regimens._read.units import get_registry, parse_quantity

        quantity = parse_quantity(value, field="concentration", example="50 mg/mL")
        wanted = get_registry().get_dimensionality("[mass] / [length] ** 3")
        if quantity.dimensionality != wanted:
            raise ValueError(f"{value.strip()!r} is not a concentration: write it in mg/mL")
        amount = _clean_number(float(quantity.to("mg/mL").magnitude))
    _check_positive(amount, "a concentration", value)
    return amount


def _parse_strengths(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(parse_mass_mg(item) for item in value)
    return value


_DAY_PART = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?$")


def parse_days(value: object) -> tuple[int, ...]:
    """Read cycle days: ``1``, ``"1-21"``, ``"1,8,15"``, ``"1-3, 8"`` or ``[1, 8, 15]``.

    Days are 1-based; ranges are inclusive. A day given twice, a reversed range or a
    day 0 is refused (each is a likely typo in a protocol).
    """
    days: list[int] = []
    if isinstance(value, bool):
        raise ValueError(f"days must be a day number or text such as '1-14', got {value!r}")
    if isinstance(value, int):
        days = [value]
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int):
                raise ValueError(f"days must be whole numbers, got {item!r}")
            days.append(item)
    elif isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
        for part in parts:
            match = _DAY_PART.match(part)
            if match is None:
                raise ValueError(
                    f"{value!r} is not a list of days: write e.g. '1', '1-14' or '1,8,15'"
                )
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) else first
            if last < first:
                raise ValueError(f"day range {part!r} runs backwards: write it as {last}-{first}")
            days.extend(range(first, last + 1))
    else:
        raise ValueError(f"days must be a day number or text such as '1-14', got {value!r}")
    if not days:
        raise ValueError("days is empty: give at least one day, e.g. '1'")
    if min(days) < 1:
        raise ValueError(
            f"days are counted from 1 (day 1 is the first day of the cycle), got {value!r}"
        )
    repeated = sorted({day for day in days if days.count(day) > 1})
    if repeated:
        raise ValueError(f"day {repeated[0]} is given twice in {value!r}")
    return tuple(sorted(days))


def _days_text(value: object) -> str:
    if isinstance(value, str):
        return re.sub(r"\s+", "", value).replace("–", "-")
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


NonEmpty = Annotated[str, Field(min_length=1)]


def _string_schema(description: str, examples: Sequence[object]) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "description": description, "examples": list(examples)},
        mode="validation",
    )


class Reference(_Frozen):
    """A published source of a regimen: citation, year and an identifier where known."""

    citation: NonEmpty = Field(description="Authors, title, journal, volume:pages.")
    year: Whole | None = Field(
        default=None, ge=1900, le=2100, description="Publication year (leave out if unknown)."
    )
    pmid: str | None = Field(default=None, pattern=r"^\d{1,9}$", description="PubMed id.")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    note: str = ""


class Dose(_Frozen):
    """A dose as written and in canonical units.

    ``amount`` is in ``unit``: mg per m² of body-surface area (``per_m2``), mg per kg
    of body weight (``per_kg``), mg (``flat``) or the target AUC in mg/mL·min
    (``auc``, Calvert formula). In a file, write only the text: ``dose = "625 mg/m2"``.
    """

    text: str
    amount: float = Field(gt=0, allow_inf_nan=False)
    basis: DoseBasis
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        if isinstance(data, str):
            return parse_dose(data)
        return data

    @model_validator(mode="after")
    def _unit_matches_basis(self) -> Dose:
        if self.unit != CANONICAL_UNIT[self.basis]:
            raise ValueError(
                f"unit {self.unit!r} is not the canonical unit of basis {self.basis!r} "
                f"({CANONICAL_UNIT[self.basis]})"
            )
        return self


DoseText = Annotated[
    Dose,
    _string_schema(
        f"The dose with its unit: {_ACCEPTED_DOSE_UNITS}.",
        ["625 mg/m2", "1.25 g/m2", "4 mg", "5 mg/kg", "5 mg/mL*min"],
    ),
]
DaysField = Annotated[
    tuple[int, ...],
    BeforeValidator(parse_days),
    WithJsonSchema(
        {
            "description": "Days of the cycle, from 1: '1', '1-21', '1,8,15', or a list.",
            "anyOf": [
                {
                    "type": "string",
                    "pattern": r"^\s*\d+(\s*[-–]\s*\d+)?(\s*,\s*\d+(\s*[-–]\s*\d+)?)*\s*$",
                },
                {"type": "integer", "minimum": 1},
                {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
            ],
            "examples": ["1", "1-21", "1,8,15"],
        },
        mode="validation",
    ),
]
DurationField = Annotated[
    float | None,
    BeforeValidator(parse_duration_h),
    _string_schema("Infusion duration with its unit.", ["46 h", "2 h", "15 min"]),
]


class Component(_Frozen):
    """One drug administration of a cycle: what, how much, on which days, how given."""

    drug: NonEmpty = Field(description="Lowercase INN, as listed in drugs.toml.")
    dose: DoseText
    dose_per: Literal["intake", "day"] = Field(
        default="intake",
        description="'day': the dose is a daily total divided equally into intakes_per_day.",
    )
    intakes_per_day: Whole = Field(default=1, ge=1, le=6)
    days: DaysField
    days_text: SkipJsonSchema[str] = ""
    route: Route
    method: Method
    duration_h: DurationField = Field(
        default=None, validation_alias=AliasChoices("duration", "duration_h")
    )
    order: Whole = Field(ge=1, description="Administration order on the day (1 = first).")
    notes: str = ""
    source: NonEmpty = Field(description="Where the dose, days and administration come from.")
    unverified: tuple[str, ...] = Field(
        default=(), description="What in this component no seen source confirms."
    )

    @model_validator(mode="before")
    @classmethod
    def _remember_days_text(cls, data: object) -> object:
        if isinstance(data, dict) and "days" in data and not data.get("days_text"):
            return {**data, "days_text": _days_text(data["days"])}
        return data

    @field_validator("drug")
    @classmethod
    def _lowercase_inn(cls, drug: str) -> str:
        if drug != drug.lower():
            raise ValueError(f"write the drug as its lowercase INN: {drug.lower()!r}, not {drug!r}")
        return drug

    @model_validator(mode="after")
    def _consistent_administration(self) -> Component:
        timed = self.method in ("infusion", "continuous_infusion")
        if timed and self.duration_h is None:
            raise FieldPathError(
                "duration",
                f"{self.method.replace('_', ' ')} needs a duration, e.g. '2 h' or '46 h'",
            )
        if self.method == "oral" and self.duration_h is not None:
            raise FieldPathError("duration", "an oral dose has no infusion duration")
        allowed = {"PO": ("oral",), "IV": ("bolus", "infusion", "continuous_infusion")}
        methods = allowed.get(self.route, ("injection",))
        if self.method not in methods:
            raise FieldPathError(
                "method",
                f"route {self.route} is given as {' or '.join(methods)}, not {self.method}",
            )
        return self

    @property
    def dose_per_intake(self) -> float:
        """The amount of one intake, in ``dose.unit`` (a daily dose divided equally)."""
        if self.dose_per == "day":
            return self.dose.amount / self.intakes_per_day
        return self.dose.amount

    @property
    def daily_amount(self) -> float:
        """The total amount of one treatment day, in ``dose.unit``."""
        if self.dose_per == "day":
            return self.dose.amount
        return self.dose.amount * self.intakes_per_day


class SupportiveSchedule(_Frozen):
    """How a supportive regimen is added to a chemotherapy regimen.

    E.g. zoledronic acid with FOLFOX-6 (14-day cycles): ``every_n_cycles = 2``,
    ``day = 1`` gives it on day 1 of cycles 1, 3, 5...
    """

    regimen: NonEmpty = Field(description="Id of the chemotherapy regimen it is given with.")
    every_n_cycles: Whole = Field(ge=1)
    first_cycle: Whole = Field(default=1, ge=1)
    day: Whole = Field(ge=1, description="Day of the host regimen's cycle.")
    source: NonEmpty
    notes: str = ""
    unverified: tuple[str, ...] = ()


_ID = r"^[A-Z0-9][A-Z0-9-]*$"


class Regimen(_Frozen):
    """A chemotherapy or supportive regimen: one file of the library."""

    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: regimen file",
            "description": "One regimen of the regimens library (TOML); "
            "see docs/regimen-format.md.",
        }
    )

    id: str = Field(pattern=_ID, description="Upper-case id, e.g. 'FOLFOX-6'.")
    name: NonEmpty
    aliases: tuple[str, ...] = ()
    description: NonEmpty
    setting: NonEmpty
    kind: Literal["chemotherapy", "supportive"] = "chemotherapy"
    cycle_length_days: Whole = Field(ge=1, le=365)
    usual_cycles: Whole | None = Field(default=None, ge=1)
    components: tuple[Component, ...] = Field(min_length=1)
    given_with: tuple[SupportiveSchedule, ...] = ()
    notes: tuple[str, ...] = ()
    references: tuple[Reference, ...] = Field(min_length=1)

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(alias.strip() for alias in aliases)
        if any(not alias for alias in cleaned):
            raise ValueError("an alias is empty")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> Regimen:
        seen: dict[str, str] = {self.id.casefold(): "the id"}
        for index, alias in enumerate(self.aliases, start=1):
            key = alias.casefold()
            if key in seen:
                raise FieldPathError(
                    f"aliases[{index}]", f"duplicate alias {alias!r}: same as {seen[key]}"
                )
            seen[key] = f"alias {alias!r}"
        orders: dict[int, int] = {}
        for index, component in enumerate(self.components, start=1):
            late = [day for day in component.days if day > self.cycle_length_days]
            if late:
                raise FieldPathError(
                    f"components[{index}].days",
                    f"day {late[0]} is outside the {self.cycle_length_days}-day cycle "
                    f"(days run from 1 to {self.cycle_length_days})",
                )
            if component.order in orders:
                raise FieldPathError(
                    f"components[{index}].order",
                    f"order {component.order} is already used by "
                    f"components[{orders[component.order]}]: give each administration "
                    "its own place on the day",
                )
            orders[component.order] = index
        if self.given_with and self.kind != "supportive":
            raise FieldPathError("given_with", "only a supportive regimen is given with another")
        return self

    def names(self) -> tuple[str, ...]:
        """The id followed by the aliases: every name this regimen answers to."""
        return (self.id, *self.aliases)


def check_contiguous(
    edges: Sequence[tuple[float | None, bool, float | None, bool]], *, unit: str
) -> None:
    """Check that bands cover 0 to infinity once: sorted, no gap, no overlap.

    Each band is ``(min, min_inclusive, max, max_inclusive)``; ``None`` is unbounded.
    At each shared edge exactly one side must include the edge, so every value falls
    in exactly one band. Raises :class:`FieldPathError` naming the band (1-based).
    Written once for every banded organ-function rule (renal now, bilirubin later).
    """
    if not edges:
        raise FieldPathError("bands", "no bands: give at least one")
    first_min, first_inclusive = edges[0][0], edges[0][1]
    if first_min is not None and (first_min != 0 or not first_inclusive):
        raise FieldPathError(
            "bands[1]",
            f"the first band must start at 0 {unit} inclusive (or leave min out), "
            f"so that every value has a band",
        )
    for index, (low, _, high, _) in enumerate(edges, start=1):
        if low is not None and high is not None and low >= high:
            raise FieldPathError(f"bands[{index}]", f"min {low:g} must be below max {high:g}")
    for index in range(1, len(edges)):
        _, _, high, high_inclusive = edges[index - 1]
        low, low_inclusive, _, _ = edges[index]
        where = f"bands[{index + 1}]"
        if high is None or low is None:
            raise FieldPathError(
                where,
                f"overlaps bands[{index}]: only the first band may omit min and only the last "
                "may omit max (bands are listed from the lowest value up)",
            )
        if low < high:
            raise FieldPathError(
                where, f"overlaps bands[{index}]: starts at {low:g} {unit}, before {high:g}"
            )
        if low > high:
            raise FieldPathError(
                where,
                f"leaves a gap after bands[{index}]: values between {high:g} and {low:g} {unit} "
                "have no band (a band must start where the previous one ends)",
            )
        if high_inclusive and low_inclusive:
            raise FieldPathError(
                where,
                f"overlaps bands[{index}] at {low:g} {unit}: both include it; make exactly one "
                "side inclusive",
            )
        if not high_inclusive and not low_inclusive:
            raise FieldPathError(
                where,
                f"leaves a gap after bands[{index}]: {low:g} {unit} itself is in no band; make "
                "exactly one side inclusive",
            )
    if edges[-1][2] is not None:
        raise FieldPathError(
            f"bands[{len(edges)}]",
            f"the last band must have no max, so that every value above {edges[-1][2]:g} {unit} "
            "has a band",
        )


class RenalBand(_Frozen):
    """One band of creatinine clearance (mL/min) and what it does to the dose."""

    label: NonEmpty = Field(description="As a pharmacist reads it, e.g. 'CrCl 30–50 mL/min'.")
    min_ml_min: Number | None = Field(default=None, ge=0, allow_inf_nan=False)
    min_inclusive: bool = True
    max_ml_min: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_inclusive: bool = False
    action: RenalAction
    percent: Number | None = Field(default=None, gt=0, lt=100)
    dose_mg: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: NonEmpty

    @model_validator(mode="after")
    def _action_has_its_number(self) -> RenalBand:
        if (self.action == "percent") != (self.percent is not None):
            raise FieldPathError(
                "percent", "give percent exactly when action is 'percent' (e.g. percent = 75)"
            )
        if (self.action == "absolute") != (self.dose_mg is not None):
            raise FieldPathError(
                "dose_mg", "give dose_mg exactly when action is 'absolute' (e.g. dose_mg = 3.5)"
            )
        return self

    def contains(self, crcl_ml_min: float) -> bool:
        """Whether ``crcl_ml_min`` lies in this band, edges as declared."""
        low, high = self.min_ml_min, self.max_ml_min
        if low is not None and (
            crcl_ml_min < low or (crcl_ml_min == low and not self.min_inclusive)
        ):
            return False
        return not (
            high is not None
            and (crcl_ml_min > high or (crcl_ml_min == high and not self.max_inclusive))
        )


class RenalRule(_Frozen):
    """A drug's dose by Cockcroft–Gault creatinine clearance, as contiguous bands."""

    measure: Literal["cockcroft_gault"] = "cockcroft_gault"
    bands: tuple[RenalBand, ...] = Field(min_length=1)
    source: NonEmpty
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _bands_cover_once(self) -> RenalRule:
        check_contiguous(
            [
                (band.min_ml_min, band.min_inclusive, band.max_ml_min, band.max_inclusive)
                for band in self.bands
            ],
            unit="mL/min",
        )
        return self

    def band_for(self, crcl_ml_min: float) -> RenalBand:
        """The one band containing ``crcl_ml_min`` (mL/min, Cockcroft–Gault)."""
        if isinstance(crcl_ml_min, bool) or not math.isfinite(crcl_ml_min) or crcl_ml_min < 0:
            raise InputError(
                f"creatinine clearance must be a finite number of mL/min ≥ 0, got {crcl_ml_min!r}",
                field="creatinine_clearance",
            )
        matches = [band for band in self.bands if band.contains(crcl_ml_min)]
        if len(matches) != 1:  # impossible once validated; kept as a guard
            raise InputError(
                f"creatinine clearance {crcl_ml_min:g} mL/min falls in {len(matches)} bands",
                field="creatinine_clearance",
            )
        return matches[0]


Evidence = Literal["V", "P", "U"]


class CumulativeLimit(_Frozen):
    """A lifetime cumulative dose above which a warning is due (e.g. epirubicin).

    ``kind = "limit"`` is a limit printed by a label (epirubicin 900 mg/m²): going past
    it is a blocking warning of ``regimens course``. ``kind = "advisory"`` is a
    threshold from the literature with no regulatory standing (oxaliplatin neuropathy):
    going past it is a caution.
    """

    limit: DoseText
    kind: Literal["limit", "advisory"] = Field(
        default="limit",
        description="'limit': a label's cumulative limit; 'advisory': a published "
        "threshold without regulatory standing.",
    )
    evidence: Evidence | None = Field(
        default=None,
        description="V seen in the cited source, P secondary or partial, U unverified.",
    )
    source: NonEmpty
    note: str = ""

    @model_validator(mode="after")
    def _not_auc(self) -> CumulativeLimit:
        if self.limit.basis == "auc":
            raise FieldPathError("limit", "a cumulative limit is a dose in mg/m2, mg/kg or mg")
        return self

    @property
    def amount(self) -> float:
        """The limit in :attr:`unit`."""
        return self.limit.amount

    @property
    def unit(self) -> str:
        """``mg/m2``, ``mg/kg`` or ``mg``."""
        return self.limit.unit


class DoxorubicinEquivalence(_Frozen):
    """How many mg of doxorubicin one mg of an anthracycline counts as (cardiotoxicity).

    Sources disagree (epirubicin 1 in COG substitution rules, 0.8 in Feijen, JAMA Oncol
    2019), so the ratio is data with its source, and ``regimens course --equivalence``
    can replace it.
    """

    ratio: Number = Field(gt=0, le=20, allow_inf_nan=False)
    evidence: Evidence | None = None
    source: NonEmpty
    note: str = Field(default="", description="Other published ratios, and why this one.")


_ATC_CODE = re.compile(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")


class DrugCodes(_Frozen):
    """Standard identifiers of a drug, with where they were checked.

    Used to name the drug to other systems (the FHIR export, ``docs/fhir.md``);
    never in a calculation. Leave a code out rather than guess it.
    """

    atc: str | None = Field(
        default=None,
        description="WHO ATC code of the substance (5th level), e.g. 'L01XA03'.",
        examples=["L01XA03"],
    )
    evidence: Evidence | None = Field(
        default=None,
        description="V seen in the cited source, P secondary or partial, U unverified.",
    )
    source: NonEmpty = Field(description="Where the code was checked, with its year.")

    @field_validator("atc")
    @classmethod
    def _atc_format(cls, atc: str | None) -> str | None:
        if atc is not None and _ATC_CODE.fullmatch(atc) is None:
            raise ValueError(
                f"{atc!r} is not an ATC code of a substance: write 7 characters, a letter, "
                "2 digits, 2 capital letters and 2 digits, e.g. 'L01XA03'"
            )
        return atc


class DrugFacts(_Frozen):
    """What the library knows of a drug, shared by every regimen that uses it."""

    inn: NonEmpty = Field(description="Lowercase INN, the name components use.")
    aliases: tuple[str, ...] = Field(
        default=(), description="Other names: brands, abbreviations, other languages."
    )
    local_names: dict[str, str] = Field(
        default_factory=dict,
        description="The drug's name per output language, e.g. {fr = 'capécitabine'}; "
        "each name must be one of the aliases.",
    )
    tablet_strengths_mg: Annotated[
        tuple[float, ...],
        BeforeValidator(_parse_strengths),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"type": "string"},
                "description": "Tablet strengths with unit (oral drugs only).",
                "examples": [["150 mg", "500 mg"]],
            },
            mode="validation",
        ),
    ] = Field(default=(), validation_alias=AliasChoices("tablet_strengths", "tablet_strengths_mg"))
    concentration_mg_per_ml: Annotated[
        float | None,
        BeforeValidator(_parse_concentration),
        _string_schema("Concentration of the solution drawn up, with unit.", ["50 mg/mL"]),
    ] = Field(
        default=None, validation_alias=AliasChoices("concentration", "concentration_mg_per_ml")
    )
    products_source: str = Field(default="", description="Source of strengths/concentration.")
    rounding_increment_mg: Annotated[
        float | None,
        BeforeValidator(parse_mass_mg),
        _string_schema("Step to which a parenteral dose is rounded.", ["1 mg", "0.1 mg"]),
    ] = Field(
        default=None, validation_alias=AliasChoices("rounding_increment", "rounding_increment_mg")
    )
    rounding_source: str = ""
    cumulative_limit: CumulativeLimit | None = None
    doxorubicin_equivalence: DoxorubicinEquivalence | None = Field(
        default=None,
        description="Anthracyclines: the doxorubicin-equivalence ratio for cumulative doses.",
    )
    renal_rule: RenalRule | None = None
    codes: DrugCodes | None = Field(
        default=None, description="Standard codes (ATC) with their source; not used in doses."
    )
    sources: tuple[str, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()

    @field_validator("inn")
    @classmethod
    def _lowercase(cls, inn: str) -> str:
        if inn != inn.lower():
            raise ValueError(f"write the INN in lowercase: {inn.lower()!r}")
        return inn

    @field_validator("tablet_strengths_mg")
    @classmethod
    def _positive_strengths(cls, strengths: tuple[float, ...]) -> tuple[float, ...]:
        if any(not math.isfinite(value) or value <= 0 for value in strengths):
            raise ValueError("tablet strengths must be positive")
        # Whole tablets are counted in whole milligrams (products are): 150.5 mg would
        # otherwise pass here and stop every dose sheet of the drug.
        if any(value < 1 or value != round(value) for value in strengths):
            raise ValueError(
                "tablet strengths must be whole milligrams (e.g. 150 mg), got "
                + ", ".join(f"{value:g} mg" for value in strengths)
            )
        if len(set(strengths)) != len(strengths):
            raise ValueError("a tablet strength is listed twice")
        return tuple(sorted(strengths))

    @field_validator("aliases")
    @classmethod
    def _no_repeated_alias(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        folded = [alias.casefold() for alias in aliases]
        for index, key in enumerate(folded, start=1):
            if not key.strip():
                raise FieldPathError(f"[{index}]", "an alias is empty")
            if folded.index(key) != index - 1:
                raise FieldPathError(f"[{index}]", f"duplicate alias {aliases[index - 1]!r}")
        return aliases

    @model_validator(mode="after")
    def _local_names_are_aliases(self) -> DrugFacts:
        for lang, name in self.local_names.items():
            if name not in self.aliases:
                raise FieldPathError(
                    f"local_names.{lang}", f"{name!r} must also be listed in aliases"
                )
        return self

    @model_validator(mode="after")
    def _facts_have_sources(self) -> DrugFacts:
        has_products = bool(self.tablet_strengths_mg) or self.concentration_mg_per_ml is not None
        if has_products and not self.products_source:
            raise FieldPathError(
                "products_source", "cite where the strengths/concentration come from"
            )
        if self.rounding_increment_mg is not None and not self.rounding_source:
            raise FieldPathError("rounding_source", "cite where the rounding step comes from")
        return self

    def names(self) -> tuple[str, ...]:
        """The INN followed by the aliases."""
        return (self.inn, *self.aliases)


class DrugsFile(_Frozen):
    """The shared drug-facts file, ``drugs.toml``: one ``[[drug]]`` table per drug."""

    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: drugs.toml",
            "description": "Drug facts shared by the regimens of a library.",
        }
    )

    drug: tuple[DrugFacts, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> DrugsFile:
        owner: dict[str, str] = {}
        for index, facts in enumerate(self.drug, start=1):
            for name in facts.names():
                key = normalize_name(name)
                if owner.get(key, facts.inn) != facts.inn:
                    raise FieldPathError(
                        f"drug[{index}]",
                        f"name {name!r} of {facts.inn!r} is already a name of {owner[key]!r}",
                    )
                owner[key] = facts.inn
        return self


def file_json_schema(kind: Literal["regimen", "drugs"] = "regimen") -> dict[str, Any]:
    """The JSON Schema of a library file as written (``regimens schema``).

    It describes the file spelling (``dose = "625 mg/m2"``), not the canonical fields.
    ``docs/regimen.schema.json`` is this schema for a regimen file.
    """
    model: type[BaseModel] = Regimen if kind == "regimen" else DrugsFile
    schema = model.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


# Cached: every drug and regimen look-up normalises its name (about a fifth of a
# sheet's computation before the cache); bounded, so a batch of distinct names
# keeps memory flat.
@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """The look-up key of a name: case-, accent- and spacing-insensitive.

    ``"Capécitabine"`` and ``"capecitabine"`` give the same key, so the French names
    of the case report find their drug; hyphens and digits are kept (``5-FU``).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())

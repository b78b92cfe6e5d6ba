"""The library files as written: the models that read a regimen or drug file's spelling.

A file writes ``dose = "625 mg/m2"``, ``days = "1-14"``, ``duration = "46 h"``,
``tablet_strengths = ["150 mg"]``; the models of :mod:`regimens._models.regimen` hold
the numbers. Each file model here is its domain model with the fields a file spells
differently replaced by the same field reading that spelling
(:mod:`regimens._read.regimen`), so one validation checks both the spelling and every
invariant of the domain model, and reports every problem of the file at once. Then
:meth:`RegimenFile.to_model` / :meth:`DrugsFile.to_models` hand back the domain models,
already validated.

The JSON Schema of a library file (``docs/regimen.schema.json``,
``docs/drugs.schema.json``, ``regimens schema``) is generated from these models, so it
documents the file spelling.
"""

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, SkipJsonSchema

from regimens._models.assessment import (
    AssessmentRule,
    AssessmentSettings,
    AssessmentStep,
    ToxicityLadder,
    ToxicityStep,
    When,
)
from regimens._models.base import Frozen
from regimens._models.drug_data import InfusionFacts
from regimens._models.library import normalize_name
from regimens._models.regimen import (
    Component,
    CumulativeLimit,
    CycleRange,
    Dose,
    DrugFacts,
    FieldPathError,
    PackSize,
    Regimen,
)
from regimens._models.sheet import ASSESSMENT_STEP_CODES
from regimens._read.assessment import lab_value, parse_occurrence
from regimens._read.assessment_when import parse_when
from regimens._read.regimen import (
    ACCEPTED_DOSE_UNITS,
    days_text,
    parse_concentration,
    parse_cycles,
    parse_days,
    parse_dose,
    parse_duration_h,
    parse_mass_mg,
    parse_pack_sizes,
    parse_strengths,
)

__all__ = [
    "AssessmentFile",
    "AssessmentRuleFile",
    "ComponentFile",
    "CumulativeLimitFile",
    "DrugFactsFile",
    "DrugsFile",
    "RegimenFile",
    "ToxicityLadderFile",
    "file_json_schema",
]


def _string_schema(description: str, examples: Sequence[object]) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "description": description, "examples": list(examples)},
        mode="validation",
    )


def _ulns(value: object) -> object:
    """``{ bilirubin = "1.2 mg/dL", ast = "40 U/L" }`` → canonical units."""
    if not isinstance(value, dict):
        return value
    ulns: dict[str, float] = {}
    for lab, text in value.items():
        parsed = lab_value(str(lab), text, field="uln")
        if parsed.value is None:
            raise ValueError(f"uln.{lab}: give the ULN as a value with its unit")
        ulns[str(lab)] = parsed.value
    return ulns


def _dose_from_text(value: object) -> object:
    return parse_dose(value) if isinstance(value, str) else value


DoseText = Annotated[
    Dose,
    BeforeValidator(_dose_from_text),
    _string_schema(
        f"The dose with its unit: {ACCEPTED_DOSE_UNITS}.",
        ["625 mg/m2", "1.25 g/m2", "4 mg", "5 mg/kg", "5 mg/mL*min"],
    ),
]
DaysField = Annotated[
    tuple[int, ...],
    BeforeValidator(parse_days),
    WithJsonSchema(
        {
            "description": "Days of the cycle, from 1: '1', '1-21', '1,8,15', or a list; "
            "-1 is the day before day 1 (no day 0), for orders that are not chemotherapy.",
            "anyOf": [
                {
                    "type": "string",
                    "pattern": r"^\s*-?\d+(\s*[-–]\s*\d+)?(\s*,\s*-?\d+(\s*[-–]\s*\d+)?)*\s*$",
                },
                {"type": "integer", "minimum": -7},
                {"type": "array", "items": {"type": "integer", "minimum": -7}, "minItems": 1},
            ],
            "examples": ["1", "1-21", "1,8,15", "-1,1,2"],
        },
        mode="validation",
    ),
]
#: A cycle list as written: '1', '2-' (cycle 2 and later), '1,3,5', '1-4'.
_CYCLES_PATTERN = r"^\s*\d+(\s*[-–]\s*\d*)?(\s*,\s*\d+(\s*[-–]\s*\d*)?)*\s*$"


def _cycles_schema(description: str, examples: Sequence[str]) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "description": description,
            "pattern": _CYCLES_PATTERN,
            "examples": list(examples),
        },
        mode="validation",
    )


CyclesField = Annotated[
    tuple[CycleRange, ...],
    BeforeValidator(parse_cycles),
    _cycles_schema(
        "The cycles the component is given in, from 1: '1', '2-' (cycle 2 and later), "
        "'1,3,5', '1-4'. Leave out for every cycle.",
        ["1", "2-", "1,3,5", "1-4"],
    ),
]
RequiredCyclesField = Annotated[
    tuple[CycleRange, ...],
    BeforeValidator(parse_cycles),
    _cycles_schema(
        "The cycles in which a missing input of the rule blocks the sheet whatever its "
        "steps do: '1' for a measurement the label asks for before the first dose. Leave "
        "out: the steps and missing_input decide.",
        ["1", "1-2"],
    ),
]
DurationField = Annotated[
    float | None,
    BeforeValidator(parse_duration_h),
    _string_schema("Infusion duration with its unit.", ["46 h", "2 h", "15 min"]),
]


def _domain(model: BaseModel) -> dict[str, Any]:
    """The fields of a validated file model, to build its domain model from."""
    return {name: getattr(model, name) for name in type(model).model_fields}


# Each file model takes its domain model's name (title=..., and _FileSchema below) and
# docstring (a class does not inherit __doc__): the schema describes the file with them.
class ComponentFile(Component, title="Component"):
    __doc__ = Component.__doc__

    dose: DoseText
    days: DaysField
    days_text: SkipJsonSchema[str] = ""
    cycles: CyclesField = ()
    duration_h: DurationField = Field(
        default=None, validation_alias=AliasChoices("duration", "duration_h")
    )

    @model_validator(mode="before")
    @classmethod
    def _remember_days_text(cls, data: object) -> object:
        if isinstance(data, dict) and "days" in data and not data.get("days_text"):
            data = {**data, "days_text": days_text(data["days"])}
        return _per_day_dose(data)

    def to_model(self) -> Component:
        """The domain component (no second validation: this one checked it all)."""
        return Component.model_construct(self.model_fields_set, **_domain(self))


_PER_DAY = re.compile(r"\s*/\s*(day|d)\s*$")


def _per_day_dose(data: object) -> object:
    """``dose = "750 mg/m2/day"`` is ``dose = "750 mg/m2"`` with ``dose_per = "day"``."""
    if not isinstance(data, dict) or not isinstance(data.get("dose"), str):
        return data
    dose = data["dose"]
    match = _PER_DAY.search(dose)
    if match is None:
        return data
    if data.get("dose_per", "day") != "day":
        raise ValueError(
            f"dose {dose!r} is per day but dose_per is {data['dose_per']!r}: write one of them"
        )
    return {**data, "dose": dose[: match.start()], "dose_per": "day"}


WhenText = Annotated[
    When,
    BeforeValidator(parse_when),
    _string_schema(
        "A condition: comparisons (lab < > <= >= value unit or xULN; "
        "dpyd_activity_score, uracil, ugt1a1 in [...], condition NAME) joined by "
        "and / or, with parentheses (docs/assessment.md).",
        ["bilirubin > 3 mg/dL or ast > 4 xULN", "anc < 1.5", "ugt1a1 in [*28/*28]"],
    ),
]


def _check_step_code(code: str) -> str:
    if code not in ASSESSMENT_STEP_CODES:
        raise ValueError(
            f"unknown code {code!r}: one of {', '.join(sorted(ASSESSMENT_STEP_CODES))}"
        )
    return code


StepCode = Annotated[str, AfterValidator(_check_step_code)]


class AssessmentStepFile(AssessmentStep, title="AssessmentStep"):
    __doc__ = AssessmentStep.__doc__

    when: WhenText
    code: StepCode


class AssessmentRuleFile(AssessmentRule, title="AssessmentRule"):
    __doc__ = AssessmentRule.__doc__

    steps: tuple[AssessmentStepFile, ...] = ()
    required_in_cycles: RequiredCyclesField = ()

    def to_model(self) -> AssessmentRule:
        """The domain rule."""
        fields = _domain(self)
        fields["steps"] = tuple(
            AssessmentStep.model_construct(step.model_fields_set, **_domain(step))
            for step in self.steps
        )
        return AssessmentRule.model_construct(self.model_fields_set, **fields)


def _rung(data: object) -> object:
    """A ladder rung as written: ``occurrence = "3-"``, ``dose = "65 mg/m2"``."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if "occurrence" in data:
        low, high = parse_occurrence(data.pop("occurrence"))
        data["occurrence_min"], data["occurrence_max"] = low, high
    if isinstance(data.get("dose"), str):
        parsed = parse_dose(data["dose"])
        data["dose"], data["dose_unit"] = parsed["amount"], parsed["unit"]
    return data


class ToxicityStepFile(ToxicityStep, title="ToxicityStep"):
    __doc__ = ToxicityStep.__doc__

    code: StepCode = "TOXICITY_REDUCTION"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        return _rung(data)


class ToxicityLadderFile(ToxicityLadder, title="ToxicityLadder"):
    __doc__ = ToxicityLadder.__doc__

    steps: tuple[ToxicityStepFile, ...] = Field(min_length=1)

    def to_model(self) -> ToxicityLadder:
        """The domain ladder."""
        fields = _domain(self)
        fields["steps"] = tuple(
            ToxicityStep.model_construct(step.model_fields_set, **_domain(step))
            for step in self.steps
        )
        return ToxicityLadder.model_construct(self.model_fields_set, **fields)


_LadderField = Field(
    default=(), validation_alias=AliasChoices("toxicity_ladder", "toxicity_ladders")
)


class RegimenFile(Regimen):
    __doc__ = Regimen.__doc__
    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: regimen file",
            "description": "One regimen of the regimens library (TOML); "
            "see docs/regimen-format.md.",
        }
    )

    components: tuple[ComponentFile, ...] = Field(min_length=1)
    assessment: tuple[AssessmentRuleFile, ...] = ()
    toxicity_ladders: tuple[ToxicityLadderFile, ...] = _LadderField

    def to_model(self) -> Regimen:
        """The domain regimen, components included."""
        fields = _domain(self)
        fields["components"] = tuple(component.to_model() for component in self.components)
        fields["assessment"] = tuple(rule.to_model() for rule in self.assessment)
        fields["toxicity_ladders"] = tuple(ladder.to_model() for ladder in self.toxicity_ladders)
        return Regimen.model_construct(self.model_fields_set, **fields)


class CumulativeLimitFile(CumulativeLimit, title="CumulativeLimit"):
    __doc__ = CumulativeLimit.__doc__

    limit: DoseText

    def to_model(self) -> CumulativeLimit:
        """The domain limit."""
        return CumulativeLimit.model_construct(self.model_fields_set, **_domain(self))


class InfusionFactsFile(InfusionFacts, title="InfusionFacts"):
    __doc__ = InfusionFacts.__doc__

    vial_sizes_mg: Annotated[
        tuple[float, ...] | None,
        BeforeValidator(parse_strengths),
        WithJsonSchema(
            {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "Content of each vial size, with unit.",
                "examples": [["50 mg", "100 mg", "200 mg"]],
            },
            mode="validation",
        ),
    ] = Field(
        default=None, min_length=1, validation_alias=AliasChoices("vial_sizes", "vial_sizes_mg")
    )
    final_concentration_min_mg_per_ml: Annotated[
        float | None,
        BeforeValidator(parse_concentration),
        _string_schema("Lowest labelled final concentration, with unit.", ["0.2 mg/mL"]),
    ] = Field(
        default=None,
        gt=0,
        le=1000,
        validation_alias=AliasChoices(
            "final_concentration_min", "final_concentration_min_mg_per_ml"
        ),
    )
    final_concentration_max_mg_per_ml: Annotated[
        float | None,
        BeforeValidator(parse_concentration),
        _string_schema("Highest labelled final concentration, with unit.", ["0.7 mg/mL"]),
    ] = Field(
        default=None,
        gt=0,
        le=1000,
        validation_alias=AliasChoices(
            "final_concentration_max", "final_concentration_max_mg_per_ml"
        ),
    )

    def to_model(self) -> InfusionFacts:
        """The domain preparation facts."""
        return InfusionFacts.model_construct(self.model_fields_set, **_domain(self))


class DrugFactsFile(DrugFacts, title="DrugFacts"):
    __doc__ = DrugFacts.__doc__

    tablet_strengths_mg: Annotated[
        tuple[float, ...],
        BeforeValidator(parse_strengths),
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
        BeforeValidator(parse_concentration),
        _string_schema("Concentration of the solution drawn up, with unit.", ["50 mg/mL"]),
    ] = Field(
        default=None, validation_alias=AliasChoices("concentration", "concentration_mg_per_ml")
    )
    rounding_increment_mg: Annotated[
        float | None,
        BeforeValidator(parse_mass_mg),
        _string_schema("Step to which a parenteral dose is rounded.", ["1 mg", "0.1 mg"]),
    ] = Field(
        default=None,
        ge=0.001,
        le=1000,
        validation_alias=AliasChoices("rounding_increment", "rounding_increment_mg"),
    )
    cumulative_limit: CumulativeLimitFile | None = None
    pack_sizes: Annotated[
        tuple[PackSize, ...],
        BeforeValidator(parse_pack_sizes),
        WithJsonSchema(
            {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 1},
                "description": "Tablets per pack of each strength, the strength with its "
                "unit (oral drugs): packs to dispense per cycle.",
                "examples": [{"150 mg": 60, "500 mg": 120}],
            },
            mode="validation",
        ),
    ] = ()
    preparation: InfusionFactsFile | None = None
    assessment: tuple[AssessmentRuleFile, ...] = ()
    toxicity_ladders: tuple[ToxicityLadderFile, ...] = _LadderField

    def to_model(self) -> DrugFacts:
        """The domain drug facts."""
        fields = _domain(self)
        fields["assessment"] = tuple(
            rule.to_model().model_copy(update={"drug": self.inn}) for rule in self.assessment
        )
        fields["toxicity_ladders"] = tuple(
            ladder.to_model().model_copy(update={"drug": self.inn})
            for ladder in self.toxicity_ladders
        )
        if self.cumulative_limit is not None:
            fields["cumulative_limit"] = self.cumulative_limit.to_model()
        if self.preparation is not None:
            fields["preparation"] = self.preparation.to_model()
        return DrugFacts.model_construct(self.model_fields_set, **fields)


class DrugsFile(Frozen, str_strip_whitespace=True):
    """The shared drug-facts file, ``drugs.toml``: one ``[[drug]]`` table per drug."""

    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: drugs.toml",
            "description": "Drug facts shared by the regimens of a library.",
        }
    )

    drug: tuple[DrugFactsFile, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> "DrugsFile":
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

    def to_models(self) -> tuple[DrugFacts, ...]:
        """The domain drug facts of the file, in file order."""
        return tuple(facts.to_model() for facts in self.drug)


class AssessmentFile(AssessmentSettings, title="AssessmentSettings"):
    """The library's ``assessment.toml``: default ULNs (with units), the lab age limit,
    the weight-change threshold, toxicity and condition names, country rules."""

    uln: Annotated[
        dict[str, float],
        BeforeValidator(_ulns),
        WithJsonSchema(
            {"type": "object", "additionalProperties": {"type": "string"}},
            mode="validation",
        ),
    ] = Field(default_factory=dict)

    def to_model(self) -> AssessmentSettings:
        """The domain settings."""
        return AssessmentSettings.model_validate(_domain(self))


class _FileSchema(GenerateJsonSchema):
    """Names each definition after its domain model (``Component``, not ``ComponentFile``)."""

    def normalize_name(self, name: str) -> str:
        return super().normalize_name(name).removesuffix("File")


def file_json_schema(kind: Literal["regimen", "drugs"] = "regimen") -> dict[str, Any]:
    """The JSON Schema of a library file as written (``regimens schema``).

    It describes the file spelling (``dose = "625 mg/m2"``), not the canonical fields.
    ``docs/regimen.schema.json`` is this schema for a regimen file.
    """
    model: type[BaseModel] = RegimenFile if kind == "regimen" else DrugsFile
    schema = model.model_json_schema(mode="validation", schema_generator=_FileSchema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}

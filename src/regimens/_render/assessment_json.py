"""The JSON of the treatment-day assessment: the ``assessment`` object of the sheet's
document (``docs/json-output.md``), the ``regimens assess --format json`` document, and
their JSON Schema.

The object is the model (:class:`regimens._models.assessment.Assessment`) with its
inputs as a reader of the JSON needs them: each lab with its value in its canonical
unit *and that unit*, or the multiple of the ULN as given; the ULN used with its unit;
the overrides as a list of ``{rule, reason}``. Drugs, reasons and rule checks are the
model's fields (codes, not words: the words are in ``warnings[].message``).
"""

import datetime as dt
from typing import Any

from pydantic import Field
from pydantic_core import to_json

from regimens._models.assessment import (
    LAB_UNITS,
    Assessment,
    Decision,
    DrugAssessment,
    Reason,
    RuleCheck,
)
from regimens._models.base import Frozen
from regimens._models.sheet import SCHEMA_VERSION, DoseSheet, RegimenRef, WithheldReason
from regimens._render.dose_words import withheld_text
from regimens._render.messages import warning_dicts

__all__ = [
    "AssessDocument",
    "AssessmentDocument",
    "assess_document",
    "assessment_document",
    "assessment_json",
    "assessment_json_schema",
    "assessment_object_schema",
]


class LabDocument(Frozen):
    """One lab as given: its value in ``unit`` (canonical), or a multiple of the ULN."""

    name: str
    value: float | None  # in ``unit``; None when given only as a multiple of the ULN
    unit: str
    times_uln: float | None  # the multiple of the ULN as given, else None
    typed: str  # as typed, e.g. "40 umol/L", "3xULN"


class ToxicityDocument(Frozen):
    """The last cycle's worst grade of one toxicity (CTCAE v5) and its occurrence."""

    name: str
    grade: int
    occurrence: int


class OverrideDocument(Frozen):
    """A prescriber's override: the rule not applied, and why."""

    rule: str
    reason: str


class InputsDocument(Frozen):
    """What the assessment was given."""

    labs: tuple[LabDocument, ...]
    uln: dict[str, float]  # ULNs given (``--uln``), canonical units
    toxicities: tuple[ToxicityDocument, ...]
    dpyd_activity_score: float | None
    uracil_ng_ml: float | None
    ugt1a1: str | None
    reference_weight_kg: float | None
    conditions: tuple[str, ...]
    country: str | None
    overrides: tuple[OverrideDocument, ...]


class UlnDocument(Frozen):
    """An upper limit of normal used, with its unit."""

    value: float
    unit: str


class AssessmentDocument(Frozen):
    """The ``assessment`` object of the JSON documents."""

    decision: Decision
    date: dt.date
    lab_date: dt.date
    lab_age_days: int
    recheck_date: dt.date | None
    inputs: InputsDocument
    uln_used: dict[str, UlnDocument]
    drugs: tuple[DrugAssessment, ...]
    cycle_reasons: tuple[Reason, ...]
    cycle_rules: tuple[RuleCheck, ...]


class DoseDocument(Frozen):
    """One dose after the assessment (``regimens assess``): per intake, final."""

    drug: str
    method: str
    day: int
    dose: float
    unit: str = "mg"
    daily_dose: float
    assessment_level_percent: float | None
    withheld: bool
    withheld_reason: WithheldReason | None
    withheld_text: str | None = Field(default=None, description="why, in English")


class AssessWarning(Frozen):
    """A warning as the documents show it (``warnings[]`` of the sheet)."""

    severity: str
    code: str
    message: str
    drug: str | None
    params: dict[str, str]


class AssessDocument(Frozen):
    """``regimens assess --format json``: the decision alone."""

    schema_version: str
    regimen: RegimenRef
    cycle: int
    assessment: AssessmentDocument | None
    doses: tuple[DoseDocument, ...]
    blocking: bool
    warnings: tuple[AssessWarning, ...]


def _document(assessment: Assessment) -> AssessmentDocument:
    inputs = assessment.inputs
    return AssessmentDocument(
        decision=assessment.decision,
        date=assessment.date,
        lab_date=assessment.lab_date,
        lab_age_days=assessment.lab_age_days,
        recheck_date=assessment.recheck_date,
        inputs=InputsDocument(
            labs=tuple(
                LabDocument(
                    name=name,
                    value=lab.value,
                    unit=LAB_UNITS.get(name, ""),
                    times_uln=lab.times_uln,
                    typed=lab.typed,
                )
                for name, lab in inputs.labs.items()
            ),
            uln=dict(inputs.uln),
            toxicities=tuple(
                ToxicityDocument(name=t.name, grade=t.grade, occurrence=t.occurrence)
                for t in inputs.toxicities
            ),
            dpyd_activity_score=inputs.dpyd_activity_score,
            uracil_ng_ml=inputs.uracil_ng_ml,
            ugt1a1=inputs.ugt1a1,
            reference_weight_kg=inputs.reference_weight_kg,
            conditions=inputs.conditions,
            country=inputs.country,
            overrides=tuple(
                OverrideDocument(rule=rule, reason=reason)
                for rule, reason in inputs.overrides.items()
            ),
        ),
        uln_used={
            name: UlnDocument(value=value, unit=LAB_UNITS.get(name, ""))
            for name, value in assessment.uln_used.items()
        },
        drugs=assessment.drugs,
        cycle_reasons=assessment.cycle_reasons,
        cycle_rules=assessment.cycle_rules,
    )


def assessment_document(assessment: Assessment | None) -> dict[str, Any] | None:
    """The ``assessment`` object (None: no assessment was made)."""
    if assessment is None:
        return None
    data: dict[str, Any] = _document(assessment).model_dump(mode="json")
    return data


def assess_document(sheet: DoseSheet) -> dict[str, Any]:
    """The ``regimens assess --format json`` document as Python values."""
    doses = [
        DoseDocument(
            drug=item.drug,
            method=item.method,
            day=day.day,
            dose=item.dose_mg,
            daily_dose=item.daily_dose_mg,
            assessment_level_percent=item.assessment_level_percent,
            withheld=item.withheld,
            withheld_reason=item.withheld_reason,
            withheld_text=withheld_text(item),
        )
        for day in sheet.days
        for item in day.administrations
    ]
    document = AssessDocument(
        schema_version=SCHEMA_VERSION,
        regimen=sheet.regimen,
        cycle=sheet.cycle,
        assessment=_document(sheet.assessment) if sheet.assessment is not None else None,
        doses=tuple(doses),
        blocking=sheet.blocking,
        warnings=tuple(AssessWarning(**item) for item in warning_dicts(sheet.warnings, "en")),
    )
    data: dict[str, Any] = document.model_dump(mode="json")
    return data


def assessment_json(sheet: DoseSheet) -> str:
    """``regimens assess --format json`` (``docs/json-output.md``)."""
    return to_json(assess_document(sheet), indent=2).decode()


def assessment_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``regimens assess --format json``."""
    schema = AssessDocument.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def assessment_object_schema() -> dict[str, Any]:
    """The JSON Schema of the ``assessment`` object, with its ``$defs``."""
    return AssessmentDocument.model_json_schema(mode="serialization")

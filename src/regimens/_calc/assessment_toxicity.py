"""The last cycle's toxicity against the toxicity ladders of a sheet's drugs and
regimens (``[[drug.toxicity_ladder]]``, ``[[toxicity_ladder]]``): each reported grade and
occurrence finds its rung, or is said to be not covered (``TOXICITY_NOT_COVERED``).
Called by :func:`regimens._calc.assessment.assess`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from regimens._models.assessment import (
    AssessmentInputs,
    Reason,
    RuleCheck,
    RuleStatus,
    ToxicityLadder,
    ToxicityStep,
)

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.regimen import Component, DrugFacts, Regimen

__all__ = ["toxicity_reasons", "uncovered_toxicities"]


def toxicity_reasons(
    context: SheetContext,
    ladders: Sequence[ToxicityLadder],
    inputs: AssessmentInputs,
    drug: str,
    components: Sequence[Component],
    checks: dict[str, list[RuleCheck]],
) -> list[Reason]:
    found: list[Reason] = []
    for ladder in ladders:
        reported = [t for t in inputs.toxicities if ladder.applies_to(t.name) and t.grade >= 1]
        status: RuleStatus = "not_met"
        for toxicity in reported:
            # The first rung that covers it, per method: a protocol may reduce the
            # bolus and the infusion of one drug by different rungs (mFOLFOX6 table).
            rungs: dict[str | None, ToxicityStep] = {}
            for rung in ladder.steps:
                if rung.covers(toxicity.name, toxicity.grade, toxicity.occurrence):
                    rungs.setdefault(rung.method, rung)
            if not rungs:
                grades = [
                    rung.grade
                    for rung in ladder.steps
                    if not rung.toxicities or toxicity.name in rung.toxicities
                ]
                # Below the ladder's lowest grade for this toxicity, the ladder says
                # nothing changes; at or above it with no rung, the rung is missing.
                if toxicity.grade >= 2 and grades and toxicity.grade >= min(grades):
                    status = "missing_input"
                    context.warn(
                        "TOXICITY_NOT_COVERED",
                        drug=drug,
                        rule=ladder.id,
                        toxicity=toxicity.name,
                        grade=str(toxicity.grade),
                        occurrence=str(toxicity.occurrence),
                    )
                continue
            for step in rungs.values():
                level = step.level_percent
                if step.dose is not None:
                    level = _dose_level(step.dose, step.dose_unit, step.method, components)
                overridden = inputs.overrides.get(ladder.id)
                status = "overridden" if overridden else "met"
                when = f"{toxicity.name} grade {toxicity.grade}, occurrence {toxicity.occurrence}"
                reason = Reason(
                    code=step.code,
                    rule=ladder.id,
                    kind="toxicity",
                    when=when,
                    source=ladder.source,
                    value=when,
                    threshold=f"grade {step.grade}",
                    action=step.action,
                    level_percent=level if step.action in ("give", "reduce") else None,
                    method=step.method,
                    overridden=overridden,
                    note=step.note,
                    note_fr=step.note_fr,
                )
                found.append(reason)
                if overridden:
                    context.warn(
                        "ASSESSMENT_OVERRIDDEN",
                        drug=drug,
                        rule=ladder.id,
                        action=step.action,
                        when=when,
                        reason=overridden,
                    )
                elif (
                    step.action != "give"
                    or (level is not None and level < 100)
                    or step.code == "TOXICITY_NOT_COVERED"  # a rung that says "prescriber decides"
                ):
                    context.warn(
                        step.code,
                        drug=drug,
                        rule=ladder.id,
                        when=when,
                        value=when,
                        level=f"{level:.4g}" if level is not None else "",
                        method=step.method or "",
                        source=ladder.source,
                    )
        checks.setdefault(drug, []).append(
            RuleCheck(rule=ladder.id, kind="toxicity", status=status, source=ladder.source)
        )
    return found


def _dose_level(
    dose: float, unit: str | None, method: str | None, components: Sequence[Component]
) -> float:
    """A rung's reduced dose (65 mg/m²) as a % of the regimen's dose of that drug."""
    for component in components:
        if method is not None and component.method != method:
            continue
        if component.dose.unit == unit and component.dose.amount > 0:
            return min(100.0, dose / component.dose.amount * 100)
    return 100.0


def uncovered_toxicities(
    context: SheetContext,
    inputs: AssessmentInputs,
    drugs: Sequence[str],
    drug_facts: Callable[[str], DrugFacts],
    regimens: dict[str, Regimen],
    components: Sequence[tuple[str, Component]],
) -> None:
    """A toxicity of grade 2 or more that no ladder of the sheet covers: said, not dropped."""
    ladders = [ladder for drug in drugs for ladder in drug_facts(drug).toxicity_ladders]
    for regimen_id in dict.fromkeys(rid for rid, _ in components):
        ladders.extend(regimens[regimen_id].toxicity_ladders)
    for toxicity in inputs.toxicities:
        if toxicity.grade >= 2 and not any(ladder.applies_to(toxicity.name) for ladder in ladders):
            context.warn(
                "TOXICITY_NOT_COVERED",
                rule="",
                toxicity=toxicity.name,
                grade=str(toxicity.grade),
                occurrence=str(toxicity.occurrence),
            )

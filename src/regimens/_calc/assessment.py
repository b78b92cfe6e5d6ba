"""The treatment-day assessment: labs, liver, DPD and UGT1A1, conditions, toxicity and
weight → go, delay or stop, and each drug's level.

The rules are data (``[[drug.assessment]]`` and ``[[drug.toxicity_ladder]]`` in
``drugs.toml``, ``[[assessment]]`` and ``[[toxicity_ladder]]`` in a regimen file). A
rule's steps are checked in order and the first that matches applies; a comparison
whose input is missing is unknown, and a step that may match but cannot be decided is
reported (``LAB_MISSING``: blocking where that step would stop the drug). Several rules
on one drug: ``stop`` wins over ``withhold``, and the lowest level wins among
reductions, except that a toxicity step titrates from a DPD/UGT1A1 starting dose
(:func:`level_of`, the one place levels combine); every reason is kept. A prescriber's
override (rule id and reason) keeps the reason on record, marked overridden, and does
not apply it (``ASSESSMENT_OVERRIDDEN``).

The levels are % of the full dose, combined with the dose level already applied by
:func:`level_of` (``min(state × level, genetic × min(level, toxicity))``): a liver
reduction of 50 % at a dose level of 80 % gives 40 %; a DPD 50 % with a 75 % toxicity
step gives 37.5 %; and so does a DPD 50 % at a dose level of 75 % (the level stands for
earlier toxicity reductions, which titrate from the genetic starting dose). The order
of operations (:mod:`regimens._calc.dose`) applies the result where it is below the
dose level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from regimens._calc import bsa as bsa_formulas
from regimens._calc.assessment_toxicity import toxicity_reasons, uncovered_toxicities
from regimens._calc.assessment_when import evaluate_when
from regimens._errors import InputError
from regimens._models.assessment import (
    LAB_UNITS,
    Action,
    Assessment,
    AssessmentInputs,
    AssessmentRule,
    AssessmentSettings,
    Decision,
    DrugAssessment,
    LabValue,
    Reason,
    RuleCheck,
    RuleStatus,
)
from regimens._models.base import FrozenDict
from regimens._models.schedule import in_cycles

if TYPE_CHECKING:
    from regimens._calc.context import SheetContext
    from regimens._models.regimen import Component, DrugFacts, Regimen

__all__ = [
    "ASSESSED_KINDS",
    "DEFAULT_RECHECK_DAYS",
    "Outcome",
    "assess",
    "evaluate_when",
    "level_of",
]

#: Days until counts are checked again after a delay whose rule gives no interval.
DEFAULT_RECHECK_DAYS = 7

#: The kinds of rule a drug is expected to have (a drug with none of a kind says
#: "no rule encoded" for it): the blood-count rule (its own, or the regimen's for the
#: whole cycle), the liver rule and the toxicity ladder. Without the blood-count kind, a
#: regimen with no blood-count rule said "go" at any count with no word that none was
#: encoded (DCF at neutrophils 0.5: issue 21).
ASSESSED_KINDS: tuple[str, ...] = ("haematology", "hepatic", "toxicity")
_DPD_SUBJECTS = ("dpyd_activity_score", "uracil")
_GENETIC_KINDS = ("dpd", "ugt1a1")
#: Inputs whose blocking absence (or age) makes the cycle wait.
_INPUT_CODES = ("LAB_STALE", "LAB_MISSING", "DPD_STATUS_MISSING")
_ACTION_RANK: dict[str, int] = {
    "stop": 4,
    "withhold": 3,
    "delay": 2,
    "reduce": 1,
    "give": 0,
    "caution": 0,
}

#: (action, state level %, genetic level %, toxicity level %) for one drug, or one of its
#: methods (key (drug, method)): today's state (liver, conditions), the DPD/UGT1A1 status,
#: and the last cycle's toxicity in % of the starting dose; :func:`level_of` combines them.
Outcome = tuple[Action, float, float, float]


def assess(  # noqa: PLR0915 - one pass over the rules, in the order documented
    context: SheetContext,
    main: Regimen,
    components: Sequence[tuple[str, Component]],
    regimens: dict[str, Regimen],
    drug_facts: Callable[[str], DrugFacts],
    settings: AssessmentSettings,
) -> tuple[Assessment, dict[tuple[str, str | None], Outcome]]:
    """The assessment of this treatment day, and the outcome per (drug, method)."""
    inputs = context.options.assessment
    assert inputs is not None
    date = inputs.date or dt.date.today()
    lab_date = inputs.lab_date or date
    if lab_date > date:
        raise InputError(
            f"lab date {lab_date.isoformat()} is after the treatment date {date.isoformat()}",
            field="lab_date",
        )
    uln = {**settings.uln, **inputs.uln}
    ulns = (uln, frozenset(settings.uln) - frozenset(inputs.uln))
    age = (date - lab_date).days
    if inputs.labs and age > settings.lab_max_age_days:
        context.warn(
            "LAB_STALE",
            lab_date=lab_date.isoformat(),
            date=date.isoformat(),
            age=str(age),
            limit=str(settings.lab_max_age_days),
            source=settings.lab_max_age_source,
        )
    _weight(context, inputs, settings)

    reasons: dict[tuple[str, str | None], list[Reason]] = {}
    checks: dict[str, list[RuleCheck]] = {}
    cycle_reasons: list[Reason] = []
    drugs = list(dict.fromkeys(component.drug for _, component in components))
    has_dpd = inputs.dpyd_activity_score is not None or inputs.uracil_ng_ml is not None
    _countries(context, inputs, settings, drugs)

    evaluated = _with_patient_creatinine(inputs, context)
    for rule in main.assessment:
        if rule.drug is None:
            found = _apply_rule(context, rule, evaluated, ulns, None, has_dpd, checks)
            cycle_reasons.extend(found)
    for drug in drugs:
        facts = drug_facts(drug)
        rules = [
            *facts.assessment,
            *(
                rule
                for regimen_id in dict.fromkeys(rid for rid, c in components if c.drug == drug)
                for rule in regimens[regimen_id].assessment
                if rule.drug == drug
            ),
        ]
        for rule in rules:
            for reason in _apply_rule(context, rule, evaluated, ulns, drug, has_dpd, checks):
                reasons.setdefault((drug, reason.method), []).append(reason)
        ladders = [
            *facts.toxicity_ladders,
            *(
                ladder
                for regimen_id in dict.fromkeys(rid for rid, c in components if c.drug == drug)
                for ladder in regimens[regimen_id].toxicity_ladders
                if ladder.drug == drug
            ),
        ]
        drug_components = [c for _, c in components if c.drug == drug]
        for reason in toxicity_reasons(context, ladders, inputs, drug, drug_components, checks):
            reasons.setdefault((drug, reason.method), []).append(reason)
    uncovered_toxicities(context, inputs, drugs, drug_facts, regimens, components)

    results: list[DrugAssessment] = []
    outcomes: dict[tuple[str, str | None], Outcome] = {}
    for drug in drugs:
        general = reasons.get((drug, None), [])
        methods = sorted({method for d, method in reasons if d == drug and method is not None})
        kinds = {check.kind for check in (*checks.get(drug, []), *checks.get("*", []))}
        not_encoded = tuple(kind for kind in ASSESSED_KINDS if kind not in kinds)
        for method in (None, *methods):
            own = general if method is None else [*general, *reasons[(drug, method)]]
            outcome = _combine(own)
            outcomes[(drug, method)] = outcome
            action, level = outcome[0], level_of(outcome)
            results.append(
                DrugAssessment(
                    drug=drug,
                    method=method,
                    action=action,
                    level_percent=level,
                    reasons=tuple(own),
                    rules=tuple(checks.get(drug, [])),
                    not_encoded=not_encoded,
                )
            )
    _unknown_overrides(inputs, main, drugs, drug_facts, regimens, components)
    cycle_reasons.extend(_waiting_for_inputs(context))
    cycle_action = _combine(cycle_reasons)[0]
    actions = [outcome[0] for outcome in outcomes.values()] + [cycle_action]
    decision: Decision
    if "stop" in actions:
        decision = "stop"
    elif "delay" in actions:
        decision = "delay"
    else:
        decision = "go"
    recheck = None
    # A delay outranked by a stop keeps its date: the drugs not stopped wait for it.
    if decision == "delay" or any(
        reason.action == "delay" and not reason.overridden
        for reason in (*cycle_reasons, *(r for rs in reasons.values() for r in rs))
    ):
        days = [
            step_days
            for reason in (*cycle_reasons, *(r for rs in reasons.values() for r in rs))
            if reason.action == "delay" and not reason.overridden and reason.kind != "input"
            for step_days in [_recheck_days(reason)]
        ]
        # Only waiting for an input (a fresh sample, a result): re-check on the day.
        waiting = any(reason.kind == "input" for reason in cycle_reasons)
        recheck = date + dt.timedelta(days=max(days or [0 if waiting else DEFAULT_RECHECK_DAYS]))
    assessment = Assessment(
        decision=decision,
        date=date,
        lab_date=lab_date,
        lab_age_days=age,
        recheck_date=recheck,
        inputs=inputs,
        uln_used=FrozenDict({lab: uln[lab] for lab in LAB_UNITS if lab in uln}),
        drugs=tuple(results),
        cycle_reasons=tuple(cycle_reasons),
        cycle_rules=tuple(checks.get("*", [])),
    )
    return assessment, outcomes


def _with_patient_creatinine(inputs: AssessmentInputs, context: SheetContext) -> AssessmentInputs:
    """The inputs the rules read: a serum creatinine given as a patient measurement
    (``--creatinine``) counts as the creatinine lab when no lab gives one."""
    creatinine = context.patient.creatinine_mg_dl
    if creatinine is None or "creatinine" in inputs.labs:
        return inputs
    lab = LabValue(name="creatinine", value=creatinine, typed=f"{creatinine:g} mg/dL")
    return inputs.model_copy(update={"labs": FrozenDict({**inputs.labs, "creatinine": lab})})


def _waiting_for_inputs(context: SheetContext) -> list[Reason]:
    """A blocking missing or stale input (labs older than the limit, a lab a
    contraindication needs, a DPD status a country's law requires) cannot give "go":
    the cycle waits for it (decision ``delay``), the reason on record."""
    return [
        Reason(
            code=warning.code,
            rule=warning.params.get("rule") or warning.code.lower().replace("_", "-"),
            kind="input",
            value=warning.params.get("labs") or warning.params.get("age", ""),
            threshold=warning.params.get("limit", ""),
            source=warning.params.get("source", ""),
            action="delay",
        )
        for warning in context.warnings
        if warning.code in _INPUT_CODES and warning.severity == "blocking"
    ]


def _unknown_overrides(
    inputs: AssessmentInputs,
    main: Regimen,
    drugs: Sequence[str],
    drug_facts: Callable[[str], DrugFacts],
    regimens: dict[str, Regimen],
    components: Sequence[tuple[str, Component]],
) -> None:
    """An override must name a rule of this sheet: a mistyped id would leave the rule
    applied while the prescriber believes it overridden (or the reverse)."""
    if not inputs.overrides:
        return
    known: set[str] = set()
    for drug in drugs:
        facts = drug_facts(drug)
        known.update(rule.id for rule in facts.assessment)
        known.update(ladder.id for ladder in facts.toxicity_ladders)
    for regimen_id in {main.id, *(rid for rid, _ in components)}:
        known.update(rule.id for rule in regimens[regimen_id].assessment)
        known.update(ladder.id for ladder in regimens[regimen_id].toxicity_ladders)
    unknown = sorted(set(inputs.overrides) - known)
    if unknown:
        raise InputError(
            f"override: no rule {', '.join(repr(rule) for rule in unknown)} on this sheet "
            f"(its rules: {', '.join(sorted(known)) or 'none'})",
            field="overrides",
        )


def _recheck_days(reason: Reason) -> int:
    return reason.recheck_days or DEFAULT_RECHECK_DAYS


def _combine(reasons: Iterable[Reason]) -> Outcome:
    """The action and levels of a drug from its reasons (overridden ones left out):
    ``(action, state, genetic, toxicity)``, each level the lowest of its kind.

    ``state``: the starting-dose reductions of today's state (liver, conditions);
    ``genetic``: those of the DPD and UGT1A1 genotype or phenotype; ``toxicity``: the
    last cycle's toxicity steps, in % of the starting dose. Several rules on one drug:
    the lowest level wins (the issue's rule), except that a toxicity step titrates from a
    pharmacogenetic starting dose (CPIC/DPWG: "start with 50 %, then titrate based on
    toxicity"): DPD 50 % then a 75 % step gives 37.5 %, the dose that follows the one
    that was not tolerated. :func:`level_of` gives the drug's level."""
    action: Action = "give"
    state = genetic = toxicity = 100.0
    for reason in reasons:
        if reason.overridden:
            continue
        if _ACTION_RANK[reason.action] > _ACTION_RANK[action] and reason.action != "caution":
            action = reason.action
        if reason.level_percent is not None:
            if reason.kind == "toxicity":
                toxicity = min(toxicity, reason.level_percent)
            elif reason.kind in _GENETIC_KINDS:
                genetic = min(genetic, reason.level_percent)
            else:
                state = min(state, reason.level_percent)
    if action == "give" and level_of((action, state, genetic, toxicity)) < 100:
        action = "reduce"
    return action, state, genetic, toxicity


def level_of(outcome: Outcome, dose_level: float = 100.0) -> float:
    """The % of the full dose a drug gets, with ``dose_level`` (the prescriber's level,
    which stands for earlier toxicity reductions): the state's reductions multiply the
    dose level, as an organ-function reduction does; a toxicity step takes the place of
    a higher dose level (both are % of the starting dose after a toxicity); the lowest
    wins between the two, and a genetic reduction scales the toxicity side."""
    _, state, genetic, toxicity = outcome
    return min(state * dose_level / 100, genetic * min(dose_level, toxicity) / 100)


def _apply_rule(
    context: SheetContext,
    rule: AssessmentRule,
    inputs: AssessmentInputs,
    ulns: tuple[dict[str, float], frozenset[str]],
    drug: str | None,
    has_dpd: bool,
    checks: dict[str, list[RuleCheck]],
) -> list[Reason]:
    owner = drug or "*"
    if rule.status == "none":
        checks.setdefault(owner, []).append(
            RuleCheck(rule=rule.id, kind=rule.kind, status="none_applies", source=rule.source)
        )
        return []
    missing: list[str] = []
    blocking_missing = False
    matched: list[Reason] = []
    for step in rule.steps:
        result, absent, shown = evaluate_when(step.when, inputs, *ulns)
        if result is None:
            missing.extend(absent)
            blocking_missing = blocking_missing or (
                step.action == "stop" and rule.missing_input == "blocking"
            )
            continue
        if result:
            overridden = inputs.overrides.get(rule.id)
            matched.append(
                Reason(
                    code=step.code,
                    rule=rule.id,
                    kind=rule.kind,
                    when=step.when.text,
                    source=step.source or rule.source,
                    value="; ".join(shown),
                    threshold=step.when.text,
                    action=step.action,
                    level_percent=step.level_percent,
                    method=step.method,
                    overridden=overridden,
                    recheck_days=step.recheck_days,
                )
            )
            break
    missing = list(dict.fromkeys(missing))
    if missing and rule.required_in_cycles:
        blocking_missing = blocking_missing or in_cycles(
            rule.required_in_cycles, context.options.cycle
        )
    dpd_silent = rule.kind == "dpd" and has_dpd and set(missing) <= set(_DPD_SUBJECTS)
    status: RuleStatus
    if matched:
        status = "overridden" if matched[0].overridden else "met"
    elif missing:
        status = "missing_input"
    else:
        status = "not_met"
    checks.setdefault(owner, []).append(
        RuleCheck(
            rule=rule.id,
            kind=rule.kind,
            status=status,
            missing=tuple(missing),
            source=rule.source,
        )
    )
    if missing and not dpd_silent:
        _missing(context, rule, drug, missing, blocking_missing)
    for reason in matched:
        if reason.overridden:
            context.warn(
                "ASSESSMENT_OVERRIDDEN",
                drug=drug,
                rule=rule.id,
                action=reason.action,
                when=reason.when,
                reason=reason.overridden,
            )
        else:
            context.warn(
                reason.code,
                drug=drug,
                rule=rule.id,
                when=reason.when,
                value=reason.value,
                level=f"{reason.level_percent:.4g}" if reason.level_percent is not None else "",
                method=reason.method or "",
                source=reason.source,
            )
    return matched


def _missing(
    context: SheetContext,
    rule: AssessmentRule,
    drug: str | None,
    missing: list[str],
    blocking: bool,
) -> None:
    dpd = [name for name in missing if name in _DPD_SUBJECTS]
    labs = [name for name in missing if name in LAB_UNITS]
    if dpd:
        context.warn("DPD_STATUS_MISSING", drug=drug, rule=rule.id, source=rule.source)
    if "ugt1a1" in missing:
        context.warn("UGT1A1_NOT_GIVEN", drug=drug, rule=rule.id)
    if labs:
        context.warn(
            "LAB_MISSING",
            drug=drug,
            severity="blocking" if blocking else None,
            rule=rule.id,
            labs=", ".join(labs),
            source=rule.source,
        )


def _countries(
    context: SheetContext,
    inputs: AssessmentInputs,
    settings: AssessmentSettings,
    drugs: Sequence[str],
) -> None:
    """Rules that are law in one country (France: uracilaemia before a fluoropyrimidine)."""
    for rule in settings.countries:
        if inputs.country != rule.country:
            continue
        given = inputs.uracil_ng_ml if rule.requires == "uracil" else inputs.dpyd_activity_score
        if given is not None:
            continue
        for drug in drugs:
            if drug in rule.drugs:
                context.warn(
                    rule.code,
                    drug=drug,
                    severity="blocking",
                    variant="country",
                    rule=f"country-{rule.country.lower()}",
                    country=rule.country,
                    requires=rule.requires,
                    source=rule.source,
                )


def _weight(context: SheetContext, inputs: AssessmentInputs, settings: AssessmentSettings) -> None:
    reference = inputs.reference_weight_kg
    patient = context.patient
    if reference is None or patient.weight_kg is None:
        return
    change = (patient.weight_kg - reference) / reference * 100
    if abs(change) < settings.weight_change_percent:
        return
    then = now = ""
    if patient.height_cm is not None:
        formula = context.options.bsa_formula
        decimals = context.options.bsa_decimals
        height, sex = patient.height_cm, patient.sex
        then = f"{bsa_formulas.compute_bsa(height, reference, formula, sex):.{decimals}f}"
        now = f"{bsa_formulas.compute_bsa(height, patient.weight_kg, formula, sex):.{decimals}f}"
    context.warn(
        "WEIGHT_CHANGED",
        reference=f"{reference:g}",
        current=f"{patient.weight_kg:g}",
        change=f"{change:+.1f}",
        threshold=f"{settings.weight_change_percent:g}",
        bsa_then=then,
        bsa_now=now,
        source=settings.weight_change_source,
    )

"""The words of the treatment-day assessment, shared by every renderer.

The models hold codes (``decision="delay"``, ``action="reduce"``, a reason's ``code``
and ``rule``, a rule check's ``status``); these give them their text from the
catalogues (``catalogue/assessment_en.py``, ``assessment_fr.py``). Also the fields the
assessment's warning sentences derive from their ``params`` (:func:`display_params`): a
param may be empty (no source, no method, no level), and the sentence must still read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from regimens._models.assessment import LAB_UNITS, Assessment, DrugAssessment, Reason, RuleCheck
from regimens._models.sheet import ASSESSMENT_STEP_CODES, DoseSheet
from regimens._render._text import csv_number, plain_number
from regimens._render.catalogue import has, text
from regimens._render.labels import Lang, format_date, method_label
from regimens._render.numbers import localize

__all__ = [
    "ASSESSMENT_WARNING_CODES",
    "AssessmentView",
    "DrugView",
    "action_text",
    "assessment_view",
    "csv_values",
    "decision_text",
    "display_params",
    "drug_entry",
    "input_lines",
    "is_delayed",
    "kind_text",
    "lab_date_text",
    "level_text",
    "not_encoded_text",
    "percent_text",
    "reason_text",
    "rule_text",
    "view_of",
]

#: The warning codes of the assessment (their sentences use :func:`display_params`).
ASSESSMENT_WARNING_CODES: frozenset[str] = ASSESSMENT_STEP_CODES | {
    "DPD_STATUS_MISSING",
    "UGT1A1_NOT_GIVEN",
    "LAB_MISSING",
    "LAB_STALE",
    "WEIGHT_CHANGED",
    "ASSESSMENT_OVERRIDDEN",
}


#: The words of a rule's condition as the files write it (``bilirubin >= 1.2 mg/dL or
#: ast >= 2 xULN``), by language: a lab's name is its code (the ``--lab`` name).
_CONDITION_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": ((r"\bor\b", "ou"), (r"\band\b", "et"), (r"\bnot\b", "non"), (r"xULN\b", "× LSN")),
}


def condition_text(condition: str, lang: str) -> str:
    """A rule's condition, a value seen or a threshold in ``lang``: ``bilirubin >= 1,2
    mg/dL ou ast >= 2 × LSN`` (LSN: limite supérieure de la normale)."""
    for pattern, local in _CONDITION_WORDS.get(lang, ()):
        condition = re.sub(pattern, local, condition)
    return localize(condition, lang)


def display_params(code: str, params: Mapping[str, str], lang: str) -> dict[str, str]:
    """``params`` with the fields an assessment sentence needs: ``who`` ("oxaliplatin: ",
    "fluorouracil (bolus): " or "Cycle: "), ``level_pct``, ``action_text``,
    ``requires_text``, ``bsa_text``; an empty ``source`` or ``value`` says "not given";
    ``variant`` for the two forms of ``TOXICITY_NOT_COVERED`` without a rung's step."""
    shown = dict(params)
    drug = shown.get("drug")
    method = shown.get("method") or ""
    if drug and method:
        shown["who"] = text(
            "assessment.who_drug_method", lang, drug=drug, method=method_label(method, _lang(lang))
        )
    elif drug:
        shown["who"] = text("assessment.who_drug", lang, drug=drug)
    else:
        shown["who"] = text("assessment.who_cycle", lang)
    for key in ("source", "value"):
        if not shown.get(key):
            shown[key] = text("assessment.not_given", lang)
    level = shown.get("level") or ""
    shown["level_pct"] = (
        text("assessment.level_pct", lang, level=level)
        if level
        else text("assessment.level_not_stated", lang)
    )
    if "action" in shown:
        shown["action_text"] = action_text(shown["action"], lang)
    requires = shown.get("requires")
    if requires:
        shown["requires_text"] = text(f"assessment.requires.{requires}", lang)
    if code == "WEIGHT_CHANGED":
        then, now = shown.get("bsa_then", ""), shown.get("bsa_now", "")
        shown["bsa_text"] = (
            text("assessment.bsa_change", lang, then=then, now=now) if then and now else ""
        )
    for key in ("when", "value", "limit"):
        if shown.get(key):
            shown[key] = condition_text(shown[key], lang)
    if code == "TOXICITY_NOT_COVERED" and "toxicity" in shown and not shown.get("variant"):
        shown["variant"] = "no_rung" if params.get("rule") else "no_ladder"
    return shown


def _lang(lang: str) -> Lang:
    return "fr" if lang == "fr" else "en"


def decision_text(assessment: Assessment, lang: str = "en") -> str:
    """``GO``, ``DELAY — re-check on 2026-12-11`` or ``STOP``."""
    recheck = assessment.recheck_date
    day = format_date(recheck, _lang(lang)) if recheck is not None else ""
    return text(f"assessment.decision.{assessment.decision}", lang, date=day)


def lab_date_text(assessment: Assessment, lang: str = "en") -> str:
    """``2026-12-03 (1 day(s) before)`` or ``2026-12-04 (same day)``."""
    day = format_date(assessment.lab_date, _lang(lang))
    if assessment.lab_age_days == 0:
        return text("assessment.lab_same_day", lang, date=day)
    return text("assessment.lab_age", lang, date=day, age=assessment.lab_age_days)


def action_text(action: str, lang: str = "en") -> str:
    """``give``, ``reduce``, ``withhold``, ``delay``, ``stop`` in ``lang``."""
    return text(f"assessment.action.{action}", lang)


def kind_text(kind: str, lang: str = "en") -> str:
    """``hepatic`` / ``foie``; an unknown kind as written."""
    key = f"assessment.kind.{kind}"
    return text(key, lang) if has(key) else kind


def level_text(entry: DrugAssessment, lang: str = "en") -> str:
    """``50% of the full dose`` (as a person reads it; 100 % too)."""
    return text("assessment.level_value", lang, level=percent_text(entry.level_percent))


def percent_text(value: float) -> str:
    """A level as read: at most 2 decimals (83.33, 37.5, 50); the JSON keeps it whole."""
    return plain_number(round(value, 2))


def reason_text(reason: Reason, lang: str = "en") -> str:
    """One reason, with everything a second pharmacist needs to check it: code, rule,
    value seen, threshold, what it does, the level, the source, and an override."""
    level = ""
    if reason.level_percent is not None:
        level = text("assessment.reason_level", lang, level=percent_text(reason.level_percent))
    line = text(
        "assessment.reason",
        lang,
        code=reason.code,
        rule=reason.rule,
        value=condition_text(reason.value, lang) or text("assessment.not_given", lang),
        threshold=condition_text(reason.threshold, lang) or text("assessment.not_given", lang),
        action=action_text(reason.action, lang),
        level=level,
        source=reason.source or text("assessment.not_given", lang),
    )
    if reason.method:
        line += text("assessment.reason_method", lang, method=method_label(reason.method))
    if reason.recheck_days:
        line += text("assessment.reason_recheck", lang, days=reason.recheck_days)
    note = (reason.note_fr if lang == "fr" else "") or reason.note
    if note:
        line += text("assessment.reason_note", lang, note=note)
    if reason.overridden:
        line += text("assessment.reason_overridden", lang, reason=reason.overridden)
    return line


def rule_text(check: RuleCheck, lang: str = "en") -> str:
    """``hepatic epirubicin-hepatic: met``; ``no rule applies (source)`` for a
    sourced "none" (distinct from :func:`not_encoded_text`)."""
    status = text(
        f"assessment.status.{check.status}",
        lang,
        missing=", ".join(check.missing) or text("assessment.not_given", lang),
        source=check.source or text("assessment.not_given", lang),
    )
    return text(
        "assessment.rule_item",
        lang,
        kind=kind_text(check.kind, lang),
        rule=check.rule,
        status=status,
    )


def not_encoded_text(kind: str, lang: str = "en") -> str:
    """``hepatic: no rule encoded (check it yourself)``: a missing rule looks missing."""
    return text("assessment.not_encoded", lang, kind=kind_text(kind, lang))


def input_lines(assessment: Assessment, lang: str = "en") -> list[tuple[str, str]]:
    """The inputs as (label, value) rows: labs (with the ULN of a multiple), toxicities,
    pharmacogenetics, reference weight, conditions, country, overrides."""
    inputs = assessment.inputs
    none = text("assessment.input_not_given", lang)
    sep = text("assessment.sep", lang)
    labs = []
    for name, lab in inputs.labs.items():
        uln = assessment.uln_used.get(name)
        if lab.times_uln is not None and uln is not None:
            labs.append(
                text(
                    "assessment.lab_uln",
                    lang,
                    name=name,
                    typed=lab.typed,
                    uln=plain_number(uln),
                    unit=LAB_UNITS.get(name, ""),
                )
            )
        else:
            labs.append(text("assessment.lab_item", lang, name=name, typed=lab.typed))
    toxicities = [
        text(
            "assessment.toxicity_item",
            lang,
            name=item.name,
            grade=item.grade,
            occurrence=item.occurrence,
        )
        for item in inputs.toxicities
    ]
    score = inputs.dpyd_activity_score
    uracil = inputs.uracil_ng_ml
    weight = inputs.reference_weight_kg
    overrides = [
        text("assessment.override_item", lang, rule=rule, reason=reason)
        for rule, reason in inputs.overrides.items()
    ]
    return [
        (text("assessment.labs", lang), sep.join(labs) or none),
        (text("assessment.toxicities", lang), sep.join(toxicities) or none),
        (text("assessment.dpyd", lang), f"{score:g}" if score is not None else none),
        (text("assessment.uracil", lang), f"{uracil:g} ng/mL" if uracil is not None else none),
        (text("assessment.ugt1a1", lang), inputs.ugt1a1 or none),
        (text("assessment.reference_weight", lang), f"{weight:g} kg" if weight else none),
        (text("assessment.conditions", lang), ", ".join(inputs.conditions) or none),
        (text("assessment.country", lang), inputs.country or none),
        (text("assessment.overrides", lang), sep.join(overrides) or none),
    ]


def is_delayed(assessment: Assessment) -> bool:
    """Whether the cycle waits: the decision is ``delay``, or ``stop`` for one drug
    while a rule also delays the whole cycle (``stop`` outranks it in the decision)."""
    return assessment.decision == "delay" or any(
        reason.action == "delay" and not reason.overridden
        for reason in (
            *assessment.cycle_reasons,
            *(reason for entry in assessment.drugs for reason in entry.reasons),
        )
    )


def drug_entry(assessment: Assessment, drug: str, method: str | None) -> DrugAssessment | None:
    """The assessment of ``drug`` given by ``method``: its method's own entry (a rule
    that targets the bolus), else the drug's; None when the drug was not assessed."""
    general = None
    for entry in assessment.drugs:
        if entry.drug != drug:
            continue
        if entry.method == method:
            return entry
        if entry.method is None:
            general = entry
    return general


@dataclass(frozen=True)
class DrugView:
    """One drug (or one of its methods) as every format shows it."""

    name: str  # "epirubicin", "fluorouracil (bolus)", in the output language
    action: str  # the code: give, reduce, withhold, delay, stop
    summary: str  # "reduce — 50% of the full dose"
    reasons: list[str]
    rules: list[str]
    not_encoded: list[str]


@dataclass(frozen=True)
class AssessmentView:
    """The assessment as every human-readable format shows it, in one language."""

    title: str
    decision: str  # the code: go, delay, stop
    decision_text: str
    rows: list[tuple[str, str]]  # decision, dates, then the inputs
    cycle_reasons: list[str]
    cycle_rules: list[str]
    drugs: list[DrugView]


def assessment_view(
    assessment: Assessment, lang: Lang, drug_names: Mapping[str, Mapping[str, str]]
) -> AssessmentView:
    """Everything the text, Markdown and HTML formats show of ``assessment``."""
    rows = [
        (text("assessment.decision", lang), decision_text(assessment, lang)),
        (text("assessment.date", lang), format_date(assessment.date, lang)),
        (text("assessment.lab_date", lang), lab_date_text(assessment, lang)),
    ]
    if assessment.recheck_date is not None:
        rows.append((text("assessment.recheck", lang), format_date(assessment.recheck_date, lang)))
    rows += input_lines(assessment, lang)
    rows = [(key, localize(value, lang)) for key, value in rows]
    drugs = []
    for entry in assessment.drugs:
        name = drug_names.get(entry.drug, {}).get(lang, entry.drug)
        if entry.method is not None:
            name = f"{name} ({method_label(entry.method, lang)})"
        summary = text(
            f"assessment.summary.{entry.action}",
            lang,
            action=action_text(entry.action, lang),
            level=level_text(entry, lang),
        )
        if is_delayed(assessment) and entry.action in ("give", "reduce"):
            summary += text("assessment.after_delay", lang)
        drugs.append(
            DrugView(
                name=name,
                action=entry.action,
                summary=summary,
                reasons=[reason_text(reason, lang) for reason in entry.reasons]
                or [text("assessment.reasons_none", lang)],
                rules=[rule_text(check, lang) for check in entry.rules],
                not_encoded=[not_encoded_text(kind, lang) for kind in entry.not_encoded],
            )
        )
    return AssessmentView(
        title=text("assessment.title", lang),
        decision=assessment.decision,
        decision_text=decision_text(assessment, lang),
        rows=rows,
        cycle_reasons=[reason_text(reason, lang) for reason in assessment.cycle_reasons],
        cycle_rules=[rule_text(check, lang) for check in assessment.cycle_rules],
        drugs=drugs,
    )


def csv_values(assessment: Assessment | None, drug: str, method: str | None) -> dict[str, str]:
    """The CSV columns of one administration row: the day's decision, the drug's action
    and level, and its reasons as ``CODE:rule`` (then the whole cycle's); empty when no
    assessment was made."""
    keys = ("assessment_decision", "assessment_action", "assessment_level_percent")
    if assessment is None:
        return {**dict.fromkeys(keys, ""), "assessment_reasons": ""}
    entry = drug_entry(assessment, drug, method)
    reasons = [*(entry.reasons if entry else ()), *assessment.cycle_reasons]
    return {
        "assessment_decision": assessment.decision,
        "assessment_action": entry.action if entry else "",
        "assessment_level_percent": csv_number(entry.level_percent) if entry else "",
        "assessment_reasons": ";".join(
            f"{reason.code}:{reason.rule}" + (":overridden" if reason.overridden else "")
            for reason in reasons
        ),
    }


def view_of(sheet: DoseSheet, lang: Lang) -> AssessmentView | None:
    """The view of a sheet's assessment; None when none was made."""
    if sheet.assessment is None:
        return None
    return assessment_view(sheet.assessment, lang, sheet.drug_names)

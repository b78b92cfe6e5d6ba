"""The dose sheet as text table, markdown, CSV and JSON (HTML: ``sheet_print``).

Every human-readable format is drawn from one :class:`SheetDocument` (the same labels,
rows and warnings in the same order), built in the requested language; they differ
only in layout; the printed HTML order (:mod:`regimens._render.sheet_print`) draws from
it too. The JSON document (``docs/json-output.md``) is written by
:mod:`regimens._render.sheet_json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from regimens._models.sheet import Administration, DoseSheet, OrganAdjustment, SheetDay
from regimens._render._html import HtmlWarning
from regimens._render._text import (
    RULE,
    Styler,
    day_number,
    format_duration,
    format_mg,
    identity_rows,
    key_value_table,
    md_table,
    provenance_line,
    regimen_title,
    signed_percent,
)
from regimens._render.assessment_section import markdown_section, text_section
from regimens._render.assessment_words import AssessmentView, percent_text, view_of
from regimens._render.catalogue import text
from regimens._render.dose_words import (
    intakes_differ,
    intakes_text,
    nearest_plans_text,
    preparation_text,
    pump_text,
    renal_rule_text,
    tablets_text,
    vial_use_lines,
)
from regimens._render.labels import (
    Lang,
    drug_name,
    emetogenic_text,
    label,
    method_label,
    regimen_name,
)
from regimens._render.messages import message
from regimens._render.numbers import formula_text, localize, measured_text
from regimens._render.sheet_csv import CSV_COLUMNS, sheet_csv

__all__ = [
    "CSV_COLUMNS",
    "SheetDocument",
    "administration_row",
    "day_number",
    "day_ranges",
    "dose_cell",
    "oral_parts",
    "pace_parts",
    "readable_document",
    "sheet_columns",
    "sheet_csv",
    "sheet_markdown",
    "sheet_table",
]


def day_ranges(days: tuple[SheetDay, ...]) -> list[tuple[int, int, SheetDay]]:
    """Group consecutive days that have the same administrations: (2, 21, day 2)."""
    groups: list[tuple[int, int, SheetDay]] = []
    for day in days:
        if groups:
            first, last, sample = groups[-1]
            if day.day == last + 1 and day.administrations == sample.administrations:
                groups[-1] = (first, day.day, sample)
                continue
        groups.append((day.day, day.day, day))
    return groups


def _day_label(first: int, last: int, lang: Lang) -> str:
    """ "Day 1", or "Days 2–21" for consecutive days with the same administrations."""
    if first == last:
        return label("day_n", lang, day=day_number(first))
    return label("days_range", lang, first=day_number(first), last=day_number(last))


def oral_parts(item: Administration, lang: Lang) -> list[str]:
    """What is taken: the intakes of a day when they differ, else the tablets of one;
    the nearest plans when none is within the tolerance."""
    parts: list[str] = []
    if item.intakes and intakes_differ(item.intakes):
        parts.append(intakes_text(item.intakes, lang))
    elif item.tablets:
        parts.append(tablets_text(item.tablets))
    if item.nearest_plans:
        parts.append(nearest_plans_text(item.nearest_plans, lang))
    return parts


def pace_parts(item: Administration, lang: Lang) -> list[str]:
    """How an infusion runs, besides its duration: one pump over days, the rate."""
    parts: list[str] = []
    if item.dose_per_infusion_day_mg is not None:
        per_day = format_mg(item.dose_per_infusion_day_mg)
        parts.append(label("pump_days", lang, days=item.infusion_days, per_day=per_day))
    if item.rate_mg_per_h is not None:
        parts.append(f"{item.rate_mg_per_h:.1f} mg/h")
    if item.rate_ml_per_h is not None:  # a hydration fluid: its volume over its duration
        parts.append(f"{item.rate_ml_per_h:.1f} mL/h")
    return parts


def amount(value: float, item: Administration) -> str:
    """An amount of ``item`` in mg (bare, as the mg columns say), or a hydration order's
    mL or mmol with its unit: ``1000 mL``, ``10 mmol``."""
    return format_mg(value) if item.dose_unit == "mg" else f"{format_mg(value)} {item.dose_unit}"


def order_kind(item: Administration, sheet: DoseSheet, lang: Lang) -> str:
    """What an order that is not chemotherapy is, and when: ``hydration, before cisplatin``."""
    kind = label(f"kind.{item.kind}", lang)
    if item.timing is None or item.relative_to is None:
        return kind
    drug = drug_name(item.relative_to, sheet.drug_names, lang)
    return f"{kind}, {label(f'timing.{item.timing}', lang, drug=drug)}"


def _details(item: Administration, lang: Lang) -> str:
    parts = oral_parts(item, lang)
    if item.duration_h is not None:
        parts.append(label("over", lang, duration=format_duration(item.duration_h)))
    parts += pace_parts(item, lang)
    if item.pump is not None:
        parts.append(pump_text(item.pump, lang))
    preparation = preparation_text(item, lang)
    if preparation:
        parts.append(preparation)
    if item.withheld_reason == "assessment":  # not a warning alone: the assessment says why
        parts.append(text("assessment.withheld_cell", lang))
    elif item.withheld:
        parts.append(label("withheld", lang))
    return "; ".join(parts)


def dose_cell(item: Administration) -> str:
    """The final dose per intake; ``950 / 800`` when the intakes of a day differ, and a
    dash when no plan is dispensable (the calculated dose is not a dose to give)."""
    if item.nearest_plans:
        return "—"
    if item.intakes and intakes_differ(item.intakes):
        return " / ".join(format_mg(intake.dose_mg) for intake in item.intakes)
    return amount(item.dose_mg, item)


def _dispense_lines(sheet: DoseSheet, lang: Lang) -> list[str]:
    """The tablets to hand over for the cycle, per drug and strength; the vials shared
    by a drug prepared twice on a day."""
    return [
        text(
            "sheet.dispense.line",
            lang,
            drug=drug_name(item.drug, sheet.drug_names, lang),
            count=item.count,
            strength=format_mg(item.strength_mg),
            packs=text("sheet.dispense.packs", lang, packs=item.packs)
            if item.packs is not None
            else "",
        )
        for item in sheet.dispense
    ] + vial_use_lines(sheet.vial_use, sheet.drug_names, lang)


def _organ(adjustment: OrganAdjustment | None) -> str:
    """The organ-function step in a few characters: 75%, 3.5 mg, CI (contraindicated)."""
    if adjustment is None:
        return ""
    if adjustment.action == "percent":
        return f"{adjustment.percent:g}%"
    if adjustment.action == "absolute":
        return f"{adjustment.dose_mg:g} mg"
    if adjustment.action == "contraindicated":
        return "CI"
    return "100%"


_COLUMNS = (
    "order",
    "drug",
    "route_method",
    "prescribed",
    "basis",
    "standard_mg",
    "level",
    "organ",
    "assessment",  # only on a sheet with an assessment (sheet_columns)
    "calculated_mg",
    "dose_mg",
    "deviation",
    "intakes",
    "daily_mg",
    "details",
)


def sheet_columns(sheet: DoseSheet) -> tuple[str, ...]:
    """The dose table's columns: the assessment's step only where one was made."""
    return tuple(c for c in _COLUMNS if c != "assessment" or sheet.assessment is not None)


def administration_row(
    position: int, item: Administration, sheet: DoseSheet, lang: Lang
) -> list[str]:
    """One administration; ``position`` is its place in the day's sequence (1 = first)."""
    basis = f"× {item.basis_value:g} {item.basis_unit}" if item.basis_value is not None else ""
    ceiling = item.assessment_level_percent
    assessed = (
        [f"{percent_text(ceiling)}%" if ceiling is not None else "—"] if sheet.assessment else []
    )
    name = drug_name(item.drug, sheet.drug_names, lang)
    if item.kind != "chemotherapy":
        name = f"{name} ({order_kind(item, sheet, lang)})"
    return [
        str(position),
        name,
        f"{item.route} {method_label(item.method, lang)}",
        # A pump over several days: "750 mg/m2/day × 5" (its total is in the dose columns).
        f"{item.prescribed_daily} × {item.infusion_days}"
        if item.infusion_days > 1
        else item.prescribed,
        basis,
        amount(item.standard_mg, item),
        f"{item.dose_level_percent:g}%",
        _organ(item.organ_adjustment),
        *assessed,
        f"{item.calculated_mg:.2f}" if item.dose_unit == "mg" else amount(item.calculated_mg, item),
        dose_cell(item),
        "—" if item.withheld or item.nearest_plans else signed_percent(item.deviation_percent),
        f"{item.intakes_per_day}",
        "—" if item.nearest_plans else amount(item.daily_dose_mg, item),
        _details(item, lang),
    ]


@dataclass(frozen=True)
class SheetDocument:
    """What every human-readable format shows, in one language and one order."""

    title: str
    subtitle: list[str]
    header: list[tuple[str, str]]
    columns: list[str]
    days: list[tuple[str, list[list[str]]]]
    totals_title: str
    totals_columns: list[str]
    totals: list[list[str]]
    warnings: list[HtmlWarning]
    #: The library's administration notes, once per administration: (drug, notes).
    notes: list[tuple[str, str]]
    renal_rules: list[tuple[str, str]]
    dispense: list[str]
    footer: str
    notice: str
    lang: Lang
    assessment: AssessmentView | None


def _notes_and_renal_rules(
    sheet: DoseSheet, lang: Lang
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The library's administration notes, once per administration, (drug, note); and
    what each drug's renal rule is (drug name → words), in sheet order."""
    notes: list[tuple[str, str]] = []
    renal_rules: dict[str, str] = {}
    for day in sheet.days:
        for item in day.administrations:
            name = drug_name(item.drug, sheet.drug_names, lang)
            renal_rules.setdefault(name, renal_rule_text(item, lang))
            written = (item.notes_fr if lang == "fr" else "") or item.notes
            if written and (name, written) not in notes:
                notes.append((name, written))
    return notes, renal_rules


def _day_tables(sheet: DoseSheet, lang: Lang) -> list[tuple[str, list[list[str]]]]:
    """Each day: its chemotherapy, then the orders given with it (premedication,
    antiemetic, hydration, supportive) in their own table; positions stay the day's."""
    days: list[tuple[str, list[list[str]]]] = []
    for first, last, sample in day_ranges(sheet.days):
        rows = list(enumerate(sample.administrations, start=1))
        day_label = _day_label(first, last, lang)
        chemotherapy = [
            administration_row(n, item, sheet, lang)
            for n, item in rows
            if item.kind == "chemotherapy"
        ]
        others = [
            administration_row(n, item, sheet, lang)
            for n, item in rows
            if item.kind != "chemotherapy"
        ]
        if chemotherapy:
            days.append((day_label, chemotherapy))
        if others:
            days.append((label("orders_with", lang, day=day_label), others))
    return days


def _total_rows(sheet: DoseSheet, lang: Lang) -> list[list[str]]:
    """Per drug over the cycle: its total, by method, and its days."""
    # A drug with no dispensable plan has no total to give: a dash, not a calculated sum.
    undispensable = {
        item.drug for day in sheet.days for item in day.administrations if item.nearest_plans
    }
    totals: list[list[str]] = []
    for total in sheet.totals:
        if len(total.days) <= 3:
            when = ", ".join(day_number(d) for d in total.days)
        else:
            first, last = day_number(total.days[0]), day_number(total.days[-1])
            when = label("n_days", lang, first=first, last=last, count=len(total.days))
        totals.append(
            [
                drug_name(total.drug, sheet.drug_names, lang),
                "—" if total.drug in undispensable else format_mg(total.total_mg),
                "—"
                if total.drug in undispensable
                else ", ".join(
                    f"{method_label(m, lang)} {format_mg(v)}" for m, v in total.per_method.items()
                ),
                when,
            ]
        )
    return totals


def readable_document(sheet: DoseSheet, lang: Lang) -> SheetDocument:
    regimen = sheet.regimen
    title = (
        f"{label('dose_sheet', lang)}{label('colon', lang)}"
        f"{regimen_title(regimen_name(regimen, lang), regimen.id)}, "
        f"{label('cycle', lang)} {sheet.cycle}, "
        f"{label('every_days', lang, days=regimen.cycle_length_days)}"
    )
    subtitle = [
        f"{label('with', lang)} {regimen_title(regimen_name(extra, lang), extra.id)}"
        for extra in sheet.supportive
    ]
    header = identity_rows(sheet.patient_id, sheet.patient_name, sheet.patient_dob, lang)
    input_labels = {
        "height": "height",
        "weight": "weight",
        "sex": "sex",
        "age": "age",
        "creatinine": "creatinine",
        "crcl": "crcl_given",
    }
    for key, value in sheet.patient.items():
        if isinstance(value, str):
            shown = label(value, lang) if value in {"female", "male"} else value
        else:
            unit = label("years", lang) if value.unit == "years" else value.unit
            shown = measured_text(value, unit, lang)
        header.append((label(input_labels.get(key, key), lang), shown))
    if sheet.bsa is not None:
        bsa = sheet.bsa
        header.append(
            (
                label("bsa_formula", lang),
                f"{bsa.formula_label}: {formula_text(bsa.formula_expression, lang)}",
            )
        )
        shown = label(
            "bsa_value",
            lang,
            unrounded=f"{bsa.bsa_m2_unrounded:.4f}",
            used=f"{bsa.bsa_m2:.{bsa.bsa_decimals}f}",
        )
        if bsa.bsa_capped:
            shown += f" ({label('bsa_capped', lang, cap=f'{bsa.bsa_cap_m2:g}')})"
        header.append((label("bsa", lang), shown))
    renal = sheet.renal
    if renal is not None and renal.source == "cockcroft_gault":  # a given CrCl is an input
        crcl = f"{renal.crcl_ml_min:.{renal.display_decimals}f}"
        weight = f"{renal.weight_kg_used or 0:.1f}"
        if renal.obesity_ideal_kg is not None and renal.obesity_actual_kg is not None:
            shown = label(
                "crcl_obesity",
                lang,
                crcl=crcl,
                weight=weight,
                actual=f"{renal.obesity_actual_kg:g}",
                ideal=f"{renal.obesity_ideal_kg:.1f}",
                formula=formula_text(renal.formula, lang),
            )
        else:
            basis = label(f"weight_basis.{renal.weight_basis or 'actual'}", lang)
            shown = label(
                "crcl_cg",
                lang,
                crcl=crcl,
                basis=basis,
                weight=weight,
                formula=formula_text(renal.formula, lang),
            )
        header.append((label("crcl", lang), shown))
    if sheet.rounding_policy == "none":  # no rounding step: no tolerance applies to it
        rounding = label("rounding_none_value", lang)
    else:
        rounding = label(
            "rounding_value",
            lang,
            policy=label(f"policy_{sheet.rounding_policy}", lang),
            tolerance=f"{sheet.tolerance_percent:g}",
        )
    header.append((label("rounding", lang), rounding))
    header.append((label("order_of_operations", lang), label("order_of_operations_value", lang)))
    emetogenic = label("emetogenic_risk", lang)
    header.append((emetogenic, emetogenic_text(sheet.emetogenic_risk, lang)))

    days = _day_tables(sheet, lang)
    totals = _total_rows(sheet, lang)
    warnings = [
        HtmlWarning(
            severity=w.severity,
            severity_label=label(w.severity, lang),
            code=w.code,
            drug=drug_name(w.drug, sheet.drug_names, lang) if w.drug else "",
            message=message(w, lang, drug_names=sheet.drug_names),
        )
        for w in sheet.warnings
    ]
    notes, renal_rules = _notes_and_renal_rules(sheet, lang)
    footer = provenance_line(
        sheet.provenance.tool_version,
        [(sheet.regimen.id, sheet.regimen.sha256), *sheet.provenance.supportive.items()],
        sheet.provenance.calculated_at,
        lang,
    )
    # The numbers the tool wrote, as the language writes them (the emetogenic class
    # quotes its source: left as written).
    header = [(key, value if key == emetogenic else localize(value, lang)) for key, value in header]
    return SheetDocument(
        title=title,
        subtitle=subtitle,
        header=header,
        columns=[label(key, lang) for key in sheet_columns(sheet)],
        days=[(name, [[localize(c, lang) for c in row] for row in rows]) for name, rows in days],
        totals_title=label("totals", lang, cycle=sheet.cycle),
        totals_columns=[label(k, lang) for k in ("drug", "total_mg", "by_method", "days")],
        totals=[[localize(cell, lang) for cell in row] for row in totals],
        warnings=warnings,
        notes=notes,
        renal_rules=list(renal_rules.items()),
        dispense=[localize(line, lang) for line in _dispense_lines(sheet, lang)],
        footer=footer,
        notice=label("check_notice", lang),
        lang=lang,
        assessment=view_of(sheet, lang),
    )


def sheet_table(sheet: DoseSheet, lang: Lang = "en", style: Styler | None = None) -> str:
    """The printed dose sheet a pharmacist reads and checks by hand (plain text)."""
    from tabulate import tabulate

    doc = readable_document(sheet, lang)
    lines = [RULE, doc.title, *doc.subtitle, RULE]
    if sheet.provisional:
        lines = [label("provisional", lang), *lines]
    lines += [key_value_table(doc.header), ""]
    if doc.assessment is not None:  # above the doses: they follow from it
        lines += text_section(doc.assessment, lang, style)
    for day_label, rows in doc.days:
        lines.append(day_label)
        lines.append(tabulate(rows, headers=doc.columns, tablefmt="simple", disable_numparse=True))
        lines.append("")
    lines.append(doc.totals_title)
    lines.append(
        tabulate(doc.totals, headers=doc.totals_columns, tablefmt="simple", disable_numparse=True)
    )
    lines.append("")
    if doc.dispense:
        lines.append(text("sheet.dispense", lang))
        lines += [f"  {line}" for line in doc.dispense]
        lines.append("")
    if doc.notes:
        lines.append(label("administration_notes", lang))
        lines += [f"  {drug}{label('colon', lang)}{notes}" for drug, notes in doc.notes]
        lines.append("")
    lines.append(label("warnings", lang) if doc.warnings else label("warnings_none", lang))
    for warning in doc.warnings:
        mark = warning.severity_label
        if style is not None:
            mark = style(mark, warning.severity)
        drug = f" [{warning.drug}]" if warning.drug else ""
        lines.append(f"  {mark} {warning.code}{drug}: {warning.message}")
    lines += ["", label("renal_rules", lang)]
    lines += [f"  {name}: {rule}" for name, rule in doc.renal_rules]
    lines += ["", doc.footer, doc.notice]
    return "\n".join(lines)


def sheet_markdown(sheet: DoseSheet, lang: Lang = "en") -> str:
    """The dose sheet as Markdown (GitHub tables), for wikis, tickets and notes."""
    doc = readable_document(sheet, lang)
    lines = [f"# {doc.title}", ""]
    if sheet.provisional:
        lines = [f"**{label('provisional', lang)}**", "", *lines]
    lines += [f"*{line}*" for line in doc.subtitle]
    if doc.subtitle:
        lines.append("")
    lines += md_table(["", ""], [[f"**{k}**", v] for k, v in doc.header])
    lines.append("")
    if doc.assessment is not None:
        lines += markdown_section(doc.assessment, lang)
    for day_label, rows in doc.days:
        lines += [f"## {day_label}", ""]
        lines += md_table(doc.columns, rows)
        lines.append("")
    lines += [f"## {doc.totals_title}", ""]
    lines += md_table(doc.totals_columns, doc.totals)
    lines.append("")
    if doc.dispense:
        lines += [f"## {text('sheet.dispense', lang)}", ""]
        lines += [f"- {line}" for line in doc.dispense]
        lines.append("")
    if doc.notes:
        lines += [f"## {label('administration_notes', lang)}", ""]
        lines += [f"- **{drug}**{label('colon', lang)}{notes}" for drug, notes in doc.notes]
        lines.append("")
    lines += [f"## {label('warnings', lang)}", ""]
    if not doc.warnings:  # the heading already says "Warnings": do not say it twice
        lines.append(label("none_found", lang))
    for warning in doc.warnings:
        drug = f" [{warning.drug}]" if warning.drug else ""
        lines.append(f"- **{warning.severity_label} {warning.code}**{drug}: {warning.message}")
    lines += ["", f"## {label('renal_rules', lang)}", ""]
    lines += [f"- **{name}**: {rule}" for name, rule in doc.renal_rules]
    lines += ["", "---", "", doc.footer, "", f"**{doc.notice}**", ""]
    return "\n".join(lines)

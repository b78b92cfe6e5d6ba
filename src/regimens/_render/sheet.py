"""The dose sheet as text table, markdown, CSV, self-contained HTML, and JSON.

Every human-readable format is drawn from one :class:`_Document` (the same labels,
rows and warnings in the same order), built in the requested language; they differ
only in layout. The JSON document (``docs/json-output.md``) is written by
:mod:`regimens._render.sheet_json`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from regimens._models.sheet import Administration, DoseSheet, OrganAdjustment, SheetDay
from regimens._render._html import HtmlWarning, esc, page, provenance_footer, warnings_box
from regimens._render._text import (
    RULE,
    Styler,
    csv_number,
    format_duration,
    format_mg,
    key_value_table,
    md_table,
    provenance_line,
    regimen_title,
    signed_percent,
)
from regimens._render.assessment_section import (
    ASSESSMENT_STYLE,
    html_section,
    markdown_section,
    text_section,
)
from regimens._render.assessment_words import AssessmentView, csv_values, percent_text, view_of
from regimens._render.catalogue import text
from regimens._render.dose_words import (
    pump_text,
    renal_rule_text,
    rounding_text,
    withheld_text,
)
from regimens._render.labels import Lang, drug_name, label, method_label
from regimens._render.messages import message
from regimens._render.sheet_json import sheet_json, sheet_json_schema

__all__ = [
    "CSV_COLUMNS",
    "day_ranges",
    "sheet_csv",
    "sheet_html",
    "sheet_json",
    "sheet_json_schema",
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
        return label("day_n", lang, day=first)
    return label("days_range", lang, first=first, last=last)


def _details(item: Administration, lang: Lang) -> str:
    parts: list[str] = []
    if item.tablets:
        parts.append(" + ".join(f"{t.count} × {format_mg(t.strength_mg)} mg" for t in item.tablets))
    if item.duration_h is not None:
        parts.append(label("over", lang, duration=format_duration(item.duration_h)))
    if item.rate_mg_per_h is not None:
        parts.append(f"{item.rate_mg_per_h:.1f} mg/h")
    if item.pump is not None:
        parts.append(pump_text(item.pump, lang))
    if item.withheld_reason == "assessment":  # not a warning alone: the assessment says why
        parts.append(text("assessment.withheld_cell", lang))
    elif item.withheld:
        parts.append(label("withheld", lang))
    return "; ".join(parts)


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
    "assessment",  # only on a sheet with an assessment (_columns)
    "calculated_mg",
    "dose_mg",
    "deviation",
    "intakes",
    "daily_mg",
    "details",
)


def _columns(sheet: DoseSheet) -> tuple[str, ...]:
    """The dose table's columns: the assessment's step only where one was made."""
    return tuple(c for c in _COLUMNS if c != "assessment" or sheet.assessment is not None)


def _row(position: int, item: Administration, sheet: DoseSheet, lang: Lang) -> list[str]:
    """One administration; ``position`` is its place in the day's sequence (1 = first)."""
    basis = f"× {item.basis_value:g} {item.basis_unit}" if item.basis_value is not None else ""
    ceiling = item.assessment_level_percent
    assessed = (
        [f"{percent_text(ceiling)}%" if ceiling is not None else "—"] if sheet.assessment else []
    )
    return [
        str(position),
        drug_name(item.drug, sheet.drug_names, lang),
        f"{item.route} {method_label(item.method, lang)}",
        item.prescribed,
        basis,
        format_mg(item.standard_mg),
        f"{item.dose_level_percent:g}%",
        _organ(item.organ_adjustment),
        *assessed,
        f"{item.calculated_mg:.2f}",
        format_mg(item.dose_mg),
        "—" if item.withheld else signed_percent(item.deviation_percent),
        f"{item.intakes_per_day}",
        format_mg(item.daily_dose_mg),
        _details(item, lang),
    ]


@dataclass(frozen=True)
class _Document:
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


def _document(sheet: DoseSheet, lang: Lang) -> _Document:
    regimen = sheet.regimen
    title = (
        f"{label('dose_sheet', lang)}{label('colon', lang)}"
        f"{regimen_title(regimen.name, regimen.id)}, {label('cycle', lang)} {sheet.cycle}, "
        f"{label('every_days', lang, days=regimen.cycle_length_days)}"
    )
    subtitle = [
        f"{label('with', lang)} {regimen_title(extra.name, extra.id)}" for extra in sheet.supportive
    ]
    header: list[tuple[str, str]] = []
    if sheet.patient_id:
        header.append((label("patient_id", lang), sheet.patient_id))
    if sheet.patient_name:
        header.append((label("patient_name", lang), sheet.patient_name))
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
            shown = f"{value.value:g} {unit}"
        header.append((label(input_labels.get(key, key), lang), shown))
    if sheet.bsa is not None:
        bsa = sheet.bsa
        header.append(
            (label("bsa_formula", lang), f"{bsa.formula_label}: {bsa.formula_expression}")
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
                formula=renal.formula,
            )
        else:
            basis = label(f"weight_basis.{renal.weight_basis or 'actual'}", lang)
            shown = label(
                "crcl_cg", lang, crcl=crcl, basis=basis, weight=weight, formula=renal.formula
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

    days = [
        (
            _day_label(first, last, lang),
            [
                _row(position, item, sheet, lang)
                for position, item in enumerate(sample.administrations, start=1)
            ],
        )
        for first, last, sample in day_ranges(sheet.days)
    ]
    totals = []
    for total in sheet.totals:
        if len(total.days) <= 3:
            when = ", ".join(str(d) for d in total.days)
        else:
            when = label(
                "n_days", lang, first=total.days[0], last=total.days[-1], count=len(total.days)
            )
        totals.append(
            [
                drug_name(total.drug, sheet.drug_names, lang),
                format_mg(total.total_mg),
                ", ".join(
                    f"{method_label(m, lang)} {format_mg(v)}" for m, v in total.per_method.items()
                ),
                when,
            ]
        )
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
    return _Document(
        title=title,
        subtitle=subtitle,
        header=header,
        columns=[label(key, lang) for key in _columns(sheet)],
        days=days,
        totals_title=label("totals", lang, cycle=sheet.cycle),
        totals_columns=[label(k, lang) for k in ("drug", "total_mg", "by_method", "days")],
        totals=totals,
        warnings=warnings,
        notes=notes,
        renal_rules=list(renal_rules.items()),
        footer=footer,
        notice=label("check_notice", lang),
        lang=lang,
        assessment=view_of(sheet, lang),
    )


def sheet_table(sheet: DoseSheet, lang: Lang = "en", style: Styler | None = None) -> str:
    """The printed dose sheet a pharmacist reads and checks by hand (plain text)."""
    from tabulate import tabulate

    doc = _document(sheet, lang)
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
    doc = _document(sheet, lang)
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


#: CSV columns: the JSON fields of an administration (with the sheet's identifiers in
#: front), so a spreadsheet can sum and filter. The French header names follow.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("patient_id", "n_patient"),
    ("regimen_id", "protocole"),
    ("cycle", "cycle"),
    ("day", "jour"),
    ("regimen", "protocole_source"),
    ("order", "ordre"),
    ("drug", "dci"),
    ("drug_name", "medicament"),
    ("route", "voie"),
    ("method", "mode"),
    ("prescribed", "prescrit"),
    ("prescribed_daily", "prescrit_par_jour"),
    ("dose_basis", "base_de_dose"),
    ("basis_value", "valeur_de_base"),
    ("basis_unit", "unite_de_base"),
    ("bsa_m2", "surface_corporelle_m2"),
    ("intakes_per_day", "prises_par_jour"),
    ("standard_mg", "dose_standard_mg"),
    ("dose_level_percent", "niveau_de_dose_pourcent"),
    ("organ_action", "adaptation_organe"),
    ("organ_band", "classe_organe"),
    ("renal_rule", "regle_renale"),
    ("calculated_mg", "dose_calculee_mg"),
    ("rounding", "arrondi"),
    ("dose_mg", "dose_finale_mg"),
    ("daily_dose_mg", "dose_journaliere_mg"),
    ("deviation_percent", "ecart_pourcent"),
    ("tablets", "comprimes"),
    ("duration_h", "duree_h"),
    ("rate_mg_per_h", "debit_mg_par_h"),
    ("pump_volume_ml", "volume_diffuseur_ml"),
    ("pump_drug_volume_ml", "volume_medicament_ml"),
    ("pump_diluent_ml", "volume_diluant_ml"),
    ("withheld", "non_administre"),
    ("withheld_reason", "motif_non_administre"),
    ("assessment_decision", "evaluation_decision"),
    ("assessment_action", "evaluation_action"),
    ("assessment_level_percent", "evaluation_niveau_pourcent"),
    ("assessment_reasons", "evaluation_motifs"),
    ("warnings", "alertes"),
    ("notes", "notes"),
)


def sheet_csv(sheet: DoseSheet, lang: Lang = "en") -> str:
    """One row per administration per day; numbers unrounded, as in the JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if sheet.provisional:  # a comment line above the header: on top, as on every format
        out.write(f"# {label('provisional', lang)}\n")
    writer.writerow([fr if lang == "fr" else en for en, fr in CSV_COLUMNS])
    codes_by_drug: dict[str | None, list[str]] = {}
    for warning in sheet.warnings:
        codes_by_drug.setdefault(warning.drug, []).append(warning.code)
    for day in sheet.days:
        for item in day.administrations:
            pump = item.pump
            adjustment = item.organ_adjustment
            values = {
                "patient_id": sheet.patient_id or "",
                "regimen_id": sheet.regimen.id,
                "cycle": str(sheet.cycle),
                "day": str(day.day),
                "regimen": item.regimen,
                "order": str(item.order),
                "drug": item.drug,
                "drug_name": drug_name(item.drug, sheet.drug_names, lang),
                "route": item.route,
                "method": item.method,
                "prescribed": item.prescribed,
                "prescribed_daily": item.prescribed_daily or "",
                "dose_basis": item.dose_basis,
                "basis_value": csv_number(item.basis_value),
                "basis_unit": item.basis_unit or "",
                "bsa_m2": csv_number(sheet.bsa_m2),
                "intakes_per_day": str(item.intakes_per_day),
                "standard_mg": csv_number(item.standard_mg),
                "dose_level_percent": csv_number(item.dose_level_percent),
                "organ_action": adjustment.action if adjustment else "",
                "organ_band": adjustment.band if adjustment else "",
                "renal_rule": item.renal_rule,
                "calculated_mg": csv_number(item.calculated_mg),
                "rounding": rounding_text(item),
                "dose_mg": csv_number(item.dose_mg),
                "daily_dose_mg": csv_number(item.daily_dose_mg),
                "deviation_percent": csv_number(item.deviation_percent),
                "tablets": ";".join(
                    f"{t.count}x{format_mg(t.strength_mg)}" for t in item.tablets or ()
                ),
                "duration_h": csv_number(item.duration_h),
                "rate_mg_per_h": csv_number(item.rate_mg_per_h),
                "pump_volume_ml": csv_number(pump.pump_volume_ml if pump else None),
                "pump_drug_volume_ml": csv_number(pump.drug_volume_ml if pump else None),
                "pump_diluent_ml": csv_number(pump.diluent_ml if pump else None),
                "withheld": "true" if item.withheld else "false",
                "withheld_reason": withheld_text(item) or "",
                **csv_values(sheet.assessment, item.drug, item.method),
                # The drug's warnings, then the sheet's (a BSA or regimen caution
                # concerns every row).
                "warnings": ";".join(
                    codes_by_drug.get(item.drug, []) + codes_by_drug.get(None, [])
                ),
                "notes": (item.notes_fr if lang == "fr" else "") or item.notes,
            }
            writer.writerow([values[en] for en, _ in CSV_COLUMNS])
    return out.getvalue()


def _html_table(
    columns: list[str], rows: list[list[str]], numeric: set[int], dose: int = -1
) -> list[str]:
    out = ["<table>", "<thead><tr>"]
    out += [f"<th>{esc(c)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            classes = []
            if index in numeric:
                classes.append("num")
            if index == dose:
                classes.append("dose")
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attribute}>{esc(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


def sheet_html(sheet: DoseSheet, lang: Lang = "en") -> str:
    """A self-contained HTML page laid out for A4 printing, with signature lines."""
    doc = _document(sheet, lang)
    columns = _columns(sheet)
    numeric = {
        columns.index(k)
        for k in ("standard_mg", "level", "calculated_mg", "dose_mg", "deviation", "daily_mg")
    }
    out = [f"<h1>{esc(doc.title)}</h1>"]
    if sheet.provisional:
        out.insert(0, f'<p class="notice provisional">{esc(label("provisional", lang))}</p>')
    out += [f'<p class="subtitle">{esc(line)}</p>' for line in doc.subtitle]
    out.append('<table class="header"><tbody>')
    out += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in doc.header]
    out.append("</tbody></table>")
    out += warnings_box(doc.warnings, lang)
    if doc.assessment is not None:
        out += html_section(doc.assessment, lang)

    for day_label, rows in doc.days:
        out.append(f"<h2>{esc(day_label)}</h2>")
        out += _html_table(doc.columns, rows, numeric, columns.index("dose_mg"))
    out.append(f"<h2>{esc(doc.totals_title)}</h2>")
    out += _html_table(doc.totals_columns, doc.totals, {1})
    if doc.notes:
        out.append(f"<h2>{esc(label('administration_notes', lang))}</h2><ul>")
        colon = label("colon", lang)
        out += [
            f"<li><strong>{esc(drug)}</strong>{esc(colon)}{esc(n)}</li>" for drug, n in doc.notes
        ]
        out.append("</ul>")
    out.append(f"<h2>{esc(label('renal_rules', lang))}</h2>")
    out.append("<ul>")
    out += [f"<li><strong>{esc(name)}</strong>: {esc(rule)}</li>" for name, rule in doc.renal_rules]
    out.append("</ul>")

    out.append(f"<h2>{esc(label('signatures', lang))}</h2>")
    out.append('<table class="signatures"><thead><tr><th></th>')
    out += [f"<th>{esc(label(k, lang))}</th>" for k in ("name", "signature", "date_time")]
    out.append("</tr></thead><tbody>")
    for role in ("prescriber", "pharmacist_1", "pharmacist_2"):
        out.append(f"<tr><th>{esc(label(role, lang))}</th><td></td><td></td><td></td></tr>")
    out.append("</tbody></table>")
    out.append(f'<p class="notice">{esc(doc.notice)}</p>')
    hashes = [(sheet.regimen.id, sheet.regimen.sha256), *sheet.provenance.supportive.items()]
    out += provenance_footer(doc.footer, hashes, sheet.provenance.options, lang)
    return page(doc.title, lang, out, ASSESSMENT_STYLE if doc.assessment else "")

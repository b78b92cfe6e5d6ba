"""``regimens assess REGIMEN …``: the treatment-day decision alone, in every format.

The document is the :class:`~regimens._models.sheet.DoseSheet` computed with an
assessment (``sheet.assessment``): the decision, what to give (drug, action, level, the
dose after the assessment), what to hold and why (reasons with their rules and
sources), when to check again, and the warnings. The same words as the sheet's
assessment section (:mod:`regimens._render.assessment_words`); the JSON document is
:func:`regimens._render.assessment_json.assessment_json` (``docs/json-output.md``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from regimens._models.sheet import Administration, DoseSheet
from regimens._render._html import HtmlWarning, esc, footer_line, page, warnings_box
from regimens._render._text import (
    RULE,
    SafeCsvWriter,
    Styler,
    csv_number,
    format_mg,
    md_table,
    provenance_line,
    regimen_title,
)
from regimens._render.assessment_json import assessment_json
from regimens._render.assessment_section import (
    ASSESSMENT_STYLE,
    html_section,
    markdown_section,
    text_section,
)
from regimens._render.assessment_words import (
    AssessmentView,
    action_text,
    csv_values,
    drug_entry,
    is_delayed,
    percent_text,
    view_of,
)
from regimens._render.catalogue import text
from regimens._render.dose_words import withheld_text
from regimens._render.labels import Lang, drug_name, label, method_label, regimen_name
from regimens._render.sheet import day_ranges
from regimens._render.sheet_csv import warning_cells
from regimens._render.warning_lines import markdown_line, shown_warnings, warning_lines

__all__ = [
    "assessment_csv",
    "assessment_html",
    "assessment_json",
    "assessment_markdown",
    "assessment_table",
]


@dataclass(frozen=True)
class _Document:
    """What the text, Markdown and HTML formats show, in one language."""

    title: str
    view: AssessmentView | None
    give_columns: list[str]
    give: list[list[str]]
    hold: list[str]
    footer: str
    notice: str


def _days(first: int, last: int, lang: Lang) -> str:
    if first == last:
        return label("day_n", lang, day=first)
    return label("days_range", lang, first=first, last=last)


def _action(sheet: DoseSheet, item: Administration, lang: Lang) -> tuple[str, str]:
    """(action, level) of one administration, as words."""
    entry = drug_entry(sheet.assessment, item.drug, item.method) if sheet.assessment else None
    if entry is None:
        return "", ""
    return action_text(entry.action, lang), f"{percent_text(entry.level_percent)}%"


def _held(sheet: DoseSheet, lang: Lang) -> list[str]:
    """Each withheld administration once, with all its days: ``capecitabine (PO oral),
    Days 1–14: stop; withheld by the treatment-day assessment (...)``."""
    days: dict[tuple[str, str], list[int]] = {}
    items: dict[tuple[str, str], Administration] = {}
    for day in sheet.days:
        for item in day.administrations:
            if item.withheld:
                days.setdefault((item.drug, item.method), []).append(day.day)
                items.setdefault((item.drug, item.method), item)
    colon = label("colon", lang)
    lines = []
    for key, numbers in days.items():
        item = items[key]
        spans: list[list[int]] = []
        for number in numbers:
            if spans and number == spans[-1][1] + 1:
                spans[-1][1] = number
            else:
                spans.append([number, number])
        when = ", ".join(_days(first, last, lang) for first, last in spans)
        how = f"{item.route} {method_label(item.method, lang)}"
        action = _action(sheet, item, lang)[0]
        why = text("assessment.sep", lang).join(
            part for part in (action, withheld_text(item, lang) or "") if part
        )
        name = drug_name(item.drug, sheet.drug_names, lang)
        lines.append(f"{name} ({how}), {when}{colon}{why}")
    return lines


def _give_heading(sheet: DoseSheet, lang: Lang) -> str:
    """``Give``; after a delay, ``Give once the cycle goes ahead``."""
    delayed = sheet.assessment is not None and is_delayed(sheet.assessment)
    return text("assessment.give_after_delay" if delayed else "assessment.give", lang)


def _document(sheet: DoseSheet, lang: Lang) -> _Document:
    title = text(
        "assessment.assess_title",
        lang,
        regimen=regimen_title(regimen_name(sheet.regimen, lang), sheet.regimen.id),
        cycle=sheet.cycle,
    )
    give: list[list[str]] = []
    for first, last, day in day_ranges(sheet.days):
        for item in day.administrations:
            if item.withheld:
                continue
            action, level = _action(sheet, item, lang)
            give.append(
                [
                    _days(first, last, lang),
                    drug_name(item.drug, sheet.drug_names, lang),
                    f"{item.route} {method_label(item.method, lang)}",
                    action,
                    level,
                    format_mg(item.dose_mg),
                    str(item.intakes_per_day),
                ]
            )
    columns = [
        text("assessment.day", lang),
        label("drug", lang),
        label("route_method", lang),
        text("assessment.action", lang),
        text("assessment.level", lang),
        text("assessment.dose", lang),
        label("intakes", lang),
    ]
    hashes = [(sheet.regimen.id, sheet.regimen.sha256), *sheet.provenance.supportive.items()]
    return _Document(
        title=title,
        view=view_of(sheet, lang),
        give_columns=columns,
        give=give,
        hold=_held(sheet, lang),
        footer=provenance_line(
            sheet.provenance.tool_version, hashes, sheet.provenance.calculated_at, lang
        ),
        notice=label("check_notice", lang),
    )


def _no_assessment(lang: Lang) -> str:
    return text("assessment.none_made", lang)


def assessment_table(sheet: DoseSheet, *, lang: Lang = "en", style: Styler | None = None) -> str:
    """The decision as plain text: the assessment, what to give, what to hold, warnings."""
    from tabulate import tabulate

    doc = _document(sheet, lang)
    lines = [RULE, doc.title, RULE]
    if sheet.provisional:
        lines = [label("provisional", lang), *lines]
    lines += text_section(doc.view, lang, style) if doc.view else [_no_assessment(lang), ""]
    lines.append(_give_heading(sheet, lang))
    if doc.give:
        lines.append(
            tabulate(doc.give, headers=doc.give_columns, tablefmt="simple", disable_numparse=True)
        )
    else:
        lines.append(f"  {text('assessment.nothing', lang)}")
    lines += ["", text("assessment.hold", lang)]
    lines += [f"  {line}" for line in doc.hold] or [f"  {text('assessment.nothing', lang)}"]
    lines.append("")
    warnings = shown_warnings(sheet.warnings, lang, drug_names=sheet.drug_names)
    lines += warning_lines(warnings, lang, style)
    lines += ["", doc.footer, doc.notice]
    return "\n".join(lines)


def assessment_markdown(sheet: DoseSheet, *, lang: Lang = "en") -> str:
    """The decision as Markdown."""
    doc = _document(sheet, lang)
    lines = [f"# {doc.title}", ""]
    if sheet.provisional:
        lines = [f"**{label('provisional', lang)}**", "", *lines]
    lines += markdown_section(doc.view, lang) if doc.view else [_no_assessment(lang), ""]
    lines += [f"## {_give_heading(sheet, lang)}", ""]
    lines += (
        md_table(doc.give_columns, doc.give) if doc.give else [text("assessment.nothing", lang)]
    )
    lines += ["", f"## {text('assessment.hold', lang)}", ""]
    lines += [f"- {line}" for line in doc.hold] or [text("assessment.nothing", lang)]
    lines += ["", f"## {label('warnings', lang)}", ""]
    warnings = shown_warnings(sheet.warnings, lang, drug_names=sheet.drug_names)
    lines += [markdown_line(w) for w in warnings] or [label("none_found", lang)]
    lines += ["", "---", "", doc.footer, "", f"**{doc.notice}**", ""]
    return "\n".join(lines)


#: CSV columns of ``regimens assess --format csv`` (English, French).
ASSESS_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("patient_id", "n_patient"),
    ("regimen_id", "protocole"),
    ("cycle", "cycle"),
    ("date", "date"),
    ("day", "jour"),
    ("drug", "dci"),
    ("drug_name", "medicament"),
    ("method", "mode"),
    ("assessment_decision", "evaluation_decision"),
    ("recheck_date", "date_nouveau_controle"),
    ("assessment_action", "evaluation_action"),
    ("assessment_level_percent", "evaluation_niveau_pourcent"),
    ("dose_mg", "dose_finale_mg"),
    ("daily_dose_mg", "dose_journaliere_mg"),
    ("withheld", "non_administre"),
    ("withheld_reason", "motif_non_administre"),
    ("assessment_reasons", "evaluation_motifs"),
    ("warnings", "alertes"),
    ("warning_messages", "messages_alertes"),
)


def assessment_csv(sheet: DoseSheet, *, lang: Lang = "en") -> str:
    """One row per administration per day: the decision, the drug's action and level,
    the final dose, the reasons as ``CODE:rule``, and the warnings as the sheet's CSV
    gives them (the drug's, then the sheet's)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    if sheet.provisional:
        out.write(f"# {label('provisional', lang)}\n")
    writer.writerow([fr if lang == "fr" else en for en, fr in ASSESS_CSV_COLUMNS])
    assessment = sheet.assessment
    warnings_of = warning_cells(sheet, lang)
    for day in sheet.days:
        for item in day.administrations:
            values = {
                "patient_id": sheet.patient_id or "",
                "regimen_id": sheet.regimen.id,
                "cycle": str(sheet.cycle),
                "date": assessment.date.isoformat() if assessment else "",
                "day": str(day.day),
                "drug": item.drug,
                "drug_name": drug_name(item.drug, sheet.drug_names, lang),
                "method": item.method,
                "recheck_date": (
                    assessment.recheck_date.isoformat()
                    if assessment and assessment.recheck_date
                    else ""
                ),
                "dose_mg": csv_number(item.dose_mg),
                "daily_dose_mg": csv_number(item.daily_dose_mg),
                "withheld": "true" if item.withheld else "false",
                "withheld_reason": withheld_text(item) or "",
                **csv_values(assessment, item.drug, item.method),
                **warnings_of(item.drug),
            }
            writer.writerow([values[en] for en, _ in ASSESS_CSV_COLUMNS])
    return out.getvalue()


def assessment_html(sheet: DoseSheet, *, lang: Lang = "en") -> str:
    """The decision as a self-contained HTML page."""
    doc = _document(sheet, lang)
    out = [f"<h1>{esc(doc.title)}</h1>"]
    if sheet.provisional:
        out.insert(0, f'<p class="notice provisional">{esc(label("provisional", lang))}</p>')
    warnings = [
        HtmlWarning(w.severity, w.severity_label, w.code, w.drug, w.message)
        for w in shown_warnings(sheet.warnings, lang, drug_names=sheet.drug_names)
    ]
    out += html_section(doc.view, lang) if doc.view else [f"<p>{esc(_no_assessment(lang))}</p>"]
    out.append(f"<h2>{esc(_give_heading(sheet, lang))}</h2>")
    if doc.give:
        out.append("<table><thead><tr>")
        out += [f"<th>{esc(column)}</th>" for column in doc.give_columns]
        out.append("</tr></thead><tbody>")
        for row in doc.give:
            out.append("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>")
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{esc(text('assessment.nothing', lang))}</p>")
    out.append(f"<h2>{esc(text('assessment.hold', lang))}</h2>")
    if doc.hold:
        out += ["<ul>", *(f"<li>{esc(line)}</li>" for line in doc.hold), "</ul>"]
    else:
        out.append(f"<p>{esc(text('assessment.nothing', lang))}</p>")
    out += warnings_box(warnings, lang)
    out.append(f'<p class="notice">{esc(doc.notice)}</p>')
    out += footer_line(doc.footer)
    return page(doc.title, lang, out, ASSESSMENT_STYLE)

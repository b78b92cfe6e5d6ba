"""The treatment course report as a text table, Markdown, CSV and JSON.

The text formats are drawn from one :class:`_Document` in the requested language. The
JSON (``docs/course.md``) is the model's numbers and codes with the words added in
English: each warning's ``message``, the ``notes``, and ``blocking``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from regimens._models.course import (
    CourseReport,
    CourseWarning,
    DrugAmount,
    LimitReport,
    LineReport,
)
from regimens._models.course_record import DrugIntensity
from regimens._models.sheet import SheetWarning
from regimens._render._text import RULE, SafeCsvWriter, Styler, csv_number, md_cell
from regimens._render.catalogue import text
from regimens._render.course_record import record_tables
from regimens._render.labels import Lang, drug_name, label
from regimens._render.messages import message, warning_dicts
from regimens._render.numbers import localize

__all__ = ["course_csv", "course_document", "course_json", "course_markdown", "course_table"]


def _note(code: str, lang: Lang) -> str:
    return text(f"course.note.{code}", lang)


def course_document(report: CourseReport) -> dict[str, Any]:
    """The JSON document of ``docs/course.md`` as a dict: keys and words in English."""
    data = report.model_dump(mode="json")
    for line, model in zip(data["lines"], report.lines, strict=True):
        line["sheet_warnings"] = warning_dicts(model.sheet_warnings)
    data["warnings"] = warning_dicts(report.warnings, kind="course")
    data["notes"] = [_note(code, "en") for code in report.notes]
    document: dict[str, Any] = {}
    for key, value in data.items():
        if key == "warnings":  # the shared document shape: blocking, then the warnings
            document["blocking"] = report.blocking
        document[key] = value
    return document


def course_json(report: CourseReport) -> str:
    """The JSON document of ``docs/course.md``."""
    return json.dumps(course_document(report), indent=2, ensure_ascii=False)


def _amount(value: float | None) -> str:
    """Whole numbers without decimals, others with up to 2 decimals; None as a dash."""
    if value is None:
        return "—"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Warning:
    severity: str
    severity_label: str
    code: str
    drug: str
    message: str


@dataclass(frozen=True)
class _Document:
    title: str
    header: list[tuple[str, str]]
    tables: list[tuple[_Table, list[_Warning]]]
    warnings: list[_Warning]
    notes: list[str]
    footer: str
    notice: str


def _warning(w: SheetWarning | CourseWarning, report: CourseReport, lang: Lang) -> _Warning:
    kind = "course" if isinstance(w, CourseWarning) else "warning"
    return _Warning(
        severity=w.severity,
        severity_label=label(w.severity, lang),
        code=w.code,
        drug=drug_name(w.drug, report.drug_names, lang) if w.drug else "",
        message=message(w, lang, kind=kind, drug_names=report.drug_names),
    )


def _drug_rows(drugs: tuple[DrugAmount, ...], report: CourseReport, lang: Lang) -> list[list[str]]:
    return [
        [
            drug_name(item.drug, report.drug_names, lang),
            _amount(item.mg_per_m2),
            _amount(item.mg),
            str(item.cycles),
        ]
        for item in drugs
    ]


def _limit_row(limit: LimitReport, report: CourseReport, lang: Lang) -> list[str]:
    fit = (
        label("not_in_line", lang) if limit.cycles_that_fit is None else str(limit.cycles_that_fit)
    )
    return [
        drug_name(limit.drug, report.drug_names, lang),
        label(f"limit_kind_{limit.kind}", lang),
        f"{_amount(limit.limit)} {limit.unit}",
        _amount(limit.cumulative),
        label("percent", lang, value=f"{limit.percent_of_limit:.0f}"),
        _amount(limit.remaining),
        _amount(limit.per_cycle),
        fit,
        label(f"status_{limit.status}", lang),
    ]


def _document(report: CourseReport, lang: Lang) -> _Document:
    names = report.drug_names
    title = label("course_title", lang)
    if report.description:
        title += f": {report.description}"
    header: list[tuple[str, str]] = []
    if report.source:
        header.append((label("course_file", lang), report.source))
    if report.patient_id:
        header.append((label("patient_id", lang), report.patient_id))
    header.append((label("bsa_formula", lang), report.bsa_formula))

    drug_columns = [label(k, lang) for k in ("drug", "mg_per_m2", "mg", "cycles")]
    tables: list[tuple[_Table, list[_Warning]]] = []
    for line in report.lines:
        dates = ""
        if line.start and line.end:
            dates = f", {line.start} – {line.end}"
        elif line.start:
            dates = f", {label('from_date', lang, date=line.start)}"
        regimen = line.regimen + "".join(f" + {extra}" for extra in line.supportive)
        heading = label(
            "line_title", lang, n=line.line, regimen=regimen, cycles=line.cycles, dates=dates
        )
        if line.bsa_m2:
            bsa = ", ".join(f"{value:.2f}" for value in line.bsa_m2)
            heading += f"; {label('line_bsa', lang, bsa=bsa)}"
        table = _Table(
            title=heading,
            columns=drug_columns,
            rows=_drug_rows(line.drugs, report, lang),
            notes=[line.label] if line.label else [],
        )
        tables.append((table, [_warning(w, report, lang) for w in line.sheet_warnings]))
        tables += [
            (_Table(title=title, columns=columns, rows=rows, notes=notes), [])
            for title, columns, rows, notes in record_tables(line, names, lang)
        ]

    lines_of = {
        amount.drug: [
            str(line.line) for line in report.lines if amount.drug in {d.drug for d in line.drugs}
        ]
        for amount in report.totals
    }
    totals = _Table(
        title=label("course_totals", lang),
        columns=[*drug_columns, label("lines", lang)],
        rows=[
            [*row, ", ".join(lines_of[item.drug])]
            for row, item in zip(
                _drug_rows(report.totals, report, lang), report.totals, strict=True
            )
        ],
    )
    tables.append((totals, []))

    anthracyclines = [
        item for item in report.totals if item.doxorubicin_equivalent_mg_per_m2 is not None
    ]
    if anthracyclines:
        ratios = {ratio.drug: ratio for ratio in report.equivalence}
        rows = []
        notes = []
        for item in anthracyclines:
            ratio = ratios[item.drug]
            rows.append(
                [
                    drug_name(item.drug, names, lang),
                    _amount(item.mg_per_m2),
                    f"{ratio.ratio:g}",
                    _amount(item.doxorubicin_equivalent_mg_per_m2),
                ]
            )
            source = ratio.source
            if ratio.from_option:
                library = f"{ratio.library_ratio:g}" if ratio.library_ratio is not None else "—"
                source = label("ratio_option", lang, library=library)
            notes.append(f"{drug_name(item.drug, names, lang)}{label('colon', lang)}{source}")
        rows.append(
            [label("total", lang), "", "", _amount(report.doxorubicin_equivalent_mg_per_m2)]
        )
        tables.append(
            (
                _Table(
                    title=label("anthracyclines", lang),
                    columns=[
                        label(k, lang) for k in ("drug", "mg_per_m2", "ratio", "doxorubicin_eq")
                    ],
                    rows=rows,
                    notes=[
                        f"{label('ratio_source', lang)}{label('colon', lang)}{n}" for n in notes
                    ],
                ),
                [],
            )
        )
    if report.limits:
        first = report.limits[0]
        tables.append(
            (
                _Table(
                    title=label(
                        "limits", lang, n=first.current_line, regimen=first.current_regimen
                    ),
                    columns=[
                        label(k, lang)
                        for k in (
                            "drug",
                            "limit_kind",
                            "limit_col",
                            "cumulative",
                            "percent_of_limit",
                            "remaining",
                            "per_cycle",
                            "cycles_fit",
                            "status",
                        )
                    ],
                    rows=[_limit_row(limit, report, lang) for limit in report.limits],
                    notes=[
                        f"{drug_name(limit.drug, names, lang)}{label('colon', lang)}{limit.source}"
                        for limit in report.limits
                    ]
                    + [
                        label(
                            "limit_counts",
                            lang,
                            drug=drug_name(limit.drug, names, lang),
                            drugs=", ".join(drug_name(d, names, lang) for d in limit.counted),
                        )
                        for limit in report.limits
                        if len(limit.counted) > 1
                    ],
                ),
                [],
            )
        )
    return _Document(
        title=title,
        header=header,
        tables=[(_localized(table, lang), warnings) for table, warnings in tables],
        warnings=[_warning(w, report, lang) for w in report.warnings],
        notes=[_note(code, lang) for code in report.notes],
        footer=f"regimens {report.tool_version}",
        notice=label("check_notice", lang),
    )


def _localized(table: _Table, lang: Lang) -> _Table:
    """The table's title and cells with the numbers as ``lang`` writes them (its notes
    quote sources: as written)."""
    rows = [[localize(cell, lang) for cell in row] for row in table.rows]
    return _Table(localize(table.title, lang), table.columns, rows, table.notes)


def _warning_line(warning: _Warning, style: Styler | None) -> str:
    mark = warning.severity_label
    if style is not None:
        mark = style(mark, warning.severity)
    drug = f" [{warning.drug}]" if warning.drug else ""
    return f"  {mark} {warning.code}{drug}: {warning.message}"


def course_table(report: CourseReport, lang: Lang = "en", style: Styler | None = None) -> str:
    """The course as plain text: one table per line, the totals, the limits, the warnings."""
    from tabulate import tabulate

    doc = _document(report, lang)
    width = max(len(key) for key, _ in doc.header)
    lines = [RULE, doc.title, RULE]
    lines += [f"{key.ljust(width)}  {value}" for key, value in doc.header]
    lines.append("")
    for table, warnings in doc.tables:
        lines.append(table.title)
        lines.append(
            tabulate(table.rows, headers=table.columns, tablefmt="simple", disable_numparse=True)
        )
        lines += [f"  {note}" for note in table.notes]
        lines += [_warning_line(warning, style) for warning in warnings]
        lines.append("")
    lines.append(label("warnings", lang) if doc.warnings else label("warnings_none", lang))
    lines += [_warning_line(warning, style) for warning in doc.warnings]
    lines += ["", label("course_notes", lang)]
    lines += [f"  - {note}" for note in doc.notes]
    lines += ["", doc.footer, doc.notice]
    return "\n".join(lines)


def course_markdown(report: CourseReport, lang: Lang = "en") -> str:
    """The course as Markdown (GitHub tables)."""
    doc = _document(report, lang)
    lines = [f"# {doc.title}", ""]
    lines += [f"- **{key}**: {value}" for key, value in doc.header]
    lines.append("")
    for table, warnings in doc.tables:
        lines += [f"## {table.title}", ""]
        lines.append("| " + " | ".join(md_cell(c) for c in table.columns) + " |")
        lines.append("|" + "|".join("---" for _ in table.columns) + "|")
        lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in table.rows]
        lines.append("")
        lines += [f"- {note}" for note in table.notes]
        lines += [
            f"- **{w.severity_label} {w.code}**{f' [{w.drug}]' if w.drug else ''}: {w.message}"
            for w in warnings
        ]
        if table.notes or warnings:
            lines.append("")
    lines += [f"## {label('warnings', lang)}", ""]
    if not doc.warnings:
        lines.append(label("warnings_none", lang))
    lines += [
        f"- **{w.severity_label} {w.code}**{f' [{w.drug}]' if w.drug else ''}: {w.message}"
        for w in doc.warnings
    ]
    lines += ["", f"## {label('course_notes', lang)}", ""]
    lines += [f"- {note}" for note in doc.notes]
    lines += ["", "---", "", doc.footer, "", f"**{doc.notice}**", ""]
    return "\n".join(lines)


#: CSV columns: one row per drug per line, then one per drug for the whole course.
CSV_COLUMNS = (
    "scope",
    "line",
    "regimen",
    "drug",
    "mg_per_m2",
    "mg",
    "cycles",
    "doxorubicin_equivalent_mg_per_m2",
    "delivered_mg_per_m2_per_week",
    "planned_mg_per_m2_per_week",
    "rdi_percent",
)


def _intensity(line: LineReport, drug: str) -> DrugIntensity | None:
    items = line.record.intensity if line.record else ()
    return next((item for item in items if item.drug == drug), None)


def course_csv(report: CourseReport) -> str:
    """Cumulative doses as CSV: ``scope`` is ``line`` or ``total``; numbers unrounded."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    rows = [
        ("line", str(line.line), line.regimen, item, _intensity(line, item.drug))
        for line in report.lines
        for item in line.drugs
    ]
    rows += [("total", "", "", item, None) for item in report.totals]
    for scope, number, regimen, item, rdi in rows:
        writer.writerow(
            [
                scope,
                number,
                regimen,
                item.drug,
                csv_number(item.mg_per_m2),
                csv_number(item.mg),
                str(item.cycles),
                csv_number(item.doxorubicin_equivalent_mg_per_m2),
                csv_number(rdi.delivered_mg_per_m2_per_week if rdi else None),
                csv_number(rdi.planned_mg_per_m2_per_week if rdi else None),
                csv_number(rdi.rdi_percent if rdi else None),
            ]
        )
    return out.getvalue().rstrip("\n")  # emit() ends the output with one newline

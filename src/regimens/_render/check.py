"""The prescription check as a text table, Markdown, CSV and JSON.

The text formats are drawn from one :class:`_Document` in the requested language;
the JSON is the model itself (``docs/check.md``) with the English sentence of each note
and warning added beside its code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json

from regimens._models.check import CheckNote, CheckReport, CheckResult, deviation_within
from regimens._render._text import (
    RULE,
    SafeCsvWriter,
    Styler,
    csv_number,
    format_mg,
    md_cell,
    regimen_title,
)
from regimens._render.dose_words import order_of_operations_text
from regimens._render.labels import Lang, drug_name, label, method_label, regimen_name
from regimens._render.messages import message, warning_dicts
from regimens._render.numbers import localize
from regimens._render.warning_lines import (
    ShownWarning,
    markdown_line,
    shown_warnings,
    warning_lines,
)

__all__ = ["check_csv", "check_json", "check_markdown", "check_table"]


def _note_json(note: CheckNote) -> dict[str, Any]:
    """A note as the JSON shows it: code, its English sentence, its values."""
    return {
        "code": note.code,
        "message": message(note, "en", kind="check"),
        "params": dict(note.params),
    }


def check_json(report: CheckReport) -> str:
    """The JSON document of ``docs/check.md``.

    The model's own JSON, plus the English ``message`` of each note and warning (the
    drug named by its INN, methods by their codes). Serialised by pydantic, as the
    model would be, so that numbers are written the same way in every document.
    """
    document = report.model_dump(mode="json")
    for shown, result in zip(document["results"], report.results, strict=True):
        shown["notes"] = [_note_json(note) for note in result.notes]
    for shown, extra in zip(document["extra"], report.extra, strict=True):
        shown["reason"] = _note_json(extra.reason)
    document["warnings"] = warning_dicts(report.warnings, "en")
    document["provenance"]["order_of_operations"] = order_of_operations_text(
        report.provenance.order_of_operations
    )
    return to_json(document, indent=2, inf_nan_mode="null").decode()


def _deviation(result: CheckResult, tolerance: float) -> str:
    """The deviation with enough decimals never to seem to contradict the result.

    +5.004 % shown as "+5.00%" beside "OUTSIDE ±5%" would look wrong: it gets more decimals.
    """
    value = result.deviation_percent
    if value is None:
        return ""
    for decimals in (2, 4, 6):
        shown = f"{value:+.{decimals}f}"
        if deviation_within(float(shown), tolerance) == result.within_tolerance:
            return f"{shown}%"
    return f"{value:+g}%"


def _bsa(value: float) -> str:
    """2.00, 1.82; more decimals only when the BSA used has them (--bsa-decimals)."""
    return f"{value:.2f}" if round(value, 2) == value else f"{value:g}"


def _tolerance(report: CheckReport) -> str:
    return f"{report.tolerance_percent:g}"


def _note(note: CheckNote, report: CheckReport, lang: Lang) -> str:
    """The note's sentence in ``lang``, with its methods and drug named in ``lang``."""
    params = dict(note.params)
    for key in ("other", "given"):
        if params.get(key):
            params[key] = method_label(params[key], lang)
    if "methods" in params:
        params["methods"] = " / ".join(
            method_label(method, lang) for method in params["methods"].split(" / ")
        )
    shown = note.model_copy(update={"params": params})
    return message(shown, lang, kind="check", drug_names=report.drug_names)


@dataclass(frozen=True)
class _Document:
    title: str
    header: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[str]]
    notes: list[str]
    missing: list[str]
    extra: list[str]
    warnings: list[ShownWarning]
    verdict: str
    notice: str


def _result_label(result: CheckResult, report: CheckReport, lang: Lang) -> str:
    if result.expected_mg == 0:
        return label("check_withheld", lang)
    if result.within_tolerance:
        return label("check_within", lang)
    return label("check_outside", lang, tolerance=_tolerance(report))


def _document(report: CheckReport, lang: Lang) -> _Document:
    regimen = report.regimen
    names = report.drug_names
    title = label(
        "check_title",
        lang,
        regimen=regimen_title(regimen_name(regimen, lang), regimen.id),
        cycle=report.cycle,
    )
    header: list[tuple[str, str]] = []
    for added in report.supportive:
        header.append((label("with", lang), regimen_title(regimen_name(added, lang), added.id)))
    if report.bsa_m2 is not None:
        header.append((label("bsa", lang), f"{_bsa(report.bsa_m2)} m² ({report.bsa_formula})"))
    header.append(
        (label("comparison", lang), label("check_expected", lang, tolerance=_tolerance(report)))
    )
    per_day = label("per_day", lang)
    rows: list[list[str]] = []
    notes: list[str] = []
    for result in report.results:
        suffix = per_day if result.per == "day" else ""
        rows.append(
            [
                drug_name(result.drug, names, lang),
                method_label(result.method, lang),
                f"{format_mg(result.prescribed_mg)} mg{suffix}",
                f"{result.expected_mg:.2f}",
                format_mg(result.sheet_dose_mg),
                _deviation(result, report.tolerance_percent),
                _result_label(result, report, lang),
            ]
        )
        name = drug_name(result.drug, names, lang)
        notes += [
            f"{name} {method_label(result.method, lang)}: {_note(note, report, lang)}"
            for note in result.notes
        ]
    missing = [
        label(
            "check_missing_item",
            lang,
            drug=drug_name(item.drug, names, lang),
            method=method_label(item.method, lang),
            day=item.day,
            expected=f"{item.expected_mg:.2f}",
        )
        for item in report.missing
    ]
    extra = [f"{item.prescribed}: {_note(item.reason, report, lang)}" for item in report.extra]
    warnings = shown_warnings(report.warnings, lang, drug_names=names)
    if report.ok:
        verdict = label("check_pass", lang, tolerance=_tolerance(report))
    else:
        outside = sum(1 for r in report.results if not r.within_tolerance)
        details = [
            label(key, lang, n=count)
            for key, count in (
                ("check_n_outside", outside),
                ("check_n_missing", len(report.missing)),
                ("check_n_extra", len(report.extra)),
            )
            if count
        ]
        if report.blocking:
            details.append(label("check_blocking", lang))
        verdict = label("check_fail", lang, details="; ".join(details))
    columns = ["drug", "method", "prescribed", "expected_mg", "sheet_mg", "deviation", "result"]
    return _Document(
        title=title,
        header=[(key, localize(value, lang)) for key, value in header],
        columns=[label(key, lang) for key in columns],
        rows=[[localize(cell, lang) for cell in row] for row in rows],
        notes=notes,
        missing=missing,
        extra=extra,
        warnings=warnings,
        verdict=verdict,
        notice=label("check_notice", lang),
    )


def _key_values(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(key) for key, _ in rows), default=0)
    return [f"{key.ljust(width)}  {value}" for key, value in rows]


def check_table(report: CheckReport, lang: Lang = "en", style: Styler | None = None) -> str:
    """The check as plain text: one row per prescribed dose, then what is missing or extra."""
    from tabulate import tabulate

    doc = _document(report, lang)
    lines = [RULE, doc.title, RULE, *_key_values(doc.header), ""]
    if doc.rows:
        lines.append(
            tabulate(doc.rows, headers=doc.columns, tablefmt="simple", disable_numparse=True)
        )
        lines.append("")
    if doc.notes:
        lines.append(label("check_notes", lang))
        lines += [f"  {note}" for note in doc.notes]
        lines.append("")
    for key, items in (("check_missing", doc.missing), ("check_extra", doc.extra)):
        lines.append(
            f"{label(key, lang)}: {label('none', lang)}" if not items else label(key, lang)
        )
        lines += [f"  {item}" for item in items]
    lines.append("")
    lines += warning_lines(doc.warnings, lang, style)
    lines += ["", doc.verdict, doc.notice]
    return "\n".join(lines)


def check_markdown(report: CheckReport, lang: Lang = "en") -> str:
    """The check as Markdown (a GitHub table and lists)."""
    doc = _document(report, lang)
    lines = [f"# {doc.title}", ""]
    lines += [f"- **{key}**: {value}" for key, value in doc.header]
    lines.append("")
    if doc.rows:
        lines.append("| " + " | ".join(doc.columns) + " |")
        lines.append("|" + "|".join("---" for _ in doc.columns) + "|")
        lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in doc.rows]
        lines.append("")
    if doc.notes:
        lines += [f"## {label('check_notes', lang)}", ""]
        lines += [f"- {note}" for note in doc.notes]
        lines.append("")
    for key, items in (("check_missing", doc.missing), ("check_extra", doc.extra)):
        lines += [f"## {label(key, lang)}", ""]
        lines += [f"- {item}" for item in items] or [label("none", lang)]
        lines.append("")
    lines += [f"## {label('warnings', lang)}", ""]
    if not doc.warnings:
        lines.append(label("warnings_none", lang))
    lines += [markdown_line(warning) for warning in doc.warnings]
    lines += ["", f"**{doc.verdict}**", "", doc.notice, ""]
    return "\n".join(lines)


#: CSV columns: the JSON fields of a result, with a ``status`` column that says whether
#: the row is a result, a missing administration or an extra prescription.
CSV_COLUMNS = (
    "regimen_id",
    "cycle",
    "status",
    "drug",
    "method",
    "day",
    "prescribed",
    "per",
    "prescribed_mg",
    "expected_mg",
    "sheet_dose_mg",
    "deviation_percent",
    "within_tolerance",
    "tolerance_percent",
    "notes",
)


def check_csv(report: CheckReport, lang: Lang = "en") -> str:
    """One row per prescribed dose, missing administration and extra prescription.

    Numbers are unrounded, as in the JSON; ``status`` is ``within``, ``outside``,
    ``missing`` or ``extra``. Column names stay English (they are the JSON keys).
    """
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    common = [report.regimen.id, str(report.cycle)]
    tolerance = csv_number(report.tolerance_percent)
    for result in report.results:
        writer.writerow(
            [
                *common,
                "within" if result.within_tolerance else "outside",
                result.drug,
                result.method,
                str(result.day),
                result.prescribed,
                result.per,
                csv_number(result.prescribed_mg),
                csv_number(result.expected_mg),
                csv_number(result.sheet_dose_mg),
                csv_number(result.deviation_percent),
                str(result.within_tolerance).lower(),
                tolerance,
                "; ".join(_note(note, report, lang) for note in result.notes),
            ]
        )
    for item in report.missing:
        writer.writerow(
            [
                *common,
                "missing",
                item.drug,
                item.method,
                str(item.day),
                "",
                "intake",
                "",
                csv_number(item.expected_mg),
                "",
                "",
                "false",
                tolerance,
                "",
            ]
        )
    for extra in report.extra:
        writer.writerow(
            [
                *common,
                "extra",
                extra.drug,
                extra.method or "",
                "",
                extra.prescribed,
                extra.per,
                csv_number(extra.prescribed_mg),
                "",
                "",
                "",
                "false",
                tolerance,
                _note(extra.reason, report, lang),
            ]
        )
    return out.getvalue().rstrip("\n")  # emit() ends the output with one newline

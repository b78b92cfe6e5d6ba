"""``regimens next``: the next cycle's sheet, through the sheet's own renderers.

Text and JSON add the course's part (the cycle's number and date, the levels carried
forward, the calendar of the cycles still planned with each blood-test day); Markdown,
CSV, HTML and FHIR are the sheet's formats as they are (``docs/course.md``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from regimens._models.course_next import NextCycle
from regimens._render._text import Styler
from regimens._render.labels import Lang, drug_name, label

if TYPE_CHECKING:
    from regimens._render.fhir import DrugLookup

__all__ = [
    "next_csv",
    "next_document",
    "next_fhir_json",
    "next_html",
    "next_json",
    "next_markdown",
    "next_table",
]


def _date(value: object) -> str:
    return "—" if value is None else str(value)


def _course_lines(doc: NextCycle, lang: Lang) -> list[str]:
    names = doc.sheet.drug_names
    planned = "—" if doc.planned_cycles is None else str(doc.planned_cycles)
    lines = [
        label(
            "next_title",
            lang,
            cycle=doc.cycle,
            planned=planned,
            line=doc.line,
            regimen=doc.regimen,
        ),
        label("next_dates", lang, last=_date(doc.last_date), planned=_date(doc.planned_date)),
    ]
    if doc.date and doc.date != doc.planned_date:
        lines.append(label("next_moved", lang, date=doc.date))
    if doc.recheck_date:
        lines.append(label("next_recheck", lang, date=doc.recheck_date))
    if doc.beyond_plan:
        lines.append(label("next_beyond_plan", lang, planned=planned))
    lines.append(
        label(
            "next_measured",
            lang,
            names=", ".join(doc.measured_now) if doc.measured_now else label("none", lang),
        )
    )
    if doc.carried:
        lines.append(label("next_carried", lang))
    for item in doc.carried:
        text = label(
            "carried_item",
            lang,
            drug=drug_name(item.drug, names, lang),
            percent=f"{item.percent:g}",
            cycle=item.cycle,
            reason=item.reason or label("carried_no_reason", lang),
        )
        text += f" ({label(f'carried_rule_{item.rule}', lang)})"
        if item.replaced_by is not None:
            text += f"; {label('carried_replaced', lang, percent=f'{item.replaced_by:g}')}"
        lines.append(f"  - {text}")
    return lines


def _calendar_rows(doc: NextCycle) -> list[list[str]]:
    return [
        [
            str(visit.cycle),
            str(visit.labs_date),
            str(visit.date),
            _date(visit.moved_from),
            _date(visit.recheck_date),
        ]
        for visit in doc.calendar
    ]


def next_table(doc: NextCycle, lang: Lang = "en", style: Styler | None = None) -> str:
    """The course's part, the sheet as ``regimens sheet`` prints it, then the calendar."""
    from tabulate import tabulate

    from regimens._render.sheet import sheet_table

    lines = [*_course_lines(doc, lang), "", sheet_table(doc.sheet, lang, style), ""]
    lines.append(label("next_calendar", lang, days=doc.labs_before_days))
    if doc.calendar:
        columns = [
            label(k, lang) for k in ("cal_cycle", "labs_day", "day_1", "moved_from", "recheck")
        ]
        lines.append(
            tabulate(_calendar_rows(doc), headers=columns, tablefmt="simple", disable_numparse=True)
        )
    else:
        lines.append(f"  {label('next_undated', lang)}")
    return "\n".join(lines)


def next_document(doc: NextCycle) -> dict[str, Any]:
    """The JSON document: the course's part, then ``sheet`` as ``regimens sheet`` writes it."""
    from regimens._render.sheet_json import sheet_document

    data = doc.model_dump(mode="json", exclude={"sheet"})
    data["blocking"] = doc.blocking
    data["sheet"] = sheet_document(doc.sheet)
    return data


def next_json(doc: NextCycle) -> str:
    """``regimens next --format json`` (docs/course.md)."""
    return json.dumps(next_document(doc), indent=2, ensure_ascii=False, default=str)


def next_markdown(doc: NextCycle, lang: Lang = "en") -> str:
    """The sheet's Markdown."""
    from regimens._render.sheet import sheet_markdown

    return sheet_markdown(doc.sheet, lang)


def next_csv(doc: NextCycle, lang: Lang = "en") -> str:
    """The sheet's CSV."""
    from regimens._render.sheet_csv import sheet_csv

    return sheet_csv(doc.sheet, lang)


def next_html(doc: NextCycle, lang: Lang = "en") -> str:
    """The sheet's HTML."""
    from regimens._render.sheet_print import sheet_html

    return sheet_html(doc.sheet, lang)


def next_fhir_json(doc: NextCycle, *, library: DrugLookup | None = None) -> str:
    """The sheet's FHIR Bundle."""
    from regimens._render.fhir import sheet_fhir_json

    return sheet_fhir_json(doc.sheet, library=library)

"""A cycle calendar in every format: table, grid, Markdown here; CSV, HTML, JSON and
iCalendar in their own modules; :func:`render_calendar` picks one.

The renderers format a :class:`~regimens._models.calendar.Calendar`; every date in
them was decided by :func:`regimens._calc.calendar.build_calendar`. Every word is
the catalogue's, in one language (``--lang``): the human-readable formats are drawn
from one :class:`~regimens._render.calendar_document.CalendarDocument`; the JSON
document stays English (its keys and codes are the contract). tabulate is imported
here only.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from itertools import groupby

from tabulate import tabulate

from regimens._models.calendar import Calendar
from regimens._render._text import RULE, md_table
from regimens._render.calendar_document import CalendarDocument, calendar_document
from regimens._render.calendar_words import (
    Words,
    flags_text,
    given_text,
    month_span,
    oral_drugs,
    oral_runs,
    pump_off_text,
    span,
)
from regimens._render.labels import Lang, month_name
from regimens._render.numbers import localize

__all__ = [
    "FORMATS",
    "calendar_grid",
    "calendar_markdown",
    "calendar_table",
    "render_calendar",
]

#: Grid marks: what brings the patient in wins over tablets at home.
_GRID_MARK = {"clinic": "C", "pump_off": "P", "home": "o"}
#: Width of the short date in the grid's event lines ("Mon 5 Jan" / "mer. 30 sept.").
_SHORT_WIDTH: dict[Lang, int] = {"en": 11, "fr": 13}


def _key_values(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(key) for key, _ in rows)
    return [f"{key:<{width}}  {value}" for key, value in rows]


def _footer_lines(doc: CalendarDocument) -> list[str]:
    lines = [""]
    words = doc.words
    if doc.warnings:
        lines.append(words("cal_dose_warnings"))
        lines += [
            f"  {w.severity_label} {w.code} ({words('cal_warning_cycles', cycles=w.cycles)})"
            f"{words('colon')}{w.message}"
            for w in doc.warnings
        ]
        lines.append("")
    lines += [
        textwrap.fill(
            words("cal_note", note=note),
            width=88,
            subsequent_indent=" " * len(words("cal_note", note="")),
            break_on_hyphens=False,
        )
        for note in doc.notes
    ]
    return [*lines, "", doc.closing]


def _head_lines(doc: CalendarDocument) -> list[str]:
    return [
        *([doc.provisional] if doc.provisional else []),
        RULE,
        f"{doc.words('cal_title')}  {doc.title}",
        *(f"  {line}" for line in doc.subtitle),
        RULE,
        *_key_values(doc.header),
    ]


def _table(rows: list[list[str]], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def _text(lines: list[str]) -> str:
    """Lines joined, without the trailing spaces tabulate pads the last column with."""
    return "\n".join(line.rstrip() for piece in lines for line in piece.split("\n"))


# --- formats ----------------------------------------------------------------------------


def calendar_table(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The cycles (planned and actual day 1), then one line per treatment date."""
    doc = calendar_document(calendar, lang, drug_names)
    words = doc.words
    lines = _head_lines(doc)
    lines += ["", words("cal_cycles"), _table(doc.cycle_rows, doc.cycle_columns)]
    lines += ["", words("cal_treatment_days"), _table(doc.day_rows, doc.day_columns)]
    lines.append(words("cal_given_legend"))
    lines += _footer_lines(doc)
    return _text(lines)


def calendar_markdown(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The table's content as Markdown (GitHub tables), for wikis, tickets and notes."""
    doc = calendar_document(calendar, lang, drug_names)
    words = doc.words
    lines = [f"# {words('cal_title_md')}{words('colon')}{doc.title}", ""]
    if doc.provisional:
        lines = [f"**{doc.provisional}**", "", *lines]
    if doc.subtitle:
        lines += [*(f"*{line}*" for line in doc.subtitle), ""]
    lines += md_table(["", ""], [[f"**{k}**", v] for k, v in doc.header])
    lines += ["", f"## {words('cal_cycles')}", ""]
    lines += md_table(doc.cycle_columns, doc.cycle_rows)
    lines += ["", f"## {words('cal_treatment_days')}", ""]
    lines += md_table(doc.day_columns, doc.day_rows)
    lines += ["", words("cal_given_legend"), ""]
    if doc.warnings:
        lines += [f"## {words('cal_dose_warnings')}", ""]
        lines += [
            f"- **{w.severity_label} {w.code}** "
            f"({words('cal_warning_cycles', cycles=w.cycles)}){words('colon')}{w.message}"
            for w in doc.warnings
        ]
        lines.append("")
    lines += [f"## {words('cal_notes')}", ""]
    lines += [f"- {note}" for note in doc.notes]
    lines += ["", "---", "", f"**{doc.closing}**", ""]
    return "\n".join(lines)


def _month_lines(
    year: int,
    month: int,
    marks: dict[dt.date, str],
    events: list[tuple[dt.date, str]],
    words: Words,
) -> list[str]:
    import calendar as stdlib_calendar  # the standard library's, for the weeks of a month

    monday = dt.date(2024, 1, 1)  # a Monday: the week's names in order
    names = [words.wd(monday + dt.timedelta(days=n)).rstrip(".")[:3] for n in range(7)]
    lines = [
        f"{month_name(month, words.lang).capitalize()} {year}",
        " ".join(f"{name:>3}  " for name in names).rstrip(),
    ]
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = [
            f"{number:>3}{marks.get(dt.date(year, month, number), ''):<2}" if number else " " * 5
            for number in week
        ]
        lines.append(" ".join(cells).rstrip())
    events_text = [localize(text, words.lang) for _, text in sorted(events, key=lambda e: e[0])]
    return [*lines, *events_text, ""]


def calendar_grid(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Month views like a wall calendar, treatment days marked, each month's visits below."""
    doc = calendar_document(calendar, lang, drug_names)
    words = doc.words
    width = _SHORT_WIDTH[lang]
    marks: dict[dt.date, str] = {}
    events: dict[tuple[int, int], list[tuple[dt.date, str]]] = {}
    rank = {"C": 0, "P": 1, "o": 2}
    for cycle, day in calendar.dated_days():
        old = marks.get(day.date, "")
        mark = min(_GRID_MARK[day.visit], old[:1] or "o", key=rank.__getitem__)
        flagged = bool({"weekend", "holiday"} & set(day.flags)) or old.endswith("!")
        marks[day.date] = mark + ("!" if flagged else "")
        if day.visit == "home":
            continue
        what = ", ".join(
            [given_text(item, words) for item in day.administrations if item.method != "oral"]
            + [pump_off_text(pump, words) for pump in day.pump_off]
        )
        flags = flags_text(cycle, day, words)
        events.setdefault((day.date.year, day.date.month), []).append(
            (
                day.date,
                f"  {words.short(day.date):<{width}} C{cycle.cycle} {words.day(day.day)}"
                f"{words('colon')}{what}" + (f"  [{flags}]" if flags else ""),
            )
        )
    for cycle in calendar.cycles:
        for run in oral_runs(cycle):
            for (year, month), part in groupby(run, key=lambda d: (d.date.year, d.date.month)):
                days = list(part)
                first, last = days[0], days[-1]
                when = words.short(first.date)
                if first is not last:
                    when += f" – {words.short(last.date)}"
                at_home = words("cal_at_home", drugs=oral_drugs(first, words, doses=True))
                events.setdefault((year, month), []).append(
                    (
                        first.date,
                        f"  {when}{words('colon')}C{cycle.cycle} {span(days, words)} {at_home}",
                    )
                )
    lines = [*_head_lines(doc), ""]
    for year, month in month_span(list(marks)):
        lines += _month_lines(year, month, marks, events.get((year, month), []), words)
    lines.append(words("cal_grid_legend"))
    lines += _footer_lines(doc)
    return _text(lines)


#: The formats of ``regimens calendar --format``.
FORMATS: tuple[str, ...] = ("table", "grid", "markdown", "csv", "html", "json", "ics")


def render_calendar(
    calendar: Calendar,
    output_format: str,
    *,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
    course_key: str | None = None,
    generated_at: dt.datetime | None = None,
) -> str:
    """The calendar in ``output_format`` (one of :data:`FORMATS`).

    ``lang`` and ``drug_names`` (INN → {language: name}, the library's ``local_names``)
    (default: the calendar's own ``drug_names``) apply to every format but JSON, which
    stays English. ``generated_at`` (default: now, UTC) is the time in the HTML footer
    and the ICS stamp.
    """
    if output_format == "json":
        from regimens._render.calendar_json import calendar_json

        return calendar_json(calendar)
    if output_format == "ics":
        from regimens._render.calendar_ics import calendar_ics

        return calendar_ics(
            calendar, course_key=course_key, stamp=generated_at, lang=lang, drug_names=drug_names
        )
    if output_format == "html":
        from regimens._render.calendar_html import calendar_html

        return calendar_html(calendar, lang, drug_names, generated_at=generated_at)
    if output_format == "csv":
        from regimens._render.calendar_csv import calendar_csv

        return calendar_csv(calendar, lang, drug_names)
    renderers = {"table": calendar_table, "grid": calendar_grid, "markdown": calendar_markdown}
    return renderers[output_format](calendar, lang, drug_names)

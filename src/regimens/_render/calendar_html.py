"""The cycle calendar as one printable HTML page: a month grid per A4 landscape page.

The first page has the course (planned and actual day 1 of every cycle, and why a cycle
moved) and the dose-sheet warnings; then one page per month, Monday-first weeks, each
treatment date listing its cycle and day, what is given (with doses when the patient's
measurements were given), pumps going on and coming off, and delays, moves, weekends
and public holidays. The stylesheet, the warnings box and the provenance footer are the
dose sheet's (:mod:`regimens._render._html`).
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Mapping

from regimens._models.calendar import Calendar, CalendarCycle, CalendarDay
from regimens._render._html import HtmlWarning, esc, page, provenance_footer, warnings_box
from regimens._render._text import provenance_line
from regimens._render.calendar_document import CalendarDocument, calendar_document
from regimens._render.calendar_words import (
    Words,
    calendar_options,
    flag_words,
    given_text,
    month_span,
    pump_off_text,
)
from regimens._render.labels import Lang, month_name

__all__ = ["calendar_html"]

#: The month grid; print-color-adjust keeps the day shading on paper.
_GRID_STYLE = """
.month { break-before: page; page-break-before: always; }
table.grid { table-layout: fixed; page-break-inside: auto; }
table.grid th { text-align: center; }
table.grid td { height: 22mm; font-size: 7pt; padding: 0.8mm 1mm;
                -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.grid td.out { background: #f4f4f4; }
table.grid td.clinic { background: #e3edfb; }
table.grid td.pump_off { background: #fdf0d8; }
table.grid td.home { background: #eaf5e4; }
table.grid td.flagged { outline: 0.8mm solid #b00000; outline-offset: -0.8mm; }
.n { font-weight: bold; font-size: 9pt; }
.cd { font-weight: bold; }
table.grid ul { margin: 0; padding-left: 3mm; }
.flags, li.withheld { color: #b00000; font-weight: bold; }
.pump { font-style: italic; }
.legend span { display: inline-block; padding: 0.5mm 2mm; margin-right: 2mm;
               border: 0.3mm solid #555; -webkit-print-color-adjust: exact;
               print-color-adjust: exact; }
"""

#: Flags that are events of the day rather than alerts.
_EVENTS = frozenset({"pump_on", "pump_off"})
#: What brings the patient in decides a date's shading (as the text grid's marks).
_VISIT_RANK = {"clinic": 0, "pump_off": 1, "home": 2}


def _cell(entries: list[tuple[CalendarCycle, CalendarDay]], words: Words) -> list[str]:
    """A date's content: for each (cycle, day) on it, what is given and what is flagged."""
    out: list[str] = []
    for cycle, day in entries:
        out.append(f'<div class="cd">C{cycle.cycle} {esc(words.day(day.day))}</div><ul>')
        for item in day.administrations:
            withheld = item.dose is not None and item.dose.withheld
            tag = '<li class="withheld">' if withheld else "<li>"
            out.append(f"{tag}{esc(given_text(item, words))}</li>")
        out += [f"<li>{esc(pump_off_text(pump, words))}</li>" for pump in day.pump_off]
        out.append("</ul>")
        # Pumps going on and off are events, not alerts; delays, moves, weekends and
        # holidays are what a planner must not miss.
        alerts = [text for flag, text in flag_words(cycle, day, words) if flag not in _EVENTS]
        events = [text for flag, text in flag_words(cycle, day, words) if flag in _EVENTS]
        if events:
            out.append(f'<div class="pump">{esc(", ".join(events))}</div>')
        if alerts:
            out.append(f'<div class="flags">{esc(", ".join(alerts))}</div>')
    return out


def _month(
    year: int,
    month: int,
    by_date: dict[dt.date, list[tuple[CalendarCycle, CalendarDay]]],
    words: Words,
) -> list[str]:
    monday = dt.date(2024, 1, 1)  # a Monday: the week's names in order
    out = [
        f'<section class="month" id="m{year}-{month:02d}">',
        f"<h2>{esc(month_name(month, words.lang).capitalize())} {year}</h2>",
        '<table class="grid"><thead><tr>',
        *(
            f"<th>{esc(words.weekday(monday + dt.timedelta(days=n)).capitalize())}</th>"
            for n in range(7)
        ),
        "</tr></thead><tbody>",
    ]
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        out.append("<tr>")
        for date in week:
            if date.month != month:
                out.append('<td class="out"></td>')
                continue
            entries = by_date.get(date, [])
            classes = ["day"]
            if entries:
                classes.append(min((d.visit for _, d in entries), key=_VISIT_RANK.__getitem__))
                if any({"weekend", "holiday"} & set(d.flags) for _, d in entries):
                    classes.append("flagged")
            out.append(
                f'<td class="{" ".join(classes)}" data-date="{date.isoformat()}">'
                f'<div class="n">{date.day}</div>'
            )
            out += _cell(entries, words)
            out.append("</td>")
        out.append("</tr>")
    out += ["</tbody></table>", "</section>"]
    return out


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    out = ["<table><thead><tr>", *(f"<th>{esc(c)}</th>" for c in columns), "</tr></thead>"]
    out.append("<tbody>")
    out += ["<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return out


def _warnings(doc: CalendarDocument) -> list[HtmlWarning]:
    words = doc.words
    return [
        HtmlWarning(
            severity=w.severity,
            severity_label=w.severity_label,
            code=w.code,
            drug="",
            message=f"{words('cal_warning_cycles', cycles=w.cycles)}{words('colon')}{w.message}",
        )
        for w in doc.warnings
    ]


def calendar_html(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
    *,
    generated_at: dt.datetime | None = None,
) -> str:
    """One self-contained HTML page: the course, the warnings, then a month per page."""
    doc = calendar_document(calendar, lang, drug_names)
    words = doc.words
    title = f"{words('cal_title_md')}{words('colon')}{doc.title}"
    out = [f"<h1>{esc(title)}</h1>"]
    if doc.provisional:
        out.insert(0, f'<p class="notice provisional">{esc(doc.provisional)}</p>')
    out += [f'<p class="subtitle">{esc(line)}</p>' for line in doc.subtitle]
    out.append('<table class="header"><tbody>')
    out += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in doc.header]
    out.append("</tbody></table>")
    out += warnings_box(_warnings(doc), lang, title=words("cal_dose_warnings"))
    out.append(f"<h2>{esc(words('cal_cycles'))}</h2>")
    out += _table(doc.cycle_columns, doc.cycle_rows)

    by_date: dict[dt.date, list[tuple[CalendarCycle, CalendarDay]]] = {}
    for cycle, day in calendar.dated_days():
        by_date.setdefault(day.date, []).append((cycle, day))
    for year, month in month_span(list(by_date)):
        out += _month(year, month, by_date, words)

    out.append('<p class="legend">')
    out += [
        f'<span class="{visit}" style="background: {colour}">{esc(words(f"visit_{visit}"))}</span>'
        for visit, colour in (("clinic", "#e3edfb"), ("pump_off", "#fdf0d8"), ("home", "#eaf5e4"))
    ]
    out.append(f"{esc(words('cal_given_legend'))}</p>")
    out.append(f"<h2>{esc(words('cal_notes'))}</h2><ul>")
    out += [f"<li>{esc(note)}</li>" for note in doc.notes]
    out.append("</ul>")
    out.append(f'<p class="notice">{esc(words("check_notice"))}</p>')

    moment = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    hashes = [
        (calendar.regimen.id, calendar.regimen.sha256),
        *((extra.id, extra.sha256) for extra in calendar.supportive),
    ]
    summary = provenance_line(calendar.tool_version, hashes, moment.isoformat(), lang)
    out += provenance_footer(summary, hashes, calendar_options(calendar), lang)
    return page(title, lang, out, _GRID_STYLE)

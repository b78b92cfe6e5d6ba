"""The cycle calendar as one printable HTML page: a month grid per A4 landscape page.

The first page has the course (planned and actual day 1 of every cycle, and why a cycle
moved) and the dose-sheet warnings; then one page per month, Monday-first weeks, each
treatment date listing its cycle and day, what is given (with doses when the patient's
measurements were given), pumps going on and coming off, and delays, moves, weekends
and public holidays. As on the dose sheet (issue 22), every printed page is headed by
the identity band (patient name, id, date of birth, regimen, cycles, start, height,
weight, BSA) and closed by a one-line footer (:mod:`regimens._render._html`)."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Mapping

from regimens._models.calendar import Calendar, CalendarCycle, CalendarDay
from regimens._render._html import (
    BREAK,
    HtmlWarning,
    esc,
    identity_band,
    page,
    printed_frame,
    provisional_notice,
    warnings_box,
)
from regimens._render._text import identity_rows, measured_lookup, provenance_line
from regimens._render.calendar_document import CalendarDocument, calendar_document
from regimens._render.calendar_words import (
    Words,
    flag_words,
    given_text,
    month_span,
    pump_off_text,
)
from regimens._render.catalogue import text
from regimens._render.labels import Lang, month_name
from regimens._render.numbers import localize

__all__ = ["calendar_html"]

#: The month grid, a month per A4 landscape page; print-color-adjust keeps the day
#: shading on paper.
_GRID_STYLE = """
@page { size: A4 landscape; margin: 8mm; }
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
        BREAK,
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


def _band(calendar: Calendar, title: str, words: Words) -> list[str]:
    """The identity band of every page: the title, then who and what."""
    dosing = calendar.dosing
    shown = measured_lookup(dosing.patient if dosing is not None else {})
    bsa = dosing.bsa_m2 if dosing is not None else None
    dob = calendar.patient_dob
    lang = words.lang
    cells = [
        (text("print.patient_name", lang), calendar.patient_name or ""),
        (text("print.patient_id", lang), calendar.patient_id or ""),
        (text("print.patient_dob", lang), dob.isoformat() if dob is not None else ""),
        (text("print.regimen", lang), calendar.regimen.id),
        (text("print.cycles", lang), str(calendar.cycle_count)),
        (text("print.start", lang), calendar.start_date.isoformat()),
        (text("print.height", lang), localize(shown("height"), lang)),
        (text("print.weight", lang), localize(shown("weight"), lang)),
        (text("print.bsa", lang), localize(f"{bsa:g} m²", lang) if bsa is not None else ""),
    ]
    notice = provisional_notice(calendar.provisional, lang)
    return [*notice, f"<h1>{esc(title)}</h1>", *identity_band(cells)]


def calendar_html(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
    *,
    generated_at: dt.datetime | None = None,
) -> str:
    """One self-contained HTML page: the course and the warnings, then a month per page,
    the identity band and a one-line footer on every page."""
    doc = calendar_document(calendar, lang, drug_names)
    words = doc.words
    title = f"{words('cal_title_md')}{words('colon')}{doc.title}"
    course = [f'<p class="subtitle">{esc(line)}</p>' for line in doc.subtitle]
    # The identifiers lead the header; they are in the band of every page already.
    given = identity_rows(calendar.patient_id, calendar.patient_name, calendar.patient_dob, lang)
    course.append('<table class="header"><tbody>')
    course += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in doc.header[len(given) :]]
    course.append("</tbody></table>")
    course += warnings_box(_warnings(doc), lang, title=words("cal_dose_warnings"))
    course.append(f"<h2>{esc(words('cal_cycles'))}</h2>")
    course += _table(doc.cycle_columns, doc.cycle_rows)

    by_date: dict[dt.date, list[tuple[CalendarCycle, CalendarDay]]] = {}
    for cycle, day in calendar.dated_days():
        by_date.setdefault(day.date, []).append((cycle, day))
    months = [_month(year, month, by_date, words) for year, month in month_span(list(by_date))]

    notes = ['<p class="legend">']
    notes += [
        f'<span class="{visit}" style="background: {colour}">{esc(words(f"visit_{visit}"))}</span>'
        for visit, colour in (("clinic", "#e3edfb"), ("pump_off", "#fdf0d8"), ("home", "#eaf5e4"))
    ]
    notes.append(f"{esc(words('cal_given_legend'))}</p>")
    notes.append(f"<h2>{esc(words('cal_notes'))}</h2><ul>")
    notes += [f"<li>{esc(note)}</li>" for note in doc.notes]
    notes.append("</ul>")
    notes.append(f'<p class="notice">{esc(words("check_notice"))}</p>')

    moment = (generated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    hashes = [
        (calendar.regimen.id, calendar.regimen.sha256),
        *((extra.id, extra.sha256) for extra in calendar.supportive),
    ]
    footer = provenance_line(calendar.tool_version, hashes, moment.isoformat(), lang)
    body = printed_frame(_band(calendar, title, words), [course, *months, notes], footer)
    return page(title, lang, body, _GRID_STYLE)

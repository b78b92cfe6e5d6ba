"""A cycle calendar as a table, a wall-calendar grid, JSON and an iCalendar file.

The renderers format a :class:`~regimens._calendar.Calendar`; every date in them was
decided by :func:`regimens._calendar.build_calendar`. tabulate and icalendar are
imported here only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from collections.abc import Callable
from itertools import groupby

from tabulate import tabulate

from regimens._calendar import (
    WEEKDAYS,
    Calendar,
    CalendarAdministration,
    CalendarCycle,
    CalendarDay,
    PumpOff,
)

__all__ = [
    "FORMATS",
    "calendar_grid",
    "calendar_ics",
    "calendar_json",
    "calendar_table",
    "event_uid",
    "render_calendar",
]

_RULE = "=" * 78
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_VISIT_LABEL = {"clinic": "clinic", "pump_off": "pump off", "home": "home"}
_PUMP_OFF_WHERE = "At the clinic or by a home nurse."
_DISCLAIMER = "To be checked by a qualified professional before use."
#: Grid marks: what brings the patient in wins over tablets at home.
_GRID_MARK = {"clinic": "C", "pump_off": "P", "home": "o"}
_GRID_LEGEND = (
    "Legend: C clinic visit (IV, SC or IM treatment)   P pump disconnection (clinic or "
    "home nurse)\n        o oral treatment at home   ! on a weekend or public holiday"
)


# --- words shared by every format -------------------------------------------------------


def _mg(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _hours(duration_h: float) -> str:
    return f"{duration_h * 60:g} min" if duration_h < 1 else f"{duration_h:g} h"


def _short(date: dt.date) -> str:
    """``Sat 27 Mar``: a date as a person reads it on a calendar."""
    return f"{WEEKDAYS[date.weekday()][:3]} {date.day} {_MONTHS[date.month - 1][:3]}"


def _given(item: CalendarAdministration, *, long: bool = False) -> str:
    """``oxaliplatin 155 mg IV 2 h`` (table) or ``... IV infusion over 2 h`` (long)."""
    text = item.drug
    if item.dose is not None:
        if item.dose.withheld:
            text += " WITHHELD"
        else:
            text += f" {_mg(item.dose.dose_mg)} mg"
            if item.dose.intakes_per_day > 1:
                text += f" × {item.dose.intakes_per_day}/day"
    duration = _hours(item.duration_h) if item.duration_h is not None else ""
    if long and item.method == "oral":
        return f"{text} by mouth ({item.route})"
    if long:
        method = item.method.replace("_", " ")
        how = f"{item.route} {method}" + (f" over {duration}" if duration else "")
        if item.method == "continuous_infusion":
            how += " (pump connected)"
        return f"{text} {how}"
    how = {
        "bolus": f"{item.route} bolus",
        "infusion": f"{item.route} {duration}",
        "continuous_infusion": f"{item.route} pump {duration}",
        "oral": item.route,
    }.get(item.method, item.route)
    return f"{text} {how}"


def _pump_off(pump: PumpOff) -> str:
    return f"{pump.drug} pump off ({_hours(pump.duration_h)} from D{pump.started_day})"


def _flags(cycle: CalendarCycle, day: CalendarDay) -> str:
    words: list[str] = []
    for flag in day.flags:
        if flag == "delayed":
            reason = f" ({cycle.delay_reason})" if cycle.delay_reason else ""
            words.append(f"delayed +{cycle.delay_days} d{reason}")
        elif flag == "moved" and cycle.moved_from is not None:
            words.append(f"moved from {cycle.moved_from.isoformat()}")
        elif flag == "holiday":
            words.append(f"holiday ({day.holiday})")
        else:
            words.append(flag.replace("_", " "))
    return ", ".join(words)


def _oral(day: CalendarDay) -> tuple[tuple[str, int], ...]:
    """The oral administrations of a day, as (regimen, order)."""
    return tuple((a.regimen, a.order) for a in day.administrations if a.method == "oral")


def _oral_runs(cycle: CalendarCycle) -> list[list[CalendarDay]]:
    """The cycle's oral days in runs of consecutive days with the same tablets (D1–14)."""
    runs: list[list[CalendarDay]] = []
    for day in cycle.days:
        if not _oral(day):
            continue
        if runs and runs[-1][-1].day == day.day - 1 and _oral(runs[-1][-1]) == _oral(day):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _span(days: list[CalendarDay]) -> str:
    """``D1`` or ``D1–14``: the days of the cycle a run covers."""
    first, last = days[0], days[-1]
    return f"D{first.day}" if first is last else f"D{first.day}–{last.day}"


def _oral_drugs(day: CalendarDay) -> str:
    return ", ".join(dict.fromkeys(a.drug for a in day.administrations if a.method == "oral"))


def _why(cycle: CalendarCycle) -> str:
    """Why a cycle does not start on its planned date."""
    parts: list[str] = []
    if cycle.delay_days:
        reason = f": {cycle.delay_reason}" if cycle.delay_reason else ""
        parts.append(f"delayed {cycle.delay_days} d{reason}")
    if cycle.moved_reason:
        parts.append(f"moved: {cycle.moved_reason}")
    if not parts and cycle.shift_days:
        parts.append("follows the previous cycle")
    return "; ".join(parts)


def _header(calendar: Calendar, title: str) -> list[str]:
    regimen = calendar.regimen
    lines = [
        _RULE,
        f"{title}  {regimen.name} ({regimen.id}), {calendar.cycle_count} cycles every "
        f"{regimen.cycle_length_days} days",
    ]
    lines += [f"  with {extra.name} ({extra.id})" for extra in calendar.supportive]
    lines.append(_RULE)
    rows = [
        (
            "Start (cycle 1 day 1)",
            f"{calendar.start_date.isoformat()} {WEEKDAYS[calendar.start_date.weekday()]}",
        ),
        ("Public holidays", calendar.country or "not checked (no --country)"),
        ("Weekend", ", ".join(calendar.weekend_days)),
    ]
    if calendar.avoid:
        rows.append(("Avoid", f"{', '.join(calendar.avoid)}: day 1 moves to the next working day"))
    if calendar.dosing is not None:
        dosing = calendar.dosing
        given = ", ".join(
            value if isinstance(value, str) else f"{key} {value.value:g} {value.unit}"
            for key, value in dosing.patient.items()
        )
        rows.append(("Patient", given))
        if dosing.bsa_m2 is not None:
            rows.append(("BSA", f"{dosing.bsa_m2:g} m2 ({dosing.bsa_formula})"))
        if dosing.crcl_ml_min is not None and "crcl" not in dosing.patient:
            rows.append(("CrCl", f"{dosing.crcl_ml_min:.1f} mL/min"))
    width = max(len(key) for key, _ in rows)
    lines += [f"{key:<{width}}  {value}" for key, value in rows]
    return lines


def _footer(calendar: Calendar) -> list[str]:
    lines = [""]
    warnings: dict[tuple[str, str, str], list[int]] = {}
    for cycle in calendar.cycles:
        for warning in cycle.warnings:
            if warning.code == "SUPPORTIVE_NOT_THIS_CYCLE":  # the calendar shows where it is
                continue
            key = (warning.severity, warning.code, warning.message)
            warnings.setdefault(key, []).append(cycle.cycle)
    if warnings:
        lines.append("Dose-sheet warnings")
        rank = {"blocking": 0, "caution": 1, "info": 2}
        for (severity, code, message), cycles in sorted(
            warnings.items(), key=lambda item: rank[item[0][0]]
        ):
            which = ", ".join(str(number) for number in cycles)
            mark = severity.upper() if severity != "info" else "info"
            lines.append(f"  {mark} {code} (cycles {which}): {message}")
        lines.append("")
    lines += [
        textwrap.fill(f"Note: {note}", width=88, subsequent_indent="      ", break_on_hyphens=False)
        for note in calendar.notes
    ]
    lines += ["", f"regimens {calendar.tool_version}. {_DISCLAIMER}"]
    return lines


def _table(rows: list[list[str]], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def _text(lines: list[str]) -> str:
    """Lines joined, without the trailing spaces tabulate pads the last column with."""
    return "\n".join(line.rstrip() for piece in lines for line in piece.split("\n"))


# --- formats ----------------------------------------------------------------------------


def calendar_json(calendar: Calendar) -> str:
    """The JSON document of ``docs/json-output.md`` (``regimens calendar --format json``)."""
    return calendar.model_dump_json(indent=2)


def calendar_table(calendar: Calendar) -> str:
    """The cycles (planned and actual day 1), then one line per treatment date."""
    lines = _header(calendar, "CALENDAR")
    lines += ["", "Cycles"]
    cycle_rows = [
        [
            str(cycle.cycle),
            cycle.planned_start_date.isoformat(),
            cycle.start_date.isoformat(),
            WEEKDAYS[cycle.start_date.weekday()][:3],
            f"{cycle.shift_days:+d} d" if cycle.shift_days else "",
            ", ".join(cycle.supportive),
            _why(cycle),
        ]
        for cycle in calendar.cycles
    ]
    lines.append(
        _table(
            cycle_rows, ["Cycle", "Planned D1", "Day 1", "Weekday", "Shift", "Also given", "Why"]
        )
    )
    lines += ["", "Treatment days"]
    day_rows = [
        [
            day.date.isoformat(),
            day.weekday[:3],
            str(cycle.cycle),
            f"D{day.day}",
            _VISIT_LABEL[day.visit],
            ", ".join(
                [_given(item) for item in day.administrations]
                + [_pump_off(pump) for pump in day.pump_off]
            ),
            _flags(cycle, day),
        ]
        for cycle, day in calendar.dated_days()
    ]
    lines.append(_table(day_rows, ["Date", "Weekday", "Cycle", "Day", "Visit", "Given", "Flags"]))
    lines.append(
        "Given: IV 2 h = IV infusion over 2 h; IV pump 46 h = continuous infusion by pump; "
        "PO = oral."
    )
    lines += _footer(calendar)
    return _text(lines)


def _month_lines(
    year: int, month: int, marks: dict[dt.date, str], events: list[tuple[dt.date, str]]
) -> list[str]:
    import calendar as stdlib_calendar  # the standard library's, for the weeks of a month

    lines = [
        f"{_MONTHS[month - 1]} {year}",
        " ".join(f"{name[:3]:>3}  " for name in WEEKDAYS).rstrip(),
    ]
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = [
            f"{number:>3}{marks.get(dt.date(year, month, number), ''):<2}" if number else " " * 5
            for number in week
        ]
        lines.append(" ".join(cells).rstrip())
    return [*lines, *(text for _, text in sorted(events, key=lambda event: event[0])), ""]


def calendar_grid(calendar: Calendar) -> str:
    """Month views like a wall calendar, treatment days marked, each month's visits below."""
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
            [_given(item) for item in day.administrations if item.method != "oral"]
            + [_pump_off(pump) for pump in day.pump_off]
        )
        flags = _flags(cycle, day)
        events.setdefault((day.date.year, day.date.month), []).append(
            (
                day.date,
                f"  {_short(day.date):<11} C{cycle.cycle} D{day.day}: {what}"
                + (f"  [{flags}]" if flags else ""),
            )
        )
    for cycle in calendar.cycles:
        for run in _oral_runs(cycle):
            for (year, month), part in groupby(run, key=lambda d: (d.date.year, d.date.month)):
                days = list(part)
                first, last = days[0], days[-1]
                when = _short(first.date) + ("" if first is last else f" – {_short(last.date)}")
                events.setdefault((year, month), []).append(
                    (
                        first.date,
                        f"  {when}: C{cycle.cycle} {_span(days)} {_oral_drugs(first)} at home",
                    )
                )
    lines = [*_header(calendar, "CALENDAR"), ""]
    dates = sorted(marks)
    year, month = dates[0].year, dates[0].month
    while (year, month) <= (dates[-1].year, dates[-1].month):
        lines += _month_lines(year, month, marks, events.get((year, month), []))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    lines.append(_GRID_LEGEND)
    lines += _footer(calendar)
    return _text(lines)


def event_uid(
    regimen_id: str, cycle: int, day: int, kind: str, course_key: str | None = None
) -> str:
    """A UID that names the event, not its date: ``folfox-6.c3.d1.clinic@regimens``.

    A re-export after a delay keeps every UID, so a calendar application moves the
    events instead of adding copies. ``course_key`` (a patient or course key) is added
    as a SHA-256 prefix: two patients' calendars do not collide and no identifier is
    written into the file in clear.
    """
    parts = [regimen_id.lower(), f"c{cycle}", f"d{day}", kind]
    if course_key:
        parts.append(hashlib.sha256(course_key.encode("utf-8")).hexdigest()[:16])
    return ".".join(parts) + "@regimens"


def _clinic_lines(cycle: CalendarCycle, day: CalendarDay) -> list[str]:
    """A clinic visit's description: each parenteral drug, and when each pump comes off."""
    ends = {
        (pump.regimen, pump.order, pump.started_day): other
        for other in cycle.days
        for pump in other.pump_off
    }
    lines = []
    for item in day.administrations:
        if item.method == "oral":
            continue
        line = f"- {_given(item, long=True)}"
        end = ends.get((item.regimen, item.order, day.day))
        if end is not None:
            line += f"; pump off on day {end.day}, {end.weekday} {end.date.isoformat()}"
        lines.append(line)
    return lines


def calendar_ics(
    calendar: Calendar, *, course_key: str | None = None, stamp: dt.datetime | None = None
) -> str:
    """An iCalendar file of all-day events with stable UIDs (:func:`event_uid`).

    One event per clinic visit (drugs in the description), one per pump
    disconnection, and one per run of oral days at home (capecitabine D1–14 is one
    event over 14 days). ``stamp`` (default: now, UTC) is every event's DTSTAMP and
    LAST-MODIFIED; SEQUENCE is the number of minutes from 2020-01-01 to it, so a later
    export always carries a higher sequence and applications take it as an update.
    """
    from icalendar import Calendar as ICalendar
    from icalendar import Event

    stamp = stamp or dt.datetime.now(dt.UTC)
    sequence = int((stamp - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds() // 60)
    regimen = calendar.regimen
    ics = ICalendar()
    ics.add("prodid", f"-//regimens {calendar.tool_version}//cycle calendar//EN")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("x-wr-calname", f"{regimen.id} treatment calendar")

    def event(
        kind: str, cycle: CalendarCycle, days: list[CalendarDay], what: str, lines: list[str]
    ) -> None:
        first, last = days[0], days[-1]
        span = _span(days)
        when = (
            f"{first.weekday} {first.date.isoformat()}"
            if first is last
            else f"{first.date.isoformat()} to {last.date.isoformat()}"
        )
        flagged = [flag for flag in ("weekend", "holiday") if flag in first.flags]
        summary = f"{regimen.id} C{cycle.cycle} {span}: {what}"
        flags = _flags(cycle, first)
        item = Event()
        item.add("uid", event_uid(regimen.id, cycle.cycle, first.day, kind, course_key))
        item.add("dtstamp", stamp)
        item.add("last-modified", stamp)
        item.add("sequence", sequence)
        item.add("dtstart", first.date)
        item.add("dtend", last.date + dt.timedelta(days=1))  # all-day: the end is exclusive
        item.add("summary", summary + (f" [{', '.join(flagged)}]" if flagged else ""))
        item.add(
            "description",
            "\n".join(
                [
                    f"{regimen.id} cycle {cycle.cycle}, {span} ({when})",
                    *lines,
                    *([f"Flags: {flags}"] if flags and kind != "oral" else []),
                    "",
                    _DISCLAIMER,
                ]
            ),
        )
        item.add("transp", "TRANSPARENT" if kind == "oral" else "OPAQUE")
        ics.add_component(item)

    for cycle in calendar.cycles:
        for day in cycle.days:
            if day.visit == "clinic":
                event("clinic", cycle, [day], "clinic visit", _clinic_lines(cycle, day))
            if day.pump_off:
                lines = [
                    f"- {_pump_off(pump)}, connected {pump.started_date.isoformat()}"
                    for pump in day.pump_off
                ]
                event("pump-off", cycle, [day], "pump off", [*lines, _PUMP_OFF_WHERE])
        for run in _oral_runs(cycle):
            items = [a for a in run[0].administrations if a.method == "oral"]
            lines = ["At home:", *(f"- {_given(item, long=True)}" for item in items)]
            event("oral", cycle, run, f"{_oral_drugs(run[0])} at home", lines)
    return str(ics.to_ical(), "utf-8")


#: ``--format`` name → renderer.
FORMATS: dict[str, Callable[[Calendar], str]] = {
    "table": calendar_table,
    "grid": calendar_grid,
    "json": calendar_json,
    "ics": calendar_ics,
}


def render_calendar(
    calendar: Calendar, output_format: str, *, course_key: str | None = None
) -> str:
    """The calendar in ``output_format`` (table, grid, json, ics)."""
    if output_format == "ics":
        return calendar_ics(calendar, course_key=course_key)
    return FORMATS[output_format](calendar)

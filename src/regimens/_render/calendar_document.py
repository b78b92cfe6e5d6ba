"""One calendar document for every human-readable format (table, Markdown, grid, HTML).

:func:`calendar_document` turns a :class:`~regimens._models.calendar.Calendar` into the
title, header, cycle and day rows, warnings and notes they all show, in one language
and one order; each format only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from regimens._models.calendar import Calendar, CalendarCycle, CalendarDay
from regimens._render._text import identity_rows, regimen_title
from regimens._render.calendar_words import (
    Words,
    calendar_notes,
    flags_text,
    given_text,
    pump_off_text,
    span,
    why_text,
)
from regimens._render.labels import Lang, regimen_name
from regimens._render.messages import message
from regimens._render.numbers import localize, measured_text

__all__ = ["SEVERITY_RANK", "CalendarDocument", "CalendarWarning", "calendar_document"]

#: Warnings are listed blocking first.
SEVERITY_RANK = {"blocking": 0, "caution": 1, "info": 2}


@dataclass(frozen=True)
class CalendarWarning:
    """A dose-sheet warning and the cycles it was raised in."""

    severity: str
    severity_label: str
    code: str
    cycles: str
    message: str


@dataclass(frozen=True)
class CalendarDocument:
    """What the table, Markdown and HTML show, in one language and one order."""

    title: str
    subtitle: list[str]
    #: "PROVISIONAL — not for administration" on top of every format, or "".
    provisional: str
    header: list[tuple[str, str]]
    cycle_columns: list[str]
    cycle_rows: list[list[str]]
    day_columns: list[str]
    day_rows: list[list[str]]
    warnings: list[CalendarWarning]
    notes: list[str]
    closing: str
    words: Words


def _patient_text(calendar: Calendar, words: Words) -> str:
    """``height 170 cm, weight 70 kg, crcl 80 mL/min`` / ``taille 170 cm, poids 70 kg...``."""
    assert calendar.dosing is not None
    parts = []
    for key, value in calendar.dosing.patient.items():
        if isinstance(value, str):
            parts.append(words(value) if value in {"female", "male"} else value)
        else:
            unit = words("years") if value.unit == "years" else value.unit
            parts.append(f"{words(f'field_{key}')} {measured_text(value, unit, words.lang)}")
    return ", ".join(parts)


def _header_rows(calendar: Calendar, words: Words) -> list[tuple[str, str]]:
    start = calendar.start_date
    rows = identity_rows(
        calendar.patient_id, calendar.patient_name, calendar.patient_dob, words.lang
    )
    rows += [
        (words("cal_start"), words.prose(start)),
        (words("cal_holidays"), calendar.country or words("cal_holidays_unchecked")),
        (
            words("cal_weekend"),
            ", ".join(words.weekday_named(name) for name in calendar.weekend_days),
        ),
    ]
    if calendar.avoid:
        what = ", ".join(words(f"cal_avoid_{name}") for name in calendar.avoid)
        rows.append((words("cal_avoid"), words("cal_avoid_value", what=what)))
    if calendar.dosing is not None:
        dosing = calendar.dosing
        rows.append((words("patient"), _patient_text(calendar, words)))
        if dosing.bsa_m2 is not None:
            rows.append((words("cal_bsa"), f"{dosing.bsa_m2:g} m2 ({dosing.bsa_formula})"))
        if dosing.crcl_ml_min is not None and "crcl" not in dosing.patient:
            rows.append((words("cal_crcl"), f"{dosing.crcl_ml_min:.1f} mL/min"))
    return rows


def _warnings(calendar: Calendar, words: Words) -> list[CalendarWarning]:
    """Each cycle's dose-sheet warnings, once each with the cycles they were raised in."""
    found: dict[tuple[str, str, str], list[int]] = {}
    for cycle in calendar.cycles:
        for warning in cycle.warnings:
            if warning.code == "SUPPORTIVE_NOT_THIS_CYCLE":  # the calendar shows where it is
                continue
            said = message(warning, words.lang, drug_names=words.names)
            found.setdefault((warning.severity, warning.code, said), []).append(cycle.cycle)
    ordered = sorted(found.items(), key=lambda item: SEVERITY_RANK[item[0][0]])
    return [
        CalendarWarning(
            severity=severity,
            severity_label=words(severity),
            code=code,
            cycles=", ".join(str(number) for number in cycles),
            message=said,
        )
        for (severity, code, said), cycles in ordered
    ]


def calendar_document(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> CalendarDocument:
    """The content every human-readable format shows, in ``lang``."""
    words = Words(lang, calendar.drug_names if drug_names is None else drug_names)
    regimen = calendar.regimen
    course = (
        words("cal_course_one", days=regimen.cycle_length_days)
        if calendar.cycle_count == 1
        else words("cal_course", count=calendar.cycle_count, days=regimen.cycle_length_days)
    )
    cycle_rows = [
        [
            str(cycle.cycle),
            words.date(cycle.planned_start_date),
            words.date(cycle.start_date),
            words.wd(cycle.start_date),
            words("cal_shift_days", days=cycle.shift_days) if cycle.shift_days else "",
            ", ".join(cycle.supportive),
            why_text(cycle, words),
        ]
        for cycle in calendar.cycles
    ]
    day_rows = _day_rows(calendar, words)
    return CalendarDocument(
        title=f"{regimen_title(regimen_name(regimen, words.lang), regimen.id)}, {course}",
        provisional=words("provisional") if calendar.provisional else "",
        subtitle=[
            f"{words('with')} {regimen_title(regimen_name(extra, words.lang), extra.id)}"
            for extra in calendar.supportive
        ],
        header=[(key, localize(value, words.lang)) for key, value in _header_rows(calendar, words)],
        cycle_columns=[
            words(key)
            for key in (
                "cal_cycle",
                "cal_planned_d1",
                "cal_day_1",
                "cal_weekday",
                "cal_shift",
                "cal_also_given",
                "cal_why",
            )
        ],
        cycle_rows=cycle_rows,
        day_columns=[
            words(key)
            for key in (
                "cal_date",
                "cal_weekday",
                "cal_cycle",
                "cal_day",
                "cal_visit",
                "cal_given",
                "cal_flags",
            )
        ],
        day_rows=[[localize(cell, words.lang) for cell in row] for row in day_rows],
        warnings=_warnings(calendar, words),
        notes=calendar_notes(calendar, lang),
        closing=f"regimens {calendar.tool_version}. {words('check_notice')}",
        words=words,
    )


def _day_rows(calendar: Calendar, words: Words) -> list[list[str]]:
    """One row per treatment date, except that consecutive days at home with the same
    tablets and no flag are one row per run (issue 22): EOX's capecitabine days 2–21
    are ``D2–21``, as on the dose sheet's "Days 2–21", not 20 rows a cycle (126 rows
    for six cycles). Day 1, a clinic day, keeps its row with every drug given on it."""
    runs: list[tuple[CalendarCycle, list[CalendarDay], str, str]] = []
    for cycle, day in calendar.dated_days():
        given = ", ".join(
            [given_text(item, words) for item in day.administrations]
            + [pump_off_text(pump, words) for pump in day.pump_off]
        )
        flags = flags_text(cycle, day, words)
        if runs and _continues(runs[-1], cycle, day, given, flags):
            runs[-1][1].append(day)
        else:
            runs.append((cycle, [day], given, flags))
    return [
        [
            words.date(days[0].date) + (f" – {words.date(days[-1].date)}" if len(days) > 1 else ""),
            words.wd(days[0].date) + (f"–{words.wd(days[-1].date)}" if len(days) > 1 else ""),
            str(cycle.cycle),
            span(days, words),
            words(f"visit_{days[0].visit}"),
            given,
            flags,
        ]
        for cycle, days, given, flags in runs
    ]


def _continues(
    run: tuple[CalendarCycle, list[CalendarDay], str, str],
    cycle: CalendarCycle,
    day: CalendarDay,
    given: str,
    flags: str,
) -> bool:
    """Whether ``day`` extends ``run``: the next day of the same cycle, both at home
    (oral only), with the same tablets and no flag."""
    run_cycle, days, run_given, run_flags = run
    last = days[-1]
    return (
        run_cycle is cycle
        and last.day == day.day - 1
        and last.visit == day.visit == "home"
        and given == run_given
        and not flags
        and not run_flags
    )

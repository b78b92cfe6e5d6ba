"""A cycle calendar as a table, Markdown, CSV, a wall-calendar grid, JSON and iCalendar.

The renderers format a :class:`~regimens._calc.calendar.Calendar`; every date in them was
decided by :func:`regimens._calc.calendar.build_calendar`. The human-readable formats (table,
markdown, grid, and the HTML month grid of :mod:`regimens._render.calendar_html`) are
drawn from one :class:`CalendarDocument` in one language (``--lang``): labels, weekday
and month names and dates come from :mod:`regimens._render.labels`, drug names from the
library's ``local_names``. JSON keys, CSV values and the iCalendar file stay English
(the ICS file is read by calendar applications and shared with other systems).
tabulate and icalendar are imported here only.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby

from pydantic_core import to_json
from tabulate import tabulate

from regimens._calc.calendar import (
    WEEKDAYS,
    Calendar,
    CalendarAdministration,
    CalendarCycle,
    CalendarDay,
    PumpOff,
)
from regimens._render._text import csv_number, format_mg, md_table, regimen_title
from regimens._render.labels import (
    WEEKDAY_NAMES,
    Lang,
    format_date,
    label,
    month_name,
    short_date,
    weekday_abbr,
    weekday_name,
)
from regimens._render.messages import message as warning_message
from regimens._render.sheet_json import warning_document

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "CalendarDocument",
    "CalendarWarning",
    "Words",
    "calendar_csv",
    "calendar_document",
    "calendar_grid",
    "calendar_ics",
    "calendar_json",
    "calendar_markdown",
    "calendar_notes",
    "calendar_options",
    "calendar_table",
    "event_uid",
    "flag_words",
    "flags_text",
    "given_text",
    "month_span",
    "pump_off_text",
    "render_calendar",
]

_RULE = "=" * 78
_PUMP_OFF_WHERE = "At the clinic or by a home nurse."
_DISCLAIMER = "To be checked by a qualified professional before use."
#: Grid marks: what brings the patient in wins over tablets at home.
_GRID_MARK = {"clinic": "C", "pump_off": "P", "home": "o"}
#: Width of the short date in the grid's event lines ("Mon 5 Jan" / "mer. 30 sept.").
_SHORT_WIDTH: dict[Lang, int] = {"en": 11, "fr": 13}
_SEVERITY_RANK = {"blocking": 0, "caution": 1, "info": 2}


# --- words shared by every format -------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """The language of a rendering and the drugs' names in it (INN → {lang: name})."""

    lang: Lang = "en"
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __call__(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def drug(self, inn: str) -> str:
        """The drug's name in this language (the library's local name), else its INN."""
        return self.names.get(inn, {}).get(self.lang, inn)

    def date(self, day: dt.date) -> str:
        return format_date(day, self.lang)

    def weekday(self, day: dt.date) -> str:
        return weekday_name(day, self.lang)

    def wd(self, day: dt.date) -> str:
        """``Mon`` / ``lun.``: the weekday column."""
        return weekday_abbr(day, self.lang)

    def short(self, day: dt.date) -> str:
        return short_date(day, self.lang)

    def day(self, number: int) -> str:
        """``D1`` / ``J1``."""
        return self("cal_d", day=number)


_EN = Words()


def _weekday_named(english: str, words: Words) -> str:
    """A weekday the calendar names in English (``Saturday``), in the rendering's language."""
    return WEEKDAY_NAMES[words.lang][WEEKDAYS.index(english)]


def _hours(duration_h: float) -> str:
    return f"{duration_h * 60:g} min" if duration_h < 1 else f"{duration_h:g} h"


def _dose_text(item: CalendarAdministration, words: Words) -> str:
    """`` 155 mg``, `` 1250 mg × 2/day`` or `` WITHHELD``; empty without a patient."""
    if item.dose is None:
        return ""
    if item.dose.withheld:
        return f" {words('given_withheld')}"
    text = f" {format_mg(item.dose.dose_mg)} mg"
    if item.dose.intakes_per_day > 1:
        text += f" {words('given_per_day', n=item.dose.intakes_per_day)}"
    return text


def _how(item: CalendarAdministration, words: Words) -> str:
    """``IV 2 h``, ``IV bolus``, ``IV pump 46 h``, ``PO``."""
    duration = _hours(item.duration_h) if item.duration_h is not None else ""
    key = {
        "bolus": "given_bolus",
        "infusion": "given_infusion",
        "continuous_infusion": "given_pump",
    }.get(item.method)
    if key is None:
        return item.route
    return words(key, route=item.route, duration=duration).strip()


def given_text(item: CalendarAdministration, words: Words = _EN, *, long: bool = False) -> str:
    """``oxaliplatin 155 mg IV 2 h`` (table) or ``... IV infusion over 2 h`` (long, ICS)."""
    text = words.drug(item.drug) + _dose_text(item, words)
    duration = _hours(item.duration_h) if item.duration_h is not None else ""
    if long and item.method == "oral":
        return f"{text} by mouth ({item.route})"
    if long:
        method = item.method.replace("_", " ")
        how = f"{item.route} {method}" + (f" over {duration}" if duration else "")
        if item.method == "continuous_infusion":
            how += " (pump connected)"
        return f"{text} {how}"
    return f"{text} {_how(item, words)}"


def pump_off_text(pump: PumpOff, words: Words = _EN) -> str:
    return words(
        "pump_off_item",
        drug=words.drug(pump.drug),
        duration=_hours(pump.duration_h),
        day=pump.started_day,
    )


def flag_words(cycle: CalendarCycle, day: CalendarDay, words: Words = _EN) -> list[tuple[str, str]]:
    """Each flag of a day with its words: ("delayed", "delayed +7 d (neutropenia)")."""
    parts: list[tuple[str, str]] = []
    for flag in day.flags:
        if flag == "delayed":
            reason = f" ({cycle.delay_reason})" if cycle.delay_reason else ""
            parts.append((flag, words("flag_delayed", days=cycle.delay_days, reason=reason)))
        elif flag == "moved" and cycle.moved_from is not None:
            parts.append((flag, words("flag_moved", date=words.date(cycle.moved_from))))
        elif flag == "holiday":
            parts.append((flag, words("flag_holiday", name=day.holiday)))
        else:
            parts.append((flag, words(f"flag_{flag}")))
    return parts


def flags_text(cycle: CalendarCycle, day: CalendarDay, words: Words = _EN) -> str:
    """``delayed +7 d (neutropenia), pump on``."""
    return ", ".join(text for _, text in flag_words(cycle, day, words))


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


def _span(days: list[CalendarDay], words: Words = _EN) -> str:
    """``D1`` or ``D1–14`` (``J1–14``): the days of the cycle a run covers."""
    first, last = days[0], days[-1]
    if first is last:
        return words.day(first.day)
    return words("cal_d_range", first=first.day, last=last.day)


def _oral_drugs(day: CalendarDay, words: Words = _EN, *, doses: bool = False) -> str:
    """``capecitabine`` (with ``doses``: ``capecitabine 1050 mg × 2/day``); a withheld
    drug always says ``WITHHELD``: a run of days at home must never read as "take it"
    when the dose sheet says not to.
    """
    texts = []
    for item in day.administrations:
        if item.method != "oral":
            continue
        if doses:
            texts.append(words.drug(item.drug) + _dose_text(item, words))
        elif item.dose is not None and item.dose.withheld:
            texts.append(f"{words.drug(item.drug)} {words('given_withheld')}")
        else:
            texts.append(words.drug(item.drug))
    return ", ".join(dict.fromkeys(texts))


def _why(cycle: CalendarCycle, words: Words) -> str:
    """Why a cycle does not start on its planned date."""
    parts: list[str] = []
    if cycle.delay_days:
        reason = f"{label('colon', words.lang)}{cycle.delay_reason}" if cycle.delay_reason else ""
        parts.append(words("why_delayed", days=cycle.delay_days, reason=reason))
    if cycle.moved_reason:
        parts.append(words("why_moved", reason=cycle.moved_reason))
    if not parts and cycle.shift_days:
        parts.append(words("why_follows"))
    return "; ".join(parts)


def calendar_notes(calendar: Calendar, lang: Lang = "en") -> list[str]:
    """The assumptions the dates rest on, in ``lang``.

    In English these are the calendar's own ``notes`` (written by
    :func:`~regimens._calc.calendar.build_calendar`); other languages rebuild them from the
    same facts (tests/test_calendar_outputs.py checks that the English rebuild matches).
    """
    if lang == "en":
        return list(calendar.notes)
    return _notes_from_facts(calendar, Words(lang))


def _notes_from_facts(calendar: Calendar, words: Words) -> list[str]:
    notes = [words("cal_note_days")]
    if any(day.pump_off for cycle in calendar.cycles for day in cycle.days):
        notes.append(words("cal_note_pump"))
    weekend = words("cal_note_and").join(
        _weekday_named(name, words) for name in calendar.weekend_days
    )
    holidays = words("cal_note_holidays", country=calendar.country) if calendar.country else ""
    notes.append(words("cal_note_flagged", weekend=weekend, holidays=holidays))
    if calendar.avoid:
        what = words("cal_note_and").join(words(f"cal_avoid_{name}") for name in calendar.avoid)
        notes.append(words("cal_note_avoid", what=what))
    if calendar.dosing is not None:
        notes.append(words("cal_note_doses"))
    return notes


# --- one document for every human-readable format ---------------------------------------


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
            parts.append(f"{words(f'field_{key}')} {value.value:g} {unit}")
    return ", ".join(parts)


def _header_rows(calendar: Calendar, words: Words) -> list[tuple[str, str]]:
    start = calendar.start_date
    rows = [
        (words("cal_start"), f"{words.date(start)} {words.weekday(start)}"),
        (words("cal_holidays"), calendar.country or words("cal_holidays_unchecked")),
        (
            words("cal_weekend"),
            ", ".join(_weekday_named(name, words) for name in calendar.weekend_days),
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
            name = words.drug(warning.drug) if warning.drug else None
            local: dict[str, dict[str, str]] | None = (
                {warning.drug: {words.lang: name}} if warning.drug and name else None
            )
            message = warning_message(warning, words.lang, drug_names=local)
            found.setdefault((warning.severity, warning.code, message), []).append(cycle.cycle)
    ordered = sorted(found.items(), key=lambda item: _SEVERITY_RANK[item[0][0]])
    return [
        CalendarWarning(
            severity=severity,
            severity_label=words(severity),
            code=code,
            cycles=", ".join(str(number) for number in cycles),
            message=message,
        )
        for (severity, code, message), cycles in ordered
    ]


def calendar_document(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> CalendarDocument:
    """The content every human-readable format shows, in ``lang``."""
    words = Words(lang, drug_names or {})
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
            _why(cycle, words),
        ]
        for cycle in calendar.cycles
    ]
    day_rows = [
        [
            words.date(day.date),
            words.wd(day.date),
            str(cycle.cycle),
            words.day(day.day),
            words(f"visit_{day.visit}"),
            ", ".join(
                [given_text(item, words) for item in day.administrations]
                + [pump_off_text(pump, words) for pump in day.pump_off]
            ),
            flags_text(cycle, day, words),
        ]
        for cycle, day in calendar.dated_days()
    ]
    return CalendarDocument(
        title=f"{regimen_title(regimen.name, regimen.id)}, {course}",
        subtitle=[
            f"{words('with')} {regimen_title(extra.name, extra.id)}"
            for extra in calendar.supportive
        ],
        header=_header_rows(calendar, words),
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
        day_rows=day_rows,
        warnings=_warnings(calendar, words),
        notes=calendar_notes(calendar, lang),
        closing=f"regimens {calendar.tool_version}. {words('check_notice')}",
        words=words,
    )


def calendar_options(calendar: Calendar) -> dict[str, object]:
    """The options a calendar was made with, for a provenance footer (from the model)."""
    options: dict[str, object] = {
        "start": calendar.start_date.isoformat(),
        "cycles": calendar.cycle_count,
    }
    delays = [
        f"{c.cycle}={c.delay_days}" + (f":{c.delay_reason}" if c.delay_reason else "")
        for c in calendar.cycles
        if c.delay_days
    ]
    if delays:
        options["delay"] = delays
    if calendar.country:
        options["country"] = calendar.country
    if calendar.avoid:
        options["avoid"] = list(calendar.avoid)
    if calendar.supportive:
        options["with"] = [extra.id for extra in calendar.supportive]
    if calendar.dosing is not None:
        options["patient"] = {
            key: value if isinstance(value, str) else f"{value.value:g} {value.unit}"
            for key, value in calendar.dosing.patient.items()
        }
        options["bsa_formula"] = calendar.dosing.bsa_formula
    return options


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
        _RULE,
        f"{doc.words('cal_title')}  {doc.title}",
        *(f"  {line}" for line in doc.subtitle),
        _RULE,
        *_key_values(doc.header),
    ]


def _table(rows: list[list[str]], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def _text(lines: list[str]) -> str:
    """Lines joined, without the trailing spaces tabulate pads the last column with."""
    return "\n".join(line.rstrip() for piece in lines for line in piece.split("\n"))


# --- formats ----------------------------------------------------------------------------


def calendar_json(calendar: Calendar) -> str:
    """The JSON document of ``docs/json-output.md`` (``regimens calendar --format json``)."""
    # Each warning with its English message, as the sheet's JSON shows it.
    data = calendar.model_dump()
    for cycle_data, cycle in zip(data["cycles"], calendar.cycles, strict=True):
        cycle_data["warnings"] = [warning_document(w) for w in cycle.warnings]
    return to_json(data, indent=2).decode()


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


#: CSV columns (English header = the calendar JSON's field names, French header):
#: one row per administration per date, and one per pump disconnection.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("regimen_id", "protocole"),
    ("cycle", "cycle"),
    ("planned_start_date", "j1_prevu"),
    ("start_date", "j1"),
    ("shift_days", "decalage_jours"),
    ("delay_days", "report_jours"),
    ("delay_reason", "motif_report"),
    ("moved_from", "deplace_du"),
    ("day", "jour"),
    ("date", "date"),
    ("weekday", "jour_semaine"),
    ("visit", "venue"),
    ("flags", "remarques"),
    ("holiday", "jour_ferie"),
    ("event", "evenement"),
    ("regimen", "protocole_source"),
    ("order", "ordre"),
    ("drug", "dci"),
    ("drug_name", "medicament"),
    ("route", "voie"),
    ("method", "mode"),
    ("duration_h", "duree_h"),
    ("started_date", "date_de_pose"),
    ("prescribed", "prescrit"),
    ("dose_mg", "dose_mg"),
    ("intakes_per_day", "prises_par_jour"),
    ("daily_dose_mg", "dose_journaliere_mg"),
    ("tablets", "comprimes"),
    ("withheld", "non_administre"),
)


def calendar_csv(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """One row per administration per date (``event`` = ``given``) and per pump
    disconnection (``event`` = ``pump_off``), in date order.

    Values are the JSON's (ISO dates, English weekday and flag names, numbers
    unrounded); only the header and ``drug_name`` follow ``lang``. Dose columns are
    empty without the patient's measurements.
    """
    words = Words(lang, drug_names or {})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([fr if lang == "fr" else en for en, fr in CSV_COLUMNS])
    for cycle, day in calendar.dated_days():
        common = {
            "regimen_id": calendar.regimen.id,
            "cycle": str(cycle.cycle),
            "planned_start_date": cycle.planned_start_date.isoformat(),
            "start_date": cycle.start_date.isoformat(),
            "shift_days": str(cycle.shift_days),
            "delay_days": str(cycle.delay_days),
            "delay_reason": cycle.delay_reason or "",
            "moved_from": cycle.moved_from.isoformat() if cycle.moved_from else "",
            "day": str(day.day),
            "date": day.date.isoformat(),
            "weekday": day.weekday,
            "visit": day.visit,
            "flags": ";".join(day.flags),
            "holiday": day.holiday or "",
        }
        rows: list[dict[str, str]] = []
        for item in day.administrations:
            dose = item.dose
            rows.append(
                {
                    "event": "given",
                    "regimen": item.regimen,
                    "order": str(item.order),
                    "drug": item.drug,
                    "drug_name": words.drug(item.drug),
                    "route": item.route,
                    "method": item.method,
                    "duration_h": csv_number(item.duration_h),
                    "prescribed": dose.prescribed if dose else "",
                    "dose_mg": csv_number(dose.dose_mg if dose else None),
                    "intakes_per_day": str(dose.intakes_per_day) if dose else "",
                    "daily_dose_mg": csv_number(dose.daily_dose_mg if dose else None),
                    "tablets": ";".join(
                        f"{t.count}x{format_mg(t.strength_mg)}"
                        for t in (dose.tablets or () if dose else ())
                    ),
                    "withheld": ("true" if dose.withheld else "false") if dose else "",
                }
            )
        for pump in day.pump_off:
            rows.append(
                {
                    "event": "pump_off",
                    "regimen": pump.regimen,
                    "order": str(pump.order),
                    "drug": pump.drug,
                    "drug_name": words.drug(pump.drug),
                    "route": "IV",
                    "method": "continuous_infusion",
                    "duration_h": csv_number(pump.duration_h),
                    "started_date": pump.started_date.isoformat(),
                }
            )
        for row in rows:
            values = {**common, **row}
            writer.writerow([values.get(en, "") for en, _ in CSV_COLUMNS])
    return out.getvalue()


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
    return [*lines, *(text for _, text in sorted(events, key=lambda event: event[0])), ""]


def month_span(dates: list[dt.date]) -> list[tuple[int, int]]:
    """(year, month) from the first to the last of ``dates``, with none skipped."""
    first, last = min(dates), max(dates)
    year, month = first.year, first.month
    months = []
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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
        for run in _oral_runs(cycle):
            for (year, month), part in groupby(run, key=lambda d: (d.date.year, d.date.month)):
                days = list(part)
                first, last = days[0], days[-1]
                when = words.short(first.date)
                if first is not last:
                    when += f" – {words.short(last.date)}"
                at_home = words("cal_at_home", drugs=_oral_drugs(first, words, doses=True))
                events.setdefault((year, month), []).append(
                    (
                        first.date,
                        f"  {when}{words('colon')}C{cycle.cycle} {_span(days, words)} {at_home}",
                    )
                )
    lines = [*_head_lines(doc), ""]
    for year, month in month_span(list(marks)):
        lines += _month_lines(year, month, marks, events.get((year, month), []), words)
    lines.append(words("cal_grid_legend"))
    lines += _footer_lines(doc)
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
        line = f"- {given_text(item, long=True)}"
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
        flags = flags_text(cycle, first)
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
                    f"- {pump_off_text(pump)}, connected {pump.started_date.isoformat()}"
                    for pump in day.pump_off
                ]
                event("pump-off", cycle, [day], "pump off", [*lines, _PUMP_OFF_WHERE])
        for run in _oral_runs(cycle):
            items = [a for a in run[0].administrations if a.method == "oral"]
            lines = ["At home:", *(f"- {given_text(item, long=True)}" for item in items)]
            event("oral", cycle, run, f"{_oral_drugs(run[0])} at home", lines)
    return str(ics.to_ical(), "utf-8")


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
    apply to table, grid, markdown, csv headers and html; JSON and ICS stay English.
    ``generated_at`` (default: now, UTC) is the time in the HTML footer and the ICS stamp.
    """
    if output_format == "json":
        return calendar_json(calendar)
    if output_format == "ics":
        return calendar_ics(calendar, course_key=course_key, stamp=generated_at)
    if output_format == "html":
        from regimens._render.calendar_html import calendar_html

        return calendar_html(calendar, lang, drug_names, generated_at=generated_at)
    renderers = {
        "table": calendar_table,
        "grid": calendar_grid,
        "markdown": calendar_markdown,
        "csv": calendar_csv,
    }
    return renderers[output_format](calendar, lang, drug_names)

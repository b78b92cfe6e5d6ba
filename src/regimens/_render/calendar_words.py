"""The words of a cycle calendar, shared by every format (table, grid, HTML, CSV, ICS, JSON).

A :class:`~regimens._models.calendar.Calendar` holds dates and codes; this module turns
them into what a person reads, in one language, from the catalogues
(:mod:`regimens._render.catalogue`): weekday and month names, what is given, flags,
why a cycle moved, and the notes the dates rest on. Drug names come from the
calendar's ``drug_names`` (the library's ``local_names``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from regimens._models.calendar import (
    WEEKDAYS,
    Calendar,
    CalendarAdministration,
    CalendarCycle,
    CalendarDay,
    CalendarNote,
    MoveReason,
    PumpOff,
    Weekday,
)
from regimens._render._text import day_number, format_mg
from regimens._render.catalogue import text
from regimens._render.dose_words import intakes_differ
from regimens._render.labels import (
    WEEKDAY_NAMES,
    Lang,
    format_date,
    label,
    method_label,
    prose_date,
    short_date,
    weekday_abbr,
    weekday_name,
)

__all__ = [
    "Words",
    "calendar_notes",
    "calendar_options",
    "flag_words",
    "flags_text",
    "given_text",
    "hours",
    "month_span",
    "moved_text",
    "note_text",
    "oral_drugs",
    "oral_runs",
    "pump_off_text",
    "span",
    "why_text",
]


@dataclass(frozen=True)
class Words:
    """The language of a rendering and the drugs' names in it (INN → {lang: name}).

    Every text comes from the catalogue: ``words("key")`` is ``label.key``,
    ``words.calendar("key")`` is ``calendar.key``.
    """

    lang: Lang = "en"
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __call__(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def calendar(self, key: str, **values: object) -> str:
        """A text of the calendar's own block of the catalogue (``calendar.*``)."""
        return text(f"calendar.{key}", self.lang, **values)

    def drug(self, inn: str) -> str:
        """The drug's name in this language (the library's local name), else its INN."""
        return self.names.get(inn, {}).get(self.lang, inn)

    def date(self, day: dt.date) -> str:
        return format_date(day, self.lang)

    def weekday(self, day: dt.date) -> str:
        return weekday_name(day, self.lang)

    def prose(self, day: dt.date, weekday: Literal["after", "before", "none"] = "after") -> str:
        """A date in a sentence: ``lundi 30 mars 2026`` / ``2026-03-30 Monday``."""
        return prose_date(day, self.lang, weekday)

    def weekday_named(self, code: Weekday) -> str:
        """A weekday code of the calendar (``Saturday``) in this language."""
        return WEEKDAY_NAMES[self.lang][WEEKDAYS.index(code)]

    def wd(self, day: dt.date) -> str:
        """``Mon`` / ``lun.``: the weekday column."""
        return weekday_abbr(day, self.lang)

    def short(self, day: dt.date) -> str:
        return short_date(day, self.lang)

    def day(self, number: int) -> str:
        """``D1`` / ``J1``."""
        return self("cal_d", day=day_number(number))

    def both(self, items: list[str]) -> str:
        """``weekends and holidays`` / ``week-ends et jours fériés``."""
        return self.calendar("and").join(items)


_EN = Words()


def hours(duration_h: float) -> str:
    return f"{duration_h * 60:g} min" if duration_h < 1 else f"{duration_h:g} h"


def _dose_text(item: CalendarAdministration, words: Words) -> str:
    """`` 155 mg``, `` 1250 mg × 2/day`` or `` WITHHELD``; empty without a patient."""
    if item.dose is None:
        return ""
    if item.dose.withheld:
        return f" {words('given_withheld')}"
    if not item.dose.dispensable:
        return f" {words('given_no_plan')}"
    if item.dose.intakes and intakes_differ(item.dose.intakes):
        return " " + " + ".join(
            words("given_intake", dose=format_mg(i.dose_mg), time=words(f"time_{i.time}"))
            for i in item.dose.intakes
        )
    result = f" {format_mg(item.dose.dose_mg)} {item.dose.dose_unit}"
    if item.dose.intakes_per_day > 1:
        result += f" {words('given_per_day', n=item.dose.intakes_per_day)}"
    return result


def _how(item: CalendarAdministration, words: Words) -> str:
    """``IV 2 h``, ``IV bolus``, ``IV pump 46 h``, ``PO``."""
    duration = hours(item.duration_h) if item.duration_h is not None else ""
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
    given = words.drug(item.drug) + _dose_text(item, words)
    if item.kind != "chemotherapy":  # a premedication reads as one: "dexamethasone (…)"
        given += f" ({words(f'kind.{item.kind}')})"
    if long and item.method == "oral":
        return words.calendar("long_oral", given=given, route=item.route)
    if long:
        how = words.calendar(
            "long_how", given=given, route=item.route, method=method_label(item.method, words.lang)
        )
        if item.duration_h is not None:
            how += words.calendar("long_over", duration=hours(item.duration_h))
        if item.method == "continuous_infusion":
            how += words.calendar("long_pump")
        return how
    return f"{given} {_how(item, words)}"


def pump_off_text(pump: PumpOff, words: Words = _EN) -> str:
    return words(
        "pump_off_item",
        drug=words.drug(pump.drug),
        duration=hours(pump.duration_h),
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
    return ", ".join(flag_text for _, flag_text in flag_words(cycle, day, words))


def _oral(day: CalendarDay) -> tuple[tuple[str, int], ...]:
    """The oral administrations of a day, as (regimen, order)."""
    return tuple((a.regimen, a.order) for a in day.administrations if a.method == "oral")


def oral_runs(cycle: CalendarCycle) -> list[list[CalendarDay]]:
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


def span(days: list[CalendarDay], words: Words = _EN) -> str:
    """``D1`` or ``D1–14`` (``J1–14``): the days of the cycle a run covers."""
    first, last = days[0], days[-1]
    if first is last:
        return words.day(first.day)
    return words("cal_d_range", first=day_number(first.day), last=day_number(last.day))


def oral_drugs(day: CalendarDay, words: Words = _EN, *, doses: bool = False) -> str:
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


def _moved_one(reason: MoveReason, words: Words) -> str:
    """``2026-03-29 Sunday (weekend)`` / ``dimanche 29 mars 2026 (week-end)``."""
    if reason.code == "holiday":
        when = words.prose(reason.date, "none")
        return words.calendar("moved_holiday", date=when, **reason.params)
    return words.calendar("moved_weekend", date=words.prose(reason.date))


def moved_text(cycle: CalendarCycle, words: Words = _EN) -> str | None:
    """Every day a cycle's day 1 skipped and why; None when it was not moved."""
    if not cycle.moved_reasons:
        return None
    return "; ".join(_moved_one(reason, words) for reason in cycle.moved_reasons)


def why_text(cycle: CalendarCycle, words: Words = _EN) -> str:
    """Why a cycle does not start on its planned date."""
    parts: list[str] = []
    if cycle.delay_days:
        reason = f"{words('colon')}{cycle.delay_reason}" if cycle.delay_reason else ""
        parts.append(words("why_delayed", days=cycle.delay_days, reason=reason))
    moved = moved_text(cycle, words)
    if moved:
        parts.append(words("why_moved", reason=moved))
    if not parts and cycle.shift_days:
        parts.append(words("why_follows"))
    return "; ".join(parts)


def note_text(note: CalendarNote, calendar: Calendar, words: Words = _EN) -> str:
    """One assumption of ``calendar`` in words (its weekend, country and avoid fill it in)."""
    if note.code == "days_off_flagged":
        weekend = words.both([words.weekday_named(name) for name in calendar.weekend_days])
        country = calendar.country
        holidays = words.calendar("note_holidays", country=country) if country else ""
        return words.calendar("note_days_off_flagged", weekend=weekend, holidays=holidays)
    if note.code == "avoid":
        what = words.both([words(f"cal_avoid_{name}") for name in calendar.avoid])
        return words.calendar("note_avoid", what=what)
    return words.calendar(f"note_{note.code}", **note.params)


def calendar_notes(calendar: Calendar, lang: Lang = "en") -> list[str]:
    """The assumptions the dates rest on, in ``lang``."""
    words = Words(lang)
    return [note_text(note, calendar, words) for note in calendar.notes]


def month_span(dates: list[dt.date]) -> list[tuple[int, int]]:
    """(year, month) from the first to the last of ``dates``, with none skipped."""
    first, last = min(dates), max(dates)
    year, month = first.year, first.month
    months = []
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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

"""Cycle calendars: the date of every cycle and what is given on each date.

:func:`build_calendar` turns a regimen, the date of cycle 1 day 1 and
:class:`~regimens._models.calendar.CalendarOptions` into a
:class:`~regimens._models.calendar.Calendar` (frozen: dates, numbers and codes; the
words are the renderers'). It is plain date arithmetic on :class:`datetime.date`:

- **Days.** Day N of a cycle is day 1's date + (N − 1) days; day −1 (a premedication
  the day before) is day 1's date − 1 day, day −2 the day before that: there is no day
  0 (the library refuses it). Cycle n + 1 starts one cycle length after cycle n
  *actually* started: days before day 1 do not change the counting. Month and year
  ends and 29 February need no special case: ``timedelta`` counts real days.
- **Delays** (``Delay``: cycle, days, reason) postpone that cycle, and so every later
  one, which starts one cycle length after it. ``planned_start_date`` is the date with
  no delay and no move (``start + (n − 1) × cycle length``); ``start_date`` the date
  given to the patient.
- **Days off.** Clinic days (and pump disconnections) on a weekend or, with a country,
  a public holiday are flagged (the ``holidays`` package). With ``avoid``, a cycle whose
  day 1 falls on one moves to the next working day, flagged ``moved``; later cycles keep
  their interval from the moved cycle. A delay is applied first, then the move.
- **Clinic or home.** A day with an IV, SC or IM administration is a ``clinic`` day; a
  day whose only event is the end of a continuous infusion is a ``pump_off`` visit (at
  the clinic or by a home nurse); a day with oral treatment only is a ``home`` day.
- **Pump off.** A continuous infusion is connected on its day ("pump on") and
  disconnected on day + ceil(duration / 24 h): 46 h from day 1 ends on day 3. This
  assumes the infusion starts during the clinic day (46 h from any time between 02:00
  and midnight on day 1 ends on day 3); for any start time on that day it is never
  earlier than the real end, so a patient is never told to come before the pump is
  empty. The nurse confirms the hour from the time of connection.
- **Doses.** With a :class:`~regimens._models.patient.Patient`, each administration carries its
  dose from :func:`regimens._calc.dosing.compute_sheet` for that cycle: the calendar never
  computes a dose itself.

holidays is imported only inside the functions that need it (the CLI's cold start).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from regimens._errors import InputError, MissingInputError, UnknownNameError
from regimens._models.calendar import (
    FLAG_ORDER,
    MAX_CYCLES,
    WEEKDAYS,
    Avoid,
    Calendar,
    CalendarAdministration,
    CalendarCycle,
    CalendarDay,
    CalendarDose,
    CalendarDosing,
    CalendarNote,
    CalendarOptions,
    CalendarProvenance,
    Flag,
    MoveReason,
    PumpOff,
    Visit,
)
from regimens._models.identity import patient_identity
from regimens._models.sheet import SheetWarning
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.library import Library
    from regimens._models.patient import Patient
    from regimens._models.regimen import Component, Regimen
    from regimens._models.sheet import Administration

__all__ = ["build_calendar", "components_for_cycle", "date_of", "pump_off_day"]

#: How far avoid looks for a working day before giving up (a very long closure).
_MAX_MOVE_DAYS = 31
#: The weekend when no country is given (ISO weekdays 5 and 6).
_DEFAULT_WEEKEND = frozenset({5, 6})


# --- the arithmetic ---------------------------------------------------------------------


def pump_off_day(start_day: int, duration_h: float) -> int:
    """The day of the cycle a continuous infusion started on ``start_day`` is disconnected.

    ``start_day + ceil(duration_h / 24)``: 46 h from day 1 → day 3. Started during the
    clinic day, a 46-hour infusion ends on day 3 (see the module docstring).
    """
    return start_day + math.ceil(duration_h / 24)


def date_of(start: dt.date, day: int) -> dt.date:
    """The date of ``day`` of a cycle whose day 1 is ``start``: day −1 is the day before.

    >>> date_of(dt.date(2026, 3, 2), 8), date_of(dt.date(2026, 3, 2), -1)
    (datetime.date(2026, 3, 9), datetime.date(2026, 3, 1))
    """
    return start + dt.timedelta(days=day - 1 if day > 0 else day)


def components_for_cycle(
    main: Regimen, supportive: Sequence[Regimen], cycle: int
) -> tuple[tuple[str, Component], ...]:
    """(regimen id, component) given in ``cycle``: the main regimen's, then supportive ones.

    The rule (a supportive regimen on its ``given_with`` day, every n cycles from its
    first cycle) is the dose sheet's, written once in :mod:`regimens._calc.dosing`, so that
    the calendar and the sheet never disagree about zoledronic acid in cycle 3.
    """
    from regimens._calc.dosing import components_for_cycle as sheet_components

    return tuple(sheet_components(main, supportive, cycle))


class _DaysOff:
    """Weekends and, with a country, public holidays (the ``holidays`` package)."""

    def __init__(self, country: str | None) -> None:
        self.country = country
        self._holidays: Any = None
        self.weekend: frozenset[int] = _DEFAULT_WEEKEND
        if country is not None:
            self._holidays = _public_holidays(country)
            self.weekend = frozenset(self._holidays.weekend)

    def holiday(self, day: dt.date) -> str | None:
        if self._holidays is None:
            return None
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_weekend(self, day: dt.date) -> bool:
        return day.weekday() in self.weekend

    def why_not(self, day: dt.date, avoid: Sequence[Avoid]) -> MoveReason | None:
        """Why ``day`` is avoided (a holiday, else a weekend); None for a working day."""
        if "holidays" in avoid and (name := self.holiday(day)):
            return MoveReason(
                code="holiday", date=day, params={"name": name, "country": self.country or ""}
            )
        if "weekends" in avoid and self.is_weekend(day):
            return MoveReason(code="weekend", date=day)
        return None


def _public_holidays(code: str) -> Any:
    """The ``holidays`` calendar of ``code`` (``FR``, or ``DE-BY`` with a subdivision)."""
    import holidays

    country, _, subdivision = code.partition("-")
    how = (
        'python -c "import holidays; print(sorted(holidays.list_supported_countries()))" '
        "lists the codes"
    )
    try:
        base = holidays.country_holidays(country)
    except NotImplementedError:
        raise UnknownNameError(
            f"country: unknown country code {code!r}: give an ISO 3166-1 alpha-2 code that "
            f"the holidays package knows, e.g. FR, DE, GB, US ({how})",
            field="country",
        ) from None
    subdivisions = {str(name).casefold(): str(name) for name in base.subdivisions}
    if subdivision and subdivision.casefold() not in subdivisions:
        known = ", ".join(str(name) for name in base.subdivisions) or "none"
        raise UnknownNameError(
            f"country: {country} has no subdivision {subdivision!r} in the holidays package "
            f"(known: {known})",
            field="country",
        )
    # English names whatever the machine's locale, like the rest of the output.
    return holidays.country_holidays(
        country,
        subdiv=subdivisions[subdivision.casefold()] if subdivision else None,
        language="en_US",
    )


def _next_working_day(
    wanted: dt.date, days_off: _DaysOff, avoid: Sequence[Avoid]
) -> tuple[dt.date, tuple[MoveReason, ...]]:
    """``wanted`` or the first later day not avoided, and why each day skipped was avoided."""
    skipped: list[MoveReason] = []
    for offset in range(_MAX_MOVE_DAYS + 1):
        candidate = wanted + dt.timedelta(days=offset)
        reason = days_off.why_not(candidate, avoid)
        if reason is None:
            return candidate, tuple(skipped)
        skipped.append(reason)
    raise InputError(  # pragma: no cover - no country has a month of holidays
        f"avoid: no working day within {_MAX_MOVE_DAYS} days after {wanted.isoformat()}",
        field="avoid",
    )


def _day_of(
    start: dt.date,
    day: int,
    items: list[CalendarAdministration],
    pumps: list[PumpOff],
    days_off: _DaysOff,
) -> CalendarDay:
    date = date_of(start, day)
    if any(item.route != "PO" for item in items):
        visit: Visit = "clinic"
    elif pumps:
        visit = "pump_off"
    else:
        visit = "home"
    flags: set[Flag] = set()
    if any(item.method == "continuous_infusion" for item in items):
        flags.add("pump_on")
    if pumps:
        flags.add("pump_off")
    holiday = days_off.holiday(date)
    # Weekends and holidays matter where the patient must be seen, not for tablets at home.
    if visit != "home":
        if days_off.is_weekend(date):
            flags.add("weekend")
        if holiday:
            flags.add("holiday")
    return CalendarDay(
        day=day,
        date=date,
        weekday=WEEKDAYS[date.weekday()],
        visit=visit,
        administrations=tuple(items),
        pump_off=tuple(pumps),
        flags=tuple(flag for flag in FLAG_ORDER if flag in flags),
        holiday=holiday,
    )


def _cycle_days(
    main_id: str,
    components: Sequence[tuple[str, Component]],
    start: dt.date,
    days_off: _DaysOff,
    doses: dict[tuple[int, str, int], CalendarDose],
) -> list[CalendarDay]:
    """The treatment and pump-disconnection days of one cycle starting on ``start``."""
    given: dict[int, list[CalendarAdministration]] = {}
    pumps: dict[int, list[PumpOff]] = {}
    for regimen_id, component in components:
        for day in component.start_days:
            given.setdefault(day, []).append(
                CalendarAdministration(
                    drug=component.drug,
                    regimen=regimen_id,
                    order=component.order,
                    kind=component.kind,
                    route=component.route,
                    method=component.method,
                    duration_h=component.duration_h,
                    dose=doses.get((day, regimen_id, component.order)),
                )
            )
            if component.method == "continuous_infusion" and component.duration_h is not None:
                end = pump_off_day(day, component.duration_h)
                pumps.setdefault(end, []).append(
                    PumpOff(
                        drug=component.drug,
                        regimen=regimen_id,
                        order=component.order,
                        started_day=day,
                        started_date=date_of(start, day),
                        duration_h=component.duration_h,
                    )
                )
    return [
        _day_of(
            start,
            day,
            # The main regimen in its own order, then supportive add-ons (as on the sheet).
            sorted(given.get(day, []), key=lambda a: (a.regimen != main_id, a.order)),
            pumps.get(day, []),
            days_off,
        )
        for day in sorted(set(given) | set(pumps))
    ]


def _mark_first_day(days: list[CalendarDay], flags: Sequence[Flag]) -> list[CalendarDay]:
    """Put the cycle's ``delayed``/``moved`` flags on its first listed day."""
    if not days or not flags:
        return days
    first = days[0]
    merged = set(first.flags) | set(flags)
    days[0] = first.model_copy(
        update={"flags": tuple(flag for flag in FLAG_ORDER if flag in merged)}
    )
    return days


def _dose_of(item: Administration) -> CalendarDose:
    return CalendarDose(
        prescribed=item.prescribed,
        dose_mg=item.dose_mg,
        intakes_per_day=item.intakes_per_day,
        daily_dose_mg=item.daily_dose_mg,
        dose_unit=item.dose_unit,
        tablets=item.tablets,
        intakes=item.intakes,
        dispensable=not item.nearest_plans,
        withheld=item.withheld,
    )


def _notes(
    main: Regimen, added: Sequence[Regimen], options: CalendarOptions, dosed: bool
) -> tuple[CalendarNote, ...]:
    """The assumptions the dates rest on, as codes (the calendar's fields fill them in)."""
    notes = [CalendarNote(code="day_arithmetic")]
    if any(day < 1 for r in (main, *added) for c in r.components for day in c.days):
        notes.append(CalendarNote(code="day_before"))
    if any(c.method == "continuous_infusion" for r in (main, *added) for c in r.components):
        notes.append(CalendarNote(code="pump_off_rule"))
    notes.append(CalendarNote(code="days_off_flagged"))
    if options.avoid:
        notes.append(CalendarNote(code="avoid"))
    if dosed:
        notes.append(CalendarNote(code="doses"))
    return tuple(notes)


def _drug_names(library: Library, cycles: Sequence[CalendarCycle]) -> dict[str, dict[str, str]]:
    """INN → {language: name} of every drug given, from the library (as on a sheet)."""
    drugs = {item.drug for c in cycles for day in c.days for item in day.administrations}
    names = {inn: dict(library.drug(inn).local_names) for inn in sorted(drugs)}
    return {inn: local for inn, local in names.items() if local}


def _refuse_twice(added: list[Regimen]) -> None:
    """A supportive regimen named twice (by id or alias) would be given twice."""
    ids = [item.id for item in added]
    if len(set(ids)) < len(ids):
        twice = next(regimen_id for regimen_id in ids if ids.count(regimen_id) > 1)
        raise InputError(f"with: {twice} is given twice: name it once", field="with")


def _check_reach(start: dt.date, count: int, length: int, options: CalendarOptions) -> None:
    """The last date the layout can reach (every cycle, its delays, a year of moves) must
    exist: from 9999-12-20 the calendar would overflow the dates Python has."""
    reach = count * length + sum(delay.days for delay in options.delays) + 366
    if (dt.date.max - start).days < reach:
        raise InputError(
            f"start: {count} cycles of {length} days from {start.isoformat()} would run past "
            f"{dt.date.max.isoformat()}: give an earlier start date",
            field="start",
        )


def build_calendar(
    library: Library,
    regimen: Regimen | str,
    start: dt.date,
    options: CalendarOptions | None = None,
    *,
    patient: Patient | None = None,
    sheet_options: SheetOptions | None = None,
    patient_id: str | None = None,
    patient_name: str | None = None,
    patient_dob: dt.date | str | None = None,
) -> Calendar:
    """Lay out ``options.cycles`` cycles of ``regimen`` from ``start`` (cycle 1 day 1).

    With ``patient``, every administration carries its dose from
    :func:`regimens._calc.dosing.compute_sheet` for that cycle (``sheet_options`` as for a
    sheet; its ``cycle`` is set per cycle). ``patient_id``, ``patient_name`` and
    ``patient_dob`` are printed and checked as on a sheet
    (:class:`~regimens._models.identity.PatientIdentity`), never used in a calculation.
    """
    identity = patient_identity(
        patient_id=patient_id, patient_name=patient_name, patient_dob=patient_dob
    )
    options = options or CalendarOptions()
    main = library.get(regimen) if isinstance(regimen, str) else regimen
    added = [library.get(name) for name in options.supportive]
    _refuse_twice(added)
    count = options.cycles if options.cycles is not None else main.usual_cycles
    if count is None:
        raise MissingInputError(
            f"cycles: {main.id} has no usual number of cycles in the library: "
            f"give the number of cycles (1 to {MAX_CYCLES})",
            field="cycles",
        )
    _check_reach(start, count, main.cycle_length_days, options)
    late = [delay for delay in options.delays if delay.cycle > count]
    if late:
        raise InputError(
            f"delay: cycle {late[0].cycle} does not exist: this calendar has {count} cycles "
            f"(1 to {count})",
            field="delay",
        )
    if "holidays" in options.avoid and options.country is None:
        raise MissingInputError(
            "avoid: holidays needs the country whose public holidays to avoid "
            "(country: an ISO code such as FR)",
            field="avoid",
        )
    days_off = _DaysOff(options.country)
    delays = {delay.cycle: delay for delay in options.delays}
    length = dt.timedelta(days=main.cycle_length_days)

    # The sheet's helper, so that a calendar and a sheet name a regimen the same way.
    from regimens._calc.dosing import SheetOptions, compute_sheet, regimen_ref

    base_sheet_options = sheet_options or SheetOptions()
    dosing: CalendarDosing | None = None
    cycles: list[CalendarCycle] = []
    previous: dt.date | None = None
    for number in range(1, count + 1):
        planned = start + length * (number - 1)
        delay = delays.get(number)
        wanted = (start if previous is None else previous + length) + dt.timedelta(
            days=delay.days if delay else 0
        )
        actual, moved = _next_working_day(wanted, days_off, options.avoid)
        previous = actual

        components = components_for_cycle(main, added, number)
        doses: dict[tuple[int, str, int], CalendarDose] = {}
        warnings: tuple[SheetWarning, ...] = ()
        if patient is not None:
            sheet = compute_sheet(
                library,
                main,
                patient,
                base_sheet_options.model_copy(update={"cycle": number}),
                supportive=added,
            )
            doses = {
                (day.day, item.regimen, item.order): _dose_of(item)
                for day in sheet.days
                for item in day.administrations
            }
            warnings = sheet.warnings
            if dosing is None:
                dosing = CalendarDosing(
                    patient=sheet.patient,
                    bsa_formula=sheet.bsa_formula,
                    bsa_m2=sheet.bsa_m2,
                    crcl_ml_min=sheet.renal.crcl_ml_min if sheet.renal else None,
                )
        marks: list[Flag] = []
        if delay:
            marks.append("delayed")
        if moved:
            marks.append("moved")
        days = _mark_first_day(_cycle_days(main.id, components, actual, days_off, doses), marks)
        cycles.append(
            CalendarCycle(
                cycle=number,
                planned_start_date=planned,
                start_date=actual,
                end_date=actual + length - dt.timedelta(days=1),
                delay_days=delay.days if delay else 0,
                delay_reason=delay.reason if delay else None,
                moved_from=wanted if moved else None,
                moved_reasons=moved,
                shift_days=(actual - planned).days,
                supportive=tuple(dict.fromkeys(rid for rid, _ in components if rid != main.id)),
                days=tuple(days),
                warnings=warnings,
            )
        )

    main_ref = regimen_ref(library, main)
    added_refs = tuple(regimen_ref(library, item) for item in added)
    # What the calendar read, named as a sheet names it: the regimens, the facts of every
    # drug given (names; doses too with the measurements), the assessment settings when
    # the sheets had an assessment.
    sources = library.sources(
        [main.id, *(ref.id for ref in added_refs)],
        sorted({item.drug for c in cycles for day in c.days for item in day.administrations}),
        assessment=patient is not None and base_sheet_options.assessment is not None,
    )
    settings: dict[str, Any] = {"start": start.isoformat(), **options.model_dump(mode="json")}
    if patient is not None:
        settings["sheet"] = base_sheet_options.model_dump(mode="json", exclude={"cycle"})
    return Calendar(
        patient_id=identity.patient_id,
        patient_name=identity.patient_name,
        patient_dob=identity.patient_dob,
        regimen=main_ref,
        supportive=added_refs,
        start_date=start,
        cycle_count=count,
        country=options.country,
        weekend_days=tuple(WEEKDAYS[day] for day in sorted(days_off.weekend)),
        avoid=tuple(options.avoid),
        dosing=dosing,
        provisional=dosing is not None and base_sheet_options.provisional,
        cycles=tuple(cycles),
        notes=_notes(main, added, options, patient is not None),
        tool_version=__version__,
        provenance=CalendarProvenance(
            tool_version=__version__,
            regimen_id=main.id,
            regimen_sha256=main_ref.sha256,
            supportive={ref.id: ref.sha256 for ref in added_refs},
            options=settings,
            calculated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            files=sources.files,
            shadowed=sources.shadowed,
            library_dirs=sources.library_dirs,
        ),
        drug_names=_drug_names(library, cycles),
    )

"""Cycle calendars: the date of every cycle and what is given on each date.

:func:`build_calendar` turns a regimen, the date of cycle 1 day 1 and
:class:`CalendarOptions` into a :class:`Calendar` (frozen; the JSON contract of
``regimens calendar --format json``, ``docs/json-output.md``). It is plain date
arithmetic on :class:`datetime.date`:

- **Days.** Day N of a cycle is day 1's date + (N − 1) days; cycle n + 1 starts one
  cycle length after cycle n *actually* started. Month and year ends and 29 February
  need no special case: ``timedelta`` counts real days.
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

pint, holidays and icalendar are imported only inside the functions that need them
(the CLI's cold start).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from regimens._calc.measures import Measured
from regimens._errors import InputError, MissingInputError, UnknownNameError
from regimens._models.base import Whole
from regimens._models.sheet import RegimenRef, SheetWarning, TabletCount
from regimens._read.validation import own_error
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.patient import Patient
    from regimens._models.regimen import Component, Regimen
    from regimens._models.sheet import Administration
    from regimens._read.library import Library

__all__ = [
    "CALENDAR_SCHEMA_VERSION",
    "MAX_CYCLES",
    "MAX_DELAY_DAYS",
    "WEEKDAYS",
    "Avoid",
    "Calendar",
    "CalendarAdministration",
    "CalendarCycle",
    "CalendarDay",
    "CalendarDose",
    "CalendarDosing",
    "CalendarOptions",
    "Delay",
    "Flag",
    "PumpOff",
    "Visit",
    "build_calendar",
    "calendar_json_schema",
    "components_for_cycle",
    "parse_avoid",
    "parse_delay",
    "parse_iso_date",
    "pump_off_day",
]

#: Version of the calendar JSON document; bumped on any incompatible change.
CALENDAR_SCHEMA_VERSION = "1.0"
#: The dose sheet accepts cycles 1 to 100; a calendar is never longer.
MAX_CYCLES = 100
#: A postponement longer than a year is a typo, not a delay.
MAX_DELAY_DAYS = 365
#: How far --avoid looks for a working day before giving up (a very long closure).
_MAX_MOVE_DAYS = 31
#: Weekday names by ``date.weekday()``; fixed English, never the machine's locale.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The weekend when no country is given (ISO weekdays 5 and 6).
_DEFAULT_WEEKEND = frozenset({5, 6})

Flag = Literal["delayed", "moved", "pump_on", "pump_off", "weekend", "holiday"]
Visit = Literal["clinic", "pump_off", "home"]
Avoid = Literal["weekends", "holidays"]
#: Flags in the order they are listed.
_FLAG_ORDER: tuple[Flag, ...] = ("delayed", "moved", "pump_on", "pump_off", "weekend", "holiday")
_AVOID_NAMES: dict[str, Avoid] = {
    "weekends": "weekends",
    "weekend": "weekends",
    "holidays": "holidays",
    "holiday": "holidays",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- inputs -----------------------------------------------------------------------------


class Delay(_Frozen):
    """One cycle postponed by some days (e.g. counts not recovered), with the reason if given.

    Every later cycle moves with it: each starts one cycle length after the one before.
    """

    cycle: Whole = Field(description="The cycle postponed (1-based).")
    days: Whole = Field(description=f"By how many days, 1 to {MAX_DELAY_DAYS}.")
    reason: str | None = Field(default=None, description="Why, e.g. 'neutropenia grade 2'.")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="delay") from None

    @field_validator("cycle")
    @classmethod
    def _cycle_counted_from_1(cls, cycle: int) -> int:
        if cycle < 1 or cycle > MAX_CYCLES:
            raise InputError(
                f"delay: cycle {cycle} does not exist: cycles are numbered 1 to {MAX_CYCLES}",
                field="delay",
            )
        return cycle

    @field_validator("days")
    @classmethod
    def _days_in_range(cls, days: int) -> int:
        if days < 1 or days > MAX_DELAY_DAYS:
            raise InputError(
                f"delay: {days} days is not a postponement: give 1 to {MAX_DELAY_DAYS} days",
                field="delay",
            )
        return days

    @field_validator("reason")
    @classmethod
    def _blank_reason_is_none(cls, reason: str | None) -> str | None:
        return (reason.strip() or None) if reason is not None else None


class CalendarOptions(_Frozen):
    """What to put in a calendar besides the regimen and the start date."""

    cycles: Whole | None = Field(
        default=None,
        description=f"Number of cycles, 1 to {MAX_CYCLES}; None: the regimen's usual number.",
    )
    delays: tuple[Delay, ...] = ()
    country: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 code whose public holidays are flagged, e.g. 'FR'; "
        "a subdivision after a hyphen, e.g. 'DE-BY'.",
    )
    avoid: tuple[Avoid, ...] = Field(
        default=(), description="Move a cycle whose day 1 falls on a weekend or holiday."
    )
    supportive: tuple[str, ...] = Field(
        default=(), description="Supportive regimens given with this one (ids or aliases)."
    )

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise own_error(exc, prefix="option") from None

    @field_validator("cycles")
    @classmethod
    def _cycles_in_range(cls, cycles: int | None) -> int | None:
        if cycles is not None and not 1 <= cycles <= MAX_CYCLES:
            raise InputError(
                f"cycles: {cycles} is not a number of cycles: give 1 to {MAX_CYCLES}",
                field="cycles",
            )
        return cycles

    @field_validator("delays")
    @classmethod
    def _one_delay_per_cycle(cls, delays: tuple[Delay, ...]) -> tuple[Delay, ...]:
        seen: dict[int, Delay] = {}
        for delay in delays:
            if delay.cycle in seen:
                raise InputError(
                    f"delay: cycle {delay.cycle} is delayed twice ({seen[delay.cycle].days} and "
                    f"{delay.days} days): give the total delay of a cycle once, e.g. "
                    f"{delay.cycle}={seen[delay.cycle].days + delay.days}",
                    field="delay",
                )
            seen[delay.cycle] = delay
        return tuple(sorted(delays, key=lambda delay: delay.cycle))

    @field_validator("country")
    @classmethod
    def _country_upper(cls, country: str | None) -> str | None:
        if country is None:
            return None
        cleaned = country.strip()
        if not cleaned:
            raise InputError("country: empty: give an ISO code such as FR", field="country")
        code, sep, subdivision = cleaned.partition("-")
        return f"{code.upper()}{sep}{subdivision}"

    @field_validator("avoid")
    @classmethod
    def _avoid_once(cls, avoid: tuple[Avoid, ...]) -> tuple[Avoid, ...]:
        return tuple(name for name in ("weekends", "holidays") if name in avoid)


def parse_iso_date(text: str, *, field: str = "start") -> dt.date:
    """Read ``YYYY-MM-DD`` strictly: 2026-02-30 and 2026-2-3 are refused, not adjusted."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if match is None:
        raise InputError(
            f"{field}: {text!r} is not a date written YYYY-MM-DD (e.g. 2026-01-05)", field=field
        )
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise InputError(
            f"{field}: {text!r} is not a calendar date ({exc}); write YYYY-MM-DD, e.g. 2026-01-05",
            field=field,
        ) from None


_DELAY = re.compile(r"(\d+)\s*=\s*([+-]?\d+)\s*(?::(.*))?", re.DOTALL)


def parse_delay(text: str) -> Delay:
    """Read ``CYCLE=DAYS[:REASON]``: ``3=7:neutropenia`` postpones cycle 3 by 7 days."""
    match = _DELAY.fullmatch(text.strip())
    if match is None:
        raise InputError(
            f"delay: {text!r} is not CYCLE=DAYS[:REASON] (e.g. 3=7:neutropenia postpones "
            "cycle 3 and the cycles after it by 7 days)",
            field="delay",
        )
    return Delay(cycle=int(match.group(1)), days=int(match.group(2)), reason=match.group(3))


def parse_avoid(texts: str | Sequence[str]) -> tuple[Avoid, ...]:
    """Read ``weekends,holidays`` (one text or several; singular forms accepted)."""
    items = [texts] if isinstance(texts, str) else list(texts)
    found: list[Avoid] = []
    for text in items:
        for part in text.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in _AVOID_NAMES:
                raise InputError(
                    f"avoid: {part.strip()!r} is not something to avoid: give weekends, "
                    "holidays, or weekends,holidays",
                    field="avoid",
                )
            found.append(_AVOID_NAMES[name])
    return tuple(name for name in ("weekends", "holidays") if name in found)


# --- the calendar -----------------------------------------------------------------------


class CalendarDose(_Frozen):
    """The dose of one administration, copied from the cycle's dose sheet."""

    prescribed: str = Field(description="The library dose per intake, e.g. '85 mg/m2'.")
    dose_mg: float = Field(description="Per intake, final (rounded), from the dose sheet.")
    intakes_per_day: int
    daily_dose_mg: float
    tablets: tuple[TabletCount, ...] | None = None
    withheld: bool = False


class CalendarAdministration(_Frozen):
    """One drug given one way on one date."""

    drug: str = Field(description="Lowercase INN.")
    regimen: str = Field(description="Id of the regimen it comes from (a supportive one).")
    order: int
    route: str = Field(description="IV, PO, SC or IM.")
    method: str = Field(
        description="bolus, infusion, continuous_infusion, oral or injection.",
    )
    duration_h: float | None = None
    dose: CalendarDose | None = Field(
        default=None, description="Only when the patient's measurements were given."
    )


class PumpOff(_Frozen):
    """The end of a continuous infusion: the pump is disconnected on this date."""

    drug: str
    regimen: str
    order: int = Field(description="The administration's order on its start day.")
    started_day: int = Field(description="Day of the cycle the infusion was started.")
    started_date: dt.date
    duration_h: float


class CalendarDay(_Frozen):
    """One date of a cycle with treatment or a pump disconnection."""

    day: int = Field(description="Day of the cycle, 1-based.")
    date: dt.date
    weekday: str = Field(description="Monday … Sunday.")
    visit: Visit = Field(
        description="clinic: IV/SC/IM treatment; pump_off: only a pump disconnection "
        "(clinic or home nurse); home: oral treatment only."
    )
    administrations: tuple[CalendarAdministration, ...]
    pump_off: tuple[PumpOff, ...] = ()
    flags: tuple[Flag, ...] = ()
    holiday: str | None = Field(default=None, description="Name of the public holiday, if any.")


class CalendarCycle(_Frozen):
    """One cycle: when it was planned, when it starts, and its treatment days."""

    cycle: int
    planned_start_date: dt.date = Field(
        description="Day 1 with no delay and no move: start + (cycle − 1) × cycle length."
    )
    start_date: dt.date = Field(description="Day 1 as given to the patient.")
    end_date: dt.date = Field(description="The last day of the cycle (day = cycle length).")
    delay_days: int = Field(description="This cycle's own delay (0 when not delayed).")
    delay_reason: str | None = None
    moved_from: dt.date | None = Field(
        default=None, description="With avoid: the date day 1 was moved from."
    )
    moved_reason: str | None = None
    shift_days: int = Field(description="start_date − planned_start_date, in days.")
    supportive: tuple[str, ...] = Field(
        default=(), description="Ids of the supportive regimens given in this cycle."
    )
    days: tuple[CalendarDay, ...]
    warnings: tuple[SheetWarning, ...] = Field(
        default=(), description="The dose sheet's warnings for this cycle (with doses only)."
    )


class CalendarDosing(_Frozen):
    """The patient's measurements the doses were computed from."""

    patient: dict[str, Measured | str]
    bsa_formula: str
    bsa_m2: float | None
    crcl_ml_min: float | None


class Calendar(_Frozen):
    """A course of a regimen laid out on real dates."""

    schema_version: str = CALENDAR_SCHEMA_VERSION
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    start_date: dt.date = Field(description="Cycle 1 day 1 as asked (before any move).")
    cycle_count: int
    country: str | None = None
    weekend_days: tuple[str, ...]
    avoid: tuple[Avoid, ...] = ()
    dosing: CalendarDosing | None = None
    cycles: tuple[CalendarCycle, ...]
    notes: tuple[str, ...] = Field(default=(), description="Assumptions the dates rest on.")
    tool_version: str

    @property
    def blocking(self) -> bool:
        """True when a cycle's dose sheet carries a blocking warning."""
        return any(w.severity == "blocking" for c in self.cycles for w in c.warnings)

    def dated_days(self) -> list[tuple[CalendarCycle, CalendarDay]]:
        """Every treatment day of every cycle, in date order (then cycle)."""
        pairs = [(cycle, day) for cycle in self.cycles for day in cycle.days]
        return sorted(pairs, key=lambda pair: (pair[1].date, pair[0].cycle, pair[1].day))


def calendar_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``regimens calendar --format json`` (``docs/calendar.schema.json``)."""
    schema = Calendar.model_json_schema(mode="serialization")
    # The JSON document adds each warning's English message after its code.
    warning = schema["$defs"]["SheetWarning"]
    fields = list(warning["properties"].items())
    fields.insert(2, ("message", {"title": "Message", "type": "string"}))
    warning["properties"] = dict(fields)
    warning["required"] = ["severity", "code", "message"]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


# --- the arithmetic ---------------------------------------------------------------------


def pump_off_day(start_day: int, duration_h: float) -> int:
    """The day of the cycle a continuous infusion started on ``start_day`` is disconnected.

    ``start_day + ceil(duration_h / 24)``: 46 h from day 1 → day 3. Started during the
    clinic day, a 46-hour infusion ends on day 3 (see the module docstring).
    """
    return start_day + math.ceil(duration_h / 24)


def components_for_cycle(
    main: Regimen, supportive: Sequence[Regimen], cycle: int
) -> tuple[tuple[str, Component], ...]:
    """(regimen id, component) given in ``cycle``: the main regimen's, then supportive ones.

    The rule (a supportive regimen on its ``given_with`` day, every n cycles from its
    first cycle) is the dose sheet's, written once in :mod:`regimens._calc.dosing`, so that
    the calendar and the sheet never disagree about zoledronic acid in cycle 3.
    """
    from regimens._calc.dosing import _components_for_cycle

    return tuple(_components_for_cycle(main, supportive, cycle))


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

    def why_not(self, day: dt.date, avoid: Sequence[Avoid]) -> str | None:
        """Why ``day`` is avoided (``"Sunday (weekend)"``); None for a working day."""
        if "holidays" in avoid and (name := self.holiday(day)):
            return f"{name} (public holiday in {self.country})"
        if "weekends" in avoid and self.is_weekend(day):
            return f"{WEEKDAYS[day.weekday()]} (weekend)"
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
) -> tuple[dt.date, str | None]:
    """``wanted`` or the first later day not avoided, and why each day skipped was avoided."""
    skipped: list[str] = []
    for offset in range(_MAX_MOVE_DAYS + 1):
        candidate = wanted + dt.timedelta(days=offset)
        reason = days_off.why_not(candidate, avoid)
        if reason is None:
            return candidate, "; ".join(skipped) or None
        skipped.append(f"{candidate.isoformat()} {reason}")
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
    date = start + dt.timedelta(days=day - 1)
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
        flags=tuple(flag for flag in _FLAG_ORDER if flag in flags),
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
        for day in component.days:
            given.setdefault(day, []).append(
                CalendarAdministration(
                    drug=component.drug,
                    regimen=regimen_id,
                    order=component.order,
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
                        started_date=start + dt.timedelta(days=day - 1),
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
        update={"flags": tuple(flag for flag in _FLAG_ORDER if flag in merged)}
    )
    return days


def _dose_of(item: Administration) -> CalendarDose:
    return CalendarDose(
        prescribed=item.prescribed,
        dose_mg=item.dose_mg,
        intakes_per_day=item.intakes_per_day,
        daily_dose_mg=item.daily_dose_mg,
        tablets=item.tablets,
        withheld=item.withheld,
    )


def _notes(
    main: Regimen,
    added: Sequence[Regimen],
    options: CalendarOptions,
    days_off: _DaysOff,
    dosed: bool,
) -> tuple[str, ...]:
    notes = [
        "Day N of a cycle is its day 1 + (N - 1) days; each cycle starts one cycle length "
        "after the previous one actually started.",
    ]
    if any(c.method == "continuous_infusion" for r in (main, *added) for c in r.components):
        notes.append(
            "Pump off: on the day a continuous infusion ends, its start day + ceil(hours / 24): "
            "a 46-hour infusion from day 1 comes off on day 3, assuming it is started during "
            "the clinic day; confirm the hour from the time of connection."
        )
    weekend = " and ".join(WEEKDAYS[day] for day in sorted(days_off.weekend))
    holidays = f" or a public holiday in {options.country}" if options.country else ""
    notes.append(
        f"Clinic days and pump disconnections on a weekend ({weekend}){holidays} are flagged."
    )
    if options.avoid:
        notes.append(
            f"Avoid {' and '.join(options.avoid)}: only day 1 of a cycle is moved, to the next "
            "working day; its other days keep their place and are flagged."
        )
    if dosed:
        notes.append(
            "Doses are computed from today's measurements for every cycle: recompute them "
            "before each cycle with the patient's current weight and laboratory values."
        )
    return tuple(notes)


def build_calendar(
    library: Library,
    regimen: Regimen | str,
    start: dt.date,
    options: CalendarOptions | None = None,
    *,
    patient: Patient | None = None,
    sheet_options: SheetOptions | None = None,
) -> Calendar:
    """Lay out ``options.cycles`` cycles of ``regimen`` from ``start`` (cycle 1 day 1).

    With ``patient``, every administration carries its dose from
    :func:`regimens._calc.dosing.compute_sheet` for that cycle (``sheet_options`` as for a
    sheet; its ``cycle`` is set per cycle).
    """
    options = options or CalendarOptions()
    main = library.get(regimen) if isinstance(regimen, str) else regimen
    added = [library.get(name) for name in options.supportive]
    ids = [item.id for item in added]
    if len(set(ids)) < len(ids):
        twice = next(regimen_id for regimen_id in ids if ids.count(regimen_id) > 1)
        raise InputError(f"with: {twice} is given twice: name it once", field="with")
    count = options.cycles if options.cycles is not None else main.usual_cycles
    if count is None:
        raise MissingInputError(
            f"cycles: {main.id} has no usual number of cycles in the library: "
            f"give the number of cycles (--cycles N, 1 to {MAX_CYCLES})",
            field="cycles",
        )
    late = [delay for delay in options.delays if delay.cycle > count]
    if late:
        raise InputError(
            f"delay: cycle {late[0].cycle} does not exist: this calendar has {count} cycles "
            f"(1 to {count})",
            field="delay",
        )
    if "holidays" in options.avoid and options.country is None:
        raise MissingInputError(
            "avoid: holidays needs the country whose public holidays to avoid (--country CODE)",
            field="avoid",
        )
    days_off = _DaysOff(options.country)
    delays = {delay.cycle: delay for delay in options.delays}
    length = dt.timedelta(days=main.cycle_length_days)

    # The sheet's helper, so that a calendar and a sheet name a regimen the same way.
    from regimens._calc.dosing import SheetOptions, _regimen_ref, compute_sheet

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
        actual, moved_reason = _next_working_day(wanted, days_off, options.avoid)
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
        if moved_reason:
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
                moved_from=wanted if moved_reason else None,
                moved_reason=moved_reason,
                shift_days=(actual - planned).days,
                supportive=tuple(dict.fromkeys(rid for rid, _ in components if rid != main.id)),
                days=tuple(days),
                warnings=warnings,
            )
        )

    return Calendar(
        regimen=_regimen_ref(library, main),
        supportive=tuple(_regimen_ref(library, item) for item in added),
        start_date=start,
        cycle_count=count,
        country=options.country,
        weekend_days=tuple(WEEKDAYS[day] for day in sorted(days_off.weekend)),
        avoid=options.avoid,
        dosing=dosing,
        cycles=tuple(cycles),
        notes=_notes(main, added, options, days_off, patient is not None),
        tool_version=__version__,
    )

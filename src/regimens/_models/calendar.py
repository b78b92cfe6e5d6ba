"""Cycle calendars: the options a calendar is asked with and the calendar itself.

:class:`CalendarOptions` and :class:`Delay` are what a caller asks for; :class:`Calendar`
is what :func:`regimens._calc.calendar.build_calendar` returns. The models hold dates,
numbers and codes only: weekdays and flags are codes (English names kept as the JSON
contract, ``docs/json-output.md``), a move is a list of :class:`MoveReason` codes with
the date skipped and, for a holiday, its name; the notes a calendar rests on are
:class:`CalendarNote` codes. Every sentence is written by ``regimens._render``.
"""

import datetime as dt
from typing import Any, ClassVar, Literal, get_args

from pydantic import Field, field_validator

from regimens._errors import InputError
from regimens._models.base import Frozen, FrozenDict, FrozenMap, Items, PlainText, Whole
from regimens._models.measures import Measured
from regimens._models.provenance import LibraryDirectory, Shadowing, SourceFile
from regimens._models.schedule import DoseUnit
from regimens._models.sheet import Intake, RegimenRef, SheetWarning, TabletCount
from regimens._models.validation import Checked

__all__ = [
    "CALENDAR_SCHEMA_VERSION",
    "FLAG_ORDER",
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
    "CalendarNote",
    "CalendarOptions",
    "CalendarProvenance",
    "Delay",
    "Flag",
    "MoveReason",
    "MoveReasonCode",
    "NoteCode",
    "PumpOff",
    "Visit",
    "Weekday",
]

#: Version of the calendar JSON document: minor for a new field (1.1: ``patient_id``,
#: ``patient_name``, ``patient_dob``; 1.2: the provenance's ``files``, ``shadowed`` and
#: ``library_dirs``; 1.3: a dose's ``dose_unit``, mL or mmol for a hydration order),
#: major for an incompatible change.
CALENDAR_SCHEMA_VERSION = "1.3"
#: A calendar lays out at most 100 cycles (a dose sheet and a course go to cycle 200).
MAX_CYCLES = 100
#: A postponement longer than a year is a typo, not a delay.
MAX_DELAY_DAYS = 365

Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
#: Weekday codes by ``date.weekday()``: fixed, never the machine's locale. Renderers
#: translate them by position.
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
Flag = Literal["delayed", "moved", "pump_on", "pump_off", "weekend", "holiday"]
Visit = Literal["clinic", "pump_off", "home"]
Avoid = Literal["weekends", "holidays"]
#: Why a day 1 was moved from a date: it fell on a weekend, or on a public holiday.
MoveReasonCode = Literal["weekend", "holiday"]
#: The assumptions a calendar's dates rest on (their words are the renderers').
NoteCode = Literal[
    "day_arithmetic", "day_before", "pump_off_rule", "days_off_flagged", "avoid", "doses"
]
#: Flags in the order they are listed.
FLAG_ORDER: tuple[Flag, ...] = ("delayed", "moved", "pump_on", "pump_off", "weekend", "holiday")


class _Input(Checked):
    """An input model: a type error becomes an :class:`InputError` naming the field."""


# --- inputs -----------------------------------------------------------------------------


class Delay(_Input):
    """One cycle postponed by some days (e.g. counts not recovered), with the reason if given.

    Every later cycle moves with it: each starts one cycle length after the one before.
    """

    _label: ClassVar[str] = "delay"

    cycle: Whole = Field(description="The cycle postponed (1-based).")
    days: Whole = Field(description=f"By how many days, 1 to {MAX_DELAY_DAYS}.")
    reason: PlainText | None = Field(default=None, description="Why, e.g. 'neutropenia grade 2'.")

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


class CalendarOptions(_Input):
    """What to put in a calendar besides the regimen and the start date."""

    _label: ClassVar[str] = "option"

    cycles: Whole | None = Field(
        default=None,
        description=f"Number of cycles, 1 to {MAX_CYCLES}; None: the regimen's usual number.",
    )
    delays: Items[Delay] = ()
    country: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-2 code whose public holidays are flagged, e.g. 'FR'; "
        "a subdivision after a hyphen, e.g. 'DE-BY'.",
    )
    avoid: Items[Avoid] = Field(
        default=(), description="Move a cycle whose day 1 falls on a weekend or holiday."
    )
    supportive: Items[str] = Field(
        default=(), description="Supportive regimens given with this one (ids or aliases)."
    )

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


# --- the calendar -----------------------------------------------------------------------


class CalendarDose(Frozen):
    """The dose of one administration, copied from the cycle's dose sheet."""

    prescribed: str = Field(description="The library dose per intake, e.g. '85 mg/m2'.")
    dose_mg: float = Field(description="Per intake, final (rounded), from the dose sheet.")
    intakes_per_day: int
    daily_dose_mg: float
    dose_unit: DoseUnit = Field(
        default="mg", description="The unit of the doses: mg, or a hydration order's mL or mmol."
    )
    tablets: tuple[TabletCount, ...] | None = None
    intakes: tuple[Intake, ...] | None = Field(
        default=None,
        description="An oral plan's intakes of the day, morning first (they may differ).",
    )
    dispensable: bool = Field(
        default=True,
        description="False when no plan of whole tablets is within the tolerance: the "
        "dose is the calculated one, not a dose to give (see the sheet's warning).",
    )
    withheld: bool = False


class CalendarAdministration(Frozen):
    """One drug given one way on one date."""

    drug: str = Field(description="Lowercase INN.")
    regimen: str = Field(description="Id of the regimen it comes from (a supportive one).")
    order: int
    kind: str = Field(
        default="chemotherapy",
        description="chemotherapy, premedication, antiemetic, hydration or supportive.",
    )
    route: str = Field(description="IV, PO, SC or IM.")
    method: str = Field(
        description="bolus, infusion, continuous_infusion, oral or injection.",
    )
    duration_h: float | None = None
    dose: CalendarDose | None = Field(
        default=None, description="Only when the patient's measurements were given."
    )


class PumpOff(Frozen):
    """The end of a continuous infusion: the pump is disconnected on this date."""

    drug: str
    regimen: str
    order: int = Field(description="The administration's order on its start day.")
    started_day: int = Field(description="Day of the cycle the infusion was started.")
    started_date: dt.date
    duration_h: float


class CalendarDay(Frozen):
    """One date of a cycle with treatment or a pump disconnection."""

    day: int = Field(description="Day of the cycle, 1-based; -1 is the day before day 1.")
    date: dt.date
    weekday: Weekday = Field(description="Monday … Sunday.")
    visit: Visit = Field(
        description="clinic: IV/SC/IM treatment; pump_off: only a pump disconnection "
        "(clinic or home nurse); home: oral treatment only."
    )
    administrations: tuple[CalendarAdministration, ...]
    pump_off: tuple[PumpOff, ...] = ()
    flags: tuple[Flag, ...] = ()
    holiday: str | None = Field(default=None, description="Name of the public holiday, if any.")


class MoveReason(Frozen):
    """A date day 1 was moved away from, and why (``weekend`` or ``holiday``)."""

    code: MoveReasonCode
    date: dt.date = Field(description="The date skipped.")
    params: FrozenMap[str, str] = Field(
        default_factory=FrozenDict,
        description="holiday: 'name' (the holidays package's name) and 'country'.",
    )


class CalendarCycle(Frozen):
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
    moved_reasons: tuple[MoveReason, ...] = Field(
        default=(), description="With avoid: every day skipped, in order, and why."
    )
    shift_days: int = Field(description="start_date − planned_start_date, in days.")
    supportive: tuple[str, ...] = Field(
        default=(), description="Ids of the supportive regimens given in this cycle."
    )
    days: tuple[CalendarDay, ...]
    warnings: tuple[SheetWarning, ...] = Field(
        default=(), description="The dose sheet's warnings for this cycle (with doses only)."
    )


class CalendarDosing(Frozen):
    """The patient's measurements the doses were computed from."""

    patient: FrozenMap[str, Measured | str] = Field(default_factory=FrozenDict)
    bsa_formula: str
    bsa_m2: float | None
    crcl_ml_min: float | None


class CalendarNote(Frozen):
    """An assumption the dates rest on, as a code (and its values)."""

    code: NoteCode
    params: FrozenMap[str, str] = Field(default_factory=FrozenDict)


class CalendarProvenance(Frozen):
    """Enough to recompute the calendar: tool, regimen files, options, time."""

    tool: str = "regimens"
    tool_version: str
    regimen_id: str
    regimen_sha256: str
    supportive: FrozenMap[str, str] = Field(
        default_factory=FrozenDict, description="Supportive regimen id → its file's sha256."
    )
    options: FrozenMap[str, Any] = Field(
        default_factory=FrozenDict, description="The options, as given to build_calendar."
    )
    calculated_at: str = Field(description="ISO 8601, UTC.")
    files: tuple[SourceFile, ...] = Field(
        default=(),
        description="Every library file the calendar read, with its SHA-256 (1.2): the "
        "regimen files, the drug-facts file of each drug given, assessment.toml when the "
        "doses had an assessment. As in the sheet's provenance.",
    )
    shadowed: tuple[Shadowing, ...] = Field(
        default=(),
        description="The user files among them that replaced an earlier layer's (1.2).",
    )
    library_dirs: tuple[LibraryDirectory, ...] = Field(
        default=(), description="The user library directories, in layer order (1.2)."
    )


class Calendar(Frozen):
    """A course of a regimen laid out on real dates."""

    schema_version: str = CALENDAR_SCHEMA_VERSION
    #: Who the calendar is for (checked by :class:`~regimens._models.identity.PatientIdentity`).
    patient_id: str | None = Field(
        default=None, description="Printed on the calendar; never used in a calculation (1.1)."
    )
    patient_name: str | None = Field(
        default=None, description="Printed on the calendar; never used in a calculation (1.1)."
    )
    patient_dob: dt.date | None = Field(
        default=None, description="Date of birth, printed; never used in a calculation (1.1)."
    )
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    start_date: dt.date = Field(description="Cycle 1 day 1 as asked (before any move).")
    cycle_count: int
    country: str | None = None
    weekend_days: tuple[Weekday, ...]
    avoid: tuple[Avoid, ...] = ()
    dosing: CalendarDosing | None = None
    provisional: bool = Field(
        default=False,
        description="Doses computed for planning only (--provisional): not for administration.",
    )
    cycles: tuple[CalendarCycle, ...]
    notes: tuple[CalendarNote, ...] = Field(
        default=(), description="Assumptions the dates rest on."
    )
    tool_version: str
    provenance: CalendarProvenance
    drug_names: FrozenMap[str, FrozenMap[str, str]] = Field(
        default_factory=FrozenDict, description="INN → {language: name} (the library's)."
    )

    @property
    def blocking(self) -> bool:
        """True when a cycle's dose sheet carries a blocking warning."""
        return any(w.severity == "blocking" for c in self.cycles for w in c.warnings)

    def dated_days(self) -> list[tuple[CalendarCycle, CalendarDay]]:
        """Every treatment day of every cycle, in date order (then cycle)."""
        pairs = [(cycle, day) for cycle in self.cycles for day in cycle.days]
        return sorted(pairs, key=lambda pair: (pair[1].date, pair[0].cycle, pair[1].day))

"""The treatment record of a course line, as computed (issue 20): cycles, delays, dose
intensity.

Numbers and codes only; the renderers word them. How each figure is computed:
:mod:`regimens._calc.course_record` and ``docs/course.md``.
"""

import datetime as dt

from pydantic import Field

from regimens._models.base import Frozen, FrozenDict, FrozenMap

__all__ = ["CycleRecord", "DrugIntensity", "LineRecord"]


class DrugIntensity(Frozen):
    """The relative dose intensity of one drug over one line (Hryniuk).

    delivered = mg/m² given ÷ weeks from the first day 1 to the end of the last cycle
    (its day 1 + cycle length); planned = the regimen's mg/m² per cycle ÷ cycle weeks.
    """

    drug: str
    delivered_mg_per_m2: float  # the sum over the line's cycles, as given
    planned_mg_per_m2_per_cycle: float  # the library dose at 100 %
    weeks: float
    delivered_mg_per_m2_per_week: float
    planned_mg_per_m2_per_week: float
    rdi_percent: float


class CycleRecord(Frozen):
    """One cycle of a line as recorded: its date, delay, weight, BSA and what was given."""

    cycle: int  # from 1
    date: dt.date | None
    #: The previous cycle's day 1 + the cycle length; None for the first or an undated cycle.
    planned_date: dt.date | None
    delay_days: int | None  # date − planned_date (negative: early)
    weight_kg: float
    bsa_m2: float | None
    #: Drug INN → dose level %, for the drugs not at 100 % in this cycle.
    dose_levels: FrozenMap[str, float] = Field(default_factory=FrozenDict)
    given: FrozenMap[str, str] = Field(default_factory=FrozenDict)  # INN → as written
    withheld: tuple[str, ...] = ()
    withheld_days: FrozenMap[str, tuple[int, ...]] = Field(default_factory=FrozenDict)
    labs: tuple[str, ...] = ()
    toxicity: tuple[str, ...] = ()
    notes: str = ""


class LineRecord(Frozen):
    """The record of one line: its cycles, delays and dose intensity."""

    cycle_length_days: int
    planned_cycles: int | None  # the line's planned_cycles, else the regimen's usual number
    cycles: tuple[CycleRecord, ...]
    #: The sum of the cycles' delays (days; None when a cycle is undated).
    delay_days_total: int | None
    delayed_cycles: int  # cycles given later than planned
    #: Days from the first day 1 to the last day 1 + the cycle length (None: undated).
    window_days: int | None
    #: Per drug dosed per m² of the regimen; empty when the first or last cycle is undated.
    intensity: tuple[DrugIntensity, ...]

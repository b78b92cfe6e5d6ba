"""The next cycle of a course's last line (``regimens next``, issue 20).

- **Number and date**: the line's cycles + 1; the last cycle's day 1 + the cycle
  length, moved off weekends or holidays by ``avoid`` exactly as ``regimens calendar``
  moves a day 1 (:func:`regimens._calc.calendar.build_calendar` lays out this cycle and
  those still planned).
- **Measurements**: the last cycle's (course, line and cycle merged), each replaced by
  one given now (a creatinine given now drops the recorded CrCl, and the reverse).
- **Dose levels carried forward**: each drug at the lowest level of the line's cycles,
  with the first cycle at that level and its reason (the cycle's notes, else its
  toxicity). Capecitabine by its label (SmPC 4.2, as in drugs.toml's ladder source:
  "once the dose has been reduced, it should not be increased at a later time"): a
  higher ``drug_dose_levels`` entry is refused. Every other drug is carried too: no
  label rule is encoded, and the library never re-escalates by itself; a prescriber who
  does says so with ``drug_dose_levels`` (``--drug-dose-level``), and the sheet shows it.
- **Today's assessment**: the sheet options' ``assessment`` (labs and toxicity given
  now), applied by :func:`regimens._calc.dosing.compute_sheet` as for ``regimens sheet``;
  a weight given now is compared with the last cycle's (its ``reference_weight``, unless
  one is given): the sheet's ``WEIGHT_CHANGED`` at 10 % or more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from regimens._calc.course import LastLine, last_line, sheets_sources
from regimens._errors import InputError
from regimens._models.course import PATIENT_FIELDS, Course
from regimens._models.course_next import (
    LABS_BEFORE_DAYS,
    CarriedLevel,
    CarriedRule,
    NextCycle,
    NextProvenance,
    NextVisit,
)
from regimens._models.options import DrugDoseLevel
from regimens._models.patient import Patient

if TYPE_CHECKING:
    from regimens._models.calendar import Avoid
    from regimens._models.library import Library
    from regimens._models.options import SheetOptions

__all__ = ["NEVER_RE_ESCALATED", "carried_levels", "next_cycle"]

#: Drugs whose label says a reduced dose is not increased again, with the words.
NEVER_RE_ESCALATED: Mapping[str, str] = {
    "capecitabine": "capecitabine label (SmPC 4.2; drugs.toml, the capecitabine ladder's "
    "source, V via a MIMS copy): 'Once the dose has been reduced, it should not be "
    "increased at a later time'",
}


def carried_levels(last: LastLine) -> list[CarriedLevel]:
    """Each drug reduced in the line, at its lowest level, with the first cycle at it."""
    lowest: dict[str, tuple[float, int]] = {}
    for number, sheet in enumerate(last.sheets, start=1):
        for day in sheet.days:
            for item in day.administrations:
                level = item.dose_level_percent
                if level < 100 and (item.drug not in lowest or level < lowest[item.drug][0]):
                    lowest[item.drug] = (level, number)
    carried = []
    for drug, (percent, number) in lowest.items():
        cycle = last.line.cycles[number - 1]
        reason = cycle.notes or ", ".join(cycle.toxicity)
        rule: CarriedRule = "label" if drug in NEVER_RE_ESCALATED else "library"
        carried.append(
            CarriedLevel(drug=drug, percent=percent, cycle=number, reason=reason, rule=rule)
        )
    return carried


def _patient(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> Patient:
    values = dict(recorded)
    if "creatinine" in now:
        values.pop("crcl", None)
    if "crcl" in now:
        values.pop("creatinine", None)
    values.update(now)
    for name in ("height", "weight"):
        if name not in values:
            raise InputError(
                f"{name}: missing: give --{name}, or record it in the course file",
                field=name,
            )
    return Patient(**{PATIENT_FIELDS[name]: value for name, value in values.items()})


def _levels(
    carried: list[CarriedLevel], given: Sequence[DrugDoseLevel]
) -> tuple[list[CarriedLevel], tuple[DrugDoseLevel, ...]]:
    """The sheet's drug levels: the carried ones, replaced by those given now."""
    now = {level.drug: level for level in given}
    result = []
    levels = list(given)
    for item in carried:
        replaced = now.get(item.drug)
        if replaced is None:
            why = f"carried from cycle {item.cycle}" + (f": {item.reason}" if item.reason else "")
            levels.append(DrugDoseLevel(drug=item.drug, percent=item.percent, reason=why))
            result.append(item)
            continue
        if item.rule == "label" and replaced.percent > item.percent:
            raise InputError(
                f"{item.drug} {replaced.percent:g}% is above the "
                f"{item.percent:g}% it was reduced to in cycle {item.cycle}: "
                f"{NEVER_RE_ESCALATED[item.drug]} (give {item.percent:g} or less)",
                field="drug_dose_level",
            )
        result.append(item.model_copy(update={"replaced_by": replaced.percent}))
    return result, tuple(levels)


def next_cycle(
    library: Library,
    course: Course,
    options: SheetOptions,
    *,
    measured_now: Mapping[str, Any] | None = None,
    source: str | None = None,
    avoid: Sequence[Avoid] = (),
    country: str | None = None,
    labs_before_days: int = LABS_BEFORE_DAYS,
) -> NextCycle:
    """The next cycle of the course's last line (module docstring).

    ``options`` holds what is given now: the drug levels (``--drug-dose-level``) and
    the treatment day's assessment; ``measured_now`` the measurements given now, in
    canonical units (as :func:`regimens._read.course.read_measurements` returns them).
    """
    from regimens._calc.calendar import build_calendar
    from regimens._calc.dosing import compute_sheet
    from regimens._models.calendar import CalendarOptions

    if isinstance(labs_before_days, bool) or not 0 <= labs_before_days <= 14:
        raise InputError(
            f"the blood test is 0 to 14 days before day 1, got {labs_before_days!r}",
            field="labs_before_days",
        )
    last = last_line(library, course, source=source)
    now = dict(measured_now or {})
    carried, levels = _levels(carried_levels(last), options.drug_dose_levels)
    number = len(last.line.cycles) + 1
    assessment = options.assessment
    if (
        assessment is not None
        and assessment.reference_weight_kg is None
        and "weight" in now
        and "weight" in last.measurements
    ):
        # Today's weight against the last cycle's: the sheet's WEIGHT_CHANGED (>= 10 %).
        assessment = assessment.model_copy(
            update={"reference_weight_kg": last.measurements["weight"]}
        )
    sheet_options = options.model_copy(
        update={
            "bsa_formula": last.bsa_formula,
            # The carried levels are each drug's effective level (a line's dose_level
            # included): the sheet applies them alone, never on top of it again.
            "dose_level_percent": 100.0,
            "drug_dose_levels": levels,
            "cycle": number,
            "assessment": assessment,
        }
    )
    sheet = compute_sheet(
        library,
        last.regimen,
        _patient(last.measurements, now),
        sheet_options,
        supportive=last.supportive,
    )
    recheck = sheet.assessment.recheck_date if sheet.assessment else None
    planned_cycles = last.line.planned_cycles or last.regimen.usual_cycles
    remaining = (planned_cycles - number + 1) if planned_cycles else 1
    last_date = last.line.cycles[-1].date if last.line.cycles else None
    planned = last_date + dt.timedelta(days=last.regimen.cycle_length_days) if last_date else None
    visits: list[NextVisit] = []
    if planned is not None:
        calendar = build_calendar(
            library,
            last.regimen,
            planned,
            CalendarOptions(
                cycles=max(remaining, 1), avoid=tuple(avoid), country=country, supportive=()
            ),
        )
        before = dt.timedelta(days=labs_before_days)
        visits = [
            NextVisit(
                cycle=number + item.cycle - 1,
                labs_date=_weekday_on_or_before(item.start_date - before),
                planned_date=item.planned_start_date,
                date=item.start_date,
                moved_from=item.moved_from,
                recheck_date=recheck if item.cycle == 1 else None,
            )
            for item in calendar.cycles
        ]
    # The last line's sheets and this one's: every file the command read.
    sources = sheets_sources(library, [*last.sheets, sheet])
    return NextCycle(
        source=source,
        patient_id=course.patient.id,
        line=last.number,
        regimen=last.regimen.id,
        cycle=number,
        cycles_given=number - 1,
        planned_cycles=planned_cycles,
        beyond_plan=planned_cycles is not None and remaining < 1,
        last_date=last_date,
        planned_date=planned,
        date=visits[0].date if visits else None,
        recheck_date=recheck,
        labs_before_days=labs_before_days,
        carried=tuple(carried),
        measured_now=tuple(now),
        calendar=tuple(visits),
        provenance=NextProvenance(
            calculated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            course_sha256=course.sha256,
            files=sources.files,
            shadowed=sources.shadowed,
            library_dirs=sources.library_dirs,
        ),
        sheet=sheet,
    )


def _weekday_on_or_before(date: dt.date) -> dt.date:
    """A blood test falls on a weekday: one due on a Saturday or Sunday moves back to
    the Friday before (a day-1 Monday with a 1-day lead is tested on the Friday)."""
    while date.weekday() >= 5:  # Saturday 5, Sunday 6
        date -= dt.timedelta(days=1)
    return date

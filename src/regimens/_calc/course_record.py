"""A course line as a treatment record (issue 20): the doses given, the delays, the
relative dose intensity and the weight guard.

**Doses given.** Each administration counts its sheet's dose, unless the cycle's record
says otherwise: a drug in ``withheld`` counts 0 in that cycle, a day in
``withheld_days`` counts 0 for that drug, and ``given`` replaces the dose of each day
the sheet gives the drug (``"136 mg"`` and ``"1650 mg/day"``: mg on that day, converted
to mg/m² with that cycle's BSA; ``"68 mg/m2"``: mg/m², times the BSA for mg). A ``given``
dose of a drug given twice on one day (a bolus and an infusion) is refused: which of
them it replaces cannot be told.

**Delays.** A cycle's planned day 1 is the previous cycle's day 1 + the cycle length;
its delay is its actual day 1 − that (negative when early). A line's total is the sum.

**Relative dose intensity** (Hryniuk W, Bush H. J Clin Oncol 1984;2(11):1281–1288,
dose intensity as mg/m² per week): delivered = the mg/m² given over the line ÷ the
weeks from the first cycle's day 1 to the end of the last cycle (its day 1 + the cycle
length); planned = the regimen's mg/m² per cycle at 100 % (the library dose, without
organ adjustment) ÷ the cycle length in weeks; RDI = delivered ÷ planned. Only for the
regimen's drugs dosed per m², and only when the first and last cycles are dated.
Below the threshold (85 % by default: the usual cut-off since Lyman GH, J Natl Compr
Canc Netw 2009;7(1):99–108) → ``RDI_BELOW_THRESHOLD``.

**Weight guard.** Each cycle's weight against the line's first cycle and against the
previous cycle: a change ≥ the threshold (the library's ``weight_change_percent``,
10 %, the same as the sheet's ``WEIGHT_CHANGED``; source in assessment.toml) →
``WEIGHT_CHANGED``, naming the cycle, both weights and both BSAs. Compared after
rounding to 6 decimals, so that 60 → 66 kg is exactly 10 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from regimens._errors import InputError, UnknownNameError
from regimens._models.course import (
    COURSE_WARNING_CODES,
    CourseCycle,
    CourseWarning,
    CourseWarningCode,
)
from regimens._models.course_record import CycleRecord, DrugIntensity, LineRecord
from regimens._models.sheet import Administration, DoseSheet

if TYPE_CHECKING:
    from regimens._models.library import Library
    from regimens._models.regimen import Regimen

__all__ = ["Delivered", "delivered", "line_record", "planned_per_cycle", "rdi_percent"]

_DECIMALS = 6

#: (mg, mg/m² or None when the drug is not dosed per m²) of one administration.
Delivered = tuple[float, float | None]


def _round(value: float) -> float:
    return round(value, _DECIMALS) + 0.0


def rdi_percent(
    delivered_mg_per_m2: float, weeks: float, planned_per_cycle: float, cycle_days: int
) -> float:
    """Relative dose intensity, % (Hryniuk): (delivered / weeks) / (planned / cycle weeks).

    The issue 20 example: oxaliplatin 85, 85, 68, 68 mg/m² on days 0, 14, 35, 49 of a
    14-day regimen: 306 mg/m² over 63 days (9 weeks) = 34 per week; 85 per 2 weeks =
    42.5 per week:

    >>> rdi_percent(306, 9, 85, 14)
    80.0
    """
    planned = planned_per_cycle / (cycle_days / 7)
    return _round(delivered_mg_per_m2 / weeks / planned * 100)


def planned_per_cycle(regimen: Regimen, cycles: int = 1) -> dict[str, float]:
    """Drug → mg/m² per cycle at 100 %, for the regimen's chemotherapy dosed per m².

    A component given only in some cycles (``cycles = "1"``) counts in those: the
    planned amount is the mean over cycles 1 to ``cycles`` (the line's). Premedication,
    antiemetic, hydration and supportive orders are not dose intensity.
    """
    planned: dict[str, float] = {}
    count = max(cycles, 1)
    for component in regimen.components:
        if component.dose.basis != "per_m2" or not component.is_chemotherapy:
            continue
        daily = component.dose.amount * (
            component.intakes_per_day if component.dose_per == "intake" else 1
        )
        given_in = sum(1 for number in range(1, count + 1) if component.given_in(number))
        if not given_in:
            continue
        amount = daily * len(component.days) * given_in / count
        planned[component.drug] = planned.get(component.drug, 0.0) + amount
    return {drug: _round(amount) for drug, amount in planned.items()}


class _Cycle:
    """One cycle's record with its drug names resolved; errors name the cycle's field."""

    def __init__(self, library: Library, cycle: CourseCycle, where: str, sheet: DoseSheet) -> None:
        self.where = where
        self.given = {self._inn(library, name, "given"): dose for name, dose in cycle.given.items()}
        self.withheld = {self._inn(library, name, "withheld") for name in cycle.withheld}
        self.withheld_days = {
            self._inn(library, name, "withheld_days"): set(days)
            for name, days in cycle.withheld_days.items()
        }
        self._check(sheet)

    def _inn(self, library: Library, name: str, field: str) -> str:
        try:
            return library.drug(name).inn
        except UnknownNameError as exc:
            raise InputError(
                f"{self.where}.{field}: {exc}", field=f"{self.where}.{field}"
            ) from None

    def _fail(self, field: str, reason: str) -> InputError:
        return InputError(f"{self.where}.{field}: {reason}", field=f"{self.where}.{field}")

    def _check(self, sheet: DoseSheet) -> None:
        days: dict[str, list[int]] = {}
        for day in sheet.days:
            for item in day.administrations:
                days.setdefault(item.drug, []).append(day.day)
        for field, drugs in (
            ("given", self.given),
            ("withheld", self.withheld),
            ("withheld_days", self.withheld_days),
        ):
            for drug in drugs:
                if drug not in days:
                    raise self._fail(
                        f"{field}.{drug}" if field != "withheld" else field,
                        f"{drug} is not given in this cycle's sheet (its drugs: {', '.join(days)})",
                    )
        for drug in self.given:
            if len(days[drug]) != len(set(days[drug])):
                raise self._fail(
                    f"given.{drug}",
                    f"{drug} is given more than once on a day of this regimen (e.g. a bolus "
                    "and an infusion): a single given dose cannot say which it replaces; "
                    "record the dose levels instead",
                )
            if drug in self.withheld:
                raise self._fail(f"given.{drug}", f"{drug} is also in withheld: say one")
        for drug, off in self.withheld_days.items():
            unknown = sorted(off - set(days[drug]))
            if unknown:
                raise self._fail(
                    f"withheld_days.{drug}",
                    f"day {unknown[0]} is not a day of {drug} in this cycle (its days: "
                    f"{', '.join(str(d) for d in sorted(set(days[drug])))})",
                )

    def delivered(self, item: Administration, day: int) -> Delivered:
        return delivered(item, day, self)


def _sheet_intensity(item: Administration) -> float | None:
    if item.dose_basis != "per_m2" or not item.basis_value:
        return None
    if item.withheld:
        return 0.0
    return _round(item.calculated_mg * item.intakes_per_day / item.basis_value)


def delivered(item: Administration, day: int, cycle: _Cycle | None) -> Delivered:
    """What one administration delivered: the sheet's dose, or the record's."""
    per_m2 = _sheet_intensity(item)
    if cycle is None:
        return item.daily_dose_mg, per_m2
    if item.drug in cycle.withheld or day in cycle.withheld_days.get(item.drug, ()):
        return 0.0, None if per_m2 is None else 0.0
    given = cycle.given.get(item.drug)
    if given is None:
        return item.daily_dose_mg, per_m2
    bsa = item.basis_value if item.dose_basis == "per_m2" else None
    if given.unit == "mg":
        return given.amount, None if not bsa else _round(given.amount / bsa)
    if not bsa:
        raise cycle._fail(
            f"given.{item.drug}",
            f"{given.text!r} is per m2 but {item.drug} is not dosed per m2 in this regimen: "
            "give the mg",
        )
    return _round(given.amount * bsa), given.amount


def record_cycles(
    library: Library, cycles: Sequence[CourseCycle], sheets: Sequence[DoseSheet], here: str
) -> list[_Cycle]:
    """Each cycle's record, checked against its sheet."""
    return [
        _Cycle(library, cycle, f"{here}.cycles[{index}]", sheet)
        for index, (cycle, sheet) in enumerate(zip(cycles, sheets, strict=True), start=1)
    ]


def line_record(
    regimen: Regimen,
    cycles: Sequence[CourseCycle],
    sheets: Sequence[DoseSheet],
    weights: Sequence[float],
    records: Sequence[_Cycle],
    *,
    line: int,
    planned_cycles: int | None,
    rdi_threshold: float,
    weight_threshold: float,
) -> tuple[LineRecord, list[CourseWarning]]:
    """The record of one line, and its RDI and weight warnings."""
    length = regimen.cycle_length_days
    rows: list[CycleRecord] = []
    above: list[CourseWarning] = []
    previous: dt.date | None = None
    delivered_per_m2: dict[str, float] = {}
    for index, (cycle, sheet, record) in enumerate(zip(cycles, sheets, records, strict=True)):
        planned_date = previous + dt.timedelta(days=length) if previous and cycle.date else None
        above.extend(_above_sheet(sheet, record, line, index + 1))
        for day in sheet.days:
            for item in day.administrations:
                if item.kind != "chemotherapy":  # not dose intensity
                    continue
                _, per_m2 = record.delivered(item, day.day)
                if per_m2 is not None:
                    delivered_per_m2[item.drug] = delivered_per_m2.get(item.drug, 0.0) + per_m2
        rows.append(
            CycleRecord(
                cycle=index + 1,
                date=cycle.date,
                planned_date=planned_date,
                delay_days=(cycle.date - planned_date).days
                if planned_date and cycle.date
                else None,
                weight_kg=weights[index],
                bsa_m2=sheet.bsa_m2,
                dose_levels={
                    item.drug: item.dose_level_percent
                    for day in sheet.days
                    for item in day.administrations
                    if item.dose_level_percent != 100
                },
                given={drug: dose.text for drug, dose in record.given.items()},
                withheld=tuple(sorted(record.withheld)),
                withheld_days={d: tuple(sorted(days)) for d, days in record.withheld_days.items()},
                labs=cycle.labs,
                toxicity=cycle.toxicity,
                notes=cycle.notes,
            )
        )
        previous = cycle.date
    dated = all(row.date is not None for row in rows)
    first, last = (rows[0].date, rows[-1].date) if rows else (None, None)
    window = (last - first).days + length if first and last else None
    intensity: list[DrugIntensity] = []
    warnings: list[CourseWarning] = []
    if window:
        weeks = window / 7
        for drug, planned in planned_per_cycle(regimen, len(rows)).items():
            given = _round(delivered_per_m2.get(drug, 0.0))
            rdi = rdi_percent(given, weeks, planned, length)
            intensity.append(
                DrugIntensity(
                    drug=drug,
                    delivered_mg_per_m2=given,
                    planned_mg_per_m2_per_cycle=planned,
                    weeks=_round(weeks),
                    delivered_mg_per_m2_per_week=_round(given / weeks),
                    planned_mg_per_m2_per_week=_round(planned / (length / 7)),
                    rdi_percent=rdi,
                )
            )
            if rdi < rdi_threshold:
                warnings.append(
                    _warning(
                        "RDI_BELOW_THRESHOLD",
                        drug,
                        line=str(line),
                        regimen=regimen.id,
                        rdi=f"{rdi:.1f}",
                        threshold=f"{rdi_threshold:g}",
                    )
                )
    warnings += above + _weight_warnings(rows, line, weight_threshold)
    delays = [row.delay_days for row in rows[1:]]
    return (
        LineRecord(
            cycle_length_days=length,
            planned_cycles=planned_cycles or regimen.usual_cycles,
            cycles=tuple(rows),
            delay_days_total=sum(d for d in delays if d is not None) if dated else None,
            delayed_cycles=sum(1 for d in delays if d is not None and d > 0),
            window_days=window,
            intensity=tuple(intensity),
        ),
        warnings,
    )


def _above_sheet(sheet: DoseSheet, record: _Cycle, line: int, cycle: int) -> list[CourseWarning]:
    """A ``given`` dose above the cycle's sheet by more than the sheet's tolerance (5 %):
    more than was planned, or a typing slip (1360 for 136 mg): checked, never assumed."""
    warnings = []
    for drug, given in record.given.items():
        item = next(i for day in sheet.days for i in day.administrations if i.drug == drug)
        planned = item.daily_dose_mg
        mg = given.amount if given.unit == "mg" else given.amount * (item.basis_value or 0)
        if planned and mg > planned * (1 + sheet.tolerance_percent / 100):
            warnings.append(
                _warning(
                    "GIVEN_ABOVE_SHEET",
                    drug,
                    line=str(line),
                    cycle=str(cycle),
                    given=given.text,
                    sheet=f"{planned:g}",
                    percent=f"{(mg / planned - 1) * 100:+.1f}",
                )
            )
    return warnings


def weight_change_percent(reference_kg: float, weight_kg: float) -> float:
    """(weight − reference) ÷ reference × 100, rounded to 6 decimals.

    >>> weight_change_percent(60, 66), weight_change_percent(60, 54)
    (10.0, -10.0)
    """
    return _round((weight_kg - reference_kg) / reference_kg * 100)


def _weight_warnings(
    rows: Sequence[CycleRecord], line: int, threshold: float
) -> list[CourseWarning]:
    warnings: list[CourseWarning] = []
    for index in range(1, len(rows)):
        row = rows[index]
        references = [(rows[0], "first")]
        if index > 1:
            references.append((rows[index - 1], "previous"))
        for reference, variant in references:
            change = weight_change_percent(reference.weight_kg, row.weight_kg)
            if abs(change) < threshold:
                continue
            warnings.append(
                _warning(
                    "WEIGHT_CHANGED",
                    None,
                    variant=variant,
                    line=str(line),
                    cycle=str(row.cycle),
                    reference_cycle=str(reference.cycle),
                    weight_then=f"{reference.weight_kg:g}",
                    weight_now=f"{row.weight_kg:g}",
                    change=f"{change:+.1f}",
                    threshold=f"{threshold:g}",
                    bsa_then=_bsa(reference.bsa_m2),
                    bsa_now=_bsa(row.bsa_m2),
                )
            )
    return warnings


def _bsa(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _warning(code: CourseWarningCode, drug: str | None, **params: str) -> CourseWarning:
    return CourseWarning(
        severity=COURSE_WARNING_CODES[code],
        code=code,
        drug=drug,
        params=params,
    )


#: For callers that sum a line's doses: (administration, day) → what it delivered.
DeliveredOf = Callable[[Administration, int], Delivered]

"""Cumulative doses over a treatment course, and the cumulative limits met in it.

The course (:class:`~regimens._models.course.Course`, read by
:mod:`regimens._read.course` with its measurements in canonical units) lists the lines
of therapy in order. :func:`compute_course` computes the dose sheet of every cycle
with :func:`regimens._calc.dosing.compute_sheet` (dosing is never re-implemented here)
and adds up, per drug, per line and in total:

- **mg/m²**: the dose intensity of each administration, ``calculated_mg`` ÷ the BSA it
  was computed from (the library dose × dose level × organ adjustment, before
  rounding: epirubicin 50 mg/m² at 100 % counts 50 mg/m² whatever the rounding), for
  drugs dosed per m². Each administration's value is rounded to 6 decimals, so that
  6 × 50 is 300 and not 299.99999999999994.
- **mg**: the sheet's final (rounded) daily doses, as dispensed.
- **doxorubicin-equivalent mg/m²** for anthracyclines: mg/m² × the drug's ratio
  (``drugs.toml``: epirubicin 0.8, Feijen JAMA Oncol 2019; COG rules use 1:1), which
  ``equivalence`` replaces.

Then each cumulative limit of ``drugs.toml`` met in the course is compared with the
cumulative dose: a label's *limit* (epirubicin 900 mg/m²) or an *advisory* threshold
(oxaliplatin 842 mg/m²). An anthracycline's limit counts every anthracycline of the
course, converted through the doxorubicin-equivalence ratios into that drug's own
mg/m². The *current line* is the last one; "more cycles that fit" continues it at its
last cycle's doses: the largest n with cumulative + n × per-cycle ≤ limit.

Warnings (severities in :data:`~regimens._models.course.COURSE_WARNING_CODES`): past
a label limit is *blocking*; at it, or one cycle away, or past an advisory threshold,
a *caution*; otherwise an *info* saying how many more cycles fit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from regimens._calc.course_limits import (
    course_limits,
    cycles_that_fit,
    limit_status,
    limit_warning,
)
from regimens._calc.course_record import Delivered, delivered, line_record, record_cycles
from regimens._errors import InputError, LibraryError, UnknownNameError
from regimens._models.course import (
    COURSE_NOTES,
    PATIENT_FIELDS,
    Course,
    CourseCycle,
    CourseLine,
    CourseMeasurements,
    CourseOptions,
    CourseProvenance,
    CourseReport,
    CourseWarning,
    DrugAmount,
    EquivalenceRatio,
    LineReport,
)
from regimens._models.patient import Patient
from regimens._models.sheet import Administration, DoseSheet, SheetWarning
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.library import Library
    from regimens._models.provenance import LibrarySources
    from regimens._models.regimen import Regimen

__all__ = [
    "LastLine",
    "compute_course",
    "cycles_that_fit",
    "last_line",
    "limit_status",
    "sheets_sources",
]

#: Values are compared after rounding to this many decimals (see the module doc).
_DECIMALS = 6


def _round(value: float) -> float:
    return round(value, _DECIMALS) + 0.0  # + 0.0: no -0.0


class DrugSum:
    """Running totals of one drug."""

    def __init__(self) -> None:
        self.mg = 0.0
        self.mg_per_m2: float | None = 0.0
        self.cycles: set[tuple[int, int]] = set()

    def add(self, item: Administration, given: Delivered, where: tuple[int, int]) -> None:
        mg, intensity = given
        self.mg += mg
        if intensity is None:
            self.mg_per_m2 = None
        elif self.mg_per_m2 is not None:
            self.mg_per_m2 = _round(self.mg_per_m2 + intensity)
        if not item.withheld and mg > 0:
            self.cycles.add(where)

    def merge(self, other: DrugSum) -> None:
        self.mg += other.mg
        if self.mg_per_m2 is not None and other.mg_per_m2 is not None:
            self.mg_per_m2 = _round(self.mg_per_m2 + other.mg_per_m2)
        else:
            self.mg_per_m2 = None
        self.cycles |= other.cycles

    def amount(self, drug: str, ratios: Mapping[str, float]) -> DrugAmount:
        ratio = ratios.get(drug)
        equivalent = (
            _round(self.mg_per_m2 * ratio)
            if ratio is not None and self.mg_per_m2 is not None
            else None
        )
        return DrugAmount(
            drug=drug,
            mg_per_m2=self.mg_per_m2,
            mg=_round(self.mg),
            cycles=len(self.cycles),
            doxorubicin_equivalent_mg_per_m2=equivalent,
        )


def _sum_sheets(
    sheets: list[DoseSheet], line: int, records: Sequence[Any] | None = None
) -> dict[str, DrugSum]:
    """Per drug, what the sheets delivered, as the cycles' records say (given, withheld)."""
    sums: dict[str, DrugSum] = {}
    for cycle, sheet in enumerate(sheets, start=1):
        record = records[cycle - 1] if records else None
        for day in sheet.days:
            for item in day.administrations:
                if item.kind != "chemotherapy":  # premedication and the like: not cumulative
                    continue
                given = delivered(item, day.day, record)
                sums.setdefault(item.drug, DrugSum()).add(item, given, (line, cycle))
    return sums


def _merged(*levels: CourseMeasurements) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for level in levels:
        given = level.measurements()
        if "creatinine" in given:
            values.pop("crcl", None)
        if "crcl" in given:
            values.pop("creatinine", None)
        values.update(given)
    return values


def _patient(
    course: Course, line: CourseLine, cycle: CourseCycle | None, where: str, source: str
) -> Patient:
    """The patient of one cycle: the measurements of the course, line and cycle merged.

    The reader gave them in canonical units; a Course built without it may hold a text
    with a unit, which is refused here rather than guessed.
    """
    values = _merged(course.patient, line, *((cycle,) if cycle else ()))
    for name in ("height", "weight"):
        if name not in values:
            raise InputError(
                f"{source}: {where}.{name}: missing: give the {name} the doses were computed "
                f"from, in [patient], in the line or in each of its cycles",
                field=f"{where}.{name}",
            )
    for name, value in values.items():
        if name != "sex" and isinstance(value, str):
            raise InputError(
                f"{source}: {where}.{name}: {value!r} is a text: read course files with "
                "parse_course or load_course, which read units",
                field=f"{where}.{name}",
            )
    try:
        return Patient(**{PATIENT_FIELDS[name]: value for name, value in values.items()})
    except InputError as exc:
        field = f"{where}.{exc.field}" if exc.field else where
        raise InputError(f"{source}: {field}: {exc}", field=field) from None


def _ratios(library: Library, equivalence: Mapping[str, float] | None) -> list[EquivalenceRatio]:
    """The library's anthracycline ratios, replaced or completed by ``equivalence``."""
    chosen: dict[str, EquivalenceRatio] = {}
    for inn, facts in library.drugs.items():
        fact = facts.doxorubicin_equivalence
        if fact is not None:
            chosen[inn] = EquivalenceRatio(
                drug=inn,
                ratio=fact.ratio,
                source=fact.source,
                from_option=False,
                library_ratio=fact.ratio,
            )
    for name, ratio in (equivalence or {}).items():
        inn = library.drug(name).inn
        if isinstance(ratio, bool) or not math.isfinite(ratio) or not 0 < ratio <= 20:
            raise InputError(
                f"equivalence {name}={ratio}: a doxorubicin-equivalence ratio is a number "
                "above 0 and at most 20 (e.g. epirubicin=0.8 or epirubicin=1)",
                field="equivalence",
            )
        before = chosen.get(inn)
        chosen[inn] = EquivalenceRatio(
            drug=inn,
            ratio=ratio,
            source="--equivalence",
            from_option=True,
            library_ratio=before.library_ratio if before else None,
        )
    return list(chosen.values())


class _LineContext:
    """What the sheets of one line share; errors raised here name the line's fields."""

    def __init__(
        self,
        library: Library,
        course: Course,
        line: CourseLine,
        number: int,
        source: str,
        bsa_formula: str,
    ) -> None:
        self.library, self.course, self.line, self.source = library, course, line, source
        self.bsa_formula = bsa_formula
        self.here = f"lines[{number}]"
        self.regimen = self._regimen(line.regimen, "regimen")
        self.supportive = tuple(self._regimen(name, "with").id for name in line.supportive)

    def error(self, field: str, exc: Exception) -> InputError:
        return InputError(f"{self.source}: {field}: {exc}", field=field)

    def _regimen(self, name: str, field: str) -> Regimen:
        try:
            return self.library.get(name)
        except LibraryError as exc:
            raise self.error(f"{self.here}.{field}", exc) from None

    def options(self, cycle_number: int, cycle: CourseCycle | None, where: str) -> SheetOptions:
        """The sheet options of one cycle: the line's dose levels, replaced by the cycle's."""
        from regimens._calc.dosing import DrugDoseLevel, SheetOptions

        levels = dict(self.line.drug_dose_levels)
        level = self.line.dose_level
        if cycle is not None:
            levels.update(cycle.drug_dose_levels)
            if cycle.dose_level is not None:
                level = cycle.dose_level
        drug_levels = []
        for name, percent in levels.items():
            try:
                inn = self.library.drug(name).inn
            except UnknownNameError as exc:
                raise self.error(f"{where}.drug_dose_levels", exc) from None
            drug_levels.append(DrugDoseLevel(drug=inn, percent=percent))
        return SheetOptions(
            bsa_formula=self.bsa_formula,
            dose_level_percent=level,
            drug_dose_levels=tuple(drug_levels),
            cycle=cycle_number,
        )

    def sheet(self, cycle_number: int, cycle: CourseCycle | None, where: str) -> DoseSheet:
        """The dose sheet of one cycle; ``where`` is the cycle's path, or "" for the line's."""
        from regimens._calc.dosing import compute_sheet

        where = where or self.here
        patient = _patient(self.course, self.line, cycle, where, self.source)
        options = self.options(cycle_number, cycle, where)
        try:
            return compute_sheet(
                self.library, self.regimen, patient, options, supportive=self.supportive
            )
        except (InputError, UnknownNameError) as exc:
            field = {"with": "with", "drug_dose_level": "drug_dose_levels"}.get(exc.field or "")
            raise self.error(f"{where}.{field}" if field else where, exc) from None


def _records(library: Library, context: _LineContext, sheets: Sequence[DoseSheet]) -> list[Any]:
    """The cycles' records checked against their sheets; errors name the file and cycle."""
    try:
        return record_cycles(library, context.line.cycles, sheets, context.here)
    except InputError as exc:
        raise InputError(f"{context.source}: {exc}", field=exc.field) from None


def _threshold(value: float, field: str) -> float:
    if isinstance(value, bool) or not math.isfinite(value) or not 0 < value < 100:
        raise InputError(f"a percentage above 0 and below 100, e.g. 85, got {value!r}", field=field)
    return float(value)


def _bsa_formula(course: Course, source: str) -> str:
    """The course's BSA formula by its name (``gehan_george`` → ``gehan-george``)."""
    from regimens._calc.bsa import get_formula

    try:
        return get_formula(course.bsa_formula).name
    except UnknownNameError as exc:
        raise InputError(
            f"{source}: bsa_formula: {exc} (got {course.bsa_formula!r})", field="bsa_formula"
        ) from None


def compute_course(
    library: Library,
    course: Course,
    *,
    equivalence: Mapping[str, float] | None = None,
    source: str | None = None,
    rdi_threshold: float = 85.0,
    weight_change_percent: float | None = None,
) -> CourseReport:
    """Cumulative doses of every drug of ``course``, per line and in total; limits checked.

    ``equivalence`` maps a drug name to a doxorubicin-equivalence ratio that replaces
    the library's (``{"epirubicin": 1.0}`` for the COG 1:1 rule). Each line's record
    (:mod:`regimens._calc.course_record`): RDI below ``rdi_threshold`` %, and a weight
    change of ``weight_change_percent`` % or more (default: the library's, 10 %), warn.
    """
    where_file = source or "course"
    weight_limit = _threshold(
        library.assessment_settings.weight_change_percent
        if weight_change_percent is None
        else weight_change_percent,
        "weight_change_percent",
    )
    rdi_threshold = _threshold(rdi_threshold, "rdi_threshold")
    record_warnings: list[CourseWarning] = []
    formula = _bsa_formula(course, where_file)
    ratios_used = _ratios(library, equivalence)
    ratios = {item.drug: item.ratio for item in ratios_used}
    lines: list[LineReport] = []
    line_sums: list[dict[str, DrugSum]] = []
    all_sheets: list[DoseSheet] = []
    next_cycle: DoseSheet | None = None
    current: Regimen | None = None
    for number, line in enumerate(course.lines, start=1):
        context = _LineContext(library, course, line, number, where_file, formula)
        regimen = context.regimen
        sheets = [
            context.sheet(
                index, cycle, f"{context.here}.cycles[{index}]" if cycle.has_own() else ""
            )
            for index, cycle in enumerate(line.cycles, start=1)
        ]
        if number == len(course.lines):
            current = regimen
            last = line.cycles[-1] if line.cycles else None
            next_cycle = context.sheet(len(line.cycles) + 1, last, "")
        all_sheets += sheets
        records = _records(library, context, sheets)
        record, found = line_record(
            regimen,
            line.cycles,
            sheets,
            [
                _patient(course, line, c, context.here, where_file).weight_kg or 0.0
                for c in line.cycles
            ],
            records,
            line=number,
            planned_cycles=line.planned_cycles,
            rdi_threshold=rdi_threshold,
            weight_threshold=weight_limit,
        )
        record_warnings += found
        sums = _sum_sheets(sheets, number, records)
        line_sums.append(sums)
        amounts = tuple(s.amount(drug, ratios) for drug, s in sums.items())
        lines.append(
            LineReport(
                line=number,
                regimen=regimen.id,
                regimen_name=regimen.name,
                supportive=context.supportive,
                label=line.label,
                start=line.start or line.first_date(),
                end=line.end,
                cycles=len(line.cycles),
                bsa_m2=tuple(dict.fromkeys(s.bsa_m2 for s in sheets if s.bsa_m2 is not None)),
                drugs=amounts,
                doxorubicin_equivalent_mg_per_m2=_equivalent_total(amounts, ratios),
                sheet_warnings=_distinct(w for s in sheets for w in s.warnings),
                record=record,
            )
        )
    assert current is not None and next_cycle is not None  # a course has at least one line

    totals: dict[str, DrugSum] = {}
    for sums in line_sums:
        for drug, drug_sum in sums.items():
            totals.setdefault(drug, DrugSum()).merge(drug_sum)
    total_amounts = tuple(s.amount(drug, ratios) for drug, s in totals.items())
    next_sums = _sum_sheets([next_cycle], len(course.lines) + 1)
    limits = course_limits(library, totals, next_sums, ratios, len(course.lines), current)
    warnings = [limit_warning(report) for report in limits] + record_warnings
    rank = {"blocking": 0, "caution": 1, "info": 2}
    drugs_seen = sorted(set(totals) | set(next_sums))
    used = tuple(r for r in ratios_used if r.drug in drugs_seen or r.from_option)
    return CourseReport(
        source=source,
        patient_id=course.patient.id,
        description=course.description,
        bsa_formula=formula,
        lines=tuple(lines),
        totals=total_amounts,
        doxorubicin_equivalent_mg_per_m2=_equivalent_total(total_amounts, ratios),
        equivalence=used,
        limits=tuple(limits),
        warnings=tuple(sorted(warnings, key=lambda w: rank[w.severity])),
        notes=COURSE_NOTES,
        provenance=_provenance(
            library, course, [*all_sheets, next_cycle], drugs_seen, used, formula
        ).model_copy(
            update={
                "options": CourseOptions(
                    bsa_formula=formula,
                    equivalence={r.drug: r.ratio for r in used if r.from_option},
                    rdi_threshold_percent=rdi_threshold,
                    weight_change_percent=weight_limit,
                )
            }
        ),
        drug_names={
            drug: dict(library.drug(drug).local_names)
            for drug in drugs_seen
            if library.drug(drug).local_names
        },
        tool_version=__version__,
    )


def _provenance(
    library: Library,
    course: Course,
    sheets: Sequence[DoseSheet],
    drugs: Sequence[str],
    ratios: Sequence[EquivalenceRatio],
    formula: str,
) -> CourseProvenance:
    """The files and options the report was computed from, and when."""
    regimens: dict[str, str] = {}
    for sheet in sheets:
        regimens.setdefault(sheet.provenance.regimen_id, sheet.provenance.regimen_sha256)
        for regimen_id, sha256 in sheet.provenance.supportive.items():
            regimens.setdefault(regimen_id, sha256)
    sources = sheets_sources(library, sheets, drugs)
    return CourseProvenance(
        tool_version=__version__,
        calculated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        course_sha256=course.sha256,
        regimens=regimens,
        drugs={drug: library.file_of_drug(drug).sha256 for drug in drugs},
        options=CourseOptions(
            bsa_formula=formula,
            equivalence={r.drug: r.ratio for r in ratios if r.from_option},
        ),
        files=sources.files,
        shadowed=sources.shadowed,
        library_dirs=sources.library_dirs,
    )


def sheets_sources(
    library: Library, sheets: Sequence[DoseSheet], drugs: Sequence[str] = ()
) -> LibrarySources:
    """The library files behind these sheets and the facts of ``drugs`` (a limit, a
    ratio), found as a sheet finds its own (:meth:`Library.sources`): each file once,
    in layer order, with the user files that shadowed built-in ones."""
    regimen_ids: dict[str, None] = {}
    given: set[str] = set(drugs)
    for sheet in sheets:
        regimen_ids[sheet.provenance.regimen_id] = None
        regimen_ids.update(dict.fromkeys(sheet.provenance.supportive))
        given.update(item.drug for day in sheet.days for item in day.administrations)
    return library.sources(
        list(regimen_ids),
        sorted(given),
        assessment=any(sheet.assessment is not None for sheet in sheets),
    )


def _distinct(warnings: Iterable[SheetWarning]) -> tuple[SheetWarning, ...]:
    """The distinct warnings of a line's sheets.

    ``SUPPORTIVE_NOT_THIS_CYCLE`` is left out: a course counts the supportive doses of
    the cycles that have them, and one such note per other cycle would only be noise.
    """
    seen: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], SheetWarning] = {}
    for warning in warnings:
        if warning.code != "SUPPORTIVE_NOT_THIS_CYCLE":
            key = (warning.code, warning.drug, tuple(sorted(warning.params.items())))
            seen.setdefault(key, warning)
    return tuple(seen.values())


def _equivalent_total(amounts: Sequence[DrugAmount], ratios: Mapping[str, float]) -> float | None:
    """The doxorubicin-equivalent mg/m² of the anthracyclines among ``amounts``.

    None when there is no anthracycline, and also when one of them has no mg/m² (dosed
    per kg or flat): a sum without it would understate the exposure, so none is shown.
    """
    equivalents = []
    for amount in amounts:
        if amount.drug not in ratios:
            continue
        if amount.doxorubicin_equivalent_mg_per_m2 is None:
            return None
        equivalents.append(amount.doxorubicin_equivalent_mg_per_m2)
    return _round(sum(equivalents)) if equivalents else None


class LastLine(NamedTuple):
    """The last line of a course as computed, for the next cycle (``regimens next``)."""

    number: int  # from 1
    line: CourseLine
    regimen: Regimen
    supportive: tuple[str, ...]
    sheets: tuple[DoseSheet, ...]  # of its cycles, in order
    measurements: dict[str, Any]  # of its last cycle, merged, in canonical units
    bsa_formula: str


def last_line(library: Library, course: Course, *, source: str | None = None) -> LastLine:
    """The last line's sheets, options and measurements (errors name the file and field)."""
    where_file = source or "course"
    formula = _bsa_formula(course, where_file)
    number = len(course.lines)
    line = course.lines[-1]
    context = _LineContext(library, course, line, number, where_file, formula)
    sheets = tuple(
        context.sheet(index, cycle, f"{context.here}.cycles[{index}]" if cycle.has_own() else "")
        for index, cycle in enumerate(line.cycles, start=1)
    )
    _records(library, context, sheets)  # a record's mistake is refused here too
    last = line.cycles[-1] if line.cycles else None
    return LastLine(
        number=number,
        line=line,
        regimen=context.regimen,
        supportive=context.supportive,
        sheets=sheets,
        measurements=_merged(course.patient, line, *((last,) if last else ())),
        bsa_formula=formula,
    )

"""Treatment courses: the course file as models, and the report computed from it.

A *course file* (``docs/course.md``) lists a patient's lines of therapy in order: the
regimen, the cycles given and the measurements the doses were computed from. The
models here hold it as written, except the measurements: the reader
(:mod:`regimens._read.course`) converts each to the canonical unit of its field (cm,
kg, years, mg/dL, mL/min; ``female``/``male``) while it validates the file, through
the validation context (:data:`READ_MEASUREMENTS`), so that a unit or an implausible
value is refused with the file's path to it. A bare number is already in that unit.

The report (:class:`CourseReport`) carries numbers, codes and their parameters, never
sentences: the renderers word the warnings (``course.CODE`` in the catalogues) and the
notes on how the figures are computed (``course.note.CODE``).
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from regimens._errors import InputError
from regimens._models.base import Frozen, FrozenDict, FrozenMap, Whole
from regimens._models.course_record import LineRecord
from regimens._models.options import check_dose_level
from regimens._models.provenance import LibraryDirectory, Shadowing, SourceFile
from regimens._models.regimen import FieldPathError
from regimens._models.sheet import Severity, SheetWarning
from regimens._version import __version__

__all__ = [
    "COURSE_NOTES",
    "COURSE_WARNING_CODES",
    "PATIENT_FIELDS",
    "READ_DOSE_LEVEL",
    "READ_MEASUREMENTS",
    "READ_RECORD",
    "REPORT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "Course",
    "CourseCycle",
    "CourseLine",
    "CourseMeasurements",
    "CourseNote",
    "CourseOptions",
    "CoursePatient",
    "CourseProvenance",
    "CourseReport",
    "CourseWarning",
    "CourseWarningCode",
    "DrugAmount",
    "EquivalenceRatio",
    "GivenDose",
    "LimitReport",
    "LimitStatus",
    "LineReport",
]

#: Version of the course file format (and, to 1.1, of ``regimens course --format
#: json``). 1.1 (issue 20): a cycle's ``given``, ``withheld``, ``withheld_days``,
#: ``labs``, ``toxicity``; a line's ``planned_cycles``; the report's dose intensity,
#: delays and weight guard. A 1.0 file is read as before.
SCHEMA_VERSION = "1.1"
#: Version of ``regimens course --format json``: the file's until 1.1; 1.2 (issue 22)
#: added the provenance's ``files``, ``shadowed`` and ``library_dirs``, which the file
#: format does not have (so a file stays 1.1).
REPORT_SCHEMA_VERSION = "1.2"

CourseWarningCode = Literal[
    "CUMULATIVE_LIMIT_EXCEEDED",
    "CUMULATIVE_LIMIT_REACHED",
    "CUMULATIVE_LIMIT_NEXT_CYCLE",
    "ADVISORY_THRESHOLD_EXCEEDED",
    "ADVISORY_THRESHOLD_REACHED",
    "ADVISORY_THRESHOLD_NEXT_CYCLE",
    "CUMULATIVE_HEADROOM",
    "RDI_BELOW_THRESHOLD",
    "WEIGHT_CHANGED",
    "GIVEN_ABOVE_SHEET",
]

#: The severity of each course warning (their texts: ``course.CODE`` in the catalogues).
#: Past a label limit is blocking; an advisory threshold is never blocking.
COURSE_WARNING_CODES: Mapping[CourseWarningCode, Severity] = FrozenDict(
    {
        "CUMULATIVE_LIMIT_EXCEEDED": "blocking",
        "CUMULATIVE_LIMIT_REACHED": "caution",
        "CUMULATIVE_LIMIT_NEXT_CYCLE": "caution",
        "ADVISORY_THRESHOLD_EXCEEDED": "caution",
        "ADVISORY_THRESHOLD_REACHED": "caution",
        "ADVISORY_THRESHOLD_NEXT_CYCLE": "caution",
        "CUMULATIVE_HEADROOM": "info",
        "RDI_BELOW_THRESHOLD": "caution",
        "WEIGHT_CHANGED": "caution",
        "GIVEN_ABOVE_SHEET": "caution",
    }
)

#: How the figures are computed, one note each (texts: ``course.note.CODE``).
CourseNote = Literal["mg_m2", "mg", "equivalent", "current", "record", "rdi"]
COURSE_NOTES: tuple[CourseNote, ...] = ("mg_m2", "mg", "equivalent", "current", "record", "rdi")

LimitStatus = Literal["below", "reached", "exceeded"]

#: The key of the validation context under which the reader passes its measurement
#: reader: a function of one level's measurements as written (``{"height": "160 cm"}``)
#: that returns them in canonical units, or raises an InputError naming the field.
READ_MEASUREMENTS = "read_measurements"

#: A measurement of the file → the Patient field that holds it in its canonical unit.
PATIENT_FIELDS: Mapping[str, str] = FrozenDict(
    {
        "height": "height_cm",
        "weight": "weight_kg",
        "sex": "sex",
        "age": "age_years",
        "creatinine": "creatinine_mg_dl",
        "crcl": "crcl_ml_min",
    }
)


# --- the course file ---------------------------------------------------------------------


class _FileModel(Frozen):
    model_config = ConfigDict(str_strip_whitespace=True)


def _measurement(value: object) -> object:
    """A number or a text; TOML's `true` is not 1 (pydantic would read it as 1.0)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            f"write a number, or a text with its unit such as '160 cm' (got {value!r})"
        )
    return value


Measurement = Annotated[
    str | float | None,
    BeforeValidator(_measurement),
    Field(
        description="With its unit ('160 cm', '58 kg', '0.7 mg/dL'), or a bare number in "
        "the default unit (cm, kg, years, mg/dL, mL/min).",
    ),
]
#: The key of the validation context under which the reader passes its readers of a
#: cycle's record: ``"given"`` (a dose as written → :class:`GivenDose`) and ``"lab"``
#: (``NAME=VALUE`` checked as ``--lab`` checks it); each raises an InputError.
READ_RECORD = "read_record"


class GivenDose(Frozen):
    """A dose actually given, as written in a cycle's ``given``.

    ``unit`` ``mg``: the dose of each day the sheet gives the drug (``"136 mg"``, or
    ``"1650 mg/day"`` for an oral drug); ``mg/m2``: the same per m² of that cycle's BSA.
    """

    text: str
    amount: float = Field(gt=0, allow_inf_nan=False)
    unit: Literal["mg", "mg/m2"]


def _given(value: object, info: ValidationInfo) -> object:
    if isinstance(value, GivenDose | dict):
        return value
    read: Callable[[object], GivenDose] | None = (
        (info.context or {}).get(READ_RECORD, {}).get("given")
    )
    if read is None:
        raise ValueError("read course files with parse_course or load_course, which read doses")
    try:
        return read(value)
    except InputError as exc:
        raise ValueError(str(exc)) from None


Given = Annotated[
    GivenDose,
    BeforeValidator(_given),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*(mg|g)\\s*(/\\s*(day|d|m2|m²))?\\s*$",
            "description": "A dose given: '136 mg', '1650 mg/day' (each day the sheet "
            "gives the drug) or '68 mg/m2'.",
        },
        mode="validation",
    ),
]


def _lab(value: object, info: ValidationInfo) -> object:
    read: Callable[[object], object] | None = (info.context or {}).get(READ_RECORD, {}).get("lab")
    if read is not None:
        try:
            read(value)
        except InputError as exc:
            raise ValueError(str(exc)) from None
    return value


Lab = Annotated[str, BeforeValidator(_lab)]

#: The key of the validation context under which the reader passes its dose-level
#: reader: ``80``, ``"80%"`` or ``"80 %"`` → 80.0, checked (25 to 150 %), or an InputError.
READ_DOSE_LEVEL = "read_dose_level"


def _dose_level(value: object, info: ValidationInfo) -> object:
    """A dose level as written, read by the reader the context passes (issue 17)."""
    read: Callable[[object, str], float] | None = (info.context or {}).get(READ_DOSE_LEVEL)
    try:
        if read is not None:
            return read(value, "dose_level")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a percentage such as 80 or 80%, got {value!r}")
        return check_dose_level(float(value), "dose_level")
    except InputError as exc:  # the reader names the field; the file's path will
        raise ValueError(str(exc).removeprefix("dose_level: ")) from None


# A percentage, 25 to 150; `true` is not 1 %.
Percent = Annotated[
    float,
    BeforeValidator(_dose_level),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 25, "maximum": 150},
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%?\\s*$"},
            ],
            "description": "A percentage of the full dose, 25 to 150: 80, '80%' or '80 %' "
            "(0.8 is refused: did you mean 80 %?).",
        },
        mode="validation",
    ),
]

ReadMeasurements = Callable[[Mapping[str, Any]], Mapping[str, Any]]


class CourseMeasurements(_FileModel):
    """The measurements the doses were computed from, where this level gives them.

    A cycle's value replaces its line's, which replaces the patient's. Creatinine and
    CrCl replace each other: a level that gives one drops the other from above.
    """

    height: Measurement = None
    weight: Measurement = None
    sex: str | None = Field(default=None, description="female or male (F/M).")
    age: Measurement = None
    creatinine: Measurement = None
    crcl: Measurement = None

    @model_validator(mode="after")
    def _read(self, info: ValidationInfo) -> "CourseMeasurements":
        read: ReadMeasurements | None = (info.context or {}).get(READ_MEASUREMENTS)
        given = self.measurements()
        if read is None or not given:
            return self
        try:
            canonical = read(given)
        except InputError as exc:
            raise FieldPathError(exc.field or "", str(exc)) from None
        return self.model_copy(update=dict(canonical))

    def measurements(self) -> dict[str, Any]:
        """The measurements this level gives (not None)."""
        return {
            name: getattr(self, name) for name in PATIENT_FIELDS if getattr(self, name) is not None
        }


class CoursePatient(CourseMeasurements):
    """The patient: an identifier and the measurements used unless a line says otherwise."""

    id: str | None = Field(
        default=None, description="An identifier for the report; never used in a calculation."
    )
    notes: str = ""


class CourseCycle(CourseMeasurements):
    """One cycle given: its date, dose levels and any measurement taken for it."""

    date: dt.date | None = Field(default=None, description="Day 1 of the cycle (YYYY-MM-DD).")
    dose_level: Percent | None = Field(
        default=None, description="Dose level of all drugs of this cycle, % (else the line's)."
    )
    drug_dose_levels: FrozenMap[str, Percent] = Field(
        default_factory=FrozenDict,
        description="Dose level of single drugs in this cycle, %, e.g. {oxaliplatin = 75}; "
        "replaces the line's for those drugs.",
    )
    given: FrozenMap[str, Given] = Field(
        default_factory=FrozenDict,
        description="Doses actually given, e.g. {oxaliplatin = '136 mg', capecitabine = "
        "'1650 mg/day'}; a drug not named was given as its sheet says.",
    )
    withheld: tuple[str, ...] = Field(
        default=(), description="Drugs not given in this cycle, e.g. ['oxaliplatin']."
    )
    withheld_days: FrozenMap[str, tuple[Annotated[int, Field(ge=1)], ...]] = Field(
        default_factory=FrozenDict,
        description="Days of the cycle a drug was not given, e.g. {capecitabine = [11, 12]}.",
    )
    labs: tuple[Lab, ...] = Field(
        default=(), description="Labs of the cycle's day 1, as --lab writes them: 'anc=1.2'."
    )
    toxicity: tuple[str, ...] = Field(
        default=(),
        description="Toxicity assessed on the cycle's day 1, as --toxicity writes it: "
        "'neuropathy=2'; with notes, the reason shown for this cycle's dose levels.",
    )
    notes: str = ""

    def has_own(self) -> bool:
        """Whether this entry says anything of its own (then errors name the cycle)."""
        return bool(
            self.measurements()
            or self.drug_dose_levels
            or self.dose_level is not None
            or self.given
            or self.withheld
            or self.withheld_days
        )


def _cycles(value: object) -> object:
    """``cycles = 6`` is six cycles with nothing more known about them."""
    if isinstance(value, bool):
        raise ValueError(f"cycles must be a whole number of cycles given, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"cycles must be 0 or more (the number of cycles given), got {value}")
        if value > 200:
            raise ValueError(f"cycles {value} is not a plausible number of cycles (at most 200)")
        return tuple({} for _ in range(value))
    if isinstance(value, float):
        raise ValueError(f"cycles must be a whole number, got {value!r}")
    return value


class CourseLine(CourseMeasurements):
    """One line of therapy: a regimen and the cycles given."""

    regimen: str = Field(min_length=1, description="Regimen id or alias from the library.")
    label: str = Field(default="", description="E.g. 'perioperative', 'second line'.")
    start: dt.date | None = Field(default=None, description="Day 1 of the first cycle.")
    end: dt.date | None = Field(default=None, description="Last day of treatment.")
    cycles: Annotated[tuple[CourseCycle, ...], BeforeValidator(_cycles)] = Field(
        description="The number of cycles given, or one [[lines.cycles]] table per cycle."
    )
    planned_cycles: Whole | None = Field(
        default=None,
        ge=1,
        le=200,
        description="Cycles planned for this line (default: the regimen's usual number).",
    )
    dose_level: Percent = Field(default=100.0, description="Dose level of all drugs, %.")
    drug_dose_levels: FrozenMap[str, Percent] = Field(
        default_factory=FrozenDict, description="Dose level of single drugs, %."
    )
    supportive: tuple[str, ...] = Field(
        default=(),
        validation_alias=AliasChoices("with", "supportive"),
        description="Supportive regimens given with this one, e.g. ['ZOLEDRONIC-ACID'].",
    )
    notes: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CourseLine":
        if self.start and self.end and self.end < self.start:
            raise FieldPathError("end", f"{self.end} is before the start {self.start}")
        previous: tuple[int, dt.date] | None = None
        for index, cycle in enumerate(self.cycles, start=1):
            if cycle.date is None:
                continue
            where = f"cycles[{index}].date"
            if self.start and cycle.date < self.start:
                raise FieldPathError(where, f"{cycle.date} is before the line's start {self.start}")
            if self.end and cycle.date > self.end:
                raise FieldPathError(where, f"{cycle.date} is after the line's end {self.end}")
            if previous and cycle.date <= previous[1]:
                raise FieldPathError(
                    where,
                    f"{cycle.date} is not after cycles[{previous[0]}] ({previous[1]}): list "
                    "the cycles in the order given",
                )
            previous = (index, cycle.date)
        return self

    def first_date(self) -> dt.date | None:
        """The start, else the first cycle's date."""
        return self.start or next((c.date for c in self.cycles if c.date), None)

    def last_date(self) -> dt.date | None:
        """The end, else the last cycle's date, else the start."""
        dated = [c.date for c in self.cycles if c.date]
        return self.end or (dated[-1] if dated else self.start)


class Course(_FileModel):
    """A course file: the patient and the lines of therapy, in the order given.

    ``bsa_formula`` is checked against the BSA formulas when the course is computed.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: course file",
            "description": "A patient's lines of treatment, for cumulative doses "
            "(regimens course); see docs/course.md.",
        }
    )

    schema_version: Literal["1.0", "1.1"] = "1.1"
    description: str = ""
    patient: CoursePatient = Field(default_factory=CoursePatient)
    bsa_formula: str = Field(default="mosteller", description="BSA formula of every sheet.")
    lines: tuple[CourseLine, ...] = Field(min_length=1)
    _sha256: str | None = PrivateAttr(default=None)

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the file's bytes when the course was read from a file, else None."""
        return self._sha256

    def with_file_sha256(self, sha256: str) -> "Course":
        """This course, marked as read from a file whose bytes have this SHA-256."""
        course = self.model_copy()
        course._sha256 = sha256
        return course

    @model_validator(mode="after")
    def _lines_in_order(self) -> "Course":
        for index in range(1, len(self.lines)):
            before, line = self.lines[index - 1], self.lines[index]
            first, previous_end = line.first_date(), before.last_date()
            if first and previous_end and first < previous_end:
                raise FieldPathError(
                    f"lines[{index + 1}].start",
                    f"{first} is before the last date of lines[{index}] ({previous_end}): "
                    "list the lines in the order they were given, without overlap",
                )
        return self


# --- the report --------------------------------------------------------------------------


class DrugAmount(Frozen):
    """The cumulative dose of one drug, in one line or over the course."""

    drug: str
    #: Sum of dose intensities for drugs dosed per m² (see _calc/course.py); None otherwise.
    mg_per_m2: float | None
    mg: float  # sum of the sheets' final daily doses
    cycles: int  # cycles in which the drug was given (not withheld)
    doxorubicin_equivalent_mg_per_m2: float | None = None  # anthracyclines only


class LineReport(Frozen):
    """One line of therapy as computed."""

    line: int  # from 1
    regimen: str
    regimen_name: str
    supportive: tuple[str, ...]
    label: str
    start: dt.date | None
    end: dt.date | None
    cycles: int
    bsa_m2: tuple[float, ...]  # the BSAs used, distinct, in order
    drugs: tuple[DrugAmount, ...]
    doxorubicin_equivalent_mg_per_m2: float | None  # None: no anthracycline in the line
    sheet_warnings: tuple[SheetWarning, ...]  # distinct warnings of the line's dose sheets
    record: LineRecord | None = None  # cycles, delays, dose intensity (issue 20)


class EquivalenceRatio(Frozen):
    """The doxorubicin-equivalence ratio used for one anthracycline."""

    drug: str
    ratio: float
    source: str
    from_option: bool  # replaced by ``equivalence`` (--equivalence)
    library_ratio: float | None


class LimitReport(Frozen):
    """A cumulative limit of the library against the course."""

    drug: str
    kind: Literal["limit", "advisory"]
    evidence: str | None
    limit: float
    unit: str
    source: str
    note: str
    counted: tuple[str, ...]  # the drugs added up (anthracyclines: all of the course)
    cumulative: float
    remaining: float  # limit − cumulative (negative past the limit)
    percent_of_limit: float
    status: LimitStatus
    current_line: int
    current_regimen: str
    per_cycle: float | None  # of the current line continued; None: not in it
    cycles_that_fit: int | None  # None: not in the current line


class CourseWarning(Frozen):
    """A warning of the course: severity, code, the drug and the values of its message."""

    severity: Severity
    code: CourseWarningCode
    drug: str | None = None
    #: The values in the message, as displayed; ``variant`` picks a wording.
    params: FrozenMap[str, str] = Field(default_factory=FrozenDict)


class CourseOptions(Frozen):
    """The options of the calculation."""

    bsa_formula: str
    #: Drug INN → the doxorubicin-equivalence ratio given in place of the library's.
    equivalence: FrozenMap[str, float] = Field(default_factory=FrozenDict)
    rdi_threshold_percent: float = 85.0  # RDI_BELOW_THRESHOLD below this
    weight_change_percent: float = 10.0  # WEIGHT_CHANGED at or above this


class CourseProvenance(Frozen):
    """Enough to recompute the report: tool, input files, options, time."""

    tool: str = "regimens"
    tool_version: str = __version__
    calculated_at: str  # ISO 8601, UTC
    #: SHA-256 of the course file's bytes, when the course was read from a file.
    course_sha256: str | None
    #: Regimen id → SHA-256 of its library file (main and supportive regimens).
    regimens: FrozenMap[str, str] = Field(default_factory=FrozenDict)
    #: Drug INN → SHA-256 of the drug-facts file its limit and ratio were read from.
    drugs: FrozenMap[str, str] = Field(default_factory=FrozenDict)
    options: CourseOptions
    #: Every library file the report read, with its SHA-256, as in a sheet's provenance
    #: (1.2): each line's regimen files, the drug-facts files, assessment.toml when a
    #: cycle was assessed.
    files: tuple[SourceFile, ...] = ()
    #: The user files among them that replaced an earlier layer's (1.2).
    shadowed: tuple[Shadowing, ...] = ()
    #: The user library directories, in layer order (1.2).
    library_dirs: tuple[LibraryDirectory, ...] = ()


class CourseReport(Frozen):
    """The result of ``regimens course`` (numbers and codes; ``docs/course.md``)."""

    schema_version: str = REPORT_SCHEMA_VERSION
    source: str | None
    patient_id: str | None
    description: str
    bsa_formula: str
    lines: tuple[LineReport, ...]
    totals: tuple[DrugAmount, ...]
    doxorubicin_equivalent_mg_per_m2: float | None
    equivalence: tuple[EquivalenceRatio, ...]
    limits: tuple[LimitReport, ...]
    warnings: tuple[CourseWarning, ...]
    notes: tuple[CourseNote, ...] = COURSE_NOTES
    provenance: CourseProvenance
    drug_names: FrozenMap[str, FrozenMap[str, str]] = Field(default_factory=FrozenDict)
    tool_version: str = __version__

    @property
    def blocking(self) -> bool:
        """True when a label's cumulative limit is passed, or a line's sheet is blocked.

        A blocked sheet (a drug withheld for a contraindication) means the totals count
        that drug as not given: the report cannot be used without a decision.
        """
        sheet_warnings = (w for line in self.lines for w in line.sheet_warnings)
        return any(w.severity == "blocking" for w in self.warnings) or any(
            w.severity == "blocking" for w in sheet_warnings
        )

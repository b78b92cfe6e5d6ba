"""Treatment courses: the lines of treatment a patient received, and cumulative doses.

A *course file* (TOML or JSON; ``docs/course.md``, ``docs/course.schema.json``) lists
the lines of therapy in order: the regimen, the cycles given (a number, or one entry
per cycle with its date and dose level) and the measurements the doses were computed
from. :func:`load_course` reads and validates it; :func:`compute_course` computes the
dose sheet of every cycle with :func:`regimens._calc.dosing.compute_sheet` (dosing is never
re-implemented here) and adds up, per drug, per line and in total:

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
(oxaliplatin 550 mg/m²). An anthracycline's limit counts every anthracycline of the
course, converted through the doxorubicin-equivalence ratios into that drug's own
mg/m². The *current line* is the last one; "more cycles that fit" continues it at its
last cycle's doses: the largest n with cumulative + n × per-cycle ≤ limit.

Warnings (codes in :data:`COURSE_WARNING_CODES`): past a label limit is *blocking*;
at it, or one cycle away, or past an advisory threshold, a *caution*; otherwise an
*info* saying how many more cycles fit.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from regimens._errors import InputError, LibraryError, UnknownNameError
from regimens._models.base import Number
from regimens._models.regimen import FieldPathError
from regimens._models.sheet import Administration, DoseSheet, Severity, SheetWarning
from regimens._version import __version__

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.patient import Patient
    from regimens._models.regimen import Regimen
    from regimens._read.library import Library

__all__ = [
    "COURSE_WARNING_CODES",
    "COURSE_WARNING_TEXT",
    "SCHEMA_VERSION",
    "Course",
    "CourseCycle",
    "CourseLine",
    "CoursePatient",
    "CourseReport",
    "DrugAmount",
    "EquivalenceRatio",
    "LimitReport",
    "LineReport",
    "compute_course",
    "course_json_schema",
    "course_warning_text",
    "cycles_that_fit",
    "limit_status",
    "load_course",
    "parse_course",
]

#: Version of the course file format and of ``regimens course --format json``.
SCHEMA_VERSION = "1.0"

#: Values are compared after rounding to this many decimals (see the module doc).
_DECIMALS = 6

COURSE_WARNING_CODES: dict[str, tuple[Severity, str]] = {
    "CUMULATIVE_LIMIT_EXCEEDED": (
        "blocking",
        "The cumulative dose is above a label's cumulative limit.",
    ),
    "CUMULATIVE_LIMIT_REACHED": (
        "caution",
        "The cumulative dose is exactly at a label's cumulative limit: no further cycle fits.",
    ),
    "CUMULATIVE_LIMIT_NEXT_CYCLE": (
        "caution",
        "The next cycle of the current line would take the cumulative dose past a limit.",
    ),
    "ADVISORY_THRESHOLD_EXCEEDED": (
        "caution",
        "The cumulative dose is above an advisory threshold (not a label limit).",
    ),
    "ADVISORY_THRESHOLD_REACHED": (
        "caution",
        "The cumulative dose is exactly at an advisory threshold.",
    ),
    "ADVISORY_THRESHOLD_NEXT_CYCLE": (
        "caution",
        "The next cycle of the current line would take the cumulative dose past an "
        "advisory threshold.",
    ),
    "CUMULATIVE_HEADROOM": (
        "info",
        "How far the cumulative dose is from a limit, and how many more cycles of the "
        "current line fit under it.",
    ),
}

#: Messages per language; ``CODE/variant`` where a code has several wordings.
COURSE_WARNING_TEXT: dict[str, dict[str, str]] = {
    "CUMULATIVE_LIMIT_EXCEEDED": {
        "en": "{drug}: cumulative dose {cumulative} {unit} is above the limit of {limit} "
        "{unit}: any further dose needs a documented decision",
        "fr": "{drug} : dose cumulée de {cumulative} {unit}, au-delà de la limite de {limit} "
        "{unit} : toute nouvelle dose demande une décision documentée",
    },
    "CUMULATIVE_LIMIT_REACHED": {
        "en": "{drug}: cumulative dose {cumulative} {unit} has reached the limit of {limit} "
        "{unit}: no further cycle fits",
        "fr": "{drug} : dose cumulée de {cumulative} {unit}, la limite de {limit} {unit} est "
        "atteinte : plus aucun cycle n'est possible",
    },
    "CUMULATIVE_LIMIT_NEXT_CYCLE": {
        "en": "{drug}: cumulative dose {cumulative} of {limit} {unit}: the next cycle of "
        "{regimen} ({per_cycle} {unit}) would pass the limit",
        "fr": "{drug} : dose cumulée de {cumulative} sur {limit} {unit} : le prochain cycle "
        "de {regimen} ({per_cycle} {unit}) dépasserait la limite",
    },
    "ADVISORY_THRESHOLD_EXCEEDED": {
        "en": "{drug}: cumulative dose {cumulative} {unit} is above the advisory threshold "
        "of {limit} {unit} (not a label limit): assess toxicity before each further cycle",
        "fr": "{drug} : dose cumulée de {cumulative} {unit}, au-delà du seuil indicatif de "
        "{limit} {unit} (pas une limite réglementaire) : évaluer la toxicité avant chaque "
        "nouveau cycle",
    },
    "ADVISORY_THRESHOLD_REACHED": {
        "en": "{drug}: cumulative dose {cumulative} {unit} has reached the advisory "
        "threshold of {limit} {unit} (not a label limit)",
        "fr": "{drug} : dose cumulée de {cumulative} {unit}, le seuil indicatif de {limit} "
        "{unit} est atteint (pas une limite réglementaire)",
    },
    "ADVISORY_THRESHOLD_NEXT_CYCLE": {
        "en": "{drug}: cumulative dose {cumulative} of {limit} {unit}: the next cycle of "
        "{regimen} ({per_cycle} {unit}) would pass the advisory threshold",
        "fr": "{drug} : dose cumulée de {cumulative} sur {limit} {unit} : le prochain cycle "
        "de {regimen} ({per_cycle} {unit}) dépasserait le seuil indicatif",
    },
    "CUMULATIVE_HEADROOM": {
        "en": "{drug}: {cumulative} of {limit} {unit} ({percent}% of the limit); "
        "{cycles} more cycle(s) of {regimen} fit",
        "fr": "{drug} : {cumulative} sur {limit} {unit} ({percent} % de la limite) ; "
        "encore {cycles} cycle(s) de {regimen} possible(s)",
    },
    "CUMULATIVE_HEADROOM/advisory": {
        "en": "{drug}: {cumulative} of {limit} {unit} ({percent}% of the advisory "
        "threshold); {cycles} more cycle(s) of {regimen} fit",
        "fr": "{drug} : {cumulative} sur {limit} {unit} ({percent} % du seuil indicatif) ; "
        "encore {cycles} cycle(s) de {regimen} possible(s)",
    },
    "CUMULATIVE_HEADROOM/not_in_line": {
        "en": "{drug}: {cumulative} of {limit} {unit} ({percent}% of the limit); not "
        "given in the current line ({regimen})",
        "fr": "{drug} : {cumulative} sur {limit} {unit} ({percent} % de la limite) ; absent "
        "de la ligne en cours ({regimen})",
    },
    "CUMULATIVE_HEADROOM/advisory_not_in_line": {
        "en": "{drug}: {cumulative} of {limit} {unit} ({percent}% of the advisory "
        "threshold); not given in the current line ({regimen})",
        "fr": "{drug} : {cumulative} sur {limit} {unit} ({percent} % du seuil indicatif) ; "
        "absent de la ligne en cours ({regimen})",
    },
}


def course_warning_text(
    code: str, params: dict[str, str], lang: str = "en", drug_name: str | None = None
) -> str:
    """The message of a course warning in ``lang``, with ``{drug}`` as ``drug_name``."""
    variant = params.get("variant")
    templates = COURSE_WARNING_TEXT[f"{code}/{variant}" if variant else code]
    values = dict(params)
    if drug_name is not None:
        values["drug"] = drug_name
    return templates.get(lang, templates["en"]).format(**values)


# --- the course file ---------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


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
# Strict (Number): a dose level of `true` is not 1 %.
Percent = Annotated[Number, Field(gt=0, le=200, allow_inf_nan=False)]

_MEASUREMENTS = ("height", "weight", "sex", "age", "creatinine", "crcl")


class _Measurements(_Frozen):
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
    def _plausible(self) -> _Measurements:
        from regimens._read.patient import make_patient

        given = self.measurements()
        try:
            make_patient(**given)
        except InputError as exc:
            raise FieldPathError(exc.field or "", str(exc)) from None
        return self

    def measurements(self) -> dict[str, Any]:
        """The measurements this level gives (not None)."""
        return {
            name: getattr(self, name) for name in _MEASUREMENTS if getattr(self, name) is not None
        }


class CoursePatient(_Measurements):
    """The patient: an identifier and the measurements used unless a line says otherwise."""

    id: str | None = Field(
        default=None, description="An identifier for the report; never used in a calculation."
    )
    notes: str = ""


class CourseCycle(_Measurements):
    """One cycle given: its date, dose levels and any measurement taken for it."""

    date: dt.date | None = Field(default=None, description="Day 1 of the cycle (YYYY-MM-DD).")
    dose_level: Percent | None = Field(
        default=None, description="Dose level of all drugs of this cycle, % (else the line's)."
    )
    drug_dose_levels: dict[str, Percent] = Field(
        default_factory=dict,
        description="Dose level of single drugs in this cycle, %, e.g. {oxaliplatin = 75}; "
        "replaces the line's for those drugs.",
    )
    notes: str = ""


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


class CourseLine(_Measurements):
    """One line of therapy: a regimen and the cycles given."""

    regimen: str = Field(min_length=1, description="Regimen id or alias from the library.")
    label: str = Field(default="", description="E.g. 'perioperative', 'second line'.")
    start: dt.date | None = Field(default=None, description="Day 1 of the first cycle.")
    end: dt.date | None = Field(default=None, description="Last day of treatment.")
    cycles: Annotated[tuple[CourseCycle, ...], BeforeValidator(_cycles)] = Field(
        description="The number of cycles given, or one [[lines.cycles]] table per cycle."
    )
    dose_level: Percent = Field(default=100.0, description="Dose level of all drugs, %.")
    drug_dose_levels: dict[str, Percent] = Field(
        default_factory=dict, description="Dose level of single drugs, %."
    )
    supportive: tuple[str, ...] = Field(
        default=(),
        validation_alias=AliasChoices("with", "supportive"),
        description="Supportive regimens given with this one, e.g. ['ZOLEDRONIC-ACID'].",
    )
    notes: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> CourseLine:
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


class Course(_Frozen):
    """A course file: the patient and the lines of therapy, in the order given."""

    model_config = ConfigDict(
        json_schema_extra={
            "title": "regimens: course file",
            "description": "A patient's lines of treatment, for cumulative doses "
            "(regimens course); see docs/course.md.",
        }
    )

    schema_version: Literal["1.0"] = "1.0"
    description: str = ""
    patient: CoursePatient = Field(default_factory=CoursePatient)
    bsa_formula: str = Field(default="mosteller", description="BSA formula of every sheet.")
    lines: tuple[CourseLine, ...] = Field(min_length=1)

    @field_validator("bsa_formula")
    @classmethod
    def _known_formula(cls, value: str) -> str:
        from regimens._calc.bsa import get_formula

        try:
            return get_formula(value).name
        except UnknownNameError as exc:
            # Not a ValueError: raised as is, it would escape validation without the
            # file and field (and hide the file's other mistakes). parse_course names
            # the field from pydantic's location.
            raise InputError(str(exc)) from None

    @model_validator(mode="after")
    def _lines_in_order(self) -> Course:
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


def course_json_schema() -> dict[str, Any]:
    """The JSON Schema of a course file as written (``docs/course.schema.json``)."""
    schema = Course.model_json_schema(mode="validation")
    line = schema["$defs"]["CourseLine"]["properties"]
    line["cycles"] = {
        "description": line["cycles"]["description"],
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 200},
            {"type": "array", "items": {"$ref": "#/$defs/CourseCycle"}},
        ],
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _path(loc: tuple[int | str, ...]) -> str:
    """('lines', 2, 'cycles') → 'lines[3].cycles' (counted from 1, as a reader counts)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _join(base: str, path: str) -> str:
    if not path:
        return base
    if not base or path.startswith("lines["):
        return path
    return f"{base}.{path}"


def _did_you_mean(name: str) -> str:
    import difflib

    known = {
        alias
        for model in (Course, CourseLine, CourseCycle, CoursePatient)
        for field_name, info in model.model_fields.items()
        for alias in (field_name, *_choices(info.validation_alias))
    }
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f" {name!r}{hint} (the fields are listed in docs/course.md)"


def _choices(alias: object) -> tuple[str, ...]:
    if isinstance(alias, AliasChoices):
        return tuple(choice for choice in alias.choices if isinstance(choice, str))
    return ()


def parse_course(data: object, *, source: str = "course") -> Course:
    """Validate course data (as read from TOML or JSON); errors name the line and field."""
    try:
        return Course.model_validate(data)
    except ValidationError as exc:
        # An unknown key first: a misspelt "cycles" also makes "cycles" missing.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        loc = _path(tuple(first["loc"]))
        original = first.get("ctx", {}).get("error")
        if isinstance(original, FieldPathError):
            where, reason = _join(loc, original.path), original.reason
        elif first["type"] == "extra_forbidden":
            where, reason = loc, f"unknown field{_did_you_mean(str(first['loc'][-1]))}"
        elif first["type"] == "missing":
            where, reason = loc, "missing: this field is required"
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
            where = loc
            reason = f"{message} (got {first.get('input')!r})"
            if isinstance(original, ValueError) and not isinstance(original, InputError):
                reason = str(original)
        raise InputError(f"{source}: {where}: {reason}", field=where or None) from None


def load_course(path: str | Path) -> Course:
    """Read a course file: ``.toml`` or ``.json``, UTF-8."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in {".toml", ".json"}:
        raise InputError(
            f"{file}: a course file is .toml or .json, got {suffix or 'no extension'!r}",
            field="file",
        )
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file", field="file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot be read as UTF-8 text ({exc})", field="file") from None
    try:
        data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: invalid TOML: {exc}", field="file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{file}: invalid JSON: {exc}", field="file") from None
    except RecursionError:
        raise InputError(
            f"{file}: arrays or tables nested too deeply to read", field="file"
        ) from None
    return parse_course(data, source=str(file))


# --- the report --------------------------------------------------------------------------


class DrugAmount(_Frozen):
    """The cumulative dose of one drug, in one line or over the course."""

    drug: str
    #: Sum of dose intensities for drugs dosed per m² (see the module doc); None otherwise.
    mg_per_m2: float | None
    mg: float  # sum of the sheets' final daily doses
    cycles: int  # cycles in which the drug was given (not withheld)
    doxorubicin_equivalent_mg_per_m2: float | None = None  # anthracyclines only


class LineReport(_Frozen):
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


class EquivalenceRatio(_Frozen):
    """The doxorubicin-equivalence ratio used for one anthracycline."""

    drug: str
    ratio: float
    source: str
    from_option: bool  # replaced by ``equivalence`` (--equivalence)
    library_ratio: float | None


class LimitReport(_Frozen):
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
    status: Literal["below", "reached", "exceeded"]
    current_line: int
    current_regimen: str
    per_cycle: float | None  # of the current line continued; None: not in it
    cycles_that_fit: int | None  # None: not in the current line


class CourseReport(_Frozen):
    """The result of ``regimens course``: the JSON document of ``docs/course.md``."""

    schema_version: str = SCHEMA_VERSION
    source: str | None
    patient_id: str | None
    description: str
    bsa_formula: str
    lines: tuple[LineReport, ...]
    totals: tuple[DrugAmount, ...]
    doxorubicin_equivalent_mg_per_m2: float | None
    equivalence: tuple[EquivalenceRatio, ...]
    limits: tuple[LimitReport, ...]
    warnings: tuple[SheetWarning, ...]
    notes: tuple[str, ...]
    drug_names: dict[str, dict[str, str]]
    tool_version: str = __version__

    @property
    def blocking(self) -> bool:
        """True when a label's cumulative limit is passed, or a line's sheet is blocked.

        A blocked sheet (a drug withheld for a contraindication) means the totals count
        that drug as not given: the report cannot be used without a decision.
        """
        return any(
            warning.severity == "blocking"
            for warning in (
                *self.warnings,
                *(w for line in self.lines for w in line.sheet_warnings),
            )
        )


NOTES = (
    "mg/m2: the dose intensity of each administration (library dose x dose level x organ "
    "adjustment, before rounding), for drugs dosed per m2.",
    "mg: the final (rounded) daily doses of each cycle's dose sheet.",
    "Doxorubicin-equivalent mg/m2 = mg/m2 x the ratio shown; an anthracycline's limit "
    "counts every anthracycline of the course, converted into that drug's mg/m2.",
    "The current line is the last line; more cycles are counted at its last cycle's doses: "
    "the largest n with cumulative + n x per-cycle <= limit.",
)


def limit_status(cumulative: float, limit: float) -> Literal["below", "reached", "exceeded"]:
    """Below, exactly at (after rounding to 6 decimals) or past a limit."""
    difference = round(cumulative - limit, _DECIMALS)
    if difference > 0:
        return "exceeded"
    return "reached" if difference == 0 else "below"


def cycles_that_fit(cumulative: float, limit: float, per_cycle: float) -> int:
    """The largest n ≥ 0 with cumulative + n × per_cycle ≤ limit (6-decimal rounding).

    >>> cycles_that_fit(300, 900, 50)   # epirubicin after EOX x 6: 600 mg/m2 left
    12
    >>> cycles_that_fit(850, 900, 50), cycles_that_fit(900, 900, 50)
    (1, 0)
    """
    if per_cycle <= 0:
        raise ValueError(f"per_cycle must be positive, got {per_cycle}")
    remaining = round(limit - cumulative, _DECIMALS)
    if remaining <= 0:
        return 0
    return math.floor(round(remaining / per_cycle, _DECIMALS))


def _round(value: float) -> float:
    return round(value, _DECIMALS) + 0.0  # + 0.0: no -0.0


def _mg_per_m2(item: Administration) -> float | None:
    """One administration's daily dose intensity in mg/m² (None: not dosed per m²)."""
    if item.dose_basis != "per_m2" or not item.basis_value:
        return None
    if item.withheld:
        return 0.0
    return _round(item.calculated_mg * item.intakes_per_day / item.basis_value)


class _Sum:
    """Running totals of one drug."""

    def __init__(self) -> None:
        self.mg = 0.0
        self.mg_per_m2: float | None = 0.0
        self.cycles: set[tuple[int, int]] = set()

    def add(self, item: Administration, where: tuple[int, int]) -> None:
        self.mg += item.daily_dose_mg
        intensity = _mg_per_m2(item)
        if intensity is None:
            self.mg_per_m2 = None
        elif self.mg_per_m2 is not None:
            self.mg_per_m2 = _round(self.mg_per_m2 + intensity)
        if not item.withheld:
            self.cycles.add(where)

    def merge(self, other: _Sum) -> None:
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


def _sum_sheets(sheets: list[DoseSheet], line: int) -> dict[str, _Sum]:
    sums: dict[str, _Sum] = {}
    for cycle, sheet in enumerate(sheets, start=1):
        for day in sheet.days:
            for item in day.administrations:
                sums.setdefault(item.drug, _Sum()).add(item, (line, cycle))
    return sums


def _merged(*levels: _Measurements) -> dict[str, Any]:
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
    from regimens._read.patient import make_patient

    values = _merged(course.patient, line, *((cycle,) if cycle else ()))
    for name in ("height", "weight"):
        if name not in values:
            raise InputError(
                f"{source}: {where}.{name}: missing: give the {name} the doses were computed "
                f"from, in [patient], in the line or in each of its cycles",
                field=f"{where}.{name}",
            )
    return make_patient(**values)


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
                f"--equivalence {name}={ratio}: a doxorubicin-equivalence ratio is a number "
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
        self, library: Library, course: Course, line: CourseLine, number: int, source: str
    ) -> None:
        self.library, self.course, self.line, self.source = library, course, line, source
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
            bsa_formula=self.course.bsa_formula,
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


def compute_course(
    library: Library,
    course: Course,
    *,
    equivalence: Mapping[str, float] | None = None,
    source: str | None = None,
) -> CourseReport:
    """Cumulative doses of every drug of ``course``, per line and in total; limits checked.

    ``equivalence`` maps a drug name to a doxorubicin-equivalence ratio that replaces
    the library's (``{"epirubicin": 1.0}`` for the COG 1:1 rule).
    """
    where_file = source or "course"
    ratios_used = _ratios(library, equivalence)
    ratios = {item.drug: item.ratio for item in ratios_used}
    lines: list[LineReport] = []
    line_sums: list[dict[str, _Sum]] = []
    next_cycle: DoseSheet | None = None
    current: Regimen | None = None
    for number, line in enumerate(course.lines, start=1):
        context = _LineContext(library, course, line, number, where_file)
        regimen = context.regimen
        sheets = [
            context.sheet(
                index, cycle, f"{context.here}.cycles[{index}]" if _has_own(cycle) else ""
            )
            for index, cycle in enumerate(line.cycles, start=1)
        ]
        if number == len(course.lines):
            current = regimen
            last = line.cycles[-1] if line.cycles else None
            next_cycle = context.sheet(len(line.cycles) + 1, last, "")
        sums = _sum_sheets(sheets, number)
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
            )
        )
    assert current is not None and next_cycle is not None  # a course has at least one line

    totals: dict[str, _Sum] = {}
    for sums in line_sums:
        for drug, drug_sum in sums.items():
            totals.setdefault(drug, _Sum()).merge(drug_sum)
    total_amounts = tuple(s.amount(drug, ratios) for drug, s in totals.items())
    next_sums = _sum_sheets([next_cycle], len(course.lines) + 1)
    limits = _limits(library, totals, next_sums, ratios, len(course.lines), current)
    warnings = [warning for report in limits for warning in _limit_warnings(report)]
    rank = {"blocking": 0, "caution": 1, "info": 2}
    drugs_seen = set(totals) | set(next_sums)
    return CourseReport(
        source=source,
        patient_id=course.patient.id,
        description=course.description,
        bsa_formula=course.bsa_formula,
        lines=tuple(lines),
        totals=total_amounts,
        doxorubicin_equivalent_mg_per_m2=_equivalent_total(total_amounts, ratios),
        equivalence=tuple(r for r in ratios_used if r.drug in drugs_seen or r.from_option),
        limits=tuple(limits),
        warnings=tuple(sorted(warnings, key=lambda w: rank[w.severity])),
        notes=NOTES,
        drug_names={
            drug: dict(library.drug(drug).local_names)
            for drug in sorted(drugs_seen)
            if library.drug(drug).local_names
        },
    )


def _has_own(cycle: CourseCycle) -> bool:
    """Whether a cycle entry says anything of its own (then errors name it)."""
    return bool(cycle.measurements() or cycle.drug_dose_levels or cycle.dose_level is not None)


def _distinct(warnings: Any) -> tuple[SheetWarning, ...]:
    """The distinct warnings of a line's sheets.

    ``SUPPORTIVE_NOT_THIS_CYCLE`` is left out: a course counts the supportive doses of
    the cycles that have them, and one such note per other cycle would only be noise.
    """
    seen: dict[tuple[str, str | None, frozenset[tuple[str, str]]], SheetWarning] = {}
    for warning in warnings:
        if warning.code != "SUPPORTIVE_NOT_THIS_CYCLE":
            # Same code, drug and values: the same message.
            key = (warning.code, warning.drug, frozenset(warning.params.items()))
            seen.setdefault(key, warning)
    return tuple(seen.values())


def _limits(
    library: Library,
    totals: dict[str, _Sum],
    next_sums: dict[str, _Sum],
    ratios: Mapping[str, float],
    current_line: int,
    current: Regimen,
) -> list[LimitReport]:
    reports: list[LimitReport] = []
    for drug in dict.fromkeys([*totals, *next_sums]):
        facts = library.drug(drug)
        limit = facts.cumulative_limit
        if limit is None:
            continue
        own_ratio = ratios.get(drug)
        if own_ratio is not None and limit.unit == "mg/m2":
            # Every anthracycline of the course, in this drug's own mg/m2.
            counted = tuple(d for d in totals if d in ratios)
            cumulative = _round(
                sum(_per_m2(drug, d, totals[d]) * ratios[d] for d in counted) / own_ratio
            )
            in_next = [d for d in next_sums if d in ratios]
            per_cycle: float | None = (
                _round(sum(_per_m2(drug, d, next_sums[d]) * ratios[d] for d in in_next) / own_ratio)
                if drug in next_sums
                else None
            )
        else:
            counted = (drug,)
            cumulative = _amount_in(drug, totals.get(drug), limit.unit)
            per_cycle = _amount_in(drug, next_sums[drug], limit.unit) if drug in next_sums else None
        fit = cycles_that_fit(cumulative, limit.amount, per_cycle) if per_cycle else None
        reports.append(
            LimitReport(
                drug=drug,
                kind=limit.kind,
                evidence=limit.evidence,
                limit=limit.amount,
                unit=limit.unit,
                source=limit.source,
                note=limit.note,
                counted=counted,
                cumulative=cumulative,
                remaining=_round(limit.amount - cumulative),
                percent_of_limit=_round(cumulative / limit.amount * 100),
                status=limit_status(cumulative, limit.amount),
                current_line=current_line,
                current_regimen=current.id,
                per_cycle=per_cycle,
                cycles_that_fit=fit,
            )
        )
    return reports


def _amount_in(drug: str, drug_sum: _Sum | None, unit: str) -> float:
    """A drug's cumulative amount in a limit's unit (mg/m² or mg)."""
    if drug_sum is None:
        return 0.0
    if unit == "mg":
        return _round(drug_sum.mg)
    if unit == "mg/m2" and drug_sum.mg_per_m2 is not None:
        return drug_sum.mg_per_m2
    raise InputError(
        f"the cumulative limit of {drug} is in {unit}: it can be checked only when {drug} "
        "is dosed per m2 in every line of the course (limits in mg/m2 or mg are supported)",
        field="cumulative_limit",
    )


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


def _per_m2(limited: str, drug: str, drug_sum: _Sum) -> float:
    """An anthracycline's cumulative mg/m², counted in the limit of ``limited``.

    A drug not dosed per m² in every line has no mg/m² to convert: refused, never
    counted as 0 (a dose per kg or a flat dose would silently drop out of the limit).
    """
    if drug_sum.mg_per_m2 is None:
        raise InputError(
            f"the cumulative limit of {limited} in mg/m2 counts every anthracycline of the "
            f"course: it can be checked only when {drug} is dosed per m2 in every line of "
            "the course",
            field="cumulative_limit",
        )
    return drug_sum.mg_per_m2


def _number(value: float) -> str:
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"


def _limit_warnings(report: LimitReport) -> list[SheetWarning]:
    advisory = report.kind == "advisory"
    params = {
        "drug": report.drug,
        "cumulative": _number(report.cumulative),
        "limit": _number(report.limit),
        "unit": report.unit,
        "regimen": report.current_regimen,
        "percent": f"{report.percent_of_limit:.0f}",
    }
    prefix = "ADVISORY_THRESHOLD" if advisory else "CUMULATIVE_LIMIT"
    if report.status == "exceeded":
        code = f"{prefix}_EXCEEDED"
    elif report.status == "reached":
        code = f"{prefix}_REACHED"
    elif report.cycles_that_fit == 0 and report.per_cycle is not None:
        code = f"{prefix}_NEXT_CYCLE"
        params["per_cycle"] = _number(report.per_cycle)
    else:
        code = "CUMULATIVE_HEADROOM"
        in_line = report.cycles_that_fit is not None
        variant = "_".join(
            part
            for part in ("advisory" if advisory else "", "" if in_line else "not_in_line")
            if part
        )
        if variant:
            params["variant"] = variant
        if in_line:
            params["cycles"] = str(report.cycles_that_fit)
    severity = COURSE_WARNING_CODES[code][0]
    return [
        SheetWarning(
            severity=severity,
            code=code,
            drug=report.drug,
            params=params,
        )
    ]

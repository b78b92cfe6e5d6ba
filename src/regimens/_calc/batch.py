"""Dose sheets for many patients in one pass: the library behind ``regimens batch``.

:func:`batch_sheets` takes an iterable of rows — mappings such as CSV dicts, JSONL
objects, ``pandas.DataFrame.to_dict("records")`` or polars ``iter_rows(named=True)``,
or :class:`~regimens._models.patient.Patient` objects — and yields, in input order, exactly
one :class:`BatchResult` per row: a sheet, or an error naming the row, the field and
the reason. A bad row never stops the batch. Only the package's own errors (the
:mod:`regimens._errors` tree) become error records; anything else is a bug and
propagates.

Nothing is accumulated: results are yielded as rows are read, so memory stays flat
whatever the number of rows. Work that does not depend on the patient (the regimen
look-up, the validated options of a cycle / dose level / BSA formula) is done once
and reused across rows.

:func:`read_csv_rows` and :func:`read_jsonl_rows` stream rows from a text file.
"""

from __future__ import annotations

import csv
import json
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from regimens._errors import InputError, RegimensError, UnknownRegimenError
from regimens._models.patient import Patient
from regimens._read.patient import make_patient

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.regimen import Regimen
    from regimens._models.sheet import DoseSheet
    from regimens._read.library import Library

__all__ = [
    "BATCH_COLUMNS",
    "REQUIRED_COLUMNS",
    "BatchError",
    "BatchResult",
    "batch_sheets",
    "read_csv_rows",
    "read_jsonl_rows",
]

#: Every column a batch row may have. ``regimen`` may be left out when the regimen
#: is given once for all rows (``--regimen`` / ``regimen=``).
BATCH_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "regimen",
    "height",
    "weight",
    "sex",
    "age",
    "creatinine",
    "cycle",
    "dose_level",
    "bsa_formula",
    "patient_name",
)

_COLUMN_SET = frozenset(BATCH_COLUMNS)

#: Columns a CSV header must have (plus ``regimen`` unless given once for all rows).
REQUIRED_COLUMNS: tuple[str, ...] = ("patient_id", "height", "weight")

#: Options a row may set for itself, overriding the batch's options for that row.
_ROW_OPTIONS = {"cycle": "cycle", "dose_level": "dose_level_percent", "bsa_formula": "bsa_formula"}
#: SheetOptions field → the column a user wrote.
_COLUMN_OF_OPTION = {field: column for column, field in _ROW_OPTIONS.items()}

#: At most this many distinct regimens / option sets are kept between rows.
_CACHE_SIZE = 256
#: Error messages are cut to this length (a whole bad line echoed back is no help).
_MAX_MESSAGE = 1000


@dataclass(frozen=True, slots=True)
class BatchError:
    """Why a row gave no sheet: the input field (column) concerned and the reason."""

    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The outcome of one input row: a sheet, or an error, never both.

    ``row`` is the 1-based number of the row among the input's data rows (blank
    lines are neither rows nor counted; a CSV header is not a row).
    """

    row: int
    patient_id: str | None
    sheet: DoseSheet | None = None
    error: BatchError | None = None

    def error_record(self) -> dict[str, object]:
        """``{"row": N, "patient_id": ..., "error": {"field": ..., "message": ...}}``."""
        if self.error is None:
            raise ValueError("this row has a sheet, not an error")
        return {
            "row": self.row,
            "patient_id": self.patient_id,
            "error": {"field": self.error.field, "message": self.error.message},
        }


def _is_missing(value: object) -> bool:
    """None, an empty cell, or pandas' NaN for an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _text(value: object, column: str) -> str:
    """A cell that must be text (an identifier, a name, a sex)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    raise InputError(f"{column} must be text, got {value!r}", field=column)


def _measure(value: object, column: str) -> str | float | None:
    """A measurement cell: text with or without a unit, or a number."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise InputError(f"{column} must be a number or text with a unit, got {value!r}", field=column)


def _option_value(column: str, value: object) -> object:
    """A row's cycle (integer), dose level (number) or BSA formula (name)."""
    if column == "bsa_formula":
        return _text(value, column)
    if isinstance(value, bool):
        raise InputError(f"{column} must be a number, got {value!r}", field=column)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip() if column == "dose_level" else value.strip()
        try:
            return int(text) if column == "cycle" else float(text)
        except ValueError:
            kind = "a whole number" if column == "cycle" else "a number (percent)"
            raise InputError(f"{column} must be {kind}, got {value!r}", field=column) from None
    if column == "cycle":
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return int(float(value))
        raise InputError(f"cycle must be a whole number, got {value!r}", field=column)
    if isinstance(value, numbers.Real):
        return float(value)
    raise InputError(f"{column} must be a number, got {value!r}", field=column)


class _Batch:
    """What stays the same from row to row: library, regimen, options, caches."""

    def __init__(
        self,
        library: Library,
        regimen: str | None,
        options: SheetOptions,
        supportive: Sequence[str],
    ) -> None:
        self.library = library
        self.options = options
        self.supportive = tuple(supportive)
        self.regimen = library.get(regimen) if regimen is not None else None
        self._regimens: dict[str, Regimen] = {}
        self._options: dict[tuple[tuple[str, object], ...], SheetOptions] = {}

    def regimen_of(self, name: object) -> Regimen:
        if _is_missing(name):
            if self.regimen is None:
                raise InputError("regimen is empty: give the regimen id", field="regimen")
            return self.regimen
        text = _text(name, "regimen")
        found = self._regimens.get(text)
        if found is None:
            found = self.library.get(text)
            if len(self._regimens) >= _CACHE_SIZE:
                self._regimens.clear()
            self._regimens[text] = found
        if self.regimen is not None and found.id != self.regimen.id:
            raise InputError(
                f"regimen {text!r} differs from the regimen given for all rows "
                f"({self.regimen.id}); leave the cell empty or remove --regimen",
                field="regimen",
            )
        return found

    def options_of(self, overrides: tuple[tuple[str, object], ...]) -> SheetOptions:
        if not overrides:
            return self.options
        found = self._options.get(overrides)
        if found is None:
            from regimens._calc.dosing import SheetOptions

            fields = {name: getattr(self.options, name) for name in type(self.options).model_fields}
            fields.update((_ROW_OPTIONS[column], value) for column, value in overrides)
            try:
                found = SheetOptions(**fields)
            except InputError as exc:
                column = _COLUMN_OF_OPTION.get(exc.field or "", exc.field)
                reason = str(exc).removeprefix(f"option {exc.field}: ")
                raise InputError(f"{column}: {reason}", field=column) from None
            if len(self._options) >= _CACHE_SIZE:
                self._options.clear()
            self._options[overrides] = found
        return found

    def sheet(self, row: Mapping[str, object] | Patient) -> tuple[str | None, DoseSheet]:
        from regimens._calc.dosing import compute_sheet, sheet_for

        if isinstance(row, Patient):
            if self.regimen is None:
                raise InputError("a Patient row needs the regimen given for all rows")
            return None, compute_sheet(
                self.library, self.regimen, row, self.options, supportive=self.supportive
            )
        unknown = [key for key in row if key not in _COLUMN_SET]
        if unknown:
            raise InputError(
                f"unknown column {str(unknown[0])!r}; accepted: {', '.join(BATCH_COLUMNS)}",
                field=str(unknown[0]),
            )
        patient_id = _patient_id(row)
        get = row.get
        regimen = self.regimen_of(get("regimen"))
        patient = make_patient(
            height=_measure(get("height"), "height"),
            weight=_measure(get("weight"), "weight"),
            sex=None if _is_missing(get("sex")) else _text(get("sex"), "sex"),
            age=_measure(get("age"), "age"),
            creatinine=_measure(get("creatinine"), "creatinine"),
        )
        overrides = tuple(
            (column, _option_value(column, get(column)))
            for column in _ROW_OPTIONS
            if not _is_missing(get(column))
        )
        options = self.options_of(overrides)
        sheet = sheet_for(
            self.library,
            regimen,
            patient,
            options,
            supportive=self.supportive,
            patient_id=patient_id,
        )
        name = get("patient_name")
        if _is_missing(name):
            return patient_id, sheet
        # Read after the sheet, so that a row with several faults reports the same one.
        return patient_id, sheet.model_copy(update={"patient_name": _text(name, "patient_name")})


def _patient_id(row: Mapping[str, object]) -> str:
    value = row.get("patient_id")
    if _is_missing(value):
        raise InputError("patient_id is empty: every row needs one", field="patient_id")
    return _text(value, "patient_id")


def _quiet_patient_id(row: object) -> str | None:
    """The row's patient_id for an error record, when it has a usable one."""
    if isinstance(row, Mapping):
        try:
            return _patient_id(row)
        except InputError:
            return None
    return None


def _error_of(exc: RegimensError) -> BatchError:
    field = getattr(exc, "field", None)
    if field is None and isinstance(exc, UnknownRegimenError):
        field = "regimen"
    message = " ".join(str(exc).split())
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return BatchError(field=field, message=message)


def batch_sheets(
    rows: Iterable[Mapping[str, object] | Patient | InputError],
    *,
    library: Library | None = None,
    regimen: str | None = None,
    options: SheetOptions | None = None,
    supportive: Sequence[str] = (),
) -> Iterator[BatchResult]:
    """Yield one :class:`BatchResult` per row of ``rows``, in order, as they are read.

    A row is a mapping with the columns of :data:`BATCH_COLUMNS` (values as text with
    or without units, or numbers; ``None``, ``""`` and NaN mean "not given"), or a
    :class:`Patient` (then ``regimen`` is required and the row has no patient_id).
    ``regimen`` gives the regimen of rows whose ``regimen`` is empty; a row naming
    another regimen is an error. A row's ``cycle``, ``dose_level`` and
    ``bsa_formula`` override those of ``options`` for that row. An
    :class:`~regimens._errors.InputError` in ``rows`` (an unreadable line from
    :func:`read_jsonl_rows`) becomes that row's error record.

    ``library`` defaults to :func:`~regimens._read.library.load_library` of the built-in
    regimens and ``REGIMENS_LIBRARY``. An unknown ``regimen`` raises at once.
    """
    from regimens._calc.dosing import SheetOptions
    from regimens._read.library import load_library

    batch = _Batch(
        library if library is not None else load_library(),
        regimen,
        options if options is not None else SheetOptions(),
        supportive,
    )
    for number, row in enumerate(rows, 1):
        if isinstance(row, InputError):
            yield BatchResult(number, None, error=_error_of(row))
            continue
        try:
            patient_id, sheet = batch.sheet(row)
        except RegimensError as exc:
            yield BatchResult(number, _quiet_patient_id(row), error=_error_of(exc))
        else:
            yield BatchResult(number, patient_id, sheet=sheet)


def _header(names: list[str], *, regimen_given: bool) -> list[str]:
    """The cleaned CSV header; refuses unknown, repeated or missing columns."""
    header = [name.strip().lower() for name in names]
    for name in header:
        if name not in BATCH_COLUMNS:
            raise InputError(
                f"input: unknown column {name!r}; accepted: {', '.join(BATCH_COLUMNS)}",
                field=name or "header",
            )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"input: column {repeated[0]!r} appears twice", field=repeated[0])
    required = REQUIRED_COLUMNS if regimen_given else ("patient_id", "regimen", "height", "weight")
    for name in required:
        if name not in header:
            hint = " (or give --regimen for all rows)" if name == "regimen" else ""
            raise InputError(
                f"input: required column {name!r} is missing{hint}; the header has "
                + ", ".join(header),
                field=name,
            )
    return header


def read_csv_rows(
    stream: IO[str], *, regimen_given: bool = False
) -> Iterator[dict[str, str] | InputError]:
    """Stream the data rows of a CSV file as dicts, column → cell text.

    Open the file with ``encoding="utf-8-sig", newline=""`` (a BOM is dropped; any
    line ending is read). The header is checked first (unknown, repeated and missing
    columns raise :class:`InputError`); an empty file has no rows. Blank lines are
    skipped. A row with more or fewer cells than the header is yielded as an
    :class:`InputError` (it becomes that row's error record).
    """
    reader = csv.reader(stream)
    try:
        first = next(reader)
    except StopIteration:
        return
    header = _header(first, regimen_given=regimen_given)
    width = len(header)
    for cells in reader:
        if not cells:
            continue
        if len(cells) != width:
            yield InputError(f"the row has {len(cells)} cells, the header has {width}", field=None)
            continue
        yield dict(zip(header, cells, strict=True))


def read_jsonl_rows(stream: IO[str]) -> Iterator[Mapping[str, object] | InputError]:
    """Stream the objects of a JSON Lines file, one per non-blank line.

    A line that is not a JSON object is yielded as an :class:`InputError` (it becomes
    that row's error record); keys are checked by :func:`batch_sheets`.
    """
    for line in stream:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"the line is not valid JSON ({exc.msg})", field=None)
            continue
        if not isinstance(value, dict):
            yield InputError(
                f"the line must be a JSON object, got {type(value).__name__}", field=None
            )
            continue
        yield value

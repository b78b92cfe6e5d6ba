"""Reading the rows of a batch: CSV and JSON Lines files, and each row's cells, streamed.

:func:`read_csv_rows` and :func:`read_jsonl_rows` yield one item per data row, as the
file is read: a mapping of column → value, or an :class:`~regimens._errors.InputError`
for a row that cannot be read. A CSV header that cannot be used (an unknown, repeated
or missing column) raises at once: no row of such a file could be read.

:func:`read_batch_rows` reads each row's cells — from those readers, CSV dicts, JSONL
objects, ``pandas.DataFrame.to_dict("records")`` or polars ``iter_rows(named=True)`` —
into a :class:`~regimens._models.batch.BatchRow` (patient, regimen, the row's options),
or a :class:`~regimens._models.batch.RowFailure` naming the field and the reason. Only
the package's own errors become failures; anything else is a bug and propagates.
"""

from __future__ import annotations

import csv
import json
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING

from regimens._errors import InputError, RegimensError
from regimens._models.batch import (
    ASSESSMENT_COLUMNS,
    BATCH_COLUMNS,
    LIST_COLUMNS,
    REQUIRED_COLUMNS,
    ROW_OPTIONS,
    BatchRow,
    RowFailure,
    batch_error,
)
from regimens._models.identity import patient_identity
from regimens._models.patient import Patient
from regimens._read.concentration import read_concentrations
from regimens._read.json_keys import DuplicateKeyError, unique_keys
from regimens._read.levels import read_dose_level
from regimens._read.patient import make_patient
from regimens._read.text import plain_text

if TYPE_CHECKING:
    from regimens._models.assessment import AssessmentInputs

    # Library moves to _models/library.py (issue 16); until then this name is not found.
    from regimens._models.library import Library
    from regimens._models.regimen import Regimen

__all__ = ["check_header", "read_batch_rows", "read_csv_rows", "read_jsonl_rows"]

_COLUMN_SET = frozenset(BATCH_COLUMNS)
#: At most this many distinct regimens are kept between rows.
_CACHE_SIZE = 256


#: The separators a batch CSV may use, the first the default: a spreadsheet set to
#: French (or German...) writes ``;``, because ``,`` is its decimal separator.
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def _delimiter(line: str) -> str:
    """The separator of a CSV file, read from its header line: the one of
    :data:`DELIMITERS` that splits it into the most known column names (a header has
    no free text, so this is not a guess at the data: ``patient_id;height;weight`` has
    three known names with ``;`` and none with ``,``). A tie keeps the comma."""

    def known(delimiter: str) -> int:
        names = line.split(delimiter)
        return sum(name.strip().strip('"').lower() in _COLUMN_SET for name in names)

    return max(DELIMITERS, key=known)


def check_header(names: list[str], *, regimen_given: bool, delimiter: str = ",") -> list[str]:
    """The cleaned header of a CSV or Parquet file; refuses unknown, repeated, missing columns."""
    header = [name.strip().lower() for name in names]
    for name in header:
        if name not in BATCH_COLUMNS:
            raise InputError(
                f"input: unknown column {name!r} (the header read as separated by "
                f"{_DELIMITER_NAMES[delimiter]}; commas, semicolons and tabs are "
                f"accepted); accepted columns: {', '.join(BATCH_COLUMNS)}",
                field=name or "header",
            )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"input: column {repeated[0]!r} appears twice", field=repeated[0])
    required = REQUIRED_COLUMNS if regimen_given else ("patient_id", "regimen", "height", "weight")
    for name in required:
        if name not in header:
            hint = " (or give the regimen for all rows)" if name == "regimen" else ""
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

    The cells are separated by commas, semicolons or tabs: the header line says which
    (:func:`_delimiter`), and every line is read with that separator.

    Open the file with ``encoding="utf-8-sig", newline=""`` (a BOM is dropped; any
    line ending is read). The header is checked first (unknown, repeated and missing
    columns raise :class:`InputError`); an empty file has no rows. Blank lines are
    skipped. Each physical line is one row (no cell of a batch holds a line break): a
    line that cannot be read — a quote left open (``"Smith, John``), a cell over the
    size limit — or with more or fewer cells than the header is yielded as an
    :class:`InputError` (it becomes that row's error record) and the next line is read
    on its own, so that one stray quote cannot fold every later row into one cell.
    """
    lines = (line.rstrip("\r\n") for line in stream)
    header: list[str] | None = None
    delimiter = DELIMITERS[0]
    for line in lines:
        if header is None:
            if not line.strip():
                continue
            undecodable = _not_utf8(line)
            if undecodable is not None:
                raise InputError(f"the header: {undecodable}", field=None)
            delimiter = _delimiter(line)
            header = check_header(
                _cells(line, delimiter), regimen_given=regimen_given, delimiter=delimiter
            )
            width = len(header)
            continue
        if not line.strip():
            continue
        undecodable = _not_utf8(line)
        if undecodable is not None:
            yield undecodable
            continue
        try:
            cells = _cells(line, delimiter)
        except InputError as error:
            yield error
            continue
        if len(cells) != width:
            yield InputError(f"the row has {len(cells)} cells, the header has {width}", field=None)
            continue
        yield dict(zip(header, cells, strict=True))


def _not_utf8(line: str) -> InputError | None:
    """The error of a line holding a byte that is not UTF-8, else None.

    The file is opened with ``errors="surrogateescape"``: such a byte arrives as a lone
    surrogate \\udc80-\\udcff, so one Latin-1 "é" costs its own row, not the run.
    """
    for column, char in enumerate(line, start=1):
        if "\udc80" <= char <= "\udcff":
            return InputError(
                f"the line is not UTF-8 text (byte \\x{ord(char) - 0xDC00:02x} at character "
                f"{column}): save the file as UTF-8",
                field=None,
            )
    return None


#: The longest line a batch reads (1 MiB): a patient's row is a few hundred characters.
_MAX_LINE = 1 << 20


def _cells(line: str, delimiter: str = ",") -> list[str]:
    """One physical CSV line → its cells; a malformed line is an InputError."""
    if len(line) > _MAX_LINE:
        raise InputError(
            f"the line has {len(line)} characters, more than the {_MAX_LINE} a row may have",
            field=None,
        )
    try:
        rows = list(csv.reader([line], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(
            f"the line is not valid CSV ({exc}); a quoted cell must close its quote on the "
            "same line",
            field=None,
        ) from None
    return rows[0] if rows else []


def read_jsonl_rows(stream: IO[str]) -> Iterator[Mapping[str, object] | InputError]:
    """Stream the objects of a JSON Lines file, one per non-blank line.

    A line that is not a JSON object is yielded as an :class:`InputError` (it becomes
    that row's error record); keys are checked by :func:`regimens._calc.batch.batch_sheets`.
    """
    for line in stream:
        if not line.strip():
            continue
        if len(line) > _MAX_LINE:
            yield InputError(
                f"the line has {len(line)} characters, more than the {_MAX_LINE} a row may have",
                field=None,
            )
            continue
        undecodable = _not_utf8(line)
        if undecodable is not None:
            yield undecodable
            continue
        try:
            value = json.loads(line, object_pairs_hook=unique_keys)
        except json.JSONDecodeError as exc:
            yield InputError(f"the line is not valid JSON ({exc.msg})", field=None)
            continue
        except DuplicateKeyError as exc:
            yield InputError(str(exc), field=exc.key)
            continue
        except ValueError:  # Python refuses an integer of more than 4,300 digits
            yield InputError(
                "the line cannot be read: a number in it has more than 4,300 digits",
                field=None,
            )
            continue
        except RecursionError:
            yield InputError("the line is nested too deeply to read", field=None)
            continue
        surrogate = _lone_surrogate(value)
        if surrogate is not None:
            yield InputError(
                f"{surrogate}: the text holds a lone UTF-16 surrogate (\\ud800-\\udfff), "
                "which is not a character",
                field=surrogate,
            )
            continue
        if not isinstance(value, dict):
            yield InputError(
                f"the line must be a JSON object, got {type(value).__name__}", field=None
            )
            continue
        yield value


def _lone_surrogate(value: object) -> str | None:
    """The first key whose text (or the key itself) holds a lone surrogate, else None."""
    if not isinstance(value, dict):
        return None
    for key, cell in value.items():
        for text in (key, cell):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return str(key).encode("utf-8", "backslashreplace").decode("ascii")
    return None


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
        return plain_text(value, column)
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


def _option_value(column: str, value: object) -> int | float | str:
    """A row's cycle (integer), dose level (number) or BSA formula (name)."""
    if column == "bsa_formula":
        return _text(value, column)
    if column == "dose_level":  # 80, 80% or 80 %, checked as every dose level is
        return read_dose_level(value, column)
    if isinstance(value, bool):
        raise InputError(f"{column} must be a number, got {value!r}", field=column)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if column == "cycle" else float(text)
        except ValueError:
            kind = "a whole number" if column == "cycle" else "a number"
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


def _items(value: object, column: str) -> tuple[str, ...]:
    """A list cell: ``;``-separated items (``anc=1.2; platelets=90``), or a JSON list
    of texts; empty items are dropped."""
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(";") if item.strip())
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise InputError(
        f"{column} must be text, items separated by ';' (e.g. anc=1.2; platelets=90), "
        f"got {value!r}",
        field=column,
    )


def _single(value: object, column: str) -> str | float:
    """A one-value treatment-day cell: text, or a number (a score, a uracil, a weight)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise InputError(f"{column} must be text or a number, got {value!r}", field=column)


def _assessment(row: Mapping[str, object], library: Library) -> AssessmentInputs | None:
    """The row's treatment-day inputs (:data:`ASSESSMENT_COLUMNS`); None without any.

    An error's field is the reader's keyword (``toxicities``);
    :func:`~regimens._models.batch.batch_error` names the column (``toxicity``).
    """
    from regimens._read.assessment import make_assessment_inputs

    cells: dict[str, object] = {}
    for column, keyword in ASSESSMENT_COLUMNS.items():
        value = row.get(column)
        if _is_missing(value):
            continue
        cells[keyword] = _items(value, column) if column in LIST_COLUMNS else _single(value, column)
    if not cells:
        return None
    return make_assessment_inputs(library.assessment_settings, **cells)  # type: ignore[arg-type]


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


class _Rows:
    """What stays the same from row to row: the library, the batch's regimen, a cache."""

    def __init__(self, library: Library, regimen: str | None) -> None:
        self.library = library
        self.regimen: Regimen | None = library.get(regimen) if regimen is not None else None
        self._regimens: dict[str, Regimen] = {}

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
                f"({self.regimen.id}); leave the cell empty, or give no regimen for all rows",
                field="regimen",
            )
        return found

    def _option(self, column: str, value: object) -> object:
        """A row's option: ``concentration`` is a list of ``DRUG=VALUE`` items."""
        if column == "concentration":
            return read_concentrations(_items(value, column), self.library)
        return _option_value(column, value)

    def read(self, row: Mapping[str, object] | Patient) -> BatchRow:
        """One row's cells, in a fixed order, so that a row with several faults always
        reports the same one: columns, patient_id, regimen, patient, options, name, date
        of birth."""
        if isinstance(row, Patient):
            if self.regimen is None:
                raise InputError("a Patient row needs the regimen given for all rows")
            # A caller's Patient is checked again (BatchRow checks its type only).
            patient = Patient.model_validate(row)
            return BatchRow(patient_id=None, regimen=self.regimen, patient=patient)
        unknown = [key for key in row if key not in _COLUMN_SET]
        if unknown:
            raise InputError(
                f"unknown column {str(unknown[0])!r}; accepted: {', '.join(BATCH_COLUMNS)}",
                field=str(unknown[0]),
            )
        patient_id = _patient_id(row)
        get = row.get
        regimen = self.regimen_of(get("regimen"))
        if not _is_missing(get("creatinine")) and not _is_missing(get("crcl")):
            raise InputError("give creatinine or crcl, not both", field="crcl")
        patient = make_patient(
            height=_measure(get("height"), "height"),
            weight=_measure(get("weight"), "weight"),
            sex=None if _is_missing(get("sex")) else _text(get("sex"), "sex"),
            age=_measure(get("age"), "age"),
            creatinine=_measure(get("creatinine"), "creatinine"),
            crcl=_measure(get("crcl"), "crcl"),
        )
        options = tuple(
            (column, self._option(column, get(column)))
            for column in ROW_OPTIONS
            if not _is_missing(get(column))
        )
        name = get("patient_name")
        dob = get("patient_dob")
        return BatchRow(
            patient_id=patient_id,
            regimen=regimen,
            patient=patient,
            options=options,
            patient_name=None if _is_missing(name) else _text(name, "patient_name"),
            # Checked as --patient-dob is: YYYY-MM-DD, from 1900 to today.
            patient_dob=None if _is_missing(dob) else patient_identity(patient_dob=dob).patient_dob,
            assessment=_assessment(row, self.library),
        )


def read_batch_rows(
    rows: Iterable[Mapping[str, object] | Patient | InputError],
    *,
    library: Library,
    regimen: str | None = None,
) -> Iterator[BatchRow | RowFailure]:
    """Read each row into a :class:`BatchRow`, or a :class:`RowFailure`; one per row, in order.

    A row is a mapping with the columns of :data:`~regimens._models.batch.BATCH_COLUMNS`
    (values as text with or without units, or numbers; ``None``, ``""`` and NaN mean
    "not given"), or a :class:`Patient` (then ``regimen`` is required and the row has
    no patient_id). ``regimen`` gives the regimen of rows whose ``regimen`` is empty; a
    row naming another regimen is a failure. An :class:`InputError` in ``rows`` (an
    unreadable line from :func:`read_jsonl_rows`) becomes that row's failure. An
    unknown ``regimen`` raises at once (before the first row).
    """
    reader = _Rows(library, regimen)
    for row in rows:
        if isinstance(row, InputError):
            yield RowFailure(patient_id=None, error=batch_error(row))
            continue
        try:
            read = reader.read(row)
        except RegimensError as exc:
            yield RowFailure(patient_id=_quiet_patient_id(row), error=batch_error(exc))
        else:
            yield read

"""Dose sheets for many patients in one pass: the calculation behind ``regimens batch``.

:func:`batch_sheets` takes the rows of a batch as read by
:func:`regimens._read.rows.read_batch_rows` (a :class:`~regimens._models.batch.BatchRow`
or a :class:`~regimens._models.batch.RowFailure` per input row) and yields, in input
order, exactly one :class:`~regimens._models.batch.BatchResult` per row: a sheet, or an
error naming the row, the field and the reason. A bad row never stops the batch. Only
the package's own errors (the :mod:`regimens._errors` tree) become error records;
anything else is a bug and propagates.

Nothing is accumulated: results are yielded as rows are read, so memory stays flat
whatever the number of rows. The validated options of a cycle / dose level / BSA
formula are built once and reused across rows. The library is loaded by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from regimens._errors import InputError, RegimensError
from regimens._models.batch import (
    ROW_OPTIONS,
    BatchResult,
    BatchRow,
    RowFailure,
    batch_error,
)

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions

    # Library moves to _models/library.py (issue 16); until then this name is not found.
    from regimens._models.library import Library
    from regimens._models.regimen import Regimen
    from regimens._models.sheet import DoseSheet

__all__ = ["batch_sheets"]

#: SheetOptions field → the column a user wrote.
_COLUMN_OF_OPTION = {field: column for column, field in ROW_OPTIONS.items()}
#: At most this many distinct option sets are kept between rows.
_CACHE_SIZE = 256


class _Batch:
    """What stays the same from row to row: library, options, supportive, a cache."""

    def __init__(
        self, library: Library, options: SheetOptions, supportive: Sequence[Regimen | str]
    ) -> None:
        self.library = library
        self.options = options
        self.supportive = tuple(supportive)
        self._options: dict[tuple[tuple[str, object], ...], SheetOptions] = {}

    def options_of(self, overrides: tuple[tuple[str, object], ...]) -> SheetOptions:
        """The batch's options with a row's own (``cycle``, ``dose_level``...), checked."""
        if not overrides:
            return self.options
        found = self._options.get(overrides)
        if found is None:
            from regimens._calc.dosing import SheetOptions

            fields = {name: getattr(self.options, name) for name in type(self.options).model_fields}
            fields.update((ROW_OPTIONS[column], value) for column, value in overrides)
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

    def sheet(self, row: BatchRow) -> DoseSheet:
        from regimens._calc.dosing import sheet_for

        options = self.options_of(row.options)
        if row.assessment is not None:
            # Read and validated with the row; a row's own, so never cached.
            options = options.model_copy(update={"assessment": row.assessment})
        return sheet_for(
            self.library,
            row.regimen,
            row.patient,
            options,
            supportive=self.supportive,
            patient_id=row.patient_id,
            patient_name=row.patient_name,
            patient_dob=row.patient_dob,
        )


def batch_sheets(
    rows: Iterable[BatchRow | RowFailure],
    *,
    library: Library,
    options: SheetOptions | None = None,
    supportive: Sequence[Regimen | str] = (),
    first_row: int = 1,
) -> Iterator[BatchResult]:
    """Yield one :class:`BatchResult` per row of ``rows``, in order, as they are read.

    ``rows`` are read by :func:`regimens._read.rows.read_batch_rows`; a row's options
    (``cycle``, ``dose_level``, ``bsa_formula``) override those of ``options`` for that
    row, and its treatment-day columns (``labs``, ``toxicity``...) make its assessment.
    ``library`` is a loaded library (:func:`regimens._read.library.load_library`): the
    one the rows were read with. ``supportive`` regimens are added to every sheet.
    Rows are numbered from ``first_row`` (a chunk of a larger input).
    """
    from regimens._calc.dosing import SheetOptions

    batch = _Batch(library, options if options is not None else SheetOptions(), supportive)
    for number, row in enumerate(rows, first_row):
        if isinstance(row, RowFailure):
            yield BatchResult(row=number, patient_id=row.patient_id, error=row.error)
            continue
        try:
            sheet = batch.sheet(row)
        except RegimensError as exc:
            yield BatchResult(row=number, patient_id=row.patient_id, error=batch_error(exc))
        else:
            yield BatchResult(row=number, patient_id=row.patient_id, sheet=sheet)

"""Reading the rows of a batch from a Parquet file, streamed (``pip install 'regimens[parquet]'``).

pyarrow is an optional extra: without it, a Parquet input is a one-line error naming
the extra. The file is read one record batch at a time, so that memory stays flat
whatever the number of rows; the header is checked as a CSV header is (an unknown,
repeated or missing column stops the batch before any row is computed). Cells are
handed on as Parquet gives them (text, numbers, null for "not given"); a ``date``
column is read as its ``YYYY-MM-DD`` text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from regimens._errors import InputError
from regimens._read.rows import check_header

__all__ = ["EXTRA", "parquet_module", "read_parquet_rows"]

#: What a user installs for Parquet in and out.
EXTRA = "pip install 'regimens[parquet]'"
#: Rows read from the file at a time.
_BATCH_ROWS = 1000


def parquet_module(what: str, field: str) -> Any:
    """``pyarrow.parquet``, or an :class:`InputError` naming the extra to install."""
    try:
        import pyarrow.parquet
    except ImportError:
        raise InputError(
            f"{what} needs pyarrow, which is not installed: {EXTRA}", field=field
        ) from None
    return pyarrow.parquet


def _cell(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def read_parquet_rows(path: str, *, regimen_given: bool = False) -> Iterator[dict[str, object]]:
    """Stream the rows of a Parquet file as dicts, column → cell (``None``: not given).

    Raises :class:`InputError` for a file that is not Parquet or whose columns cannot
    be used (checked before the first row is yielded).
    """
    parquet = parquet_module(f"--input {path!r} (Parquet)", "input")
    try:
        # Not pre-buffered: pre-buffering reads through pyarrow's I/O thread pool, whose
        # threads and buffers held about 9 MB more for the whole batch (issue 23).
        source = parquet.ParquetFile(path, pre_buffer=False)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(
            f"--input {path!r}: not a readable Parquet file ({' '.join(str(exc).split())})",
            field="input",
        ) from None
    with source:
        header = check_header(list(source.schema_arrow.names), regimen_given=regimen_given)
        # One thread: a few small columns gain nothing from pyarrow's pool, and with it
        # the batch's memory crept up row group after row group (issue 23).
        for batch in source.iter_batches(batch_size=_BATCH_ROWS, use_threads=False):
            columns = [batch.column(index).to_pylist() for index in range(len(header))]
            for values in zip(*columns, strict=True):
                yield {name: _cell(value) for name, value in zip(header, values, strict=True)}

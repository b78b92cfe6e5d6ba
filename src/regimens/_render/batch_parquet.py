"""``regimens batch --format parquet``: the batch records (:mod:`.batch_record`) as Parquet.

Written as they come, in row groups of a few megabytes (:data:`GROUP_BYTES`), so that
a million rows never sit in memory at once. pyarrow is an optional extra
(``pip install 'regimens[parquet]'``); the caller checks it is there first.

The columns are made from their buffers (:func:`column_buffers`, where a chunk is
computed, without pyarrow), not with ``pyarrow.array`` or ``Table.from_pylist``: those
import pandas when it is installed, to look for its types, which cost the batch's
process about 60 MB for the whole run (issue 23).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from regimens._render.batch_record import RECORD_COLUMNS

__all__ = [
    "GROUP_BYTES",
    "GROUP_ROWS",
    "Column",
    "ParquetRecords",
    "column_buffers",
    "record_group",
]

#: A row group is written once it holds :data:`GROUP_BYTES` of buffers or this many
#: records. Arrow's writer keeps about 9.5 kB of metadata per row group until the file
#: is closed: with a group per 200-row chunk that was 47 MB at 1,000,000 rows, which the
#: batch's process held at the end. Groups of 8 MB (800 FOLFOX-6 rows; 200 of EOX,
#: whose sheets are 43 kB) hold a quarter of that, for a few MB more of buffers held at
#: once (issue 23).
GROUP_ROWS = 5_000
#: See :data:`GROUP_ROWS`.
GROUP_BYTES = 8_000_000


class Column(NamedTuple):
    """One column of a row group as Arrow lays it out: its type (a ``kind`` of
    :data:`RECORD_COLUMNS`), its length, its null count and its buffers (validity
    bitmap or None, then offsets and data for text, else the values). Plain bytes:
    made without pyarrow where a chunk is computed (a worker), it crosses to the batch's
    process as a few byte strings rather than a record of Python objects per row."""

    kind: str
    length: int
    nulls: int
    buffers: tuple[bytes | None, ...]


def record_group(records: Sequence[dict[str, Any]]) -> tuple[Column, ...]:
    """``records`` as the columns of one row group, in :data:`RECORD_COLUMNS`' order."""
    return tuple(
        column_buffers(kind, [record[name] for record in records]) for name, kind in RECORD_COLUMNS
    )


class ParquetRecords:
    """A Parquet file of batch records, written through ``stream`` (a binary file).

    Records are kept as Arrow buffers (:func:`record_group`) until they fill a row
    group: :data:`GROUP_ROWS` records or :data:`GROUP_BYTES` of buffers, whichever
    comes first (a group's last write may take it past either).
    """

    def __init__(self, stream: IO[bytes]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._schema = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in RECORD_COLUMNS])
        # No dictionary for the sheet column: each sheet's JSON is its own (a dictionary
        # would never repeat a value), and building one held about 12 MB (issue 23).
        self._writer = pq.ParquetWriter(
            stream,
            self._schema,
            compression="zstd",
            use_dictionary=[name for name, kind in RECORD_COLUMNS if name != "sheet"],
        )
        self._pending: list[tuple[Column, ...]] = []
        self._rows = self._bytes = 0

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Write ``records`` (dicts of :data:`RECORD_COLUMNS`)."""
        if records:
            self.write_group(record_group(records))

    def write_group(self, group: Sequence[Column]) -> None:
        """Write the records of ``group`` (:func:`record_group`)."""
        if not group or not group[0].length:
            return
        self._pending.append(tuple(group))
        self._rows += group[0].length
        self._bytes += sum(len(data) for column in group for data in column.buffers if data)
        if self._rows >= GROUP_ROWS or self._bytes >= GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        """The pending records as one row group."""
        pa = self._pa
        batches = [
            pa.RecordBatch.from_arrays(
                [_array(pa, column) for column in group], schema=self._schema
            )
            for group in self._pending
        ]
        self._pending = []
        table = pa.Table.from_batches(batches, schema=self._schema)
        self._writer.write_table(table, row_group_size=max(self._rows, 1))
        self._rows = self._bytes = 0

    def close(self) -> None:
        """Write what is left and the file's footer."""
        if self._pending:
            self._flush()
        self._writer.close()


def column_buffers(kind: str, values: Sequence[Any]) -> Column:
    """The Arrow buffers of a column of ``kind`` (a type of :data:`RECORD_COLUMNS`)
    holding ``values`` (None: null), as the Arrow format lays them out."""
    present = [value is not None for value in values]
    nulls = present.count(False)
    validity = _bits(present) if nulls else None
    buffers: tuple[bytes | None, ...]
    if kind == "string":
        data = [value.encode("utf-8") if value is not None else b"" for value in values]
        offsets = array("i", [0, *itertools.accumulate(map(len, data))])
        buffers = (validity, offsets.tobytes(), b"".join(data))
    elif kind == "bool":
        buffers = (validity, _bits([bool(value) for value in values]))
    else:
        code, empty = {"int64": ("q", 0), "float64": ("d", 0.0)}[kind]
        numbers = array(code, [empty if value is None else value for value in values])
        buffers = (validity, numbers.tobytes())
    return Column(kind, len(values), nulls, buffers)


def _array(pa: Any, column: Column) -> Any:
    """The Arrow array of ``column``, on its buffers (not copied), checked."""
    buffers = [None if data is None else pa.py_buffer(data) for data in column.buffers]
    built = pa.Array.from_buffers(
        pa.type_for_alias(column.kind), column.length, buffers, column.nulls
    )
    built.validate(full=True)
    return built


def _bits(flags: Sequence[bool]) -> bytes:
    """Arrow's bitmap of ``flags``: bit ``i % 8`` of byte ``i // 8``."""
    out = bytearray((len(flags) + 7) // 8)
    for index, flag in enumerate(flags):
        if flag:
            out[index >> 3] |= 1 << (index & 7)
    return bytes(out)

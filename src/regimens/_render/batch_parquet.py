"""``regimens batch --format parquet``: the batch records (:mod:`.batch_record`) as Parquet.

Written as they come, in row groups of at most :data:`GROUP_ROWS` records, so that a
million rows never sit in memory at once. pyarrow is an optional extra
(``pip install 'regimens[parquet]'``); the caller checks it is there first.

The columns are made from their buffers (:func:`_column`), not with ``pyarrow.array``
or ``Table.from_pylist``: those import pandas when it is installed, to look for its
types, which cost the batch's process about 60 MB for the whole run (issue 23).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Sequence
from typing import IO, Any

from regimens._render.batch_record import RECORD_COLUMNS

__all__ = ["GROUP_ROWS", "ParquetRecords"]

#: Records per row group: a batch's chunk (``regimens._cli._batch_run.CHUNK_ROWS``). A
#: sheet's JSON is about 11 kB (43 kB for EOX), and turning a group into Arrow columns
#: takes several times its text for a moment, which the allocator then keeps: with
#: groups of 1,000 the batch's process held about 120 MB more than with 200 (issue 23).
GROUP_ROWS = 200


class ParquetRecords:
    """A Parquet file of batch records, written through ``stream`` (a binary file)."""

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
        self._pending: list[dict[str, Any]] = []

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        self._pending.extend(records)
        while len(self._pending) >= GROUP_ROWS:
            self._flush(self._pending[:GROUP_ROWS])
            del self._pending[:GROUP_ROWS]

    def _flush(self, records: list[dict[str, Any]]) -> None:
        columns = [
            _column(self._pa, kind, [record[name] for record in records])
            for name, kind in RECORD_COLUMNS
        ]
        self._writer.write_table(self._pa.Table.from_arrays(columns, schema=self._schema))

    def close(self) -> None:
        """Write what is left and the file's footer."""
        if self._pending:
            self._flush(self._pending)
            self._pending = []
        self._writer.close()


def _column(pa: Any, kind: str, values: Sequence[Any]) -> Any:
    """An Arrow array of ``kind`` (a type of :data:`RECORD_COLUMNS`) holding ``values``
    (None: null), built from its buffers as the Arrow format lays them out."""
    present = [value is not None for value in values]
    nulls = present.count(False)
    validity = pa.py_buffer(_bits(present)) if nulls else None
    if kind == "string":
        data = [value.encode("utf-8") if value is not None else b"" for value in values]
        offsets = array("i", [0, *itertools.accumulate(map(len, data))])
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    elif kind == "bool":
        buffers = [validity, pa.py_buffer(_bits([bool(value) for value in values]))]
    else:
        code, empty = {"int64": ("q", 0), "float64": ("d", 0.0)}[kind]
        numbers = array(code, [empty if value is None else value for value in values])
        buffers = [validity, pa.py_buffer(numbers)]
    column = pa.Array.from_buffers(pa.type_for_alias(kind), len(values), buffers, nulls)
    column.validate(full=True)
    return column


def _bits(flags: Sequence[bool]) -> bytes:
    """Arrow's bitmap of ``flags``: bit ``i % 8`` of byte ``i // 8``."""
    out = bytearray((len(flags) + 7) // 8)
    for index, flag in enumerate(flags):
        if flag:
            out[index >> 3] |= 1 << (index & 7)
    return bytes(out)

"""``regimens batch --format parquet``: the batch records (:mod:`.batch_record`) as Parquet.

Written as they come, in row groups of at most :data:`GROUP_ROWS` records, so that a
million rows never sit in memory at once. pyarrow is an optional extra
(``pip install 'regimens[parquet]'``); the caller checks it is there first.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        self._writer = pq.ParquetWriter(stream, self._schema, compression="zstd")
        self._pending: list[dict[str, Any]] = []

    def write(self, records: Iterable[dict[str, Any]]) -> None:
        self._pending.extend(records)
        while len(self._pending) >= GROUP_ROWS:
            self._flush(self._pending[:GROUP_ROWS])
            del self._pending[:GROUP_ROWS]

    def _flush(self, records: list[dict[str, Any]]) -> None:
        table = self._pa.Table.from_pylist(records, schema=self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        """Write what is left and the file's footer."""
        if self._pending:
            self._flush(self._pending)
            self._pending = []
        self._writer.close()

"""``regimens batch --format parquet``'s writer (regimens._render.batch_parquet).

Its columns are built from Arrow buffers rather than with ``pyarrow.array`` (which
imports pandas, about 60 MB in the batch's process: issue 23): they must be the very
arrays ``pyarrow.array`` makes, nulls included. The round trip through the CLI is in
tests/test_batch_jobs.py.
"""

from __future__ import annotations

import io
import subprocess
import sys
from array import array

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from regimens._cli._batch_run import CHUNK_ROWS  # noqa: E402
from regimens._render import batch_parquet  # noqa: E402
from regimens._render.batch_record import RECORD_COLUMNS  # noqa: E402

VALUES: dict[str, list[object]] = {
    "int64": [1, None, -3, 2**40, 0, None, 7, 8, 9],
    "float64": [1.5, None, 0.0, -2.25, 1e-07, None, 3.0, 4.0, 5.0],
    "bool": [True, False, None, True, None, False, True, True, False],
    "string": ["a", None, "", "µg/m² – é", '{"x": 1}', None, "z" * 300, "ÿ", "\u2028"],
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_a_column_is_the_array_pyarrow_makes(kind: str) -> None:
    """Each column type of RECORD_COLUMNS, with nulls at the start, middle and past the
    first byte of the bitmap: equal to pyarrow.array of the same values."""
    values = VALUES[kind]
    built = batch_parquet._array(pa, batch_parquet.column_buffers(kind, values))
    assert built.equals(pa.array(values, type=pa.type_for_alias(kind)))
    assert built.null_count == values.count(None)


def test_a_column_without_nulls_has_no_bitmap() -> None:
    """No nulls: no validity buffer, as pyarrow.array makes it."""
    built = batch_parquet._array(pa, batch_parquet.column_buffers("string", ["a", "b"]))
    assert built.buffers()[0] is None
    assert built.to_pylist() == ["a", "b"]


SHEET_RECORD: dict[str, object] = {
    "row": 1,
    "patient_id": "A",
    "regimen": "FOLFOX-6",
    "cycle": 1,
    "bsa_m2": 1.82,
    "blocking": False,
    "assessment_decision": None,
    "warnings": "",
    "error_field": None,
    "error_message": None,
    "sheet": '{"bsa_m2":1.82}',
}
ERROR_RECORD: dict[str, object] = {name: None for name, _ in RECORD_COLUMNS} | {
    "row": 2,
    "patient_id": "B",
    "error_field": "height",
    "error_message": "height 17 cm is outside the accepted adult range 100–250 cm",
}


def _groups(data: bytes) -> tuple[list[dict[str, object]], list[int]]:
    read = pq.ParquetFile(io.BytesIO(data))
    sizes = [read.metadata.row_group(i).num_rows for i in range(read.num_row_groups)]
    return read.read().to_pylist(), sizes


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups of 200 records or 2,000,000 bytes, so that small tests reach either."""
    monkeypatch.setattr(batch_parquet, "GROUP_ROWS", 200)
    monkeypatch.setattr(batch_parquet, "GROUP_BYTES", 2_000_000)


def test_records_written_are_read_back(small_groups: None) -> None:
    """Records of both shapes (a sheet, an error) in several writes of 70: read back
    equal, in order; a row group is written once it holds GROUP_ROWS (here 200)
    records, a write never split: 70 + 70 + 70, twice, then the last 30."""
    records = [dict(SHEET_RECORD if n % 3 else ERROR_RECORD, row=n) for n in range(1, 451)]
    stream = io.BytesIO()
    writer = batch_parquet.ParquetRecords(stream)
    for start in range(0, len(records), 70):
        writer.write(records[start : start + 70])
    writer.close()
    assert _groups(stream.getvalue()) == (records, [210, 210, 30])


def test_chunks_make_row_groups(small_groups: None) -> None:
    """The batch's way: each chunk's records as one group of buffers (record_group,
    made where the chunk is computed); with GROUP_ROWS 200, a chunk of 200 is a row
    group of its own, and the empty group of a chunk without records writes nothing."""
    records = [dict(SHEET_RECORD if n % 4 else ERROR_RECORD, row=n) for n in range(1, 531)]
    stream = io.BytesIO()
    writer = batch_parquet.ParquetRecords(stream)
    writer.write_group(())
    for start in range(0, len(records), 200):
        writer.write_group(batch_parquet.record_group(records[start : start + 200]))
    writer.close()
    assert _groups(stream.getvalue()) == (records, [200, 200, 130])


def test_a_group_closes_at_group_bytes(small_groups: None) -> None:
    """Records whose sheets reach GROUP_BYTES (here 2,000,000 bytes of buffers) before
    GROUP_ROWS (200) records close their group there: 25 writes of 4 records of
    25,000-byte sheets are groups of 80 records (2,000,000 bytes of sheets, plus the
    other columns), then 20."""
    sheet = '{"x":"' + "é" * 12_496 + '"}'  # 25,000 bytes of UTF-8 (é is two bytes)
    assert len(sheet.encode()) == 25_000
    records = [dict(SHEET_RECORD, row=n, sheet=sheet) for n in range(1, 101)]
    stream = io.BytesIO()
    writer = batch_parquet.ParquetRecords(stream)
    for start in range(0, len(records), 4):
        writer.write(records[start : start + 4])
    writer.close()
    assert _groups(stream.getvalue()) == (records, [80, 20])


def test_default_groups_of_folfox6_chunks() -> None:
    """With the defaults (8,000,000 bytes) and the batch's chunks (CHUNK_ROWS, 100),
    chunks of FOLFOX-6-sized sheets (11,000 bytes) are written eight to a row group:
    1,100,000 bytes each, the eighth takes the group past 8,000,000."""
    sheet = '{"x":"' + "1" * 10_992 + '"}'
    records = [dict(SHEET_RECORD, row=n, sheet=sheet) for n in range(1, 2001)]
    stream = io.BytesIO()
    writer = batch_parquet.ParquetRecords(stream)
    assert CHUNK_ROWS == 100
    for start in range(0, len(records), CHUNK_ROWS):
        writer.write_group(batch_parquet.record_group(records[start : start + CHUNK_ROWS]))
    writer.close()
    assert _groups(stream.getvalue()) == (records, [800, 800, 400])


def test_record_group_is_plain_bytes() -> None:
    """A chunk's group crosses from a worker to the batch as pickled bytes: no pyarrow
    object, and the sheet column is the records' text as UTF-8 after 32-bit offsets."""
    records = [dict(SHEET_RECORD, row=1, sheet="µg"), dict(ERROR_RECORD, row=2)]
    group = batch_parquet.record_group(records)
    assert [column.kind for column in group] == [kind for _, kind in RECORD_COLUMNS]
    sheet = group[-1]
    assert (sheet.length, sheet.nulls) == (2, 1)
    assert sheet.buffers == (bytes([0b01]), array("i", [0, 3, 3]).tobytes(), "µg".encode())
    for column in group:
        assert all(data is None or type(data) is bytes for data in column.buffers)


@pytest.mark.subprocess
def test_writing_parquet_does_not_import_pandas() -> None:
    """In a fresh process with pandas installed, writing batch records leaves pandas
    unimported (it held about 60 MB of the batch's memory)."""
    pytest.importorskip("pandas")
    code = (
        "import io, sys\n"
        "from regimens._render.batch_parquet import ParquetRecords\n"
        "from regimens._render.batch_record import RECORD_COLUMNS\n"
        "writer = ParquetRecords(io.BytesIO())\n"
        "writer.write([{name: None for name, _ in RECORD_COLUMNS} | {'row': 1}])\n"
        "writer.close()\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"

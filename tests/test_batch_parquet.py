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

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

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
    built = batch_parquet._column(pa, kind, values)
    assert built.equals(pa.array(values, type=pa.type_for_alias(kind)))
    assert built.null_count == values.count(None)


def test_a_column_without_nulls_has_no_bitmap() -> None:
    """No nulls: no validity buffer, as pyarrow.array makes it."""
    built = batch_parquet._column(pa, "string", ["a", "b"])
    assert built.buffers()[0] is None
    assert built.to_pylist() == ["a", "b"]


def test_records_written_are_read_back() -> None:
    """Records of both shapes (a sheet, an error) in several writes: read back equal, in
    row groups of at most GROUP_ROWS."""
    sheet = {
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
    error = {name: None for name, _ in RECORD_COLUMNS} | {
        "row": 2,
        "patient_id": "B",
        "error_field": "height",
        "error_message": "height 17 cm is outside the accepted adult range 100–250 cm",
    }
    records = [dict(sheet if n % 3 else error, row=n) for n in range(1, 451)]
    stream = io.BytesIO()
    writer = batch_parquet.ParquetRecords(stream)
    for start in range(0, len(records), 70):
        writer.write(records[start : start + 70])
    writer.close()
    read = pq.ParquetFile(io.BytesIO(stream.getvalue()))
    assert read.read().to_pylist() == records
    assert [read.metadata.row_group(i).num_rows for i in range(read.num_row_groups)] == [
        200,
        200,
        50,
    ]


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

"""``regimens.batch_sheets`` as the per-partition function of a Dask DataFrame (issue 23).

The recipe of docs/performance.md ("Beyond one machine"), run with Dask's local
scheduler over a Parquet cohort cut into several partitions: its records are those
``regimens batch --format parquet`` writes for the same file, row numbers included.
Skipped where dask (``pip install 'regimens[dask]'``) is absent; CI installs it.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

import regimens
from conftest import run

dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

_TIME = re.compile(r'"(calculated_at|sheet_sha256)":"[^"]*"')


def timeless(record: dict[str, Any]) -> dict[str, Any]:
    """A record without the second its sheet was computed at."""
    sheet = record["sheet"]
    return {**record, "sheet": None if sheet is None else _TIME.sub("", sheet)}


# The recipe, as docs/performance.md gives it.
DTYPES = {
    "row": "int64",
    "patient_id": "string",
    "regimen": "string",
    "cycle": "Int64",
    "bsa_m2": "float64",
    "blocking": "boolean",
    "assessment_decision": "string",
    "warnings": "string",
    "error_field": "string",
    "error_message": "string",
    "sheet": "string",
}


def sheets(partition: Any, starts: list[int], partition_info: Any = None) -> Any:
    """One partition's records: the rows numbered as in the whole file."""
    first = starts[partition_info["number"]] if partition_info else 1
    results = regimens.batch_sheets(
        partition.to_dict("records"), regimen="FOLFOX-6", first_row=first
    )
    records = [regimens.batch_record(result) for result in results]
    return pd.DataFrame.from_records(records, columns=list(DTYPES)).astype(DTYPES)


def cohort_sheets(path: str, partitions: int) -> Any:
    cohort = dd.read_parquet(path).repartition(npartitions=partitions)
    lengths = cohort.map_partitions(len).compute().tolist()
    starts = list(itertools.accumulate([1, *lengths[:-1]]))
    return cohort.map_partitions(sheets, starts, meta=pd.DataFrame(columns=DTYPES).astype(DTYPES))


# Dask's own code (not the recipe) still passes pandas' deprecated ``inplace``.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame")
def test_dask_partitions_give_the_cli_records(tmp_path: Path) -> None:
    """600 rows (2 bad) in 4 partitions, Dask's synchronous local scheduler: the same
    records, in the same order, as ``regimens batch`` writes from the same file."""
    heights = [150 + (n * 7) % 50 for n in range(600)]
    heights[10] = 17  # row 11: outside the adult range
    source = tmp_path / "cohort.parquet"
    pq.write_table(
        pa.table(
            {
                "patient_id": [f"P{n}" for n in range(600)],
                "height": [float(h) for h in heights],
                "weight": [f"{50 + (n * 13) % 60} kg" for n in range(600)],
                "crcl": [None if n == 300 else 40 + n % 100 for n in range(600)],
            }
        ),
        source,
    )
    computed = cohort_sheets(str(source), 4).compute(scheduler="synchronous")
    target = tmp_path / "cli.parquet"
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6 --output {target} --jobs 1")
    assert code == 2, err
    expected = pq.read_table(target).to_pylist()
    got = computed.astype(object).where(computed.notna(), None).to_dict("records")
    assert [timeless(r) for r in got] == [timeless(r) for r in expected]
    assert [r["row"] for r in got] == list(range(1, 601))
    assert got[10]["error_field"] == "height"
    # Row 301 has no CrCl: oxaliplatin's renal rule makes the sheet blocking.
    assert got[300]["blocking"] is True
    assert "RENAL_FUNCTION_MISSING" in got[300]["warnings"]

"""``regimens batch --jobs N``, Parquet in and out, the progress bar (issue 23).

The rows are cut into chunks computed on several processes; the output must be what
one process writes, byte for byte, every row once, in input order, errors in place.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import regimens
from conftest import run
from regimens._cli._batch_run import CHUNK_ROWS
from regimens._render.batch_record import RECORD_COLUMNS as _COLUMNS

#: What differs between two runs of a sheet: the second it was computed at, and so the
#: hash of the sheet (issue 22), which covers it.
_TIME = re.compile(r'"(calculated_at|sheet_sha256)":"[^"]*"')


def timeless(record: dict[str, Any]) -> dict[str, Any]:
    """A record without the second its sheet was computed at."""
    sheet = record["sheet"]
    return {**record, "sheet": None if sheet is None else _TIME.sub("", sheet)}


def cohort(rows: int, seed: int = 23) -> tuple[str, set[int]]:
    """A CSV of ``rows`` varied adults (height 150-199.9 cm, weight 50-109.9 kg, CrCl
    40-139 mL/min) and the row numbers made bad on purpose (height 17 cm, or a cell
    missing)."""
    draw = random.Random(seed).randrange
    lines = ["patient_id,height,weight,crcl"]
    bad = set()
    for number in range(1, rows + 1):
        height, weight, crcl = 150 + draw(500) / 10, 50 + draw(600) / 10, 40 + draw(100)
        if number % 997 == 5:
            bad.add(number)
            lines.append(f"P{number},17,{weight},{crcl}")
        elif number % 1499 == 7:
            bad.add(number)
            lines.append(f"P{number},{height},{weight}")
        else:
            lines.append(f"P{number},{height},{weight},{crcl}")
    return "\n".join(lines) + "\n", bad


def one_row(path: Path) -> Path:
    """A one-row CSV text at ``path``."""
    path.write_text("patient_id,height,weight\nA,170,70\n", encoding="utf-8")
    return path


def test_jobs_2_writes_what_jobs_1_writes_for_10000_rows(tmp_path: Path) -> None:
    """10,000 rows (50 chunks) on two processes: the JSONL output equals that of one
    process byte for byte (``calculated_at`` aside), one line per row numbered 1 to
    10,000 in order, each bad row's error record at its own place."""
    text, bad = cohort(10_000)
    source = tmp_path / "cohort.csv"
    source.write_text(text, encoding="utf-8")
    outputs = {}
    for jobs in (1, 2):
        target = tmp_path / f"jobs{jobs}.jsonl"
        code, out, err = run(
            f"batch --input {source} --regimen FOLFOX-6 --jobs {jobs} --output {target}"
        )
        assert (code, out) == (2, ""), err  # the bad rows
        assert err == f"10000 rows: {10_000 - len(bad)} sheets (0 with blocking warnings), " + (
            f"{len(bad)} errors\n"
        )
        outputs[jobs] = target.read_text(encoding="utf-8")
    assert _TIME.sub("", outputs[2]) == _TIME.sub("", outputs[1])
    lines = [json.loads(line) for line in outputs[2].splitlines()]
    assert [line["row"] for line in lines] == list(range(1, 10_001))
    # A row missing a cell cannot be read: it has no patient_id.
    assert [line["patient_id"] for line in lines] == [
        None if n % 1499 == 7 else f"P{n}" for n in range(1, 10_001)
    ]
    assert {line["row"] for line in lines if "error" in line} == bad
    assert lines[4]["error"]["field"] == "height"  # row 5: 17 cm
    assert lines[6]["error"]["field"] is None  # row 7: a cell missing


def test_jobs_2_csv_output_and_errors_on_stderr_in_order(tmp_path: Path) -> None:
    """CSV output on two processes: the same rows as on one, and the error lines on
    stderr in row order."""
    text, bad = cohort(3 * CHUNK_ROWS + 17, seed=5)
    source = tmp_path / "cohort.csv"
    source.write_text(text, encoding="utf-8")
    results = [
        run(f"batch --input {source} --regimen FOLFOX-6 --format csv --jobs {jobs}")
        for jobs in (1, 2)
    ]
    assert results[0] == results[1]
    _, out, err = results[1]
    errors = [line for line in err.splitlines() if line.startswith("Error: row")]
    assert [int(line.split()[2]) for line in errors] == sorted(bad)
    assert len(out.splitlines()) == 1 + 4 * (3 * CHUNK_ROWS + 17 - len(bad))


def test_jobs_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    source = one_row(tmp_path / "p.csv")
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6 --jobs 0")
    assert code == 2
    assert "--jobs" in err


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    """An input long enough for the bar, stderr not a terminal (the test runner's):
    stderr holds the summary line only, the output only the records."""
    source = long_input(tmp_path / "long.csv", 300)
    target = tmp_path / "out.jsonl"
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --output {target}")
    assert (code, out) == (0, "")
    assert err == "300 rows: 300 sheets (0 with blocking warnings), 0 errors\n"
    assert all(line.startswith('{"row":') for line in target.read_text().splitlines())


def long_input(path: Path, rows: int) -> Path:
    """A CSV over 256 KiB (the bar's threshold) of ``rows`` rows: each row has a
    1,000-character patient_name."""
    name = "N" * 1000
    path.write_text(
        "patient_id,height,weight,crcl,patient_name\n"
        + "".join(f"P{number},170,70,90,{name}\n" for number in range(rows)),
        encoding="utf-8",
    )
    assert path.stat().st_size > 256 * 1024
    return path


@pytest.mark.subprocess
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_and_not_in_the_output(tmp_path: Path) -> None:
    """stderr a terminal (a pseudo-terminal), a long input: the bar is drawn on stderr
    up to 100 %, then the summary; the output file holds the records only."""
    source = long_input(tmp_path / "long.csv", 300)
    target = tmp_path / "out.jsonl"
    terminal, stderr = os.openpty()
    command = f"batch --input {source} --regimen FOLFOX-6 --jobs 1 --output {target}"
    process = subprocess.Popen(
        [sys.executable, "-m", "regimens", *command.split()],
        stderr=stderr,
        stdout=subprocess.DEVNULL,
    )
    os.close(stderr)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the command has closed the terminal
        while chunk := os.read(terminal, 4096):
            shown += chunk
    os.close(terminal)
    assert process.wait() == 0
    assert b"rows  [####################################]  100%" in shown
    assert shown.endswith(b"300 rows: 300 sheets (0 with blocking warnings), 0 errors\r\n")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    assert all(line.startswith('{"row":') for line in lines)


pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def test_parquet_round_trip(tmp_path: Path) -> None:
    """Rows read from Parquet (numbers, texts, nulls) and written to Parquet: one record
    per row, in order, each equal to :func:`regimens.batch_record` of the same row
    computed from Python, errors in place; the sheet column is the sheet's JSON."""
    source = tmp_path / "cohort.parquet"
    table = pa.table(
        {
            "patient_id": ["A1", "A2", "A3", None],
            "height": [170.0, 17.0, None, 180.0],
            "weight": ["154 lb", "70", "70", "80kg"],
            "crcl": [90, 90, 90, 90],
        }
    )
    pq.write_table(table, source)
    target = tmp_path / "sheets.parquet"
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --output {target}")
    assert code == 2, err
    assert out == ""
    assert err == "4 rows: 1 sheet (0 with blocking warnings), 3 errors\n"
    written = pq.read_table(target)
    assert written.schema.names == [name for name, _ in _COLUMNS]
    assert [str(written.schema.field(name).type) for name, _ in _COLUMNS] == [
        {"int64": "int64", "string": "string", "float64": "double", "bool": "bool"}[kind]
        for _, kind in _COLUMNS
    ]
    records = written.to_pylist()
    rows = table.to_pylist()
    expected = [
        regimens.batch_record(result) for result in regimens.batch_sheets(rows, regimen="FOLFOX-6")
    ]
    assert [timeless(r) for r in records] == [timeless(r) for r in expected]
    first = records[0]
    assert (first["row"], first["patient_id"], first["regimen"], first["bsa_m2"]) == (
        1,
        "A1",
        "FOLFOX-6",
        1.82,  # √(170 × 69.85 / 3600) = 1.816 (154 lb = 69.853 kg)
    )
    assert json.loads(first["sheet"])["days"][0]["administrations"][0]["dose_mg"] == 155.0
    assert [r["error_field"] for r in records] == [None, "height", "height", "patient_id"]


def test_parquet_output_needs_a_file(tmp_path: Path) -> None:
    source = one_row(tmp_path / "p.csv")
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --format parquet")
    assert (code, out) == (2, "")
    assert "give --output FILE" in err


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyarrow: one line naming the extra to install, exit 2, no traceback."""
    source = one_row(tmp_path / "p.csv")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    target = tmp_path / "out.parquet"
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6 --output {target}")
    assert code == 2
    assert err == (
        "Error: --format parquet needs pyarrow, which is not installed: "
        "pip install 'regimens[parquet]'\n"
    )
    code, _, err = run(f"batch --input {tmp_path / 'in.parquet'} --regimen FOLFOX-6")
    assert code == 2
    assert "needs pyarrow, which is not installed: pip install 'regimens[parquet]'" in err
    assert not target.exists()


def test_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    source = one_row(tmp_path / "p.parquet")  # CSV text under a Parquet name
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 2
    assert "not a readable Parquet file" in err
    assert len(err.splitlines()) == 1


@pytest.mark.subprocess
def test_a_parquet_batch_forks_its_workers_before_pyarrow(tmp_path: Path) -> None:
    """The workers of a Parquet batch are started before pyarrow is imported, so they
    are forked from the batch (sharing its pages: docs/performance.md, Parquet memory)
    rather than started from a fork server, and they compute after the batch has loaded
    pyarrow exactly what one process computes."""
    program = """
import re
import sys
from regimens._calc.dosing import SheetOptions
from regimens._cli._batch_run import Job, run_chunks, started_workers
from regimens._read.library import load_library

job = Job(load_library(()), "FOLFOX-6", SheetOptions(), (), "jsonl", "en")
rows = [{"patient_id": f"P{n}", "height": str(150 + n % 50), "weight": str(50 + n % 60),
         "crcl": "90"} for n in range(1, 601)]
with started_workers(job, 2) as pool:
    print(pool._mp_context.get_start_method(), "pyarrow" in sys.modules)
    import pyarrow  # noqa: F401  (as reading a Parquet input does)
    pooled = b"".join(chunk.data for chunk in run_chunks(job, rows, 2, pool))
alone = b"".join(chunk.data for chunk in run_chunks(job, rows, 1))
timeless = re.compile(rb'"(calculated_at|sheet_sha256)":"[^"]*"').sub
print(pooled.count(b"\\n"), timeless(b"", pooled) == timeless(b"", alone))
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["fork False", "600 True"]

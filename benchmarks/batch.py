"""Batch throughput, linear scaling, one sheet's cost, import time, 1M-row memory (issue 8).

Measures, on one core (one process), FOLFOX-6 cycle-1 sheets written as JSONL:

* ``batch``: :func:`regimens._batch.batch_sheets` over rows given as dicts of text
  (as read from a CSV file), each result written as the ``regimens batch`` JSONL
  line to a null sink (the CLI's own writer);
* ``baseline``: a minimal pure-Python computation of the same numbers (Mosteller
  BSA rounded to 2 decimals, dose × BSA, rounding to the drug's increment,
  deviation, 5-FU pump rate) serialised with the standard ``json`` module;
* the two interleaved, ``--repeats`` times each, at 10,000 and 100,000 rows; prints
  the medians, sheets per second, the ratio batch / baseline and the ratio of the
  100k to the 10k time (linear: at most 11);
* ``compute_sheet`` from already-validated inputs (Patient, SheetOptions, Regimen
  built once): median µs per sheet;
* ``import regimens``: median wall time of a fresh process, minus ``python -c pass``;
* with ``--million``: writes a 1,000,000-row CSV, runs ``regimens batch`` on it in a
  child process and reports its wall time and peak RSS (``ru_maxrss``).

Usage (from an environment where ``regimens`` is installed)::

    python benchmarks/batch.py [--repeats 5] [--million]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from regimens._batch import batch_sheets
from regimens._cli._batch import _jsonl_line
from regimens._dosing import SheetOptions, compute_sheet
from regimens._library import load_library
from regimens._patient import make_patient


def rows(count: int) -> list[dict[str, str]]:
    """Varied adult patients, as a CSV reader gives them (text cells)."""
    return [
        {"patient_id": f"P{i:07d}", "height": str(150 + i % 50), "weight": str(50 + i % 60)}
        for i in range(count)
    ]


class _Null:
    """A text sink that keeps nothing (the cost of writing is not what is measured)."""

    def write(self, text: str) -> int:
        return len(text)


def run_batch(data: list[dict[str, str]]) -> None:
    library = load_library(())
    sink = _Null()
    for result in batch_sheets(data, library=library, regimen="FOLFOX-6"):
        sink.write(_jsonl_line(result))


# FOLFOX-6 (mFOLFOX6) day 1 as in regimen_library: drug, mg/m², increment (mg).
_FOLFOX6 = (
    ("oxaliplatin", 85.0, 5.0),
    ("folinic acid", 400.0, 1.0),
    ("fluorouracil", 400.0, 1.0),
    ("fluorouracil", 2400.0, 1.0),
)


def run_baseline(data: list[dict[str, str]]) -> None:
    """The same numbers, minimal pure Python, serialised with ``json``."""
    sink = _Null()
    dumps = json.dumps
    for number, row in enumerate(data, 1):
        height = float(row["height"])
        weight = float(row["weight"])
        unrounded = math.sqrt(height * weight / 3600)
        bsa = round(unrounded, 2)
        items = []
        for drug, per_m2, increment in _FOLFOX6:
            calculated = per_m2 * bsa
            dose = round(calculated / increment) * increment
            items.append(
                {
                    "drug": drug,
                    "calculated_mg": calculated,
                    "dose_mg": dose,
                    "deviation_percent": (dose - calculated) / calculated * 100,
                }
            )
        items[-1]["rate_mg_per_h"] = items[-1]["dose_mg"] / 46
        document = {
            "row": number,
            "patient_id": row["patient_id"],
            "patient": {"height": height, "weight": weight},
            "bsa_m2_unrounded": unrounded,
            "bsa_m2": bsa,
            "days": [{"day": 1, "administrations": items}],
        }
        sink.write(dumps(document) + "\n")


def _time(function: Callable[[list[dict[str, str]]], None], data: list[dict[str, str]]) -> float:
    start = time.perf_counter()
    function(data)
    return time.perf_counter() - start


def throughput(repeats: int) -> None:
    results: dict[tuple[str, int], list[float]] = {}
    for size in (10_000, 100_000):
        data = rows(size)
        for _ in range(repeats):  # interleaved: both see the same load
            for name, function in (("batch", run_batch), ("baseline", run_baseline)):
                results.setdefault((name, size), []).append(_time(function, data))
    print(f"{'run':22} {'median s':>9} {'min s':>8} {'sheets/s':>9}")
    for (name, size), values in results.items():
        median = statistics.median(values)
        print(f"{name + ' ' + str(size):22} {median:9.3f} {min(values):8.3f} {size / median:9.0f}")
    for size in (10_000, 100_000):
        ratio = statistics.median(results[("batch", size)]) / statistics.median(
            results[("baseline", size)]
        )
        print(f"ratio batch / baseline at {size}: {ratio:.2f} (target <= 4)")
    scaling = statistics.median(results[("batch", 100_000)]) / statistics.median(
        results[("batch", 10_000)]
    )
    print(f"scaling batch 100k / 10k: {scaling:.2f} (target <= 11)")


def one_sheet(repeats: int) -> None:
    library = load_library(())
    regimen = library.get("FOLFOX-6")
    patient = make_patient(height="170", weight="70")
    options = SheetOptions()
    count = 2000
    per_call = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(count):
            compute_sheet(library, regimen, patient, options)
        per_call.append((time.perf_counter() - start) / count)
    print(
        f"compute_sheet (validated inputs): median {statistics.median(per_call) * 1e6:.0f} µs, "
        f"min {min(per_call) * 1e6:.0f} µs (target < 200 µs)"
    )


def import_time(runs: int = 11) -> None:
    def wall(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    wall("import regimens")
    pairs = [(wall("import regimens"), wall("pass")) for _ in range(runs)]
    total = statistics.median(a for a, _ in pairs)
    bare = statistics.median(b for _, b in pairs)
    print(
        f"import regimens: {total * 1000:.0f} ms wall (python -c pass {bare * 1000:.0f} ms; "
        f"import alone {(total - bare) * 1000:.0f} ms; target < 150 ms)"
    )


def million() -> None:
    regimens = shutil.which("regimens", path=str(Path(sys.executable).parent)) or "regimens"
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "million.csv"
        with source.open("w", encoding="utf-8") as stream:
            stream.write("patient_id,height,weight\n")
            for i in range(1_000_000):
                stream.write(f"P{i:07d},{150 + i % 50},{50 + i % 60}\n")
        target = Path(directory) / "million.jsonl"
        start = time.perf_counter()
        subprocess.run(
            [
                regimens,
                "batch",
                "--input",
                str(source),
                "--regimen",
                "FOLFOX-6",
                "--output",
                str(target),
            ],
            check=True,
        )
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            f"1,000,000 rows: {elapsed:.1f} s ({1_000_000 / elapsed:.0f} rows/s), "
            f"output {target.stat().st_size / 1e9:.2f} GB, peak RSS {peak_kib / 1024:.0f} MB "
            "(target well under 500 MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each measure")
    parser.add_argument("--million", action="store_true", help="also the 1M-row memory run")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}")
    print(f"python: {platform.python_version()}; repeats: {args.repeats}, interleaved")
    throughput(args.repeats)
    one_sheet(args.repeats)
    import_time()
    if args.million:
        million()


if __name__ == "__main__":
    main()

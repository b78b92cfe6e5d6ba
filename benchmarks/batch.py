"""Batch throughput, linear scaling, one sheet's cost, import time, 1M-row memory (issue 8).

Measures, on one core (one process), FOLFOX-6 cycle-1 sheets written as JSONL:

* ``batch``: :func:`regimens._calc.batch.batch_sheets` over rows given as dicts of text
  (as read from a CSV file), each result written as the ``regimens batch`` JSONL
  line to a null sink (the CLI's own writer); also with units in the cells
  (``170.5 cm``, ``154.3 lb``) at 10,000 rows;
* ``baseline``: a minimal pure-Python computation of the same numbers
  (:func:`baseline_document`: BSA unrounded and rounded half up, the comparison with
  DuBois, every administration's steps, totals, warnings' values) serialised with
  the standard ``json`` module; before timing, :func:`check_baseline` asserts that its
  numbers equal the sheets' for 20,000 rows;
* the two interleaved, ``--repeats`` times each, at 10,000 and 100,000 rows; prints
  the medians, sheets per second, the ratio batch / baseline and the ratio of the
  100k to the 10k time (linear: at most 11);
* ``compute_sheet`` from already-validated inputs (Patient, SheetOptions, Regimen
  built once) for 2,000 different patients: median µs per sheet, FOLFOX-6 and EOX;
* ``import regimens``: median wall time of a fresh process, minus ``python -c pass``;
* with ``--million``: writes a 1,000,000-row CSV, runs ``regimens batch`` on it in a
  child process and reports its wall time and peak RSS (``ru_maxrss``).

Patients are drawn with a fixed seed, to one decimal (:func:`rows`), so that nearly
every row is a new patient.

Usage (from an environment where ``regimens`` is installed)::

    python benchmarks/batch.py [--repeats 5] [--million]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from regimens._api import batch_sheets
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._cli._batch import _jsonl_line
from regimens._read.library import load_library
from regimens._read.patient import make_patient


def rows(count: int) -> list[dict[str, str]]:
    """Varied adult patients, as a CSV reader gives them (text cells).

    Height 150.0-199.9 cm and weight 50.0-109.9 kg to one decimal, drawn with a fixed
    seed: nearly every row is a different patient, so no cache can serve a repeat.
    """
    draw = random.Random(8).randrange
    return [
        {
            "patient_id": f"P{i:07d}",
            "height": f"{(1500 + draw(500)) / 10:.1f}",
            "weight": f"{(500 + draw(600)) / 10:.1f}",
        }
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


def folfox6_plan() -> list[tuple[int, str, str, float, float, float | None]]:
    """FOLFOX-6 cycle 1 as the library gives it, read once (not per row).

    (day, drug, method, mg/m² per intake, rounding increment mg, duration h), in the
    sheet's order. Every component of FOLFOX-6 is per m², one intake, IV, with no renal
    rule and no tablets: the baseline refuses anything else rather than compute it wrongly.
    """
    library = load_library(())
    plan = []
    for component in library.get("FOLFOX-6").components:
        facts = library.drug(component.drug)
        if (
            component.dose.basis != "per_m2"
            or component.dose_per != "intake"
            or component.intakes_per_day != 1
            or facts.renal_rule is not None
            or facts.tablet_strengths_mg
        ):
            raise SystemExit("FOLFOX-6 changed: update the baseline of benchmarks/batch.py")
        for day in component.days:
            plan.append(
                (
                    day,
                    component.drug,
                    component.method,
                    component.dose.amount,
                    facts.rounding_increment_mg or 1.0,
                    component.duration_h,
                )
            )
    return plan


_PLAN = folfox6_plan()
_CENT = Decimal("0.01")


def baseline_document(number: int, row: dict[str, str]) -> dict[str, object]:
    """One row's numbers, minimal pure Python: every number the sheet carries.

    Height and weight read and range-checked; Mosteller BSA unrounded and rounded half
    up to 2 decimals (the sheet's rule, not Python's ties-to-even ``round``); BSA range
    and the comparison of Mosteller with DuBois (the ``BSA_FORMULAS_DISAGREE`` warning's
    values); per administration the basis, standard dose, dose level,
    calculated dose, dose rounded to the drug's increment with ties down, daily dose,
    deviation, duration and infusion rate; per drug the totals by method and the days.
    Left out: the texts a sheet repeats from the library (names, notes, provenance,
    formula references), which cost serialisation but no arithmetic.
    """
    height = float(row["height"])
    weight = float(row["weight"])
    if not (100 <= height <= 250 and 25 <= weight <= 350):
        raise ValueError(f"row {number}: implausible height or weight")
    unrounded = math.sqrt(height * weight / 3600)
    bsa = float(Decimal(repr(unrounded)).quantize(_CENT, rounding=ROUND_HALF_UP))
    dubois = 0.007184 * math.pow(height, 0.725) * math.pow(weight, 0.425)
    warnings: list[dict[str, object]] = []
    if bsa > 2.2:
        warnings.append({"code": "BSA_HIGH", "params": {"bsa": f"{bsa:.2f}", "limit": "2.2"}})
    elif bsa < 1.3:
        warnings.append({"code": "BSA_LOW", "params": {"bsa": f"{bsa:.2f}", "limit": "1.3"}})
    difference = (unrounded - dubois) / dubois * 100
    if abs(difference) > 5.0:
        warnings.append(
            {
                "code": "BSA_FORMULAS_DISAGREE",
                "params": {
                    "formula": "mosteller",
                    "used": f"{unrounded:.2f}",
                    "dubois": f"{dubois:.2f}",
                    "difference": f"{difference:+.1f}",
                    "tolerance": "5",
                },
            }
        )
    administrations = []
    totals: dict[str, dict[str, float]] = {}
    for _day, drug, method, per_m2, increment, duration in _PLAN:
        standard = per_m2 * bsa
        calculated = standard * 100.0 / 100
        step = Decimal(repr(increment))
        value = Decimal(repr(round(calculated, 6)))
        dose = float((value / step).quantize(_ONE, rounding=ROUND_HALF_DOWN) * step)
        deviation = (dose - calculated) / calculated * 100 if calculated else 0.0
        if abs(deviation) > 5.0:
            dose, deviation = calculated, 0.0
        per_method = totals.setdefault(drug, {})
        per_method[method] = per_method.get(method, 0.0) + dose
        administrations.append(
            {
                "drug": drug,
                "basis_value": bsa,
                "standard_mg": standard,
                "dose_level_percent": 100.0,
                "calculated_mg": calculated,
                "dose_mg": dose,
                "daily_dose_mg": dose,
                "deviation_percent": deviation,
                "duration_h": duration,
                "rate_mg_per_h": dose / duration
                if method == "continuous_infusion" and duration
                else None,
            }
        )
    return {
        "row": number,
        "patient_id": row["patient_id"],
        "patient": {"height": height, "weight": weight},
        "bsa_m2_unrounded": unrounded,
        "bsa_m2": bsa,
        "days": [{"day": 1, "administrations": administrations}],
        "totals": [
            {"drug": drug, "total_mg": sum(per_method.values()), "per_method": per_method}
            for drug, per_method in totals.items()
        ],
        "warnings": warnings,
    }


_ONE = Decimal(1)


def run_baseline(data: list[dict[str, str]]) -> None:
    """The same numbers, minimal pure Python, serialised with ``json``."""
    sink = _Null()
    dumps = json.dumps
    for number, row in enumerate(data, 1):
        sink.write(dumps(baseline_document(number, row)) + "\n")


def check_baseline(data: list[dict[str, str]]) -> None:
    """Refuse to time a baseline whose numbers differ from the sheets' (exact equality)."""
    library = load_library(())
    for result in batch_sheets(data, library=library, regimen="FOLFOX-6"):
        if result.sheet is None:
            raise SystemExit(f"row {result.row}: {result.error}")
        sheet = result.sheet
        mine: Any = baseline_document(result.row, data[result.row - 1])
        administrations = mine["days"][0]["administrations"]
        theirs = {
            "bsa": (sheet.bsa_m2_unrounded, sheet.bsa_m2),
            "administrations": [
                {key: getattr(item, key) for key in administrations[0]}
                for day in sheet.days
                for item in day.administrations
            ],
            "totals": [
                {"drug": t.drug, "total_mg": t.total_mg, "per_method": t.per_method}
                for t in sheet.totals
            ],
            "warnings": [{"code": w.code, "params": w.params} for w in sheet.warnings],
        }
        ours = {
            "bsa": (mine["bsa_m2_unrounded"], mine["bsa_m2"]),
            "administrations": administrations,
            "totals": mine["totals"],
            "warnings": mine["warnings"],
        }
        for part, value in ours.items():
            if value != theirs[part]:
                raise SystemExit(f"row {result.row}: baseline {part} {value} != {theirs[part]}")
    print(f"baseline checked: the same numbers as the sheets for {len(data)} rows")


def _time(function: Callable[[list[dict[str, str]]], None], data: list[dict[str, str]]) -> float:
    start = time.perf_counter()
    function(data)
    return time.perf_counter() - start


def unit_rows(count: int) -> list[dict[str, str]]:
    """The patients of :func:`rows` with units in the cells: cm / kg, or in / lb."""
    data = rows(count)
    for i, row in enumerate(data):
        height, weight = float(row["height"]), float(row["weight"])
        if i % 2:
            row["height"], row["weight"] = f"{height} cm", f"{weight} kg"
        else:
            row["height"], row["weight"] = f"{height / 2.54:.2f} in", f"{weight * 2.2046:.1f} lb"
    return data


def throughput(repeats: int) -> None:
    results: dict[tuple[str, int], list[float]] = {}
    small, large = rows(10_000), rows(100_000)
    series = [
        ("batch", run_batch, small),
        ("baseline", run_baseline, small),
        ("batch, units in cells", run_batch, unit_rows(10_000)),
        ("batch", run_batch, large),
        ("baseline", run_baseline, large),
    ]
    for _ in range(repeats):  # interleaved, sizes too: all see the same load
        for name, function, cells in series:
            results.setdefault((name, len(cells)), []).append(_time(function, cells))
    print(f"{'run':30} {'median s':>9} {'min s':>8} {'sheets/s':>9}")
    for (name, size), values in results.items():
        median = statistics.median(values)
        print(f"{name + ' ' + str(size):30} {median:9.3f} {min(values):8.3f} {size / median:9.0f}")
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
    """``compute_sheet`` from validated inputs, for 2,000 different patients per repeat."""
    library = load_library(())
    patients = [make_patient(height=row["height"], weight=row["weight"]) for row in rows(2000)]
    options = SheetOptions()
    for name in ("FOLFOX-6", "EOX"):
        regimen = library.get(name)
        per_call = []
        for _ in range(repeats):
            start = time.perf_counter()
            for patient in patients:
                compute_sheet(library, regimen, patient, options)
            per_call.append((time.perf_counter() - start) / len(patients))
        print(
            f"compute_sheet {name} (validated inputs): median "
            f"{statistics.median(per_call) * 1e6:.0f} µs, min {min(per_call) * 1e6:.0f} µs"
            + (" (target < 200 µs)" if name == "FOLFOX-6" else "")
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
    check_baseline(rows(20_000))
    throughput(args.repeats)
    one_sheet(args.repeats)
    import_time()
    if args.million:
        million()


if __name__ == "__main__":
    main()

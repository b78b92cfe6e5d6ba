"""Every figure of the batch (issues 8 and 23), from one run.

* **one core** (one process): :func:`regimens._calc.batch.batch_sheets` over rows given
  as dicts of text (as a CSV reader gives them), each result written as the
  ``regimens batch`` JSONL line to a null sink: FOLFOX-6 at 10,000 and 100,000 rows,
  EOX and units in the cells (``170.5 cm``, ``67.13 in``) at 10,000 (targets: 10,000
  FOLFOX-6 and 8,000 EOX sheets/s);
* **baseline**: a minimal pure-Python computation of the same numbers
  (:func:`baseline_document`: BSA, the DuBois comparison, renal bands, every
  administration's steps and preparation, totals, shared vials, warnings' values)
  serialised with the standard ``json`` module; before timing, :func:`check_baseline`
  asserts that its numbers equal the sheets' for 20,000 rows; the ratio batch /
  baseline of the medians of the same run (target: at most 2.5);
* all of these interleaved, ``--repeats`` times, so that all see the same load;
  the ratio of the 100k to the 10k time (linear: at most 11);
* ``compute_sheet`` from already-validated inputs for 2,000 different patients:
  median µs per sheet, FOLFOX-6 and EOX;
* **--jobs**: ``regimens batch --jobs 1`` and ``--jobs 2`` on one 50,000-row CSV file,
  fresh processes writing JSONL to a file, interleaved (target: at least 1.8×);
* ``import regimens``: median wall time of a fresh process, minus ``python -c pass``;
* with ``--million``: 1,000,000 rows through ``regimens batch --jobs N`` (CSV to
  JSONL, Parquet to Parquet), the peak memory of all its processes together (summed
  RSS and PSS, sampled every 0.1 s; target under 150 MB), and through the Dask recipe
  of docs/performance.md (Parquet to Parquet, N local processes).

The machine's load average is printed at the start and the end: other work on the
machine slows every figure (the ratios, measured side by side, less so).

Usage (from an environment where ``regimens`` is installed, with the ``parquet`` and
``dask`` extras for those figures)::

    python benchmarks/batch.py [--repeats 3] [--million [--rows N] [--jobs N]]
"""

from __future__ import annotations

import argparse
import itertools
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
from typing import Any, NamedTuple

from regimens._api import batch_sheets
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._cli._batch_run import jsonl_line
from regimens._read.library import load_library
from regimens._read.patient import make_patient


def rows(count: int) -> list[dict[str, str]]:
    """Varied adult patients, as a CSV reader gives them (text cells).

    Height 150.0-199.9 cm, weight 50.0-109.9 kg to one decimal and creatinine
    clearance 40-139 mL/min, drawn with a fixed seed: nearly every row is a different
    patient, so no cache can serve a repeat. A CrCl is given because FOLFOX-6 and EOX
    need one (oxaliplatin's renal rule): without it every sheet would be blocking.
    """
    draw = random.Random(8).randrange
    return [
        {
            "patient_id": f"P{i:07d}",
            "height": f"{(1500 + draw(500)) / 10:.1f}",
            "weight": f"{(500 + draw(600)) / 10:.1f}",
            "crcl": str(40 + draw(100)),
        }
        for i in range(count)
    ]


class _Null:
    """A text sink that keeps nothing (the cost of writing is not what is measured)."""

    def write(self, text: str) -> int:
        return len(text)


def run_batch(data: list[dict[str, str]], regimen: str = "FOLFOX-6") -> None:
    library = load_library(())
    sink = _Null()
    for result in batch_sheets(data, library=library, regimen=regimen):
        sink.write(jsonl_line(result))


def run_eox(data: list[dict[str, str]]) -> None:
    run_batch(data, "EOX")


class Step(NamedTuple):
    """One administration of FOLFOX-6 cycle 1 as the library gives it, read once."""

    day: int
    drug: str
    method: str
    per_m2: float  # mg/m² per intake
    increment: float  # rounding step, mg
    duration: float | None  # h
    concentration: float  # mg/mL of the library's product
    vials: tuple[float, ...]  # vial sizes, mg
    bags: tuple[float, ...]  # bag volumes, mL
    low: float | None  # labelled final concentration range, mg/mL
    high: float | None
    renal: tuple[tuple[float | None, float | None, str], ...]  # [min, max) CrCl bands


def folfox6_plan() -> list[Step]:
    """FOLFOX-6 cycle 1 as the library gives it, read once (not per row), in the sheet's
    order. Every component of FOLFOX-6 is per m², one intake, IV, no tablets, a product
    with vials; a renal rule has bands "full" or "contraindicated" only. The baseline
    refuses anything else rather than compute it wrongly."""
    library = load_library(())
    plan = []
    for component in library.get("FOLFOX-6").components:
        facts = library.drug(component.drug)
        info = facts.preparation
        rule = facts.renal_rule
        bands = tuple(
            (band.min_ml_min, band.max_ml_min, band.action)
            for band in (rule.bands if rule is not None else ())
        )
        if (
            component.dose.basis != "per_m2"
            or component.dose_per != "intake"
            or component.intakes_per_day != 1
            or component.pump_days != 1
            or facts.tablet_strengths_mg
            or info is None
            or not info.vial_sizes_mg
            or facts.concentration_mg_per_ml is None
            or any(action not in ("full", "contraindicated") for _, _, action in bands)
            or any(b.min_inclusive is False or b.max_inclusive for b in rule.bands)  # type: ignore[union-attr]
        ):
            raise SystemExit("FOLFOX-6 changed: update the baseline of benchmarks/batch.py")
        for day in component.days:
            plan.append(
                Step(
                    day,
                    component.drug,
                    component.method,
                    component.dose.amount,
                    facts.rounding_increment_mg or 1.0,
                    component.duration_h,
                    facts.concentration_mg_per_ml,
                    tuple(sorted(info.vial_sizes_mg, reverse=True)),
                    tuple(sorted(info.bag_volumes_ml or ())),
                    info.final_concentration_min_mg_per_ml,
                    info.final_concentration_max_mg_per_ml,
                    bands,
                )
            )
    return plan


_PLAN = folfox6_plan()
_CENT = Decimal("0.01")
_ONE = Decimal(1)
_EPS = 1e-9


def fewest_vials(dose: float, sizes: tuple[float, ...]) -> list[tuple[float, int]]:
    """The fewest vials (largest first) covering ``dose``, then the least waste."""
    count = max(1, math.ceil(dose / sizes[0] - _EPS))
    best: tuple[float, ...] | None = None
    for combination in itertools.combinations_with_replacement(sizes, count):
        total = sum(combination)
        if total + _EPS >= dose and (best is None or total < sum(best) - _EPS):
            best = combination
    assert best is not None
    return [(size, best.count(size)) for size in sizes if best.count(size)]


def preparation(step: Step, dose: float) -> dict[str, object]:
    """Volume to 0.1 mL half up, the dose drawn, vials, waste, bag, final
    concentration and rate (docs/dispensing.md)."""
    volume = math.floor(dose / step.concentration * 10 + 0.5 + _EPS) / 10
    drawn = round(volume * step.concentration, 6)
    vials = fewest_vials(drawn, step.vials)
    final = concentration = rate = None
    if step.method != "continuous_infusion" and step.bags:
        finals = [round(bag + volume, 6) for bag in step.bags]
        for final in finals:
            if (step.low is None or drawn / final >= step.low) and (
                step.high is None or drawn / final <= step.high
            ):
                break
        else:
            tight = step.high is not None and drawn / finals[-1] > step.high
            final = finals[-1] if tight else finals[0]
        concentration = drawn / final
        rate = final / step.duration if step.duration else None
    return {
        "volume_ml": volume,
        "dose_drawn_mg": drawn,
        "vials": vials,
        "waste_mg": round(sum(size * n for size, n in vials) - drawn, 6),
        "final_volume_ml": final,
        "final_concentration_mg_per_ml": concentration,
        "rate_ml_per_h": rate,
    }


def baseline_document(number: int, row: dict[str, str]) -> dict[str, object]:
    """One row's numbers, minimal pure Python: every number the sheet carries.

    Height, weight and CrCl read and range-checked; Mosteller BSA unrounded and rounded
    half up to 2 decimals (the sheet's rule, not Python's ties-to-even ``round``); BSA
    range and the comparison of Mosteller with DuBois (the ``BSA_FORMULAS_DISAGREE``
    warning's values); the renal band of each drug with a renal rule; per
    administration the basis, standard dose, dose level, calculated dose, dose rounded
    to the drug's increment with ties down, daily dose, deviation, duration, infusion
    rate and the preparation (volume, dose drawn, vials, waste, bag, final
    concentration, bag rate, the final-concentration check); per drug the totals by
    method and the days; the vials shared by two preparations of a day. Left out: the
    texts a sheet repeats from the library (names, notes, sources, provenance), which
    cost serialisation but no arithmetic.
    """
    height = float(row["height"])
    weight = float(row["weight"])
    crcl = float(row["crcl"])
    if not (100 <= height <= 250 and 25 <= weight <= 350 and 0 < crcl <= 300):
        raise ValueError(f"row {number}: implausible height, weight or CrCl")
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
    prepared: dict[str, list[dict[str, Any]]] = {}
    for step in _PLAN:
        band = next(
            (
                action
                for low, high, action in step.renal
                if (low is None or crcl >= low) and (high is None or crcl < high)
            ),
            None,
        )
        if band == "contraindicated":
            raise ValueError(f"row {number}: the baseline does not withhold a drug")
        standard = step.per_m2 * bsa
        calculated = standard * 100.0 / 100
        increment = Decimal(repr(step.increment))
        value = Decimal(repr(round(calculated, 6)))
        dose = float((value / increment).quantize(_ONE, rounding=ROUND_HALF_DOWN) * increment)
        deviation = (dose - calculated) / calculated * 100 if calculated else 0.0
        if abs(deviation) > 5.0:
            dose, deviation = calculated, 0.0
        per_method = totals.setdefault(step.drug, {})
        per_method[step.method] = per_method.get(step.method, 0.0) + dose
        continuous = step.method == "continuous_infusion"
        made = preparation(step, dose)
        prepared.setdefault(step.drug, []).append(made)
        final = made["final_concentration_mg_per_ml"]
        if isinstance(final, float) and not (
            (step.low is None or final >= step.low) and (step.high is None or final <= step.high)
        ):
            warnings.append({"code": "FINAL_CONCENTRATION_OUT_OF_RANGE", "drug": step.drug})
        administrations.append(
            {
                "drug": step.drug,
                "basis_value": bsa,
                "standard_mg": standard,
                "dose_level_percent": 100.0,
                "calculated_mg": calculated,
                "dose_mg": dose,
                "daily_dose_mg": dose,
                "deviation_percent": deviation,
                "duration_h": step.duration,
                "rate_mg_per_h": dose / step.duration if continuous and step.duration else None,
                "organ_action": band,
                "preparation": made,
            }
        )
    vial_use = []
    for drug, items in prepared.items():  # FOLFOX-6 gives every drug on day 1 only
        if len(items) < 2:
            continue
        total = round(sum(item["dose_drawn_mg"] for item in items), 6)
        vials = fewest_vials(total, _PLAN[[s.drug for s in _PLAN].index(drug)].vials)
        vial_use.append(
            {
                "drug": drug,
                "day": 1,
                "total_mg": total,
                "vials": vials,
                "waste_mg": round(sum(size * n for size, n in vials) - total, 6),
                "separate_waste_mg": round(sum(item["waste_mg"] for item in items), 6),
            }
        )
    return {
        "row": number,
        "patient_id": row["patient_id"],
        "patient": {"height": height, "weight": weight, "crcl": crcl},
        "bsa_m2_unrounded": unrounded,
        "bsa_m2": bsa,
        "days": [{"day": 1, "administrations": administrations}],
        "totals": [
            {"drug": drug, "total_mg": sum(per_method.values()), "per_method": per_method}
            for drug, per_method in totals.items()
        ],
        "vial_use": vial_use,
        "warnings": warnings,
    }


def run_baseline(data: list[dict[str, str]]) -> None:
    """The same numbers, minimal pure Python, serialised with ``json``."""
    sink = _Null()
    dumps = json.dumps
    for number, row in enumerate(data, 1):
        sink.write(dumps(baseline_document(number, row)) + "\n")


def _preparation_numbers(item: Any) -> dict[str, object]:
    p = item.preparation
    return {
        "volume_ml": p.volume_ml,
        "dose_drawn_mg": p.dose_drawn_mg,
        "vials": [(v.size_mg, v.count) for v in p.vials],
        "waste_mg": p.waste_mg,
        "final_volume_ml": p.final_volume_ml,
        "final_concentration_mg_per_ml": p.final_concentration_mg_per_ml,
        "rate_ml_per_h": p.rate_ml_per_h,
    }


def check_baseline(data: list[dict[str, str]]) -> None:
    """Refuse to time a baseline whose numbers differ from the sheets' (exact equality)."""
    library = load_library(())
    numeric = (
        "drug",
        "basis_value",
        "standard_mg",
        "dose_level_percent",
        "calculated_mg",
        "dose_mg",
        "daily_dose_mg",
        "deviation_percent",
        "duration_h",
        "rate_mg_per_h",
    )
    for result in batch_sheets(data, library=library, regimen="FOLFOX-6"):
        if result.sheet is None:
            raise SystemExit(f"row {result.row}: {result.error}")
        sheet = result.sheet
        mine: Any = baseline_document(result.row, data[result.row - 1])
        theirs = {
            "bsa": (sheet.bsa_m2_unrounded, sheet.bsa_m2),
            "administrations": [
                {
                    **{key: getattr(item, key) for key in numeric},
                    "organ_action": item.organ_adjustment.action if item.organ_adjustment else None,
                    "preparation": _preparation_numbers(item),
                }
                for day in sheet.days
                for item in day.administrations
            ],
            "totals": [
                {"drug": t.drug, "total_mg": t.total_mg, "per_method": t.per_method}
                for t in sheet.totals
            ],
            "vial_use": [
                {
                    "drug": use.drug,
                    "day": use.day,
                    "total_mg": use.total_mg,
                    "vials": [(v.size_mg, v.count) for v in use.vials],
                    "waste_mg": use.waste_mg,
                    "separate_waste_mg": use.separate_waste_mg,
                }
                for use in sheet.vial_use
            ],
            "warnings": [
                {"code": w.code, "drug": w.drug}
                if w.code == "FINAL_CONCENTRATION_OUT_OF_RANGE"
                else {"code": w.code, "params": w.params}
                for w in sheet.warnings
            ],
        }
        ours = {
            "bsa": (mine["bsa_m2_unrounded"], mine["bsa_m2"]),
            "administrations": mine["days"][0]["administrations"],
            "totals": mine["totals"],
            "vial_use": mine["vial_use"],
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
    """One core: batch to JSON Lines (FOLFOX-6, EOX) against the faithful baseline."""
    results: dict[tuple[str, int], list[float]] = {}
    small, large = rows(10_000), rows(100_000)
    series = [
        ("batch", run_batch, small),
        ("baseline", run_baseline, small),
        ("batch EOX", run_eox, small),
        ("batch, units in cells", run_batch, unit_rows(10_000)),
        ("batch", run_batch, large),
        ("baseline", run_baseline, large),
    ]
    for _ in range(repeats):  # interleaved, sizes too: all see the same load
        for name, function, cells in series:
            results.setdefault((name, len(cells)), []).append(_time(function, cells))
    print(f"{'one core, JSONL to a null sink':34} {'median s':>9} {'min s':>8} {'sheets/s':>9}")
    for (name, size), values in results.items():
        median = statistics.median(values)
        print(f"{name + ' ' + str(size):34} {median:9.3f} {min(values):8.3f} {size / median:9.0f}")
    for name, size, target in (("batch", 10_000, 10_000), ("batch EOX", 10_000, 8_000)):
        rate = size / statistics.median(results[(name, size)])
        print(f"{name} throughput: {rate:.0f} sheets/s (target >= {target})")
    for size in (10_000, 100_000):
        ratio = statistics.median(results[("batch", size)]) / statistics.median(
            results[("baseline", size)]
        )
        print(f"ratio batch / baseline at {size}: {ratio:.2f} (target <= 2.5)")
    scaling = statistics.median(results[("batch", 100_000)]) / statistics.median(
        results[("batch", 10_000)]
    )
    print(f"scaling batch 100k / 10k: {scaling:.2f} (target <= 11)")


def _regimens() -> str:
    return shutil.which("regimens", path=str(Path(sys.executable).parent)) or "regimens"


def write_csv(path: Path, count: int) -> None:
    """The patients of :func:`rows`, streamed to a CSV file (any count, flat memory)."""
    draw = random.Random(8).randrange
    with path.open("w", encoding="utf-8") as stream:
        stream.write("patient_id,height,weight,crcl\n")
        for i in range(count):
            height, weight, crcl = (1500 + draw(500)) / 10, (500 + draw(600)) / 10, 40 + draw(100)
            stream.write(f"P{i:07d},{height:.1f},{weight:.1f},{crcl}\n")


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _memory_kib(pids: list[int]) -> tuple[int, int]:
    """Summed RSS and PSS (kB) of ``pids``: PSS shares a page among its users."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


_BATCH = ("batch", "--regimen", "FOLFOX-6", "--input")
#: CPU seconds of the last :func:`run_cli`'s process tree.
LAST_CPU = [0.0]


def _cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(arguments: list[str]) -> tuple[float, int, int]:
    """Run ``regimens`` and sample its process tree's memory every 0.1 s: wall time,
    peak summed RSS and peak summed PSS (kB). The CPU time of the whole tree is kept
    in :data:`LAST_CPU`."""
    cpu = _cpu()
    start = time.perf_counter()
    process = subprocess.Popen([_regimens(), *arguments], stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = _memory_kib(_tree(process.pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    LAST_CPU[0] = _cpu() - cpu
    if process.returncode not in (0, 3):
        raise SystemExit(f"regimens {' '.join(arguments)}: exit status {process.returncode}")
    return elapsed, peak_rss, peak_pss


def jobs(repeats: int, count: int = 50_000) -> None:
    """``regimens batch --jobs 1`` against ``--jobs 2`` on the same CSV file, each a
    fresh process writing JSON Lines to a file, interleaved."""
    with tempfile.TemporaryDirectory() as directory:
        source, target = Path(directory) / "cohort.csv", Path(directory) / "sheets.jsonl"
        write_csv(source, count)
        times: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(repeats):
            for n in (1, 2):
                elapsed, _, _ = run_cli(
                    [*_BATCH, str(source), "--jobs", str(n), "--output", str(target)]
                )
                times[n].append(elapsed)
                cpu[n].append(LAST_CPU[0])
    rates = {n: count / statistics.median(values) for n, values in times.items()}
    per_row = {n: statistics.median(values) / count * 1e6 for n, values in cpu.items()}
    for n, rate in rates.items():
        print(
            f"regimens batch --jobs {n}, {count} rows CSV -> JSONL: {rate:.0f} rows/s "
            f"(CPU of all processes: {per_row[n]:.0f} µs a row)"
        )
    print(f"speed-up --jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f} (target >= 1.8)")
    # What two cores of their own would give: the one-process time over the two-process
    # CPU time shared by two cores (a bound, not a measure: it ignores waiting).
    print(
        "CPU-time bound of the speed-up on 2 idle cores: "
        f"{2 * per_row[1] / per_row[2]:.2f} (--jobs 2 spends "
        f"{per_row[2] / per_row[1] - 1:+.1%} CPU a row)"
    )


def million(count: int, workers: int) -> None:
    """``count`` rows through ``regimens batch --jobs`` (CSV -> JSONL, Parquet ->
    Parquet) with the memory of every process, and through Dask (Parquet -> Parquet)."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        source = folder / "cohort.csv"
        write_csv(source, count)
        runs = [
            ("CSV -> JSONL", source, folder / "sheets.jsonl"),
        ]
        try:
            import pyarrow.csv
            import pyarrow.parquet

            parquet = folder / "cohort.parquet"
            table = pyarrow.csv.read_csv(
                source,
                convert_options=pyarrow.csv.ConvertOptions(
                    column_types={"patient_id": pyarrow.string()}
                ),
            )
            pyarrow.parquet.write_table(table, parquet, row_group_size=50_000)
            del table
            runs.append(("Parquet -> Parquet", parquet, folder / "sheets.parquet"))
        except ImportError:
            parquet = None
            print("(pyarrow absent: no Parquet figures)")
        for name, given, target in runs:
            elapsed, rss, pss = run_cli(
                [*_BATCH, str(given), "--jobs", str(workers), "--output", str(target)]
            )
            print(
                f"{count:,} rows, regimens batch --jobs {workers}, {name}: {elapsed:.1f} s "
                f"({count / elapsed:.0f} rows/s), output {target.stat().st_size / 1e9:.2f} GB, "
                f"peak memory of all processes: RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB "
                f"(target < 150 MB); CPU {LAST_CPU[0] / count * 1e6:.0f} µs a row"
            )
            target.unlink()
        if parquet is not None:
            dask_run(parquet, folder / "dask-sheets", count, workers)


def dask_run(parquet: Path, target: Path, count: int, workers: int) -> None:
    """The Dask recipe of docs/performance.md (tests/test_batch_dask.py), local
    ``processes`` scheduler with ``workers`` processes, partitions of 5,000 rows."""
    try:
        import dask
    except ImportError:
        print("(dask absent: no Dask figure)")
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_batch_dask import cohort_sheets

    start = time.perf_counter()
    with dask.config.set(scheduler="processes", num_workers=workers):
        cohort_sheets(str(parquet), max(1, count // 5000)).to_parquet(target)
    elapsed = time.perf_counter() - start
    print(
        f"{count:,} rows, Dask map_partitions(batch_sheets), {workers} processes, "
        f"Parquet -> Parquet: {elapsed:.1f} s ({count / elapsed:.0f} rows/s)"
    )


def one_sheet(repeats: int) -> None:
    """``compute_sheet`` from validated inputs, for 2,000 different patients per repeat."""
    library = load_library(())
    patients = [
        make_patient(height=row["height"], weight=row["weight"], crcl=row["crcl"])
        for row in rows(2000)
    ]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measure")
    parser.add_argument("--million", action="store_true", help="also the 1M-row runs")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of --million")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="for --million")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}")
    print(f"python: {platform.python_version()}; repeats: {args.repeats}, interleaved")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    check_baseline(rows(20_000))
    throughput(args.repeats)
    one_sheet(args.repeats)
    jobs(args.repeats)
    import_time()
    if args.million:
        million(args.rows, args.jobs)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

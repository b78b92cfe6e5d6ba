"""Cold start of the CLI against pint's bare default registry (issue: foundation).

Runs, interleaved so that both see the same machine load, N times each:

* ``regimens bsa --height 170 --weight 70``        (the measured command)
* ``regimens bsa --height 170cm --weight 70kg``    (the same with units: pint is loaded)
* ``regimens sheet FOLFOX-6``, ``regimens calendar FOLFOX-6``, ``regimens list``
  (held to the same ratio, issue 8)
* ``python -c "import pint; pint.UnitRegistry()"`` (the reference)

and prints the median wall time of each and the ratios to the reference. The
target is a ratio below 1.0 (aim: 0.7 or less) for the first command.

Usage (from an environment where ``regimens`` is installed)::

    python benchmarks/cold_start.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (>= 10)")
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")

    here = Path(sys.executable).parent
    regimens = shutil.which("regimens", path=str(here)) or shutil.which("regimens")
    if regimens is None:
        sys.exit("regimens is not installed in this environment")
    commands = {
        "regimens bsa (bare numbers)": [regimens, "bsa", "--height", "170", "--weight", "70"],
        "regimens bsa (with units)": [regimens, "bsa", "--height", "170cm", "--weight", "70kg"],
        "regimens sheet FOLFOX-6": [
            regimens,
            "sheet",
            "FOLFOX-6",
            "--height",
            "170",
            "--weight",
            "70",
        ],
        "regimens calendar FOLFOX-6": [
            regimens,
            "calendar",
            "FOLFOX-6",
            "--start",
            "2026-01-05",
            "--cycles",
            "2",
        ],
        "regimens list": [regimens, "list"],
        "pint.UnitRegistry() (reference)": [
            sys.executable,
            "-c",
            "import pint; pint.UnitRegistry()",
        ],
    }
    for command in commands.values():  # warm the file cache and .pyc files once
        _time(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(_time(command))

    reference = statistics.median(times["pint.UnitRegistry() (reference)"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}")
    print(f"python: {platform.python_version()}; runs: {args.runs} each, interleaved")
    print(f"{'command':34} {'median ms':>10} {'min ms':>8} {'ratio':>6}")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:34} {median * 1000:10.1f} {min(values) * 1000:8.1f} {median / reference:6.2f}"
        )


if __name__ == "__main__":
    main()

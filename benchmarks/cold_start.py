"""Cold start of every CLI command against pint's bare default registry (issue 23).

Each command of the list below runs as a fresh process, twice: with bare numbers (each
value in its field's default unit) and with the common unit spellings (cm, m, in, ft,
kg, g, lb, mg/dL, µmol/L, umol/L, mL/min; each spelling appears at least once).
``list`` and ``show`` read no measurement: they run once. ``course`` and ``next`` read
``docs/examples/folfox6-record.toml`` as it is (its height and weight carry units) and a
copy whose values are bare numbers. The reference is

    python -c "import pint; pint.UnitRegistry()"

All the commands and the reference run interleaved, ``--runs`` rounds after one warm-up
round, so that every command sees the same machine load; the script prints the median
and minimum wall time of each, its ratio to the reference's median, and whether it meets
the issue's goal (a ratio of at most 0.6). It also reports each process's CPU time
(user + system), which another job on the machine moves much less than the wall time.
Every run's exit status is checked: a command that fails is reported, not timed as fast.
The children write and read bytecode (``PYTHONDONTWRITEBYTECODE`` is removed from their
environment), as an installed package does.

With ``--instructions`` (valgrind installed), each command and the reference also run
once under ``valgrind --tool=callgrind``, which counts the instructions the process
executes: the same count for the same program and input, whatever else the machine is
doing, so a change's effect shows there when the wall times of a shared machine spread
by more than the change (about ±10 % here). The goal is the wall-time ratio; the
instruction ratio is the check that a change helped.

Usage (from an environment where ``regimens`` is installed)::

    python benchmarks/cold_start.py [--runs 21] [--instructions]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

GOAL = 0.6
ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "docs" / "examples" / "folfox6-record.toml"
REFERENCE = "pint.UnitRegistry() (reference)"

_FOLFOX6_PRESCRIBED = (
    "--prescribed",
    "oxaliplatin=155mg",
    "--prescribed",
    "folinic acid=728mg",
    "--prescribed",
    "fluorouracil:bolus=728mg",
    "--prescribed",
    "fluorouracil:infusion=4.37g",
)


def commands(regimens: str, bare_record: Path) -> dict[str, list[str]]:
    """Every command, bare and with units, and the reference: name → argv."""
    record = str(RECORD)
    table: dict[str, tuple[str, ...]] = {
        "sheet (bare)": ("sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"),
        "sheet (units)": (
            "sheet",
            *("FOLFOX-6", "--height", "170cm", "--weight", "70kg", "--crcl", "90 mL/min"),
        ),
        "calendar (bare)": (
            "calendar",
            *("FOLFOX-6", "--start", "2026-01-05", "--cycles", "2"),
            *("--height", "170", "--weight", "70", "--crcl", "90"),
        ),
        "calendar (units)": (
            "calendar",
            *("FOLFOX-6", "--start", "2026-01-05", "--cycles", "2"),
            *("--height", "1.70 m", "--weight", "70000 g", "--crcl", "90 mL/min"),
        ),
        "check (bare)": (
            "check",
            *("FOLFOX-6", "--height", "170", "--weight", "70"),
            *("--age", "60", "--sex", "F", "--creatinine", "0.9"),
            *_FOLFOX6_PRESCRIBED,
        ),
        "check (units)": (
            "check",
            *("FOLFOX-6", "--height", "67 in", "--weight", "154 lb"),
            *("--age", "60", "--sex", "F", "--creatinine", "80 µmol/L"),
            *_FOLFOX6_PRESCRIBED,
        ),
        "assess (bare)": (
            "assess",
            *("FOLFOX-6", "--height", "170", "--weight", "70", "--age", "60", "--sex", "M"),
            *("--creatinine", "0.9", "--lab", "anc=2.0", "--lab", "platelets=150"),
        ),
        "assess (units)": (
            "assess",
            *("FOLFOX-6", "--height", "5.6 ft", "--weight", "70kg", "--age", "60", "--sex", "M"),
            *("--creatinine", "0.9 mg/dL", "--lab", "anc=2.0", "--lab", "platelets=150"),
        ),
        "course (bare)": ("course", str(bare_record)),
        "course (units)": ("course", record),
        "next (bare)": ("next", str(bare_record), "--weight", "66", "--creatinine", "0.9"),
        "next (units)": ("next", record, "--weight", "66 kg", "--creatinine", "80 umol/L"),
        "list": ("list",),
        "show": ("show", "FOLFOX-6"),
        "bsa (bare)": ("bsa", "--height", "170", "--weight", "70"),
        "bsa (units)": ("bsa", "--height", "170cm", "--weight", "70kg"),
        "crcl (bare)": ("crcl", "--age", "60", "--weight", "70", "--sex", "F", "--creatinine", "1"),
        "crcl (units)": (
            "crcl",
            *("--age", "60", "--weight", "70 kg", "--sex", "F", "--creatinine", "80 umol/L"),
        ),
    }
    argvs = {name: [regimens, *args] for name, args in table.items()}
    argvs[REFERENCE] = [sys.executable, "-c", "import pint; pint.UnitRegistry()"]
    return argvs


def bare_copy(directory: Path) -> Path:
    """The example record with its measurements as bare numbers (cm, kg)."""
    text = RECORD.read_text(encoding="utf-8")
    bare = re.sub(r'"(\d+(?:\.\d+)?) (?:cm|kg)"', r"\1", text)
    if bare == text:
        sys.exit(f"{RECORD} has no measurement with a unit any more: update the benchmark")
    path = directory / "folfox6-record-bare.toml"
    path.write_text(bare, encoding="utf-8")
    return path


def _environment() -> dict[str, str]:
    """The children's environment: bytecode written and read, as in an installed package
    (PYTHONDONTWRITEBYTECODE would make every run of a source checkout compile its
    modules again, about 0.1 s of a command's start)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _time(name: str, argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_environment()
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = code = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if code != 0:
        sys.exit(f"{name} exited with {code}: {errors.decode().strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def _instructions(name: str, argv: list[str]) -> int:
    """Instructions executed by one run of ``argv`` (valgrind's callgrind tool)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"{name} under valgrind exited with {done.returncode}: {done.stderr[-500:]}")
    return int(found.group(1))


def _count_all(argvs: dict[str, list[str]]) -> dict[str, int]:
    """Every command's instruction count, as many at a time as the machine has cores."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {name: pool.submit(_instructions, name, argv) for name, argv in argvs.items()}
        return {name: future.result() for name, future in futures.items()}


def _versions() -> str:
    found = []
    for package in ("pint", "pydantic", "pydantic-core", "click"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} (not installed)")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds of every command (>= 10)")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions once under valgrind (callgrind)",
    )
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")

    here = Path(sys.executable).parent
    regimens = shutil.which("regimens", path=str(here)) or shutil.which("regimens")
    if regimens is None:
        sys.exit("regimens is not installed in this environment")
    with tempfile.TemporaryDirectory() as directory:
        argvs = commands(regimens, bare_copy(Path(directory)))
        load_before = os.getloadavg()
        for name, argv in argvs.items():  # warm the file cache and the .pyc files once
            _time(name, argv)
        times: dict[str, list[float]] = {name: [] for name in argvs}
        cpu: dict[str, list[float]] = {name: [] for name in argvs}
        for _ in range(args.runs):
            for name, argv in argvs.items():
                wall, used = _time(name, argv)
                times[name].append(wall)
                cpu[name].append(used)
        load_after = os.getloadavg()
        counted = _count_all(argvs) if args.instructions else {}

    reference = statistics.median(times[REFERENCE])
    reference_cpu = statistics.median(cpu[REFERENCE])
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"date: {now}; runs: {args.runs} of each, interleaved")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}; "
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)"
    )
    print(f"python {platform.python_version()}; {_versions()}")
    print("wall: median and minimum of the wall times; ratio: of the medians to the reference's")
    print("cpu: median user + system time of the process, and its ratio (less moved by load)")
    if counted:
        print("instr: instructions executed (callgrind, one run), and their ratio")
    instr_header = f" {'instr M':>8} {'ratio':>6}" if counted else ""
    print(
        f"{'command':32} {'wall ms':>8} {'min ms':>8} {'ratio':>6} "
        f"{'cpu ms':>8} {'ratio':>6}{instr_header}  goal: wall ratio <= {GOAL}"
    )
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / reference
        used = statistics.median(cpu[name])
        verdict = "" if name == REFERENCE else ("met" if ratio <= GOAL else "NOT met")
        instr = (
            f" {counted[name] / 1e6:8.0f} {counted[name] / counted[REFERENCE]:6.2f}"
            if counted
            else ""
        )
        print(
            f"{name:32} {median * 1000:8.1f} {min(values) * 1000:8.1f} {ratio:6.2f} "
            f"{used * 1000:8.1f} {used / reference_cpu:6.2f}{instr}  {verdict}"
        )


if __name__ == "__main__":
    main()

"""The golden cases: one command line per command and format, compared whole.

``tests/test_golden.py`` runs each case through the CLI and compares its output, with
the run's time and the tool's version masked, to ``tests/golden/NAME``. A change in
any output is then a visible diff in review. After an intended change, rewrite the
files with ``python scripts/golden.py`` and say in CHANGELOG.md what changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "golden"

COURSE = "docs/examples/case-report-course.toml"
PATIENT = ("--height", "170", "--weight", "70")
RENAL = ("--age", "60", "--sex", "M", "--creatinine", "1.0")

_SHEETS: dict[str, tuple[str, ...]] = {
    # A planning sheet (no renal function): "PROVISIONAL — not for administration" on
    # top of every format (issue 17).
    "folfox6": ("sheet", "FOLFOX-6", *PATIENT, "--provisional"),
    "eox-renal": ("sheet", "EOX", "--height", "165", "--weight", "60", "--crcl", "45"),
    "xeliri": ("sheet", "XELIRI", *PATIENT, *RENAL, "--dose-level", "80"),
    "folfox6-zoledronic": (
        "sheet",
        "FOLFOX-6",
        *PATIENT,
        *RENAL,
        "--with",
        "ZOLEDRONIC-ACID",
        "--pump-rate",
        "2",
    ),
    "docetaxel-levels": (
        "sheet",
        "DOCETAXEL",
        *PATIENT,
        "--drug-dose-level",
        "docetaxel=75:neutropenia",
    ),
}

_CHECK = (
    "check",
    "FOLFOX-6",
    "--height",
    "180",
    "--weight",
    "80",
    "--crcl",
    "90",
    "--prescribed",
    "oxaliplatin=170mg",
    "--prescribed",
    "leucovorin=800mg",
    "--prescribed",
    "fluorouracil:bolus=800mg",
    "--prescribed",
    "fluorouracil:infusion=4800mg",
)
_CALENDAR = (
    "calendar",
    "FOLFOX-6",
    "--start",
    "2026-03-28",
    "--cycles",
    "3",
    "--avoid",
    "weekends",
    "--country",
    "FR",
    "--delay",
    "2=7:neutropenia",
)
_CALENDAR_DOSES = (
    "calendar",
    "EOX",
    "--start",
    "2026-01-05",
    "--cycles",
    "2",
    *PATIENT,
    "--crcl",
    "80",
)

CASES: dict[str, tuple[str, ...]] = {}
for _name, _argv in _SHEETS.items():
    for _fmt in ("table", "json"):
        CASES[f"sheet-{_name}.{_fmt}"] = (*_argv, "--format", _fmt)
for _fmt in ("markdown", "csv", "html", "fhir"):
    CASES[f"sheet-folfox6.{_fmt}"] = (*_SHEETS["folfox6"], "--format", _fmt)
for _fmt in ("table", "json", "markdown", "csv", "html"):
    CASES[f"sheet-eox-renal-fr.{_fmt}"] = (*_SHEETS["eox-renal"], "--lang", "fr", "--format", _fmt)
for _fmt in ("table", "markdown", "csv", "json"):
    CASES[f"check.{_fmt}"] = (*_CHECK, "--format", _fmt)
    CASES[f"check-fr.{_fmt}"] = (*_CHECK, "--lang", "fr", "--format", _fmt)
    CASES[f"course.{_fmt}"] = ("course", COURSE, "--format", _fmt)
    CASES[f"course-fr.{_fmt}"] = ("course", COURSE, "--lang", "fr", "--format", _fmt)
for _fmt in ("table", "grid", "markdown", "csv", "html", "json", "ics", "fhir"):
    CASES[f"calendar.{_fmt}"] = (*_CALENDAR, "--format", _fmt)
    CASES[f"calendar-fr.{_fmt}"] = (*_CALENDAR, "--lang", "fr", "--format", _fmt)
for _fmt in ("table", "json", "html"):
    CASES[f"calendar-doses.{_fmt}"] = (*_CALENDAR_DOSES, "--format", _fmt)
for _fmt in ("table", "json"):
    CASES[f"show.{_fmt}"] = ("show", "FOLFOX-6", "--format", _fmt)
    CASES[f"list.{_fmt}"] = ("list", "--format", _fmt)
    CASES[f"bsa.{_fmt}"] = ("bsa", "--height", "170", "--weight", "70", "--format", _fmt)
    CASES[f"crcl.{_fmt}"] = ("crcl", "--age", "60", "--weight", "72", "--sex", "M",
                             "--creatinine", "1.0", "--format", _fmt)  # fmt: skip
CASES["validate.txt"] = ("validate",)

#: Batch cases read this input (one good row, one bad row, one with a level).
BATCH_INPUT = (
    "patient_id,height,weight,crcl,dose_level\nP1,170cm,70kg,90,\nP2,1.7,70,90,\nP3,180,80,90,80\n"
)
for _fmt in ("jsonl", "csv"):
    CASES[f"batch.{_fmt}"] = ("batch", "--regimen", "FOLFOX-6", "--format", _fmt)

_MASKS = (
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)"), "<TIME>"),
    (re.compile(r"\d{8}T\d{6}Z"), "<TIME>"),
    (re.compile(r"\d\d?/\d\d?/\d{4},? \d\d?:\d\d(?: UTC)?"), "<TIME>"),
    (re.compile(r"\d\d? [a-zéû]+\.? \d{4},? \d\d?:\d\d(?: UTC)?"), "<TIME>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?: UTC)?"), "<TIME>"),
    # Derived from the minute of the run today (issue 22 makes it derive from content).
    (re.compile(r"SEQUENCE:\d+"), "SEQUENCE:<SEQ>"),
    # A sheet's own hash covers its calculated_at (docs/json-output.md).
    (re.compile(r'"sheet_sha256": ?"[0-9a-f]{64}"'), '"sheet_sha256": "<SHA256>"'),
)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def mask(text: str, version: str) -> str:
    """``text`` with the run's time, the tool's version, the checkout's path and UUIDs
    (derived from the time) replaced by placeholders; each UUID keeps one number, so
    references still match."""
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text)
    seen: dict[str, str] = {}
    text = _UUID.sub(lambda m: seen.setdefault(m.group(), f"<UUID-{len(seen) + 1}>"), text)
    return text.replace(version, "<VERSION>").replace(str(ROOT), "<ROOT>")


def run_case(name: str) -> str:
    """The exit status and masked standard output of one case, run in this process."""
    from click.testing import CliRunner

    import regimens
    from regimens._cli import main

    argv = list(CASES[name])
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if argv[0] == "batch":
                rows = Path(tmp) / "rows.csv"
                rows.write_text(BATCH_INPUT, encoding="utf-8")
                argv += ["--input", str(rows)]
            result = CliRunner().invoke(main, argv, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return f"exit {result.exit_code}\n{mask(result.stdout, regimens.__version__)}"

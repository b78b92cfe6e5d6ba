"""The public Python API: the ``regimens`` namespace, its documentation, its guarantees.

Issue 10: one public namespace whose ``__all__`` is exactly the documented surface; the
results are the models the CLI renders; importing has no side effects and is lazy;
computing from several threads gives the same results as computing one after another.
"""

from __future__ import annotations

import datetime as dt
import doctest
import json
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import regimens
from regimens._cli import main

ROOT = Path(__file__).resolve().parents[1]
API_DOC = ROOT / "docs" / "api.md"


def _documented_names() -> list[str]:
    """The names in the reference table of docs/api.md (first column, in backticks)."""
    text = API_DOC.read_text(encoding="utf-8")
    reference = text.split("## Reference", 1)[1]
    return re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", reference, flags=re.MULTILINE)


def test_all_is_exactly_the_documented_surface() -> None:
    """``regimens.__all__`` lists the names of docs/api.md's reference, no more, no fewer."""
    documented = _documented_names()
    assert len(documented) == len(set(documented)), "a name is documented twice"
    assert sorted(regimens.__all__) == sorted(documented)


def test_every_public_name_resolves_and_nothing_else_is_public() -> None:
    """Each name of ``__all__`` is importable; ``dir(regimens)`` shows only ``__all__``."""
    for name in regimens.__all__:
        assert getattr(regimens, name) is not None, name
    assert dir(regimens) == sorted(regimens.__all__)
    with pytest.raises(AttributeError, match="no attribute 'compute_sheets'"):
        _ = regimens.compute_sheets  # type: ignore[attr-defined]


def test_public_names_are_the_private_modules_objects() -> None:
    """The namespace re-exports (it does not wrap): ``regimens.DoseSheet`` is the model."""
    from regimens._calc.dosing import compute_sheet
    from regimens._calc.measures import compute_bsa_result
    from regimens._models.sheet import DoseSheet

    assert regimens.compute_sheet is compute_sheet
    assert regimens.DoseSheet is DoseSheet
    assert regimens.compute_bsa is compute_bsa_result


def test_error_types_form_one_hierarchy() -> None:
    """Every public error derives from RegimensError and the builtin it refines."""
    errors = [name for name in regimens.__all__ if name.endswith("Error") and name != "BatchError"]
    assert len(errors) == 8
    for name in errors:
        assert issubclass(getattr(regimens, name), regimens.RegimensError), name
    assert issubclass(regimens.InputError, ValueError)
    assert issubclass(regimens.UnknownRegimenError, LookupError)


def _fresh_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return result.stdout + result.stderr


@pytest.mark.subprocess
def test_import_is_lazy_and_silent(tmp_path: Path) -> None:
    """``import regimens`` prints nothing, writes nothing, loads no pint/pydantic/click."""
    code = (
        "import sys, os; os.chdir(sys.argv[1]) if len(sys.argv) > 1 else None\n"
        "import regimens\n"
        "heavy = [m for m in ('pint', 'pydantic', 'click', 'tabulate', 'fhir', 'icalendar',"
        " 'holidays') if m in sys.modules]\n"
        "private = [m for m in sys.modules if m.startswith('regimens._')"
        " and m != 'regimens._version']\n"
        "sys.stderr.write(repr((heavy, private)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout == ""
    assert result.stderr == "([], [])"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.subprocess
def test_first_use_loads_only_what_it_needs() -> None:
    """Asking for the error types loads the errors module, not the calculator."""
    out = _fresh_python(
        "import sys, regimens\n"
        "regimens.InputError\n"
        "print(sorted(m for m in sys.modules if m.startswith('regimens._')"
        " and m != 'regimens._version'))\n"
        "print('pydantic' in sys.modules)"
    )
    assert out.split() == ["['regimens._errors']", "False"]


def test_five_lines_from_install_to_a_sheet() -> None:
    """The module docstring's five lines give the FOLFOX-6 sheet of a 67 in / 154 lb patient.

    Hand-worked: 67 in = 170.18 cm, 154 lb = 69.853 kg; Mosteller
    sqrt(170.18 × 69.853 / 3600) = 1.8172 → 1.82 m²; oxaliplatin 85 mg/m² × 1.82 =
    154.7 → 155 mg; fluorouracil 2400 mg/m² × 1.82 = 4368 mg over 46 h.
    """
    library = regimens.load_library()
    patient = regimens.make_patient(height="67 in", weight="154 lb")
    sheet = regimens.compute_sheet(library, "FOLFOX-6", patient)
    assert sheet.bsa_m2 == 1.82
    assert sheet.bsa_m2_unrounded == pytest.approx(1.81717, abs=1e-5)
    doses = {(a.drug, a.method): a.dose_mg for a in sheet.days[0].administrations}
    assert doses[("oxaliplatin", "infusion")] == 155
    assert doses[("fluorouracil", "continuous_infusion")] == 4368


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    document["provenance"].pop("calculated_at")
    document["provenance"].pop("sheet_sha256", None)  # its hash covers the time too
    return document


def test_sheet_json_is_the_cli_json() -> None:
    """``regimens.sheet_json(sheet)`` is what ``regimens sheet --format json`` prints."""
    args = [
        "--height",
        "170",
        "--weight",
        "70",
        "--crcl",
        "90",
        "--cycle",
        "2",
        "--dose-level",
        "80",
    ]
    cli = CliRunner().invoke(main, ["sheet", "FOLFOX-6", *args, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    library = regimens.load_library()
    patient = regimens.make_patient(height="170", weight="70", crcl="90")
    options = regimens.SheetOptions(cycle=2, dose_level_percent=80)
    sheet = regimens.compute_sheet(library, "FOLFOX-6", patient, options)
    from_api = _without_time(json.loads(regimens.sheet_json(sheet)))
    from_cli = _without_time(json.loads(cli.output))
    assert from_api == from_cli
    # Same text too, apart from the time: key order and number formatting.
    # (sheet_sha256 covers the time: the two runs may fall in different minutes.)
    api_provenance = json.loads(regimens.sheet_json(sheet))["provenance"]
    cli_provenance = json.loads(cli.output)["provenance"]
    expected = cli.output.rstrip("\n")
    for key in ("calculated_at", "sheet_sha256"):
        expected = expected.replace(cli_provenance[key], api_provenance[key])
    assert regimens.sheet_json(sheet) == expected


def test_calendar_json_is_the_cli_json() -> None:
    """The calendar's JSON renderer gives what ``regimens calendar --format json`` prints."""
    from regimens._render.calendar_json import calendar_json

    cli = CliRunner().invoke(
        main, ["calendar", "FOLFOX-6", "--start", "2026-03-30", "--cycles", "3", "--format", "json"]
    )
    assert cli.exit_code == 0, cli.output
    library = regimens.load_library()
    options = regimens.CalendarOptions(cycles=3)
    calendar = regimens.build_calendar(library, "FOLFOX-6", dt.date(2026, 3, 30), options)
    stamp = calendar.provenance.calculated_at
    cli_stamp = json.loads(cli.output)["provenance"]["calculated_at"]
    assert calendar_json(calendar) == cli.output.rstrip("\n").replace(cli_stamp, stamp)
    # FOLFOX-6 every 14 days: cycle 3 starts 2026-03-30 + 28 days.
    assert calendar.cycles[2].start_date == dt.date(2026, 4, 27)


def test_results_are_frozen() -> None:
    """A result cannot be changed in place (model_copy(update=...) makes a new one)."""
    sheet = regimens.compute_sheet(
        regimens.load_library(), "EOX", regimens.make_patient(height=165, weight=60)
    )
    with pytest.raises(ValueError, match="frozen"):
        sheet.cycle = 2  # type: ignore[misc]


def test_json_documents_carry_a_schema_version() -> None:
    """Sheet, calendar, check and course documents all say which contract they follow."""
    for model in (regimens.DoseSheet, regimens.Calendar, regimens.CheckReport):
        assert re.fullmatch(r"\d+\.\d+", model.model_fields["schema_version"].default)
    assert (
        regimens.CourseReport.model_fields["schema_version"].default == "1.2"
    )  # 1.2: the provenance names every file (issue 22)
    # Sheet 1.1: the assessment (issue 18); 1.2: oral plans; 1.3: infusions (issue 19);
    # 1.4: kinds of order, multi-day pumps, emetogenic risk, days before day 1 (issue 21).
    # 1.5: every file read, shadowing user files, library directories, sheet_sha256
    # (issue 22); 1.6: a creatinine as typed, given_value and given_unit;
    # patient_dob (issue 22); 1.7: a hydration order's dose_unit, rate_ml_per_h, timing,
    # relative_to (issue 21).
    assert regimens.SCHEMA_VERSION == "1.7"


def test_package_version_is_semantic() -> None:
    """``__version__`` is MAJOR.MINOR.PATCH and appears in CHANGELOG.md."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", regimens.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{regimens.__version__}]" in changelog


# --- threads ----------------------------------------------------------------------------

_PATIENTS = [
    {"height": h, "weight": w, "age": a, "sex": s, "creatinine": c}
    for h, w, a, s, c in [
        ("150 cm", "45 kg", "70", "female", "1.3"),
        ("170 cm", "70 kg", "60", "male", "0.9"),
        ("1.85 m", "95 kg", "52", "male", "88 umol/L"),
        ("160", "58", "44", "female", "0.7"),
        ("69 in", "154 lb", "66", "male", "1.1"),
        ("176 cm", "82000 g", "79", "female", "1.6 mg/dL"),
    ]
]
_REGIMENS = ["EOX", "XELIRI", "DOCETAXEL", "FOLFOX-6", "FOLFIRI"]


def _jobs() -> list[tuple[str, dict[str, str], int]]:
    return [(r, p, c) for r in _REGIMENS for p in _PATIENTS for c in (1, 2)]


def _sheet_json(job: tuple[str, dict[str, str], int]) -> str:
    regimen, values, cycle = job
    library = regimens.load_library()
    patient = regimens.make_patient(**values)
    sheet = regimens.compute_sheet(library, regimen, patient, regimens.SheetOptions(cycle=cycle))
    return json.dumps(_without_time(sheet.model_dump(mode="json")), sort_keys=True)


@pytest.mark.subprocess
def test_concurrent_sheets_equal_sequential_ones() -> None:
    """8 threads computing 60 sheets (units parsed by pint in each) agree with one thread.

    Run in a fresh interpreter so that the pint registry and the library cache are
    built under contention, as in a web server's first requests.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import test_api as t\n"
        "print(t._threaded_vs_sequential())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "60 sheets, 0 differences"


def _threaded_vs_sequential() -> str:
    jobs = _jobs()
    barrier = threading.Barrier(8)

    def first_wait(index: int) -> str:
        if index < 8:
            barrier.wait(timeout=30)  # the first 8 jobs start together
        return _sheet_json(jobs[index])

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(first_wait, range(len(jobs))))
    sequential = [_sheet_json(job) for job in jobs]
    differences = sum(a != b for a, b in zip(threaded, sequential, strict=True))
    return f"{len(jobs)} sheets, {differences} differences"


def test_threaded_helper_in_process() -> None:
    """The same comparison in this process (registry already built)."""
    assert _threaded_vs_sequential() == "60 sheets, 0 differences"


# --- docs/api.md runs -------------------------------------------------------------------


def test_api_guide_examples_run() -> None:
    """Every ``>>>`` example of docs/api.md runs and prints what the page shows."""
    result = doctest.testfile(
        str(API_DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert result.attempted >= 30, "docs/api.md lost its examples"
    assert result.failed == 0, f"{result.failed} example(s) of docs/api.md failed (see above)"

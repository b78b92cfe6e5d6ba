"""Issue 24, "wrong doses, silently": each reproduction of the issue, refused or blocking
now (each failed on the code before: a repeated regimen gave two 4 mg infusions, a
repeated JSON key kept its last value, --bsa-decimals 0 dosed 1.50 m² as 2 m², and a
parenteral dose rounded past the tolerance exited 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run
from regimens._calc.dosing import compute_sheet
from regimens._errors import InputError
from regimens._models.options import SheetOptions
from regimens._read.library import load_library
from regimens._read.patient import make_patient

PATIENT = "--height 170 --weight 70 --crcl 80"


@pytest.fixture(scope="module")
def library():
    return load_library(use_env=False)


@pytest.mark.parametrize(
    "names",
    [
        ("ZOLEDRONIC-ACID", "ZOLEDRONATE"),
        ("ZOLEDRONIC-ACID", "ZOLEDRONIC-ACID"),
        ("Zometa", "ZOLEDRONATE"),
    ],
)
def test_a_regimen_named_twice_is_refused(library, names):
    patient = make_patient(height=170, weight=70, crcl=80)
    with pytest.raises(InputError, match="named twice") as caught:
        compute_sheet(library, "FOLFOX-6", patient, SheetOptions(), supportive=list(names))
    assert caught.value.field == "supportive"


def test_a_regimen_named_twice_on_the_command_line(tmp_path: Path):
    for command in ("sheet", "check"):
        extra = " --prescribed oxaliplatin=155mg" if command == "check" else ""
        code, out, err = run(
            f"{command} FOLFOX-6 {PATIENT} --with ZOLEDRONIC-ACID --with ZOLEDRONATE{extra}"
        )
        assert code == 2, (command, out, err)
        assert "named twice" in err
        assert "Traceback" not in err


def test_a_regimen_named_twice_in_a_batch(tmp_path: Path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"patient_id": "P1", "regimen": "FOLFOX-6", "height": 170, "weight": 70, "crcl": 80}\n',
        encoding="utf-8",
    )
    code, out, err = run(
        f"batch --input {rows} --format jsonl --with ZOLEDRONIC-ACID --with ZOLEDRONATE"
    )
    assert code == 2
    (record,) = [json.loads(line) for line in out.strip().splitlines()]
    assert record["error"]["field"] == "supportive"
    assert "named twice" in record["error"]["message"]
    assert "Traceback" not in err


def test_a_repeated_json_key_is_refused_in_a_batch_row(tmp_path: Path):
    # {"weight": 95, "weight": 59}: JSON keeps 59 kg silently; refused, row by row.
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"patient_id": "P1", "regimen": "FOLFOX-6", "height": 170, "weight": 95, '
        '"weight": 59, "crcl": 80}\n'
        '{"patient_id": "P2", "regimen": "FOLFOX-6", "height": 170, "weight": 70, "crcl": 80}\n',
        encoding="utf-8",
    )
    code, out, _err = run(f"batch --input {rows} --format jsonl")
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert code == 2
    assert len(records) == 2
    assert records[0]["error"]["field"] == "weight"
    assert "given twice" in records[0]["error"]["message"]
    assert records[1]["patient_id"] == "P2"
    assert "error" not in records[1]


def test_a_repeated_json_key_is_refused_in_a_course_file(tmp_path: Path):
    course = tmp_path / "course.json"
    course.write_text(
        '{"schema_version": "1.0", "patient": {"height": 170, "weight": 70}, '
        '"lines": [{"regimen": "FOLFOX-6", "cycles": 2, "cycles": 20}]}',
        encoding="utf-8",
    )
    code, _out, err = run(f"course {course}")
    assert code == 2
    assert "'cycles' is given twice" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("decimals", [0, 1])
def test_bsa_decimals_that_move_doses_are_refused(decimals):
    # 0 decimals: 1.50 m² used as 2 m², oxaliplatin 170 mg for 127.5 mg (+33 %).
    code, _out, err = run(f"sheet FOLFOX-6 {PATIENT} --bsa-decimals {decimals}")
    assert code == 2
    assert "--bsa-decimals" in err
    with pytest.raises(ValueError, match="greater than or equal to 2"):
        SheetOptions(bsa_decimals=decimals)


def test_a_parenteral_dose_rounded_past_the_tolerance_is_blocking(library):
    # docs/safety.md row 5 says so: the calculated dose is kept and the sheet blocks.
    from regimens._models.sheet import WARNING_CODES

    assert WARNING_CODES["ROUNDING_BEYOND_TOLERANCE"] == "blocking"
    assert WARNING_CODES["TABLETS_NOT_ACHIEVABLE"] == "blocking"


# --- rows lost: every physical line of a batch is one record (issue 24) ----------------------


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.strip().splitlines()]


def test_a_stray_quote_in_a_csv_costs_its_row_only(tmp_path: Path):
    # Before: the open quote of row 2 folded rows 3 and 4 into one cell ("2 rows").
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "patient_id,regimen,height,weight,crcl,patient_name\n"
        'P1,FOLFOX-6,170,70,80,"Doe, Jane"\n'
        'P2,FOLFOX-6,170,70,80,"Smith, John\n'
        "P3,FOLFOX-6,170,70,80,Roe\n"
        "P4,FOLFOX-6,170,70,80,Poe\n",
        encoding="utf-8",
    )
    code, out, err = run(f"batch --input {rows} --format jsonl")
    records = _records(out)
    assert [r["row"] for r in records] == [1, 2, 3, 4]
    assert "quote" in records[1]["error"]["message"]
    assert [r.get("patient_id") for r in records if "error" not in r] == ["P1", "P3", "P4"]
    assert code == 2
    assert "4 rows: 3 sheets" in err


def test_a_huge_csv_cell_is_an_error_record(tmp_path: Path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "patient_id,regimen,height,weight,crcl,patient_name\n"
        f"P1,FOLFOX-6,170,70,80,{'x' * 200_000}\n"
        "P2,FOLFOX-6,170,70,80,Roe\n",
        encoding="utf-8",
    )
    _code, out, err = run(f"batch --input {rows} --format jsonl")
    records = _records(out)
    assert len(records) == 2
    assert "error" in records[0]
    assert records[1]["patient_id"] == "P2"
    assert "Traceback" not in err


def test_hostile_jsonl_lines_are_error_records(tmp_path: Path):
    good = {"patient_id": "P", "regimen": "FOLFOX-6", "height": 170, "weight": 70, "crcl": 80}
    lines = [
        json.dumps(good),
        '{"patient_id": "P2", "height": ' + "9" * 5000 + ', "weight": 70}',  # 5,000 digits
        '{"patient_id": "P3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nested
        '{"patient_id": "P4\\ud800", "regimen": "FOLFOX-6", "height": 170, "weight": 70}',
        json.dumps(good),
    ]
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(f"batch --input {rows} --format jsonl")
    records = _records(out)
    assert [r["row"] for r in records] == [1, 2, 3, 4, 5]
    assert "4,300 digits" in records[1]["error"]["message"]
    assert "nested too deeply" in records[2]["error"]["message"]
    assert records[3]["error"]["field"] == "patient_id"
    assert "error" not in records[4]
    assert "Traceback" not in err
    assert code == 2


# --- files: --output never replaces an input, writes through links, refuses the rest --------

SHEET = f"sheet FOLFOX-6 {PATIENT}"


def test_output_may_not_name_the_input(tmp_path: Path):
    course = tmp_path / "pat.json"
    course.write_text(
        '{"schema_version": "1.0", "patient": {"height": 170, "weight": 70}, '
        '"lines": [{"regimen": "FOLFOX-6", "cycles": 2}]}',
        encoding="utf-8",
    )
    before = course.read_text(encoding="utf-8")
    code, _out, err = run(f"course {course} --format json -o {course}")
    assert code == 2
    assert "is the input" in err
    assert course.read_text(encoding="utf-8") == before
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps(
            {"patient_id": "P", "regimen": "FOLFOX-6", "height": 170, "weight": 70, "crcl": 80}
        )
        + "\n",
        encoding="utf-8",
    )
    before = rows.read_text(encoding="utf-8")
    code, _out, err = run(f"batch --input {rows} --format jsonl -o {rows}")
    assert code == 2
    assert rows.read_text(encoding="utf-8") == before


def test_output_writes_through_a_symbolic_link(tmp_path: Path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _out, _err = run(f"{SHEET} --format json -o {link}")
    assert code == 0
    assert link.is_symlink()  # still a link, to a file that now holds the sheet
    assert json.loads(real.read_text(encoding="utf-8"))["regimen"]["id"] == "FOLFOX-6"


def test_output_writes_through_a_hard_link(tmp_path: Path):
    first = tmp_path / "a.json"
    first.write_text("old", encoding="utf-8")
    second = tmp_path / "b.json"
    second.hardlink_to(first)
    code, _out, _err = run(f"{SHEET} --format json -o {second}")
    assert code == 0
    assert first.stat().st_ino == second.stat().st_ino  # still one file
    assert json.loads(first.read_text(encoding="utf-8"))["regimen"]["id"] == "FOLFOX-6"


def test_a_read_only_output_is_refused(tmp_path: Path):
    target = tmp_path / "locked.json"
    target.write_text("keep", encoding="utf-8")
    target.chmod(0o444)
    code, _out, err = run(f"{SHEET} --format json -o {target}")
    assert code == 2
    assert "read-only" in err
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_device_is_refused_and_dash_is_standard_output(tmp_path: Path):
    code, _out, err = run(f"{SHEET} --format json -o /dev/null")
    assert code == 2
    assert "not a regular file" in err
    assert Path("/dev/null").exists()
    assert not Path("/dev/null").is_file()
    code, out, _err = run(f"{SHEET} --format json -o -")
    assert code == 0
    assert json.loads(out)["regimen"]["id"] == "FOLFOX-6"
    assert not Path("-").exists()


# --- crashes and quiet misreadings of input -------------------------------------------------


def test_a_bom_in_a_toml_file_is_accepted(tmp_path: Path):
    library = tmp_path / "lib"
    library.mkdir()
    text = (Path(__file__).parent.parent / "regimen_library" / "docetaxel.toml").read_text(
        encoding="utf-8"
    )
    (library / "docetaxel-bom.toml").write_bytes(
        "\ufeff".encode() + text.replace('id = "DOCETAXEL"', 'id = "DOCETAXEL-BOM"').encode()
    )
    code, _out, err = run(f"validate {library / 'docetaxel-bom.toml'}")
    assert code == 0, err
    course = tmp_path / "course.toml"
    course.write_bytes(
        "\ufeff".encode()
        + b'schema_version = "1.0"\n[patient]\nheight = 170\nweight = 70\ncrcl = 80\n'
        + b'[[lines]]\nregimen = "FOLFOX-6"\ncycles = 2\n'
    )
    code, _out, err = run(f"course {course}")
    assert code == 0, err


@pytest.mark.parametrize("value", ["170 cm # 1.7 m", "170#", "1.7 m # in cm"])
def test_trailing_text_after_a_measurement_is_refused(value):
    code, _out, err = run(
        ["sheet", "FOLFOX-6", "--height", value, "--weight", "70", "--crcl", "80"]
    )
    assert code == 2
    assert "height" in err
    assert "without other text" in err


@pytest.mark.parametrize(
    ("value", "height"),
    [("Decimal('170')", 170.0), ("Fraction(340, 2)", 170.0)],
)
def test_python_numbers_of_other_types_are_numbers(value, height):
    from decimal import Decimal  # noqa: F401 - used by eval below
    from fractions import Fraction  # noqa: F401

    import regimens

    patient = regimens.make_patient(height=eval(value), weight=70, crcl=80)
    assert patient.height_cm == height


@pytest.mark.parametrize(
    "value", ["Decimal('NaN')", "Decimal('1e400')", "complex(170, 0)", "[170]"]
)
def test_python_values_that_are_not_finite_numbers_are_refused(value):
    from decimal import Decimal  # noqa: F401
    from fractions import Fraction  # noqa: F401

    import regimens

    with pytest.raises(InputError) as caught:
        regimens.make_patient(height=eval(value), weight=70, crcl=80)
    assert caught.value.field == "height"


def test_a_calendar_near_the_end_of_dates_is_refused_not_a_traceback():
    code, _out, err = run("calendar FOLFOX-6 --start 9999-12-20 --cycles 2")
    assert code == 2
    assert "would run past 9999-12-31" in err
    assert "Traceback" not in err


def test_the_library_can_be_pickled_for_other_processes():
    import pickle

    import regimens

    library = regimens.load_library()
    again = pickle.loads(pickle.dumps(library))
    patient = regimens.make_patient(height=170, weight=70, crcl=80)
    first = regimens.compute_sheet(library, "FOLFOX-6", patient)
    second = regimens.compute_sheet(again, "FOLFOX-6", patient)
    assert [a.dose_mg for d in first.days for a in d.administrations] == [
        a.dose_mg for d in second.days for a in d.administrations
    ]
    with pytest.raises(TypeError):
        again.regimens["X"] = again.get("FOLFOX-6")  # type: ignore[index]
    with pytest.raises(TypeError):
        first.drug_names["oxaliplatin"]["fr"] = "X"  # type: ignore[index]


# --- injection: free text is one plain line; CSV cells are not formulas ---------------------


@pytest.mark.parametrize(
    "words",
    [
        ["--patient-name", "Doe\nWeight               120 kg"],  # a forged line
        ["--patient-id", "123\x1b]52;c;ZXZpbA==\x07"],  # OSC 52: a clipboard write
        ["--patient-name", "Jane\u202eeoD"],  # a bidirectional override
        ["--drug-dose-level", "oxaliplatin=80:neuropathy\rgrade 0"],
        ["--dose-level", "80", "--dose-level-reason", "toxicity\x1b[2J"],
    ],
)
def test_control_characters_in_free_text_are_refused(words):
    code, out, err = run(["sheet", "FOLFOX-6", *PATIENT.split(), *words])
    assert code == 2, out
    assert "control character" in err
    assert "\x1b" not in err
    assert "Traceback" not in err


def test_a_control_character_in_a_calendar_delay_reason_is_refused():
    code, _out, err = run(
        ["calendar", "FOLFOX-6", "--start", "2026-03-02", "--cycles", "3", "--delay", "2=7:x\ny"]
    )
    assert code == 2
    assert "control character" in err


def test_a_control_character_in_a_batch_cell_is_an_error_record(tmp_path: Path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps(
            {
                "patient_id": "P1\x1b[31m",
                "regimen": "FOLFOX-6",
                "height": 170,
                "weight": 70,
                "crcl": 80,
            }
        )
        + "\n"
        + json.dumps(
            {
                "patient_id": "P2",
                "patient_name": "A\nB",
                "regimen": "FOLFOX-6",
                "height": 170,
                "weight": 70,
                "crcl": 80,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(f"batch --input {rows} --format jsonl")
    records = _records(out)
    assert [r["error"]["field"] for r in records] == ["patient_id", "patient_name"]
    assert "\x1b" not in err
    assert code == 2


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("-2.2", "-2.2"),  # a number stays a number
        ("+4.5", "+4.5"),
        ("1e3", "1e3"),
        ("Doe", "Doe"),
    ],
)
def test_csv_cells_are_never_formulas(cell, written):
    from regimens._render._text import csv_cell

    assert csv_cell(cell) == written


def test_a_formula_in_a_patient_id_is_neutralised_in_csv(tmp_path: Path):
    code, out, _err = run(
        ["sheet", "FOLFOX-6", *PATIENT.split(), "--patient-id", "=1+2", "--format", "csv"]
    )
    assert code == 0
    rows = [row for row in out.splitlines()[1:] if row]
    assert rows
    assert all(row.startswith("'=1+2,") for row in rows)


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markdown_shows_html_in_free_text_and_does_not_run_it(name):
    code, out, _err = run(
        ["sheet", "FOLFOX-6", *PATIENT.split(), "--patient-name", name, "--format", "markdown"]
    )
    assert code == 0
    assert "<script" not in out
    assert "<img" not in out
    assert "&lt;" in out
    # The tool's own comparisons stay readable: "< 30" is not a tag.
    from regimens._render.registry import no_raw_html

    assert no_raw_html("CrCl < 30 mL/min, >= 842 mg/m2") == "CrCl < 30 mL/min, >= 842 mg/m2"


def test_a_course_of_more_than_100_cycles_is_read(tmp_path: Path):
    # docs and schema allow 0-200 cycles; 101 failed with "option cycle <= 100".
    course = tmp_path / "long.toml"
    course.write_text(
        'schema_version = "1.0"\n[patient]\nheight = 170\nweight = 70\ncrcl = 80\n'
        '[[lines]]\nregimen = "FOLFOX-6"\ncycles = 150\n',
        encoding="utf-8",
    )
    code, _out, err = run(f"course {course}")
    assert code == 0, err


@pytest.mark.parametrize("suffix", ["toml", "json"])
def test_a_number_of_thousands_of_digits_in_a_file_is_refused(tmp_path: Path, suffix):
    digits = "7" * 5000
    course = tmp_path / f"big.{suffix}"
    if suffix == "toml":
        course.write_text(
            f'schema_version = "1.0"\n[patient]\nheight = 170\nweight = {digits}\n'
            '[[lines]]\nregimen = "FOLFOX-6"\ncycles = 2\n',
            encoding="utf-8",
        )
    else:
        course.write_text(
            '{"schema_version": "1.0", "patient": {"height": 170, "weight": ' + digits + "}, "
            '"lines": [{"regimen": "FOLFOX-6", "cycles": 2}]}',
            encoding="utf-8",
        )
    code, _out, err = run(f"course {course}")
    assert code == 2
    assert "4,300 digits" in err
    assert "Traceback" not in err
    library = tmp_path / "lib"
    library.mkdir()
    (library / "x.toml").write_text(f'id = "X"\ncycle_length_days = {digits}\n', encoding="utf-8")
    code, out, err = run(f"validate {library}")
    assert code == 2
    assert "4,300 digits" in out + err
    assert "Traceback" not in out + err


# --- resource exhaustion: what a library file controls is bounded ----------------------------


@pytest.mark.parametrize("days", ["1-100000", "1-1000000000", "1-200,201-400"])
def test_a_hostile_day_range_is_refused_at_once(tmp_path: Path, days):
    import time

    library = tmp_path / "lib"
    library.mkdir()
    text = (Path(__file__).parent.parent / "regimen_library" / "docetaxel.toml").read_text(
        encoding="utf-8"
    )
    text = text.replace('id = "DOCETAXEL"', 'id = "HOSTILE"').replace(
        'days = "1"', f'days = "{days}"', 1
    )
    (library / "hostile.toml").write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, out, err = run(f"validate {library}")
    assert code == 2
    assert "at most 365 days" in out + err or "goes past day 365" in out + err
    assert time.monotonic() - started < 30  # it ran > 60 s and took GBs before


def test_an_oversized_or_endless_library_file_is_refused(tmp_path: Path):
    library = tmp_path / "lib"
    library.mkdir()
    (library / "big.toml").write_text("# " + "x" * (2 << 20) + "\n", encoding="utf-8")
    code, out, err = run(f"validate {library / 'big.toml'}")
    assert code == 2
    assert "larger than 1024 kB" in out + err
    endless = tmp_path / "endless"
    endless.mkdir()
    (endless / "zero.toml").symlink_to("/dev/zero")
    code, out, err = run(f"validate {endless}")
    assert code == 2
    assert "not a regular file" in out + err
    code, out, err = run(f"sheet FOLFOX-6 {PATIENT} --library {endless}")
    assert code == 2
    assert "not a regular file" in err
    assert "Traceback" not in err


def test_an_absurd_oral_dose_is_no_plan_at_once():
    import time

    from regimens._calc.oral_plan import MAX_DAILY_MG, plan_oral

    started = time.monotonic()
    choice = plan_oral(1e9, 2, (500.0, 150.0), 5.0)
    assert choice.plan is None
    assert time.monotonic() - started < 1
    # Under the bound a plan is still searched: 49 000 mg twice a day (98 000 mg a day,
    # 5 % = 93 100 to 102 900); the fewest tablets within it are 94 × 500 = 47 000 mg an
    # intake (94 000 a day, -4.08 %), fewer than 98 × 500 for the exact dose.
    assert MAX_DAILY_MG > 2 * 49_000
    plan = plan_oral(49_000, 2, (500.0, 150.0), 5.0).plan
    assert plan is not None
    assert plan.doses_mg == (47_000.0, 47_000.0)

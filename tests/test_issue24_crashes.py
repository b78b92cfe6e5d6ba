"""Issue 24, the crashes and lost files left after tests/test_issue24_silent.py: each
reproduction raised a traceback, left a hidden temporary file or passed something
absurd on the code before (a library dose of 1e28 mg/m² crashed the rounding, a
concentration of 1e-30 mg/mL drew 1.5e32 mL, a full disk during a batch gave a
traceback, SIGTERM left the batch's temporary file, a patient id of one no-break space
passed as no id)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run
from regimens._cli import _common as common

PATIENT = "--height 170 --weight 70 --crcl 80"
LIBRARY = Path(__file__).parent.parent / "regimen_library"


@pytest.mark.parametrize(
    "blank", ["\u00a0", "\u3000", "   "], ids=["nbsp", "ideographic", "spaces"]
)
@pytest.mark.parametrize("option", ["--patient-id", "--patient-name"])
@pytest.mark.parametrize("fmt", ["table", "fhir"])
def test_a_blank_patient_identifier_is_refused(option, blank, fmt):
    """An identifier of only spaces looked given: FHIR raised a traceback on it, the text
    sheet printed no identifier. It is refused, naming the field."""
    code, out, err = run([*f"sheet FOLFOX-6 {PATIENT} --format {fmt}".split(), option, blank])
    assert code == 2
    assert f"{option[2:].replace('-', '_')}: is blank" in err
    assert out == ""


def test_a_name_that_is_not_utf8_is_named_as_such():
    """A Latin-1 "René" from the shell reaches Python as a lone surrogate: the message
    names the byte, not a "control character"."""
    code, _out, err = run(["sheet", "FOLFOX-6", *PATIENT.split(), "--format", "json",
                          "--patient-name", "Ren\udce9"])  # fmt: skip
    assert code == 2
    assert "patient_name: is not UTF-8 text (byte \\xe9)" in err


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        ("1e28 mg/m2", "above 100000 mg/m2"),
        ("100001 mg/m2", "above 100000 mg/m2"),
    ],
)
def test_an_absurd_library_dose_is_refused_by_validate(tmp_path: Path, dose, message):
    """validate said OK and sheet crashed in the rounding (decimal.InvalidOperation) on a
    dose of 1e28 mg/m²; 100 000 mg/m² is the documented ceiling (regimen-format.md)."""
    text = (LIBRARY / "folfox-6.toml").read_text(encoding="utf-8")
    text = text.replace('id = "FOLFOX-6"', 'id = "FOLFOX-BIG"', 1)
    text = text.replace('aliases = ["mFOLFOX6", "mFOLFOX-6", "modified FOLFOX6"]', "aliases = []")
    assert 'dose = "85 mg/m2"' in text
    (tmp_path / "big.toml").write_text(text.replace('dose = "85 mg/m2"', f'dose = "{dose}"', 1))
    code, out, err = run(f"validate {tmp_path / 'big.toml'}")
    assert code == 2
    assert message in out + err
    code, out, err = run(f"sheet FOLFOX-BIG --library {tmp_path} {PATIENT}")
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_the_ceiling_itself_is_a_dose(tmp_path: Path):
    """100 000 mg/m² exactly is accepted by the loader (the bound is inclusive)."""
    text = (LIBRARY / "folfox-6.toml").read_text(encoding="utf-8")
    text = text.replace('id = "FOLFOX-6"', 'id = "FOLFOX-EDGE"', 1)
    text = text.replace('aliases = ["mFOLFOX6", "mFOLFOX-6", "modified FOLFOX6"]', "aliases = []")
    (tmp_path / "edge.toml").write_text(
        text.replace('dose = "85 mg/m2"', 'dose = "100000 mg/m2"', 1)
    )
    code, _out, err = run(f"validate {tmp_path / 'edge.toml'}")
    assert code == 0, err


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("1e-30mg/mL", False), ("0.009mg/mL", False), ("0.01mg/mL", True), ("0.04mg/mL", True)],
)
def test_a_concentration_more_dilute_than_any_product_is_refused(value, accepted):
    """--concentration oxaliplatin=1e-30mg/mL drew 1.5e32 mL at 7.7e31 mL/h. The floor is
    0.01 mg/mL (zoledronic acid's ready-to-use 4 mg/100 mL is 0.04 mg/mL)."""
    code, _out, err = run(f"sheet FOLFOX-6 {PATIENT} --concentration oxaliplatin={value}")
    if accepted:
        assert code in (0, 3), err
    else:
        assert code == 2
        assert "more dilute than any product (at least 0.01 mg/mL)" in err


def test_a_full_disk_during_a_batch_is_one_line_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A batch streaming onto a full disk raised OSError with a traceback; now one line,
    exit 2, the previous output untouched and no temporary file left."""
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "patient_id,regimen,height,weight,crcl\n"
        + "".join(f"P{i},FOLFOX-6,170,70,80\n" for i in range(50)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    out.write_text("old", encoding="utf-8")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, stream):
            self.stream = stream
            self.written = 0

        def write(self, text):
            self.written += len(text)
            if self.written > 500:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.stream.write(text)

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.stream.__exit__(*exc)

    monkeypatch.setattr(common.os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    code, _, err = run(f"batch --input {rows} -o {out}")
    assert code == 2
    assert "cannot write (No space left on device)" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "rows.csv"]


@pytest.mark.subprocess
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_terminated_batch_leaves_no_temporary_file(tmp_path: Path, number):
    """SIGTERM or SIGHUP during a batch left the hidden ``.out.jsonl.xxxx.tmp`` (200 MB
    of patient data in the issue's trial). The run ends with 128 + the signal and the
    temporary file is removed; Ctrl-C already did."""
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "patient_id,regimen,height,weight,crcl\n"
        + "".join(f"P{i},EOX,170,70,80\n" for i in range(300_000)),
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    errors = (tmp_path / "stderr").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "regimens",
            "batch",
            "--input",
            str(rows),
            "-o",
            str(out_dir / "out.jsonl"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(out_dir.iterdir()):
            assert process.poll() is None, (tmp_path / "stderr").read_text()
            assert time.monotonic() < deadline, "the batch never opened its output"
            time.sleep(0.05)
        process.send_signal(number)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        errors.close()
    assert process.returncode == 128 + number, (tmp_path / "stderr").read_text()
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("name", "Evil \\u001b]52;c;SGVsbG8=\\u0007 name", "\\x1b"),
        ("name", "Two\\nlines", "\\n"),
        ("description", "Reads \\u202e backwards", "\\u202e"),
    ],
    ids=["osc52-in-name", "newline-in-name", "bidi-in-description"],
)
def test_control_characters_in_a_library_file_are_refused(tmp_path: Path, key, value, shown):
    """An OSC 52 sequence in a user regimen's name reached the terminal raw through
    ``regimens list`` (a clipboard write); a line break in a name forges a table row.
    The file is refused, naming the key; a note may still span lines."""
    text = (LIBRARY / "docetaxel.toml").read_text(encoding="utf-8")
    text = text.replace('id = "DOCETAXEL"', 'id = "EVIL"', 1)
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} = "))
    lines[index] = f'{key} = "{value}"'
    (tmp_path / "evil.toml").write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run(f"list --library {tmp_path}")
    assert code == 2
    assert f"evil.toml: {key}: contains a control character ({shown})" in err
    assert "\x1b" not in out + err


def test_a_note_may_span_lines(tmp_path: Path):
    """Multi-line notes (TOML's triple quotes) are allowed: only names and ids are one line."""
    text = (LIBRARY / "docetaxel.toml").read_text(encoding="utf-8")
    text = text.replace('id = "DOCETAXEL"', 'id = "NOTED"', 1)
    assert 'notes = "Premedication: oral' in text
    text = text.replace(
        'notes = "Premedication: oral', 'notes = """First line.\nPremedication: oral'
    )
    text = text.replace('if bilirubin > ULN (label)."', 'if bilirubin > ULN (label)."""', 1)
    (tmp_path / "noted.toml").write_text(text, encoding="utf-8")
    code, _, err = run(f"validate {tmp_path / 'noted.toml'}")
    assert code == 0, err


@pytest.mark.parametrize(
    "command",
    [
        "course {tmp}/missing\x1b]52;c;SGk=\x07.toml",
        "validate {tmp}/missing\x1b[2J.toml",
    ],
    ids=["course-path", "validate-path"],
)
def test_an_error_line_never_carries_a_terminal_sequence(tmp_path: Path, command):
    """A file name holding an OSC 52 clipboard write or a clear-screen sequence was
    echoed raw in the error line; every error line is now escaped."""
    words = command.format(tmp=tmp_path).split(" ")
    code, out, err = run(words)
    assert code == 2
    assert "\x1b" not in out + err
    assert "\\x1b" in out + err

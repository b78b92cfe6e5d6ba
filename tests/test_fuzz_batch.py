"""Fuzzing the batch readers (issue 24): every input line is one record, nothing crashes.

Each example builds a batch file of a few rows (valid rows and rows with wrong values)
under an intact header, then damages the data lines the way files get damaged: random
bytes (including bytes that are not UTF-8, NUL, ESC, quotes, separators) inserted,
characters deleted, a line truncated or doubled, a cell emptied. ``regimens batch``
must then exit 0, 2 or 3 without a traceback and write exactly one record per
non-blank data line, numbered in input order: a sheet or an error record.

Bounded like tests/test_fuzz.py: ``REGIMENS_FUZZ_EXAMPLES`` examples per test (default
100; CI runs a second pass with 1,000).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import invoke

EXAMPLES = int(os.environ.get("REGIMENS_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

CSV_HEADER = b"patient_id,regimen,height,weight,crcl,patient_name\n"
CSV_ROWS = [
    b"P1,FOLFOX-6,170,70,80,Anne Martin",
    b'P2,EOX,165 cm,58 kg,75,"Smith, John"',
    b"P3,XELIRI,5 ft 7 in,70,90,",
    b"P4,FOLFOX-6,17,70,80,too short",
    b"P5,NOPE,170,70,80,unknown regimen",
    b"P6,DOCETAXEL,1.7 m,154 lb,60,",
]
JSONL_ROWS = [
    b'{"patient_id":"J1","regimen":"FOLFOX-6","height":170,"weight":70,"crcl":80}',
    b'{"patient_id":"J2","regimen":"EOX","height":"165 cm","weight":"58 kg","crcl":75}',
    b'{"patient_id":"J3","regimen":"FOLFIRI","height":170,"weight":7,"crcl":80}',
    b'{"patient_id":"J4","regimen":"XELIRI","height":170.5,"weight":70,"crcl":[80]}',
]

#: Bytes a damaged line may gain: anything but the line endings that would make two
#: lines of one (the count of lines is what the test checks).
NOISE = st.binary(min_size=1, max_size=6).map(
    lambda raw: raw.replace(b"\n", b"?").replace(b"\r", b"?")
)
SPECIAL = st.sampled_from(
    [b'"', b",", b";", b"\t", b"\x00", b"\x1b[31m", b"\xe9", b"\xff\xfe", b"{", b"}", b"\\"]
)


@st.composite
def damaged_line(draw: st.DrawFn, rows: list[bytes]) -> bytes:
    """One of ``rows``, damaged or not."""
    line = draw(st.sampled_from(rows))
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["insert", "special", "delete", "truncate", "double"]))
        if action == "insert":
            line = line[:where] + draw(NOISE) + line[where:]
        elif action == "special":
            line = line[:where] + draw(SPECIAL) + line[where:]
        elif action == "delete":
            line = line[:where] + line[where + draw(st.integers(1, 5)) :]
        elif action == "truncate":
            line = line[:where]
        else:
            line = line[:where] + line[where:] * 2
    return line


def _data_lines(content: bytes, header: bytes) -> int:
    """The non-blank lines after the header, as the reader sees them (UTF-8, a byte that
    is not UTF-8 kept as itself; blank lines are skipped, docs/batch.md)."""
    text = content[len(header) :].decode("utf-8", "surrogateescape")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return sum(1 for line in lines if line.strip())


def _check(path: Path, content: bytes, header: bytes, tmp_path: Path) -> None:
    path.write_bytes(content)
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    result = invoke(["batch", "--input", str(path), "--output", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2, 3), result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == _data_lines(content, header), (content, result.stderr)
    assert [record["row"] for record in records] == list(range(1, len(records) + 1))
    for record in records:
        if "error" in record:
            assert isinstance(record["error"]["message"], str)
            assert record["error"]["message"]
        else:
            assert record["days"], record


@FUZZ
@given(lines=st.lists(damaged_line(CSV_ROWS), min_size=1, max_size=6))
def test_every_csv_line_is_one_record(tmp_path: Path, lines: list[bytes]) -> None:
    """A damaged CSV batch: one record per non-blank data line, in order, no traceback."""
    content = CSV_HEADER + b"\n".join(lines) + b"\n"
    _check(tmp_path / "rows.csv", content, CSV_HEADER, tmp_path)


@FUZZ
@given(lines=st.lists(damaged_line(JSONL_ROWS), min_size=1, max_size=6))
def test_every_jsonl_line_is_one_record(tmp_path: Path, lines: list[bytes]) -> None:
    """A damaged JSON Lines batch: one record per non-blank line, in order, no traceback."""
    content = b"\n".join(lines) + b"\n"
    _check(tmp_path / "rows.jsonl", content, b"", tmp_path)


@FUZZ
@given(header=NOISE)
def test_a_damaged_header_is_one_line_not_a_traceback(tmp_path: Path, header: bytes) -> None:
    """Random bytes as a CSV header: a one-line error (exit 2), or rows read if the
    header still names the columns; never a traceback."""
    path = tmp_path / "rows.csv"
    path.write_bytes(header + b"\n" + CSV_ROWS[0] + b"\n")
    result = invoke(["batch", "--input", str(path), "--regimen", "FOLFOX-6"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2, 3)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "rows"),
    [
        (CSV_HEADER + b"P1,FOLFOX-6,170,70,80,x\n\n \nP2,EOX,170,70,80,y\n", 2),
        (CSV_HEADER + b"P1,FOLFOX-6,170,70,80,\xe9\r\nP2,EOX,170,70,80,y\r", 2),
    ],
    ids=["blank-lines-skipped", "crlf-cr-and-latin1"],
)
def test_the_count_of_lines_is_the_reader_s(tmp_path: Path, content: bytes, rows: int) -> None:
    """The helper's count of lines, worked by hand: blank lines are not rows; CRLF and a
    lone CR end a line; a Latin-1 byte does not."""
    assert _data_lines(content, CSV_HEADER) == rows
    _check(tmp_path / "rows.csv", content, CSV_HEADER, tmp_path)

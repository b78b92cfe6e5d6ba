"""Bad input, typed as a user would: one line on stderr, exit status 2, nothing written.

Every case is a command line that must be refused. The test checks what the issue
asks of each refusal (issue 9, docs/testing.md "Bad-input corpus"):

- a non-zero exit (2, the user-error status of docs/cli.md), never a crash: click's
  runner records an unexpected exception as ``result.exception``;
- exactly one line on stderr, starting ``Error:``, and no traceback;
- nothing on stdout (no half-printed sheet) and no output file, not even a partial one;
- for the file cases, a time limit: no hang. One file case of each kind of failure
  runs end to end in a subprocess (``python -m regimens``, marked ``subprocess``), the
  others in-process with click's runner, which checks the same refusal in less time.

The table is the corpus; ``docs/testing.md`` gives its size per command, and
:func:`test_corpus_size_matches_docs` keeps that count honest.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import invoke
from regimens._cli import main

REPO = Path(__file__).resolve().parents[1]
COURSE_EXAMPLE = str(REPO / "docs" / "examples" / "case-report-course.toml")

#: A valid command line per command; each case changes or adds one option.
BASE: dict[str, list[str]] = {
    "bsa": ["bsa", "--height", "170", "--weight", "70"],
    "crcl": ["crcl", "--age", "60", "--weight", "72", "--sex", "M", "--creatinine", "1.0"],
    "sheet": ["sheet", "FOLFOX-6", "--height", "170", "--weight", "70"],
    "calendar": ["calendar", "FOLFOX-6", "--start", "2026-03-30", "--cycles", "4"],
    "check": [
        "check",
        "FOLFOX-6",
        "--height",
        "180",
        "--weight",
        "80",
        "--prescribed",
        "oxaliplatin=170mg",
    ],
    "course": ["course", COURSE_EXAMPLE],
}


def with_option(command: str, option: str, value: str) -> list[str]:
    """The base command line of ``command`` with ``option`` set to ``value``."""
    args = list(BASE[command])
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return args


#: Values no numeric option accepts, typed as a user could type them.
NOT_A_NUMBER = {
    "empty": "",
    "blank": "   ",
    "text": "abc",
    "negative": "-70",
    "zero": "0",
    "nan": "nan",
    "inf": "inf",
    "minus-inf": "-inf",
    "huge": "1e308",
    "overflow": "1e999",
    "two-numbers": "170 180",
}

#: Patient measurements (free text with a unit) of each command.
MEASUREMENTS = {
    "bsa": ["--height", "--weight"],
    "crcl": ["--age", "--weight", "--creatinine", "--height"],
    "sheet": ["--height", "--weight", "--age", "--creatinine", "--crcl"],
    "calendar": ["--height", "--weight"],
    "check": ["--height", "--weight", "--crcl"],
}

#: A value in a unit of the wrong dimension, or a wrong unit, for each measurement.
WRONG_UNIT = {
    "--height": ["170kg", "170 mL", "170 furlongs", "5'13\"", "170cm2"],
    "--weight": ["70cm", "70 mg/dL", "70 kg/m2", "70 stone-ish"],
    "--age": ["60kg", "60 cm", "sixty"],
    "--creatinine": ["1.0 kg", "1.0 mL/min", "80 mmHg"],
    "--crcl": ["80 kg", "80 mg/dL", "80 mL"],
}

#: Out of the adult range, in the right unit: refused, never clamped.
OUT_OF_RANGE = {
    "--height": ["99 cm", "251cm", "1.7"],
    "--weight": ["24 kg", "351kg", "70000"],
    "--age": ["17", "121", "60 days"],
    "--creatinine": ["0.05", "21 mg/dL", "80"],
    "--crcl": ["0.5", "251", "300 mL/min"],
}

#: Options with click types (float/int) of the dose-sheet commands.
SHEET_NUMBERS = {
    "--dose-level": ["", "abc", "-10", "0", "nan", "inf", "201", "1e308"],
    "--tolerance": ["", "abc", "-5", "0", "nan", "inf", "11", "1e308"],
    "--cycle": ["", "abc", "-1", "0", "1.5", "201", "99999999999999999999"],
    "--bsa-decimals": ["", "abc", "-1", "5", "2.5"],
    "--bsa-cap": ["", "abc", "-1", "0", "nan", "inf", "0.5", "3.5"],
}
PUMP_RATE = ["", "abc", "-2", "0", "nan", "inf", "51"]

Case = tuple[str, list[str]]


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(case_id: str, args: list[str]) -> None:
        cases.append((case_id, args))

    for command, options in MEASUREMENTS.items():
        for option in options:
            for label, value in NOT_A_NUMBER.items():
                add(f"{command} {option} {label}", with_option(command, option, value))
            for value in WRONG_UNIT[option]:
                add(f"{command} {option}={value!r} wrong unit", with_option(command, option, value))
            for value in OUT_OF_RANGE[option]:
                add(
                    f"{command} {option}={value!r} out of range",
                    with_option(command, option, value),
                )
    for command in ("sheet", "check"):
        for option, values in SHEET_NUMBERS.items():
            for value in values:
                add(f"{command} {option}={value!r}", with_option(command, option, value))
    for value in PUMP_RATE:
        add(f"sheet --pump-rate={value!r}", with_option("sheet", "--pump-rate", value))
    for value in ["", "abc", "-1", "nan", "1e999", "9"]:
        add(f"bsa --decimals={value!r}", with_option("bsa", "--decimals", value))
    for value in ["", "abc", "-1", "0", "1001", "2.5"]:
        add(f"calendar --cycles={value!r}", with_option("calendar", "--cycles", value))

    # Unknown names.
    for command in ("sheet", "calendar", "check"):
        args = list(BASE[command])
        args[1] = "FOLFOX-7"
        add(f"{command} unknown regimen", args)
        add(f"{command} empty regimen", [args[0], "", *args[2:]])
        add(f"{command} --with unknown", with_option(command, "--with", "NOT-A-REGIMEN"))
    for command in ("sheet", "check"):
        add(f"{command} unknown formula", with_option(command, "--bsa-formula", "mostellar"))
        add(f"{command} unknown weight basis", with_option(command, "--weight-basis", "lean"))
        add(f"{command} unknown rounding", with_option(command, "--rounding", "up"))
        add(f"{command} unknown format", with_option(command, "--format", "pdf"))
        add(f"{command} unknown lang", with_option(command, "--lang", "de"))
        add(f"{command} unknown sex", with_option(command, "--sex", "X"))
        for value in [
            "aspirin=75",
            "oxaliplatin",
            "oxaliplatin=",
            "oxaliplatin=abc",
            "oxaliplatin=-10",
            "oxaliplatin=0",
            "oxaliplatin=nan",
            "oxaliplatin=inf",
            "oxaliplatin=201",
            "=75",
            "docetaxel=75",
        ]:
            add(
                f"{command} --drug-dose-level={value!r}",
                with_option(command, "--drug-dose-level", value),
            )
    add("bsa unknown formula", with_option("bsa", "--formula", "mostellar"))
    add("bsa unknown sex", with_option("bsa", "--sex", "unknown"))
    add("crcl unknown sex", with_option("crcl", "--sex", "X"))
    add("crcl missing sex", [a for a in BASE["crcl"] if a not in ("--sex", "M")])
    add("crcl ideal weight without height", with_option("crcl", "--weight-basis", "ideal"))
    add("bsa unknown format", with_option("bsa", "--format", "xml"))
    add("calendar unknown country", with_option("calendar", "--country", "XX"))
    add("calendar unknown subdivision", with_option("calendar", "--country", "FR-ZZ"))
    add("calendar unknown avoid", with_option("calendar", "--avoid", "mondays"))
    add("calendar unknown format", with_option("calendar", "--format", "pdf"))
    add(
        "calendar format from extension",
        [*with_option("calendar", "--output", "cal.pdf")],
    )

    # Prescriptions.
    for value in [
        "oxaliplatin",
        "oxaliplatin=",
        "oxaliplatin=170",
        "oxaliplatin=abc mg",
        "oxaliplatin=-170mg",
        "oxaliplatin=nan mg",
        "oxaliplatin=inf mg",
        "oxaliplatin=170 cm",
        "oxaliplatin:sideways=170mg",
        "=170mg",
    ]:
        add(f"check --prescribed={value!r}", with_option("check", "--prescribed", value))
    add(
        "check duplicate --prescribed",
        [*BASE["check"], "--prescribed", "oxaliplatin=160mg"],
    )

    # Dates and delays.
    for value in ["2026-02-30", "2026-13-01", "30/03/2026", "", "tomorrow", "0000-01-01"]:
        add(f"calendar --start={value!r}", with_option("calendar", "--start", value))
    for value in [
        "5=7",
        "0=7",
        "-1=7",
        "3=-7",
        "3=abc",
        "3",
        "=7",
        "3=nan",
        "3=100000",
        "abc=7",
    ]:
        add(f"calendar --delay={value!r}", with_option("calendar", "--delay", value))
    add(
        "calendar duplicate --delay",
        [*BASE["calendar"], "--delay", "3=7", "--delay", "3=14"],
    )

    # Duplicate single-valued options: click keeps the last one silently, which could
    # compute a sheet from a value the user did not mean; they are refused.
    for command, option, first, second in [
        ("bsa", "--height", "170", "180"),
        ("bsa", "--weight", "70", "80"),
        ("sheet", "--weight", "70", "80"),
        ("sheet", "--cycle", "1", "2"),
        ("sheet", "--dose-level", "100", "80"),
        ("check", "--tolerance", "5", "4"),
        ("calendar", "--start", "2026-03-30", "2026-04-06"),
        ("crcl", "--creatinine", "1.0", "1.2"),
    ]:
        args = [*with_option(command, option, first), option, second]
        add(f"{command} duplicate {option}", args)
    add(
        "sheet duplicate --drug-dose-level",
        [
            *BASE["sheet"],
            "--drug-dose-level",
            "oxaliplatin=80",
            "--drug-dose-level",
            "oxaliplatin=75",
        ],
    )
    add("sheet --creatinine and --crcl", [*BASE["sheet"], "--creatinine", "1", "--crcl", "60"])

    # Library and course files given as paths.
    for command in ("sheet", "calendar", "check", "course"):
        add(f"{command} --library missing", with_option(command, "--library", "no/such/dir"))
        add(f"{command} --library is a file", with_option(command, "--library", COURSE_EXAMPLE))
    add("course missing file", ["course", "no/such/course.toml"])
    add("course directory", ["course", str(REPO / "docs")])
    add("course unknown extension", ["course", str(REPO / "README.md")])
    add("course unknown --equivalence drug", with_option("course", "--equivalence", "aspirin=1"))
    for value in ["epirubicin", "epirubicin=", "epirubicin=abc", "epirubicin=-1", "epirubicin=0"]:
        add(f"course --equivalence={value!r}", with_option("course", "--equivalence", value))
    add("course unknown format", with_option("course", "--format", "pdf"))
    return cases


CASES = _cases()


def _assert_refused(exit_code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert exit_code == 2, (exit_code, stdout, stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert len(lines[0]) > len("Error: ") + 10, stderr
    assert stdout == "", stdout


@pytest.mark.parametrize("args", [args for _, args in CASES], ids=[i for i, _ in CASES])
def test_bad_command_line_is_refused_in_one_line(args: list[str]) -> None:
    """Each bad command line exits 2 with one line on stderr and prints nothing."""
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    _assert_refused(result.exit_code, result.stdout, result.stderr)


def test_error_names_the_option_as_typed() -> None:
    """Options are named as typed (--tolerance), not by internal fields (tolerance_percent)."""
    runner = CliRunner()
    for option, value in [
        ("--tolerance", "20"),
        ("--dose-level", "0"),
        ("--cycle", "0"),
        ("--bsa-cap", "4"),
        ("--pump-rate", "60"),
        ("--bsa-decimals", "9"),
    ]:
        result = runner.invoke(main, with_option("sheet", option, value))
        assert result.exit_code == 2
        assert option in result.stderr, result.stderr
        assert "_" not in result.stderr.split(":")[1], result.stderr


def test_value_is_never_silently_changed() -> None:
    """A duplicated --weight is refused: the sheet is never computed from the last one."""
    result = CliRunner().invoke(main, [*BASE["sheet"], "--weight", "80"])
    assert result.exit_code == 2
    assert "--weight" in result.stderr


# Output paths --------------------------------------------------------------------------


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "somefile.txt"
    path.write_text("not a directory\n")
    return path


OUTPUT_COMMANDS = ["sheet", "calendar", "check", "course"]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
@pytest.mark.parametrize(
    "where",
    ["missing directory", "under a regular file", "a directory", "empty name"],
)
def test_unwritable_output_is_refused(
    command: str, where: str, tmp_path: Path, a_file: Path
) -> None:
    """--output in a missing directory, under a file, or naming a directory: refused, no file.

    Tests may run as root, where chmod does not deny writing; a path under a regular
    file fails for every user.
    """
    extension = {"calendar": "json", "course": "json", "check": "json", "sheet": "html"}
    target = {
        "missing directory": tmp_path / "no" / "such" / f"out.{extension[command]}",
        "under a regular file": a_file / f"out.{extension[command]}",
        "a directory": tmp_path,
        "empty name": "",
    }[where]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, with_option(command, "--output", str(target)))
    _assert_refused(result.exit_code, result.stdout, result.stderr)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert a_file.read_text() == "not a directory\n"


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_failed_run_leaves_no_output_file(command: str, tmp_path: Path) -> None:
    """A refused run with --output writes nothing and keeps an existing file intact."""
    target = tmp_path / "out.json"
    target.write_text("previous\n")
    bad = {
        "sheet": ("--weight", "abc"),
        "calendar": ("--start", "2026-02-30"),
        "check": ("--tolerance", "50"),
        "course": ("--equivalence", "epirubicin=-1"),
    }[command]
    args = with_option(command, "--output", str(target))
    args = (
        [*args[: args.index(bad[0])], *args[args.index(bad[0]) + 2 :]] if bad[0] in args else args
    )
    result = CliRunner().invoke(main, [*args, *bad])
    _assert_refused(result.exit_code, result.stdout, result.stderr)
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


# Library and course files ----------------------------------------------------------------

#: Each maker writes a bad file and returns the command line that reads it.
FileCase = Callable[[Path], list[str]]
#: A file's bytes, or a function that builds them when the case runs (the huge files are
#: not built when the module is collected).
Content = bytes | Callable[[], bytes]


def _bytes(content: Content) -> bytes:
    return content if isinstance(content, bytes) else content()


def _library_with(name: str, content: Content) -> FileCase:
    def make(tmp: Path) -> list[str]:
        directory = tmp / "lib"
        directory.mkdir()
        (directory / name).write_bytes(_bytes(content))
        return [*BASE["sheet"], "--library", str(directory)]

    return make


def _course_with(name: str, content: Content) -> FileCase:
    def make(tmp: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(_bytes(content))
        return ["course", str(path)]

    return make


def _unreadable_course(tmp: Path) -> list[str]:
    # A FIFO with no writer would block a naive reader; a directory named *.toml
    # cannot be read as a file even by root.
    path = tmp / "course.toml"
    path.mkdir()
    return ["course", str(path)]


def _unreadable_library_file(tmp: Path) -> list[str]:
    directory = tmp / "lib"
    directory.mkdir()
    # A dangling link: listed as a .toml file, unreadable for every user, root included.
    (directory / "broken.toml").symlink_to(tmp / "missing.toml")
    return [*BASE["sheet"], "--library", str(directory)]


HUGE = 50 * 1024 * 1024  # about 50 MB, as the issue asks


def _huge_toml() -> bytes:
    line = b"# " + b"x" * 98 + b"\n"
    return b'id = "HUGE"\n' + line * (HUGE // len(line))


def _huge_json() -> bytes:
    return b'{"schema_version": "1.0", "description": "' + b"x" * HUGE + b'"}'


DEEP = 100_000

FILE_CASES: dict[str, FileCase] = {
    "library empty file": _library_with("empty.toml", b""),
    "library binary file": _library_with("binary.toml", bytes(range(256)) * 64),
    "library not utf-8": _library_with("latin1.toml", 'name = "Épirubicine"\n'.encode("latin-1")),
    "library malformed toml": _library_with("bad.toml", b'id = "X"\n[[drugs]\n'),
    "library unreadable file": _unreadable_library_file,
    "library huge file": _library_with("huge.toml", _huge_toml),
    "library deeply nested toml": _library_with(
        "deep.toml", b"id = " + b"[" * DEEP + b"]" * DEEP + b"\n"
    ),
    "library very long value": _library_with(
        "long.toml", lambda: b'id = "' + b"A" * 10_000_000 + b'"\nname = "x"\n'
    ),
    # Found by this corpus: it validated, then every capecitabine sheet crashed.
    "library tablet strength not whole mg": _library_with(
        "drugs.toml",
        (REPO / "regimen_library" / "drugs.toml")
        .read_bytes()
        .replace(b'tablet_strengths = ["150 mg", "500 mg"]', b'tablet_strengths = ["150.5 mg"]'),
    ),
    "course empty toml": _course_with("course.toml", b""),
    "course empty json": _course_with("course.json", b""),
    "course binary": _course_with("course.toml", bytes(range(256)) * 64),
    "course not utf-8": _course_with("course.json", b'{"description": "\xe9"}'),
    "course malformed json": _course_with("course.json", b'{"lines": [}'),
    "course json not an object": _course_with("course.json", b"[1, 2, 3]"),
    "course json nan": _course_with(
        "course.json",
        json.dumps(
            {
                "schema_version": "1.0",
                "patient": {"sex": "female", "height": "160 cm"},
                "lines": [{"regimen": "EOX", "cycles": 1, "weight": "NaN kg"}],
            }
        ).encode(),
    ),
    "course json bare NaN": _course_with(
        "course.json",
        b'{"schema_version": "1.0", "patient": {"height": NaN}, "lines": []}',
    ),
    "course unreadable": _unreadable_course,
    "course huge toml": _course_with("course.toml", _huge_toml),
    "course huge json": _course_with("course.json", _huge_json),
    "course deeply nested json": _course_with(
        "course.json", b'{"lines": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    ),
    "course deeply nested toml": _course_with(
        "course.toml", b"lines = " + b"[" * DEEP + b"]" * DEEP + b"\n"
    ),
    "course very long regimen name": _course_with(
        "course.toml",
        lambda: (
            b'schema_version = "1.0"\n[[lines]]\nregimen = "'
            + b"A" * 10_000_000
            + b'"\ncycles = 1\n'
        ),
    ),
    "course huge cycles": _course_with(
        "course.toml",
        b'schema_version = "1.0"\n[patient]\nheight = "160 cm"\nsex = "female"\n'
        b'[[lines]]\nregimen = "EOX"\ncycles = 99999999999\nweight = "60 kg"\n',
    ),
}


#: One case of each kind of failure, run end to end in a subprocess: "no traceback" and
#: "no hang" hold for the real process, its interpreter start and its stderr included.
END_TO_END = {
    "library unreadable file": "the file cannot be read",
    "course not utf-8": "not UTF-8 text",
    "library malformed toml": "not TOML (or JSON)",
    "library empty file": "well-formed, refused by validation",
    "library tablet strength not whole mg": "loads, then fails when a dose is computed",
    "course huge json": "a huge file",
    "course deeply nested json": "deep nesting",
    "library very long value": "one huge value",
}
TIME_LIMIT_S = 120


@pytest.mark.subprocess
@pytest.mark.parametrize("name", list(END_TO_END))
def test_bad_file_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    """Unreadable, empty, binary, huge and deeply nested files: one line, exit 2, no hang."""
    args = FILE_CASES[name](tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "regimens", *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_S,
        env={**os.environ, "REGIMENS_LIBRARY": ""},
        cwd=tmp_path,
        check=False,
    )
    _assert_refused(completed.returncode, completed.stdout, completed.stderr)
    assert len(completed.stderr) < 2000, "the message must not echo a huge value"


class _Hung(BaseException):
    """Raised by the alarm: a BaseException, so that no ``except Exception`` hides it."""


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise _Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", [name for name in FILE_CASES if name not in END_TO_END])
def test_bad_file_is_refused_in_one_line_in_process(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other bad files, through click's runner: one line, exit 2, within the time limit."""
    args = FILE_CASES[name](tmp_path)
    monkeypatch.chdir(tmp_path)
    with _time_limit(TIME_LIMIT_S):
        result = invoke(args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    _assert_refused(result.exit_code, result.stdout, result.stderr)
    assert len(result.stderr) < 2000, "the message must not echo a huge value"


# The count in docs/testing.md ------------------------------------------------------------


def corpus_size() -> dict[str, int]:
    """How many refused inputs the corpus holds, by kind (reported in docs/testing.md)."""
    counts = {"command line": len(CASES)}
    counts["output path"] = len(OUTPUT_COMMANDS) * 4 + len(OUTPUT_COMMANDS)
    counts["library and course file"] = len(FILE_CASES)
    return counts


def test_corpus_size_matches_docs() -> None:
    """docs/testing.md states the corpus size that this module really holds."""
    text = (REPO / "docs" / "testing.md").read_text(encoding="utf-8")
    counts = corpus_size()
    total = sum(counts.values())
    assert f"**{total} bad inputs**" in text
    for kind, count in counts.items():
        assert re.search(rf"\|\s*{kind}\s*\|\s*{count}\s*\|", text), (kind, count)


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
def test_only_the_requested_file_is_written(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A successful --output writes that one file and nothing else (no temporary left over)."""
    work = tmp_path / "cwd"
    work.mkdir()
    out = tmp_path / "out" / "result.json"
    out.parent.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(
        main, [*with_option(command, "--output", str(out)), "--format", "json"]
    )
    # 1: check's "a dose is missing" (only oxaliplatin is prescribed); 3: blocking.
    assert result.exit_code in (0, 1, 3), result.stderr
    assert [p.name for p in out.parent.iterdir()] == ["result.json"]
    assert list(work.iterdir()) == []
    json.loads(out.read_text(encoding="utf-8"))


def test_safety_doc_names_real_tests() -> None:
    """Every test docs/safety.md cites as evidence exists (file::name)."""
    text = (REPO / "docs" / "safety.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)", text))
    assert len(cited) > 20
    missing = [
        f"{path}::{name}"
        for path, name in sorted(cited)
        if f"def {name}(" not in (REPO / path).read_text(encoding="utf-8")
    ]
    assert missing == []

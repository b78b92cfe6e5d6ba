"""Every command's --help: a one-line summary, examples, options under headings; exit
codes as documented; shell completion through click's ``_REGIMENS_COMPLETE``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from regimens._cli import COMMANDS, _check, _common, main

COMMAND_NAMES = sorted(COMMANDS)


def help_of(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_summary_fits_the_command_list(command: str) -> None:
    """The first help line is one sentence that `regimens --help` shows whole (no "...")."""
    summary = help_of(command).splitlines()[2].strip()
    assert summary.endswith(".")
    listed = next(line for line in help_of().splitlines() if line.strip().startswith(f"{command} "))
    assert listed.split(maxsplit=1)[1] == summary


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_help_shows_examples_of_that_command(command: str) -> None:
    """An example block whose lines run that very command."""
    text = help_of(command)
    block = re.search(r"\n  Examples?:\n((?:    .*\n)+)", text)
    assert block is not None, text
    first = block.group(1).splitlines()[0].strip()
    assert first.startswith(f"regimens {command}")


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_options_are_grouped_under_headings(command: str) -> None:
    """No flat "Options:" list: every option sits under a heading; only --help is "other"."""
    text = help_of(command)
    assert "\nOptions:\n" not in text
    other = text.split("\nOther options:\n")[1]
    assert [line.split()[0] for line in other.splitlines() if line.strip()] == ["-h,"]


def test_main_help_documents_the_exit_codes() -> None:
    """The exit codes in `regimens --help` are the ones the code uses."""
    text = help_of()
    assert (_common.EXIT_OK, _check.EXIT_CHECK_FAILED) == (0, 1)
    assert (_common.EXIT_USER_ERROR, _common.EXIT_BLOCKING) == (2, 3)
    for line in (
        "    0  success: the output has no blocking warning",
        "    1  regimens check: a prescribed dose outside tolerance, or a drug missing or extra",
        "    2  user error: a bad value, an unknown name, an invalid file (one line on stderr;",
        "    3  a sheet, calendar, check, course, next or batch printed WITH a blocking",
    ):
        assert line in text.splitlines(), line
    assert 'eval "$(_REGIMENS_COMPLETE=bash_source regimens)"' in text


@pytest.mark.parametrize(
    ("arguments", "status"),
    [
        pytest.param("bsa --height 170 --weight 70", 0, id="0-ok"),
        pytest.param(
            "check FOLFOX-6 --height 180 --weight 80 --crcl 90 --prescribed oxaliplatin=200mg "
            "--prescribed leucovorin=800mg --prescribed fluorouracil:bolus=800mg "
            "--prescribed fluorouracil:infusion=4800mg",
            1,
            id="1-check-outside-tolerance (200 mg vs 85 x 2.00 = 170 mg: +17.6%)",
        ),
        pytest.param("bsa --height 1.7 --weight 70", 2, id="2-user-error"),
        pytest.param("sheet NOPE --height 170 --weight 70", 2, id="2-unknown-regimen"),
        pytest.param(
            "sheet EOX --height 180 --weight 80 --crcl 25", 3, id="3-blocking (CrCl < 30)"
        ),
        pytest.param(
            "calendar EOX --start 2026-01-05 --cycles 1 --height 180 --weight 80 --crcl 25",
            3,
            id="3-blocking-calendar",
        ),
    ],
)
def test_exit_codes(arguments: str, status: int) -> None:
    """Each documented exit status, produced by a real run."""
    result = CliRunner().invoke(main, arguments.split())
    assert result.exit_code == status, result.output


def _entry_point() -> str | None:
    beside = Path(sys.executable).with_name("regimens")
    return str(beside) if beside.exists() else shutil.which("regimens")


@pytest.mark.skipif(_entry_point() is None, reason="the regimens entry point is not installed")
@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _regimens_completion regimens"),
        ("zsh", "#compdef regimens"),
        ("fish", "complete --no-files --command regimens"),
    ],
)
@pytest.mark.subprocess
def test_shell_completion_script(shell: str, marker: str) -> None:
    """`_REGIMENS_COMPLETE={shell}_source regimens` prints click's completion script."""
    entry = _entry_point()
    assert entry is not None
    env = {**os.environ, "_REGIMENS_COMPLETE": f"{shell}_source"}
    result = subprocess.run(
        [entry], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout


@pytest.mark.subprocess
@pytest.mark.skipif(_entry_point() is None, reason="the regimens entry point is not installed")
def test_completion_completes_commands_and_options() -> None:
    """Completing `regimens cal` offers calendar; `regimens calendar X --lan` offers --lang."""
    entry = _entry_point()
    assert entry is not None

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_REGIMENS_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        out = subprocess.run(
            [entry], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        return [line.split(",", 1)[1] for line in out.stdout.splitlines()]

    assert complete("regimens cal") == ["calendar"]
    assert complete("regimens calendar FOLFOX-6 --lan") == ["--lang"]

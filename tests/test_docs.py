"""Docs that run: the CLI reference is current, and the commands the docs show work.

Console examples in README.md and docs/user-guide.md are fenced ```console blocks:

- a line ``$ regimens ...`` is a command (a trailing ``\\`` continues it on the next
  line); any other ``$`` line is refused, so set-up steps go in ```sh blocks;
- the lines after a command, up to the next one, are its output as a terminal shows it
  (stdout and stderr), compared line by line with trailing spaces ignored. A line ``...``
  stands for any number of omitted lines; a line holding a file hash (``sha256``) or the
  time of calculation (``computed 2026-01-05 10:00 UTC``) matches any one line;
- a command shown without output is only run, and must exit 0;
- the exit status expected is the one the output implies: 2 when it starts with
  ``Error:`` or ends with ``N problem(s) found.``, 3 when it shows a ``BLOCKING``
  warning, 0 otherwise.

Commands run from the repository root, without REGIMENS_LIBRARY.
"""

from __future__ import annotations

import re
import runpy
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from regimens._calc.bsa import FORMULAS
from regimens._cli import main
from regimens._models.sheet import WARNING_CODES

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_DOCS = ("README.md", "docs/user-guide.md")
OMITTED = "..."
VARYING = re.compile(r"sha256|\bcomputed \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
PROBLEMS_FOUND = re.compile(r"\d+ problems? found\.")


@dataclass(frozen=True)
class ConsoleExample:
    """One ``$ regimens ...`` line of a doc and the output shown after it."""

    doc: str
    line: int
    command: str
    shown: tuple[str, ...]

    @property
    def expected_status(self) -> int:
        lines = [line for line in self.shown if line != OMITTED]
        if lines and (lines[0].startswith("Error:") or PROBLEMS_FOUND.fullmatch(lines[-1])):
            return 2
        if any(line.lstrip().startswith("BLOCKING ") for line in lines):
            return 3
        return 0


def console_examples(doc: str) -> list[ConsoleExample]:
    """Every command of the ```console blocks of ``doc``, with its output lines."""
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    examples: list[ConsoleExample] = []
    in_block = False
    start, command = 0, ""
    shown: list[str] = []
    index = 0

    def flush() -> None:
        if command:
            examples.append(ConsoleExample(doc, start, command, tuple(shown)))

    while index < len(lines):
        line = lines[index]
        if not in_block:
            in_block = line.strip() == "```console"
        elif line.startswith("```"):
            flush()
            in_block, command, shown = False, "", []
        elif line.startswith("$"):
            flush()
            start, shown = index + 1, []
            command = line[1:].strip()
            while command.endswith("\\"):
                index += 1
                command = command[:-1].rstrip() + " " + lines[index].strip()
            if not command.startswith("regimens "):
                raise ValueError(
                    f"{doc}:{start}: console blocks may only show regimens commands "
                    f"(put set-up steps in a ```sh block): {line!r}"
                )
        elif command:
            shown.append(line.rstrip())
        index += 1
    return examples


def _same(shown: str, real: str) -> bool:
    return shown == real or bool(VARYING.search(shown))


def _found_at(chunk: list[str], real: list[str], at: int) -> bool:
    return at + len(chunk) <= len(real) and all(
        _same(shown, actual) for shown, actual in zip(chunk, real[at:], strict=False)
    )


def output_difference(shown: tuple[str, ...], real: list[str]) -> str | None:
    """Why ``real`` is not the output ``shown`` in a doc, or None when it is.

    Between ``...`` lines, each run of shown lines must appear as consecutive real
    lines, in order; the first run starts the output and the last one ends it, unless a
    ``...`` comes before or after it.
    """
    chunks: list[list[str]] = [[]]
    for line in shown:
        if line == OMITTED:
            chunks.append([])
        else:
            chunks[-1].append(line)
    position = 0
    for number, chunk in enumerate(chunks):
        first, last = number == 0, number == len(chunks) - 1
        if last:
            candidates = [len(real) - len(chunk)] if chunk else [len(real)]
        else:
            candidates = list(range(position, len(real) - len(chunk) + 1))
        if first:
            candidates = [at for at in candidates if at == 0]
        found = next(
            (at for at in candidates if at >= position and _found_at(chunk, real, at)), None
        )
        if found is None:
            where = "at the start" if first else "at the end" if last else "after the lines before"
            return "these lines are not in the real output " + where + ":\n" + "\n".join(chunk)
        position = found + len(chunk)
    return None


EXAMPLES = [example for doc in CONSOLE_DOCS for example in console_examples(doc)]


@pytest.fixture
def at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("at_repository_root")
@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e.doc}:{e.line}:{e.command[9:40]}" for e in EXAMPLES]
)
def test_console_example_runs_as_shown(example: ConsoleExample) -> None:
    """A command shown in README.md or the user guide exits and prints as the doc shows."""
    result = CliRunner(env={"REGIMENS_LIBRARY": None}).invoke(
        main, shlex.split(example.command)[1:], prog_name="regimens"
    )
    real = [line.rstrip() for line in result.output.splitlines()]
    where = f"{example.doc}:{example.line}: $ {example.command}"
    assert result.exit_code == example.expected_status, (
        f"{where}\nexit status {result.exit_code}, the doc implies {example.expected_status}"
        f"\n{result.output}"
    )
    if example.shown:
        difference = output_difference(example.shown, real)
        assert difference is None, f"{where}\n{difference}\n--- real output:\n{result.output}"


def test_docs_show_console_examples() -> None:
    """README.md and the user guide both show commands with their output."""
    for doc in CONSOLE_DOCS:
        examples = [example for example in EXAMPLES if example.doc == doc]
        assert any(example.shown for example in examples), doc


@pytest.mark.parametrize(
    ("shown", "real", "same"),
    [
        (("a", "b"), ["a", "b"], True),
        (("a",), ["a", "b"], False),
        (("a", "...", "c"), ["a", "b", "c"], True),
        (("...", "b"), ["a", "b"], True),
        (("b", "a"), ["a", "b"], False),
        (("x sha256 0123", "b"), ["x sha256 4567", "b"], True),
        (("computed 2026-01-05 10:00 UTC",), ["computed 2027-02-06 11:11 UTC"], True),
    ],
    ids=["equal", "line-missing", "omitted-middle", "omitted-start", "order", "hash", "time"],
)
def test_output_comparison(shown: tuple[str, ...], real: list[str], same: bool) -> None:
    """Shown output matches line by line; '...' omits lines; hashes and times vary."""
    assert (output_difference(shown, real) is None) is same


def test_cli_reference_is_current() -> None:
    """docs/cli.md is exactly what scripts/cli_reference.py renders from --help now."""
    script = runpy.run_path(str(ROOT / "scripts" / "cli_reference.py"))
    rendered = script["render"]()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == rendered, (
        "docs/cli.md is stale: regenerate it with `python scripts/cli_reference.py`"
    )


@pytest.mark.parametrize("code", sorted(WARNING_CODES))
def test_warning_code_documented(code: str) -> None:
    """Every warning code a sheet can carry is explained in docs/dose-sheet.md."""
    assert f"`{code}`" in (ROOT / "docs" / "dose-sheet.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(FORMULAS))
def test_bsa_formula_documented(name: str) -> None:
    """Every BSA formula the CLI accepts is described in docs/formulas.md."""
    assert f"`{name}`" in (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")

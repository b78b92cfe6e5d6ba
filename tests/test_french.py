"""``--lang fr`` is French throughout: no English weekday, month, warning or note text.

Every command that takes ``--lang`` (sheet, calendar, check, course, batch) runs in
French, in each of its text formats, on the realistic cases of tests/golden_cases.py
(and three checks that raise every kind of note). Its output must contain:

- no English weekday or month name (whole words, case-sensitive: French writes
  ``lundi``, ``mars``, so ``March`` or ``May`` can only be English);
- no fixed fragment (15 characters or more between two placeholders) of an English
  ``warning.``, ``course.``, ``check.`` or ``calendar.`` text of the catalogue, unless
  the same fragment is also French text (a unit, a symbol, a name).

JSON (and batch's JSON Lines) keep English keys and an English ``message`` by design,
so they are not scanned.
"""

from __future__ import annotations

import csv
import html
import io
import re
import string
from pathlib import Path

import pytest

from conftest import invoke
from golden_cases import BATCH_INPUT, CASES, ROOT
from regimens._render.catalogue import en, fr

#: The text formats of each command that takes --lang.
FORMATS: dict[str, tuple[str, ...]] = {
    "sheet": ("table", "markdown", "csv", "html"),
    "calendar": ("table", "grid", "markdown", "csv", "html", "ics"),
    "check": ("table", "markdown", "csv"),
    "course": ("table", "markdown", "csv"),
    "batch": ("csv",),
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_DATE_WORDS = re.compile(r"\b(" + "|".join(WEEKDAYS + MONTHS) + r")\b")

#: Catalogue prefixes whose texts are sentences a person reads on an output.
MESSAGE_PREFIXES = ("warning.", "course.", "check.", "calendar.")
MIN_FRAGMENT = 15

#: Checks that raise every kind of note: a withheld drug, drugs not in the regimen, a
#: daily dose written as one intake, swapped methods.
EXTRA_CHECKS: dict[str, tuple[str, ...]] = {
    "check-eox-withheld": (
        "check", "EOX", "--height", "170", "--weight", "70", "--crcl", "25",
        "--prescribed", "capecitabine=2500mg", "--prescribed", "docetaxel=100mg",
        "--prescribed", "epirubicin=90mg", "--prescribed", "oxaliplatin=230mg",
    ),
    "check-eox-daily": (
        "check", "EOX", "--height", "170", "--weight", "70", "--crcl", "80",
        "--prescribed", "capecitabine=2300mg", "--prescribed", "epirubicin=91mg",
        "--prescribed", "oxaliplatin=237mg",
    ),
    "check-folfox-swapped": (
        "check", "FOLFOX-6", "--height", "180", "--weight", "80",
        "--prescribed", "oxaliplatin=170mg", "--prescribed", "leucovorin=800mg",
        "--prescribed", "fluorouracil:bolus=4800mg",
        "--prescribed", "fluorouracil:infusion=800mg",
    ),
}  # fmt: skip


def _without_format_and_lang(argv: tuple[str, ...]) -> tuple[str, ...]:
    kept: list[str] = []
    words = iter(argv)
    for word in words:
        if word in ("--format", "--lang"):
            next(words)
        else:
            kept.append(word)
    return tuple(kept)


def _commands() -> dict[str, tuple[str, ...]]:
    """Each distinct command line of the golden cases (no format, no language), by name."""
    commands: dict[str, tuple[str, ...]] = {}
    for name, argv in CASES.items():
        if argv[0] not in FORMATS:
            continue
        command = _without_format_and_lang(argv)
        if command not in commands.values():
            commands[name.split(".")[0].removesuffix("-fr")] = command
    commands.update(EXTRA_CHECKS)
    return commands


def _cases() -> list[pytest.ParameterSet]:
    cases = []
    for name, command in _commands().items():
        for fmt in FORMATS[command[0]]:
            cases.append(pytest.param(command, fmt, id=f"{name}.{fmt}"))
    return cases


def _words(text: str) -> str:
    return " ".join(text.split())


def _english_fragments() -> list[str]:
    """The fixed fragments of the English message texts that French text never contains."""
    french = "\n".join(_words(value) for value in fr.TEXTS.values())
    fragments = set()
    for key, template in en.TEXTS.items():
        if not key.startswith(MESSAGE_PREFIXES):
            continue
        for literal, *_ in string.Formatter().parse(template):
            fragment = _words(literal)
            if len(fragment) >= MIN_FRAGMENT and fragment not in french:
                fragments.add(fragment)
    return sorted(fragments)


def _readable_text(output: str, fmt: str) -> str:
    """What a person reads of ``output``: HTML without its markup, ICS unfolded, CSV cells."""
    if fmt == "html":
        output = html.unescape(re.sub(r"<[^>]*>", " ", output))
    elif fmt == "ics":
        output = re.sub(r"\r?\n[ \t]", "", output)
        output = re.sub(r"\\([,;\\])", r"\1", output).replace("\\n", "\n").replace("\\N", "\n")
    elif fmt == "csv":
        output = "\n".join(" | ".join(row) for row in csv.reader(io.StringIO(output)))
    return _words(output)


def _french_output(
    command: tuple[str, ...], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.chdir(ROOT)  # the golden cases name files relative to the repository
    argv = [*command, "--lang", "fr", "--format", fmt]
    if command[0] == "batch":
        rows = tmp_path / "rows.csv"
        rows.write_text(BATCH_INPUT, encoding="utf-8")
        argv += ["--input", str(rows)]
    result = invoke(argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    # Printed with 0, 1 (a check outside tolerance), 3 (a blocking warning), or, for
    # batch, 2 (a refused row: its error on stderr, the other rows printed).
    assert result.exit_code in ((0, 1, 2, 3) if command[0] == "batch" else (0, 1, 3)), result.stderr
    assert result.stdout.strip(), result.stderr
    return result.stdout


def test_there_are_english_fragments_to_look_for() -> None:
    """The scan looks for something: the catalogue has English message fragments."""
    assert len(_english_fragments()) > 20


@pytest.mark.parametrize(("command", "fmt"), _cases())
def test_french_output_has_no_english_dates_or_messages(
    command: tuple[str, ...], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No English weekday, month or catalogue message in a --lang fr output."""
    text = _readable_text(_french_output(command, fmt, tmp_path, monkeypatch), fmt)
    found = sorted(set(ENGLISH_DATE_WORDS.findall(text)))
    found += [fragment for fragment in _english_fragments() if fragment in text]
    assert found == []

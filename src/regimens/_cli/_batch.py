"""``regimens batch``: dose sheets for a CSV or JSONL file of patients (docs/batch.md)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from regimens._cli._common import (
    EXIT_BLOCKING,
    EXIT_USER_ERROR,
    SectionedCommand,
    count,
    lang_option,
    library_option,
    load_library,
    open_atomic,
    output_option,
    refuse_input_as_output,
)
from regimens._cli._options import (
    BSA_SECTION,
    DOSE_SECTION,
    cycle_option,
    dose_options,
    pump_option,
    sheet_options,
    supportive_option,
)

if TYPE_CHECKING:
    from regimens._models.batch import BatchResult
    from regimens._render.labels import Lang

__all__ = ["batch_cmd"]

_INPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
#: Progress is shown every this many rows (only when stderr is a terminal).
_PROGRESS_EVERY = 1000


def _csv_header(lang: Lang) -> str:
    from regimens._render.sheet import CSV_COLUMNS

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [fr if lang == "fr" else en for en, fr in CSV_COLUMNS]
    )
    return out.getvalue()


def _jsonl_line(result: BatchResult) -> str:
    import json

    if result.sheet is None:
        return json.dumps(result.error_record(), ensure_ascii=False) + "\n"
    # The sheet document of ``regimens sheet --format json``, on one line, row first;
    # an assessed row's decision next, so that a filter need not dig for it.
    from regimens._render.sheet_json import sheet_json

    head = f'{{"row":{result.row},'
    if result.sheet.assessment is not None:
        head += f'"assessment_decision":{json.dumps(result.sheet.assessment.decision)},'
    return head + sheet_json(result.sheet, indent=None)[1:] + "\n"


@click.command(
    "batch",
    cls=SectionedCommand,
    sections={
        "Input": ["input_path", "regimen"],
        # No patient options: in a batch the patient's values are the input's columns.
        "Body surface area": BSA_SECTION,
        "Dose": DOSE_SECTION,
        "Output": ["output_format", "output", "lang"],
        "Library": ["library_dirs"],
    },
)
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV (.csv) or JSON Lines (.jsonl, .ndjson) file, one patient per row.",
)
@click.option("--regimen", help="Regimen of every row (then the regimen column may be left out).")
@dose_options()
@supportive_option
@cycle_option
@pump_option
@library_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "csv"], case_sensitive=False),
    help="Output format [default: csv when --output ends in .csv, else jsonl].",
)
@output_option
@lang_option
def batch_cmd(
    input_path: str,
    regimen: str | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
    supportive: tuple[str, ...],
    cycle: int,
    pump_rate: float | None,
    **params: Any,
) -> None:
    """Dose sheets for every row of a CSV or JSONL file of patients.

    Columns: patient_id, regimen (unless --regimen), height, weight, and optionally
    sex, age, creatinine, cycle, dose_level, bsa_formula, patient_name; values with
    or without units as on the command line ("170cm", "154 lb"). A row's cycle,
    dose_level and bsa_formula override the options below for that row. The
    treatment day, as `regimens sheet`'s options: labs, uln, toxicity, conditions,
    overrides (items separated by ';', e.g. "anc=1.2; platelets=90"), lab_date,
    date, dpyd_activity_score, uracil, ugt1a1, reference_weight, country; a row
    with any of them is assessed (its JSON line gains "assessment_decision").

    jsonl: one line per row, in input order: the `sheet --format json` document
    plus "row" (1-based data row, blank lines not counted), or an error record
    {"row", "patient_id", "error": {"field", "message"}}. csv: one row per
    administration per day, with patient_id; error records go to stderr. A summary
    goes to stderr. --output writes atomically.

    Exit status: 0 every row gave a sheet, none blocking; 2 some row was an error
    (or the input is unreadable); 3 no errors but some sheet is blocking.

    \b
    Examples:
      regimens batch --input patients.csv --regimen FOLFOX-6 --output sheets.jsonl
      regimens batch --input patients.jsonl --format csv --output doses.csv
    """
    from regimens._api import batch_sheets
    from regimens._errors import InputError
    from regimens._read.rows import read_csv_rows, read_jsonl_rows

    library = load_library(library_dirs)
    options = sheet_options(library, cycle=cycle, pump_rate=pump_rate, **params)
    input_format = _INPUT_FORMATS.get(Path(input_path).suffix.lower())
    if input_format is None:
        raise InputError(
            f"--input {input_path!r}: give a .csv, .jsonl or .ndjson file", field="input"
        )
    refuse_input_as_output(output, input_path)
    chosen = (output_format or "").lower() or (
        "csv" if output is not None and Path(output).suffix.lower() == ".csv" else "jsonl"
    )
    try:
        # surrogateescape: a byte that is not UTF-8 is an error record for its row
        # (regimens._read.rows), not the end of the run.
        source = open(input_path, encoding="utf-8-sig", errors="surrogateescape", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(
            f"--input {input_path!r}: cannot read ({exc.strerror})", field="input"
        ) from None
    with source:
        rows = (
            read_csv_rows(source, regimen_given=regimen is not None)
            if input_format == "csv"
            else read_jsonl_rows(source)
        )
        results = batch_sheets(
            rows,
            library=library,
            regimen=regimen,
            options=options,
            supportive=supportive,
        )
        if output is None:
            counts = _write(results, sys.stdout, chosen, lang)
        else:
            with open_atomic(output) as stream:
                counts = _write(results, stream, chosen, lang)
    rows_read, sheets, blocking, errors = counts
    click.echo(
        f"{count(rows_read, 'row')}: {count(sheets, 'sheet')} ({blocking} with blocking "
        f"warnings), {count(errors, 'error')}",
        err=True,
    )
    if errors:
        sys.exit(EXIT_USER_ERROR)
    if blocking:
        sys.exit(EXIT_BLOCKING)


def _write(
    results: Iterator[BatchResult], stream: IO[str], output_format: str, lang: Lang
) -> tuple[int, int, int, int]:
    """Write each result as it comes; return (rows, sheets, blocking sheets, errors)."""
    from regimens._render.sheet_csv import sheet_csv_rows

    progress = sys.stderr.isatty()
    rows = sheets = blocking = errors = 0
    write = stream.write
    if output_format == "csv":
        write(_csv_header(lang))
    for result in results:
        rows += 1
        if progress and rows % _PROGRESS_EVERY == 0:
            click.echo(f"\r{rows} rows", err=True, nl=False)
        if result.sheet is None:
            errors += 1
        else:
            sheets += 1
            blocking += result.sheet.blocking
        if output_format == "jsonl":
            write(_jsonl_line(result))
        elif result.sheet is not None:
            write(sheet_csv_rows(result.sheet, lang))
        else:
            assert result.error is not None
            click.echo(
                f"Error: row {result.row} (patient_id {result.patient_id}): {result.error.message}",
                err=True,
            )
    if progress and rows >= _PROGRESS_EVERY:
        click.echo("", err=True)
    return rows, sheets, blocking, errors

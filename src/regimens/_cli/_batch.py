"""``regimens batch``: dose sheets for a CSV, JSONL or Parquet file of patients (docs/batch.md)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from regimens._errors import InputError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from regimens._cli._batch_run import Job
    from regimens._render.labels import Lang

__all__ = ["batch_cmd"]

_INPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: The progress bar is shown for an input of at least this many bytes (about 10,000
#: CSV rows), and only when stderr is a terminal.
_PROGRESS_BYTES = 256 * 1024


def _csv_header(lang: Lang) -> str:
    from regimens._render.sheet import CSV_COLUMNS

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [fr if lang == "fr" else en for en, fr in CSV_COLUMNS]
    )
    return out.getvalue()


@click.command(
    "batch",
    cls=SectionedCommand,
    sections={
        "Input": ["input_path", "regimen"],
        # No patient options: in a batch the patient's values are the input's columns.
        "Body surface area": BSA_SECTION,
        "Dose": DOSE_SECTION,
        "Output": ["output_format", "output", "lang"],
        "Speed": ["jobs"],
        "Library": ["library_dirs"],
    },
)
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV (.csv), JSON Lines (.jsonl, .ndjson) or Parquet (.parquet) file, one patient "
    "per row.",
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
    type=click.Choice(["jsonl", "csv", "parquet"], case_sensitive=False),
    help="Output format [default: csv or parquet when --output ends in .csv or .parquet, "
    "else jsonl]. parquet needs --output and pip install 'regimens[parquet]'.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes computing rows at once [default: the number of cores]. The output is "
    "the same, in input order, whatever the number.",
)
@output_option
@lang_option
def batch_cmd(
    input_path: str,
    regimen: str | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    jobs: int | None,
    output: str | None,
    lang: Lang,
    supportive: tuple[str, ...],
    cycle: int,
    pump_rate: float | None,
    **params: Any,
) -> None:
    """Dose sheets for each row of a CSV, JSONL or Parquet file.

    Columns: patient_id, regimen (unless --regimen), height, weight, and optionally
    sex, age, creatinine, cycle, dose_level, bsa_formula, patient_name, patient_dob
    (YYYY-MM-DD); values with
    or without units as on the command line ("170cm", "154 lb"). A row's cycle,
    dose_level and bsa_formula override the options below for that row. The
    treatment day, as `regimens sheet`'s options: labs, uln, toxicity, conditions,
    overrides (items separated by ';', e.g. "anc=1.2; platelets=90"), lab_date,
    date, dpyd_activity_score, uracil, ugt1a1, reference_weight, country; a row
    with any of them is assessed (its JSON line gains "assessment_decision").

    jsonl: one line per row, in input order: the `sheet --format json` document
    plus "row" (1-based data row, blank lines not counted), or an error record
    {"row", "patient_id", "error": {"field", "message"}}. csv: one row per
    administration per day, with patient_id; error records go to stderr. parquet:
    one record per row (docs/batch.md). A summary goes to stderr. --output writes
    atomically. Rows are computed on every core (--jobs), output in input order.

    Exit status: 0 every row gave a sheet, none blocking; 2 some row was an error
    (or the input is unreadable); 3 no errors but some sheet is blocking.

    \b
    Examples:
      regimens batch --input patients.csv --regimen FOLFOX-6 --output sheets.jsonl
      regimens batch --input patients.jsonl --format csv --output doses.csv
    """
    from regimens._cli._batch_memory import arrow_default_pool, return_large_blocks
    from regimens._cli._batch_run import Job, default_jobs, started_workers

    library = load_library(library_dirs)
    options = sheet_options(library, cycle=cycle, pump_rate=pump_rate, **params)
    input_format = _INPUT_FORMATS.get(Path(input_path).suffix.lower())
    if input_format is None:
        raise InputError(
            f"--input {input_path!r}: give a .csv, .jsonl, .ndjson or .parquet file",
            field="input",
        )
    refuse_input_as_output(output, input_path)
    chosen = (output_format or "").lower() or _format_of(output)
    if chosen == "parquet":
        _check_parquet_output(output)
    job = Job(library, regimen, options, tuple(supportive), chosen, lang)
    jobs = jobs or default_jobs()
    parquet = "parquet" in (input_format, chosen)
    if parquet:  # memory: regimens._cli._batch_memory
        return_large_blocks()
        arrow_default_pool()
    # A Parquet batch starts its workers before pyarrow is imported (started_workers).
    early = jobs > 1 and parquet
    with (
        started_workers(job, jobs if early else 1) as pool,
        _rows(input_path, input_format, regimen is not None) as (rows, reading),
    ):
        if parquet:
            _arrow_pool()
        if chosen == "parquet":
            from regimens._read.parquet import parquet_module

            parquet_module("--format parquet", "format")
        counts = _output(job, rows, jobs, output, reading, pool)
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


def _arrow_pool() -> None:
    """jemalloc for pyarrow, where pyarrow is installed (else the reader or writer
    names the extra to install)."""
    try:
        import pyarrow
    except ImportError:
        return
    from regimens._cli._batch_memory import arrow_pool

    arrow_pool(pyarrow)


def _format_of(output: str | None) -> str:
    suffix = Path(output).suffix.lower() if output is not None else ""
    return {".csv": "csv", ".parquet": "parquet"}.get(suffix, "jsonl")


def _check_parquet_output(output: str | None) -> None:
    if output is None or output == "-":
        raise InputError(
            "--format parquet: give --output FILE (Parquet is a binary file, not written to "
            "standard output)",
            field="output",
        )


#: Where the reading of the input is (bytes), and the input's size; None for Parquet.
_Reading = tuple[Callable[[], int] | None, int]


@contextlib.contextmanager
def _rows(
    input_path: str, input_format: str, regimen_given: bool
) -> Iterator[tuple[Iterable[Any], _Reading]]:
    """The input's rows, and how far its reading is (for the progress bar)."""
    if input_format == "parquet":
        from regimens._read.parquet import read_parquet_rows

        yield read_parquet_rows(input_path, regimen_given=regimen_given), (None, 0)
        return
    from regimens._read.rows import read_csv_rows, read_jsonl_rows

    try:
        binary = open(input_path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(
            f"--input {input_path!r}: cannot read ({exc.strerror})", field="input"
        ) from None
    # surrogateescape: a byte that is not UTF-8 is an error record for its row
    # (regimens._read.rows), not the end of the run.
    with (
        binary,
        io.TextIOWrapper(
            binary, encoding="utf-8-sig", errors="surrogateescape", newline=""
        ) as source,
    ):
        rows = (
            read_csv_rows(source, regimen_given=regimen_given)
            if input_format == "csv"
            else read_jsonl_rows(source)
        )
        yield rows, (binary.tell, os.fstat(binary.fileno()).st_size)


def _output(
    job: Job,
    rows: Iterable[Any],
    jobs: int,
    output: str | None,
    reading: _Reading,
    pool: ProcessPoolExecutor | None,
) -> tuple[int, int, int, int]:
    """Write every chunk as it comes; return (rows, sheets, blocking sheets, errors)."""
    if job.output_format == "parquet":
        from regimens._render.batch_parquet import ParquetRecords

        assert output is not None
        with open_atomic(output, binary=True) as stream:
            records = ParquetRecords(stream)
            counts = _write(job, rows, (jobs, pool), records.write_group, *reading)
            records.close()
        return counts
    if output is None or output == "-":
        # Standard output: as text, in its own encoding, as every command writes it.
        def text(data: bytes) -> object:
            return sys.stdout.write(data.decode("utf-8"))

        return _write(job, rows, (jobs, pool), text, *reading)
    # The file's text is UTF-8 (open_atomic): the chunks' bytes are written as they are.
    with open_atomic(output, binary=True) as stream:
        return _write(job, rows, (jobs, pool), stream.write, *reading)


def _write(
    job: Job,
    rows: Iterable[Any],
    workers: tuple[int, ProcessPoolExecutor | None],
    write: Callable[[Any], object],
    position: Callable[[], int] | None,
    size: int,
) -> tuple[int, int, int, int]:
    from regimens._cli._batch_run import run_chunks

    total = sheets = blocking = errors = 0
    if job.output_format == "csv":
        write(_csv_header(job.lang).encode("utf-8"))
    with _progress(position, size) as advance:
        for chunk in run_chunks(job, rows, *workers):
            total += chunk.rows
            sheets += chunk.sheets
            blocking += chunk.blocking
            errors += chunk.errors
            write(chunk.group if job.output_format == "parquet" else chunk.data)
            for message in chunk.messages:
                click.echo(message, err=True)
            advance()
    return total, sheets, blocking, errors


@contextlib.contextmanager
def _progress(position: Callable[[], int] | None, size: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, by bytes of input read: only for a long input (at least
    :data:`_PROGRESS_BYTES`) and only when stderr is a terminal, never in the output."""
    if position is None or size < _PROGRESS_BYTES or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=size, label="rows", file=sys.stderr) as bar:
        done = 0

        def advance() -> None:
            nonlocal done
            now = min(position(), size)
            bar.update(now - done)
            done = now

        yield advance

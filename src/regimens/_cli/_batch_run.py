"""The machinery of ``regimens batch``: rows in chunks, on one core or several, in order.

The input's rows (dicts of cells, or an :class:`~regimens._errors.InputError` for a line
that cannot be read) are cut into chunks of :data:`CHUNK_ROWS` rows, each with the
number of its first row. A chunk is read, computed and rendered as a whole by
:func:`run_chunk` — in this process (``--jobs 1``, or an input of one chunk) or in a
worker process — and its text (or Parquet records) is written in input order. At most
:data:`IN_FLIGHT` chunks per worker are handed out before the oldest one is written, so
memory stays flat whatever the number of rows. Both ways run the same function on the
same chunks: ``--jobs N`` writes exactly what ``--jobs 1`` writes.

Nothing here imports click: a worker imports only what computing a chunk needs.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._errors import InputError
    from regimens._models.batch import BatchResult
    from regimens._models.library import Library
    from regimens._render.batch_parquet import Column
    from regimens._render.labels import Lang

    #: A row as read from the input, or the error of a line that could not be read.
    Row: TypeAlias = Mapping[str, object] | InputError

__all__ = [
    "CHUNK_ROWS",
    "IN_FLIGHT",
    "Chunk",
    "Job",
    "default_jobs",
    "jsonl_line",
    "run_chunks",
    "started_workers",
]

#: Rows computed together: large enough that handing a chunk to a worker costs little
#: beside computing it (under 1 % of its time), small enough that a chunk's output
#: (about 11 kB a row, 43 kB for EOX) is light: chunks of 100 rather than 200 took the
#: peak memory of a two-worker batch from 86-90 MB to 72-73 MB (issue 23).
CHUNK_ROWS = 100
#: Chunks handed out per worker before the oldest is written: bounds the memory in use.
IN_FLIGHT = 2


def default_jobs() -> int:
    """The cores this process may use (``os.process_cpu_count()`` from Python 3.13)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return int(counter() or 1)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """What every chunk of one batch shares (picklable: it goes to each worker once)."""

    library: Library
    regimen: str | None
    options: SheetOptions
    supportive: tuple[str, ...]
    output_format: str  # jsonl, csv or parquet
    lang: Lang


@dataclass
class Chunk:
    """One chunk, computed and rendered: its text (as UTF-8 bytes) or records, its stderr
    lines, counts. Bytes, encoded where the chunk is computed: a worker hands back what
    the batch writes as it is, without the batch decoding and encoding it again."""

    data: bytes = b""
    #: A Parquet batch's records, as the columns of one row group (their Arrow buffers).
    group: tuple[Column, ...] = ()
    messages: list[str] = field(default_factory=list)
    rows: int = 0
    sheets: int = 0
    blocking: int = 0
    errors: int = 0


def jsonl_line(result: BatchResult) -> str:
    """A result as its ``regimens batch`` JSONL line (docs/batch.md)."""
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


def run_chunk(job: Job, first_row: int, rows: Sequence[Row]) -> Chunk:
    """Read, compute and render ``rows``, numbered from ``first_row``."""
    from regimens._api import batch_record, batch_sheets

    chunk = Chunk()
    parts: list[str] = []
    records: list[dict[str, object]] = []
    if job.output_format == "csv":
        from regimens._render.sheet_csv import sheet_csv_rows
    results = batch_sheets(
        rows,
        library=job.library,
        regimen=job.regimen,
        options=job.options,
        supportive=job.supportive,
        first_row=first_row,
    )
    for result in results:
        chunk.rows += 1
        sheet = result.sheet
        if sheet is None:
            chunk.errors += 1
        else:
            chunk.sheets += 1
            chunk.blocking += sheet.blocking
        if job.output_format == "jsonl":
            parts.append(jsonl_line(result))
        elif job.output_format == "parquet":
            records.append(batch_record(result))
        elif sheet is not None:
            parts.append(sheet_csv_rows(sheet, job.lang))
        else:
            assert result.error is not None
            chunk.messages.append(
                f"Error: row {result.row} (patient_id {result.patient_id}): {result.error.message}"
            )
    chunk.data = "".join(parts).encode("utf-8")
    if records:
        from regimens._render.batch_parquet import record_group

        chunk.group = record_group(records)
    return chunk


#: What computing a chunk imports (kept loaded in the forkserver, see :func:`_context`).
_WORKER_MODULES = (
    "regimens._api",
    "regimens._calc.dosing",
    "regimens._read.rows",
    "regimens._render.batch_parquet",
    "regimens._render.batch_record",
    "regimens._render.sheet_json",
)

# The job of this worker process, set once by :func:`_start_worker`.
_JOB: list[Job] = []


#: Signals that end a batch. The batch's process handles them (its output's temporary
#: file is removed, regimens._cli._common.open_atomic); a worker takes the default
#: action, and leaves Ctrl-C (sent to the whole process group) to the batch.
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


def _start_worker(job: Job) -> None:
    _JOB.append(job)
    # A forked worker inherits the batch's handlers and its blocked signals (_launch).
    for number in _STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {*_STOP_SIGNALS, signal.SIGINT})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Signals wait while workers are forked: one that arrived between a fork and the
    worker's own handlers would run the batch's handler in the worker, not the batch."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    held = {*_STOP_SIGNALS, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _work(first_row: int, rows: Sequence[Row]) -> Chunk:
    return run_chunk(_JOB[0], first_row, rows)


def _chunks(rows: Iterable[Row]) -> Iterator[tuple[int, list[Row]]]:
    iterator = iter(rows)
    first = 1
    while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
        yield first, chunk
        first += len(chunk)


def run_chunks(
    job: Job, rows: Iterable[Row], jobs: int, pool: ProcessPoolExecutor | None = None
) -> Iterator[Chunk]:
    """Every chunk of ``rows``, computed on ``jobs`` processes, in input order.

    One process (this one) when ``jobs`` is 1 or the input fits in one chunk: starting
    workers would cost more than they save. ``pool``: workers already started
    (:func:`started_workers`), else they start with the second chunk.
    """
    chunks = _chunks(rows)
    head = list(itertools.islice(chunks, 2))
    if jobs <= 1 or len(head) < 2:
        for first, chunk in itertools.chain(head, chunks):
            yield run_chunk(job, first, chunk)
        return
    if pool is not None:
        yield from _pooled(pool, itertools.chain(head, chunks), jobs)
        return
    with _pool(job, jobs) as new:
        yield from _pooled(new, itertools.chain(head, chunks), jobs)


def _pool(job: Job, jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(), initializer=_start_worker, initargs=(job,)
    )


@contextlib.contextmanager
def started_workers(job: Job, jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """``jobs`` workers started now (None for one job), stopped on leaving.

    For a Parquet batch: started before pyarrow is imported, the workers are forked
    from this process (:func:`_context`) and share its pages (the modules a chunk needs,
    imported here first, and the library) instead of each starting an interpreter from
    a fork server. pyarrow is then loaded in this process only, which reads and writes
    the Parquet files (memory: docs/performance.md).
    """
    if jobs <= 1:
        yield None
        return
    for name in _WORKER_MODULES:
        importlib.import_module(name)
    with _pool(job, jobs) as pool:
        with _signals_held():  # a forking pool starts all its workers on the first submit
            pool.submit(int).result()
        yield pool


def _context() -> multiprocessing.context.BaseContext:
    """How workers start. Forked from this process where that is safe — one thread, and
    no pyarrow (whose thread pool runs native threads) — so that they share its pages:
    the modules and the library (memory: docs/performance.md). Otherwise a fresh
    interpreter per worker (forkserver where it exists, else spawn), since forking a
    process that runs threads can deadlock the child."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and "pyarrow" not in sys.modules:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The modules a worker needs, imported once in the server: each worker forked from
    # it shares their pages instead of importing them again.
    context.set_forkserver_preload([__name__, *_WORKER_MODULES])
    return context


def _pooled(
    pool: ProcessPoolExecutor, chunks: Iterator[tuple[int, list[Row]]], jobs: int
) -> Iterator[Chunk]:
    pending: deque[Future[Chunk]] = deque()
    submit: Callable[..., Future[Chunk]] = pool.submit
    try:
        with _signals_held():  # a forking pool starts its workers on the first submit
            for first, chunk in itertools.islice(chunks, jobs * IN_FLIGHT):
                pending.append(submit(_work, first, chunk))
        for first, chunk in chunks:
            if len(pending) >= jobs * IN_FLIGHT:
                yield pending.popleft().result()
            pending.append(submit(_work, first, chunk))
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()

"""What every command shares: exit codes, error reporting, common options, output."""

from __future__ import annotations

import errno
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from regimens._errors import InputError, RegimensError, UnknownRegimenError

if TYPE_CHECKING:
    from regimens._models.library import Library

__all__ = [
    "EXIT_BLOCKING",
    "EXIT_OK",
    "EXIT_USER_ERROR",
    "FLAG_OF_FIELD",
    "SectionedCommand",
    "choose_format",
    "colour_enabled",
    "count",
    "emit",
    "emit_document",
    "format_option",
    "lang_option",
    "library_option",
    "load_library",
    "open_atomic",
    "output_option",
    "refuse_input_as_output",
    "report_errors",
    "severity_styler",
    "write_atomic",
]

#: The command did what was asked and found nothing blocking.
EXIT_OK = 0
#: A user mistake (bad value, unknown name, invalid file): one line on stderr.
#: Click's own usage errors (unknown option, missing argument) also exit 2.
EXIT_USER_ERROR = 2
#: A dose sheet was produced and printed, but it carries a blocking warning
#: (a contraindication, a dose that could not be rounded within tolerance...).
EXIT_BLOCKING = 3

F = TypeVar("F", bound=Callable[..., Any])


def _debug() -> bool:
    context = click.get_current_context(silent=True)
    while context is not None:
        if context.params.get("debug"):
            return True
        context = context.parent
    return False


#: The treatment day's inputs: the keywords of ``make_assessment_inputs`` → the options
#: (``country`` is shared with ``calendar`` and listed below).
_ASSESSMENT_FLAGS: dict[str, str] = {
    "labs": "--lab",
    "uln": "--uln",
    "lab_date": "--lab-date",
    "date": "--date",
    "toxicities": "--toxicity",
    "dpyd_activity_score": "--dpyd-activity-score",
    "uracil": "--uracil",
    "ugt1a1": "--ugt1a1",
    "reference_weight": "--reference-weight",
    "conditions": "--condition",
    "overrides": "--override",
}

#: Library and model fields → the option a user typed to set them. The library names
#: fields, never flags (issue 16); the CLI names the flag when it prints the error.
FLAG_OF_FIELD: dict[str, str] = {
    "height": "--height",
    "weight": "--weight",
    "sex": "--sex",
    "age": "--age",
    "creatinine": "--creatinine",
    "crcl": "--crcl",
    "creatinine_clearance": "--crcl",
    "provisional": "--provisional",
    "bsa_formula": "--bsa-formula",
    "formula": "--bsa-formula",
    "bsa_decimals": "--bsa-decimals",
    "decimals": "--decimals",
    "bsa_cap": "--bsa-cap",
    "bsa_cap_m2": "--bsa-cap",
    "bsa_spread_tolerance_percent": "--bsa-spread-tolerance",
    "weight_basis": "--weight-basis",
    "dose_level": "--dose-level",
    "dose_level_percent": "--dose-level",
    "dose_level_reason": "--dose-level-reason",
    "drug_dose_level": "--drug-dose-level",
    "drug_dose_levels": "--drug-dose-level",
    "percent": "--drug-dose-level",
    "rounding": "--rounding",
    "tolerance": "--tolerance",
    "tolerance_percent": "--tolerance",
    "cycle": "--cycle",
    "concentration": "--concentration",
    "concentrations": "--concentration",
    "pump_rate": "--pump-rate",
    "pump_rate_ml_per_h": "--pump-rate",
    "with": "--with",
    "supportive": "--with",
    "prescribed": "--prescribed",
    "start": "--start",
    "cycles": "--cycles",
    "delay": "--delay",
    "delays": "--delay",
    "country": "--country",
    "avoid": "--avoid",
    "equivalence": "--equivalence",
    "rdi_threshold": "--rdi-threshold",
    "weight_change_percent": "--weight-change-threshold",
    "labs_before_days": "--labs-before-days",
    "input": "--input",
    **_ASSESSMENT_FLAGS,
}

#: Fields whose messages begin with the option's name in words (``lab bilirubin: ...``,
#: ``override: ...``): that word becomes the flag, so that the line names what to fix.
_FLAG_FIRST = frozenset(_ASSESSMENT_FLAGS)


def _with_flag(message: str, field: str | None, flags: set[str]) -> str:
    """``message`` naming the option that set ``field``, e.g. ``--tolerance: ...``.

    Only the options of the command that ran (``flags``) are named: a batch row's
    ``weight`` is a column, not ``--weight``. A message that already names the flag, or
    the option in words (``avoid: ...``, ``needs the patient's sex``), is left as it is;
    a leading label naming the model's field (``option tolerance_percent: ...``) becomes
    the flag; any other message gets the flag in front.
    """
    flag = FLAG_OF_FIELD.get(field or "")
    if flag is None or flag not in flags or _names(flag, message):
        return message
    name = flag[2:]
    words = {name, name.replace("-", "_"), name.replace("-", " ")}
    if field in _FLAG_FIRST:
        # "lab bilirubin: '2' has no unit" → "--lab bilirubin: '2' has no unit";
        # "unknown lab 'x': ..." → "--lab: unknown lab 'x': ...".
        for word in sorted(words, key=len, reverse=True):
            if re.match(rf"{re.escape(word)}(?=[\s:])", message):
                return flag + message[len(word) :]
        return f"{flag}: {message}"
    label, separator, rest = message.partition(": ")
    # "option cycle: ..." (a model's label) → "--cycle: ..."; "avoid: ..." stays.
    prefixed = re.fullmatch(rf"(?:[a-z]+ ){{1,3}}{re.escape(field or '')}", label)
    if separator and (prefixed or (label == field and field not in words)):
        return f"{flag}: {rest}"
    if any(_names(word, message) for word in words):
        return message
    return f"{flag}: {message}"


def _names(word: str, message: str) -> bool:
    """True when ``word`` stands in ``message`` as a word of its own (not inside another)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", message) is not None


def _command_flags(context: click.Context | None) -> set[str]:
    """The long options of the subcommand that ``context`` (the group's) invoked."""
    if context is None or not isinstance(context.command, click.Group):
        return set()
    command = context.command.get_command(context, context.invoked_subcommand or "")
    if command is None:
        return set()
    return {
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts
        if name.startswith("--")
    }


def cli_words(message: str) -> str:
    """A library message in the CLI's words: the user's library directories are the
    ``--library`` ones (the library calls them ``extra_dirs``)."""
    return message.replace("extra_dirs", "--library")


@contextmanager
def report_errors(context: click.Context | None = None) -> Iterator[None]:
    """Turn the package's own errors into one line on stderr and exit status 2.

    The line names the option to fix when the error says which field it is about
    (:data:`FLAG_OF_FIELD`; ``context``: the group's, to know the options of the command
    that ran). With ``regimens --debug`` the traceback is shown instead.
    """
    try:
        yield
    except RegimensError as exc:
        if _debug():
            raise
        # One line, and not a 50 MB one when a value from a file is echoed back.
        message = cli_words(" ".join(str(exc).split()))
        problems: tuple[str, ...] = getattr(exc, "problems", ())
        if len(problems) > 1:
            message = (
                f"{cli_words(' '.join(problems[0].split()))} (and {len(problems) - 1} more: "
                "'regimens validate DIR' lists them all)"
            )
        elif isinstance(exc, UnknownRegimenError) or "unknown regimen " in message:
            message += " ('regimens list' shows them all)"
        if isinstance(exc, InputError):
            message = _with_flag(message, exc.field, _command_flags(context))
        if len(message) > 1000:
            message = message[:997] + "..."
        click.echo(f"Error: {terminal_safe(message)}", err=True)
        sys.exit(EXIT_USER_ERROR)


def terminal_safe(message: str) -> str:
    """``message`` with every character that must not reach a terminal shown escaped
    (an ESC or OSC 52 sequence in a file name given on the command line)."""
    from regimens._models.base import control_character

    return "".join(control_character(char) or char for char in message)


def format_option(*choices: str, default: str | None = "table") -> Callable[[F], F]:
    """The ``--format`` option, with the formats a command supports.

    With ``default=None`` the format is inferred from ``--output``'s extension (see
    :func:`choose_format`), else ``table``.
    """
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices, case_sensitive=False),
        default=default,
        show_default=default is not None,
        help="Output format"
        + (" [default: from --output's extension, else table]." if default is None else "."),
    )


def output_option(function: F) -> F:
    """``--output FILE``: write there atomically instead of standard output."""
    return click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False, writable=False),
        help="Write to FILE (atomically: a failed run never leaves a partial file; a link is "
        "written through; - is standard output).",
    )(function)


def lang_option(function: F) -> F:
    """``--lang en|fr`` for labels, headings and warning messages (JSON keys stay English)."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "fr"]),
        default="en",
        show_default=True,
        help="Language of labels and messages (JSON keys stay English).",
    )(function)


def library_option(function: F) -> F:
    """``--library DIR`` (repeatable): extra regimen directories, after REGIMENS_LIBRARY."""
    return click.option(
        "--library",
        "library_dirs",
        multiple=True,
        type=click.Path(file_okay=False, dir_okay=True, exists=True),
        help="Extra regimen library directory (repeatable); also REGIMENS_LIBRARY.",
    )(function)


def choose_format(explicit: str | None, output: str | None, supported: tuple[str, ...]) -> str:
    """The format asked for, else the one ``output``'s extension names, else ``table``."""
    if explicit is not None:
        return explicit.lower()
    if output is None:
        return "table"
    from regimens._render.registry import extensions_for, format_of_path

    inferred = format_of_path(output, supported)
    if inferred is None:
        raise InputError(
            f"cannot tell the format from the file name {output!r}: give --format "
            f"({', '.join(supported)}) or use one of the extensions "
            + ", ".join(extensions_for(supported)),
            field="format",
        )
    return inferred


@contextmanager
def open_atomic(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """A text stream to a temporary file beside ``path``, renamed onto it on success.

    The file appears complete or not at all: on any error or interruption the
    temporary file is removed, and an existing ``path`` is left untouched. ``batch``
    streams through it; :func:`write_atomic` writes one text. ``binary``: a byte
    stream instead (Parquet), never standard output.
    """
    if str(path) == "-":  # -o -: standard output, as without -o
        yield sys.stdout
        sys.stdout.flush()
        return
    target = _real_target(Path(path))
    directory = target.parent if str(target.parent) else Path()
    if not directory.is_dir():
        raise InputError(
            f"output {str(target)!r}: directory {str(directory)!r} does not exist",
            field="output",
        )
    # The handlers go in before the temporary file exists: a SIGTERM in between left it.
    with _signals_clean_up():
        yield from _write_beside(target, directory, binary=binary)


def _write_beside(target: Path, directory: Path, *, binary: bool) -> Iterator[IO[Any]]:
    """:func:`open_atomic`'s work, under its signal handlers."""
    import tempfile  # here: only a command writing --output needs it (shutil, random...)

    temporary: str | None = None
    try:
        try:
            handle, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{target.name}.", suffix=".tmp"
            )
        except OSError as exc:
            raise InputError(
                f"output {str(target)!r}: cannot write in {str(directory)!r} ({exc.strerror})",
                field="output",
            ) from None
        # mkstemp makes the file private (0600); give it the mode a plain write would:
        # the existing file's, else 0666 less the umask.
        if target.exists():
            mode = target.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        with (
            os.fdopen(handle, "wb")
            if binary
            else os.fdopen(handle, "w", encoding="utf-8", newline="")
        ) as stream:
            try:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            except OSError as exc:
                if exc.errno not in _DISK_ERRORS:
                    raise
                # A full disk while a long batch streams: one line, the old file intact.
                raise _cannot_write(target, exc) from None
        if target.exists() and target.stat().st_nlink > 1:
            # A hard link: replacing the name would cut it from its other names; write
            # the finished file through it instead (complete before it is copied).
            target.write_bytes(Path(temporary).read_bytes())
            Path(temporary).unlink()
        else:
            os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


#: Write errors that mean "the output cannot be written", not "the input is wrong".
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})

#: Signals after which the temporary file is removed (Ctrl-C is KeyboardInterrupt
#: already): a terminated or hung-up run left 200 MB of patient data in a hidden file.
_CLEAN_UP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


@contextmanager
def _signals_clean_up() -> Iterator[None]:
    """While the block runs, SIGTERM, SIGHUP and SIGQUIT end the process through
    ``SystemExit(128 + signal)``, so ``finally`` and ``except`` blocks (the temporary
    file's removal) run; the previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a library caller's thread
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in _CLEAN_UP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _real_target(target: Path) -> Path:
    """Where ``--output`` really writes: through a symbolic link to the file it names;
    refused when that is not a regular file (a device such as /dev/stdout: use -o -;
    a directory; a pipe) or is read-only (it would be replaced, not written)."""
    if target.is_symlink():
        target = target.resolve()
    if target.exists():
        if not target.is_file():
            raise InputError(
                f"output {str(target)!r}: not a regular file (a device, a directory or a "
                "pipe); write to a file, or give -o - for standard output",
                field="output",
            )
        if not target.stat().st_mode & 0o222:
            raise InputError(
                f"output {str(target)!r}: the file is read-only; make it writable or choose "
                "another file",
                field="output",
            )
    return target


def refuse_input_as_output(output: str | None, *inputs: str | os.PathLike[str]) -> None:
    """``--output`` may not name an input of the command: the report would replace the
    course file or the patient list it was computed from."""
    if output is None or output == "-":
        return
    out = Path(output)
    for item in inputs:
        source = Path(item)
        same = (
            out.exists() and source.exists() and os.path.samefile(out, source)
        ) or out.resolve() == source.resolve()
        if same:
            raise InputError(
                f"output {output!r} is the input {str(item)!r}: writing there would replace "
                "it; choose another file",
                field="output",
            )


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (:func:`open_atomic`).

    A failed write (disk full, permission lost) is a user-facing error naming the file.
    """
    try:
        with open_atomic(path) as stream:
            stream.write(text)
    except OSError as exc:
        raise _cannot_write(Path(path), exc) from None


def _cannot_write(target: Path, exc: OSError) -> InputError:
    """The one-line error of a write that failed (the previous file is left as it was)."""
    return InputError(
        f"output {str(target)!r}: cannot write ({exc.strerror}); the previous file, if "
        "any, is unchanged",
        field="output",
    )


def load_library(library_dirs: Sequence[str]) -> Library:
    """The built-in library with ``library_dirs`` (and REGIMENS_LIBRARY) over it.

    Its warnings (a user regimen shadowing a built-in one) are printed on stderr.
    """
    from regimens._read.library import load_library as load

    library = load(library_dirs)
    for message in library.warnings:
        click.echo(f"Warning: {cli_words(message)}", err=True)
    return library


def count(number: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``0 rows``: a number with its noun (English, regular plural)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def colour_enabled() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def severity_styler(text: str, severity: str) -> str:
    """Red for blocking, yellow for caution (used only when colour is enabled)."""
    colour = {"blocking": "red", "caution": "yellow"}.get(severity)
    return click.style(text, fg=colour, bold=severity == "blocking") if colour else text


def emit(text: str, output: str | None, *, ends_line: bool = False) -> None:
    """Write ``text`` to ``output`` atomically, or to standard output.

    ``ends_line``: a text that already ends in a line break (an ICS file's CRLF) gets
    no second one on standard output.
    """
    if output is None or output == "-":
        click.echo(text, nl=not (ends_line and text.endswith("\n")), color=colour_enabled())
    else:
        write_atomic(output, text if text.endswith("\n") else text + "\n")


def emit_document(
    kind: str, output_format: str, document: Any, output: str | None, **context: Any
) -> None:
    """Render ``document`` (a ``kind`` of the format registry) and :func:`emit` it.

    A table written to the terminal is coloured by severity (:func:`colour_enabled`).
    """
    from regimens._render.registry import render

    styled = output is None and colour_enabled()
    text = render(
        kind, output_format, document, style=severity_styler if styled else None, **context
    )
    # A calendar's ICS already ends in CRLF: no second line break on standard output.
    emit(text, output, ends_line=kind == "calendar")


class SectionedCommand(click.Command):
    """A command whose ``--help`` lists its options under headings.

    ``sections`` maps a heading to parameter names (the Python names); options not
    listed go under "Other options" (usually just ``--help``).
    """

    def __init__(self, *args: Any, sections: dict[str, list[str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sections = sections or {}

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Options only: arguments are described in the usage line and the help text
        # (click 8.2+ would otherwise list a bare "FILE" under "Other options").
        records = {
            param.name: record
            for param in self.get_params(ctx)
            if isinstance(param, click.Option)
            and (record := param.get_help_record(ctx)) is not None
            and param.name
        }
        placed: set[str] = set()
        for heading, names in self.sections.items():
            rows = [records[name] for name in names if name in records]
            placed.update(names)
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        rest = [record for name, record in records.items() if name not in placed]
        if rest:
            with formatter.section("Other options"):
                formatter.write_dl(rest)

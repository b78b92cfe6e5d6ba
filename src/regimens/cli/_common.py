"""What every command shares: exit codes, error reporting, common options."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from regimens.errors import RegimensError

__all__ = [
    "EXIT_BLOCKING",
    "EXIT_OK",
    "EXIT_USER_ERROR",
    "format_option",
    "library_option",
    "report_errors",
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


@contextmanager
def report_errors() -> Iterator[None]:
    """Turn the package's own errors into one line on stderr and exit status 2."""
    try:
        yield
    except RegimensError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """The ``--format`` option, with the formats a command supports."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices, case_sensitive=False),
        default=default,
        show_default=True,
        help="Output format.",
    )


def library_option(function: F) -> F:
    """``--library DIR`` (repeatable): extra regimen directories, after REGIMENS_LIBRARY."""
    return click.option(
        "--library",
        "library_dirs",
        multiple=True,
        type=click.Path(file_okay=False, dir_okay=True, exists=True),
        help="Extra regimen library directory (repeatable); also REGIMENS_LIBRARY.",
    )(function)

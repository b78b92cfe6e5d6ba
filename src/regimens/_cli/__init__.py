"""The ``regimens`` command line: a thin click layer over the library.

Each command lives in a private module that is imported only when that command runs
(:class:`LazyGroup`), so ``regimens bsa`` does not pay for the regimen library,
tabulate or pint when it does not need them.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from regimens._cli._common import EXIT_USER_ERROR, report_errors
from regimens._cli._startup import import_tabulate_lightly, skip_pydantic_plugin_discovery
from regimens._version import __version__

__all__ = ["main"]

#: command name → "module:attribute"; the module is imported when the command is used.
COMMANDS: dict[str, str] = {
    "bsa": "regimens._cli._measure:bsa_cmd",
    "crcl": "regimens._cli._measure:crcl_cmd",
    "list": "regimens._cli._library:list_cmd",
    "show": "regimens._cli._library:show_cmd",
    "validate": "regimens._cli._library:validate_cmd",
    "schema": "regimens._cli._library:schema_cmd",
    "sheet": "regimens._cli._sheet:sheet_cmd",
    "assess": "regimens._cli._assess:assess_cmd",
    "calendar": "regimens._cli._calendar:calendar_cmd",
    "check": "regimens._cli._check:check_cmd",
    "batch": "regimens._cli._batch:batch_cmd",
    "course": "regimens._cli._course:course_cmd",
    "next": "regimens._cli._next:next_cmd",
    "verify": "regimens._cli._verify:verify_cmd",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        skip_pydantic_plugin_discovery()
        import_tabulate_lightly()
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wiring bug
            raise TypeError(f"{target} is not a click command")
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            _refuse_repeated_options(command, ctx, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        with report_errors(ctx):
            try:
                return super().invoke(ctx)
            except click.UsageError as exc:
                # One line, like every other user error: "Error: Invalid value for
                # '--cycle'...", without click's usage and hint lines.
                exc.ctx = None
                raise


def _refuse_repeated_options(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """Refuse an option given twice that takes one value (click would keep the last).

    ``--weight 70 ... --weight 80`` must not silently compute a sheet for 80 kg.
    """
    takes_value: dict[str, str] = {}
    single: set[str] = set()
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            for opt in param.opts + param.secondary_opts:
                if not param.is_flag:
                    takes_value[opt] = param.opts[0]
                if not param.multiple and not param.count:
                    single.add(opt)
    seen: set[str] = set()
    position = 0
    while position < len(args):
        token = args[position]
        if token == "--":
            break
        name = token.split("=", 1)[0] if token.startswith("--") else token
        option = takes_value.get(name)
        if option is not None:
            if name in single:
                if option in seen:
                    raise click.UsageError(f"{option} is given more than once; give it once")
                seen.add(option)
            if "=" not in token:
                position += 1
        position += 1


_EPILOG = """\b
Exit status (every command):
  0  success: the output has no blocking warning
  1  regimens check: a prescribed dose outside tolerance, or a drug missing or extra
     regimens verify: the saved sheet differs from the one computed again
  2  user error: a bad value, an unknown name, an invalid file (one line on stderr;
     --debug shows the traceback); click's usage errors too; regimens batch: a
     row that gave an error record
  3  a sheet, calendar, check, course, next or batch printed WITH a blocking
     warning (e.g. a contraindicated drug): read the warnings before using it; an
     assessment (regimens assess) whose decision is delay or stop

\b
Colour only on a terminal; NO_COLOR turns it off.
Shell completion (bash; zsh and fish in docs/user-guide.md):
  eval "$(_REGIMENS_COMPLETE=bash_source regimens)"
"""


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_EPILOG,
)
@click.version_option(
    __version__, "--version", prog_name="regimens", message="%(prog)s %(version)s"
)
@click.option("--debug", is_flag=True, help="Show a traceback for errors (for bug reports).")
def main(debug: bool) -> None:
    """Chemotherapy regimen dose calculator: BSA, renal function, dose sheets.

    Clinical decision support only: every result must be checked by a qualified
    professional before a patient is treated. `regimens COMMAND --help` explains
    each command, with examples.

    \b
    Examples:
      regimens bsa --height 170 --weight 70
      regimens crcl --age 60 --weight 72 --sex M --creatinine 1.0
      regimens show FOLFOX-6
      regimens sheet FOLFOX-6 --height 170 --weight 70 --output folfox6-c1.html
      regimens assess FOLFOX-6 --height 170 --weight 70 --crcl 90 --lab anc=1.2 \\
          --lab platelets=140 --uracil 12
      regimens calendar FOLFOX-6 --start 2026-03-30 --cycles 12 --lang fr
    """


def run() -> None:  # pragma: no cover - used by tests of the entry point only
    """Entry point that never shows a traceback for a user mistake."""
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(EXIT_USER_ERROR)

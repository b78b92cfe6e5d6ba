"""Write docs/cli.md from the commands' own ``--help``.

Run ``python scripts/cli_reference.py`` after changing a command; the test suite
(tests/test_docs.py) fails while docs/cli.md differs from what this prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from regimens._cli import COMMANDS, main

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
WIDTH = 100

HEADER = """\
# CLI reference

Generated from `--help` by `python scripts/cli_reference.py`; do not edit by hand
(a test fails when this file is stale).
"""


def exit_statuses(main_help: str) -> str:
    """The exit statuses as ``regimens --help`` lists them, one source for both: the
    intro once said 3 was for ``sheet`` only and did not know the 1 of ``check``."""
    lines = main_help.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Exit status"))
    block: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line[2:] if line.startswith("  ") else line)
    return "\n".join(["Exit status of every command:", "", "```text", *block, "```", ""])


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="regimens", terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"regimens {' '.join(args)} --help failed: {result.output}")
    return result.output.rstrip()


def render() -> str:
    """The whole reference page."""
    main_help = _help([])
    parts = [HEADER, exit_statuses(main_help), "## regimens", "", "```text", main_help, "```", ""]
    for name in sorted(COMMANDS):
        parts += [f"## regimens {name}", "", "```text", _help([name]), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")

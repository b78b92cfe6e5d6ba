"""``regimens verify``: a saved sheet computed again from its own provenance."""

from __future__ import annotations

import sys

import click

from regimens._cli._common import SectionedCommand, emit_document, format_option
from regimens._render.registry import formats

__all__ = ["EXIT_DIFFERENT", "verify_cmd"]

#: Computing the sheet again did not give the saved one (or the saved one was edited).
EXIT_DIFFERENT = 1


@click.command("verify", cls=SectionedCommand, sections={"Output": ["output_format"]})
@click.argument("sheet", type=click.Path(dir_okay=False))
@format_option(*formats("verify"))
def verify_cmd(sheet: str, output_format: str) -> None:
    """Recompute a saved JSON sheet and list what differs.

    SHEET is the JSON of `regimens sheet --format json` (schema 1.5 or later). Its
    patient, options and regimens are computed again with the library files its
    provenance names: the built-in library of this version and the user libraries
    (--library, REGIMENS_LIBRARY) it was made with, from the same directories. The
    output says `identical`, or `different` with each difference: the field, its saved
    value and its value now (a changed drug fact names the changed doses; a changed
    file its SHA-256). The sheet's own hash (provenance.sheet_sha256) is checked
    against its content: an edited sheet is reported.

    Exit status: 0 identical; 1 different (or edited); 2 the sheet cannot be read, or a
    library file or directory it names is not available (moved or deleted).

    \b
    Examples:
      regimens verify folfox6-c1.json
      regimens verify folfox6-c1.json --format json

    (folfox6-c1.json saved by: regimens sheet FOLFOX-6 --height 170 --weight 70
    --crcl 90 --output folfox6-c1.json)
    """
    from pathlib import Path

    from regimens._api import verify_sheet

    result = verify_sheet(Path(sheet))
    emit_document("verify", output_format, result, None)
    if not result.identical:
        sys.exit(EXIT_DIFFERENT)

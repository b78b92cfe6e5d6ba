"""``regimens list``, ``show``, ``validate`` and ``schema``: the regimen library."""

from __future__ import annotations

import json

import click

from regimens._cli._common import (
    EXIT_USER_ERROR,
    SectionedCommand,
    count,
    emit_document,
    format_option,
    lang_option,
    library_option,
    load_library,
    terminal_safe,
)
from regimens._render.catalogue import Lang
from regimens._render.registry import formats

__all__ = ["list_cmd", "schema_cmd", "show_cmd", "validate_cmd"]


@click.command(
    "list",
    cls=SectionedCommand,
    sections={"Output": ["output_format", "lang"], "Library": ["library_dirs"]},
)
@library_option
@format_option(*formats("list"))
@lang_option
def list_cmd(library_dirs: tuple[str, ...], output_format: str, lang: Lang) -> None:
    """List the regimens of the library.

    One line per regimen: id, name, kind, cycle length, usual number of cycles,
    aliases. User libraries (--library, REGIMENS_LIBRARY) are included; a user regimen that
    shadows a built-in one is marked and reported on stderr. --lang fr writes the table
    in French (the library's name_fr where a file gives it); JSON stays English.

    \b
    Examples:
      regimens list
      regimens list --lang fr
      regimens list --library ./my-regimens --format json
    """
    emit_document("list", output_format, load_library(library_dirs), None, lang=lang)


@click.command(
    "show",
    cls=SectionedCommand,
    sections={"Output": ["output_format", "lang"], "Library": ["library_dirs"]},
)
@click.argument("name")
@library_option
@format_option(*formats("show"))
@lang_option
def show_cmd(name: str, library_dirs: tuple[str, ...], output_format: str, lang: Lang) -> None:
    """Show a regimen's protocol: doses, days, order, sources.

    Every administration with its dose, days, route, method and duration, in the
    order given, with its notes and sources.
    NAME is an id or alias, in any case (EOX, mfolfox6). The drug facts that apply
    (renal bands, cumulative limits, products) and the supportive regimens given
    with it are shown too. --format fhir writes the regimen as a FHIR R4
    PlanDefinition with one ActivityDefinition per administration (docs/fhir.md).
    --lang fr writes the text in French: the library's French texts (name_fr,
    description_fr, notes_fr, text_fr, label_fr) where a file gives them, else the
    English; JSON and FHIR stay as they are.

    \b
    Examples:
      regimens show FOLFOX-6
      regimens show FOLFOX-6 --lang fr
      regimens show mfolfox6 --format json
      regimens show EOX --format fhir
    """
    library = load_library(library_dirs)
    emit_document("show", output_format, library.get(name), None, library=library, lang=lang)


@click.command("validate", cls=SectionedCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate_cmd(paths: tuple[str, ...]) -> None:
    """Check regimen files and directories for problems.

    Every problem found is listed on its own line as FILE:LINE: FIELD: REASON. A file
    is checked with the built-in library and the drugs.toml beside it; a
    directory as a library of its own over the built-in one. Exits 0 only when
    everything is valid (2 otherwise). In valid files, a text without its French
    form (name_fr, description_fr, notes_fr, note_fr, text_fr, label_fr) is listed
    on stderr as a warning that does not change the exit status.

    \b
    Examples:
      regimens validate my-regimens/
      regimens validate my-regimens/folfoxiri.toml my-regimens/drugs.toml
    """
    from regimens._read.library import validate_paths
    from regimens._read.translations import missing_translations

    problems = validate_paths(paths)
    for problem in problems:
        click.echo(terminal_safe(problem))
    if problems:
        click.echo(f"{count(len(problems), 'problem')} found.", err=True)
        raise SystemExit(EXIT_USER_ERROR)
    # A text without its French form is shown in English: a warning, not a problem
    # (listed once the files are valid, so that it never hides a problem).
    for warning in missing_translations(paths):
        click.echo(terminal_safe(warning), err=True)
    click.echo(f"OK: {count(len(paths), 'path')} valid.")


@click.command("schema", cls=SectionedCommand, sections={"Schema": ["kind"]})
@click.option(
    "--kind",
    "kind",
    type=click.Choice(["regimen", "drugs", "sheet"]),
    default="regimen",
    show_default=True,
    help="regimen: a regimen file; drugs: drugs.toml; sheet: the JSON of `regimens sheet`.",
)
def schema_cmd(kind: str) -> None:
    """Print a JSON Schema generated from the models.

    Editors that validate TOML against a JSON Schema (e.g. Taplo) can use the
    library ones; tools reading `regimens sheet --format json` can use the sheet one.
    The schemas are kept in docs/ (regimen.schema.json, drugs.schema.json,
    sheet.schema.json).

    \b
    Examples:
      regimens schema > docs/regimen.schema.json
      regimens schema --kind drugs
      regimens schema --kind sheet
    """
    if kind == "sheet":
        from regimens._render.sheet_json import sheet_json_schema

        schema = sheet_json_schema()
    else:
        from regimens._read.regimen_file import file_json_schema

        schema = file_json_schema("drugs") if kind == "drugs" else file_json_schema("regimen")
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))

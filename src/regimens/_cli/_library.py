"""``regimens list``, ``show``, ``validate`` and ``schema``: the regimen library."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from regimens._cli._common import (
    EXIT_USER_ERROR,
    SectionedCommand,
    count,
    format_option,
    library_option,
)

if TYPE_CHECKING:
    from regimens._models.regimen import (
        Component,
        DrugFacts,
        Regimen,
        RenalBand,
        SupportiveSchedule,
    )
    from regimens._read.library import Library

__all__ = ["list_cmd", "schema_cmd", "show_cmd", "validate_cmd"]

_WIDTH = 100


def _load(library_dirs: Sequence[str]) -> Library:
    from regimens._read.library import load_library

    library = load_library(library_dirs)
    for message in library.warnings:
        click.echo(f"Warning: {message}", err=True)
    return library


@click.command(
    "list",
    cls=SectionedCommand,
    sections={"Output": ["output_format"], "Library": ["library_dirs"]},
)
@library_option
@format_option("table", "json")
def list_cmd(library_dirs: tuple[str, ...], output_format: str) -> None:
    """List the regimens of the library.

    One line per regimen: id, name, kind, cycle length, usual number of cycles,
    aliases. User libraries (--library, REGIMENS_LIBRARY) are included; a user regimen that
    shadows a built-in one is marked and reported on stderr.

    \b
    Examples:
      regimens list
      regimens list --library ./my-regimens --format json
    """
    library = _load(library_dirs)
    if output_format == "json":
        rows = [
            {
                "id": regimen.id,
                "name": regimen.name,
                "aliases": list(regimen.aliases),
                "kind": regimen.kind,
                "cycle_length_days": regimen.cycle_length_days,
                "usual_cycles": regimen.usual_cycles,
                "description": regimen.description,
                "file": _file_json(library, regimen.id),
            }
            for regimen in library
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from tabulate import tabulate

    table = [
        [
            regimen.id + ("" if library.file_of(regimen.id).builtin else " *"),
            regimen.name,
            regimen.kind,
            f"{regimen.cycle_length_days} d",
            regimen.usual_cycles if regimen.usual_cycles is not None else "-",
            ", ".join(regimen.aliases) or "-",
        ]
        for regimen in library
    ]
    headers = ["ID", "Name", "Kind", "Cycle", "Cycles", "Aliases"]
    click.echo(tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True))
    if any(not library.file_of(regimen.id).builtin for regimen in library):
        click.echo("\n* from a user library (--library or REGIMENS_LIBRARY)")


@click.command(
    "show",
    cls=SectionedCommand,
    sections={"Output": ["output_format"], "Library": ["library_dirs"]},
)
@click.argument("name")
@library_option
@format_option("table", "json")
def show_cmd(name: str, library_dirs: tuple[str, ...], output_format: str) -> None:
    """Show a regimen's protocol: doses, days, order, sources.

    Every administration with its dose, days, route, method and duration, in the
    order given, with its notes and sources.
    NAME is an id or alias, in any case (EOX, mfolfox6). The drug facts that apply
    (renal bands, cumulative limits, products) and the supportive regimens given
    with it are shown too.

    \b
    Examples:
      regimens show FOLFOX-6
      regimens show mfolfox6 --format json
    """
    library = _load(library_dirs)
    regimen = library.get(name)
    if output_format == "json":
        click.echo(json.dumps(_show_json(library, regimen), indent=2, ensure_ascii=False))
    else:
        click.echo(_show_text(library, regimen))


@click.command("validate", cls=SectionedCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate_cmd(paths: tuple[str, ...]) -> None:
    """Check regimen files and directories for problems.

    Every problem found is listed on its own line as FILE:LINE: FIELD: REASON. A file
    is checked with the built-in library and the drugs.toml beside it; a
    directory as a library of its own over the built-in one. Exits 0 only when
    everything is valid (2 otherwise).

    \b
    Examples:
      regimens validate my-regimens/
      regimens validate my-regimens/folfoxiri.toml my-regimens/drugs.toml
    """
    from regimens._read.library import validate_paths

    problems = validate_paths(paths)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{count(len(problems), 'problem')} found.", err=True)
        raise SystemExit(EXIT_USER_ERROR)
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
        from regimens._models.regimen import file_json_schema

        schema = file_json_schema("drugs") if kind == "drugs" else file_json_schema("regimen")
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))


# --- rendering -------------------------------------------------------------------------


def _file_json(library: Library, regimen_id: str) -> dict[str, Any]:
    file = library.file_of(regimen_id)
    return {"path": file.path, "sha256": file.sha256, "builtin": file.builtin}


def _show_json(library: Library, regimen: Regimen) -> dict[str, Any]:
    drugs = dict.fromkeys(component.drug for component in regimen.components)
    return {
        "regimen": regimen.model_dump(mode="json"),
        "file": _file_json(library, regimen.id),
        "drugs": {inn: library.drug(inn).model_dump(mode="json") for inn in drugs},
        "given_with_this": [
            {"supportive": supportive.id, "schedule": schedule.model_dump(mode="json")}
            for supportive, schedule in library.supportive_for(regimen.id)
        ],
    }


def _number(value: float) -> str:
    return f"{value:.6g}"


def _times(intakes: int) -> str:
    return {1: "once daily", 2: "twice daily", 3: "three times daily"}.get(
        intakes, f"{intakes} times daily"
    )


def _dose_text(component: Component) -> str:
    dose, unit = component.dose, component.dose.unit
    if component.dose_per == "day" and component.intakes_per_day > 1:
        per_intake = _number(component.dose_per_intake)
        return (
            f"{_number(dose.amount)} {unit}/day = {per_intake} {unit} "
            f"{_times(component.intakes_per_day)}"
        )
    if component.dose_per == "day":
        return f"{_number(dose.amount)} {unit}/day"
    if component.intakes_per_day > 1:
        return f"{_number(dose.amount)} {unit} {_times(component.intakes_per_day)}"
    return f"{_number(dose.amount)} {unit}"


def _duration_text(hours: float | None) -> str:
    if hours is None:
        return "-"
    if hours < 1 or not float(hours).is_integer():
        return f"{_number(hours * 60)} min"
    return f"{_number(hours)} h"


def _method_text(component: Component) -> str:
    return component.method.replace("_", " ")


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        text,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _show_text(library: Library, regimen: Regimen) -> str:
    from tabulate import tabulate

    file = library.file_of(regimen.id)
    cycles = str(regimen.usual_cycles) if regimen.usual_cycles else "not fixed"
    lines = [
        f"{regimen.id}: {regimen.name}",
        f"Aliases:     {', '.join(regimen.aliases) or '-'}",
        f"Kind:        {regimen.kind}",
        f"Cycle:       every {regimen.cycle_length_days} days; usual number of cycles: {cycles}",
        *textwrap.wrap(f"Setting:     {regimen.setting}", width=_WIDTH, subsequent_indent=" " * 13),
        *textwrap.wrap(
            f"Description: {regimen.description}", width=_WIDTH, subsequent_indent=" " * 13
        ),
        "",
    ]
    table = [
        [
            component.order,
            component.days_text,
            component.drug,
            _dose_text(component),
            component.route,
            _method_text(component),
            _duration_text(component.duration_h),
        ]
        for component in sorted(regimen.components, key=lambda c: c.order)
    ]
    headers = ["Order", "Days", "Drug", "Dose", "Route", "Given as", "Over"]
    lines.append(tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True))
    lines += ["", "Administration notes and sources:"]
    for component in sorted(regimen.components, key=lambda c: c.order):
        lines.append(f"  {component.order}. {component.drug} {_dose_text(component)}")
        if component.notes:
            lines.append(_wrap(f"Notes: {component.notes}", "     "))
        lines.append(_wrap(f"Source: {component.source}", "     "))
        lines.extend(_wrap(f"UNVERIFIED: {item}", "     ") for item in component.unverified)
    lines += _given_with_text(library, regimen)
    lines += _drug_facts_text(library, regimen)
    if regimen.notes:
        lines += ["", "Notes:"]
        lines += [_wrap(f"- {note}") for note in regimen.notes]
    lines += ["", "References:"]
    for index, reference in enumerate(regimen.references, start=1):
        ids = [
            f"PMID:{reference.pmid}" if reference.pmid else "",
            f"doi:{reference.doi}" if reference.doi else "",
            reference.url or "",
        ]
        text = " ".join(part for part in [reference.citation, *ids] if part)
        lines.append(_wrap(f"{index}. {text}"))
        if reference.note:
            lines.append(_wrap(reference.note, "     "))
    origin = "built-in" if file.builtin else "user library"
    lines += ["", f"File: {file.path} ({origin}, sha256 {file.sha256[:12]})"]
    lines.append("Clinical decision support only: a qualified professional must check every dose.")
    return "\n".join(lines)


def _given_with_text(library: Library, regimen: Regimen) -> list[str]:
    lines: list[str] = []
    for schedule in regimen.given_with:
        lines += [
            "",
            _wrap(f"Given with {schedule.regimen}: day {schedule.day} of {_every(schedule)}", ""),
        ]
        lines.append(_wrap(f"Source: {schedule.source}"))
        if schedule.notes:
            lines.append(_wrap(f"Notes: {schedule.notes}"))
        lines.extend(_wrap(f"UNVERIFIED: {item}") for item in schedule.unverified)
    for supportive, schedule in library.supportive_for(regimen.id):
        text = (
            f"Supportive treatment given with this regimen: {supportive.id} ({supportive.name}), "
            f"day {schedule.day} of {_every(schedule)}"
        )
        lines += ["", _wrap(text, "")]
    return lines


def _every(schedule: SupportiveSchedule) -> str:
    """``every 2nd cycle from cycle 1`` (the host's cycles 1, 3, 5...)."""
    number = schedule.every_n_cycles
    if number == 1:
        every = "every cycle"
    else:
        last = number % 10 if number % 100 not in (11, 12, 13) else 0
        every = f"every {number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(last, 'th') } cycle"
    cycles = ", ".join(str(schedule.first_cycle + i * number) for i in range(3))
    return f"{every} from cycle {schedule.first_cycle} (cycles {cycles}...)"


def _drug_facts_text(library: Library, regimen: Regimen) -> list[str]:
    lines = ["", "Drug facts (drugs.toml):"]
    for inn in dict.fromkeys(component.drug for component in regimen.components):
        facts = library.drug(inn)
        names = f" ({', '.join(facts.aliases)})" if facts.aliases else ""
        lines.append(_wrap(f"{facts.inn}{names}"))
        lines += _product_lines(facts)
        if facts.cumulative_limit:
            limit = facts.cumulative_limit
            # Named by its kind: an advisory threshold is not a label's limit.
            kind = (
                "Cumulative limit (label)"
                if limit.kind == "limit"
                else "Cumulative threshold (advisory)"
            )
            lines.append(
                _wrap(f"{kind}: {_number(limit.amount)} {limit.unit}. {limit.source}", "     ")
            )
        if facts.renal_rule:
            rule = facts.renal_rule
            lines.append(_wrap(f"Renal rule (Cockcroft–Gault CrCl): {rule.source}", "     "))
            for band in rule.bands:
                lines.append(f"       {_band_interval(band)}  {band.label}")
            lines.extend(_wrap(note, "     ") for note in rule.notes[:1])
    return lines


def _product_lines(facts: DrugFacts) -> list[str]:
    parts = []
    if facts.tablet_strengths_mg:
        strengths = ", ".join(f"{_number(s)} mg" for s in facts.tablet_strengths_mg)
        parts.append(f"tablets {strengths}")
    if facts.concentration_mg_per_ml is not None:
        parts.append(f"{_number(facts.concentration_mg_per_ml)} mg/mL")
    if facts.rounding_increment_mg is not None:
        parts.append(f"rounded to {_number(facts.rounding_increment_mg)} mg")
    return [f"     Products: {'; '.join(parts)}"] if parts else []


def _band_interval(band: RenalBand) -> str:
    low = "[" if band.min_inclusive else "("
    high = "]" if band.max_inclusive else ")"
    lower = _number(band.min_ml_min) if band.min_ml_min is not None else "0"
    if band.min_ml_min is None:
        low = "["
    upper = _number(band.max_ml_min) if band.max_ml_min is not None else "∞"
    if band.max_ml_min is None:
        high = ")"
    return f"{low}{lower}, {upper}{high}".ljust(11)

"""``regimens calendar``: the dates of a course, cycle by cycle."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from regimens._cli._common import (
    EXIT_BLOCKING,
    SectionedCommand,
    choose_format,
    format_option,
    lang_option,
    library_option,
    output_option,
    write_atomic,
)
from regimens._cli._measure import height_option, sex_option, weight_option

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["calendar_cmd"]

#: As regimens._render.calendar.FORMATS (not imported here: --help stays light).
_FORMATS = ("table", "grid", "markdown", "csv", "html", "json", "ics", "fhir")


@click.command(
    "calendar",
    cls=SectionedCommand,
    sections={
        "Course": ["start", "cycles", "delays", "supportive"],
        "Weekends and holidays": ["country", "avoid"],
        "Patient (for doses)": ["height", "weight", "sex", "age", "creatinine", "crcl"],
        "Output": ["output_format", "output", "lang", "course_key"],
        "Library": ["library_dirs"],
    },
)
@click.argument("regimen")
@click.option(
    "--start", required=True, metavar="YYYY-MM-DD", help="Date of cycle 1 day 1, e.g. 2026-01-05."
)
@click.option(
    "--cycles",
    type=int,
    help="Number of cycles (default: the regimen's usual number, if the library gives one).",
)
@click.option(
    "--delay",
    "delays",
    multiple=True,
    metavar="CYCLE=DAYS[:REASON]",
    help="Postpone a cycle and all later ones, e.g. 3=7:neutropenia (repeatable).",
)
@click.option(
    "--country",
    metavar="CODE",
    help="Flag public holidays of this country (ISO code, e.g. FR; subdivision: DE-BY).",
)
@click.option(
    "--avoid",
    metavar="weekends,holidays",
    multiple=True,
    help="Move a cycle whose day 1 falls on a weekend and/or holiday to the next working day.",
)
@click.option(
    "--with",
    "supportive",
    multiple=True,
    metavar="SUPPORTIVE",
    help="Supportive regimen given with this one, e.g. ZOLEDRONIC-ACID (repeatable).",
)
@height_option
@weight_option
@sex_option
@click.option("--age", help="Age in years (with --creatinine).")
@click.option("--creatinine", help="Serum creatinine, e.g. 0.9 (mg/dL) or '80 umol/L'.")
@click.option("--crcl", help="Creatinine clearance in mL/min, instead of --creatinine.")
@click.option(
    "--course-key",
    metavar="KEY",
    help="ICS: a patient or course key mixed (hashed) into event UIDs, so that two "
    "courses in one calendar application stay apart.",
)
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def calendar_cmd(
    regimen: str,
    start: str,
    cycles: int | None,
    delays: tuple[str, ...],
    country: str | None,
    avoid: tuple[str, ...],
    supportive: tuple[str, ...],
    height: str | None,
    weight: str | None,
    sex: str | None,
    age: str | None,
    creatinine: str | None,
    crcl: str | None,
    course_key: str | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
) -> None:
    """Dates of every cycle of REGIMEN and what is given on each date.

    Day N of a cycle is its day 1 + (N - 1) days. A delay postpones that cycle and
    every later one; both the planned and the actual day 1 are shown. Continuous
    infusions show the pump going on and coming off (46 h from day 1: day 3). With
    the patient's measurements, each administration carries its dose.
    Formats: table (the default), grid (wall calendar), markdown, csv (one row per
    administration per date), html (self-contained, a month per A4 landscape page),
    json (docs/json-output.md), ics (calendar applications), fhir (a FHIR R4 Bundle
    of draft proposals, docs/fhir.md). --lang fr translates table, grid, markdown,
    html and the CSV headers; JSON, ICS and FHIR stay English.
    --output FILE writes atomically; its extension (.txt, .md, .csv, .html, .json,
    .ics, .fhir.json) picks the format when --format is not given.

    Exit status: 0 calendar; 3 calendar printed WITH a blocking dose warning; 2 user error.

    \b
    Examples:
      regimens calendar FOLFOX-6 --start 2026-03-30 --cycles 12 --with ZOLEDRONIC-ACID
      regimens calendar EOX --start 2026-01-05 --delay 3=7:neutropenia --country FR
      regimens calendar FOLFOX-6 --start 2026-03-30 --cycles 12 --country FR \\
          --avoid weekends,holidays --output folfox.ics
      regimens calendar EOX --start 2026-01-05 --height 165 --weight 60 --crcl 80 \\
          --lang fr --output eox.html
    """
    from regimens._calc.calendar import (
        CalendarOptions,
        build_calendar,
        parse_avoid,
        parse_delay,
        parse_iso_date,
    )
    from regimens._errors import InputError
    from regimens._read.library import load_library
    from regimens._render.calendar import render_calendar

    chosen = choose_format(output_format, output, _FORMATS)
    first_day = parse_iso_date(start, field="start")
    options = CalendarOptions(
        cycles=cycles,
        delays=tuple(parse_delay(text) for text in delays),
        country=country,
        avoid=parse_avoid(avoid),
        supportive=supportive,
    )
    if creatinine is not None and crcl is not None:
        raise InputError(
            "give --creatinine or --crcl, not both (--crcl overrides the Cockcroft-Gault "
            "estimate; say which one to use)",
            field="crcl",
        )
    patient = None
    if any(value is not None for value in (height, weight, sex, age, creatinine, crcl)):
        from regimens._read.patient import make_patient

        patient = make_patient(
            height=height, weight=weight, sex=sex, age=age, creatinine=creatinine, crcl=crcl
        )
    library = load_library(library_dirs)
    for message in library.warnings:
        click.echo(f"Warning: {message}", err=True)
    calendar = build_calendar(library, regimen, first_day, options, patient=patient)
    drugs = {
        item.drug for cycle in calendar.cycles for day in cycle.days for item in day.administrations
    }
    names = {inn: dict(library.drug(inn).local_names) for inn in sorted(drugs)}
    if chosen == "fhir":
        # Only this format loads fhir.resources (docs/fhir.md).
        from regimens._render import fhir

        text = fhir.bundle_json(fhir.calendar_bundle(calendar, library=library))
    else:
        text = render_calendar(calendar, chosen, lang=lang, drug_names=names, course_key=course_key)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))  # an ICS file already ends in CRLF
    else:
        write_atomic(output, text if text.endswith("\n") else text + "\n")
    if calendar.blocking:
        sys.exit(EXIT_BLOCKING)

"""``regimens calendar``: the dates of a course, cycle by cycle."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from regimens._cli._common import (
    EXIT_BLOCKING,
    FLAG_OF_FIELD,
    SectionedCommand,
    choose_format,
    emit_document,
    format_option,
    lang_option,
    library_option,
    load_library,
    output_option,
)
from regimens._cli._options import (
    ASSESSMENT_OPTIONS,
    ASSESSMENT_SECTION,
    BSA_SECTION,
    DOSE_GROUP,
    IDENTITY_OPTIONS,
    PATIENT_OPTIONS,
    assessment_from,
    assessment_options,
    dose_options,
    identity_options,
    patient_from,
    patient_options,
    pop_assessment,
    sheet_options,
    supportive_option,
)
from regimens._render.registry import formats

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["calendar_cmd"]

_FORMATS = formats("calendar")


@click.command(
    "calendar",
    cls=SectionedCommand,
    sections={
        "Course": ["start", "cycles", "delays", "supportive"],
        "Weekends and holidays": ["country", "avoid"],
        "Patient": IDENTITY_OPTIONS,
        "Patient (for doses)": PATIENT_OPTIONS,
        "Body surface area": BSA_SECTION,
        "Dose": DOSE_GROUP,
        # --country is listed under "Weekends and holidays": one option for both.
        ASSESSMENT_SECTION: [name for name in ASSESSMENT_OPTIONS if name != "country"],
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
    help="Flag public holidays of this country (ISO code, e.g. FR; subdivision: DE-BY); "
    "with another treatment-day option, its rules apply to the doses too.",
)
@click.option(
    "--avoid",
    metavar="weekends,holidays",
    multiple=True,
    help="Move a cycle whose day 1 falls on a weekend and/or holiday to the next working day.",
)
@supportive_option
@identity_options("calendar")
@patient_options()
@dose_options()
@assessment_options(country=False)
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
    course_key: str | None,
    patient_id: str | None,
    patient_name: str | None,
    patient_dob: str | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
    **params: Any,
) -> None:
    """Dates of every cycle of REGIMEN and what is given on each date.

    Day N of a cycle is its day 1 + (N - 1) days. A delay postpones that cycle and
    every later one; both the planned and the actual day 1 are shown. Continuous
    infusions show the pump going on and coming off (46 h from day 1: day 3). With
    the patient's measurements, each administration carries its dose, from each
    cycle's dose sheet (the BSA and dose options as for `regimens sheet`).
    Formats: table (the default), grid (wall calendar), markdown, csv (one row per
    administration per date), html (self-contained, a month per A4 landscape page),
    json (docs/json-output.md), ics (calendar applications), fhir (a FHIR R4 Bundle
    of draft proposals, docs/fhir.md). --lang fr translates table, grid, markdown,
    html, the CSV headers and weekdays, and the ICS texts; JSON and FHIR stay English.
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
          --patient-id 123456 --patient-name "Jane Doe" --patient-dob 1956-04-23 \\
          --lang fr --output eox.html
    """
    from regimens._calc.calendar import build_calendar
    from regimens._models.calendar import CalendarOptions
    from regimens._read.calendar import parse_avoid, parse_delay, parse_iso_date

    chosen = choose_format(output_format, output, _FORMATS)
    first_day = parse_iso_date(start, field="start")
    options = CalendarOptions(
        cycles=cycles,
        delays=tuple(parse_delay(text) for text in delays),
        country=country,
        avoid=parse_avoid(avoid),
        supportive=supportive,
    )
    measurements = {name: params.pop(name) for name in PATIENT_OPTIONS}
    # --country is also the holidays' country: alone, it makes no assessment.
    day = {**pop_assessment(params), "country": country}
    patient = None
    if any(value is not None for value in measurements.values()):
        patient = patient_from(**measurements)
    else:
        # A dose option without measurements would change nothing: no dose is shown.
        context = click.get_current_context()
        given = [
            name
            for name in [*params, *day]
            if name != "country"
            and context.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        ]
        if given:
            flag = FLAG_OF_FIELD.get(given[0], "--" + given[0].replace("_", "-"))
            raise click.UsageError(
                f"{flag} applies to doses: give the patient's measurements (--height, "
                "--weight...) for a calendar with doses"
            )
    library = load_library(library_dirs)
    assessment = assessment_from(library, day, country_alone=False)
    calendar = build_calendar(
        library,
        regimen,
        first_day,
        options,
        patient=patient,
        sheet_options=sheet_options(library, assessment=assessment, **params),
        patient_id=patient_id,
        patient_name=patient_name,
        patient_dob=patient_dob,
    )
    drugs = {
        item.drug for cycle in calendar.cycles for day in cycle.days for item in day.administrations
    }
    names = {inn: dict(library.drug(inn).local_names) for inn in sorted(drugs)}
    emit_document(
        "calendar",
        chosen,
        calendar,
        output,
        lang=lang,
        drug_names=names,
        course_key=course_key,
        library=library,
    )
    if calendar.blocking:
        sys.exit(EXIT_BLOCKING)

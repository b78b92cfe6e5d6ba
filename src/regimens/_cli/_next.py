"""``regimens next``: the sheet of the next cycle of a course's last line (issue 20)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from regimens._cli._common import (
    EXIT_BLOCKING,
    SectionedCommand,
    choose_format,
    emit_document,
    format_option,
    lang_option,
    library_option,
    load_library,
    output_option,
    refuse_input_as_output,
)
from regimens._cli._options import (
    ASSESSMENT_OPTIONS,
    ASSESSMENT_SECTION,
    PATIENT_OPTIONS,
    assessment_from,
    assessment_options,
    patient_options,
    pop_assessment,
)
from regimens._render.registry import formats

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["next_cmd"]

_FORMATS = formats("next")


#: The help's headings: the measurements of today, the levels, the day's assessment.
_SECTIONS = {
    "Measured today (else the last cycle's)": PATIENT_OPTIONS,
    "Dose levels": ["drug_dose_level"],
    ASSESSMENT_SECTION: ASSESSMENT_OPTIONS,
    "Dates": ["avoid", "labs_before_days"],
    "Output": ["output_format", "output", "lang"],
    "Library": ["library_dirs"],
}

_LEVEL_HELP = (
    "Dose level of one drug for this cycle, replacing the level carried forward "
    "(capecitabine: never above it, its label) (repeatable)."
)


@click.command("next", cls=SectionedCommand, sections=_SECTIONS)
@click.argument("file", type=click.Path(dir_okay=False))
@patient_options()
@click.option("--drug-dose-level", multiple=True, metavar="DRUG=PCT[:REASON]", help=_LEVEL_HELP)
@assessment_options()
@click.option(
    "--avoid",
    multiple=True,
    metavar="weekends,holidays",
    help="As on `regimens calendar`: day 1 off a weekend and/or a holiday of --country.",
)
@click.option(
    "--labs-before-days",
    type=int,
    default=1,
    show_default=True,
    help="The blood test this many days before each day 1 (a library default, not "
    "from a source: the regimen files have no such field yet).",
)
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def next_cmd(
    file: str,
    drug_dose_level: tuple[str, ...],
    avoid: tuple[str, ...],
    labs_before_days: int,
    output_format: str | None,
    output: str | None,
    lang: Lang,
    library_dirs: tuple[str, ...],
    **params: Any,
) -> None:
    """The sheet of the next cycle of the last line in the course FILE.

    Its number (the line's cycles + 1) and date (the last cycle's day 1 + the cycle
    length, moved by --avoid); the last cycle's measurements unless given now; each
    drug reduced in an earlier cycle kept at its lowest level, with the cycle and
    reason of the reduction (capecitabine by its label; the library re-escalates
    nothing by itself: --drug-dose-level says otherwise); today's labs and toxicity
    assessed as by `regimens sheet`. Text and JSON add the calendar of the cycles still
    planned (the line's planned_cycles) with the blood test before each; markdown,
    csv, html and fhir are the sheet's formats. File format: docs/course.md.

    Exit status: 0 sheet without blocking warnings; 3 sheet printed WITH a blocking
    warning; 2 user error.

    \b
    Examples:
      regimens next docs/examples/folfox6-record.toml
      regimens next docs/examples/folfox6-record.toml --weight 66 --lab anc=1.9 \\
          --lab platelets=150 --toxicity neuropathy=1 --date 2026-03-09
      regimens next docs/examples/case-report-course.toml --format json
    """
    from regimens._calc.course_next import next_cycle
    from regimens._cli._options import sheet_options
    from regimens._read.calendar import parse_avoid
    from regimens._read.course import course_assessments, load_course, read_measurements

    measured = {name: params.pop(name) for name in PATIENT_OPTIONS}
    given = {name: value for name, value in measured.items() if value is not None}
    if "creatinine" in given and "crcl" in given:
        raise click.UsageError("give --creatinine or --crcl, not both")
    now = read_measurements(given) if given else {}
    chosen = choose_format(output_format, output, _FORMATS)
    library = load_library(library_dirs)
    day = pop_assessment(params)
    assessment = assessment_from(library, day)
    options = sheet_options(
        library,
        bsa_formula="mosteller",  # replaced by the course file's
        bsa_decimals=2,
        bsa_cap=None,
        bsa_spread_tolerance=5.0,
        weight_basis="actual",
        dose_level=100,
        dose_level_reason=None,
        drug_dose_level=drug_dose_level,
        rounding="default",
        tolerance=5.0,
        assessment=assessment,
    )
    refuse_input_as_output(output, file)
    course = load_course(file)
    course_assessments(library, course, source=file)
    document = next_cycle(
        library,
        course,
        options,
        measured_now=now,
        source=file,
        avoid=parse_avoid(avoid),
        country=day.get("country"),
        labs_before_days=labs_before_days,
    )
    emit_document("next", chosen, document, output, lang=lang, library=library)
    if document.blocking:
        sys.exit(EXIT_BLOCKING)

"""``regimens course``: cumulative doses over a patient's lines of treatment."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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
from regimens._render.registry import formats

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["course_cmd"]

_FORMATS = formats("course")


def _equivalence(values: tuple[str, ...]) -> dict[str, float]:
    """``DRUG=RATIO`` → {drug: ratio}."""
    from regimens._errors import InputError

    ratios: dict[str, float] = {}
    for value in values:
        drug, sep, ratio = value.partition("=")
        try:
            if not sep or not drug.strip():
                raise ValueError(value)
            ratios[drug.strip()] = float(ratio)
        except ValueError:
            raise InputError(
                f"--equivalence must be DRUG=RATIO (e.g. epirubicin=1), got {value!r}",
                field="equivalence",
            ) from None
    return ratios


@click.command(
    "course",
    cls=SectionedCommand,
    sections={
        "Cumulative doses": ["equivalence"],
        "Treatment record": ["rdi_threshold", "weight_change_threshold"],
        "Output": ["output_format", "output", "lang"],
        "Library": ["library_dirs"],
    },
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--equivalence",
    multiple=True,
    metavar="DRUG=RATIO",
    help="Doxorubicin-equivalence ratio of an anthracycline, replacing the library's "
    "(epirubicin: 0.8, Feijen 2019); e.g. epirubicin=1 for the COG 1:1 rule (repeatable).",
)
@click.option(
    "--rdi-threshold",
    type=float,
    default=85.0,
    show_default=True,
    help="RDI_BELOW_THRESHOLD when a drug's relative dose intensity in a line is below "
    "this, % (85: the usual cut-off, Lyman 2009).",
)
@click.option(
    "--weight-change-threshold",
    type=float,
    help="WEIGHT_CHANGED when a cycle's weight differs from the line's first or the "
    "previous cycle by this % or more [default: the library's, 10].",
)
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def course_cmd(
    file: str,
    equivalence: tuple[str, ...],
    rdi_threshold: float,
    weight_change_threshold: float | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
) -> None:
    """Cumulative doses over the lines of treatment in FILE.

    FILE (TOML or JSON) lists a patient's lines of treatment: regimen, cycles, dates,
    measurements.
    Per drug, per line and in total: mg/m2 (dose intensity, before rounding) and mg
    (the rounded doses of each cycle's sheet); anthracyclines also as
    doxorubicin-equivalent mg/m2; and each cumulative limit of the library met in the
    course (epirubicin 900 mg/m2, label; oxaliplatin 842 mg/m2, advisory) with how many
    more cycles of the current (last) line fit under it. With dated cycles, each line's
    record: the cycles as given (given, withheld, labs, toxicity), their delays, the
    relative dose intensity of each drug (Hryniuk: mg/m2 per week given / planned)
    and the weight guard. `regimens next FILE` computes the next cycle. File format:
    docs/course.md, docs/course.schema.json. Formats: table (the default), markdown,
    csv, json.

    Exit status: 0 report without blocking warnings; 3 report printed WITH a blocking
    warning (a label's cumulative limit passed, or a drug withheld in a line); 2 user
    error (the message names the line and the field, e.g. lines[3].cycles).

    \b
    Examples:
      regimens course docs/examples/case-report-course.toml
      regimens course docs/examples/case-report-course.toml --equivalence epirubicin=1
      regimens course my-patient.json --format json --output course.json
    """
    from regimens._calc.course import compute_course
    from regimens._read.course import course_assessments, load_course

    ratios = _equivalence(equivalence)
    chosen = choose_format(output_format, output, _FORMATS)
    refuse_input_as_output(output, file)
    library = load_library(library_dirs)
    course = load_course(file)
    course_assessments(library, course, source=file)  # a recorded lab or toxicity checked
    report = compute_course(
        library,
        course,
        equivalence=ratios,
        source=file,
        rdi_threshold=rdi_threshold,
        weight_change_percent=weight_change_threshold,
    )
    emit_document("course", chosen, report, output, lang=lang)
    if report.blocking:
        sys.exit(EXIT_BLOCKING)

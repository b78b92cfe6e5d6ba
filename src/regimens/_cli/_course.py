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
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def course_cmd(
    file: str,
    equivalence: tuple[str, ...],
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
    more cycles of the current (last) line fit under it. File format:
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
    from regimens._read.course import load_course

    ratios = _equivalence(equivalence)
    chosen = choose_format(output_format, output, _FORMATS)
    library = load_library(library_dirs)
    course = load_course(file)
    report = compute_course(library, course, equivalence=ratios, source=file)
    emit_document("course", chosen, report, output, lang=lang)
    if report.blocking:
        sys.exit(EXIT_BLOCKING)

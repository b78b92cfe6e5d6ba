"""``regimens assess``: the treatment-day decision alone (go, delay or stop, and why)."""

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
)
from regimens._cli._options import (
    PATIENT_OPTIONS,
    assessment_from,
    assessment_options,
    cycle_option,
    dose_options,
    patient_from,
    patient_options,
    pop_assessment,
    sheet_options,
    sheet_sections,
    supportive_option,
)

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["ASSESS_FORMATS", "assess_cmd"]

#: The formats of the "assessment" document (those of a sheet, without FHIR). Listed
#: here rather than read from the registry so that the command and its help exist
#: whether or not the renderer is registered; a test keeps the two in step.
ASSESS_FORMATS = ("table", "markdown", "csv", "json", "html")


@click.command(
    "assess",
    cls=SectionedCommand,
    sections=sheet_sections(),
)
@click.argument("regimen")
@assessment_options()
@patient_options()
@dose_options()
@supportive_option
@cycle_option
@library_option
@format_option(*ASSESS_FORMATS, default=None)
@output_option
@lang_option
def assess_cmd(
    regimen: str,
    lang: Lang,
    supportive: tuple[str, ...],
    cycle: int,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    **params: Any,
) -> None:
    """Treatment-day decision for REGIMEN: go, delay or stop, and why.

    From today's labs, the last cycle's toxicities, the DPD and UGT1A1 results,
    conditions and the weight, each rule of the library (each with its source)
    says what to give, what to withhold and why, and when to re-check the counts.
    An assessment is made whatever is given: a rule whose input is missing says
    which one (LAB_MISSING). `regimens sheet` with the same options prints the doses
    that apply the decision. Formats: table (the default), markdown, csv, html, json.
    --output FILE writes atomically; its extension (.txt, .md, .csv, .html, .json)
    chooses the format when --format is not given.

    Exit status: 0 go (no blocking warning); 3 delay, stop or any blocking warning;
    2 user error.

    \b
    Examples:
      regimens assess FOLFOX-6 --height 170 --weight 70 --crcl 90 \\
          --lab anc=1.2 --lab platelets=140 --uracil 12 --country FR
      regimens assess EOX --height 180 --weight 64.8 --crcl 80 \\
          --lab "bilirubin=2.0 mg/dL" --toxicity hand-foot=3 --format json
      regimens assess FOLFIRI --height 165 --weight 60 --crcl 80 --ugt1a1 '*28/*28' \\
          --dpyd-activity-score 1.5 --reference-weight 68
    """
    from regimens._calc.dosing import compute_sheet

    patient = patient_from(**{name: params.pop(name) for name in PATIENT_OPTIONS})
    library = load_library(library_dirs)
    assessment = assessment_from(library, pop_assessment(params), always=True)
    options = sheet_options(library, cycle=cycle, assessment=assessment, **params)
    chosen = choose_format(output_format, output, ASSESS_FORMATS)
    sheet = compute_sheet(library, regimen, patient, options, supportive=supportive)
    emit_document("assessment", chosen, sheet, output, lang=lang, library=library)
    decided = sheet.assessment
    if sheet.blocking or (decided is not None and decided.decision != "go"):
        sys.exit(EXIT_BLOCKING)

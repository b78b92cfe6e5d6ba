"""``regimens check``: an independent recalculation of a prescription."""

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
from regimens._render.registry import formats

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["EXIT_CHECK_FAILED", "check_cmd"]

#: The check ran and found a dose outside tolerance, a missing or an extra drug.
EXIT_CHECK_FAILED = 1

_FORMATS = formats("check")

_TOLERANCE_HELP = (
    "Largest deviation of a prescribed dose from the recalculated one, % (also the "
    "recalculation's rounding tolerance; at most 10, per HOPA)."
)


@click.command(
    "check",
    cls=SectionedCommand,
    sections=sheet_sections(first={"Prescription": ["prescribed"]}),
)
@click.argument("regimen")
@click.option(
    "--prescribed",
    "prescribed",
    multiple=True,
    required=True,
    metavar="DRUG[:METHOD]=DOSE",
    help="A prescribed dose with its unit, per intake (oral: one intake; a daily total "
    "ends in /day). METHOD when the drug is given several ways: bolus, infusion, "
    "continuous_infusion... (repeatable).",
)
@patient_options()
@dose_options(tolerance_help=_TOLERANCE_HELP)
@supportive_option
@cycle_option
@assessment_options()
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def check_cmd(
    regimen: str,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
    prescribed: tuple[str, ...],
    supportive: tuple[str, ...],
    cycle: int,
    **params: Any,
) -> None:
    """Check prescribed doses of REGIMEN against a fresh calculation.

    Each --prescribed dose is compared with the dose the sheet calculates for the same
    patient and options (before rounding): deviation % and whether it is within
    --tolerance. Drugs of the regimen left out, and prescribed drugs the regimen does
    not give, are reported. Doses are per administration as given on day 1; oral
    doses are per intake (capecitabine=1100mg is one intake of 1100 mg; write
    capecitabine=2200mg/day for a daily total). A drug given more than one way is
    addressed as DRUG:METHOD: fluorouracil:bolus and fluorouracil:infusion (the 46-h
    continuous infusion). With treatment-day options (--lab, --toxicity, ...) the
    recalculation applies the day's assessment. Formats: table (the default),
    markdown, csv, json (docs/check.md).

    Exit status: 0 every dose within tolerance, nothing missing or extra; 1 the check
    failed; 3 the recalculation has a blocking warning (e.g. a contraindication),
    whatever the doses; 2 user error.

    \b
    Examples:
      regimens check FOLFOX-6 --height 180 --weight 80 \\
          --prescribed oxaliplatin=170mg --prescribed leucovorin=800mg \\
          --prescribed fluorouracil:bolus=800mg --prescribed fluorouracil:infusion=4800mg
      regimens check EOX --height 180 --weight 64.8 --crcl 80 --prescribed epirubicin=90mg \\
          --prescribed oxaliplatin=234mg --prescribed capecitabine=1100mg --format json
    """
    from regimens._calc.check import check_prescription
    from regimens._read.prescribed import parse_prescribed

    patient = patient_from(**{name: params.pop(name) for name in PATIENT_OPTIONS})
    library = load_library(library_dirs)
    assessment = assessment_from(library, pop_assessment(params))
    options = sheet_options(library, cycle=cycle, assessment=assessment, **params)
    doses = [parse_prescribed(text, library) for text in prescribed]
    chosen = choose_format(output_format, output, _FORMATS)
    report = check_prescription(library, regimen, patient, doses, options, supportive=supportive)
    emit_document("check", chosen, report, output, lang=lang)
    if report.blocking:
        sys.exit(EXIT_BLOCKING)
    if not report.ok:
        sys.exit(EXIT_CHECK_FAILED)

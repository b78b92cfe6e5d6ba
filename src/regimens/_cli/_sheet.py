"""``regimens sheet``: the per-day dose sheet of one cycle."""

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
    IDENTITY_OPTIONS,
    PATIENT_OPTIONS,
    assessment_from,
    assessment_options,
    cycle_option,
    dose_options,
    identity_options,
    patient_from,
    patient_options,
    pop_assessment,
    pump_option,
    sheet_options,
    sheet_sections,
    supportive_option,
)
from regimens._render.registry import formats

if TYPE_CHECKING:
    from regimens._render.labels import Lang

__all__ = ["sheet_cmd"]

_FORMATS = formats("sheet")


@click.command(
    "sheet",
    cls=SectionedCommand,
    sections=sheet_sections(*IDENTITY_OPTIONS),
)
@click.argument("regimen")
@patient_options()
@dose_options()
@supportive_option
@cycle_option
@pump_option
@assessment_options()
@identity_options()
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def sheet_cmd(
    regimen: str,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
    patient_id: str | None,
    patient_name: str | None,
    patient_dob: str | None,
    supportive: tuple[str, ...],
    cycle: int,
    pump_rate: float | None,
    **params: Any,
) -> None:
    """Per-day dose sheet of one cycle of REGIMEN for a patient.

    Shows the inputs, BSA (unrounded and used), every dose step (standard, dose
    level, organ adjustment, calculated, rounded, deviation) and the warnings.
    With any treatment-day option (--lab, --toxicity, ...) the sheet carries the
    day's assessment (go, delay or stop) and its doses apply it (`regimens assess`
    prints the decision alone).
    Formats: table (the default), markdown, csv (one row per administration per
    day), json (docs/json-output.md), html (self-contained: a chemotherapy order on
    one A4 portrait page, the patient's identifiers on every printed page, signature
    lines), fhir (a FHIR R4 Bundle of draft proposals, docs/fhir.md).
    --output FILE writes atomically; its extension (.md, .csv, .json, .html, .txt,
    .fhir.json) chooses the format when --format is not given.

    Exit status: 0 sheet without blocking warnings; 3 sheet printed WITH a blocking
    warning (e.g. a contraindication); 2 user error.

    \b
    Examples:
      regimens sheet FOLFOX-6 --height 170cm --weight 70kg --crcl 90
      regimens sheet FOLFOX-6 --height 170 --weight 70 --with ZOLEDRONIC-ACID \\
          --age 50 --sex F --creatinine 0.9 --pump-rate 2
      regimens sheet EOX --height 165 --weight 60 --crcl 45 \\
          --drug-dose-level "capecitabine=75:hand-foot syndrome grade 2"
      regimens sheet FOLFOX-6 --height 170 --weight 70 --lang fr \\
          --patient-id 123456 --patient-name "Jane Doe" --patient-dob 1956-04-23 \\
          --output folfox6-c1.html
      regimens sheet EOX --height 180 --weight 64.8 --crcl 80 \\
          --lab anc=2.1 --lab platelets=180 --lab "bilirubin=34 umol/L"
    """
    from regimens._calc.dosing import compute_sheet

    patient = patient_from(**{name: params.pop(name) for name in PATIENT_OPTIONS})
    library = load_library(library_dirs)
    assessment = assessment_from(library, pop_assessment(params))
    options = sheet_options(
        library, cycle=cycle, pump_rate=pump_rate, assessment=assessment, **params
    )
    chosen = choose_format(output_format, output, _FORMATS)
    sheet = compute_sheet(
        library,
        regimen,
        patient,
        options,
        patient_id=patient_id,
        patient_name=patient_name,
        patient_dob=patient_dob,
        supportive=supportive,
    )
    emit_document("sheet", chosen, sheet, output, lang=lang, library=library)
    if sheet.blocking:
        sys.exit(EXIT_BLOCKING)

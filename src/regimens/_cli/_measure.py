"""``regimens bsa`` and ``regimens crcl``."""

from __future__ import annotations

import click

from regimens._cli._common import SectionedCommand, emit_document, format_option
from regimens._cli._options import BSA_FORMULAS, height_option, sex_option, weight_option
from regimens._render.registry import formats

__all__ = ["bsa_cmd", "crcl_cmd"]


@click.command(
    "bsa",
    cls=SectionedCommand,
    sections={
        "Patient": ["height", "weight", "sex"],
        "Formula": ["bsa_formula", "decimals"],
        "Output": ["output_format"],
    },
)
@height_option
@weight_option
@click.option(
    "--bsa-formula",
    default="mosteller",
    show_default=True,
    help=f"BSA formula: {BSA_FORMULAS}.",
)
# The spelling before issue 16, kept so that scripts using it go on working.
@click.option("--formula", "old_formula", hidden=True)
@sex_option
@click.option(
    "--decimals",
    type=click.IntRange(0, 4),
    default=2,
    show_default=True,
    help="Decimals of the BSA used for dosing (rounded half up).",
)
@format_option(*formats("bsa"))
def bsa_cmd(
    height: str | None,
    weight: str | None,
    bsa_formula: str,
    old_formula: str | None,
    sex: str | None,
    decimals: int,
    output_format: str,
) -> None:
    """Body surface area by a published formula.

    Shows the formula, the unrounded value and the value used for dosing. Bare
    numbers are cm and kg; "67 in" and "154 lb" are converted.

    \b
    Examples:
      regimens bsa --height 170 --weight 70
      regimens bsa --height "67 in" --weight "154 lb" --bsa-formula dubois --format json
    """
    from regimens._calc.measures import compute_bsa_result
    from regimens._read.patient import make_patient

    if old_formula is not None:
        source = click.get_current_context().get_parameter_source("bsa_formula")
        if source is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError("--formula is the old name of --bsa-formula: give one of them")
        bsa_formula = old_formula
    patient = make_patient(height=height, weight=weight, sex=sex)
    result = compute_bsa_result(patient, bsa_formula, decimals=decimals)
    emit_document("bsa", output_format, result, None)


@click.command(
    "crcl",
    cls=SectionedCommand,
    sections={
        "Patient": ["age", "weight", "sex", "creatinine", "height"],
        "Formula": ["weight_basis"],
        "Output": ["output_format"],
    },
)
@click.option("--age", help="Age in years, e.g. 60.")
@weight_option
@sex_option
@click.option("--creatinine", help="Serum creatinine, e.g. 0.9 (mg/dL), 0.9 mg/dL, 80 umol/L.")
@height_option
@click.option(
    "--weight-basis",
    type=click.Choice(["actual", "ideal", "adjusted"]),
    default="actual",
    show_default=True,
    help="Weight used in Cockcroft-Gault (ideal and adjusted need --height).",
)
@format_option(*formats("crcl"))
def crcl_cmd(
    age: str | None,
    weight: str | None,
    sex: str | None,
    creatinine: str | None,
    height: str | None,
    weight_basis: str,
    output_format: str,
) -> None:
    """Creatinine clearance by Cockcroft-Gault.

    Also the CKD-EPI 2021 eGFR, for information only (doses follow Cockcroft-Gault,
    as the drug labels do). Creatinine: a bare number is mg/dL; "80 umol/L" is
    converted (1 mg/dL = 88.4 umol/L).

    \b
    Examples:
      regimens crcl --age 60 --weight 72 --sex M --creatinine 1.0
      regimens crcl --age 50 --weight 70kg --sex F --creatinine "80 umol/L" --height 170
    """
    from regimens._calc.measures import compute_crcl_result
    from regimens._read.patient import make_patient

    patient = make_patient(height=height, weight=weight, sex=sex, age=age, creatinine=creatinine)
    result = compute_crcl_result(patient, weight_basis)
    emit_document("crcl", output_format, result, None)

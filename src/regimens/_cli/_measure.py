"""``regimens bsa`` and ``regimens crcl``."""

from __future__ import annotations

import click

from regimens._cli._common import SectionedCommand, format_option

__all__ = ["bsa_cmd", "crcl_cmd"]

_FORMULA_NAMES = (
    "mosteller, dubois, haycock, gehan-george, boyd, fujimoto, takahira, shuter-aslani, schlich"
)

height_option = click.option(
    "--height", help="Height, e.g. 170, 170cm, 1.70 m, 67 in (bare number: cm)."
)
weight_option = click.option("--weight", help="Weight, e.g. 70, 70kg, 154 lb (bare number: kg).")
sex_option = click.option("--sex", help="female or male (F/M).")


@click.command(
    "bsa",
    cls=SectionedCommand,
    sections={
        "Patient": ["height", "weight", "sex"],
        "Formula": ["formula", "decimals"],
        "Output": ["output_format"],
    },
)
@height_option
@weight_option
@click.option(
    "--formula",
    default="mosteller",
    show_default=True,
    help=f"BSA formula: {_FORMULA_NAMES}.",
)
@sex_option
@click.option(
    "--decimals",
    type=click.IntRange(0, 4),
    default=2,
    show_default=True,
    help="Decimals of the BSA used for dosing (rounded half up).",
)
@format_option("table", "json")
def bsa_cmd(
    height: str | None,
    weight: str | None,
    formula: str,
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
      regimens bsa --height "67 in" --weight "154 lb" --formula dubois --format json
    """
    from regimens._calc.measures import compute_bsa_result
    from regimens._read.patient import make_patient

    patient = make_patient(height=height, weight=weight, sex=sex)
    result = compute_bsa_result(patient, formula, decimals=decimals)
    if output_format == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        from regimens._render.measures import bsa_text

        click.echo(bsa_text(result))


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
@format_option("table", "json")
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
    if output_format == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        from regimens._render.measures import crcl_text

        click.echo(crcl_text(result))

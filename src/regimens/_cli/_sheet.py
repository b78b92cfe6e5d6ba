"""``regimens sheet``: the per-day dose sheet of one cycle."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from regimens._cli._common import (
    EXIT_BLOCKING,
    SectionedCommand,
    choose_format,
    colour_enabled,
    emit,
    format_option,
    lang_option,
    library_option,
    output_option,
    severity_styler,
)
from regimens._cli._measure import height_option, sex_option, weight_option

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.patient import Patient
    from regimens._models.sheet import DoseSheet
    from regimens._read.library import Library
    from regimens._render.labels import Lang

__all__ = ["SHEET_SECTIONS", "SheetInputs", "sheet_cmd", "sheet_inputs", "sheet_options"]

F = TypeVar("F", bound=Callable[..., Any])

_FORMATS = ("table", "markdown", "csv", "json", "html", "fhir")


def _render(
    sheet: DoseSheet, output_format: str, lang: Lang, library: Library, *, styled: bool
) -> str:
    if output_format == "fhir":
        # Only this format loads fhir.resources (docs/fhir.md).
        from regimens._render import fhir

        return fhir.bundle_json(fhir.sheet_bundle(sheet, library=library))

    from regimens._render import sheet as render

    if output_format == "json":
        return render.sheet_json(sheet)
    if output_format == "markdown":
        return render.sheet_markdown(sheet, lang)
    if output_format == "csv":
        return render.sheet_csv(sheet, lang)
    if output_format == "html":
        return render.sheet_html(sheet, lang)
    return render.sheet_table(sheet, lang, style=severity_styler if styled else None)


def _drug_levels(values: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """``DRUG=PCT`` or ``DRUG=PCT:reason`` → (drug, percent text, reason)."""
    from regimens._errors import InputError

    levels = []
    for value in values:
        drug, sep, rest = value.partition("=")
        if not sep or not drug.strip() or not rest.strip():
            raise InputError(
                f"--drug-dose-level must be DRUG=PCT (e.g. capecitabine=75), got {value!r}",
                field="drug_dose_level",
            )
        percent, _, reason = rest.partition(":")
        levels.append((drug.strip(), percent.strip().rstrip("%"), reason.strip() or None))
    return levels


#: Help headings of the options every dose calculation shares (sheet, check).
SHEET_SECTIONS: dict[str, list[str]] = {
    "Patient": ["height", "weight", "sex", "age", "creatinine", "crcl"],
    "Body surface area": ["bsa_formula", "bsa_decimals", "bsa_cap"],
    "Dose": [
        "weight_basis",
        "dose_level",
        "dose_level_reason",
        "drug_dose_level",
        "rounding",
        "tolerance",
        "supportive",
        "cycle",
        "pump_rate",
    ],
}

_TOLERANCE_HELP = "Largest rounding deviation allowed, % (at most 10, per HOPA)."


def sheet_options(*, tolerance_help: str = _TOLERANCE_HELP, pump: bool = True) -> Callable[[F], F]:
    """The patient, BSA and dose options of a dose calculation, defined once.

    Used by ``sheet`` and ``check``; :func:`sheet_inputs` turns their values into a
    library, a patient and :class:`~regimens._calc.dosing.SheetOptions`.
    """
    decorators: list[Callable[[F], F]] = [
        height_option,
        weight_option,
        sex_option,
        click.option("--age", help="Age in years (needed with --creatinine)."),
        click.option(
            "--creatinine",
            help="Serum creatinine, e.g. 0.9 (mg/dL) or '80 umol/L'; with --age, --sex, --weight.",
        ),
        click.option("--crcl", help="Creatinine clearance in mL/min, instead of --creatinine."),
        click.option("--bsa-formula", default="mosteller", show_default=True, help="BSA formula."),
        click.option(
            "--bsa-decimals",
            type=int,
            default=2,
            show_default=True,
            help="Decimals of the BSA used.",
        ),
        click.option("--bsa-cap", type=float, help="Cap the BSA at this many m2 (off by default)."),
        click.option(
            "--weight-basis",
            type=click.Choice(["actual", "ideal", "adjusted"]),
            default="actual",
            show_default=True,
            help="Weight for per-kg doses.",
        ),
        click.option(
            "--dose-level",
            type=float,
            default=100.0,
            show_default=True,
            help="Dose level of all drugs, %.",
        ),
        click.option("--dose-level-reason", help="Why the dose level is not 100%."),
        click.option(
            "--drug-dose-level",
            multiple=True,
            metavar="DRUG=PCT[:REASON]",
            help="Dose level of one drug, e.g. capecitabine=75:hand-foot syndrome (repeatable).",
        ),
        click.option(
            "--rounding",
            type=click.Choice(["default", "none"]),
            default="default",
            show_default=True,
            help="default: whole tablets / drug increment; none: calculated values.",
        ),
        click.option(
            "--tolerance", type=float, default=5.0, show_default=True, help=tolerance_help
        ),
        click.option(
            "--with",
            "supportive",
            multiple=True,
            metavar="SUPPORTIVE",
            help="Supportive regimen given with this one, e.g. ZOLEDRONIC-ACID (repeatable).",
        ),
        click.option("--cycle", type=int, default=1, show_default=True, help="Cycle number."),
    ]
    if pump:
        decorators.append(
            click.option(
                "--pump-rate",
                type=float,
                metavar="ML_PER_H",
                help="Pump rate for continuous infusions.",
            )
        )

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


@dataclass(frozen=True)
class SheetInputs:
    """What the shared options describe: the library, the patient, the options."""

    library: Library
    patient: Patient
    options: SheetOptions
    supportive: tuple[str, ...]


#: SheetOptions and DrugDoseLevel fields → the option a user typed.
_OPTION_OF_FIELD = {
    "bsa_decimals": "--bsa-decimals",
    "bsa_cap_m2": "--bsa-cap",
    "weight_basis": "--weight-basis",
    "dose_level_percent": "--dose-level",
    "dose_level_reason": "--dose-level-reason",
    "drug_dose_levels": "--drug-dose-level",
    "percent": "--drug-dose-level",
    "drug": "--drug-dose-level",
    "reason": "--drug-dose-level",
    "rounding": "--rounding",
    "tolerance_percent": "--tolerance",
    "cycle": "--cycle",
    "pump_rate_ml_per_h": "--pump-rate",
}


def sheet_inputs(
    library_dirs: tuple[str, ...],
    *,
    height: str | None,
    weight: str | None,
    sex: str | None,
    age: str | None,
    creatinine: str | None,
    crcl: str | None,
    bsa_formula: str,
    bsa_decimals: int,
    bsa_cap: float | None,
    weight_basis: str,
    dose_level: float,
    dose_level_reason: str | None,
    drug_dose_level: tuple[str, ...],
    rounding: str,
    tolerance: float,
    supportive: tuple[str, ...],
    cycle: int,
    pump_rate: float | None = None,
) -> SheetInputs:
    """Load the library and build the patient and the options from the shared options.

    Library warnings (a shadowed regimen) are printed on stderr.
    """
    from regimens._calc.dosing import DrugDoseLevel, SheetOptions
    from regimens._errors import InputError
    from regimens._read.library import load_library
    from regimens._read.patient import make_patient

    if creatinine is not None and crcl is not None:
        raise InputError(
            "give --creatinine or --crcl, not both (--crcl overrides the Cockcroft-Gault "
            "estimate; say which one to use)",
            field="crcl",
        )
    library = load_library(library_dirs)
    for message in library.warnings:
        click.echo(f"Warning: {message}", err=True)
    patient = make_patient(
        height=height, weight=weight, sex=sex, age=age, creatinine=creatinine, crcl=crcl
    )
    try:
        levels = tuple(
            DrugDoseLevel(drug=library.drug(drug).inn, percent=float(percent), reason=reason)
            for drug, percent, reason in _drug_levels(drug_dose_level)
        )
        options = SheetOptions(
            bsa_formula=bsa_formula,
            bsa_decimals=bsa_decimals,
            bsa_cap_m2=bsa_cap,
            weight_basis=weight_basis,
            dose_level_percent=dose_level,
            dose_level_reason=dose_level_reason,
            drug_dose_levels=levels,
            rounding=rounding,
            tolerance_percent=tolerance,
            cycle=cycle,
            pump_rate_ml_per_h=pump_rate,
        )
    except InputError as exc:
        # Name the option as typed (--tolerance), not the model field (tolerance_percent).
        option = _OPTION_OF_FIELD.get(exc.field or "")
        if option is None:
            raise
        reason = str(exc)
        for prefix in (f"option {exc.field}: ", f"drug dose level {exc.field}: "):
            reason = reason.removeprefix(prefix)
        raise InputError(f"{option}: {reason}", field=exc.field) from None
    except ValueError as exc:  # float() of a drug dose level
        raise InputError(f"--drug-dose-level: {exc}", field="drug_dose_level") from None
    return SheetInputs(library, patient, options, supportive)


@click.command(
    "sheet",
    cls=SectionedCommand,
    sections={
        **SHEET_SECTIONS,
        "Output": ["output_format", "output", "lang", "patient_id", "patient_name"],
        "Library": ["library_dirs"],
    },
)
@click.argument("regimen")
@sheet_options()
@click.option("--patient-id", help="Identifier printed on the sheet (not used in any calculation).")
@click.option("--patient-name", help="Name printed on the sheet (not used in any calculation).")
@library_option
@format_option(*_FORMATS, default=None)
@output_option
@lang_option
def sheet_cmd(
    regimen: str,
    patient_id: str | None,
    patient_name: str | None,
    library_dirs: tuple[str, ...],
    output_format: str | None,
    output: str | None,
    lang: Lang,
    **sheet_params: Any,
) -> None:
    """Per-day dose sheet of one cycle of REGIMEN for a patient.

    Shows the inputs, BSA (unrounded and used), every dose step (standard, dose
    level, organ adjustment, calculated, rounded, deviation) and the warnings.
    Formats: table (the default), markdown, csv (one row per administration per
    day), json (docs/json-output.md), html (self-contained, printable on A4, with
    signature lines), fhir (a FHIR R4 Bundle of draft proposals, docs/fhir.md).
    --output FILE writes atomically; its extension (.md, .csv, .json, .html, .txt,
    .fhir.json) chooses the format when --format is not given.

    Exit status: 0 sheet without blocking warnings; 3 sheet printed WITH a blocking
    warning (e.g. a contraindication); 2 user error.

    \b
    Examples:
      regimens sheet FOLFOX-6 --height 170cm --weight 70kg
      regimens sheet FOLFOX-6 --height 170 --weight 70 --with ZOLEDRONIC-ACID \\
          --age 50 --sex F --creatinine 0.9 --pump-rate 2
      regimens sheet EOX --height 165 --weight 60 --crcl 45 \\
          --drug-dose-level "capecitabine=75:hand-foot syndrome grade 2"
      regimens sheet FOLFOX-6 --height 170 --weight 70 --lang fr \\
          --patient-id 123456 --output folfox6-c1.html
    """
    from regimens._calc.dosing import compute_sheet

    inputs = sheet_inputs(library_dirs, **sheet_params)
    chosen = choose_format(output_format, output, _FORMATS)
    sheet = compute_sheet(
        inputs.library, regimen, inputs.patient, inputs.options, supportive=inputs.supportive
    )
    if patient_id is not None or patient_name is not None:
        sheet = sheet.model_copy(update={"patient_id": patient_id, "patient_name": patient_name})
    emit(
        _render(sheet, chosen, lang, inputs.library, styled=output is None and colour_enabled()),
        output,
    )
    if sheet.blocking:
        sys.exit(EXIT_BLOCKING)

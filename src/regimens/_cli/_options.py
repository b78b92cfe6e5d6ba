"""The option groups that several commands share, each defined once.

- patient: ``--height --weight --sex --age --creatinine --crcl`` (sheet, calendar, check;
  ``bsa`` and ``crcl`` use the single options);
- dose: BSA formula, decimals and cap, weight basis, dose levels, rounding, tolerance
  (sheet, calendar, check, batch), with :func:`sheet_options` turning them into
  :class:`~regimens._calc.dosing.SheetOptions`;
- ``--with``, ``--cycle``, ``--pump-rate``: for the commands whose dose sheets use them;
- the treatment-day assessment: ``--lab --uln --lab-date --date --toxicity
  --dpyd-activity-score --uracil --ugt1a1 --reference-weight --condition --country
  --override`` (sheet, check, calendar, assess), with :func:`assessment_from` turning them
  into :class:`~regimens._models.assessment.AssessmentInputs`.

Library errors name the model's field (``tolerance_percent``); ``report_errors`` in
``_common`` names the option instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._models.assessment import AssessmentInputs
    from regimens._models.library import Library
    from regimens._models.options import RoundingPolicy, WeightBasis
    from regimens._models.patient import Patient

__all__ = [
    "ASSESSMENT_OPTIONS",
    "ASSESSMENT_SECTION",
    "BSA_SECTION",
    "CONDITION_NAMES",
    "DOSE_GROUP",
    "DOSE_SECTION",
    "IDENTITY_OPTIONS",
    "PATIENT_OPTIONS",
    "SHEET_SECTIONS",
    "TOXICITY_NAMES",
    "assessment_from",
    "assessment_options",
    "cycle_option",
    "dose_options",
    "height_option",
    "identity_options",
    "patient_from",
    "patient_options",
    "pop_assessment",
    "pump_option",
    "sex_option",
    "sheet_options",
    "sheet_sections",
    "supportive_option",
    "weight_option",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The patient's measurements, as parameter names (help headings list them).
PATIENT_OPTIONS = ["height", "weight", "sex", "age", "creatinine", "crcl"]
#: Who a printed sheet or calendar is for: printed, never used in a calculation.
IDENTITY_OPTIONS = ["patient_id", "patient_name", "patient_dob"]
#: Help heading "Body surface area".
BSA_SECTION = ["bsa_formula", "bsa_decimals", "bsa_cap", "bsa_spread_tolerance"]
#: The dose group's own options under the help heading "Dose" (calendar).
DOSE_GROUP = [
    "weight_basis",
    "dose_level",
    "dose_level_reason",
    "confirm_escalation",
    "drug_dose_level",
    "rounding",
    "tolerance",
    "concentration",
    "provisional",
]
#: Help heading "Dose" of a sheet: the dose group, then the sheet's own options.
DOSE_SECTION = [*DOSE_GROUP, "supportive", "cycle", "pump_rate"]
#: Help headings of the options every dose calculation shares (sheet, check, batch).
SHEET_SECTIONS: dict[str, list[str]] = {
    "Patient": PATIENT_OPTIONS,
    "Body surface area": BSA_SECTION,
    "Dose": DOSE_SECTION,
}
#: The treatment day's inputs, as parameter names: each is the keyword of
#: :func:`regimens._read.assessment.make_assessment_inputs` of the same name.
ASSESSMENT_OPTIONS = [
    "labs",
    "uln",
    "lab_date",
    "date",
    "toxicities",
    "dpyd_activity_score",
    "uracil",
    "ugt1a1",
    "reference_weight",
    "conditions",
    "country",
    "overrides",
]
#: Help heading of the assessment options.
ASSESSMENT_SECTION = "Treatment-day assessment"


def sheet_sections(*output: str, first: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The help headings of a command that computes a sheet (sheet, check, assess):
    ``first``, patient, BSA, dose, the treatment-day assessment, then output (the
    format, ``--output``, ``--lang`` and the ``output`` options) and library."""
    return {
        **(first or {}),
        **SHEET_SECTIONS,
        ASSESSMENT_SECTION: ASSESSMENT_OPTIONS,
        "Output": ["output_format", "output", "lang", *output],
        "Library": ["library_dirs"],
    }


BSA_FORMULAS = (
    "mosteller, dubois, haycock, gehan-george, boyd, fujimoto, takahira, shuter-aslani, schlich"
)

height_option = click.option(
    "--height", help='Height, e.g. 170, 170cm, 1.70 m, 67 in, "5 ft 7 in" (bare number: cm).'
)
weight_option = click.option("--weight", help="Weight, e.g. 70, 70kg, 154 lb (bare number: kg).")
sex_option = click.option("--sex", help="female or male (F/M).")
supportive_option = click.option(
    "--with",
    "supportive",
    multiple=True,
    metavar="SUPPORTIVE",
    help="Supportive regimen given with this one, e.g. ZOLEDRONIC-ACID (repeatable).",
)
cycle_option = click.option("--cycle", type=int, default=1, show_default=True, help="Cycle number.")
pump_option = click.option(
    "--pump-rate", type=float, metavar="ML_PER_H", help="Pump rate for continuous infusions."
)

_TOLERANCE_HELP = "Largest rounding deviation allowed, % (at most 10, per HOPA)."


def _apply(decorators: list[Callable[[F], F]]) -> Callable[[F], F]:
    """The decorators applied in the order listed (the first is the outermost)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


def patient_options(
    *, age_help: str = "Age in years (needed with --creatinine)."
) -> Callable[[F], F]:
    """The patient's measurements: height, weight, sex, age, creatinine or CrCl."""
    return _apply(
        [
            height_option,
            weight_option,
            sex_option,
            click.option("--age", help=age_help),
            click.option(
                "--creatinine",
                help="Serum creatinine, e.g. 0.9 (mg/dL) or '80 umol/L'; with --age, --sex, "
                "--weight.",
            ),
            click.option("--crcl", help="Creatinine clearance in mL/min, instead of --creatinine."),
        ]
    )


def identity_options(what: str = "sheet") -> Callable[[F], F]:
    """--patient-id, --patient-name and --patient-dob, printed on every page of ``what``."""
    never = "not used in any calculation"
    return _apply(
        [
            click.option("--patient-id", help=f"Identifier printed on the {what} ({never})."),
            click.option("--patient-name", help=f"Name printed on the {what} ({never})."),
            click.option(
                "--patient-dob",
                metavar="YYYY-MM-DD",
                help=f"Date of birth printed on the {what}, e.g. 1956-04-23 ({never}).",
            ),
        ]
    )


def dose_options(*, tolerance_help: str = _TOLERANCE_HELP) -> Callable[[F], F]:
    """How doses are calculated: BSA, weight basis, dose levels, rounding, tolerance."""
    return _apply(
        [
            click.option(
                "--bsa-formula",
                default="mosteller",
                show_default=True,
                help="BSA formula.",
            ),
            click.option(
                "--bsa-decimals",
                type=int,
                default=2,
                show_default=True,
                help="Decimals of the BSA used, 2 to 4 (fewer would move doses by up to 33 %).",
            ),
            click.option(
                "--bsa-cap", type=float, help="Cap the BSA at this many m2 (off by default)."
            ),
            click.option(
                "--bsa-spread-tolerance",
                type=float,
                default=5.0,
                show_default=True,
                help="Caution when the BSA formula used differs from DuBois by more than this, %.",
            ),
            click.option(
                "--weight-basis",
                type=click.Choice(["actual", "ideal", "adjusted"]),
                default="actual",
                show_default=True,
                help="Weight for per-kg doses.",
            ),
            click.option(
                "--dose-level",
                default="100",
                show_default=True,
                help="Dose level of the cytotoxic and targeted drugs, % (25-150; 80 or 80%).",
            ),
            click.option("--dose-level-reason", help="Why the dose level is not 100%."),
            click.option(
                "--confirm-escalation",
                is_flag=True,
                help="Confirm a dose level above 100% (else blocking).",
            ),
            click.option(
                "--drug-dose-level",
                multiple=True,
                metavar="DRUG=PCT[:REASON]",
                help="Dose level of one drug, e.g. capecitabine=75:hand-foot syndrome "
                "(repeatable).",
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
                "--concentration",
                multiple=True,
                metavar="DRUG=VALUE",
                help="Concentration of the product a drug is drawn from, replacing the "
                "library's, e.g. fluorouracil=25mg/mL (repeatable).",
            ),
            click.option(
                "--provisional",
                is_flag=True,
                help="Planning sheet: a missing renal function is a caution, not blocking; "
                "marked PROVISIONAL — not for administration.",
            ),
        ]
    )


def patient_from(
    *,
    height: str | None,
    weight: str | None,
    sex: str | None,
    age: str | None,
    creatinine: str | None,
    crcl: str | None,
) -> Patient:
    """The patient the measurement options describe."""
    from regimens._errors import InputError
    from regimens._read.patient import make_patient

    # moves to the library (issue 16, sheet helper)
    if creatinine is not None and crcl is not None:
        raise InputError(
            "give --creatinine or --crcl, not both (--crcl overrides the Cockcroft-Gault "
            "estimate; say which one to use)",
            field="crcl",
        )
    return make_patient(
        height=height, weight=weight, sex=sex, age=age, creatinine=creatinine, crcl=crcl
    )


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
        levels.append((drug.strip(), percent.strip(), reason.strip() or None))
    return levels


def sheet_options(
    library: Library,
    *,
    bsa_formula: str,
    bsa_decimals: int,
    bsa_cap: float | None,
    bsa_spread_tolerance: float,
    weight_basis: WeightBasis,
    dose_level: str | float,
    dose_level_reason: str | None,
    drug_dose_level: tuple[str, ...],
    confirm_escalation: bool = False,
    rounding: RoundingPolicy,
    tolerance: float,
    provisional: bool = False,
    concentration: tuple[str, ...] = (),
    cycle: int = 1,
    pump_rate: float | None = None,
    assessment: AssessmentInputs | None = None,
) -> SheetOptions:
    """The :class:`~regimens._calc.dosing.SheetOptions` of the dose options' values.

    ``library`` resolves the drugs of ``--drug-dose-level`` and ``--concentration``
    (aliases, local names).
    """
    from regimens._calc.dosing import DrugDoseLevel, SheetOptions
    from regimens._read.concentration import read_concentrations
    from regimens._read.levels import read_dose_level

    levels = []
    for drug, percent, reason in _drug_levels(drug_dose_level):
        inn = library.drug(drug).inn
        level = read_dose_level(percent, "drug_dose_levels", f"dose level of {inn}")
        levels.append(DrugDoseLevel(drug=inn, percent=level, reason=reason))
    return SheetOptions(
        bsa_formula=bsa_formula,
        bsa_decimals=bsa_decimals,
        bsa_cap_m2=bsa_cap,
        bsa_spread_tolerance_percent=bsa_spread_tolerance,
        weight_basis=weight_basis,
        dose_level_percent=read_dose_level(dose_level, "dose_level_percent"),
        dose_level_reason=dose_level_reason,
        drug_dose_levels=tuple(levels),
        confirm_escalation=confirm_escalation,
        rounding=rounding,
        tolerance_percent=tolerance,
        provisional=provisional,
        cycle=cycle,
        pump_rate_ml_per_h=pump_rate,
        concentrations=read_concentrations(concentration, library),
        assessment=assessment,
    )


#: The names ``--toxicity`` and ``--condition`` accept, as regimen_library/assessment.toml
#: lists them (a test keeps these in step: help must not need the library loaded).
TOXICITY_NAMES = (
    "neutropenia, febrile-neutropenia, thrombocytopenia, leukopenia, diarrhoea, stomatitis, "
    "hand-foot, neuropathy, nausea, vomiting, skin, fatigue, pneumonitis, colitis, nephritis, "
    "adrenal-insufficiency"
)
CONDITION_NAMES = (
    "dic, sepsis, haemolytic-uraemic-syndrome, pregnancy, breast-feeding, bowel-obstruction, "
    "inflammatory-bowel-disease, who-ps-above-2, dialysis, severe-hepatic-impairment, "
    "dpd-complete-deficiency, renal-impairment, dehydration, hearing-impairment, "
    "cisplatin-neuropathy, nephrotic-syndrome, heart-failure, liver-metastases, "
    "severe-cirrhosis, sjs-ten-dress-suspected, sjs-ten-dress"
)


def assessment_options(*, country: bool = True) -> Callable[[F], F]:
    """The treatment day's inputs: labs, toxicities, genotypes, conditions, overrides.

    ``country=False`` leaves ``--country`` out for a command that already has it
    (``calendar``: the same country flags holidays and applies country rules).
    """
    options: list[Callable[[F], F]] = [
        click.option(
            "--lab",
            "labs",
            multiple=True,
            metavar="NAME=VALUE",
            help="Today's lab result (repeatable): anc, platelets in 10^9/L (bare number; "
            "or /mm3); hemoglobin g/dL, g/L or mmol/L; bilirubin, creatinine mg/dL or "
            "umol/L (unit required); ast, alt, alp U/L, or a multiple of the upper limit "
            "of normal, e.g. ast=3xULN; lvef (latest) and lvef_baseline (before the drug) "
            "in %; urine_protein g/24h or mg/24h (unit required). E.g. anc=1.2, "
            "'bilirubin=40 umol/L', lvef=55. A creatinine with --age, --sex, --weight "
            "gives the Cockcroft-Gault CrCl.",
        ),
        click.option(
            "--uln",
            multiple=True,
            metavar="NAME=VALUE",
            help="The laboratory's upper limit of normal, over the library's default, e.g. "
            "'bilirubin=21 umol/L', ast=40 (bilirubin, creatinine, ast, alt, alp; repeatable).",
        ),
        click.option(
            "--lab-date",
            metavar="YYYY-MM-DD",
            help="Date the labs were sampled [default: the treatment date]; older than "
            "the library's limit is LAB_STALE (blocking).",
        ),
        click.option("--date", metavar="YYYY-MM-DD", help="Treatment date [default: today]."),
        click.option(
            "--toxicity",
            "toxicities",
            multiple=True,
            metavar="NAME=GRADE[:OCCURRENCE]",
            help="Worst toxicity of the last cycle, CTCAE v5 grade 0-4, occurrence counted "
            "from 1 (repeatable), e.g. hand-foot=2:2. Names: "
            + TOXICITY_NAMES
            + " (CTCAE terms are accepted too, e.g. diarrhea, mucositis-oral).",
        ),
        click.option(
            "--dpyd-activity-score",
            metavar="SCORE",
            help="DPYD genotype activity score (CPIC): 0, 0.5, 1, 1.5 or 2.",
        ),
        click.option(
            "--uracil",
            metavar="NG_PER_ML",
            help="Plasma uracil (DPD phenotype) in ng/mL, e.g. 18 or '18 ng/mL'.",
        ),
        click.option(
            "--ugt1a1",
            metavar="GENOTYPE",
            help="UGT1A1 genotype: two of *1, *6, *28, *36, *37, e.g. *1/*1, *1/*28, "
            "*28/*28, *6/*28.",
        ),
        click.option(
            "--reference-weight",
            metavar="WEIGHT",
            help="Weight the previous doses were computed from, e.g. 72 or 72kg; a change "
            "of 10 % or more is WEIGHT_CHANGED.",
        ),
        click.option(
            "--condition",
            "conditions",
            multiple=True,
            metavar="NAME",
            help="A state a label names as a contraindication or a reason to stop "
            f"(repeatable): {CONDITION_NAMES}.",
        ),
    ]
    if country:
        options.append(
            click.option(
                "--country",
                metavar="CODE",
                help="Country whose rules apply (ISO code, e.g. FR: a uracilaemia result "
                "is required before a fluoropyrimidine).",
            )
        )
    options.append(
        click.option(
            "--override",
            "overrides",
            multiple=True,
            metavar="RULE=REASON",
            help="A prescriber's documented decision to override a rule of the sheet, "
            "with the reason (repeatable); the sheet shows it.",
        )
    )
    return _apply(options)


def assessment_from(
    library: Library,
    values: dict[str, Any],
    *,
    always: bool = False,
    country_alone: bool = True,
) -> AssessmentInputs | None:
    """The :class:`~regimens._models.assessment.AssessmentInputs` of the assessment
    options' ``values`` (parameter name → value); None when none is given, unless
    ``always``.

    ``country_alone=False``: a country by itself makes no assessment (``calendar``,
    where ``--country`` is first the holidays' country).
    """
    from regimens._read.assessment import make_assessment_inputs

    given = {name: value for name, value in values.items() if value not in (None, ())}
    if not always and not country_alone and set(given) <= {"country"}:
        return None
    return make_assessment_inputs(library.assessment_settings, always=always, **given)


def pop_assessment(params: dict[str, Any]) -> dict[str, Any]:
    """The assessment options' values, taken out of a command's ``params``."""
    return {name: params.pop(name) for name in ASSESSMENT_OPTIONS if name in params}

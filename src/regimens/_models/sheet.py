"""The dose sheet: what is given, on which day of the cycle, and how each dose was reached.

These frozen models are the result of :func:`regimens._calc.dosing.compute_sheet` and the
JSON contract of ``regimens sheet --format json`` (``docs/json-output.md``,
``docs/sheet.schema.json``). Every administration keeps every intermediate value of the
order of operations, so that a second pharmacist can recompute it by hand.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from regimens._calc.measures import BsaResult, Measured

__all__ = [
    "SCHEMA_VERSION",
    "WARNING_CODES",
    "WARNING_TEXT",
    "Administration",
    "DoseSheet",
    "DrugTotal",
    "OrganAdjustment",
    "Provenance",
    "PumpFill",
    "RegimenRef",
    "RenalFunction",
    "Severity",
    "SheetDay",
    "SheetWarning",
    "TabletCount",
    "sheet_json_schema",
    "warning_text",
]

#: Version of the JSON document; bumped on any incompatible change (semver major).
SCHEMA_VERSION = "1.0"

Severity = Literal["info", "caution", "blocking"]

#: Every warning code with its severity and meaning (documented in docs/dose-sheet.md).
WARNING_CODES: dict[str, tuple[Severity, str]] = {
    "BSA_CAPPED": ("caution", "The BSA used for dosing was capped at the requested maximum."),
    "BSA_HIGH": ("caution", "BSA above 2.2 m²: check height, weight and any capping policy."),
    "BSA_LOW": ("caution", "BSA below 1.3 m²: check height and weight."),
    "BSA_FORMULAS_DISAGREE": (
        "caution",
        "BSA formulas differ for this patient by more than the rounding tolerance.",
    ),
    "DOSE_LEVEL_REDUCED": ("info", "A dose level below 100 % applies."),
    "DOSE_LEVEL_ABOVE_100": ("caution", "A dose level above 100 % applies."),
    "RENAL_RULE_NOT_CHECKED": (
        "caution",
        "The drug has a renal dose rule but no creatinine or CrCl was given.",
    ),
    "RENAL_ADJUSTED": ("caution", "The dose was changed by the drug's renal rule."),
    "CONTRAINDICATED": ("blocking", "The drug is contraindicated at this renal function."),
    "ROUNDING_BEYOND_TOLERANCE": (
        "caution",
        "Rounding would move the dose beyond the tolerance: the calculated dose is kept.",
    ),
    "TABLETS_NOT_ACHIEVABLE": (
        "blocking",
        "No combination of whole tablets is within tolerance of the calculated dose.",
    ),
    "PUMP_VOLUME_EXCEEDED": (
        "blocking",
        "The drug volume alone exceeds what the infusion pump holds.",
    ),
    "CALVERT_GFR_CAPPED": ("info", "The GFR used in the Calvert formula was capped."),
    "SUPPORTIVE_NOT_THIS_CYCLE": ("info", "A supportive regimen is not given in this cycle."),
}

#: The message of each warning, per language. Keys are warning codes, or
#: ``CODE/variant`` where one code has several wordings (``SheetWarning.params["variant"]``).
#: Parameters are pre-formatted strings; ``{drug}`` is replaced by the drug's name in the
#: language of the output. Every code has an English and a French text (tested).
WARNING_TEXT: dict[str, dict[str, str]] = {
    "BSA_CAPPED": {
        "en": "BSA {unrounded} m² capped at {used} m² as requested",
        "fr": "Surface corporelle {unrounded} m² plafonnée à {used} m² comme demandé",
    },
    "BSA_HIGH": {
        "en": "BSA {bsa} m² is above {limit} m²",
        "fr": "Surface corporelle {bsa} m² supérieure à {limit} m²",
    },
    "BSA_LOW": {
        "en": "BSA {bsa} m² is below {limit} m²",
        "fr": "Surface corporelle {bsa} m² inférieure à {limit} m²",
    },
    "BSA_FORMULAS_DISAGREE": {
        "en": "BSA formulas differ by {spread}% for this patient ({lowest} {low} to "
        "{highest} {high} m²), more than the {tolerance}% tolerance",
        "fr": "Les formules de surface corporelle diffèrent de {spread} % pour ce patient "
        "({lowest} {low} à {highest} {high} m²), plus que la tolérance de {tolerance} %",
    },
    "DOSE_LEVEL_REDUCED": {
        "en": "{drug} at {percent}%{reason}",
        "fr": "{drug} à {percent} %{reason}",
    },
    "DOSE_LEVEL_REDUCED/all": {
        "en": "All drugs of {regimen} at {percent}%{reason}",
        "fr": "Tous les médicaments de {regimen} à {percent} %{reason}",
    },
    "DOSE_LEVEL_ABOVE_100": {
        "en": "{drug} at {percent}%{reason}",
        "fr": "{drug} à {percent} %{reason}",
    },
    "DOSE_LEVEL_ABOVE_100/all": {
        "en": "All drugs of {regimen} at {percent}%{reason}",
        "fr": "Tous les médicaments de {regimen} à {percent} %{reason}",
    },
    "RENAL_RULE_NOT_CHECKED": {
        "en": "{drug} has a renal dose rule ({source}) that was not checked: give "
        "--creatinine with --age, --sex and --weight, or --crcl",
        "fr": "{drug} a une règle d'adaptation à la fonction rénale ({source}) qui n'a pas "
        "été vérifiée : donner --creatinine avec --age, --sex et --weight, ou --crcl",
    },
    "RENAL_ADJUSTED": {
        "en": "{drug} at {percent}% for CrCl {crcl} mL/min ({band})",
        "fr": "{drug} à {percent} % pour une clairance de {crcl} mL/min ({band})",
    },
    "RENAL_ADJUSTED/absolute": {
        "en": "{drug} {dose} mg for CrCl {crcl} mL/min ({band})",
        "fr": "{drug} {dose} mg pour une clairance de {crcl} mL/min ({band})",
    },
    "CONTRAINDICATED": {
        "en": "{drug} is contraindicated at CrCl {crcl} mL/min ({band}): withheld",
        "fr": "{drug} est contre-indiqué à une clairance de {crcl} mL/min ({band}) : "
        "non administré",
    },
    "ROUNDING_BEYOND_TOLERANCE": {
        "en": "{drug} {calculated} mg: rounding to {rounded} mg would deviate more than "
        "{tolerance}%; the calculated dose is kept",
        "fr": "{drug} {calculated} mg : l'arrondi à {rounded} mg s'écarterait de plus de "
        "{tolerance} % ; la dose calculée est conservée",
    },
    "TABLETS_NOT_ACHIEVABLE": {
        "en": "{drug} {calculated} mg: the nearest whole-tablet dose, {rounded} mg of "
        "{strengths} mg tablets ({deviation}%), is beyond the {tolerance}% tolerance; the "
        "calculated dose is shown unrounded. Decide the dose (a tolerance up to 10% is "
        "allowed by HOPA: --tolerance)",
        "fr": "{drug} {calculated} mg : la dose en comprimés entiers la plus proche, "
        "{rounded} mg en comprimés de {strengths} mg ({deviation} %), dépasse la tolérance "
        "de {tolerance} % ; la dose calculée est affichée sans arrondi. Décider de la dose "
        "(la HOPA admet une tolérance jusqu'à 10 % : --tolerance)",
    },
    "PUMP_VOLUME_EXCEEDED": {
        "en": "{drug} {dose} mg at {concentration} mg/mL is {volume} mL, more than the "
        "{capacity} mL a {rate} mL/h pump holds over {duration} h: choose a faster pump",
        "fr": "{drug} {dose} mg à {concentration} mg/mL font {volume} mL, plus que les "
        "{capacity} mL d'un diffuseur de {rate} mL/h sur {duration} h : choisir un "
        "diffuseur de débit supérieur",
    },
    "CALVERT_GFR_CAPPED": {
        "en": "GFR {gfr} mL/min capped at {cap} mL/min in the Calvert formula",
        "fr": "DFG {gfr} mL/min plafonné à {cap} mL/min dans la formule de Calvert",
    },
    "SUPPORTIVE_NOT_THIS_CYCLE": {
        "en": "{regimen} is not given in cycle {cycle} of {main}",
        "fr": "{regimen} n'est pas administré au cycle {cycle} de {main}",
    },
}


def warning_text(
    code: str,
    params: dict[str, str],
    lang: str = "en",
    drug_name: str | None = None,
) -> str:
    """The message of a warning in ``lang``, with ``{drug}`` as ``drug_name`` if given."""
    variant = params.get("variant")
    templates = WARNING_TEXT[f"{code}/{variant}" if variant else code]
    values = dict(params)
    if drug_name is not None:
        values["drug"] = drug_name
    return templates.get(lang, templates["en"]).format(**values)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SheetWarning(_Frozen):
    """A warning on a sheet: severity, a stable code, a message, and the drug if any."""

    severity: Severity
    code: str
    message: str  # in English; renderers translate with ``code`` and ``params``
    drug: str | None = None
    #: The values in the message, as displayed (see ``WARNING_TEXT``).
    params: dict[str, str] = Field(default_factory=dict)


class TabletCount(_Frozen):
    """How many tablets of one strength make one intake."""

    strength_mg: float
    count: int


class PumpFill(_Frozen):
    """How to fill an elastomeric pump for a continuous infusion."""

    pump_rate_ml_per_h: float
    duration_h: float
    pump_volume_ml: float
    drug_concentration_mg_per_ml: float
    drug_volume_ml: float
    diluent_ml: float
    final_concentration_mg_per_ml: float
    fits: bool


class OrganAdjustment(_Frozen):
    """The organ-function rule band that applied to a dose."""

    rule: str  # e.g. "renal (Cockcroft-Gault)"
    band: str  # e.g. "CrCl 30–50 mL/min"
    action: Literal["full", "percent", "absolute", "contraindicated"]
    percent: float | None = None
    dose_mg: float | None = None
    source: str


class Administration(_Frozen):
    """One drug given one way on one day, with every step of its dose.

    Doses are per intake; ``daily_dose_mg`` is ``dose_mg × intakes_per_day``.
    """

    drug: str
    regimen: str  # id of the regimen this comes from (a supportive one for add-ons)
    order: int
    route: str
    method: str
    prescribed: str  # the library dose per intake, e.g. "625 mg/m2"
    prescribed_daily: str | None = None  # e.g. "1250 mg/m2/day" when divided into intakes
    dose_basis: Literal["per_m2", "per_kg", "flat", "auc"]
    basis_value: float | None  # the BSA, the weight or (GFR + 25) multiplied
    basis_unit: str | None  # "m2", "kg", "mL/min"
    intakes_per_day: int
    standard_mg: float  # per intake at 100 %, before dose level and organ adjustment
    dose_level_percent: float
    organ_adjustment: OrganAdjustment | None = None
    calculated_mg: float  # per intake, after dose level and organ adjustment
    rounding: str
    dose_mg: float  # per intake, final
    daily_dose_mg: float
    deviation_percent: float
    tablets: tuple[TabletCount, ...] | None = None
    duration_h: float | None = None
    rate_mg_per_h: float | None = None
    pump: PumpFill | None = None
    withheld: bool = False
    withheld_reason: str | None = None
    notes: str = ""


class SheetDay(_Frozen):
    """One treatment day of the cycle (1-based) and its administrations in order."""

    day: int
    administrations: tuple[Administration, ...]


class DrugTotal(_Frozen):
    """The total of one drug over the cycle."""

    drug: str
    total_mg: float
    per_method: dict[str, float] = Field(default_factory=dict)
    days: tuple[int, ...]


class RegimenRef(_Frozen):
    """The regimen a sheet was computed from."""

    id: str
    name: str
    cycle_length_days: int
    sha256: str
    kind: str = "chemotherapy"


class RenalFunction(_Frozen):
    """The renal function used for organ rules and the Calvert formula."""

    crcl_ml_min: float
    source: Literal["cockcroft_gault", "given"]
    weight_kg_used: float | None = None
    weight_basis: str | None = None
    formula: str | None = None


class Provenance(_Frozen):
    """Enough to recompute the sheet: tool, regimen files, options, time."""

    tool: str = "regimens"
    tool_version: str
    regimen_id: str
    regimen_sha256: str
    supportive: dict[str, str] = Field(default_factory=dict)  # id → sha256
    options: dict[str, object]
    order_of_operations: str
    calculated_at: str  # ISO 8601, UTC


class DoseSheet(_Frozen):
    """A per-day dose sheet for one cycle of a regimen (and its supportive add-ons)."""

    schema_version: str = SCHEMA_VERSION
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    cycle: int
    patient: dict[str, Measured | str]
    bsa_formula: str
    bsa_m2: float | None
    bsa_m2_unrounded: float | None
    bsa: BsaResult | None
    renal: RenalFunction | None
    tolerance_percent: float
    rounding_policy: str
    days: tuple[SheetDay, ...]
    totals: tuple[DrugTotal, ...]
    warnings: tuple[SheetWarning, ...]
    provenance: Provenance
    #: Drug INN → {language: name}, from the library's ``local_names`` (for ``--lang``).
    drug_names: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: Optional identifiers printed on the sheet; never used in any calculation.
    patient_id: str | None = None
    patient_name: str | None = None

    @property
    def blocking(self) -> bool:
        """True when any warning is blocking: the sheet must not be used as it is."""
        return any(warning.severity == "blocking" for warning in self.warnings)


def sheet_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``regimens sheet --format json`` (``docs/sheet.schema.json``)."""
    schema = DoseSheet.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}

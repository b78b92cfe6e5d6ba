"""The dose sheet: what is given, on which day of the cycle, and how each dose was reached.

These frozen models are the result of :func:`regimens._calc.dosing.compute_sheet`. They
hold numbers and codes; the words a person reads (warning messages, the rounding
method, why a dose is withheld) come from the renderers, and the JSON document of
``regimens sheet --format json`` is written by :mod:`regimens._render.sheet_json`
(``docs/json-output.md``, ``docs/sheet.schema.json``). Every administration keeps every
intermediate value of the order of operations, so that a second pharmacist can
recompute it by hand.
"""

import datetime as dt
from typing import Literal

from pydantic import Field

from regimens._models.assessment import Assessment
from regimens._models.base import Frozen, FrozenDict, FrozenMap
from regimens._models.drug_data import Diluent
from regimens._models.measures import BsaResult, PatientInputs
from regimens._models.options import RoundingPolicy, WeightBasis
from regimens._models.provenance import LibraryDirectory, Shadowing, SourceFile
from regimens._models.regimen import (
    ComponentKind,
    DoseBasis,
    EmetogenicRisk,
    Method,
    RenalAction,
    RenalRuleStatus,
    Route,
)
from regimens._models.schedule import DoseUnit, Timing

__all__ = [
    "ASSESSMENT_STEP_CODES",
    "ORDER_OF_OPERATIONS",
    "SCHEMA_VERSION",
    "WARNING_CODES",
    "Administration",
    "DispenseItem",
    "DoseSheet",
    "DrugTotal",
    "Intake",
    "OrderStep",
    "OrganAdjustment",
    "OrganRule",
    "PlanOption",
    "Preparation",
    "Provenance",
    "PumpFill",
    "RegimenRef",
    "RenalFunction",
    "RoundingMethod",
    "Severity",
    "SheetDay",
    "SheetWarning",
    "TabletCount",
    "VialCount",
    "VialUse",
    "WithheldReason",
]

#: Version of the JSON document: minor for a new field (1.1: the treatment-day
#: assessment; 1.2: oral plans; 1.3: infusion preparation and vial use; 1.4: an
#: administration's kind and multi-day pump, the regimen's emetogenic risk, days before
#: day 1; 1.5: every file read, the shadowing user files, the library directories and
#: the sheet's own hash in the provenance; 1.6: the patient's date of birth,
#: patient_dob; a patient input typed in another unit, given_value and given_unit;
#: 1.7: a hydration order's dose_unit, rate_ml_per_h, timing and relative_to), major
#: for an incompatible change.
SCHEMA_VERSION = "1.7"

Severity = Literal["info", "caution", "blocking"]

#: Every warning code with its severity. The meaning of each is documented in
#: docs/dose-sheet.md (tested); its message, per language, is ``warning.CODE`` in the
#: catalogues of ``_render/catalogue`` (tested: every code has one).
WARNING_CODES: dict[str, Severity] = {
    # The BSA used for dosing was capped at the requested maximum.
    "BSA_CAPPED": "caution",
    # BSA above 2.2 m²: check height, weight and any capping policy.
    "BSA_HIGH": "caution",
    # BSA below 1.3 m²: check height and weight.
    "BSA_LOW": "caution",
    # BSA formulas differ for this patient by more than the rounding tolerance.
    "BSA_FORMULAS_DISAGREE": "caution",
    # A dose level below 100 % applies.
    "DOSE_LEVEL_REDUCED": "info",
    # A dose level above 100 % applies: blocking unless the escalation is confirmed
    # (SheetOptions.confirm_escalation), then a caution (ESCALATION_CONFIRMED_SEVERITY).
    "DOSE_LEVEL_ABOVE_100": "blocking",
    # The global dose level was not applied to this drug: its role (modulator, supportive)
    # is not one a global level reduces; a per-drug level would name it.
    "DOSE_LEVEL_NOT_APPLIED": "info",
    # The drug has a renal dose rule but no creatinine or CrCl was given.
    "RENAL_RULE_NOT_CHECKED": "caution",
    # The dose was changed by the drug's renal rule.
    "RENAL_ADJUSTED": "caution",
    # The drug is contraindicated at this renal function.
    "CONTRAINDICATED": "blocking",
    # Rounding would move the dose beyond the tolerance: the calculated dose is kept.
    "ROUNDING_BEYOND_TOLERANCE": "blocking",
    # No combination of whole tablets is within tolerance of the calculated dose.
    "TABLETS_NOT_ACHIEVABLE": "blocking",
    # The drug volume alone exceeds what the infusion pump holds.
    "PUMP_VOLUME_EXCEEDED": "blocking",
    # The final concentration of an infusion is outside the range its label gives
    # (drugs.toml preparation): a larger or smaller bag is needed (issue 19).
    "FINAL_CONCENTRATION_OUT_OF_RANGE": "caution",
    # The GFR used in the Calvert formula was capped.
    "CALVERT_GFR_CAPPED": "info",
    # A supportive regimen is not given in this cycle.
    "SUPPORTIVE_NOT_THIS_CYCLE": "info",
    # A final dose is above its drug's labelled maximum (drugs.toml maximum_dose).
    "MAX_DOSE_EXCEEDED": "blocking",
    # An order given before, during or after a drug (cisplatin's hydration) on a day
    # that drug is withheld: is it still wanted? (Not removed: the prescriber decides.)
    "ORDER_FOR_WITHHELD_DRUG": "caution",
    # Every chemotherapy dose of the sheet is withheld: nothing is given, whatever the
    # decision says (a withheld drug keeps the cycle's schedule).
    "NOTHING_GIVEN": "caution",
    # A caution the library attaches to the regimen ([[cautions]] of its file).
    "REGIMEN_CAUTION": "caution",
    # --- issue 17: renal function ---
    # A drug's renal rule can withhold or reduce it, and no renal function was given.
    "RENAL_FUNCTION_MISSING": "blocking",
    # --- issue 18: the treatment-day assessment (docs/assessment.md) ---
    # A blood count is below the regimen's (or drug's) threshold: the cycle waits.
    "LAB_BELOW_THRESHOLD": "blocking",
    # The liver tests contraindicate the drug.
    "HEPATIC_CONTRAINDICATION": "blocking",
    # The liver tests withhold the drug this cycle (nivolumab: immune-mediated hepatitis).
    "HEPATIC_WITHHOLD": "caution",
    # An advisory on the liver tests that changes no dose: the prescriber decides.
    "HEPATIC_CAUTION": "caution",
    # A condition the label asks to weigh (ramucirumab in severe cirrhosis): the
    # prescriber decides; the dose is not changed.
    "CONDITION_CAUTION": "caution",
    # A condition withholds the drug this cycle (a suspected SJS/TEN/DRESS under
    # nivolumab, until the diagnosis is settled).
    "CONDITION_WITHHOLD": "caution",
    # A renal lab at or above a drug's gate for a repeat course (cisplatin: creatinine
    # ≥ 1.5 mg/dL): the cycle waits.
    "RENAL_DELAY": "blocking",
    # The liver tests reduce the drug.
    "HEPATIC_REDUCTION": "caution",
    # The DPD status (DPYD activity score or uracilaemia) contraindicates the drug.
    "DPD_DEFICIENCY": "blocking",
    # The DPD status reduces the starting dose.
    "DPD_REDUCTION": "caution",
    # No DPD status for a fluoropyrimidine (blocking where a country's law requires one).
    "DPD_STATUS_MISSING": "caution",
    # UGT1A1 poor metaboliser: irinotecan's starting dose is reduced.
    "UGT1A1_REDUCTION": "caution",
    # No UGT1A1 genotype given, where a rule would use it.
    "UGT1A1_NOT_GIVEN": "info",
    # The last cycle's toxicity stops the drug.
    "TOXICITY_STOP": "blocking",
    # The last cycle's toxicity withholds the drug this cycle.
    "TOXICITY_WITHHOLD": "caution",
    # The last cycle's toxicity reduces the drug.
    "TOXICITY_REDUCTION": "caution",
    # A toxicity of grade 2 or more that no encoded ladder covers: the prescriber decides.
    "TOXICITY_NOT_COVERED": "caution",
    # A condition the label names stops the drug.
    "CONDITION_CONTRAINDICATION": "blocking",
    # An advisory on a lab (epirubicin: consider lower doses at creatinine > 5 mg/dL).
    "RENAL_CAUTION": "caution",
    # The ejection fraction fell as the label's hold rule says: withhold the drug this
    # cycle and repeat the LVEF (trastuzumab: EU SmPC §4.4).
    "CARDIAC_WITHHOLD": "caution",
    # An advisory on the ejection fraction that changes no dose (trastuzumab: the US
    # label's ≥ 16-point fall, where the EU rule the library follows did not match).
    "CARDIAC_CAUTION": "caution",
    # The 24-hour urine protein withholds the drug this cycle (ramucirumab ≥ 2 g/24 h).
    "PROTEINURIA_WITHHOLD": "caution",
    # The 24-hour urine protein stops the drug for good (ramucirumab > 3 g/24 h).
    "PROTEINURIA_STOP": "blocking",
    # A lab a rule needs was not given (blocking where that rule would stop the drug).
    "LAB_MISSING": "caution",
    # The labs are older than the library's limit.
    "LAB_STALE": "blocking",
    # The weight moved by the library's threshold or more from the reference weight.
    "WEIGHT_CHANGED": "caution",
    # A prescriber overrode a rule's outcome, with a reason: on record, not applied.
    "ASSESSMENT_OVERRIDDEN": "caution",
}

#: The codes an assessment step or ladder rung may carry (the others are the sheet's).
ASSESSMENT_STEP_CODES: frozenset[str] = frozenset(
    {
        "LAB_BELOW_THRESHOLD",
        "HEPATIC_CONTRAINDICATION",
        "HEPATIC_REDUCTION",
        "HEPATIC_WITHHOLD",
        "HEPATIC_CAUTION",
        "DPD_DEFICIENCY",
        "DPD_REDUCTION",
        "UGT1A1_REDUCTION",
        "TOXICITY_STOP",
        "TOXICITY_WITHHOLD",
        "TOXICITY_REDUCTION",
        "CONDITION_CONTRAINDICATION",
        "CONDITION_CAUTION",
        "CONDITION_WITHHOLD",
        "RENAL_CAUTION",
        "RENAL_DELAY",
        "CARDIAC_WITHHOLD",
        "CARDIAC_CAUTION",
        "PROTEINURIA_WITHHOLD",
        "PROTEINURIA_STOP",
        "TOXICITY_NOT_COVERED",
    }
)

#: The severity of ``DOSE_LEVEL_ABOVE_100`` once the prescriber confirmed the escalation:
#: a typo of 180 for 80 must not pass, a deliberate escalation must be seen (issue 17).
ESCALATION_CONFIRMED_SEVERITY: Severity = "caution"

#: One step of the order of operations (``_calc/dose.py``), in the order applied.
OrderStep = Literal[
    "basis", "dose_x_basis", "dose_level", "organ_function", "assessment", "rounding"
]
#: BSA (or weight, or GFR + 25) → dose × basis → dose level → organ function →
#: treatment-day assessment (a ceiling in % of the full dose) → rounding.
ORDER_OF_OPERATIONS: tuple[OrderStep, ...] = (
    "basis",
    "dose_x_basis",
    "dose_level",
    "organ_function",
    "assessment",
    "rounding",
)

#: How a dose was rounded: to the drug's increment, to whole tablets, not at all
#: (``rounding="none"``), not because rounding would pass the tolerance, or not
#: because the dose is withheld.
RoundingMethod = Literal["increment", "tablets", "none", "beyond_tolerance", "withheld"]
#: Why a dose is withheld (its organ adjustment gives the band and the source).
WithheldReason = Literal["contraindicated", "assessment"]
#: The organ-function rule an adjustment comes from (renal: the Cockcroft-Gault CrCl).
OrganRule = Literal["renal"]


class SheetWarning(Frozen):
    """A warning on a sheet: severity, a stable code, the drug if any, and the values its
    message shows (params, as displayed). The JSON document adds the English message."""

    severity: Severity
    code: str
    drug: str | None = None
    #: The values in the message, as displayed; ``variant`` picks one of several wordings.
    params: FrozenMap[str, str] = Field(default_factory=FrozenDict)


class TabletCount(Frozen):
    """How many tablets of one strength make one intake."""

    strength_mg: float
    count: int


class Intake(Frozen):
    """One intake of an oral drug on a day: when, how much, which tablets."""

    time: str  # "morning", "evening", "midday", "night"
    dose_mg: float
    tablets: tuple[TabletCount, ...]


class PlanOption(Frozen):
    """A plan of whole tablets that is not within the tolerance, shown when none is:
    the nearest below and above the day's calculated total."""

    side: Literal["below", "above"]
    intakes: tuple[Intake, ...]
    daily_dose_mg: float
    deviation_percent: float


class DispenseItem(Frozen):
    """Tablets of one strength of an oral drug to hand over for the cycle (issue 19)."""

    drug: str
    strength_mg: float
    #: The intakes' tablets of this strength × the days the drug is given in the cycle.
    count: int
    #: Packs to open: ceil(count / pack size), when the library gives a pack size.
    packs: int | None = None


class PumpFill(Frozen):
    """How to fill an elastomeric pump for a continuous infusion."""

    pump_rate_ml_per_h: float
    duration_h: float
    pump_volume_ml: float
    drug_concentration_mg_per_ml: float
    drug_volume_ml: float
    #: None when the drug does not fit: there is no recipe to give.
    diluent_ml: float | None
    #: None when the drug does not fit; never above the stock's concentration.
    final_concentration_mg_per_ml: float | None
    fits: bool
    #: The lowest rate (in 0.1 mL/h steps, rounded up) whose pump holds the drug's volume.
    min_rate_ml_per_h: float


class VialCount(Frozen):
    """How many vials of one size are opened."""

    size_mg: float
    count: int


class Preparation(Frozen):
    """How a parenteral dose is prepared (issue 19, docs/dispensing.md): the volume to
    draw, the vials, the diluent, the final volume and concentration, the rate.

    The dose prepared is ``dose_mg`` (``daily_dose_mg`` for a continuous infusion: the
    whole pump). A value the library cannot give is None, never a guess.
    """

    #: Of the stock drawn from: the library's, or ``--concentration`` (``concentration_given``).
    #: None: the library gives none (docetaxel): no volume is computed.
    concentration_mg_per_ml: float | None
    concentration_given: bool = False
    #: Dose ÷ concentration, to the nearest 0.1 mL (half up).
    volume_ml: float | None = None
    #: ``volume_ml`` × concentration: what that volume holds (within 0.05 mL of the dose).
    dose_drawn_mg: float | None = None
    #: The fewest vials holding ``dose_drawn_mg``, then the least waste; None where the
    #: library gives no vial sizes, or the concentration is not the library's product's.
    vials: tuple[VialCount, ...] | None = None
    waste_mg: float | None = None
    diluents: tuple[Diluent, ...] = ()
    #: The bag (``bag_volume_ml`` + ``volume_ml``) or the pump's volume; None: not given.
    final_volume_ml: float | None = None
    final_concentration_mg_per_ml: float | None = None
    final_concentration_min_mg_per_ml: float | None = None
    final_concentration_max_mg_per_ml: float | None = None
    #: ``final_volume_ml`` ÷ duration, in mL/h, when both are known.
    rate_ml_per_h: float | None = None
    stability: str = ""
    source: str | None = None


class VialUse(Frozen):
    """A drug prepared more than once on a day (5-FU bolus and pump): the vials for the
    day's total when they are shared, against the waste of separate preparations."""

    drug: str
    day: int
    total_mg: float
    vials: tuple[VialCount, ...]
    waste_mg: float
    #: The sum of the administrations' own waste (each from its own vials).
    separate_waste_mg: float


class OrganAdjustment(Frozen):
    """The organ-function rule band that applied to a dose."""

    rule: OrganRule
    band: str  # the band's label, from the library (e.g. "CrCl 30–50 mL/min")
    band_fr: str = ""  # the same in French ("ClCr 30–50 mL/min"); empty: none written
    action: RenalAction
    percent: float | None = None
    dose_mg: float | None = None
    source: str


class Administration(Frozen):
    """One drug given one way on one day, with every step of its dose.

    Doses are per intake; ``daily_dose_mg`` is ``dose_mg × intakes_per_day``.
    """

    drug: str
    regimen: str  # id of the regimen this comes from (a supportive one for add-ons)
    order: int
    #: chemotherapy, or an order given with it (premedication, antiemetic, hydration,
    #: supportive): those are shown apart and never changed by a dose level or assessment.
    kind: ComponentKind = "chemotherapy"
    route: Route
    method: Method
    prescribed: str  # the library dose per intake, e.g. "625 mg/m2"
    prescribed_daily: str | None = None  # e.g. "1250 mg/m2/day" when divided into intakes
    #: Days one continuous-infusion pump dosed per day runs (5-FU 750 mg/m²/day on days
    #: 1-5: 5); 1 otherwise. Such a pump is one administration on its first day: its
    #: ``daily_dose_mg`` (and ``dose_mg``, ``pump``) are the whole pump, the dose of each
    #: day times ``infusion_days``; ``dose_per_infusion_day_mg`` is the pump / the days.
    infusion_days: int = 1
    dose_per_infusion_day_mg: float | None = None
    dose_basis: DoseBasis
    basis_value: float | None  # the BSA, the weight or (GFR + 25) multiplied
    basis_unit: str | None  # "m2", "kg", "mL/min"
    intakes_per_day: int
    standard_mg: float  # per intake at 100 %, before dose level and organ adjustment
    dose_level_percent: float
    organ_adjustment: OrganAdjustment | None = None
    calculated_mg: float  # per intake, after dose level and organ adjustment
    rounding: RoundingMethod
    #: The step of ``rounding="increment"``, in mg (the drug's, or 1 mg).
    rounding_increment_mg: float | None = None
    #: The strengths of ``rounding="tablets"`` (all the library gives, largest first).
    tablet_strengths_mg: tuple[float, ...] = ()
    dose_mg: float  # per intake, final
    daily_dose_mg: float
    deviation_percent: float
    tablets: tuple[TabletCount, ...] | None = None
    #: An oral drug's intakes of a day, morning first (issue 19): authoritative for what
    #: is taken. Equal intakes: each is ``dose_mg``; unequal (no equal plan within the
    #: tolerance): ``dose_mg`` and ``tablets`` are the largest intake's, and
    #: ``daily_dose_mg`` and ``deviation_percent`` are of the day's total.
    intakes: tuple[Intake, ...] | None = None
    #: No plan within the tolerance: the nearest plans below and above (the dose is
    #: then not dispensable, and the sheet is blocking).
    nearest_plans: tuple[PlanOption, ...] = ()
    duration_h: float | None = None
    rate_mg_per_h: float | None = None
    #: The unit of the ``*_mg`` amounts: ``mg``, or for a hydration order ``mL`` (a
    #: fluid) or ``mmol`` (an electrolyte), given as written (never scaled or rounded).
    dose_unit: DoseUnit = "mg"
    #: A hydration fluid's rate: its volume over its duration, mL/h.
    rate_ml_per_h: float | None = None
    #: An order given with a chemotherapy drug: ``before``/``during``/``after`` it.
    timing: Timing | None = None
    relative_to: str | None = None
    pump: PumpFill | None = None
    #: IV administrations given: volume, vials, diluent (issue 19); None for oral
    #: drugs and withheld doses.
    preparation: Preparation | None = None
    withheld: bool = False
    withheld_reason: WithheldReason | None = None
    #: The treatment-day assessment's ceiling for this drug, % of the full dose (None:
    #: no assessment, or no rule lowered it).
    assessment_level_percent: float | None = None
    #: What the drug's renal rule is: CrCl ``bands``, ``none`` applies (sourced), or
    #: ``not_encoded`` (no rule in the library: a missing rule looks missing).
    renal_rule: RenalRuleStatus = "not_encoded"
    renal_rule_source: str | None = None
    notes: str = ""  # the library's notes on this component (data, not ours)
    notes_fr: str = ""  # the same in French, when the library gives them


class SheetDay(Frozen):
    """One treatment day of the cycle (1-based) and its administrations in order."""

    day: int
    administrations: tuple[Administration, ...]


class DrugTotal(Frozen):
    """The total of one drug over the cycle."""

    drug: str
    total_mg: float
    per_method: FrozenMap[str, float] = Field(default_factory=FrozenDict)
    days: tuple[int, ...]


class RegimenRef(Frozen):
    """The regimen a sheet was computed from."""

    id: str
    name: str
    #: The name in French, from the file's ``name_fr`` (empty: none written).
    name_fr: str = ""
    cycle_length_days: int
    sha256: str
    kind: Literal["chemotherapy", "supportive"] = "chemotherapy"


class RenalFunction(Frozen):
    """The renal function used for organ rules and the Calvert formula."""

    crcl_ml_min: float
    source: Literal["cockcroft_gault", "given"]
    weight_kg_used: float | None = None
    weight_basis: WeightBasis | None = None
    formula: str | None = None  # the formula's expression (``_calc/renal.py``)
    #: Actual weight (kg) and Devine ideal weight (kg) when the obesity rule chose the
    #: adjusted weight (actual > 130 % of ideal), else None.
    obesity_actual_kg: float | None = None
    obesity_ideal_kg: float | None = None
    #: Decimals the CrCl is shown with: enough that the shown value falls in the same
    #: band of every renal rule of the sheet as the unrounded one (29.98, never 30.0).
    display_decimals: int = 1


class Provenance(Frozen):
    """Enough to recompute the sheet: tool, regimen files, options, time."""

    tool: str = "regimens"
    tool_version: str
    regimen_id: str
    regimen_sha256: str
    supportive: FrozenMap[str, str] = Field(default_factory=FrozenDict)  # id → sha256
    options: FrozenMap[str, object]
    order_of_operations: tuple[OrderStep, ...]
    calculated_at: str  # ISO 8601, UTC
    #: Every library file the sheet read, with its SHA-256 (1.5).
    files: tuple[SourceFile, ...] = ()
    #: The user files among them that replaced an earlier layer's (1.5).
    shadowed: tuple[Shadowing, ...] = ()
    #: The user library directories, in layer order (1.5): what ``verify`` loads again.
    library_dirs: tuple[LibraryDirectory, ...] = ()


class DoseSheet(Frozen):
    """A per-day dose sheet for one cycle of a regimen (and its supportive add-ons)."""

    schema_version: str = SCHEMA_VERSION
    #: A planning sheet (``provisional`` option): "PROVISIONAL — not for administration".
    provisional: bool = False
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    #: The regimen's emetogenic class with its source (None: the library states none).
    emetogenic_risk: EmetogenicRisk | None = None
    cycle: int
    patient: PatientInputs
    bsa_formula: str
    bsa_m2: float | None
    bsa_m2_unrounded: float | None
    bsa: BsaResult | None
    renal: RenalFunction | None
    tolerance_percent: float
    rounding_policy: RoundingPolicy
    days: tuple[SheetDay, ...]
    totals: tuple[DrugTotal, ...]
    #: The tablets to dispense for the cycle, per oral drug and strength (issue 19;
    #: docs/dispensing.md). A withheld drug, or one with no plan, dispenses nothing.
    dispense: tuple[DispenseItem, ...] = ()
    #: Drugs prepared more than once on a day: shared vials and waste (issue 19).
    vial_use: tuple[VialUse, ...] = ()
    warnings: tuple[SheetWarning, ...]
    provenance: Provenance
    #: The treatment-day assessment (None: no assessment input was given).
    assessment: Assessment | None = None
    #: Drug INN → {language: name}, from the library's ``local_names`` (for ``--lang``).
    drug_names: FrozenMap[str, FrozenMap[str, str]] = Field(default_factory=FrozenDict)
    #: Optional identifiers printed on the sheet; never used in any calculation
    #: (checked by :class:`~regimens._models.identity.PatientIdentity`).
    patient_id: str | None = None
    patient_name: str | None = None
    patient_dob: dt.date | None = None

    @property
    def blocking(self) -> bool:
        """True when any warning is blocking: the sheet must not be used as it is."""
        return any(warning.severity == "blocking" for warning in self.warnings)

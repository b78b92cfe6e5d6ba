"""The treatment-day assessment: its inputs, its rules (data), and its result.

On a treatment day the pharmacist and the oncologist decide whether the patient is fit
for this cycle today, and at what dose of each drug, from today's blood counts and liver
tests, the last cycle's toxicity, the pharmacogenetic results, conditions a label names,
and the weight. The rules are data (``drugs.toml`` and the regimen files, each with its
source and evidence mark); :mod:`regimens._calc.assessment` applies them; the renderers
give the result its words.

Every lab is held in one canonical unit (:data:`LAB_UNITS`); a value typed as a multiple
of the upper limit of normal keeps that multiple (``times_uln``) and is compared with an
absolute threshold through the ULN in force (:data:`LAB_UNITS` defaults, or ``--uln``).
"""

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from regimens._models.base import Evidence, Frozen, FrozenDict, FrozenMap, NonEmpty, Number, Whole
from regimens._models.schedule import CycleRange

__all__ = [
    "ASSESSMENT_KINDS",
    "LAB_NAMES",
    "LAB_UNITS",
    "Action",
    "Assessment",
    "AssessmentInputs",
    "AssessmentKind",
    "AssessmentRule",
    "AssessmentSettings",
    "AssessmentStep",
    "Comparison",
    "CountryRule",
    "Decision",
    "DrugAssessment",
    "LabValue",
    "NamedState",
    "Reason",
    "RuleCheck",
    "RuleStatus",
    "StepAction",
    "ToxicityLadder",
    "ToxicityReport",
    "ToxicityStep",
    "When",
]

#: The labs an assessment reads, each in its canonical unit (the unit thresholds and
#: values are held in). A lab typed in another unit is converted by the reader.
LAB_UNITS: dict[str, str] = {
    "anc": "10^9/L",
    "platelets": "10^9/L",
    "hemoglobin": "g/dL",
    "bilirubin": "mg/dL",
    "ast": "U/L",
    "alt": "U/L",
    "alp": "U/L",
    "creatinine": "mg/dL",
    # Left ventricular ejection fraction (echocardiogram or MUGA), in % of the
    # end-diastolic volume: today's and the one measured before the drug was started.
    "lvef": "%",
    "lvef_baseline": "%",
    # Protein in a 24-hour urine collection (ramucirumab: after a dipstick of 2+ or more).
    "urine_protein": "g/24h",
}
LAB_NAMES: tuple[str, ...] = tuple(LAB_UNITS)

#: The kinds of assessment rule (``kind`` of ``[[drug.assessment]]``).
AssessmentKind = Literal["haematology", "hepatic", "renal", "cardiac", "dpd", "ugt1a1", "condition"]
ASSESSMENT_KINDS: tuple[str, ...] = (
    "haematology",
    "hepatic",
    "renal",
    "cardiac",
    "dpd",
    "ugt1a1",
    "condition",
)
#: What a rule does to a drug (or, for ``delay``, to the whole cycle).
Action = Literal["give", "reduce", "withhold", "delay", "stop"]
#: What a rule's step does: an action, or ``caution`` (an advisory shown with its source
#: that changes no dose: epirubicin's "consider lower doses" above a creatinine of 5).
StepAction = Literal["reduce", "withhold", "delay", "stop", "caution"]
#: The day's decision: give the cycle (perhaps with reductions), wait, or do not give it.
Decision = Literal["go", "delay", "stop"]
#: What became of a rule on the day (``RuleCheck.status``).
RuleStatus = Literal["met", "not_met", "missing_input", "none_applies", "overridden"]


class LabValue(Frozen):
    """One lab result: in its canonical unit, or as a multiple of the ULN (or both).

    ``typed`` is the text as given (``"40 umol/L"``), shown beside the value used.
    """

    name: NonEmpty
    value: Number | None = None  # in LAB_UNITS[name]
    times_uln: Number | None = None
    typed: str = ""

    @model_validator(mode="after")
    def _one_of(self) -> "LabValue":
        if self.value is None and self.times_uln is None:
            raise ValueError("a lab value needs a value or a multiple of the ULN")
        return self


class ToxicityReport(Frozen):
    """The last cycle's worst grade of one toxicity (CTCAE v5), and which occurrence of
    that grade of it this is (counted from 1)."""

    name: NonEmpty  # canonical name (AssessmentSettings.toxicities)
    grade: Whole = Field(ge=0, le=4)
    occurrence: Whole = Field(default=1, ge=1, le=20)


class AssessmentInputs(Frozen):
    """What the treatment day brings: labs, toxicity, pharmacogenetics, conditions."""

    date: dt.date | None = None  # the treatment date (default: today, set by the caller)
    lab_date: dt.date | None = None  # default: the treatment date
    labs: FrozenMap[str, LabValue] = Field(default_factory=FrozenDict)
    uln: FrozenMap[str, Number] = Field(default_factory=FrozenDict)  # overrides, canonical unit
    toxicities: tuple[ToxicityReport, ...] = ()
    dpyd_activity_score: Number | None = None
    uracil_ng_ml: Number | None = None
    ugt1a1: str | None = None  # normalised genotype, e.g. "*1/*28"
    reference_weight_kg: Number | None = None
    conditions: tuple[str, ...] = ()
    country: str | None = None
    #: rule id → the prescriber's reason for not applying that rule's outcome.
    overrides: FrozenMap[str, str] = Field(default_factory=FrozenDict)


class Comparison(Frozen):
    """One comparison of a rule's ``when``: ``bilirubin > 3 mg/dL``, ``ast > 4 xULN``,
    ``ugt1a1 in [*28/*28]``, ``condition dic``."""

    #: a lab name, lvef_drop (lvef_baseline − lvef, in points), dpyd_activity_score,
    #: uracil, ugt1a1, condition
    subject: NonEmpty
    op: Literal["<", "<=", ">", ">=", "in", "has", "lacks"]
    value: Number | None = None  # canonical unit of the subject, or a ULN multiple
    uln: bool = False  # value is a multiple of the ULN
    #: "in" (numbers as text for the score), "has" / "lacks" (a condition: ``condition
    #: dic``, ``not condition liver-metastases``)
    values: tuple[str, ...] = ()
    text: NonEmpty  # as written, e.g. "bilirubin > 3 mg/dL"


class When(Frozen):
    """A rule step's condition, as an OR of ANDs of comparisons, with its text."""

    any_of: tuple[tuple[Comparison, ...], ...] = Field(min_length=1)
    text: NonEmpty


class AssessmentStep(Frozen, str_strip_whitespace=True):
    """One step of a rule: when it matches, what happens to the drug (or the cycle)."""

    when: When
    action: StepAction
    level_percent: Number | None = Field(default=None, gt=0, lt=100)
    method: str | None = None  # only the drug's components given by this method
    recheck_days: Whole | None = Field(default=None, ge=1, le=60)
    code: NonEmpty
    source: str = ""

    @model_validator(mode="after")
    def _action_has_its_number(self) -> "AssessmentStep":
        if (self.action == "reduce") != (self.level_percent is not None):
            raise ValueError("give level_percent exactly when action is 'reduce'")
        if self.recheck_days is not None and self.action != "delay":
            raise ValueError("recheck_days belongs to a 'delay' step")
        return self


class AssessmentRule(Frozen, str_strip_whitespace=True):
    """A sourced rule of one kind for one drug (or, in a regimen without ``drug``, for
    the whole cycle). Steps are checked in order and the first that matches applies;
    ``status = "none"`` states, with its source, that no rule of this kind applies."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: AssessmentKind
    drug: str | None = None  # regimen files: the drug; drugs.toml: set from the block
    status: Literal["steps", "none"] = "steps"
    steps: tuple[AssessmentStep, ...] = ()
    evidence: Evidence
    source: NonEmpty
    notes: tuple[str, ...] = ()
    #: What a missing input of this rule is: ``blocking`` where an undecided step
    #: would stop the drug (the default), or always a ``caution`` (an input that is not
    #: measured before every dose: ramucirumab's 24-hour urine protein). Say why in notes.
    missing_input: Literal["blocking", "caution"] = "blocking"
    #: Cycles in which a missing input of this rule blocks, whatever its steps do: a
    #: measurement the label asks for before the first dose (trastuzumab's baseline LVEF
    #: in cycle 1). Empty: ``missing_input`` and the steps decide.
    required_in_cycles: tuple[CycleRange, ...] = ()

    @model_validator(mode="after")
    def _steps_or_none(self) -> "AssessmentRule":
        if self.status == "steps" and not self.steps:
            raise ValueError("give at least one step, or status = 'none' with its source")
        if self.status == "none" and self.steps:
            raise ValueError("status 'none' has no steps: leave them out")
        return self


class ToxicityStep(Frozen, str_strip_whitespace=True):
    """One rung of a toxicity ladder: a grade and occurrence, and the level it gives."""

    grade: Whole = Field(ge=1, le=4)
    occurrence_min: Whole = Field(ge=1)
    occurrence_max: Whole | None = Field(default=None, ge=1)  # None: and every later one
    action: Literal["give", "reduce", "withhold", "delay", "stop"]
    level_percent: Number | None = Field(default=None, gt=0, le=100)
    dose: Number | None = Field(default=None, gt=0)  # in the regimen dose's unit
    dose_unit: str | None = None
    method: str | None = None
    #: Narrows the ladder's toxicities for this rung (empty: the ladder's own).
    toxicities: tuple[str, ...] = ()
    note: str = ""
    note_fr: str = Field(default="", description="The note in French (--lang fr).")
    code: NonEmpty = "TOXICITY_REDUCTION"

    def covers(self, toxicity: str, grade: int, occurrence: int) -> bool:
        """Whether this rung is the one for ``toxicity`` of ``grade`` at its ``occurrence``."""
        high = self.occurrence_max
        return (
            (not self.toxicities or toxicity in self.toxicities)
            and grade == self.grade
            and occurrence >= self.occurrence_min
            and (high is None or occurrence <= high)
        )


class ToxicityLadder(Frozen, str_strip_whitespace=True):
    """A drug's dose steps after a toxicity of the last cycle (a label's or a
    protocol's table), by CTCAE grade and occurrence."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    drug: str | None = None
    toxicities: tuple[str, ...] = Field(min_length=1)  # canonical names, or "*"
    steps: tuple[ToxicityStep, ...] = Field(min_length=1)
    evidence: Evidence
    source: NonEmpty
    notes: tuple[str, ...] = ()

    def applies_to(self, toxicity: str) -> bool:
        """Whether a toxicity of this name is one this ladder covers."""
        return "*" in self.toxicities or toxicity in self.toxicities


class NamedState(Frozen, str_strip_whitespace=True):
    """A toxicity or condition name the assessment accepts, with its aliases."""

    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    aliases: tuple[str, ...] = ()
    definition: NonEmpty
    source: str = ""


class CountryRule(Frozen, str_strip_whitespace=True):
    """A rule that is law in one country: e.g. France requires an uracilaemia result
    before any fluoropyrimidine."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    requires: Literal["uracil", "dpyd_activity_score"]
    drugs: tuple[str, ...] = Field(min_length=1)
    code: NonEmpty
    evidence: Evidence
    source: NonEmpty


class AssessmentSettings(Frozen, str_strip_whitespace=True):
    """The library's assessment-wide data (``regimen_library/assessment.toml``)."""

    uln: FrozenMap[str, Number] = Field(default_factory=FrozenDict)  # canonical units
    uln_source: str = ""
    lab_max_age_days: Whole = Field(default=3, ge=0, le=30)
    lab_max_age_source: str = ""
    weight_change_percent: Number = Field(default=10.0, gt=0, le=50)
    weight_change_source: str = ""
    toxicities: tuple[NamedState, ...] = ()
    toxicities_source: str = ""
    conditions: tuple[NamedState, ...] = ()
    countries: tuple[CountryRule, ...] = ()


class Reason(Frozen):
    """Why a drug (or the cycle) gets its action: the rule, its source, the value seen
    and the threshold it was compared with (as displayed)."""

    code: NonEmpty
    rule: NonEmpty  # rule id
    kind: str  # assessment kind, or "toxicity", "weight", "dpd_status"
    when: str = ""  # the step's condition as written, or the toxicity rung
    source: str = ""
    value: str = ""
    threshold: str = ""
    action: Action | Literal["caution"] = "give"
    level_percent: Number | None = None
    method: str | None = None
    overridden: str | None = None  # the prescriber's reason, when overridden
    recheck_days: Whole | None = None  # delay: days until the counts are checked again
    note: str = ""  # a ladder rung's note (data), e.g. "interrupt until grade 0-1"
    note_fr: str = ""  # the same in French, when the file gives it


class RuleCheck(Frozen):
    """What one rule said about one drug: met, not met, no input, or 'none applies'."""

    rule: NonEmpty
    kind: str
    status: RuleStatus
    missing: tuple[str, ...] = ()
    source: str = ""


class DrugAssessment(Frozen):
    """The outcome for one drug (one of its administration methods, when a rule names
    one): what to do, at what level of the full dose, and why."""

    drug: NonEmpty
    method: str | None = None
    action: Action
    level_percent: Number = 100.0
    reasons: tuple[Reason, ...] = ()
    rules: tuple[RuleCheck, ...] = ()
    #: kinds of rule with nothing encoded for this drug (not even 'none applies').
    not_encoded: tuple[str, ...] = ()


class Assessment(Frozen):
    """The treatment-day decision with every drug's outcome (``assessment`` in JSON)."""

    decision: Decision
    date: dt.date
    lab_date: dt.date
    lab_age_days: Whole
    recheck_date: dt.date | None = None
    inputs: AssessmentInputs
    uln_used: FrozenMap[str, Number] = Field(default_factory=FrozenDict)
    drugs: tuple[DrugAssessment, ...] = ()
    cycle_reasons: tuple[Reason, ...] = ()  # rules about the whole cycle (haematology)
    #: The whole cycle's rules checked, whatever they found (a GO says what was checked).
    cycle_rules: tuple[RuleCheck, ...] = ()

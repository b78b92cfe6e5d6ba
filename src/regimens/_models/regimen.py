"""The regimen models: what a regimen or drug file means, in numbers and codes.

Each dose is an amount in its canonical unit (:data:`CANONICAL_UNIT`), days are numbers,
durations hours, strengths milligrams; the models check their invariants (days in the
cycle, an infusion's duration, a route its method allows). Reading the file spelling is
the readers' part (:mod:`regimens._read.regimen_file`). Renal rules (:class:`RenalRule`)
are CrCl bands covering 0 to infinity once (:func:`check_contiguous`), or "no rule
applies" / "none encoded"; the assessment rules live in :mod:`regimens._models.assessment`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from regimens._errors import InputError
from regimens._models.assessment import AssessmentRule, ToxicityLadder
from regimens._models.base import (
    Evidence,
    FieldPathError,
    Frozen,
    FrozenDict,
    FrozenMap,
    NonEmpty,
    Number,
    Whole,
)
from regimens._models.drug_data import (
    CumulativeLimit,
    DoxorubicinEquivalence,
    DrugCodes,
    InfusionFacts,
    PackSize,
)
from regimens._models.safety_data import MaximumDose, RegimenCaution

__all__ = [
    "CANONICAL_UNIT",
    "GLOBAL_LEVEL_ROLES",
    "Component",
    "CumulativeLimit",
    "Dose",
    "DoseBasis",
    "DoxorubicinEquivalence",
    "DrugCodes",
    "DrugFacts",
    "DrugRole",
    "Evidence",
    "FieldPathError",
    "Method",
    "NonEmpty",
    "PackSize",
    "Reference",
    "Regimen",
    "RenalAction",
    "RenalBand",
    "RenalRule",
    "RenalRuleStatus",
    "Route",
    "SupportiveSchedule",
    "check_contiguous",
]

DoseBasis = Literal["per_m2", "per_kg", "flat", "auc"]
Method = Literal["bolus", "infusion", "continuous_infusion", "oral", "injection"]
Route = Literal["IV", "PO", "SC", "IM"]
RenalAction = Literal["full", "percent", "absolute", "contraindicated"]
#: What a drug does in a regimen; decides whether a global dose level applies to it.
DrugRole = Literal["cytotoxic", "targeted", "modulator", "supportive"]
#: The roles a global dose level (``SheetOptions.dose_level_percent``) applies to. Published
#: dose-modification tables reduce the cytotoxic drugs, not a modulator such as folinic
#: acid (drugs.toml gives the source); a supportive drug keeps its dose.
GLOBAL_LEVEL_ROLES: frozenset[DrugRole] = frozenset({"cytotoxic", "targeted"})

#: Canonical display unit of each dose basis; ``Dose.amount`` is in this unit.
CANONICAL_UNIT: dict[str, str] = {
    "per_m2": "mg/m2",
    "per_kg": "mg/kg",
    "flat": "mg",
    "auc": "mg/mL*min",
}


class Reference(Frozen, str_strip_whitespace=True):
    """A published source of a regimen: citation, year and an identifier where known."""

    citation: NonEmpty = Field(description="Authors, title, journal, volume:pages.")
    year: Whole | None = Field(
        default=None, ge=1900, le=2100, description="Publication year (leave out if unknown)."
    )
    pmid: str | None = Field(default=None, pattern=r"^\d{1,9}$", description="PubMed id.")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    note: str = ""


class Dose(Frozen, str_strip_whitespace=True):
    """A dose as written and in canonical units.

    ``amount`` is in ``unit``: mg per m² of body-surface area (``per_m2``), mg per kg
    of body weight (``per_kg``), mg (``flat``) or the target AUC in mg/mL·min
    (``auc``, Calvert formula). In a file, write only the text: ``dose = "625 mg/m2"``.
    """

    text: str
    amount: float = Field(gt=0, allow_inf_nan=False)
    basis: DoseBasis
    unit: str

    @model_validator(mode="after")
    def _unit_matches_basis(self) -> Dose:
        if self.unit != CANONICAL_UNIT[self.basis]:
            raise ValueError(
                f"unit {self.unit!r} is not the canonical unit of basis {self.basis!r} "
                f"({CANONICAL_UNIT[self.basis]})"
            )
        return self


# CumulativeLimit lives in drug_data.py (this module is at its size limit); its limit is
# a Dose, defined here, so the model is completed once Dose exists.
CumulativeLimit.model_rebuild(_types_namespace={"Dose": Dose})


class Component(Frozen, str_strip_whitespace=True):
    """One drug administration of a cycle: what, how much, on which days, how given."""

    drug: NonEmpty = Field(description="Lowercase INN, as listed in drugs.toml.")
    dose: Dose
    dose_per: Literal["intake", "day"] = Field(
        default="intake",
        description="'day': the dose is a daily total divided equally into intakes_per_day.",
    )
    intakes_per_day: Whole = Field(default=1, ge=1, le=6)
    days: tuple[Annotated[int, Field(ge=1)], ...] = Field(
        min_length=1, description="Days of the cycle, from 1, in order."
    )
    days_text: str = Field(default="", description="The days as the file writes them.")
    route: Route
    method: Method
    duration_h: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    order: Whole = Field(ge=1, description="Administration order on the day (1 = first).")
    notes: str = ""
    notes_fr: str = Field(default="", description="The notes in French (--lang fr).")
    source: NonEmpty = Field(description="Where the dose, days and administration come from.")
    unverified: tuple[str, ...] = Field(
        default=(), description="What in this component no seen source confirms."
    )

    @field_validator("drug")
    @classmethod
    def _lowercase_inn(cls, drug: str) -> str:
        if drug != drug.lower():
            raise ValueError(f"write the drug as its lowercase INN: {drug.lower()!r}, not {drug!r}")
        return drug

    @field_validator("days")
    @classmethod
    def _days_once_in_order(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        if any(later <= earlier for earlier, later in itertools.pairwise(days)):
            raise ValueError(f"days must be listed once each, in order, got {days!r}")
        return days

    @model_validator(mode="after")
    def _consistent_administration(self) -> Component:
        timed = self.method in ("infusion", "continuous_infusion")
        if timed and self.duration_h is None:
            raise FieldPathError(
                "duration",
                f"{self.method.replace('_', ' ')} needs a duration, e.g. '2 h' or '46 h'",
            )
        if self.method == "oral" and self.duration_h is not None:
            raise FieldPathError("duration", "an oral dose has no infusion duration")
        allowed = {"PO": ("oral",), "IV": ("bolus", "infusion", "continuous_infusion")}
        methods = allowed.get(self.route, ("injection",))
        if self.method not in methods:
            raise FieldPathError(
                "method",
                f"route {self.route} is given as {' or '.join(methods)}, not {self.method}",
            )
        return self

    @property
    def dose_per_intake(self) -> float:
        """The amount of one intake, in ``dose.unit`` (a daily dose divided equally)."""
        if self.dose_per == "day":
            return self.dose.amount / self.intakes_per_day
        return self.dose.amount

    @property
    def daily_amount(self) -> float:
        """The total amount of one treatment day, in ``dose.unit``."""
        if self.dose_per == "day":
            return self.dose.amount
        return self.dose.amount * self.intakes_per_day


class SupportiveSchedule(Frozen, str_strip_whitespace=True):
    """How a supportive regimen is added to a chemotherapy regimen.

    E.g. zoledronic acid with FOLFOX-6 (14-day cycles): ``every_n_cycles = 2``,
    ``day = 1`` gives it on day 1 of cycles 1, 3, 5...
    """

    regimen: NonEmpty = Field(description="Id of the chemotherapy regimen it is given with.")
    every_n_cycles: Whole = Field(ge=1)
    first_cycle: Whole = Field(default=1, ge=1)
    day: Whole = Field(ge=1, description="Day of the host regimen's cycle.")
    source: NonEmpty
    notes: str = ""
    unverified: tuple[str, ...] = ()


_ID = r"^[A-Z0-9][A-Z0-9-]*$"


class Regimen(Frozen, str_strip_whitespace=True):
    """A chemotherapy or supportive regimen: one file of the library."""

    id: str = Field(pattern=_ID, description="Upper-case id, e.g. 'FOLFOX-6'.")
    name: NonEmpty
    aliases: tuple[str, ...] = ()
    description: NonEmpty
    setting: NonEmpty
    kind: Literal["chemotherapy", "supportive"] = "chemotherapy"
    cycle_length_days: Whole = Field(ge=1, le=365)
    usual_cycles: Whole | None = Field(default=None, ge=1)
    components: tuple[Component, ...] = Field(min_length=1)
    given_with: tuple[SupportiveSchedule, ...] = ()
    notes: tuple[str, ...] = ()
    cautions: tuple[RegimenCaution, ...] = Field(
        default=(), description="Cautions shown on every sheet of the regimen."
    )
    assessment: tuple[AssessmentRule, ...] = Field(
        default=(),
        description="Treatment-day rules of this regimen (docs/assessment.md): without "
        "drug, about the whole cycle (a haematology go/no-go); with drug, about that drug.",
    )
    toxicity_ladders: tuple[ToxicityLadder, ...] = Field(
        default=(), description="This regimen's dose steps after toxicity, per drug."
    )
    references: tuple[Reference, ...] = Field(min_length=1)

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(alias.strip() for alias in aliases)
        if any(not alias for alias in cleaned):
            raise ValueError("an alias is empty")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> Regimen:
        seen: dict[str, str] = {self.id.casefold(): "the id"}
        for index, alias in enumerate(self.aliases, start=1):
            key = alias.casefold()
            if key in seen:
                raise FieldPathError(
                    f"aliases[{index}]", f"duplicate alias {alias!r}: same as {seen[key]}"
                )
            seen[key] = f"alias {alias!r}"
        orders: dict[int, int] = {}
        for index, component in enumerate(self.components, start=1):
            late = [day for day in component.days if day > self.cycle_length_days]
            if late:
                raise FieldPathError(
                    f"components[{index}].days",
                    f"day {late[0]} is outside the {self.cycle_length_days}-day cycle "
                    f"(days run from 1 to {self.cycle_length_days})",
                )
            if component.order in orders:
                raise FieldPathError(
                    f"components[{index}].order",
                    f"order {component.order} is already used by "
                    f"components[{orders[component.order]}]: give each administration "
                    "its own place on the day",
                )
            orders[component.order] = index
        drugs = {component.drug for component in self.components}
        for index, rule in enumerate(self.assessment, start=1):
            if rule.drug is not None and rule.drug not in drugs:
                raise FieldPathError(
                    f"assessment[{index}].drug",
                    f"{rule.drug!r} is not a drug of this regimen ({', '.join(sorted(drugs))})",
                )
        for index, ladder in enumerate(self.toxicity_ladders, start=1):
            if ladder.drug not in drugs:
                raise FieldPathError(
                    f"toxicity_ladder[{index}].drug",
                    f"name the drug of the ladder, one of {', '.join(sorted(drugs))}",
                )
        if self.given_with and self.kind != "supportive":
            raise FieldPathError("given_with", "only a supportive regimen is given with another")
        return self

    def names(self) -> tuple[str, ...]:
        """The id followed by the aliases: every name this regimen answers to."""
        return (self.id, *self.aliases)


def check_contiguous(
    edges: Sequence[tuple[float | None, bool, float | None, bool]], *, unit: str
) -> None:
    """Check that bands cover 0 to infinity once: sorted, no gap, no overlap.

    Each band is ``(min, min_inclusive, max, max_inclusive)``; ``None`` is unbounded.
    At each shared edge exactly one side must include the edge, so every value falls
    in exactly one band. Raises :class:`FieldPathError` naming the band (1-based).
    Written once for every banded organ-function rule (renal now, bilirubin later).
    """
    if not edges:
        raise FieldPathError("bands", "no bands: give at least one")
    first_min, first_inclusive = edges[0][0], edges[0][1]
    if first_min is not None and (first_min != 0 or not first_inclusive):
        raise FieldPathError(
            "bands[1]",
            f"the first band must start at 0 {unit} inclusive (or leave min out), "
            f"so that every value has a band",
        )
    for index, (low, _, high, _) in enumerate(edges, start=1):
        if low is not None and high is not None and low >= high:
            raise FieldPathError(f"bands[{index}]", f"min {low:g} must be below max {high:g}")
    for index in range(1, len(edges)):
        _, _, high, high_inclusive = edges[index - 1]
        low, low_inclusive, _, _ = edges[index]
        where = f"bands[{index + 1}]"
        if high is None or low is None:
            raise FieldPathError(
                where,
                f"overlaps bands[{index}]: only the first band may omit min and only the last "
                "may omit max (bands are listed from the lowest value up)",
            )
        if low < high:
            raise FieldPathError(
                where, f"overlaps bands[{index}]: starts at {low:g} {unit}, before {high:g}"
            )
        if low > high:
            raise FieldPathError(
                where,
                f"leaves a gap after bands[{index}]: values between {high:g} and {low:g} {unit} "
                "have no band (a band must start where the previous one ends)",
            )
        if high_inclusive and low_inclusive:
            raise FieldPathError(
                where,
                f"overlaps bands[{index}] at {low:g} {unit}: both include it; make exactly one "
                "side inclusive",
            )
        if not high_inclusive and not low_inclusive:
            raise FieldPathError(
                where,
                f"leaves a gap after bands[{index}]: {low:g} {unit} itself is in no band; make "
                "exactly one side inclusive",
            )
    if edges[-1][2] is not None:
        raise FieldPathError(
            f"bands[{len(edges)}]",
            f"the last band must have no max, so that every value above {edges[-1][2]:g} {unit} "
            "has a band",
        )


class RenalBand(Frozen, str_strip_whitespace=True):
    """One band of creatinine clearance (mL/min) and what it does to the dose."""

    label: NonEmpty = Field(description="As a pharmacist reads it, e.g. 'CrCl 30–50 mL/min'.")
    min_ml_min: Number | None = Field(default=None, ge=0, allow_inf_nan=False)
    min_inclusive: bool = True
    max_ml_min: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_inclusive: bool = False
    action: RenalAction
    percent: Number | None = Field(default=None, gt=0, lt=100)
    dose_mg: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: NonEmpty

    @model_validator(mode="after")
    def _action_has_its_number(self) -> RenalBand:
        if (self.action == "percent") != (self.percent is not None):
            raise FieldPathError(
                "percent", "give percent exactly when action is 'percent' (e.g. percent = 75)"
            )
        if (self.action == "absolute") != (self.dose_mg is not None):
            raise FieldPathError(
                "dose_mg", "give dose_mg exactly when action is 'absolute' (e.g. dose_mg = 3.5)"
            )
        return self

    def contains(self, crcl_ml_min: float) -> bool:
        """Whether ``crcl_ml_min`` lies in this band, edges as declared."""
        low, high = self.min_ml_min, self.max_ml_min
        if low is not None and (
            crcl_ml_min < low or (crcl_ml_min == low and not self.min_inclusive)
        ):
            return False
        return not (
            high is not None
            and (crcl_ml_min > high or (crcl_ml_min == high and not self.max_inclusive))
        )


#: A renal rule's kind: CrCl ``bands``; ``none`` applies (sourced); ``not_encoded``.
RenalRuleStatus = Literal["bands", "none", "not_encoded"]


class RenalRule(Frozen, str_strip_whitespace=True):
    """A drug's dose by Cockcroft–Gault CrCl as contiguous bands, or the statement that
    no renal dose rule applies (``none``, sourced) or that none is encoded."""

    status: RenalRuleStatus = Field(
        default="bands",
        description="'bands': CrCl bands follow; 'none': no renal dose rule applies "
        "(cite the source); 'not_encoded': none sourced (notes: what is unverified).",
    )
    measure: Literal["cockcroft_gault"] = "cockcroft_gault"
    bands: tuple[RenalBand, ...] = ()
    evidence: Evidence | None = Field(default=None, description="V seen, P partial, U unverified.")
    source: NonEmpty
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _bands_cover_once(self) -> RenalRule:
        if self.status != "bands" and self.bands:
            raise FieldPathError("bands", f"status {self.status!r} has no bands: leave them out")
        if self.status == "not_encoded" and not self.notes:
            raise FieldPathError("notes", "say what is unverified (no rule encoded)")
        if self.status != "bands":
            return self
        check_contiguous(
            [
                (band.min_ml_min, band.min_inclusive, band.max_ml_min, band.max_inclusive)
                for band in self.bands
            ],
            unit="mL/min",
        )
        return self

    def band_for(self, crcl_ml_min: float) -> RenalBand:
        """The one band containing ``crcl_ml_min`` (mL/min, Cockcroft–Gault)."""
        if isinstance(crcl_ml_min, bool) or not math.isfinite(crcl_ml_min) or crcl_ml_min < 0:
            raise InputError(
                f"creatinine clearance must be a finite number of mL/min ≥ 0, got {crcl_ml_min!r}",
                field="creatinine_clearance",
            )
        matches = [band for band in self.bands if band.contains(crcl_ml_min)]
        if len(matches) != 1:  # impossible once validated; kept as a guard
            raise InputError(
                f"creatinine clearance {crcl_ml_min:g} mL/min falls in {len(matches)} bands",
                field="creatinine_clearance",
            )
        return matches[0]


class DrugFacts(Frozen, str_strip_whitespace=True):
    """What the library knows of a drug, shared by every regimen that uses it."""

    inn: NonEmpty = Field(description="Lowercase INN, the name components use.")
    role: DrugRole | None = Field(
        default=None,
        description="cytotoxic | targeted | modulator | supportive. A global dose level "
        "applies to cytotoxic and targeted drugs only; a drug without a role is treated "
        "as cytotoxic (the level applies), so a reduction is never silently skipped.",
    )
    aliases: tuple[str, ...] = Field(
        default=(), description="Other names: brands, abbreviations, other languages."
    )
    local_names: FrozenMap[str, str] = Field(
        default_factory=FrozenDict,
        description="The drug's name per output language, e.g. {fr = 'capécitabine'}; "
        "each name must be one of the aliases.",
    )
    tablet_strengths_mg: tuple[Number, ...] = Field(
        default=(), description="Tablet strengths in mg (oral drugs only)."
    )
    concentration_mg_per_ml: Number | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Of the solution drawn up."
    )
    products_source: str = Field(default="", description="Source of strengths/concentration.")
    # A step under 1 µg cannot be measured, and one of more than 1 g is no rounding.
    rounding_increment_mg: Number | None = Field(
        default=None,
        ge=0.001,
        le=1000,
        allow_inf_nan=False,
        description="Step of a parenteral dose, 0.001 to 1000 mg.",
    )
    rounding_source: str = ""
    cumulative_limit: CumulativeLimit | None = None
    pack_sizes: tuple[PackSize, ...] = Field(
        default=(), description="Tablets per pack of each strength (dispensing, oral drugs)."
    )
    pack_source: str = Field(default="", description="Where the pack sizes come from.")
    preparation: InfusionFacts | None = Field(
        default=None, description="Parenteral drugs: vials, diluents, final range, stability."
    )
    doxorubicin_equivalence: DoxorubicinEquivalence | None = Field(
        default=None,
        description="Anthracyclines: the doxorubicin-equivalence ratio for cumulative doses.",
    )
    renal_rule: RenalRule | None = None
    maximum_dose: MaximumDose | None = Field(
        default=None, description="Labelled maxima (blocking), or the statement that none exists."
    )
    assessment: tuple[AssessmentRule, ...] = Field(
        default=(), description="Treatment-day rules of this drug (docs/assessment.md)."
    )
    toxicity_ladders: tuple[ToxicityLadder, ...] = Field(
        default=(), description="The drug's label dose steps after toxicity."
    )
    codes: DrugCodes | None = Field(
        default=None, description="Standard codes (ATC) with their source; not used in doses."
    )
    sources: tuple[str, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()

    @field_validator("inn")
    @classmethod
    def _lowercase(cls, inn: str) -> str:
        if inn != inn.lower():
            raise ValueError(f"write the INN in lowercase: {inn.lower()!r}")
        return inn

    @field_validator("tablet_strengths_mg")
    @classmethod
    def _positive_strengths(cls, strengths: tuple[float, ...]) -> tuple[float, ...]:
        if any(not math.isfinite(value) or value <= 0 for value in strengths):
            raise ValueError("tablet strengths must be positive")
        # Whole tablets are counted in whole milligrams (products are): 150.5 mg would
        # otherwise pass here and stop every dose sheet of the drug.
        if any(value < 1 or value != round(value) for value in strengths):
            raise ValueError(
                "tablet strengths must be whole milligrams (e.g. 150 mg), got "
                + ", ".join(f"{value:g} mg" for value in strengths)
            )
        if len(set(strengths)) != len(strengths):
            raise ValueError("a tablet strength is listed twice")
        return tuple(sorted(strengths))

    @field_validator("aliases")
    @classmethod
    def _no_repeated_alias(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        folded = [alias.casefold() for alias in aliases]
        for index, key in enumerate(folded, start=1):
            if not key.strip():
                raise FieldPathError(f"[{index}]", "an alias is empty")
            if folded.index(key) != index - 1:
                raise FieldPathError(f"[{index}]", f"duplicate alias {aliases[index - 1]!r}")
        return aliases

    @model_validator(mode="after")
    def _local_names_are_aliases(self) -> DrugFacts:
        for lang, name in self.local_names.items():
            if name not in self.aliases:
                raise FieldPathError(
                    f"local_names.{lang}", f"{name!r} must also be listed in aliases"
                )
        return self

    @model_validator(mode="after")
    def _facts_have_sources(self) -> DrugFacts:
        has_products = bool(self.tablet_strengths_mg) or self.concentration_mg_per_ml is not None
        if has_products and not self.products_source:
            raise FieldPathError(
                "products_source", "cite where the strengths/concentration come from"
            )
        if self.rounding_increment_mg is not None and not self.rounding_source:
            raise FieldPathError("rounding_source", "cite where the rounding step comes from")
        if self.pack_sizes and not self.pack_source:
            raise FieldPathError("pack_source", "cite where the pack sizes come from")
        for pack in self.pack_sizes:
            if pack.strength_mg not in self.tablet_strengths_mg:
                raise FieldPathError(
                    "pack_sizes", f"{pack.strength_mg:g} mg is not one of the tablet_strengths"
                )
        if len({pack.strength_mg for pack in self.pack_sizes}) != len(self.pack_sizes):
            raise FieldPathError("pack_sizes", "a strength is given two pack sizes")
        return self

    def names(self) -> tuple[str, ...]:
        """The INN followed by the aliases."""
        return (self.inn, *self.aliases)

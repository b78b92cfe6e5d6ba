"""The regimen models: what a regimen or drug file means, in numbers and codes.

Each dose is an amount in its canonical unit (:data:`CANONICAL_UNIT`), days are numbers,
durations hours, strengths milligrams; the models check their invariants (days in the
cycle, an infusion's duration, a route its method allows). Reading the file spelling is
the readers' part (:mod:`regimens._read.regimen_file`). Renal rules live in
:mod:`regimens._models.renal_rule`, a component's cycles and kinds in
:mod:`regimens._models.schedule`, the assessment rules in
:mod:`regimens._models.assessment`; this module re-exports what its callers import.
"""

import itertools
import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from regimens._models import drug_data as _drug_data
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
from regimens._models.renal_rule import (
    RenalAction,
    RenalBand,
    RenalRule,
    RenalRuleStatus,
    check_contiguous,
)
from regimens._models.safety_data import EmetogenicRisk, MaximumDose, RegimenCaution
from regimens._models.schedule import (
    SUPPORTIVE_KINDS,
    ComponentKind,
    CycleRange,
    Timing,
    check_order_unit,
    check_relative_to,
    check_timing,
    cycles_overlap,
    in_cycles,
)

__all__ = [
    "CANONICAL_UNIT",
    "GLOBAL_LEVEL_ROLES",
    "Component",
    "ComponentKind",
    "CumulativeLimit",
    "CycleRange",
    "Dose",
    "DoseBasis",
    "DoxorubicinEquivalence",
    "DrugCodes",
    "DrugFacts",
    "DrugRole",
    "EmetogenicRisk",
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
    "Site",
    "SupportiveSchedule",
    "check_contiguous",
]

DoseBasis = Literal["per_m2", "per_kg", "flat", "auc", "volume", "mmol"]
Method = Literal["bolus", "infusion", "continuous_infusion", "oral", "injection"]
Route = Literal["IV", "PO", "SC", "IM"]
#: Tumour sites a regimen is filed under (a classification, not a dose: no source).
Site = Literal["gastro-oesophageal", "colorectal", "pancreatic", "bone-metastases"]
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
    "volume": "mL",
    "mmol": "mmol",
}


#: The largest dose a component may give per basis (100 g per m², per kg or flat; AUC 50):
#: far above any published regimen (high-dose methotrexate is 12 g/m², carboplatin
#: AUC 7), low enough that the arithmetic stays exact (docs/regimen-format.md).
MAX_DOSE_AMOUNT: dict[str, float] = {
    "per_m2": 100_000.0,
    "per_kg": 100_000.0,
    "flat": 100_000.0,
    "auc": 50.0,
    "volume": 10_000.0,
    "mmol": 1_000.0,
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
    def _unit_matches_basis(self) -> "Dose":
        if self.unit != CANONICAL_UNIT[self.basis]:
            raise ValueError(
                f"unit {self.unit!r} is not the canonical unit of basis {self.basis!r} "
                f"({CANONICAL_UNIT[self.basis]})"
            )
        return self


# CumulativeLimit lives in drug_data.py (this module is at its size limit); its limit is
# a Dose, defined here. The name is put into drug_data's namespace, where pydantic looks
# when it builds the model on first use; a model_rebuild here would build the schema at
# import, which costs every command about 20 ms (docs/performance.md, sixth pass).
_drug_data.Dose = Dose  # type: ignore[attr-defined]


class Component(Frozen, str_strip_whitespace=True):
    """One drug administration of a cycle: what, how much, on which days, how given."""

    drug: NonEmpty = Field(description="Lowercase INN, as listed in drugs.toml.")
    dose: Dose
    dose_per: Literal["intake", "day"] = Field(
        default="intake",
        description="'day': the dose is a daily total divided equally into intakes_per_day.",
    )
    intakes_per_day: Whole = Field(default=1, ge=1, le=6)
    days: tuple[Annotated[int, Field(ge=-7)], ...] = Field(
        min_length=1,
        description="Days of the cycle, from 1, in order; -1 is the day before day 1 (no day "
        "0), down to -7, for orders that are not chemotherapy.",
    )
    days_text: str = Field(default="", description="The days as the file writes them.")
    cycles: tuple[CycleRange, ...] = Field(
        default=(), description="The cycles it is given in; none: every cycle."
    )
    kind: ComponentKind = Field(
        default="chemotherapy",
        description="chemotherapy, or an order given with it (premedication, antiemetic, "
        "hydration, supportive): never changed by a dose level or the assessment.",
    )
    timing: Timing | None = Field(default=None, description="Before, during or after relative_to.")
    relative_to: str | None = Field(
        default=None, description="The chemotherapy drug it is timed by."
    )
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

    @field_validator("dose")
    @classmethod
    def _dose_not_absurd(cls, dose: Dose) -> Dose:
        if dose.amount > MAX_DOSE_AMOUNT[dose.basis]:
            # A typo of a few zeros (or 1e28 mg/m2, which overflowed the rounding). A
            # cumulative limit, a lifetime total, is not bound by it.
            raise ValueError(
                f"dose {dose.text!r} is above {MAX_DOSE_AMOUNT[dose.basis]:g} "
                f"{dose.unit}, the most a file may give: check the figure"
            )
        return dose

    @field_validator("days")
    @classmethod
    def _days_once_in_order(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        if any(later <= earlier for earlier, later in itertools.pairwise(days)):
            raise ValueError(f"days must be listed once each, in order, got {days!r}")
        if 0 in days:
            raise ValueError(_DAY_ZERO)
        return days

    @model_validator(mode="after")
    def _consistent_administration(self) -> "Component":
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
        if self.kind == "chemotherapy" and self.days[0] < 1:
            raise FieldPathError(
                "days",
                f"day {self.days[0]} is before day 1: only an order of another kind "
                "(premedication, antiemetic, hydration, supportive) is given before day 1",
            )
        if self.method == "continuous_infusion" and self.duration_h is not None:
            self._check_pumps(self.duration_h)
        check_order_unit(self.kind, self.dose.basis, self.dose.text)
        check_timing(self.kind, self.timing, self.relative_to)
        return self

    def _check_pumps(self, hours: float) -> None:
        """A per-day infusion over several days is one pump of 24 h a day; pumps of a
        per-intake infusion end before the next one starts."""
        if self.dose_per == "day":
            if self.intakes_per_day != 1 or self.days[-1] - self.days[0] + 1 != len(self.days):
                raise FieldPathError(
                    "days",
                    "a continuous infusion dosed per day is one pump over consecutive days "
                    "(e.g. days = '1-5'), with intakes_per_day 1",
                )
            if abs(hours - 24 * len(self.days)) > 1e-9:
                raise FieldPathError(
                    "duration",
                    f"a continuous infusion dosed per day over {len(self.days)} day(s) runs "
                    f"{24 * len(self.days)} h (24 h a day), not {hours:g} h",
                )
            return
        gaps = [later - earlier for earlier, later in itertools.pairwise(self.days)]
        if gaps and hours > 24 * min(gaps):
            raise FieldPathError(
                "duration",
                f"pumps of {hours:g} h started on days {self.days_text or self.days} would "
                "overlap: for one pump over several days write dose_per = 'day' (a dose per "
                "day) with the days it runs and a duration of 24 h per day",
            )

    @property
    def pump_days(self) -> int:
        """Days one pump of this component runs as a per-day dose (1 for any other)."""
        if self.method == "continuous_infusion" and self.dose_per == "day":
            return len(self.days)
        return 1

    @property
    def start_days(self) -> tuple[int, ...]:
        """The days an administration starts: a multi-day pump starts on its first day."""
        return self.days[:1] if self.pump_days > 1 else self.days

    def given_in(self, cycle: int) -> bool:
        """Whether this component is given in ``cycle`` (its ``cycles``, or every cycle)."""
        return in_cycles(self.cycles, cycle)

    @property
    def is_chemotherapy(self) -> bool:
        """Chemotherapy, as opposed to the orders given with it (:data:`SUPPORTIVE_KINDS`)."""
        return self.kind not in SUPPORTIVE_KINDS

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
_DAY_ZERO = (
    "day 0 is read two ways (the day before day 1, or day 1 itself): write -1 for the "
    "day before day 1"
)


class Regimen(Frozen, str_strip_whitespace=True):
    """A chemotherapy or supportive regimen: one file of the library."""

    id: str = Field(pattern=_ID, description="Upper-case id, e.g. 'FOLFOX-6'.")
    name: NonEmpty
    #: The name in French (``--lang fr``); English ``name`` when empty. Any text a
    #: person reads has its French form under the same key with ``_fr`` (as a
    #: component's ``notes_fr``); ``regimens validate`` warns where one is missing.
    name_fr: str = Field(default="", description="The name in French (--lang fr).")
    aliases: tuple[str, ...] = ()
    description: NonEmpty
    description_fr: str = Field(default="", description="The description in French.")
    setting: NonEmpty
    #: The tumour sites a unit files it under (``regimens list`` groups by them).
    sites: tuple[Site, ...] = ()
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
    emetogenic_risk: EmetogenicRisk | None = Field(
        default=None, description="The regimen's emetogenic class with its source."
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
    def _consistent(self) -> "Regimen":
        seen: dict[str, str] = {self.id.casefold(): "the id"}
        for index, alias in enumerate(self.aliases, start=1):
            key = alias.casefold()
            if key in seen:
                raise FieldPathError(
                    f"aliases[{index}]", f"duplicate alias {alias!r}: same as {seen[key]}"
                )
            seen[key] = f"alias {alias!r}"
        orders: dict[int, list[int]] = {}
        for index, component in enumerate(self.components, start=1):
            late = [day for day in component.days if day > self.cycle_length_days]
            if late:
                raise FieldPathError(
                    f"components[{index}].days",
                    f"day {late[0]} is outside the {self.cycle_length_days}-day cycle "
                    f"(days run from 1 to {self.cycle_length_days})",
                )
            # One order, one place on the day: two components may share it only when no
            # cycle has both (a loading dose in cycle 1, its maintenance from cycle 2).
            for earlier in orders.get(component.order, []):
                if (
                    cycles_overlap(self.components[earlier - 1].cycles, component.cycles)
                    is not None
                ):
                    raise FieldPathError(
                        f"components[{index}].order",
                        f"order {component.order} is already used by components[{earlier}]: "
                        "give each administration its own place on the day",
                    )
            orders.setdefault(component.order, []).append(index)
        _check_overlaps(self.components)
        # The assessment and the ladders act on chemotherapy only: a rule naming a
        # premedication would never apply, so it is refused rather than ignored.
        drugs = {component.drug for component in self.components if component.is_chemotherapy}
        check_relative_to([component.relative_to for component in self.components], drugs)
        for index, rule in enumerate(self.assessment, start=1):
            if rule.drug is not None and rule.drug not in drugs:
                raise FieldPathError(
                    f"assessment[{index}].drug",
                    f"{rule.drug!r} is not a chemotherapy drug of this regimen "
                    f"({', '.join(sorted(drugs))})",
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


def _check_overlaps(components: tuple[Component, ...]) -> None:
    """Two components of one drug given the same way on one day of one cycle are refused:
    the sheet would give the drug twice (a loading dose needs ``cycles`` on both); saline
    before and after cisplatin differ by ``timing``."""
    for index, component in enumerate(components, start=1):
        for earlier, other in enumerate(components[: index - 1], start=1):
            same = (other.drug, other.method, other.timing)
            if same != (component.drug, component.method, component.timing):
                continue
            days = sorted(set(other.days) & set(component.days))
            cycle = cycles_overlap(other.cycles, component.cycles)
            if days and cycle is not None:
                raise FieldPathError(
                    f"components[{index}].cycles",
                    f"{component.drug} ({component.method.replace('_', ' ')}) is also given on "
                    f"day {days[0]} of cycle {cycle} by components[{earlier}]: give each "
                    "its cycles (e.g. cycles = '1' and cycles = '2-')",
                )


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
    def _local_names_are_aliases(self) -> "DrugFacts":
        for lang, name in self.local_names.items():
            if name not in self.aliases:
                raise FieldPathError(
                    f"local_names.{lang}", f"{name!r} must also be listed in aliases"
                )
        return self

    @model_validator(mode="after")
    def _facts_have_sources(self) -> "DrugFacts":
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

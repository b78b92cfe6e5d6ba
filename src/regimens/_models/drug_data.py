"""Facts of a drug that no dose depends on: its cumulative limit and doxorubicin
equivalence (for cumulative doses), its pack sizes (for dispensing) and its standard
codes (for other systems)."""

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator, model_validator

from regimens._models.base import Evidence, FieldPathError, Frozen, NonEmpty, Number, Whole

if TYPE_CHECKING:
    # A cycle at run time (regimen.py imports this module): regimen.py puts Dose into
    # this module's namespace once it is defined, where pydantic finds it when it builds
    # CumulativeLimit on first use.
    from regimens._models.regimen import Dose

__all__ = [
    "CumulativeLimit",
    "Diluent",
    "DoxorubicinEquivalence",
    "DrugCodes",
    "InfusionFacts",
    "PackSize",
]

_ATC_CODE = re.compile(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$")


class DoxorubicinEquivalence(Frozen, str_strip_whitespace=True):
    """How many mg of doxorubicin one mg of an anthracycline counts as (cardiotoxicity).

    Sources disagree (epirubicin 1 in COG substitution rules, 0.8 in Feijen, JAMA Oncol
    2019), so the ratio is data with its source, and ``regimens course --equivalence``
    can replace it.
    """

    ratio: Number = Field(gt=0, le=20, allow_inf_nan=False)
    evidence: Evidence | None = None
    source: NonEmpty
    note: str = Field(default="", description="Other published ratios, and why this one.")


class DrugCodes(Frozen, str_strip_whitespace=True):
    """Standard identifiers of a drug, with where they were checked.

    Used to name the drug to other systems (the FHIR export, ``docs/fhir.md``);
    never in a calculation. Leave a code out rather than guess it.
    """

    atc: str | None = Field(
        default=None,
        description="WHO ATC code of the substance (5th level), e.g. 'L01XA03'.",
        examples=["L01XA03"],
    )
    evidence: Evidence | None = Field(
        default=None,
        description="V seen in the cited source, P secondary or partial, U unverified.",
    )
    source: NonEmpty = Field(description="Where the code was checked, with its year.")

    @field_validator("atc")
    @classmethod
    def _atc_format(cls, atc: str | None) -> str | None:
        if atc is not None and _ATC_CODE.fullmatch(atc) is None:
            raise ValueError(
                f"{atc!r} is not an ATC code of a substance: write 7 characters, a letter, "
                "2 digits, 2 capital letters and 2 digits, e.g. 'L01XA03'"
            )
        return atc


class CumulativeLimit(Frozen, str_strip_whitespace=True):
    """A lifetime cumulative dose above which a warning is due (e.g. epirubicin).

    ``kind = "limit"`` is a limit printed by a label (epirubicin 900 mg/m²): going past
    it is a blocking warning of ``regimens course``. ``kind = "advisory"`` is a
    threshold from the literature with no regulatory standing (oxaliplatin neuropathy):
    going past it is a caution.
    """

    limit: "Dose"
    kind: Literal["limit", "advisory"] = Field(
        default="limit",
        description="'limit': a label's cumulative limit; 'advisory': a published "
        "threshold without regulatory standing.",
    )
    evidence: Evidence | None = Field(
        default=None,
        description="V seen in the cited source, P secondary or partial, U unverified.",
    )
    source: NonEmpty
    note: str = ""

    @model_validator(mode="after")
    def _not_auc(self) -> "CumulativeLimit":
        if self.limit.basis == "auc":
            raise FieldPathError("limit", "a cumulative limit is a dose in mg/m2, mg/kg or mg")
        return self

    @property
    def amount(self) -> float:
        """The limit in :attr:`unit`."""
        return self.limit.amount

    @property
    def unit(self) -> str:
        """``mg/m2``, ``mg/kg`` or ``mg``."""
        return self.limit.unit


class PackSize(Frozen):
    """How many tablets of one strength a pack holds (dispensing: packs per cycle).

    Capecitabine: Xeloda 150 mg in packs of 60 and 500 mg in packs of 120 (EU package
    leaflet, section 6; docs/research/issue-19-sources.md). Generics differ: a pharmacy
    replaces the numbers with its own products'.
    """

    strength_mg: Number = Field(gt=0, allow_inf_nan=False)
    count: Whole = Field(ge=1)


#: A diluent a library names (the catalogues word it): glucose 5 %, sodium chloride
#: 0.9 %, water for injections.
Diluent = Literal["glucose_5", "sodium_chloride_0_9", "water_for_injections"]


class InfusionFacts(Frozen, str_strip_whitespace=True):
    """How a parenteral drug is prepared (issue 19, docs/dispensing.md): its vials, the
    diluents it may be given in, the labelled range of the final concentration, the
    standard bag volume and the stability after dilution, with the source of each.

    The concentration of the stock itself is ``concentration`` of the drug (none where
    several are marketed, as for docetaxel: ``--concentration`` gives it).
    """

    vial_sizes_mg: tuple[Number, ...] | None = Field(
        default=None,
        min_length=1,
        description="Content of each vial size of the library's product, in mg (the "
        "labelled amount); left out where no source gave them.",
    )
    diluents: tuple[Diluent, ...] = Field(
        default=(), description="Compatible diluents, the preferred first; none: not given."
    )
    final_concentration_min_mg_per_ml: Number | None = Field(
        default=None, gt=0, le=1000, allow_inf_nan=False
    )
    final_concentration_max_mg_per_ml: Number | None = Field(
        default=None, gt=0, le=1000, allow_inf_nan=False
    )
    bag_volumes_ml: tuple[Annotated[Number, Field(gt=0, le=5000)], ...] | None = Field(
        default=None,
        min_length=1,
        description="The bags the label allows the dose to be added to, mL: the smallest "
        "that keeps the final concentration in range is chosen; none: not given.",
    )
    stability: str = Field(default="", description="Stability after dilution, as the source says.")
    evidence: Evidence | None = Field(default=None, description="V, P or U (see sources).")
    source: NonEmpty
    note: str = ""

    @field_validator("vial_sizes_mg")
    @classmethod
    def _positive_sizes(cls, sizes: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if sizes is None:
            return None
        if any(not value > 0 for value in sizes):
            raise ValueError("vial sizes must be positive amounts in mg")
        if len(set(sizes)) != len(sizes):
            raise ValueError("a vial size is listed twice")
        return tuple(sorted(sizes))

    @field_validator("bag_volumes_ml")
    @classmethod
    def _sorted_bags(cls, bags: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if bags is not None and len(set(bags)) != len(bags):
            raise ValueError("a bag volume is listed twice")
        return tuple(sorted(bags)) if bags is not None else None

    @field_validator("diluents")
    @classmethod
    def _no_repeated_diluent(cls, diluents: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(diluents)) != len(diluents):
            raise ValueError("a diluent is listed twice")
        return diluents

    @model_validator(mode="after")
    def _range_in_order(self) -> "InfusionFacts":
        low, high = self.final_concentration_min_mg_per_ml, self.final_concentration_max_mg_per_ml
        if low is not None and high is not None and low > high:
            raise FieldPathError(
                "final_concentration_min",
                f"{low:g} mg/mL is above final_concentration_max {high:g} mg/mL",
            )
        return self

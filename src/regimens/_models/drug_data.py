"""Facts of a drug that no dose depends on: its doxorubicin equivalence (for cumulative
anthracycline doses) and its standard codes (for other systems)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from regimens._models.base import Evidence, Frozen, NonEmpty, Number

__all__ = ["DoxorubicinEquivalence", "DrugCodes"]

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

"""Safety data of the library: a drug's maximum doses and a regimen's cautions.

Both are data with their source and evidence mark, not code: ``[drug.maximum_dose]``
in ``drugs.toml`` and ``[[cautions]]`` in a regimen file (``docs/regimen-format.md``).
A maximum is checked on the final dose of every sheet (``MAX_DOSE_EXCEEDED``,
blocking); a caution is shown on every sheet of its regimen (``REGIMEN_CAUTION``).

A drug with no labelled maximum says so (``none_labelled = true`` with the source
searched), so that a missing maximum looks missing rather than forgotten.
"""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from regimens._models.base import Evidence, Frozen, Number

__all__ = [
    "MAXIMUM_FIELDS",
    "EmetogenicClass",
    "EmetogenicRisk",
    "EmetogenicScheme",
    "MaximumDose",
    "RegimenCaution",
]

_Positive = Annotated[Number | None, Field(default=None, gt=0, allow_inf_nan=False)]

#: The maxima a drug may carry, in the order they are checked.
MAXIMUM_FIELDS: tuple[str, ...] = (
    "per_administration_mg_per_m2",
    "per_administration_mg",
    "per_auc_mg",
    "per_day_mg",
    "per_cycle_mg",
)


class MaximumDose(Frozen, str_strip_whitespace=True):
    """A drug's labelled maximum doses, or the statement that its label gives none.

    ``per_administration_mg_per_m2`` is compared with the final dose of one
    administration divided by the BSA used; ``per_administration_mg`` with the final
    dose of one administration (one intake of an oral drug); ``per_auc_mg``, mg per unit
    of target AUC, with the final dose of one administration dosed by target AUC
    (Calvert), against ``per_auc_mg`` × its AUC (carboplatin: FDA 2010, AUC × 150 mL/min);
    ``per_day_mg`` with the drug's total on one day (every component of the drug);
    ``per_cycle_mg`` with its total over the cycle. A dose above any of them is
    blocking, whatever the dose level or the rounding that led to it.
    """

    per_administration_mg_per_m2: _Positive = None
    per_administration_mg: _Positive = None
    per_auc_mg: _Positive = None
    per_day_mg: _Positive = None
    per_cycle_mg: _Positive = None
    none_labelled: bool = Field(
        default=False,
        description="true: the label (source) gives no maximum; no number is given.",
    )
    evidence: Evidence = Field(
        description="V seen in the cited source, P secondary or partial, U unverified."
    )
    source: str = Field(min_length=1, description="Where the maximum (or its absence) is read.")
    note: str = ""

    @model_validator(mode="after")
    def _numbers_or_none(self) -> "MaximumDose":
        given = [name for name in MAXIMUM_FIELDS if getattr(self, name) is not None]
        if self.none_labelled and given:
            raise ValueError(
                f"none_labelled = true says the label gives no maximum: remove {given[0]}"
            )
        if not self.none_labelled and not given:
            raise ValueError(
                "give a maximum (e.g. per_administration_mg_per_m2 = 100), or "
                "none_labelled = true with the source that gives none"
            )
        return self


class RegimenCaution(Frozen, str_strip_whitespace=True):
    """A caution about a whole regimen, shown on every sheet of it (``REGIMEN_CAUTION``).

    The text is data a person reads: English in ``text``, French in ``text_fr`` (the
    sheet shows the text of its language).
    """

    text: str = Field(min_length=1, description="The caution in English.")
    text_fr: str = Field(min_length=1, description="The same caution in French.")
    evidence: Evidence = Field(
        description="V seen in the cited source, P secondary or partial, U unverified."
    )
    source: str = Field(min_length=1, description="The publication the caution rests on.")


#: Emetogenic classes of the antiemetic guidelines (MASCC/ESMO 2016, ASCO 2020).
EmetogenicClass = Literal["high", "moderate", "low", "minimal"]
#: The guideline a class is read from.
EmetogenicScheme = Literal["MASCC/ESMO 2016", "ASCO 2020"]


class EmetogenicRisk(Frozen, str_strip_whitespace=True, populate_by_name=True):
    """A regimen's emetogenic risk, as an antiemetic guideline classes it, with its source.

    Printed in every sheet's header; a regimen without one shows "not stated": the
    library never infers a class from the drugs.
    """

    class_: EmetogenicClass = Field(
        alias="class", description="high | moderate | low | minimal (the guideline's class)."
    )
    scheme: EmetogenicScheme = Field(description="'MASCC/ESMO 2016' or 'ASCO 2020'.")
    evidence: Evidence = Field(description="V seen in the cited source, P partial, U unverified.")
    source: str = Field(min_length=1, description="Where the class is read.")
    note: str = ""

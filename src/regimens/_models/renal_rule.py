"""A drug's renal rule: creatinine-clearance bands that cover 0 to infinity once.

Renal rules (:class:`RenalRule`) are CrCl bands covering 0 to infinity once
(:func:`check_contiguous`, written once for every banded rule: bilirubin later), or
"no rule applies" / "none encoded". Re-exported by :mod:`regimens._models.regimen`.
"""

import math
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from regimens._errors import InputError
from regimens._models.base import Evidence, FieldPathError, Frozen, NonEmpty, Number

__all__ = ["RenalAction", "RenalBand", "RenalRule", "RenalRuleStatus", "check_contiguous"]

RenalAction = Literal["full", "percent", "absolute", "contraindicated"]
#: A renal rule's kind: CrCl ``bands``; ``none`` applies (sourced); ``not_encoded``.
RenalRuleStatus = Literal["bands", "none", "not_encoded"]


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
    label_fr: str = Field(
        default="", description="The label in French (--lang fr), e.g. 'ClCr 30–50 mL/min'."
    )
    min_ml_min: Number | None = Field(default=None, ge=0, allow_inf_nan=False)
    min_inclusive: bool = True
    max_ml_min: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    max_inclusive: bool = False
    action: RenalAction
    percent: Number | None = Field(default=None, gt=0, lt=100)
    dose_mg: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    source: NonEmpty

    @model_validator(mode="after")
    def _action_has_its_number(self) -> "RenalBand":
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
    def _bands_cover_once(self) -> "RenalRule":
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

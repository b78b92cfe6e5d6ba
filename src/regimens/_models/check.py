"""The prescription check: prescribed doses, their comparison with a fresh sheet, notes.

These frozen models are the result of :func:`regimens._calc.check.check_prescription`
and the JSON document of ``regimens check --format json`` (``docs/check.md``). They hold
numbers and codes; a note's sentence is written by the renderer, from the catalogue
(``check.CODE``), in the output language.
"""

import math
from typing import Literal

from pydantic import Field

from regimens._models.base import Frozen, FrozenDict, FrozenMap, Number
from regimens._models.regimen import Method
from regimens._models.sheet import Provenance, RegimenRef, SheetWarning

__all__ = [
    "DEVIATION_DECIMALS",
    "METHOD_WORDS",
    "SCHEMA_VERSION",
    "CheckNote",
    "CheckReport",
    "CheckResult",
    "ExtraDose",
    "MethodWord",
    "MissingDose",
    "NoteCode",
    "Per",
    "PrescribedDose",
    "deviation_within",
]

#: Version of the ``regimens check --format json`` document (1.1: the provenance
#: names every file read, as the sheet's 1.5 does).
SCHEMA_VERSION = "1.1"

#: How a method may be written after ``DRUG:`` (``-`` or a space read as ``_``).
MethodWord = Literal[
    "bolus",
    "infusion",
    "short_infusion",
    "continuous_infusion",
    "continuous",
    "oral",
    "injection",
]

#: Each way of writing a method → the regimen methods it can address. ``infusion`` is a
#: family name: either kind of infusion, when the regimen gives the drug only one of them.
METHOD_WORDS: dict[MethodWord, tuple[Method, ...]] = {
    "bolus": ("bolus",),
    "infusion": ("infusion", "continuous_infusion"),
    "short_infusion": ("infusion",),
    "continuous_infusion": ("continuous_infusion",),
    "continuous": ("continuous_infusion",),
    "oral": ("oral",),
    "injection": ("injection",),
}

#: A dose is one intake, or the total of a day (``capecitabine=2200mg/day``).
Per = Literal["intake", "day"]

#: The codes of the notes on a result or an extra dose (texts: ``check.CODE``).
NoteCode = Literal[
    "LOOKS_DAILY",
    "LOOKS_PER_INTAKE",
    "INTAKES_DIFFER",
    "LOOKS_LIKE_OTHER_METHOD",
    "WITHHELD",
    "DOSES_DIFFER_BY_DAY",
    "NOT_IN_REGIMEN",
    "OTHER_METHOD",
]

#: Deviations are compared with the tolerance at this many decimals: 178.5 mg against
#: 170 mg is +5 % exactly, within a 5 % tolerance whatever the binary rounding.
DEVIATION_DECIMALS = 6


def deviation_within(deviation_percent: float | None, tolerance_percent: float) -> bool:
    """Whether a deviation is within the tolerance, edges included.

    The one definition of "within tolerance": the calculator decides with it, and the
    renderer uses it to show a deviation with enough decimals never to seem to
    contradict the decision. No deviation (the expected dose is 0) is never within.
    """
    if deviation_percent is None or not math.isfinite(deviation_percent):
        return False
    return round(abs(deviation_percent), DEVIATION_DECIMALS) <= tolerance_percent


class PrescribedDose(Frozen):
    """One ``DRUG[:METHOD]=DOSE`` of the order, read but not yet matched to the regimen."""

    text: str  # as typed
    drug: str  # lowercase INN
    method_word: MethodWord | None  # None when not given
    dose_mg: Number = Field(gt=0, allow_inf_nan=False)
    per: Per


class CheckNote(Frozen):
    """A remark on one result: a stable code and its values, as displayed."""

    code: NoteCode
    params: FrozenMap[str, str] = Field(default_factory=FrozenDict)


class CheckResult(Frozen):
    """One prescribed dose compared with the recalculated one."""

    drug: str
    method: Method  # the regimen's method the prescription addresses
    regimen: str  # the regimen (or supportive add-on) giving it
    day: int  # the treatment day compared (the first one the drug is given this way)
    prescribed: str  # as typed
    per: Per
    prescribed_mg: float
    expected_mg: float  # calculated (before rounding), per intake or per day as prescribed
    sheet_dose_mg: float  # the dose sheet's rounded dose, on the same basis
    intakes_per_day: int
    deviation_percent: float | None  # None when the expected dose is 0 (withheld)
    within_tolerance: bool
    notes: tuple[CheckNote, ...] = ()


class MissingDose(Frozen):
    """A regimen administration the prescription leaves out."""

    drug: str
    method: Method
    regimen: str
    day: int
    expected_mg: float  # per intake
    intakes_per_day: int


class ExtraDose(Frozen):
    """A prescribed drug (or drug and method) the regimen does not give."""

    drug: str
    method: MethodWord | None
    prescribed: str
    prescribed_mg: float
    per: Per
    reason: CheckNote


class CheckReport(Frozen):
    """The result of ``regimens check``: the JSON document of ``docs/check.md``."""

    schema_version: str = SCHEMA_VERSION
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    cycle: int
    bsa_m2: float | None
    bsa_formula: str
    tolerance_percent: float
    results: tuple[CheckResult, ...]
    missing: tuple[MissingDose, ...]
    extra: tuple[ExtraDose, ...]
    warnings: tuple[SheetWarning, ...]
    blocking: bool  # the recalculation carries a blocking warning
    ok: bool
    drug_names: FrozenMap[str, FrozenMap[str, str]] = Field(default_factory=FrozenDict)
    provenance: Provenance

"""When a component is given: its cycles, its kind of order, and continuous-infusion pumps.

A regimen file writes ``cycles = "1"`` (a trastuzumab loading dose), ``cycles = "2-"``
(the maintenance dose from cycle 2 on), ``"1,3,5"`` or ``"1-4"``; no ``cycles`` means
every cycle. The reader (:func:`regimens._read.regimen.parse_cycles`) turns the text
into :class:`CycleRange` s; :func:`in_cycles` and :func:`cycles_overlap` answer the two
questions the calculators and the regimen's own checks ask.

``kind`` says what an order line is: ``chemotherapy`` (the default) or one of the
orders given with it (:data:`SUPPORTIVE_KINDS`). Those print in their own section of
a sheet, are never changed by a dose level or the treatment-day assessment, and are
left out of cumulative doses and dose intensity (docs/regimen-format.md).

A hydration order is written as a pharmacist reads it: the fluid's volume in mL or an
electrolyte in mmol (or a mass, mannitol in g), flat, with its duration, and
``timing``/``relative_to`` (``"before"`` ``"cisplatin"``): :func:`check_order_unit` and
:func:`check_timing` refuse what cannot be meant.
"""

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from regimens._models.base import FieldPathError, Frozen, Whole

__all__ = [
    "HYDRATION_BASES",
    "SUPPORTIVE_KINDS",
    "ComponentKind",
    "CycleRange",
    "DoseUnit",
    "Timing",
    "check_order_unit",
    "check_relative_to",
    "check_timing",
    "cycles_overlap",
    "cycles_text",
    "in_cycles",
]

#: What an order line of a regimen is.
ComponentKind = Literal["chemotherapy", "premedication", "antiemetic", "hydration", "supportive"]
#: The kinds that are not chemotherapy: own sheet section, no dose level, no assessment,
#: not counted in cumulative doses or dose intensity.
SUPPORTIVE_KINDS: frozenset[str] = frozenset(
    {"premedication", "antiemetic", "hydration", "supportive"}
)
#: When an order is given, relative to a chemotherapy drug (``relative_to``).
Timing = Literal["before", "during", "after"]
#: The unit of an administration's amounts: mg, or a hydration order's mL or mmol.
DoseUnit = Literal["mg", "mL", "mmol"]
#: The dose bases of a hydration order: a fluid's volume (mL), an electrolyte (mmol) or
#: a flat mass (mannitol in g). Hydration is never scaled by BSA or weight.
HYDRATION_BASES: frozenset[str] = frozenset({"volume", "mmol", "flat"})


def check_order_unit(kind: str, basis: str, text: str) -> None:
    """mL and mmol are a hydration order's units only; a hydration order is flat."""
    if basis in ("volume", "mmol") and kind != "hydration":
        raise FieldPathError(
            "dose",
            f"{text!r} is a volume or an amount of substance, only for a hydration order "
            f"(kind = 'hydration'), not for a {kind} order: write its dose in mg/m2, mg/kg, "
            "mg or mg/mL*min",
        )
    if kind == "hydration" and basis not in HYDRATION_BASES:
        raise FieldPathError(
            "dose",
            f"{text!r} is scaled by the patient, but a hydration order is a flat amount: "
            "write a volume ('1000 mL'), an amount of substance ('10 mmol') or a mass ('20 g')",
        )


def check_relative_to(relative_to: Sequence[str | None], drugs: set[str]) -> None:
    """Each component's ``relative_to`` names a chemotherapy drug of its regimen."""
    for index, drug in enumerate(relative_to, start=1):
        if drug is not None and drug not in drugs:
            raise FieldPathError(
                f"components[{index}].relative_to",
                f"{drug!r} is not a chemotherapy drug of this regimen ({', '.join(sorted(drugs))})",
            )


def check_timing(kind: str, timing: str | None, relative_to: str | None) -> None:
    """``timing`` and ``relative_to`` go together, on an order that is not chemotherapy."""
    if (timing is None) != (relative_to is None):
        field, other = (
            ("relative_to", "timing") if timing is not None else ("timing", "relative_to")
        )
        raise FieldPathError(
            field,
            f"{other} needs {field}: write both, e.g. timing = 'before' and "
            "relative_to = 'cisplatin'",
        )
    if timing is not None and kind == "chemotherapy":
        raise FieldPathError(
            "timing",
            "timing is for an order given with a chemotherapy drug (premedication, "
            "antiemetic, hydration, supportive); chemotherapy is placed by order",
        )


class CycleRange(Frozen):
    """Cycles ``first`` to ``last`` inclusive (``last`` None: every cycle from ``first``)."""

    first: Whole = Field(ge=1)
    last: Whole | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _in_order(self) -> "CycleRange":
        if self.last is not None and self.last < self.first:
            raise ValueError(f"cycle range {self.first}-{self.last} runs backwards")
        return self

    def contains(self, cycle: int) -> bool:
        """Whether ``cycle`` is in this range."""
        return cycle >= self.first and (self.last is None or cycle <= self.last)


def in_cycles(ranges: Sequence[CycleRange], cycle: int) -> bool:
    """Whether a component with these ``cycles`` is given in ``cycle`` (none: every cycle)."""
    return not ranges or any(item.contains(cycle) for item in ranges)


def cycles_overlap(one: Sequence[CycleRange], other: Sequence[CycleRange]) -> int | None:
    """The first cycle both are given in, or None when no cycle has both."""
    every = (CycleRange(first=1),)
    firsts = []
    for a in one or every:
        for b in other or every:
            low = max(a.first, b.first)
            ends = [end for end in (a.last, b.last) if end is not None]
            if not ends or low <= min(ends):
                firsts.append(low)
    return min(firsts, default=None)


def cycles_text(ranges: Sequence[CycleRange]) -> str:
    """``"1"``, ``"2-"``, ``"1,3,5"``, ``"1-4"``: the cycles as a file writes them."""
    parts = []
    for item in ranges:
        if item.last is None:
            parts.append(f"{item.first}-")
        elif item.last == item.first:
            parts.append(str(item.first))
        else:
            parts.append(f"{item.first}-{item.last}")
    return ",".join(parts)

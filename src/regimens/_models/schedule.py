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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from regimens._models.base import Frozen, Whole

__all__ = [
    "SUPPORTIVE_KINDS",
    "ComponentKind",
    "CycleRange",
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


class CycleRange(Frozen):
    """Cycles ``first`` to ``last`` inclusive (``last`` None: every cycle from ``first``)."""

    first: Whole = Field(ge=1)
    last: Whole | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _in_order(self) -> CycleRange:
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

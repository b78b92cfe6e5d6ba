"""What to hand over for a cycle: the tablets of each oral drug, and their packs.

For each oral administration with a plan (:mod:`regimens._calc.oral_plan`), its intakes'
tablets are counted on every day it is given in the cycle; a withheld drug has no
intakes and dispenses nothing, nor does a dose with no plan within the tolerance (the
sheet is then blocking). ``packs`` is ``ceil(count / pack size)`` where the library gives
the pack size of that strength (``pack_sizes`` in drugs.toml, with its source): whole
packs, the remainder being the pharmacy's to split or keep.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from regimens._models.regimen import DrugFacts
from regimens._models.sheet import DispenseItem, SheetDay

__all__ = ["dispense"]


def dispense(
    days: Sequence[SheetDay], drug_facts: Callable[[str], DrugFacts]
) -> tuple[DispenseItem, ...]:
    """Per drug (in the order first given) and strength (largest first): the tablets."""
    counts: dict[str, dict[float, int]] = {}
    for day in days:
        for item in day.administrations:
            for intake in item.intakes or ():
                per_strength = counts.setdefault(item.drug, {})
                for tablet in intake.tablets:
                    per_strength[tablet.strength_mg] = (
                        per_strength.get(tablet.strength_mg, 0) + tablet.count
                    )
    items: list[DispenseItem] = []
    for drug, per_strength in counts.items():
        packs = {pack.strength_mg: pack.count for pack in drug_facts(drug).pack_sizes}
        for strength in sorted(per_strength, reverse=True):
            count = per_strength[strength]
            size = packs.get(strength)
            items.append(
                DispenseItem(
                    drug=drug,
                    strength_mg=strength,
                    count=count,
                    packs=math.ceil(count / size) if size else None,
                )
            )
    return tuple(items)

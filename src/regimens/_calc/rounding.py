"""Rounding policies: from a calculated dose to a dose that can be prepared or dispensed.

Two policies (``--rounding``):

``default``
    Oral drugs with tablet strengths in the library (capecitabine 150 mg and 500 mg)
    go to the nearest dose that whole tablets can make, ties to the lower dose; the
    tablet counts use the fewest tablets. Parenteral drugs go to the nearest multiple
    of the drug's rounding increment (1 mg unless the library says otherwise), ties to
    the lower dose. Ties go down in both cases: between two equally near doses the
    smaller one exposes the patient to less risk.
``none``
    The calculated dose is kept as it is.

Whatever the policy, a rounded dose may not move further from the calculated dose
than the tolerance (5 % by default, at most 10 % as HOPA allows). Where it would, the
calculated dose is kept, its method is ``beyond_tolerance``, and the caller warns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, Decimal
from functools import lru_cache, reduce
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regimens._calc.oral_plan import PlanChoice
    from regimens._models.sheet import RoundingMethod

__all__ = [
    "ROUNDING_POLICIES",
    "Rounded",
    "deviation_percent",
    "round_to_increment",
    "round_to_tablets",
    "tablet_combination",
]

ROUNDING_POLICIES = ("default", "none")

#: Doses are compared after rounding to this many decimal places of a milligram, so
#: that float noise (1124.9999999) never decides a tie.
_MG_PLACES = 6


@dataclass(frozen=True, slots=True)
class Rounded:
    """The outcome of rounding one dose."""

    dose_mg: float
    #: How: a ``RoundingMethod`` code of the sheet (``increment``, ``tablets``, ``none``,
    #: ``beyond_tolerance``, ``withheld``); the renderers give it words.
    method: RoundingMethod
    tablets: tuple[tuple[float, int], ...] = ()  # (strength mg, count), largest first
    #: An oral drug's plan of the day (:mod:`regimens._calc.oral_plan`), when it has one.
    choice: PlanChoice | None = None


def deviation_percent(final_mg: float, calculated_mg: float) -> float:
    """(final − calculated) / calculated × 100; 0 when nothing was calculated."""
    if calculated_mg == 0:
        return 0.0
    return (final_mg - calculated_mg) / calculated_mg * 100


def round_to_increment(dose_mg: float, increment_mg: float) -> float:
    """Nearest multiple of ``increment_mg``, exact halves to the lower multiple.

    Decimal arithmetic so that 152.5 mg with a 1 mg step is a true tie (→ 152 mg) and
    0.1 mg steps give 3.3, not 3.3000000000000003.
    """
    if increment_mg <= 0:
        raise ValueError("rounding increment must be positive")
    if dose_mg == 0:
        # 0.0 and -0.0 are equal keys to a cache but round to different signs.
        return _round_to_increment(dose_mg, increment_mg)
    return _round_to_increment_cached(dose_mg, increment_mg)


def _round_to_increment(dose_mg: float, increment_mg: float) -> float:
    step = Decimal(repr(increment_mg))
    value = Decimal(repr(round(dose_mg, _MG_PLACES)))
    multiples = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_DOWN)
    return float(multiples * step)


#: A pure function of two floats, memoised: within a batch the BSA is rounded to 2
#: decimals, so the same doses recur (a few hundred per regimen) and Decimal is slow.
#: ``typed``: 1 and 1.0 are distinct keys, as their reprs differ.
_round_to_increment_cached = lru_cache(maxsize=4096, typed=True)(_round_to_increment)


def tablet_combination(dose_mg: float, strengths_mg: tuple[float, ...]) -> tuple[int, ...] | None:
    """Fewest whole tablets of ``strengths_mg`` adding up to exactly ``dose_mg``.

    Returns counts in the order of ``strengths_mg``, or None when no combination
    makes that dose. Strengths are whole milligrams (products are).
    """
    target = round(dose_mg)
    if abs(target - dose_mg) > 1e-9 or target < 0:
        return None
    ints = [round(s) for s in strengths_mg]
    if len(ints) == 2 and ints[0] != ints[1] and min(ints) > 0:
        return _two_strengths(target, ints[0], ints[1])
    return _fewest_tablets(target, ints)


def _two_strengths(target: int, first: int, second: int) -> tuple[int, int] | None:
    """Two different strengths (capecitabine 500 and 150 mg): the fewest tablets.

    With n of the larger strength L and m of the smaller S, n × L + m × S = target
    gives n + m = target / S − n × (L / S − 1): the fewer tablets, the more of the
    larger strength. So the answer is the largest n whose remainder the smaller strength
    divides, and it is the only combination with that few tablets (the search below
    finds the same; tested on every dose to 5,000 mg).
    """
    large, small = max(first, second), min(first, second)
    for count in range(target // large, -1, -1):
        rest = target - count * large
        if rest % small == 0:
            return (count, rest // small) if first == large else (rest // small, count)
    return None


def _fewest_tablets(target: int, ints: list[int]) -> tuple[int, ...] | None:
    """The fewest tablets of ``ints`` making ``target`` mg, by a search over amounts."""
    # best[a] = fewest tablets making a mg, with the counts; a dynamic programme over
    # amounts up to the target, which for oral doses is a few thousand mg at most.
    best: list[tuple[int, tuple[int, ...]] | None] = [None] * (target + 1)
    best[0] = (0, (0,) * len(ints))
    for amount in range(1, target + 1):
        for index, strength in enumerate(ints):
            previous = best[amount - strength] if amount >= strength else None
            if previous is None:
                continue
            counts = list(previous[1])
            counts[index] += 1
            candidate = (previous[0] + 1, tuple(counts))
            current = best[amount]
            if current is None or candidate[0] < current[0]:
                best[amount] = candidate
    found = best[target]
    return None if found is None else found[1]


def round_to_tablets(
    dose_mg: float, strengths_mg: tuple[float, ...]
) -> tuple[float, tuple[int, ...]]:
    """Nearest dose made of whole tablets, ties to the lower dose, with the counts.

    Every achievable dose is a multiple of the strengths' greatest common divisor,
    so only the two multiples around ``dose_mg`` (and their neighbours, for small
    doses some multiples cannot be made) need to be tried.
    """
    # Memoised without a zero bypass (unlike round_to_increment): the dose it returns
    # is built from whole tablets, so 0.0 and -0.0, one key to the cache, give the
    # same answer, (0.0, no tablets).
    return _round_to_tablets_cached(dose_mg, tuple(strengths_mg))


def _round_to_tablets(
    dose_mg: float, strengths_mg: tuple[float, ...]
) -> tuple[float, tuple[int, ...]]:
    ints = tuple(round(s) for s in strengths_mg)
    if not ints or any(
        s <= 0 or abs(s - r) > 1e-9 for s, r in zip(strengths_mg, ints, strict=True)
    ):
        raise ValueError(f"tablet strengths must be positive whole mg, got {strengths_mg}")
    step = reduce(math.gcd, ints)
    below = math.floor(round(dose_mg, _MG_PLACES) / step) * step
    candidates: list[tuple[float, int, tuple[int, ...]]] = []
    # Search outwards from the dose until a makeable dose is found on each side.
    for direction, start in ((-1, below), (1, below + step)):
        amount = start
        while amount >= 0 and amount <= dose_mg + max(ints) * 2:
            counts = tablet_combination(amount, ints)
            if counts is not None:
                candidates.append((abs(amount - dose_mg), amount, counts))
                break
            amount += direction * step
    if not candidates:
        return 0.0, (0,) * len(ints)
    candidates.sort(key=lambda item: (round(item[0], _MG_PLACES), item[1]))
    _, amount, counts = candidates[0]
    return float(amount), counts


#: A pure function, memoised: the search solves a small knapsack for each candidate
#: dose (about 0.5 ms), and an oral drug repeats the same dose on every day of a cycle
#: (capecitabine on days 1-21) and, in a batch, across patients of the same BSA.
_round_to_tablets_cached = lru_cache(maxsize=1024, typed=True)(_round_to_tablets)

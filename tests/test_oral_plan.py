"""The oral plan rule (issue 19, docs/dispensing.md), checked by hand and by brute force.

The rule, as the library documents it (its unequal-intake step and its tie-breaks are
the library's choice: no label or guideline states them, docs/research/issue-19-sources.md):
the tolerance is judged on the day's total; equal intakes first; when none is within
the tolerance, two intakes that differ by at most the smallest tablet (150 mg), the
larger in the morning; among the plans allowed, the fewest tablets a day, then the
smallest deviation, then the lower day; none allowed → no plan, blocking
(``TABLETS_NOT_ACHIEVABLE``), with the nearest plans below and above.

EOX capecitabine is 625 mg/m² twice daily, with 150 and 500 mg tablets. A patient of
180 cm and 20 × BSA² kg has a Mosteller BSA of √(180 × 20 × BSA² / 3600) = BSA exactly.
The brute force below enumerates tablet counts itself and does not use the module.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._calc.oral_plan import plan_oral
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient

STRENGTHS = (500, 150)
TOLERANCE = 5.0
SMALLEST = 150


def eox(library: Library, bsa: float, level: int) -> DoseSheet:
    """EOX for a patient whose Mosteller BSA is ``bsa``, at dose level ``level`` %."""
    patient = make_patient(height=180, weight=20 * bsa * bsa, crcl=90)
    options = SheetOptions(
        dose_level_percent=level, dose_level_reason=None if level == 100 else "test"
    )
    sheet = compute_sheet(library, "EOX", patient, options)
    assert sheet.bsa_m2 == pytest.approx(bsa)
    return sheet


def capecitabine(sheet: DoseSheet) -> Administration:
    (item,) = [a for a in sheet.days[0].administrations if a.drug == "capecitabine"]
    return item


# --------------------------------------------------------------------------- brute force


def fewest_tablets() -> dict[int, int]:
    """Every intake a × 500 + b × 150 mg up to 3000 mg → its fewest tablets."""
    best: dict[int, int] = {}
    for a in range(7):
        for b in range(21):
            amount = a * 500 + b * 150
            if 0 < amount <= 3000:
                best[amount] = min(best.get(amount, 99), a + b)
    return best


MAKEABLE = fewest_tablets()


@dataclass(frozen=True)
class Brute:
    morning: int
    evening: int
    tablets: int

    @property
    def daily(self) -> int:
        return self.morning + self.evening


def every_plan() -> list[Brute]:
    """Two intakes: equal, or the morning larger by at most one 150 mg tablet."""
    return [
        Brute(m, e, MAKEABLE[m] + MAKEABLE[e])
        for m in MAKEABLE
        for e in MAKEABLE
        if 0 <= m - e <= SMALLEST
    ]


PLANS = every_plan()


def deviation(plan: Brute, target: float) -> float:
    return (plan.daily - target) / target * 100


def within(plan: Brute, target: float) -> bool:
    return abs(deviation(plan, target)) <= TOLERANCE + 1e-9


def brute_choice(per_intake: float) -> Brute | None:
    """The rule worked out over every plan, written apart from the module."""
    target = 2 * per_intake
    equal = [p for p in PLANS if p.morning == p.evening and within(p, target)]
    unequal = [p for p in PLANS if p.morning != p.evening and within(p, target)]
    allowed = equal or unequal
    if not allowed:
        return None
    return min(allowed, key=lambda p: (p.tablets, round(abs(deviation(p, target)), 9), p.daily))


# --------------------------------------------------------------------------- the sweep

SWEEP = [
    pytest.param(level, tuple(round(bsa / 100, 2) for bsa in range(130, 231)), id=f"{level}%")
    for level in (100, 75, 50)
]


@pytest.mark.parametrize(("level", "bsas"), SWEEP)
def test_sweep_eox_capecitabine(library: Library, level: int, bsas: tuple[float, ...]) -> None:
    """BSA 1.30–2.30 m² in 0.01 steps: every point has a plan that keeps every rule, or
    none and a blocking sheet with the nearest plans, both outside the tolerance."""
    for bsa in bsas:
        sheet = eox(library, bsa, level)
        item = capecitabine(sheet)
        per_intake = 625 * bsa * level / 100
        target = 2 * per_intake
        assert item.calculated_mg == pytest.approx(per_intake), bsa
        expected = brute_choice(per_intake)
        codes = {w.code for w in sheet.warnings if w.drug == "capecitabine"}
        if expected is None:
            assert item.intakes is None, bsa
            assert item.rounding == "beyond_tolerance", bsa
            assert "TABLETS_NOT_ACHIEVABLE" in codes, bsa
            assert sheet.blocking, bsa
            sides = {p.side: p for p in item.nearest_plans}
            assert set(sides) == {"below", "above"}, bsa
            assert sides["below"].daily_dose_mg <= target <= sides["above"].daily_dose_mg
            for option in sides.values():
                assert abs(option.deviation_percent) > TOLERANCE, bsa
                assert option.daily_dose_mg == sum(i.dose_mg for i in option.intakes)
            # Nearest: no plan of the rule's shapes lies between them.
            between = [
                p
                for p in PLANS
                if sides["below"].daily_dose_mg < p.daily < sides["above"].daily_dose_mg
            ]
            assert between == [], (bsa, between)
            continue
        assert "TABLETS_NOT_ACHIEVABLE" not in codes, bsa
        intakes = item.intakes or ()
        assert [i.time for i in intakes] == ["morning", "evening"], bsa
        morning, evening = (i.dose_mg for i in intakes)
        for intake in intakes:
            assert {t.strength_mg for t in intake.tablets} <= {500, 150}, bsa
            assert all(t.count > 0 for t in intake.tablets), bsa
            assert sum(t.strength_mg * t.count for t in intake.tablets) == intake.dose_mg
        assert 0 <= morning - evening <= SMALLEST, bsa
        assert item.daily_dose_mg == morning + evening, bsa
        assert item.dose_mg == morning, bsa
        assert abs(item.deviation_percent) <= TOLERANCE + 1e-9, bsa
        assert item.deviation_percent == pytest.approx((morning + evening - target) / target * 100)
        if any(p.morning == p.evening and within(p, target) for p in PLANS):
            assert morning == evening, bsa
        tablets = sum(t.count for i in intakes for t in i.tablets)
        assert tablets == expected.tablets, bsa
        assert (morning, evening) == (expected.morning, expected.evening), bsa


# --------------------------------------------------------------------------- by hand

# Worked by hand (625 mg/m² × BSA × level per intake; D = twice that; 5 % of D).
# Whole-tablet intakes near these doses: 450 = 3 × 150, 500, 600 = 4 × 150,
# 650 = 500 + 150, 750 = 5 × 150, 800 = 500 + 2 × 150, 900 = 6 × 150,
# 950 = 500 + 3 × 150, 1000 = 2 × 500, 1050 = 7 × 150, 1100 = 500 + 4 × 150,
# 1150 = 2 × 500 + 150, 1200 = 8 × 150, 1250 = 500 + 5 × 150, 1300 = 2 × 500 + 2 × 150,
# 1400 = 500 + 6 × 150, 1450 = 2 × 500 + 3 × 150, 1500 = 3 × 500 (each with its fewest
# tablets); 350, 400, 550, 700 and 850 cannot be made.
HAND = [
    # bsa, level, per intake, morning, evening, tablets a day, deviation of the day %
    # 1.37: D 1712.5 (1626.9–1798.1). Equal: 800 −6.6 %, 850 none, 900 +5.1 %: none.
    # Unequal: 900 + 750 (11), 900 + 800 (9), 950 + 800 (7) → 950 + 800, +2.19 %.
    pytest.param(1.37, 100, 856.25, 950, 800, 7, 2.19, id="1.37 100% (issue 19)"),
    # 1.35: 843.75, D 1687.5; same pairs; 1750 is +3.70 %.
    pytest.param(1.35, 100, 843.75, 950, 800, 7, 3.70, id="1.35 100%"),
    # 1.38: 862.5, D 1725 (1638.75–1811.25); equal 900 = +4.35 % (6 + 6 tablets) allowed.
    pytest.param(1.38, 100, 862.5, 900, 900, 12, 4.35, id="1.38 100%"),
    # 1.66: 1037.5, D 2075; equal 1000 (2 × 500) −3.61 % or 1050 (7 × 150) +1.20 %:
    # fewest tablets → 1000.
    pytest.param(1.66, 100, 1037.5, 1000, 1000, 4, -3.61, id="1.66 100%"),
    # 1.80: 1125, D 2250; equal 1100 (5 tablets) −2.22 % or 1150 (3) +2.22 % → 1150.
    pytest.param(1.80, 100, 1125, 1150, 1150, 6, 2.22, id="1.80 100%"),
    # 2.00: 1250, D 2500; 1200 (8), 1250 (6), 1300 (4) within → 1300, +4.00 %.
    pytest.param(2.00, 100, 1250, 1300, 1300, 8, 4.00, id="2.00 100%"),
    # 2.30: 1437.5, D 2875 (2731.25–3018.75): 1400 = 500 + 6 × 150 (7), 1450 =
    # 2 × 500 + 3 × 150 (5), 1500 = 3 × 500 (3) +4.35 % → 1500.
    pytest.param(2.30, 100, 1437.5, 1500, 1500, 6, 4.35, id="2.30 100%"),
    # 1.46 at 75 %: 684.375, D 1368.75 (1300.3–1437.2); equal 650 is −5.02 %, 700 none;
    # unequal 750 + 600 (5 + 4) or 750 + 650 (5 + 2) → 750 + 650 = 1400, +2.28 %.
    pytest.param(1.46, 75, 684.375, 750, 650, 7, 2.28, id="1.46 75%"),
    # 1.80 at 75 %: 843.75 as at 1.35 × 100 % → 950 + 800, +3.70 %.
    pytest.param(1.80, 75, 843.75, 950, 800, 7, 3.70, id="1.80 75%"),
    # 2.00 at 75 %: 937.5, D 1875; equal 900 (6) −4.0 % or 950 (4) +1.33 % → 950.
    pytest.param(2.00, 75, 937.5, 950, 950, 8, 1.33, id="2.00 75%"),
    # 1.52 at 50 %: 475, D 950 (902.5–997.5); equal 450 −5.26 %, 500 +5.26 %: none;
    # unequal 950 = 500 + 450 (1 + 3) → +0.00 %.
    pytest.param(1.52, 50, 475, 500, 450, 4, 0.0, id="1.52 50%"),
    # 1.60 at 50 %: 500, D 1000: equal 500 = one tablet, exact.
    pytest.param(1.60, 50, 500, 500, 500, 2, 0.0, id="1.60 50%"),
    # 1.70 at 50 %: 531.25, D 1062.5 (1009.4–1115.6); equal 500 −5.9 %, 550 none,
    # 600 +12.9 %: none; unequal 1100 = 600 + 500 (4 + 1) → +3.53 %.
    pytest.param(1.70, 50, 531.25, 600, 500, 5, 3.53, id="1.70 50%"),
]


@pytest.mark.parametrize(
    ("bsa", "level", "per_intake", "morning", "evening", "tablets", "deviation"), HAND
)
def test_hand_worked_plans(
    library: Library,
    bsa: float,
    level: int,
    per_intake: float,
    morning: float,
    evening: float,
    tablets: int,
    deviation: float,
) -> None:
    """The plans of the table above, on the sheet."""
    item = capecitabine(eox(library, bsa, level))
    assert item.calculated_mg == pytest.approx(per_intake)
    assert [(i.time, i.dose_mg) for i in item.intakes or ()] == [
        ("morning", morning),
        ("evening", evening),
    ]
    assert sum(t.count for i in item.intakes or () for t in i.tablets) == tablets
    assert round(item.deviation_percent, 2) == deviation


@pytest.mark.parametrize("bsa", [1.35, 1.36, 1.37])
def test_eox_half_dose_at_small_bsa_has_no_plan(library: Library, bsa: float) -> None:
    """Issue 19: EOX at 50 % for 1.35–1.37 m² has no plan. At 1.37, 428.125 mg per
    intake, D 856.25 (813.4–899.1): equal 400 (none) or 450 (+5.1 %): none; unequal
    850 = 450 + 400 or 500 + 350: neither makeable. Nearest: 450 + 300 = 750 (−12.4 %)
    and 450 + 450 = 900 (+5.1 %)."""
    sheet = eox(library, bsa, 50)
    item = capecitabine(sheet)
    assert item.intakes is None
    assert sheet.blocking
    assert "TABLETS_NOT_ACHIEVABLE" in {w.code for w in sheet.warnings}
    assert [(p.side, [i.dose_mg for i in p.intakes]) for p in item.nearest_plans] == [
        ("below", [450, 300]),
        ("above", [450, 450]),
    ]


def test_xeliri_at_75_percent_takes_fewer_tablets(library: Library) -> None:
    """Issue 19: XELIRI capecitabine 1000 mg/m² per intake at 75 % for 1.80 m² = 1350 mg.

    Within 5 % per intake (equal, 1282.5–1417.5): 1300 = 2 × 500 + 2 × 150 (4 tablets),
    1350 = 9 × 150 (9 tablets), 1400 = 500 + 6 × 150 (7 tablets): 1300 mg, −3.70 %, four
    tablets per intake where 9 × 150 mg was given before."""
    patient = make_patient(height=180, weight=64.8, crcl=90)
    options = SheetOptions(dose_level_percent=75, dose_level_reason="test")
    sheet = compute_sheet(library, "XELIRI", patient, options)
    item = capecitabine(sheet)
    assert item.calculated_mg == pytest.approx(1350)
    assert [
        [(t.strength_mg, t.count) for t in intake.tablets] for intake in item.intakes or ()
    ] == [[(500, 2), (150, 2)], [(500, 2), (150, 2)]]
    assert round(item.deviation_percent, 2) == -3.70


@pytest.mark.parametrize(
    ("per_intake", "tolerance", "doses"),
    [
        # 415 mg, D 830; 900 = 2 × 450 is +8.4337 %: allowed at exactly that tolerance.
        pytest.param(415, 100 * (900 - 830) / 830, (450, 450), id="at the tolerance"),
        # 1125 at 2.2222… %: 1100 and 1150 (−/+ 2.22 %) tie on deviation; 1150 has fewer
        # tablets (3 against 5), so it wins before the deviation is looked at.
        pytest.param(1125, 100 * 25 / 1125, (1150, 1150), id="fewest tablets first"),
        # 1075, D 2150, 5 %: equal 1050 (7) −2.33 %, 1100 (5) +2.33 % → 1100.
        pytest.param(1075, 5, (1100, 1100), id="fewer tablets above"),
    ],
)
def test_rule_edges(per_intake: float, tolerance: float, doses: tuple[int, int]) -> None:
    """The module alone: a plan at exactly the tolerance, and the order of the tie-breaks."""
    choice = plan_oral(per_intake, 2, (500.0, 150.0), tolerance)
    assert choice.plan is not None
    assert choice.plan.doses_mg == doses


@pytest.mark.parametrize(
    ("per_intake", "strengths", "tolerance", "doses"),
    [
        # 250 mg with 100 mg tablets: 200 and 300 are ±20 %, none within 5 %.
        pytest.param(250, (100.0,), 5, None, id="no plan"),
        # At 20 %: 200 (2 tablets) and 300 (3 tablets): the fewest, 200.
        pytest.param(250, (100.0,), 20, (200,), id="fewest tablets"),
        # 260 mg with 300 and 200 mg tablets at 25 %: 200 (−23.1 %) and 300 (+15.4 %),
        # one tablet each: the smaller deviation, 300.
        pytest.param(260, (300.0, 200.0), 25, (300,), id="then the smaller deviation"),
        # 250 mg, same tablets, 20 %: 200 and 300 are −20 % and +20 %, one tablet each:
        # the lower day, 200.
        pytest.param(250, (300.0, 200.0), 20, (200,), id="then the lower day"),
    ],
)
def test_tie_breaks_once_a_day(
    per_intake: float,
    strengths: tuple[float, ...],
    tolerance: float,
    doses: tuple[int, ...] | None,
) -> None:
    """The tie-breaks in order, on a drug taken once a day (no unequal plans)."""
    plan = plan_oral(per_intake, 1, strengths, tolerance).plan
    assert (plan.doses_mg if plan else None) == doses

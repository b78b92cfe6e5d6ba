"""Rounding policies: increments, whole tablets, ties to the lower dose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regimens._calc.rounding import (
    deviation_percent,
    round_to_increment,
    round_to_tablets,
    tablet_combination,
)

CAPECITABINE = (500.0, 150.0)  # tablet strengths, CLINICAL-SOURCES "Products"


@pytest.mark.parametrize(
    ("dose", "step", "expected"),
    [
        pytest.param(152.4, 1.0, 152.0, id="152.4 -> 152"),
        pytest.param(152.5, 1.0, 152.0, id="exact half goes down: 152.5 -> 152"),
        pytest.param(152.51, 1.0, 153.0, id="152.51 -> 153"),
        pytest.param(104.7, 1.0, 105.0, id="104.7 -> 105"),
        pytest.param(3.33, 0.1, 3.3, id="0.1 mg step: 3.33 -> 3.3"),
        pytest.param(3.35, 0.1, 3.3, id="0.1 mg step half goes down: 3.35 -> 3.3"),
        pytest.param(4799.9999999, 1.0, 4800.0, id="float noise"),
        pytest.param(137.0, 5.0, 135.0, id="5 mg step: 137 -> 135"),
        pytest.param(137.5, 5.0, 135.0, id="5 mg step half: 137.5 -> 135"),
    ],
)
def test_round_to_increment(dose: float, step: float, expected: float) -> None:
    """Nearest multiple of the step; exact halves go to the lower dose."""
    assert round_to_increment(dose, step) == expected


def test_round_to_increment_refuses_a_zero_step() -> None:
    """A zero step is a library error, not a silent no-op."""
    with pytest.raises(ValueError, match="positive"):
        round_to_increment(10, 0)


@pytest.mark.parametrize(
    ("dose", "expected", "counts"),
    [
        # EOX at BSA 1.80 m2: 625 x 1.80 = 1125 mg, halfway between 1100 and 1150.
        pytest.param(1125.0, 1100.0, (1, 4), id="EOX 1.80 m2: 1125 tie -> 1100 = 500 + 4x150"),
        # EOX at BSA 2.00 m2: 625 x 2.00 = 1250 mg = 500 + 5 x 150 exactly.
        pytest.param(1250.0, 1250.0, (1, 5), id="EOX 2.00 m2: 1250 = 500 + 5x150"),
        # XELIRI at BSA 1.80 m2: 1000 x 1.80 = 1800 mg = 3 x 500 + 2 x 150.
        pytest.param(1800.0, 1800.0, (3, 2), id="XELIRI 1.80 m2: 1800 = 3x500 + 2x150"),
        # XELIRI at BSA 2.00 m2: 2000 mg = 4 x 500.
        pytest.param(2000.0, 2000.0, (4, 0), id="XELIRI 2.00 m2: 2000 = 4x500"),
        # 1170 lies 20 from 1150 and 30 from 1200: 1150 = 2 x 500 + 150.
        pytest.param(1170.0, 1150.0, (2, 1), id="1170 -> 1150"),
        # 1180 lies 30 from 1150 and 20 from 1200. 1200 with 500 mg tablets leaves 700 or
        # 200, neither a multiple of 150, so 1200 is 8 x 150.
        pytest.param(1180.0, 1200.0, (0, 8), id="1180 -> 1200 = 8x150"),
        # 937.5 (capecitabine 75% at 1250 mg): 950 = 500 + 3x150 is 12.5 away, 900 = 6x150 37.5.
        pytest.param(937.5, 950.0, (1, 3), id="937.5 -> 950 = 500 + 3x150"),
        # Below the smallest strength only 0 or 150 are makeable.
        pytest.param(100.0, 150.0, (0, 1), id="100 -> 150"),
    ],
)
def test_round_to_tablets(dose: float, expected: float, counts: tuple[int, int]) -> None:
    """Nearest whole-tablet dose of 500/150 mg, ties down, fewest tablets (worked by hand)."""
    assert round_to_tablets(dose, CAPECITABINE) == (expected, counts)


def test_tablet_combination_reports_impossible_doses() -> None:
    """100 mg cannot be made of 500 and 150 mg tablets; 650 can (500 + 150)."""
    assert tablet_combination(100, (500, 150)) is None
    assert tablet_combination(650, (500, 150)) == (1, 1)
    assert tablet_combination(650.5, (500, 150)) is None


def _brute_force_nearest(dose: float) -> float:
    makeable = {500 * a + 150 * b for a in range(30) for b in range(60)}
    return min(makeable, key=lambda amount: (abs(amount - dose), amount))


@given(st.floats(min_value=150, max_value=6000, allow_nan=False))
def test_tablets_match_brute_force(dose: float) -> None:
    """Whole tablets, nearest makeable dose, ties down: the same as trying every count."""
    amount, (fives, ones_fifty) = round_to_tablets(dose, CAPECITABINE)
    assert amount == 500 * fives + 150 * ones_fifty
    assert amount == _brute_force_nearest(dose)


@pytest.mark.parametrize(
    ("final", "calculated", "expected"),
    [(1100, 1125, -2.2222222), (4800, 4800, 0.0), (105, 104.7, 0.2865330), (0, 0, 0.0)],
)
def test_deviation_percent(final: float, calculated: float, expected: float) -> None:
    """(final - calculated) / calculated x 100."""
    assert deviation_percent(final, calculated) == pytest.approx(expected, abs=1e-6)


# Edge cases found by mutation testing (docs/testing.md); each value worked by hand.


@pytest.mark.parametrize(
    ("dose", "expected", "counts"),
    [
        # 550 lies 50 from 500 (1 x 500) and 50 from 600 (4 x 150): a tie goes down.
        pytest.param(550.0, 500.0, (1, 0), id="550 tie -> 500 = 1x500, not 600 = 4x150"),
        # 700 lies 50 from 650 (500 + 150) and 50 from 750 (5 x 150): down.
        pytest.param(700.0, 650.0, (1, 1), id="700 tie -> 650 = 500 + 150"),
        # 240: 200 and 250 cannot be made; 150 is 90 away, 300 (2 x 150) 60 away.
        pytest.param(240.0, 300.0, (0, 2), id="240 -> 300 = 2x150, past unmakeable 250"),
        # 40 mg: 0 tablets is 40 away, 150 is 110 away (the caller then warns that the
        # dose cannot be made within tolerance).
        pytest.param(40.0, 0.0, (0, 0), id="40 -> 0 tablets"),
        # 1125.1: 1150 (2 x 500 + 150) is 24.9 away, 1100 is 25.1: a tenth of a mg decides.
        pytest.param(1125.1, 1150.0, (2, 1), id="1125.1 -> 1150: 0.2 mg nearer"),
        # 1125 plus float noise is still the 1100/1150 tie of EOX at 1.80 m2: down.
        pytest.param(1125.0000000001, 1100.0, (1, 4), id="tie with float noise -> 1100"),
    ],
)
def test_round_to_tablets_ties_and_small_doses(
    dose: float, expected: float, counts: tuple[int, int]
) -> None:
    """Ties go to the lower dose, unmakeable neighbours are skipped, 0 tablets is a dose."""
    assert round_to_tablets(dose, CAPECITABINE) == (expected, counts)


def test_round_to_tablets_with_one_mg_tablets() -> None:
    """With 1 mg units every whole dose is makeable: 3.4 -> 3 x 1 mg (hand-worked)."""
    assert round_to_tablets(3.4, (1.0,)) == (3.0, (3,))


@pytest.mark.parametrize(
    "strengths",
    [
        pytest.param((), id="no strengths"),
        pytest.param((0.0,), id="zero mg"),
        pytest.param((-150.0,), id="negative"),
        pytest.param((150.5,), id="not whole mg"),
        pytest.param((500.0, 0.0), id="one zero among two"),
    ],
)
def test_round_to_tablets_refuses_bad_strengths(strengths: tuple[float, ...]) -> None:
    """Tablet strengths are positive whole milligrams; anything else is a library error."""
    with pytest.raises(ValueError, match="tablet strengths must be positive whole mg"):
        round_to_tablets(1000, strengths)


def test_round_to_increment_error_names_the_problem() -> None:
    """The refusal of a zero or negative step says what is wrong."""
    with pytest.raises(ValueError, match=r"^rounding increment must be positive$"):
        round_to_increment(10, -1)


@pytest.mark.parametrize(
    ("dose", "strengths", "expected"),
    [
        pytest.param(0, (500, 150), (0, 0), id="0 mg is 0 tablets"),
        pytest.param(1, (1,), (1,), id="1 mg is 1 x 1 mg"),
        pytest.param(3, (1,), (3,), id="3 mg is 3 x 1 mg"),
        pytest.param(-150, (500, 150), None, id="a negative dose has none"),
    ],
)
def test_tablet_combination_edges(
    dose: float, strengths: tuple[int, ...], expected: tuple[int, ...] | None
) -> None:
    """Fewest tablets at the edges: nothing, one unit, several units, a negative dose."""
    assert tablet_combination(dose, strengths) == expected

"""BSA and CrCl applied to a patient: units in, the same result out; caps and rounding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regimens._calc.bsa import FORMULAS
from regimens._calc.measures import compute_bsa_result
from regimens._errors import InputError
from regimens._read.patient import make_patient

LB_PER_KG = 1 / 0.45359237  # 1 lb = 0.45359237 kg exactly (international pound)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(min_value=140, max_value=210),
    st.floats(min_value=40, max_value=150),
    st.sampled_from(sorted(FORMULAS)),
)
def test_cm_kg_and_in_lb_give_the_same_bsa(height_cm: float, weight_kg: float, name: str) -> None:
    """The same person typed in cm/kg and in in/lb has the same BSA by every formula."""
    metric = make_patient(height=f"{height_cm!r} cm", weight=f"{weight_kg!r} kg", sex="F")
    imperial = make_patient(
        height=f"{height_cm / 2.54!r} in", weight=f"{weight_kg * LB_PER_KG!r} lb", sex="F"
    )
    first = compute_bsa_result(metric, name).bsa_m2_unrounded
    second = compute_bsa_result(imperial, name).bsa_m2_unrounded
    assert first == pytest.approx(second, rel=1e-12)


def test_bsa_cap_applies_to_the_rounded_value() -> None:
    """200 cm × 120 kg: √(24000/3600) = 2.582 → 2.58, capped at 2.00 and reported."""
    result = compute_bsa_result(make_patient(height=200, weight=120), cap_m2=2.0)
    assert (result.bsa_m2_unrounded, result.bsa_m2, result.bsa_capped) == pytest.approx(
        ((24000 / 3600) ** 0.5, 2.0, True)
    )
    below = compute_bsa_result(make_patient(height=170, weight=70), cap_m2=2.0)
    assert (below.bsa_m2, below.bsa_capped) == (1.82, False)


@pytest.mark.parametrize(("cap", "decimals"), [(0.5, 2), (3.5, 2), (2.0, 5)])
def test_implausible_cap_or_decimals_are_refused(cap: float, decimals: int) -> None:
    """A BSA cap outside 1–3 m² or more than 4 decimals is an input error."""
    with pytest.raises(InputError):
        compute_bsa_result(make_patient(height=170, weight=70), cap_m2=cap, decimals=decimals)

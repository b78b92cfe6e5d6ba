"""Shared test set-up.

Every test computes from scratch: the package's memo caches (rounding results, learnt
unit conversions) are emptied before each test. A test then exercises the calculation
itself, not an answer another test left behind, and a mutation tester that forks after
a clean run cannot have a mutant hidden behind a cached result. tests/test_fast_paths.py
checks the caches themselves.
"""

from __future__ import annotations

import pytest

from regimens._calc import rounding as _rounding
from regimens._read import units as _units


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    _rounding._round_to_increment_cached.cache_clear()
    _rounding._round_to_tablets_cached.cache_clear()
    _units._CONVERSIONS.clear()

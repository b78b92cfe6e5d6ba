"""Every command's output in each format, compared whole with tests/golden/ (golden_cases.py)."""

from __future__ import annotations

import pytest

from golden_cases import CASES, FOLDER, run_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_the_golden_one(name: str) -> None:
    """The output is the reviewed one; after an intended change run scripts/golden.py."""
    expected = (FOLDER / name).read_text(encoding="utf-8")
    assert run_case(name) == expected


def test_every_golden_file_has_a_case() -> None:
    """No stale golden file is left behind when a case is removed."""
    assert sorted(path.name for path in FOLDER.iterdir()) == sorted(CASES)

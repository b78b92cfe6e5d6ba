"""The sheet model's warning catalogue: every code has its texts, in English and French."""

from __future__ import annotations

import string

import pytest

from regimens._models.sheet import WARNING_CODES, WARNING_TEXT, warning_text


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(WARNING_CODES))
def test_every_code_has_an_english_and_french_text(code: str) -> None:
    """Each warning code has a message in en and fr (and each variant too)."""
    keys = [key for key in WARNING_TEXT if key.split("/")[0] == code]
    assert keys, f"{code} has no message"
    for key in keys:
        assert set(WARNING_TEXT[key]) == {"en", "fr"}


@pytest.mark.parametrize("key", sorted(WARNING_TEXT))
def test_languages_use_the_same_values(key: str) -> None:
    """The French text shows exactly the values the English one shows."""
    assert _fields(WARNING_TEXT[key]["fr"]) == _fields(WARNING_TEXT[key]["en"])


def test_warning_text_translates_and_names_the_drug() -> None:
    """The French message uses the drug's French name when given."""
    params = {"drug": "capecitabine", "percent": "75", "crcl": "45.0", "band": "CrCl 30–50"}
    assert warning_text("RENAL_ADJUSTED", params) == (
        "capecitabine at 75% for CrCl 45.0 mL/min (CrCl 30–50)"
    )
    assert warning_text("RENAL_ADJUSTED", params, "fr", drug_name="capécitabine") == (
        "capécitabine à 75 % pour une clairance de 45.0 mL/min (CrCl 30–50)"
    )

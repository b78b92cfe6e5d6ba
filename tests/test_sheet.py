"""The sheet model's warning codes: each has a severity, and its texts in every language."""

from __future__ import annotations

import pytest

from regimens._models.sheet import WARNING_CODES, SheetWarning
from regimens._render.catalogue import LANGUAGES, catalogue
from regimens._render.messages import message


@pytest.mark.parametrize("code", sorted(WARNING_CODES))
def test_every_code_has_a_text_in_every_language(code: str) -> None:
    """Each warning code has a ``warning.CODE`` message in each catalogue (en, fr)."""
    for lang in LANGUAGES:
        keys = [key for key in catalogue(lang).TEXTS if key.split("/")[0] == f"warning.{code}"]
        assert f"warning.{code}" in keys, f"{code} has no {lang} message"


@pytest.mark.parametrize("code", sorted(WARNING_CODES))
def test_every_code_has_a_severity(code: str) -> None:
    """The model keeps a severity per code, and no prose."""
    assert WARNING_CODES[code] in {"info", "caution", "blocking"}


def test_every_sheet_warning_text_has_a_code() -> None:
    """No ``warning.*`` text is left without a code the sheet can raise."""
    codes = {key.split(".", 1)[1].split("/")[0] for key in catalogue("en").TEXTS}
    sheet_texts = {key for key in catalogue("en").TEXTS if key.startswith("warning.")}
    assert {key.split(".", 1)[1].split("/")[0] for key in sheet_texts} <= set(WARNING_CODES)
    assert set(WARNING_CODES) <= codes


def test_a_warning_has_no_message_field() -> None:
    """Models hold codes and values; the words are the renderers'."""
    assert "message" not in SheetWarning.model_fields


def test_message_translates_and_names_the_drug() -> None:
    """The French message uses the drug's French name when the sheet gives one."""
    params = {"drug": "capecitabine", "percent": "75", "crcl": "45.0", "band": "CrCl 30–50"}
    warning = SheetWarning(
        severity="caution", code="RENAL_ADJUSTED", drug="capecitabine", params=params
    )
    assert message(warning) == "capecitabine at 75% for CrCl 45.0 mL/min (CrCl 30–50)"
    names = {"capecitabine": {"fr": "capécitabine"}}
    assert message(warning, "fr", drug_names=names) == (
        "capécitabine à 75 % pour une clairance de 45,0 mL/min (CrCl 30–50)"
    )


def test_warning_params_cannot_be_changed() -> None:
    """A warning's values are frozen with it."""
    warning = SheetWarning(severity="info", code="BSA_LOW", params={"bsa": "1.2", "limit": "1.3"})
    with pytest.raises(TypeError, match="immutable"):
        warning.params["bsa"] = "2.0"

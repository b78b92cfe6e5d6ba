"""Warnings in text and Markdown: one line each, in the output language, the drug named in it."""

from __future__ import annotations

from dataclasses import dataclass, field

from regimens._render.warning_lines import markdown_line, shown_warnings, warning_lines


@dataclass(frozen=True)
class Coded:
    """A coded warning as the models carry it (severity, code, drug, params)."""

    severity: str
    code: str
    drug: str | None = None
    params: dict[str, str] = field(default_factory=dict)


WARNINGS = (
    Coded("caution", "BSA_HIGH", params={"bsa": "2.31", "limit": "2.2"}),
    Coded(
        "blocking",
        "CONTRAINDICATED",
        drug="capecitabine",
        params={"drug": "capecitabine", "crcl": "25", "band": "CrCl < 30 mL/min"},
    ),
)
NAMES = {"capecitabine": {"fr": "capécitabine"}}


def test_text_lines_in_french_with_the_drugs_french_name() -> None:
    shown = shown_warnings(WARNINGS, "fr", drug_names=NAMES)
    assert warning_lines(shown, "fr") == [
        "Alertes",
        "  ATTENTION BSA_HIGH: Surface corporelle 2,31 m² supérieure à 2,2 m²",
        "  BLOQUANT CONTRAINDICATED [capécitabine]: capécitabine est contre-indiqué à une "
        "clairance de 25 mL/min (CrCl < 30 mL/min) : non administré",
    ]


def test_no_warning_is_said_once_and_styling_marks_the_severity() -> None:
    assert warning_lines([], "en") == ["Warnings: none"]
    shown = shown_warnings(WARNINGS[:1], "en", drug_names={})
    styled = warning_lines(shown, "en", style=lambda text, severity: f"<{severity}>{text}")
    assert styled[1] == "  <caution>CAUTION BSA_HIGH: BSA 2.31 m² is above 2.2 m²"


def test_markdown_line() -> None:
    (shown,) = shown_warnings(WARNINGS[1:], "en", drug_names=NAMES)
    assert markdown_line(shown) == (
        "- **BLOCKING CONTRAINDICATED** [capecitabine]: capecitabine is contraindicated "
        "at CrCl 25 mL/min (CrCl < 30 mL/min): withheld"
    )

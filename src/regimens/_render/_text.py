"""Small formatting pieces shared by the renderers (sheet, check, course)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["RULE", "Styler", "csv_number", "format_mg", "md_cell"]

RULE = "=" * 78

#: Styles a severity label for a terminal (the CLI passes click.style when colour is on).
Styler = Callable[[str, str], str]


def format_mg(value: float) -> str:
    """Doses in mg: whole mg without decimals, others with up to 2 decimals."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def csv_number(value: float | None) -> str:
    """A number for CSV, unrounded (as in the JSON); empty when absent."""
    return "" if value is None else repr(float(value))

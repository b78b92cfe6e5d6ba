"""Warnings as a person reads them in text and Markdown: one line each, one way.

:func:`shown_warnings` turns coded warnings (a severity, a code, params, maybe a
drug) into what is displayed, in the output language, via
:func:`regimens._render.messages.message`; :func:`warning_lines` and
:func:`markdown_line` write them. Meant to be the one warning display of every text
renderer (sheet, course, check, calendar).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from regimens._render._text import Styler
from regimens._render.labels import Lang, drug_name, label
from regimens._render.messages import message

__all__ = ["ShownWarning", "markdown_line", "shown_warnings", "warning_lines"]


@dataclass(frozen=True)
class ShownWarning:
    """A warning as displayed: severity (for styling), its label, code, drug, sentence."""

    severity: str
    severity_label: str
    code: str
    drug: str  # the drug's name in the output language, or ""
    message: str


def shown_warnings(
    warnings: Sequence[Any],
    lang: Lang,
    *,
    kind: str = "warning",
    drug_names: dict[str, dict[str, str]],
) -> list[ShownWarning]:
    """Each warning's severity label, drug name and sentence in ``lang``."""
    return [
        ShownWarning(
            severity=w.severity,
            severity_label=label(w.severity, lang),
            code=w.code,
            drug=drug_name(w.drug, drug_names, lang) if w.drug else "",
            message=message(w, lang, kind=kind, drug_names=drug_names),
        )
        for w in warnings
    ]


def warning_lines(
    warnings: Sequence[ShownWarning], lang: Lang, style: Styler | None = None
) -> list[str]:
    """The text block: a heading ("Warnings" or "Warnings: none"), then one indented
    line per warning, its severity styled when ``style`` is given."""
    lines = [label("warnings", lang) if warnings else label("warnings_none", lang)]
    for warning in warnings:
        mark = warning.severity_label
        if style is not None:
            mark = style(mark, warning.severity)
        drug = f" [{warning.drug}]" if warning.drug else ""
        lines.append(f"  {mark} {warning.code}{drug}: {warning.message}")
    return lines


def markdown_line(warning: ShownWarning) -> str:
    """``- **Caution BSA_HIGH** [drug]: sentence``."""
    drug = f" [{warning.drug}]" if warning.drug else ""
    return f"- **{warning.severity_label} {warning.code}**{drug}: {warning.message}"

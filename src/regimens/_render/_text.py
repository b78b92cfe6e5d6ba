"""Small formatting pieces shared by the renderers (sheet, check, course)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO

from regimens._models.measures import Measured
from regimens._render.catalogue import text
from regimens._render.labels import Lang, format_datetime, label

__all__ = [
    "RULE",
    "SafeCsvWriter",
    "Styler",
    "csv_cell",
    "csv_number",
    "day_number",
    "format_duration",
    "format_mg",
    "identity_rows",
    "key_value_table",
    "md_cell",
    "md_table",
    "measured_lookup",
    "plain_number",
    "provenance_line",
    "regimen_title",
    "signed_percent",
]

RULE = "=" * 78

#: Styles a severity label for a terminal (the CLI passes click.style when colour is on).
Styler = Callable[[str, str], str]


def plain_number(value: float) -> str:
    """A number as given, without float noise: 625, 62.5, 3.3 (never 625.0 or
    3.3000000000000003); six significant digits."""
    return f"{value:.6g}"


def format_duration(hours: float) -> str:
    """An infusion's duration: minutes below an hour (``15 min``), else hours (``46 h``)."""
    return f"{hours * 60:g} min" if hours < 1 else f"{hours:g} h"


def identity_rows(
    patient_id: str | None, patient_name: str | None, patient_dob: dt.date | None, lang: Lang
) -> list[tuple[str, str]]:
    """The identifiers given, as (label, value) rows of a header: id, name, date of birth
    (ISO 8601: a date of birth read the wrong way round is another patient)."""
    rows: list[tuple[str, str]] = []
    if patient_id:
        rows.append((label("patient_id", lang), patient_id))
    if patient_name:
        rows.append((label("patient_name", lang), patient_name))
    if patient_dob is not None:
        rows.append((text("print.patient_dob", lang), patient_dob.isoformat()))
    return rows


def measured_lookup(values: Mapping[str, Measured | str]) -> Callable[[str], str]:
    """A lookup of the patient's inputs as printed: ``"170 cm"``; ``""`` when not given."""

    def shown(key: str) -> str:
        value = values.get(key)
        if value is None or isinstance(value, str):
            return value or ""
        return f"{value.value:g} {value.unit}"

    return shown


def key_value_table(rows: list[tuple[str, str]]) -> str:
    """Two aligned columns; plain text so that a pharmacist can copy a value."""
    width = max(len(key) for key, _ in rows)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in rows)


def format_mg(value: float) -> str:
    """Doses in mg: whole mg without decimals, others with up to 2 decimals."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def md_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    """A GitHub Markdown table: a header row, a rule, then one line per row."""
    lines = ["| " + " | ".join(md_cell(c) for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def csv_number(value: float | None, decimals: int | None = None) -> str:
    """A number for CSV as a person reads it; empty when absent (issue 22).

    With ``decimals``, exactly that many places, as the sheet prints the value
    (``154.70``; a zero is never ``-0.0``); without, the value without float noise
    (``154.7``, never ``154.70000000000002``; ``155``, never ``155.0``): ten significant
    digits, more than any input or result carries.
    """
    if value is None:
        return ""
    if decimals is not None:
        shown = f"{value:.{decimals}f}"
        return shown.lstrip("-") if float(shown) == 0 else shown
    shown = f"{value:.10g}"
    return repr(float(shown)) if "e" in shown else shown


def signed_percent(value: float) -> str:
    """A deviation with its sign, ``+0.2%`` / ``-1.3%``; one that shows as zero is ``0.0%``.

    ``f"{-0.04:+.1f}"`` is ``-0.0``: a sign on a zero reads as a deviation that is not there.
    """
    shown = f"{value:.1f}"
    if float(shown) == 0:
        return "0.0%"
    return f"{value:+.1f}%"


def regimen_title(name: str, regimen_id: str) -> str:
    """``EOX (EOX)`` only once: the id in brackets unless the name already shows it."""
    if regimen_id.casefold() in name.casefold():
        return name
    return f"{name} ({regimen_id})"


def provenance_line(
    version: str, hashes: Sequence[tuple[str, str]], time_iso: str, lang: Lang = "en"
) -> str:
    """``regimens 0.1.0; regimen file sha256 dc1a66a576b1; ZOLEDRONIC-ACID sha256 f0af...;
    computed 2026-12-02 03:27 UTC``: what produced a sheet or a calendar, and when.

    ``hashes`` are (regimen id, SHA-256) with the main regimen first; every supportive
    regimen's file is named too: the result depends on it as much as on the main one.
    """
    (_, main), *supportive = hashes
    sha = main[:12] + "".join(
        label("footer_supportive", lang, id=regimen_id, sha=digest[:12])
        for regimen_id, digest in supportive
    )
    return label("footer", lang, version=version, sha=sha, time=format_datetime(time_iso, lang))


#: A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
#: Injection"): a patient id or a reason of "=HYPERLINK(...)" must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as written: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP's rule); a plain
    number (``-2.2``) is left as it is, so that the sheet still sums it."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose rows go through :func:`csv_cell` (every CSV the tool writes)."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


def day_number(day: int) -> str:
    """A day of the cycle as printed: ``"−1"`` (a minus sign) for the day before day 1."""
    return f"−{-day}" if day < 0 else str(day)

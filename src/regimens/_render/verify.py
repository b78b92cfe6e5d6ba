"""``regimens verify``: a saved sheet computed again, as text and as JSON.

The text says ``identical`` or ``different`` on its first line (a script may read that
word), then, when different, one row per difference: the field, the saved value and
the value computed now, each as JSON (``728.0``, ``"nearest 1 mg"``; ``-`` for a value
one of the two documents does not have).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import to_json
from tabulate import tabulate

from regimens._models.verify import Difference, SheetVerification
from regimens._render.catalogue import text
from regimens._render.labels import Lang

__all__ = ["verify_json", "verify_table"]

#: The longest value shown in the table; the JSON has them whole.
_SHOWN = 60


def verify_table(result: SheetVerification, lang: Lang = "en") -> str:
    """The verification as text: its verdict, then each difference."""
    files = len(result.files)
    subject = text(
        "verify.subject",
        lang,
        regimen=result.regimen_id,
        cycle=result.cycle,
        version=result.tool_version,
        files=text("verify.file" if files == 1 else "verify.files", lang, count=files),
    )
    if result.identical:
        return text("verify.identical", lang, subject=subject)
    count = len(result.differences)
    rows = [_row(item, lang) for item in result.differences]
    heads = [text(f"verify.head.{name}", lang) for name in ("field", "saved", "now")]
    table = tabulate(rows, headers=heads, tablefmt="simple")
    differences = text(
        "verify.difference" if count == 1 else "verify.differences", lang, count=count
    )
    return f"{text('verify.different', lang, subject=subject, differences=differences)}\n\n{table}"


def _row(item: Difference, lang: Lang) -> list[str]:
    if item.change == "edited":
        return [item.field, _shown(item.saved), text("verify.edited", lang, now=_shown(item.now))]
    saved = "-" if item.change == "added" else _shown(item.saved)
    now = "-" if item.change == "removed" else _shown(item.now)
    return [item.field, saved, now]


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    # One line whatever a hostile saved value holds (a table row must stay one row).
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def verify_json(result: SheetVerification) -> str:
    """The verification as JSON (``docs/json-output.md``): ``identical`` first."""
    document = {"identical": result.identical, **result.model_dump(mode="json")}
    return to_json(document, indent=2).decode()

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

__all__ = ["verify_json", "verify_table"]

#: The longest value shown in the table; the JSON has them whole.
_SHOWN = 60


def verify_table(result: SheetVerification) -> str:
    """The verification as text: its verdict, then each difference."""
    files = len(result.files)
    subject = (
        f"{result.regimen_id} cycle {result.cycle} computed again with regimens "
        f"{result.tool_version} from {files} library file{'s' * (files != 1)}"
    )
    if result.identical:
        return (
            f"identical: {subject} gives the saved sheet, and its sheet_sha256 matches its content"
        )
    count = len(result.differences)
    rows = [_row(item) for item in result.differences]
    table = tabulate(rows, headers=["field", "saved", "now"], tablefmt="simple")
    return f"different: {subject}: {count} difference{'s' * (count != 1)}\n\n{table}"


def _row(item: Difference) -> list[str]:
    if item.change == "edited":
        return [item.field, _shown(item.saved), f"{_shown(item.now)} (the sheet was edited)"]
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

"""Free text a person types (a patient id or name, a reason): one plain line.

A line break in a patient's name prints a forged "Weight 120 kg" line on a text sheet;
an ESC sequence reaches the terminal; a bidirectional override reorders what a reader
sees. Such text is refused where it comes in, naming the field
(:func:`regimens._models.base.control_character` says which characters).
"""

from __future__ import annotations

from regimens._errors import InputError
from regimens._models.base import control_character

__all__ = ["plain_text"]


def plain_text(value: str, field: str) -> str:
    """``value`` stripped, or InputError naming ``field`` when it holds a control
    character."""
    found = control_character(value)
    if found is not None:
        raise InputError(
            f"{field}: contains a control character ({found}): give one plain line of text",
            field=field,
        )
    return value.strip()

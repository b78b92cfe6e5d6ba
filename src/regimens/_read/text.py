"""Free text a person types (a patient id or name, a reason): one plain line.

A line break in a patient's name prints a forged "Weight 120 kg" line on a text sheet;
an ESC sequence reaches the terminal; a bidirectional override reorders what a reader
sees. Such text is refused where it comes in, naming the field
(:func:`regimens._models.base.control_character` says which characters).
"""

from __future__ import annotations

from regimens._models.base import plain_line

__all__ = ["plain_text"]


def plain_text(value: str, field: str) -> str:
    """``value`` stripped, or InputError naming ``field`` when it holds a control
    character or only spaces (:func:`regimens._models.base.plain_line`, which the
    patient's identifiers on a sheet or calendar are checked with too)."""
    return plain_line(value, field)

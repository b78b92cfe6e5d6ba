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
    character or only spaces."""
    found = control_character(value)
    if found is not None and found.startswith("\\udc"):
        # Python keeps a byte that is not UTF-8 (Latin-1 "René" from the shell) as a lone
        # surrogate \udc80-\udcff: name the byte, not a "control character".
        raise InputError(
            f"{field}: is not UTF-8 text (byte \\x{found[-2:]}): give it in UTF-8",
            field=field,
        )
    if found is not None:
        raise InputError(
            f"{field}: contains a control character ({found}): give one plain line of text",
            field=field,
        )
    text = value.strip()
    if not text:
        # A name of only spaces (a no-break space, U+3000) looks given and is not: an
        # order without its identifier must not pass as one that has it.
        raise InputError(
            f"{field}: is blank ({value!r}): give the text, or leave the option out",
            field=field,
        )
    return text

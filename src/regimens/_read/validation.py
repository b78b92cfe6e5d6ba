"""Turning pydantic's validation errors into the package's own, one line each."""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict, ValidationError

from regimens._errors import InputError

__all__ = ["Number", "Whole", "own_error"]

# TOML's `true` is not 1: in its lax mode pydantic reads a boolean as 1 (or 1.0) where a
# number is expected, so the numbers of files and options are strict. A whole number
# written 3.0, or a number in quotes, is refused too (the message names the field).
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]


def own_error(exc: ValidationError, *, prefix: str = "") -> InputError:
    """Our own error inside pydantic's, else the first problem as an InputError.

    The message names the field (with ``prefix``, e.g. ``option``), pydantic's reason
    and the value given.
    """
    first = exc.errors()[0]
    original = first.get("ctx", {}).get("error")
    if isinstance(original, InputError):
        return original
    field = ".".join(str(part) for part in first["loc"]) or None
    label = f"{prefix} {field}" if prefix and field else (field or prefix or "value")
    return InputError(f"{label}: {first['msg']} (got {first.get('input')!r})", field=field)

"""Turning pydantic's validation errors into the package's own, one line each.

The one translation of a rejected value: a model built directly (``Patient(...)``,
``SheetOptions(...)``) and a reader building models from a file raise the same
:class:`~regimens._errors.InputError`, naming the field.
"""

from __future__ import annotations

from pydantic import ValidationError

from regimens._errors import InputError

__all__ = ["own_error"]


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

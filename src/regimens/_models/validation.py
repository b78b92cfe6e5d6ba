"""Turning pydantic's validation errors into the package's own, one line each.

The one translation of a rejected value: a model built directly (``Patient(...)``,
``SheetOptions(...)``) and a reader building models from a file raise the same
:class:`~regimens._errors.InputError`, naming the field.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError

from regimens._errors import InputError
from regimens._models.base import Frozen

__all__ = ["Checked", "own_error"]


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


class Checked(Frozen):
    """A model built from a caller's values (options, a patient, a delay): a rejected
    value raises :func:`own_error`'s InputError, prefixed with ``_label`` (``option
    tolerance_percent: ...``), never pydantic's ValidationError.

    The run-time ``__init__`` is hidden from type checkers: they see the constructor
    pydantic's mypy plugin types from the fields (``init_typed``, pyproject.toml), so
    ``SheetOptions(cycel=2)`` is a type error in the caller's code (issue 22).
    """

    #: The word put before the field's name in a message (``delay cycle: ...``).
    _label: ClassVar[str] = ""

    if not TYPE_CHECKING:

        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise own_error(exc, prefix=self._label) from None

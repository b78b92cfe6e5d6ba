"""The exception tree of ``regimens``.

Every error the package raises on purpose derives from :class:`RegimensError`, and
each subclass also inherits the builtin it refines, so callers that already catch
``ValueError`` or ``LookupError`` keep working::

    RegimensError(Exception)
    ├── InputError(ValueError)             a value given by the user or a caller
    │   ├── UnitError                      wrong or unknown unit, wrong dimension
    │   ├── PlausibilityError              outside the accepted (adult) range
    │   └── MissingInputError              a calculation needs a value not given
    ├── LibraryError(ValueError)           a regimen file or directory is invalid
    │   └── UnknownRegimenError(LookupError)   no regimen with that id or alias
    └── UnknownNameError(LookupError)      unknown drug, formula, option value...

Messages are written for the person who typed the value: they name the field,
the value with its unit, and what would be accepted. The CLI prints ``str(error)``
on one line and exits with :data:`EXIT_USAGE`; it never shows a traceback for these.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "LibraryError",
    "MissingInputError",
    "PlausibilityError",
    "RegimensError",
    "UnitError",
    "UnknownNameError",
    "UnknownRegimenError",
]


class RegimensError(Exception):
    """Base class of every error raised on purpose by ``regimens``."""


class InputError(RegimensError, ValueError):
    """A value given by a user or a caller cannot be used.

    ``field`` names the input (``height``, ``creatinine``...), so tools can point at it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnitError(InputError):
    """A quantity has an unknown unit or a unit of the wrong dimension."""


class PlausibilityError(InputError):
    """A value lies outside the range accepted for an adult patient."""


class MissingInputError(InputError):
    """A calculation needs an input that was not given."""


class LibraryError(RegimensError, ValueError):
    """A regimen library file or directory is invalid.

    ``source`` is the file (or directory) concerned, when known.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


class UnknownRegimenError(LibraryError, LookupError):
    """No regimen has the requested id or alias."""


class UnknownNameError(RegimensError, LookupError):
    """A name (drug, formula, option value...) is not one of those accepted."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

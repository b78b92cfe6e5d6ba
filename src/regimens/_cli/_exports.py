"""Public functions that join a reader and a renderer for the Python API.

``regimens.sheet_bundle(sheet)`` and ``regimens.calendar_bundle(calendar)`` read the
drugs' ATC codes from the built-in library when no ``library`` is given (docs/fhir.md).
The renderer (``regimens._render.fhir``) takes the library from its caller and never
loads one: renderers do not read files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

    from regimens._models.calendar import Calendar
    from regimens._models.sheet import DoseSheet
    from regimens._render.fhir import DrugLookup

__all__ = ["calendar_bundle", "sheet_bundle"]


def _builtin() -> DrugLookup:
    from regimens._read.library import load_library

    return load_library(use_env=False)


def sheet_bundle(sheet: DoseSheet, *, library: DrugLookup | None = None) -> Bundle:
    """The dose sheet as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``).

    ``library`` gives the drugs' ATC codes; by default the built-in library.
    """
    from regimens._render.fhir import sheet_bundle as bundle

    return bundle(sheet, library=library if library is not None else _builtin())


def calendar_bundle(calendar: Calendar, *, library: DrugLookup | None = None) -> Bundle:
    """The calendar as a FHIR R4 ``collection`` Bundle (``docs/fhir.md``), as
    :func:`sheet_bundle`."""
    from regimens._render.fhir import calendar_bundle as bundle

    return bundle(calendar, library=library if library is not None else _builtin())

"""regimens: a unit-aware chemotherapy regimen library and dose calculator.

Clinical decision support only: every dose sheet must be checked by a qualified
professional before use.

The public interface is this namespace and nothing else: the names in ``__all__``,
documented in ``docs/api.md``. Every module is private (``regimens._dosing``...) and may
change without notice.

Importing this package does no work and has no side effects: each name is imported
from its module when first used (:pep:`562`), so that ``import regimens`` and the
command line start fast and do not load pint, pydantic or click until needed.

Five lines from ``pip install`` to a sheet::

    import regimens

    library = regimens.load_library()
    patient = regimens.make_patient(height="67 in", weight="154 lb")
    sheet = regimens.compute_sheet(library, "FOLFOX-6", patient)
    print(sheet.model_dump_json(indent=2))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the private module it lives in (and its name there, when it differs).
_EXPORTS: dict[str, tuple[str, str]] = {
    # the library of regimens
    "load_library": ("_library", "load_library"),
    "Library": ("_library", "Library"),
    "LibraryFile": ("_library", "LibraryFile"),
    "Regimen": ("_regimen", "Regimen"),
    "DrugFacts": ("_regimen", "DrugFacts"),
    # the patient and the measures
    "make_patient": ("_patient", "make_patient"),
    "Patient": ("_patient", "Patient"),
    "compute_bsa": ("_measures", "compute_bsa_result"),
    "compute_crcl": ("_measures", "compute_crcl_result"),
    "BsaResult": ("_measures", "BsaResult"),
    "CrclResult": ("_measures", "CrclResult"),
    "Measured": ("_measures", "Measured"),
    "BSA_FORMULAS": ("_bsa", "FORMULAS"),
    "BsaFormula": ("_bsa", "BsaFormula"),
    # dose sheets
    "compute_sheet": ("_dosing", "compute_sheet"),
    "SheetOptions": ("_dosing", "SheetOptions"),
    "DrugDoseLevel": ("_dosing", "DrugDoseLevel"),
    "DoseSheet": ("_sheet", "DoseSheet"),
    "SheetDay": ("_sheet", "SheetDay"),
    "Administration": ("_sheet", "Administration"),
    "DrugTotal": ("_sheet", "DrugTotal"),
    "SheetWarning": ("_sheet", "SheetWarning"),
    "SCHEMA_VERSION": ("_sheet", "SCHEMA_VERSION"),
    # many sheets at once
    "batch_sheets": ("_batch", "batch_sheets"),
    "read_csv_rows": ("_batch", "read_csv_rows"),
    "read_jsonl_rows": ("_batch", "read_jsonl_rows"),
    "BatchResult": ("_batch", "BatchResult"),
    "BatchError": ("_batch", "BatchError"),
    # calendars
    "build_calendar": ("_calendar", "build_calendar"),
    "CalendarOptions": ("_calendar", "CalendarOptions"),
    "Delay": ("_calendar", "Delay"),
    "Calendar": ("_calendar", "Calendar"),
    "CalendarCycle": ("_calendar", "CalendarCycle"),
    "CalendarDay": ("_calendar", "CalendarDay"),
    # prescription checks
    "check_prescription": ("_check", "check_prescription"),
    "parse_prescribed": ("_check", "parse_prescribed"),
    "PrescribedDose": ("_check", "PrescribedDose"),
    "CheckReport": ("_check", "CheckReport"),
    # course summaries (cumulative doses)
    "load_course": ("_course", "load_course"),
    "parse_course": ("_course", "parse_course"),
    "compute_course": ("_course", "compute_course"),
    "Course": ("_course", "Course"),
    "CourseReport": ("_course", "CourseReport"),
    # FHIR R4 export (fhir.resources is imported only when these run)
    "sheet_bundle": ("_render.fhir", "sheet_bundle"),
    "calendar_bundle": ("_render.fhir", "calendar_bundle"),
    "bundle_json": ("_render.fhir", "bundle_json"),
    # errors
    "RegimensError": ("_errors", "RegimensError"),
    "InputError": ("_errors", "InputError"),
    "UnitError": ("_errors", "UnitError"),
    "PlausibilityError": ("_errors", "PlausibilityError"),
    "MissingInputError": ("_errors", "MissingInputError"),
    "LibraryError": ("_errors", "LibraryError"),
    "UnknownRegimenError": ("_errors", "UnknownRegimenError"),
    "UnknownNameError": ("_errors", "UnknownNameError"),
}

# Written out (not built from _EXPORTS) so that type checkers and linters see it;
# tests/test_api.py checks that the two agree and match docs/api.md.
__all__ = [
    "BSA_FORMULAS",
    "SCHEMA_VERSION",
    "Administration",
    "BatchError",
    "BatchResult",
    "BsaFormula",
    "BsaResult",
    "Calendar",
    "CalendarCycle",
    "CalendarDay",
    "CalendarOptions",
    "CheckReport",
    "Course",
    "CourseReport",
    "CrclResult",
    "Delay",
    "DoseSheet",
    "DrugDoseLevel",
    "DrugFacts",
    "DrugTotal",
    "InputError",
    "Library",
    "LibraryError",
    "LibraryFile",
    "Measured",
    "MissingInputError",
    "Patient",
    "PlausibilityError",
    "PrescribedDose",
    "Regimen",
    "RegimensError",
    "SheetDay",
    "SheetOptions",
    "SheetWarning",
    "UnitError",
    "UnknownNameError",
    "UnknownRegimenError",
    "__version__",
    "batch_sheets",
    "build_calendar",
    "bundle_json",
    "calendar_bundle",
    "check_prescription",
    "compute_bsa",
    "compute_course",
    "compute_crcl",
    "compute_sheet",
    "load_course",
    "load_library",
    "make_patient",
    "parse_course",
    "parse_prescribed",
    "read_csv_rows",
    "read_jsonl_rows",
    "sheet_bundle",
]

if TYPE_CHECKING:
    from regimens._batch import (
        BatchError,
        BatchResult,
        batch_sheets,
        read_csv_rows,
        read_jsonl_rows,
    )
    from regimens._bsa import FORMULAS as BSA_FORMULAS
    from regimens._bsa import BsaFormula
    from regimens._calendar import (
        Calendar,
        CalendarCycle,
        CalendarDay,
        CalendarOptions,
        Delay,
        build_calendar,
    )
    from regimens._check import CheckReport, PrescribedDose, check_prescription, parse_prescribed
    from regimens._course import Course, CourseReport, compute_course, load_course, parse_course
    from regimens._dosing import DrugDoseLevel, SheetOptions, compute_sheet
    from regimens._errors import (
        InputError,
        LibraryError,
        MissingInputError,
        PlausibilityError,
        RegimensError,
        UnitError,
        UnknownNameError,
        UnknownRegimenError,
    )
    from regimens._library import Library, LibraryFile, load_library
    from regimens._measures import BsaResult, CrclResult, Measured
    from regimens._measures import compute_bsa_result as compute_bsa
    from regimens._measures import compute_crcl_result as compute_crcl
    from regimens._patient import Patient, make_patient
    from regimens._regimen import DrugFacts, Regimen
    from regimens._render.fhir import bundle_json, calendar_bundle, sheet_bundle
    from regimens._sheet import (
        SCHEMA_VERSION,
        Administration,
        DoseSheet,
        DrugTotal,
        SheetDay,
        SheetWarning,
    )


def __getattr__(name: str) -> Any:
    """Import a public name from its private module on first use (PEP 562)."""
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'regimens' has no attribute {name!r}") from None
    value = getattr(import_module(f"regimens.{module_name}"), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

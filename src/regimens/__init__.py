"""regimens: a unit-aware chemotherapy regimen library and dose calculator.

Clinical decision support only: every dose sheet must be checked by a qualified
professional before use.

The public interface is this namespace and nothing else: the names in ``__all__``,
documented in ``docs/api.md``. Every module is private (``regimens._calc.dosing``...) and may
change without notice.

Importing this package does no work and has no side effects: each name is imported
from its module when first used (:pep:`562`), so that ``import regimens`` and the
command line start fast and do not load pint, pydantic or click until needed.

Five lines from ``pip install`` to a sheet::

    import regimens

    library = regimens.load_library()
    patient = regimens.make_patient(height="67 in", weight="154 lb")
    sheet = regimens.compute_sheet(library, "FOLFOX-6", patient)
    print(regimens.sheet_json(sheet))  # the same document as `regimens sheet --format json`
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from regimens._version import __version__

#: Public name → the private module it lives in (and its name there, when it differs).
_EXPORTS: dict[str, tuple[str, str]] = {
    # the library of regimens
    "load_library": ("_read.library", "load_library"),
    "Library": ("_models.library", "Library"),
    "LibraryFile": ("_models.library", "LibraryFile"),
    "LibrarySources": ("_models.provenance", "LibrarySources"),
    "Regimen": ("_models.regimen", "Regimen"),
    "DrugFacts": ("_models.regimen", "DrugFacts"),
    "SupportiveSchedule": ("_models.regimen", "SupportiveSchedule"),
    # the patient and the measures
    "make_patient": ("_read.patient", "make_patient"),
    "Patient": ("_models.patient", "Patient"),
    "compute_bsa": ("_calc.measures", "compute_bsa_result"),
    "compute_crcl": ("_calc.measures", "compute_crcl_result"),
    "BsaResult": ("_models.measures", "BsaResult"),
    "CrclResult": ("_models.measures", "CrclResult"),
    "Measured": ("_models.measures", "Measured"),
    "BSA_FORMULAS": ("_calc.bsa", "FORMULAS"),
    "BsaFormula": ("_calc.bsa", "BsaFormula"),
    # dose sheets
    "compute_sheet": ("_calc.dosing", "compute_sheet"),
    "SheetOptions": ("_models.options", "SheetOptions"),
    "DrugDoseLevel": ("_models.options", "DrugDoseLevel"),
    "DoseSheet": ("_models.sheet", "DoseSheet"),
    "SheetDay": ("_models.sheet", "SheetDay"),
    "Administration": ("_models.sheet", "Administration"),
    "DrugTotal": ("_models.sheet", "DrugTotal"),
    "SheetWarning": ("_models.sheet", "SheetWarning"),
    "SCHEMA_VERSION": ("_models.sheet", "SCHEMA_VERSION"),
    "sheet_json": ("_render.sheet_json", "sheet_json"),
    "verify_sheet": ("_api", "verify_sheet"),
    "SheetVerification": ("_models.verify", "SheetVerification"),
    "Difference": ("_models.verify", "Difference"),
    # the treatment-day assessment
    "assessment_inputs": ("_api", "assessment_inputs"),
    "AssessmentInputs": ("_models.assessment", "AssessmentInputs"),
    "Assessment": ("_models.assessment", "Assessment"),
    # many sheets at once
    "batch_sheets": ("_api", "batch_sheets"),
    "batch_record": ("_api", "batch_record"),
    "read_csv_rows": ("_read.rows", "read_csv_rows"),
    "read_jsonl_rows": ("_read.rows", "read_jsonl_rows"),
    "BatchResult": ("_models.batch", "BatchResult"),
    "BatchError": ("_models.batch", "BatchError"),
    # calendars
    "build_calendar": ("_calc.calendar", "build_calendar"),
    "CalendarOptions": ("_models.calendar", "CalendarOptions"),
    "Delay": ("_models.calendar", "Delay"),
    "Calendar": ("_models.calendar", "Calendar"),
    "CalendarCycle": ("_models.calendar", "CalendarCycle"),
    "CalendarDay": ("_models.calendar", "CalendarDay"),
    # prescription checks
    "check_prescription": ("_api", "check_prescription"),
    "parse_prescribed": ("_read.prescribed", "parse_prescribed"),
    "PrescribedDose": ("_models.check", "PrescribedDose"),
    "CheckReport": ("_models.check", "CheckReport"),
    # course summaries (cumulative doses)
    "load_course": ("_read.course", "load_course"),
    "parse_course": ("_read.course", "parse_course"),
    "compute_course": ("_calc.course", "compute_course"),
    "course_assessments": ("_read.course", "course_assessments"),
    "next_cycle": ("_calc.course_next", "next_cycle"),
    "Course": ("_models.course", "Course"),
    "CourseReport": ("_models.course", "CourseReport"),
    "NextCycle": ("_models.course_next", "NextCycle"),
    # FHIR R4 export (fhir.resources is imported only when these run)
    "sheet_bundle": ("_api", "sheet_bundle"),
    "calendar_bundle": ("_api", "calendar_bundle"),
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
    "Assessment",
    "AssessmentInputs",
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
    "Difference",
    "DoseSheet",
    "DrugDoseLevel",
    "DrugFacts",
    "DrugTotal",
    "InputError",
    "Library",
    "LibraryError",
    "LibraryFile",
    "LibrarySources",
    "Measured",
    "MissingInputError",
    "NextCycle",
    "Patient",
    "PlausibilityError",
    "PrescribedDose",
    "Regimen",
    "RegimensError",
    "SheetDay",
    "SheetOptions",
    "SheetVerification",
    "SheetWarning",
    "SupportiveSchedule",
    "UnitError",
    "UnknownNameError",
    "UnknownRegimenError",
    "__version__",
    "assessment_inputs",
    "batch_record",
    "batch_sheets",
    "build_calendar",
    "bundle_json",
    "calendar_bundle",
    "check_prescription",
    "compute_bsa",
    "compute_course",
    "compute_crcl",
    "compute_sheet",
    "course_assessments",
    "load_course",
    "load_library",
    "make_patient",
    "next_cycle",
    "parse_course",
    "parse_prescribed",
    "read_csv_rows",
    "read_jsonl_rows",
    "sheet_bundle",
    "sheet_json",
    "verify_sheet",
]

if TYPE_CHECKING:
    from regimens._api import (
        assessment_inputs,
        batch_record,
        batch_sheets,
        calendar_bundle,
        check_prescription,
        sheet_bundle,
        verify_sheet,
    )
    from regimens._calc.bsa import FORMULAS as BSA_FORMULAS
    from regimens._calc.bsa import BsaFormula
    from regimens._calc.calendar import build_calendar
    from regimens._calc.course import compute_course
    from regimens._calc.course_next import next_cycle
    from regimens._calc.dosing import compute_sheet
    from regimens._calc.measures import compute_bsa_result as compute_bsa
    from regimens._calc.measures import compute_crcl_result as compute_crcl
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
    from regimens._models.assessment import Assessment, AssessmentInputs
    from regimens._models.batch import BatchError, BatchResult
    from regimens._models.calendar import (
        Calendar,
        CalendarCycle,
        CalendarDay,
        CalendarOptions,
        Delay,
    )
    from regimens._models.check import CheckReport, PrescribedDose
    from regimens._models.course import Course, CourseReport
    from regimens._models.course_next import NextCycle
    from regimens._models.library import Library, LibraryFile
    from regimens._models.measures import BsaResult, CrclResult, Measured
    from regimens._models.options import DrugDoseLevel, SheetOptions
    from regimens._models.patient import Patient
    from regimens._models.provenance import LibrarySources
    from regimens._models.regimen import DrugFacts, Regimen, SupportiveSchedule
    from regimens._models.sheet import (
        SCHEMA_VERSION,
        Administration,
        DoseSheet,
        DrugTotal,
        SheetDay,
        SheetWarning,
    )
    from regimens._models.verify import Difference, SheetVerification
    from regimens._read.course import course_assessments, load_course, parse_course
    from regimens._read.library import load_library
    from regimens._read.patient import make_patient
    from regimens._read.prescribed import parse_prescribed
    from regimens._read.rows import read_csv_rows, read_jsonl_rows
    from regimens._render.fhir import bundle_json
    from regimens._render.sheet_json import sheet_json


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

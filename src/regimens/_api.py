"""The public functions that join a reader with a calculator or a renderer.

The Python API takes what a person or a file gives (``"oxaliplatin=155mg"``, rows of
cells) where the calculators take models only: each function here reads with its
reader (``_read``) and hands the models to its calculator (``_calc``) or renderer
(``_render``), which never read text or files. ``regimens.check_prescription``,
``batch_sheets``, ``assessment_inputs``, ``sheet_bundle``, ``calendar_bundle`` and
``verify_sheet`` live here; the CLI calls them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

    from regimens._calc.dosing import SheetOptions
    from regimens._errors import InputError
    from regimens._models.assessment import AssessmentInputs
    from regimens._models.batch import BatchResult
    from regimens._models.calendar import Calendar
    from regimens._models.check import CheckReport, PrescribedDose
    from regimens._models.library import Library
    from regimens._models.patient import Patient
    from regimens._models.provenance import LibraryDirectory, SourceFile
    from regimens._models.regimen import Regimen
    from regimens._models.sheet import DoseSheet
    from regimens._models.verify import SheetVerification
    from regimens._render.fhir import DrugLookup

__all__ = [
    "assessment_inputs",
    "batch_record",
    "batch_sheets",
    "calendar_bundle",
    "check_prescription",
    "sheet_bundle",
    "verify_sheet",
]


def check_prescription(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    prescribed: Sequence[PrescribedDose | str],
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
) -> CheckReport:
    """Compare each prescribed dose with a fresh dose sheet (``docs/check.md``).

    A dose is a :class:`PrescribedDose` or its text, ``DRUG[:METHOD]=DOSE``
    (``"fluorouracil:bolus=800mg"``), read by
    :func:`~regimens._read.prescribed.parse_prescribed`. The rules are those of
    :func:`regimens._calc.check.check_prescription`.
    """
    from regimens._calc.check import check_prescription as check
    from regimens._read.prescribed import parse_prescribed

    doses = [parse_prescribed(p, library) if isinstance(p, str) else p for p in prescribed]
    return check(library, regimen, patient, doses, options, supportive=supportive)


def batch_sheets(
    rows: Iterable[Mapping[str, object] | Patient | InputError],
    *,
    library: Library | None = None,
    regimen: str | None = None,
    options: SheetOptions | None = None,
    supportive: Sequence[str] = (),
    first_row: int = 1,
) -> Iterator[BatchResult]:
    """Yield one :class:`BatchResult` per row of ``rows``, in order, as they are read.

    A row is a mapping with the columns of ``docs/batch.md`` (values as text with or
    without units, or numbers; ``None``, ``""`` and NaN mean "not given"), or a
    :class:`Patient` (then ``regimen`` is required and the row has no patient_id).
    ``regimen`` gives the regimen of rows whose ``regimen`` is empty; a row naming
    another regimen is an error. A row's ``cycle``, ``dose_level`` and ``bsa_formula``
    override those of ``options`` for that row. An :class:`InputError` in ``rows`` (an
    unreadable line from :func:`~regimens._read.rows.read_jsonl_rows`) becomes that
    row's error record. Rows are numbered from ``first_row`` (1 by default): a part of a
    larger input, a Dask partition for instance, passes the number of its first row.

    ``library`` defaults to :func:`~regimens._read.library.load_library` of the built-in
    regimens and ``REGIMENS_LIBRARY``. An unknown ``regimen`` raises at once.
    """
    from regimens._calc.batch import batch_sheets as compute
    from regimens._read.library import load_library
    from regimens._read.rows import read_batch_rows

    if library is None:
        library = load_library()
    read = read_batch_rows(rows, library=library, regimen=regimen)
    yield from compute(
        read, library=library, options=options, supportive=supportive, first_row=first_row
    )


def batch_record(result: BatchResult) -> dict[str, object]:
    """A batch result as one flat record: the columns of ``--format parquet``
    (:data:`~regimens._render.batch_record.RECORD_COLUMNS`, docs/batch.md)."""
    from regimens._render.batch_record import batch_record as record

    return record(result)


def assessment_inputs(library: Library, **keywords: Any) -> AssessmentInputs:
    """The treatment day's inputs, as written, for ``SheetOptions(assessment=...)``.

    The keywords are those of ``regimens sheet``'s options, each taking what the option
    takes: ``labs=["anc=1.2", "bilirubin=40 umol/L", "ast=3xULN"]``, ``uln=[...]``,
    ``date`` and ``lab_date`` (``date`` or ``YYYY-MM-DD``), ``toxicities=["hand-foot=2:2"]``,
    ``dpyd_activity_score``, ``uracil``, ``ugt1a1="*28/*28"``, ``reference_weight``,
    ``conditions=[...]``, ``country``, ``overrides=["RULE-ID=reason"]``; read by
    :func:`~regimens._read.assessment.make_assessment_inputs` with the toxicity and
    condition names of ``library``. Always an assessment, even with nothing given: the
    sheet then says which inputs its rules miss. Raises :class:`InputError` naming the
    keyword (``field``) for a value it cannot use.
    """
    from regimens._read.assessment import make_assessment_inputs

    inputs = make_assessment_inputs(library.assessment_settings, **keywords, always=True)
    assert inputs is not None  # always=True
    return inputs


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


def verify_sheet(
    sheet: Mapping[str, Any] | str | bytes | os.PathLike[str],
) -> SheetVerification:
    """Compute a saved sheet again from its own provenance and say what differs.

    ``sheet`` is the JSON document of ``regimens sheet --format json`` (schema 1.5 or
    later): parsed (a mapping), as text, or a file's path (an ``os.PathLike``). Its
    patient, options and regimens are computed again with the library its provenance
    names: the built-in library of this version and the user directories of
    ``provenance.library_dirs``, in their order (``REGIMENS_LIBRARY`` is not read). The
    two documents are compared field by field (all but ``calculated_at``), and the saved
    ``provenance.sheet_sha256`` against the saved content (an edited sheet).

    Raises :class:`~regimens._errors.LibraryError` when a library directory or file the
    sheet names is not there (a user library moved or deleted): it cannot be computed
    again. A file that is there with another SHA-256 is a difference. A document that is
    not a sheet raises :class:`~regimens._errors.InputError` naming the field.
    """
    import json
    from pathlib import Path

    from pydantic_core import to_json

    from regimens._calc.dosing import sheet_for
    from regimens._calc.verify import document_differences
    from regimens._errors import InputError
    from regimens._models.provenance import document_sha256
    from regimens._models.verify import Difference, SheetVerification
    from regimens._read.library import load_layers
    from regimens._read.saved_sheet import (
        parse_sheet_document,
        read_sheet_document,
        saved_inputs,
    )
    from regimens._render.sheet_json import sheet_document
    from regimens._version import __version__

    if isinstance(sheet, os.PathLike):
        document = read_sheet_document(sheet)
        name = os.fspath(sheet)
    elif isinstance(sheet, str | bytes):
        document, name = parse_sheet_document(sheet), "sheet"
    else:
        try:
            text = json.dumps(dict(sheet), allow_nan=False)
        except (TypeError, ValueError) as exc:  # a value JSON cannot hold
            raise InputError(f"sheet: is not a JSON document: {exc}", field="sheet") from None
        document, name = parse_sheet_document(text), "sheet"
    inputs = saved_inputs(document, name)
    _check_available(inputs.files, inputs.library_dirs)
    library = load_layers([(Path(item.path), item.label) for item in inputs.library_dirs])
    options = inputs.options
    if inputs.treatment_date is not None and options.assessment is not None:
        # The treatment day was the day of calculation: the same day, not today.
        dated = options.assessment.model_copy(update={"date": inputs.treatment_date})
        options = options.model_copy(update={"assessment": dated})
    again = sheet_for(
        library,
        inputs.regimen_id,
        inputs.patient,
        options,
        patient_id=inputs.patient_id,
        patient_name=inputs.patient_name,
        patient_dob=inputs.patient_dob,
        supportive=inputs.supportive,
    )
    now = json.loads(to_json(sheet_document(again)))
    if options is not inputs.options:  # the options as saved: the date left to the day
        now["provenance"]["options"]["assessment"]["date"] = None
    differences = document_differences(document, now)
    content = document_sha256(document)
    if content != inputs.sheet_sha256:
        edited = Difference(
            field="provenance.sheet_sha256",
            saved=inputs.sheet_sha256,
            now=content,
            change="edited",
        )
        differences = (edited, *differences)
    return SheetVerification(
        regimen_id=inputs.regimen_id,
        cycle=inputs.options.cycle,
        tool_version=__version__,
        files=tuple(item.path for item in inputs.files),
        differences=differences,
    )


def _check_available(files: Sequence[SourceFile], directories: Sequence[LibraryDirectory]) -> None:
    """Every directory and file a saved sheet names is there, or LibraryError."""
    from pathlib import Path

    from regimens._errors import LibraryError
    from regimens._models.provenance import BUILTIN_LAYER
    from regimens._read.library import builtin_library_dir

    for directory in directories:
        if not Path(directory.path).is_dir():
            raise LibraryError(
                f"the library directory {directory.path} ({directory.label}) named by the "
                "sheet's provenance is not available: the sheet cannot be computed again",
                source=directory.path,
            )
    for file in files:
        if file.layer == BUILTIN_LAYER:
            found = Path(file.path).name == file.path and (builtin_library_dir() / file.path)
        else:
            found = Path(file.path).is_absolute() and Path(file.path)
        if not found or not found.is_file():
            raise LibraryError(
                f"the library file {file.path} ({file.layer}) named by the sheet's "
                "provenance is not available: the sheet cannot be computed again",
                source=file.path,
            )

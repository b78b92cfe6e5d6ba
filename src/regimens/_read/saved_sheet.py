"""A saved dose sheet (``regimens sheet --format json``) read back to be computed again.

:func:`read_sheet_document` reads the file: at most :data:`MAX_SHEET_BYTES`, UTF-8, one
JSON object, no key repeated, no ``NaN``, nested no deeper than a sheet is.
:func:`saved_inputs` takes from it what computing the sheet again needs (the patient,
the options, the regimens, the library its provenance names), each checked: a
value of the wrong type names its field. Both raise :class:`~regimens._errors.InputError`
(one line), never a traceback.
"""

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from regimens._errors import InputError
from regimens._models.base import Frozen
from regimens._models.measures import Measured
from regimens._models.options import SheetOptions
from regimens._models.patient import Patient
from regimens._models.provenance import LibraryDirectory, SourceFile
from regimens._models.validation import own_error
from regimens._read.json_keys import unique_keys

__all__ = ["MAX_SHEET_BYTES", "SavedInputs", "read_sheet_document", "saved_inputs"]

#: The largest sheet read (8 MiB): EOX's 21 days of tablets are about 150 kB.
MAX_SHEET_BYTES = 8 << 20
#: The deepest nesting read: a sheet's is under 10.
_MAX_DEPTH = 32
#: The oldest sheet that names its files (``provenance.files``, schema 1.5).
_FIRST_VERIFIABLE = (1, 5)
#: The patient's measurements as a sheet records them, with their canonical units.
_PATIENT_UNITS = {
    "height": ("height_cm", "cm"),
    "weight": ("weight_kg", "kg"),
    "age": ("age_years", "years"),
    "creatinine": ("creatinine_mg_dl", "mg/dL"),
    "crcl": ("crcl_ml_min", "mL/min"),
}


def read_sheet_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON object of a saved sheet file (not yet checked to be a sheet)."""
    name = str(path)
    try:
        with Path(path).open("rb") as stream:
            raw = stream.read(MAX_SHEET_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot be read: {exc.strerror}", field="sheet") from None
    if len(raw) > MAX_SHEET_BYTES:
        raise InputError(
            f"{name}: larger than {MAX_SHEET_BYTES >> 20} MiB: a saved sheet is a few hundred kB",
            field="sheet",
        )
    return parse_sheet_document(raw, name)


def parse_sheet_document(raw: bytes | str, name: str = "sheet") -> dict[str, Any]:
    """The JSON object of a saved sheet's text (see :func:`read_sheet_document`)."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        document = json.loads(text, object_pairs_hook=unique_keys, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: is not UTF-8 text (byte {exc.start})", field="sheet") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name}:{exc.lineno}: is not JSON: {exc.msg} (column {exc.colno})", field="sheet"
        ) from None
    except RecursionError:
        raise InputError(f"{name}: is not a sheet: nested too deeply", field="sheet") from None
    except InputError as exc:
        raise InputError(f"{name}: {exc}", field="sheet") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InputError(f"{name}: a number has more than 4,300 digits", field="sheet") from None
    if not isinstance(document, dict):
        raise InputError(
            f"{name}: is not a sheet: a JSON object is expected, got {_json_type(document)}",
            field="sheet",
        )
    if _depth(document) > _MAX_DEPTH:
        raise InputError(f"{name}: is not a sheet: nested too deeply", field="sheet")
    return document


def _no_constant(constant: str) -> Any:
    raise InputError(f"{constant} is not a number a sheet holds", field="sheet")


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _depth(document: Any) -> int:
    deepest = 0
    todo: list[tuple[Any, int]] = [(document, 1)]
    while todo:
        value, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > _MAX_DEPTH:
            break
        if isinstance(value, dict):
            todo.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            todo.extend((item, depth + 1) for item in value)
    return deepest


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class _SavedProvenance(_Strict):
    tool_version: str
    regimen_id: str
    supportive: dict[str, str]
    options: dict[str, Any]
    files: list[SourceFile]
    library_dirs: list[LibraryDirectory]
    sheet_sha256: str


class _SavedSheet(_Strict):
    schema_version: str
    cycle: int
    patient: dict[str, Measured | str]
    patient_id: str | None = None
    patient_name: str | None = None
    patient_dob: dt.date | None = Field(default=None, strict=False)  # schema 1.6, JSON text
    provenance: _SavedProvenance


class SavedInputs(Frozen):
    """What computing a saved sheet again needs, as its document records it."""

    regimen_id: str
    supportive: tuple[str, ...]
    patient: Patient
    options: SheetOptions
    patient_id: str | None
    patient_name: str | None
    patient_dob: dt.date | None = None
    files: tuple[SourceFile, ...]
    library_dirs: tuple[LibraryDirectory, ...]
    sheet_sha256: str
    #: An assessment whose treatment date was left to the day of calculation: that day,
    #: as the saved ``assessment.date`` says (None: the options give the date, or no
    #: assessment). Computed again on another day, it is still that treatment day.
    treatment_date: dt.date | None = None


class _SavedAssessment(_Strict):
    date: dt.date


def saved_inputs(document: dict[str, Any], name: str = "sheet") -> SavedInputs:
    """The inputs of a saved sheet (the regimen, patient, options, library), checked."""
    version = document.get("schema_version")
    if not isinstance(version, str) or not _verifiable(version):
        raise InputError(
            f"{name}: schema_version {version!r}: only a sheet of schema 1.5 or later "
            "(regimens sheet --format json) names the files it was computed from",
            field="sheet",
        )
    try:
        saved = _SavedSheet.model_validate(document)
    except ValidationError as exc:
        raise InputError(f"{name}: {own_error(exc)}", field="sheet") from None
    try:
        options = SheetOptions.model_validate(saved.provenance.options)
        patient = _patient(saved.patient)
    except ValidationError as exc:
        raise InputError(f"{name}: {own_error(exc, prefix='provenance.options')}") from None
    except InputError as exc:
        raise InputError(f"{name}: {exc}", field="sheet") from None
    if options.cycle != saved.cycle:
        raise InputError(
            f"{name}: cycle {saved.cycle} is not the cycle of its options "
            f"({options.cycle}): the sheet was edited",
            field="sheet",
        )
    treatment_date = None
    if options.assessment is not None and options.assessment.date is None:
        try:
            treatment_date = _SavedAssessment.model_validate(
                document.get("assessment"), strict=False
            ).date
        except ValidationError as exc:
            raise InputError(f"{name}: {own_error(exc, prefix='assessment')}") from None
    provenance = saved.provenance
    return SavedInputs(
        regimen_id=provenance.regimen_id,
        supportive=tuple(provenance.supportive),
        patient=patient,
        options=options,
        patient_id=saved.patient_id,
        patient_name=saved.patient_name,
        patient_dob=saved.patient_dob,
        files=tuple(provenance.files),
        library_dirs=tuple(provenance.library_dirs),
        sheet_sha256=provenance.sheet_sha256,
        treatment_date=treatment_date,
    )


def _verifiable(version: str) -> bool:
    major, _, minor = version.partition(".")
    if not (major.isdigit() and minor.isdigit()) or len(version) > 10:
        return False
    return int(major) == _FIRST_VERIFIABLE[0] and int(minor) >= _FIRST_VERIFIABLE[1]


def _patient(inputs: dict[str, Measured | str]) -> Patient:
    values: dict[str, Any] = {}
    for key, value in inputs.items():
        if key == "sex" and isinstance(value, str):
            values["sex"] = value
            continue
        field, unit = _PATIENT_UNITS.get(key, (None, None))
        if field is None or not isinstance(value, Measured) or value.unit != unit:
            shown = f"{value.value:g} {value.unit}" if isinstance(value, Measured) else value
            raise InputError(
                f"patient.{key}: {shown!r} is not a measurement a sheet records "
                f"(height cm, weight kg, age years, creatinine mg/dL, crcl mL/min, sex)",
                field="sheet",
            )
        values[field] = value.value
        if key == "creatinine" and value.given_unit == "µmol/L":
            values["creatinine_umol_l"] = value.given_value  # as typed (schema 1.6)
    return Patient(**values)

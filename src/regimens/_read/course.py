"""Course files: TOML or JSON text → :class:`~regimens._models.course.Course`.

:func:`load_course` reads a file (``docs/course.md``, ``docs/course.schema.json``),
:func:`parse_course` validates data already read. Each measurement is read with its
unit (``"160 cm"``, ``"80 µmol/L"``, a bare number in the field's default unit),
checked for plausibility in an adult and kept in its canonical unit. A mistake is
refused with one line, ``FILE: lines[3].cycles[2].weight: reason``, counted from 1
as a reader counts, and the InputError's ``field`` is that path.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import AliasChoices, ValidationError

from regimens._errors import InputError
from regimens._models.course import (
    PATIENT_FIELDS,
    READ_DOSE_LEVEL,
    READ_MEASUREMENTS,
    READ_RECORD,
    Course,
    CourseCycle,
    CourseLine,
    CoursePatient,
    GivenDose,
)
from regimens._models.regimen import FieldPathError
from regimens._read.json_keys import DuplicateKeyError, unique_keys
from regimens._read.levels import read_dose_level
from regimens._read.patient import make_patient

if TYPE_CHECKING:
    from regimens._models.assessment import AssessmentInputs
    from regimens._models.library import Library

__all__ = [
    "course_assessments",
    "course_json_schema",
    "load_course",
    "parse_course",
    "read_given",
    "read_measurements",
]

_GIVEN = re.compile(
    r"^\s*(?P<amount>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>mg|g)\s*"
    r"(?:/\s*(?P<per>day|d|m2|m²))?\s*$",
    re.IGNORECASE,
)


def read_given(value: object) -> GivenDose:
    """A dose given as written → :class:`GivenDose`.

    >>> read_given("1650 mg/day")
    GivenDose(text='1650 mg/day', amount=1650.0, unit='mg')
    >>> read_given("68 mg/m2").unit
    'mg/m2'
    """
    match = _GIVEN.match(value) if isinstance(value, str) else None
    if match is None or float(match["amount"]) <= 0:
        raise InputError(
            f"{value!r} is not a dose given: write '136 mg', '1650 mg/day' (each day the "
            "sheet gives the drug) or '68 mg/m2'; a drug not given goes in withheld",
            field="given",
        )
    amount = float(match["amount"]) * (1000 if match["unit"].lower() == "g" else 1)
    per_m2 = (match["per"] or "").lower() in {"m2", "m²"}
    return GivenDose(text=str(value).strip(), amount=amount, unit="mg/m2" if per_m2 else "mg")


def _read_lab(value: object) -> object:
    from regimens._read.assessment import parse_lab

    return parse_lab(value)


def read_measurements(given: Mapping[str, Any]) -> dict[str, Any]:
    """One level's measurements as written → the same in canonical units (cm, kg, years,
    mg/dL, mL/min, female/male); an implausible value raises, naming its field."""
    patient = make_patient(**given)
    return {name: getattr(patient, PATIENT_FIELDS[name]) for name in given}


def course_json_schema() -> dict[str, Any]:
    """The JSON Schema of a course file as written (``docs/course.schema.json``)."""
    schema = Course.model_json_schema(mode="validation")
    line = schema["$defs"]["CourseLine"]["properties"]
    line["cycles"] = {
        "description": line["cycles"]["description"],
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 200},
            {"type": "array", "items": {"$ref": "#/$defs/CourseCycle"}},
        ],
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _path(loc: tuple[int | str, ...]) -> str:
    """('lines', 2, 'cycles') → 'lines[3].cycles' (counted from 1, as a reader counts)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _join(base: str, path: str) -> str:
    if not path:
        return base
    if not base or path.startswith("lines["):
        return path
    return f"{base}.{path}"


def _did_you_mean(name: str) -> str:
    import difflib

    known = {
        alias
        for model in (Course, CourseLine, CourseCycle, CoursePatient)
        for field_name, info in model.model_fields.items()
        for alias in (field_name, *_choices(info.validation_alias))
    }
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f" {name!r}{hint} (the fields are listed in docs/course.md)"


def _choices(alias: object) -> tuple[str, ...]:
    if isinstance(alias, AliasChoices):
        return tuple(choice for choice in alias.choices if isinstance(choice, str))
    return ()


def parse_course(data: object, *, source: str = "course") -> Course:
    """Validate course data (as read from TOML or JSON); errors name the line and field."""
    try:
        return Course.model_validate(
            data,
            context={
                READ_MEASUREMENTS: read_measurements,
                READ_DOSE_LEVEL: read_dose_level,
                READ_RECORD: {"given": read_given, "lab": _read_lab},
            },
        )
    except ValidationError as exc:
        # An unknown key first: a misspelt "cycles" also makes "cycles" missing.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        loc = _path(tuple(first["loc"]))
        original = first.get("ctx", {}).get("error")
        if isinstance(original, FieldPathError):
            where, reason = _join(loc, original.path), original.reason
        elif first["type"] == "extra_forbidden":
            where, reason = loc, f"unknown field{_did_you_mean(str(first['loc'][-1]))}"
        elif first["type"] == "missing":
            where, reason = loc, "missing: this field is required"
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
            where = loc
            reason = f"{message} (got {first.get('input')!r})"
            if isinstance(original, ValueError) and not isinstance(original, InputError):
                reason = str(original)
        raise InputError(f"{source}: {where}: {reason}", field=where or None) from None


def load_course(path: str | Path) -> Course:
    """Read a course file: ``.toml`` or ``.json``, UTF-8; the course keeps its SHA-256."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in {".toml", ".json"}:
        raise InputError(
            f"{file}: a course file is .toml or .json, got {suffix or 'no extension'!r}",
            field="file",
        )
    try:
        raw = file.read_bytes()
        # Newlines as read_text() reads them (universal newlines).
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file", field="file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot be read as UTF-8 text ({exc})", field="file") from None
    try:
        data = (
            tomllib.loads(text)
            if suffix == ".toml"
            else json.loads(text, object_pairs_hook=unique_keys)
        )
    except DuplicateKeyError as exc:
        raise InputError(f"{file}: {exc}", field=exc.key) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file}: invalid TOML: {exc}", field="file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{file}: invalid JSON: {exc}", field="file") from None
    except ValueError:  # an integer of more than 4,300 digits (Python's own limit)
        raise InputError(
            f"{file}: a number has more than 4,300 digits: no measurement or count is that long",
            field="file",
        ) from None
    except RecursionError:
        raise InputError(
            f"{file}: arrays or tables nested too deeply to read", field="file"
        ) from None
    course = parse_course(data, source=str(file))
    return course.with_file_sha256(hashlib.sha256(raw).hexdigest())


def course_assessments(
    library: Library, course: Course, *, source: str = "course"
) -> dict[tuple[int, int], AssessmentInputs]:
    """Each recorded cycle's labs and toxicity, read as ``--lab`` and ``--toxicity`` read
    them (the toxicity names are the library's): (line, cycle), from 1 → the inputs.

    A mistake names the file, the cycle and the field:
    ``FILE: lines[1].cycles[3].toxicity: unknown toxicity 'neuropaty'...``.
    """
    from regimens._read.assessment import make_assessment_inputs

    found: dict[tuple[int, int], AssessmentInputs] = {}
    for number, line in enumerate(course.lines, start=1):
        for index, cycle in enumerate(line.cycles, start=1):
            if not cycle.labs and not cycle.toxicity:
                continue
            where = f"lines[{number}].cycles[{index}]"
            try:
                inputs = make_assessment_inputs(
                    library.assessment_settings,
                    labs=cycle.labs,
                    toxicities=cycle.toxicity,
                    date=cycle.date.isoformat() if cycle.date else None,
                )
            except InputError as exc:
                field = {"toxicities": "toxicity"}.get(exc.field or "", exc.field or "")
                raise InputError(
                    f"{source}: {where}.{field}: {exc}", field=f"{where}.{field}"
                ) from None
            if inputs is not None:
                found[(number, index)] = inputs
    return found

"""The JSON document of a dose sheet (``docs/json-output.md``) and its JSON Schema.

The document is the model's fields, with the words the model leaves to renderers put
back where readers of the JSON have always found them, in English:

* each warning's ``message`` (between ``code`` and ``drug``), from the catalogue;
* ``blocking`` at the top level: true when any warning is blocking;
* an administration's ``rounding`` and ``withheld_reason`` as text, not codes (the
  step and tablet strengths behind the text are not repeated);
* an organ adjustment's ``rule`` and the provenance's ``order_of_operations`` as text.

Numbers are written as pydantic's serialiser writes them (``model_dump_json``): the
one-line document of a batch is written by orjson, whose bytes are the same
(:func:`_compact`).
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import orjson
from pydantic_core import to_json

from regimens._models.provenance import canonical_json
from regimens._models.sheet import Administration, DoseSheet, Provenance, SheetWarning
from regimens._render.assessment_json import assessment_document, assessment_object_schema
from regimens._render.dose_words import (
    order_of_operations_text,
    organ_rule_text,
    rounding_text,
    withheld_text,
)
from regimens._render.messages import message

__all__ = [
    "provenance_document",
    "sheet_document",
    "sheet_json",
    "sheet_json_schema",
    "warning_document",
]

#: Administration fields that only feed its words (``rounding``; the French notes of
#: the other formats): not in the document.
_WORDS_ONLY = ("rounding_increment_mg", "tablet_strengths_mg", "notes_fr")
#: Fields of the sheet whose document is made here rather than dumped.
_REPLACED = {"assessment", "days", "emetogenic_risk", "warnings"}


def sheet_json(sheet: DoseSheet, indent: int | None = 2) -> str:
    """The JSON document of ``docs/json-output.md`` (one line with ``indent=None``)."""
    document = _document(sheet, share=True)
    if indent is None:
        return _compact(document).decode()
    return to_json(document, indent=indent).decode()


def sheet_document(sheet: DoseSheet) -> dict[str, Any]:
    """The JSON document as Python values (dicts, lists, numbers, strings)."""
    return _document(sheet, share=False)


def _document(sheet: DoseSheet, *, share: bool) -> dict[str, Any]:
    """The document; with ``share``, an administration shown on several days is one dict
    (to be serialised, never changed: :func:`sheet_document` gives each day its own)."""
    # The fields replaced below are not dumped (their dump would be thrown away), nor
    # the days: an administration given on many days (capecitabine on days 1-14) is one
    # object, dumped and worded once, and that one document is shown on each of its days.
    data = sheet.model_dump(exclude=_REPLACED)
    items: dict[int, dict[str, Any]] = {}
    days = [
        {
            "day": day.day,
            "administrations": [_item(item, items, share) for item in day.administrations],
        }
        for day in sheet.days
    ]
    data["provenance"]["order_of_operations"] = order_of_operations_text(
        sheet.provenance.order_of_operations
    )
    risk = sheet.emetogenic_risk
    replaced = {
        "days": days,
        "assessment": assessment_document(sheet.assessment),
        "emetogenic_risk": risk.model_dump(by_alias=True) if risk is not None else None,
        "warnings": [warning_document(w) for w in sheet.warnings],
    }
    if sheet.patient_dob is not None:  # as a reader parses it (the hash below)
        data["patient_dob"] = sheet.patient_dob.isoformat()
    document: dict[str, Any] = {}
    for key in type(sheet).model_fields:  # the fields' order, as model_dump gives it
        if key == "warnings":  # blocking before the warnings it sums up
            document["blocking"] = sheet.blocking
        document[key] = replaced[key] if key in replaced else data[key]
    # The hash of the document's content (docs/json-output.md, sheet_sha256): of these
    # values, which are the ones a reader parses (tests/test_verify.py checks that they
    # hash alike for every regimen).
    document["provenance"]["sheet_sha256"] = hashlib.sha256(_canonical(document)).hexdigest()
    return document


#: orjson's options for :func:`_canonical`: keys sorted; a date, a dataclass or a subclass
#: of str, int, dict or list is not written by orjson's own rules but refused
#: (``TypeError``), so that the standard library's encoder decides, as it always did.
_SORTED = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
#: orjson's options for :func:`_compact`: a date or a dataclass is pydantic's to write.
_OWN_TYPES = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _canonical(document: dict[str, Any]) -> bytes:
    """``canonical_json(document)``, byte for byte, each administration encoded once.

    An administration given on many days (capecitabine on days 1-14 of EOX) is the same
    dict on each of its days (:func:`_item`): it is encoded once and its bytes repeated.
    Each part is encoded by :func:`_sorted_json`. tests/test_sheet_json.py checks the
    bytes against :func:`~regimens._models.provenance.canonical_json`.
    """
    done: dict[int, bytes] = {}
    days = []
    for day in document["days"]:
        items = []
        for item in day["administrations"]:
            found = done.get(id(item))
            if found is None:
                found = done[id(item)] = _sorted_json(item)
            items.append(found)
        if day.keys() == _DAY_KEYS and type(day["day"]) is int:
            number = str(day["day"]).encode()
            days.append(b'{"administrations":[' + b",".join(items) + b'],"day":' + number + b"}")
        else:  # not the shape _document makes: the encoder's own way
            days.append(_sorted_json(day))
    # The other keys in two parts (those sorted before "days", those after), the days'
    # bytes put between them.
    before = _sorted_json({key: value for key, value in document.items() if key < "days"})
    after = _sorted_json({key: value for key, value in document.items() if key > "days"})
    parts = [before[1:-1], b'"days":[' + b",".join(days) + b"]", after[1:-1]]
    return b"{" + b",".join(part for part in parts if part) + b"}"


#: The keys of a day's document, as :func:`_document` makes it.
_DAY_KEYS = {"day", "administrations"}


def _sorted_json(value: Any) -> bytes:
    """``canonical_json(value)``, byte for byte: orjson's bytes where they are the same.

    orjson writes JSON about eight times faster than the standard library (the canonical
    JSON was most of the cost of a batch's line, issue 23) and writes the same bytes
    (keys sorted, no spaces, UTF-8, every string escaped alike, every float from 1e-4 up
    by the same shortest repr), except:

    * a number from 1e-5 up to 1e-4 (``1e-05`` is orjson's ``0.00001``) or with a
      one-digit negative exponent (``1.5e-07`` is orjson's ``1.5e-7``):
      :func:`_has_small_number` finds every one, and ``value`` goes to
      :func:`~regimens._models.provenance.canonical_json` (a deviation of ``1.2e-14`` %
      left by floating point is written alike by both, and stays orjson's);
    * a type orjson refuses (an integer beyond 64 bits, a key that is not text, the
      types of :data:`_SORTED`): the same;
    * NaN and infinity, written ``null`` by orjson where canonical_json refuses them: no
      model holds one (``allow_inf_nan=False`` on every model), and a document is made
      of the models' values.
    """
    try:
        data = orjson.dumps(value, option=_SORTED)
    except TypeError:  # orjson.JSONEncodeError
        return canonical_json(value)
    return canonical_json(value) if _has_small_number(data) else data


def _compact(document: dict[str, Any]) -> bytes:
    """``to_json(document)`` (pydantic's serialiser, one line), byte for byte: orjson's
    bytes. Both write a float by the same shortest repr (``1e+16``, ``0.00001``,
    ``1.5e-7``) and escape a string alike, which tests/test_sheet_json.py checks for
    random floats and every code point; a type orjson refuses goes to pydantic."""
    try:
        return orjson.dumps(document, option=_OWN_TYPES)
    except TypeError:  # orjson.JSONEncodeError
        return to_json(document)


def _has_small_number(data: bytes) -> bool:
    """Whether orjson's ``data`` may hold a number that Python's ``repr`` writes otherwise:
    one from 1e-5 up to 1e-4, which orjson writes ``0.0000…`` (``1e-05``), or one with a
    one-digit negative exponent, which Python pads (``1.5e-7``, ``1.5e-07``). A number
    with an exponent of two or three digits (``1.2e-14``, a deviation left by floating
    point) is written alike by both (tests/test_sheet_json.py: every decade from 1e-320
    up). Text may hold either pattern (``10.00001``, ``1e-5`` in a note): the value then
    takes the slower way, never a wrong one."""
    if b"0.0000" in data:
        return True
    end = len(data)
    found = data.find(b"e-")
    while found != -1:
        digits = found + 2
        if (
            found
            and 48 <= data[found - 1] <= 57  # a digit before the e
            and digits < end
            and 48 <= data[digits] <= 57  # one digit after the e-...
            and (digits + 1 == end or not 48 <= data[digits + 1] <= 57)  # ...and no second
        ):
            return True
        found = data.find(b"e-", digits)
    return False


def _item(item: Administration, done: dict[int, dict[str, Any]], share: bool) -> dict[str, Any]:
    """An administration's document (kept in ``done`` by the object's id)."""
    found = done.get(id(item))
    if found is not None and not share:
        return copy.deepcopy(found)
    if found is None:
        found = done[id(item)] = item.model_dump()
        for key in _WORDS_ONLY:
            del found[key]
        adjustment = item.organ_adjustment
        found["rounding"] = rounding_text(item)
        found["withheld_reason"] = withheld_text(item)
        if adjustment is not None:
            found["organ_adjustment"]["rule"] = organ_rule_text(adjustment)
    return found


def warning_document(warning: SheetWarning, kind: str = "warning") -> dict[str, Any]:
    """A warning as the JSON documents show it, its English message after its code;
    ``kind`` is its catalogue section (``warning``: a sheet's; ``course``...)."""
    return {
        "severity": warning.severity,
        "code": warning.code,
        "message": message(warning, "en", kind=kind),
        "drug": warning.drug,
        "params": dict(warning.params),
    }


def provenance_document(provenance: Provenance) -> dict[str, Any]:
    """A sheet's provenance as the JSON documents show it (the order of operations as text)."""
    data = provenance.model_dump()
    data["order_of_operations"] = order_of_operations_text(provenance.order_of_operations)
    return data


# --- the schema ------------------------------------------------------------------------

_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}

#: (model, field) → the field's JSON Schema in the document where it differs from the
#: model's (``None``: not in the document); a new field is placed after ``after``.
_DOCUMENT_FIELDS: tuple[tuple[str, str, dict[str, Any] | None, str | None, bool], ...] = (
    # model, field, schema, after (for a new field), required
    ("SheetWarning", "message", {"title": "Message", **_TEXT}, "code", True),
    ("DoseSheet", "blocking", {"title": "Blocking", "type": "boolean"}, "totals", True),
    ("Administration", "rounding", {"title": "Rounding", **_TEXT}, None, True),
    ("Administration", "rounding_increment_mg", None, None, False),
    ("Administration", "tablet_strengths_mg", None, None, False),
    ("Administration", "notes_fr", None, None, False),
    (
        "Administration",
        "withheld_reason",
        {"title": "Withheld Reason", **_TEXT_OR_NULL},
        None,
        False,
    ),
    ("OrganAdjustment", "rule", {"title": "Rule", **_TEXT}, None, True),
    ("Provenance", "order_of_operations", {"title": "Order Of Operations", **_TEXT}, None, True),
    (
        "Provenance",
        "sheet_sha256",
        {
            "title": "Sheet Sha256",
            "description": "SHA-256 of the document's canonical JSON without this key "
            "(docs/json-output.md)",
            "pattern": "^[0-9a-f]{64}$",
            **_TEXT,
        },
        None,
        True,
    ),
)


def sheet_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``regimens sheet --format json`` (``docs/sheet.schema.json``)."""
    schema = DoseSheet.model_json_schema(mode="serialization")
    for model, field, field_schema, after, required in _DOCUMENT_FIELDS:
        target = schema if model == "DoseSheet" else schema["$defs"][model]
        properties: dict[str, Any] = target["properties"]
        if field_schema is None:
            del properties[field]
        elif field in properties:
            properties[field] = field_schema
        else:
            position = list(properties).index(after) + 1 if after else len(properties)
            items = list(properties.items())
            items.insert(position, (field, field_schema))
            target["properties"] = dict(items)
        names = [name for name in target.get("required", []) if name != field]
        if required and field_schema is not None:
            names.append(field)
        order = list(target["properties"])
        target["required"] = sorted(names, key=order.index)
    _assessment_schema(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _assessment_schema(schema: dict[str, Any]) -> None:
    """The ``assessment`` property as the document writes it (its inputs as a reader
    needs them, :mod:`regimens._render.assessment_json`), not as the model holds it."""
    defs: dict[str, Any] = schema["$defs"]
    schema["properties"]["assessment"] = {
        "anyOf": [{"$ref": "#/$defs/AssessmentDocument"}, {"type": "null"}],
        "default": None,
        "description": "The treatment-day assessment (null: none was made).",
    }
    part = assessment_object_schema()
    defs.update(part.pop("$defs", {}))
    defs["AssessmentDocument"] = part
    # The model's own definitions (Assessment, AssessmentInputs...) no longer reached.
    reached = _refs({key: value for key, value in schema.items() if key != "$defs"}, defs)
    schema["$defs"] = {name: defs[name] for name in sorted(defs) if name in reached}


def _refs(node: Any, defs: dict[str, Any]) -> set[str]:
    """The ``$defs`` names reached from ``node``, through the definitions they name."""
    found: set[str] = set()
    todo = [node]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in found:
                    found.add(name)
                    todo.append(defs[name])
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return found

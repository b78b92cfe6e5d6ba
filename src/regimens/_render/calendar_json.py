"""The calendar's JSON document (``regimens calendar --format json``) and its JSON Schema.

The document is the :class:`~regimens._models.calendar.Calendar` model with its codes
and, next to them, their English words (``docs/json-output.md``): ``notes`` (with
``note_codes``), each cycle's ``moved_reason`` (with ``moved_reasons``) and each
warning's ``message``; then the shape every result document shares: ``provenance``,
``blocking``, ``warnings`` [``severity``, ``code``, ``message``, ``drug``, ``params``,
and here the ``cycles`` it was raised in], ``drug_names``. JSON stays English whatever
``--lang``: its readers are programs.
"""

from __future__ import annotations

import json
from typing import Any

from regimens._models.calendar import Calendar, CalendarNote
from regimens._models.sheet import SheetWarning
from regimens._render.calendar_document import SEVERITY_RANK
from regimens._render.calendar_words import moved_text, note_text
from regimens._render.messages import message

__all__ = ["calendar_dict", "calendar_json", "calendar_json_schema"]


def _warning(warning: SheetWarning) -> dict[str, Any]:
    return {
        "severity": warning.severity,
        "code": warning.code,
        "message": message(warning),
        "drug": warning.drug,
        "params": dict(warning.params),
    }


def _all_warnings(calendar: Calendar) -> list[dict[str, Any]]:
    """Every cycle's dose-sheet warnings once, with the cycles they were raised in."""
    found: dict[str, dict[str, Any]] = {}
    for cycle in calendar.cycles:
        for warning in cycle.warnings:
            item = _warning(warning)
            key = json.dumps(item, sort_keys=True)
            found.setdefault(key, {**item, "cycles": []})["cycles"].append(cycle.cycle)
    return sorted(found.values(), key=lambda item: SEVERITY_RANK[item["severity"]])


def calendar_dict(calendar: Calendar) -> dict[str, Any]:
    """The JSON document as a dict (English words next to the codes)."""
    document = calendar.model_dump(mode="json")
    cycles = []
    for cycle, dumped in zip(calendar.cycles, document["cycles"], strict=True):
        ordered: dict[str, Any] = {}
        for key, value in dumped.items():
            if key == "moved_reasons":
                ordered["moved_reason"] = moved_text(cycle)
            ordered[key] = value
        ordered["warnings"] = [_warning(warning) for warning in cycle.warnings]
        cycles.append(ordered)
    document["cycles"] = cycles
    document["notes"] = [note_text(note, calendar) for note in calendar.notes]
    tail = {key: document.pop(key) for key in ("provenance", "drug_names")}
    document["note_codes"] = [note.model_dump(mode="json") for note in calendar.notes]
    document["provenance"] = tail["provenance"]
    document["blocking"] = calendar.blocking
    document["warnings"] = _all_warnings(calendar)
    document["drug_names"] = tail["drug_names"]
    return document


def calendar_json(calendar: Calendar) -> str:
    """The JSON document of ``docs/json-output.md`` (``regimens calendar --format json``)."""
    return json.dumps(calendar_dict(calendar), indent=2, ensure_ascii=False)


_STRINGS = {"type": "array", "items": {"type": "string"}}
_WARNING = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "severity": {"enum": ["info", "caution", "blocking"], "type": "string"},
        "code": {"type": "string"},
        "message": {"type": "string", "description": "In English (--lang does not apply)."},
        "drug": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "params": {"type": "object", "additionalProperties": {"type": "string"}},
        "cycles": {"type": "array", "items": {"type": "integer"}},
    },
    "required": ["severity", "code", "message", "drug", "params"],
}


def _insert_after(properties: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in properties.items():
        out[name] = item
        if name == after:
            out[key] = value
    return out


def calendar_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``regimens calendar --format json`` (``docs/calendar.schema.json``)."""
    schema = Calendar.model_json_schema(mode="serialization")
    defs = schema["$defs"]
    defs.pop("SheetWarning", None)  # replaced: the JSON adds each warning's message
    defs["CalendarWarning"] = _WARNING
    defs.setdefault("CalendarNote", CalendarNote.model_json_schema(mode="serialization"))
    cycle = defs["CalendarCycle"]
    moved = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "Every day skipped and why, in English.",
    }
    cycle["properties"] = _insert_after(cycle["properties"], "moved_from", "moved_reason", moved)
    cycle["properties"]["warnings"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/CalendarWarning"},
        "description": "The dose sheet's warnings for this cycle (with doses only).",
    }
    cycle["required"] = [*cycle.get("required", []), "moved_reason", "warnings"]
    properties = dict(schema["properties"])
    tail = {key: properties.pop(key) for key in ("provenance", "drug_names")}
    properties["notes"] = {**_STRINGS, "description": "Assumptions the dates rest on, in English."}
    properties["note_codes"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/CalendarNote"},
        "description": "The notes as codes, in the same order.",
    }
    properties["provenance"] = tail["provenance"]
    properties["blocking"] = {"type": "boolean", "description": "A cycle's sheet blocks."}
    properties["warnings"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/CalendarWarning"},
        "description": "Every cycle's warnings once, with the cycles they were raised in.",
    }
    properties["drug_names"] = tail["drug_names"]
    schema["properties"] = properties
    schema["required"] = [
        *schema.get("required", []),
        "notes",
        "note_codes",
        "blocking",
        "warnings",
        "drug_names",
    ]
    schema["required"] = list(dict.fromkeys(schema["required"]))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}

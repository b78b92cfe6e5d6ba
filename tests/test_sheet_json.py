"""The sheet's JSON document and its ``sheet_sha256`` (regimens._render.sheet_json).

The hash is computed with each administration encoded once, however many days show it
(issue 23: encoding capecitabine's dict on each of EOX's 21 days was most of the cost of
an EOX sheet in a batch). These tests check that this gives, byte for byte, the
canonical JSON that docs/json-output.md defines and that ``regimens verify`` recomputes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from regimens._api import batch_sheets
from regimens._models.provenance import canonical_json, document_sha256
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library
from regimens._render import sheet_json as module
from regimens._render.sheet_json import sheet_json

#: Patients that reach the branches a document has: a renal band, an assessment, a
#: name with quotes and accents (escaped alike by both encoders), a dose level.
ROWS: tuple[dict[str, object], ...] = (
    {"patient_id": "A", "height": "170", "weight": "70", "crcl": "80"},
    {"patient_id": "B", "height": "5 ft 7 in", "weight": "154 lb", "crcl": "35"},
    {
        "patient_id": "C",
        "height": "182.4 cm",
        "weight": "92.3",
        "creatinine": "95 umol/L",
        "age": "67",
        "sex": "F",
        "dose_level": "80%",
        "cycle": "2",
        "patient_name": 'Élodie O\'Brien, "Jr"\t',
    },
    {
        "patient_id": "D",
        "height": "160",
        "weight": "58",
        "crcl": "90",
        "labs": "anc=1.2; platelets=90; bilirubin=40 umol/L",
        "date": "2026-12-01",
        "toxicity": "diarrhoea=2",
    },
)


def sheets(library: Library) -> list[DoseSheet]:
    """Every regimen of the library for each of :data:`ROWS` (the ones that compute)."""
    rows = [{**row, "regimen": regimen.id} for regimen in library for row in ROWS]
    found = [result.sheet for result in batch_sheets(rows, library=library)]
    return [sheet for sheet in found if sheet is not None]


@pytest.fixture(scope="module")
def every_sheet(library: Library) -> list[DoseSheet]:
    return sheets(library)


def test_the_hash_is_that_of_the_canonical_json_of_the_parsed_document(
    every_sheet: list[DoseSheet],
) -> None:
    """For every regimen: the ``sheet_sha256`` written is document_sha256 of the document
    a reader parses, the definition ``regimens verify`` checks (docs/json-output.md)."""
    assert len(every_sheet) >= 45  # most regimens with each patient (51 today)
    for sheet in every_sheet:
        parsed = json.loads(sheet_json(sheet, indent=None))
        assert parsed["provenance"]["sheet_sha256"] == document_sha256(parsed), sheet.regimen.id


def test_the_bytes_hashed_are_the_canonical_json_byte_for_byte(
    every_sheet: list[DoseSheet],
) -> None:
    """The bytes given to SHA-256 equal canonical_json of the same document (keys sorted,
    no spaces, UTF-8), for documents whose days share one administration dict."""
    shared = 0
    for sheet in every_sheet:
        document: dict[str, Any] = module._document(sheet, share=True)
        del document["provenance"]["sheet_sha256"]
        items = [item for day in document["days"] for item in day["administrations"]]
        shared += len(items) - len({id(item) for item in items})
        assert module._canonical(document) == canonical_json(document), sheet.regimen.id
    assert shared > 0  # EOX's capecitabine, at least: the case the encoding is for


def test_a_day_of_another_shape_is_encoded_as_canonical_json() -> None:
    """A day with a key _document does not make is still encoded by the canonical rules."""
    item = {"drug": "capécitabine", "dose_mg": 1e-07, "z": None}
    document = {
        "days": [{"day": 1, "administrations": [item]}, {"day": 2.0, "administrations": [item]}],
        "b": [1, 2],
        "a": {"y": 1, "x": "\u2013"},
    }
    assert module._canonical(document) == canonical_json(document)

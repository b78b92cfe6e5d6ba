"""The sheet's JSON document and its ``sheet_sha256`` (regimens._render.sheet_json).

The hash is computed with each administration encoded once, however many days show it
(issue 23: encoding capecitabine's dict on each of EOX's 21 days was most of the cost of
an EOX sheet in a batch), and by orjson where its bytes are the standard library's.
These tests check that this gives, byte for byte, the canonical JSON that
docs/json-output.md defines and that ``regimens verify`` recomputes, and that the
one-line document orjson writes is the one pydantic's serialiser writes.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import struct
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import to_json

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


# --- orjson's bytes against the standard library's and pydantic's ----------------------


def _floats() -> list[float]:
    """Every decade from 1e-320 to 1e308 (1, 5, the largest double below 10 and their
    neighbours, both signs), zeros, and 20,000 doubles of random bits (fixed seed)."""
    values = [0.0, -0.0, 5e-324, -5e-324]
    for exponent in range(-320, 308):
        for mantissa in (1.0, 5.0, 9.999999999999998):
            x = mantissa * 10.0**exponent
            values += [x, -x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
    draw = random.Random(23).getrandbits
    for _ in range(20_000):
        (x,) = struct.unpack("d", struct.pack("Q", draw(64)))
        if math.isfinite(x):
            values.append(x)
    return values


def test_every_float_is_written_as_the_standard_library_and_pydantic_write_it() -> None:
    """Canonical JSON (Python's repr: ``1e-05``, ``1e+16``) for every float, and the
    one-line document (pydantic's: ``0.00001``) likewise: orjson where it writes the
    same, the fallback where it does not. orjson writes otherwise exactly the numbers
    from 1e-5 up to 1e-4 (``0.00001``) and those of a one-digit negative exponent
    (``1.5e-7`` for ``1.5e-07``), and each of those is found; a number of a longer
    exponent (``1.2e-14``) is written alike and not sent the slow way."""
    values = _floats()
    small = [x for x in values if x and abs(x) < 1e-4]
    assert len(small) > 10_000
    assert module._sorted_json(values) == canonical_json(values)
    assert module._compact({"values": values}) == to_json({"values": values})
    for x in values:  # one at a time: each small one is found on its own
        assert module._sorted_json([x]) == canonical_json([x]), x
    differ = [x for x in values if orjson.dumps(x) != canonical_json(x)]
    assert differ
    assert all(1e-10 < abs(x) < 1e-4 for x in differ)
    assert all(module._has_small_number(orjson.dumps(x)) for x in differ)
    alike = [x for x in small if abs(x) < 1e-9]
    assert len(alike) > 10_000
    assert not any(module._has_small_number(orjson.dumps(x)) for x in alike)
    for text in (b"[1.5e-7]", b"[1e-9,2]", b"[1e-5]", b'{"a":9e-8}', b"[0.00001]"):
        assert module._has_small_number(text), text
    for text in (b"[1.2e-14]", b"[5e-324]", b"[1e-10]", b'"e-5"', b"[1e+16]"):
        assert not module._has_small_number(text), text


def test_every_character_is_escaped_as_the_standard_library_and_pydantic_escape_it() -> None:
    """Every code point but the surrogates, in keys and in values: control characters,
    quotes, backslashes, U+2028, astral characters (keys sorted by code point alike)."""
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    document = {text[i : i + 7]: text[i : i + 11] for i in range(0, len(text), 997)}
    assert module._sorted_json(document) == canonical_json(document)
    assert module._compact(document) == to_json(document)


def test_what_orjson_refuses_or_writes_otherwise_takes_the_standard_way() -> None:
    """A key that is not text, an integer beyond 64 bits, a date, a str subclass: each is
    encoded (or refused) exactly as canonical_json and to_json do it."""
    documents: list[Any] = [
        {1: "one", "b": 2},
        {"big": 2**80},
        {"day": datetime.date(2026, 12, 6)},
        {"text": "10.00001 and 1e-5 in a note"},
    ]
    for document in documents:
        try:
            expected = canonical_json(document)
        except TypeError:  # the date: canonical_json refuses it, and so does _sorted_json
            with pytest.raises(TypeError):
                module._sorted_json(document)
        else:
            assert module._sorted_json(document) == expected
        assert module._compact(document) == to_json(document)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_any_json_value_is_written_byte_for_byte_alike(value: Any) -> None:
    """Random documents of numbers (tiny, huge, negative zero, beyond 64 bits), text and
    nesting: orjson's way gives canonical_json's bytes and to_json's."""
    assert module._sorted_json(value) == canonical_json(value)
    assert module._compact({"value": value}) == to_json({"value": value})


def test_a_sheet_line_is_pydantic_s_one_line_document(every_sheet: list[DoseSheet]) -> None:
    """For every regimen and patient, the batch's one-line document (orjson) is the one
    pydantic's serialiser writes (the format regimens has always written)."""
    for sheet in every_sheet:
        document = module._document(sheet, share=True)
        assert sheet_json(sheet, indent=None).encode() == to_json(document), sheet.regimen.id

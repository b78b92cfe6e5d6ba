"""What a result records of the library files it read, and the hash of a document.

A dose sheet's provenance names every file whose facts it used (the regimen files, the
drug-facts files of its drugs, the assessment settings when there was an assessment),
each with the SHA-256 of its bytes, the user files among them that replaced built-in
ones, and the user library directories it was computed with: enough for
``regimens verify`` to load the same library and compute the sheet again.

:func:`document_sha256` is the hash of a JSON document's content that
``provenance.sheet_sha256`` holds (``docs/json-output.md`` says exactly what is hashed).
"""

import hashlib
import json
from typing import Any, Literal

from regimens._models.base import Frozen

__all__ = [
    "BUILTIN_LAYER",
    "FileRole",
    "LibraryDirectory",
    "LibrarySources",
    "Shadowing",
    "SourceFile",
    "canonical_json",
    "document_sha256",
]

#: The label of the built-in layer (its files are named relative to the built-in library).
BUILTIN_LAYER = "built-in"

FileRole = Literal["regimen", "drugs", "assessment"]


class SourceFile(Frozen):
    """One library file a result read, with the SHA-256 of its bytes.

    ``path``: a built-in file's name inside the built-in library of ``tool_version``
    (``drugs.toml``), so that a sheet made on another machine names the same file; a
    user file's absolute path. ``names``: what the result took from it (the regimen
    ids, the drug INNs; empty for the assessment settings).
    """

    path: str
    sha256: str
    layer: str  # built-in, REGIMENS_LIBRARY, extra_dirs (--library)
    role: FileRole
    names: tuple[str, ...] = ()


class Shadowing(Frozen):
    """A user file's regimen, drug or assessment settings replacing an earlier layer's."""

    what: Literal["regimen", "drug", "assessment"]
    name: str  # the regimen id or drug INN (``assessment`` for the settings)
    path: str  # the file used, named as in :class:`SourceFile`
    layer: str
    shadowed_path: str  # the file it replaced, named the same way


class LibraryDirectory(Frozen):
    """A user library directory layered over the built-in one, in the order of use."""

    label: str  # REGIMENS_LIBRARY or extra_dirs
    path: str  # absolute


class LibrarySources(Frozen):
    """The files, shadowings and user directories behind one result."""

    files: tuple[SourceFile, ...] = ()
    shadowed: tuple[Shadowing, ...] = ()
    library_dirs: tuple[LibraryDirectory, ...] = ()


def canonical_json(document: Any) -> bytes:
    """``document`` as canonical JSON bytes: keys sorted, no spaces, UTF-8.

    Python's :func:`json.dumps` with ``sort_keys=True``, ``separators=(",", ":")`` and
    ``ensure_ascii=False``, encoded as UTF-8: numbers as Python writes them (``154.7``,
    ``5.0``, ``1e-07``), so the same parsed document gives the same bytes anywhere.
    """
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def document_sha256(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of a sheet document's canonical JSON without ``provenance.sheet_sha256``.

    ``document`` is the parsed JSON object (as :func:`json.loads` gives it); it is not
    changed.
    """
    provenance = document.get("provenance")
    if isinstance(provenance, dict) and "sheet_sha256" in provenance:
        provenance = {key: value for key, value in provenance.items() if key != "sheet_sha256"}
        document = {**document, "provenance": provenance}
    return hashlib.sha256(canonical_json(document)).hexdigest()

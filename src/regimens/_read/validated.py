"""The validated built-in library, shipped with the package (issue 23).

Validating the built-in library's files took about 25 ms on every command that reads
the library (pydantic building the file formats' validators, then checking some 20
files), and importing the file-format modules another 15 ms: the largest single cost
of a sheet's start after pydantic's own import. ``validated_library.bin``, beside this
module, holds what that validation gave for each built-in file, keyed by the file's
name and the SHA-256 of its bytes, and is used only when nothing that validation reads
has changed:

- the file's bytes (its SHA-256; any other file is validated as before);
- the source of every ``regimens`` module that was imported while validating (their
  SHA-256 are in the file's header: a changed model, validator or reader turns the
  whole file off), and the units table they read;
- the versions of pydantic and pydantic-core.

Anything else (a file of a user's library, an edited built-in file, a changed module,
another pydantic, a file that cannot be read) is validated as before, with the same
messages: a stale or missing file costs time, never a result that validation would not
give. Only files that validated without a problem are recorded. ``regimens validate``
of the built-in directory always validates. ``scripts/parsed_toml.py`` writes the file
(in a fresh process, so that the modules recorded are the ones validation imports);
``tests/test_validated_cache.py`` checks that it is current and that what it holds
equals a fresh validation, model for model.

The file is a pickle (zlib-compressed) of frozen pydantic models. It is part of the
package, as its modules are, and is never read from anywhere else; and it is read by an
unpickler that refuses every global but the package's own model classes
(:class:`_ModelsOnly`), so that even a tampered file can build models, not run code
(docs/safety.md, "Data-file tampering").
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import pickle
import re
import sys
import zlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "CACHE_FILE",
    "FRESH_PROGRAM",
    "MAGIC",
    "cache_bytes",
    "header_of",
    "same_sources",
    "validated_results",
]

#: The shipped file: a magic line, a JSON header line, then the zlib-compressed pickle.
CACHE_FILE = Path(__file__).with_name("validated_library.bin")
MAGIC = b"regimens-validated-library 1"
#: Package files read by validation that are not modules (the table of dose units).
DATA_FILES = ("_read/units.txt",)
_PACKAGE = Path(__file__).resolve().parents[1]

#: The modules whose classes the shipped file may name.
_MODEL_MODULE = re.compile(r"regimens\._models\.[a-z_]+")

#: A file's key: its name in the library directory and the SHA-256 of its bytes.
Key = tuple[str, str]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    import pydantic
    import pydantic_core

    return {"pydantic": pydantic.VERSION, "pydantic_core": pydantic_core.__version__}


def _current(header: Mapping[str, object]) -> bool:
    """The header's versions and source digests are this installation's."""
    if header.get("versions") != _versions():
        return False
    sources = header.get("sources")
    if not isinstance(sources, dict) or not sources:
        return False
    try:
        return all(_digest(_PACKAGE / name) == digest for name, digest in sources.items())
    except OSError:  # a module shipped without its source: validate as before
        return False


def same_sources(left: Mapping[str, object] | None, right: Mapping[str, object] | None) -> bool:
    """Two headers record the same library files and sources (pydantic's version aside:
    another pydantic turns the file off at run time, see :func:`validated_results`)."""
    if left is None or right is None:
        return left is right
    keys = ("files", "sources")
    return all(left.get(key) == right.get(key) for key in keys)


def header_of(raw: bytes) -> dict[str, object] | None:
    """The JSON header of a cache file's bytes, or None when they are not one."""
    magic, _, rest = raw.partition(b"\n")
    if magic != MAGIC:
        return None
    line, _, _ = rest.partition(b"\n")
    try:
        header = json.loads(line)
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


class _ModelsOnly(pickle.Unpickler):
    """An unpickler that finds only classes of the package's ``regimens._models``
    modules: no function, no module of the standard library or of another package."""

    def find_class(self, module: str, name: str) -> Any:
        found = None
        if _MODEL_MODULE.fullmatch(module) and name.isidentifier():
            found = getattr(importlib.import_module(module), name, None)
        # A class defined there, not one its module imported from elsewhere.
        if not isinstance(found, type) or found.__module__ != module:
            raise pickle.UnpicklingError(f"{module}.{name} is not a model of the package")
        return found


def _unpickle(data: bytes) -> object:
    return _ModelsOnly(io.BytesIO(data)).load()


@lru_cache(maxsize=1)
def validated_results() -> dict[Key, object]:
    """(file name, SHA-256) → what validating those bytes gave, when the shipped file
    is current; empty otherwise (every file is then validated)."""
    try:
        raw = CACHE_FILE.read_bytes()
    except OSError:
        return {}
    header = header_of(raw)
    if header is None or not _current(header):
        return {}
    body = raw.split(b"\n", 2)[2]
    try:
        results = _unpickle(zlib.decompress(body))
    except Exception:  # a damaged file is no reason to fail a command: validate instead
        return {}
    return results if isinstance(results, dict) else {}


def cache_bytes(results: Mapping[Key, object]) -> bytes:
    """The content of :data:`CACHE_FILE` for ``results``, with the digests of the
    ``regimens`` modules imported so far (call it in a process that has only validated
    the library, so that these are the modules validation depends on)."""
    sources: dict[str, str] = {}
    for name, module in sorted(sys.modules.items()):
        if name != "regimens" and not name.startswith("regimens."):
            continue
        file = getattr(module, "__file__", None)
        if file is None:
            continue
        path = Path(file).resolve()
        sources[path.relative_to(_PACKAGE).as_posix()] = _digest(path)
    for name in DATA_FILES:
        sources[name] = _digest(_PACKAGE / name)
    header = {"versions": _versions(), "sources": sources, "files": sorted(map(list, results))}
    body = zlib.compress(pickle.dumps(dict(results), protocol=5), 9)
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + b"\n" + line + b"\n" + body


#: The program that writes :data:`CACHE_FILE`'s content on standard output, run in a
#: fresh process (``scripts/parsed_toml.py``, the tests): it validates the built-in
#: library without the shipped file, so the modules it records are the ``regimens``
#: modules that validation imports. pint, whose version is not recorded, must not be
#: among them.
FRESH_PROGRAM = """
import sys
from regimens._read.library import validate_builtin
from regimens._read.validated import cache_bytes
record = {}
problems = validate_builtin(record)
if problems:
    sys.exit("the built-in library has problems: " + "; ".join(problems))
if "pint" in sys.modules:
    sys.exit("validating the built-in library imported pint")
sys.stdout.buffer.write(cache_bytes(record))
"""

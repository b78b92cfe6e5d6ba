"""The texts of library files that lack their French form (``regimens validate``).

A text a person reads has its French form under the same key with ``_fr``
(docs/regimen-format.md, "Translations"). A missing one is not an error: the English
text is shown with ``--lang fr``. ``validate`` lists each as a warning, so that a
French unit sees what it would read in English before it prints a sheet.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from regimens._read.validation import key_lines, problem_at

__all__ = ["TRANSLATED_KEYS", "missing_translations"]

#: Table path (``*`` for each element of an array of tables) → keys that need a
#: ``_fr`` form. Regimen files and drugs.toml.
TRANSLATED_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    (): ("name", "description"),
    ("components", "*"): ("notes",),
    ("cautions", "*"): ("text",),
    ("drug", "*", "renal_rule", "bands", "*"): ("label",),
    ("drug", "*", "toxicity_ladder", "*", "steps", "*"): ("note",),
    ("toxicity_ladder", "*", "steps", "*"): ("note",),
}


def _tables(data: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """The tables at ``path`` in ``data`` with their location (indexes for arrays)."""
    if not path:
        yield (), data
        return
    head, *rest = path
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                for loc, table in _tables(item, tuple(rest)):
                    yield (index, *loc), table
        return
    if isinstance(data, Mapping) and head in data:
        for loc, table in _tables(data[head], tuple(rest)):
            yield (head, *loc), table


def _file_warnings(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # the file's own problem is reported by the validation itself
    lines = key_lines(text)
    found: list[str] = []
    for table_path, keys in TRANSLATED_KEYS.items():
        for loc, table in _tables(data, table_path):
            if not isinstance(table, Mapping):
                continue
            for key in keys:
                if table.get(key) and not table.get(f"{key}_fr"):
                    reason = f"no French form ({key}_fr): --lang fr shows the English text"
                    found.append("warning: " + problem_at(path, lines, (*loc, key), reason))
    return found


def missing_translations(paths: Sequence[str | Path]) -> list[str]:
    """``warning: FILE:LINE: FIELD: no French form (FIELD_fr)...``, one line per text
    of the library files in ``paths`` (files, or directories of ``*.toml``) that lacks
    its French form."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        files += sorted(path.glob("*.toml")) if path.is_dir() else [path] if path.is_file() else []
    return [warning for file in files for warning in _file_warnings(file)]

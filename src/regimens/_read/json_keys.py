"""JSON objects whose keys are unique: ``{"weight": 95, "weight": 59}`` is refused.

Python's ``json`` keeps the last of repeated keys, so a patient of 95 kg would silently
be dosed at 59 kg. TOML refuses repeated keys itself, and a repeated CSV column is
refused by the batch reader; this gives JSON and JSON Lines the same rule.
"""

from __future__ import annotations

from typing import Any

from regimens._errors import InputError

__all__ = ["DuplicateKeyError", "unique_keys"]


class DuplicateKeyError(InputError):
    """A key given twice in one JSON object."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"the key {key!r} is given twice in one object: give it once "
            "(JSON would silently keep the last value)",
            field=key,
        )
        self.key = key


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads`: a dict, or DuplicateKeyError."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(key)
        seen[key] = value
    return seen

"""The differences between two JSON documents, named so that a pharmacist can find them.

``regimens verify`` computes a saved sheet again and compares the two documents here:
every value that is not the same (same JSON type, same value: ``728.0`` against
``750.0``, never ``1`` against ``true``) is a :class:`~regimens._models.verify.Difference`
with its path. Items of a list are named by what they are where they say it (``day 1``,
``fluorouracil bolus``, ``drugs.toml``), else by their position, counted from 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regimens._models.verify import NOT_COMPARED, Difference

__all__ = ["document_differences"]

#: Keys whose values name a list item, in the order they are joined (``day 1``;
#: ``fluorouracil bolus``; a warning's ``BSA_HIGH``; a file's path).
_NAMING_KEYS = ("day", "drug", "method", "code", "path", "strength_mg", "size_mg", "time")


def document_differences(saved: Any, now: Any) -> tuple[Difference, ...]:
    """Every difference between ``saved`` and ``now`` (parsed JSON values), in document
    order, but for :data:`~regimens._models.verify.NOT_COMPARED`."""
    return tuple(item for item in _walk(saved, now, "") if item.field not in NOT_COMPARED)


def _walk(saved: Any, now: Any, path: str) -> Iterator[Difference]:
    both_lists = isinstance(saved, list) and isinstance(now, list)
    if both_lists or (isinstance(saved, dict) and isinstance(now, dict)):
        saved_items, now_items = (_named(saved), _named(now)) if both_lists else (saved, now)
        for key in (*saved_items, *(key for key in now_items if key not in saved_items)):
            where = f"{path}[{key}]" if both_lists else f"{path}.{key}" if path else str(key)
            if key not in now_items:
                yield Difference(field=where, saved=saved_items[key], change="removed")
            elif key not in saved_items:
                yield Difference(field=where, now=now_items[key], change="added")
            else:
                yield from _walk(saved_items[key], now_items[key], where)
    elif type(saved) is not type(now) or saved != now:
        yield Difference(field=path, saved=saved, now=now)


def _named(items: list[Any]) -> dict[str, Any]:
    """A list's items by name: what they say they are when that names each once, else
    their position (from 1)."""
    names = [_name(item) for item in items]
    if all(names) and len(set(names)) == len(names):
        return dict(zip(names, items, strict=True))
    return {str(position): item for position, item in enumerate(items, start=1)}


def _name(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    parts = [item[key] for key in _NAMING_KEYS if isinstance(item.get(key), str | int | float)]
    day = item.get("day")
    if "administrations" in item and isinstance(day, int):
        return f"day {day}"
    return " ".join(str(part) for part in parts)

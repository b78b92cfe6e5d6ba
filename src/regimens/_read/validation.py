"""Turning pydantic's validation errors into the package's own, one line each.

Two translations: :func:`own_error` for an option or a value given in Python (the first
problem, as an :class:`~regimens._errors.InputError` naming the field; it lives with the
models, :mod:`regimens._models.validation`, which use it when built directly), and
:func:`describe_errors` for a file: every problem as ``file:line: field: reason``, the
line found by a light scan of the TOML text (:func:`key_lines`), the field path counted
from 1 as a reader counts the ``[[components]]`` blocks (``components[2].dose``).
"""

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from regimens._models.base import Number, Whole
from regimens._models.regimen import FieldPathError
from regimens._models.validation import own_error

__all__ = [
    "KeyLines",
    "Number",
    "Whole",
    "describe_errors",
    "key_lines",
    "own_error",
    "problem_at",
]

#: Field locations (0-based, as pydantic) → the line of the file that writes them.
KeyLines = dict[tuple[str | int, ...], int]


_PATH_TOKEN = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


def _parse_path(path: str) -> tuple[str | int, ...]:
    """``"components[2].days"`` → ``("components", 1, "days")`` (0-based, as pydantic)."""
    return tuple(name if name else int(number) - 1 for name, number in _PATH_TOKEN.findall(path))


def _format_path(loc: Sequence[str | int]) -> str:
    """``("components", 1, "days")`` → ``"components[2].days"`` (1-based for readers)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def describe_errors(
    exc: ValidationError, model: type[BaseModel], *, source: str | Path, text: str
) -> list[str]:
    """Every problem of ``exc`` as ``source:line: field: reason``, in file order.

    ``model`` is the model that validated the file (it gives the accepted keys of an
    unknown key); ``text`` is the file's text (it gives the lines). A
    :class:`~regimens._models.regimen.FieldPathError` raised by a model validator is
    placed at its own path below the model's location.
    """
    lines = key_lines(text)
    problems: list[tuple[float, str]] = []
    errors = exc.errors()
    # A list whose item failed is also reported as "too short"; the item's error says more.
    located = [tuple(error["loc"]) for error in errors if error["type"] != "too_short"]
    for error in errors:
        if error["type"] == "too_short" and any(
            loc[: len(error["loc"])] == tuple(error["loc"]) for loc in located
        ):
            continue
        loc: tuple[str | int, ...] = tuple(error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, FieldPathError):
            loc = loc + _parse_path(cause.path)
            reason = cause.reason
        elif isinstance(cause, ValueError):
            reason = str(cause)
        else:
            reason = _reason(error, model, loc)
        line = _line_of(lines, loc)
        problems.append((line or math.inf, problem_at(source, lines, loc, reason)))
    # In file order; a missing key (no line) after the misspelt key that explains it.
    return [problem for _, problem in sorted(problems, key=lambda item: item[0])]


def problem_at(source: str | Path, lines: KeyLines, loc: Sequence[str | int], reason: str) -> str:
    """``source:line: field: reason`` for the field at ``loc`` (0-based, as pydantic)."""
    line = _line_of(lines, tuple(loc))
    where = f"{source}:{line}" if line else str(source)
    field_path = _format_path(loc)
    return f"{where}: {field_path}: {reason}" if field_path else f"{where}: {reason}"


def _reason(error: Any, model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        accepted = _accepted_keys(model, loc[:-1])
        import difflib  # only on this error path: its import compiles regexes

        close = difflib.get_close_matches(key, accepted, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key {key!r}{hint} (accepted keys: {', '.join(accepted)})"
    if kind == "missing":
        return "missing: this key is required"
    shown = error.get("input")
    if isinstance(shown, dict | list):
        return str(error["msg"])
    return f"{error['msg']}, got {shown!r}"


def _accepted_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a file may write at ``loc``: field names, or their first alias."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part) or _field_by_alias(current, part)
        current = _nested_model(info.annotation) if info else None
    return list(_written_keys(current)) if current is not None else []


@lru_cache(maxsize=64)
def _written_keys(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of ``model`` as a file writes them: the properties of its JSON Schema.

    A field with aliases is written as its first alias (``duration``, not
    ``duration_h``); a field the schema skips is derived, never written.
    """
    properties = model.model_json_schema(mode="validation").get("properties", {})
    return tuple(properties)


def _field_by_alias(model: type[BaseModel], key: str) -> FieldInfo | None:
    for info in model.model_fields.values():
        choices = getattr(info.validation_alias, "choices", None) or ()
        if key in choices:
            return info
    return None


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")


def key_lines(text: str) -> KeyLines:
    """Map field locations (0-based, as pydantic) to the line that writes them.

    A light scan of the TOML text, enough for tables, arrays of tables and keys; for
    positions it cannot see (inside inline arrays) the nearest enclosing key is used.
    """
    lines: KeyLines = {}
    counts: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    in_string: str | None = None
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = None
            continue
        if depth == 0:
            header = _HEADER.match(line)
            if header:
                table = _resolve_header(header.group(2), counts, array=header.group(1) == "[[")
                lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                lines.setdefault((*table, key.group(1).strip("\"'")), number)
        stripped = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", line).split("#", 1)[0]
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_string = quote
        depth = max(0, depth + stripped.count("[") - stripped.count("]"))
    return lines


def _resolve_header(
    name: str, counts: dict[tuple[str | int, ...], int], *, array: bool
) -> tuple[str | int, ...]:
    path: tuple[str | int, ...] = ()
    parts = [part.strip().strip("\"'") for part in name.split(".")]
    for index, part in enumerate(parts):
        path = (*path, part)
        last = index == len(parts) - 1
        if last and array:
            counts[path] = counts.get(path, -1) + 1
            path = (*path, counts[path])
        elif path in counts:
            path = (*path, counts[path])
    return path


def _line_of(lines: KeyLines, loc: tuple[str | int, ...]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None

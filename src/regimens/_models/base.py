"""The one frozen base model, the immutable mapping for model fields, strict numbers.

Every model of the package derives from :class:`Frozen`: assigning to a field raises,
and unknown fields are refused. A mapping field is a :class:`FrozenDict`, so that
``sheet.patient["weight"] = ...`` raises too instead of changing a result after the fact.

The model modules do without ``from __future__ import annotations``: pydantic would have
to turn every string annotation back into a type when it creates a class, about 1,500
``compile`` calls for a ``next`` command, 4 % of its start (docs/performance.md, sixth
pass). A name defined later in the module is quoted instead.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, NoReturn, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from regimens._errors import InputError

__all__ = [
    "Evidence",
    "FieldPathError",
    "Frozen",
    "FrozenDict",
    "FrozenMap",
    "Items",
    "NonEmpty",
    "Number",
    "PlainText",
    "Whole",
    "control_character",
    "plain_line",
]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

#: A list or tuple a caller gives, kept as a tuple (the model stays immutable). Typed
#: as a Sequence so that ``CalendarOptions(delays=[Delay(...)])`` type-checks under the
#: typed constructors of pydantic's mypy plugin (pyproject.toml, issue 22).
Items = Annotated[Sequence[T], AfterValidator(tuple)]

# TOML's `true` is not 1: in its lax mode pydantic reads a boolean as 1 (or 1.0) where a
# number is expected, so the numbers of files and options are strict. A whole number
# written 3.0, or a number in quotes, is refused too (the message names the field).
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
#: A text that may not be empty (a source, a label).
NonEmpty = Annotated[str, Field(min_length=1)]


#: The characters :func:`control_character` looks for, as one class: a regular
#: expression scans in C (a loop over every character of the library's text cost about
#: 20 ms of each command's start).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def control_character(text: str) -> str | None:
    """The first character of ``text`` that must not reach a printed sheet or a
    terminal, shown escaped (``\\n``, ``\\x1b``, ``\\u202e``), or None: C0 and C1 controls
    (line breaks, ESC of terminal sequences), Unicode line separators, bidirectional
    overrides (which reorder what a reader sees) and lone surrogates."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    return char.encode("unicode_escape").decode("ascii") if code < 0xD800 else f"\\u{code:04x}"


def plain_line(value: str, field: str) -> str:
    """``value`` stripped, or InputError naming ``field`` when it holds a control
    character or only spaces: a patient's identifier or name, a reason."""
    found = control_character(value)
    if found is not None and found.startswith("\\udc"):
        # Python keeps a byte that is not UTF-8 (Latin-1 "René" from the shell) as a lone
        # surrogate \udc80-\udcff: name the byte, not a "control character".
        raise InputError(
            f"{field}: is not UTF-8 text (byte \\x{found[-2:]}): give it in UTF-8",
            field=field,
        )
    if found is not None:
        raise InputError(
            f"{field}: contains a control character ({found}): give one plain line of text",
            field=field,
        )
    text = value.strip()
    if not text:
        # A name of only spaces (a no-break space, U+3000) looks given and is not: an
        # order without its identifier must not pass as one that has it.
        raise InputError(
            f"{field}: is blank ({value!r}): give the text, or leave the option out",
            field=field,
        )
    return text


def _plain(text: str) -> str:
    found = control_character(text)
    if found is not None:
        raise ValueError(
            f"contains a control character ({found}): free text is printed on the sheet and "
            "must be one plain line"
        )
    return text


#: Free text a person typed (a reason, a name): one plain line, no control character.
PlainText = Annotated[str, AfterValidator(_plain)]
#: Evidence marks of the library's data: V seen in the cited source, P secondary or
#: partial, U unverified (shared/CLINICAL-SOURCES.md).
Evidence = Literal["V", "P", "U"]


class Frozen(BaseModel):
    """The base of every model: immutable, no unknown field.

    Schemas are built on a model's first use, not when its module is imported
    (``defer_build``): a command builds only the models it uses, such as a sheet's
    twenty-odd of the package's eighty (docs/performance.md, issue 23).

    A float field refuses infinity and NaN (``allow_inf_nan``): no dose, volume or
    threshold can be one, and no JSON document (whose hash refuses them) can hold one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)


class FrozenDict(dict[K, V]):
    """A dict that refuses to change after it is built (and so can be hashed).

    A ``dict`` subclass, so pydantic validates and serialises it as the dict it is.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable; build a new one instead")

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __copy__(self) -> "FrozenDict[K, V]":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "FrozenDict[K, V]":
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


def _freeze(value: Mapping[Any, Any] | Iterable[tuple[Any, Any]]) -> FrozenDict[Any, Any]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


#: A model field that is a mapping no caller can change: ``FrozenMap[str, float]``.
FrozenMap = Annotated[dict[K, V], AfterValidator(_freeze)]


class FieldPathError(ValueError):
    """A validation problem located below the model that found it.

    A model validator that checks several fields together (days against the cycle
    length, bands against each other) raises this with a path relative to its model,
    e.g. ``components[2].days``; the loader joins it to the model's own location.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason

"""Finding, reading and validating regimen library files; look-up by id or alias.

A library is a directory of TOML files: one file per regimen (any ``*.toml`` name)
and a ``drugs.toml`` holding the drug facts its regimens share (any other file made
of ``[[drug]]`` tables is read as drug facts too). The
loader only reads bytes, parses TOML (:mod:`tomllib`) and hands the data to the
models of :mod:`regimens._models.regimen`, which validate it; then it checks what no single
file can: that ids and aliases are unique, that every drug is described, that a
supportive regimen's host exists.

Libraries are layered, each shadowing the ones before it::

    built-in  <  REGIMENS_LIBRARY directories (in order)  <  --library directories

A regimen (or drug) of a later layer with the id of an earlier one replaces it, and
:attr:`Library.warnings` says so: a shadowed built-in must never pass unnoticed.
Within one layer a repeated id or name is an error.

Every problem names the file, the line where it can be found, the field path
(``components[2].dose``; lists are counted from 1, as a reader counts the
``[[components]]`` blocks) and the reason.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from regimens._errors import LibraryError, UnknownNameError, UnknownRegimenError
from regimens._models.regimen import (
    DrugFacts,
    DrugsFile,
    FieldPathError,
    Regimen,
    SupportiveSchedule,
    normalize_name,
)

__all__ = [
    "DRUGS_FILE",
    "ENV_VAR",
    "Library",
    "LibraryFile",
    "builtin_library_dir",
    "load_drugs_file",
    "load_library",
    "load_regimen_file",
    "validate_paths",
]

#: Environment variable naming extra library directories, separated by os.pathsep.
ENV_VAR = "REGIMENS_LIBRARY"
#: The file of a library directory that holds drug facts (as does any *.toml made of
#: [[drug]] tables); every other *.toml is a regimen.
DRUGS_FILE = "drugs.toml"

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class LibraryFile:
    """Where a regimen or drug came from: for the provenance of a dose sheet."""

    path: str
    sha256: str  # of the file's bytes, as read
    builtin: bool


def builtin_library_dir() -> Path:
    """The directory of the built-in library.

    In an installed wheel it is ``regimens/regimen_library`` inside the package
    (pyproject force-includes ``regimen_library/`` there); in a source checkout or
    an editable install it is ``<repository root>/regimen_library``.
    """
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "regimen_library", package.parents[1] / "regimen_library"):
        if candidate.is_dir():
            return candidate
    raise LibraryError(
        f"the built-in regimen library is missing: looked in {package / 'regimen_library'} "
        f"and {package.parents[1] / 'regimen_library'}; reinstall regimens",
        source=str(package / "regimen_library"),
    )


# --- reading one file ------------------------------------------------------------------


@dataclass
class _Read:
    path: Path
    text: str
    data: dict[str, Any]
    file: LibraryFile


def _read_toml(path: Path, *, builtin: bool) -> _Read:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LibraryError(f"{path}: cannot be read: {exc.strerror}", source=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LibraryError(
            f"{path}: is not UTF-8 text (byte {exc.start}): save it as UTF-8", source=str(path)
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        reason = message[: where.start()].strip() if where else message
        prefix = f"{path}:{where.group(1)}" if where else str(path)
        raise LibraryError(f"{prefix}: malformed TOML: {reason}", source=str(path)) from None
    except RecursionError:
        raise LibraryError(
            f"{path}: malformed TOML: arrays or tables nested too deeply", source=str(path)
        ) from None
    file = LibraryFile(path=str(path), sha256=hashlib.sha256(raw).hexdigest(), builtin=builtin)
    return _Read(path=path, text=text, data=data, file=file)


def _validate(model: type[_Model], read: _Read) -> _Model:
    try:
        return model.model_validate(read.data)
    except ValidationError as exc:
        problems = _describe(exc, model, read)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise _FileProblemsError(problems, problems[0] + more, source=str(read.path)) from None


class _FileProblemsError(LibraryError):
    """A LibraryError that also carries every problem of the file, one line each."""

    def __init__(self, problems: list[str], message: str, *, source: str) -> None:
        super().__init__(message, source=source)
        self.problems = problems


def load_regimen_file(path: str | os.PathLike[str]) -> Regimen:
    """Read and validate one regimen file (no cross-file checks)."""
    return _validate(Regimen, _read_toml(Path(path), builtin=False))


def load_drugs_file(path: str | os.PathLike[str]) -> tuple[DrugFacts, ...]:
    """Read and validate one drug-facts file."""
    return _validate(DrugsFile, _read_toml(Path(path), builtin=False)).drug


# --- describing validation errors ------------------------------------------------------


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


def _describe(exc: ValidationError, model: type[BaseModel], read: _Read) -> list[str]:
    lines = _key_lines(read.text)
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
        problems.append((line or math.inf, _problem(read.path, lines, loc, reason)))
    # In file order; a missing key (no line) after the misspelt key that explains it.
    return [problem for _, problem in sorted(problems, key=lambda item: item[0])]


def _problem(
    path: Path, lines: dict[tuple[str | int, ...], int], loc: Sequence[str | int], reason: str
) -> str:
    line = _line_of(lines, tuple(loc))
    where = f"{path}:{line}" if line else str(path)
    field_path = _format_path(loc)
    return f"{where}: {field_path}: {reason}" if field_path else f"{where}: {reason}"


def _reason(error: Any, model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        accepted = _accepted_keys(model, loc[:-1])
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
    if current is None:
        return []
    keys = []
    for name, info in current.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            keys.append(str(choices[0]))
        elif name != "days_text":  # derived from days, never written
            keys.append(name)
    return keys


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


def _key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map field locations (0-based, as pydantic) to the line that writes them.

    A light scan of the TOML text, enough for tables, arrays of tables and keys; for
    positions it cannot see (inside inline arrays) the nearest enclosing key is used.
    """
    lines: dict[tuple[str | int, ...], int] = {}
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


def _line_of(lines: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


# --- layers ----------------------------------------------------------------------------


@dataclass
class _Entry:
    regimen: Regimen
    read: _Read


@dataclass
class _DrugEntry:
    facts: DrugFacts
    read: _Read
    index: int  # 0-based position in the file's [[drug]] list


@dataclass
class _Layer:
    label: str  # "built-in", "REGIMENS_LIBRARY", "--library"
    directory: Path | None
    builtin: bool
    regimens: dict[str, _Entry] = field(default_factory=dict)
    drugs: dict[str, _DrugEntry] = field(default_factory=dict)


def _library_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.iterdir()
        # A dangling link is listed too: reading it then says why, rather than the
        # regimen silently missing from the library.
        if path.suffix == ".toml"
        and (path.is_file() or path.is_symlink())
        and not path.name.startswith(".")
    )


def _is_drugs_file(read: _Read) -> bool:
    """``drugs.toml``, or any file made of ``[[drug]]`` tables rather than a regimen."""
    return read.path.name == DRUGS_FILE or ("drug" in read.data and "id" not in read.data)


def _scan(
    paths: Sequence[Path], *, label: str, directory: Path | None, builtin: bool
) -> tuple[_Layer, list[str]]:
    """Read and validate files into one layer; return it with every problem found."""
    layer = _Layer(label=label, directory=directory, builtin=builtin)
    problems: list[str] = []
    names: dict[str, tuple[str, _Read]] = {}
    drug_names: dict[str, tuple[str, _Read]] = {}
    for path in paths:
        try:
            read = _read_toml(path, builtin=builtin)
            is_drugs = _is_drugs_file(read)
            if is_drugs:
                drugs = _validate(DrugsFile, read).drug
            else:
                regimen = _validate(Regimen, read)
        except _FileProblemsError as exc:
            problems.extend(exc.problems)
            continue
        except LibraryError as exc:
            problems.append(str(exc))
            continue
        if is_drugs:
            for index, facts in enumerate(drugs):
                layer.drugs[facts.inn] = _DrugEntry(facts, read, index)
                for name in facts.names():
                    key = normalize_name(name)
                    owner = drug_names.get(key)
                    if owner and owner[0] != facts.inn:
                        problems.append(
                            f"{path}: drug[{index + 1}]: name {name!r} is also a name of "
                            f"{owner[0]!r} in {owner[1].path}"
                        )
                    drug_names[key] = (facts.inn, read)
            continue
        lines = _key_lines(read.text)
        if regimen.id in layer.regimens:
            other = layer.regimens[regimen.id].read.path
            problems.append(
                _problem(path, lines, ("id",), f"duplicate id {regimen.id!r}: also in {other}")
            )
            continue
        for position, name in enumerate(regimen.names()):
            key = normalize_name(name)
            owner = names.get(key)
            if owner and owner[0] != regimen.id:
                loc: tuple[str | int, ...] = ("aliases", position - 1) if position else ("id",)
                what = "id" if position == 0 else "alias"
                problems.append(
                    _problem(
                        path,
                        lines,
                        loc,
                        f"duplicate {what} {name!r}: already a name of {owner[0]} "
                        f"in {owner[1].path}",
                    )
                )
            names[key] = (regimen.id, read)
        layer.regimens[regimen.id] = _Entry(regimen, read)
    return layer, problems


@lru_cache(maxsize=4)
def _builtin_layer(directory: Path) -> tuple[_Layer, tuple[str, ...]]:
    layer, problems = _scan(
        _library_files(directory), label="built-in", directory=directory, builtin=True
    )
    return layer, tuple(problems)


def _directory_layer(directory: Path, label: str) -> tuple[_Layer, list[str]]:
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a directory"
        problem = f"{directory}: library directory (from {label}) {what}"
        return _Layer(label=label, directory=directory, builtin=False), [problem]
    return _scan(_library_files(directory), label=label, directory=directory, builtin=False)


# --- the merged library -----------------------------------------------------------------


class Library:
    """The regimens and drug facts of every layer, later layers shadowing earlier ones.

    Build it with :func:`load_library`. Look-ups are case-insensitive; drug names are
    also accent-insensitive (``capécitabine``).
    """

    def __init__(self, layers: Sequence[_Layer]) -> None:
        warnings: list[str] = []
        regimens: dict[str, _Entry] = {}
        drugs: dict[str, _DrugEntry] = {}
        for layer in layers:
            for regimen_id, entry in layer.regimens.items():
                if regimen_id in regimens:
                    warnings.append(
                        f"regimen {regimen_id} from {entry.read.path} ({layer.label}) shadows "
                        f"{regimen_id} from {regimens[regimen_id].read.path}"
                    )
                regimens[regimen_id] = entry
            for inn, drug_entry in layer.drugs.items():
                if inn in drugs:
                    warnings.append(
                        f"drug {inn!r} from {drug_entry.read.path} ({layer.label}) shadows "
                        f"{inn!r} from {drugs[inn].read.path}"
                    )
                drugs[inn] = drug_entry
        # Names are claimed layer by layer, so that a later layer's claim wins.
        winners = [
            (entry.regimen.names(), regimen_id, entry.read)
            for layer in layers
            for regimen_id, entry in layer.regimens.items()
            if regimens[regimen_id] is entry
        ]
        drug_winners = [
            (entry.facts.names(), inn, entry.read)
            for layer in layers
            for inn, entry in layer.drugs.items()
            if drugs[inn] is entry
        ]
        self._entries = dict(sorted(regimens.items()))
        self._drug_entries = dict(sorted(drugs.items()))
        self._names = _name_index(winners, warnings, what="regimen")
        self._drug_names = _name_index(drug_winners, warnings, what="drug")
        self.regimens: Mapping[str, Regimen] = MappingProxyType(
            {regimen_id: entry.regimen for regimen_id, entry in self._entries.items()}
        )
        self.drugs: Mapping[str, DrugFacts] = MappingProxyType(
            {inn: entry.facts for inn, entry in self._drug_entries.items()}
        )
        self.warnings: tuple[str, ...] = tuple(warnings)

    def __repr__(self) -> str:
        return f"<Library {len(self.regimens)} regimens, {len(self.drugs)} drugs>"

    def get(self, name: str) -> Regimen:
        """The regimen with this id or alias (case-insensitive)."""
        regimen_id = self._names.get(normalize_name(name))
        if regimen_id is None:
            raise UnknownRegimenError(self._unknown(name, self._names, "regimen", "list"))
        return self._entries[regimen_id].regimen

    def drug(self, name: str) -> DrugFacts:
        """The facts of the drug with this INN or alias (case- and accent-insensitive)."""
        inn = self._drug_names.get(normalize_name(name))
        if inn is None:
            raise UnknownNameError(
                self._unknown(name, self._drug_names, "drug", None), field="drug"
            )
        return self._drug_entries[inn].facts

    def file_of(self, regimen_id: str) -> LibraryFile:
        """The file a regimen was read from (path, SHA-256 of its bytes, built-in or not)."""
        return self._entries[self.get(regimen_id).id].read.file

    def file_of_drug(self, name: str) -> LibraryFile:
        """The drug-facts file a drug was read from."""
        return self._drug_entries[self.drug(name).inn].read.file

    def supportive_for(self, regimen_id: str) -> tuple[tuple[Regimen, SupportiveSchedule], ...]:
        """The supportive regimens given with a regimen, with how they are added to it."""
        host = self.get(regimen_id).id
        return tuple(
            (regimen, schedule)
            for regimen in self.regimens.values()
            for schedule in regimen.given_with
            if schedule.regimen == host
        )

    def __iter__(self) -> Iterator[Regimen]:
        return iter(self.regimens.values())

    def __len__(self) -> int:
        return len(self.regimens)

    @staticmethod
    def _unknown(name: str, index: Mapping[str, str], what: str, command: str | None) -> str:
        close = difflib.get_close_matches(normalize_name(name), list(index), n=3, cutoff=0.5)
        targets = list(dict.fromkeys(index[key] for key in close))
        hint = f"; did you mean {', '.join(targets)}?" if targets else ""
        listing = f" ('regimens {command}' shows them all)" if command else ""
        known = sorted(set(index.values()))
        if not targets and len(known) <= 12:
            hint = f"; known {what}s: {', '.join(known)}"
        shown = name if len(name) <= 80 else name[:77] + "..."
        return f"unknown {what} {shown!r}{hint}{listing}"


def _name_index(
    items: Sequence[tuple[tuple[str, ...], str, _Read]], warnings: list[str], *, what: str
) -> dict[str, str]:
    """Names → ids, in layer order; a later layer's claim on a name wins, with a warning."""
    index: dict[str, str] = {}
    claimed_by: dict[str, _Read] = {}
    for names, target, read in items:
        for name in names:
            key = normalize_name(name)
            if key in index and index[key] != target:
                warnings.append(
                    f"{what} name {name!r} now means {target} from {read.path}, "
                    f"not {index[key]} from {claimed_by[key].path}"
                )
            index[key] = target
            claimed_by[key] = read
    return index


def _cross_check(library: Library) -> list[str]:
    """Checks across files: drugs described, supportive hosts present and sound."""
    problems: list[str] = []
    for entry in library._entries.values():
        regimen, read = entry.regimen, entry.read
        lines = _key_lines(read.text)
        for index, component in enumerate(regimen.components):
            if component.drug in library.drugs:
                continue
            loc = ("components", index, "drug")
            try:
                known = library.drug(component.drug).inn
                reason = f"{component.drug!r} is another name of {known!r}: write the INN"
            except UnknownNameError:
                reason = (
                    f"unknown drug {component.drug!r}: describe it in {DRUGS_FILE} "
                    f"(known: {', '.join(library.drugs)})"
                )
            problems.append(_problem(read.path, lines, loc, reason))
        for index, schedule in enumerate(regimen.given_with):
            loc = ("given_with", index, "regimen")
            host = library.regimens.get(schedule.regimen)
            if host is None:
                problems.append(
                    _problem(read.path, lines, loc, f"no regimen has the id {schedule.regimen!r}")
                )
            elif host.kind != "chemotherapy":
                problems.append(
                    _problem(read.path, lines, loc, f"{host.id} is not a chemotherapy regimen")
                )
            elif schedule.day > host.cycle_length_days:
                problems.append(
                    _problem(
                        read.path,
                        lines,
                        ("given_with", index, "day"),
                        f"day {schedule.day} is outside the {host.cycle_length_days}-day "
                        f"cycle of {host.id}",
                    )
                )
    return problems


def _build(layers: Sequence[_Layer]) -> tuple[Library, list[str]]:
    library = Library(layers)
    return library, _cross_check(library)


def _extra_directories(
    extra_dirs: Sequence[str | os.PathLike[str]], use_env: bool
) -> list[tuple[Path, str]]:
    if isinstance(extra_dirs, str | os.PathLike):  # one directory given bare
        extra_dirs = [extra_dirs]
    directories: list[tuple[Path, str]] = []
    if use_env:
        for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
            if part.strip():
                directories.append((Path(part.strip()).expanduser(), ENV_VAR))
    directories.extend((Path(directory).expanduser(), "--library") for directory in extra_dirs)
    return directories


def load_library(
    extra_dirs: Sequence[str | os.PathLike[str]] = (), *, use_env: bool = True
) -> Library:
    """Load the built-in library and the user libraries layered over it.

    ``extra_dirs`` are the ``--library`` directories; with ``use_env`` the directories
    of the ``REGIMENS_LIBRARY`` environment variable (separated by ``os.pathsep``)
    come between the built-in library and them. The first problem found raises
    :class:`LibraryError` naming the file, line, field and reason.
    """
    builtin, builtin_problems = _builtin_layer(builtin_library_dir())
    layers = [builtin]
    problems = list(builtin_problems)
    for directory, label in _extra_directories(extra_dirs, use_env):
        layer, found = _directory_layer(directory, label)
        layers.append(layer)
        problems.extend(found)
    if problems:
        raise _first(problems)
    library, problems = _build(layers)
    if problems:
        raise _first(problems)
    return library


def _first(problems: list[str]) -> LibraryError:
    more = (
        f" (and {len(problems) - 1} more: 'regimens validate DIR' lists them all)"
        if len(problems) > 1
        else ""
    )
    source = problems[0].split(":", 1)[0]
    return LibraryError(problems[0] + more, source=source)


def validate_paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Validate library files and directories; return every problem, one line each.

    A directory is checked as a library layered over the built-in one; a file is
    checked together with the built-in library and, for a regimen, with the
    ``drugs.toml`` beside it if there is one. An empty list means all is valid.
    """
    problems: list[str] = []
    builtin_dir = builtin_library_dir().resolve()
    builtin, builtin_problems = _builtin_layer(builtin_library_dir())
    for given in paths:
        path = Path(given)
        if path.is_dir():
            if path.resolve() == builtin_dir:
                layer, found = builtin, list(builtin_problems)
                layers = [builtin]
            else:
                layer, found = _directory_layer(path, "validate")
                layers = [builtin, layer]
        elif path.is_file():
            files = [path]
            sibling = path.parent / DRUGS_FILE
            if path.name != DRUGS_FILE and sibling.is_file():
                files.insert(0, sibling)
            layer, found = _scan(files, label="validate", directory=path.parent, builtin=False)
            layers = [builtin, layer]
        else:
            problems.append(f"{path}: no such file or directory")
            continue
        problems.extend(found)
        if not found:
            problems.extend(_build(layers)[1])
    return list(dict.fromkeys(problems))

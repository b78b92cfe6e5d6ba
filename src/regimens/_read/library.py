"""Finding, reading and validating regimen library files into a Library.

A library is a directory of TOML files: one file per regimen (any ``*.toml`` name)
and a ``drugs.toml`` holding the drug facts its regimens share (any other file made
of ``[[drug]]`` tables is read as drug facts too). The
loader only reads bytes, parses TOML (:mod:`tomllib`) and hands the data to the file
models of :mod:`regimens._read.regimen_file`, which read each value's spelling and
validate it into the models of :mod:`regimens._models.regimen`; then it checks what no
single file can: that ids and aliases are unique, that every drug is described, that a
supportive regimen's host exists. The result is a :class:`~regimens._models.library.Library`.

Libraries are layered, each shadowing the ones before it::

    built-in  <  REGIMENS_LIBRARY directories (in order)  <  extra_dirs (the CLI's --library)

A regimen (or drug) of a later layer with the id of an earlier one replaces it, and
:attr:`Library.warnings` says so: a shadowed built-in must never pass unnoticed.
Within one layer a repeated id or name is an error.

Every problem names the file, the line where it can be found, the field path
(``components[2].dose``; lists are counted from 1, as a reader counts the
``[[components]]`` blocks) and the reason (:func:`regimens._read.validation.describe_errors`).
"""

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from regimens._errors import LibraryError, UnknownNameError
from regimens._models.assessment import AssessmentSettings
from regimens._models.base import control_character
from regimens._models.library import Library, LibraryFile, LibraryLayer, normalize_name
from regimens._models.regimen import DrugFacts, Regimen
from regimens._read.parsed_toml import known_parse
from regimens._read.validated import Key, validated_results
from regimens._read.validation import KeyLines, describe_errors, key_lines, problem_at

__all__ = [
    "DRUGS_FILE",
    "ENV_VAR",
    "Library",
    "LibraryFile",
    "LibraryProblemsError",
    "builtin_library_dir",
    "load_drugs_file",
    "load_layers",
    "load_library",
    "load_regimen_file",
    "validate_builtin",
    "validate_paths",
]

#: Environment variable naming extra library directories, separated by os.pathsep.
ENV_VAR = "REGIMENS_LIBRARY"
#: The file of a library directory that holds drug facts (as does any *.toml made of
#: [[drug]] tables); every other *.toml is a regimen.
DRUGS_FILE = "drugs.toml"
#: The file of a library directory holding its assessment settings (docs/assessment.md).
ASSESSMENT_FILE = "assessment.toml"
#: The label of the directories given to :func:`load_library` (the CLI's ``--library``),
#: in messages and shadowing warnings.
EXTRA_DIRS = "extra_dirs"

_Model = TypeVar("_Model", bound=BaseModel)


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

    @cached_property
    def lines(self) -> KeyLines:
        """The line of each key, for a problem's ``file:line``: scanned only when a
        problem is found (a scan of the built-in library takes about 25 ms)."""
        return key_lines(self.text)


#: The largest library file read (1 MiB): the largest built-in one is about 60 kB, and a
#: 50 MB hostile file took 6 GB of memory to parse.
MAX_FILE_BYTES = 1 << 20


def _read_toml(path: Path, *, builtin: bool, checked: frozenset[Key] = frozenset()) -> _Read:
    """Read, parse and check one library file. ``checked``: the (name, SHA-256) of files
    already validated without a problem (:mod:`regimens._read.validated`), whose text
    has passed the check for control characters."""
    try:
        if not path.resolve().is_file():  # a link to /dev/zero would be read forever
            raise LibraryError(f"{path}: not a regular file", source=str(path))
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise LibraryError(
                f"{path}: larger than {MAX_FILE_BYTES // 1024} kB: a library file is a few "
                "dozen kB",
                source=str(path),
            )
    except OSError as exc:
        raise LibraryError(f"{path}: cannot be read: {exc.strerror}", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LibraryError(
            f"{path}: is not UTF-8 text (byte {exc.start}): save it as UTF-8", source=str(path)
        ) from None
    sha256 = hashlib.sha256(raw).hexdigest()
    data = known_parse(sha256)
    if data is None:
        data = _parse_toml(path, text)
    if (path.name, sha256) not in checked:
        _refuse_control_characters(data, path)
    file = LibraryFile(path=str(path), sha256=sha256, builtin=builtin)
    return _Read(path=path, text=text, data=data, file=file)


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    import tomllib  # only for a file whose parse is not shipped (parsed_toml)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        reason = message[: where.start()].strip() if where else message
        prefix = f"{path}:{where.group(1)}" if where else str(path)
        raise LibraryError(f"{prefix}: malformed TOML: {reason}", source=str(path)) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's own limit)
        raise LibraryError(
            f"{path}: a number has more than 4,300 digits: no dose or day is that long",
            source=str(path),
        ) from None
    except RecursionError:
        raise LibraryError(
            f"{path}: malformed TOML: arrays or tables nested too deeply", source=str(path)
        ) from None


#: Keys whose text is printed as one line (a line break would forge a row of a table).
_ONE_LINE_KEYS = frozenset({"id", "name", "aliases", "inn", "local_names", "drug", "code"})


def _refuse_control_characters(data: object, path: Path, where: str = "") -> None:
    """Refuse a string of a library file holding a character that must not reach a
    terminal or a printed sheet (an ESC or OSC 52 sequence in a regimen's name wrote to
    the clipboard of whoever ran ``regimens list``; a bidirectional override reorders
    what is read), naming the key. Line breaks and tabs stay allowed in notes and
    sources, not in names and ids."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_control_characters(value, path, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_control_characters(value, path, f"{where}[{index}]")
    elif isinstance(data, str):
        last = where.rsplit(".", 1)[-1].split("[", 1)[0]
        text = data
        if last not in _ONE_LINE_KEYS:
            text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
        found = control_character(text)
        if found is not None:
            raise LibraryError(
                f"{path}: {where}: contains a control character ({found}): library text is "
                "printed on sheets and terminals"
                + ("" if last not in _ONE_LINE_KEYS else " and must be one line"),
                source=str(path),
            )


class LibraryProblemsError(LibraryError):
    """A :class:`LibraryError` that also carries every problem found, one line each.

    Its message is the first problem and how many more there are; ``problems`` holds
    them all (the CLI says that ``regimens validate DIR`` lists them).
    """

    def __init__(self, problems: Sequence[str], *, source: str) -> None:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, source=source)
        self.problems = tuple(problems)


def _validate(model: type[_Model], read: _Read) -> _Model:
    try:
        return model.model_validate(read.data)
    except ValidationError as exc:
        problems = describe_errors(exc, model, source=read.path, text=read.text)
        raise LibraryProblemsError(problems, source=str(read.path)) from None


# The file formats are imported when a file is validated: with the shipped validation
# of the built-in library (regimens._read.validated), a command reading only that
# library never imports them.


def _regimen(read: _Read) -> Regimen:
    from regimens._read.regimen_file import RegimenFile

    return _validate(RegimenFile, read).to_model()


def _drugs(read: _Read) -> tuple[DrugFacts, ...]:
    from regimens._read.regimen_file import DrugsFile

    return _validate(DrugsFile, read).to_models()


def _assessment(read: _Read) -> AssessmentSettings:
    from regimens._read.regimen_file import AssessmentFile

    return _validate(AssessmentFile, read).to_model()


def load_regimen_file(path: str | os.PathLike[str]) -> Regimen:
    """Read and validate one regimen file (no cross-file checks)."""
    return _regimen(_read_toml(Path(path), builtin=False))


def load_drugs_file(path: str | os.PathLike[str]) -> tuple[DrugFacts, ...]:
    """Read and validate one drug-facts file."""
    return _drugs(_read_toml(Path(path), builtin=False))


# --- layers ----------------------------------------------------------------------------


@dataclass
class _Layer:
    """One layer as read: each regimen and drug with the file it came from."""

    label: str  # "built-in", "REGIMENS_LIBRARY", "extra_dirs", "validate"
    regimens: dict[str, tuple[Regimen, _Read]] = field(default_factory=dict)
    drugs: dict[str, tuple[DrugFacts, _Read]] = field(default_factory=dict)
    assessment: AssessmentSettings | None = None
    assessment_read: _Read | None = None
    directory: Path | None = None  # a user layer's

    def model(self) -> LibraryLayer:
        """The layer as the library holds it (each model with its file's provenance)."""
        return LibraryLayer(
            label=self.label,
            regimens={key: (regimen, read.file) for key, (regimen, read) in self.regimens.items()},
            drugs={key: (facts, read.file) for key, (facts, read) in self.drugs.items()},
            assessment=self.assessment,
            assessment_file=self.assessment_read.file if self.assessment_read else None,
            directory=str(self.directory) if self.directory is not None else None,
        )


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


def _validated(
    read: _Read, known: Mapping[Key, object]
) -> AssessmentSettings | tuple[DrugFacts, ...] | Regimen:
    """What validating ``read`` gives: from ``known`` when it holds the same name and
    bytes (:mod:`regimens._read.validated`), else by validating the file now."""
    result = known.get((read.path.name, read.file.sha256))
    if read.path.name == ASSESSMENT_FILE:
        return result if isinstance(result, AssessmentSettings) else _assessment(read)
    if _is_drugs_file(read):
        return result if isinstance(result, tuple) else _drugs(read)
    return result if isinstance(result, Regimen) else _regimen(read)


def _scan(
    paths: Sequence[Path],
    *,
    label: str,
    builtin: bool,
    known: Mapping[Key, object] | None = None,
    record: dict[Key, object] | None = None,
) -> tuple[_Layer, list[str]]:
    """Read and validate files into one layer; return it with every problem found.

    ``known``: what validating a file's bytes gave, by (name, SHA-256), used instead of
    validating them again (:mod:`regimens._read.validated`); ``record``: filled with
    what each file gave.
    """
    layer = _Layer(label=label)
    problems: list[str] = []
    names: dict[str, tuple[str, _Read]] = {}
    drug_names: dict[str, tuple[str, _Read]] = {}
    known = known or {}
    checked = frozenset(known)
    for path in paths:
        try:
            read = _read_toml(path, builtin=builtin, checked=checked)
            result = _validated(read, known)
            if record is not None:
                record[(read.path.name, read.file.sha256)] = result
            if isinstance(result, AssessmentSettings):
                layer.assessment = result
                layer.assessment_read = read
                continue
        except LibraryProblemsError as exc:
            problems.extend(exc.problems)
            continue
        except LibraryError as exc:
            problems.append(str(exc))
            continue
        if isinstance(result, tuple):
            for index, facts in enumerate(result):
                layer.drugs[facts.inn] = (facts, read)
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
        regimen = result
        if regimen.id in layer.regimens:
            other = layer.regimens[regimen.id][1].path
            problems.append(
                problem_at(
                    path, read.lines, ("id",), f"duplicate id {regimen.id!r}: also in {other}"
                )
            )
            continue
        for position, name in enumerate(regimen.names()):
            key = normalize_name(name)
            owner = names.get(key)
            if owner and owner[0] != regimen.id:
                loc: tuple[str | int, ...] = ("aliases", position - 1) if position else ("id",)
                what = "id" if position == 0 else "alias"
                problems.append(
                    problem_at(
                        path,
                        read.lines,
                        loc,
                        f"duplicate {what} {name!r}: already a name of {owner[0]} "
                        f"in {owner[1].path}",
                    )
                )
            names[key] = (regimen.id, read)
        layer.regimens[regimen.id] = (regimen, read)
    return layer, problems


@lru_cache(maxsize=4)
def _builtin_layer(directory: Path, *, shipped: bool = True) -> tuple[_Layer, tuple[str, ...]]:
    """The built-in layer; ``shipped``: take the shipped validation of files it covers
    (:mod:`regimens._read.validated`), rather than validating them again."""
    known = validated_results() if shipped else None
    layer, problems = _scan(_library_files(directory), label="built-in", builtin=True, known=known)
    return layer, tuple(problems)


def validate_builtin(record: dict[Key, object]) -> list[str]:
    """Validate every built-in file, not taking the shipped validation; fill ``record``
    with what each gave (:data:`regimens._read.validated.FRESH_PROGRAM` runs it)."""
    paths = _library_files(builtin_library_dir())
    return _scan(paths, label="built-in", builtin=True, record=record)[1]


def _directory_layer(directory: Path, label: str) -> tuple[_Layer, list[str]]:
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a directory"
        problem = f"{directory}: library directory (from {label}) {what}"
        return _Layer(label=label), [problem]
    layer, problems = _scan(_library_files(directory), label=label, builtin=False)
    layer.directory = directory
    return layer, problems


def _cross_check(library: Library, reads: dict[str, _Read]) -> list[str]:
    """Checks across files: drugs described, supportive hosts present and sound.

    ``reads`` gives the text of each file by path, for the lines of the problems.
    """
    problems: list[str] = _assessment_names(library)
    for regimen in library:
        read = reads[library.file_of(regimen.id).path]
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
            problems.append(problem_at(read.path, read.lines, loc, reason))
        for index, schedule in enumerate(regimen.given_with):
            loc = ("given_with", index, "regimen")
            host = library.regimens.get(schedule.regimen)
            if host is None:
                problems.append(
                    problem_at(
                        read.path, read.lines, loc, f"no regimen has the id {schedule.regimen!r}"
                    )
                )
            elif host.kind != "chemotherapy":
                problems.append(
                    problem_at(
                        read.path, read.lines, loc, f"{host.id} is not a chemotherapy regimen"
                    )
                )
            elif schedule.day > host.cycle_length_days:
                problems.append(
                    problem_at(
                        read.path,
                        read.lines,
                        ("given_with", index, "day"),
                        f"day {schedule.day} is outside the {host.cycle_length_days}-day "
                        f"cycle of {host.id}",
                    )
                )
    return problems


def _assessment_names(library: Library) -> list[str]:
    """The toxicity and condition names of every rule are ones ``assessment.toml`` lists
    (a rule on an unknown name could never match: it would look checked and not be)."""
    settings = library.assessment_settings
    toxicities = {state.name for state in settings.toxicities} | {"*"}
    conditions = {state.name for state in settings.conditions}
    problems: list[str] = []
    owners: list[tuple[str, Any]] = [
        (f"drug {facts.inn}", facts) for facts in library.drugs.values()
    ] + [(f"regimen {regimen.id}", regimen) for regimen in library]
    for owner, item in owners:
        for ladder in item.toxicity_ladders:
            names = {*ladder.toxicities, *(t for step in ladder.steps for t in step.toxicities)}
            for name in sorted(names - toxicities):
                problems.append(
                    f"{owner}: toxicity ladder {ladder.id}: unknown toxicity {name!r} "
                    f"(assessment.toml lists: {', '.join(sorted(toxicities - {'*'}))})"
                )
        for rule in item.assessment:
            for step in rule.steps:
                for group in step.when.any_of:
                    for comparison in group:
                        if comparison.subject == "condition" and not (
                            set(comparison.values) <= conditions
                        ):
                            problems.append(
                                f"{owner}: rule {rule.id}: unknown condition "
                                f"{comparison.values[0]!r} (assessment.toml lists: "
                                f"{', '.join(sorted(conditions)) or 'none'})"
                            )
    return problems


def _build(layers: Sequence[_Layer]) -> tuple[Library, list[str]]:
    library = Library([layer.model() for layer in layers])
    reads = {
        read.file.path: read
        for layer in layers
        for _, read in (*layer.regimens.values(), *layer.drugs.values())
    }
    return library, _cross_check(library, reads)


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
    directories.extend((Path(directory).expanduser(), EXTRA_DIRS) for directory in extra_dirs)
    return directories


def load_library(
    extra_dirs: Sequence[str | os.PathLike[str]] = (), *, use_env: bool = True
) -> Library:
    """Load the built-in library and the user libraries layered over it.

    ``extra_dirs`` are the user's directories (the CLI's ``--library``); with
    ``use_env`` the directories of the ``REGIMENS_LIBRARY`` environment variable
    (separated by ``os.pathsep``) come between the built-in library and them. The
    problems found raise :class:`LibraryProblemsError` (a :class:`LibraryError`): its
    message is the first, naming the file, line, field and reason, and how many more
    there are; its ``problems`` lists them all.
    """
    return load_layers(_extra_directories(extra_dirs, use_env))


def load_layers(directories: Sequence[tuple[Path, str]]) -> Library:
    """The built-in library with these user directories layered over it, in order,
    each with its label (``REGIMENS_LIBRARY``, ``extra_dirs``): the library a sheet's
    ``provenance.library_dirs`` names, as ``regimens verify`` loads it again."""
    builtin, builtin_problems = _builtin_layer(builtin_library_dir())
    layers = [builtin]
    problems = list(builtin_problems)
    for directory, label in directories:
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
    return LibraryProblemsError(problems, source=problems[0].split(":", 1)[0])


def validate_paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Validate library files and directories; return every problem, one line each.

    A directory is checked as a library layered over the built-in one; a file is
    checked together with the built-in library and, for a regimen, with the
    ``drugs.toml`` beside it if there is one. An empty list means all is valid.
    """
    problems: list[str] = []
    builtin_dir = builtin_library_dir().resolve()
    # validate checks the built-in files too, rather than trusting their shipped validation.
    builtin, builtin_problems = _builtin_layer(builtin_library_dir(), shipped=False)
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
            layer, found = _scan(files, label="validate", builtin=False)
            layers = [builtin, layer]
        else:
            problems.append(f"{path}: no such file or directory")
            continue
        problems.extend(found)
        if not found:
            problems.extend(_build(layers)[1])
    return list(dict.fromkeys(problems))

"""The library: regimens and drug facts merged from their layers, looked up by name.

A :class:`Library` is what the calculators are given: every regimen and drug of the
layers it was built from (built-in, then user directories), later layers shadowing
earlier ones, with the file each came from. Reading and checking the files is the
reader's part (:func:`regimens._read.library.load_library` builds it).
"""

import os
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, TypeVar

from pydantic import Field

from regimens._errors import UnknownNameError, UnknownRegimenError
from regimens._models.assessment import AssessmentSettings
from regimens._models.base import Frozen, FrozenDict, FrozenMap
from regimens._models.provenance import (
    BUILTIN_LAYER,
    FileRole,
    LibraryDirectory,
    LibrarySources,
    Shadowing,
    SourceFile,
)
from regimens._models.regimen import DrugFacts, Regimen, SupportiveSchedule

__all__ = ["Library", "LibraryFile", "LibraryLayer", "LibraryNotice", "normalize_name"]

_Model = TypeVar("_Model", Regimen, DrugFacts)
_What = Literal["regimen", "drug", "assessment"]


@dataclass(frozen=True)
class LibraryFile:
    """Where a regimen or drug came from: for the provenance of a dose sheet."""

    path: str
    sha256: str  # of the file's bytes, as read
    builtin: bool


@dataclass(frozen=True)
class LibraryLayer:
    """The regimens and drugs of one layer (one directory), each with its file.

    ``label`` says where the layer comes from: ``built-in``, ``REGIMENS_LIBRARY``,
    ``extra_dirs`` (the directories given to :func:`~regimens.load_library`).
    """

    label: str
    regimens: Mapping[str, tuple[Regimen, LibraryFile]] = field(default_factory=dict)
    drugs: Mapping[str, tuple[DrugFacts, LibraryFile]] = field(default_factory=dict)
    #: The layer's ``assessment.toml`` (ULNs, lab age, toxicity and condition names).
    assessment: AssessmentSettings | None = None
    #: The file ``assessment`` was read from.
    assessment_file: LibraryFile | None = None
    #: The directory of a user layer (None: the built-in one).
    directory: str | None = None


class LibraryNotice(Frozen):
    """Something a later layer changed in the library, which must not pass unnoticed.

    ``shadowed``: the regimen or drug ``name`` of ``path`` (layer ``layer``) replaces the
    one of ``shadowed_path``. ``name_moved``: the name ``name`` now means ``target`` of
    ``path``, no longer ``previous`` of ``previous_path``. ``what`` is ``regimen`` or
    ``drug``. Renderers word it; :attr:`Library.warnings` holds the English of today.
    """

    code: Literal["shadowed", "name_moved"]
    params: FrozenMap[str, str] = Field(default_factory=FrozenDict)


# Cached: every drug and regimen look-up normalises its name (about a fifth of a
# sheet's computation before the cache); bounded, so a batch of distinct names
# keeps memory flat.
@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """The look-up key of a name: case-, accent- and spacing-insensitive.

    ``"Capécitabine"`` and ``"capecitabine"`` give the same key, so the French names
    of the case report find their drug; hyphens and digits are kept (``5-FU``).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


class Library:
    """The regimens and drug facts of every layer, later layers shadowing earlier ones.

    Build it with :func:`~regimens.load_library`. Look-ups are case-insensitive; drug
    names are also accent-insensitive (``capécitabine``).
    """

    def __init__(self, layers: Sequence[LibraryLayer]) -> None:
        notices: list[LibraryNotice] = []
        regimens: dict[str, tuple[Regimen, LibraryFile]] = {}
        drugs: dict[str, tuple[DrugFacts, LibraryFile]] = {}
        for layer in layers:
            _shadow(regimens, layer.regimens, layer.label, notices, what="regimen")
            _shadow(drugs, layer.drugs, layer.label, notices, what="drug")
        # Names are claimed layer by layer, so that a later layer's claim wins.
        winners = [
            (entry[0].names(), regimen_id, entry[1])
            for layer in layers
            for regimen_id, entry in layer.regimens.items()
            if regimens[regimen_id] is entry
        ]
        drug_winners = [
            (entry[0].names(), inn, entry[1])
            for layer in layers
            for inn, entry in layer.drugs.items()
            if drugs[inn] is entry
        ]
        self._entries = dict(sorted(regimens.items()))
        self._drug_entries = dict(sorted(drugs.items()))
        self._names = _name_index(winners, notices, what="regimen")
        self._drug_names = _name_index(drug_winners, notices, what="drug")
        self.regimens: Mapping[str, Regimen] = MappingProxyType(
            {regimen_id: entry[0] for regimen_id, entry in self._entries.items()}
        )
        self.drugs: Mapping[str, DrugFacts] = MappingProxyType(
            {inn: entry[0] for inn, entry in self._drug_entries.items()}
        )
        #: The assessment settings of the last layer that has an ``assessment.toml``.
        self.assessment_settings: AssessmentSettings = next(
            (layer.assessment for layer in reversed(layers) if layer.assessment is not None),
            AssessmentSettings(),
        )
        self._layers = tuple(layers)
        # For the provenance of results (:meth:`sources`): each file's layer (position,
        # label), and the file each regimen, drug or assessment file replaced.
        self._file_layers: dict[str, tuple[int, str]] = {}
        self._replaced: dict[str, LibraryFile] = {}
        latest: dict[tuple[str, str], LibraryFile] = {}
        for position, layer in enumerate(layers):
            keyed = [(("regimen", key), entry[1]) for key, entry in layer.regimens.items()]
            keyed += [(("drug", key), entry[1]) for key, entry in layer.drugs.items()]
            if layer.assessment_file is not None:
                keyed.append((("assessment", ""), layer.assessment_file))
            for key, file in keyed:
                self._file_layers[file.path] = (position, layer.label)
                if key in latest:
                    self._replaced[f"{key[0]}:{key[1]}:{file.path}"] = latest[key]
                latest[key] = file
        self._assessment_file = latest.get(("assessment", ""))
        # The library never changes: a batch of one regimen asks the same question per row.
        self._sources: dict[tuple[tuple[str, ...], tuple[str, ...], bool], LibrarySources] = {}
        self.notices: tuple[LibraryNotice, ...] = tuple(notices)
        # English, as printed today; a renderer of the notices replaces it (issue 16).
        self.warnings: tuple[str, ...] = tuple(_english(notice) for notice in notices)

    def __repr__(self) -> str:
        return f"<Library {len(self.regimens)} regimens, {len(self.drugs)} drugs>"

    def __getstate__(self) -> dict[str, object]:
        """Picklable (multiprocessing, Dask): the read-only views are rebuilt on load."""
        state = dict(self.__dict__)
        state["regimens"] = dict(self.regimens)
        state["drugs"] = dict(self.drugs)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.regimens = MappingProxyType(dict(self.regimens))
        self.drugs = MappingProxyType(dict(self.drugs))

    def get(self, name: str) -> Regimen:
        """The regimen with this id or alias (case-insensitive)."""
        regimen_id = self._names.get(normalize_name(name))
        if regimen_id is None:
            raise UnknownRegimenError(_unknown(name, self._names, "regimen", self.regimens))
        return self._entries[regimen_id][0]

    def drug(self, name: str) -> DrugFacts:
        """The facts of the drug with this INN or alias (case- and accent-insensitive)."""
        inn = self._drug_names.get(normalize_name(name))
        if inn is None:
            raise UnknownNameError(_unknown(name, self._drug_names, "drug"), field="drug")
        return self._drug_entries[inn][0]

    def file_of(self, regimen_id: str) -> LibraryFile:
        """The file a regimen was read from (path, SHA-256 of its bytes, built-in or not)."""
        return self._entries[self.get(regimen_id).id][1]

    def file_of_drug(self, name: str) -> LibraryFile:
        """The drug-facts file a drug was read from."""
        return self._drug_entries[self.drug(name).inn][1]

    def sources(
        self, regimen_ids: Sequence[str], drugs: Sequence[str], *, assessment: bool
    ) -> LibrarySources:
        """The files a result read: these regimens' and drugs' files (and the assessment
        settings' file when ``assessment``), which of them shadow an earlier layer's, and
        the user directories of the library. Files are listed once, in layer order."""
        key = (tuple(regimen_ids), tuple(drugs), assessment)
        found = self._sources.get(key)
        if found is None:
            found = self._find_sources(regimen_ids, drugs, assessment=assessment)
            if len(self._sources) < 256:  # bounded: a batch of many regimens stays small
                self._sources[key] = found
        return found

    def _find_sources(
        self, regimen_ids: Sequence[str], drugs: Sequence[str], *, assessment: bool
    ) -> LibrarySources:
        used: dict[str, tuple[LibraryFile, FileRole, list[str]]] = {}
        shadowed: list[Shadowing] = []
        wanted: list[tuple[_What, str, LibraryFile]] = [
            ("regimen", self.get(name).id, self.file_of(name)) for name in regimen_ids
        ]
        wanted += [("drug", self.drug(name).inn, self.file_of_drug(name)) for name in drugs]
        if assessment and self._assessment_file is not None:
            wanted.append(("assessment", "", self._assessment_file))
        for what, name, file in wanted:
            used.setdefault(file.path, (file, _role(what), []))[2].append(name)
            replaced = self._replaced.get(f"{what}:{name}:{file.path}")
            if replaced is not None:
                shadowed.append(
                    Shadowing(
                        what=what,
                        name=name or "assessment",
                        path=_shown_path(file),
                        layer=self._layer_of(file)[1],
                        shadowed_path=_shown_path(replaced),
                    )
                )
        files = sorted(used.values(), key=lambda entry: (self._layer_of(entry[0]), entry[0].path))
        return LibrarySources(
            files=tuple(
                SourceFile(
                    path=_shown_path(file),
                    sha256=file.sha256,
                    layer=self._layer_of(file)[1],
                    role=role,
                    names=tuple(dict.fromkeys(name for name in names if name)),
                )
                for file, role, names in files
            ),
            shadowed=tuple(shadowed),
            library_dirs=tuple(
                LibraryDirectory(label=layer.label, path=os.path.abspath(layer.directory))
                for layer in self._layers
                if layer.directory is not None
            ),
        )

    def _layer_of(self, file: LibraryFile) -> tuple[int, str]:
        """The position and label of the layer a file belongs to."""
        return self._file_layers.get(file.path, (0, BUILTIN_LAYER))

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


def _unknown(
    name: str,
    index: Mapping[str, str],
    what: str,
    regimens: Mapping[str, Regimen] | None = None,
) -> str:
    """``unknown regimen 'X'`` with the close matches, or every name of a short list.

    The message names what is unknown and what is close; how to list every name is
    the caller's to add (the CLI adds ``'regimens list' shows them all``).

    A close regimen is never offered as what was meant (issue 22): 'XELOXX' is one
    letter from XELOX (CAPOX's alias) and two from XELIRI, a different regimen of
    different drugs. The message says the matches are *not the same regimen* and names
    the alias that matched (``CAPOX (alias XELOX)``), so the user chooses knowingly.
    """
    import difflib  # only on this error path: its import compiles regexes

    close = difflib.get_close_matches(normalize_name(name), list(index), n=3, cutoff=0.5)
    targets = list(dict.fromkeys(index[key] for key in close))
    hint = f"; did you mean {', '.join(targets)}?" if targets else ""
    if regimens is not None and targets:
        # The best-matching name of each of the three closest regimens.
        wider = difflib.get_close_matches(normalize_name(name), list(index), n=12, cutoff=0.5)
        best: dict[str, str] = {}
        for key in wider:
            best.setdefault(index[key], key)
        shown_matches = [_matched_as(key, rid, regimens) for rid, key in best.items()]
        hint = (
            f"; close matches (each not the same regimen as {_shown(name)!r}: check "
            f"which is meant): {', '.join(shown_matches[:3])}"
        )
    known = sorted(set(index.values()))
    if not targets and len(known) <= 12:
        hint = f"; known {what}s: {', '.join(known)}"
    return f"unknown {what} {_shown(name)!r}{hint}"


def _shown(name: str) -> str:
    """A name echoed back, cut at 80 characters."""
    return name if len(name) <= 80 else name[:77] + "..."


def _matched_as(key: str, regimen_id: str, regimens: Mapping[str, Regimen]) -> str:
    """``CAPOX (alias XELOX)`` when the close name is an alias, else the id."""
    if key == normalize_name(regimen_id):
        return regimen_id
    regimen = regimens.get(regimen_id)
    aliases = regimen.aliases if regimen is not None else ()
    alias = next((a for a in aliases if normalize_name(a) == key), None)
    return f"{regimen_id} (alias {alias})" if alias else regimen_id


def _shadow(
    merged: dict[str, tuple[_Model, LibraryFile]],
    layer: Mapping[str, tuple[_Model, LibraryFile]],
    label: str,
    notices: list[LibraryNotice],
    *,
    what: str,
) -> None:
    """Add a layer's entries to ``merged``; an entry it replaces gets a notice."""
    for key, entry in layer.items():
        if key in merged:
            params = {"what": what, "name": key, "path": entry[1].path, "layer": label}
            params["shadowed_path"] = merged[key][1].path
            notices.append(LibraryNotice(code="shadowed", params=params))
        merged[key] = entry


def _name_index(
    items: Sequence[tuple[tuple[str, ...], str, LibraryFile]],
    notices: list[LibraryNotice],
    *,
    what: str,
) -> dict[str, str]:
    """Names → ids, in layer order; a later layer's claim on a name wins, with a notice."""
    index: dict[str, str] = {}
    claimed_by: dict[str, LibraryFile] = {}
    for names, target, file in items:
        for name in names:
            key = normalize_name(name)
            if key in index and index[key] != target:
                params = {"what": what, "name": name, "target": target, "path": file.path}
                params |= {"previous": index[key], "previous_path": claimed_by[key].path}
                notices.append(LibraryNotice(code="name_moved", params=params))
            index[key] = target
            claimed_by[key] = file
    return index


def _role(what: _What) -> FileRole:
    return "regimen" if what == "regimen" else "drugs" if what == "drug" else "assessment"


def _shown_path(file: LibraryFile) -> str:
    """A file as a provenance names it: a built-in one by its name in the built-in
    library, a user one by its absolute path."""
    return os.path.basename(file.path) if file.builtin else os.path.abspath(file.path)


def _english(notice: LibraryNotice) -> str:
    """The notice as :attr:`Library.warnings` has always said it."""
    p = notice.params
    if notice.code == "shadowed":
        name = p["name"] if p["what"] == "regimen" else repr(p["name"])
        return (
            f"{p['what']} {name} from {p['path']} ({p['layer']}) shadows "
            f"{name} from {p['shadowed_path']}"
        )
    return (
        f"{p['what']} name {p['name']!r} now means {p['target']} from {p['path']}, "
        f"not {p['previous']} from {p['previous_path']}"
    )

"""What every step of one sheet's calculation shares: the inputs and the warnings so far;
and what a sheet reads of the library."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from regimens._models.base import FrozenDict
from regimens._models.measures import BsaResult
from regimens._models.options import SheetOptions
from regimens._models.patient import Patient
from regimens._models.sheet import WARNING_CODES, RenalFunction, Severity, SheetWarning

if TYPE_CHECKING:
    from collections.abc import Sequence

    from regimens._calc.assessment import Outcome
    from regimens._models.assessment import AssessmentSettings
    from regimens._models.provenance import LibrarySources
    from regimens._models.regimen import DrugFacts, Regimen

__all__ = ["RegimenLibrary", "SheetContext"]


class _File(Protocol):
    @property
    def sha256(self) -> str: ...


class RegimenLibrary(Protocol):
    """What a sheet reads of a library: regimens, drug facts, the files' hashes.

    :class:`regimens._read.library.Library` is one; calculators know no reader.
    """

    def get(self, name: str) -> Regimen: ...

    def drug(self, name: str) -> DrugFacts: ...

    def file_of(self, regimen_id: str) -> _File: ...

    @property
    def assessment_settings(self) -> AssessmentSettings: ...

    def sources(
        self, regimen_ids: Sequence[str], drugs: Sequence[str], *, assessment: bool
    ) -> LibrarySources: ...


class SheetContext:
    """The patient, the options, the BSA and renal function used, and the warnings.

    Built once per sheet; each step reads it and records its warnings with :meth:`warn`.
    """

    __slots__ = ("bsa", "main_id", "options", "outcomes", "patient", "renal", "warnings")

    def __init__(
        self,
        patient: Patient,
        options: SheetOptions,
        bsa: BsaResult | None,
        renal_function: RenalFunction | None,
        main_id: str,
    ) -> None:
        self.main_id = main_id
        self.patient = patient
        self.options = options
        self.bsa = bsa
        self.renal = renal_function
        self.warnings: list[SheetWarning] = []
        #: The treatment-day assessment's outcome per (drug, method); empty without one.
        self.outcomes: dict[tuple[str, str | None], Outcome] = {}

    def outcome(self, drug: str, method: str) -> Outcome | None:
        """The assessment's (action, level %) for this drug given by ``method``."""
        return self.outcomes.get((drug, method)) or self.outcomes.get((drug, None))

    def warn(
        self, code: str, drug: str | None = None, *, severity: Severity | None = None, **params: str
    ) -> None:
        """Record a warning (once: the same warning twice is kept once).

        ``params`` are the values its message shows, formatted as displayed; the
        drug, when there is one, is among them as ``drug``. ``severity`` replaces the
        code's own only where WARNING_CODES documents a second one (a confirmed
        escalation is a caution).
        """
        if drug is not None:
            params["drug"] = drug
        warning = SheetWarning(
            severity=severity or WARNING_CODES[code],
            code=code,
            drug=drug,
            params=FrozenDict(params),
        )
        if warning not in self.warnings:
            self.warnings.append(warning)

    def sorted_warnings(self) -> tuple[SheetWarning, ...]:
        """The warnings, blocking first, then cautions, then information (stable)."""
        return tuple(sorted(self.warnings, key=lambda w: _RANK[w.severity]))


_RANK = {"blocking": 0, "caution": 1, "info": 2}

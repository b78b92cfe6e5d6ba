"""The next cycle of a course (``regimens next``, issue 20): its sheet, its date, the dose
levels carried forward and the calendar of the cycles still planned.

Numbers and codes only; the renderers word them (``docs/course.md``, "The next cycle").
"""

import datetime as dt
from typing import Literal

from regimens._models.base import Frozen
from regimens._models.provenance import LibraryDirectory, Shadowing, SourceFile
from regimens._models.sheet import DoseSheet
from regimens._version import __version__

__all__ = [
    "LABS_BEFORE_DAYS",
    "NEXT_SCHEMA_VERSION",
    "CarriedLevel",
    "NextCycle",
    "NextProvenance",
    "NextVisit",
]

#: Version of ``regimens next --format json`` (1.1: ``provenance``, issue 22).
NEXT_SCHEMA_VERSION = "1.1"

#: The library's default for the blood test before a cycle: the day before day 1. Not
#: from a source: a documented default (a regimen file has no ``labs_before_days`` yet);
#: ``--labs-before-days`` sets another. Labs older than the library's ``lab_max_age``
#: on the treatment day are LAB_STALE on the sheet whatever this says.
LABS_BEFORE_DAYS = 1

#: ``label``: the drug's label forbids re-escalation (capecitabine: "once the dose has
#: been reduced, it should not be increased at a later time"); ``library``: no label
#: rule is encoded, and the library does not re-escalate on its own either: raising a
#: dose back is the prescriber's decision, written with ``--drug-dose-level``.
CarriedRule = Literal["label", "library"]


class CarriedLevel(Frozen):
    """A drug's dose level carried forward from a reduction in an earlier cycle."""

    drug: str
    percent: float  # the lowest level of the line
    cycle: int  # the first cycle at that level
    reason: str  # that cycle's notes, else its toxicity, else ""
    rule: CarriedRule
    #: The level ``--drug-dose-level`` gave instead (never above a ``label`` rule's).
    replaced_by: float | None = None


class NextVisit(Frozen):
    """A cycle still planned: the blood test, then day 1."""

    cycle: int
    labs_date: dt.date  # day 1 − labs_before_days
    planned_date: dt.date  # before any move
    date: dt.date  # day 1, moved off weekends or holidays with --avoid
    moved_from: dt.date | None = None
    #: The next cycle only, when today's assessment delays it: the day to check again.
    recheck_date: dt.date | None = None


class NextProvenance(Frozen):
    """What ``regimens next`` read: the course file and every library file, as a sheet's
    provenance names them (the last line's cycles and the next one's)."""

    tool: str = "regimens"
    tool_version: str = __version__
    calculated_at: str  # ISO 8601, UTC
    #: SHA-256 of the course file's bytes, when the course was read from a file.
    course_sha256: str | None
    files: tuple[SourceFile, ...] = ()
    shadowed: tuple[Shadowing, ...] = ()
    library_dirs: tuple[LibraryDirectory, ...] = ()


class NextCycle(Frozen):
    """The result of ``regimens next``."""

    schema_version: str = NEXT_SCHEMA_VERSION
    source: str | None
    patient_id: str | None
    line: int  # from 1: the last line of the course
    regimen: str
    cycle: int  # the next cycle's number in the line
    cycles_given: int
    planned_cycles: int | None  # the line's, else the regimen's usual number
    beyond_plan: bool  # the planned cycles have all been given
    last_date: dt.date | None  # the last cycle's day 1
    planned_date: dt.date | None  # last_date + cycle length
    date: dt.date | None  # planned_date moved by --avoid
    #: When today's assessment delays the cycle: the day to check again.
    recheck_date: dt.date | None
    labs_before_days: int
    carried: tuple[CarriedLevel, ...]
    #: The measurements given on the command line (the others are the last cycle's).
    measured_now: tuple[str, ...]
    calendar: tuple[NextVisit, ...]  # this cycle and those still planned after it
    provenance: NextProvenance
    sheet: DoseSheet

    @property
    def blocking(self) -> bool:
        """The sheet's: exit status 3."""
        return self.sheet.blocking

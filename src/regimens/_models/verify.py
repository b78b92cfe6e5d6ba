"""The result of ``regimens verify``: a saved sheet computed again, and what differs.

:func:`regimens.verify_sheet` reads a saved sheet's inputs from its own JSON (the
patient, the options, the regimens, the library directories its provenance names),
computes the sheet again and compares the two documents field by field; it also checks
that ``provenance.sheet_sha256`` is the hash of the saved document's content. Every
difference is a :class:`Difference`; none makes the verification ``identical``.
"""

from typing import Any, Literal

from regimens._models.base import Frozen

__all__ = ["Difference", "SheetVerification"]

#: The keys compared by no verification: when the sheet was computed, and its own hash
#: (checked against the saved content instead).
NOT_COMPARED = ("provenance.calculated_at", "provenance.sheet_sha256")


class Difference(Frozen):
    """One field of the saved sheet that is not what computing it again gives.

    ``field`` is its path in the document, list items named by what they are
    (``days[day 1].administrations[fluorouracil bolus].dose_mg``). ``change``:
    ``changed`` (``saved`` and ``now`` are the two values), ``removed`` (in the saved
    sheet only: ``now`` is None) or ``added`` (in the new one only: ``saved`` is None).
    ``sheet_sha256`` names a saved document whose content is not the one its hash was
    made of: the sheet was edited after it was written.
    """

    field: str
    saved: Any = None
    now: Any = None
    change: Literal["changed", "removed", "added", "edited"] = "changed"


class SheetVerification(Frozen):
    """A saved sheet computed again from its provenance.

    ``identical``: no difference, and the saved hash matches the saved content.
    ``files``: the library files the sheet named (each checked to be there before it
    was computed again).
    """

    regimen_id: str
    cycle: int
    tool_version: str  # the version that computed it again
    files: tuple[str, ...]
    differences: tuple[Difference, ...]

    @property
    def identical(self) -> bool:
        """True when computing the sheet again gives the saved one, unedited."""
        return not self.differences

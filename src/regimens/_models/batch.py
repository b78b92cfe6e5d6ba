"""A batch of patients: the columns a row may have, a row once read, the outcome of each row.

The rows are read by :mod:`regimens._read.rows` into :class:`BatchRow` (or a
:class:`RowFailure` naming the field and the reason) and computed by
:func:`regimens._calc.batch.batch_sheets`, which yields one :class:`BatchResult` per row.
"""

import datetime as dt
from typing import Self

from pydantic import InstanceOf, model_validator

from regimens._errors import RegimensError, UnknownRegimenError
from regimens._models.assessment import AssessmentInputs
from regimens._models.base import Frozen
from regimens._models.patient import Patient
from regimens._models.regimen import Regimen
from regimens._models.sheet import DoseSheet

__all__ = [
    "ASSESSMENT_COLUMNS",
    "BATCH_COLUMNS",
    "LIST_COLUMNS",
    "REQUIRED_COLUMNS",
    "ROW_OPTIONS",
    "BatchError",
    "BatchResult",
    "BatchRow",
    "RowFailure",
    "batch_error",
]

#: The treatment day's columns → the keyword of
#: :func:`regimens._read.assessment.make_assessment_inputs` each one sets (the same as
#: the command line's ``--lab``, ``--toxicity``...). A row with any of them is assessed.
ASSESSMENT_COLUMNS: dict[str, str] = {
    "labs": "labs",
    "uln": "uln",
    "lab_date": "lab_date",
    "date": "date",
    "toxicity": "toxicities",
    "dpyd_activity_score": "dpyd_activity_score",
    "uracil": "uracil",
    "ugt1a1": "ugt1a1",
    "reference_weight": "reference_weight",
    "conditions": "conditions",
    "country": "country",
    "overrides": "overrides",
}

#: Every column a batch row may have. ``regimen`` may be left out when the regimen
#: is given once for all rows (``regimen=`` of :func:`~regimens._calc.batch.batch_sheets`).
BATCH_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "regimen",
    "height",
    "weight",
    "sex",
    "age",
    "creatinine",
    "crcl",
    "cycle",
    "dose_level",
    "bsa_formula",
    "concentration",
    "patient_name",
    "patient_dob",
    *ASSESSMENT_COLUMNS,
)

#: Columns holding several items: ``;``-separated in a cell (``anc=1.2; platelets=90``),
#: or a list of texts in a JSON Lines row.
LIST_COLUMNS: tuple[str, ...] = (
    "labs",
    "uln",
    "toxicity",
    "conditions",
    "overrides",
    "concentration",
)

#: An error's field (a keyword of the readers) → the column a user wrote, where they differ.
_COLUMN_OF_FIELD = {
    **{keyword: column for column, keyword in ASSESSMENT_COLUMNS.items()},
    "concentrations": "concentration",
}

#: Columns a CSV header must have (plus ``regimen`` unless given once for all rows).
REQUIRED_COLUMNS: tuple[str, ...] = ("patient_id", "height", "weight")

#: Columns a row may set for itself, overriding the batch's options for that row →
#: the field of the sheet options each one sets.
ROW_OPTIONS: dict[str, str] = {
    "cycle": "cycle",
    "dose_level": "dose_level_percent",
    "bsa_formula": "bsa_formula",
    "concentration": "concentrations",
}

#: Error messages are cut to this length (a whole bad line echoed back is no help).
MAX_MESSAGE = 1000


class BatchError(Frozen):
    """Why a row gave no sheet: the input field (column) concerned and the reason.

    ``message`` is the text of the package's error for that row (errors are written
    for the person who typed the value; see :mod:`regimens._errors`).
    """

    field: str | None
    message: str


def batch_error(exc: RegimensError) -> BatchError:
    """The error record of a row: the field the error names (``regimen`` for an unknown
    regimen), its message on one line, cut to :data:`MAX_MESSAGE` characters."""
    field = getattr(exc, "field", None)
    if field is None and isinstance(exc, UnknownRegimenError):
        field = "regimen"
    field = _COLUMN_OF_FIELD.get(field or "", field)
    message = " ".join(str(exc).split())
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return BatchError(field=field, message=message)


class BatchRow(Frozen):
    """One input row, read: whose it is, the regimen, the patient, the row's own options.

    ``options`` are the row's cells of :data:`ROW_OPTIONS` (column → value), in that
    order, checked for type (a whole number, a number, a name) but not yet against the
    options' rules, which the calculation applies. ``assessment``: the treatment day's
    inputs of :data:`ASSESSMENT_COLUMNS`, read (None when the row has none of them).
    """

    patient_id: str | None  # None for a Patient given as a row
    # Models already validated where they were built: checked for type only, so that a
    # row does not run the regimen's and the patient's validators a second time.
    regimen: InstanceOf[Regimen]
    patient: InstanceOf[Patient]
    options: tuple[tuple[str, object], ...] = ()
    patient_name: str | None = None
    #: Read and checked as ``--patient-dob`` (issue 22): printed, never calculated with.
    patient_dob: dt.date | None = None
    assessment: InstanceOf[AssessmentInputs] | None = None


class RowFailure(Frozen):
    """An input row that could not be read: its patient_id when it has a usable one."""

    patient_id: str | None
    error: BatchError


class BatchResult(Frozen):
    """The outcome of one input row: a sheet, or an error, never both.

    ``row`` is the 1-based number of the row among the input's data rows (blank
    lines are neither rows nor counted; a CSV header is not a row).
    """

    row: int
    patient_id: str | None
    sheet: DoseSheet | None = None
    error: BatchError | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> Self:
        if (self.sheet is None) == (self.error is None):
            raise ValueError("a batch result has a sheet or an error, never both or neither")
        return self

    def error_record(self) -> dict[str, object]:
        """``{"row": N, "patient_id": ..., "error": {"field": ..., "message": ...}}``."""
        if self.error is None:
            raise ValueError("this row has a sheet, not an error")
        return {
            "row": self.row,
            "patient_id": self.patient_id,
            "error": {"field": self.error.field, "message": self.error.message},
        }

"""A batch result as one flat record: the columns of ``regimens batch --format parquet``.

One record per input row, in input order, a sheet or an error in the same columns
(docs/batch.md lists them with their types and units). The numbers a query filters
on (BSA, blocking, decision, warning codes) are columns of their own; the whole sheet
is the ``sheet`` column, the document of ``regimens sheet --format json`` on one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regimens._render.sheet_json import sheet_json

if TYPE_CHECKING:
    from regimens._models.batch import BatchResult

__all__ = ["RECORD_COLUMNS", "batch_record"]

#: Column → its Arrow type (a ``pyarrow.type_for_alias`` name), in the record's order.
RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "int64"),
    ("patient_id", "string"),
    ("regimen", "string"),
    ("cycle", "int64"),
    ("bsa_m2", "float64"),
    ("blocking", "bool"),
    ("assessment_decision", "string"),
    ("warnings", "string"),
    ("error_field", "string"),
    ("error_message", "string"),
    ("sheet", "string"),
)


def batch_record(result: BatchResult) -> dict[str, object]:
    """The record of one row: every column of :data:`RECORD_COLUMNS`, None where empty."""
    sheet = result.sheet
    if sheet is None:
        assert result.error is not None
        return {
            "row": result.row,
            "patient_id": result.patient_id,
            "regimen": None,
            "cycle": None,
            "bsa_m2": None,
            "blocking": None,
            "assessment_decision": None,
            "warnings": None,
            "error_field": result.error.field,
            "error_message": result.error.message,
            "sheet": None,
        }
    return {
        "row": result.row,
        "patient_id": result.patient_id,
        "regimen": sheet.regimen.id,
        "cycle": sheet.cycle,
        "bsa_m2": sheet.bsa_m2,
        "blocking": sheet.blocking,
        "assessment_decision": sheet.assessment.decision if sheet.assessment else None,
        "warnings": ";".join(warning.code for warning in sheet.warnings),
        "error_field": None,
        "error_message": None,
        "sheet": sheet_json(sheet, indent=None),
    }

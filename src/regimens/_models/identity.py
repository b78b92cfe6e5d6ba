"""Who a printed sheet or calendar is for: identifiers that no calculation ever uses.

A ward checks the patient's name, identifier and date of birth against the wristband
before giving a dose, so each printed page carries them. They come from a person or a
program (``--patient-id``, ``compute_sheet(patient_id=...)``) and are checked here,
once, for every way in: text is one plain line (a line break would print a forged
line on a text sheet), a number is not an identifier (``12345`` as an int was once
stored as it was), and a date of birth is a real ``YYYY-MM-DD`` date from 1900 to
today.
"""

import datetime as dt
import re
from typing import Any

from pydantic import field_validator

from regimens._errors import InputError
from regimens._models.base import PlainText, plain_line
from regimens._models.validation import Checked

__all__ = ["EARLIEST_DOB", "PatientIdentity", "patient_identity"]

#: No living patient was born before: an earlier date is a typo (1066 for 1966).
EARLIEST_DOB = dt.date(1900, 1, 1)

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _dob_error(value: object, why: str) -> InputError:
    return InputError(
        f"patient_dob: {value!s} {why}: give the date of birth as YYYY-MM-DD, "
        f"from {EARLIEST_DOB.isoformat()} to today",
        field="patient_dob",
    )


class PatientIdentity(Checked):
    """The patient's identifier, name and date of birth, each optional."""

    patient_id: PlainText | None = None
    patient_name: PlainText | None = None
    patient_dob: dt.date | None = None

    @field_validator("patient_id", "patient_name", mode="before")
    @classmethod
    def _text(cls, value: object, info: Any) -> object:
        """Text only (an int id is refused, not turned into text), one plain line, not
        blank (:func:`~regimens._models.base.plain_line`), stripped."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise InputError(
                f"{info.field_name}: {value!r} is not text ({type(value).__name__}): give it "
                "as text",
                field=info.field_name,
            )
        return plain_line(value, info.field_name)

    @field_validator("patient_dob", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        """A ``datetime.date`` or its ``YYYY-MM-DD`` text, strictly (2026-02-30 refused)."""
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if not isinstance(value, str):
            raise _dob_error(repr(value), "is not a date")
        match = _ISO_DATE.fullmatch(value.strip())
        if match is None:
            raise _dob_error(repr(value), "is not a date written YYYY-MM-DD")
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise _dob_error(repr(value), "is not a calendar date") from None

    @field_validator("patient_dob")
    @classmethod
    def _born(cls, value: dt.date | None) -> dt.date | None:
        if value is None:
            return None
        if value > dt.date.today():
            raise _dob_error(value, "is in the future")
        if value < EARLIEST_DOB:
            raise _dob_error(value, f"is before {EARLIEST_DOB.year}")
        return value


def patient_identity(
    patient_id: object = None, patient_name: object = None, patient_dob: object = None
) -> PatientIdentity:
    """The identifiers as a caller gives them, checked: text, and a date of birth as a
    ``datetime.date`` or its ``YYYY-MM-DD`` text (read by the model's validators)."""
    given: dict[str, Any] = {
        "patient_id": patient_id,
        "patient_name": patient_name,
        "patient_dob": patient_dob,
    }
    return PatientIdentity(**given)

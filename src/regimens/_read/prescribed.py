"""Reading a prescribed dose: the ``DRUG[:METHOD]=DOSE`` mini-language of ``regimens check``.

- ``DRUG`` is a name or alias of the library (case- and accent-insensitive), read as
  its INN.
- ``METHOD`` (optional) is a key of :data:`~regimens._models.check.METHOD_WORDS`;
  ``-`` or a space may replace ``_``.
- ``DOSE`` is a mass with its unit (``155mg``, ``4.8 g``); a bare number is refused,
  since it could be mg or g. A dose ending in ``/day`` is a daily total; otherwise
  it is one intake.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from regimens._errors import InputError, UnitError, UnknownNameError
from regimens._models.check import METHOD_WORDS, MethodWord, Per, PrescribedDose
from regimens._read.units import parse_measurement

if TYPE_CHECKING:
    # Library moves to _models/library.py (issue 16); until then this name is not found.
    from regimens._models.library import Library

__all__ = ["parse_prescribed"]

#: The input field every error of this module names.
FIELD = "prescribed"

_PER_DAY = re.compile(r"\s*/\s*(day|d)\s*$", re.IGNORECASE)


def _method_word(text: str, whole: str) -> MethodWord:
    key = re.sub(r"[\s-]+", "_", text.strip().lower())
    if key not in METHOD_WORDS:
        raise InputError(
            f"{FIELD} {whole!r}: unknown method {text.strip()!r}; "
            f"accepted: {', '.join(METHOD_WORDS)}",
            field=FIELD,
        )
    return key


def parse_prescribed(text: str, library: Library) -> PrescribedDose:
    """Read ``DRUG=DOSE`` or ``DRUG:METHOD=DOSE``; the dose needs a unit (``140mg``).

    The drug is a name or alias of the library (case- and accent-insensitive). A dose
    ending in ``/day`` is a daily total; otherwise it is one intake. Errors name the
    field ``prescribed`` and what was typed.
    """
    name_part, sep, dose_part = text.partition("=")
    if not sep or not name_part.strip() or not dose_part.strip():
        raise InputError(
            f"{FIELD} must be DRUG=DOSE or DRUG:METHOD=DOSE with a unit "
            f"(e.g. oxaliplatin=155mg, fluorouracil:bolus=728mg), got {text!r}",
            field=FIELD,
        )
    drug_text, colon, method_text = name_part.partition(":")
    try:
        inn: str = library.drug(drug_text.strip()).inn
    except UnknownNameError as exc:
        raise UnknownNameError(f"{FIELD} {text!r}: {exc}", field=FIELD) from None
    method_word = _method_word(method_text, text) if colon else None
    per: Per = "intake"
    dose_text = dose_part.strip()
    if _PER_DAY.search(dose_text):
        per = "day"
        dose_text = _PER_DAY.sub("", dose_text)
    try:
        float(dose_text)
    except ValueError:
        pass
    else:
        raise UnitError(
            f"{FIELD} {text!r}: give the dose with its unit, e.g. {dose_text}mg "
            "(a bare number could be mg or g)",
            field=FIELD,
        )
    try:
        dose_mg = parse_measurement(dose_text, field=f"{FIELD} {text!r}", kind="dose")
    except InputError as exc:
        # The message names what was typed; the field is the input's, for the CLI's flag.
        raise type(exc)(str(exc), field=FIELD) from None
    if dose_mg <= 0:
        raise InputError(
            f"{FIELD} {text!r}: the dose must be above 0 mg (leave out a drug that is not given)",
            field=FIELD,
        )
    return PrescribedDose(
        text=text.strip(), drug=inn, method_word=method_word, dose_mg=dose_mg, per=per
    )

"""Reading ``--concentration DRUG=VALUE`` (and the batch column ``concentration``).

The value is a mass concentration with its unit (``25mg/mL``, ``25 mg/ml``, ``2.5 g/100
mL``): a bare number, another dimension, less than 0.01 or more than 1000 mg/mL is refused; the
drug is looked up by INN or alias, and a drug given twice is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from regimens._errors import InputError, UnknownNameError
from regimens._models.options import (
    MAX_CONCENTRATION_MG_PER_ML,
    MIN_CONCENTRATION_MG_PER_ML,
    DrugConcentration,
)
from regimens._read.regimen import parse_concentration

if TYPE_CHECKING:
    from regimens._models.library import Library

__all__ = ["read_concentrations"]

_FIELD = "concentrations"


def read_concentrations(values: Iterable[str], library: Library) -> tuple[DrugConcentration, ...]:
    """``DRUG=VALUE`` items → one :class:`DrugConcentration` per drug (INN)."""
    found: list[DrugConcentration] = []
    for value in values:
        drug, sep, amount = value.partition("=")
        if not sep or not drug.strip() or not amount.strip():
            raise InputError(
                f"concentration must be DRUG=VALUE (e.g. fluorouracil=25mg/mL), got {value!r}",
                field=_FIELD,
            )
        try:
            inn = library.drug(drug.strip()).inn
        except UnknownNameError as exc:
            raise UnknownNameError(f"concentration: {exc}", field=_FIELD) from None
        mg_per_ml = _mg_per_ml(amount.strip(), inn)
        if any(item.drug == inn for item in found):
            raise InputError(
                f"more than one concentration for {inn}: give one per drug", field=_FIELD
            )
        found.append(DrugConcentration(drug=inn, mg_per_ml=mg_per_ml))
    return tuple(found)


def _mg_per_ml(text: str, inn: str) -> float:
    try:
        float(text)
    except ValueError:
        pass
    else:
        raise InputError(
            f"concentration of {inn}: write the unit, e.g. {text}mg/mL, got {text!r}",
            field=_FIELD,
        )
    try:
        amount = parse_concentration(text)
    except ValueError as exc:
        raise InputError(f"concentration of {inn}: {exc}", field=_FIELD) from None
    assert amount is not None
    if amount < MIN_CONCENTRATION_MG_PER_ML:
        raise InputError(
            f"concentration of {inn}: {amount:g} mg/mL is more dilute than any product "
            f"(at least {MIN_CONCENTRATION_MG_PER_ML:g} mg/mL): check the unit",
            field=_FIELD,
        )
    if amount > MAX_CONCENTRATION_MG_PER_ML:
        raise InputError(
            f"concentration of {inn}: {amount:g} mg/mL is not a solution that is drawn up "
            f"(at most {MAX_CONCENTRATION_MG_PER_ML:g} mg/mL): check the unit",
            field=_FIELD,
        )
    return amount

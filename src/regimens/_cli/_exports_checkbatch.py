"""Public functions that join a reader and a calculator for the Python API (check, batch).

``regimens.check_prescription`` accepts the prescribed doses as typed
(``"oxaliplatin=155mg"``) and ``regimens.batch_sheets`` accepts rows of cells (CSV
dicts, JSON objects, data-frame records): each reads them with its reader
(``regimens._read.prescribed``, ``regimens._read.rows``) and hands the models to its
calculator (``regimens._calc.check``, ``regimens._calc.batch``), which never reads
text. Meant to join ``_cli/_exports.py`` (the same role for the FHIR bundles).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regimens._calc.dosing import SheetOptions
    from regimens._errors import InputError
    from regimens._models.batch import BatchResult
    from regimens._models.check import CheckReport, PrescribedDose
    from regimens._models.patient import Patient
    from regimens._models.regimen import Regimen
    from regimens._read.library import Library

__all__ = ["batch_sheets", "check_prescription"]


def check_prescription(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    prescribed: Sequence[PrescribedDose | str],
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
) -> CheckReport:
    """Compare each prescribed dose with a fresh dose sheet (``docs/check.md``).

    A dose is a :class:`PrescribedDose` or its text, ``DRUG[:METHOD]=DOSE``
    (``"fluorouracil:bolus=800mg"``), read by
    :func:`~regimens._read.prescribed.parse_prescribed`. The rules are those of
    :func:`regimens._calc.check.check_prescription`.
    """
    from regimens._calc.check import check_prescription as check
    from regimens._read.prescribed import parse_prescribed

    doses = [parse_prescribed(p, library) if isinstance(p, str) else p for p in prescribed]
    return check(library, regimen, patient, doses, options, supportive=supportive)


def batch_sheets(
    rows: Iterable[Mapping[str, object] | Patient | InputError],
    *,
    library: Library | None = None,
    regimen: str | None = None,
    options: SheetOptions | None = None,
    supportive: Sequence[str] = (),
) -> Iterator[BatchResult]:
    """Yield one :class:`BatchResult` per row of ``rows``, in order, as they are read.

    A row is a mapping with the columns of ``docs/batch.md`` (values as text with or
    without units, or numbers; ``None``, ``""`` and NaN mean "not given"), or a
    :class:`Patient` (then ``regimen`` is required and the row has no patient_id).
    ``regimen`` gives the regimen of rows whose ``regimen`` is empty; a row naming
    another regimen is an error. A row's ``cycle``, ``dose_level`` and ``bsa_formula``
    override those of ``options`` for that row. An :class:`InputError` in ``rows`` (an
    unreadable line from :func:`~regimens._read.rows.read_jsonl_rows`) becomes that
    row's error record.

    ``library`` defaults to :func:`~regimens._read.library.load_library` of the built-in
    regimens and ``REGIMENS_LIBRARY``. An unknown ``regimen`` raises at once.
    """
    from regimens._calc.batch import batch_sheets as compute
    from regimens._read.library import load_library
    from regimens._read.rows import read_batch_rows

    if library is None:
        library = load_library()
    read = read_batch_rows(rows, library=library, regimen=regimen)
    yield from compute(read, library=library, options=options, supportive=supportive)

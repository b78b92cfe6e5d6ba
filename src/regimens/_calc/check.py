"""Independent check of a prescription: each prescribed dose against a fresh calculation.

A pharmacist types the doses of an order (``oxaliplatin=155mg``,
``fluorouracil:bolus=728mg``...); :func:`check_prescription` computes the dose sheet
of the same regimen for the same patient with :func:`regimens._calc.dosing.compute_sheet`
(the dosing is never re-implemented here) and compares, drug by drug and method by
method, on the first treatment day of each administration.

Rules, each a clinical choice:

- **What is compared.** The *expected* dose is the sheet's ``calculated_mg``: the dose
  after dose level and organ adjustment, *before* rounding. Tolerances for rounding
  (HOPA 10 %, NHS dose banding about 6 %, BC Cancer 5 %) are all measured from the
  calculated dose, so a prescriber who rounds differently from this tool but within
  the tolerance passes. The sheet's rounded dose is reported beside it.
- **Deviation** = (prescribed − expected) / expected × 100. A dose is within tolerance
  when ``|deviation| ≤ tolerance``; the comparison is made on the deviation rounded to
  6 decimals, so that 178.5 mg against 170 mg (+5 %, exactly) is within a 5 % tolerance
  whatever the binary rounding of the division.
- **Oral drugs: per intake.** ``capecitabine=1100mg`` is one intake (the dose on the
  label of the box, as an order is written: "1100 mg twice daily"), compared with the
  sheet's dose per intake. A daily total must say so: ``capecitabine=2200mg/day``. A
  per-intake dose that matches the daily dose (or the reverse) gets a note saying so.
- **Methods.** ``DRUG=DOSE`` is enough when the regimen gives the drug one way. When it
  gives it several ways (5-FU bolus and 46-h continuous infusion), write
  ``DRUG:METHOD=DOSE``. ``METHOD`` is one of ``bolus``, ``infusion``,
  ``continuous_infusion`` (also ``continuous``), ``short_infusion``, ``oral``,
  ``injection``; ``-`` or a space may replace ``_``. ``infusion`` is a family name: it
  addresses the drug's infusion *or* its continuous infusion, whichever the regimen
  has (``fluorouracil:infusion`` is the 46-h infusion in FOLFOX-6, whose other 5-FU is a
  ``bolus``); when the regimen has both for one drug, ``infusion`` is refused as
  ambiguous and ``short_infusion`` / ``continuous_infusion`` say which.
- **Missing and extra.** A regimen administration not prescribed is *missing* (except a
  drug the sheet withholds: its absence is correct). A prescribed drug that the
  regimen does not give, or gives by another method, is *extra*. A name that is not a
  drug of the library is a user error (it may be a typo), never an extra.
- **Passing.** ``ok`` is true only when every prescribed dose is within tolerance,
  nothing is missing or extra, and the recalculation has no blocking warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from regimens._calc.dosing import MAX_TOLERANCE_PERCENT, SheetOptions, compute_sheet
from regimens._errors import InputError, UnitError, UnknownNameError
from regimens._models.sheet import Administration, DoseSheet, Provenance, RegimenRef, SheetWarning
from regimens._read.units import format_number, parse_measurement

if TYPE_CHECKING:
    from regimens._models.patient import Patient
    from regimens._models.regimen import Regimen
    from regimens._read.library import Library

__all__ = [
    "CHECK_NOTE_TEXT",
    "METHOD_WORDS",
    "CheckNote",
    "CheckReport",
    "CheckResult",
    "ExtraDose",
    "MissingDose",
    "PrescribedDose",
    "check_prescription",
    "deviation_within",
    "note_text",
    "parse_prescribed",
]

#: Version of the ``regimens check --format json`` document.
SCHEMA_VERSION = "1.0"

#: How a method may be written after ``DRUG:`` → the methods it can address.
#: ``infusion`` addresses either kind of infusion, when only one is in the regimen.
METHOD_WORDS: dict[str, tuple[str, ...]] = {
    "bolus": ("bolus",),
    "infusion": ("infusion", "continuous_infusion"),
    "short_infusion": ("infusion",),
    "continuous_infusion": ("continuous_infusion",),
    "continuous": ("continuous_infusion",),
    "oral": ("oral",),
    "injection": ("injection",),
}

_PER_DAY = re.compile(r"\s*/\s*(day|d)\s*$", re.IGNORECASE)
#: Deviations are compared with the tolerance at this many decimals (see module doc).
_DECIMALS = 6

#: Notes on a result, per language; ``{drug}`` is the drug's name in the output language.
CHECK_NOTE_TEXT: dict[str, dict[str, str]] = {
    "LOOKS_DAILY": {
        "en": "{prescribed} mg is the daily dose ({intakes} intakes of {expected} mg): "
        "give the dose per intake, or write {daily} mg/day",
        "fr": "{prescribed} mg est la dose journalière ({intakes} prises de {expected} mg) : "
        "indiquer la dose par prise, ou écrire {daily} mg/day",
    },
    "LOOKS_PER_INTAKE": {
        "en": "{prescribed} mg/day is the dose of one intake ({intakes} intakes a day): "
        "the daily dose is {daily} mg",
        "fr": "{prescribed} mg/day est la dose d'une prise ({intakes} prises par jour) : "
        "la dose journalière est {daily} mg",
    },
    "LOOKS_LIKE_OTHER_METHOD": {
        "en": "{prescribed} mg is the expected dose of the {other} of {drug}: methods swapped?",
        "fr": "{prescribed} mg est la dose attendue de {drug} en {other} : modes inversés ?",
    },
    "WITHHELD": {
        "en": "{drug} is withheld by the recalculation ({reason}): it should not be given",
        "fr": "{drug} n'est pas administré selon le recalcul ({reason}) : ne pas le donner",
    },
    "DOSES_DIFFER_BY_DAY": {
        "en": "the expected dose differs between days ({doses} mg); compared with day {day}",
        "fr": "la dose attendue diffère selon les jours ({doses} mg) ; comparée au jour {day}",
    },
    "NOT_IN_REGIMEN": {
        "en": "{drug} is not part of {regimen}",
        "fr": "{drug} ne fait pas partie de {regimen}",
    },
    "OTHER_METHOD": {
        "en": "{regimen} gives {drug} as {methods}, not as {given}",
        "fr": "{regimen} administre {drug} en {methods}, pas en {given}",
    },
}


def note_text(
    code: str, params: dict[str, str], lang: str = "en", drug_name: str | None = None
) -> str:
    """The text of a check note in ``lang``, with ``{drug}`` as ``drug_name`` if given."""
    values = dict(params)
    if drug_name is not None:
        values["drug"] = drug_name
    templates = CHECK_NOTE_TEXT[code]
    return templates.get(lang, templates["en"]).format(**values)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrescribedDose(_Frozen):
    """One ``DRUG[:METHOD]=DOSE`` of the order, read but not yet matched to the regimen."""

    text: str  # as typed
    drug: str  # lowercase INN
    method_word: str | None  # a key of METHOD_WORDS, or None when not given
    dose_mg: float
    per: Literal["intake", "day"]


class CheckNote(_Frozen):
    """A remark on one result: a stable code, its English message, its values."""

    code: str
    message: str
    params: dict[str, str]


class CheckResult(_Frozen):
    """One prescribed dose compared with the recalculated one."""

    drug: str
    method: str  # the regimen's method the prescription addresses
    regimen: str  # the regimen (or supportive add-on) giving it
    day: int  # the treatment day compared (the first one the drug is given this way)
    prescribed: str  # as typed
    per: Literal["intake", "day"]
    prescribed_mg: float
    expected_mg: float  # calculated (before rounding), per intake or per day as prescribed
    sheet_dose_mg: float  # the dose sheet's rounded dose, on the same basis
    intakes_per_day: int
    deviation_percent: float | None  # None when the expected dose is 0 (withheld)
    within_tolerance: bool
    notes: tuple[CheckNote, ...] = ()


class MissingDose(_Frozen):
    """A regimen administration the prescription leaves out."""

    drug: str
    method: str
    regimen: str
    day: int
    expected_mg: float  # per intake
    intakes_per_day: int


class ExtraDose(_Frozen):
    """A prescribed drug (or drug and method) the regimen does not give."""

    drug: str
    method: str | None
    prescribed: str
    prescribed_mg: float
    per: Literal["intake", "day"]
    reason: CheckNote


class CheckReport(_Frozen):
    """The result of ``regimens check``: the JSON document of ``docs/check.md``."""

    schema_version: str = SCHEMA_VERSION
    regimen: RegimenRef
    supportive: tuple[RegimenRef, ...] = ()
    cycle: int
    bsa_m2: float | None
    bsa_formula: str
    tolerance_percent: float
    results: tuple[CheckResult, ...]
    missing: tuple[MissingDose, ...]
    extra: tuple[ExtraDose, ...]
    warnings: tuple[SheetWarning, ...]
    blocking: bool  # the recalculation carries a blocking warning
    ok: bool
    drug_names: dict[str, dict[str, str]]
    provenance: Provenance


def deviation_within(deviation_percent: float | None, tolerance_percent: float) -> bool:
    """Whether a deviation is within the tolerance, edges included (see module doc)."""
    if deviation_percent is None or not math.isfinite(deviation_percent):
        return False
    return round(abs(deviation_percent), _DECIMALS) <= tolerance_percent


def _method_word(text: str, whole: str) -> str:
    key = re.sub(r"[\s-]+", "_", text.strip().lower())
    if key not in METHOD_WORDS:
        raise InputError(
            f"--prescribed {whole!r}: unknown method {text.strip()!r}; "
            f"accepted: {', '.join(METHOD_WORDS)}",
            field="prescribed",
        )
    return key


def parse_prescribed(text: str, library: Library) -> PrescribedDose:
    """Read ``DRUG=DOSE`` or ``DRUG:METHOD=DOSE``; the dose needs a unit (``140mg``).

    The drug is a name or alias of the library (case- and accent-insensitive). A dose
    ending in ``/day`` is a daily total; otherwise it is one intake.
    """
    name_part, sep, dose_part = text.partition("=")
    if not sep or not name_part.strip() or not dose_part.strip():
        raise InputError(
            f"--prescribed must be DRUG=DOSE or DRUG:METHOD=DOSE with a unit "
            f"(e.g. oxaliplatin=155mg, fluorouracil:bolus=728mg), got {text!r}",
            field="prescribed",
        )
    drug_text, colon, method_text = name_part.partition(":")
    try:
        inn = library.drug(drug_text.strip()).inn
    except UnknownNameError as exc:
        raise UnknownNameError(f"--prescribed {text!r}: {exc}", field="prescribed") from None
    method_word = _method_word(method_text, text) if colon else None
    per: Literal["intake", "day"] = "intake"
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
            f"--prescribed {text!r}: give the dose with its unit, e.g. {dose_text}mg "
            "(a bare number could be mg or g)",
            field="prescribed",
        )
    dose_mg = parse_measurement(dose_text, field=f"--prescribed {text!r}", kind="dose")
    if dose_mg <= 0:
        raise InputError(
            f"--prescribed {text!r}: the dose must be above 0 mg (leave out a drug that "
            "is not given)",
            field="prescribed",
        )
    return PrescribedDose(
        text=text.strip(), drug=inn, method_word=method_word, dose_mg=dose_mg, per=per
    )


def _administrations(sheet: DoseSheet) -> dict[tuple[str, str], list[tuple[int, Administration]]]:
    """(drug, method) → [(day, administration)] in day order."""
    found: dict[tuple[str, str], list[tuple[int, Administration]]] = {}
    for day in sheet.days:
        for item in day.administrations:
            found.setdefault((item.drug, item.method), []).append((day.day, item))
    return found


def _resolve(
    prescribed: PrescribedDose, methods: Sequence[str], regimen_id: str
) -> tuple[str | None, str | None]:
    """The regimen method this prescription addresses, or (None, why not).

    Raises when the prescription cannot be read without a guess (see module doc).
    """
    if not methods:
        return None, "NOT_IN_REGIMEN"
    if prescribed.method_word is None:
        if len(methods) > 1:
            ways = " and ".join(f"{prescribed.drug}:{m}=DOSE" for m in methods)
            raise InputError(
                f"--prescribed {prescribed.text!r}: {regimen_id} gives {prescribed.drug} "
                f"{len(methods)} ways ({', '.join(methods)}): write {ways}",
                field="prescribed",
            )
        return methods[0], None
    matches = [m for m in METHOD_WORDS[prescribed.method_word] if m in methods]
    if len(matches) > 1:
        raise InputError(
            f"--prescribed {prescribed.text!r}: {regimen_id} gives {prescribed.drug} as "
            f"both {' and '.join(matches)}: write {prescribed.drug}:short_infusion=DOSE or "
            f"{prescribed.drug}:continuous_infusion=DOSE",
            field="prescribed",
        )
    if not matches:
        return None, "OTHER_METHOD"
    return matches[0], None


def _number(value: float) -> str:
    return format_number(round(value, 2))


def _note(code: str, **params: str) -> CheckNote:
    return CheckNote(code=code, message=note_text(code, params), params=params)


def check_prescription(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    prescribed: Sequence[PrescribedDose | str],
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
) -> CheckReport:
    """Compare each prescribed dose with a fresh dose sheet (rules in the module doc).

    The tolerance is ``options.tolerance_percent`` (5 % by default, at most 10 %): the
    same value bounds the recalculation's own rounding.
    """
    options = options or SheetOptions()
    tolerance = options.tolerance_percent
    if not 0 < tolerance <= MAX_TOLERANCE_PERCENT:  # SheetOptions checks it too
        raise InputError(f"tolerance must be in (0, 10] %, got {tolerance:g}", field="tolerance")
    doses = [parse_prescribed(p, library) if isinstance(p, str) else p for p in prescribed]
    sheet = compute_sheet(library, regimen, patient, options, supportive=supportive)
    given = _administrations(sheet)
    methods_of: dict[str, list[str]] = {}
    for drug, way in given:
        methods_of.setdefault(drug, []).append(way)

    results: list[CheckResult] = []
    extra: list[ExtraDose] = []
    addressed: dict[tuple[str, str], str] = {}
    for dose in doses:
        resolved, why_not = _resolve(dose, methods_of.get(dose.drug, []), sheet.regimen.id)
        if resolved is None:
            params = {"drug": dose.drug, "regimen": sheet.regimen.id}
            if why_not == "OTHER_METHOD":
                params["methods"] = " / ".join(methods_of[dose.drug])
                params["given"] = dose.method_word or ""
            extra.append(
                ExtraDose(
                    drug=dose.drug,
                    method=dose.method_word,
                    prescribed=dose.text,
                    prescribed_mg=dose.dose_mg,
                    per=dose.per,
                    reason=_note(why_not or "NOT_IN_REGIMEN", **params),
                )
            )
            continue
        key = (dose.drug, resolved)
        if key in addressed:
            raise InputError(
                f"--prescribed {dose.text!r}: {dose.drug} {resolved} is already prescribed "
                f"by {addressed[key]!r}; give each administration once",
                field="prescribed",
            )
        addressed[key] = dose.text
        results.append(_compare(dose, resolved, given, tolerance))

    missing = tuple(
        MissingDose(
            drug=drug,
            method=method,
            regimen=items[0][1].regimen,
            day=items[0][0],
            expected_mg=items[0][1].calculated_mg,
            intakes_per_day=items[0][1].intakes_per_day,
        )
        for (drug, method), items in given.items()
        if (drug, method) not in addressed and not items[0][1].withheld
    )
    ok = (
        all(result.within_tolerance for result in results)
        and not missing
        and not extra
        and not sheet.blocking
    )
    return CheckReport(
        regimen=sheet.regimen,
        supportive=sheet.supportive,
        cycle=sheet.cycle,
        bsa_m2=sheet.bsa_m2,
        bsa_formula=sheet.bsa_formula,
        tolerance_percent=tolerance,
        results=tuple(results),
        missing=missing,
        extra=tuple(extra),
        warnings=sheet.warnings,
        blocking=sheet.blocking,
        ok=ok,
        drug_names={
            **sheet.drug_names,
            **{
                item.drug: dict(library.drug(item.drug).local_names)
                for item in extra
                if library.drug(item.drug).local_names
            },
        },
        provenance=sheet.provenance,
    )


def _compare(
    dose: PrescribedDose,
    method: str,
    given: dict[tuple[str, str], list[tuple[int, Administration]]],
    tolerance: float,
) -> CheckResult:
    """One prescribed dose against the first day its drug is given this way."""
    items = given[(dose.drug, method)]
    day, item = items[0]
    factor = item.intakes_per_day if dose.per == "day" else 1
    withheld = item.withheld
    expected = 0.0 if withheld else item.calculated_mg * factor
    deviation = None if expected == 0 else (dose.dose_mg - expected) / expected * 100
    notes: list[CheckNote] = []
    if withheld:
        # The sheet carries a code and the band: the words of the reason as before,
        # until this note carries the band and source as params of its own.
        adjustment = item.organ_adjustment
        reason = f"contraindicated at {adjustment.band} ({adjustment.source})" if adjustment else ""
        notes.append(_note("WITHHELD", drug=dose.drug, reason=reason))
    distinct = sorted({round(other.calculated_mg, 6) for _, other in items})
    if len(distinct) > 1:
        notes.append(
            _note(
                "DOSES_DIFFER_BY_DAY",
                doses=", ".join(_number(value) for value in distinct),
                day=str(day),
            )
        )
    within = deviation_within(deviation, tolerance) and not withheld
    if not within and not withheld and item.intakes_per_day > 1:
        per_intake, daily = item.calculated_mg, item.calculated_mg * item.intakes_per_day
        if dose.per == "intake" and deviation_within(
            (dose.dose_mg - daily) / daily * 100, tolerance
        ):
            notes.append(
                _note(
                    "LOOKS_DAILY",
                    prescribed=_number(dose.dose_mg),
                    intakes=str(item.intakes_per_day),
                    expected=_number(per_intake),
                    daily=_number(dose.dose_mg),
                )
            )
        elif dose.per == "day" and deviation_within(
            (dose.dose_mg - per_intake) / per_intake * 100, tolerance
        ):
            notes.append(
                _note(
                    "LOOKS_PER_INTAKE",
                    prescribed=_number(dose.dose_mg),
                    intakes=str(item.intakes_per_day),
                    daily=_number(daily),
                )
            )
    if not within and not withheld:
        for (drug, other), other_items in given.items():
            other_item = other_items[0][1]
            if drug != dose.drug or other == method or other_item.calculated_mg <= 0:
                continue
            other_expected = other_item.calculated_mg * factor
            if deviation_within((dose.dose_mg - other_expected) / other_expected * 100, tolerance):
                notes.append(
                    _note(
                        "LOOKS_LIKE_OTHER_METHOD",
                        prescribed=_number(dose.dose_mg),
                        other=other,
                        drug=dose.drug,
                    )
                )
    return CheckResult(
        drug=dose.drug,
        method=method,
        regimen=item.regimen,
        day=day,
        prescribed=dose.text,
        per=dose.per,
        prescribed_mg=dose.dose_mg,
        expected_mg=expected,
        sheet_dose_mg=item.dose_mg * factor,
        intakes_per_day=item.intakes_per_day,
        deviation_percent=deviation,
        within_tolerance=within,
        notes=tuple(notes),
    )

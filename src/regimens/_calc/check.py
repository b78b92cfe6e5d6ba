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
  The sheet's dose beside a daily total is its plan's day (``daily_dose_mg``: 950 +
  800 = 1750 mg, not twice the larger intake); beside a per-intake dose, its largest
  intake. When the sheet's plan has unequal intakes (issue 19: no equal plan within
  the tolerance), a per-intake prescription gets a note (``INTAKES_DIFFER``) giving
  the intakes and their daily total, which is what to prescribe.
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

from collections.abc import Sequence
from typing import TYPE_CHECKING

from regimens._calc.dosing import MAX_TOLERANCE_PERCENT, SheetOptions, compute_sheet
from regimens._errors import InputError
from regimens._models.check import (
    METHOD_WORDS,
    CheckNote,
    CheckReport,
    CheckResult,
    ExtraDose,
    MissingDose,
    NoteCode,
    PrescribedDose,
    deviation_within,
)
from regimens._models.sheet import Administration, DoseSheet

if TYPE_CHECKING:
    # Library moves to _models/library.py (issue 16); until then this name is not found.
    from regimens._models.library import Library
    from regimens._models.patient import Patient
    from regimens._models.regimen import Regimen

__all__ = ["check_prescription"]

#: The input field the errors of a prescription name.
FIELD = "prescribed"


#: (drug, method) → [(day, administration)] in day order.
Given = dict[tuple[str, str], list[tuple[int, Administration]]]


def _administrations(sheet: DoseSheet) -> Given:
    """(drug, method) → [(day, administration)] in day order."""
    found: Given = {}
    for day in sheet.days:
        for item in day.administrations:
            found.setdefault((item.drug, item.method), []).append((day.day, item))
    return found


def _resolve(
    prescribed: PrescribedDose, methods: Sequence[str], regimen_id: str
) -> tuple[str | None, NoteCode | None]:
    """The regimen method this prescription addresses, or (None, why not).

    Raises when the prescription cannot be read without a guess (see module doc).
    """
    if not methods:
        return None, "NOT_IN_REGIMEN"
    if prescribed.method_word is None:
        if len(methods) > 1:
            ways = " and ".join(f"{prescribed.drug}:{m}=DOSE" for m in methods)
            raise InputError(
                f"{FIELD} {prescribed.text!r}: {regimen_id} gives {prescribed.drug} "
                f"{len(methods)} ways ({', '.join(methods)}): write {ways}",
                field=FIELD,
            )
        return methods[0], None
    matches = [m for m in METHOD_WORDS[prescribed.method_word] if m in methods]
    if len(matches) > 1:
        raise InputError(
            f"{FIELD} {prescribed.text!r}: {regimen_id} gives {prescribed.drug} as "
            f"both {' and '.join(matches)}: write {prescribed.drug}:short_infusion=DOSE or "
            f"{prescribed.drug}:continuous_infusion=DOSE",
            field=FIELD,
        )
    if not matches:
        return None, "OTHER_METHOD"
    return matches[0], None


def _number(value: float) -> str:
    """A dose in a note's parameters: two decimals at most, no trailing zeros (``728``,
    ``154.7``), as the notes have always shown it."""
    return f"{round(value, 2):.6g}"


def _note(code: NoteCode, **params: str) -> CheckNote:
    return CheckNote(code=code, params=params)


def check_prescription(
    library: Library,
    regimen: Regimen | str,
    patient: Patient,
    prescribed: Sequence[PrescribedDose],
    options: SheetOptions | None = None,
    *,
    supportive: Sequence[Regimen | str] = (),
) -> CheckReport:
    """Compare each prescribed dose with a fresh dose sheet (rules in the module doc).

    The tolerance is ``options.tolerance_percent`` (5 % by default, at most 10 %): the
    same value bounds the recalculation's own rounding. The prescribed doses are read
    already (:func:`regimens._read.prescribed.parse_prescribed` reads the typed text).
    """
    options = options or SheetOptions()
    tolerance = options.tolerance_percent
    if not 0 < tolerance <= MAX_TOLERANCE_PERCENT:  # SheetOptions checks it too
        raise InputError(f"tolerance must be in (0, 10] %, got {tolerance:g}", field="tolerance")
    doses = list(prescribed)
    for dose in doses:
        if not isinstance(dose, PrescribedDose):
            raise TypeError(
                f"prescribed doses must be PrescribedDose objects, got {dose!r}: read "
                "DRUG[:METHOD]=DOSE text with parse_prescribed(text, library)"
            )
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
                f"{FIELD} {dose.text!r}: {dose.drug} {resolved} is already prescribed "
                f"by {addressed[key]!r}; give each administration once",
                field=FIELD,
            )
        addressed[key] = dose.text
        results.append(_compare(dose, resolved, given, tolerance))

    missing = tuple(
        MissingDose(
            drug=drug,
            method=items[0][1].method,  # = method: given is keyed by each item's method
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
                item.drug: library.drug(item.drug).local_names
                for item in extra
                if library.drug(item.drug).local_names
            },
        },
        provenance=sheet.provenance,
    )


def _compare(
    dose: PrescribedDose,
    method: str,
    given: Given,
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
        # ``reason`` in English as the JSON has always had it; the band (with its
        # French label) and source for the other languages' words.
        adjustment = item.organ_adjustment
        if adjustment is None:
            notes.append(_note("WITHHELD", drug=dose.drug, reason="", variant="unstated"))
        else:
            reason = f"contraindicated at {adjustment.band} ({adjustment.source})"
            band = {"band_fr": adjustment.band_fr} if adjustment.band_fr else {}
            notes.append(
                _note(
                    "WITHHELD",
                    drug=dose.drug,
                    reason=reason,
                    band=adjustment.band,
                    source=adjustment.source,
                    **band,
                )
            )
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
    intakes = item.intakes or ()
    if dose.per == "intake" and len({intake.dose_mg for intake in intakes}) > 1:
        notes.append(
            _note(
                "INTAKES_DIFFER",
                drug=dose.drug,
                prescribed=_number(dose.dose_mg),
                doses=" + ".join(_number(intake.dose_mg) for intake in intakes),
                times=" + ".join(intake.time for intake in intakes),
                daily=_number(item.daily_dose_mg),
            )
        )
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
        method=item.method,  # the same method: items are given[(drug, method)]
        regimen=item.regimen,
        day=day,
        prescribed=dose.text,
        per=dose.per,
        prescribed_mg=dose.dose_mg,
        expected_mg=expected,
        sheet_dose_mg=item.daily_dose_mg if dose.per == "day" else item.dose_mg,
        intakes_per_day=item.intakes_per_day,
        deviation_percent=deviation,
        within_tolerance=within,
        notes=tuple(notes),
    )

"""Body weights for dosing and estimates of renal function.

Small pure functions, each citing its primary source: ideal and adjusted body weight,
BMI, the weight a dose is based on, Cockcroft–Gault creatinine clearance (what drug
labels dose from), CKD-EPI 2021 eGFR (informational only) and the Calvert carboplatin
dose. Inputs are plain floats in canonical units: height in cm, weight in kg, age in
years, serum creatinine in mg/dL, sex ``"female"`` or ``"male"``.

This module sits on the CLI's hot path, so it imports only the standard library,
:mod:`regimens._errors` and the plain constants of :mod:`regimens._models.constants`;
callers convert units (pint) before calling it.
"""

from __future__ import annotations

import math

from regimens._calc.checks import check_positive
from regimens._errors import InputError, MissingInputError, UnknownNameError
from regimens._models.constants import CM_PER_INCH, CREATININE_UMOL_PER_MG_DL, WEIGHT_BASES

__all__ = [
    "COCKCROFT_GAULT_EXPRESSION",
    "CREATININE_UMOL_PER_MG_DL",
    "OBESITY_THRESHOLD_PERCENT_OF_IDEAL",
    "WEIGHT_BASES",
    "adjusted_body_weight",
    "bmi",
    "calvert_dose_mg",
    "ckd_epi_2021",
    "cockcroft_gault",
    "cockcroft_gault_weight",
    "creatinine_mg_dl_to_umol_l",
    "creatinine_umol_l_to_mg_dl",
    "dosing_weight",
    "ideal_body_weight",
]

#: The Cockcroft–Gault formula as recorded with a clearance it gave (sheets, ``crcl``).
COCKCROFT_GAULT_EXPRESSION = "(140 - age) x weight / (72 x SCr[mg/dL]), x 0.85 if female"

_SEXES = ("female", "male")

# Devine's constants, in the original's units: base weight at 5 ft (60 in), then
# 2.3 kg per inch above it. The UK variant (45 kg for women) is not used.
_DEVINE_BASE_KG = {"male": 50.0, "female": 45.5}
_DEVINE_BASE_IN = 60.0
_DEVINE_KG_PER_IN = 2.3

# Fraction of the excess over ideal weight counted as metabolically active tissue.
_ADJUSTED_WEIGHT_FACTOR = 0.4


def _check_sex(sex: str | None, purpose: str) -> str:
    """Return ``sex`` if it is ``"female"`` or ``"male"``; say why it is needed if not."""
    if sex is None:
        raise MissingInputError(f"{purpose} needs the patient's sex (female/male)", field="sex")
    if sex not in _SEXES:
        raise InputError(f"sex must be 'female' or 'male'; got {sex!r}", field="sex")
    return sex


def ideal_body_weight(height_cm: float, sex: str | None) -> float:
    """Ideal body weight (Devine), in kg.

    50 kg (men) or 45.5 kg (women) + 2.3 kg per inch of height over 60 in (1 in = 2.54 cm).

    Below 60 in (152.4 cm) the formula is kept linear, so the result falls below the
    base weight (2.3 kg less per inch); no floor is applied, because none is published.
    Heights for which the line reaches 0 kg (about 97 cm for men, 102 cm for women) are
    refused rather than given a meaningless weight.

    Source: Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm 1974;8:650-655.
    """
    check_positive(height_cm, "height", "cm")
    base_kg = _DEVINE_BASE_KG[_check_sex(sex, "ideal body weight (Devine)")]
    height_in = height_cm / CM_PER_INCH
    ibw = base_kg + _DEVINE_KG_PER_IN * (height_in - _DEVINE_BASE_IN)
    if ibw <= 0:
        raise InputError(
            f"height {height_cm!r} cm is too short for the Devine ideal body weight "
            f"(it would be {ibw:.1f} kg)",
            field="height",
        )
    return ibw


def adjusted_body_weight(height_cm: float, weight_kg: float, sex: str | None) -> float:
    """Adjusted body weight, in kg: IBW + 0.4 × (actual weight − IBW), IBW by Devine.

    Used by some guidance when actual weight exceeds 130% of ideal; when to use it is
    the caller's choice. Below ideal weight the result lies between the two weights.

    Source: Traynor AM, Nafziger AN, Bertino JS Jr. Aminoglycoside dosing weight
    correction factors for patients of various body sizes. Antimicrob Agents Chemother
    1995;39(2):545-548 (the 0.4 factor).
    """
    check_positive(weight_kg, "weight", "kg")
    ibw = ideal_body_weight(height_cm, sex)
    return ibw + _ADJUSTED_WEIGHT_FACTOR * (weight_kg - ibw)


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body mass index, in kg/m²: weight[kg] / height[m]².

    Source: Keys A, Fidanza F, Karvonen MJ, Kimura N, Taylor HL. Indices of relative
    weight and obesity. J Chronic Dis 1972;25(6):329-343 (Quetelet's index).
    """
    check_positive(height_cm, "height", "cm")
    check_positive(weight_kg, "weight", "kg")
    height_m = height_cm / 100
    return weight_kg / (height_m * height_m)


def dosing_weight(basis: str, height_cm: float | None, weight_kg: float, sex: str | None) -> float:
    """The weight, in kg, that a dose is calculated on: ``actual``, ``ideal`` or ``adjusted``.

    ``actual`` is the measured weight and needs neither height nor sex. ``ideal``
    (Devine, :func:`ideal_body_weight`) and ``adjusted`` (:func:`adjusted_body_weight`)
    need both, and raise :class:`~regimens._errors.MissingInputError` naming the one
    missing. The basis name is case-insensitive.
    """
    key = basis.strip().lower()
    if key not in WEIGHT_BASES:
        # Imported here: only a typo needs it, and the CLI's cold start is measured.
        import difflib

        close = difflib.get_close_matches(key, WEIGHT_BASES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UnknownNameError(
            f"unknown weight basis {basis!r}{hint}; accepted: {', '.join(WEIGHT_BASES)}",
            field="weight_basis",
        )
    check_positive(weight_kg, "weight", "kg")
    if key == "actual":
        return weight_kg
    purpose = f"the {key} body weight (Devine ideal body weight)"
    if height_cm is None:
        raise MissingInputError(f"{purpose} needs the patient's height", field="height")
    _check_sex(sex, purpose)
    if key == "ideal":
        return ideal_body_weight(height_cm, sex)
    return adjusted_body_weight(height_cm, weight_kg, sex)


#: Above this percentage of ideal weight, Cockcroft–Gault uses the adjusted weight.
OBESITY_THRESHOLD_PERCENT_OF_IDEAL = 130.0


def cockcroft_gault_weight(
    basis: str, height_cm: float | None, weight_kg: float, sex: str | None
) -> tuple[float, str, float | None]:
    """The weight Cockcroft–Gault uses: (kg, basis used, ideal weight if the obesity rule chose).

    ``ideal`` and ``adjusted`` are used as asked. ``actual`` (the default) is the actual
    weight, except in obesity: when the actual weight exceeds 130 % of the Devine ideal
    weight, the adjusted weight (IBW + 0.4 × (actual − IBW)). Without a height the
    actual weight is used (no ideal weight can be computed).

    Source of the 130 % threshold and the 0.4 factor: Regional Strategic Chemotherapy
    Group (UK), Guidelines for the use of the Cockcroft & Gault formula to calculate
    creatinine clearance in adult cancer patients, v4, 2013 (copy seen on scribd,
    document 253159935) [P: a regional guideline, which takes lean body weight
    50/45 kg + 0.906 kg/cm over 152.4 cm; the library's ideal weight is Devine's, the
    same for men and 0.5 kg higher for women]. No national or label source was found.
    """
    key = basis.strip().lower()
    if key != "actual":
        return dosing_weight(key, height_cm, weight_kg, sex), key, None
    check_positive(weight_kg, "weight", "kg")
    if height_cm is None:
        return weight_kg, "actual", None
    ibw = ideal_body_weight(height_cm, sex)
    if weight_kg * 100 > OBESITY_THRESHOLD_PERCENT_OF_IDEAL * ibw:
        return adjusted_body_weight(height_cm, weight_kg, sex), "adjusted", ibw
    return weight_kg, "actual", None


def cockcroft_gault(
    age_years: float, weight_kg: float, creatinine_mg_dl: float, sex: str | None
) -> float:
    """Creatinine clearance by Cockcroft–Gault, in mL/min, unrounded.

    (140 − age[years]) × weight[kg] / (72 × serum creatinine[mg/dL]), × 0.85 for women.
    This is the estimate drug labels dose from (e.g. capecitabine US label §2.4).

    Source: Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum
    creatinine. Nephron 1976;16(1):31-41.
    """
    check_positive(age_years, "age", "years")
    check_positive(weight_kg, "weight", "kg")
    check_positive(creatinine_mg_dl, "creatinine", "mg/dL")
    female = _check_sex(sex, "the Cockcroft–Gault creatinine clearance") == "female"
    if age_years >= 140:
        # (140 − age) would make the clearance zero or negative: outside the formula.
        raise InputError(
            f"age {age_years!r} years is outside the Cockcroft–Gault formula (under 140)",
            field="age",
        )
    crcl = (140 - age_years) * weight_kg / (72 * creatinine_mg_dl)
    # Cockcroft and Gault's own correction for women (lower muscle mass): 15% less.
    return crcl * 0.85 if female else crcl


def ckd_epi_2021(age_years: float, creatinine_mg_dl: float, sex: str | None) -> float:
    """eGFR by the race-free CKD-EPI 2021 creatinine equation, in mL/min/1.73 m².

    142 × min(SCr/κ, 1)^α × max(SCr/κ, 1)^−1.200 × 0.9938^age × 1.012 (if female),
    κ = 0.7 (female) or 0.9 (male), α = −0.241 (female) or −0.302 (male), SCr in mg/dL.

    Informational only: drug labels and guidance dose from Cockcroft–Gault, not eGFR,
    and this value is normalised to 1.73 m², not the patient's own surface area.

    Source: Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based
    equations to estimate GFR without race. N Engl J Med 2021;385(19):1737-1749.
    """
    check_positive(age_years, "age", "years")
    check_positive(creatinine_mg_dl, "creatinine", "mg/dL")
    female = _check_sex(sex, "the CKD-EPI 2021 eGFR") == "female"
    kappa, alpha, sex_factor = (0.7, -0.241, 1.012) if female else (0.9, -0.302, 1.0)
    ratio = creatinine_mg_dl / kappa
    return (
        142
        * math.pow(min(ratio, 1.0), alpha)
        * math.pow(max(ratio, 1.0), -1.200)
        * math.pow(0.9938, age_years)
        * sex_factor
    )


def creatinine_umol_l_to_mg_dl(umol_l: float) -> float:
    """Convert serum creatinine from µmol/L to mg/dL: divide by 88.4."""
    check_positive(umol_l, "creatinine", "µmol/L")
    return umol_l / CREATININE_UMOL_PER_MG_DL


def creatinine_mg_dl_to_umol_l(mg_dl: float) -> float:
    """Convert serum creatinine from mg/dL to µmol/L: multiply by 88.4."""
    check_positive(mg_dl, "creatinine", "mg/dL")
    return mg_dl * CREATININE_UMOL_PER_MG_DL


def calvert_dose_mg(
    auc_mg_ml_min: float, gfr_ml_min: float, cap_ml_min: float | None = 125.0
) -> float:
    """Carboplatin dose by the Calvert formula, in mg: AUC × (min(GFR, cap) + 25).

    The GFR is capped at 125 mL/min by default, as NCCN templates and the 2010 FDA
    advice on carboplatin dosing recommend, so that an overestimated clearance cannot
    give an overdose (AUC 5 → at most 750 mg). Pass ``cap_ml_min=None`` for no cap.

    Source: Calvert AH, Newell DR, Gumbrell LA, et al. Carboplatin dosage: prospective
    evaluation of a simple formula based on renal function. J Clin Oncol
    1989;7(11):1748-1756.
    """
    check_positive(auc_mg_ml_min, "auc", "mg/mL·min")
    check_positive(gfr_ml_min, "gfr", "mL/min")
    gfr = gfr_ml_min
    if cap_ml_min is not None:
        check_positive(cap_ml_min, "gfr_cap", "mL/min")
        gfr = min(gfr, cap_ml_min)
    # 25 mL/min is Calvert's estimate of carboplatin's non-renal clearance.
    return auc_mg_ml_min * (gfr + 25)

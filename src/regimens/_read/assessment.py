"""The treatment-day assessment as written: labs, ULNs, toxicities, genotypes, conditions,
overrides (the ``when`` of a rule in a library file: :mod:`regimens._read.assessment_when`).

Labs (``--lab NAME=VALUE``) are read with their own small unit tables (no pint: a lab
has a handful of usual units, and the CLI must start fast): each value is converted to
the lab's canonical unit (:data:`regimens._models.assessment.LAB_UNITS`) or kept as a
multiple of the upper limit of normal (``ast=3xULN``). A bare number is accepted only
where it cannot be mistaken: ANC and platelets (10⁹/L) and the enzymes (U/L); a
bilirubin, creatinine or haemoglobin without its unit is refused, because the usual
units differ by a factor of 10 to 88 from one country to another. The ejection fraction
(``lvef``, and ``lvef_baseline`` before the drug was started) is a percentage: bare or
with ``%``, never a multiple of a ULN; a fraction (``0.45``) is refused with a hint. The
24-hour urine protein (``urine_protein``) needs its unit, g or mg per 24 hours.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence

from regimens._errors import InputError
from regimens._models.assessment import (
    LAB_NAMES,
    LAB_UNITS,
    AssessmentInputs,
    AssessmentSettings,
    LabValue,
    NamedState,
    ToxicityReport,
)
from regimens._models.base import FrozenDict, control_character
from regimens._models.constants import CREATININE_UMOL_PER_MG_DL

__all__ = [
    "BILIRUBIN_UMOL_PER_MG_DL",
    "DPYD_ACTIVITY_SCORES",
    "UGT1A1_ALLELES",
    "lab_value",
    "make_assessment_inputs",
    "parse_condition",
    "parse_dpyd_activity_score",
    "parse_lab",
    "parse_occurrence",
    "parse_override",
    "parse_toxicity",
    "parse_ugt1a1",
    "parse_uln",
    "parse_uracil",
]

#: µmol/L in 1 mg/dL of bilirubin (molar mass 584.66 g/mol: 10 mg/L ÷ 584.66 = 17.1 µmol/L).
BILIRUBIN_UMOL_PER_MG_DL = 17.1
#: Haemoglobin: g/dL in 1 mmol/L (monomer, 16.11 g/mmol ÷ 10).
_HB_G_DL_PER_MMOL_L = 1.611

_COUNT_UNITS = {
    "10^9/l": 1.0,
    "10e9/l": 1.0,
    "x10^9/l": 1.0,
    "g/l": 1.0,  # giga per litre, as French laboratories print it ("G/L")
    "10^3/ul": 1.0,
    "10^3/µl": 1.0,
    "k/ul": 1.0,
    "/mm3": 0.001,
    "cells/mm3": 0.001,
    "/ul": 0.001,
    "/µl": 0.001,
    "cells/ul": 0.001,
}
_ENZYME_UNITS = {"u/l": 1.0, "iu/l": 1.0, "ui/l": 1.0}
#: An ejection fraction: % (a fraction such as 0.45 falls below the plausible range).
_PERCENT_UNITS = {"%": 1.0}
#: Labs compared only with absolute thresholds: no multiple of a ULN.
_ABSOLUTE_LABS = ("anc", "platelets", "hemoglobin", "lvef", "lvef_baseline", "urine_protein")
#: A 24-hour urine protein: g or mg per 24 hours (a day), never bare (they differ 1000-fold).
_URINE_PROTEIN_UNITS = {
    "g/24h": 1.0,
    "g/d": 1.0,
    "g/day": 1.0,
    "g/j": 1.0,
    "mg/24h": 0.001,
    "mg/d": 0.001,
    "mg/day": 0.001,
    "mg/j": 0.001,
}

#: Per lab: its units → factor to the canonical unit; whether a bare number is accepted;
#: the plausible range in the canonical unit.
_LABS: dict[str, tuple[dict[str, float], bool, tuple[float, float]]] = {
    "anc": (_COUNT_UNITS, True, (0.0, 100.0)),
    "platelets": (_COUNT_UNITS, True, (0.0, 2000.0)),
    "hemoglobin": ({"g/dl": 1.0, "g/l": 0.1, "mmol/l": _HB_G_DL_PER_MMOL_L}, False, (1.0, 25.0)),
    "bilirubin": (
        {
            "mg/dl": 1.0,
            "umol/l": 1 / BILIRUBIN_UMOL_PER_MG_DL,
            "µmol/l": 1 / BILIRUBIN_UMOL_PER_MG_DL,
        },
        False,
        (0.0, 60.0),
    ),
    "ast": (_ENZYME_UNITS, True, (0.0, 50000.0)),
    "alt": (_ENZYME_UNITS, True, (0.0, 50000.0)),
    "alp": (_ENZYME_UNITS, True, (0.0, 20000.0)),
    "creatinine": (
        {
            "mg/dl": 1.0,
            "umol/l": 1 / CREATININE_UMOL_PER_MG_DL,
            "µmol/l": 1 / CREATININE_UMOL_PER_MG_DL,
        },
        False,
        (0.05, 30.0),
    ),
    "lvef": (_PERCENT_UNITS, True, (5.0, 90.0)),
    "lvef_baseline": (_PERCENT_UNITS, True, (5.0, 90.0)),
    "urine_protein": (_URINE_PROTEIN_UNITS, False, (0.0, 50.0)),
}
_LAB_ALIASES = {
    "neutrophils": "anc",
    "pnn": "anc",
    "plt": "platelets",
    "plaquettes": "platelets",
    "hb": "hemoglobin",
    "haemoglobin": "hemoglobin",
    "hgb": "hemoglobin",
    "bili": "bilirubin",
    "sgot": "ast",
    "asat": "ast",
    "sgpt": "alt",
    "alat": "alt",
    "pal": "alp",
    "creat": "creatinine",
    "ef": "lvef",
    "fevg": "lvef",
    "lvef-baseline": "lvef_baseline",
    "baseline-lvef": "lvef_baseline",
    "baseline_lvef": "lvef_baseline",
    "lvef0": "lvef_baseline",
    "fevg-initiale": "lvef_baseline",
    "fevg_initiale": "lvef_baseline",
    "proteinuria": "urine_protein",
    "proteinurie": "urine_protein",
    "urine-protein": "urine_protein",
}
_ULN_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*[x×*]\s*uln\s*$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^\s*([+-]?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(.*?)\s*$", re.IGNORECASE)
#: The DPYD activity scores CPIC defines.
DPYD_ACTIVITY_SCORES = (0.0, 0.5, 1.0, 1.5, 2.0)
#: UGT1A1 alleles accepted: *1 (normal), *6 and *28 and *37 (decreased function), *36
#: (increased); DPWG names *6, *28 and *37 as the decreased-function alleles.
UGT1A1_ALLELES = ("*1", "*6", "*28", "*36", "*37")
_MAX_TEXT = 200


def _clean(text: object, field: str, what: str) -> str:
    if not isinstance(text, str):
        raise InputError(f"{what}: expected text, got {text!r}", field=field)
    if len(text) > _MAX_TEXT:
        raise InputError(f"{what}: longer than {_MAX_TEXT} characters", field=field)
    if control_character(text) is not None:
        raise InputError(f"{what}: contains a control character: {text!r}", field=field)
    return text.strip()


def _lab_name(name: str, field: str) -> str:
    key = name.strip().lower()
    key = _LAB_ALIASES.get(key, key)
    if key not in LAB_UNITS:
        raise InputError(f"unknown lab {name!r}: the labs are {', '.join(LAB_NAMES)}", field=field)
    return key


def _unit_key(unit: str) -> str:
    return (
        unit.replace(" ", "")
        .replace("μ", "µ")
        .replace("×", "x")
        .replace("³", "3")
        .replace("⁹", "9")
        .replace("10⁹", "10^9")
        .lower()
    )


def _split(text: str, field: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise InputError(f"{what}: write NAME=VALUE, got {text!r}", field=field)
    return name, value.strip()


def parse_lab(text: object, field: str = "labs") -> LabValue:
    """``NAME=VALUE`` → a :class:`LabValue` in the lab's canonical unit or as ×ULN.

    >>> parse_lab("bilirubin=34.2 umol/L").value
    2.0
    """
    raw = _clean(text, field, "lab")
    name, value = _split(raw, field, "lab")
    lab = _lab_name(name, field)
    return lab_value(lab, value, field)


def lab_value(lab: str, value: object, field: str = "labs") -> LabValue:
    """One lab's value as written (``"40 umol/L"``, ``"3xULN"``, ``1.2``) → LabValue."""
    if isinstance(value, bool):
        raise InputError(f"lab {lab}: expected a number with its unit, got {value!r}", field=field)
    if isinstance(value, int | float):
        value = repr(float(value))
    text = _clean(value, field, f"lab {lab}")
    units, bare_ok, (low, high) = _LABS[lab]
    canonical = LAB_UNITS[lab]
    uln = _ULN_RE.match(text)
    if uln and lab in _ABSOLUTE_LABS:
        raise InputError(
            f"lab {lab}: {text!r}: {lab} is given as a value (e.g. {lab}={_example(lab)}), "
            "not as a multiple of the ULN",
            field=field,
        )
    if uln:
        times = float(uln.group(1))
        if not 0 <= times <= 1000:
            raise InputError(f"lab {lab}: {times:g} × ULN is outside 0 to 1000 × ULN", field=field)
        return LabValue(name=lab, times_uln=times, typed=text)
    match = _NUMBER_RE.match(text)
    if not match:
        raise InputError(
            f"lab {lab}: {text!r} is not a number with its unit (e.g. {lab}={_example(lab)})",
            field=field,
        )
    number = float(match.group(1))
    unit = match.group(2)
    if not math.isfinite(number) or number < 0:
        raise InputError(f"lab {lab}: {text!r} must be a finite number ≥ 0", field=field)
    if not unit:
        if not bare_ok:
            accepted = ", ".join(sorted({_shown_unit(key) for key in units}))
            alternative = (
                f" (e.g. {lab}={_example(lab)})"
                if lab in _ABSOLUTE_LABS
                else f" or as a multiple of the ULN (e.g. {lab}=1.5xULN)"
            )
            raise InputError(
                f"lab {lab}: {text!r} has no unit; write it with one ({accepted})"
                f"{alternative}: the usual units differ between laboratories",
                field=field,
            )
        factor = 1.0
    else:
        factor_or_none = units.get(_unit_key(unit))
        if factor_or_none is None:
            accepted = ", ".join(sorted({_shown_unit(key) for key in units}))
            if lab not in _ABSOLUTE_LABS:
                accepted += ", or ×ULN"
            raise InputError(
                f"lab {lab}: unit {unit!r} is not one for {lab} (accepted: {accepted})",
                field=field,
            )
        factor = factor_or_none
    converted = number * factor
    if not low <= converted <= high:
        hint = ""
        if not unit and lab in ("anc", "platelets") and low <= number / 1000 <= high:
            hint = f"; did you mean {number:g}/mm3 (= {number / 1000:g} × 10^9/L)?"
        elif lab in ("lvef", "lvef_baseline") and 0 < number <= 1 and low <= number * 100:
            hint = f"; an ejection fraction is written in %: did you mean {number * 100:g} %?"
        raise InputError(
            f"lab {lab}: {text} is outside the plausible range {low:g} to {high:g} {canonical}"
            + hint,
            field=field,
        )
    return LabValue(name=lab, value=converted, typed=text)


def _shown_unit(key: str) -> str:
    return {
        "10^9/l": "10^9/L",
        "10e9/l": "10^9/L",
        "x10^9/l": "10^9/L",
        "g/l": "G/L" if key == "g/l" else key,
        "10^3/ul": "10^3/µL",
        "10^3/µl": "10^3/µL",
        "k/ul": "10^3/µL",
        "/mm3": "/mm3",
        "cells/mm3": "/mm3",
        "/ul": "/µL",
        "/µl": "/µL",
        "cells/ul": "/µL",
        "u/l": "U/L",
        "iu/l": "U/L",
        "ui/l": "U/L",
        "mg/dl": "mg/dL",
        "umol/l": "µmol/L",
        "µmol/l": "µmol/L",
        "g/dl": "g/dL",
        "mmol/l": "mmol/L",
        "%": "%",
        "g/24h": "g/24h",
        "g/d": "g/24h",
        "g/day": "g/24h",
        "g/j": "g/24h",
        "mg/24h": "mg/24h",
        "mg/d": "mg/24h",
        "mg/day": "mg/24h",
        "mg/j": "mg/24h",
    }.get(key, key)


def _example(lab: str) -> str:
    return {
        "anc": "1.2",
        "platelets": "120",
        "hemoglobin": "10.5 g/dL",
        "bilirubin": "34 umol/L",
        "creatinine": "80 umol/L",
        "lvef": "55 %",
        "lvef_baseline": "62 %",
        "urine_protein": "2.5 g/24h",
    }.get(lab, "40 U/L")


def parse_uln(text: object, field: str = "uln") -> tuple[str, float]:
    """``NAME=VALUE`` → (lab, ULN in the lab's canonical unit)."""
    raw = _clean(text, field, "ULN")
    name, value = _split(raw, field, "ULN")
    lab = _lab_name(name, field)
    if lab in _ABSOLUTE_LABS:
        raise InputError(
            f"ULN of {lab}: rules on {lab} use absolute thresholds, not multiples of a ULN",
            field=field,
        )
    parsed = lab_value(lab, value, field)
    if parsed.value is None or parsed.value <= 0:
        raise InputError(
            f"ULN of {lab}: give it as a positive value with its unit, got {value!r}", field=field
        )
    return lab, parsed.value


def _state(name: str, states: Sequence[NamedState], field: str, what: str) -> str:
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    for state in states:
        if key == state.name or key in (alias.lower() for alias in state.aliases):
            return state.name
    names = ", ".join(state.name for state in states) or "none"
    raise InputError(f"unknown {what} {name!r}: the accepted names are {names}", field=field)


def parse_toxicity(
    text: object, settings: AssessmentSettings, field: str = "toxicities"
) -> ToxicityReport:
    """``NAME=GRADE[:OCCURRENCE]`` → a :class:`ToxicityReport` (CTCAE v5 grade 0-4)."""
    raw = _clean(text, field, "toxicity")
    name, value = _split(raw, field, "toxicity")
    canonical = _state(name, settings.toxicities, field, "toxicity")
    grade_text, _, occurrence_text = value.partition(":")
    grade_text = grade_text.strip().lower().removeprefix("grade").strip()
    if not grade_text.isdigit() or not 0 <= int(grade_text) <= 4:
        raise InputError(
            f"toxicity {canonical}: grade must be a CTCAE grade 0 to 4, got {value!r}",
            field=field,
        )
    occurrence = 1
    if occurrence_text.strip():
        if not occurrence_text.strip().isdigit() or not 1 <= int(occurrence_text) <= 20:
            raise InputError(
                f"toxicity {canonical}: occurrence must be a whole number 1 to 20 (the how-"
                f"many-th time this grade occurs), got {occurrence_text.strip()!r}",
                field=field,
            )
        occurrence = int(occurrence_text)
    return ToxicityReport(name=canonical, grade=int(grade_text), occurrence=occurrence)


def parse_condition(text: object, settings: AssessmentSettings, field: str = "conditions") -> str:
    """A condition name (or alias) → its canonical name."""
    return _state(_clean(text, field, "condition"), settings.conditions, field, "condition")


def parse_dpyd_activity_score(value: object, field: str = "dpyd_activity_score") -> float:
    """A DPYD activity score: 0, 0.5, 1, 1.5 or 2 (CPIC)."""
    try:
        score = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        score = math.nan
    if isinstance(value, bool) or score not in DPYD_ACTIVITY_SCORES:
        raise InputError(
            f"DPYD activity score must be one of 0, 0.5, 1, 1.5, 2, got {value!r}", field=field
        )
    return score


def parse_uracil(value: object, field: str = "uracil") -> float:
    """A plasma uracil concentration in ng/mL (a unit may be written: ``18 ng/mL``)."""
    text = value if isinstance(value, str) else repr(value)
    text = _clean(text, field, "uracil").lower().replace(" ", "")
    text = text.removesuffix("ng/ml")
    try:
        number = float(text)
    except ValueError:
        raise InputError(
            f"uracil must be a concentration in ng/mL (e.g. 18 or 18 ng/mL), got {value!r}",
            field=field,
        ) from None
    if not math.isfinite(number) or not 0 <= number <= 2000:
        raise InputError(
            f"uracil {value!r} is outside the plausible range 0 to 2000 ng/mL", field=field
        )
    return number


def parse_ugt1a1(value: object, field: str = "ugt1a1") -> str:
    """A UGT1A1 genotype: ``*1/*28``, ``*28/*28`` …; the alleles are put in order."""
    text = _clean(value, field, "UGT1A1").replace(" ", "")
    parts = text.split("/")
    order = {allele: index for index, allele in enumerate(UGT1A1_ALLELES)}
    if len(parts) != 2 or any(part not in order for part in parts):
        raise InputError(
            f"UGT1A1 genotype must be two alleles among {', '.join(UGT1A1_ALLELES)} "
            f"(e.g. *1/*28), got {value!r}",
            field=field,
        )
    first, second = sorted(parts, key=order.__getitem__)
    return f"{first}/{second}"


def parse_override(text: object, field: str = "overrides") -> tuple[str, str]:
    """``RULE=REASON`` → (rule id, the prescriber's reason)."""
    raw = _clean(text, field, "override")
    rule, sep, reason = raw.partition("=")
    if not sep or not rule.strip() or len(reason.strip()) < 3:
        raise InputError(
            f"override: write RULE=REASON with the prescriber's reason (e.g. "
            f"oxaliplatin-dic=treating DIC from marrow infiltration), got {raw!r}",
            field=field,
        )
    return rule.strip().lower(), reason.strip()


def parse_occurrence(value: object) -> tuple[int, int | None]:
    """A ladder rung's ``occurrence``: ``"1"`` → (1, 1); ``"3-"`` → (3, None); ``"2-3"``."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d*))?", text)
    if isinstance(value, bool) or not match:
        raise ValueError(f"occurrence must be '1', '2-3' or '3-' (3rd and later), got {value!r}")
    low = int(match.group(1))
    if match.group(2) is None:
        return low, low
    return low, int(match.group(2)) if match.group(2) else None


def settings_names(settings: AssessmentSettings) -> Mapping[str, tuple[str, ...]]:
    """The toxicity and condition names of the settings (for messages)."""
    return {
        "toxicities": tuple(state.name for state in settings.toxicities),
        "conditions": tuple(state.name for state in settings.conditions),
    }


def make_assessment_inputs(
    settings: AssessmentSettings,
    *,
    labs: Sequence[object] = (),
    uln: Sequence[object] = (),
    date: object = None,
    lab_date: object = None,
    toxicities: Sequence[object] = (),
    dpyd_activity_score: object = None,
    uracil: object = None,
    ugt1a1: object = None,
    reference_weight: object = None,
    conditions: Sequence[object] = (),
    country: object = None,
    overrides: Sequence[object] = (),
    always: bool = False,
) -> AssessmentInputs | None:
    """The treatment day's inputs as written (CLI options, batch cells) → the model.

    None when nothing of an assessment is given (and ``always`` is false: ``regimens
    assess`` makes one whatever is given). Each item is read by its parser above; a
    lab, ULN, toxicity or override given twice for the same name is refused.
    """
    given = [labs, uln, toxicities, conditions, overrides]
    singles = [date, lab_date, dpyd_activity_score, uracil, ugt1a1, reference_weight, country]
    if not always and not any(given) and all(item is None for item in singles):
        return None
    parsed_labs: dict[str, LabValue] = {}
    for item in labs:
        lab = parse_lab(item)
        if lab.name in parsed_labs:
            raise InputError(f"lab {lab.name} is given twice: give it once", field="labs")
        parsed_labs[lab.name] = lab
    ulns: dict[str, float] = {}
    for item in uln:
        name, value = parse_uln(item)
        if name in ulns:
            raise InputError(f"ULN of {name} is given twice: give it once", field="uln")
        ulns[name] = value
    reports: list[ToxicityReport] = []
    for item in toxicities:
        report = parse_toxicity(item, settings)
        if any(other.name == report.name for other in reports):
            raise InputError(
                f"toxicity {report.name} is given twice: give its worst grade once",
                field="toxicities",
            )
        reports.append(report)
    rules: dict[str, str] = {}
    for item in overrides:
        rule, reason = parse_override(item)
        if rule in rules:
            raise InputError(f"rule {rule} is overridden twice", field="overrides")
        rules[rule] = reason
    return AssessmentInputs(
        date=_date(date, "date"),
        lab_date=_date(lab_date, "lab_date"),
        labs=FrozenDict(parsed_labs),
        uln=FrozenDict(ulns),
        toxicities=tuple(reports),
        dpyd_activity_score=(
            None if dpyd_activity_score is None else parse_dpyd_activity_score(dpyd_activity_score)
        ),
        uracil_ng_ml=None if uracil is None else parse_uracil(uracil),
        ugt1a1=None if ugt1a1 is None else parse_ugt1a1(ugt1a1),
        reference_weight_kg=_weight(reference_weight),
        conditions=tuple(dict.fromkeys(parse_condition(item, settings) for item in conditions)),
        country=_country(country),
        overrides=FrozenDict(rules),
    )


def _date(value: object, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = _clean(value, field, field.replace("_", " "))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{field.replace('_', ' ')}: {text!r} is not a date: write YYYY-MM-DD "
            "(e.g. 2026-12-04)",
            field=field,
        ) from None


def _weight(value: object) -> float | None:
    if value is None:
        return None
    from regimens._read.units import parse_measurement  # pint only when a unit is written

    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(
            f"reference weight: expected a weight, got {value!r}", field="reference_weight"
        )
    weight = parse_measurement(value, field="reference_weight", kind="mass")
    if not 20 <= weight <= 350:
        raise InputError(
            f"reference weight: {value!r} is outside 20 to 350 kg (the weight the previous "
            "doses were computed from)",
            field="reference_weight",
        )
    return weight


def _country(value: object) -> str | None:
    if value is None:
        return None
    text = _clean(value, "country", "country").upper()
    if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", text):
        raise InputError(
            f"country: {text!r} is not an ISO 3166 code (e.g. FR, DE, DE-BY)", field="country"
        )
    return text.split("-")[0]

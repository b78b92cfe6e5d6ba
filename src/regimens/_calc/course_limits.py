"""Cumulative limits of a course: the status of each, how many more cycles fit, and the
warning that says so (the rules are in :mod:`regimens._calc.course`'s docstring)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from regimens._errors import InputError
from regimens._models.course import (
    COURSE_WARNING_CODES,
    CourseWarning,
    CourseWarningCode,
    LimitReport,
    LimitStatus,
)

if TYPE_CHECKING:
    from regimens._calc.course import DrugSum
    from regimens._models.library import Library
    from regimens._models.regimen import Regimen

__all__ = ["course_limits", "cycles_that_fit", "limit_status", "limit_warning"]

#: Values are compared after rounding to this many decimals.
_DECIMALS = 6


def _round(value: float) -> float:
    return round(value, _DECIMALS) + 0.0  # + 0.0: no -0.0


def limit_status(cumulative: float, limit: float) -> LimitStatus:
    """Below, exactly at (after rounding to 6 decimals) or past a limit."""
    difference = round(cumulative - limit, _DECIMALS)
    if difference > 0:
        return "exceeded"
    return "reached" if difference == 0 else "below"


def cycles_that_fit(cumulative: float, limit: float, per_cycle: float) -> int:
    """The largest n ≥ 0 with cumulative + n × per_cycle ≤ limit (6-decimal rounding).

    >>> cycles_that_fit(300, 900, 50)   # epirubicin after EOX x 6: 600 mg/m2 left
    12
    >>> cycles_that_fit(850, 900, 50), cycles_that_fit(900, 900, 50)
    (1, 0)
    """
    if per_cycle <= 0:
        raise ValueError(f"per_cycle must be positive, got {per_cycle}")
    remaining = round(limit - cumulative, _DECIMALS)
    if remaining <= 0:
        return 0
    return math.floor(round(remaining / per_cycle, _DECIMALS))


def course_limits(
    library: Library,
    totals: dict[str, DrugSum],
    next_sums: dict[str, DrugSum],
    ratios: Mapping[str, float],
    current_line: int,
    current: Regimen,
) -> list[LimitReport]:
    reports: list[LimitReport] = []
    for drug in dict.fromkeys([*totals, *next_sums]):
        facts = library.drug(drug)
        limit = facts.cumulative_limit
        if limit is None:
            continue
        own_ratio = ratios.get(drug)
        if own_ratio is not None and limit.unit == "mg/m2":
            # Every anthracycline of the course, in this drug's own mg/m2.
            counted = tuple(d for d in totals if d in ratios)
            cumulative = _round(
                sum(_per_m2(drug, d, totals[d]) * ratios[d] for d in counted) / own_ratio
            )
            in_next = [d for d in next_sums if d in ratios]
            per_cycle: float | None = (
                _round(sum(_per_m2(drug, d, next_sums[d]) * ratios[d] for d in in_next) / own_ratio)
                if drug in next_sums
                else None
            )
        else:
            counted = (drug,)
            cumulative = _amount_in(drug, totals.get(drug), limit.unit)
            per_cycle = _amount_in(drug, next_sums[drug], limit.unit) if drug in next_sums else None
        fit = cycles_that_fit(cumulative, limit.amount, per_cycle) if per_cycle else None
        reports.append(
            LimitReport(
                drug=drug,
                kind=limit.kind,
                evidence=limit.evidence,
                limit=limit.amount,
                unit=limit.unit,
                source=limit.source,
                note=limit.note,
                counted=counted,
                cumulative=cumulative,
                remaining=_round(limit.amount - cumulative),
                percent_of_limit=_round(cumulative / limit.amount * 100),
                status=limit_status(cumulative, limit.amount),
                current_line=current_line,
                current_regimen=current.id,
                per_cycle=per_cycle,
                cycles_that_fit=fit,
            )
        )
    return reports


def _amount_in(drug: str, drug_sum: DrugSum | None, unit: str) -> float:
    """A drug's cumulative amount in a limit's unit (mg/m² or mg)."""
    if drug_sum is None:
        return 0.0
    if unit == "mg":
        return _round(drug_sum.mg)
    if unit == "mg/m2" and drug_sum.mg_per_m2 is not None:
        return drug_sum.mg_per_m2
    raise InputError(
        f"the cumulative limit of {drug} is in {unit}: it can be checked only when {drug} "
        "is dosed per m2 in every line of the course (limits in mg/m2 or mg are supported)",
        field="cumulative_limit",
    )


def _per_m2(limited: str, drug: str, drug_sum: DrugSum) -> float:
    """An anthracycline's cumulative mg/m², counted in the limit of ``limited``.

    A drug not dosed per m² in every line has no mg/m² to convert: refused, never
    counted as 0 (a dose per kg or a flat dose would silently drop out of the limit).
    """
    if drug_sum.mg_per_m2 is None:
        raise InputError(
            f"the cumulative limit of {limited} in mg/m2 counts every anthracycline of the "
            f"course: it can be checked only when {drug} is dosed per m2 in every line of "
            "the course",
            field="cumulative_limit",
        )
    return drug_sum.mg_per_m2


def _number(value: float) -> str:
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"


def limit_warning(report: LimitReport) -> CourseWarning:
    """The warning of one limit: past it, at it, one cycle away, or how far from it."""
    advisory = report.kind == "advisory"
    params = {
        "drug": report.drug,
        "cumulative": _number(report.cumulative),
        "limit": _number(report.limit),
        "unit": report.unit,
        "regimen": report.current_regimen,
        "percent": f"{report.percent_of_limit:.0f}",
    }
    code: CourseWarningCode
    if report.status == "exceeded":
        code = "ADVISORY_THRESHOLD_EXCEEDED" if advisory else "CUMULATIVE_LIMIT_EXCEEDED"
    elif report.status == "reached":
        code = "ADVISORY_THRESHOLD_REACHED" if advisory else "CUMULATIVE_LIMIT_REACHED"
    elif report.cycles_that_fit == 0 and report.per_cycle is not None:
        code = "ADVISORY_THRESHOLD_NEXT_CYCLE" if advisory else "CUMULATIVE_LIMIT_NEXT_CYCLE"
        params["per_cycle"] = _number(report.per_cycle)
    else:
        code = "CUMULATIVE_HEADROOM"
        in_line = report.cycles_that_fit is not None
        variant = "_".join(
            part
            for part in ("advisory" if advisory else "", "" if in_line else "not_in_line")
            if part
        )
        if variant:
            params["variant"] = variant
        if in_line:
            params["cycles"] = str(report.cycles_that_fit)
    return CourseWarning(
        severity=COURSE_WARNING_CODES[code], code=code, drug=report.drug, params=params
    )

"""The ``when`` of an assessment step, evaluated three-valued: True, False, or None when
an input it needs is missing (``regimens._calc.assessment`` reports what is missing).

A comparison in × ULN uses the laboratory's ULN when given (``--uln``), else the
library's default, and the value it shows says which (a default is an assumption the
pharmacist must see).
"""

from __future__ import annotations

from collections.abc import Collection

from regimens._models.assessment import LAB_UNITS, AssessmentInputs, Comparison, When

__all__ = ["evaluate_when"]


#: Significant digits a value is compared at: a lab converted from another unit or
#: divided by its ULN carries binary noise (3.6 mg/dL ÷ 1.2 = 3.0000000000000004, and
#: 20.52 µmol/L ÷ 17.1 = 1.2000000000000002), which must not put a value exactly on a
#: threshold on its wrong side. Ten digits are far finer than any laboratory reports.
_DIGITS = 10


def _bare(typed: str) -> bool:
    """A lab typed as a number alone (``anc=1.2``), in its canonical unit."""
    try:
        float(typed)
    except ValueError:
        return False
    return True


def _compare(op: str, left: float, right: float) -> bool:
    left, right = float(f"{left:.{_DIGITS}g}"), float(f"{right:.{_DIGITS}g}")
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def _comparison(
    comparison: Comparison,
    inputs: AssessmentInputs,
    uln: dict[str, float],
    defaults: Collection[str] = (),
) -> tuple[bool | None, str]:
    """(True/False, or None when the input is missing; the value as compared)."""
    subject = comparison.subject
    if subject == "condition":
        present = comparison.values[0] in inputs.conditions
        if comparison.op == "lacks":  # an absent condition is not a value that decided
            return not present, ""
        return present, ", ".join(inputs.conditions) or "none"
    if subject == "ugt1a1":
        if inputs.ugt1a1 is None:
            return None, ""
        return inputs.ugt1a1 in comparison.values, inputs.ugt1a1
    if subject == "dpyd_activity_score":
        score = inputs.dpyd_activity_score
        if score is None:
            return None, ""
        if comparison.op == "in":
            return f"{score:g}" in comparison.values, f"{score:g}"
        assert comparison.value is not None
        return _compare(comparison.op, score, comparison.value), f"{score:g}"
    if subject == "uracil":
        uracil = inputs.uracil_ng_ml
        if uracil is None:
            return None, ""
        assert comparison.value is not None
        return _compare(comparison.op, uracil, comparison.value), f"{uracil:g} ng/mL"
    if subject == "lvef_drop":
        return _lvef_drop(comparison, inputs)
    lab = inputs.labs.get(subject)
    if lab is None:
        return None, ""
    assert comparison.value is not None
    limit = uln.get(subject)
    if comparison.uln:
        if lab.times_uln is not None:
            seen = lab.times_uln
        elif limit:
            assert lab.value is not None
            seen = lab.value / limit
        else:
            return None, lab.typed
        shown = f"{lab.typed} = {seen:.3g} × ULN" if lab.times_uln is None else lab.typed
        if lab.times_uln is None and subject in defaults:
            shown += f" (library default ULN {limit:g} {LAB_UNITS[subject]})"
        return _compare(comparison.op, seen, comparison.value), shown
    if lab.value is not None:
        seen = lab.value
    elif limit:
        assert lab.times_uln is not None
        seen = lab.times_uln * limit
    else:
        return None, lab.typed
    unit = LAB_UNITS[subject]
    if lab.typed.endswith(unit):
        shown = lab.typed
    elif _bare(lab.typed):  # a bare number is in the canonical unit: say which
        shown = f"{lab.typed} {unit}"
    else:
        shown = f"{lab.typed} = {seen:.4g} {unit}"
    if lab.value is None and subject in defaults:
        shown += f" (library default ULN {limit:g} {unit})"
    return _compare(comparison.op, seen, comparison.value), shown


def _lvef_drop(comparison: Comparison, inputs: AssessmentInputs) -> tuple[bool | None, str]:
    """The fall of the ejection fraction from its baseline, in percentage points."""
    now, before = inputs.labs.get("lvef"), inputs.labs.get("lvef_baseline")
    if now is None or before is None or now.value is None or before.value is None:
        return None, ""
    assert comparison.value is not None
    drop = before.value - now.value
    shown = f"{drop:.4g} points ({before.value:.4g} % → {now.value:.4g} %)"
    return _compare(comparison.op, drop, comparison.value), shown


#: What a derived subject is computed from: a missing one names its inputs.
_DERIVED: dict[str, tuple[str, ...]] = {"lvef_drop": ("lvef_baseline", "lvef")}


def evaluate_when(
    when: When,
    inputs: AssessmentInputs,
    uln: dict[str, float],
    defaults: Collection[str] = (),
) -> tuple[bool | None, list[str], list[str]]:
    """Three-valued: True, False or None (undecided: an input is missing); the missing
    subjects; the values that decided it (of the matching group when True)."""
    missing: list[str] = []
    undecided = False
    for group in when.any_of:
        results = []
        shown: list[str] = []
        for comparison in group:
            result, value = _comparison(comparison, inputs, uln, defaults)
            results.append(result)
            if result is None:
                derived_from = _DERIVED.get(comparison.subject)
                if derived_from is None:
                    missing.append(comparison.subject)
                else:
                    missing.extend(name for name in derived_from if name not in inputs.labs)
            elif value:
                shown.append(f"{comparison.subject} {value}")
        if all(result is True for result in results):
            return True, [], shown
        if not any(result is False for result in results):
            undecided = True
    return (None if undecided else False), list(dict.fromkeys(missing)), []

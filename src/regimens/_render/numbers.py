"""Numbers as a reader of each language writes them: ``1712.5`` / ``1 712,5``.

French writes a decimal comma and groups the thousands with a narrow no-break space
(U+202F, the "espace fine insécable" of the Imprimerie nationale's rules), so that
``1 712,5 mg`` never breaks across two lines. The renderers format numbers once, in
English (``f"{dose:.2f}"``); :func:`localize` then rewrites the numbers of a text a
person reads. It is applied to the pieces the tool wrote (cells, values, the
parameters of a sentence), never to text quoted from a source (a citation keeps its
``§4.2``) nor to JSON or CSV, whose numbers stay machine-readable (docs/json-output.md;
docs/user-guide.md, "Languages").

A number next to a letter, a hyphen, a slash, a colon or a caret is not a quantity
but part of a name, a code, a date or a time (``FOLFOX-6``, ``m2``, ``10^9/L``,
``07/12/2026``, ``11:58``, ``0.1.0``) and is left alone; so is a year after a month
name (``décembre 2026``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regimens._models.measures import Measured
    from regimens._render.catalogue import Lang

__all__ = ["NARROW_NBSP", "formula_text", "localize", "localize_values", "measured_text"]

#: U+202F NARROW NO-BREAK SPACE: the French thousands separator.
NARROW_NBSP = "\u202f"

# Not after a word character, a point, a comma, a slash, a colon, a caret, a section
# sign, or a hyphen that follows a word character (a sign "-3.6" is a number); not
# before a word character, a slash, a colon, a caret, a hyphen, or a point/comma that
# continues the number (0.1.0).
_NUMBER = re.compile(r"(?<![\w.,/:^§])(?<!\w-)(\d+)(?:\.(\d+))?(?![\w/:^\-]|[.,]\d)")
_MONTH_BEFORE = re.compile(
    r"(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
    r"\s$"
)


def _grouped(digits: str) -> str:
    """``1712`` → ``1 712`` (narrow no-break spaces), from the right."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NARROW_NBSP.join(groups)


def _french(match: re.Match[str]) -> str:
    whole, decimals = match.group(1), match.group(2)
    year = decimals is None and len(whole) == 4
    if year and _MONTH_BEFORE.search(match.string, 0, match.start()):
        return whole  # a year: "décembre 2026", not "2 026"
    integer = _grouped(whole) if len(whole) > 3 and not whole.startswith("0") else whole
    return integer if decimals is None else f"{integer},{decimals}"


def localize(text: str, lang: Lang | str) -> str:
    """``text`` with its numbers written as ``lang`` writes them (English: unchanged)."""
    if lang != "fr" or not text:
        return text
    return _NUMBER.sub(_french, text)


#: Parameters that quote the library or a person (a source, an id, a rule's name, a
#: free-text reason): their numbers are not the tool's and are not rewritten.
VERBATIM_PARAMS = frozenset(
    {"source", "rule", "id", "regimen", "reason", "text", "note", "notes", "version", "sha"}
)


def localize_values(values: Mapping[str, object], lang: Lang | str) -> dict[str, object]:
    """A sentence's parameters with their numbers localized, but for quoted ones
    (:data:`VERBATIM_PARAMS`, and any ``*_source`` or ``*_id``)."""
    if lang != "fr":
        return dict(values)
    return {
        key: localize(value, lang)
        if isinstance(value, str)
        and key not in VERBATIM_PARAMS
        and not key.endswith(("source", "_id", "_fr", "_en"))
        else value
        for key, value in values.items()
    }


def measured_text(measured: Measured, unit: str, lang: Lang | str) -> str:
    """``170 cm``; a value typed in another unit shows it first, with the value used:
    ``95 µmol/L (1.07 mg/dL)`` (issue 22: the pharmacist checks what was typed)."""
    shown = f"{measured.value:g} {unit}"
    if measured.given_value is not None and measured.given_unit is not None:
        shown = f"{measured.given_value:g} {measured.given_unit} ({measured.value:.2f} {unit})"
    return localize(shown, lang)


#: The variables and words of the formulas as the calculators write them
#: (``_calc/bsa.py``, ``_calc/renal.py``), by language; units and symbols stay.
_FORMULA_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        ("height[", "taille["),
        ("weight[", "poids["),
        (" x weight ", " x poids "),
        ("(140 - age)", "(140 - âge)"),
        ("SCr[", "créatinine["),
        ("if female", "si femme"),
    ),
}


def formula_text(expression: str | None, lang: Lang | str) -> str:
    """A formula in ``lang``: ``√(height[cm] × weight[kg] / 3600)`` →
    ``√(taille[cm] × poids[kg] / 3600)``, numbers as the language writes them."""
    expression = expression or ""
    for english, local in _FORMULA_WORDS.get(lang, ()):
        expression = expression.replace(english, local)
    return localize(expression, lang)

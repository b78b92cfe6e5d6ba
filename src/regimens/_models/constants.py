"""Plain constants and names shared by readers and calculators.

Standard library only (and :mod:`regimens._errors`): the BSA and renal formulas import
this module, and they sit on the command line's cold-start path (tested: no pint, no
pydantic).
"""

from regimens._errors import UnknownNameError

__all__ = [
    "BSA_FORMULA_NAMES",
    "CM_PER_INCH",
    "CREATININE_UMOL_PER_MG_DL",
    "DEFAULT_BSA_FORMULA",
    "KG_PER_LB",
    "WEIGHT_BASES",
    "bsa_formula_key",
]

CREATININE_UMOL_PER_MG_DL = 88.4
"""µmol/L in 1 mg/dL of creatinine: 10 mg/L ÷ 113.12 mg/mmol = 0.08840 mmol/L.

Some code uses 88.42; we use 88.4, the factor laboratories and guidelines print.
"""

CM_PER_INCH = 2.54
"""The international inch (1959), exactly."""

KG_PER_LB = 0.45359237
"""The international avoirdupois pound (1959), exactly."""

WEIGHT_BASES = ("actual", "ideal", "adjusted")
"""The weights a dose can be based on (:func:`regimens._calc.renal.dosing_weight`)."""

DEFAULT_BSA_FORMULA = "mosteller"
"""Mosteller is the default: it is what most protocols, eviQ and dosing software use."""

BSA_FORMULA_NAMES = (
    "mosteller",
    "dubois",
    "haycock",
    "gehan-george",
    "boyd",
    "fujimoto",
    "takahira",
    "shuter-aslani",
    "schlich",
)
"""The BSA formulas by name, in the order they are offered (``_calc/bsa.py: FORMULAS``,
tested to be the same names in the same order)."""


def bsa_formula_key(name: str) -> str:
    """The formula called ``name``: any case, ``_`` accepted for ``-``.

    Raises :class:`~regimens._errors.UnknownNameError` listing the accepted names and
    suggesting the closest one.
    """
    key = name.strip().lower().replace("_", "-")
    if key in BSA_FORMULA_NAMES:
        return key
    # Imported here: only a typo needs it, and the CLI's cold start is measured.
    import difflib

    close = difflib.get_close_matches(key, BSA_FORMULA_NAMES, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise UnknownNameError(
        f"unknown BSA formula {name!r}{hint}; accepted: {', '.join(BSA_FORMULA_NAMES)}",
        field="bsa_formula",
    )

"""Body surface area (BSA) formulas, in m², from height in cm and weight in kg.

One small pure function per published formula, each citing its primary source, and a
table (:data:`FORMULAS`) that the CLI and the dose calculator read to offer them by name.
Values are returned unrounded: rounding is a separate, visible step (:func:`round_bsa`).

This module sits on the CLI's hot path, so it imports only the standard library,
:mod:`regimens._errors` and the plain constants of :mod:`regimens._models.constants`;
callers convert units (pint) before calling it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal
from types import MappingProxyType

from regimens._calc.checks import check_positive
from regimens._errors import InputError, MissingInputError
from regimens._models.constants import DEFAULT_BSA_FORMULA, bsa_formula_key

__all__ = [
    "DEFAULT_FORMULA",
    "FORMULAS",
    "BsaFormula",
    "boyd",
    "bsa_by_formula",
    "compute_bsa",
    "dubois",
    "fujimoto",
    "gehan_george",
    "get_formula",
    "haycock",
    "mosteller",
    "round_bsa",
    "schlich",
    "shuter_aslani",
    "takahira",
]

_SEXES = ("female", "male")


def _check_height_weight(height_cm: float, weight_kg: float) -> None:
    check_positive(height_cm, "height", "cm")
    check_positive(weight_kg, "weight", "kg")


def _check_sex(sex: str | None, formula_label: str) -> str:
    """Return ``sex`` if it is ``"female"`` or ``"male"``; say why it is needed if not."""
    if sex is None:
        raise MissingInputError(
            f"the {formula_label} formula needs the patient's sex (female/male)", field="sex"
        )
    if sex not in _SEXES:
        raise InputError(f"sex must be 'female' or 'male'; got {sex!r}", field="sex")
    return sex


def mosteller(height_cm: float, weight_kg: float) -> float:
    """Mosteller: √(height[cm] × weight[kg] / 3600), in m².

    Source: Mosteller RD. Simplified calculation of body-surface area.
    N Engl J Med 1987;317(17):1098.
    """
    _check_height_weight(height_cm, weight_kg)
    return _mosteller(height_cm, weight_kg)


def _mosteller(height_cm: float, weight_kg: float) -> float:
    return math.sqrt(height_cm * weight_kg / 3600)


def dubois(height_cm: float, weight_kg: float) -> float:
    """DuBois & DuBois: 0.007184 × height[cm]^0.725 × weight[kg]^0.425, in m².

    Source: Du Bois D, Du Bois EF. A formula to estimate the approximate surface area
    if height and weight be known. Arch Intern Med 1916;17(6):863-871.
    """
    _check_height_weight(height_cm, weight_kg)
    return _dubois(height_cm, weight_kg)


def _dubois(height_cm: float, weight_kg: float) -> float:
    # The paper's own form (71.84 cm² → 0.007184 m², height in cm). The look-alike
    # 0.20247 × height[m]^0.725 × ... rounds the converted constant and differs from
    # it in the 6th significant digit; we keep the original.
    return 0.007184 * math.pow(height_cm, 0.725) * math.pow(weight_kg, 0.425)


def haycock(height_cm: float, weight_kg: float) -> float:
    """Haycock: 0.024265 × height[cm]^0.3964 × weight[kg]^0.5378, in m².

    Source: Haycock GB, Schwartz GJ, Wisotsky DH. Geometric method for measuring body
    surface area: a height-weight formula validated in infants, children, and adults.
    J Pediatr 1978;93(1):62-66.
    """
    _check_height_weight(height_cm, weight_kg)
    return _haycock(height_cm, weight_kg)


def _haycock(height_cm: float, weight_kg: float) -> float:
    # 0.3964, not 0.3974: the latter circulates in public code and is a typo.
    return 0.024265 * math.pow(height_cm, 0.3964) * math.pow(weight_kg, 0.5378)


def gehan_george(height_cm: float, weight_kg: float) -> float:
    """Gehan & George: 0.0235 × height[cm]^0.42246 × weight[kg]^0.51456, in m².

    Source: Gehan EA, George SL. Estimation of human body surface area from height
    and weight. Cancer Chemother Rep 1970;54(4):225-235.
    """
    _check_height_weight(height_cm, weight_kg)
    return _gehan_george(height_cm, weight_kg)


def _gehan_george(height_cm: float, weight_kg: float) -> float:
    return 0.0235 * math.pow(height_cm, 0.42246) * math.pow(weight_kg, 0.51456)


def boyd(height_cm: float, weight_kg: float) -> float:
    """Boyd: 0.0003207 × height[cm]^0.3 × W^(0.7285 − 0.0188 × log10 W), W = weight in g, m².

    Source: Boyd E. The Growth of the Surface Area of the Human Body. Minneapolis:
    University of Minnesota Press; 1935.
    """
    _check_height_weight(height_cm, weight_kg)
    return _boyd(height_cm, weight_kg)


def _boyd(height_cm: float, weight_kg: float) -> float:
    # Boyd fitted weight in grams with a decimal logarithm; using kg or ln instead
    # gives values that look plausible but are wrong (ln: 0.499 m² at 170 cm/75 kg).
    weight_g = weight_kg * 1000
    exponent = 0.7285 - 0.0188 * math.log10(weight_g)
    return 0.0003207 * math.pow(height_cm, 0.3) * math.pow(weight_g, exponent)


def fujimoto(height_cm: float, weight_kg: float) -> float:
    """Fujimoto: 0.008883 × height[cm]^0.663 × weight[kg]^0.444, in m².

    Source: Fujimoto S, Watanabe T, Sakamoto A, Yukawa K, Morimoto K. Studies on the
    physical surface area of Japanese. 18. Calculation formulas in three stages over
    all ages. Nihon Eiseigaku Zasshi 1968;23(5):443-450.
    """
    _check_height_weight(height_cm, weight_kg)
    return _fujimoto(height_cm, weight_kg)


def _fujimoto(height_cm: float, weight_kg: float) -> float:
    return 0.008883 * math.pow(height_cm, 0.663) * math.pow(weight_kg, 0.444)


def takahira(height_cm: float, weight_kg: float) -> float:
    """Takahira: 0.007241 × height[cm]^0.725 × weight[kg]^0.425, in m².

    Source: Takahira H, 1925 (Japanese original; DuBois exponents refitted on Japanese
    adults), as reproduced by Fujimoto et al., Nihon Eiseigaku Zasshi 1968;23:443-450.
    """
    _check_height_weight(height_cm, weight_kg)
    return _takahira(height_cm, weight_kg)


def _takahira(height_cm: float, weight_kg: float) -> float:
    return 0.007241 * math.pow(height_cm, 0.725) * math.pow(weight_kg, 0.425)


def shuter_aslani(height_cm: float, weight_kg: float) -> float:
    """Shuter & Aslani: 0.00949 × height[cm]^0.655 × weight[kg]^0.441, in m².

    Source: Shuter B, Aslani A. Body surface area: Du Bois and Du Bois revisited.
    Eur J Appl Physiol 2000;82(3):250-254.
    """
    _check_height_weight(height_cm, weight_kg)
    return _shuter_aslani(height_cm, weight_kg)


def _shuter_aslani(height_cm: float, weight_kg: float) -> float:
    return 0.00949 * math.pow(height_cm, 0.655) * math.pow(weight_kg, 0.441)


def schlich(height_cm: float, weight_kg: float, sex: str | None) -> float:
    """Schlich, by sex, in m².

    female: 0.000975482 × height[cm]^1.08 × weight[kg]^0.46;
    male:   0.000579479 × height[cm]^1.24 × weight[kg]^0.38.

    Source: Schlich E, Schumm M, Schlich M. 3-D-Body-Scan als anthropometrisches
    Verfahren zur Bestimmung der spezifischen Körperoberfläche. Ernährungs Umschau
    2010;57:178-183.
    """
    _check_height_weight(height_cm, weight_kg)
    return _schlich(height_cm, weight_kg, _check_sex(sex, "Schlich"))


def _schlich(height_cm: float, weight_kg: float, sex: str) -> float:
    # Fitted separately on 3-D body scans of women and men: there is no sex-neutral form.
    if sex == "female":
        return 0.000975482 * math.pow(height_cm, 1.08) * math.pow(weight_kg, 0.46)
    return 0.000579479 * math.pow(height_cm, 1.24) * math.pow(weight_kg, 0.38)


@dataclass(frozen=True)
class BsaFormula:
    """A BSA formula as offered to users: its CLI name, how to show it, and its source."""

    name: str
    """The name used on the command line and in files, e.g. ``gehan-george``."""
    label: str
    """The name shown to people, e.g. ``Gehan & George``."""
    expression: str
    """The formula as text, with the unit of each variable."""
    reference: str
    """The primary source."""
    needs_sex: bool
    """True when the formula differs by sex, so the patient's sex is required."""
    function: Callable[..., float] = field(repr=False, compare=False)
    """The pure function: ``(height_cm, weight_kg)``, plus ``sex`` when ``needs_sex``."""

    def compute(self, height_cm: float, weight_kg: float, sex: str | None = None) -> float:
        """Return this formula's BSA in m², unrounded; ``sex`` is used only if needed."""
        if self.needs_sex:
            return self.function(height_cm, weight_kg, _check_sex(sex, self.label))
        if sex is not None:
            # Not needed here, but a malformed value is still a caller's mistake.
            _check_sex(sex, self.label)
        return self.function(height_cm, weight_kg)


DEFAULT_FORMULA = DEFAULT_BSA_FORMULA
"""Mosteller is the default: it is what most protocols, eviQ and dosing software use."""

_FORMULA_LIST = (
    BsaFormula(
        "mosteller",
        "Mosteller",
        "√(height[cm] × weight[kg] / 3600)",
        "Mosteller RD. N Engl J Med 1987;317(17):1098",
        False,
        mosteller,
    ),
    BsaFormula(
        "dubois",
        "DuBois & DuBois",
        "0.007184 × height[cm]^0.725 × weight[kg]^0.425",
        "Du Bois D, Du Bois EF. Arch Intern Med 1916;17(6):863-871",
        False,
        dubois,
    ),
    BsaFormula(
        "haycock",
        "Haycock",
        "0.024265 × height[cm]^0.3964 × weight[kg]^0.5378",
        "Haycock GB, Schwartz GJ, Wisotsky DH. J Pediatr 1978;93(1):62-66",
        False,
        haycock,
    ),
    BsaFormula(
        "gehan-george",
        "Gehan & George",
        "0.0235 × height[cm]^0.42246 × weight[kg]^0.51456",
        "Gehan EA, George SL. Cancer Chemother Rep 1970;54(4):225-235",
        False,
        gehan_george,
    ),
    BsaFormula(
        "boyd",
        "Boyd",
        "0.0003207 × height[cm]^0.3 × weight[g]^(0.7285 − 0.0188 × log10(weight[g]))",
        "Boyd E. The Growth of the Surface Area of the Human Body. "
        "University of Minnesota Press; 1935",
        False,
        boyd,
    ),
    BsaFormula(
        "fujimoto",
        "Fujimoto",
        "0.008883 × height[cm]^0.663 × weight[kg]^0.444",
        "Fujimoto S et al. Nihon Eiseigaku Zasshi 1968;23(5):443-450",
        False,
        fujimoto,
    ),
    BsaFormula(
        "takahira",
        "Takahira",
        "0.007241 × height[cm]^0.725 × weight[kg]^0.425",
        "Takahira H, 1925; as reproduced by Fujimoto S et al. "
        "Nihon Eiseigaku Zasshi 1968;23(5):443-450",
        False,
        takahira,
    ),
    BsaFormula(
        "shuter-aslani",
        "Shuter & Aslani",
        "0.00949 × height[cm]^0.655 × weight[kg]^0.441",
        "Shuter B, Aslani A. Eur J Appl Physiol 2000;82(3):250-254",
        False,
        shuter_aslani,
    ),
    BsaFormula(
        "schlich",
        "Schlich",
        "female: 0.000975482 × height[cm]^1.08 × weight[kg]^0.46; "
        "male: 0.000579479 × height[cm]^1.24 × weight[kg]^0.38",
        "Schlich E, Schumm M, Schlich M. Ernährungs Umschau 2010;57:178-183",
        True,
        schlich,
    ),
)

FORMULAS: Mapping[str, BsaFormula] = MappingProxyType({f.name: f for f in _FORMULA_LIST})
"""Every formula by CLI name, in the order they are offered (the default first)."""


# The unchecked arithmetic of each sex-neutral formula, in the order of FORMULAS.
_CORES: tuple[tuple[str, Callable[[float, float], float]], ...] = (
    ("mosteller", _mosteller),
    ("dubois", _dubois),
    ("haycock", _haycock),
    ("gehan-george", _gehan_george),
    ("boyd", _boyd),
    ("fujimoto", _fujimoto),
    ("takahira", _takahira),
    ("shuter-aslani", _shuter_aslani),
)


def bsa_by_formula(height_cm: float, weight_kg: float, sex: str | None = None) -> dict[str, float]:
    """Every formula's BSA in m², unrounded, in the order of :data:`FORMULAS`.

    Schlich is included only when ``sex`` is given. The inputs are checked once, then
    each formula's own arithmetic runs: the values are exactly those of
    :func:`compute_bsa` by name (tested), at a fraction of the cost — a dose sheet
    compares all formulas for every patient (``BSA_FORMULAS_DISAGREE``).
    """
    _check_height_weight(height_cm, weight_kg)
    values = {name: core(height_cm, weight_kg) for name, core in _CORES}
    if sex is not None:
        values["schlich"] = _schlich(height_cm, weight_kg, _check_sex(sex, "Schlich"))
    return values


def get_formula(name: str) -> BsaFormula:
    """Return the formula called ``name``: any case, ``_`` accepted for ``-``.

    Raises :class:`~regimens._errors.UnknownNameError` listing the accepted names and
    suggesting the closest one.
    """
    return FORMULAS[bsa_formula_key(name)]


def compute_bsa(
    height_cm: float,
    weight_kg: float,
    formula: str = DEFAULT_FORMULA,
    sex: str | None = None,
) -> float:
    """Return the BSA in m², unrounded, by the formula named ``formula``.

    ``sex`` (``"female"`` or ``"male"``) is required by Schlich only; without it that
    formula raises :class:`~regimens._errors.MissingInputError` with field ``sex``.
    """
    return get_formula(formula).compute(height_cm, weight_kg, sex)


def round_bsa(value: float, decimals: int = 2) -> float:
    """Round a BSA half up (away from zero) to ``decimals`` places: 1.825 → 1.83.

    Pharmacists check a BSA by hand and round half up, so the printed value must match
    theirs. Python's :func:`round` would give 1.82 for 1.825, because it rounds the
    binary value (1.82499999...) and breaks ties to even. Rounding the shortest decimal
    text of the float (its ``repr``) gives the answer a person gets on paper.
    """
    if not math.isfinite(value):
        raise InputError(f"cannot round a BSA of {value!r} m²", field="bsa")
    if decimals < 0:
        raise InputError(f"decimals must be 0 or more; got {decimals}", field="decimals")
    quantum = Decimal(1).scaleb(-decimals)
    # The default 28-digit context refuses to quantize large values; exactness is the point.
    exact = Context(prec=MAX_PREC)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP, context=exact))

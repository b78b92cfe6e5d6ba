"""Hypothesis strategies shared by the test modules, kept in one place.

Patients are drawn within the accepted adult ranges of ``regimens._models.patient.RANGES``
(so a property holds wherever the package accepts a value); hostile values and damaged
files are drawn for the tests that check only the package's own errors escape.
"""

from __future__ import annotations

from hypothesis import strategies as st

from regimens._models.patient import RANGES, Patient


def in_range(field: str) -> st.SearchStrategy[float]:
    """A value of ``field`` (height, weight, age, creatinine, crcl) within its accepted range."""
    low, high, _ = RANGES[field]
    return st.floats(min_value=low, max_value=high, allow_nan=False)


# --- patients ---------------------------------------------------------------------------

#: The accepted adult height and weight ranges, cm and kg.
ADULT_HEIGHT_CM = RANGES["height"][:2]
ADULT_WEIGHT_KG = RANGES["weight"][:2]

HEIGHTS = in_range("height")
WEIGHTS = in_range("weight")
AGES = in_range("age")
CREATININES = in_range("creatinine")
SEX_OR_NONE = st.sampled_from([None, "female", "male"])


@st.composite
def increasing_pairs(draw: st.DrawFn, low: float, high: float) -> tuple[float, float]:
    """Two values in [low, high], the second at least 0.01 above the first."""
    first = draw(st.floats(low, high - 0.01))
    second = draw(st.floats(first + 0.01, high))
    return first, second


@st.composite
def patients(draw: st.DrawFn) -> Patient:
    """An adult within every accepted range; renal function by creatinine, CrCl or none."""
    renal = draw(st.sampled_from(["creatinine", "crcl", "none"]))
    return Patient(
        height_cm=draw(in_range("height")),
        weight_kg=draw(in_range("weight")),
        sex=draw(st.sampled_from(["female", "male"])),
        age_years=draw(in_range("age")),
        creatinine_mg_dl=draw(in_range("creatinine")) if renal == "creatinine" else None,
        crcl_ml_min=draw(in_range("crcl")) if renal == "crcl" else None,
    )


# --- hostile values -----------------------------------------------------------------------

#: Text a user might type in a number's place, and text nobody would.
ANY_TEXT = st.text(max_size=20) | st.sampled_from(
    ["", "nan", "inf", "-1", "0", "1e999", "170kg", "70 cm", "80 umol/L", "12 furlongs", "1/0"]
)
#: Any float (NaN and infinities included) and integers far beyond any float's precision.
ANY_NUMBER = st.floats(allow_nan=True, allow_infinity=True) | st.integers(
    min_value=-(10**30), max_value=10**30
)


# --- damaged files -----------------------------------------------------------------------

#: What a damaged value can become: text, numbers, TOML/JSON fragments, nesting.
REPLACEMENTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "nan",
            "inf",
            "1e308",
            '"abc"',
            "[]",
            "{}",
            "[[[[[[[[[[1]]]]]]]]]]",
            '"85 furlongs"',
            '"85 mg/m2"',
            "true",
            "2026-02-30",
            "null",
            '"\\u0000"',
            "[" * 2000 + "]" * 2000,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
)


@st.composite
def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three edits of the kinds real files suffer."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        edit = draw(
            st.sampled_from(["delete", "duplicate", "value", "insert", "truncate", "bytes"])
        )
        line = lines[index]
        if edit == "delete":
            del lines[index]
        elif edit == "duplicate":
            lines.insert(index, line)
        elif edit == "value":
            key, sep, _ = line.partition("=") if "=" in line else line.partition(":")
            lines[index] = f"{key}{sep or ' = '} {draw(REPLACEMENTS)}"
        elif edit == "insert":
            lines.insert(index, draw(REPLACEMENTS))
        elif edit == "truncate":
            lines = lines[: index + 1]
            lines[index] = line[: draw(st.integers(min_value=0, max_value=len(line)))]
        else:
            position = draw(st.integers(min_value=0, max_value=len(line)))
            noise = draw(st.text(min_size=1, max_size=4))
            lines[index] = line[:position] + noise + line[position:]
    return "\n".join(lines) + "\n"


#: Random JSON built from a course file's own keys and values.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.floats()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.text(max_size=10)
    | st.sampled_from(["EOX", "FOLFOX-6", "60 kg", "160 cm", "female", "2026-01-05", "1.0"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "schema_version",
                    "patient",
                    "lines",
                    "regimen",
                    "cycles",
                    "weight",
                    "height",
                    "sex",
                    "age",
                    "creatinine",
                    "start",
                    "dose_level",
                    "drug_dose_levels",
                    "with",
                    "bsa_formula",
                    "crcl",
                ]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)

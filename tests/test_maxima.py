"""Maximum doses (issue 17): a final dose above its drug's labelled maximum is blocking.

Patients are chosen so that the Mosteller BSA is round: √(180 × 80 / 3600) = 2.00 m².
Docetaxel's maximum is 100 mg/m² per administration (drugs.toml: the top of the US
label's 60–100 mg/m² range); zoledronic acid's is 4 mg per administration (Zometa US
label: "single doses … should not exceed 4 mg"); carboplatin's is 150 mg per unit of
target AUC (FDA 2010 carboplatin dosing communication: "Maximum Carboplatin Dose (mg) =
target AUC (mg·min/mL) x (150 mL/min)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._errors import LibraryError
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library, load_library
from regimens._read.patient import make_patient
from regimens._render.messages import message

BSA_200 = {"height": 180, "weight": 80}


def _sheet(library: Library, regimen: str, **options: object) -> DoseSheet:
    return compute_sheet(library, regimen, make_patient(**BSA_200), SheetOptions(**options))  # type: ignore[arg-type]


def _maxima(sheet: DoseSheet) -> list[dict[str, str]]:
    return [dict(w.params) for w in sheet.warnings if w.code == "MAX_DOSE_EXCEEDED"]


@pytest.mark.parametrize(
    ("level", "dose_mg", "exceeded"),
    [
        # 75 × 2.00 × 1.334 = 200.1 → 200 mg (1 mg step) = 100.0 mg/m²: at the maximum.
        pytest.param(133.4, 200, False, id="at-100-mg-m2"),
        # 75 × 2.00 × 1.30 = 195 mg = 97.5 mg/m²: below.
        pytest.param(130, 195, False, id="below"),
        # 75 × 2.00 × 1.34 = 201 mg = 100.5 mg/m²: above.
        pytest.param(134, 201, True, id="above-100.5-mg-m2"),
    ],
)
def test_docetaxel_above_100_mg_m2_is_blocking(
    library: Library, level: float, dose_mg: float, exceeded: bool
) -> None:
    """Docetaxel 75 mg/m² raised by a dose level past 100 mg/m² is blocking, even with the
    escalation confirmed (the confirmation makes DOSE_LEVEL_ABOVE_100 a caution, never a
    dose above the label's maximum acceptable)."""
    result = _sheet(library, "DOCETAXEL", dose_level_percent=level, confirm_escalation=True)
    (item,) = result.days[0].administrations
    assert item.dose_mg == dose_mg
    found = _maxima(result)
    assert bool(found) is exceeded
    assert result.blocking is exceeded
    if exceeded:
        assert found == [
            {
                "variant": "per_m2",
                "dose": "201",
                "per_m2": "100.5",
                "bsa": "2",
                "maximum": "100",
                "drug": "docetaxel",
            }
        ]


def test_rounding_cannot_carry_a_dose_past_the_maximum(library: Library) -> None:
    """The final dose is checked, not the calculated one: without rounding, 75 × 2.00 ×
    1.3334 = 200.01 mg = 100.005 mg/m², above 100 mg/m²."""
    result = _sheet(library, "DOCETAXEL", dose_level_percent=133.34, rounding="none")
    assert [w["per_m2"] for w in _maxima(result)] == ["100.005"]


def test_zoledronic_acid_4_mg_is_within_its_maximum(library: Library) -> None:
    """Zoledronic acid 4 mg is at, not above, its 4 mg maximum: no warning."""
    result = _sheet(library, "ZOLEDRONIC-ACID")
    assert _maxima(result) == []


def test_the_cli_exits_3_and_says_why() -> None:
    """`sheet DOCETAXEL` at 134 %: the sheet is blocking (exit 3) and names the maximum."""
    result = invoke("sheet DOCETAXEL --height 180 --weight 80 --dose-level 134")
    assert result.exit_code == 3
    assert (
        "BLOCKING MAX_DOSE_EXCEEDED [docetaxel]: docetaxel 201 mg is 100.5 mg/m² for BSA 2 m², "
        "above its labelled maximum of 100 mg/m² per administration" in result.output
    )


_DRUGS = """[[drug]]
inn = "testamycin"
sources = ["test label"]

[drug.maximum_dose]
{maxima}
evidence = "U"
source = "test"
"""

_REGIMEN = """id = "TEST-MAX"
name = "Test"
description = "d"
setting = "s"
cycle_length_days = 21

[[references]]
citation = "c"

[[components]]
drug = "testamycin"
dose = "{dose}"
days = "1-2"
route = "IV"
method = "infusion"
duration = "1 h"
order = 1
source = "user"

[[components]]
drug = "testamycin"
dose = "5 mg"
days = "1"
route = "IV"
method = "bolus"
order = 2
source = "user"
"""


def _user_library(tmp_path: Path, maxima: str, dose: str = "10 mg") -> Library:
    (tmp_path / "drugs.toml").write_text(_DRUGS.format(maxima=maxima), encoding="utf-8")
    (tmp_path / "t.toml").write_text(_REGIMEN.format(dose=dose), encoding="utf-8")
    return load_library([tmp_path], use_env=False)


@pytest.mark.parametrize(
    ("maxima", "variant", "params"),
    [
        # Day 1: 10 mg infusion + 5 mg bolus; day 2: 10 mg. Per administration 10 mg.
        pytest.param("per_administration_mg = 10", None, None, id="per-administration-at"),
        pytest.param(
            "per_administration_mg = 9.9",
            None,
            {"dose": "10", "maximum": "9.9"},
            id="per-administration-above",
        ),
        pytest.param("per_day_mg = 15", None, None, id="per-day-at"),
        pytest.param(
            "per_day_mg = 14.9",
            "per_day",
            {"dose": "15", "day": "1", "maximum": "14.9"},
            id="per-day-above",
        ),
        pytest.param("per_cycle_mg = 25", None, None, id="per-cycle-at"),
        pytest.param(
            "per_cycle_mg = 24.9",
            "per_cycle",
            {"dose": "25", "maximum": "24.9"},
            id="per-cycle-above",
        ),
    ],
)
def test_user_library_drug_with_a_small_maximum(
    tmp_path: Path, maxima: str, variant: str | None, params: dict[str, str] | None
) -> None:
    """A user's drug with maxima per administration, per day (both components of the
    day: 10 + 5 = 15 mg) and per cycle (10 + 5 + 10 = 25 mg): at it passes, above blocks."""
    library = _user_library(tmp_path, maxima)
    result = _sheet(library, "TEST-MAX")
    found = _maxima(result)
    if params is None:
        assert found == []
        assert not result.blocking
    else:
        shown = {"variant": variant} if variant else {}
        assert found == [{**shown, **params, "drug": "testamycin"}]
        assert result.blocking


def test_the_message_in_french(tmp_path: Path) -> None:
    """The warning's French sentence names the dose and the maximum."""
    library = _user_library(tmp_path, "per_administration_mg = 9")
    (warning,) = [w for w in _sheet(library, "TEST-MAX").warnings if w.code == "MAX_DOSE_EXCEEDED"]
    assert message(warning, "fr") == (
        "testamycin 10 mg par administration dépasse sa dose maximale de 9 mg (RCP) : "
        "ne pas administrer ; vérifier le niveau de dose et la prescription"
    )


# --- per unit of target AUC: carboplatin (FDA 2010) ---------------------------------------


def _auc_sheet(library: Library, regimen: str, crcl: float, cap: float | None) -> DoseSheet:
    patient = make_patient(**BSA_200, crcl=crcl)
    options = SheetOptions(calvert_gfr_cap_ml_min=cap)
    return compute_sheet(library, regimen, patient, options)


@pytest.mark.parametrize(
    ("crcl", "cap", "carboplatin", "exceeded"),
    [
        # Cap off, GFR 150: Calvert 2 × (150 + 25) = 350 mg > 2 × 150 = 300 mg: blocking.
        pytest.param(150, None, 350, True, id="cap-off-gfr-150-above"),
        # Default cap 125: 2 × (125 + 25) = 300 mg = 2 × 150: at the maximum, allowed.
        pytest.param(150, 125.0, 300, False, id="default-cap-at"),
        # Cap off, GFR 125: 2 × (125 + 25) = 300 mg: at the maximum without the cap.
        pytest.param(125, None, 300, False, id="cap-off-gfr-125-at"),
        # Cap off, GFR 126: 2 × (126 + 25) = 302 mg > 300 mg: just above.
        pytest.param(126, None, 302, True, id="cap-off-gfr-126-above"),
    ],
)
def test_carboplatin_above_auc_times_150_mg_is_blocking(
    library: Library, crcl: float, cap: float | None, carboplatin: float, exceeded: bool
) -> None:
    """FDA 2010 carboplatin dosing communication: 'Maximum Carboplatin Dose (mg) = target
    AUC (mg·min/mL) x (150 mL/min)'. CARBOPLATIN-PACLITAXEL-WEEKLY gives carboplatin AUC
    2: its maximum is 2 × 150 = 300 mg, whatever the Calvert GFR cap."""
    result = _auc_sheet(library, "CARBOPLATIN-PACLITAXEL-WEEKLY", crcl, cap)
    (item,) = [a for d in result.days for a in d.administrations if a.drug == "carboplatin"]
    assert item.dose_mg == carboplatin
    found = _maxima(result)
    assert result.blocking is exceeded
    if exceeded:
        assert found == [
            {
                "variant": "per_auc",
                "dose": f"{carboplatin:g}",
                "auc": "2",
                "per_auc": "150",
                "maximum": "300",
                "drug": "carboplatin",
            }
        ]
        (warning,) = [w for w in result.warnings if w.code == "MAX_DOSE_EXCEEDED"]
        assert message(warning, "en") == (
            f"carboplatin {carboplatin:g} mg is above its maximum of 300 mg for a target AUC "
            "of 2 mg/mL·min (150 mg per unit of AUC): do not give it; check the GFR used in "
            "the Calvert formula and its cap, the dose level and the prescription"
        )
        assert message(warning, "fr").startswith(
            f"carboplatin {carboplatin:g} mg dépasse sa dose maximale de 300 mg pour une ASC "
            "cible de 2 mg/mL·min (150 mg par unité d'ASC)"
        )
    else:
        assert found == []


@pytest.mark.parametrize(
    ("crcl", "dose", "exceeded"),
    [
        # AUC 2.26 at the cap: 2.26 × 150 = 338.99999999999994 in floating point, given as
        # 339 mg: at the maximum 2.26 × 150 = 339, not above it.
        pytest.param(150, 339, False, id="at-339"),
        # Cap off, GFR 126: 2.26 × 151 = 341.26 → 341 mg > 339 mg.
        pytest.param(126, 341, True, id="above-341"),
    ],
)
def test_a_per_auc_maximum_of_a_user_drug(
    tmp_path: Path, crcl: float, dose: float, exceeded: bool
) -> None:
    """A user's drug dosed by AUC 2.26 with per_auc_mg = 150 (worked by hand): only its
    AUC-dosed infusions (days 1 and 2) are compared with 2.26 × 150 = 339 mg; its 5 mg
    bolus has no AUC and is not. The two days' equal warnings are shown once."""
    library = _user_library(tmp_path, "per_auc_mg = 150", dose="2.26 mg/mL*min")
    result = _auc_sheet(library, "TEST-MAX", crcl, None if exceeded else 125.0)
    infusions = [
        a.dose_mg for d in result.days for a in d.administrations if a.method == "infusion"
    ]
    assert infusions == [dose, dose]
    found = _maxima(result)
    assert [w["maximum"] for w in found] == (["339"] if exceeded else [])
    assert result.blocking is exceeded


@pytest.mark.parametrize(
    ("maxima", "reason"),
    [
        pytest.param("none_labelled = true\nper_day_mg = 3", "remove per_day_mg", id="both"),
        pytest.param("", "give a maximum", id="neither"),
        pytest.param("per_cycle_mg = 0", "greater than 0", id="zero"),
    ],
)
def test_a_maximum_is_a_number_or_a_statement_of_none(
    tmp_path: Path, maxima: str, reason: str
) -> None:
    """A maximum_dose table gives maxima, or says none is labelled: not both, not neither."""
    with pytest.raises(LibraryError, match=reason):
        _user_library(tmp_path, maxima)


def test_every_builtin_drug_states_its_maximum(library: Library) -> None:
    """Each drug of the built-in library has a maximum_dose table, a maximum or a
    statement that the label gives none, with its source: a missing one looks missing."""
    for inn in (
        "epirubicin",
        "oxaliplatin",
        "capecitabine",
        "irinotecan",
        "docetaxel",
        "folinic acid",
        "fluorouracil",
        "zoledronic acid",
    ):
        maximum = library.drug(inn).maximum_dose
        assert maximum is not None, inn
        assert maximum.source


def test_builtin_maxima(library: Library) -> None:
    """The encoded maxima: docetaxel 100 mg/m², zoledronic acid 4 mg, carboplatin 150 mg
    per unit of target AUC (FDA 2010); the others none."""
    encoded = {
        inn: (
            m.per_administration_mg_per_m2,
            m.per_administration_mg,
            m.per_auc_mg,
            m.none_labelled,
        )
        for inn in ("docetaxel", "zoledronic acid", "carboplatin", "oxaliplatin")
        if (m := library.drug(inn).maximum_dose) is not None
    }
    assert encoded == {
        "docetaxel": (100.0, None, None, False),
        "zoledronic acid": (None, 4.0, None, False),
        "carboplatin": (None, None, 150.0, False),
        "oxaliplatin": (None, None, None, True),
    }


def test_every_maximum_field_is_worded_in_show(tmp_path: Path) -> None:
    """Each kind of maximum of a user's drug is printed by the library renderer."""
    from regimens._render.library import show_table

    library = _user_library(
        tmp_path,
        "per_administration_mg_per_m2 = 50\nper_administration_mg = 90\n"
        "per_auc_mg = 150\nper_day_mg = 100\nper_cycle_mg = 200",
    )
    shown = " ".join(show_table(library.get("TEST-MAX"), library=library).split())
    assert (
        "Maximum dose: 50 mg/m2 per administration, 90 mg per administration, "
        "150 mg per unit of target AUC, per administration, "
        "100 mg per day, 200 mg per cycle (test)" in shown
    )
    shown_fr = " ".join(show_table(library.get("TEST-MAX"), library=library, lang="fr").split())
    assert "150 mg par unité d'ASC cible, par administration" in shown_fr


# --- check_maxima on its own: the order of the doses it is given --------------------------


class _Context:
    """The two things check_maxima reads of a sheet's context: the BSA, and warn()."""

    def __init__(self, bsa_m2: float | None) -> None:
        from types import SimpleNamespace

        self.bsa = None if bsa_m2 is None else SimpleNamespace(bsa_m2=bsa_m2)
        self.warned: list[dict[str, object]] = []

    def warn(self, code: str, **params: object) -> None:
        self.warned.append({"code": code, **params})


def _dose(drug: str, mg: float, *, withheld: bool = False) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(
        drug=drug, dose_mg=mg, daily_dose_mg=mg, withheld=withheld, dose_unit="mg"
    )


def _facts(**maxima: float) -> object:
    from types import SimpleNamespace

    from regimens._models.safety_data import MaximumDose

    maximum = MaximumDose(**maxima, evidence="U", source="test") if maxima else None
    return SimpleNamespace(maximum_dose=maximum)


def _check(days: list[tuple[int, list[object]]], facts: dict[str, object], bsa: float | None):  # type: ignore[no-untyped-def]
    from regimens._calc.maxima import check_maxima

    context = _Context(bsa)
    check_maxima(context, days, facts.__getitem__)  # type: ignore[arg-type]
    return context.warned


def test_a_withheld_dose_does_not_stop_the_check_of_the_next() -> None:
    """Day 1: a withheld dose, then 12 mg of a drug whose maximum is 10 mg: still warned."""
    facts = {"a": _facts(per_administration_mg=10), "b": _facts(per_administration_mg=10)}
    warned = _check([(1, [_dose("a", 50, withheld=True), _dose("b", 12)])], facts, None)
    assert warned == [{"code": "MAX_DOSE_EXCEEDED", "drug": "b", "dose": "12", "maximum": "10"}]


def test_a_drug_without_maximum_does_not_stop_the_check_of_the_next() -> None:
    """Drug a has no maximum table (a user library); drug b after it, 12 mg a day and in
    the cycle against 10 mg maxima, is warned per administration, per day and per cycle."""
    facts = {
        "a": _facts(),
        "b": _facts(per_administration_mg=10, per_day_mg=10, per_cycle_mg=10),
    }
    warned = _check([(1, [_dose("a", 500), _dose("b", 12)])], facts, None)
    assert [w.get("variant") for w in warned] == [None, "per_day", "per_cycle"]
    assert {w["drug"] for w in warned} == {"b"}


def test_the_highest_day_named_is_the_first_of_equals_whatever_the_order() -> None:
    """Two days of 12 mg against a 10 mg daily maximum: day 1 is named, even when the
    days are given in the order 8, 1."""
    facts = {"a": _facts(per_day_mg=10)}
    warned = _check([(8, [_dose("a", 12)]), (1, [_dose("a", 12)])], facts, None)
    assert [w["day"] for w in warned] == ["1"]


def test_a_per_m2_maximum_needs_a_bsa() -> None:
    """Without a BSA (a flat dose, no height and weight) a per-m² maximum cannot be
    compared: no warning, no crash; with BSA 2.00 m², 201 mg is 100.5 mg/m² > 100."""
    facts = {"a": _facts(per_administration_mg_per_m2=100)}
    assert _check([(1, [_dose("a", 201)])], facts, None) == []
    (warned,) = _check([(1, [_dose("a", 201)])], facts, 2.0)
    assert warned["per_m2"] == "100.5"

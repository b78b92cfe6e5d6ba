"""The tablets to dispense for a cycle (issue 19), and the pack sizes they are read with.

Capecitabine packs (drugs.toml): 150 mg × 60 and 500 mg × 120 tablets, the Xeloda EU
package leaflet, section 6 [V] (docs/research/issue-19-sources.md §3).
"""

from __future__ import annotations

import pytest

from regimens._calc.dispense import dispense
from regimens._calc.dosing import DrugDoseLevel, SheetOptions, compute_sheet
from regimens._models.regimen import DrugFacts, PackSize
from regimens._models.sheet import DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient


def items(sheet: DoseSheet) -> list[tuple[str, float, int, int | None]]:
    return [(i.drug, i.strength_mg, i.count, i.packs) for i in sheet.dispense]


def test_library_gives_capecitabine_pack_sizes(library: Library) -> None:
    """drugs.toml: 150 mg in packs of 60, 500 mg in packs of 120, with the source."""
    facts = library.drug("capecitabine")
    assert facts.pack_sizes == (
        PackSize(strength_mg=150, count=60),
        PackSize(strength_mg=500, count=120),
    )
    assert "package leaflet" in facts.pack_source


def test_eox_at_1_80(library: Library) -> None:
    """EOX at 1.80 m²: capecitabine 1150 mg twice daily = 2 × 500 + 1 × 150 per intake,
    days 1–21: 500 mg × (2 × 2 × 21) = 84 tablets, 1 pack of 120; 150 mg × (1 × 2 × 21)
    = 42 tablets, 1 pack of 60. The IV drugs dispense no tablets."""
    sheet = compute_sheet(library, "EOX", make_patient(height=180, weight=64.8, crcl=80))
    assert items(sheet) == [("capecitabine", 500, 84, 1), ("capecitabine", 150, 42, 1)]


def test_unequal_intakes(library: Library) -> None:
    """EOX at 1.37 m² (150 cm, 45 kg): 950 mg morning (500 + 3 × 150) and 800 mg
    evening (500 + 2 × 150), days 1–21: 500 mg × (2 × 21) = 42 (1 pack); 150 mg ×
    (5 × 21) = 105, 2 packs of 60 (120 tablets, 15 left over)."""
    sheet = compute_sheet(library, "EOX", make_patient(height=150, weight=45, crcl=90))
    assert items(sheet) == [("capecitabine", 500, 42, 1), ("capecitabine", 150, 105, 2)]


def test_xeliri_days_1_to_14(library: Library) -> None:
    """XELIRI at 2.00 m²: capecitabine 1000 × 2 = 2000 mg = 4 × 500 twice daily, days
    1–14: 500 mg × (4 × 2 × 14) = 112 tablets, 1 pack of 120."""
    sheet = compute_sheet(library, "XELIRI", make_patient(height=180, weight=80, crcl=90))
    assert items(sheet) == [("capecitabine", 500, 112, 1)]


@pytest.mark.parametrize(
    ("patient", "options", "why"),
    [
        pytest.param(
            {"height": 180, "weight": 80, "crcl": 25},
            SheetOptions(),
            "CONTRAINDICATED",
            id="withheld (CrCl 25)",
        ),
        pytest.param(
            {"height": 150, "weight": 43.74, "crcl": 90},
            SheetOptions(
                drug_dose_levels=(DrugDoseLevel(drug="capecitabine", percent=50),),
            ),
            "TABLETS_NOT_ACHIEVABLE",
            id="no plan (50 % at 1.35 m²)",
        ),
    ],
)
def test_nothing_to_dispense(
    library: Library, patient: dict[str, float], options: SheetOptions, why: str
) -> None:
    """A withheld capecitabine, or one with no plan within the tolerance (test_oral_plan),
    dispenses nothing; the sheet is blocking and says why."""
    sheet = compute_sheet(library, "EOX", make_patient(**patient), options)  # type: ignore[arg-type]
    assert sheet.dispense == ()
    assert sheet.blocking
    assert why in {w.code for w in sheet.warnings}


def test_no_pack_size_no_packs(library: Library) -> None:
    """A drug whose library entry gives no pack size: the count alone, ``packs`` None."""
    sheet = compute_sheet(library, "EOX", make_patient(height=180, weight=64.8, crcl=80))
    bare = library.drug("capecitabine").model_copy(update={"pack_sizes": ()})
    assert [(i.strength_mg, i.count, i.packs) for i in dispense(sheet.days, lambda _: bare)] == [
        (500, 84, None),
        (150, 42, None),
    ]


@pytest.mark.parametrize(
    ("update", "message"),
    [
        pytest.param({"pack_source": ""}, "pack_source", id="no source"),
        pytest.param(
            {"pack_sizes": ({"strength_mg": 300, "count": 60},)},
            "300 mg is not one of the tablet_strengths",
            id="unknown strength",
        ),
        pytest.param(
            {
                "pack_sizes": (
                    {"strength_mg": 150, "count": 60},
                    {"strength_mg": 150, "count": 30},
                )
            },
            "two pack sizes",
            id="a strength twice",
        ),
    ],
)
def test_pack_sizes_are_checked(library: Library, update: dict[str, object], message: str) -> None:
    """Pack sizes need a source, and each is of one of the drug's tablet strengths, once."""
    data = library.drug("capecitabine").model_dump()
    with pytest.raises(ValueError, match=message):
        DrugFacts.model_validate({**data, **update})

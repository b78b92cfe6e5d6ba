"""The vials of ramucirumab and nivolumab (issue 21, regimen_library/drugs.toml).

Ramucirumab: 100 mg and 500 mg vials at 10 mg/mL, diluted in sodium chloride 0.9 % only
(Cyramza Brazilian insert, copy [P]). Nivolumab: 40, 100, 120 and 240 mg vials at 10
mg/mL (Opdivo EU SmPC §2, copy [P]). Worked by hand, with the library's policy (fewest
vials, then least waste; docs/dispensing.md):

- RAINBOW at 72 kg: ramucirumab 8 mg/kg × 72 = 576 mg = 57.6 mL; one 500 + one 100 mg
  vial (600 mg, 24 mg left), on days 1 and 15.
- FOLFOX-NIVOLUMAB: 240 mg flat = 24.0 mL, one 240 mg vial, nothing left.
- CAPOX-NIVOLUMAB: 360 mg flat = 36.0 mL, 240 + 120 mg, nothing left.
"""

from __future__ import annotations

import pytest

from regimens._calc.dosing import compute_sheet
from regimens._models.options import SheetOptions
from regimens._read.patient import make_patient


def _preparations(library, regimen, drug):
    patient = make_patient(height=170, weight=72, crcl=90)
    sheet = compute_sheet(library, regimen, patient, SheetOptions(cycle=1))
    return [
        (day.day, a.dose_mg, a.preparation)
        for day in sheet.days
        for a in day.administrations
        if a.drug == drug
    ]


def test_ramucirumab_vials(library):
    found = _preparations(library, "RAINBOW", "ramucirumab")
    assert [(day, dose) for day, dose, _ in found] == [(1, 576.0), (15, 576.0)]
    for _, _, preparation in found:
        assert preparation is not None
        assert preparation.volume_ml == pytest.approx(57.6)
        assert preparation.vials is not None
        assert sorted((v.size_mg, v.count) for v in preparation.vials) == [(100.0, 1), (500.0, 1)]
        assert preparation.waste_mg == pytest.approx(24.0)
        assert preparation.diluents == ("sodium_chloride_0_9",)


@pytest.mark.parametrize(
    ("regimen", "dose", "vials"),
    [
        ("FOLFOX-NIVOLUMAB", 240.0, [(240.0, 1)]),
        ("CAPOX-NIVOLUMAB", 360.0, [(120.0, 1), (240.0, 1)]),
    ],
)
def test_nivolumab_vials(library, regimen, dose, vials):
    ((_, given, preparation),) = _preparations(library, regimen, "nivolumab")
    assert given == dose
    assert preparation is not None
    assert preparation.volume_ml == pytest.approx(dose / 10)
    assert preparation.vials is not None
    assert sorted((v.size_mg, v.count) for v in preparation.vials) == vials
    assert preparation.waste_mg == 0.0

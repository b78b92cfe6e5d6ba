"""Issue 21's "Done when", the lines no other test proved: each regimen's calendar from
the command line (RAINBOW's days 1, 8 and 15; DCF's 120-hour pump off on day 6),
`regimens show` printing every new regimen's sources, and the premedication and
supportive orders as FHIR MedicationRequests with their doses.

The audit of every line, with the test that proves it, is in the report of branch
i21-rules; the doses at the two patients are in tests/test_regimens_21.py and
tests/test_supportive_orders_21.py.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_words
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._read.library import Library
from regimens._read.patient import make_patient
from regimens._render.fhir import sheet_fhir_json
from test_regimens_21 import NEW_REGIMENS
from test_supportive_orders_21 import ORDERS, PATIENT_A, PATIENT_B


def treatment_rows(out: str) -> dict[str, list[str]]:
    """{date: its row's cells} of the calendar's 'Treatment days' table."""
    rows = {}
    for line in out.splitlines():
        if line[:4].isdigit() and line[4:5] == "-" and line[7:8] == "-":
            rows[line[:10]] = [cell.strip() for cell in line.split("  ") if cell.strip()]
    return rows


def test_rainbow_calendar_gives_days_1_8_and_15() -> None:
    """Wilke 2014: ramucirumab days 1 and 15, paclitaxel days 1, 8 and 15 of 28. From
    Monday 2026-03-02: day 8 = 03-02 + 7 = 03-09, day 15 = 03-02 + 14 = 03-16, all
    Mondays; nothing else in the cycle (day 29 is the next cycle's day 1)."""
    code, out, err = run_words("calendar", "RAINBOW", "--start", "2026-03-02", "--cycles", "1")
    assert (code, err) == (0, "")
    rows = treatment_rows(out)
    assert sorted(rows) == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert [rows[date][:4] for date in sorted(rows)] == [
        ["2026-03-02", "Mon", "1", "D1"],
        ["2026-03-09", "Mon", "1", "D8"],
        ["2026-03-16", "Mon", "1", "D15"],
    ]
    given = {date: " ".join(cells) for date, cells in rows.items()}
    assert "ramucirumab IV 1 h, paclitaxel IV 1 h" in given["2026-03-02"]
    assert "ramucirumab" not in given["2026-03-09"]
    assert "paclitaxel IV 1 h" in given["2026-03-09"]
    assert "ramucirumab IV 1 h, paclitaxel IV 1 h" in given["2026-03-16"]
    assert "diphenhydramine (premedication) IV bolus" in given["2026-03-16"]


def test_dcf_calendar_takes_the_pump_off_on_day_6() -> None:
    """Fluorouracil 750 mg/m²/day on days 1-5 as one 120-hour pump started on day 1:
    off on day 1 + 120 / 24 = day 6, 2026-03-02 + 5 days = Saturday 2026-03-07 (a
    weekend: flagged). The dexamethasone starts the day before (day -1, 03-01)."""
    code, out, err = run_words("calendar", "DCF", "--start", "2026-03-02", "--cycles", "1")
    assert (code, err) == (0, "")
    rows = treatment_rows(out)
    assert rows["2026-03-07"][:5] == ["2026-03-07", "Sat", "1", "D6", "pump off"]
    assert "fluorouracil pump off (120 h from D1)" in rows["2026-03-07"]
    assert "fluorouracil IV pump 120 h" in " ".join(rows["2026-03-02"])
    assert rows["2026-03-01"][3] == "D\u22121"  # a minus sign, as the sheet prints it
    assert "pump off" not in " ".join(
        " ".join(cells) for date, cells in rows.items() if date != "2026-03-07"
    )


@pytest.mark.parametrize("regimen", NEW_REGIMENS)
def test_show_prints_the_sources(library: Library, regimen: str) -> None:
    """`regimens show` prints each administration's source ('Source: …', one per
    component of the file) and the regimen's references (first author or title)."""
    code, out, err = run_words("show", regimen)
    assert (code, err) == (0, "")
    definition = library.get(regimen)
    assert out.count("Source: ") == len(definition.components)
    assert "References:" in out
    assert definition.references
    for reference in definition.references:
        assert reference.citation.split()[0] in out


#: The unit of each hydration order's amount (dcf.toml, xp-trastuzumab.toml).
HYDRATION_UNITS = {"magnesium sulfate": "mmol", "sodium chloride": "mL"}


@pytest.mark.parametrize("patient", [PATIENT_A, PATIENT_B], ids=["2.00m2-72kg", "1.50m2-50kg"])
@pytest.mark.parametrize("regimen", sorted(ORDERS))
def test_fhir_carries_every_order_with_its_dose(
    library: Library, regimen: str, patient: dict[str, float]
) -> None:
    """FHIR: each premedication, antiemetic and supportive order of the protocol page
    (ORDERS in test_supportive_orders_21.py) is a MedicationRequest with its flat dose
    in mg, at both patients; the cisplatin hydration's magnesium sulfate is in mmol
    (10 mmol, NZ SACT TPF page) and its sodium chloride 0.9 % in mL (1000 mL, NZ SACT
    cisplatin 50 mg/m² page; dcf.toml and xp-trastuzumab.toml)."""
    result = compute_sheet(library, regimen, make_patient(**patient), SheetOptions())
    bundle = json.loads(sheet_fhir_json(result, library=library))
    requests = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] != "MedicationRequest":
            continue
        concept = resource["medicationCodeableConcept"]
        name = concept.get("text") or concept["coding"][0]["display"]
        for dosage in resource["dosageInstruction"]:
            quantity = dosage["doseAndRate"][0]["doseQuantity"]
            assert quantity["unit"] == HYDRATION_UNITS.get(name, "mg")
            requests.add((name, quantity["value"]))
    assert {(drug, dose) for (_, drug, _), dose in ORDERS[regimen].items()} <= requests


#: Each new regimen's pumps: the day a continuous infusion started on day 1 comes off,
#: day 1 + ceil(hours / 24) (docs/calendar.md), and its date from Monday 2026-03-02.
PUMPS_OFF = {
    "FLOT": ("2026-03-03", "D2"),  # 24 h: 1 + 1
    "FOLFIRINOX": ("2026-03-04", "D3"),  # 46 h: 1 + ceil(1.92) = 3
    "MFOLFIRINOX": ("2026-03-04", "D3"),  # 46 h
    "FOLFOXIRI": ("2026-03-04", "D3"),  # 48 h: 1 + 2
    "FOLFOX-NIVOLUMAB": ("2026-03-04", "D3"),  # mFOLFOX6, 46 h
    "DCF": ("2026-03-07", "D6"),  # 120 h: 1 + 5
}


@pytest.mark.parametrize("regimen", NEW_REGIMENS)
def test_every_new_regimen_has_its_calendar(library: Library, regimen: str) -> None:
    """`regimens calendar` from Monday 2026-03-02: day 1 gives each drug of the sheet's
    day 1, and a pump started on day 1 comes off on its day (PUMPS_OFF); no other pump
    is taken off."""
    code, out, err = run_words("calendar", regimen, "--start", "2026-03-02", "--cycles", "1")
    assert (code, err) == (0, "")
    rows = treatment_rows(out)
    first = " ".join(rows["2026-03-02"])
    result = compute_sheet(library, regimen, make_patient(**PATIENT_A), SheetOptions())
    for administration in next(day for day in result.days if day.day == 1).administrations:
        assert administration.drug in first
    pumps_off = {date: cells[3] for date, cells in rows.items() if "pump off" in cells}
    expected = PUMPS_OFF.get(regimen)
    assert pumps_off == (dict([expected]) if expected else {})

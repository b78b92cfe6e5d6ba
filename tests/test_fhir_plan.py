"""``regimens show REGIMEN --format fhir``: the regimen as a FHIR R4 PlanDefinition (issue 22).

Every regimen of the library is read back with ``fhir.resources`` (which validates
each element), and its doses, days and cycle are compared with the library file's. The
values checked by hand come from the regimen files and their sources: mFOLFOX6
(NCCP Modified FOLFOX-6), EOX (REAL-2, capecitabine 625 mg/m² twice daily), DCF
(fluorouracil 750 mg/m²/day days 1–5, V325), XP-trastuzumab (ToGA, 8 then 6 mg/kg),
weekly carboplatin AUC 2 (CROSS).
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.plandefinition import PlanDefinition

from conftest import run
from regimens._models.library import Library
from regimens._render.fhir_plan import DAYS_OF_CYCLE, regimen_fhir_json

UCUM = "http://unitsofmeasure.org"


def plan(library: Library, regimen_id: str) -> dict[str, Any]:
    text = regimen_fhir_json(library.get(regimen_id), library=library)
    PlanDefinition.model_validate_json(text)  # fhir.resources validates every element
    return json.loads(text)  # type: ignore[no-any-return]


def activity(document: dict[str, Any], title_start: str) -> dict[str, Any]:
    return next(a for a in document["contained"] if a["title"].startswith(title_start))


def dose_and_rate(item: dict[str, Any]) -> dict[str, Any]:
    return item["dosage"][0]["doseAndRate"][0]  # type: ignore[no-any-return]


def test_every_regimen_is_a_valid_plan_with_its_components_in_order(library: Library) -> None:
    """One cycle action per regimen, its length in days; one sub-action per component in
    the file's order, each pointing at a contained ActivityDefinition and giving the
    component's days of the cycle (timing-daysOfCycle)."""
    for regimen in library:
        document = plan(library, regimen.id)
        assert document["resourceType"] == "PlanDefinition"
        assert document["status"] == "draft"
        assert document["type"]["coding"][0]["code"] == "order-set"
        [cycle] = document["action"]
        repeat = cycle["timingTiming"]["repeat"]
        assert (repeat["duration"], repeat["durationUnit"]) == (regimen.cycle_length_days, "d")
        assert repeat.get("count") == regimen.usual_cycles
        contained = {item["id"]: item for item in document["contained"]}
        assert len(cycle["action"]) == len(regimen.components) == len(contained)
        for step, component in zip(cycle["action"], regimen.components, strict=True):
            target = contained[step["definitionCanonical"].removeprefix("#")]
            assert target["resourceType"] == "ActivityDefinition"
            assert target["kind"] == "MedicationRequest"
            assert target["productCodeableConcept"]["text"] == component.drug
            [days] = step["timingTiming"]["extension"]
            assert days["url"] == DAYS_OF_CYCLE
            assert [day["valueInteger"] for day in days["extension"]] == list(component.days)
            quantity = (
                dose_and_rate(target).get("doseQuantity") or dose_and_rate(target)["rateQuantity"]
            )
            assert quantity["system"] == UCUM


def test_folfox6_doses_per_m2_as_ucum(library: Library) -> None:
    """mFOLFOX6: oxaliplatin 85 mg/m² over 2 h, 5-FU 400 mg/m² bolus and 2400 mg/m²
    over 46 h, day 1 of a 14-day cycle (NCCP Modified FOLFOX-6)."""
    document = plan(library, "FOLFOX-6")
    oxaliplatin = activity(document, "oxaliplatin")
    assert dose_and_rate(oxaliplatin)["doseQuantity"] == {
        "value": 85.0,
        "unit": "mg/m2",
        "system": UCUM,
        "code": "mg/m2",
    }
    assert oxaliplatin["dosage"][0]["timing"]["repeat"] == {"duration": 2.0, "durationUnit": "h"}
    assert oxaliplatin["productCodeableConcept"]["coding"][0]["code"] == "L01XA03"
    pump = activity(document, "fluorouracil 2400")
    assert dose_and_rate(pump)["doseQuantity"]["value"] == 2400.0
    assert pump["dosage"][0]["timing"]["repeat"]["duration"] == 46.0
    assert document["action"][0]["timingTiming"]["repeat"]["duration"] == 14


def test_a_dose_per_day_is_one_intake_s_dose_or_a_rate(library: Library) -> None:
    """doseQuantity is the amount of one intake: EOX's capecitabine 1250 mg/m²/day twice
    a day is 625 mg/m² a dose (REAL-2), days 1-21. DCF's fluorouracil 750 mg/m²/day
    days 1-5 in one 120-h pump is a rate of 750 mg/m2/d, never five doses of 750."""
    capecitabine = activity(plan(library, "EOX"), "capecitabine")
    assert dose_and_rate(capecitabine)["doseQuantity"]["value"] == 625.0
    assert capecitabine["dosage"][0]["timing"]["repeat"] == {
        "frequency": 2,
        "period": 1,
        "periodUnit": "d",
    }
    assert "1250 mg/m2/day" in capecitabine["title"]
    fluorouracil = activity(plan(library, "DCF"), "fluorouracil")
    assert "doseQuantity" not in dose_and_rate(fluorouracil)
    assert dose_and_rate(fluorouracil)["rateQuantity"] == {
        "value": 750.0,
        "unit": "mg/m2/day",
        "system": UCUM,
        "code": "mg/m2/d",
    }
    assert fluorouracil["dosage"][0]["timing"]["repeat"]["duration"] == 120.0


def test_per_kg_doses_and_their_cycles(library: Library) -> None:
    """ToGA: trastuzumab 8 mg/kg in cycle 1, then 6 mg/kg from cycle 2."""
    document = plan(library, "XP-TRASTUZUMAB")
    loading = activity(document, "trastuzumab 8")
    assert dose_and_rate(loading)["doseQuantity"]["code"] == "mg/kg"
    assert loading["dosage"][0]["text"].endswith("cycle 1 only")
    assert activity(document, "trastuzumab 6")["dosage"][0]["text"].endswith("from cycle 2")


def test_a_target_auc_is_written_in_ucum(library: Library) -> None:
    """Carboplatin AUC 2 mg/mL·min (CROSS): UCUM mg.min/mL, named as a target AUC."""
    carboplatin = activity(plan(library, "CARBOPLATIN-PACLITAXEL-WEEKLY"), "carboplatin")
    shown = dose_and_rate(carboplatin)
    assert shown["doseQuantity"]["value"] == 2.0
    assert shown["doseQuantity"]["code"] == "mg.min/mL"
    assert shown["type"]["text"].startswith("Target AUC")


def test_show_format_fhir_on_the_command_line() -> None:
    """`regimens show FOLFOX-6 --format fhir` prints the PlanDefinition, exit 0."""
    status, out, err = run("show FOLFOX-6 --format fhir")
    assert (status, err) == (0, "")
    document = PlanDefinition.model_validate_json(out)
    assert document.title is not None
    assert document.title.startswith("FOLFOX-6")

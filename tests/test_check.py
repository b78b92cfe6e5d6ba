"""The prescription check: hand-worked deviations, tolerance edges, missing and extra drugs.

Patients used (Mosteller, BSA rounded to 2 decimals):

- 180 cm, 80 kg: √(180 × 80 / 3600) = √4 = 2.00 m².
- 180 cm, 64.8 kg: √(180 × 64.8 / 3600) = √3.24 = 1.80 m².

FOLFOX-6 at 2.00 m²: oxaliplatin 85 × 2 = 170 mg; folinic acid 400 × 2 = 800 mg;
fluorouracil bolus 400 × 2 = 800 mg; fluorouracil 46-h infusion 2400 × 2 = 4800 mg.
EOX at 1.80 m²: epirubicin 50 × 1.8 = 90 mg; oxaliplatin 130 × 1.8 = 234 mg;
capecitabine 1250 mg/m²/day in 2 intakes = 625 × 1.8 = 1125 mg per intake (the sheet
rounds it to 1100 mg of tablets).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regimens._calc.check import check_prescription
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._errors import InputError, UnitError, UnknownNameError
from regimens._models.check import (
    METHOD_WORDS,
    CheckReport,
    NoteCode,
    PrescribedDose,
    deviation_within,
)
from regimens._models.patient import Patient
from regimens._read.library import Library, load_library
from regimens._read.patient import make_patient
from regimens._read.prescribed import parse_prescribed
from regimens._render.catalogue import has
from regimens._render.check import check_json, check_table

BSA_2 = make_patient(height=180, weight=80, crcl=90)
BSA_1_8 = make_patient(height=180, weight=64.8, crcl=80)
FOLFOX_AS_EXPECTED = (
    "oxaliplatin=170mg",
    "leucovorin=800mg",
    "fluorouracil:bolus=800mg",
    "fluorouracil:infusion=4800mg",
)


def read(library: Library, texts: Sequence[str]) -> list[PrescribedDose]:
    """The doses of an order as typed, read as the CLI reads them."""
    return [parse_prescribed(text, library) for text in texts]


def check(
    library: Library,
    regimen: str,
    patient: Patient,
    *prescribed: str,
    tolerance: float = 5.0,
    **options: object,
) -> CheckReport:
    return check_prescription(
        library,
        regimen,
        patient,
        read(library, prescribed),
        SheetOptions(tolerance_percent=tolerance, **options),  # type: ignore[arg-type]
    )


def test_folfox_as_calculated_passes(library: Library) -> None:
    """All four FOLFOX-6 administrations at the hand-worked doses: deviation 0, ok."""
    report = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED)
    assert [(r.drug, r.method, r.expected_mg) for r in report.results] == [
        ("oxaliplatin", "infusion", 170),
        ("folinic acid", "infusion", 800),
        ("fluorouracil", "bolus", 800),
        ("fluorouracil", "continuous_infusion", 4800),
    ]
    assert all(r.deviation_percent == 0 and r.within_tolerance for r in report.results)
    assert (report.missing, report.extra, report.ok) == ((), (), True)


@pytest.mark.parametrize(
    ("dose", "tolerance", "deviation", "within"),
    [
        pytest.param("178.5mg", 5, 5.0, True, id="+5% exactly: 8.5/170 within 5%"),
        pytest.param("178.6mg", 5, 5.0588, False, id="+5.06%: 8.6/170 outside 5%"),
        pytest.param("161.5mg", 5, -5.0, True, id="-5% exactly: -8.5/170 within 5%"),
        pytest.param("161.4mg", 5, -5.0588, False, id="-5.06%: -8.6/170 outside 5%"),
        pytest.param("155mg", 10, -8.8235, True, id="-8.82%: -15/170 within HOPA 10%"),
        pytest.param("187mg", 10, 10.0, True, id="+10% exactly: 17/170 within 10%"),
        pytest.param("187.1mg", 10, 10.0588, False, id="+10.06%: 17.1/170 outside 10%"),
        pytest.param("0.17 g", 5, 0.0, True, id="grams: 0.17 g = 170 mg"),
    ],
)
def test_tolerance_edges(
    library: Library, dose: str, tolerance: float, deviation: float, within: bool
) -> None:
    """Oxaliplatin 170 mg expected at 2.00 m²: deviation = (prescribed − 170) / 170 × 100."""
    report = check(
        library,
        "FOLFOX-6",
        BSA_2,
        f"oxaliplatin={dose}",
        *FOLFOX_AS_EXPECTED[1:],
        tolerance=tolerance,
    )
    result = report.results[0]
    assert result.deviation_percent == pytest.approx(deviation, abs=1e-4)
    assert result.within_tolerance is within
    assert report.ok is within
    assert report.tolerance_percent == tolerance


def test_expected_is_the_dose_before_rounding(library: Library) -> None:
    """Capecitabine 1125 mg per intake is expected; the sheet's 1150 mg tablets are beside it.

    1100 mg: (1100 − 1125) / 1125 × 100 = −2.22 %, within 5 %: a prescriber who rounds
    down passes. The sheet gives 1150 mg: 1100 = 500 + 4 × 150 (5 tablets) and
    1150 = 2 × 500 + 150 (3 tablets) are both within 5 %, and issue 19's rule takes the
    fewest tablets a day.
    """
    report = check(
        library, "EOX", BSA_1_8, "epirubicin=90mg", "oxaliplatin=234mg", "capecitabine=1100mg"
    )
    cape = report.results[2]
    assert (cape.expected_mg, cape.sheet_dose_mg, cape.per) == (1125, 1150, "intake")
    assert cape.deviation_percent == pytest.approx(-2.2222, abs=1e-4)
    assert report.ok


def test_oral_dose_is_per_intake_and_a_daily_dose_is_flagged(library: Library) -> None:
    """capecitabine=2200mg is read as one intake: +95.6 % (2200/1125), with a note."""
    report = check(
        library, "EOX", BSA_1_8, "epirubicin=90mg", "oxaliplatin=234mg", "capecitabine=2200mg"
    )
    cape = report.results[2]
    assert cape.deviation_percent == pytest.approx(95.5556, abs=1e-4)
    assert not cape.within_tolerance
    assert [note.code for note in cape.notes] == ["LOOKS_DAILY"]
    assert not report.ok


def test_daily_dose_written_per_day(library: Library) -> None:
    """capecitabine=2200mg/day: expected 2 × 1125 = 2250 mg/day, −2.22 %, within; the
    sheet's day is 2 × 1150 = 2300 mg (the fewest tablets:
    test_expected_is_the_dose_before_rounding)."""
    report = check(
        library,
        "EOX",
        BSA_1_8,
        "epirubicin=90mg",
        "oxaliplatin=234mg",
        "capecitabine=2200 mg/day",
    )
    cape = report.results[2]
    assert (cape.per, cape.expected_mg, cape.sheet_dose_mg) == ("day", 2250, 2300)
    assert cape.within_tolerance


BSA_1_37 = make_patient(height=150, weight=45, crcl=90)  # √(150 × 45 / 3600) = 1.369 → 1.37


@pytest.mark.parametrize(
    ("written", "deviation"),
    [
        # The sheet's own day: (1750 − 1712.5) / 1712.5 = +2.19 %.
        pytest.param("capecitabine=1750mg/day", 2.19, id="the plan's day, 950 + 800"),
        # Issue 19's example, 900 + 800: (1700 − 1712.5) / 1712.5 = −0.73 %.
        pytest.param("capecitabine=1700mg/day", -0.73, id="900 + 800 a day"),
    ],
)
def test_daily_total_of_unequal_intakes_passes(
    library: Library, written: str, deviation: float
) -> None:
    """EOX at 1.37 m² (issue 19): capecitabine 625 × 1.37 = 856.25 mg per intake, 1712.5 mg
    a day. No equal plan is within 5 % (800 is −6.6 %, 850 is not whole 150/500 mg
    tablets, 900 is +5.1 %), so the sheet's intakes differ: 950 (500 + 3 × 150) in the
    morning + 800 (500 + 2 × 150) in the evening = 1750 mg, 7 tablets. A daily total is
    compared with the calculated day and shown beside the plan's day, 1750 mg (not
    2 × 950 = 1900)."""
    report = check(
        library,
        "EOX",
        BSA_1_37,
        "epirubicin=68.5mg",  # 50 × 1.37
        "oxaliplatin=178.1mg",  # 130 × 1.37
        written,
    )
    cape = report.results[2]
    assert (cape.per, cape.expected_mg, cape.sheet_dose_mg) == ("day", pytest.approx(1712.5), 1750)
    assert round(cape.deviation_percent or 0, 2) == deviation
    assert cape.within_tolerance
    assert cape.notes == ()
    assert report.ok


def test_per_intake_dose_on_unequal_intakes_is_noted(library: Library) -> None:
    """EOX at 1.37 m²: capecitabine=950mg is one intake, twice daily: (950 − 856.25) /
    856.25 = +10.95 %, beyond 5 %; the note says the sheet's intakes differ (950 + 800,
    1750 mg a day), which is the daily total to prescribe."""
    report = check(
        library, "EOX", BSA_1_37, "epirubicin=68.5mg", "oxaliplatin=178.1mg", "capecitabine=950mg"
    )
    cape = report.results[2]
    assert (cape.per, cape.sheet_dose_mg) == ("intake", 950)
    assert cape.expected_mg == pytest.approx(856.25)
    assert round(cape.deviation_percent or 0, 2) == 10.95
    assert not cape.within_tolerance
    assert [(n.code, dict(n.params)) for n in cape.notes] == [
        (
            "INTAKES_DIFFER",
            {
                "drug": "capecitabine",
                "prescribed": "950",
                "doses": "950 + 800",
                "times": "morning + evening",
                "daily": "1750",
            },
        )
    ]
    assert not report.ok


def test_fluorouracil_infusion_means_the_46_hour_infusion(library: Library) -> None:
    """FOLFOX-6 gives 5-FU as bolus and continuous infusion: ':infusion' is the 4800 mg one."""
    report = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED)
    infusion = report.results[3]
    assert (infusion.method, infusion.expected_mg) == ("continuous_infusion", 4800)


@pytest.mark.parametrize(
    "word", ["continuous_infusion", "continuous-infusion", "Continuous Infusion", "continuous"]
)
def test_continuous_infusion_spellings(library: Library, word: str) -> None:
    """The continuous infusion can be named outright, with _ or - or a space."""
    report = check(
        library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED[:3], f"fluorouracil:{word}=4800mg"
    )
    assert report.results[3].method == "continuous_infusion"
    assert report.ok


def test_swapped_bolus_and_infusion(library: Library) -> None:
    """Bolus 4800 mg and infusion 800 mg: both outside, each noted as the other's dose."""
    report = check(
        library,
        "FOLFOX-6",
        BSA_2,
        *FOLFOX_AS_EXPECTED[:2],
        "5-FU:bolus=4800mg",
        "fluorouracil:infusion=800mg",
    )
    bolus, infusion = report.results[2:]
    assert bolus.deviation_percent == pytest.approx(500)  # (4800 − 800) / 800
    assert infusion.deviation_percent == pytest.approx(-83.3333, abs=1e-4)  # (800 − 4800) / 4800
    assert [n.code for n in bolus.notes] == ["LOOKS_LIKE_OTHER_METHOD"]
    assert [n.code for n in infusion.notes] == ["LOOKS_LIKE_OTHER_METHOD"]
    assert not report.ok


def test_fluorouracil_without_method_is_refused(library: Library) -> None:
    """5-FU given two ways: 'fluorouracil=800mg' would be a guess, so it is an error."""
    with pytest.raises(InputError, match=r"fluorouracil:bolus=DOSE and fluorouracil:continuous"):
        check(library, "FOLFOX-6", BSA_2, "fluorouracil=800mg")


def test_missing_drugs_are_reported(library: Library) -> None:
    """Only oxaliplatin prescribed: folinic acid and both 5-FU administrations are missing."""
    report = check(library, "FOLFOX-6", BSA_2, "oxaliplatin=170mg")
    assert [(m.drug, m.method, m.expected_mg) for m in report.missing] == [
        ("folinic acid", "infusion", 800),
        ("fluorouracil", "bolus", 800),
        ("fluorouracil", "continuous_infusion", 4800),
    ]
    assert report.results[0].within_tolerance
    assert not report.ok


def test_drug_not_in_regimen_is_extra(library: Library) -> None:
    """Docetaxel with FOLFOX-6 is extra; the four FOLFOX doses still pass one by one."""
    report = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED, "Taxotere=150mg")
    assert [(e.drug, e.reason.code) for e in report.extra] == [("docetaxel", "NOT_IN_REGIMEN")]
    assert all(r.within_tolerance for r in report.results)
    assert not report.ok


def test_drug_by_another_method_is_extra_and_its_own_missing(library: Library) -> None:
    """Oxaliplatin as a bolus: extra (FOLFOX-6 gives it by infusion), and the infusion missing."""
    report = check(library, "FOLFOX-6", BSA_2, "oxaliplatin:bolus=170mg", *FOLFOX_AS_EXPECTED[1:])
    assert [(e.drug, e.method, e.reason.code) for e in report.extra] == [
        ("oxaliplatin", "bolus", "OTHER_METHOD")
    ]
    assert [(m.drug, m.method) for m in report.missing] == [("oxaliplatin", "infusion")]


def test_withheld_drug_prescribed_fails_and_not_prescribed_is_not_missing(
    library: Library,
) -> None:
    """EOX at CrCl 25 mL/min: capecitabine is contraindicated (label §4.1), expected 0 mg."""
    patient = make_patient(height=180, weight=64.8, crcl=25)
    given = check(
        library, "EOX", patient, "epirubicin=90mg", "oxaliplatin=234mg", "capecitabine=1100mg"
    )
    cape = given.results[2]
    assert (cape.expected_mg, cape.deviation_percent, cape.within_tolerance) == (0, None, False)
    assert [n.code for n in cape.notes] == ["WITHHELD"]
    assert given.blocking
    assert not given.ok
    left_out = check(library, "EOX", patient, "epirubicin=90mg", "oxaliplatin=234mg")
    assert left_out.missing == ()
    assert left_out.blocking
    assert not left_out.ok


def test_dose_level_changes_the_expected_dose(library: Library) -> None:
    """At an 80 % dose level oxaliplatin is expected at 85 × 2 × 0.8 = 136 mg."""
    report = check(library, "FOLFOX-6", BSA_2, "oxaliplatin=136mg", dose_level_percent=80)
    assert report.results[0].expected_mg == pytest.approx(136)
    assert report.results[0].within_tolerance


def test_supportive_add_on_is_checked(library: Library) -> None:
    """Zoledronic acid with FOLFOX-6 at CrCl 55 mL/min: 3.5 mg expected (SmPC band 50–60)."""
    patient = make_patient(height=180, weight=80, crcl=55)
    report = check_prescription(
        library,
        "FOLFOX-6",
        patient,
        read(library, [*FOLFOX_AS_EXPECTED, "zoledronic acid=4mg"]),
        supportive=["ZOLEDRONIC-ACID"],
    )
    zol = report.results[4]
    assert (zol.drug, zol.regimen, zol.expected_mg) == ("zoledronic acid", "ZOLEDRONIC-ACID", 3.5)
    assert zol.deviation_percent == pytest.approx(14.2857, abs=1e-4)  # (4 − 3.5) / 3.5
    assert not zol.within_tolerance


def library_with(tmp_path: Path, regimen_id: str, *components: tuple[str, str, str]) -> Library:
    """The built-in library plus a test regimen of fluorouracil (dose, days, method) parts."""
    blocks = [
        f"""
[[components]]
drug = "fluorouracil"
dose = "{dose}"
days = "{days}"
route = "IV"
method = "{method}"
{'duration = "46 h"' if method == "continuous_infusion" else ""}
{'duration = "2 h"' if method == "infusion" else ""}
order = {order}
source = "Test fixture"
"""
        for order, (dose, days, method) in enumerate(components, start=1)
    ]
    (tmp_path / "test.toml").write_text(
        f"""
id = "{regimen_id}"
name = "Test regimen"
description = "Test fixture."
setting = "Tests only."
cycle_length_days = 14
[[references]]
citation = "Test fixture."
"""
        + "".join(blocks),
        encoding="utf-8",
    )
    return load_library([tmp_path], use_env=False)


def test_infusion_is_refused_when_a_drug_has_both_kinds(tmp_path: Path) -> None:
    """A regimen with a 2-h and a 46-h 5-FU infusion: 'infusion' is ambiguous, named ones work."""
    library = library_with(
        tmp_path,
        "TWO-INFUSIONS",
        ("400 mg/m2", "1", "infusion"),
        ("2400 mg/m2", "1", "continuous_infusion"),
    )
    with pytest.raises(InputError, match="short_infusion=DOSE or fluorouracil:continuous"):
        check_prescription(
            library, "TWO-INFUSIONS", BSA_2, read(library, ["fluorouracil:infusion=800mg"])
        )
    report = check_prescription(
        library,
        "TWO-INFUSIONS",
        BSA_2,
        read(
            library,
            ["fluorouracil:short_infusion=800mg", "fluorouracil:continuous_infusion=4800mg"],
        ),
    )
    assert [(r.method, r.expected_mg) for r in report.results] == [
        ("infusion", 800),
        ("continuous_infusion", 4800),
    ]


def test_doses_that_differ_by_day_are_noted(tmp_path: Path) -> None:
    """Bolus 400 mg/m² on day 1 and 200 mg/m² on day 8: compared with day 1 (800 mg), noted."""
    library = library_with(
        tmp_path, "TWO-DAYS", ("400 mg/m2", "1", "bolus"), ("200 mg/m2", "8", "bolus")
    )
    report = check_prescription(library, "TWO-DAYS", BSA_2, read(library, ["fluorouracil=800mg"]))
    (result,) = report.results
    assert (result.day, result.expected_mg, result.within_tolerance) == (1, 800, True)
    assert [(n.code, n.params["doses"]) for n in result.notes] == [
        ("DOSES_DIFFER_BY_DAY", "400, 800")
    ]


def test_per_day_dose_that_is_one_intake_is_noted(library: Library) -> None:
    """capecitabine=1100mg/day against 2 x 1125 = 2250 mg/day: −51.1 %, noted as one intake."""
    report = check(library, "EOX", BSA_1_8, "capecitabine=1100mg/day")
    cape = report.results[0]
    assert cape.deviation_percent == pytest.approx(-51.1111, abs=1e-4)
    assert [n.code for n in cape.notes] == ["LOOKS_PER_INTAKE"]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        pytest.param("oxaliplatin", InputError, "DRUG=DOSE", id="no dose"),
        pytest.param("oxaliplatin=170", UnitError, "with its unit", id="bare number"),
        pytest.param("oxaliplatin=85 mg/m2", UnitError, "must be a mass", id="per m2"),
        pytest.param("oxaliplatin=0mg", InputError, "above 0 mg", id="zero"),
        pytest.param("aspirin=100mg", UnknownNameError, "unknown drug 'aspirin'", id="unknown"),
        pytest.param("fluorouracil:push=800mg", InputError, "unknown method", id="method"),
    ],
)
def test_malformed_prescriptions(
    library: Library, text: str, error: type[Exception], message: str
) -> None:
    """Each mistake raises the package's error naming what was typed."""
    with pytest.raises(error, match=message) as raised:
        parse_prescribed(text, library)
    assert text in str(raised.value)
    assert raised.value.field == "prescribed"  # type: ignore[attr-defined]
    assert "--" not in str(raised.value)  # the CLI maps the field to its flag


def test_names_and_aliases_resolve_to_the_inn(library: Library) -> None:
    """'Oxaliplatine' (French), '5-FU' and 'leucovorin' are library aliases."""
    read = [
        parse_prescribed(text, library)
        for text in ("Oxaliplatine=1 mg", "5-FU:bolus=1g", "leucovorin=1mg")
    ]
    assert [(p.drug, p.method_word, p.dose_mg) for p in read] == [
        ("oxaliplatin", None, 1),
        ("fluorouracil", "bolus", 1000),
        ("folinic acid", None, 1),
    ]


def test_the_same_administration_twice_is_refused(library: Library) -> None:
    """Two doses for oxaliplatin's one infusion cannot both be checked."""
    with pytest.raises(InputError, match="already prescribed"):
        check(library, "FOLFOX-6", BSA_2, "oxaliplatin=170mg", "oxaliplatin:infusion=160mg")


@pytest.mark.parametrize(
    ("deviation", "within"),
    [(5.0, True), (-5.0, True), (5.0000000000001, True), (5.000001, False), (None, False)],
)
def test_deviation_within_compares_at_six_decimals(deviation: float | None, within: bool) -> None:
    """Float noise at the edge does not fail a dose; a real millionth of a percent does."""
    assert deviation_within(deviation, 5.0) is within


def test_every_note_code_has_its_text() -> None:
    """Each note code has a ``check.CODE`` text (test_catalogue: in every language)."""
    assert [code for code in get_args(NoteCode) if not has(f"check.{code}")] == []


def test_infusion_is_a_family_name() -> None:
    """'infusion' can address either infusion kind; every other word exactly one method."""
    assert METHOD_WORDS["infusion"] == ("infusion", "continuous_infusion")
    assert all(len(v) == 1 for k, v in METHOD_WORDS.items() if k != "infusion")


@settings(max_examples=40, deadline=None)
@given(
    height=st.floats(min_value=140, max_value=200),
    weight=st.floats(min_value=40, max_value=130),
)
def test_the_sheets_own_doses_always_pass(height: float, weight: float) -> None:
    """Prescribing exactly the rounded doses of `regimens sheet` passes, for any adult.

    The sheet never rounds beyond the tolerance, so its doses are within it by design.
    """
    library = load_library(use_env=False)
    patient = make_patient(height=height, weight=weight, crcl=90)
    sheet = compute_sheet(library, "FOLFOX-6", patient)
    prescribed = [
        f"{item.drug}:{item.method}={item.dose_mg!r}mg" for item in sheet.days[0].administrations
    ]
    report = check_prescription(library, "FOLFOX-6", patient, read(library, prescribed))
    assert all(result.within_tolerance for result in report.results)
    assert report.ok


@pytest.mark.parametrize(
    "prescribed",
    [
        pytest.param(("fluorouracil=800mg",), id="method needed"),
        pytest.param(("oxaliplatin=170mg", "oxaliplatin:infusion=160mg"), id="twice"),
    ],
)
def test_check_errors_name_the_field_not_a_flag(
    library: Library, prescribed: tuple[str, ...]
) -> None:
    """Mistakes found against the regimen name the field and what was typed, no flag."""
    with pytest.raises(InputError) as raised:
        check(library, "FOLFOX-6", BSA_2, *prescribed)
    assert raised.value.field == "prescribed"
    assert str(raised.value).startswith(f"prescribed {prescribed[-1]!r}: ")


def test_typed_text_is_read_before_the_check(library: Library) -> None:
    """The calculator takes read doses: text is refused, naming the reader to use."""
    with pytest.raises(TypeError, match="parse_prescribed"):
        check_prescription(library, "FOLFOX-6", BSA_2, ["oxaliplatin=170mg"])  # type: ignore[list-item]


@pytest.mark.parametrize("dose", [0, -170, float("nan"), float("inf"), True, "170"])
def test_a_prescribed_dose_is_a_positive_finite_number(dose: object) -> None:
    """A PrescribedDose built in Python cannot carry a dose no order could have."""
    with pytest.raises(ValueError, match="dose_mg"):
        PrescribedDose(
            text="oxaliplatin=?",
            drug="oxaliplatin",
            method_word=None,
            dose_mg=dose,  # type: ignore[arg-type]
            per="intake",
        )


def test_notes_hold_codes_and_values_not_sentences(library: Library) -> None:
    """A note is a code and its displayed values, which cannot be changed afterwards."""
    report = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED[:2], "5-FU:bolus=4800mg")
    (note,) = report.results[2].notes
    assert note.model_dump() == {
        "code": "LOOKS_LIKE_OTHER_METHOD",
        "params": {"prescribed": "4800", "other": "continuous_infusion", "drug": "fluorouracil"},
    }
    with pytest.raises(TypeError):
        note.params["prescribed"] = "800"  # type: ignore[index]
    with pytest.raises(TypeError):
        report.drug_names["fluorouracil"]["fr"] = "5-FU"  # type: ignore[index]


def test_json_gives_each_note_its_english_sentence(library: Library) -> None:
    """check_json: each note and extra reason keeps code, message, params, in that order."""
    report = check(
        library,
        "FOLFOX-6",
        BSA_2,
        *FOLFOX_AS_EXPECTED[:2],
        "5-FU:bolus=4800mg",
        "Taxotere=150mg",
    )
    document = json.loads(check_json(report))
    (note,) = document["results"][2]["notes"]
    assert list(note) == ["code", "message", "params"]
    assert note["message"] == (
        "4800 mg is the expected dose of the continuous_infusion of fluorouracil: methods swapped?"
    )
    assert document["extra"][0]["reason"]["message"] == "docetaxel is not part of FOLFOX-6"
    assert document["warnings"] == []


def test_french_notes_name_drug_and_method_in_french(library: Library) -> None:
    """--lang fr: the note's drug and method are French, from drug_names and the labels."""
    report = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED[:2], "5-FU:bolus=4800mg")
    assert (
        "fluorouracile bolus: 4 800 mg est la dose attendue de fluorouracile en "
        "perfusion continue : modes inversés ?"
    ) in check_table(report, "fr")


def test_the_public_function_reads_typed_doses(library: Library) -> None:
    """regimens.check_prescription takes the doses as typed and reads them first."""
    import regimens

    typed = regimens.check_prescription(library, "FOLFOX-6", BSA_2, list(FOLFOX_AS_EXPECTED))
    read_first = check(library, "FOLFOX-6", BSA_2, *FOLFOX_AS_EXPECTED)
    assert typed.model_dump(exclude={"provenance"}) == read_first.model_dump(exclude={"provenance"})

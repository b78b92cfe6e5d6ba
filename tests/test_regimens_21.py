"""Issue 21's regimens: doses, days and cycle length against their sources.

Patients: BSA-dosed drugs at 2.00 m² (200 cm, 72 kg, Mosteller: √(200 × 72 / 3600)
= √4 = 2.00 m²); weight-dosed drugs at 72 kg (actual weight); carboplatin by Calvert,
dose = AUC × (GFR + 25), with the CrCl given as the GFR. Expected values are worked by
hand in the comments; the sources are quoted in the docstrings.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import run_words
from regimens._calc.calendar import build_calendar
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.calendar import CalendarOptions
from regimens._models.sheet import DoseSheet
from regimens._read.assessment import make_assessment_inputs
from regimens._read.library import Library, validate_paths
from regimens._read.patient import make_patient

# 200 cm, 72 kg → 2.00 m²; CrCl 100 mL/min for the Calvert dose and the renal rules.
PATIENT = {"height": 200, "weight": 72, "crcl": 100}

NEW_REGIMENS = (
    "CAPOX",
    "FLOT",
    "FOLFIRINOX",
    "MFOLFIRINOX",
    "FOLFOXIRI",
    "DCF",
    "XP-TRASTUZUMAB",
    "PACLITAXEL-RAMUCIRUMAB",
    "FOLFOX-NIVOLUMAB",
    "CAPOX-NIVOLUMAB",
    "CARBOPLATIN-PACLITAXEL-WEEKLY",
)


def sheet(library: Library, regimen: str, **patient: float) -> DoseSheet:
    return compute_sheet(library, regimen, make_patient(**(PATIENT | patient)), SheetOptions())


def doses(result: DoseSheet, day: int = 1) -> dict[tuple[str, str], float]:
    """{(drug, method): final dose in mg} of the chemotherapy on ``day`` (the
    premedication and supportive orders are tested in test_supportive_orders_21.py)."""
    return {
        (a.drug, a.method): a.dose_mg
        for d in result.days
        if d.day == day
        for a in d.administrations
        if a.kind == "chemotherapy"
    }


def cycle_and_count(library: Library, result: DoseSheet) -> tuple[int, int | None]:
    """The regimen's cycle length in days and its usual number of cycles."""
    return result.regimen.cycle_length_days, library.get(result.regimen.id).usual_cycles


def days_of(result: DoseSheet, drug: str) -> list[int]:
    return [d.day for d in result.days for a in d.administrations if a.drug == drug]


def test_bsa_of_the_test_patient(library: Library) -> None:
    """√(200 × 72 / 3600) = 2.00 m² (Mosteller)."""
    result = sheet(library, "CAPOX")
    assert result.bsa is not None
    assert result.bsa.bsa_m2 == pytest.approx(2.00)


def test_capox(library: Library) -> None:
    """NZ SACT CAPOX: 'oxaliplatin * | 130 mg/m² | intravenous | 1 | 120 minutes';
    'capecitabine * | 1000 mg/m² Twice daily | oral administration | 1 to 14';
    'Cycle 1 (and all further cycles) - 21 days'."""
    result = sheet(library, "XELOX")  # the alias
    assert result.regimen.id == "CAPOX"
    assert result.regimen.cycle_length_days == 21
    # oxaliplatin 130 × 2.00 = 260 mg; capecitabine 1000 × 2.00 = 2000 mg per intake
    assert doses(result) == {("oxaliplatin", "infusion"): 260, ("capecitabine", "oral"): 2000}
    assert days_of(result, "capecitabine") == list(range(1, 15))
    assert days_of(result, "oxaliplatin") == [1]


def test_flot(library: Library) -> None:
    """NZ SACT FLOT: 'DOCEtaxel * 50 mg/m² … 60 minutes'; 'oxaliplatin * 85 mg/m² …
    120 minutes'; 'foliNIc acid (as calcium folinate) * 200 mg/m² … 120 minutes';
    'fluorouracil * 2600 mg/m² intravenous 1 24 hours'; 'Cycles 1 to 8 - 14 days'."""
    result = sheet(library, "FLOT")
    assert cycle_and_count(library, result) == (14, 8)
    # 50, 85, 200, 2600 mg/m² × 2.00 m²
    assert doses(result) == {
        ("docetaxel", "infusion"): 100,
        ("oxaliplatin", "infusion"): 170,
        ("folinic acid", "infusion"): 400,
        ("fluorouracil", "continuous_infusion"): 5200,
    }
    (pump,) = [c for c in library.get("FLOT").components if c.drug == "fluorouracil"]
    assert pump.duration_h == 24


def test_folfirinox(library: Library) -> None:
    """Conroy NEJM 2011 (recalled [U]) / NZ SACT [V]: oxaliplatin 85, irinotecan 180,
    fluorouracil 400 bolus + 2400 mg/m² over 46 h; folinic acid 400 mg/m² (trial [U],
    Kobayashi 2017 [P]); every 14 days, 'Usual maximum of 12 cycles'."""
    result = sheet(library, "FOLFIRINOX")
    assert cycle_and_count(library, result) == (14, 12)
    # 85, 400, 180, 400, 2400 mg/m² × 2.00 m²
    assert doses(result) == {
        ("oxaliplatin", "infusion"): 170,
        ("folinic acid", "infusion"): 800,
        ("irinotecan", "infusion"): 360,
        ("fluorouracil", "bolus"): 800,
        ("fluorouracil", "continuous_infusion"): 4800,
    }


def test_mfolfirinox(library: Library) -> None:
    """PRODIGE 24 (ASCO 2018 LBA4001): 'oxaliplatin 85 mg/m², leucovorin 400 mg/m²,
    irinotecan 150 mg/m² D1, and 5-FU 2.4 g/m² over 46 h) every 14 days for 12 cycles';
    no bolus. Found as mFOLFIRINOX (look-up ignores case)."""
    result = sheet(library, "mFOLFIRINOX")
    assert result.regimen.id == "MFOLFIRINOX"
    assert cycle_and_count(library, result) == (14, 12)
    assert doses(result) == {
        ("oxaliplatin", "infusion"): 170,  # 85 × 2
        ("folinic acid", "infusion"): 800,  # 400 × 2
        ("irinotecan", "infusion"): 300,  # 150 × 2
        ("fluorouracil", "continuous_infusion"): 4800,  # 2400 × 2, no bolus
    }


def test_folfoxiri(library: Library) -> None:
    """Falcone JCO 2007: 'irinotecan 165 mg/m2 day 1, oxaliplatin 85 mg/m2 day 1,
    leucovorin 200 mg/m2 day 1, fluorouracil 3,200 mg/m2 48-hour continuous infusion
    starting on day 1, every 2 weeks'; ASCO 2006: 'l-LV 200 mg/sqm' → racemic 400."""
    result = sheet(library, "FOLFOXIRI")
    assert result.regimen.cycle_length_days == 14
    assert doses(result) == {
        ("irinotecan", "infusion"): 330,  # 165 × 2
        ("oxaliplatin", "infusion"): 170,  # 85 × 2
        ("folinic acid", "infusion"): 800,  # racemic 400 × 2 (= levo 200 × 2 = 400 mg levo)
        ("fluorouracil", "continuous_infusion"): 6400,  # 3200 × 2 over 48 h
    }


def test_dcf(library: Library) -> None:
    """Van Cutsem JCO 2006: 'docetaxel 75 mg/m2 and cisplatin 75 mg/m2 (day 1) plus
    fluorouracil 750 mg/m2/d (days 1 to 5) every 3 weeks', as ONE 120-hour pump (issue
    21: 'DCF's 120-hour pump comes off on day 6')."""
    result = sheet(library, "DCF")
    assert result.regimen.cycle_length_days == 21
    # 75 × 2 = 150 mg each; fluorouracil 750 × 2.00 × 5 days = 7500 mg in the pump,
    # started on day 1 (1500 mg a day).
    assert doses(result) == {
        ("docetaxel", "infusion"): 150,
        ("cisplatin", "infusion"): 150,
        ("fluorouracil", "continuous_infusion"): 7500,
    }
    assert days_of(result, "fluorouracil") == [1]
    (pump,) = [
        a for d in result.days if d.day == 1 for a in d.administrations if a.drug == "fluorouracil"
    ]
    assert pump.duration_h == 120
    totals = {t.drug: t.total_mg for t in result.totals}
    assert totals["fluorouracil"] == 7500  # 3750 mg/m² × 2.00
    calendar = build_calendar(library, "DCF", dt.date(2026, 3, 2), CalendarOptions(cycles=1))
    pump_off = [day.day for cycle in calendar.cycles for day in cycle.days if day.pump_off]
    assert pump_off == [6]  # day 1 + ceil(120 / 24) = day 6


def test_xp_trastuzumab(library: Library) -> None:
    """ToGA via Cochrane CD011461: 'D1 trastuzumab 8 mg/kg i.v. for cycle 1, and then
    6 mg/kg'; 'D1 80 mg/m² cisplatin'; '1000 mg/m² capecitabine by mouth twice daily';
    Q3W. Cycle 1 takes the loading dose, cycles 2 on the maintenance dose."""
    result = sheet(library, "ToGA")
    assert result.regimen.id == "XP-TRASTUZUMAB"
    assert result.regimen.cycle_length_days == 21
    assert doses(result) == {
        ("trastuzumab", "infusion"): 576,  # 8 mg/kg × 72 kg, cycle 1
        ("cisplatin", "infusion"): 160,  # 80 × 2
        ("capecitabine", "oral"): 2000,  # 1000 × 2, twice daily
    }
    assert days_of(result, "capecitabine") == list(range(1, 15))
    patient = make_patient(**PATIENT)
    for cycle in (2, 3, 8):
        later = compute_sheet(library, "ToGA", patient, SheetOptions(cycle=cycle))
        assert doses(later)[("trastuzumab", "infusion")] == 432  # 6 mg/kg × 72 kg
    cautions = [w for w in result.warnings if w.code == "REGIMEN_CAUTION"]
    assert not any("8 mg/kg" in " ".join(w.params.values()) for w in cautions)


def every_line(result: DoseSheet) -> dict[tuple[int, str, str], float]:
    """{(day, drug, kind): dose} of every line of the sheet, chemotherapy or not."""
    return {(d.day, a.drug, a.kind): a.dose_mg for d in result.days for a in d.administrations}


@pytest.mark.parametrize("cycle", [1, 6, 7, 8])
def test_xp_trastuzumab_chemotherapy_for_six_cycles(library: Library, cycle: int) -> None:
    """ToGA: cisplatin and capecitabine 'every 3 weeks for six cycles' (Lancet 2010
    abstract [V]; Cochrane CD011461: 'D1 80 mg/m² cisplatin i.v., Q3W for 6 cycles; …
    capecitabine … every 3 weeks for 6 cycles' [P]), trastuzumab 'until disease
    progression' (Cochrane [P]). Their magnesium and antiemetics follow cisplatin (NZ
    SACT: 'Emetogenicity: HIGH for cycles 1 to 6 (cISplatin)' [V]). At 72 kg, 2.00 m²:
    cisplatin 80 × 2.00 = 160 mg; capecitabine 1000 × 2.00 = 2000 mg twice daily;
    trastuzumab 8 × 72 = 576 mg in cycle 1, then 6 × 72 = 432 mg; from cycle 7,
    trastuzumab 432 mg alone."""
    patient = make_patient(**PATIENT)
    result = compute_sheet(library, "XP-TRASTUZUMAB", patient, SheetOptions(cycle=cycle))
    trastuzumab = 576 if cycle == 1 else 432
    lines = every_line(result)
    if cycle <= 6:
        assert doses(result) == {
            ("trastuzumab", "infusion"): trastuzumab,
            ("cisplatin", "infusion"): 160,
            ("capecitabine", "oral"): 2000,
        }
        assert days_of(result, "capecitabine") == list(range(1, 15))
        assert {
            a.intakes_per_day
            for d in result.days
            for a in d.administrations
            if a.drug == "capecitabine"
        } == {2}
        assert {(1, "magnesium sulfate", "hydration"), (1, "ondansetron", "antiemetic")} <= set(
            lines
        )
    else:
        assert lines == {(1, "trastuzumab", "chemotherapy"): trastuzumab}
        # The emetogenic class is one per regimen (cisplatin's, high): the trastuzumab
        # line's notes, printed on this sheet, say that it alone is minimal.
        assert result.emetogenic_risk is not None
        assert result.emetogenic_risk.class_ == "high"
        notes = " ".join(a.notes for d in result.days for a in d.administrations)
        assert "From cycle 7 trastuzumab is given alone" in notes
        # NZ SACT gastric cisplatin-capecitabine page [V], quoted in those notes.
        assert "Emetogenicity: HIGH for cycles 1 to 6 (cISplatin); LOW thereafter." in notes


@pytest.mark.parametrize(("cycle", "decision"), [(6, "delay"), (7, "go")])
def test_xp_trastuzumab_blood_count_rule_follows_capecitabine(
    library: Library, cycle: int, decision: str
) -> None:
    """The rule is capecitabine's (SmPC §4.2: not below ANC 1.5 × 10⁹/L [P]): at ANC
    1.4 cycle 6 (capecitabine given) is delayed; cycle 7 (trastuzumab alone, no
    blood-count threshold seen for it) goes, with haematology 'not encoded'."""
    inputs = make_assessment_inputs(
        library.assessment_settings, date="2026-12-04", labs=["anc=1.4", "platelets=150"]
    )
    options = SheetOptions(cycle=cycle, assessment=inputs)
    result = compute_sheet(library, "XP-TRASTUZUMAB", make_patient(**PATIENT), options)
    assert result.assessment is not None
    assert result.assessment.decision == decision
    if cycle == 7:
        (trastuzumab,) = result.assessment.drugs
        assert trastuzumab.drug == "trastuzumab"
        assert "haematology" in trastuzumab.not_encoded


def test_paclitaxel_ramucirumab(library: Library) -> None:
    """Wilke Lancet Oncol 2014: 'ramucirumab 8 mg/kg … on days 1 and 15, plus
    paclitaxel 80 mg/m² intravenously on days 1, 8, and 15 of a 28-day cycle'."""
    result = sheet(library, "RAINBOW")
    assert result.regimen.id == "PACLITAXEL-RAMUCIRUMAB"
    assert result.regimen.cycle_length_days == 28
    # ramucirumab 8 mg/kg × 72 kg = 576 mg; paclitaxel 80 × 2.00 = 160 mg
    assert doses(result) == {("ramucirumab", "infusion"): 576, ("paclitaxel", "infusion"): 160}
    assert doses(result, 8) == {("paclitaxel", "infusion"): 160}
    assert days_of(result, "ramucirumab") == [1, 15]
    assert days_of(result, "paclitaxel") == [1, 8, 15]
    day1 = [
        a.drug
        for d in result.days
        if d.day == 1
        for a in d.administrations
        if a.kind == "chemotherapy"
    ]
    assert day1 == ["ramucirumab", "paclitaxel"]  # label: ramucirumab first


@pytest.mark.parametrize(
    ("regimen", "cycle", "nivolumab", "chemotherapy"),
    [
        pytest.param(
            "FOLFOX-NIVOLUMAB",
            14,
            240,
            {
                ("oxaliplatin", "infusion"): 170,
                ("folinic acid", "infusion"): 800,
                ("fluorouracil", "bolus"): 800,
                ("fluorouracil", "continuous_infusion"): 4800,
            },
            id="240 mg q2w with mFOLFOX6",
        ),
        pytest.param(
            "CAPOX-NIVOLUMAB",
            21,
            360,
            {("oxaliplatin", "infusion"): 260, ("capecitabine", "oral"): 2000},
            id="360 mg q3w with CAPOX",
        ),
    ],
)
def test_nivolumab_combinations(
    library: Library, regimen: str, cycle: int, nivolumab: float, chemotherapy: dict
) -> None:
    """opdivohcp.com: '240 mg … over 30 minutes with fluoropyrimidine- and
    platinum-containing chemotherapy q2w OR 360 mg … q3w'; CheckMate 649 pairs Q2W with
    FOLFOX and Q3W with CAPOX. Flat doses: the same at any BSA or weight."""
    result = sheet(library, regimen)
    assert result.regimen.cycle_length_days == cycle
    assert doses(result) == {("nivolumab", "infusion"): nivolumab} | chemotherapy
    other = sheet(library, regimen, height=160, weight=50)
    assert doses(other)[("nivolumab", "infusion")] == nivolumab


@pytest.mark.parametrize(
    ("crcl", "carboplatin"),
    [
        pytest.param(100, 250, id="GFR 100: 2 x (100 + 25) = 250 mg"),
        pytest.param(60, 170, id="GFR 60: 2 x (60 + 25) = 170 mg"),
        pytest.param(125, 300, id="GFR 125: 2 x 150 = 300 mg, the FDA maximum"),
        pytest.param(160, 300, id="GFR 160 capped at 125: 300 mg"),
    ],
)
def test_cross(library: Library, crcl: float, carboplatin: float) -> None:
    """van Meerten BJC 2006: 'paclitaxel 50 mg m-2 and carboplatin AUC = 2 on days 1,
    8, 15, 22 and 29'; encoded as 5 weekly cycles. FDA 2010: maximum = AUC × 150 mL/min
    (GFR capped at 125)."""
    result = sheet(library, "CROSS", crcl=crcl)
    assert result.regimen.id == "CARBOPLATIN-PACLITAXEL-WEEKLY"
    assert cycle_and_count(library, result) == (7, 5)
    assert doses(result) == {
        ("paclitaxel", "infusion"): 100,  # 50 × 2.00
        ("carboplatin", "infusion"): carboplatin,
    }
    assert ("CALVERT_GFR_CAPPED" in {w.code for w in result.warnings}) == (crcl > 125)


def test_case_report_regimens_are_still_there(library: Library) -> None:
    """The six regimens of the case report are kept, next to issue 21's eleven."""
    assert set(library.regimens) == {
        "DOCETAXEL",
        "EOX",
        "FOLFIRI",
        "FOLFOX-6",
        "XELIRI",
        "ZOLEDRONIC-ACID",
        *NEW_REGIMENS,
    }


@pytest.mark.parametrize("regimen", NEW_REGIMENS)
def test_regimen_file_validates(library: Library, regimen: str) -> None:
    """Each new file is valid on its own with drugs.toml."""
    path = library.file_of(regimen).path
    drugs = library.file_of_drug("oxaliplatin").path
    assert validate_paths([path, drugs]) == []


@pytest.mark.subprocess
@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "html", "fhir"])
@pytest.mark.parametrize("regimen", NEW_REGIMENS)
def test_sheet_renders_in_every_format(regimen: str, fmt: str) -> None:
    """Every new regimen prints a sheet in every format, without a blocking warning."""
    status, out, err = run_words(
        "sheet", regimen, "--height", "200", "--weight", "72", "--crcl", "100", "--format", fmt
    )
    assert (status, err) == (0, "")
    assert out


def test_list_shows_the_new_regimens() -> None:
    """`regimens list` names every new regimen."""
    status, out, _ = run_words("list")
    assert status == 0
    for regimen in NEW_REGIMENS:
        assert regimen in out

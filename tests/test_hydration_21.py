"""Issue 21's hydration orders: a dose in mL or mmol, flat, on ``kind = "hydration"``,
with ``timing`` and ``relative_to``; their rate; their place on every sheet format;
never changed by a dose level, never counted; and cisplatin's magnesium in DCF and
XP-TRASTUZUMAB.

The HYDRATION-TEST regimen (tests/fixtures/hydration/library) is a fixture, not a
clinical regimen. Worked by hand at 180 cm, 80 kg: Mosteller √(180 × 80 / 3600) = 2.00 m²;
cisplatin 75 mg/m² × 2.00 = 150 mg; sodium chloride 0.9 % 1000 mL over 2 h before it is
1000 / 2 = 500 mL/h, 1 L over 4 h after it 1000 / 4 = 250 mL/h; magnesium sulfate
10 mmol and potassium chloride 20 mmol as written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from regimens._calc.calendar import build_calendar
from regimens._calc.course import _sum_sheets
from regimens._calc.course_record import planned_per_cycle
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.calendar import CalendarOptions
from regimens._models.patient import Patient
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.library import Library, load_library, validate_paths
from regimens._read.regimen import parse_dose
from regimens._read.regimen_file import DoseText
from regimens._render.calendar import calendar_table
from regimens._render.fhir import sheet_fhir_json
from regimens._render.sheet import sheet_csv, sheet_markdown, sheet_table
from regimens._render.sheet_json import sheet_document
from regimens._render.sheet_print import sheet_html

LIBRARY_DIR = Path(__file__).parent / "fixtures" / "hydration" / "library"
#: Mosteller √(180 × 80 / 3600) = √4 = 2.00 m².
BSA_2 = Patient(height_cm=180, weight_kg=80)
#: Issue 21's weight-dosed patient: 72 kg (and 200 cm: √(200 × 72 / 3600) = 2.00 m²).
WEIGHT_72 = Patient(height_cm=200, weight_kg=72)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library([LIBRARY_DIR], use_env=False)


@pytest.fixture(scope="module")
def builtin() -> Library:
    return load_library(use_env=False)


def day1(sheet: DoseSheet) -> list[Administration]:
    return [item for day in sheet.days if day.day == 1 for item in day.administrations]


def hydration(sheet: DoseSheet) -> list[tuple[int, str, float, str, float | None, str | None]]:
    """(order, drug, dose, unit, mL/h, timing) of each hydration order of day 1."""
    return [
        (a.order, a.drug, a.dose_mg, a.dose_unit, a.rate_ml_per_h, a.timing)
        for a in day1(sheet)
        if a.kind == "hydration"
    ]


HAND_WORKED = [
    (1, "sodium chloride 0.9 %", 1000.0, "mL", 500.0, "before"),  # 1000 mL / 2 h
    (2, "magnesium sulfate", 10.0, "mmol", None, "before"),  # no volume: no rate
    (4, "sodium chloride 0.9 %", 1000.0, "mL", 250.0, "after"),  # 1 L = 1000 mL / 4 h
    (5, "potassium chloride", 20.0, "mmol", None, "after"),
]


# --- the format -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "basis", "unit"),
    [
        ("1000 mL", 1000.0, "volume", "mL"),
        ("1 L", 1000.0, "volume", "mL"),
        ("500 ml", 500.0, "volume", "mL"),
        ("10 mmol", 10.0, "mmol", "mmol"),
    ],
)
def test_a_volume_or_an_amount_of_substance_is_read(
    text: str, amount: float, basis: str, unit: str
) -> None:
    """A fluid in mL (or L) and an electrolyte in mmol are flat amounts in mL / mmol."""
    dose = parse_dose(text)
    assert (dose["amount"], dose["basis"], dose["unit"]) == (amount, basis, unit)


@pytest.mark.parametrize("text", ["10 mmol/m2", "1000 mL/m2", "5 mL/kg", "1 mmol/kg"])
def test_a_scaled_volume_or_mmol_is_refused(text: str) -> None:
    """Hydration is not scaled by body-surface area or weight."""
    with pytest.raises(ValidationError, match=r"is a flat amount \(hydration is not scaled"):
        TypeAdapter(DoseText).validate_python(text)


COMPONENT = """
[[components]]
drug = "cisplatin"
dose = "75 mg/m2"
days = "1"
route = "IV"
method = "infusion"
duration = "1 h"
order = 1
source = "test"

[[components]]
drug = "{drug}"
kind = "{kind}"
dose = "{dose}"
days = "1"
route = "IV"
method = "infusion"
duration = "1 h"
{extra}
order = 2
source = "test"
"""
HEAD = """id = "T"
name = "t"
description = "t"
setting = "t"
cycle_length_days = 21

[[references]]
citation = "t"
"""


def problems_of(tmp_path: Path, **values: str) -> list[str]:
    fields = {"drug": "magnesium sulfate", "kind": "hydration", "dose": "10 mmol", "extra": ""}
    path = tmp_path / "t.toml"
    path.write_text(HEAD + COMPONENT.format(**{**fields, **values}), encoding="utf-8")
    return [problem.replace(f"{path}:", "FILE:") for problem in validate_paths([path])]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"kind": "supportive"},
            "FILE:23: components[2].dose: '10 mmol' is a volume or an amount of substance, "
            "only for a hydration order (kind = 'hydration'), not for a supportive order",
        ),
        (
            {"drug": "cisplatin", "kind": "chemotherapy", "dose": "1000 mL"},
            "FILE:23: components[2].dose: '1000 mL' is a volume or an amount of substance, "
            "only for a hydration order (kind = 'hydration'), not for a chemotherapy order",
        ),
        (
            {"dose": "2 mg/kg"},
            "FILE:23: components[2].dose: '2 mg/kg' is scaled by the patient, but a "
            "hydration order is a flat amount",
        ),
        (
            {"dose": "10 mmol/m2"},
            "FILE:23: components[2].dose: '10 mmol/m2' is not a dose: a volume or an amount "
            "in mmol is a flat amount (hydration is not scaled by body-surface area or weight)",
        ),
        (
            {"extra": 'timing = "before"'},
            "FILE:20: components[2].relative_to: timing needs relative_to: write both",
        ),
        (
            {"extra": 'relative_to = "cisplatin"'},
            "FILE:20: components[2].timing: relative_to needs timing: write both",
        ),
        (
            {"extra": 'timing = "before"\nrelative_to = "docetaxel"'},
            "FILE:29: components[2].relative_to: 'docetaxel' is not a chemotherapy drug of "
            "this regimen (cisplatin)",
        ),
        (
            {"extra": 'timing = "sometime"\nrelative_to = "cisplatin"'},
            "FILE:28: components[2].timing: Input should be 'before', 'during' or 'after', "
            "got 'sometime'",
        ),
    ],
    ids=[
        "mmol on a supportive order",
        "mL on chemotherapy",
        "per kg on hydration",
        "mmol per m2",
        "timing alone",
        "relative_to alone",
        "relative_to not in the regimen",
        "an unknown timing",
    ],
)
def test_validate_names_the_file_line_and_field_of_each_mistake(
    tmp_path: Path, values: dict[str, str], expected: str
) -> None:
    """Each mistake is one line FILE:LINE: FIELD: REASON saying what is accepted; the line
    is the field's, or the component's ([[components]], line 20) when the field is the
    one missing."""
    problems = problems_of(tmp_path, **values)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected.split(": ", 1)[0])
    assert expected.split(": ", 1)[1] in problems[0]


def test_timing_is_refused_on_chemotherapy(tmp_path: Path) -> None:
    """Chemotherapy is placed by its order, not timed by another drug."""
    problems = problems_of(
        tmp_path,
        drug="docetaxel",
        kind="chemotherapy",
        dose="75 mg/m2",
        extra='timing = "after"\nrelative_to = "cisplatin"',
    )
    assert len(problems) == 1
    assert (
        "components[2].timing: timing is for an order given with a chemotherapy drug"
        in (problems[0])
    )


def test_the_fixture_library_validates() -> None:
    """Saline before and after cisplatin are two orders of one drug that differ by timing."""
    assert validate_paths([LIBRARY_DIR]) == []


# --- the sheet --------------------------------------------------------------------------


def test_the_hydration_orders_and_their_rates(library: Library) -> None:
    """As written, in mL or mmol; rate = volume / duration (see the module docstring)."""
    sheet = compute_sheet(library, "HYDRATION-TEST", BSA_2, SheetOptions())
    assert hydration(sheet) == HAND_WORKED
    cisplatin = next(a for a in day1(sheet) if a.drug == "cisplatin")
    assert (cisplatin.dose_mg, cisplatin.dose_unit) == (150.0, "mg")


def test_a_dose_level_leaves_hydration_at_100_percent(library: Library) -> None:
    """--dose-level 80: cisplatin 150 × 0.80 = 120 mg; every hydration order at 100 %."""
    sheet = compute_sheet(library, "HYDRATION-TEST", BSA_2, SheetOptions(dose_level_percent=80))
    assert hydration(sheet) == HAND_WORKED
    levels = {a.drug: a.dose_level_percent for a in day1(sheet)}
    assert levels == {
        "sodium chloride 0.9 %": 100.0,
        "magnesium sulfate": 100.0,
        "cisplatin": 80.0,
        "potassium chloride": 100.0,
    }
    assert next(a for a in day1(sheet) if a.drug == "cisplatin").dose_mg == 120.0


def test_hydration_is_left_out_of_totals_cumulative_doses_and_intensity(
    library: Library,
) -> None:
    """The cycle total, a course's sums and the planned dose intensity are cisplatin's
    150 mg (75 mg/m²) alone: no mL or mmol is added to a mg total."""
    sheet = compute_sheet(library, "HYDRATION-TEST", BSA_2, SheetOptions())
    assert [(t.drug, t.total_mg) for t in sheet.totals] == [("cisplatin", 150.0)]
    sums = _sum_sheets([sheet], 1)
    assert sorted(sums) == ["cisplatin"]
    assert sums["cisplatin"].mg == 150.0
    assert planned_per_cycle(library.regimens["HYDRATION-TEST"]) == {"cisplatin": 75.0}


def test_every_format_shows_the_amounts_rates_and_timing(library: Library) -> None:
    """Table, Markdown, printed HTML: '1000 mL', '500.0 mL/h', 'hydration, before
    cisplatin'; CSV: dose_unit, rate_ml_per_h, timing, relative_to; JSON the same keys;
    FHIR a UCUM mL or mmol dose and an mL/h rate."""
    sheet = compute_sheet(library, "HYDRATION-TEST", BSA_2, SheetOptions())
    for text in (sheet_table(sheet), sheet_markdown(sheet)):
        assert "premedication and supportive orders" in text
        assert "sodium chloride 0.9 % (hydration, before cisplatin)" in text
        assert "potassium chloride (hydration, after cisplatin)" in text
        for shown in ("1000 mL", "10 mmol", "20 mmol", "500.0 mL/h", "250.0 mL/h"):
            assert shown in text
    html = sheet_html(sheet)
    assert '<span class="sub">(hydration, before cisplatin)</span>' in html
    assert "<strong>1000 mL</strong>" in html
    assert "<strong>10 mmol</strong>" in html
    # The rate is printed with the preparation; the narrow duration column keeps the 2 h.
    assert "<td>500.0 mL/h</td><td>2 h</td>" in html
    rows = [row.split(",") for row in sheet_csv(sheet).splitlines()]
    header, body = rows[0], rows[1:]
    csv = {
        (row[header.index("order")], row[header.index("drug")]): (
            row[header.index("dose_mg")],
            row[header.index("dose_unit")],
            row[header.index("rate_ml_per_h")],
            row[header.index("timing")],
            row[header.index("relative_to")],
        )
        for row in body
    }
    assert csv[("1", "sodium chloride 0.9 %")] == ("1000", "mL", "500.0", "before", "cisplatin")
    assert csv[("2", "magnesium sulfate")] == ("10", "mmol", "", "before", "cisplatin")
    assert csv[("3", "cisplatin")] == ("150", "mg", "", "", "")
    document = json.loads(json.dumps(sheet_document(sheet)))
    assert document["schema_version"] == "1.7"
    first = document["days"][0]["administrations"][0]
    assert (first["dose_mg"], first["dose_unit"], first["rate_ml_per_h"]) == (1000.0, "mL", 500.0)
    assert (first["timing"], first["relative_to"]) == ("before", "cisplatin")
    bundle = json.loads(sheet_fhir_json(sheet, library=library))
    ucum = "http://unitsofmeasure.org"
    doses = [
        (
            (rate["doseQuantity"]["value"], rate["doseQuantity"]["code"]),
            (rate["rateQuantity"]["value"], rate["rateQuantity"]["code"])
            if "rateQuantity" in rate
            else None,
        )
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "MedicationRequest"
        for rate in entry["resource"]["dosageInstruction"][0].get("doseAndRate", [])
        if rate["doseQuantity"]["system"] == ucum
    ]
    assert doses == [
        ((1000.0, "mL"), (500.0, "mL/h")),
        ((10.0, "mmol"), None),
        ((150.0, "mg"), None),
        ((1000.0, "mL"), (250.0, "mL/h")),
        ((20.0, "mmol"), None),
    ]


def test_the_calendar_shows_mmol_not_mg(library: Library) -> None:
    """The calendar copies the sheet's unit: '10 mmol', never '10 mg'."""
    calendar = build_calendar(
        library, "HYDRATION-TEST", dt.date(2026, 1, 5), CalendarOptions(cycles=1), patient=BSA_2
    )
    text = calendar_table(calendar)
    assert "magnesium sulfate 10 mmol (hydration) IV 1 h" in text
    assert "10 mg" not in text
    assert "sodium chloride 0.9 % 1000 mL (hydration) IV 2 h" in text


# --- the library: cisplatin's magnesium in DCF and XP-TRASTUZUMAB -----------------------

#: NZ SACT cisplatin 50 mg/m² page (PORTEC-3, the library's FHIR export; quoted in
#: dcf.toml and xp-trastuzumab.toml): 'sodium chloride | 0.9 % | intravenous | 60 minutes
#: | Quantity: 1000 mL | Instructions: After cISplatin infusion.' A flat 1000 mL over 1 h:
#: 1000 / 1 = 1000 mL/h, order 17, after cisplatin.
POST_HYDRATION = (17, "sodium chloride", 1000.0, "mL", 1000.0, "after")
#: Mosteller √(150 × 45 / 3600) = √1.875 = 1.37 m² and √(195 × 125 / 3600) = √6.77 = 2.60 m².
SMALL = Patient(height_cm=150, weight_kg=45)
LARGE = Patient(height_cm=195, weight_kg=125)


@pytest.mark.parametrize("patient", [BSA_2, WEIGHT_72], ids=["2.00m2", "72kg"])
@pytest.mark.parametrize("regimen", ["DCF", "XP-TRASTUZUMAB"])
def test_cisplatins_magnesium_on_the_library_sheets(
    builtin: Library, regimen: str, patient: Patient
) -> None:
    """NZ SACT TPF (DCF) and cisplatin-capecitabine-pembrolizumab (XP) pages: 'magnesium
    sulfate heptahydrate 10 mmol intravenous 1 60 minutes' before cisplatin: 10 mmol
    over 1 h on day 1 at any patient size and at --dose-level 80; no volume, so no rate."""
    for options in (SheetOptions(), SheetOptions(dose_level_percent=80)):
        sheet = compute_sheet(builtin, regimen, patient, options)
        assert hydration(sheet) == [
            (16, "magnesium sulfate", 10.0, "mmol", None, "before"),
            POST_HYDRATION,
        ]
        magnesium = next(a for a in day1(sheet) if a.drug == "magnesium sulfate")
        assert (magnesium.duration_h, magnesium.relative_to) == (1.0, "cisplatin")
        text = sheet_table(sheet)
        assert "magnesium sulfate (hydration, before cisplatin)" in text
        assert "10 mmol" in text


@pytest.mark.parametrize(
    "patient", [SMALL, BSA_2, WEIGHT_72, LARGE], ids=["1.37m2", "2.00m2", "72kg", "2.60m2"]
)
@pytest.mark.parametrize("regimen", ["DCF", "XP-TRASTUZUMAB"])
def test_cisplatins_post_hydration_bag_is_flat(
    builtin: Library, regimen: str, patient: Patient
) -> None:
    """Sodium chloride 0.9 % 1000 mL over 60 minutes after cisplatin (NZ SACT, cisplatin 50
    mg/m² page; an inference at 75 and 80 mg/m², said in the files): at any BSA and at
    --dose-level 80, 1000 mL (1000 mL/h) on day 1 only, while cisplatin scales with the
    BSA; printed in the day's premedication and supportive orders after cisplatin."""
    for options in (SheetOptions(), SheetOptions(dose_level_percent=80)):
        sheet = compute_sheet(builtin, regimen, patient, options)
        (bag,) = [
            a for day in sheet.days for a in day.administrations if a.drug == "sodium chloride"
        ]
        assert bag in day1(sheet)
        assert (bag.order, bag.drug, bag.dose_mg, bag.dose_unit, bag.rate_ml_per_h, bag.timing) == (
            POST_HYDRATION
        )
        assert (bag.kind, bag.duration_h, bag.relative_to) == ("hydration", 1.0, "cisplatin")
        assert bag.dose_level_percent == 100
        assert "May be omitted if cisplatin itself was infused in 1000 mL" in bag.notes
        text = sheet_table(sheet)
        assert "sodium chloride (hydration, after cisplatin)" in text
        assert "over 1 h; 1000.0 mL/h" in text


@pytest.mark.parametrize(("cycle", "given"), [(1, True), (6, True), (7, False)])
def test_xp_trastuzumabs_post_hydration_follows_cisplatin(
    builtin: Library, cycle: int, given: bool
) -> None:
    """The bag carries cisplatin's cycles = "1-6" (ToGA: cisplatin 'Q3W for 6 cycles',
    Cochrane CD011461 [P]): given in cycles 1 and 6, absent from cycle 7 (trastuzumab
    alone), like the magnesium."""
    sheet = compute_sheet(builtin, "XP-TRASTUZUMAB", WEIGHT_72, SheetOptions(cycle=cycle))
    drugs = {a.drug for day in sheet.days for a in day.administrations}
    assert ("sodium chloride" in drugs, "magnesium sulfate" in drugs, "cisplatin" in drugs) == (
        given,
        given,
        given,
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", 'sodium chloride</strong> <span class="sub">(hydration, after cisplatin)</span>'),
        (
            "fr",
            'chlorure de sodium</strong> <span class="sub">(hydratation, après cisplatine)</span>',
        ),
    ],
)
def test_the_printed_dcf_order_shows_the_bag(builtin: Library, lang: str, expected: str) -> None:
    """The printed A4 order (issue 22) lists the bag among the day's orders, by its name
    in the language (drugs.toml local_names: 'chlorure de sodium'), with its volume."""
    html = sheet_html(compute_sheet(builtin, "DCF", BSA_2), lang)
    assert expected in html
    assert ("1\u202f000 mL" if lang == "fr" else "1000 mL") in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "magnesium sulfate (hydration, before cisplatin)"),
        ("fr", "sulfate de magnésium (hydratation, avant cisplatine)"),
    ],
)
def test_show_names_the_hydration_and_its_drug_in_the_language(
    library: Library, lang: str, expected: str
) -> None:
    """`show DCF`: the magnesium sulfate order before cisplatin (dcf.toml), both drugs by
    their names in the language (local_names in drugs.toml), as on the sheet."""
    from regimens._render.library import show_table

    assert expected in show_table(library.get("DCF"), library=library, lang=lang)

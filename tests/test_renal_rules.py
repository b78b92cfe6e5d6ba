"""Issue 17, renal function: every drug states its renal rule; a missing renal function
blocks a drug whose rule can withhold or reduce it; Cockcroft–Gault honours the weight
basis and the obesity rule; the CrCl shown never contradicts the band used.

Patients: 180 cm, 80 kg → Mosteller BSA 2.00 m². Devine ideal body weight of a man of
180 cm: 50 + 2.3 × (180 / 2.54 − 60) = 74.99 kg.
"""

from __future__ import annotations

import json

import pytest

from conftest import run
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._models.sheet import Administration, DoseSheet
from regimens._read.library import Library
from regimens._read.patient import make_patient

BSA_200 = {"height": 180, "weight": 80}


def sheet(
    library: Library, regimen: str, patient: dict[str, object], **options: object
) -> DoseSheet:
    return compute_sheet(library, regimen, make_patient(**patient), SheetOptions(**options))  # type: ignore[arg-type]


def item(result: DoseSheet, drug: str, day: int = 1) -> Administration:
    return next(a for d in result.days if d.day == day for a in d.administrations if a.drug == drug)


def codes(result: DoseSheet) -> set[str]:
    return {w.code for w in result.warnings}


# --- 1. every drug states its renal rule ------------------------------------------------


def test_every_drug_states_its_renal_rule(library: Library) -> None:
    """drugs.toml: each drug has a [drug.renal_rule] table: bands, none, or not_encoded,
    with a source (issue 17: a missing rule must look missing)."""
    for inn in (
        "epirubicin", "oxaliplatin", "capecitabine", "irinotecan", "docetaxel",
        "folinic acid", "fluorouracil", "zoledronic acid",
    ):  # fmt: skip
        rule = library.drug(inn).renal_rule
        assert rule is not None, inn
        assert rule.status in ("bands", "none", "not_encoded"), inn
        assert rule.source, inn
        if rule.status == "not_encoded":
            assert rule.notes, f"{inn}: say what is unverified"


@pytest.mark.parametrize(
    ("regimen", "drug", "status"),
    [
        ("FOLFOX-6", "oxaliplatin", "bands"),
        ("FOLFOX-6", "fluorouracil", "not_encoded"),
        ("FOLFOX-6", "folinic acid", "not_encoded"),
        ("DOCETAXEL", "docetaxel", "none"),
        ("XELIRI", "irinotecan", "not_encoded"),
    ],
)
def test_sheet_shows_each_drugs_renal_rule_status(
    library: Library, regimen: str, drug: str, status: str
) -> None:
    """The model carries each drug's renal-rule status as a code."""
    result = sheet(library, regimen, BSA_200, provisional=True)
    assert item(result, drug).renal_rule == status


def test_renal_rule_status_in_every_format() -> None:
    """Words in the catalogue, per drug, in the table, markdown, CSV, HTML and JSON."""
    command = "sheet DOCETAXEL --height 180 --weight 80 --crcl 90"
    _, table, _ = run(command)
    assert "no renal dose rule applies" in table
    _, xeliri, _ = run("sheet XELIRI --height 180 --weight 80 --crcl 90")
    assert "no renal rule encoded" in xeliri
    for fmt in ("markdown", "html"):
        _, out, _ = run(f"{command} --format {fmt}")
        assert "no renal dose rule applies" in out, fmt
    _, csv_out, _ = run(f"{command} --format csv")
    assert "renal_rule" in csv_out.splitlines()[0]
    assert ",none," in csv_out
    _, json_out, _ = run(f"{command} --format json")
    assert json.loads(json_out)["days"][0]["administrations"][0]["renal_rule"] == "none"
    _, fr, _ = run(f"{command} --lang fr")
    assert "aucune règle rénale ne s'applique" in fr


# --- 2. oxaliplatin (EU SmPC 4.3: contraindicated below CrCl 30) ------------------------


@pytest.mark.parametrize(
    ("crcl", "withheld"),
    [(10, True), (29.99, True), (30, False), (30.01, False), (90, False)],
)
def test_oxaliplatin_contraindicated_below_30(
    library: Library, crcl: float, withheld: bool
) -> None:
    """Oxaliplatin HEXAL Fachinformation 4.3 (medikamenten.net): contraindicated at
    CrCl < 30 mL/min; 30 and above: full dose (85 × 2.00 = 170 mg)."""
    result = sheet(library, "FOLFOX-6", {**BSA_200, "crcl": crcl})
    oxaliplatin = item(result, "oxaliplatin")
    assert oxaliplatin.withheld is withheld
    assert oxaliplatin.dose_mg == (0 if withheld else 170)
    assert result.blocking is withheld
    assert ("CONTRAINDICATED" in codes(result)) is withheld


def test_folfox_crcl_10_is_blocking() -> None:
    """The issue's case: `sheet FOLFOX-6 --crcl 10` no longer gives 155 mg silently."""
    code, out, _ = run("sheet FOLFOX-6 --height 170cm --weight 70kg --crcl 10")
    assert code == 3
    assert "Warnings: none" not in out
    assert "CONTRAINDICATED [oxaliplatin]" in out


# --- 3. renal function missing: blocking, or provisional --------------------------------


@pytest.mark.parametrize("regimen", ["XELIRI", "FOLFOX-6", "EOX"])
def test_renal_function_missing_is_blocking(library: Library, regimen: str) -> None:
    """A drug whose rule can withhold or reduce it, no creatinine nor CrCl: blocking."""
    result = sheet(library, regimen, BSA_200)
    warning = next(w for w in result.warnings if w.code == "RENAL_FUNCTION_MISSING")
    assert warning.severity == "blocking"
    assert result.blocking
    assert not result.provisional


def test_no_renal_function_needed_without_a_reducing_rule(library: Library) -> None:
    """Docetaxel's rule is 'none applies': no renal function needed, nothing blocking."""
    result = sheet(library, "DOCETAXEL", BSA_200)
    assert "RENAL_FUNCTION_MISSING" not in codes(result)
    assert not result.blocking


def test_provisional_turns_it_into_a_caution(library: Library) -> None:
    """--provisional: the missing renal function is a caution; the sheet says so."""
    result = sheet(library, "XELIRI", BSA_200, provisional=True)
    assert "RENAL_FUNCTION_MISSING" not in codes(result)
    caution = next(w for w in result.warnings if w.code == "RENAL_RULE_NOT_CHECKED")
    assert caution.severity == "caution"
    assert result.provisional
    assert not result.blocking


def test_cli_renal_function_missing_exits_3_and_provisional_banner() -> None:
    """Exit 3 without renal function; --provisional: exit 0 and the banner on top of
    every format, "provisional": true in JSON."""
    base = "sheet XELIRI --height 180 --weight 80"
    code, out, _ = run(base)
    assert code == 3
    assert "RENAL_FUNCTION_MISSING" in out
    banner = "PROVISIONAL — not for administration"
    for fmt in ("table", "markdown", "csv", "html"):
        code, out, _ = run(f"{base} --provisional --format {fmt}")
        assert code == 0, fmt
        first = "<h1>" if fmt == "html" else "XELIRI"
        assert banner in out, fmt
        assert out.index(banner) < out.index(first), fmt
    code, out, _ = run(f"{base} --provisional --format json")
    assert code == 0
    assert json.loads(out)["provisional"] is True
    code, out, _ = run(f"{base} --provisional --format fhir")
    assert code == 0
    assert banner in out
    code, out, _ = run(f"{base} --crcl 90 --format json")
    assert json.loads(out)["provisional"] is False


def test_calendar_with_measurements_follows_the_sheet() -> None:
    """The calendar computes each cycle's sheet when measurements are given: without
    renal function it is blocking (exit 3); --provisional makes it a caution (exit 0);
    without measurements it computes no dose and needs none."""
    start = "--start 2026-01-05"
    code, out, _ = run(f"calendar FOLFOX-6 {start} --cycles 2 --height 180 --weight 80")
    assert code == 3
    assert "RENAL_FUNCTION_MISSING" in out
    code, _, _ = run(f"calendar FOLFOX-6 {start} --cycles 2 --height 180 --weight 80 --provisional")
    assert code == 0
    code, _, _ = run(f"calendar FOLFOX-6 {start} --cycles 2")
    assert code == 0


# --- 4. Cockcroft–Gault honours the weight basis, and the obesity rule ------------------


def test_cockcroft_gault_on_adjusted_weight(library: Library) -> None:
    """The issue's EOX patient, 180 cm, 150 kg, man of 60, SCr 2.4, --weight-basis adjusted.

    IBW 74.99 kg; adjusted 74.99 + 0.4 × (150 − 74.99) = 104.99 kg;
    CrCl (140 − 60) × 104.99 / (72 × 2.4) = 48.61 mL/min → 30–50 band: capecitabine 75 %.
    (The issue quotes 47.4 mL/min; Devine IBW gives 48.6: the same band.)
    On actual weight it would be 80 × 150 / 172.8 = 69.4 → full dose.
    """
    patient = {"height": 180, "weight": 150, "sex": "M", "age": 60, "creatinine": 2.4}
    result = sheet(library, "EOX", patient, weight_basis="adjusted")
    assert result.renal is not None
    assert result.renal.weight_kg_used == pytest.approx(104.99, abs=0.01)
    assert result.renal.weight_basis == "adjusted"
    assert result.renal.crcl_ml_min == pytest.approx(48.61, abs=0.01)
    cape = item(result, "capecitabine")
    assert cape.organ_adjustment is not None
    assert cape.organ_adjustment.percent == 75


@pytest.mark.parametrize(
    ("weight", "basis"),
    [
        # 130 % of 74.992 kg = 97.490 kg.
        pytest.param(97.0, "actual", id="97 kg: 129.3 % of IBW, actual"),
        pytest.param(97.48, "actual", id="97.48 kg: 129.99 % of IBW, actual"),
        pytest.param(97.5, "adjusted", id="97.5 kg: 130.01 % of IBW, adjusted"),
        pytest.param(150.0, "adjusted", id="150 kg: adjusted"),
    ],
)
def test_obesity_rule_by_default(library: Library, weight: float, basis: str) -> None:
    """Default weight basis: Cockcroft–Gault uses adjusted body weight when actual
    weight exceeds 130 % of ideal (Regional Strategic Chemotherapy Group, Cockcroft &
    Gault guideline v4 2013), and the sheet says which weight it used."""
    patient = {"height": 180, "weight": weight, "sex": "M", "age": 60, "creatinine": 1.0}
    result = sheet(library, "EOX", patient)
    assert result.renal is not None
    assert result.renal.weight_basis == basis
    ibw = 50 + 2.3 * (180 / 2.54 - 60)
    used = weight if basis == "actual" else ibw + 0.4 * (weight - ibw)
    assert result.renal.weight_kg_used == pytest.approx(used)
    assert result.renal.crcl_ml_min == pytest.approx(80 * used / 72)


def test_weight_used_is_shown() -> None:
    """The sheet shows the weight Cockcroft–Gault used."""
    _code, out, _ = run(
        "sheet EOX --height 180 --weight 150 --sex M --age 60 --creatinine 2.4 "
        "--weight-basis adjusted"
    )
    assert "48.6 mL/min" in out
    assert "105.0 kg" in out
    assert "adjusted" in out


# --- 5. the CrCl shown never contradicts the band used ----------------------------------


@pytest.mark.parametrize(
    ("creatinine", "shown"),
    [
        # Man of 60, 80 kg: CrCl = 80 × 80 / (72 × SCr) = 88.89 / SCr.
        pytest.param(2.9647, "29.98", id="29.98 → < 30, never 30.0"),
        pytest.param(2.9630, "29.9996", id="29.9996 → < 30, never 30.0"),
        pytest.param(2.9629, "30.0", id="30.0003"),
        pytest.param(2.9600, "30.0", id="30.03"),
    ],
)
def test_crcl_shown_never_contradicts_band(creatinine: float, shown: str) -> None:
    """A CrCl of 29.98 mL/min is contraindicated for capecitabine: it is never shown as 30.0."""
    code, out, _ = run(
        f"sheet EOX --height 180 --weight 80 --sex M --age 60 --creatinine {creatinine}"
    )
    crcl = 88.888888 / creatinine
    for line in out.splitlines():
        if "CONTRAINDICATED" in line or "Creatinine clearance" in line:
            assert "30.0 mL/min" not in line or crcl >= 30, line
    assert f"{shown} mL/min" in out
    assert (code == 3) is (crcl < 30)


# --- 6. capecitabine's reduction is kept at every start dose (scope unverified) ---------


@pytest.mark.parametrize(
    ("regimen", "crcl", "percent"),
    [
        ("XELIRI", 29.99, None),
        ("XELIRI", 30, 75),
        ("XELIRI", 50, 75),
        ("XELIRI", 50.01, 100),
        ("EOX", 30.01, 75),
    ],
)
def test_capecitabine_reduction_kept_at_1000_and_625(
    library: Library, regimen: str, crcl: float, percent: float | None
) -> None:
    """The EU scope of the 75 % rule (1250 vs 1000 / 625 mg/m² starts) was not seen:
    the library keeps applying it (the safe side) and says so in drugs.toml."""
    result = sheet(library, regimen, {**BSA_200, "crcl": crcl})
    cape = item(result, "capecitabine")
    if percent is None:
        assert cape.withheld
    elif percent == 100:
        assert cape.organ_adjustment is not None
        assert cape.organ_adjustment.action == "full"
    else:
        assert cape.organ_adjustment is not None
        assert cape.organ_adjustment.percent == percent
    notes = " ".join(library.drug("capecitabine").renal_rule.notes)  # type: ignore[union-attr]
    assert "unverified" in notes
    assert "prescriber must confirm" in notes


def test_batch_rows_take_a_crcl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A batch row gives its CrCl (column ``crcl``): FOLFOX-6 is then not blocking;
    creatinine and crcl together are refused for that row."""
    rows = tmp_path / "rows.csv"
    rows.write_text("patient_id,height,weight,crcl\nP1,170,70,90\nP2,170,70,\n", encoding="utf-8")
    code, out, err = run(f"batch --input {rows} --regimen FOLFOX-6")
    first, second = (json.loads(line) for line in out.splitlines())
    assert not first["blocking"]
    assert second["blocking"]
    assert code == 3, err
    both = tmp_path / "both.csv"
    both.write_text(
        "patient_id,height,weight,creatinine,crcl\nP1,170,70,1.0,90\n", encoding="utf-8"
    )
    code, out, _ = run(f"batch --input {both} --regimen FOLFOX-6")
    assert json.loads(out)["error"]["field"] == "crcl"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            {
                "status": "none",
                "source": "s",
                "bands": [{"label": "all", "action": "full", "source": "s"}],
            },
            "has no bands",
            id="none with bands",
        ),
        pytest.param(
            {"status": "not_encoded", "source": "s"}, "unverified", id="not_encoded, no notes"
        ),
        pytest.param({"status": "bands", "source": "s"}, "no bands", id="bands, none given"),
    ],
)
def test_renal_rule_statements_are_checked(data: dict[str, object], reason: str) -> None:
    """A "none" rule has no bands; "not_encoded" says what is unverified; "bands" has bands."""
    from pydantic import ValidationError

    from regimens._models.regimen import RenalRule

    with pytest.raises(ValidationError, match=reason):
        RenalRule.model_validate(data)

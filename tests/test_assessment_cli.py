"""The treatment-day assessment on the command line, in batch rows and in the Python API.

Issue 18: ``--lab``, ``--uln``, ``--lab-date``, ``--date``, ``--toxicity``,
``--dpyd-activity-score``, ``--uracil``, ``--ugt1a1``, ``--reference-weight``,
``--condition``, ``--country`` and ``--override`` on ``sheet``, ``check``, ``calendar``
and ``assess``; the batch columns of the same names; ``regimens.assessment_inputs``.
The rules themselves are tested in tests/test_assessment_engine.py: here, that every
input reaches the sheet as typed, that a mistake is one line naming the option (exit 2,
never a traceback), and the exit statuses.

Most tests look at the document a command computed (its renderer replaced by a
recorder), so that they test the options whatever the renderers print; the ones that
need the assessment's renderers are skipped until those land.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import regimens
from conftest import run
from regimens._cli._common import FLAG_OF_FIELD
from regimens._cli._options import ASSESSMENT_OPTIONS, CONDITION_NAMES, TOXICITY_NAMES
from regimens._models.assessment import LAB_NAMES
from regimens._models.library import Library

FOLFOX = "FOLFOX-6 --height 180 --weight 64.8 --crcl 80"
EOX = "EOX --height 180 --weight 64.8 --crcl 80"


def _sheet_json_renders() -> bool:
    """Whether a sheet's JSON can be rendered (not until the renderers of issue 18 land)."""
    from regimens._render.catalogue import en

    return "sheet.step.assessment" in en.TEXTS


needs_sheet_json = pytest.mark.skipif(
    not _sheet_json_renders(), reason="the sheet renderers of issue 18 are not merged yet"
)


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The documents the commands hand to their renderer (nothing is printed)."""
    documents: list[Any] = []

    def record(kind: str, output_format: str, document: Any, *args: Any, **kwargs: Any) -> None:
        documents.append(document)

    for module in ("_sheet", "_check", "_calendar", "_assess"):
        monkeypatch.setattr(f"regimens._cli.{module}.emit_document", record)
    return documents


def _one_line_error(code: int, out: str, err: str) -> str:
    """The error line of a user mistake: exit 2, one line, no traceback."""
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- every option reaches the sheet ------------------------------------------------------


def test_every_option_reaches_the_sheet_as_typed(emitted: list[Any]) -> None:
    """Each option of the group sets its field of the sheet's assessment inputs, in the
    canonical unit (bilirubin 17.1 µmol/L = 1.0 mg/dL; ULN 20.52 µmol/L = 1.2 mg/dL)."""
    code, _, err = run(
        f"sheet {FOLFOX} --lab anc=2.0 --lab platelets=150 --lab 'bilirubin=17.1 umol/L' "
        "--lab ast=1.5xULN --uln 'bilirubin=20.52 umol/L' --lab-date 2026-12-03 "
        "--date 2026-12-04 --toxicity neuropathy=1:2 --dpyd-activity-score 2 --uracil 10 "
        "--ugt1a1 '*28/*1' --reference-weight 66kg --country FR "
        "--override 'folfox-6-haematology=counts recovering, seen by the oncologist'"
    )
    assert code == 0, err
    inputs = emitted[0].assessment.inputs
    assert inputs.labs["anc"].value == 2.0
    assert inputs.labs["platelets"].value == 150.0
    assert inputs.labs["bilirubin"].value == pytest.approx(1.0)
    assert inputs.labs["ast"].times_uln == 1.5
    assert inputs.uln["bilirubin"] == pytest.approx(1.2)
    assert str(inputs.lab_date) == "2026-12-03"
    assert str(inputs.date) == "2026-12-04"
    assert [(t.name, t.grade, t.occurrence) for t in inputs.toxicities] == [("neuropathy", 1, 2)]
    assert inputs.dpyd_activity_score == 2.0
    assert inputs.uracil_ng_ml == 10.0
    assert inputs.ugt1a1 == "*1/*28"
    assert inputs.reference_weight_kg == 66.0
    assert inputs.country == "FR"
    assert dict(inputs.overrides) == {
        "folfox-6-haematology": "counts recovering, seen by the oncologist"
    }


def test_a_condition_reaches_the_sheet_and_stops_the_fluoropyrimidine(emitted: list[Any]) -> None:
    """--condition dpd-complete-deficiency: fluorouracil is contraindicated (EU DHPC 2020),
    so the day is blocking (exit 3)."""
    code, _, _ = run(f"sheet {FOLFOX} --condition dpd-complete-deficiency")
    assert code == 3
    sheet = emitted[0]
    assert sheet.assessment.inputs.conditions == ("dpd-complete-deficiency",)
    assert sheet.assessment.decision == "stop"


def test_without_an_assessment_option_the_sheet_has_no_assessment(emitted: list[Any]) -> None:
    """No treatment-day option: the sheet is computed as before, with no assessment."""
    code, _, _ = run(f"sheet {FOLFOX}")
    assert code == 0
    assert emitted[0].assessment is None


def test_epirubicin_at_half_dose_for_a_bilirubin_of_2_mg_dl() -> None:
    """EOX, bilirubin 2.0 mg/dL (1.2-3 mg/dL: epirubicin 50 %, label): BSA Mosteller
    √(180 × 64.8 / 3600) = 1.80 m²; 50 mg/m² × 1.80 × 0.5 = 45 mg; exit 0 (a reduction
    is a caution). Oxaliplatin 130 × 1.80 = 234 mg is untouched."""
    code, out, err = run(f"sheet {EOX} --lab bilirubin=2.0mg/dL --format csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    doses = {row["drug"]: float(row["dose_mg"]) for row in rows if row["day"] == "1"}
    assert doses["epirubicin"] == 45.0
    assert doses["oxaliplatin"] == 234.0


@needs_sheet_json
def test_epirubicin_at_half_dose_in_the_json() -> None:
    """The same sheet in JSON: epirubicin 45 mg, decision go."""
    code, out, err = run(f"sheet {EOX} --lab bilirubin=2.0mg/dL --format json")
    assert code == 0, err
    document = json.loads(out)
    assert document["assessment"]["decision"] == "go"
    epirubicin = [
        item
        for day in document["days"]
        for item in day["administrations"]
        if item["drug"] == "epirubicin"
    ]
    assert epirubicin[0]["dose_mg"] == 45.0


def test_a_low_neutrophil_count_delays_the_cycle(emitted: list[Any]) -> None:
    """FOLFOX-6, ANC 1.2 × 10⁹/L (< 1.5, oxaliplatin SmPC): delay, blocking, exit 3."""
    code, _, _ = run(f"sheet {FOLFOX} --lab anc=1.2 --lab platelets=150")
    assert code == 3
    sheet = emitted[0]
    assert sheet.assessment.decision == "delay"
    assert "LAB_BELOW_THRESHOLD" in [w.code for w in sheet.warnings]


def test_france_requires_a_uracilaemia_before_fluorouracil(emitted: list[Any]) -> None:
    """--country FR without --uracil on FOLFOX-6: DPD_STATUS_MISSING is blocking (French
    law); with a uracil of 10 ng/mL (< 16: no deficiency) the day is a go."""
    code, _, _ = run(f"sheet {FOLFOX} --country FR")
    assert code == 3
    assert "DPD_STATUS_MISSING" in [w.code for w in emitted[0].warnings]
    code, _, _ = run(f"sheet {FOLFOX} --country FR --uracil 10 --lab anc=2 --lab platelets=150")
    assert code == 0
    assert emitted[1].assessment.decision == "go"


def test_a_creatinine_among_the_labs_gives_the_crcl(emitted: list[Any]) -> None:
    """--lab creatinine with age, sex and weight feeds Cockcroft-Gault: male, 60 y, 64.8 kg,
    1.0 mg/dL → (140 − 60) × 64.8 / (72 × 1.0) = 72 mL/min."""
    code, _, err = run(
        "sheet FOLFOX-6 --height 180 --weight 64.8 --age 60 --sex M --lab creatinine=1.0mg/dL"
    )
    assert code == 0, err
    assert emitted[0].renal.crcl_ml_min == pytest.approx(72.0)


def test_check_applies_the_assessment(emitted: list[Any]) -> None:
    """`regimens check` recalculates with the day's assessment: ANC 1.2 is blocking (3)."""
    code, _, _ = run(
        f"check {FOLFOX} --prescribed oxaliplatin=153mg --prescribed leucovorin=720mg "
        "--prescribed fluorouracil:bolus=720mg --prescribed fluorouracil:infusion=4320mg "
        "--lab anc=1.2"
    )
    assert code == 3
    assert emitted[0].blocking


# --- calendar: --country is the holidays' country first ----------------------------------


@pytest.fixture
def calendar_options(monkeypatch: pytest.MonkeyPatch, emitted: list[Any]) -> list[Any]:
    """The sheet options each `regimens calendar` run computes its doses with."""
    from regimens._calc import calendar

    seen: list[Any] = []
    build = calendar.build_calendar

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["sheet_options"])
        return build(*args, **kwargs)

    monkeypatch.setattr(calendar, "build_calendar", recording)
    return seen


def test_calendar_country_alone_makes_no_assessment(calendar_options: list[Any]) -> None:
    """`calendar --country FR` flags French holidays: it does not assess the doses."""
    code, _, err = run(f"calendar {FOLFOX} --start 2026-03-30 --cycles 1 --country FR")
    assert code == 0, err
    assert calendar_options[0].assessment is None


def test_calendar_country_with_a_lab_assesses_with_that_country(
    calendar_options: list[Any],
) -> None:
    """With another treatment-day option, the same --country applies its rules too."""
    run(f"calendar {FOLFOX} --start 2026-03-30 --cycles 1 --country FR --lab anc=2")
    assessment = calendar_options[0].assessment
    assert assessment is not None
    assert assessment.country == "FR"
    assert assessment.labs["anc"].value == 2.0


def test_calendar_assessment_needs_the_patient() -> None:
    """A lab on a calendar without measurements would change nothing: refused (2)."""
    line = _one_line_error(*run("calendar FOLFOX-6 --start 2026-03-30 --lab anc=1.2"))
    assert "--lab applies to doses" in line


# --- user mistakes: one line naming the option, exit 2 -----------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param("--lab bilirubin=2", "--lab bilirubin: '2' has no unit", id="no-unit"),
        pytest.param(
            "--lab anc=1500", "did you mean 1500/mm3 (= 1.5 × 10^9/L)?", id="anc-in-per-mm3"
        ),
        pytest.param("--lab sodium=140", "--lab: unknown lab 'sodium'", id="unknown-lab"),
        pytest.param("--lab anc", "--lab: write NAME=VALUE, got 'anc'", id="no-equals"),
        pytest.param("--lab anc=1.5 --lab anc=2", "--lab anc is given twice", id="lab-twice"),
        pytest.param("--uln anc=3", "--uln: ULN of anc", id="uln-of-a-count"),
        pytest.param("--toxicity neuropathy=7", "--toxicity neuropathy: grade", id="grade-7"),
        pytest.param("--toxicity hiccups=2", "--toxicity: unknown toxicity", id="unknown-tox"),
        pytest.param("--dpyd-activity-score 3", "--dpyd-activity-score: DPYD", id="score-3"),
        pytest.param("--uracil lots", "--uracil must be a concentration", id="uracil-text"),
        pytest.param("--ugt1a1 '*2/*2'", "--ugt1a1: UGT1A1 genotype", id="ugt1a1-allele"),
        pytest.param("--reference-weight 5", "--reference-weight: '5' is outside", id="weight"),
        pytest.param("--condition ache", "--condition: unknown condition 'ache'", id="condition"),
        pytest.param("--date 2026-13-01", "--date: '2026-13-01' is not a date", id="date"),
        pytest.param(
            "--date 2026-12-01 --lab-date 2026-12-02", "--lab-date 2026-12-02 is after", id="lab"
        ),
        pytest.param(
            "--override 'x=y'",
            "--override: write RULE=REASON with the prescriber's reason",
            id="reason",
        ),
        pytest.param(
            "--override 'no-such-rule=seen by the oncologist'",
            "--override: no rule 'no-such-rule' on this sheet",
            id="unknown-rule",
        ),
        pytest.param("--country 123", "country: '123' is not an ISO 3166 code", id="country"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_option(options: str, expected: str) -> None:
    """Each mistake: exit 2, one line naming the option and the value, no traceback."""
    line = _one_line_error(*run(f"sheet {FOLFOX} {options}"))
    assert expected in line


def test_a_creatinine_given_twice_names_the_lab() -> None:
    """--creatinine 1.0 and --lab creatinine=2 mg/dL disagree: refused, naming --lab."""
    line = _one_line_error(
        *run(
            "sheet FOLFOX-6 --height 180 --weight 64.8 --age 60 --sex M --creatinine 1.0 "
            "--lab creatinine=2mg/dL"
        )
    )
    assert line.startswith("Error: --lab: creatinine is given twice")


@pytest.mark.parametrize("command", ["sheet", "check", "assess"])
def test_the_same_mistake_names_the_option_on_every_command(command: str) -> None:
    """The option group is one: a grade 7 is refused alike by sheet, check and assess."""
    extra = " --prescribed oxaliplatin=153mg" if command == "check" else ""
    line = _one_line_error(*run(f"{command} {FOLFOX}{extra} --toxicity neuropathy=7"))
    assert "--toxicity neuropathy: grade must be a CTCAE grade 0 to 4, got '7'" in line


def test_every_assessment_field_names_its_option() -> None:
    """The reader's fields map to options the commands have (errors name the flag)."""
    code, out, _ = run("sheet --help")
    assert code == 0
    for field in ASSESSMENT_OPTIONS:
        assert FLAG_OF_FIELD[field] in out, field


# --- help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["sheet", "check", "calendar", "assess"])
def test_help_has_the_assessment_heading(command: str) -> None:
    """Each command lists the options under "Treatment-day assessment"."""
    code, out, _ = run(f"{command} --help")
    assert code == 0
    section = out.split("Treatment-day assessment:", 1)[1].split("\n\n", 1)[0]
    for flag in ("--lab NAME=VALUE", "--uln", "--toxicity", "--ugt1a1", "--override"):
        assert flag in section
    assert ("--country" in section) == (command != "calendar")  # calendar: one --country


def test_help_lists_the_library_toxicities_and_conditions(library: Library) -> None:
    """The names in --help are exactly those regimen_library/assessment.toml accepts."""
    settings = library.assessment_settings
    assert sorted(TOXICITY_NAMES.split(", ")) == sorted(t.name for t in settings.toxicities)
    assert sorted(CONDITION_NAMES.split(", ")) == sorted(c.name for c in settings.conditions)


def test_help_lists_the_labs_and_units() -> None:
    """--lab's help names every lab and its units (words may wrap across lines)."""
    code, out, _ = run("sheet --help")
    assert code == 0
    text = " ".join(out.split())
    for words in ("anc, platelets in 10^9/L", "hemoglobin g/dL", "mg/dL or umol/L", "U/L"):
        assert words in text
    for lab in LAB_NAMES:
        assert lab in text


# --- regimens assess -----------------------------------------------------------------------


def test_assess_always_makes_an_assessment(emitted: list[Any]) -> None:
    """With no treatment-day option, `assess` still assesses (rules say what is missing)."""
    code, _, _ = run(f"assess {FOLFOX}")
    assert code in (0, 3)
    assessment = emitted[0].assessment
    assert assessment is not None
    assert "LAB_MISSING" in [w.code for w in emitted[0].warnings]


def test_assess_exit_status_follows_the_decision(emitted: list[Any]) -> None:
    """go → 0; delay → 3 (ANC 1.2 on FOLFOX-6)."""
    code, _, _ = run(f"assess {FOLFOX} --lab anc=2 --lab platelets=150")
    assert (code, emitted[0].assessment.decision) == (0, "go")
    code, _, _ = run(f"assess {FOLFOX} --lab anc=1.2 --lab platelets=150")
    assert (code, emitted[1].assessment.decision) == (3, "delay")


def test_assess_formats_are_the_registry_s() -> None:
    """`assess --format` offers what the registry renders for "assessment"."""
    from regimens._cli._assess import ASSESS_FORMATS
    from regimens._render.registry import RENDERERS

    if "assessment" not in RENDERERS:
        pytest.skip("the assessment renderer is not registered yet")
    assert tuple(RENDERERS["assessment"]) == ASSESS_FORMATS


def test_assess_json() -> None:
    """`regimens assess --format json`: the decision of the day (renderer of issue 18)."""
    pytest.importorskip("regimens._render.assessment")
    code, out, err = run(f"assess {FOLFOX} --lab anc=1.2 --lab platelets=150 --format json")
    assert code == 3, err
    assert "Traceback" not in out + err
    assert '"delay"' in out
    json.loads(out)


def test_main_help_lists_assess() -> None:
    """`regimens --help` lists the command and shows an example."""
    code, out, _ = run("--help")
    assert code == 0
    assert "assess    Treatment-day decision" in out
    assert "regimens assess FOLFOX-6" in out


# --- batch ---------------------------------------------------------------------------------

_ROW = {"patient_id": "A1", "regimen": "FOLFOX-6", "height": "180", "weight": "64.8", "crcl": "80"}


def test_batch_rows_carry_their_assessment(library: Library) -> None:
    """The treatment-day columns of a row reach its sheet: ';'-separated items in a cell,
    a JSON list, numbers; a row without them has no assessment. Each assessed row gives
    its treatment date: without one it is today's, and labs of 2026-12-03 became stale
    (LAB_STALE, a delay) from 2026-12-07 on."""
    rows = [
        {**_ROW, "labs": "anc=1.2; platelets=150", "date": "2026-12-04"},
        {**_ROW, "patient_id": "A2", "labs": ["anc=2", "platelets=150"], "uracil": 10,
         "country": "FR", "toxicity": "neuropathy=1", "dpyd_activity_score": 2,
         "ugt1a1": "*1/*1", "reference_weight": 66, "uln": "bilirubin=1.2 mg/dL",
         "lab_date": "2026-12-03", "date": "2026-12-04", "conditions": "", "overrides": ""},
        {**_ROW, "patient_id": "A3"},
    ]  # fmt: skip
    results = list(regimens.batch_sheets(rows, library=library))
    assert [r.error for r in results] == [None, None, None]
    first, second, third = (r.sheet for r in results)
    assert first.assessment.decision == "delay"
    assert first.blocking
    assert second.assessment.decision == "go"
    assert second.assessment.inputs.uracil_ng_ml == 10.0
    assert second.assessment.inputs.toxicities[0].name == "neuropathy"
    assert third.assessment is None


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        pytest.param({"toxicity": "neuropathy=7"}, "toxicity", id="grade-7"),
        pytest.param({"labs": "anc=2; bilirubin=2"}, "labs", id="no-unit"),
        pytest.param({"overrides": "no-such-rule=seen by Dr X"}, "overrides", id="override"),
        pytest.param({"uracil": "lots"}, "uracil", id="uracil"),
        pytest.param({"labs": 12}, "labs", id="not-text"),
        pytest.param({"lab_date": "yesterday"}, "lab_date", id="date"),
    ],
)
def test_a_bad_cell_is_an_error_for_its_row_only(
    library: Library, cells: dict[str, object], column: str
) -> None:
    """A bad treatment-day cell: that row's error record names the column; the rows
    around it give their sheets."""
    rows = [_ROW, {**_ROW, "patient_id": "BAD", **cells}, {**_ROW, "patient_id": "A3"}]
    results = list(regimens.batch_sheets(rows, library=library))
    assert [r.sheet is not None for r in results] == [True, False, True]
    error = results[1].error_record()
    assert error["patient_id"] == "BAD"
    assert error["error"]["field"] == column  # type: ignore[index]


def test_batch_csv_with_a_bad_cell(tmp_path: Any) -> None:
    """`regimens batch` on a CSV with the columns: exit 2 for the bad row, its error on
    stderr, the other rows' doses on stdout."""
    source = tmp_path / "day.csv"
    source.write_text(
        "patient_id,regimen,height,weight,crcl,labs,toxicity\n"
        'A1,EOX,180,64.8,80,"bilirubin=2.0 mg/dL; anc=2",\n'
        "A2,FOLFOX-6,180,64.8,80,,neuropathy=7\n",
        encoding="utf-8",
    )
    code, out, err = run(["batch", "--input", str(source), "--format", "csv"])
    assert code == 2
    assert "Traceback" not in out + err
    assert "row 2 (patient_id A2): toxicity neuropathy: grade must be" in err
    rows = [row for row in csv.DictReader(io.StringIO(out)) if row["drug"] == "epirubicin"]
    assert [float(row["dose_mg"]) for row in rows] == [45.0]


@needs_sheet_json
def test_batch_jsonl_has_the_decision(tmp_path: Any) -> None:
    """An assessed row's JSON line has "assessment_decision" right after "row"."""
    source = tmp_path / "day.jsonl"
    source.write_text(
        json.dumps({**_ROW, "labs": ["anc=1.2", "platelets=150"]}) + "\n" + json.dumps(_ROW),
        encoding="utf-8",
    )
    code, out, _ = run(["batch", "--input", str(source)])
    assert code == 3
    first, second = (json.loads(line) for line in out.splitlines())
    assert list(first)[:2] == ["row", "assessment_decision"]
    assert first["assessment_decision"] == "delay"
    assert "assessment_decision" not in second


# --- the Python API ------------------------------------------------------------------------


def test_api_assessment_inputs(library: Library) -> None:
    """`regimens.assessment_inputs` reads as the CLI does and always gives an assessment."""
    empty = regimens.assessment_inputs(library)
    assert isinstance(empty, regimens.AssessmentInputs)
    inputs = regimens.assessment_inputs(library, labs=["bilirubin=34.2 umol/L"], ugt1a1="*28/*28")
    assert inputs.labs["bilirubin"].value == pytest.approx(2.0)
    patient = regimens.make_patient(height=180, weight=64.8, crcl=80)
    sheet = regimens.compute_sheet(
        library, "EOX", patient, regimens.SheetOptions(assessment=inputs)
    )
    assert isinstance(sheet.assessment, regimens.Assessment)


def test_api_assessment_inputs_error_names_the_field(library: Library) -> None:
    """A bad value raises InputError with the keyword as its field."""
    with pytest.raises(regimens.InputError) as raised:
        regimens.assessment_inputs(library, toxicities=["neuropathy=7"])
    assert raised.value.field == "toxicities"


def test_the_assessment_guide_lists_every_toxicity_and_condition(library: Library) -> None:
    """docs/assessment.md's "Toxicity names" and "Conditions" name every entry of
    regimen_library/assessment.toml (the conditions table went stale once)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "assessment.md").read_text(
        encoding="utf-8"
    )
    toxicities = text.split("### Toxicity names", 1)[1].split("###", 1)[0]
    conditions = text.split("### Conditions", 1)[1].split("## ", 1)[0]
    settings = library.assessment_settings
    for toxicity in settings.toxicities:
        assert f"`{toxicity.name}`" in toxicities, toxicity.name
    for condition in settings.conditions:
        assert f"| `{condition.name}`" in conditions, condition.name

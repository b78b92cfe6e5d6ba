"""The batch library: one result per row, in order, errors as records, streaming readers."""

from __future__ import annotations

import io
import math

import pytest

from regimens import batch_sheets
from regimens._calc.batch import batch_sheets as compute_batch
from regimens._calc.dosing import SheetOptions
from regimens._errors import InputError
from regimens._models.batch import BatchError, BatchResult, BatchRow, RowFailure
from regimens._read.patient import make_patient
from regimens._read.rows import read_batch_rows, read_csv_rows, read_jsonl_rows


def doses(result: BatchResult) -> list[tuple[str, float]]:
    assert result.sheet is not None, result.error
    return [(a.drug, a.calculated_mg) for a in result.sheet.days[0].administrations]


def test_mixed_rows_in_order_from_a_list_of_dicts(library) -> None:  # type: ignore[no-untyped-def]
    """170 cm / 70 kg → Mosteller √(170 × 70 / 3600) = 1.8181 → 1.82 m².

    FOLFOX-6 day 1: oxaliplatin 85 × 1.82 = 154.7 mg; folinic acid 400 × 1.82 = 728;
    5-FU bolus 400 × 1.82 = 728; 5-FU infusion 2400 × 1.82 = 4368 mg.
    """
    rows = [
        {"patient_id": "P1", "height": "170", "weight": "70"},
        {"patient_id": "P2", "height": "17", "weight": "70"},  # a unit slip
        {"patient_id": "P3", "height": 180, "weight": 80.0, "regimen": "NO-SUCH"},
        {"patient_id": "P4", "height": "170 cm", "weight": "70kg"},
    ]
    results = list(batch_sheets(rows, library=library, regimen="FOLFOX-6"))
    assert [r.row for r in results] == [1, 2, 3, 4]
    assert [r.patient_id for r in results] == ["P1", "P2", "P3", "P4"]
    first = doses(results[0])
    assert [drug for drug, _ in first] == [
        "oxaliplatin",
        "folinic acid",
        "fluorouracil",
        "fluorouracil",
    ]
    assert [mg for _, mg in first] == pytest.approx([154.7, 728.0, 728.0, 4368.0])
    assert results[0].sheet is not None
    assert results[0].sheet.patient_id == "P1"
    assert results[1].sheet is None
    assert results[1].error is not None
    assert results[1].error.field == "height"
    assert "100–250 cm" in results[1].error.message
    assert results[1].error_record() == {
        "row": 2,
        "patient_id": "P2",
        "error": {"field": "height", "message": results[1].error.message},
    }
    # P3 names another regimen than the one given for all rows.
    assert results[2].error is not None
    assert results[2].error.field == "regimen"
    assert doses(results[3]) == first


def test_units_in_cells(library) -> None:  # type: ignore[no-untyped-def]
    """154 lb = 154 × 0.45359237 = 69.853 kg; Mosteller √(170 × 69.853 / 3600) = 1.8162
    → 1.82 m²; oxaliplatin 85 × 1.82 = 154.7 mg."""
    (result,) = batch_sheets(
        [{"patient_id": "U", "regimen": "FOLFOX-6", "height": "170cm", "weight": "154 lb"}],
        library=library,
    )
    assert result.sheet is not None
    assert result.sheet.bsa_m2_unrounded == pytest.approx(math.sqrt(170 * 154 * 0.45359237 / 3600))
    assert result.sheet.bsa_m2 == 1.82
    assert doses(result)[0] == ("oxaliplatin", pytest.approx(154.7))


def test_unknown_regimen_row_is_an_error_record(library) -> None:  # type: ignore[no-untyped-def]
    (result,) = batch_sheets(
        [{"patient_id": "X", "regimen": "FOLFOXX", "height": 170, "weight": 70}], library=library
    )
    assert result.sheet is None
    assert result.error is not None
    assert result.error.field == "regimen"
    assert "FOLFOXX" in result.error.message


def test_row_options_override(library) -> None:  # type: ignore[no-untyped-def]
    """dose_level 80 %: oxaliplatin 85 × 1.82 × 0.80 = 123.76 mg; a bad cycle is a record."""
    rows = [
        {"patient_id": "L", "height": 170, "weight": 70, "dose_level": "80%"},
        {"patient_id": "C", "height": 170, "weight": 70, "cycle": "0"},
        {"patient_id": "D", "height": 170, "weight": 70},
    ]
    results = list(batch_sheets(rows, library=library, regimen="FOLFOX-6"))
    assert doses(results[0])[0][1] == pytest.approx(123.76)
    assert results[1].error is not None
    assert results[1].error.field == "cycle"
    assert results[1].error.message.startswith("cycle: ")
    assert doses(results[2])[0][1] == pytest.approx(154.7)  # the override did not stick


def test_batch_options_apply_to_every_row(library) -> None:  # type: ignore[no-untyped-def]
    """--dose-level 50 for all rows: 85 × 1.82 × 0.5 = 77.35 mg."""
    options = SheetOptions(dose_level_percent=50, dose_level_reason="test")
    (result,) = batch_sheets(
        [{"patient_id": "A", "height": 170, "weight": 70}],
        library=library,
        regimen="FOLFOX-6",
        options=options,
    )
    assert doses(result)[0][1] == pytest.approx(77.35)


def test_pandas_style_nan_means_not_given(library) -> None:  # type: ignore[no-untyped-def]
    """An empty cell read by pandas is NaN: it is "not given", like an empty string."""
    rows = [
        {"patient_id": 12, "height": 170, "weight": 70, "creatinine": float("nan"), "sex": None}
    ]
    (result,) = batch_sheets(rows, library=library, regimen="FOLFOX-6")
    assert result.sheet is not None
    assert result.patient_id == "12"
    assert result.sheet.renal is None


def test_patients_and_missing_patient_id(library) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(height="170", weight="70")
    rows = [patient, {"height": 170, "weight": 70}, {"patient_id": "", "height": 170}]
    results = list(batch_sheets(rows, library=library, regimen="FOLFOX-6"))
    assert doses(results[0])[0][1] == pytest.approx(154.7)
    assert results[1].error is not None
    assert results[1].error.field == "patient_id"
    assert results[2].error is not None
    assert results[2].error.field == "patient_id"


def test_unknown_key_is_an_error_record(library) -> None:  # type: ignore[no-untyped-def]
    """A misspelt column must not be ignored: 'creatinin' would drop the renal check."""
    rows = [{"patient_id": "K", "height": 170, "weight": 70, "creatinin": "3"}]
    (result,) = batch_sheets(rows, library=library, regimen="FOLFOX-6")
    assert result.error is not None
    assert result.error.field == "creatinin"


def test_a_bug_propagates(library) -> None:  # type: ignore[no-untyped-def]
    """Only the package's own errors become records; anything else is not hidden."""
    with pytest.raises(TypeError):
        list(batch_sheets([42], library=library, regimen="FOLFOX-6"))  # type: ignore[list-item]


def test_unknown_batch_regimen_raises_at_once(library) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError):
        list(batch_sheets([], library=library, regimen="NO-SUCH"))


def test_empty_input_yields_nothing(library) -> None:  # type: ignore[no-untyped-def]
    assert list(batch_sheets([], library=library, regimen="FOLFOX-6")) == []


def test_csv_reader_bom_crlf_blank_lines() -> None:
    text = '\ufeffpatient_id,height,weight\r\nA,170,70\r\n\r\nB,"180 cm",80\r\n'
    stream = io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")
    assert list(read_csv_rows(stream, regimen_given=True)) == [
        {"patient_id": "A", "height": "170", "weight": "70"},
        {"patient_id": "B", "height": "180 cm", "weight": "80"},
    ]


def test_csv_reader_empty_header_only_and_ragged() -> None:
    assert list(read_csv_rows(io.StringIO(""), regimen_given=True)) == []
    header = io.StringIO("patient_id,regimen,height,weight\n")
    assert list(read_csv_rows(header)) == []
    (row,) = read_csv_rows(io.StringIO("patient_id,height,weight\nA,170\n"), regimen_given=True)
    assert isinstance(row, InputError)
    assert "2 cells" in str(row)


def test_csv_reader_missing_and_unknown_columns() -> None:
    with pytest.raises(InputError, match="required column 'weight' is missing"):
        list(read_csv_rows(io.StringIO("patient_id,height\nA,170\n"), regimen_given=True))
    with pytest.raises(
        InputError,
        match=r"required column .regimen.*the regimen for all rows",
    ):
        list(read_csv_rows(io.StringIO("patient_id,height,weight\nA,170,70\n")))
    with pytest.raises(InputError, match="unknown column 'wieght'"):
        list(read_csv_rows(io.StringIO("patient_id,height,wieght\n"), regimen_given=True))


def test_jsonl_reader_bad_lines_become_records(library) -> None:  # type: ignore[no-untyped-def]
    stream = io.StringIO('{"patient_id": "A", "height": 170, "weight": 70}\n\nnot json\n[1]\n')
    results = list(batch_sheets(read_jsonl_rows(stream), library=library, regimen="FOLFOX-6"))
    assert [r.row for r in results] == [1, 2, 3]
    assert results[0].sheet is not None
    assert results[1].error is not None
    assert "not valid JSON" in results[1].error.message
    assert results[2].error is not None
    assert "JSON object" in results[2].error.message


def test_docs_example_prints_as_shown(capsys: pytest.CaptureFixture[str]) -> None:
    """The Python example of docs/batch.md runs and prints what the doc shows."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "batch.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    shown = re.search(r"prints\n\n```text\n(.*?)```", text, re.S)
    assert code is not None
    assert shown is not None
    exec(compile(code.group(1), "docs/batch.md", "exec"), {})
    assert capsys.readouterr().out == shown.group(1)


# --- the reader of a row's cells and the calculation, each on its own ---------------------


def test_a_row_is_read_into_a_patient_a_regimen_and_its_options(library) -> None:  # type: ignore[no-untyped-def]
    """Cells become typed values: 154 lb → 69.853 kg, '80%' → 80.0, '2' → 2."""
    (row,) = read_batch_rows(
        [
            {
                "patient_id": 7,
                "regimen": "folfox-6",
                "height": "170 cm",
                "weight": "154 lb",
                "cycle": "2",
                "dose_level": "80%",
                "patient_name": " Jane ",
            }
        ],
        library=library,
    )
    assert isinstance(row, BatchRow)
    assert (row.patient_id, row.regimen.id, row.patient_name) == ("7", "FOLFOX-6", "Jane")
    assert row.patient.weight_kg == pytest.approx(154 * 0.45359237)
    assert row.options == (("cycle", 2), ("dose_level", 80.0))


def test_an_unreadable_row_is_a_failure_naming_its_field(library) -> None:  # type: ignore[no-untyped-def]
    """A failure keeps the row's patient_id when it has one; no flag in the message."""
    rows = [
        {"patient_id": "R", "regimen": "EOX", "height": 170, "weight": 70},
        make_patient(height=170, weight=70),
        InputError("the line is not valid JSON (Expecting value)"),
    ]
    read = list(read_batch_rows(rows, library=library, regimen="FOLFOX-6"))
    assert all(isinstance(item, RowFailure) for item in read[::2])
    differs, patient, line = read
    assert isinstance(differs, RowFailure)
    assert (differs.patient_id, differs.error.field) == ("R", "regimen")
    assert "--" not in differs.error.message
    assert isinstance(patient, BatchRow)
    assert isinstance(line, RowFailure)
    assert (line.patient_id, line.error.field) == (None, None)
    (alone,) = read_batch_rows([make_patient(height=170, weight=70)], library=library)
    assert isinstance(alone, RowFailure)
    assert "regimen given for all rows" in alone.error.message


def test_the_calculation_numbers_rows_and_keeps_failures(library) -> None:  # type: ignore[no-untyped-def]
    """Read rows in, one result per row out: failures pass through, a bad row option is
    named by its column (dose_level), not by the option's field."""
    folfox = library.get("FOLFOX-6")
    patient = make_patient(height=170, weight=70)
    rows = [
        BatchRow(patient_id="A", regimen=folfox, patient=patient),
        RowFailure(patient_id="B", error=BatchError(field="height", message="height ...")),
        BatchRow(patient_id="C", regimen=folfox, patient=patient, options=(("dose_level", -5.0),)),
    ]
    results = list(compute_batch(rows, library=library))
    assert [(r.row, r.patient_id) for r in results] == [(1, "A"), (2, "B"), (3, "C")]
    assert doses(results[0])[0][1] == pytest.approx(154.7)
    assert results[1].error == BatchError(field="height", message="height ...")
    assert results[2].error is not None
    assert results[2].error.field == "dose_level"


def test_a_result_has_a_sheet_or_an_error() -> None:
    """Neither, or both, is not an outcome."""
    with pytest.raises(ValueError, match="never both or neither"):
        BatchResult(row=1, patient_id="A")

"""``regimens batch``: JSONL/CSV outputs, nothing lost, the summary and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run


def without_time(document: dict[str, object]) -> dict[str, object]:
    """The sheet without the time it was calculated at (the only part that varies) and
    its own hash, which covers that time."""
    provenance = dict(document["provenance"])  # type: ignore[call-overload]
    del provenance["calculated_at"]
    provenance.pop("sheet_sha256", None)
    return {**document, "provenance": provenance}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def test_batch_sheet_equals_single_sheet(tmp_path: Path) -> None:
    """Each JSONL line is the `sheet --format json` document of its row, plus `row`."""
    source = write(
        tmp_path,
        "p.csv",
        "patient_id,regimen,height,weight,sex,age,creatinine,cycle\n"
        "A1,FOLFOX-6,170cm,154 lb,F,50,0.9,1\n"
        "A2,EOX,180,64.8,M,60,1.1,2\n",
    )
    code, out, err = run(f"batch --input {source}")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line.pop("row") for line in lines] == [1, 2]
    singles = [
        "sheet FOLFOX-6 --height 170cm --weight '154 lb' --sex F --age 50 --creatinine 0.9 "
        "--patient-id A1 --format json",
        "sheet EOX --height 180 --weight 64.8 --sex M --age 60 --creatinine 1.1 --cycle 2 "
        "--patient-id A2 --format json",
    ]
    for line, command in zip(lines, singles, strict=True):
        code, single, single_err = run(command)
        assert code == 0, single_err
        assert without_time(line) == without_time(json.loads(single))
    assert "2 rows: 2 sheets (0 with blocking warnings), 0 errors" in err


def test_mixed_rows_jsonl_input(tmp_path: Path) -> None:
    """Every row gives a sheet or an error record, in input order; exit status 2."""
    source = write(
        tmp_path,
        "p.jsonl",
        '{"patient_id": "G1", "height": 170, "weight": 70, "crcl": 90}\n'
        '{"patient_id": "B1", "height": "170", "weight": "700"}\n'
        "\n"
        "{broken\n"
        '{"patient_id": "G2", "height": "5 ft 13 in", "weight": 70}\n'
        '{"patient_id": "B2", "regimen": "NOPE", "height": 170, "weight": 70}\n',
    )
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["row"] for line in lines] == [1, 2, 3, 4, 5]
    assert [line.get("patient_id") for line in lines] == ["G1", "B1", None, "G2", "B2"]
    assert lines[0]["days"][0]["administrations"][0]["calculated_mg"] == 154.70000000000002
    assert lines[1]["error"]["field"] == "weight"
    assert "700 kg" in lines[1]["error"]["message"]
    assert set(lines[1]) == {"row", "patient_id", "error"}
    assert lines[2]["error"]["field"] is None
    assert lines[3]["error"]["field"] == "height"  # 13 in after feet is a typo
    assert lines[4]["error"]["field"] == "regimen"
    assert "5 rows: 1 sheet (0 with blocking warnings), 4 errors" in err


def test_blocking_sheet_exit_3(tmp_path: Path) -> None:
    """Cockcroft–Gault (140 − 80) × 50 / (72 × 4) × 0.85 = 8.85 mL/min: oxaliplatin
    (EU SmPC) and capecitabine in EOX are contraindicated (blocking), the sheet is still
    written; exit 3."""
    source = write(
        tmp_path, "b.csv", "patient_id,height,weight,sex,age,creatinine\nB,170,50,F,80,4\n"
    )
    code, out, err = run(f"batch --input {source} --regimen EOX")
    assert code == 3
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert line["renal"]["crcl_ml_min"] == 60 * 50 / (72 * 4) * 0.85
    assert [(w["severity"], w["drug"]) for w in line["warnings"]] == [
        ("blocking", "oxaliplatin"),
        ("blocking", "capecitabine"),
    ]
    assert "1 row: 1 sheet (1 with blocking warnings), 0 errors" in err


def test_bom_crlf_csv_to_csv_output(tmp_path: Path) -> None:
    source = tmp_path / "w.csv"
    source.write_bytes(
        "\ufeffpatient_id,height,weight,crcl\r\nW1,170,70,90\r\nW2,180,80,90\r\n".encode("utf-8")
    )
    target = tmp_path / "doses.csv"
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --output {target}")
    assert code == 0, err
    assert out == ""
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("patient_id,patient_name,patient_dob,regimen_id,cycle,day,")
    # FOLFOX-6 has 4 administrations on day 1 (and none after) per patient.
    assert [row.split(",")[0] for row in rows[1:]] == ["W1"] * 4 + ["W2"] * 4
    assert not list(tmp_path.glob(".doses.csv.*"))  # no temporary file left


def test_empty_and_header_only_inputs(tmp_path: Path) -> None:
    empty = write(tmp_path, "e.csv", "")
    code, out, err = run(f"batch --input {empty} --regimen FOLFOX-6")
    assert (code, out) == (0, "")
    assert "0 rows: 0 sheets (0 with blocking warnings), 0 errors" in err
    header = write(tmp_path, "h.csv", "patient_id,height,weight\n")
    code, out, err = run(f"batch --input {header} --regimen FOLFOX-6 --format csv")
    assert code == 0
    assert out.startswith("patient_id,patient_name,patient_dob,regimen_id,")
    assert out.count("\n") == 1


def test_missing_column_names_it(tmp_path: Path) -> None:
    source = write(tmp_path, "m.csv", "patient_id,height\nA,170\n")
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6")
    assert code == 2
    assert out == ""
    assert err.startswith("Error: input: required column 'weight' is missing")


def test_regimen_column_needed_without_option(tmp_path: Path) -> None:
    source = write(tmp_path, "r.csv", "patient_id,height,weight\nA,170,70\n")
    code, _, err = run(f"batch --input {source}")
    assert code == 2
    assert "required column 'regimen' is missing (or give the regimen for all rows)" in err


def test_csv_output_reports_errors_on_stderr(tmp_path: Path) -> None:
    source = write(tmp_path, "x.csv", "patient_id,height,weight\nA,170,70\nB,170,7\n")
    code, out, err = run(f"batch --input {source} --regimen FOLFOX-6 --format csv")
    assert code == 2
    assert [row.split(",")[0] for row in out.splitlines()[1:]] == ["A"] * 4
    assert "Error: row 2 (patient_id B): weight 7 kg is outside" in err


def test_unreadable_input(tmp_path: Path) -> None:
    code, _, err = run(f"batch --input {tmp_path / 'none.csv'} --regimen FOLFOX-6")
    assert code == 2
    assert "cannot read" in err
    latin = tmp_path / "l.csv"
    latin.write_bytes("patient_id,height,weight\nMü,170,70\n".encode("latin-1"))
    target = tmp_path / "out.jsonl"
    code, _, err = run(f"batch --input {latin} --regimen FOLFOX-6 --output {target}")
    # A byte that is not UTF-8 costs its row (an error record naming it), not the run
    # (issue 24: every input line is accounted for).
    assert code == 2
    assert "1 row: 0 sheets (0 with blocking warnings), 1 error" in err
    (record,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert record["row"] == 1
    assert record["error"]["message"].startswith("the line is not UTF-8 text (byte \\xfc")
    code, _, err = run(f"batch --input {tmp_path / 'p.txt'} --regimen FOLFOX-6")
    assert code == 2
    assert ".csv, .jsonl, .ndjson or .parquet" in err


def test_patient_options_are_not_batch_options(tmp_path: Path) -> None:
    source = write(tmp_path, "p.csv", "patient_id,height,weight\nA,170,70\n")
    code, _, err = run(f"batch --input {source} --regimen FOLFOX-6 --height 170")
    assert code == 2
    assert "--height" in err

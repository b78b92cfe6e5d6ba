"""Administration notes and regimen cautions on every format of a sheet (issue 17).

The library's notes (oxaliplatin "glucose 5% only", epirubicin vesicant, capecitabine
"within 30 minutes after a meal", docetaxel dexamethasone premedication) were in the
JSON only; regimen-level cautions (XELIRI at the EORTC 40015 doses, FOLFIRI's folinic
acid 200 mg/m²) were in no output. Sources: /regimen_library files, each note's own.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import invoke
from regimens._errors import LibraryError
from regimens._read.library import load_library

PATIENT = "--height 170 --weight 70 --crcl 80"
TEXT_FORMATS = ("table", "markdown", "csv", "html")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize(
    ("regimen", "note"),
    [
        pytest.param("FOLFOX-6", "Dilute in glucose 5% only", id="oxaliplatin-glucose"),
        pytest.param("EOX", "Vesicant", id="epirubicin-vesicant"),
        pytest.param("EOX", "within 30 minutes after a meal", id="capecitabine-meal"),
        pytest.param("DOCETAXEL", "oral dexamethasone 16 mg a day", id="docetaxel-premed"),
    ],
)
def test_administration_notes_on_every_format(regimen: str, note: str, fmt: str) -> None:
    """Each library note on an administration is printed in table, markdown, CSV, HTML."""
    result = invoke(f"sheet {regimen} {PATIENT} --format {fmt}")
    assert result.exit_code == 0, result.output
    assert note in result.output


def test_notes_are_printed_once_per_administration() -> None:
    """Capecitabine's note, given on 21 days, is printed once in the table."""
    result = invoke(f"sheet EOX {PATIENT}")
    assert result.output.count("within 30 minutes after a meal") == 1
    assert "Administration notes (library)" in result.output


def test_csv_notes_column() -> None:
    """The CSV has a notes column, per row, the administration's notes."""
    result = invoke(f"sheet FOLFOX-6 {PATIENT} --format csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    oxaliplatin = next(row for row in rows if row["drug"] == "oxaliplatin")
    assert oxaliplatin["notes"].startswith("Dilute in glucose 5% only")


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "json"])
@pytest.mark.parametrize(
    ("regimen", "fragment"),
    [
        pytest.param("XELIRI", "EORTC 40015", id="xeliri-eortc"),
        pytest.param("XELIRI", "800 mg/m2 twice daily", id="xeliri-smpc"),
        pytest.param("FOLFIRI", "levofolinic-acid dose", id="folfiri-folinic"),
    ],
)
def test_regimen_cautions_on_every_format(regimen: str, fragment: str, fmt: str) -> None:
    """A regimen's cautions are REGIMEN_CAUTION warnings on every format of its sheet."""
    result = invoke(f"sheet {regimen} {PATIENT} --format {fmt}")
    assert result.exit_code == 0, result.output
    if fmt == "json":
        cautions = [
            w for w in json.loads(result.output)["warnings"] if w["code"] == "REGIMEN_CAUTION"
        ]
        assert [w["severity"] for w in cautions] == ["caution"] * len(cautions)
        assert any(fragment in w["message"] for w in cautions)
    elif fmt == "csv":
        assert "REGIMEN_CAUTION" in result.output
    else:
        assert "REGIMEN_CAUTION" in result.output
        assert fragment in result.output


def test_regimen_caution_in_french() -> None:
    """With --lang fr the caution's French text is printed, not the English one."""
    result = invoke(f"sheet XELIRI {PATIENT} --lang fr")
    assert "l'essai a été fermé après huit décès" in result.output
    assert "the trial was closed" not in result.output


def test_regimen_without_cautions_has_none() -> None:
    """FOLFOX-6 has no caution: no REGIMEN_CAUTION on its sheet."""
    result = invoke(f"sheet FOLFOX-6 {PATIENT} --format json")
    assert "REGIMEN_CAUTION" not in result.output


def test_xeliri_caution_quotes_the_trial_abstract(tmp_path: Path) -> None:
    """The EORTC 40015 caution says what the abstract says (Köhne, Ann Oncol 2008):
    the trial (not one arm) was closed after 8 deaths unrelated to progression in 85."""
    library = load_library(use_env=False)
    (first, second) = library.get("XELIRI").cautions
    assert "eight deaths unrelated to disease progression" in first.text
    assert "85 patients" in first.text
    assert "10.1093/annonc/mdm544" in first.source
    assert "800 mg/m2" in second.text


def test_a_caution_needs_its_french_text_and_source(tmp_path: Path) -> None:
    """A [[cautions]] block without text_fr is refused when the library loads."""
    (tmp_path / "a.toml").write_text(
        'id = "AAA"\nname = "n"\ndescription = "d"\nsetting = "s"\ncycle_length_days = 21\n'
        '[[cautions]]\ntext = "t"\nevidence = "U"\nsource = "s"\n'
        '[[references]]\ncitation = "c"\n'
        '[[components]]\ndrug = "docetaxel"\ndose = "60 mg/m2"\ndays = "1"\nroute = "IV"\n'
        'method = "infusion"\nduration = "1 h"\norder = 1\nsource = "user"\n',
        encoding="utf-8",
    )
    with pytest.raises(LibraryError, match="text_fr"):
        load_library([tmp_path], use_env=False)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_administration_notes_in_french(fmt: str) -> None:
    """With --lang fr a component's notes_fr is printed instead of its English notes."""
    result = invoke(f"sheet FOLFOX-6 {PATIENT} --lang fr --format {fmt}")
    assert "Diluer uniquement dans du glucose 5 %" in result.output
    assert "Dilute in glucose 5% only" not in result.output


def test_json_keeps_its_keys() -> None:
    """The JSON administration keeps ``notes`` (English) and gains no key."""
    result = invoke(f"sheet FOLFOX-6 {PATIENT} --format json")
    item = json.loads(result.output)["days"][0]["administrations"][0]
    assert item["notes"].startswith("Dilute in glucose 5% only")
    assert "notes_fr" not in item


def test_show_prints_cautions_and_maxima() -> None:
    """`regimens show` prints a regimen's cautions and each drug's maximum or its absence."""
    xeliri = invoke("show XELIRI").output
    assert "Cautions (REGIMEN_CAUTION, on every sheet):" in xeliri
    assert "Maximum dose: none labelled" in xeliri
    docetaxel = invoke("show DOCETAXEL").output
    assert "Maximum dose: 100 mg/m2 per administration" in docetaxel

"""The published JSON Schemas: current, and the sheets we print validate against them."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import validate_json
from regimens._cli import main
from regimens._read.regimen_file import file_json_schema
from regimens._render.sheet_json import sheet_json_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(
    ("name", "generate"),
    [
        ("sheet.schema.json", sheet_json_schema),
        ("drugs.schema.json", lambda: file_json_schema("drugs")),
    ],
)
def test_checked_in_schema_is_current(name: str, generate: object) -> None:
    """docs/*.schema.json equal what the models generate (regenerate with regimens schema)."""
    checked_in = json.loads((DOCS / name).read_text(encoding="utf-8"))
    assert checked_in == generate(), (  # type: ignore[operator]
        f"docs/{name} is stale: regenerate it with "
        f"`regimens schema --kind {name.split('.', maxsplit=1)[0]} > docs/{name}`"
    )


@pytest.mark.parametrize(
    "command",
    [
        "sheet FOLFOX-6 --height 170 --weight 70",
        "sheet EOX --height 180 --weight 64.8 --crcl 45",
        "sheet EOX --height 180 --weight 80 --crcl 25",
        "sheet FOLFOX-6 --height 180 --weight 80 --crcl 55 --with ZOLEDRONIC-ACID --pump-rate 2",
        "sheet XELIRI --height 160 --weight 55 --sex F --age 70 --creatinine '90 umol/L'",
        "sheet DOCETAXEL --height 200 --weight 130 --bsa-cap 2.0 --dose-level 80",
    ],
)
def test_printed_sheets_validate_against_the_schema(command: str) -> None:
    """Every sheet the CLI prints as JSON validates against docs/sheet.schema.json."""
    result = CliRunner().invoke(main, [*shlex.split(command), "--format", "json"])
    assert result.exit_code in {0, 3}, result.stderr
    validate_json(json.loads(result.stdout), DOCS / "sheet.schema.json")

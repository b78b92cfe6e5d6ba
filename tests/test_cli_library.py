"""``regimens list``, ``show``, ``validate`` and ``schema`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_words as run
from regimens._read.regimen_file import file_json_schema

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "fixtures" / "broken"


@pytest.fixture(autouse=True)
def _no_user_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGIMENS_LIBRARY", raising=False)


def test_list_table() -> None:
    """Grouped by site (issue 21), one row per regimen in each group: id, name, kind,
    cycle, usual cycles, aliases; a regimen of two sites is in both groups."""
    code, out, err = run("list")
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    titles = [block.splitlines()[0] for block in blocks]
    assert titles == [
        "Gastric and oesophageal (upper GI)",
        "Colorectal",
        "Pancreatic",
        "Bone metastases (supportive)",
    ]
    groups = {}
    for block in blocks:
        lines = block.splitlines()
        assert lines[1].split() == ["ID", "Name", "Kind", "Cycle", "Cycles", "Aliases"]
        rows = {line.split()[0]: line for line in lines[3:]}
        assert list(rows) == sorted(rows)  # by id within a group
        groups[lines[0]] = rows
    upper_gi, colorectal = groups[titles[0]], groups[titles[1]]
    assert {"DOCETAXEL", "EOX", "FLOT", "FOLFOX-6"} <= set(upper_gi)
    assert {"FOLFOX-6", "FOLFIRI", "FOLFOXIRI", "CAPOX"} <= set(colorectal)
    assert set(groups[titles[2]]) == {"FOLFIRINOX", "MFOLFIRINOX"}
    rows = {**upper_gi, **colorectal, **groups[titles[3]]}
    assert "14 d" in rows["FOLFOX-6"]
    assert "mFOLFOX6, mFOLFOX-6, modified FOLFOX6" in rows["FOLFOX-6"]
    assert "supportive" in rows["ZOLEDRONIC-ACID"]
    assert "21 d" in rows["EOX"]


def test_list_json() -> None:
    """JSON rows carry the id, cycle and file provenance."""
    code, out, _ = run("list", "--format", "json")
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["XELIRI"]["cycle_length_days"] == 21
    assert rows["DOCETAXEL"]["usual_cycles"] == 6
    assert rows["FOLFOX-6"]["aliases"] == ["mFOLFOX6", "mFOLFOX-6", "modified FOLFOX6"]
    assert rows["EOX"]["file"]["builtin"] is True
    assert len(rows["EOX"]["file"]["sha256"]) == 64


def test_show_table_is_the_full_protocol() -> None:
    """FOLFOX-6: the four administrations in order, sources, zoledronic acid, references."""
    code, out, err = run("show", "mfolfox6")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "FOLFOX-6: FOLFOX-6 at modified FOLFOX6 doses (mFOLFOX6)"
    assert "Cycle:       every 14 days; usual number of cycles: not fixed" in lines
    table = [line.split("  ") for line in lines if line[:1].isdigit()]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in table]
    assert cells == [
        ["1", "1", "oxaliplatin", "85 mg/m2", "IV", "infusion", "2 h"],
        ["2", "1", "folinic acid", "400 mg/m2", "IV", "infusion", "2 h"],
        ["3", "1", "fluorouracil", "400 mg/m2", "IV", "bolus", "-"],
        ["4", "1", "fluorouracil", "2400 mg/m2", "IV", "continuous infusion", "46 h"],
    ]
    assert "Supportive treatment given with this regimen: ZOLEDRONIC-ACID" in out
    assert "day 1 of every 2nd cycle from cycle 1 (cycles 1, 3, 5...)" in out
    assert "PMID:14657227" in out
    assert "doi:10.1200/JCO.2004.05.113" in out
    assert "MODIFIED FOLFOX6" in out
    assert "folfox-6.toml (built-in, sha256 " in out


def test_show_divides_a_daily_dose_into_intakes() -> None:
    """EOX capecitabine reads '1250 mg/m2/day = 625 mg/m2 twice daily' on days 1-21."""
    code, out, _ = run("show", "EOX")
    assert code == 0
    row = next(line for line in out.splitlines() if "capecitabine" in line and "PO" in line)
    assert "1-21" in row
    assert "1250 mg/m2/day = 625 mg/m2 twice daily" in row


def test_show_renal_bands_with_their_edges() -> None:
    """The zoledronic acid table shows each band's interval, edges explicit."""
    code, out, _ = run("show", "zometa")
    assert code == 0
    assert "[40, 50)     CrCl 40–49 mL/min: 3.3 mg" in out
    assert "[50, 60]     CrCl 50–60 mL/min: 3.5 mg" in out
    assert "(60, ∞)      CrCl > 60 mL/min: 4.0 mg (full dose)" in out
    assert "UNVERIFIED: interval: derived from the SmPC range" in out


def test_list_in_french() -> None:
    """--lang fr (issue 22): French headings, site groups, kinds and cycle lengths, the
    library's name_fr; the same rows as in English."""
    code, out, err = run("list", "--lang", "fr")
    assert (code, err) == (0, "")
    blocks = out.split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == [
        "Estomac et œsophage (digestif haut)",
        "Côlon et rectum",
        "Pancréas",
        "Métastases osseuses (soins de support)",
    ]
    assert blocks[0].splitlines()[1].split() == ["ID", "Nom", "Type", "Cycle", "Cycles", "Alias"]
    eox = next(line for line in out.splitlines() if line.startswith("EOX "))
    assert "Épirubicine, oxaliplatine et capécitabine (EOX)" in eox
    assert "chimiothérapie" in eox
    assert "21 j" in eox
    zoledronic = next(line for line in out.splitlines() if line.startswith("ZOLEDRONIC-ACID "))
    assert "soins de support" in zoledronic


def test_list_and_show_are_english_by_default() -> None:
    """--lang en is the default: the same output as without the option."""
    assert run("list") == run("list", "--lang", "en")
    assert run("show", "EOX") == run("show", "EOX", "--lang", "en")


def test_show_in_french() -> None:
    """--lang fr: French words, drug names (local_names), methods, kinds, renal band
    labels (label_fr) and numbers (decimal comma, U+202F between thousands)."""
    code, out, err = run("show", "mfolfox6", "--lang", "fr")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "FOLFOX-6 : FOLFOX-6 aux doses du FOLFOX6 modifié (mFOLFOX6)"
    assert "Type :       chimiothérapie" in lines
    table = [line.split("  ") for line in lines if line[:1].isdigit()]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in table]
    assert cells == [
        ["1", "1", "oxaliplatine", "85 mg/m2", "IV", "perfusion", "2 h"],
        ["2", "1", "acide folinique", "400 mg/m2", "IV", "perfusion", "2 h"],
        ["3", "1", "fluorouracile", "400 mg/m2", "IV", "bolus", "-"],
        ["4", "1", "fluorouracile", "2\u202f400 mg/m2", "IV", "perfusion continue", "46 h"],
    ]
    _, eox, _ = run("show", "EOX", "--lang", "fr")
    assert "1\u202f250 mg/m2/jour = 625 mg/m2 deux fois par jour" in eox
    _, zometa, _ = run("show", "zometa", "--lang", "fr")
    assert "[40, 50)     ClCr 40–49 mL/min : 3,3 mg" in zometa
    assert "(60, ∞)      ClCr > 60 mL/min : 4,0 mg (dose pleine)" in zometa


def test_show_json() -> None:
    """JSON: the regimen's canonical fields, its drugs' facts, and what is given with it."""
    code, out, _ = run("show", "FOLFOX-6", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["regimen"]["id"] == "FOLFOX-6"
    component = data["regimen"]["components"][3]
    assert component["dose"] == {
        "text": "2400 mg/m2",
        "amount": 2400.0,
        "basis": "per_m2",
        "unit": "mg/m2",
    }
    assert component["duration_h"] == 46.0
    assert set(data["drugs"]) == {"oxaliplatin", "folinic acid", "fluorouracil"}
    (given,) = data["given_with_this"]
    assert given["supportive"] == "ZOLEDRONIC-ACID"
    assert given["schedule"]["every_n_cycles"] == 2


def test_show_unknown_regimen_suggests_and_exits_2() -> None:
    """One line on stderr with the closest ids; no traceback."""
    code, out, err = run("show", "FOLFOX6")
    assert (code, out) == (2, "")
    assert err.startswith(
        "Error: unknown regimen 'FOLFOX6'; close matches (each not the same regimen as "
        "'FOLFOX6': check which is meant): FOLFOX-6 (alias mFOLFOX6), "
    )
    assert len(err.strip().splitlines()) == 1


def test_user_library_shadowing_warns_on_stderr(tmp_path: Path) -> None:
    """--library: a user EOX is used, and stderr says it shadows the built-in one."""
    text = (ROOT / "regimen_library" / "eox.toml").read_text(encoding="utf-8")
    (tmp_path / "eox.toml").write_text(text.replace("130 mg/m2", "100 mg/m2"), encoding="utf-8")
    code, out, err = run("show", "EOX", "--library", str(tmp_path))
    assert code == 0
    assert "100 mg/m2" in out
    assert err.startswith("Warning: regimen EOX from ")
    assert "shadows EOX from " in err
    code, out, _ = run("list", "--library", str(tmp_path))
    assert "EOX *" in out
    assert "* from a user library" in out


def test_validate_builtin_library() -> None:
    """Every built-in file is valid: exit 0."""
    code, out, err = run("validate", str(ROOT / "regimen_library"))
    assert (code, out, err) == (0, "OK: 1 path valid.\n", "")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("unknown_key.toml", ":34: components[2].note: unknown key 'note'; did you mean 'notes'?"),
        ("wrong_unit_dimension.toml", ":26: components[2].dose: '2000 mL/m2' is not a dose"),
        ("day_outside_cycle.toml", ":29: components[2].days: day 22 is outside the 21-day cycle"),
        ("overlapping_renal_bands.toml", ":18: drug[1].renal_rule.bands[2]: overlaps bands[1]"),
        ("gapped_renal_bands.toml", ":18: drug[1].renal_rule.bands[2]: leaves a gap"),
        ("duplicate_alias.toml", ":6: aliases[2]: duplicate alias 'docecape'"),
        ("malformed_toml.toml", ":29: malformed TOML: Illegal character"),
    ],
)
def test_validate_broken_file_exits_2_with_its_message(fixture: str, expected: str) -> None:
    """Each broken fixture: its own message, naming file, line, field and reason."""
    path = BROKEN / fixture
    code, out, err = run("validate", str(path))
    assert code == 2
    assert out.startswith(f"{path}{expected}")
    assert len(out.splitlines()) == 1
    assert err == "1 problem found.\n"


def test_validate_lists_each_problem_on_its_own_line() -> None:
    """Several paths: one line per problem, and a count on stderr."""
    paths = sorted(str(path) for path in BROKEN.glob("*.toml"))
    code, out, err = run("validate", *paths)
    assert code == 2
    assert len(out.splitlines()) == len(paths) == 7
    assert err == "7 problems found.\n"


def test_validate_needs_a_path() -> None:
    """Without a path, click's usage error (exit 2)."""
    code, _, err = run("validate")
    assert code == 2
    assert "Missing argument" in err


def test_schema_prints_the_models_schema() -> None:
    """`regimens schema` prints the regimen file schema; --kind drugs the drugs.toml one."""
    code, out, _ = run("schema")
    assert code == 0
    assert json.loads(out) == file_json_schema("regimen")
    code, out, _ = run("schema", "--kind", "drugs")
    assert json.loads(out) == file_json_schema("drugs")


def test_checked_in_schema_is_what_the_command_prints() -> None:
    """docs/regimen.schema.json is byte-for-byte `regimens schema` output."""
    _, out, _ = run("schema")
    checked_in = (ROOT / "docs" / "regimen.schema.json").read_text(encoding="utf-8")
    assert checked_in == out, (
        "docs/regimen.schema.json is stale: regenerate it with "
        "`regimens schema > docs/regimen.schema.json`"
    )


@pytest.mark.parametrize("command", ["list", "show", "validate", "schema"])
def test_help_ends_with_an_example(command: str) -> None:
    """Every command's help shows how to use it."""
    code, out, _ = run(command, "--help")
    assert code == 0
    example = out.split("Examples:")[1].split("Options:")[0]
    assert f"regimens {command}" in example

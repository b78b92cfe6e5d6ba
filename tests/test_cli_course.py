"""``regimens course`` as a pharmacist runs it; and the pages that show check and course.

The console examples of docs/check.md, docs/course.md and docs/case-report.md are run
here and compared with what they show: a line ``...`` stands for omitted lines, and the
exit status is the one the output implies (2 for ``Error:``, 3 with a ``BLOCKING``
warning, 1 for a failed check, else 0).
"""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run
from regimens._cli import main

ROOT = Path(__file__).resolve().parent.parent
CASE = "docs/examples/case-report-course.toml"
FIXTURES = "tests/fixtures/courses"


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_case_report_table() -> None:
    """The case history: totals and limits as worked by hand in docs/case-report.md.

    Capecitabine mg: EOX at 1.63 m², 625 × 1.63 = 1018.75 mg per intake; within 5 %,
    1000 = 2 × 500 (2 tablets) or 1050 = 7 × 150 (7): 1000 mg, 2000 mg a day × 21 days
    × 6 cycles = 252 000 mg. XELIRI at 1.55 m², 1000 × 1.55 = 1550 mg per intake; within
    5 % (1472.5–1627.5), 1500 = 3 × 500 (3 tablets), 1550 = 500 + 7 × 150 (8),
    1600 = 2 × 500 + 4 × 150 (6): the fewest tablets (issue 19) → 1500 mg, 3000 mg a day
    × 14 days × 6 cycles = 252 000 mg (1550 mg before issue 19: 260 400). In all
    504 000 mg.
    """
    code, out, _ = run(f"course {CASE}")
    assert code == 0
    lines = out.splitlines()
    start = lines.index("Cumulative doses, all lines")
    assert lines[start : start + 11] == [
        "Cumulative doses, all lines",
        "Drug             mg/m²    mg      Cycles    Lines",
        "---------------  -------  ------  --------  -------",
        "epirubicin       300      486     6         1",
        "oxaliplatin      1630     2562    16        1, 4",
        "capecitabine     325500   504000  12        1, 2",
        "irinotecan       1860     2858    8         2, 5",
        "docetaxel        450      690     6         3",
        "folinic acid     4400     6676    12        4, 5",
        "fluorouracil     33600    50904   12        4, 5",
        "zoledronic acid  —        20      5         4",
    ]
    assert "epirubicin  300      0.8      240" in out
    assert (
        "  CAUTION ADVISORY_THRESHOLD_EXCEEDED [oxaliplatin]: oxaliplatin: cumulative dose "
        "1630 mg/m2 is above the advisory threshold of 842 mg/m2" in out
    )


def test_equivalence_option() -> None:
    """--equivalence epirubicin=1 (COG): 300 x 1 = 300 doxorubicin-equivalent mg/m²."""
    code, out, _ = run(f"course {CASE} --equivalence epirubicin=1 --format json")
    assert code == 0
    data = json.loads(out)
    assert data["doxorubicin_equivalent_mg_per_m2"] == 300
    assert data["equivalence"] == [
        {
            "drug": "epirubicin",
            "ratio": 1.0,
            "source": "--equivalence",
            "from_option": True,
            "library_ratio": 0.8,
        }
    ]
    assert data["provenance"]["options"]["equivalence"] == {"epirubicin": 1.0}


def test_label_limit_passed_exits_3() -> None:
    """19 cycles of EOX: epirubicin 950 mg/m² > 900: printed, BLOCKING, exit 3."""
    code, out, _ = run(f"course {FIXTURES}/epirubicin-19-cycles.toml")
    assert code == 3
    assert (
        "  BLOCKING CUMULATIVE_LIMIT_EXCEEDED [epirubicin]: epirubicin: cumulative dose "
        "950 mg/m2 is above the limit of 900 mg/m2" in out
    )
    assert "epirubicin   label limit  900 mg/m2  950" in out


def test_blocking_in_json() -> None:
    """The JSON says what the exit status says: blocking true, exit 3; the blocking
    warning first, worded in English whatever --lang."""
    code, out, _ = run(f"course {FIXTURES}/epirubicin-19-cycles.toml --format json --lang fr")
    assert code == 3
    data = json.loads(out)
    assert data["blocking"] is True
    assert data["warnings"][0]["severity"] == "blocking"
    assert data["warnings"][0]["message"].startswith(
        "epirubicin: cumulative dose 950 mg/m2 is above the limit of 900 mg/m2"
    )


def test_json_contract() -> None:
    """The JSON document's keys (docs/course.md)."""
    code, out, _ = run(f"course {CASE} --format json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "schema_version",
        "source",
        "patient_id",
        "description",
        "bsa_formula",
        "lines",
        "totals",
        "doxorubicin_equivalent_mg_per_m2",
        "equivalence",
        "limits",
        "blocking",
        "warnings",
        "notes",
        "provenance",
        "drug_names",
        "tool_version",
    ]
    assert data["blocking"] is False
    assert list(data["provenance"]) == [
        "tool",
        "tool_version",
        "calculated_at",
        "course_sha256",
        "regimens",
        "drugs",
        "options",
        "files",
        "shadowed",
        "library_dirs",
    ]
    assert (
        data["provenance"]["course_sha256"]
        == hashlib.sha256((ROOT / CASE).read_bytes()).hexdigest()
    )
    assert data["provenance"]["options"] == {
        "bsa_formula": "mosteller",
        "equivalence": {},
        "rdi_threshold_percent": 85.0,
        "weight_change_percent": 10.0,
    }
    assert list(data["warnings"][0]) == ["severity", "code", "message", "drug", "params"]
    assert [line["regimen"] for line in data["lines"]] == [
        "EOX",
        "XELIRI",
        "DOCETAXEL",
        "FOLFOX-6",
        "FOLFIRI",
    ]
    assert set(data["limits"][0]) >= {
        "drug",
        "kind",
        "limit",
        "unit",
        "cumulative",
        "remaining",
        "status",
        "per_cycle",
        "cycles_that_fit",
    }


def test_french_table() -> None:
    """--lang fr: French headings, drug names and warnings."""
    code, out, _ = run(f"course {CASE} --lang fr")
    assert code == 0
    assert "Doses cumulées, toutes lignes" in out
    assert "épirubicine         300      486      6         1" in out
    assert "ATTENTION ADVISORY_THRESHOLD_EXCEEDED [oxaliplatine]" in out


def test_csv_and_markdown(tmp_path: Path) -> None:
    """CSV: a row per drug per line, then the totals; Markdown through --output's extension."""
    code, out, _ = run(f"course {CASE} --format csv")
    assert code == 0
    rows = out.splitlines()
    assert rows[0] == (
        "scope,line,regimen,drug,mg_per_m2,mg,cycles,doxorubicin_equivalent_mg_per_m2,"
        "delivered_mg_per_m2_per_week,planned_mg_per_m2_per_week,rdi_percent"
    )
    assert rows[1] == "line,1,EOX,epirubicin,300,486,6,240,,,"
    assert rows[-1] == "total,,,zoledronic acid,,20,5,,,,"
    target = tmp_path / "course.md"
    code, out, _ = run(f"course {CASE} --output {target}")
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("# Treatment course: ")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        pytest.param(
            f"course {FIXTURES}/broken/negative-cycles.toml",
            "lines[2].cycles: cycles must be 0 or more",
            id="negative cycles",
        ),
        pytest.param(
            f"course {FIXTURES}/broken/unknown-regimen.toml",
            "lines[3].regimen: unknown regimen 'FOLFOXX'",
            id="unknown regimen",
        ),
        pytest.param(f"course {CASE} --equivalence epirubicin", "DRUG=RATIO", id="no ratio"),
        pytest.param(f"course {CASE} --equivalence epirubicin=0", "above 0", id="ratio 0"),
        pytest.param("course nowhere.toml", "nowhere.toml: no such file", id="missing file"),
    ],
)
def test_user_mistakes(command: str, message: str) -> None:
    """Each mistake: one line on stderr naming the line of therapy and field, exit 2."""
    code, out, err = run(command)
    assert (code, out) == (2, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_help() -> None:
    """course --help: summary, exit statuses and examples."""
    code, out, _ = run("course --help")
    assert code == 0
    assert "Cumulative doses over the lines of treatment in FILE" in out
    assert "regimens course docs/examples/case-report-course.toml --equivalence" in out
    assert "3 report printed WITH a blocking warning" in " ".join(out.split())


# --- the docs pages run as shown ---------------------------------------------------------


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    command: str
    shown: tuple[str, ...]

    @property
    def status(self) -> int:
        lines = [line for line in self.shown if line != "..."]
        if lines and lines[0].startswith("Error:"):
            return 2
        if any(line.lstrip().startswith("BLOCKING ") for line in lines):
            return 3
        if any(line.startswith("Result: FAIL") for line in lines):
            return 1
        return 0


def examples(doc: str) -> list[Example]:
    """The ``$ regimens ...`` commands of a page's console blocks, with their output."""
    found: list[Example] = []
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    inside, command, start, shown = False, "", 0, []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip() == "```console":
            inside = True
        elif inside and (line.startswith("```") or line.startswith("$ ")):
            if command:
                found.append(Example(doc, start, command, tuple(shown)))
            inside = not line.startswith("```")
            command, start, shown = (line[2:], number, []) if inside else ("", 0, [])
        elif inside and command and command.endswith("\\"):
            command = command[:-1].rstrip() + " " + line.strip()
        elif inside and command:
            shown.append(line.rstrip())
    return found


def matches(shown: tuple[str, ...], real: list[str]) -> bool:
    """Shown lines appear in order in the real output; '...' stands for any lines."""
    chunks: list[list[str]] = [[]]
    for line in shown:
        if line == "...":
            chunks.append([])
        else:
            chunks[-1].append(line)
    position = 0
    for index, chunk in enumerate(chunks):
        if not chunk:
            continue
        last = index == len(chunks) - 1
        starts = [len(real) - len(chunk)] if last else range(position, len(real) + 1)
        if index == 0:
            starts = [0]
        at = next((s for s in starts if s >= position and real[s : s + len(chunk)] == chunk), None)
        if at is None:
            return False
        position = at + len(chunk)
    return True


DOC_EXAMPLES = [
    example
    for doc in ("docs/check.md", "docs/course.md", "docs/case-report.md")
    for example in examples(doc)
]


@pytest.mark.parametrize("example", DOC_EXAMPLES, ids=[f"{e.doc}:{e.line}" for e in DOC_EXAMPLES])
def test_doc_example_runs_as_shown(example: Example) -> None:
    """A command shown in the check, course or case-report page prints what the page shows."""
    result = CliRunner(env={"REGIMENS_LIBRARY": None}).invoke(
        main, shlex.split(example.command)[1:], prog_name="regimens"
    )
    real = [line.rstrip() for line in result.output.splitlines()]
    assert result.exit_code == example.status, result.output
    if example.shown:
        assert matches(example.shown, real), f"{example.doc}:{example.line}\n{result.output}"


def test_every_page_shows_output() -> None:
    """Each of the three pages shows at least one command with its output."""
    for doc in ("docs/check.md", "docs/course.md", "docs/case-report.md"):
        assert any(e.shown for e in DOC_EXAMPLES if e.doc == doc), doc

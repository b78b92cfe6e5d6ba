"""Dose-sheet outputs people use: markdown, CSV, HTML, French labels, atomic --output."""

from __future__ import annotations

import csv
import io
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import dump_dom, needs_chromium, print_pdf
from conftest import run
from regimens._cli import _common as common
from regimens._cli import main
from regimens._errors import InputError

# Mosteller √(180 × 80 / 3600) = 2.00 m². EOX: epirubicin 50 × 2 = 100 mg, oxaliplatin
# 130 × 2 = 260 mg, capecitabine 625 × 2 = 1250 mg = 500 + 5 × 150 twice daily, D1–21.
# CrCl 90 mL/min: capecitabine's renal band is "full" (> 50), shown as 100% in Organ.
EOX_BASE = "sheet EOX --height 180 --weight 80"
EOX_200 = f"{EOX_BASE} --crcl 90"


# --------------------------------------------------------------------------- markdown


def test_markdown_has_a_table_per_day_group() -> None:
    """Markdown: a heading per day group and pipe tables with the final doses.

    Capecitabine at 2.00 m²: 1250 mg per intake; within 5 %, 1200 (8 × 150), 1250
    (500 + 5 × 150) and 1300 (2 × 500 + 2 × 150); the fewest tablets (issue 19): 1300 mg,
    +4.0 %, 2600 mg a day.
    """
    code, out, _ = run(f"{EOX_200} --format markdown")
    assert code == 0
    assert out.startswith("# Dose sheet: Epirubicin, oxaliplatin and capecitabine (EOX)")
    assert "\n## Day 1\n" in out
    assert "\n## Days 2–21\n" in out
    assert (
        "| 3 | capecitabine | PO oral | 625 mg/m2 | × 2 m2 | 1250 | 100% | 100% | 1250.00 | 1300 "
        "| +4.0% | 2 | 2600 | 2 × 500 mg + 2 × 150 mg |"
    ) in out
    assert "- **capecitabine**: CrCl bands (the Organ column shows the band applied)" in out


# --------------------------------------------------------------------------- CSV


def test_csv_one_row_per_administration_per_day() -> None:
    """CSV: 3 administrations on day 1 + capecitabine on days 2–21 = 23 rows; capecitabine
    1300 mg = 2 × 500 + 2 × 150 twice daily (worked in test_markdown_has_a_table_per_day_group)."""
    code, out, _ = run(f"{EOX_200} --format csv --patient-id P-42")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 23
    cape = [row for row in rows if row["drug"] == "capecitabine"]
    assert [row["day"] for row in cape] == [str(day) for day in range(1, 22)]
    assert {row["dose_mg"] for row in cape} == {"1300"}
    assert {row["daily_dose_mg"] for row in cape} == {"2600"}
    assert cape[0]["tablets"] == "2x500;2x150"
    assert cape[0]["warnings"] == ""
    assert cape[0]["renal_rule"] == "bands"
    assert {row["patient_id"] for row in rows} == {"P-42"}
    assert sum(float(row["daily_dose_mg"]) for row in cape) == 2600 * 21


def test_csv_columns_are_the_json_fields() -> None:
    """In English the CSV header names are the JSON field names."""
    _, out, _ = run(f"{EOX_200} --format csv")
    header = out.splitlines()[0].split(",")
    for name in ("drug", "route", "method", "calculated_mg", "dose_mg", "deviation_percent"):
        assert name in header


def test_csv_in_french_has_french_headers_and_names() -> None:
    """With --lang fr the CSV headers and drug names are French; the INN column stays."""
    _, out, _ = run(f"{EOX_200} --format csv --lang fr")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[2]["dci"] == "capecitabine"
    assert rows[2]["medicament"] == "capécitabine"
    assert rows[2]["dose_calculee_mg"] == "1250.00"


# --------------------------------------------------------------------------- language


def test_french_table_labels() -> None:
    """--lang fr: the labels a French pharmacist recognises, and French drug names."""
    code, out, _ = run(f"{EOX_BASE} --crcl 45 --lang fr")
    assert code == 0
    for text in (
        "Fiche de doses",
        "Surface corporelle",
        "Dose calculée mg",
        "Jour 1",
        "Jours 2–21",
        "capécitabine",
        "épirubicine",
        "Totaux du cycle 1",
        "ATTENTION RENAL_ADJUSTED [capécitabine]: capécitabine à 75 % pour une clairance",
        "À vérifier par un professionnel qualifié avant toute utilisation.",
    ):
        assert text in out, text


def test_french_json_keys_stay_english() -> None:
    """JSON keys do not change with --lang."""
    _, english, _ = run(f"{EOX_200} --format json")
    _, french, _ = run(f"{EOX_200} --format json --lang fr")
    assert french.replace(french[french.index('"calculated_at"') :], "") == english.replace(
        english[english.index('"calculated_at"') :], ""
    )


# --------------------------------------------------------------------------- HTML


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_complete() -> None:
    """HTML: no external resources; doses, warnings box, signatures and footer present."""
    code, out, _ = run(
        "sheet FOLFOX-6 --height 180 --weight 80 --crcl 25 --with ZOLEDRONIC-ACID "
        "--format html --patient-id 123456 --patient-name 'Mme D.'"
    )
    assert code == 3
    parser = _Collect()
    parser.feed(out)
    assert not {"script", "link", "img", "iframe"} & set(parser.tags)
    assert not [value for name, value in parser.attributes if name in {"src", "href"}]
    text = " ".join(parser.text)
    for expected in (
        "123456",
        "Mme D.",
        "170",  # oxaliplatin 85 × 2.00
        "4800",  # 5-FU 2400 × 2.00
        "BLOCKING CONTRAINDICATED",
        "Prescriber",
        "Pharmacist validation",
        "Preparation",
        "Administration",
        "Signature",
        "To be checked by a qualified professional before use.",
    ):
        assert expected in text, expected
    assert "@page { size: A4" in out
    assert 'class="warnings"' in out


@needs_chromium
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    """A real browser renders the sheet: the DOM has the doses, warnings and signatures."""
    page = tmp_path / "sheet.html"
    code, _, _ = run(f"{EOX_BASE} --crcl 45 --lang fr --output {page}")
    assert code == 0
    dom = dump_dom(page, tmp_path / "profile")
    for expected in ("950", "capécitabine", "Alertes", "Validation pharmaceutique", "Jours"):
        assert expected in dom, expected
    assert print_pdf(page, tmp_path / "sheet.pdf", tmp_path / "profile").startswith(b"%PDF")


# --------------------------------------------------------------------------- --output


def test_output_format_from_extension(tmp_path: Path) -> None:
    """--output x.csv without --format writes CSV; nothing goes to stdout."""
    target = tmp_path / "sheet.csv"
    code, out, _ = run(f"{EOX_200} --output {target}")
    assert (code, out) == (0, "")
    written = target.read_text(encoding="utf-8")
    assert written.startswith("patient_id,patient_name,patient_dob,regimen_id,cycle,day")


def test_output_with_unknown_extension_is_refused(tmp_path: Path) -> None:
    """An output name whose format cannot be told is a one-line error, and no file."""
    target = tmp_path / "sheet.xyz"
    code, _, err = run(f"{EOX_200} --output {target}")
    assert code == 2
    assert "cannot tell the format" in err
    assert not target.exists()


def test_output_in_a_missing_directory(tmp_path: Path) -> None:
    """A missing directory is named in a one-line error."""
    code, _, err = run(f"{EOX_200} --output {tmp_path / 'nowhere' / 'x.json'}")
    assert code == 2
    assert "does not exist" in err
    assert len(err.strip().splitlines()) == 1


def test_failing_renderer_leaves_existing_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that fails while rendering leaves the previous file as it was, and no temp."""
    target = tmp_path / "sheet.html"
    target.write_text("previous sheet", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("regimens._render.sheet_print.sheet_html", broken)
    result = CliRunner().invoke(main, [*shlex.split(EOX_200), "--output", str(target)])
    assert isinstance(result.exception, RuntimeError)
    assert target.read_text(encoding="utf-8") == "previous sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


def test_write_interrupted_before_rename_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the temporary file is removed and the old file kept."""
    target = tmp_path / "sheet.json"
    target.write_text("old", encoding="utf-8")

    def no_rename(source: str, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(common.os, "replace", no_rename)
    with pytest.raises(InputError, match="No space left on device"):
        common.write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.json"]


def test_written_file_is_not_private(tmp_path: Path) -> None:
    """A new file gets the usual permissions (not the temporary file's 0600)."""
    target = tmp_path / "new.txt"
    common.write_atomic(target, "text\n")
    assert target.stat().st_mode & 0o044  # readable by group or others under a 022 umask


# --------------------------------------------------------------------------- CLI manners


def test_no_colour_in_pipes() -> None:
    """Output that is not a terminal has no colour codes."""
    _, out, _ = run("sheet EOX --height 180 --weight 80 --crcl 25")
    assert "\x1b[" not in out


def test_no_color_variable_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR turns colour off even on a terminal."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: True, raising=False)
    assert common.colour_enabled() is False


def test_debug_shows_the_traceback() -> None:
    """--debug lets a user error propagate (with its traceback) instead of one line."""
    result = CliRunner().invoke(main, ["--debug", "bsa", "--height", "1.7", "--weight", "70"])
    assert isinstance(result.exception, InputError)
    quiet = CliRunner().invoke(main, ["bsa", "--height", "1.7", "--weight", "70"])
    assert quiet.exit_code == 2
    assert "Traceback" not in quiet.stderr


# --------------------------------------------------------------------------- display fixes


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param(-0.011, "0.0%", id="3494 for 3494.4 mg is 0.0%, not -0.0%"),
        pytest.param(0.04, "0.0%", id="a rounding that shows as zero has no sign"),
        pytest.param(0.0, "0.0%", id="zero"),
        pytest.param(0.2, "+0.2%", id="155 for 154.7 mg is +0.2%"),
        pytest.param(-1.26, "-1.3%", id="negative"),
    ],
)
def test_signed_percent(value: float, shown: str) -> None:
    """A deviation that displays as zero carries no sign (a "-0.0%" reads as a deviation)."""
    from regimens._render._text import signed_percent

    assert signed_percent(value) == shown


def test_deviation_that_rounds_to_zero_has_no_sign() -> None:
    """FOLFOX-6 at 80 %: 5-FU 2400 × 1.82 × 0.8 = 3494.4 mg → 3494 mg is -0.011 %: 0.0%."""
    _, out, _ = run(
        "sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 --dose-level 80 --format markdown"
    )
    assert "| 3494.40 | 3494 | 0.0% |" in out
    assert "-0.0%" not in out


def test_withheld_drug_has_no_deviation() -> None:
    """Capecitabine withheld at CrCl 25 mL/min: the Dev. column is a dash, not 0.0%."""
    _, out, _ = run(f"{EOX_BASE} --crcl 25 --format markdown")
    assert "| CI | 1250.00 | 0 | — | 2 | 0 | WITHHELD (see warnings) |" in out


def test_french_title_has_the_french_colon() -> None:
    """French typography puts a space before a colon: "Fiche de doses : EOX..."."""
    _, out, _ = run(f"{EOX_200} --lang fr")
    assert out.splitlines()[1] == (
        "Fiche de doses : Épirubicine, oxaliplatine et capécitabine (EOX), cycle 1, "
        "tous les 21 jours"
    )


def test_regimen_id_is_not_repeated_in_the_title() -> None:
    """EOX's name ends in "(EOX)": the title does not add "(EOX)" again."""
    _, out, _ = run(EOX_200)
    assert out.splitlines()[1] == (
        "Dose sheet: Epirubicin, oxaliplatin and capecitabine (EOX), cycle 1, every 21 days"
    )
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --with ZOLEDRONIC-ACID --crcl 80")
    assert out.splitlines()[1:3] == [
        "Dose sheet: FOLFOX-6 at modified FOLFOX6 doses (mFOLFOX6), cycle 1, every 14 days",
        "with Zoledronic acid 4 mg every 3 to 4 weeks (ZOLEDRONIC-ACID)",
    ]


def test_rounding_none_shows_no_tolerance() -> None:
    """--rounding none: no rounding step, so the header names no tolerance."""
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 90 --rounding none")
    rounding = next(line for line in out.splitlines() if line.startswith("Rounding"))
    assert rounding == (
        "Rounding             none: doses as calculated (no rounding, so no tolerance applies)"
    )
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --rounding none --lang fr")
    rounding = next(line for line in out.splitlines() if line.startswith("Arrondi"))
    assert rounding.split(maxsplit=1)[1] == (
        "aucun : doses telles que calculées (sans arrondi, aucune tolérance ne s'applique)"
    )


def test_markdown_says_warnings_once() -> None:
    """Markdown without warnings: the heading, then "None." (not "Warnings: none" again)."""
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 80 --format markdown")
    assert "## Warnings\n\nNone.\n" in out
    assert out.count("Warnings") == 1
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 80 --format markdown "
                    "--lang fr")  # fmt: skip
    assert "## Alertes\n\nAucune.\n" in out


def test_pump_text_reads_volume_rate_then_contents() -> None:
    """5-FU 4368 mg at 50 mg/mL = 87.36 mL in a 2 mL/h × 46 h = 92 mL pump: 4.64 mL diluent,
    4368 / 92 = 47.48 mg/mL."""
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --pump-rate 2 --format markdown")
    assert (
        "over 46 h; 95.0 mg/h; pump 92 mL at 2 mL/h = 87.4 mL of drug + 4.6 mL of diluent; "
        "final concentration 47.48 mg/mL; draw 87.4 mL at 50 mg/mL (4370 mg), "
        "vials 1 × 5000 mg, waste 630 mg |"
    ) in out
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --pump-rate 2 --lang fr")
    assert (
        "diffuseur 92 mL à 2 mL/h = 87,4 mL de médicament + 4,6 mL de diluant ; "
        "concentration finale 47,48 mg/mL"
    ) in out


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_footer_names_the_supportive_regimen_file(output_format: str) -> None:
    """With --with ZOLEDRONIC-ACID the footer hashes both regimen files, as the HTML does."""
    import hashlib

    root = Path(__file__).resolve().parent.parent / "regimen_library"
    folfox = hashlib.sha256((root / "folfox-6.toml").read_bytes()).hexdigest()[:12]
    zoledronic = hashlib.sha256((root / "zoledronic-acid.toml").read_bytes()).hexdigest()[:12]
    _, out, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 80 --with ZOLEDRONIC-ACID "
                    f"--format {output_format}")  # fmt: skip
    assert (
        f"regimens 0.1.0; regimen file sha256 {folfox}; ZOLEDRONIC-ACID sha256 {zoledronic}; "
        "computed "
    ) in out


def test_show_names_an_advisory_threshold_as_such() -> None:
    """regimens show: epirubicin's label limit and oxaliplatin's advisory threshold differ."""
    _, out, _ = run("show EOX")
    assert "     Cumulative limit (label): 900 mg/m2. Epirubicin US label" in out
    assert "     Cumulative threshold (advisory): 842 mg/m2." in out
    assert "Cumulative limit: 550" not in out

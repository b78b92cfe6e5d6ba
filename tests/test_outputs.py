"""Dose-sheet outputs people use: markdown, CSV, HTML, French labels, atomic --output."""

from __future__ import annotations

import csv
import io
import os
import shlex
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from regimens._cli import _common as common
from regimens._cli import main
from regimens._errors import InputError

# Mosteller √(180 × 80 / 3600) = 2.00 m². EOX: epirubicin 50 × 2 = 100 mg, oxaliplatin
# 130 × 2 = 260 mg, capecitabine 625 × 2 = 1250 mg = 500 + 5 × 150 twice daily, D1–21.
EOX_200 = "sheet EOX --height 180 --weight 80"


def run(command: str, **kwargs: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, shlex.split(command), **kwargs)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- markdown


def test_markdown_has_a_table_per_day_group() -> None:
    """Markdown: a heading per day group and pipe tables with the final doses."""
    code, out, _ = run(f"{EOX_200} --format markdown")
    assert code == 0
    assert out.startswith("# Dose sheet: Epirubicin, oxaliplatin and capecitabine (EOX)")
    assert "\n## Day 1\n" in out
    assert "\n## Days 2–21\n" in out
    assert (
        "| 3 | capecitabine | PO oral | 625 mg/m2 | × 2 m2 | 1250 | 100% |  | 1250.00 | 1250 "
        "| +0.0% | 2 | 2500 | 1 × 500 mg + 5 × 150 mg |"
    ) in out
    assert "- **CAUTION RENAL_RULE_NOT_CHECKED** [capecitabine]:" in out


# --------------------------------------------------------------------------- CSV


def test_csv_one_row_per_administration_per_day() -> None:
    """CSV: 3 administrations on day 1 + capecitabine on days 2–21 = 23 rows."""
    code, out, _ = run(f"{EOX_200} --format csv --patient-id P-42")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 23
    cape = [row for row in rows if row["drug"] == "capecitabine"]
    assert [row["day"] for row in cape] == [str(day) for day in range(1, 22)]
    assert {row["dose_mg"] for row in cape} == {"1250.0"}
    assert {row["daily_dose_mg"] for row in cape} == {"2500.0"}
    assert cape[0]["tablets"] == "1x500;5x150"
    assert cape[0]["warnings"] == "RENAL_RULE_NOT_CHECKED"
    assert {row["patient_id"] for row in rows} == {"P-42"}
    assert sum(float(row["daily_dose_mg"]) for row in cape) == 2500 * 21


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
    assert rows[2]["dose_calculee_mg"] == "1250.0"


# --------------------------------------------------------------------------- language


def test_french_table_labels() -> None:
    """--lang fr: the labels a French pharmacist recognises, and French drug names."""
    code, out, _ = run(f"{EOX_200} --crcl 45 --lang fr")
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
        "Verifying pharmacist 1",
        "Verifying pharmacist 2",
        "Signature",
        "To be checked by a qualified professional before use.",
    ):
        assert expected in text, expected
    assert "@page { size: A4" in out
    assert 'class="warnings"' in out


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    _chromium() is None and not os.environ.get("CI"),
    reason="chromium is not installed (CI installs it and runs this test)",
)
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    """A real browser renders the sheet: the DOM has the doses, warnings and signatures."""
    browser = _chromium()
    assert browser is not None, "CI must install Debian's chromium for this test"
    page = tmp_path / "sheet.html"
    code, _, _ = run(f"{EOX_200} --crcl 45 --lang fr --output {page}")
    assert code == 0
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for expected in ("950", "capécitabine", "Alertes", "Pharmacien vérificateur 2", "Jour 1"):
        assert expected in dom, expected
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(
        [browser, *flags, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert pdf.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- --output


def test_output_format_from_extension(tmp_path: Path) -> None:
    """--output x.csv without --format writes CSV; nothing goes to stdout."""
    target = tmp_path / "sheet.csv"
    code, out, _ = run(f"{EOX_200} --output {target}")
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("patient_id,regimen_id,cycle,day")


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

    monkeypatch.setattr("regimens._render.sheet.sheet_html", broken)
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

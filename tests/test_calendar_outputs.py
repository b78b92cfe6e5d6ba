"""``regimens calendar`` as markdown, CSV and HTML, and in French (``--lang fr``).

Dates worked by hand: 30 March 2026 is a Monday (1 January 2026 is a Thursday, and
30 March is day 89 of the year: 88 days later, 12 weeks and 4 days, so Thursday + 4 =
Monday). FOLFOX-6 cycles are 14 days, so cycle n starts 14 × (n − 1) days after
30 March: cycle 2 on 13 April; cycle 12 on 30 March + 154 days = 31 August (1 April is
+2, 1 May +32, 1 June +63, 1 July +93, 1 August +124, 31 August +154). The 46-hour pump
comes off on day 3 (2 September for cycle 12).

Doses worked by hand: 170 cm, 70 kg → Mosteller √(170 × 70 / 3600) = 1.8181 → 1.82 m²;
oxaliplatin 85 × 1.82 = 154.7 → 155 mg; folinic acid and the fluorouracil bolus 400 ×
1.82 = 728 mg; the 46-hour fluorouracil 2400 × 1.82 = 4368 mg. 165 cm, 60 kg → √2.75 =
1.658 → 1.66 m²: epirubicin 50 × 1.66 = 83 mg, oxaliplatin 130 × 1.66 = 215.8 → 216 mg,
capecitabine 625 × 1.66 = 1037.5 → 1050 mg (7 × 150 mg, +1.2 %) twice a day.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import dump_dom, needs_chromium, print_pdf
from conftest import run
from regimens._calc.calendar import build_calendar
from regimens._models.calendar import CalendarOptions
from regimens._read.calendar import parse_delay
from regimens._read.library import load_library
from regimens._read.patient import make_patient
from regimens._render.calendar_html import calendar_html
from regimens._render.calendar_words import calendar_notes
from regimens._render.catalogue import en, fr

ROOT = Path(__file__).resolve().parent.parent
FOLFOX_12 = "calendar FOLFOX-6 --start 2026-03-30 --cycles 12"
FOLFOX_SHA = hashlib.sha256((ROOT / "regimen_library/folfox-6.toml").read_bytes()).hexdigest()
ZOLEDRONIC_SHA = hashlib.sha256(
    (ROOT / "regimen_library/zoledronic-acid.toml").read_bytes()
).hexdigest()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- CSV --------------------------------------------------------------------------------


def test_csv_one_row_per_administration_per_date() -> None:
    """FOLFOX-6 × 12: 4 administrations on day 1 and a pump-off row on day 3 = 60 rows."""
    code, out, err = run(f"{FOLFOX_12} --format csv")
    assert code == 0, err
    table = rows(out)
    assert len(table) == 12 * 5
    day_1 = {row["cycle"]: row["date"] for row in table if row["day"] == "1"}
    assert day_1["2"] == "2026-04-13"
    assert day_1["12"] == "2026-08-31"
    last = table[-1]
    assert (last["cycle"], last["day"], last["date"], last["weekday"]) == (
        "12",
        "3",
        "2026-09-02",
        "Wednesday",
    )
    assert (last["event"], last["drug"], last["started_date"], last["duration_h"]) == (
        "pump_off",
        "fluorouracil",
        "2026-08-31",
        "46",
    )
    assert [row["drug"] for row in table[:4]] == [
        "oxaliplatin",
        "folinic acid",
        "fluorouracil",
        "fluorouracil",
    ]
    assert {row["dose_mg"] for row in table} == {""}  # no patient, no dose


def test_csv_with_doses_sums_in_a_spreadsheet() -> None:
    """EOX for 1.66 m²: capecitabine 1000 mg twice a day on 21 days = 42 000 mg a cycle.

    625 × 1.66 = 1037.5 mg per intake; within 5 % (985.6–1089.4 mg): 1000 = 2 × 500
    (2 tablets) and 1050 = 7 × 150 (7 tablets): the fewest tablets (issue 19) → 1000 mg,
    −3.6 %, 2000 mg a day. (Before issue 19, the nearer 1050 mg.)
    """
    code, out, err = run("calendar EOX --start 2026-01-05 --cycles 1 --height 165 --weight 60 "
                         "--crcl 80 --format csv")  # fmt: skip
    assert code == 0, err
    table = rows(out)
    assert len(table) == 3 + 20  # day 1: 3 drugs; days 2–21: capecitabine
    by_drug = {row["drug"]: row for row in table if row["day"] == "1"}
    assert by_drug["epirubicin"]["dose_mg"] == "83"
    assert by_drug["oxaliplatin"]["dose_mg"] == "216"
    assert by_drug["capecitabine"]["tablets"] == "2x500"
    cape = [row for row in table if row["drug"] == "capecitabine"]
    assert sum(float(row["daily_dose_mg"]) for row in cape) == 2000 * 21
    assert cape[-1]["date"] == "2026-01-25"
    assert {row["visit"] for row in cape[1:]} == {"home"}


def test_csv_delay_columns() -> None:
    """A delayed cycle carries its planned and actual day 1, its delay and its reason."""
    _, out, _ = run("calendar FOLFOX-6 --start 2026-03-30 --cycles 3 --delay 2=7:neutropenia "
                    "--format csv")  # fmt: skip
    cycle_2 = next(row for row in rows(out) if row["cycle"] == "2")
    assert cycle_2["planned_start_date"] == "2026-04-13"
    assert cycle_2["start_date"] == cycle_2["date"] == "2026-04-20"
    assert (cycle_2["shift_days"], cycle_2["delay_days"]) == ("7", "7")
    assert cycle_2["delay_reason"] == "neutropenia"
    assert cycle_2["flags"] == "delayed;pump_on"


def test_csv_in_french_translates_headers_not_values() -> None:
    """--lang fr: French header names, drug names and weekdays; dates and codes unchanged."""
    _, out, _ = run(f"{FOLFOX_12} --format csv --lang fr --height 170 --weight 70 --crcl 80")
    table = rows(out)
    assert out.splitlines()[0].startswith(
        "n_patient,nom_patient,date_de_naissance,protocole,cycle,"
    )
    first = table[0]
    assert (first["dci"], first["medicament"]) == ("oxaliplatin", "oxaliplatine")
    assert (first["date"], first["jour_semaine"], first["venue"]) == (
        "2026-03-30",
        "lundi",
        "clinic",
    )
    assert first["dose_mg"] == "155"


# --- markdown ---------------------------------------------------------------------------


def test_markdown_has_the_table_content() -> None:
    """Headings and pipe tables: every cycle's planned and actual day 1, every date."""
    code, out, err = run(f"{FOLFOX_12} --format markdown --with ZOLEDRONIC-ACID")
    assert code == 0, err
    assert out.startswith(
        "# Calendar: FOLFOX-6 at modified FOLFOX6 doses (mFOLFOX6), 12 cycles every 14 days\n"
    )
    assert "*with Zoledronic acid 4 mg every 3 to 4 weeks (ZOLEDRONIC-ACID)*" in out
    assert "| **Start (cycle 1 day 1)** | 2026-03-30 Monday |" in out
    assert "\n## Cycles\n" in out
    assert "| 2 | 2026-04-13 | 2026-04-13 | Mon |  |  |  |" in out
    assert "| 12 | 2026-08-31 | 2026-08-31 | Mon |  |  |  |" in out
    assert "| 11 | 2026-08-17 | 2026-08-17 | Mon |  | ZOLEDRONIC-ACID |  |" in out
    assert (
        "| 2026-09-02 | Wed | 12 | D3 | pump off | fluorouracil pump off (46 h from D1) "
        "| pump off |"
    ) in out
    assert out.rstrip().endswith(
        "**regimens 0.1.0. To be checked by a qualified professional before use.**"
    )


def test_markdown_warnings_once_with_their_cycles() -> None:
    """A contraindication raised in both cycles is listed once, naming cycles 1 and 2
    (one line per drug: oxaliplatin, EU SmPC < 30, and capecitabine)."""
    code, out, _ = run("calendar EOX --start 2026-01-05 --cycles 2 --height 180 --weight 80 "
                       "--crcl 25 --format markdown")  # fmt: skip
    assert code == 3
    assert out.count("CONTRAINDICATED") == 2
    assert "- **BLOCKING CONTRAINDICATED** (cycles 1, 2): capecitabine is contraindicated" in out
    assert "capecitabine WITHHELD PO" in out


# --- French -----------------------------------------------------------------------------


def test_french_table() -> None:
    """--lang fr: labels, dates (dd/mm/yyyy), weekdays, J for jour, drug names in French."""
    code, out, err = run(f"{FOLFOX_12} --lang fr --height 170 --weight 70 --crcl 80")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == (
        "CALENDRIER  FOLFOX-6 aux doses du FOLFOX6 modifié (mFOLFOX6), 12 cycles tous les 14 jours"
    )
    assert "Début (cycle 1 jour 1)  lundi 30 mars 2026" in lines
    assert "Week-end                samedi, dimanche" in lines
    header = next(line for line in lines if line.startswith("Cycle "))
    assert re.split(r"\s{2,}", header) == [
        "Cycle", "J1 prévu", "J1", "Jour sem.", "Décalage", "Également administré", "Motif",
    ]  # fmt: skip
    cycle_12 = next(line for line in lines if line.startswith("12 "))
    assert re.split(r"\s{2,}", cycle_12) == ["12", "31/08/2026", "31/08/2026", "lun."]
    day_header = next(line for line in lines if line.startswith("Date "))
    assert re.split(r"\s{2,}", day_header) == [
        "Date", "Jour sem.", "Cycle", "Jour", "Venue", "Administré", "Remarques",
    ]  # fmt: skip
    day_1 = next(line for line in lines if line.startswith("13/04/2026"))
    assert re.split(r"\s{2,}", day_1) == [
        "13/04/2026", "lun.", "2", "J1", "hôpital",
        "oxaliplatine 155 mg IV 2 h, acide folinique 728 mg IV 2 h, fluorouracile 728 mg IV "
        "bolus, fluorouracile 4\u202f368 mg IV diffuseur 46 h",
        "pose du diffuseur",
    ]  # fmt: skip
    assert (
        lines[-1]
        == "regimens 0.1.0. À vérifier par un professionnel qualifié avant toute utilisation."
    )


def test_french_grid_month_and_weekday_names() -> None:
    """The wall calendar in French: month headings, Monday-first weekday names, short dates."""
    _, out, _ = run(f"{FOLFOX_12} --lang fr --format grid")
    lines = out.splitlines()
    assert "Avril 2026" in lines
    assert "Août 2026" in lines
    week_names = lines[lines.index("Avril 2026") + 1]
    assert week_names.split() == ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
    assert (
        "  lun. 13 avr.  C2 J1 : oxaliplatine IV 2 h, acide folinique IV 2 h, fluorouracile IV "
        "bolus, fluorouracile IV diffuseur 46 h  [pose du diffuseur]"
    ) in lines
    assert "  mer. 2 sept.  C12 J3 : fluorouracile : retrait du diffuseur (46 h depuis J1)  " \
        "[retrait du diffuseur]" in lines  # fmt: skip


def test_french_warning_and_delay() -> None:
    """A delay's reason and a dose warning in French; the severity is BLOQUANT."""
    code, out, _ = run("calendar EOX --start 2026-01-05 --cycles 2 --height 180 --weight 80 "
                       "--crcl 25 --delay 2=7:neutropénie --lang fr")  # fmt: skip
    assert code == 3
    assert "reporté de 7 j : neutropénie" in out
    assert "reporté de 7 j (neutropénie)" in out
    assert "  BLOQUANT CONTRAINDICATED (cycles 1, 2) : capécitabine est contre-indiqué" in out
    assert "capécitabine NON ADMINISTRÉ PO" in out


def test_french_notes_match_the_english_ones() -> None:
    """The model's notes are codes: each has its words in English and in French."""
    library = load_library()
    patient = make_patient(height="170", weight="70", crcl="80")
    calendars = [
        build_calendar(library, "FOLFOX-6", dt.date(2026, 3, 30), CalendarOptions(cycles=2)),
        build_calendar(
            library,
            "FOLFOX-6",
            dt.date(2026, 4, 27),
            CalendarOptions(cycles=3, country="FR", avoid=("weekends", "holidays")),
            patient=patient,
        ),
        build_calendar(library, "EOX", dt.date(2026, 1, 5), CalendarOptions(cycles=1)),
        build_calendar(
            library,
            "XELIRI",
            dt.date(2026, 1, 5),
            CalendarOptions(cycles=2, avoid=("weekends",), delays=(parse_delay("2=7"),)),
        ),
    ]
    for calendar in calendars:
        english, french = calendar_notes(calendar, "en"), calendar_notes(calendar, "fr")
        assert len(english) == len(french) == len(calendar.notes)
        assert all(en != fr for en, fr in zip(english, french, strict=True))


def _untimed(text: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(text)
    document["provenance"] = {**document["provenance"], "calculated_at": None}  # type: ignore[dict-item]
    return document


def test_json_does_not_change_with_the_language_and_ics_does() -> None:
    """JSON keys and values are the same in English and French (its readers are
    programs); the ICS file's events are the same, their words in the language."""
    _, english, _ = run(f"{FOLFOX_12} --format json --height 170 --weight 70")
    _, french, _ = run(f"{FOLFOX_12} --format json --height 170 --weight 70 --lang fr")
    assert _untimed(english) == _untimed(french)
    _, ics_en, _ = run(f"{FOLFOX_12} --format ics")
    _, ics_fr, _ = run(f"{FOLFOX_12} --format ics --lang fr")
    for field in ("UID", "DTSTART", "DTEND"):
        lines = [line for line in ics_en.splitlines() if line.startswith(field)]
        assert lines == [line for line in ics_fr.splitlines() if line.startswith(field)]
    assert "SUMMARY:FOLFOX-6 C12 D1: clinic visit" in ics_en.splitlines()
    assert "SUMMARY:FOLFOX-6 C12 J1 : venue à l'hôpital" in ics_fr.splitlines()


_ENGLISH_NAMES = re.compile(
    r"\b(?:" + "|".join([*en.WEEKDAYS, *en.MONTHS]) + r")\b",
)
#: French calendars: FOLFOX-6 moved off a weekend, delayed, with doses (pumps, notes);
#: EOX with a clearance that withholds capecitabine (oral runs, a blocking warning).
#: No public holiday falls on their treatment days (its name is data, in English).
_FRENCH_CASES = [
    "calendar FOLFOX-6 --start 2026-03-28 --cycles 3 --avoid weekends --country FR "
    "--delay 2=7:neutropénie --height 170 --weight 70",
    "calendar EOX --start 2026-01-05 --cycles 2 --height 180 --weight 80 --crcl 25",
]


def _english_fragments() -> set[str]:
    """The words of every ``calendar.*`` English text that its French text does not share."""
    found: set[str] = set()
    for key, english in en.TEXTS.items():
        if not key.startswith("calendar."):
            continue
        french = {part.strip() for part, *_ in string.Formatter().parse(fr.TEXTS[key])}
        for literal, *_ in string.Formatter().parse(english):
            part = literal.strip(" ;:,.()")
            if len(part) >= 4 and part not in french:
                found.add(part)
    return found


@pytest.mark.parametrize("fmt", ["table", "grid", "markdown", "csv", "html", "ics"])
@pytest.mark.parametrize("case", _FRENCH_CASES, ids=["folfox-6", "eox"])
def test_french_output_has_no_english_words(case: str, fmt: str) -> None:
    """--lang fr: no English weekday or month name, no English calendar text (notes,
    moves, ICS words) and no English warning in any format a person reads."""
    code, out, _ = run(f"{case} --lang fr --format {fmt}")
    assert code in (0, 3), out
    assert _ENGLISH_NAMES.findall(out) == []
    fragments = _english_fragments()
    assert {"by mouth", "clinic visit", "public holiday in"} <= fragments  # the scan's reach
    unfolded = out.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")  # ICS lines
    # Whole words: the HTML footer lists the options as typed (avoid: weekends).
    assert [part for part in fragments if re.search(rf"\b{re.escape(part)}\b", unfolded)] == []
    _, english_json, _ = run(f"{case} --format json")
    for warning in json.loads(english_json)["warnings"]:
        assert warning["message"] not in unfolded


# --- HTML -------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Tags, attributes, all text, and the text of each dated cell of the month grid."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self.row_first: list[str] = []
        self._cell: str | None = None
        self._row_start = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag == "tr":
            self._row_start = True
        if tag == "td":
            date = dict(attrs).get("data-date")
            if self._row_start and date:
                self.row_first.append(date)
            self._row_start = False
            self._cell = date
            if date:
                self.cells[date] = [dict(attrs).get("class") or ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell:
            self.cells[self._cell].append(data)


def _page(text: str) -> _Page:
    parser = _Page()
    parser.feed(text)
    return parser


def test_html_month_grid_content() -> None:
    """One self-contained page: months March to September 2026, Monday first, doses in cells."""
    code, out, err = run(
        f"{FOLFOX_12} --format html --height 170 --weight 70 --crcl 80 --with ZOLEDRONIC-ACID"
    )
    assert code == 0, err
    page = _page(out)
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert not [value for name, value in page.attributes if name in {"src", "href"}]
    assert "@page { size: A4 landscape" in out
    months = re.findall(r'<section class="month" id="m(\d{4}-\d\d)">', out)
    assert months == [f"2026-{month:02d}" for month in range(3, 10)]
    headings = re.findall(r"<th>(\w+)</th>", out.split('<section class="month"')[1])[:7]
    assert headings == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                        "Sunday"]  # fmt: skip
    # 30 March, 13 April and 31 August are Mondays: each starts its week's row.
    assert {"2026-03-30", "2026-04-13", "2026-08-31"} <= set(page.row_first)
    cycle_2 = " ".join(page.cells["2026-04-13"])
    assert cycle_2.startswith("day clinic ")
    for expected in ("C2 D1", "oxaliplatin 155 mg IV 2 h", "folinic acid 728 mg IV 2 h",
                     "fluorouracil 728 mg IV bolus", "fluorouracil 4368 mg IV pump 46 h",
                     "pump on"):  # fmt: skip
        assert expected in cycle_2, expected
    assert "zoledronic acid" not in cycle_2  # every 2nd cycle: cycles 1, 3, 5...
    assert "zoledronic acid 4 mg IV 15 min" in " ".join(page.cells["2026-04-27"])
    pump_off = " ".join(page.cells["2026-09-02"])
    assert pump_off.startswith("day pump_off ")
    assert "C12 D3" in pump_off
    assert "fluorouracil pump off (46 h from D1)" in pump_off
    assert page.cells["2026-04-14"][0] == "day"  # a day with nothing: no visit class
    assert "".join(page.cells["2026-04-14"][1:]).strip() == "14"


def test_html_shows_delays_holidays_and_warnings() -> None:
    """Whit Monday 2026 (25 May) is flagged; a delay is in its cell; warnings are boxed."""
    code, out, _ = run("calendar FOLFOX-6 --start 2026-04-27 --cycles 3 --country FR "
                       "--delay 2=7:neutropenia --format html")  # fmt: skip
    assert code == 0
    page = _page(out)
    # Cycle 2 planned 11 May, given 18 May; cycle 3 follows 14 days later, on 1 June.
    delayed = " ".join(page.cells["2026-05-18"])
    assert "C2 D1" in delayed
    assert "delayed +7 d (neutropenia)" in delayed
    assert "C3 D1" in " ".join(page.cells["2026-06-01"])
    # Without the delay cycle 3 falls on Whit Monday (Pentecost is 24 May 2026).
    _, planned, _ = run("calendar FOLFOX-6 --start 2026-04-27 --cycles 3 --country FR "
                        "--format html")  # fmt: skip
    whit_monday = " ".join(_page(planned).cells["2026-05-25"])
    assert whit_monday.startswith("day clinic flagged ")
    assert "holiday (Pentecost Monday)" in whit_monday
    _, blocked, _ = run("calendar EOX --start 2026-01-05 --cycles 2 --height 180 --weight 80 "
                        "--crcl 25 --format html")  # fmt: skip
    assert '<section class="warnings" id="warnings">' in blocked
    assert "<strong>BLOCKING CONTRAINDICATED</strong>: cycles 1, 2: capecitabine is " \
        "contraindicated" in blocked  # fmt: skip
    assert "capecitabine WITHHELD PO" in " ".join(_page(blocked).cells["2026-01-06"])
    assert '<li class="withheld">capecitabine WITHHELD PO</li>' in blocked


def test_html_footer_is_the_sheets() -> None:
    """Issue 22: the footer is one line (tool, both regimen files' hashes, time), the
    sheet's, with no dump of the options; the full hashes stay in the JSON."""
    library = load_library()
    calendar = build_calendar(
        library,
        "FOLFOX-6",
        dt.date(2026, 3, 30),
        CalendarOptions(cycles=12, supportive=("ZOLEDRONIC-ACID",), country="FR"),
        patient=make_patient(height="170", weight="70", crcl="80"),
    )
    moment = dt.datetime(2026, 3, 27, 9, 30, tzinfo=dt.UTC)
    out = calendar_html(calendar, generated_at=moment)
    footers = re.findall(r'<div class="footer">([^<]*)</div>', out)
    assert footers == [
        f"regimens 0.1.0; regimen file sha256 {FOLFOX_SHA[:12]}; ZOLEDRONIC-ACID sha256 "
        f"{ZOLEDRONIC_SHA[:12]}; computed 2026-03-27 09:30 UTC"
    ]
    assert "Options" not in out
    assert "&quot;" not in out  # no JSON anywhere on the page
    french = calendar_html(calendar, "fr", generated_at=moment)
    assert "calculé le 27/03/2026 09:30 UTC" in french
    # The same footer as the dose sheet's HTML.
    _, sheet, _ = run("sheet FOLFOX-6 --height 170 --weight 70 --crcl 80 --with ZOLEDRONIC-ACID "
                      "--format html")  # fmt: skip
    (sheet_footer,) = re.findall(r'<div class="footer">([^<]*)</div>', sheet)
    assert sheet_footer.startswith(
        f"regimens 0.1.0; regimen file sha256 {FOLFOX_SHA[:12]}; ZOLEDRONIC-ACID sha256 "
        f"{ZOLEDRONIC_SHA[:12]}; computed "
    )
    assert "Options" not in sheet


def test_output_extension_picks_the_format(tmp_path: Path) -> None:
    """--output x.md / x.csv / x.html without --format write markdown, CSV and HTML."""
    for name, start in (("c.md", "# Calendar: "), ("c.csv", "patient_id,patient_name,"),
                        ("c.html", "<!DOCTYPE html>")):  # fmt: skip
        target = tmp_path / name
        code, out, err = run(f"{FOLFOX_12} --output {target}")
        assert (code, out, err) == (0, "", "")
        assert target.read_text(encoding="utf-8").startswith(start), name


# --- a real browser ---------------------------------------------------------------------


@needs_chromium
def test_calendar_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Chromium renders the French month grid and prints it: a first page, then a month a page."""
    page = tmp_path / "calendar.html"
    code, _, _ = run(f"{FOLFOX_12} --height 170 --weight 70 --crcl 80 --lang fr --output {page}")
    assert code == 0
    dom = dump_dom(page, tmp_path / "profile")
    for expected in ("Avril 2026", "Lundi", "C2 J1", "oxaliplatine 155 mg IV 2 h",
                     "fluorouracile : retrait du diffuseur (46 h depuis J1)",
                     "31/08/2026", "Alertes : aucune", FOLFOX_SHA[:12]):  # fmt: skip
        assert expected in dom, expected
    pdf = print_pdf(page, tmp_path / "calendar.pdf", tmp_path / "profile")
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1 + 7  # the course page, then March to September, one month a page

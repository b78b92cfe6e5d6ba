"""Issue 22: the printable sheet and calendar as Chromium prints them (its @page rules
and its repeated table header and footer groups apply).

For every regimen of the library, in English and in French: the dose sheet of cycle 1
is ONE A4 portrait page, for a BSA-dosed patient and for a large one (BSA 2.60 m², more
vials and a BSA_HIGH caution in the warnings box), and the calendar (two cycles: a
course page, then a month a page) has the patient's identifiers and the one-line footer
on every page; a long
sheet (a later cycle with a treatment-day assessment and many warnings) runs onto
more pages, each headed by the identifiers. Pages are counted and read one by one with
pypdf. Chromium takes a second or two a page, so the PDFs are printed once, a few at
a time, for the whole module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

import regimens
from browser import needs_chromium, print_pdf
from regimens._read.library import load_library
from regimens._render.calendar_html import calendar_html
from regimens._render.catalogue import LANGUAGES, text
from regimens._render.sheet_print import sheet_html

pytestmark = [needs_chromium, pytest.mark.subprocess]

#: 170 cm, 70 kg (Mosteller 1.82 m²), CrCl 90 mL/min: every regimen's doses are given.
PATIENT = regimens.make_patient(height="170 cm", weight="70 kg", crcl="90")
#: 195 cm, 125 kg (Mosteller 2.60 m², above the 2.2 m² of the BSA_HIGH caution): the
#: longest preparation lines and a warning, the fullest cycle-1 page.
LARGE = regimens.make_patient(height="195 cm", weight="125 kg", crcl="90")
PATIENTS = {"patient": PATIENT, "large": LARGE}
IDENTITY = {
    "patient_id": "PID-4417",
    "patient_name": "Jane Testpatient",
    "patient_dob": "1956-04-23",
}
#: What must be read on every printed page: who, and the footer line.
ON_EVERY_PAGE = ("PID-4417", "Jane Testpatient", "1956-04-23", "regimens 0.1.0")
REGIMENS = sorted(load_library(use_env=False).regimens)
A4_PORTRAIT_PT = (595, 842)


def _long_sheet(library: regimens.Library) -> str:
    """FOLFIRINOX cycle 3 with a treatment-day assessment: many warnings and the
    assessment's detail, more than a page."""
    assessment = regimens.assessment_inputs(
        library,
        date="2026-12-07",
        labs=["anc=1.2", "platelets=80", "bilirubin=34 umol/L"],
        toxicities=["diarrhoea=2", "hand-foot=2", "neuropathy=2"],
    )
    options = regimens.SheetOptions(cycle=3, assessment=assessment)
    return sheet_html(regimens.compute_sheet(library, "FOLFIRINOX", PATIENT, options, **IDENTITY))


def _pages(html: str, folder: Path) -> list[str]:
    """``html`` printed by Chromium: the text of each page (and A4 portrait or not)."""
    folder.mkdir()
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    print_pdf(page, folder / "page.pdf", folder / "profile")
    reader = PdfReader(folder / "page.pdf")
    return [
        f"{round(float(p.mediabox.width))}x{round(float(p.mediabox.height))}\n"
        # A long regimen id may wrap at a hyphen in its cell of the band.
        + p.extract_text().replace("-\n", "-")
        for p in reader.pages
    ]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each regimen's sheet and calendar, and the long sheet, printed: name → pages."""
    library = load_library(use_env=False)
    start = dt.date(2026, 1, 5)
    documents: dict[str, Callable[[], str]] = {"long-sheet": lambda: _long_sheet(library)}
    for regimen in REGIMENS:
        for lang in LANGUAGES:
            for who, patient in PATIENTS.items():
                documents[f"sheet-{regimen}-{lang}-{who}"] = lambda r=regimen, lg=lang, p=patient: (
                    sheet_html(regimens.compute_sheet(library, r, p, **IDENTITY), lg)
                )
            documents[f"calendar-{regimen}-{lang}"] = lambda r=regimen, lg=lang: calendar_html(
                regimens.build_calendar(
                    library,
                    r,
                    start,
                    regimens.CalendarOptions(cycles=2),
                    patient=PATIENT,
                    **IDENTITY,
                ),
                lg,
            )
    root = tmp_path_factory.mktemp("printed")
    html = {name: make() for name, make in documents.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = pool.map(lambda name: _pages(html[name], root / name), html)
        return dict(zip(html, pages, strict=True))


@pytest.mark.parametrize("who", PATIENTS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("regimen", REGIMENS)
def test_a_cycle_1_sheet_is_one_a4_portrait_page(
    printed: dict[str, list[str]], regimen: str, lang: str, who: str
) -> None:
    """One page, A4 portrait (595 × 842 pt), naming the patient and the regimen, with
    the signature block (its first and last roles) on it, in each language."""
    pages = printed[f"sheet-{regimen}-{lang}-{who}"]
    assert len(pages) == 1, f"{regimen} ({lang}, {who}): {len(pages)} pages"
    (page,) = pages
    assert page.startswith(f"{A4_PORTRAIT_PT[0]}x{A4_PORTRAIT_PT[1]}\n")
    roles = (text("print.validation", lang), text("print.administration", lang))
    for expected in (*ON_EVERY_PAGE, regimen, *roles):
        assert expected in page, expected


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("regimen", REGIMENS)
def test_every_calendar_page_names_the_patient(
    printed: dict[str, list[str]], regimen: str, lang: str
) -> None:
    """The course page, then a month a page (A4 landscape), each with the identifiers,
    in each language."""
    pages = printed[f"calendar-{regimen}-{lang}"]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert page.startswith(f"{A4_PORTRAIT_PT[1]}x{A4_PORTRAIT_PT[0]}\n"), number
        for expected in (*ON_EVERY_PAGE, regimen):
            assert expected in page, (number, expected)


def test_a_long_sheet_names_the_patient_on_every_page(printed: dict[str, list[str]]) -> None:
    """A sheet longer than a page: the band (and the day-1 date) and the footer repeat."""
    pages = printed["long-sheet"]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        for expected in (*ON_EVERY_PAGE, "FOLFIRINOX", "2026-12-07"):
            assert expected in page, (number, expected)

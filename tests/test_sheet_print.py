"""Issue 22: the dose sheet printed as a chemotherapy order (:mod:`regimens._render.sheet_print`).

The page's parts in the order a ward reads them, each administration ordered once with
its days, every intermediate value of the dose still on the page, the four signatures
and a one-line footer. The browser's side (one A4 page, identifiers on every page) is
tests/test_printed_pages.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import regimens
from regimens._render.sheet_print import days_text, sheet_html

#: 170 cm, 70 kg: Mosteller √(170 × 70 / 3600) = 1.8181 → 1.82 m².
PATIENT = regimens.make_patient(height="170 cm", weight="70 kg", crcl="90")


class _Rows(HTMLParser):
    """The text of each row of the tables of one class."""

    def __init__(self, table_class: str) -> None:
        super().__init__()
        self.table_class = table_class
        self.depth = 0
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", self.table_class) in attrs:
            self.depth = 1
        elif tag == "table" and self.depth:
            self.depth += 1
        elif tag == "tr" and self.depth:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth:
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def _rows(page: str, table_class: str) -> list[list[str]]:
    parser = _Rows(table_class)
    parser.feed(page)
    return [[cell.strip() for cell in row] for row in parser.rows]


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        ((1,), "1"),
        (tuple(range(1, 22)), "1–21"),
        ((1, 8, 15), "1, 8, 15"),
        ((1, 2, 3, 8), "1–3, 8"),
        ((-1, 1), "−1, 1"),  # the day before day 1 is not a run with it
    ],
)
def test_days_text(days: tuple[int, ...], shown: str) -> None:
    assert days_text(days) == shown


def test_eox_capecitabine_is_one_order_for_days_1_to_21(library: regimens.Library) -> None:
    """EOX (Cunningham, NEJM 2008): epirubicin 50 mg/m² and oxaliplatin 130 mg/m² on day
    1, capecitabine 625 mg/m² twice a day on days 1–21: three orders, not 22 rows. By
    hand at 1.82 m²: 91 mg, 236.6 → 237 mg, 1137.5 → 1150 mg (2 × 500 + 150) twice a
    day, 2300 mg a day."""
    page = sheet_html(regimens.compute_sheet(library, "EOX", PATIENT))
    orders = _rows(page, "orders")
    assert orders[0] == ["#", "Drug", "Dose", "Route", "Diluent / volume", "Duration", "Days"]
    assert [(row[1], row[2], row[6]) for row in orders[1:]] == [
        ("epirubicin", "91 mg", "1"),
        ("oxaliplatin", "237 mg", "1"),
        ("capecitabine", "1150 mg× 2 a day = 2300 mg", "1–21"),  # two lines in the cell
    ]
    assert orders[3][3] == "PO oral"
    assert orders[3][4] == "2 × 500 mg + 1 × 150 mg"
    assert orders[2][5] == "2 h"
    assert "glucose 5 %" in orders[2][4]  # oxaliplatin's diluent


def test_every_intermediate_value_stays_on_the_page(library: regimens.Library) -> None:
    """The safety rule: basis, standard dose, level, organ step, calculated, final dose
    and deviation of each order; capecitabine 625 × 1.82 = 1137.5 mg, 1150 mg, +1.1 %."""
    page = sheet_html(regimens.compute_sheet(library, "EOX", PATIENT))
    calculation = _rows(page, "calc")
    assert calculation[0] == [
        "#", "Drug", "Route/method", "Prescribed", "Basis", "Standard mg", "Level", "Organ",
        "Calculated mg", "Dose mg", "Dev.", "Intakes/day", "Daily mg", "Days",
    ]  # fmt: skip
    assert calculation[3] == [
        "3", "capecitabine", "PO oral", "625 mg/m2", "× 1.82 m2", "1137.5", "100%", "100%",
        "1137.50", "1150", "+1.1%", "2", "2300", "1–21",
    ]  # fmt: skip
    assert "1.8181 m² unrounded → 1.82 m² used" in page


def test_the_parts_come_in_the_order_a_ward_reads_them(library: regimens.Library) -> None:
    """Orders, then notes and warnings, then calculation details, then the signatures
    (prescriber, pharmacist validation, preparation, administration), then the footer."""
    page = sheet_html(regimens.compute_sheet(library, "FOLFOX-6", PATIENT, patient_id="P1"))
    body = page[page.index("<tbody>", page.index('class="frame"')) :]
    marks = ["<h2>Orders</h2>", "<h2>Notes and warnings</h2>", 'id="warnings"',
             "<h2>Calculation details</h2>", "<h2>Signatures<"]  # fmt: skip
    places = [body.index(mark) for mark in marks]
    assert places == sorted(places)
    signatures = _rows(page, "signatures")
    assert signatures == [
        ["", "Prescriber", "Pharmacist validation", "Preparation", "Administration"],
        ["Name", "", "", "", ""],
        ["Signature", "", "", "", ""],
        ["Date / time", "", "", "", ""],
    ]


def test_the_band_and_footer_are_the_frame_s_header_and_footer_groups(
    library: regimens.Library,
) -> None:
    """What the browser repeats on every page: the identity band in the frame's thead
    and one footer line (version, hash, time; no options dump) in its tfoot."""
    sheet = regimens.compute_sheet(
        library, "FOLFOX-6", PATIENT, patient_id="123456", patient_name="Jane Doe",
        patient_dob="1956-04-23",
    )  # fmt: skip
    page = sheet_html(sheet)
    head = page[page.index("<thead><tr><td>") : page.index("</thead>\n<tfoot>")]
    for cell in ("<td>Jane Doe</td>", "<td>123456</td>", "<td>1956-04-23</td>",
                 "<td>FOLFOX-6</td>", "<td>1 (every 14 days)</td>", "<td>170 cm</td>",
                 "<td>70 kg</td>", "<td>1.82 m²</td>"):  # fmt: skip
        assert cell in head, cell
    assert '<th>Day 1 date</th><td class="blank"></td>' in head  # to fill in by hand
    foot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    (line,) = re.findall(r'<div class="footer">([^<]*)</div>', foot)
    assert re.fullmatch(
        rf"regimens 0\.1\.0; regimen file sha256 {sheet.regimen.sha256[:12]}; "
        r"computed \d{4}-\d\d-\d\d \d\d:\d\d UTC",
        line,
    )
    assert "Options" not in page
    assert "&quot;" not in page


def test_the_day_1_date_is_the_treatment_date(library: regimens.Library) -> None:
    """With a treatment-day assessment (--date), its date is the day-1 date of the band."""
    options = regimens.SheetOptions(
        assessment=regimens.assessment_inputs(library, date="2026-12-07", labs=["anc=2.1"])
    )
    page = sheet_html(regimens.compute_sheet(library, "FOLFOX-6", PATIENT, options))
    assert "<th>Day 1 date</th><td>2026-12-07</td>" in page

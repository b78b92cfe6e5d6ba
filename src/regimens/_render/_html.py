"""The printable HTML frame the dose sheet and the calendar share (issue 22).

A printed page is what a ward acts on, so every page of it carries who it is for and
what it is: the document is one outer table whose header group is the identity band
(patient name, id, date of birth, regimen, cycle, dates, height, weight, BSA) and whose
footer group is a one-line provenance footer (tool version, regimen file hash, time).
Chromium repeats a table's header and footer groups on every printed page, so a sheet
long enough to run onto a second page still names the patient at the top of it. Each
section of the body is a row of that table, so that a page breaks between sections
where it can. Every page is self-contained: no external stylesheet, font, script or
image. The page size is the document's (the sheet: A4 portrait; the calendar's month
grid: A4 landscape).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from regimens._render.labels import Lang, label

__all__ = [
    "BREAK",
    "STYLE",
    "HtmlWarning",
    "esc",
    "footer_line",
    "identity_band",
    "page",
    "printed_frame",
    "provisional_notice",
    "warnings_box",
]

STYLE = """
@page { size: A4 portrait; margin: 8mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 8pt;
       color: #000; margin: 0; line-height: 1.1; }
h1 { font-size: 10.5pt; margin: 0 0 1mm 0; }
h2 { font-size: 9pt; margin: 1.5mm 0 0.8mm 0; page-break-after: avoid; break-after: avoid; }
h3 { font-size: 8.5pt; margin: 1.5mm 0 0.5mm 0; page-break-after: avoid; break-after: avoid; }
p, ul { margin: 0.5mm 0; }
li { font-size: 7.5pt; }
.keep { break-inside: avoid; page-break-inside: avoid; }
ul { padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.25mm solid #555; padding: 0.5mm 1mm; text-align: left;
         vertical-align: top; }
th { background: #e8e8e8; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.dose { font-weight: bold; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.frame { border: none; }
table.frame > * > tr > td { border: none; padding: 0; }
table.frame > tbody > tr.section > td { padding-top: 1mm; }
table.frame > tbody > tr.section { break-inside: auto; page-break-inside: auto; }
table.frame > tbody > tr.break { break-before: page; page-break-before: always; }
table.identity { margin-bottom: 1mm; }
table.identity th { width: 13%; font-weight: normal; font-size: 7pt; }
table.identity td { width: 20.3%; font-weight: bold; font-size: 8.5pt; }
table.identity td.blank { background: #fff; }
table.header { width: 100%; }
table.header th { width: 32mm; }
.subtitle { font-style: italic; margin: 0 0 1mm 0; }
.warnings { border: 0.8mm solid #b00000; padding: 1mm 2mm; margin: 1.5mm 0; }
.warnings.none { border: 0.4mm solid #555; padding: 0.3mm 2mm; margin: 1mm 0; }
.warnings h2 { margin-top: 0; color: #b00000; }
.warnings li.blocking { font-weight: bold; color: #b00000; }
.warnings li.caution { color: #7a4a00; }
table.signatures td { height: 6mm; width: 22%; }
table.signatures tbody th { width: 12%; font-weight: normal; }
.notice { font-weight: bold; margin-top: 1mm; }
.footer { margin-top: 1.5mm; font-size: 6.5pt; color: #333; border-top: 0.25mm solid #555;
          padding-top: 0.5mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
"""

#: A section that starts on a new page (:func:`printed_frame`).
BREAK = "<!--break-->"


def esc(text: object) -> str:
    """Text safe in HTML content and attribute values."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class HtmlWarning:
    """One line of the warnings box."""

    severity: str
    severity_label: str
    code: str
    drug: str
    message: str


def page(title: str, lang: Lang, body: Sequence[str], extra_style: str = "") -> str:
    """A complete HTML document: the shared stylesheet (plus ``extra_style``) and ``body``."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{esc(title)}</title>",
            f"<style>{STYLE}{extra_style}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def warnings_box(warnings: Sequence[HtmlWarning], lang: Lang, *, title: str = "") -> list[str]:
    """A box that cannot be missed: red when there are warnings, grey when there are none."""
    out = [f'<section class="{"warnings" if warnings else "warnings none"}" id="warnings">']
    if warnings:
        heading = title or label("warnings", lang)
        out.append(f"<h2>{esc(heading)} ({len(warnings)})</h2><ul>")
        for warning in warnings:
            drug = f" [{warning.drug}]" if warning.drug else ""
            out.append(
                f'<li class="{esc(warning.severity)}"><strong>{esc(warning.severity_label)} '
                f"{esc(warning.code)}</strong>{esc(drug)}: {esc(warning.message)}</li>"
            )
        out.append("</ul>")
    else:
        out.append(f"<p>{esc(label('warnings_none', lang))}</p>")
    out.append("</section>")
    return out


def identity_band(cells: Sequence[tuple[str, str]], columns: int = 3) -> list[str]:
    """The identity band: (label, value) pairs, ``columns`` pairs a row. A value not
    given is left blank, a box to fill in by hand, never left out."""
    out = ['<table class="identity"><tbody>']
    for start in range(0, len(cells), columns):
        row = cells[start : start + columns]
        out.append(
            "<tr>"
            + "".join(
                f"<th>{esc(name)}</th>"
                + (f"<td>{esc(value)}</td>" if value else '<td class="blank"></td>')
                for name, value in row
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return out


def printed_frame(band: Sequence[str], sections: Sequence[Sequence[str]], footer: str) -> list[str]:
    """The outer table: ``band`` heads and ``footer`` closes every printed page; each
    section is a row (a section whose first element is ``<!--break-->`` starts a new
    page: a month of the calendar)."""
    out = [
        '<table class="frame">',
        f"<thead><tr><td>{''.join(band)}</td></tr></thead>",
        f'<tfoot><tr><td><div class="footer">{esc(footer)}</div></td></tr></tfoot>',
        "<tbody>",
    ]
    for section in sections:
        breaks = bool(section) and section[0] == BREAK
        classes = "section break" if breaks else "section"
        body = section[1:] if breaks else section
        out += [f'<tr class="{classes}"><td>', *body, "</td></tr>"]
    out += ["</tbody>", "</table>"]
    return out


def provisional_notice(provisional: bool, lang: Lang) -> list[str]:
    """ "PROVISIONAL — not for administration" above the title of every page of a
    planning sheet or calendar, or nothing."""
    if not provisional:
        return []
    return [f'<p class="notice provisional">{esc(label("provisional", lang))}</p>']


def footer_line(summary: str) -> list[str]:
    """The one-line provenance footer of a page without the frame (the assessment)."""
    return [f'<div class="footer">{esc(summary)}</div>']

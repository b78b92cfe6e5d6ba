"""The dose sheet as a printable chemotherapy order: one A4 portrait page at cycle 1.

What a ward accepts, in the order it is read (issue 22): on every page the identity
band (patient name, id, date of birth, regimen, cycle, day-1 date, height, weight,
BSA); then the order table (drug, dose, route, diluent/volume, duration, days), each
administration once with the days it is given (capecitabine twice a day on days
1–21 is one row); then the notes and warnings; then the calculation details, where
every intermediate value of each dose stays visible (basis, standard dose, level,
organ adjustment, calculated, rounded, deviation); then the signature block
(prescriber, pharmacist validation, preparation, administration); on every page a
one-line footer (tool version, regimen file hash, time). The frame, band and footer
are :mod:`regimens._render._html`'s, shared with the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass

from regimens._models.sheet import Administration, DoseSheet
from regimens._render._html import (
    esc,
    identity_band,
    page,
    printed_frame,
    provisional_notice,
    warnings_box,
)
from regimens._render._text import (
    day_number,
    format_duration,
    format_mg,
    identity_rows,
    measured_lookup,
    regimen_title,
)
from regimens._render.assessment_section import ASSESSMENT_STYLE, html_section
from regimens._render.catalogue import text
from regimens._render.dose_words import intakes_differ, preparation_text, pump_text
from regimens._render.labels import Lang, drug_name, label, method_label, regimen_name
from regimens._render.numbers import localize
from regimens._render.sheet import (
    administration_row,
    dose_cell,
    oral_parts,
    order_kind,
    pace_parts,
    readable_document,
    sheet_columns,
)

__all__ = ["days_text", "sheet_html"]

#: The sheet's page: A4 portrait, narrow margins so that a cycle fits on one page.
_SHEET_STYLE = """
@page { size: A4 portrait; margin: 7mm 8mm 7mm 8mm; }
h1 { font-size: 9.5pt; }
h2 { margin-top: 1mm; }
table.frame > tbody > tr.section > td { padding-top: 0.5mm; }
table.orders td { font-size: 8pt; padding: 0.4mm 0.8mm; }
table.orders { table-layout: fixed; }
table.orders td.dose { white-space: normal; }
table.orders td.dose strong { white-space: nowrap; }
.sub { font-size: 7pt; font-weight: normal; }
.notice.sign { float: right; font-size: 8pt; margin: 0; }
table.calc th, table.calc td { font-size: 7pt; padding: 0.4mm 0.7mm; }
table.calc td { white-space: nowrap; }
table.calc td.wrap { white-space: normal; }
table.header th, table.header td { font-size: 7pt; padding: 0.3mm 1mm; }
table.signatures thead th { font-size: 7.5pt; white-space: nowrap; }
.warnings { margin: 1mm 0; padding: 0.5mm 2mm; }
"""

#: The order table's columns, % of the page's width: the diluent and volume, the longest
#: text, gets the most, so that an order takes few lines.
_ORDER_WIDTHS = (3, 24, 9.5, 10.5, 41, 6, 6)

#: The signature block's rows: who signs, in the order they act.
_ROLES = ("label.prescriber", "print.validation", "print.preparation", "print.administration")


@dataclass(frozen=True)
class _Order:
    """One administration as ordered: its place, and every day it is given."""

    number: int
    item: Administration
    days: tuple[int, ...]


def _orders(sheet: DoseSheet) -> list[_Order]:
    """Each distinct administration once, in the order of its first day and place on that
    day, with all its days (the same capecitabine on days 1 to 21 is one order)."""
    found: list[tuple[Administration, list[int]]] = []
    for day in sheet.days:
        for item in day.administrations:
            for known, days in found:
                if known == item:
                    days.append(day.day)
                    break
            else:
                found.append((item, [day.day]))
    return [_Order(n, item, tuple(days)) for n, (item, days) in enumerate(found, start=1)]


def days_text(days: tuple[int, ...]) -> str:
    """``1–21`` for a run of days, ``1, 8, 15`` for days apart, ``−1, 1`` with day −1."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1 and day != 1:  # day −1 is followed by day 1
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        day_number(run[0]) if len(run) == 1 else f"{day_number(run[0])}–{day_number(run[-1])}"
        for run in runs
    )


def _dose(item: Administration, lang: Lang) -> str:
    """The dose cell (HTML): the dose per intake in bold, then how many a day."""
    if item.withheld_reason == "assessment":  # the assessment above says why
        return f"<strong>{esc(text('assessment.withheld_cell', lang))}</strong>"
    if item.withheld:
        return f"<strong>{esc(label('withheld', lang))}</strong>"
    dose = dose_cell(item)
    if dose != "—" and item.dose_unit == "mg" and not intakes_differ(item.intakes):
        dose = f"{dose} mg"
    shown = f"<strong>{esc(dose)}</strong>"
    if item.intakes_per_day > 1 and not item.nearest_plans:
        daily = format_mg(item.daily_dose_mg)
        per_day = text("print.per_day", lang, intakes=item.intakes_per_day, daily=daily)
        shown += f'<br><span class="sub">{esc(per_day)}</span>'
    return shown


def _as_prescribed(item: Administration) -> bool:
    """A flat dose given as written: no basis, level, organ step, assessment or
    rounding changed it, so its calculation row would only repeat the order's dose."""
    return (
        item.basis_value is None
        and item.dose_level_percent == 100
        and item.organ_adjustment is None
        and item.assessment_level_percent is None
        and item.standard_mg == item.calculated_mg == item.dose_mg
        and item.deviation_percent == 0
        and not (item.withheld or item.nearest_plans)
    )


def _diluent_volume(item: Administration, lang: Lang) -> str:
    """What is drawn, in what, or the tablets: the preparation's words; then how an
    infusion runs besides its duration (one pump over days, the rate), which would take
    a line a word in the narrow duration column."""
    parts = oral_parts(item, lang)
    if item.pump is not None:
        parts.append(pump_text(item.pump, lang))
    preparation = preparation_text(item, lang)
    if preparation:
        parts.append(preparation)
    return "; ".join(parts + pace_parts(item, lang))


def _duration(item: Administration) -> str:
    return format_duration(item.duration_h) if item.duration_h is not None else ""


def _order_table(orders: list[_Order], sheet: DoseSheet, lang: Lang) -> list[str]:
    heads = ["label.order", "label.drug", "print.dose", "print.route"]
    heads += ["print.diluent_volume", "print.duration", "print.days"]
    out = ['<table class="orders"><thead><tr>']
    out += [
        f'<th style="width: {width}%">{esc(text(key, lang))}</th>'
        for key, width in zip(heads, _ORDER_WIDTHS, strict=True)
    ]
    out.append("</tr></thead><tbody>")
    for order in orders:
        item = order.item
        name = f"<strong>{esc(drug_name(item.drug, sheet.drug_names, lang))}</strong>"
        if item.kind != "chemotherapy":
            name += f' <span class="sub">({esc(order_kind(item, sheet, lang))})</span>'

        cells = [
            f'<td class="num">{order.number}</td>',
            f'<td class="drug">{name}</td>',
            f'<td class="num dose">{localize(_dose(item, lang), lang)}</td>',
            f"<td>{esc(item.route)} {esc(method_label(item.method, lang))}</td>",
            f"<td>{esc(localize(_diluent_volume(item, lang), lang))}</td>",
            f"<td>{esc(localize(_duration(item), lang))}</td>",
            f'<td class="num">{esc(days_text(order.days))}</td>',
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


#: The calculation table's rows keep to one line (its cells do not wrap), but for the
#: route and the organ step, whose words may be long: they wrap in their column.
_CALC_CLASS = {"route_method": "wrap", "organ": "wrap"}


def _calculation_table(orders: list[_Order], sheet: DoseSheet, lang: Lang) -> list[str]:
    """Every step of every dose: the sheet's columns without the details (in the order
    table), one row per order, numbered as the order table; the orders given as
    prescribed (:func:`_as_prescribed`) in one line below, by number."""
    columns = [c for c in sheet_columns(sheet) if c != "details"]
    numeric = {"basis", "standard_mg", "level", "calculated_mg", "dose_mg", "deviation", "daily_mg"}
    out = ['<table class="calc"><thead><tr>']
    out += [f"<th>{esc(label(c, lang))}</th>" for c in columns]
    out.append(f"<th>{esc(text('print.days', lang))}</th></tr></thead><tbody>")
    for order in (order for order in orders if not _as_prescribed(order.item)):
        row = [
            localize(cell, lang)
            for cell in administration_row(order.number, order.item, sheet, lang)[: len(columns)]
        ]
        classes = (_CALC_CLASS.get(c, "num" if c in numeric else "") for c in columns)
        cells = [
            f'<td class="{kind}">{esc(cell)}</td>' if kind else f"<td>{esc(cell)}</td>"
            for kind, cell in zip(classes, row, strict=True)
        ]
        cells.append(f'<td class="num">{esc(days_text(order.days))}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    flat = tuple(order.number for order in orders if _as_prescribed(order.item))
    if flat:
        out.append(f"<p>{esc(text('print.as_prescribed', lang, orders=days_text(flat)))}</p>")
    return out


def _band(sheet: DoseSheet, title: str, lang: Lang) -> list[str]:
    """The identity band of every page: the title, then who and what."""
    shown = measured_lookup(sheet.patient)
    bsa = sheet.bsa
    cells = [
        (text("print.patient_name", lang), sheet.patient_name or ""),
        (text("print.patient_id", lang), sheet.patient_id or ""),
        (
            text("print.patient_dob", lang),
            sheet.patient_dob.isoformat() if sheet.patient_dob else "",
        ),
        (text("print.regimen", lang), sheet.regimen.id),
        (
            text("print.cycle", lang),
            f"{sheet.cycle} ({label('every_days', lang, days=sheet.regimen.cycle_length_days)})",
        ),
        (
            text("print.day1", lang),
            sheet.assessment.date.isoformat() if sheet.assessment is not None else "",
        ),
        (text("print.height", lang), localize(shown("height"), lang)),
        (text("print.weight", lang), localize(shown("weight"), lang)),
        (
            text("print.bsa", lang),
            localize(f"{bsa.bsa_m2:.{bsa.bsa_decimals}f} m²", lang) if bsa else "—",
        ),
    ]
    return [
        *provisional_notice(sheet.provisional, lang),
        f"<h1>{esc(title)}</h1>",
        *identity_band(cells),
    ]


def _header_pairs(rows: list[tuple[str, str]]) -> list[str]:
    """The calculation's inputs and settings, two short ones to a row, a long one (the
    order of operations, the emetogenic class with its source) on a row of its own, to
    save the page's height."""
    short = [row for row in rows if len(row[1]) <= _SHORT]
    out = ['<table class="header"><tbody>']
    for start in range(0, len(short), 2):
        pair = short[start : start + 2]
        cells = "".join(f"<th>{esc(k)}</th><td>{esc(v)}</td>" for k, v in pair)
        out.append(f"<tr>{cells}{'<th></th><td></td>' * (2 - len(pair))}</tr>")
    out += [
        f'<tr><th>{esc(k)}</th><td colspan="3">{esc(v)}</td></tr>'
        for k, v in rows
        if len(v) > _SHORT
    ]
    out.append("</tbody></table>")
    return out


#: A setting's value longer than this takes a row of its own.
_SHORT = 50


def _signatures(lang: Lang, notice: str) -> list[str]:
    """A column per role, in the order they act; a line each for name, signature, time;
    the notice that the sheet is to be checked beside the heading."""
    out = [
        f'<h2>{esc(label("signatures", lang))}<span class="notice sign">{esc(notice)}</span></h2>'
    ]
    out.append('<table class="signatures"><thead><tr><th></th>')
    out += [f"<th>{esc(text(role, lang))}</th>" for role in _ROLES]
    out.append("</tr></thead><tbody>")
    for line in ("name", "signature", "date_time"):
        out.append(f"<tr><th>{esc(label(line, lang))}</th>{'<td></td>' * len(_ROLES)}</tr>")
    out.append("</tbody></table>")
    return out


def sheet_html(sheet: DoseSheet, lang: Lang = "en") -> str:
    """The self-contained HTML page of ``regimens sheet --format html``: a chemotherapy
    order for A4 printing, with signature lines."""
    doc = readable_document(sheet, lang)
    orders = _orders(sheet)
    regimen = sheet.regimen
    title = (
        f"{text('print.order_title', lang)}{label('colon', lang)}"
        f"{regimen_title(regimen_name(regimen, lang), regimen.id)}"
    )
    ordered = [f'<p class="subtitle">{esc(line)}</p>' for line in doc.subtitle]
    ordered.append(f"<h2>{esc(text('print.orders', lang))}</h2>")
    ordered += _order_table(orders, sheet, lang)
    if doc.dispense:
        ordered.append(f"<p><strong>{esc(text('sheet.dispense', lang))}</strong></p><ul>")
        ordered += [f"<li>{esc(line)}</li>" for line in doc.dispense]
        ordered.append("</ul>")

    notes = [f"<h2>{esc(text('print.notes_warnings', lang))}</h2>"]
    notes += warnings_box(doc.warnings, lang)
    if doc.assessment is not None:
        notes += html_section(doc.assessment, lang)
    if doc.notes:
        notes.append(f"<h3>{esc(label('administration_notes', lang))}</h3><ul>")
        colon = label("colon", lang)
        notes += [
            f"<li><strong>{esc(drug)}</strong>{esc(colon)}{esc(n)}</li>" for drug, n in doc.notes
        ]
        notes.append("</ul>")

    # The identifiers lead the header; they are in the band of every page already.
    given = identity_rows(sheet.patient_id, sheet.patient_name, sheet.patient_dob, lang)
    calculation = [f"<h2>{esc(text('print.calculation', lang))}</h2>"]
    # Height and weight are in the band too; the other inputs only here.
    band = {label("height", lang), label("weight", lang)}
    calculation += _header_pairs([row for row in doc.header[len(given) :] if row[0] not in band])
    calculation += _calculation_table(orders, sheet, lang)
    totals = "; ".join(
        f"{drug} {total}{'' if total == '—' else ' mg'} ({days})"
        for drug, total, _, days in doc.totals
    )
    calculation.append(f"<p><strong>{esc(doc.totals_title)}</strong>: {esc(totals)}</p>")
    by_rule: dict[str, list[str]] = {}
    for name, rule in doc.renal_rules:
        by_rule.setdefault(rule, []).append(name)
    rules = "; ".join(f"{', '.join(names)}: {rule}" for rule, names in by_rule.items())
    calculation.append(
        f"<p><strong>{esc(text('print.renal_rules', lang))}</strong>: {esc(rules)}</p>"
    )

    # The signatures are one block: a role never printed apart from the others.
    signatures = ['<div class="keep">', *_signatures(lang, doc.notice), "</div>"]
    body = printed_frame(
        _band(sheet, title, lang), [ordered, notes, calculation, signatures], doc.footer
    )
    style = _SHEET_STYLE + (ASSESSMENT_STYLE if doc.assessment else "")
    return page(title, lang, body, style)

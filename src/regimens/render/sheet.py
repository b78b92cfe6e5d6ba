"""The dose sheet as a printed table (``regimens sheet``) and as JSON."""

from __future__ import annotations

from tabulate import tabulate

from regimens.render.measures import key_value_table
from regimens.sheet import Administration, DoseSheet, OrganAdjustment, SheetDay

__all__ = ["day_ranges", "sheet_json", "sheet_table"]

_RULE = "=" * 78
_INPUT_LABELS = {
    "height": "Height",
    "weight": "Weight",
    "sex": "Sex",
    "age": "Age",
    "creatinine": "Serum creatinine",
    "crcl": "CrCl (given)",
}
_SEVERITY_MARK = {"blocking": "BLOCKING", "caution": "CAUTION", "info": "info"}


def sheet_json(sheet: DoseSheet) -> str:
    """The JSON document of ``docs/json-output.md``."""
    return sheet.model_dump_json(indent=2)


def _mg(value: float) -> str:
    """Doses in mg: whole mg without decimals, others with up to 2 decimals."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def day_ranges(days: tuple[SheetDay, ...]) -> list[tuple[str, SheetDay]]:
    """Group consecutive days that have the same administrations: ("D2–21", day 2)."""
    groups: list[tuple[int, int, SheetDay]] = []
    for day in days:
        if groups:
            first, last, sample = groups[-1]
            if day.day == last + 1 and day.administrations == sample.administrations:
                groups[-1] = (first, day.day, sample)
                continue
        groups.append((day.day, day.day, day))
    return [
        (f"D{first}" if first == last else f"D{first}–{last}", sample)
        for first, last, sample in groups
    ]


def _details(item: Administration) -> str:
    parts: list[str] = []
    if item.tablets:
        parts.append(" + ".join(f"{t.count} × {_mg(t.strength_mg)} mg" for t in item.tablets))
    if item.duration_h is not None:
        duration = (
            f"{item.duration_h * 60:g} min" if item.duration_h < 1 else f"{item.duration_h:g} h"
        )
        parts.append(f"over {duration}")
    if item.rate_mg_per_h is not None:
        parts.append(f"{item.rate_mg_per_h:.1f} mg/h")
    if item.pump is not None:
        pump = item.pump
        parts.append(
            f"pump {pump.pump_rate_ml_per_h:g} mL/h: drug {pump.drug_volume_ml:.1f} mL + "
            f"diluent {pump.diluent_ml:.1f} mL = {pump.pump_volume_ml:g} mL "
            f"({pump.final_concentration_mg_per_ml:.2f} mg/mL)"
        )
    if item.withheld:
        parts.append("WITHHELD (see warnings)")
    return "; ".join(parts)


def _organ(adjustment: OrganAdjustment) -> str:
    """The organ-function step in a few characters: 75%, 3.5 mg, CI (contraindicated)."""
    if adjustment.action == "percent":
        return f"{adjustment.percent:g}%"
    if adjustment.action == "absolute":
        return f"{adjustment.dose_mg:g} mg"
    if adjustment.action == "contraindicated":
        return "CI"
    return "100%"


def _row(item: Administration) -> list[str]:
    basis = ""
    if item.basis_value is not None:
        basis = f"× {item.basis_value:g} {item.basis_unit}"
    organ = _organ(item.organ_adjustment) if item.organ_adjustment is not None else ""
    return [
        str(item.order),
        item.drug,
        f"{item.route} {item.method.replace('_', ' ')}",
        item.prescribed,
        basis,
        _mg(item.standard_mg),
        f"{item.dose_level_percent:g}%",
        organ,
        f"{item.calculated_mg:.2f}",
        _mg(item.dose_mg),
        f"{item.deviation_percent:+.1f}%",
        f"{item.intakes_per_day}",
        _mg(item.daily_dose_mg),
        _details(item),
    ]


_HEADERS = [
    "#",
    "Drug",
    "Route/method",
    "Prescribed",
    "Basis",
    "Standard mg",
    "Level",
    "Organ",
    "Calculated mg",
    "Dose mg",
    "Dev.",
    "Intakes/day",
    "Daily mg",
    "Details",
]


def sheet_table(sheet: DoseSheet) -> str:
    """The printed dose sheet a pharmacist reads and checks by hand."""
    regimen = sheet.regimen
    lines = [
        _RULE,
        f"DOSE SHEET  {regimen.name} ({regimen.id}), cycle {sheet.cycle}, "
        f"every {regimen.cycle_length_days} days",
    ]
    for extra in sheet.supportive:
        lines.append(f"  with {extra.name} ({extra.id})")
    lines.append(_RULE)
    header: list[tuple[str, str]] = []
    for key, value in sheet.patient.items():
        shown = value if isinstance(value, str) else f"{value.value:g} {value.unit}"
        header.append((_INPUT_LABELS.get(key, key), shown))
    if sheet.bsa is not None:
        bsa = sheet.bsa
        header.append(("BSA formula", f"{bsa.formula_label}: {bsa.formula_expression}"))
        used = f"{bsa.bsa_m2:.{bsa.bsa_decimals}f} m2"
        if bsa.bsa_capped:
            used += f" (CAPPED at {bsa.bsa_cap_m2:g} m2)"
        header.append(("BSA", f"{bsa.bsa_m2_unrounded:.4f} m2 unrounded -> {used} used"))
    if sheet.renal is not None:
        renal = sheet.renal
        how = "given" if renal.source == "given" else f"Cockcroft-Gault, {renal.formula}"
        header.append(("CrCl", f"{renal.crcl_ml_min:.1f} mL/min ({how})"))
    header.append(
        (
            "Rounding",
            f"{sheet.rounding_policy}, tolerance {sheet.tolerance_percent:g}%",
        )
    )
    header.append(("Order of operations", sheet.provenance.order_of_operations))
    lines += [key_value_table(header), ""]

    for label, day in day_ranges(sheet.days):
        lines.append(f"{label}")
        rows = [_row(item) for item in day.administrations]
        lines.append(tabulate(rows, headers=_HEADERS, tablefmt="simple", disable_numparse=True))
        lines.append("")

    lines.append(f"Totals for cycle {sheet.cycle}")
    total_rows = [
        [
            total.drug,
            _mg(total.total_mg),
            ", ".join(f"{m.replace('_', ' ')} {_mg(v)}" for m, v in total.per_method.items()),
            ",".join(str(d) for d in total.days)
            if len(total.days) <= 3
            else f"{total.days[0]}–{total.days[-1]} ({len(total.days)} days)",
        ]
        for total in sheet.totals
    ]
    lines.append(
        tabulate(
            total_rows,
            headers=["Drug", "Total mg", "By method", "Days"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    lines.append("")
    lines.append("Warnings" if sheet.warnings else "Warnings: none")
    for warning in sheet.warnings:
        drug = f" [{warning.drug}]" if warning.drug else ""
        lines.append(
            f"  {_SEVERITY_MARK[warning.severity]} {warning.code}{drug}: {warning.message}"
        )
    lines += [
        "",
        f"regimens {sheet.provenance.tool_version}; regimen file sha256 "
        f"{sheet.regimen.sha256[:12]}; computed {sheet.provenance.calculated_at}",
        "To be checked by a qualified professional before use.",
    ]
    return "\n".join(lines)

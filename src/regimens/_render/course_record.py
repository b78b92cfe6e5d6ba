"""The record of a course line in words: its cycles as given and its dose intensity.

Tables as (title, columns, rows, notes) for :mod:`regimens._render.course`, which draws
them in each text format.
"""

from __future__ import annotations

from collections.abc import Mapping

from regimens._models.base import FrozenMap
from regimens._models.course import LineReport
from regimens._models.course_record import CycleRecord, LineRecord
from regimens._render.labels import Lang, drug_name, label

__all__ = ["RecordTable", "record_tables"]

RecordTable = tuple[str, list[str], list[list[str]], list[str]]


def _number(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value)}"
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def _cycles_table(line: int, record: LineRecord, names: Names, lang: Lang) -> RecordTable:
    def drugs(values: Mapping[str, object], suffix: str = "") -> str:
        return ", ".join(
            f"{drug_name(drug, names, lang)} {value}{suffix}" for drug, value in values.items()
        )

    rows = []
    for row in record.cycles:
        off = {
            drug: label("days_off", lang, days=",".join(str(d) for d in days))
            for drug, days in row.withheld_days.items()
        }
        withheld = [drug_name(d, names, lang) for d in row.withheld] + [
            drugs({d: v}) for d, v in off.items()
        ]
        rows.append(
            [
                str(row.cycle),
                str(row.date or "—"),
                str(row.planned_date or "—"),
                "—" if row.delay_days is None else f"{row.delay_days:+d}",
                _number(row.weight_kg, 1),
                _number(row.bsa_m2),
                drugs({d: _number(v, 1) for d, v in row.dose_levels.items()}, "%"),
                drugs(row.given),
                ", ".join(withheld),
                ", ".join(row.toxicity),
                ", ".join(row.labs),
                row.notes,
            ]
        )
    columns = [
        label(key, lang)
        for key in (
            "cal_cycle",
            "cal_date",
            "planned_date",
            "delay_days",
            "weight_kg",
            "bsa_m2",
            "dose_levels",
            "given_col",
            "withheld_col",
            "toxicity_col",
            "labs_col",
            "notes_col",
        )
    ]
    delays = label(
        "record_delays",
        lang,
        total="—" if record.delay_days_total is None else f"{record.delay_days_total:+d}",
        delayed=record.delayed_cycles,
        planned="—" if record.planned_cycles is None else record.planned_cycles,
    )
    return label("record_title", lang, n=line), columns, rows, [delays]


Names = FrozenMap[str, FrozenMap[str, str]]


def _recorded(row: CycleRecord) -> bool:
    return bool(
        row.date
        or row.given
        or row.withheld
        or row.withheld_days
        or row.labs
        or row.toxicity
        or row.notes
    )


def record_tables(line: LineReport, names: Names, lang: Lang) -> list[RecordTable]:
    """The cycles of a line as recorded and, when dated, its relative dose intensity."""
    record = line.record
    if record is None or not any(_recorded(row) for row in record.cycles):
        return []  # `cycles = 6`: nothing recorded beyond the count
    tables = [_cycles_table(line.line, record, names, lang)]
    if record.intensity and record.window_days:
        columns = [
            label(key, lang)
            for key in ("drug", "delivered_col", "delivered_week", "planned_week", "rdi_col")
        ]
        rows = [
            [
                drug_name(item.drug, names, lang),
                _number(item.delivered_mg_per_m2),
                _number(item.delivered_mg_per_m2_per_week),
                _number(item.planned_mg_per_m2_per_week),
                label("percent", lang, value=f"{item.rdi_percent:.1f}"),
            ]
            for item in record.intensity
        ]
        title = label(
            "rdi_title",
            lang,
            n=line.line,
            days=record.window_days,
            weeks=_number(record.window_days / 7),
        )
        tables.append((title, columns, rows, []))
    return tables

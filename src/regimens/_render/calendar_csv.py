"""A cycle calendar as CSV: one row per administration per date and per pump disconnection.

The values are the JSON's (ISO dates, codes for visits and flags), numbers as the
printed calendar shows them (``216`` mg, never ``215.79999999999998``, issue 22), so that
a spreadsheet or a script reads them; the header, the weekday and the drug's
name follow the language (``--lang``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from regimens._models.calendar import Calendar
from regimens._render._text import SafeCsvWriter, csv_number, format_mg
from regimens._render.calendar_words import Words
from regimens._render.dose_words import csv_intakes
from regimens._render.labels import Lang
from regimens._render.sheet_csv import PATIENT_COLUMNS, patient_cells

__all__ = ["CSV_COLUMNS", "calendar_csv"]


#: CSV columns (English header = the calendar JSON's field names, French header):
#: one row per administration per date, and one per pump disconnection. The patient's
#: identifiers come first, as on the sheet's CSV (empty when not given): a row copied
#: out of the file still says whose date it is (issue 22).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    *PATIENT_COLUMNS,
    ("regimen_id", "protocole"),
    ("cycle", "cycle"),
    ("planned_start_date", "j1_prevu"),
    ("start_date", "j1"),
    ("shift_days", "decalage_jours"),
    ("delay_days", "report_jours"),
    ("delay_reason", "motif_report"),
    ("moved_from", "deplace_du"),
    ("day", "jour"),
    ("date", "date"),
    ("weekday", "jour_semaine"),
    ("visit", "venue"),
    ("flags", "remarques"),
    ("holiday", "jour_ferie"),
    ("event", "evenement"),
    ("supportive_regimen", "protocole_associe"),
    ("order", "ordre"),
    ("drug", "dci"),
    ("drug_name", "medicament"),
    ("route", "voie"),
    ("method", "mode"),
    ("duration_h", "duree_h"),
    ("started_date", "date_de_pose"),
    ("prescribed", "prescrit"),
    ("dose_mg", "dose_mg"),
    ("intakes_per_day", "prises_par_jour"),
    ("daily_dose_mg", "dose_journaliere_mg"),
    ("dose_unit", "unite_de_dose"),  # mg, or a hydration order's mL or mmol
    ("tablets", "comprimes"),
    ("intakes", "prises"),
    ("dispensable", "dispensable"),
    ("withheld", "non_administre"),
)


def calendar_csv(
    calendar: Calendar,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """One row per administration per date (``event`` = ``given``) and per pump
    disconnection (``event`` = ``pump_off``), in date order.

    Values are the JSON's (ISO dates, visit and flag codes; numbers as printed); the
    header, ``weekday`` and ``drug_name`` follow ``lang``. Dose columns are empty
    without the patient's measurements.
    """
    words = Words(lang, calendar.drug_names if drug_names is None else drug_names)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    if calendar.provisional:  # a comment line above the header, as on the sheet's CSV
        out.write(f"# {words('provisional')}\n")
    writer.writerow([fr if lang == "fr" else en for en, fr in CSV_COLUMNS])
    for cycle, day in calendar.dated_days():
        common = {
            **patient_cells(calendar.patient_id, calendar.patient_name, calendar.patient_dob),
            "regimen_id": calendar.regimen.id,
            "cycle": str(cycle.cycle),
            "planned_start_date": cycle.planned_start_date.isoformat(),
            "start_date": cycle.start_date.isoformat(),
            "shift_days": str(cycle.shift_days),
            "delay_days": str(cycle.delay_days),
            "delay_reason": cycle.delay_reason or "",
            "moved_from": cycle.moved_from.isoformat() if cycle.moved_from else "",
            "day": str(day.day),
            "date": day.date.isoformat(),
            "weekday": words.weekday(day.date),
            "visit": day.visit,
            "flags": ";".join(day.flags),
            "holiday": day.holiday or "",
        }
        rows: list[dict[str, str]] = []
        for item in day.administrations:
            dose = item.dose
            rows.append(
                {
                    "event": "given",
                    "supportive_regimen": _supportive(calendar, item.regimen),
                    "order": str(item.order),
                    "drug": item.drug,
                    "drug_name": words.drug(item.drug),
                    "route": item.route,
                    "method": item.method,
                    "duration_h": csv_number(item.duration_h),
                    "prescribed": dose.prescribed if dose else "",
                    "dose_mg": format_mg(dose.dose_mg) if dose else "",
                    "intakes_per_day": str(dose.intakes_per_day) if dose else "",
                    "daily_dose_mg": format_mg(dose.daily_dose_mg) if dose else "",
                    "dose_unit": dose.dose_unit if dose else "",
                    "tablets": ";".join(
                        f"{t.count}x{format_mg(t.strength_mg)}"
                        for t in (dose.tablets or () if dose else ())
                    ),
                    "intakes": csv_intakes(dose.intakes) if dose else "",
                    "dispensable": ("true" if dose.dispensable else "false") if dose else "",
                    "withheld": ("true" if dose.withheld else "false") if dose else "",
                }
            )
        for pump in day.pump_off:
            rows.append(
                {
                    "event": "pump_off",
                    "supportive_regimen": _supportive(calendar, pump.regimen),
                    "order": str(pump.order),
                    "drug": pump.drug,
                    "drug_name": words.drug(pump.drug),
                    "route": "IV",
                    "method": "continuous_infusion",
                    "duration_h": csv_number(pump.duration_h),
                    "started_date": pump.started_date.isoformat(),
                }
            )
        for row in rows:
            values = {**common, **row}
            writer.writerow([values.get(en, "") for en, _ in CSV_COLUMNS])
    return out.getvalue()


def _supportive(calendar: Calendar, regimen: str) -> str:
    """A supportive regimen's id; empty for the main regimen (``regimen_id`` names it)."""
    return "" if regimen == calendar.regimen.id else regimen

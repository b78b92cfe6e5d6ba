"""The dose sheet as CSV: one row per administration per day, the JSON's fields (with
the sheet's identifiers in front), so that a spreadsheet can sum and filter; header
names in English or French.

Numbers are written as the printed sheet shows them, with the same decimals
(``154.70`` calculated, ``155`` mg, ``0.2`` %): a spreadsheet must not show
``154.70000000000002`` where the order says 154.70 (issue 22). Each warning's code is
followed by its message, in the CSV's language.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from regimens._models.sheet import DoseSheet
from regimens._render._text import SafeCsvWriter, csv_number, format_mg
from regimens._render.assessment_words import csv_values
from regimens._render.dose_words import csv_intakes, rounding_text, withheld_text
from regimens._render.labels import Lang, drug_name, label
from regimens._render.messages import message

__all__ = ["CSV_COLUMNS", "PATIENT_COLUMNS", "patient_cells", "sheet_csv", "sheet_csv_rows"]

#: Who a row is for, first in every CSV that carries the patient (the sheet's, the
#: batch's, the calendar's): empty cells when not given. The date of birth is ISO
#: (1956-04-23) in both languages: a date a spreadsheet reads whatever its locale.
PATIENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("patient_id", "n_patient"),
    ("patient_name", "nom_patient"),
    ("patient_dob", "date_de_naissance"),
)


#: CSV columns: the JSON fields of an administration (with the sheet's identifiers in
#: front), so a spreadsheet can sum and filter. The French header names follow.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    *PATIENT_COLUMNS,
    ("regimen_id", "protocole"),
    ("cycle", "cycle"),
    ("day", "jour"),
    # Empty for the main regimen's drugs: only a supportive regimen's row names its own
    # regimen (the main one is regimen_id already, issue 22).
    ("supportive_regimen", "protocole_associe"),
    ("order", "ordre"),
    ("kind", "type"),
    # An order given with a chemotherapy drug: before/during/after relative_to.
    ("timing", "moment"),
    ("relative_to", "par_rapport_a"),
    ("drug", "dci"),
    ("drug_name", "medicament"),
    ("route", "voie"),
    ("method", "mode"),
    ("prescribed", "prescrit"),
    ("prescribed_daily", "prescrit_par_jour"),
    ("dose_basis", "base_de_dose"),
    ("basis_value", "valeur_de_base"),
    ("basis_unit", "unite_de_base"),
    ("bsa_m2", "surface_corporelle_m2"),
    ("intakes_per_day", "prises_par_jour"),
    ("standard_mg", "dose_standard_mg"),
    ("dose_level_percent", "niveau_de_dose_pourcent"),
    ("organ_action", "adaptation_organe"),
    ("organ_band", "classe_organe"),
    ("renal_rule", "regle_renale"),
    ("calculated_mg", "dose_calculee_mg"),
    ("rounding", "arrondi"),
    ("dose_mg", "dose_finale_mg"),
    ("daily_dose_mg", "dose_journaliere_mg"),
    # The unit of the *_mg columns: mg, or a hydration order's mL or mmol.
    ("dose_unit", "unite_de_dose"),
    ("infusion_days", "jours_de_perfusion"),
    ("dose_per_infusion_day_mg", "dose_par_jour_de_perfusion_mg"),
    ("deviation_percent", "ecart_pourcent"),
    ("tablets", "comprimes"),
    ("intakes", "prises"),
    ("duration_h", "duree_h"),
    ("rate_mg_per_h", "debit_mg_par_h"),
    ("rate_ml_per_h", "debit_ml_par_h"),
    ("pump_volume_ml", "volume_diffuseur_ml"),
    ("pump_drug_volume_ml", "volume_medicament_ml"),
    ("pump_diluent_ml", "volume_diluant_ml"),
    ("volume_ml", "volume_a_prelever_ml"),
    ("vials", "flacons"),
    ("diluent", "diluant"),
    ("withheld", "non_administre"),
    ("withheld_reason", "motif_non_administre"),
    ("assessment_decision", "evaluation_decision"),
    ("assessment_action", "evaluation_action"),
    ("assessment_level_percent", "evaluation_niveau_pourcent"),
    ("assessment_reasons", "evaluation_motifs"),
    ("warnings", "alertes"),
    ("warning_messages", "messages_alertes"),
    ("notes", "notes"),
)

#: Between two warnings' messages in one cell (a message may hold a ``;``).
MESSAGE_SEPARATOR = " | "


def sheet_csv(sheet: DoseSheet, lang: Lang = "en") -> str:
    """The header, then one row per administration per day (:func:`sheet_csv_rows`)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    if sheet.provisional:  # a comment line above the header: on top, as on every format
        out.write(f"# {label('provisional', lang)}\n")
    writer.writerow([fr if lang == "fr" else en for en, fr in CSV_COLUMNS])
    for row in _rows(sheet, lang):
        writer.writerow(row)
    return out.getvalue()


def sheet_csv_rows(sheet: DoseSheet, lang: Lang = "en") -> str:
    """The rows of :func:`sheet_csv` without its header (a batch writes one header for
    all its sheets) and without the provisional comment line."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    for row in _rows(sheet, lang):
        writer.writerow(row)
    return out.getvalue()


def warning_cells(sheet: DoseSheet, lang: Lang) -> Callable[[str], dict[str, str]]:
    """The ``warnings`` and ``warning_messages`` cells of a row, by the row's drug: the
    drug's warnings, then the sheet's (a BSA or regimen caution concerns every row)."""
    codes_by_drug: dict[str | None, list[str]] = {}
    messages_by_drug: dict[str | None, list[str]] = {}
    for warning in sheet.warnings:
        codes_by_drug.setdefault(warning.drug, []).append(warning.code)
        words = message(warning, lang, drug_names=sheet.drug_names)
        messages_by_drug.setdefault(warning.drug, []).append(f"{warning.code}: {words}")

    def cells(drug: str) -> dict[str, str]:
        return {
            "warnings": ";".join(codes_by_drug.get(drug, []) + codes_by_drug.get(None, [])),
            "warning_messages": MESSAGE_SEPARATOR.join(
                messages_by_drug.get(drug, []) + messages_by_drug.get(None, [])
            ),
        }

    return cells


def _rows(sheet: DoseSheet, lang: Lang) -> list[list[str]]:
    """One list of cells per administration per day, in ``CSV_COLUMNS`` order."""
    warnings_of = warning_cells(sheet, lang)
    rows: list[list[str]] = []
    for day in sheet.days:
        for item in day.administrations:
            pump, prep = item.pump, item.preparation
            adjustment = item.organ_adjustment
            values = {
                **patient_cells(sheet.patient_id, sheet.patient_name, sheet.patient_dob),
                "regimen_id": sheet.regimen.id,
                "cycle": str(sheet.cycle),
                "day": str(day.day),
                "supportive_regimen": "" if item.regimen == sheet.regimen.id else item.regimen,
                "order": str(item.order),
                "kind": item.kind,
                "timing": item.timing or "",
                "relative_to": item.relative_to or "",
                "drug": item.drug,
                "drug_name": drug_name(item.drug, sheet.drug_names, lang),
                "route": item.route,
                "method": item.method,
                "prescribed": item.prescribed,
                "prescribed_daily": item.prescribed_daily or "",
                "dose_basis": item.dose_basis,
                "basis_value": csv_number(item.basis_value),
                "basis_unit": item.basis_unit or "",
                "bsa_m2": csv_number(sheet.bsa_m2),
                "intakes_per_day": str(item.intakes_per_day),
                "standard_mg": _mg(item.standard_mg),
                "dose_level_percent": csv_number(item.dose_level_percent),
                "organ_action": adjustment.action if adjustment else "",
                "organ_band": ((adjustment.band_fr if lang == "fr" else "") or adjustment.band)
                if adjustment
                else "",
                "renal_rule": item.renal_rule,
                "calculated_mg": csv_number(item.calculated_mg, 2),
                "rounding": rounding_text(item),
                "dose_mg": _mg(item.dose_mg),
                "daily_dose_mg": _mg(item.daily_dose_mg),
                "dose_unit": item.dose_unit,
                "infusion_days": str(item.infusion_days),
                "dose_per_infusion_day_mg": _mg(item.dose_per_infusion_day_mg),
                "deviation_percent": csv_number(item.deviation_percent, 1),
                "tablets": ";".join(
                    f"{t.count}x{format_mg(t.strength_mg)}" for t in item.tablets or ()
                ),
                "intakes": csv_intakes(item.intakes),
                "duration_h": csv_number(item.duration_h),
                "rate_mg_per_h": csv_number(item.rate_mg_per_h, 1),
                "rate_ml_per_h": csv_number(item.rate_ml_per_h, 1),
                "pump_volume_ml": csv_number(pump.pump_volume_ml if pump else None),
                "pump_drug_volume_ml": csv_number(pump.drug_volume_ml if pump else None, 1),
                "pump_diluent_ml": csv_number(pump.diluent_ml if pump else None, 1),
                "volume_ml": csv_number(prep.volume_ml if prep else None, 1),
                "vials": ";".join(
                    f"{v.count}x{format_mg(v.size_mg)}"
                    for v in (prep.vials if prep else None) or ()
                ),
                "diluent": ";".join(prep.diluents) if prep else "",
                "withheld": "true" if item.withheld else "false",
                "withheld_reason": withheld_text(item) or "",
                **csv_values(sheet.assessment, item.drug, item.method),
                **warnings_of(item.drug),
                "notes": (item.notes_fr if lang == "fr" else "") or item.notes,
            }
            rows.append([values[en] for en, _ in CSV_COLUMNS])
    return rows


def patient_cells(
    patient_id: str | None, patient_name: str | None, patient_dob: dt.date | None
) -> dict[str, str]:
    """The cells of :data:`PATIENT_COLUMNS`: empty when not given, the date ISO."""
    return {
        "patient_id": patient_id or "",
        "patient_name": patient_name or "",
        "patient_dob": patient_dob.isoformat() if patient_dob else "",
    }


def _mg(value: float | None) -> str:
    """A dose in mg as the sheet prints it (``155``, ``62.5``); empty when absent."""
    return "" if value is None else format_mg(value)

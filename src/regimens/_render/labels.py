"""The words of the human-readable outputs, in English and French (``--lang``).

One typed catalogue instead of string literals scattered through the renderers: a key
per label, its English and French text. JSON keys never change with the language.
Warning messages have their own catalogue next to the warning codes
(:data:`regimens._sheet.WARNING_TEXT`); drug names come from the library's
``local_names``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

__all__ = ["LANGUAGES", "Lang", "drug_name", "format_datetime", "label", "method_label"]

Lang = Literal["en", "fr"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr")

#: key → (English, French)
_LABELS: dict[str, tuple[str, str]] = {
    # titles and sections
    "dose_sheet": ("Dose sheet", "Fiche de doses"),
    "cycle": ("cycle", "cycle"),
    "every_days": ("every {days} days", "tous les {days} jours"),
    "with": ("with", "avec"),
    "patient": ("Patient", "Patient"),
    "patient_id": ("Patient id", "N° patient"),
    "patient_name": ("Patient name", "Nom du patient"),
    "day": ("Day", "Jour"),
    "day_n": ("Day {day}", "Jour {day}"),
    "days_range": ("Days {first}–{last}", "Jours {first}–{last}"),
    "totals": ("Totals for cycle {cycle}", "Totaux du cycle {cycle}"),
    "warnings": ("Warnings", "Alertes"),
    "warnings_none": ("Warnings: none", "Alertes : aucune"),
    "check_notice": (
        "To be checked by a qualified professional before use.",
        "À vérifier par un professionnel qualifié avant toute utilisation.",
    ),
    "footer": (
        "regimens {version}; regimen file sha256 {sha}; computed {time}",
        "regimens {version} ; fichier du protocole sha256 {sha} ; calculé le {time}",
    ),
    "options": ("Options", "Options"),
    # inputs
    "height": ("Height", "Taille"),
    "weight": ("Weight", "Poids"),
    "sex": ("Sex", "Sexe"),
    "female": ("female", "femme"),
    "male": ("male", "homme"),
    "age": ("Age", "Âge"),
    "years": ("years", "ans"),
    "creatinine": ("Serum creatinine", "Créatinine sérique"),
    "crcl_given": ("CrCl (given)", "Clairance de la créatinine (donnée)"),
    "bsa_formula": ("BSA formula", "Formule de surface corporelle"),
    "bsa": ("Body surface area", "Surface corporelle"),
    "bsa_value": (
        "{unrounded} m² unrounded → {used} m² used",
        "{unrounded} m² non arrondie → {used} m² retenue",
    ),
    "bsa_capped": ("capped at {cap} m²", "plafonnée à {cap} m²"),
    "crcl": ("Creatinine clearance", "Clairance de la créatinine"),
    "rounding": ("Rounding", "Arrondi"),
    "rounding_value": (
        "{policy}, tolerance {tolerance}%",
        "{policy}, tolérance {tolerance} %",
    ),
    "order_of_operations": ("Order of operations", "Ordre des opérations"),
    "order_of_operations_value": (
        "BSA (or weight, or GFR+25) → dose × basis → dose level → organ-function "
        "adjustment → rounding",
        "Surface corporelle (ou poids, ou DFG+25) → dose × base → niveau de dose → "
        "adaptation à la fonction d'organe → arrondi",
    ),
    # administration columns
    "order": ("#", "#"),
    "drug": ("Drug", "Médicament"),
    "route": ("Route", "Voie"),
    "method": ("Method", "Mode"),
    "route_method": ("Route/method", "Voie/mode"),
    "prescribed": ("Prescribed", "Prescrit"),
    "basis": ("Basis", "Base"),
    "standard_mg": ("Standard mg", "Dose standard mg"),
    "level": ("Level", "Niveau"),
    "organ": ("Organ", "Organe"),
    "calculated_mg": ("Calculated mg", "Dose calculée mg"),
    "dose_mg": ("Dose mg", "Dose finale mg"),
    "deviation": ("Dev.", "Écart"),
    "intakes": ("Intakes/day", "Prises/jour"),
    "daily_mg": ("Daily mg", "Dose/jour mg"),
    "details": ("Details", "Détails"),
    "tablets": ("Tablets per intake", "Comprimés par prise"),
    "duration_rate": ("Duration / rate", "Durée / débit"),
    "over": ("over {duration}", "sur {duration}"),
    "withheld": ("WITHHELD (see warnings)", "NON ADMINISTRÉ (voir alertes)"),
    "pump": (
        "pump {rate} mL/h: drug {drug} mL + diluent {diluent} mL = {total} mL ({conc} mg/mL)",
        "diffuseur {rate} mL/h : médicament {drug} mL + diluant {diluent} mL = {total} mL "
        "({conc} mg/mL)",
    ),
    # totals columns
    "total_mg": ("Total mg", "Total mg"),
    "by_method": ("By method", "Par mode"),
    "days": ("Days", "Jours"),
    "n_days": ("{first}–{last} ({count} days)", "{first}–{last} ({count} jours)"),
    # severities
    "blocking": ("BLOCKING", "BLOQUANT"),
    "caution": ("CAUTION", "ATTENTION"),
    "info": ("info", "info"),
    # signatures
    "signatures": ("Signatures", "Signatures"),
    "prescriber": ("Prescriber", "Prescripteur"),
    "pharmacist_1": ("Verifying pharmacist 1", "Pharmacien vérificateur 1"),
    "pharmacist_2": ("Verifying pharmacist 2", "Pharmacien vérificateur 2"),
    "name": ("Name", "Nom"),
    "signature": ("Signature", "Signature"),
    "date_time": ("Date / time", "Date / heure"),
    # methods
    "method_bolus": ("bolus", "bolus"),
    "method_infusion": ("infusion", "perfusion"),
    "method_continuous_infusion": ("continuous infusion", "perfusion continue"),
    "method_oral": ("oral", "orale"),
    "method_injection": ("injection", "injection"),
    "policy_default": ("default", "par défaut"),
    "policy_none": ("none", "aucun"),
    # prescription check (regimens check)
    "check_title": (
        "Prescription check: {regimen} ({id}), cycle {cycle}",
        "Vérification d'une prescription : {regimen} ({id}), cycle {cycle}",
    ),
    "check_expected": (
        "Expected dose: recalculated, before rounding; tolerance ±{tolerance}%",
        "Dose attendue : recalculée, avant arrondi ; tolérance ±{tolerance} %",
    ),
    "per_day": ("/day", "/jour"),
    "expected_mg": ("Expected mg", "Attendu mg"),
    "sheet_mg": ("Sheet mg", "Fiche mg"),
    "result": ("Result", "Résultat"),
    "check_within": ("OK", "OK"),
    "check_outside": ("OUTSIDE ±{tolerance}%", "HORS ±{tolerance} %"),
    "check_withheld": ("WITHHELD", "NON ADMINISTRÉ"),
    "check_notes": ("Notes", "Remarques"),
    "check_missing": ("Missing from the prescription", "Absents de la prescription"),
    "check_missing_item": (
        "{drug} {method}, day {day}: expected {expected} mg",
        "{drug} {method}, jour {day} : attendu {expected} mg",
    ),
    "check_extra": ("Prescribed but not in the regimen", "Prescrits hors du protocole"),
    "check_pass": (
        "Result: PASS (every dose within ±{tolerance}%, nothing missing or extra)",
        "Résultat : CONFORME (toutes les doses à ±{tolerance} %, rien d'absent ni de plus)",
    ),
    "check_fail": ("Result: FAIL ({details})", "Résultat : NON CONFORME ({details})"),
    "check_n_outside": ("{n} outside tolerance", "{n} hors tolérance"),
    "check_n_missing": ("{n} missing", "{n} absent(s)"),
    "check_n_extra": ("{n} not in the regimen", "{n} hors protocole"),
    "check_blocking": (
        "the recalculation has a blocking warning",
        "le recalcul porte une alerte bloquante",
    ),
    "none": ("none", "aucun"),
    "colon": (": ", " : "),
    "comparison": ("Comparison", "Comparaison"),
    # treatment course (regimens course)
    "course_title": ("Treatment course", "Historique de traitement"),
    "course_file": ("Course file", "Fichier"),
    "line_n": ("Line {n}", "Ligne {n}"),
    "line_title": (
        "Line {n}: {regimen}, {cycles} cycle(s){dates}",
        "Ligne {n} : {regimen}, {cycles} cycle(s){dates}",
    ),
    "line_bsa": ("BSA {bsa} m²", "surface corporelle {bsa} m²"),
    "mg_per_m2": ("mg/m²", "mg/m²"),
    "mg": ("mg", "mg"),
    "cycles": ("Cycles", "Cycles"),
    "lines": ("Lines", "Lignes"),
    "course_totals": ("Cumulative doses, all lines", "Doses cumulées, toutes lignes"),
    "anthracyclines": (
        "Anthracyclines as doxorubicin-equivalent",
        "Anthracyclines en équivalent doxorubicine",
    ),
    "ratio": ("Ratio", "Ratio"),
    "ratio_source": ("Source of the ratio", "Source du ratio"),
    "ratio_option": ("--equivalence (replaces {library})", "--equivalence (remplace {library})"),
    "doxorubicin_eq": ("Doxorubicin-eq. mg/m²", "Éq. doxorubicine mg/m²"),
    "total": ("Total", "Total"),
    "limits": (
        "Cumulative limits (current line: {n}, {regimen})",
        "Limites cumulées (ligne en cours : {n}, {regimen})",
    ),
    "limit_kind": ("Kind", "Type"),
    "limit_kind_limit": ("label limit", "limite (RCP)"),
    "limit_kind_advisory": ("advisory", "seuil indicatif"),
    "limit_col": ("Limit", "Limite"),
    "cumulative": ("Cumulative", "Cumul"),
    "percent_of_limit": ("% of limit", "% de la limite"),
    "remaining": ("Remaining", "Reste"),
    "per_cycle": ("Per cycle", "Par cycle"),
    "cycles_fit": ("More cycles that fit", "Cycles encore possibles"),
    "not_in_line": ("not in this line", "absent de cette ligne"),
    "status": ("Status", "Statut"),
    "status_below": ("below", "en dessous"),
    "status_reached": ("REACHED", "ATTEINTE"),
    "status_exceeded": ("EXCEEDED", "DÉPASSÉE"),
    "limit_sources": ("Sources", "Sources"),
    "line_warnings": ("Dose-sheet warnings of line {n}", "Alertes des fiches de la ligne {n}"),
    "course_notes": ("How these figures are computed", "Mode de calcul"),
    "from_date": ("from {date}", "à partir du {date}"),
    "course_note_mg_m2": (
        "mg/m²: the dose intensity of each administration (library dose × dose level × "
        "organ adjustment, before rounding), for drugs dosed per m².",
        "mg/m² : l'intensité de dose de chaque administration (dose du protocole × niveau de "
        "dose × adaptation à la fonction d'organe, avant arrondi), pour les médicaments "
        "dosés par m².",
    ),
    "course_note_mg": (
        "mg: the final (rounded) daily doses of each cycle's dose sheet.",
        "mg : les doses journalières finales (arrondies) de la fiche de chaque cycle.",
    ),
    "course_note_equivalent": (
        "Doxorubicin-equivalent mg/m² = mg/m² × the ratio shown; an anthracycline's limit "
        "counts every anthracycline of the course, converted into that drug's mg/m².",
        "Équivalent doxorubicine mg/m² = mg/m² × le ratio indiqué ; la limite d'une "
        "anthracycline compte toutes les anthracyclines reçues, converties en mg/m² de ce "
        "médicament.",
    ),
    "course_note_current": (
        "The current line is the last line; more cycles are counted at its last cycle's "
        "doses: the largest n with cumulative + n × per cycle ≤ limit.",
        "La ligne en cours est la dernière ; les cycles encore possibles sont comptés aux "
        "doses de son dernier cycle : le plus grand n tel que cumul + n × dose par cycle ≤ "
        "limite.",
    ),
    "percent": ("{value}%", "{value} %"),
    "limit_counts": (
        "The {drug} limit counts {drugs}, each converted into {drug} mg/m² through the "
        "doxorubicin-equivalence ratios.",
        "La limite de {drug} compte {drugs}, chacun converti en mg/m² de {drug} par les "
        "ratios d'équivalence doxorubicine.",
    ),
}


def label(key: str, lang: Lang = "en", **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    english, french = _LABELS[key]
    text = french if lang == "fr" else english
    return text.format(**values) if values else text


def method_label(method: str, lang: Lang = "en") -> str:
    """``continuous_infusion`` → "continuous infusion" / "perfusion continue"."""
    key = f"method_{method}"
    return label(key, lang) if key in _LABELS else method.replace("_", " ")


def drug_name(inn: str, names: dict[str, dict[str, str]], lang: Lang = "en") -> str:
    """The drug's name in ``lang`` from the sheet's ``drug_names``, else its INN."""
    return names.get(inn, {}).get(lang, inn)


def format_datetime(iso: str, lang: Lang = "en") -> str:
    """An ISO 8601 UTC time as people write it: 2026-11-28 15:46 UTC / 28/11/2026 15:46 UTC."""
    moment = datetime.fromisoformat(iso)
    if lang == "fr":
        return moment.strftime("%d/%m/%Y %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")

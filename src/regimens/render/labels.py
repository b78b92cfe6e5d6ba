"""The words of the human-readable outputs, in English and French (``--lang``).

One typed catalogue instead of string literals scattered through the renderers: a key
per label, its English and French text. JSON keys never change with the language.
Warning messages have their own catalogue next to the warning codes
(:data:`regimens.sheet.WARNING_TEXT`); drug names come from the library's
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

"""The words of the human-readable outputs, in English and French (``--lang``).

One typed catalogue instead of string literals scattered through the renderers: a key
per label, its English and French text. JSON keys never change with the language.
Warning messages have their own catalogue next to the warning codes
(:data:`regimens._models.sheet.WARNING_TEXT`); drug names come from the library's
``local_names``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

__all__ = [
    "LANGUAGES",
    "MONTHS",
    "WEEKDAY_NAMES",
    "Lang",
    "drug_name",
    "format_date",
    "format_datetime",
    "label",
    "method_label",
    "month_name",
    "short_date",
    "weekday_abbr",
    "weekday_name",
]

Lang = Literal["en", "fr"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr")

#: Weekday names by ``date.weekday()`` (Monday first), per language: never the machine's
#: locale, so that a sheet printed in Lyon and one printed in a container read the same.
WEEKDAY_NAMES: dict[Lang, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
#: Short weekday names as French and English calendars print them.
_WEEKDAY_ABBR: dict[Lang, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
}
#: Month names, January first.
MONTHS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip
#: Abbreviated months (the French ones as the Imprimerie nationale abbreviates them).
_MONTH_ABBR: dict[Lang, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": (
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ),
}  # fmt: skip

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
    "footer_supportive": ("; {id} sha256 {sha}", " ; {id} sha256 {sha}"),
    "none_found": ("None.", "Aucune."),
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
    "rounding_none_value": (
        "none: doses as calculated (no rounding, so no tolerance applies)",
        "aucun : doses telles que calculées (sans arrondi, aucune tolérance ne s'applique)",
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
        "pump {total} mL at {rate} mL/h = {drug} mL of drug + {diluent} mL of diluent; "
        "final concentration {conc} mg/mL",
        "diffuseur {total} mL à {rate} mL/h = {drug} mL de médicament + {diluent} mL de "
        "diluant ; concentration finale {conc} mg/mL",
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
        "Prescription check: {regimen}, cycle {cycle}",
        "Vérification d'une prescription : {regimen}, cycle {cycle}",
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
    # cycle calendar (regimens calendar)
    "cal_title": ("CALENDAR", "CALENDRIER"),
    "cal_title_md": ("Calendar", "Calendrier"),
    "cal_course": ("{count} cycles every {days} days", "{count} cycles tous les {days} jours"),
    "cal_course_one": ("1 cycle every {days} days", "1 cycle tous les {days} jours"),
    "cal_start": ("Start (cycle 1 day 1)", "Début (cycle 1 jour 1)"),
    "cal_holidays": ("Public holidays", "Jours fériés"),
    "cal_holidays_unchecked": ("not checked (no --country)", "non vérifiés (pas de --country)"),
    "cal_weekend": ("Weekend", "Week-end"),
    "cal_avoid": ("Avoid", "Éviter"),
    "cal_avoid_value": (
        "{what}: day 1 moves to the next working day",
        "{what} : le jour 1 passe au jour ouvré suivant",
    ),
    "cal_avoid_weekends": ("weekends", "week-ends"),
    "cal_avoid_holidays": ("holidays", "jours fériés"),
    "cal_bsa": ("BSA", "Surface corporelle"),
    "cal_crcl": ("CrCl", "Clairance de la créatinine"),
    "field_height": ("height", "taille"),
    "field_weight": ("weight", "poids"),
    "field_sex": ("sex", "sexe"),
    "field_age": ("age", "âge"),
    "field_creatinine": ("creatinine", "créatinine"),
    "field_crcl": ("crcl", "clairance"),
    "cal_cycles": ("Cycles", "Cycles"),
    "cal_cycle": ("Cycle", "Cycle"),
    "cal_planned_d1": ("Planned D1", "J1 prévu"),
    "cal_day_1": ("Day 1", "J1"),
    "cal_weekday": ("Weekday", "Jour sem."),
    "cal_shift": ("Shift", "Décalage"),
    "cal_also_given": ("Also given", "Également administré"),
    "cal_why": ("Why", "Motif"),
    "cal_treatment_days": ("Treatment days", "Jours de traitement"),
    "cal_date": ("Date", "Date"),
    "cal_day": ("Day", "Jour"),
    "cal_visit": ("Visit", "Venue"),
    "cal_given": ("Given", "Administré"),
    "cal_flags": ("Flags", "Remarques"),
    "cal_d": ("D{day}", "J{day}"),
    "cal_d_range": ("D{first}–{last}", "J{first}–{last}"),
    "cal_shift_days": ("{days:+d} d", "{days:+d} j"),
    "visit_clinic": ("clinic", "hôpital"),
    "visit_pump_off": ("pump off", "retrait diffuseur"),
    "visit_home": ("home", "domicile"),
    "flag_delayed": ("delayed +{days} d{reason}", "reporté de {days} j{reason}"),
    "flag_moved": ("moved from {date}", "déplacé du {date}"),
    "flag_holiday": ("holiday ({name})", "jour férié ({name})"),
    "flag_pump_on": ("pump on", "pose du diffuseur"),
    "flag_pump_off": ("pump off", "retrait du diffuseur"),
    "flag_weekend": ("weekend", "week-end"),
    "why_delayed": ("delayed {days} d{reason}", "reporté de {days} j{reason}"),
    "why_moved": ("moved: {reason}", "déplacé : {reason}"),
    "why_follows": ("follows the previous cycle", "suit le cycle précédent"),
    "given_withheld": ("WITHHELD", "NON ADMINISTRÉ"),
    "given_per_day": ("× {n}/day", "× {n}/jour"),
    "given_bolus": ("{route} bolus", "{route} bolus"),
    "given_infusion": ("{route} {duration}", "{route} {duration}"),
    "given_pump": ("{route} pump {duration}", "{route} diffuseur {duration}"),
    "pump_off_item": (
        "{drug} pump off ({duration} from D{day})",
        "{drug} : retrait du diffuseur ({duration} depuis J{day})",
    ),
    "pump_on_item": ("{drug} pump on", "{drug} : pose du diffuseur"),
    "cal_given_legend": (
        "Given: IV 2 h = IV infusion over 2 h; IV pump 46 h = continuous infusion by pump; "
        "PO = oral.",
        "Administré : IV 2 h = perfusion IV sur 2 h ; IV diffuseur 46 h = perfusion continue "
        "par diffuseur ; PO = voie orale.",
    ),
    "cal_grid_legend": (
        "Legend: C clinic visit (IV, SC or IM treatment)   P pump disconnection (clinic or "
        "home nurse)\n        o oral treatment at home   ! on a weekend or public holiday",
        "Légende : C venue à l'hôpital (traitement IV, SC ou IM)   P retrait du diffuseur\n"
        "          (hôpital ou infirmier à domicile)   o traitement oral à domicile\n"
        "          ! un week-end ou un jour férié",
    ),
    "cal_at_home": ("{drugs} at home", "{drugs} à domicile"),
    "cal_dose_warnings": ("Dose-sheet warnings", "Alertes des fiches de doses"),
    "cal_warning_cycles": ("cycles {cycles}", "cycles {cycles}"),
    "cal_note": ("Note: {note}", "Remarque : {note}"),
    "cal_notes": ("Notes", "Remarques"),
    "cal_months": ("Months", "Mois"),
    "cal_note_days": (
        "Day N of a cycle is its day 1 + (N - 1) days; each cycle starts one cycle length "
        "after the previous one actually started.",
        "Le jour N d'un cycle est son jour 1 + (N - 1) jours ; chaque cycle commence une "
        "durée de cycle après le début réel du précédent.",
    ),
    "cal_note_pump": (
        "Pump off: on the day a continuous infusion ends, its start day + ceil(hours / 24): "
        "a 46-hour infusion from day 1 comes off on day 3, assuming it is started during "
        "the clinic day; confirm the hour from the time of connection.",
        "Retrait du diffuseur : le jour où la perfusion continue se termine, son jour de "
        "début + arrondi supérieur (heures / 24) : une perfusion de 46 heures posée le jour 1 "
        "est retirée le jour 3, si elle est posée pendant la venue à l'hôpital ; l'heure se "
        "confirme d'après l'heure de pose.",
    ),
    "cal_note_flagged": (
        "Clinic days and pump disconnections on a weekend ({weekend}){holidays} are flagged.",
        "Les venues à l'hôpital et les retraits de diffuseur un week-end ({weekend}){holidays} "
        "sont signalés.",
    ),
    "cal_note_holidays": (" or a public holiday in {country}", " ou un jour férié en {country}"),
    "cal_note_and": (" and ", " et "),
    "cal_note_avoid": (
        "Avoid {what}: only day 1 of a cycle is moved, to the next working day; its other "
        "days keep their place and are flagged.",
        "Éviter {what} : seul le jour 1 d'un cycle est déplacé, au jour ouvré suivant ; ses "
        "autres jours restent en place et sont signalés.",
    ),
    "cal_note_doses": (
        "Doses are computed from today's measurements for every cycle: recompute them "
        "before each cycle with the patient's current weight and laboratory values.",
        "Les doses de chaque cycle sont calculées avec les mesures d'aujourd'hui : les "
        "recalculer avant chaque cycle avec le poids et les résultats biologiques du jour.",
    ),
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


def weekday_name(day: date, lang: Lang = "en") -> str:
    """Monday / lundi."""
    return WEEKDAY_NAMES[lang][day.weekday()]


def weekday_abbr(day: date, lang: Lang = "en") -> str:
    """Mon / lun."""
    return _WEEKDAY_ABBR[lang][day.weekday()]


def month_name(month: int, lang: Lang = "en") -> str:
    """April / avril (``month`` 1–12)."""
    return MONTHS[lang][month - 1]


def format_date(day: date, lang: Lang = "en") -> str:
    """A date as a form shows it: 2026-04-13 (ISO 8601) / 13/04/2026 (French usage)."""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def short_date(day: date, lang: Lang = "en") -> str:
    """A date as a person reads it on a calendar: ``Mon 13 Apr`` / ``lun. 13 avr.``."""
    return f"{weekday_abbr(day, lang)} {day.day} {_MONTH_ABBR[lang][day.month - 1]}"


def format_datetime(iso: str, lang: Lang = "en") -> str:
    """An ISO 8601 UTC time as people write it: 2026-11-28 15:46 UTC / 28/11/2026 15:46 UTC."""
    moment = datetime.fromisoformat(iso)
    if lang == "fr":
        return moment.strftime("%d/%m/%Y %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")

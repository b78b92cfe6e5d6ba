"""Les textes français des pages imprimées (issue 22), fusionnés dans
:data:`regimens._render.catalogue.fr.TEXTS` (mêmes clés que ``print_en``)."""

# ruff: noqa: E501  (a catalogue: one text a line, as translators read it)
from __future__ import annotations

TEXTS: dict[str, str] = {
    "print.order_title": "Prescription de chimiothérapie",
    "print.patient_name": "Nom",
    "print.patient_id": "N° patient",
    "print.patient_dob": "Date de naissance",
    "print.regimen": "Protocole",
    "print.cycle": "Cycle",
    "print.cycles": "Cycles",
    "print.day1": "Date du J1",
    "print.start": "Début (C1 J1)",
    "print.height": "Taille",
    "print.weight": "Poids",
    "print.bsa": "SC",
    "print.orders": "Prescriptions",
    "print.dose": "Dose",
    "print.route": "Voie",
    "print.diluent_volume": "Solvant / volume",
    "print.duration": "Durée",
    "print.days": "Jours",
    "print.per_day": "× {intakes}/jour = {daily} mg",
    "print.continuous": "continue, diffuseur",
    "print.notes_warnings": "Remarques et alertes",
    "print.calculation": "Détail du calcul",
    "print.as_prescribed": "Prescriptions {orders} : dose fixe telle que prescrite, sans base, niveau, adaptation d'organe ni arrondi : dose standard = calculée = finale.",
    "print.renal_rules": "Règles rénales",
    "print.validation": "Validation pharmaceutique",
    "print.preparation": "Préparation",
    "print.administration": "Administration",
}

"""The English texts of the printed pages (issue 22), merged into
:data:`regimens._render.catalogue.en.TEXTS`: the identity band at the top of every
page, the order table's heads, the section titles and the signature roles of the
printable dose sheet and calendar.
"""

# ruff: noqa: E501  (a catalogue: one text a line, as translators read it)
from __future__ import annotations

TEXTS: dict[str, str] = {
    "print.order_title": "Chemotherapy order",
    "print.patient_name": "Name",
    "print.patient_id": "Patient id",
    "print.patient_dob": "Date of birth",
    "print.regimen": "Regimen",
    "print.cycle": "Cycle",
    "print.cycles": "Cycles",
    "print.day1": "Day 1 date",
    "print.start": "Start (C1 D1)",
    "print.height": "Height",
    "print.weight": "Weight",
    "print.bsa": "BSA",
    "print.orders": "Orders",
    "print.dose": "Dose",
    "print.route": "Route",
    "print.diluent_volume": "Diluent / volume",
    "print.duration": "Duration",
    "print.days": "Days",
    "print.per_day": "× {intakes} a day = {daily} mg",
    "print.continuous": "continuous, pump",
    "print.notes_warnings": "Notes and warnings",
    "print.calculation": "Calculation details",
    "print.as_prescribed": "Orders {orders}: a flat dose given as prescribed (no basis, dose level, organ adjustment or rounding changes it): standard, calculated and final dose are the dose ordered.",
    "print.renal_rules": "Renal rules",
    "print.validation": "Pharmacist validation",
    "print.preparation": "Preparation",
    "print.administration": "Administration",
}

"""``regimens list`` and ``regimens show``: the regimen library as a table or JSON.

The words come from the catalogue (``library.*`` keys), in the language of ``--lang``
(English by default); the library's own texts in French where a file gives their
``_fr`` form (``name_fr``, ``description_fr``, ``notes_fr``, ``text_fr``, ``label_fr``;
drug names from ``local_names``), else in English, as on the sheet. Numbers the tool
writes follow the language (``2 400 mg/m2``, ``0,5 h``); text quoted from a source keeps
its own. The JSON is the same in every language (English keys and the files' texts).
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, Any

from regimens._models.safety_data import MAXIMUM_FIELDS
from regimens._models.schedule import cycles_text
from regimens._render.catalogue import text
from regimens._render.labels import emetogenic_text, method_label, regimen_name
from regimens._render.numbers import localize

if TYPE_CHECKING:
    from regimens._models.library import Library
    from regimens._models.regimen import (
        Component,
        DrugFacts,
        Regimen,
        RenalBand,
        SupportiveSchedule,
    )
    from regimens._models.safety_data import MaximumDose
    from regimens._render.catalogue import Lang

__all__ = ["list_json", "list_table", "show_json", "show_table"]

_WIDTH = 100


# --- list --------------------------------------------------------------------------------


def _file_json(library: Library, regimen_id: str) -> dict[str, Any]:
    file = library.file_of(regimen_id)
    return {"path": file.path, "sha256": file.sha256, "builtin": file.builtin}


def list_json(library: Library) -> str:
    """Every regimen of ``library``: id, name, aliases, kind, cycle, file."""
    rows = [
        {
            "id": regimen.id,
            "name": regimen.name,
            "aliases": list(regimen.aliases),
            "kind": regimen.kind,
            "sites": list(regimen.sites),
            "setting": regimen.setting,
            "cycle_length_days": regimen.cycle_length_days,
            "usual_cycles": regimen.usual_cycles,
            "description": regimen.description,
            "file": _file_json(library, regimen.id),
        }
        for regimen in library
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def list_table(library: Library, lang: Lang = "en") -> str:
    """The regimens grouped by tumour site (a regimen filed under two sites is listed
    under each), one line each; a user regimen is marked with ``*`` and a note below."""
    from tabulate import tabulate

    headers = [
        text(f"library.list.{key}", lang)
        for key in ("id", "name", "kind", "cycle", "cycles", "aliases")
    ]
    groups: dict[str, list[Regimen]] = {site: [] for site in SITE_ORDER}
    for regimen in library:
        names: tuple[str, ...] = regimen.sites or ("",)
        for name in names:
            groups.setdefault(name, []).append(regimen)
    lines: list[str] = []
    for group, regimens in groups.items():
        if not regimens:
            continue
        table = [
            [
                regimen.id + ("" if library.file_of(regimen.id).builtin else " *"),
                regimen_name(regimen, lang),
                text(f"library.kind.{regimen.kind}", lang),
                text("library.list.days", lang, days=regimen.cycle_length_days),
                regimen.usual_cycles if regimen.usual_cycles is not None else "-",
                ", ".join(regimen.aliases) or "-",
            ]
            for regimen in regimens
        ]
        if lines:
            lines.append("")
        lines.append(text(f"library.site.{group or 'none'}", lang))
        lines.append(tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True))
    if any(not library.file_of(regimen.id).builtin for regimen in library):
        lines += ["", text("library.list.user_note", lang)]
    return "\n".join(lines)


#: The order of the site groups of ``regimens list`` (a regimen without a site last).
SITE_ORDER = ("gastro-oesophageal", "colorectal", "pancreatic", "bone-metastases")


# --- show --------------------------------------------------------------------------------


def show_json(regimen: Regimen, *, library: Library) -> str:
    """The regimen, its file, the facts of its drugs and the supportive regimens with it."""
    drugs = dict.fromkeys(component.drug for component in regimen.components)
    document = {
        "regimen": regimen.model_dump(mode="json"),
        "file": _file_json(library, regimen.id),
        "drugs": {inn: library.drug(inn).model_dump(mode="json") for inn in drugs},
        "given_with_this": [
            {"supportive": supportive.id, "schedule": schedule.model_dump(mode="json")}
            for supportive, schedule in library.supportive_for(regimen.id)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _number(value: float) -> str:
    return f"{value:.6g}"


def _times(intakes: int, lang: Lang) -> str:
    if intakes in (1, 2, 3):
        return text(f"library.show.times/{intakes}", lang)
    return text("library.show.times", lang, intakes=intakes)


def _dose_text(component: Component, lang: Lang) -> str:
    dose, unit = component.dose, component.dose.unit
    amount = localize(_number(dose.amount), lang)
    intakes = component.intakes_per_day
    if component.dose_per == "day":
        shown = text("library.show.per_day", lang, amount=amount, unit=unit)
        if intakes > 1:
            per_intake = localize(_number(component.dose_per_intake), lang)
            shown += f" = {per_intake} {unit} {_times(intakes, lang)}"
        return shown
    if intakes > 1:
        return f"{amount} {unit} {_times(intakes, lang)}"
    return f"{amount} {unit}"


def _duration_text(hours: float | None, lang: Lang) -> str:
    if hours is None:
        return "-"
    if hours < 1 or not float(hours).is_integer():
        return localize(f"{_number(hours * 60)} min", lang)
    return localize(f"{_number(hours)} h", lang)


def _drug(library: Library, inn: str, lang: Lang) -> str:
    """The drug's name in ``lang`` (its ``local_names``), else its INN, as on the sheet."""
    return library.drug(inn).local_names.get(lang, inn) if lang != "en" else inn


def _wrap(line: str, indent: str = "  ") -> str:
    return textwrap.fill(
        line,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _header(regimen: Regimen, lang: Lang) -> list[str]:
    cycles = (
        str(regimen.usual_cycles)
        if regimen.usual_cycles
        else text("library.show.cycles_not_fixed", lang)
    )
    return [
        text("library.show.title", lang, id=regimen.id, name=regimen_name(regimen, lang)),
        text("library.show.aliases", lang, aliases=", ".join(regimen.aliases) or "-"),
        text("library.show.kind", lang, kind=text(f"library.kind.{regimen.kind}", lang)),
        text("library.show.cycle", lang, days=regimen.cycle_length_days, cycles=cycles),
        *textwrap.wrap(
            text("library.show.setting", lang, setting=regimen.setting),
            width=_WIDTH,
            subsequent_indent=" " * 13,
        ),
        *textwrap.wrap(
            text(
                "library.show.description",
                lang,
                description=(regimen.description_fr if lang == "fr" else "") or regimen.description,
            ),
            width=_WIDTH,
            subsequent_indent=" " * 13,
        ),
        *textwrap.wrap(
            text(
                "library.show.emetogenic", lang, risk=emetogenic_text(regimen.emetogenic_risk, lang)
            ),
            width=_WIDTH,
            subsequent_indent=" " * 13,
        ),
        "",
    ]


def _when(component: Component, lang: Lang) -> str:
    """The days, with the cycles when not every cycle: ``1 (cycles 2-)``."""
    if not component.cycles:
        return component.days_text
    cycles = cycles_text(component.cycles)
    return text("library.show.in_cycles", lang, days=component.days_text, cycles=cycles)


def _drug_cell(library: Library, component: Component, lang: Lang) -> str:
    """The drug, with its kind when it is not chemotherapy: ``dexamethasone (premedication)``."""
    name = _drug(library, component.drug, lang)
    if component.is_chemotherapy:
        return name
    kind = text(f"label.kind.{component.kind}", lang)
    if component.timing is not None and component.relative_to is not None:
        drug = _drug(library, component.relative_to, lang)  # "hydration, before cisplatin"
        kind += ", " + text(f"label.timing.{component.timing}", lang, drug=drug)
    return f"{name} ({kind})"


def _components(library: Library, regimen: Regimen, lang: Lang) -> list[str]:
    from tabulate import tabulate

    ordered = sorted(regimen.components, key=lambda c: c.order)
    table = [
        [
            component.order,
            _when(component, lang),
            _drug_cell(library, component, lang),
            _dose_text(component, lang),
            component.route,
            method_label(component.method, lang),
            _duration_text(component.duration_h, lang),
        ]
        for component in ordered
    ]
    headers = [
        text(f"library.show.{key}", lang)
        for key in ("order", "days", "drug", "dose", "route", "given_as", "over")
    ]
    lines = [tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)]
    lines += ["", text("library.show.notes_and_sources", lang)]
    for component in ordered:
        name = _drug(library, component.drug, lang)
        lines.append(f"  {component.order}. {name} {_dose_text(component, lang)}")
        notes = (component.notes_fr if lang == "fr" else "") or component.notes
        if notes:
            lines.append(_wrap(text("library.show.item_notes", lang, notes=notes), " " * 5))
        lines.append(_wrap(text("library.show.source", lang, source=component.source), " " * 5))
        lines.extend(
            _wrap(text("library.show.unverified", lang, item=item), " " * 5)
            for item in component.unverified
        )
    return lines


def show_table(regimen: Regimen, *, library: Library, lang: Lang = "en") -> str:
    """The regimen's protocol as text: header, administrations, notes, facts, references."""
    file = library.file_of(regimen.id)
    lines = _header(regimen, lang) + _components(library, regimen, lang)
    lines += _given_with_text(library, regimen, lang)
    lines += _drug_facts_text(library, regimen, lang)
    if regimen.notes:
        lines += ["", text("library.show.notes", lang)]
        lines += [_wrap(f"- {note}") for note in regimen.notes]
    if regimen.cautions:
        lines += ["", text("library.show.cautions", lang)]
        for caution in regimen.cautions:
            written = caution.text_fr if lang == "fr" else caution.text
            lines.append(_wrap(f"- {written} [{caution.evidence}]"))
            lines.append(_wrap(caution.source, " " * 4))
    lines += ["", text("library.show.references", lang)]
    for index, reference in enumerate(regimen.references, start=1):
        ids = [
            f"PMID:{reference.pmid}" if reference.pmid else "",
            f"doi:{reference.doi}" if reference.doi else "",
            reference.url or "",
        ]
        cited = " ".join(part for part in [reference.citation, *ids] if part)
        lines.append(_wrap(f"{index}. {cited}"))
        if reference.note:
            lines.append(_wrap(reference.note, " " * 5))
    origin = text("library.show.builtin" if file.builtin else "library.show.user_library", lang)
    lines += [
        "",
        text("library.show.file", lang, path=file.path, origin=origin, sha256=file.sha256[:12]),
        text("library.show.disclaimer", lang),
    ]
    return "\n".join(lines)


def _given_with_text(library: Library, regimen: Regimen, lang: Lang) -> list[str]:
    lines: list[str] = []
    for schedule in regimen.given_with:
        every = _every(schedule, lang)
        given = text(
            "library.show.given_with", lang, regimen=schedule.regimen, day=schedule.day, every=every
        )
        lines += ["", _wrap(given, "")]
        lines.append(_wrap(text("library.show.source", lang, source=schedule.source)))
        if schedule.notes:
            lines.append(_wrap(text("library.show.item_notes", lang, notes=schedule.notes)))
        lines.extend(
            _wrap(text("library.show.unverified", lang, item=item)) for item in schedule.unverified
        )
    for supportive, schedule in library.supportive_for(regimen.id):
        line = text(
            "library.show.supportive_with",
            lang,
            id=supportive.id,
            name=regimen_name(supportive, lang),
            day=schedule.day,
            every=_every(schedule, lang),
        )
        lines += ["", _wrap(line, "")]
    return lines


def _every(schedule: SupportiveSchedule, lang: Lang) -> str:
    """``every 2nd cycle from cycle 1 (cycles 1, 3, 5...)``."""
    number = schedule.every_n_cycles
    if number == 1:
        every = text("library.show.every_cycle", lang)
    else:
        last = number % 10 if number % 100 not in (11, 12, 13) else 0
        key = f"library.show.ordinal/{last}" if last in (1, 2, 3) else "library.show.ordinal"
        ordinal = text(key, lang, number=number)
        every = text("library.show.every_nth_cycle", lang, ordinal=ordinal)
    cycles = ", ".join(str(schedule.first_cycle + i * number) for i in range(3))
    return text(
        "library.show.every_from", lang, every=every, first=schedule.first_cycle, cycles=cycles
    )


def _drug_facts_text(library: Library, regimen: Regimen, lang: Lang) -> list[str]:
    lines = ["", text("library.show.drug_facts", lang)]
    for inn in dict.fromkeys(component.drug for component in regimen.components):
        facts = library.drug(inn)
        # The name the reader knows first; the INN and the other names after it.
        shown = _drug(library, inn, lang)
        others = [name for name in (facts.inn, *facts.aliases) if name != shown]
        names = f" ({', '.join(others)})" if others else ""
        lines.append(_wrap(f"{shown}{names}"))
        lines += _product_lines(facts, lang)
        if facts.cumulative_limit:
            limit = facts.cumulative_limit
            # Named by its kind: an advisory threshold is not a label's limit.
            key = "library.show.limit" if limit.kind == "limit" else "library.show.threshold"
            amount = localize(_number(limit.amount), lang)
            line = text(key, lang, amount=amount, unit=limit.unit, source=limit.source)
            lines.append(_wrap(line, " " * 5))
        if facts.maximum_dose:
            lines.append(_wrap(_maximum_line(facts.maximum_dose, lang), " " * 5))
        if facts.renal_rule:
            rule = facts.renal_rule
            key = "library.show.renal_rule" + ("" if rule.status == "bands" else f"_{rule.status}")
            line = text(key, lang, source=rule.source)
            lines.append(_wrap(line, " " * 5))
            for band in rule.bands:
                written = (band.label_fr if lang == "fr" else "") or band.label
                lines.append(f"       {localize(_band_interval(band), lang)}  {written}")
            lines.extend(_wrap(note, " " * 5) for note in rule.notes[:1])
    return lines


def _maximum_line(maximum: MaximumDose, lang: Lang) -> str:
    """The drug's labelled maxima with their source, or the statement that none exists."""
    if maximum.none_labelled:
        return text("library.show.maximum_none", lang, source=maximum.source)
    units = {
        "per_administration_mg_per_m2": "mg/m2",
        "per_administration_mg": "mg",
        "per_auc_mg": "mg",
        "per_day_mg": "mg",
        "per_cycle_mg": "mg",
    }
    values = [
        text(
            f"library.show.maximum_{name}",
            lang,
            amount=localize(_number(value), lang),
            unit=units[name],
        )
        for name in MAXIMUM_FIELDS
        if (value := getattr(maximum, name)) is not None
    ]
    return text("library.show.maximum", lang, values=", ".join(values), source=maximum.source)


def _product_lines(facts: DrugFacts, lang: Lang) -> list[str]:
    parts = []
    if facts.tablet_strengths_mg:
        strengths = ", ".join(f"{_number(s)} mg" for s in facts.tablet_strengths_mg)
        parts.append(text("library.show.tablets", lang, strengths=strengths))
    if facts.concentration_mg_per_ml is not None:
        parts.append(f"{_number(facts.concentration_mg_per_ml)} mg/mL")
    if facts.rounding_increment_mg is not None:
        increment = _number(facts.rounding_increment_mg)
        parts.append(text("library.show.rounded_to", lang, increment=increment))
    if not parts:
        return []
    products = localize(text("library.show.separator", lang).join(parts), lang)
    return [" " * 5 + text("library.show.products", lang, products=products)]


def _band_interval(band: RenalBand) -> str:
    low = "[" if band.min_inclusive else "("
    high = "]" if band.max_inclusive else ")"
    lower = _number(band.min_ml_min) if band.min_ml_min is not None else "0"
    if band.min_ml_min is None:
        low = "["
    upper = _number(band.max_ml_min) if band.max_ml_min is not None else "∞"
    if band.max_ml_min is None:
        high = ")"
    return f"{low}{lower}, {upper}{high}".ljust(11)

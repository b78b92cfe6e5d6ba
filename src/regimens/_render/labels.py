"""The words of the human-readable outputs, in English and French (``--lang``).

One typed catalogue instead of string literals scattered through the renderers: a key
per label, its English and French text. JSON keys never change with the language.
Warning messages have their own catalogue next to the warning codes
(:data:`regimens._models.sheet.WARNING_TEXT`); drug names come from the library's
``local_names``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from regimens._render.catalogue import LANGUAGES, Lang, catalogue, has, text

if TYPE_CHECKING:
    from regimens._models.safety_data import EmetogenicRisk

__all__ = [
    "LANGUAGES",
    "MONTHS",
    "WEEKDAY_NAMES",
    "Lang",
    "drug_name",
    "emetogenic_text",
    "format_date",
    "format_datetime",
    "label",
    "method_label",
    "month_name",
    "prose_date",
    "regimen_name",
    "short_date",
    "weekday_abbr",
    "weekday_name",
]

#: Weekday and month names per language, from the catalogues: never the machine's locale,
#: so that a sheet printed in Lyon and one printed in a container read the same.
WEEKDAY_NAMES: dict[Lang, tuple[str, ...]] = {lang: catalogue(lang).WEEKDAYS for lang in LANGUAGES}
MONTHS: dict[Lang, tuple[str, ...]] = {lang: catalogue(lang).MONTHS for lang in LANGUAGES}


def label(key: str, lang: Lang = "en", **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    return text(f"label.{key}", lang, **values)


def method_label(method: str, lang: Lang = "en") -> str:
    """``continuous_infusion`` → "continuous infusion" / "perfusion continue"."""
    key = f"method_{method}"
    return label(key, lang) if has(f"label.{key}") else method.replace("_", " ")


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def name_fr(self) -> str: ...


def regimen_name(regimen: _Named, lang: Lang | str = "en") -> str:
    """A regimen's name in ``lang``: the file's ``name_fr`` in French, else ``name``."""
    return (regimen.name_fr if lang == "fr" else "") or regimen.name


def drug_name(inn: str, names: dict[str, dict[str, str]], lang: Lang = "en") -> str:
    """The drug's name in ``lang`` from the sheet's ``drug_names``, else its INN."""
    return names.get(inn, {}).get(lang, inn)


def weekday_name(day: date, lang: Lang = "en") -> str:
    """Monday / lundi."""
    return WEEKDAY_NAMES[lang][day.weekday()]


def weekday_abbr(day: date, lang: Lang = "en") -> str:
    """Mon / lun."""
    abbr: tuple[str, ...] = catalogue(lang).WEEKDAYS_ABBR
    return abbr[day.weekday()]


def month_name(month: int, lang: Lang = "en") -> str:
    """April / avril (``month`` 1–12)."""
    return MONTHS[lang][month - 1]


def format_date(day: date, lang: Lang = "en") -> str:
    """A date as a form shows it: 2026-04-13 (ISO 8601) / 13/04/2026 (French usage)."""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def prose_date(
    day: date, lang: Lang = "en", weekday: Literal["after", "before", "none"] = "after"
) -> str:
    """A date in a sentence. French writes it in words, weekday first:
    ``lundi 7 décembre 2026``, ``mardi 1er décembre 2026`` (``weekday="none"``:
    ``7 décembre 2026``). English keeps the ISO date, with the weekday ``after``
    (``2026-12-07 Monday``) or ``before`` (``Monday 2026-12-07``) it."""
    name = weekday_name(day, lang)
    if lang == "fr":
        ordinal = "1er" if day.day == 1 else str(day.day)
        written = f"{ordinal} {month_name(day.month, lang)} {day.year}"
        return written if weekday == "none" else f"{name} {written}"
    if weekday == "none":
        return day.isoformat()
    return f"{day.isoformat()} {name}" if weekday == "after" else f"{name} {day.isoformat()}"


def short_date(day: date, lang: Lang = "en") -> str:
    """A date as a person reads it on a calendar: ``Mon 13 Apr`` / ``lun. 13 avr.``."""
    return f"{weekday_abbr(day, lang)} {day.day} {catalogue(lang).MONTHS_ABBR[day.month - 1]}"


def format_datetime(iso: str, lang: Lang = "en") -> str:
    """An ISO 8601 UTC time as people write it: 2026-11-28 15:46 UTC / 28/11/2026 15:46 UTC."""
    moment = datetime.fromisoformat(iso)
    if lang == "fr":
        return moment.strftime("%d/%m/%Y %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def emetogenic_text(risk: EmetogenicRisk | None, lang: str = "en") -> str:
    """A regimen's emetogenic class, scheme, evidence and source; or "not stated"."""
    if risk is None:
        return text("label.emetogenic_not_stated", lang)
    return text(
        "label.emetogenic_value",
        lang,
        risk=text(f"label.emetogenic.{risk.class_}", lang),
        scheme=risk.scheme,
        evidence=risk.evidence,
        source=risk.source,
    )

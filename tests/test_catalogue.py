"""The catalogues of texts: every key in every language, with the same fields."""

from __future__ import annotations

import string

import pytest

from regimens._render.catalogue import LANGUAGES, catalogue, en, text


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_key(lang: str) -> None:
    """A language lacking a text would fall back to English in its output."""
    assert set(catalogue(lang).TEXTS) == set(en.TEXTS)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(en.TEXTS))
def test_translations_take_the_same_fields(lang: str, key: str) -> None:
    """A translation uses exactly the English text's placeholders (none lost, none new)."""
    assert _fields(catalogue(lang).TEXTS[key]) == _fields(en.TEXTS[key])


@pytest.mark.parametrize("name", ["WEEKDAYS", "WEEKDAYS_ABBR", "MONTHS", "MONTHS_ABBR"])
def test_calendar_names_are_complete(name: str) -> None:
    """Seven weekdays and twelve months in every language."""
    for lang in LANGUAGES:
        assert len(getattr(catalogue(lang), name)) == len(getattr(en, name)) in (7, 12)


def test_text_fills_fields_and_falls_back_to_english() -> None:
    """``text`` fills the placeholders; an unknown language reads English."""
    assert text("label.day_n", "fr", day=3) == "Jour 3"
    assert text("label.day_n", "de", day=3) == "Day 3"

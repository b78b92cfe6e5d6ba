"""The catalogues of the texts a person reads, one module per language (``en``, ``fr``).

A language is added by one module with the same names; ``text`` falls back to English
for a key the language lacks (tests require every key in every language).
"""

from __future__ import annotations

from types import ModuleType
from typing import Literal

from regimens._render.catalogue import en, fr

__all__ = ["LANGUAGES", "Lang", "catalogue", "has", "text"]

Lang = Literal["en", "fr"]
LANGUAGES: tuple[Lang, ...] = ("en", "fr")
_MODULES: dict[str, ModuleType] = {"en": en, "fr": fr}


def catalogue(lang: str) -> ModuleType:
    """The catalogue module of ``lang`` (English for an unknown language)."""
    return _MODULES.get(lang, en)


def has(key: str) -> bool:
    """True when ``key`` is in the English catalogue (the reference)."""
    return key in en.TEXTS


def text(key: str, lang: str = "en", **values: object) -> str:
    """The text of ``key`` in ``lang`` (English when missing), its fields filled."""
    template = catalogue(lang).TEXTS.get(key) or en.TEXTS[key]
    return template.format(**values) if values else template

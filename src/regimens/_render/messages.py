"""The words of warnings and notes: a model's code and parameters → a sentence.

Models carry ``code`` and ``params`` (values already formatted as displayed); this is
the only place a warning becomes a sentence, in the language asked for, from the
catalogues (``_render/catalogue``). A code with several wordings picks one with
``params["variant"]``; ``{drug}`` is the drug's name in the output language; a
parameter ``NAME_LANG`` (``text_fr``) is used for ``{NAME}`` in that language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from regimens._render.assessment_words import ASSESSMENT_WARNING_CODES, display_params
from regimens._render.catalogue import text
from regimens._render.numbers import localize_values

__all__ = ["Coded", "message", "warning_dicts"]


class Coded(Protocol):
    """Anything with a code, its parameters and maybe a drug (a warning, a note)."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, str]: ...


def message(
    item: Coded,
    lang: str = "en",
    *,
    kind: str = "warning",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The sentence of ``item`` in ``lang``; ``kind`` is its catalogue section
    (``warning``, ``course``, ``check``, ``calendar``...)."""
    params = dict(item.params)
    # A value from the library in several languages (a regimen caution's ``text`` and
    # ``text_fr``): the output language's version replaces the English one.
    for key in list(params):
        local = params.get(f"{key}_{lang}")
        if local:
            params[key] = local
    drug = getattr(item, "drug", None) or params.get("drug")
    if drug is not None:
        local = (drug_names or {}).get(drug, {}).get(lang)
        params["drug"] = local or params.get("drug", drug)
    if kind == "warning" and item.code in ASSESSMENT_WARNING_CODES:
        # The assessment's sentences read with empty params (no source, no method).
        params = display_params(item.code, params, lang)
    variant = params.get("variant")
    key = f"{kind}.{item.code}/{variant}" if variant else f"{kind}.{item.code}"
    return text(key, lang, **localize_values(params, lang))


def warning_dicts(
    warnings: tuple[Any, ...],
    lang: str = "en",
    *,
    kind: str = "warning",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Warnings as the JSON documents show them: severity, code, message, drug, params."""
    return [
        {
            "severity": item.severity,
            "code": item.code,
            "message": message(item, lang, kind=kind, drug_names=drug_names),
            "drug": getattr(item, "drug", None),
            "params": dict(item.params),
        }
        for item in warnings
    ]

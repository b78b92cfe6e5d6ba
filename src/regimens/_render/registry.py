"""One registry of output formats: (document kind, format) → the renderer that writes it.

Every command looks its renderer up here instead of dispatching on the format itself;
a new format is one renderer and one line below. Renderers are named as
``"module:function"`` strings and imported only when used, so that importing this
module (and so starting the CLI) loads no renderer, tabulate, fhir.resources, pint or
holidays.

A renderer takes the document first, then, by keyword, the context entries it names in
``takes`` (``lang``, ``style``, ``library``, ``drug_names``, ``course_key``) and the fixed
keyword values of ``fixed`` (the calendar's one entry point takes the format).

The format of ``--output FILE`` is read from the file's extension here too
(:func:`format_of_path`).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

__all__ = [
    "EXTENSIONS",
    "RENDERERS",
    "Renderer",
    "extensions_for",
    "format_of_path",
    "formats",
    "model_json",
    "render",
    "renderer",
]


@dataclass(frozen=True)
class Renderer:
    """Where a renderer lives and what it takes besides the document."""

    target: str  # "module:function", imported on first use
    takes: tuple[str, ...] = ()  # context entries passed by keyword
    fixed: tuple[tuple[str, str], ...] = ()  # keyword values always passed

    def load(self) -> Any:
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


_SHEET = "regimens._render.sheet"
_ASSESS = "regimens._render.assessment"
_CHECK = "regimens._render.check"
_COURSE = "regimens._render.course"
_NEXT = "regimens._render.course_next"
_FHIR = "regimens._render.fhir"
_LIBRARY = "regimens._render.library"
_LANG_STYLE = ("lang", "style")


def _calendar(output_format: str) -> Renderer:
    return Renderer(
        "regimens._render.calendar:render_calendar",
        ("lang", "drug_names", "course_key"),
        (("output_format", output_format),),
    )


#: document kind → format → renderer. The order of each kind's formats is the order
#: its command lists them (``--format`` choices, error messages).
RENDERERS: dict[str, dict[str, Renderer]] = {
    "sheet": {
        "table": Renderer(f"{_SHEET}:sheet_table", _LANG_STYLE),
        "markdown": Renderer(f"{_SHEET}:sheet_markdown", ("lang",)),
        "csv": Renderer("regimens._render.sheet_csv:sheet_csv", ("lang",)),
        "json": Renderer("regimens._render.sheet_json:sheet_json"),
        "html": Renderer("regimens._render.sheet_print:sheet_html", ("lang",)),
        "fhir": Renderer(f"{_FHIR}:sheet_fhir_json", ("library",)),
    },
    # ``regimens assess``: the document is the DoseSheet computed with an assessment.
    "assessment": {
        "table": Renderer(f"{_ASSESS}:assessment_table", _LANG_STYLE),
        "markdown": Renderer(f"{_ASSESS}:assessment_markdown", ("lang",)),
        "csv": Renderer(f"{_ASSESS}:assessment_csv", ("lang",)),
        "json": Renderer(f"{_ASSESS}:assessment_json"),
        "html": Renderer(f"{_ASSESS}:assessment_html", ("lang",)),
    },
    "calendar": {
        **{
            name: _calendar(name)
            for name in ("table", "grid", "markdown", "csv", "html", "json", "ics")
        },
        "fhir": Renderer(f"{_FHIR}:calendar_fhir_json", ("library",)),
    },
    "check": {
        "table": Renderer(f"{_CHECK}:check_table", _LANG_STYLE),
        "markdown": Renderer(f"{_CHECK}:check_markdown", ("lang",)),
        "csv": Renderer(f"{_CHECK}:check_csv", ("lang",)),
        "json": Renderer(f"{_CHECK}:check_json"),
    },
    "course": {
        "table": Renderer(f"{_COURSE}:course_table", _LANG_STYLE),
        "markdown": Renderer(f"{_COURSE}:course_markdown", ("lang",)),
        "csv": Renderer(f"{_COURSE}:course_csv"),
        "json": Renderer(f"{_COURSE}:course_json"),
    },
    # ``regimens next``: the next cycle's sheet (issue 20).
    "next": {
        "table": Renderer(f"{_NEXT}:next_table", _LANG_STYLE),
        "markdown": Renderer(f"{_NEXT}:next_markdown", ("lang",)),
        "csv": Renderer(f"{_NEXT}:next_csv", ("lang",)),
        "json": Renderer(f"{_NEXT}:next_json"),
        "html": Renderer(f"{_NEXT}:next_html", ("lang",)),
        "fhir": Renderer(f"{_NEXT}:next_fhir_json", ("library",)),
    },
    "bsa": {
        "table": Renderer("regimens._render.measures:bsa_text"),
        "json": Renderer("regimens._render.registry:model_json"),
    },
    "crcl": {
        "table": Renderer("regimens._render.measures:crcl_text"),
        "json": Renderer("regimens._render.registry:model_json"),
    },
    "show": {
        "table": Renderer(f"{_LIBRARY}:show_table", ("library", "lang")),
        "json": Renderer(f"{_LIBRARY}:show_json", ("library",)),
        "fhir": Renderer("regimens._render.fhir_plan:regimen_fhir_json", ("library",)),
    },
    # ``regimens verify``: a saved sheet computed again (the document: SheetVerification).
    "verify": {
        "table": Renderer("regimens._render.verify:verify_table"),
        "json": Renderer("regimens._render.verify:verify_json"),
    },
    "list": {
        "table": Renderer(f"{_LIBRARY}:list_table", ("lang",)),
        "json": Renderer(f"{_LIBRARY}:list_json"),
    },
}

#: File extension → format, for ``--output FILE`` without ``--format``. ``.fhir.json``
#: is looked at before ``.json`` (which names the package's own JSON).
EXTENSIONS: dict[str, str] = {
    ".txt": "table",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".ics": "ics",
    ".fhir.json": "fhir",
}


def formats(kind: str) -> tuple[str, ...]:
    """The formats of a document kind, in the order its command lists them."""
    return tuple(RENDERERS[kind])


def renderer(kind: str, output_format: str) -> Renderer:
    """The renderer of ``kind`` in ``output_format`` (KeyError: a wiring bug)."""
    return RENDERERS[kind][output_format]


def render(kind: str, output_format: str, document: Any, **context: Any) -> str:
    """``document`` (a ``kind``) in ``output_format``.

    ``context`` offers what renderers may take (``lang``, ``style``, ``library``,
    ``drug_names``, ``course_key``); each renderer gets only what it names.
    """
    entry = renderer(kind, output_format)
    keywords = {name: context[name] for name in entry.takes if name in context}
    keywords.update(entry.fixed)
    text: str = entry.load()(document, **keywords)
    if output_format == "markdown":
        text = no_raw_html(text)
    return text


def format_of_path(path: str, supported: tuple[str, ...]) -> str | None:
    """The format that ``path``'s extension names among ``supported``; None if none does."""
    name = path.lower()
    for extension, output_format in EXTENSIONS.items():
        # A double extension first: "x.fhir.json" is FHIR where FHIR is offered.
        if "." in extension[1:] and name.endswith(extension) and output_format in supported:
            return output_format
    inferred = EXTENSIONS.get(PurePath(name).suffix)
    return inferred if inferred in supported else None


def extensions_for(supported: tuple[str, ...]) -> list[str]:
    """The extensions that name one of ``supported``, in :data:`EXTENSIONS` order."""
    return [extension for extension, name in EXTENSIONS.items() if name in supported]


def model_json(document: Any) -> str:
    """A result model as indented JSON (``bsa`` and ``crcl`` ``--format json``)."""
    text: str = document.model_dump_json(indent=2)
    return text


def no_raw_html(markdown: str) -> str:
    """Markdown without raw HTML: a ``<`` that could open a tag (``<script``, ``<img``,
    ``</``, ``<!``) is written ``&lt;``, so that a name or a reason typed with a tag in
    it is shown, not run, where the Markdown is rendered. ``< 30 mL/min`` is left as is.
    None of the tool's own Markdown uses HTML."""
    return _TAG_START.sub("&lt;", markdown)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")

"""The printable HTML pieces the dose sheet and the calendar share.

One stylesheet for A4 landscape printing, one warnings box and one provenance footer,
so that a sheet and a calendar printed for the same patient look alike and both say
which tool version, which regimen files and which options produced them. Every page is
self-contained: no external stylesheet, font, script or image.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from regimens._render.labels import Lang, label

__all__ = ["STYLE", "HtmlWarning", "esc", "page", "provenance_footer", "warnings_box"]

STYLE = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 9.5pt;
       color: #000; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2mm 0; }
h2 { font-size: 11pt; margin: 5mm 0 1.5mm 0; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; page-break-inside: avoid; }
th, td { border: 0.3mm solid #555; padding: 1mm 1.5mm; text-align: left;
         vertical-align: top; }
th { background: #e8e8e8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.dose { font-weight: bold; }
table.header { width: auto; }
table.header th { width: 55mm; }
.subtitle { font-style: italic; margin: 0 0 2mm 0; }
.warnings { border: 1mm solid #b00000; padding: 2mm 3mm; margin: 4mm 0;
            page-break-inside: avoid; }
.warnings.none { border: 0.5mm solid #555; }
.warnings h2 { margin-top: 0; color: #b00000; }
.warnings li.blocking { font-weight: bold; color: #b00000; }
.warnings li.caution { color: #7a4a00; }
.signatures td { height: 14mm; }
.notice { font-weight: bold; margin-top: 3mm; }
footer { margin-top: 4mm; font-size: 7.5pt; color: #333; border-top: 0.3mm solid #555;
         padding-top: 1.5mm; word-break: break-all; }
"""


def esc(text: object) -> str:
    """Text safe in HTML content and attribute values."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class HtmlWarning:
    """One line of the warnings box."""

    severity: str
    severity_label: str
    code: str
    drug: str
    message: str


def page(title: str, lang: Lang, body: Sequence[str], extra_style: str = "") -> str:
    """A complete HTML document: the shared stylesheet (plus ``extra_style``) and ``body``."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{esc(title)}</title>",
            f"<style>{STYLE}{extra_style}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def warnings_box(warnings: Sequence[HtmlWarning], lang: Lang, *, title: str = "") -> list[str]:
    """A box that cannot be missed: red when there are warnings, grey when there are none."""
    out = [f'<section class="{"warnings" if warnings else "warnings none"}" id="warnings">']
    if warnings:
        heading = title or label("warnings", lang)
        out.append(f"<h2>{esc(heading)} ({len(warnings)})</h2><ul>")
        for warning in warnings:
            drug = f" [{warning.drug}]" if warning.drug else ""
            out.append(
                f'<li class="{esc(warning.severity)}"><strong>{esc(warning.severity_label)} '
                f"{esc(warning.code)}</strong>{esc(drug)}: {esc(warning.message)}</li>"
            )
        out.append("</ul>")
    else:
        out.append(f"<p>{esc(label('warnings_none', lang))}</p>")
    out.append("</section>")
    return out


def provenance_footer(
    summary: str, hashes: Sequence[tuple[str, str]], options: Mapping[str, object], lang: Lang
) -> list[str]:
    """Tool version and time (``summary``), each regimen file's full SHA-256, the options."""
    shown = json.dumps(dict(options), sort_keys=True, ensure_ascii=False)
    return [
        "<footer>",
        f"<div>{esc(summary)}</div>",
        *(f"<div>{esc(name)} sha256 {esc(digest)}</div>" for name, digest in hashes),
        f"<div>{esc(label('options', lang))}: {esc(shown)}</div>",
        "</footer>",
    ]

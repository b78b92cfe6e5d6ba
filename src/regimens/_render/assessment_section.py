"""The treatment-day assessment as a section of a human-readable document: plain text,
Markdown, HTML. The sheet puts it above the doses; ``regimens assess`` prints it alone.

Each format writes the same :class:`regimens._render.assessment_words.AssessmentView`:
the decision, the dates, the inputs, the reasons about the whole cycle, then per drug
its action and level, each reason (code, rule, value, threshold, source), the rules
checked with their status, and the kinds of rule with nothing encoded.
"""

from __future__ import annotations

from regimens._render._html import esc
from regimens._render._text import Styler, key_value_table, md_table
from regimens._render.assessment_words import AssessmentView
from regimens._render.catalogue import text
from regimens._render.labels import Lang

__all__ = ["ASSESSMENT_STYLE", "html_section", "markdown_section", "text_section"]

#: Severity (for styling) of each decision: a delay or a stop must not be missed.
_DECISION_SEVERITY = {"go": "info", "delay": "blocking", "stop": "blocking"}

#: Extra CSS of the HTML section (added to the page's stylesheet).
ASSESSMENT_STYLE = """
.assessment { border: 0.6mm solid #555; padding: 2mm 3mm; margin: 4mm 0; }
.assessment .decision { font-size: 13pt; font-weight: bold; }
.assessment .decision.delay, .assessment .decision.stop { color: #b00000; }
.assessment li.not-encoded { font-style: italic; }
"""


def text_section(view: AssessmentView, lang: Lang, style: Styler | None = None) -> list[str]:
    """The section in plain text: a heading, a key-value block, then the drugs."""
    rows = list(view.rows)
    if style is not None:  # the decision styled like a warning of its severity
        rows[0] = (rows[0][0], style(rows[0][1], _DECISION_SEVERITY[view.decision]))
    lines = [view.title.upper(), key_value_table(rows), ""]
    if view.cycle_reasons or view.cycle_rules:
        lines.append(text("assessment.cycle", lang))
        lines += [f"  - {reason}" for reason in view.cycle_reasons]
        if view.cycle_rules:
            rules = text("assessment.sep", lang).join(view.cycle_rules)
            lines.append(f"  {text('assessment.rules', lang)}{text('label.colon', lang)}{rules}")
        lines.append("")
    lines.append(text("assessment.drugs", lang))
    colon = text("label.colon", lang)
    for drug in view.drugs:
        lines.append(f"  {drug.name}{colon}{drug.summary}")
        lines += [f"    - {reason}" for reason in drug.reasons]
        if drug.rules:
            rules = text("assessment.sep", lang).join(drug.rules)
            lines.append(f"    {text('assessment.rules', lang)}{colon}{rules}")
        lines += [f"    {line}" for line in drug.not_encoded]
    lines.append("")
    return lines


def markdown_section(view: AssessmentView, lang: Lang) -> list[str]:
    """The section in Markdown: a level-2 heading, a table, then a list per drug."""
    lines = [f"## {view.title}", ""]
    lines += md_table(["", ""], [[f"**{key}**", value] for key, value in view.rows])
    lines.append("")
    if view.cycle_reasons or view.cycle_rules:
        lines += [f"### {text('assessment.cycle', lang)}", ""]
        lines += [f"- {reason}" for reason in view.cycle_reasons]
        if view.cycle_rules:
            rules = text("assessment.sep", lang).join(view.cycle_rules)
            lines.append(f"- {text('assessment.rules', lang)}{text('label.colon', lang)}{rules}")
        lines.append("")
    lines += [f"### {text('assessment.drugs', lang)}", ""]
    colon = text("label.colon", lang)
    for drug in view.drugs:
        lines.append(f"- **{drug.name}**{colon}{drug.summary}")
        lines += [f"  - {reason}" for reason in drug.reasons]
        if drug.rules:
            rules = text("assessment.sep", lang).join(drug.rules)
            lines.append(f"  - {text('assessment.rules', lang)}{colon}{rules}")
        lines += [f"  - *{line}*" for line in drug.not_encoded]
    lines.append("")
    return lines


def html_section(view: AssessmentView, lang: Lang) -> list[str]:
    """The section in HTML (``section.assessment``), the decision first and large."""
    out = [
        '<section class="assessment" id="assessment">',
        f"<h2>{esc(view.title)}</h2>",
        f'<p class="decision {esc(view.decision)}">{esc(view.decision_text)}</p>',
        '<table class="header"><tbody>',
    ]
    out += [f"<tr><th>{esc(key)}</th><td>{esc(value)}</td></tr>" for key, value in view.rows]
    out.append("</tbody></table>")
    if view.cycle_reasons or view.cycle_rules:
        out.append(f"<h3>{esc(text('assessment.cycle', lang))}</h3><ul>")
        out += [f"<li>{esc(reason)}</li>" for reason in view.cycle_reasons]
        if view.cycle_rules:
            rules = text("assessment.sep", lang).join(view.cycle_rules)
            colon = text("label.colon", lang)
            out.append(f"<li>{esc(text('assessment.rules', lang))}{esc(colon)}{esc(rules)}</li>")
        out.append("</ul>")
    out.append(f"<h3>{esc(text('assessment.drugs', lang))}</h3><ul>")
    colon = esc(text("label.colon", lang))
    for drug in view.drugs:
        out.append(
            f'<li class="{esc(drug.action)}"><strong>{esc(drug.name)}</strong>{colon}'
            f"{esc(drug.summary)}<ul>"
        )
        out += [f"<li>{esc(reason)}</li>" for reason in drug.reasons]
        if drug.rules:
            rules = text("assessment.sep", lang).join(drug.rules)
            out.append(f"<li>{esc(text('assessment.rules', lang))}{colon}{esc(rules)}</li>")
        out += [f'<li class="not-encoded">{esc(line)}</li>' for line in drug.not_encoded]
        out.append("</ul></li>")
    out += ["</ul>", "</section>"]
    return out

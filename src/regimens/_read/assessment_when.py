"""The ``when`` of an assessment rule in a library file: a small language of comparisons
joined by ``and``/``or`` with parentheses, read into an OR of ANDs (``When``).

``bilirubin > 3 mg/dL or ast > 4 xULN``; ``anc < 1.5``; ``ugt1a1 in [*28/*28, *6/*6]``;
``dpyd_activity_score in [1, 1.5]``; ``uracil >= 16 ng/mL``; ``condition dic``;
``not condition liver-metastases`` (``not`` only before a condition, which is never
missing: a lab's absence stays unknown, never "not");
``lvef_drop >= 10 points and lvef < 50 %`` (``lvef_drop``: the fall of the ejection fraction
from its baseline, ``lvef_baseline − lvef``, in percentage points: the "10 EF points" of
the trastuzumab SmPC, never a relative %). Lab values are read by the lab readers of
:mod:`regimens._read.assessment`, in their units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from regimens._errors import InputError
from regimens._models.assessment import LAB_NAMES
from regimens._read.assessment import lab_value, parse_dpyd_activity_score, parse_ugt1a1

__all__ = ["parse_when"]


_TOKEN_RE = re.compile(r"\s*(\(|\)|\[|\]|,|<=|>=|<|>|[^\s()\[\],<>=]+)")
_SUBJECTS = (
    *LAB_NAMES,
    "lvef_drop",
    "dpyd_activity_score",
    "uracil",
    "ugt1a1",
    "condition",
)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match or not match.group(1):
            raise ValueError(f"cannot read {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Parser:
    def __init__(self, text: str, conditions: Iterable[str] | None) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0
        self.conditions = set(conditions) if conditions is not None else None

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ValueError("the condition ends too early")
        self.position += 1
        return token

    def expression(self) -> list[list[dict[str, Any]]]:
        groups = self.term()
        while self.peek() == "or":
            self.take()
            groups = groups + self.term()
        return groups

    def term(self) -> list[list[dict[str, Any]]]:
        groups = self.factor()
        while self.peek() == "and":
            self.take()
            right = self.factor()
            groups = [left + other for left in groups for other in right]
        return groups

    def factor(self) -> list[list[dict[str, Any]]]:
        if self.peek() == "(":
            self.take()
            groups = self.expression()
            if self.take() != ")":
                raise ValueError("a '(' is not closed")
            return groups
        return [[self.comparison()]]

    def comparison(self) -> dict[str, Any]:
        start = self.position
        negated = self.peek() == "not"
        if negated:  # only before a condition: a lab or a genotype may be missing
            self.take()
            if self.peek() != "condition":
                raise ValueError("'not' goes before a condition only: not condition NAME")
        subject = self.take().lower()
        if subject not in _SUBJECTS:
            raise ValueError(f"unknown subject {subject!r} (known: {', '.join(_SUBJECTS)})")
        if subject == "condition":
            name = self.take().lower()
            if self.conditions is not None and name not in self.conditions:
                raise ValueError(
                    f"unknown condition {name!r} (assessment.toml lists: "
                    f"{', '.join(sorted(self.conditions))})"
                )
            op = "lacks" if negated else "has"
            return self._made(start, subject=subject, op=op, values=(name,))
        op = self.take()
        if op == "in":
            if self.take() != "[":
                raise ValueError("'in' is followed by a list: in [*28/*28, *6/*6]")
            values: list[str] = []
            while True:
                token = self.take()
                if token == "]":
                    break
                if token != ",":
                    values.append(self._in_value(subject, token))
            if not values:
                raise ValueError("the list after 'in' is empty")
            return self._made(start, subject=subject, op="in", values=tuple(values))
        if op not in ("<", "<=", ">", ">="):
            raise ValueError(f"expected a comparison (< <= > >= in) after {subject}, got {op!r}")
        if subject == "ugt1a1":
            raise ValueError("ugt1a1 is compared with 'in [...]'")
        number_text = self.take()
        unit_parts: list[str] = []
        while self.peek() not in (None, "and", "or", ")"):
            unit_parts.append(self.take())
        unit = " ".join(unit_parts)
        return self._threshold(start, subject, op, number_text, unit)

    def _in_value(self, subject: str, token: str) -> str:
        if subject == "ugt1a1":
            return parse_ugt1a1(token)
        if subject == "dpyd_activity_score":
            return f"{parse_dpyd_activity_score(token):g}"
        raise ValueError(f"'in' applies to ugt1a1 and dpyd_activity_score, not {subject}")

    def _threshold(
        self, start: int, subject: str, op: str, number_text: str, unit: str
    ) -> dict[str, Any]:
        try:
            number = float(number_text)
        except ValueError:
            raise ValueError(f"{subject} {op}: {number_text!r} is not a number") from None
        if subject == "dpyd_activity_score":
            if unit:
                raise ValueError("an activity score has no unit")
            return self._made(start, subject=subject, op=op, value=number)
        if subject == "uracil":
            if unit.replace(" ", "").lower() != "ng/ml":
                raise ValueError("write uracil thresholds in ng/mL (e.g. uracil >= 16 ng/mL)")
            return self._made(start, subject=subject, op=op, value=number)
        if subject == "lvef_drop":
            if unit.strip().lower() != "points":
                raise ValueError(
                    "write lvef_drop thresholds in percentage points (e.g. lvef_drop >= 10 "
                    "points): a fall from 60 % to 50 % is 10 points"
                )
            if not 0 < number <= 90:
                raise ValueError(f"lvef_drop {op} {number_text}: a fall of 0 to 90 points")
            return self._made(start, subject=subject, op=op, value=number)
        if unit.replace(" ", "").lower() in ("xuln", "×uln"):
            try:  # the lab reader refuses a multiple of the ULN for a count or the LVEF
                lab_value(subject, f"{number_text}xULN", field="when")
            except InputError as exc:
                raise ValueError(str(exc)) from None
            return self._made(start, subject=subject, op=op, value=number, uln=True)
        written = f"{number_text} {unit}".strip()
        try:
            parsed = lab_value(subject, written, field="when")
        except InputError as exc:
            raise ValueError(str(exc)) from None
        assert parsed.value is not None
        return self._made(start, subject=subject, op=op, value=parsed.value)

    def _made(self, start: int, **fields: Any) -> dict[str, Any]:
        fields["text"] = " ".join(self.tokens[start : self.position]).replace("[ ", "[")
        fields["text"] = fields["text"].replace(" ]", "]").replace(" ,", ",")
        return fields


def parse_when(value: object, conditions: Iterable[str] | None = None) -> object:
    """A rule's ``when`` text → the fields of :class:`~regimens._models.assessment.When`.

    ``bilirubin > 3 mg/dL or ast > 4 xULN`` → an OR of ANDs of comparisons, each
    threshold in its lab's canonical unit (or as a multiple of the ULN). Raises
    ``ValueError`` (reported by the file's validation with its line) when it cannot be
    read; anything that is not text is left to the model to refuse.
    """
    if not isinstance(value, str):
        return value
    parser = _Parser(value, conditions)
    if not parser.tokens:
        raise ValueError("the condition is empty")
    groups = parser.expression()
    if parser.peek() is not None:
        raise ValueError(f"unexpected {parser.peek()!r}: join comparisons with 'and' / 'or'")
    return {"any_of": [tuple(group) for group in groups], "text": " ".join(value.split())}

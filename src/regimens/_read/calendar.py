"""The calendar's option mini-languages: a date, a delay, what to avoid.

``2026-01-05`` → :class:`datetime.date`; ``3=7:neutropenia`` → :class:`Delay`;
``weekends,holidays`` → a tuple of :data:`Avoid` codes. Errors name the field and
the value, and show what would be accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from regimens._errors import InputError
from regimens._models.calendar import Avoid, Delay

__all__ = ["parse_avoid", "parse_delay", "parse_iso_date"]

_AVOID_NAMES: dict[str, Avoid] = {
    "weekends": "weekends",
    "weekend": "weekends",
    "holidays": "holidays",
    "holiday": "holidays",
}


def parse_iso_date(text: str, *, field: str = "start") -> dt.date:
    """Read ``YYYY-MM-DD`` strictly: 2026-02-30 and 2026-2-3 are refused, not adjusted."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if match is None:
        raise InputError(
            f"{field}: {text!r} is not a date written YYYY-MM-DD (e.g. 2026-01-05)", field=field
        )
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise InputError(
            f"{field}: {text!r} is not a calendar date ({exc}); write YYYY-MM-DD, e.g. 2026-01-05",
            field=field,
        ) from None


_DELAY = re.compile(r"(\d+)\s*=\s*([+-]?\d+)\s*(?::(.*))?", re.DOTALL)


def parse_delay(text: str) -> Delay:
    """Read ``CYCLE=DAYS[:REASON]``: ``3=7:neutropenia`` postpones cycle 3 by 7 days."""
    match = _DELAY.fullmatch(text.strip())
    if match is None:
        raise InputError(
            f"delay: {text!r} is not CYCLE=DAYS[:REASON] (e.g. 3=7:neutropenia postpones "
            "cycle 3 and the cycles after it by 7 days)",
            field="delay",
        )
    return Delay(cycle=int(match.group(1)), days=int(match.group(2)), reason=match.group(3))


def parse_avoid(texts: str | Sequence[str]) -> tuple[Avoid, ...]:
    """Read ``weekends,holidays`` (one text or several; singular forms accepted)."""
    items = [texts] if isinstance(texts, str) else list(texts)
    found: list[Avoid] = []
    for text in items:
        for part in text.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in _AVOID_NAMES:
                raise InputError(
                    f"avoid: {part.strip()!r} is not something to avoid: give weekends, "
                    "holidays, or weekends,holidays",
                    field="avoid",
                )
            found.append(_AVOID_NAMES[name])
    return tuple(name for name in ("weekends", "holidays") if name in found)

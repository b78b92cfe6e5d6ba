"""Issue 22, "Calendars": an ICS re-exported after a delay is an update calendar
applications take (SEQUENCE), and a calendar table folds a run of oral days."""

from __future__ import annotations

import datetime as dt
import re

import regimens
from conftest import run
from regimens._render.calendar_ics import calendar_ics

STAMP = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)  # both exports in the same minute
EVENT = re.compile(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", re.DOTALL)


def sequences(delays: list[regimens.Delay]) -> dict[str, int]:
    """Event UID → SEQUENCE of FOLFOX-6, 4 cycles from Monday 2026-03-30."""
    library = regimens.load_library()
    calendar = regimens.build_calendar(
        library,
        "FOLFOX-6",
        dt.date(2026, 3, 30),
        regimens.CalendarOptions(cycles=4, delays=delays),
    )
    found: dict[str, int] = {}
    for event in EVENT.findall(calendar_ics(calendar, stamp=STAMP)):
        uid = re.search(r"^UID:(.*)\r$", event, re.MULTILINE)
        sequence = re.search(r"^SEQUENCE:(\d+)\r$", event, re.MULTILINE)
        assert uid
        assert sequence
        found[uid.group(1)] = int(sequence.group(1))
    return found


def test_a_delay_raises_the_sequence_of_moved_events_only() -> None:
    """Two exports in the same minute, the second with cycle 3 delayed by 7 days: the
    events of cycles 3 and 4 moved (14-day cycles: C3 D1 2026-04-27 → 2026-05-04) and
    carry a higher SEQUENCE, by the 7 days they moved (RFC 5545 §3.8.7.4: a revision
    increments it); cycles 1 and 2 did not move and keep theirs. Extending the delay
    to 14 days raises it again."""
    before = sequences([])
    after = sequences([regimens.Delay(cycle=3, days=7, reason="neutropenia")])
    longer = sequences([regimens.Delay(cycle=3, days=14, reason="neutropenia")])
    assert before.keys() == after.keys() == longer.keys()
    assert len(before) == 8  # per cycle: a clinic visit (D1) and a pump disconnection (D3)
    for uid, sequence in before.items():
        moved = re.search(r"\.c[34]\.", uid) is not None
        assert after[uid] == sequence + (7 if moved else 0), uid
        assert longer[uid] == sequence + (14 if moved else 0), uid
    # Cycle 1 day 1, 2026-03-30, is 2280 days after 2020-01-01 (6 years of 365 days, 2
    # leap days in 2020 and 2024, then 88 days from 1 January to 30 March 2026).
    assert before["folfox-6.c1.d1.clinic@regimens"] == 2280


def test_an_unchanged_calendar_keeps_every_sequence_whenever_exported() -> None:
    """Exports a year apart of the same calendar carry the same SEQUENCE for every
    event: nothing changed, so nothing is an update (the minutes of the export were)."""
    library = regimens.load_library()
    calendar = regimens.build_calendar(
        library, "FOLFOX-6", dt.date(2026, 3, 30), regimens.CalendarOptions(cycles=2)
    )
    first = calendar_ics(calendar, stamp=STAMP)
    later = calendar_ics(calendar, stamp=STAMP.replace(year=2027))
    assert re.findall(r"SEQUENCE:\d+", first) == re.findall(r"SEQUENCE:\d+", later)


def test_eox_calendar_table_folds_the_days_at_home() -> None:
    """EOX, 6 cycles of 21 days: day 1 at the clinic (epirubicin, oxaliplatin,
    capecitabine), then capecitabine twice daily at home on days 2–21. One line for
    the clinic day and one for days 2–21 of each cycle: 12 lines, not 6 × 21 = 126.
    Cycle 1 from Monday 2026-01-05: D2 is Tuesday 2026-01-06, D21 Sunday 2026-01-25."""
    code, out, err = run("calendar EOX --start 2026-01-05 --height 165 --weight 60 --crcl 80")
    assert code == 0, err
    table = out.split("Treatment days\n", 1)[1].split("\nGiven:", 1)[0].splitlines()[2:]
    assert len(table) == 12
    assert table[1].split() == [
        "2026-01-06", "–", "2026-01-25", "Tue–Sun", "1", "D2–21", "home",
        "capecitabine", "1000", "mg", "×", "2/day", "PO",
    ]  # fmt: skip
    assert table[0].split()[:5] == ["2026-01-05", "Mon", "1", "D1", "clinic"]
    markdown = run("calendar EOX --start 2026-01-05 --format markdown")[1]
    assert "| 2026-01-06 – 2026-01-25 | Tue–Sun | 1 | D2–21 | home | capecitabine PO |" in markdown

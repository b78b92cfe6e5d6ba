"""Cycle calendars: dates worked by hand, delays, days off, supportive rhythm, doses.

Every expected date below was counted by hand from the cycle length (day N = day 1 +
N − 1; next cycle = day 1 + cycle length) and month lengths (2028 is a leap year:
February has 29 days; 2026 and 2027 are not). Weekdays were counted from 1 January
2026, a Thursday (a date every printed 2026 calendar shows), and 1 January 2027, a
Friday. French public holidays are fixed by the Code du travail (art. L3133-1):
1 January, Easter Monday, 1 and 8 May, Ascension, Whit Monday, 14 July, 15 August,
1 and 11 November, 25 December. Easter Sunday was computed by hand with the
anonymous Gregorian algorithm (Meeus/Jones/Butcher): 5 April 2026 and 28 March 2027,
so Easter Monday is 6 April 2026 and 29 March 2027, Whit Monday 25 May 2026.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regimens._calc.calendar import build_calendar, pump_off_day
from regimens._calc.dosing import SheetOptions, compute_sheet
from regimens._errors import InputError, MissingInputError, UnknownNameError
from regimens._models.calendar import (
    WEEKDAYS,
    Calendar,
    CalendarCycle,
    CalendarDay,
    CalendarOptions,
    Delay,
)
from regimens._read.calendar import parse_avoid, parse_delay, parse_iso_date
from regimens._read.library import Library, load_library
from regimens._read.patient import make_patient
from regimens._render.calendar_json import calendar_json_schema
from regimens._render.calendar_words import moved_text
from regimens._render.messages import message

DOCS = Path(__file__).resolve().parent.parent / "docs"
D = dt.date


def make(library: Library, regimen: str, start: dt.date, **options: Any) -> Calendar:
    return build_calendar(library, regimen, start, CalendarOptions(**options))


def starts(calendar: Calendar) -> list[dt.date]:
    return [cycle.start_date for cycle in calendar.cycles]


def day(cycle: CalendarCycle, number: int) -> CalendarDay:
    (found,) = [item for item in cycle.days if item.day == number]
    return found


# --- cycle lengths and calendar boundaries ----------------------------------------------


def test_14_day_cycles(library: Library) -> None:
    """FOLFOX-6 from Mon 5 Jan 2026: day 1 every 14 days (19 Jan, 2 Feb, 16 Feb)."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=4)
    assert starts(calendar) == [D(2026, 1, 5), D(2026, 1, 19), D(2026, 2, 2), D(2026, 2, 16)]
    assert [c.end_date for c in calendar.cycles][:2] == [D(2026, 1, 18), D(2026, 2, 1)]
    assert [c.planned_start_date for c in calendar.cycles] == starts(calendar)
    assert {c.start_date.weekday() for c in calendar.cycles} == {0}  # all Mondays


def test_21_day_cycles_across_the_year_end(library: Library) -> None:
    """DOCETAXEL's usual 6 cycles from Fri 20 Nov 2026: 11 Dec, 1 Jan 2027, 22 Jan, 12 Feb, 5 Mar.

    30 − 20 = 10 days left in November, so +21 is 11 December; +21 is 32 December =
    1 January 2027; February 2027 has 28 days, so 12 + 21 = 33 February = 5 March.
    """
    calendar = make(library, "DOCETAXEL", D(2026, 11, 20))
    assert calendar.cycle_count == 6  # the library's usual_cycles
    assert starts(calendar) == [
        D(2026, 11, 20), D(2026, 12, 11), D(2027, 1, 1),
        D(2027, 1, 22), D(2027, 2, 12), D(2027, 3, 5),
    ]  # fmt: skip
    assert [c.days[0].weekday for c in calendar.cycles] == ["Friday"] * 6


def test_month_boundary_pump_off_on_a_sunday(library: Library) -> None:
    """FOLFOX-6 from Fri 30 Jan 2026: the pump comes off on D3 = Sun 1 Feb, flagged weekend."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 30), cycles=2)
    pump_off = day(calendar.cycles[0], 3)
    assert (pump_off.date, pump_off.weekday) == (D(2026, 2, 1), "Sunday")
    assert pump_off.flags == ("pump_off", "weekend")
    assert calendar.cycles[1].start_date == D(2026, 2, 13)


def test_year_boundary_pump_off_on_new_years_day(library: Library) -> None:
    """FOLFOX-6 from Wed 30 Dec 2026: D3 is Fri 1 Jan 2027, a holiday in France."""
    calendar = make(library, "FOLFOX-6", D(2026, 12, 30), cycles=2, country="FR")
    pump_off = day(calendar.cycles[0], 3)
    assert pump_off.date == D(2027, 1, 1)
    assert pump_off.flags == ("pump_off", "holiday")
    assert pump_off.holiday == "New Year's Day"
    assert calendar.cycles[1].start_date == D(2027, 1, 13)


def test_leap_day_inside_a_cycle(library: Library) -> None:
    """XELIRI from Sun 20 Feb 2028: D10 is Tue 29 Feb, D14 is 4 Mar, cycle 2 is 12 Mar.

    20 February + 9 days = 29 February (2028 is a leap year); 20 + 21 = 41 − 29 = 12 March.
    """
    calendar = make(library, "XELIRI", D(2028, 2, 20), cycles=2)
    first = calendar.cycles[0]
    assert (day(first, 10).date, day(first, 10).weekday) == (D(2028, 2, 29), "Tuesday")
    assert day(first, 11).date == D(2028, 3, 1)
    assert day(first, 14).date == D(2028, 3, 4)
    assert [d.day for d in first.days] == list(range(1, 15))  # oral days 1-14, nothing after
    assert calendar.cycles[1].start_date == D(2028, 3, 12)


@pytest.mark.parametrize(
    ("start", "pump_off", "second"),
    [
        pytest.param(D(2028, 2, 28), D(2028, 3, 1), D(2028, 3, 13), id="2028-leap"),
        pytest.param(D(2027, 2, 28), D(2027, 3, 2), D(2027, 3, 14), id="2027-not-leap"),
    ],
)
def test_pump_off_across_29_february(
    library: Library, start: dt.date, pump_off: dt.date, second: dt.date
) -> None:
    """FOLFOX-6 from 28 Feb: D3 is 1 Mar in 2028 (29 Feb between) but 2 Mar in 2027."""
    calendar = make(library, "FOLFOX-6", start, cycles=2)
    assert day(calendar.cycles[0], 3).date == pump_off
    assert calendar.cycles[1].start_date == second


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    cycles=st.integers(min_value=1, max_value=8),
)
def test_dates_are_day_arithmetic(start: dt.date, cycles: int) -> None:
    """Without delays or moves, day N of cycle n is start + (n − 1) × 21 + N − 1 days."""
    calendar = make(load_library(use_env=False), "XELIRI", start, cycles=cycles)
    for cycle in calendar.cycles:
        assert cycle.start_date == cycle.planned_start_date
        for item in cycle.days:
            offset = (cycle.cycle - 1) * 21 + item.day - 1
            assert item.date.toordinal() == start.toordinal() + offset
            assert item.weekday == WEEKDAYS[item.date.weekday()]


# --- what is given, where ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_day", "hours", "expected"),
    [
        pytest.param(1, 46, 3, id="FOLFOX-46h"),
        pytest.param(1, 48, 3, id="48h"),
        pytest.param(1, 24, 2, id="24h"),
        pytest.param(1, 22, 2, id="22h"),
        pytest.param(1, 96, 5, id="96h"),
        pytest.param(8, 46, 10, id="46h-from-D8"),
    ],
)
def test_pump_off_day(start_day: int, hours: float, expected: int) -> None:
    """The pump comes off on start day + ceil(hours / 24): 46 h from D1 → D3."""
    assert pump_off_day(start_day, hours) == expected


@pytest.mark.parametrize("half_hours", range(1, 241), ids=lambda n: f"{n / 2:g}h")
def test_pump_off_day_is_never_before_the_pump_is_empty(half_hours: int) -> None:
    """The day given is the earliest that is never before the real end, whatever the
    time of connection on the start day (the safety rule of the module docstring).

    Connected at hour t of day 1 (0 <= t < 24), a pump of h hours is empty on day
    1 + floor((t + h) / 24); the latest t, just before midnight, gives the latest day.
    Checked in exact fractions for every half hour from 0.5 h to 120 h.
    """
    hours = Fraction(half_hours, 2)
    latest_start = 24 - Fraction(1, 10**6)
    empty_on = {1 + math.floor((t + hours) / 24) for t in (Fraction(0), Fraction(8), latest_start)}
    assert pump_off_day(1, float(hours)) == max(empty_on)


def test_folfox_clinic_day_and_pump_off_day(library: Library) -> None:
    """FOLFOX-6 from Mon 5 Jan 2026: D1 clinic (pump on), D3 Wed 7 Jan pump off, nothing else."""
    cycle = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1).cycles[0]
    assert [d.day for d in cycle.days] == [1, 3]
    first, third = cycle.days
    assert (first.visit, first.flags) == ("clinic", ("pump_on",))
    assert [(a.drug, a.route, a.method) for a in first.administrations] == [
        ("oxaliplatin", "IV", "infusion"),
        ("folinic acid", "IV", "infusion"),
        ("fluorouracil", "IV", "bolus"),
        ("fluorouracil", "IV", "continuous_infusion"),
    ]
    assert (third.date, third.visit, third.flags) == (D(2026, 1, 7), "pump_off", ("pump_off",))
    assert third.administrations == ()
    (pump,) = third.pump_off
    assert (pump.drug, pump.started_day, pump.started_date, pump.duration_h) == (
        "fluorouracil",
        1,
        D(2026, 1, 5),
        46.0,
    )


def test_oral_days_are_home_days_and_not_flagged(library: Library) -> None:
    """XELIRI: D1 (irinotecan IV) is a clinic day; D2–14 capecitabine at home, weekend or not."""
    cycle = make(library, "XELIRI", D(2026, 1, 5), cycles=1, country="FR").cycles[0]
    assert cycle.days[0].visit == "clinic"
    assert {d.visit for d in cycle.days[1:]} == {"home"}
    saturday = day(cycle, 6)
    assert (saturday.date, saturday.weekday, saturday.flags) == (D(2026, 1, 10), "Saturday", ())


# --- delays -----------------------------------------------------------------------------


def test_single_delay_moves_that_cycle_and_the_later_ones(library: Library) -> None:
    """Cycle 3 of 12 delayed 7 days: 2 Feb → 9 Feb; cycle 12 planned 8 Jun, given 15 Jun 2026."""
    delay = Delay(cycle=3, days=7, reason="neutropenia")
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=12, delays=(delay,))
    second, third, fourth, last = (calendar.cycles[i] for i in (1, 2, 3, 11))
    assert (second.start_date, second.shift_days, second.delay_days) == (D(2026, 1, 19), 0, 0)
    assert (third.planned_start_date, third.start_date) == (D(2026, 2, 2), D(2026, 2, 9))
    assert (third.delay_days, third.delay_reason, third.shift_days) == (7, "neutropenia", 7)
    assert third.days[0].flags == ("delayed", "pump_on")
    assert day(third, 3).date == D(2026, 2, 11)
    assert (fourth.planned_start_date, fourth.start_date) == (D(2026, 2, 16), D(2026, 2, 23))
    assert (fourth.delay_days, fourth.shift_days, fourth.days[0].flags) == (0, 7, ("pump_on",))
    assert (last.planned_start_date, last.start_date) == (D(2026, 6, 8), D(2026, 6, 15))


def test_repeated_delays_add_up(library: Library) -> None:
    """Cycle 3 +7 and cycle 6 +14: cycle 6 planned 16 Mar, given Mon 6 Apr 2026 (Easter Monday).

    9 Feb → 23 Feb → 9 Mar → 23 Mar + 14 = 6 April; cycle 12: 8 June + 21 = 29 June.
    """
    delays = (Delay(cycle=3, days=7), Delay(cycle=6, days=14, reason="fever"))
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=12, delays=delays, country="FR")
    sixth, last = calendar.cycles[5], calendar.cycles[11]
    assert (sixth.planned_start_date, sixth.start_date) == (D(2026, 3, 16), D(2026, 4, 6))
    assert (sixth.delay_days, sixth.shift_days) == (14, 21)
    assert sixth.days[0].flags == ("delayed", "pump_on", "holiday")
    assert sixth.days[0].holiday == "Easter Monday"
    assert (last.start_date, last.shift_days) == (D(2026, 6, 29), 21)
    assert [c.delay_days for c in calendar.cycles] == [0, 0, 7, 0, 0, 14, 0, 0, 0, 0, 0, 0]


def test_delay_of_cycle_1(library: Library) -> None:
    """A delayed first cycle starts later than --start, and the course follows it."""
    calendar = make(library, "DOCETAXEL", D(2026, 1, 5), cycles=2, delays=(Delay(cycle=1, days=3),))
    assert starts(calendar) == [D(2026, 1, 8), D(2026, 1, 29)]
    assert calendar.start_date == D(2026, 1, 5)


def test_delay_of_a_cycle_that_does_not_exist(library: Library) -> None:
    """A delay for cycle 13 of a 12-cycle calendar is refused, naming both numbers."""
    with pytest.raises(InputError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=12, delays=(Delay(cycle=13, days=7),))
    assert str(caught.value) == (
        "delay: cycle 13 does not exist: this calendar has 12 cycles (1 to 12)"
    )
    assert caught.value.field == "delay"


def test_a_cycle_delayed_twice_is_refused() -> None:
    """Two delays for one cycle are refused (a typo or a total?): give the total once."""
    with pytest.raises(InputError, match=r"cycle 3 is delayed twice .* e\.g\. 3=14"):
        CalendarOptions(delays=(Delay(cycle=3, days=7), Delay(cycle=3, days=7)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3=7", Delay(cycle=3, days=7), id="plain"),
        pytest.param(" 3 = 7 ", Delay(cycle=3, days=7), id="spaces"),
        pytest.param(
            "3=7:neutropenia: ANC 0.9",
            Delay(cycle=3, days=7, reason="neutropenia: ANC 0.9"),
            id="reason-with-colon",
        ),
        pytest.param("3=7:", Delay(cycle=3, days=7), id="empty-reason"),
    ],
)
def test_parse_delay(text: str, expected: Delay) -> None:
    """CYCLE=DAYS[:REASON]; the reason is everything after the first colon."""
    assert parse_delay(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("3", "is not CYCLE=DAYS", id="no-days"),
        pytest.param("3=x", "is not CYCLE=DAYS", id="not-a-number"),
        pytest.param("3=-7", "-7 days is not a postponement", id="negative"),
        pytest.param("3=0", "0 days is not a postponement", id="zero"),
        pytest.param("0=7", "cycle 0 does not exist", id="cycle-0"),
        pytest.param("3=400", "give 1 to 365 days", id="too-long"),
    ],
)
def test_parse_delay_refuses(text: str, message: str) -> None:
    """A malformed delay is a one-line error naming the field and what is accepted."""
    with pytest.raises(InputError, match=message) as caught:
        parse_delay(text)
    assert caught.value.field == "delay"


def test_parse_delay_refusal_shows_an_example() -> None:
    """The whole message for a delay without days: the form and a worked example."""
    with pytest.raises(InputError) as caught:
        parse_delay("3")
    assert str(caught.value) == (
        "delay: '3' is not CYCLE=DAYS[:REASON] (e.g. 3=7:neutropenia postpones "
        "cycle 3 and the cycles after it by 7 days)"
    )


def test_delay_of_the_wrong_type_is_named_as_a_delay() -> None:
    """A reason that is not text: pydantic's reason, prefixed with 'delay reason', the value."""
    with pytest.raises(InputError) as caught:
        Delay(cycle=3, days=7, reason=5)
    assert str(caught.value) == "delay reason: Input should be a valid string (got 5)"
    assert caught.value.field == "reason"


# --- weekends and public holidays -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "holiday_date", "name"),
    [
        pytest.param(D(2026, 6, 30), D(2026, 7, 14), "National Day", id="14-july-2026"),
        pytest.param(D(2026, 12, 11), D(2026, 12, 25), "Christmas Day", id="christmas-2026"),
        pytest.param(D(2027, 3, 15), D(2027, 3, 29), "Easter Monday", id="easter-monday-2027"),
    ],
)
def test_french_holidays_flag_clinic_days(
    library: Library, start: dt.date, holiday_date: dt.date, name: str
) -> None:
    """Cycle 2 of FOLFOX-6 falls on a French public holiday: flagged, with its name."""
    calendar = make(library, "FOLFOX-6", start, cycles=2, country="fr")
    assert calendar.country == "FR"
    first_day = calendar.cycles[1].days[0]
    assert first_day.date == holiday_date
    assert first_day.flags == ("pump_on", "holiday")
    assert first_day.holiday == name
    assert calendar.cycles[0].days[0].flags == ("pump_on",)


def test_weekend_flag_without_a_country(library: Library) -> None:
    """Day 1 on Sat 3 Jan 2026 is flagged weekend even without --country (Sat and Sun)."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 3), cycles=1)
    assert calendar.weekend_days == ("Saturday", "Sunday")
    assert calendar.cycles[0].days[0].flags == ("pump_on", "weekend")
    assert calendar.cycles[0].days[0].holiday is None


def test_unknown_country(library: Library) -> None:
    """An unknown country code is a one-line error saying how to list the valid codes."""
    with pytest.raises(UnknownNameError, match=r"unknown country code 'XX'.*list_supported") as e:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, country="XX")
    assert e.value.field == "country"
    assert "\n" not in str(e.value)


def test_unknown_subdivision(library: Library) -> None:
    """A subdivision the holidays package does not know is refused with the known ones.

    The known ones start with the 16 German Länder, ISO 3166-2:DE codes in alphabetical
    order (BB Brandenburg ... TH Thüringen), comma-separated.
    """
    with pytest.raises(UnknownNameError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, country="DE-XX")
    assert str(caught.value).startswith(
        "country: DE has no subdivision 'XX' in the holidays package (known: BB, BE, BW, BY, "
        "HB, HE, HH, MV, NI, NW, RP, SH, SL, SN, ST, TH"
    )
    assert caught.value.field == "country"


def test_subdivision_of_a_country_without_any(library: Library) -> None:
    """Luxembourg has no subdivisions in the holidays package: 'known: none', not blank."""
    with pytest.raises(UnknownNameError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, country="LU-XX")
    assert str(caught.value) == (
        "country: LU has no subdivision 'XX' in the holidays package (known: none)"
    )
    assert caught.value.field == "country"


def test_subdivision_holidays_are_flagged(library: Library) -> None:
    """Epiphany (Tue 6 Jan 2026) is a public holiday in Bavaria, not in all of Germany.

    Bavarian Feiertagsgesetz, Art. 1(1): Heilige Drei Könige (6 January) is a holiday in
    Bavaria; the federal holidays do not include it. 1 January 2026 is a Thursday, so
    6 January is a Tuesday.
    """
    bavaria = make(library, "FOLFOX-6", D(2026, 1, 6), cycles=1, country="DE-BY").cycles[0]
    assert (bavaria.days[0].flags, bavaria.days[0].holiday) == (
        ("pump_on", "holiday"),
        "Epiphany",
    )
    germany = make(library, "FOLFOX-6", D(2026, 1, 6), cycles=1, country="DE").cycles[0]
    assert (germany.days[0].flags, germany.days[0].holiday) == (("pump_on",), None)


def test_holiday_names_are_english_whatever_the_locale(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a French locale (LANGUAGE=fr), 14 July is still 'National Day', as in the output.

    The holidays package otherwise names holidays in the machine's language ('Fête
    nationale'); the rest of the output is English.
    """
    monkeypatch.setenv("LANGUAGE", "fr")
    calendar = make(library, "FOLFOX-6", D(2026, 6, 30), cycles=2, country="FR")
    assert calendar.cycles[1].days[0].holiday == "National Day"


# --- --avoid ----------------------------------------------------------------------------


def test_avoid_weekends_moves_day_1_and_the_course_follows(library: Library) -> None:
    """Day 1 on Sat 3 Jan 2026 moves to Mon 5 Jan; cycle 2 is 14 days later, 19 Jan."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 3), cycles=2, avoid=("weekends",))
    first, second = calendar.cycles
    assert (first.planned_start_date, first.start_date, first.moved_from) == (
        D(2026, 1, 3),
        D(2026, 1, 5),
        D(2026, 1, 3),
    )
    assert [(r.code, r.date) for r in first.moved_reasons] == [
        ("weekend", D(2026, 1, 3)),
        ("weekend", D(2026, 1, 4)),
    ]
    assert moved_text(first) == "2026-01-03 Saturday (weekend); 2026-01-04 Sunday (weekend)"
    assert first.shift_days == 2
    assert first.days[0].flags == ("moved", "pump_on")
    assert (second.planned_start_date, second.start_date) == (D(2026, 1, 17), D(2026, 1, 19))
    assert (second.moved_from, second.shift_days) == (None, 2)


def test_avoid_holidays_easter_monday_2027(library: Library) -> None:
    """Cycle 2 on Easter Monday 29 Mar 2027 moves to Tue 30 Mar; cycle 3 is Tue 13 Apr."""
    calendar = make(
        library, "FOLFOX-6", D(2027, 3, 15), cycles=3, country="FR", avoid=("holidays",)
    )
    second, third = calendar.cycles[1], calendar.cycles[2]
    assert (second.moved_from, second.start_date) == (D(2027, 3, 29), D(2027, 3, 30))
    (reason,) = second.moved_reasons
    assert (reason.code, reason.date) == ("holiday", D(2027, 3, 29))
    assert reason.params == {"name": "Easter Monday", "country": "FR"}
    assert moved_text(second) == "2027-03-29 Easter Monday (public holiday in FR)"
    assert day(second, 3).date == D(2027, 4, 1)
    assert (third.planned_start_date, third.start_date) == (D(2027, 4, 12), D(2027, 4, 13))


def test_avoid_weekends_and_holidays_skips_the_easter_weekend(library: Library) -> None:
    """Sat 27 Mar 2027 → Tue 30 Mar: Saturday, Sunday and Easter Monday are skipped."""
    calendar = make(
        library,
        "FOLFOX-6",
        D(2027, 3, 27),
        cycles=1,
        country="FR",
        avoid=("weekends", "holidays"),
    )
    cycle = calendar.cycles[0]
    assert cycle.start_date == D(2027, 3, 30)
    assert [r.code for r in cycle.moved_reasons] == ["weekend", "weekend", "holiday"]
    assert moved_text(cycle) == (
        "2027-03-27 Saturday (weekend); 2027-03-28 Sunday (weekend); "
        "2027-03-29 Easter Monday (public holiday in FR)"
    )


def test_avoid_weekends_only_lands_on_a_flagged_holiday(library: Library) -> None:
    """Avoiding weekends only, Sat 27 Mar 2027 moves to Easter Monday, flagged holiday."""
    calendar = make(
        library, "FOLFOX-6", D(2027, 3, 27), cycles=1, country="FR", avoid=("weekends",)
    )
    first_day = calendar.cycles[0].days[0]
    assert first_day.date == D(2027, 3, 29)
    assert first_day.flags == ("moved", "pump_on", "holiday")


def test_delay_then_move(library: Library) -> None:
    """Cycle 2 delayed 5 days lands on Sat 24 Jan 2026, then moves to Mon 26 Jan (+7 in all)."""
    calendar = make(
        library,
        "FOLFOX-6",
        D(2026, 1, 5),
        cycles=3,
        delays=(Delay(cycle=2, days=5),),
        avoid=("weekends",),
    )
    second, third = calendar.cycles[1], calendar.cycles[2]
    assert (second.moved_from, second.start_date) == (D(2026, 1, 24), D(2026, 1, 26))
    assert (second.delay_days, second.shift_days) == (5, 7)
    assert second.days[0].flags == ("delayed", "moved", "pump_on")
    assert third.start_date == D(2026, 2, 9)


def test_avoid_leaves_other_clinic_days_flagged(library: Library) -> None:
    """Only day 1 moves: a pump-off on Saturday (D1 Thu 8 Jan 2026) stays, flagged weekend."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 8), cycles=1, avoid=("weekends",))
    pump_off = day(calendar.cycles[0], 3)
    assert (pump_off.date, pump_off.flags) == (D(2026, 1, 10), ("pump_off", "weekend"))


def test_avoid_holidays_needs_a_country(library: Library) -> None:
    """--avoid holidays without --country cannot know the holidays: refused."""
    with pytest.raises(MissingInputError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, avoid=("holidays",))
    assert str(caught.value) == (
        "avoid: holidays needs the country whose public holidays to avoid "
        "(country: an ISO code such as FR)"
    )
    assert caught.value.field == "avoid"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        pytest.param("weekends,holidays", ("weekends", "holidays"), id="both"),
        pytest.param(["holidays", "weekend"], ("weekends", "holidays"), id="repeated-singular"),
        pytest.param("Holidays", ("holidays",), id="case"),
        pytest.param("weekends,,holidays", ("weekends", "holidays"), id="empty-between"),
        pytest.param(",holidays", ("holidays",), id="empty-first"),
    ],
)
def test_parse_avoid(texts: str | list[str], expected: tuple[str, ...]) -> None:
    """weekends and/or holidays, comma-separated or repeated, singular or plural."""
    assert parse_avoid(texts) == expected


def test_parse_avoid_refuses_other_words() -> None:
    """Anything but weekends/holidays is refused, naming what is accepted."""
    with pytest.raises(InputError) as caught:
        parse_avoid("weekends,sundays")
    assert str(caught.value) == (
        "avoid: 'sundays' is not something to avoid: give weekends, holidays, or weekends,holidays"
    )
    assert caught.value.field == "avoid"


# --- supportive rhythm and doses --------------------------------------------------------


def test_folfox_zoledronic_acid_rhythm(library: Library) -> None:
    """Zoledronic acid on day 1 of FOLFOX-6 cycles 1, 3, 5: 5 Jan, 2 Feb, 2 Mar 2026 (28 days)."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=6, supportive=("ZOLEDRONIC-ACID",))
    given = [c.cycle for c in calendar.cycles if c.supportive == ("ZOLEDRONIC-ACID",)]
    assert given == [1, 3, 5]
    dates = [
        d.date
        for c in calendar.cycles
        for d in c.days
        if any(a.drug == "zoledronic acid" for a in d.administrations)
    ]
    assert dates == [D(2026, 1, 5), D(2026, 2, 2), D(2026, 3, 2)]
    last = calendar.cycles[0].days[0].administrations[-1]
    assert (last.drug, last.regimen, last.order) == ("zoledronic acid", "ZOLEDRONIC-ACID", 1)
    assert [r.id for r in calendar.supportive] == ["ZOLEDRONIC-ACID"]


def test_rhythm_agrees_with_the_dose_sheet(library: Library) -> None:
    """In every cycle, the calendar gives zoledronic acid exactly when the dose sheet does."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=8, supportive=("ZOLEDRONIC-ACID",))
    patient = make_patient(height=170, weight=70, crcl=80)
    for cycle in calendar.cycles:
        sheet = compute_sheet(
            library,
            "FOLFOX-6",
            patient,
            SheetOptions(cycle=cycle.cycle),
            supportive=["ZOLEDRONIC-ACID"],
        )
        on_sheet = any(a.regimen != "FOLFOX-6" for d in sheet.days for a in d.administrations)
        assert on_sheet == bool(cycle.supportive), cycle.cycle


def test_doses_from_the_dose_sheet(library: Library) -> None:
    """170 cm, 70 kg: BSA 1.82 m²; oxaliplatin 85 × 1.82 = 154.7 → 155 mg, 5-FU 728 + 4368 mg."""
    patient = make_patient(height=170, weight=70, crcl=80)
    calendar = build_calendar(
        library,
        "FOLFOX-6",
        D(2026, 1, 5),
        CalendarOptions(cycles=3, supportive=("zometa",)),
        patient=patient,
    )
    assert calendar.dosing is not None
    assert (calendar.dosing.bsa_m2, calendar.dosing.crcl_ml_min) == (1.82, 80.0)
    for cycle in calendar.cycles:
        doses = {
            (a.drug, a.method): a.dose.dose_mg
            for a in cycle.days[0].administrations
            if a.dose is not None
        }
        expected = {
            ("oxaliplatin", "infusion"): 155,
            ("folinic acid", "infusion"): 728,
            ("fluorouracil", "bolus"): 728,
            ("fluorouracil", "continuous_infusion"): 4368,
        }
        if cycle.cycle != 2:
            expected[("zoledronic acid", "infusion")] = 4.0
        assert doses == expected, cycle.cycle
    assert not calendar.blocking


def test_each_cycle_has_its_own_sheet(library: Library) -> None:
    """Cycle 2's warnings are cycle 2's sheet's: zoledronic acid (cycles 1, 3, 5) is not in it.

    The library gives zoledronic acid with FOLFOX-6 every 2 cycles from cycle 1, so the
    sheet of cycle 2 says it is not given; cycle 1's does not.
    """
    patient = make_patient(height=170, weight=70, crcl=80)
    calendar = build_calendar(
        library,
        "FOLFOX-6",
        D(2026, 1, 5),
        CalendarOptions(cycles=2, supportive=("ZOLEDRONIC-ACID",)),
        patient=patient,
    )
    first, second = calendar.cycles
    assert [w.code for w in first.warnings if w.code == "SUPPORTIVE_NOT_THIS_CYCLE"] == []
    (note,) = [w for w in second.warnings if w.code == "SUPPORTIVE_NOT_THIS_CYCLE"]
    assert (
        message(note)
        == "Zoledronic acid 4 mg every 3 to 4 weeks is not given in cycle 2 of FOLFOX-6"
    )
    assert note.params["cycle"] == "2"


def test_without_a_patient_there_are_no_doses(library: Library) -> None:
    """Without measurements the calendar carries dates only: every dose is None."""
    calendar = make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1)
    assert calendar.dosing is None
    assert all(a.dose is None for d in calendar.cycles[0].days for a in d.administrations)


def test_blocking_dose_warning_marks_the_calendar(library: Library) -> None:
    """EOX at CrCl 25 mL/min: capecitabine contraindicated, withheld; the calendar is blocking."""
    patient = make_patient(height=180, weight=80, crcl=25)
    calendar = build_calendar(
        library, "EOX", D(2026, 1, 5), CalendarOptions(cycles=1), patient=patient
    )
    assert calendar.blocking
    cape = [a for a in calendar.cycles[0].days[1].administrations if a.drug == "capecitabine"]
    assert cape[0].dose is not None
    assert cape[0].dose.withheld


# --- options and inputs -----------------------------------------------------------------


def test_cycles_default_needs_a_usual_number(library: Library) -> None:
    """FOLFOX-6 has no usual number of cycles: the calendar asks for one rather than guess."""
    with pytest.raises(MissingInputError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5))
    assert str(caught.value) == (
        "cycles: FOLFOX-6 has no usual number of cycles in the library: "
        "give the number of cycles (1 to 100)"
    )
    assert caught.value.field == "cycles"


@pytest.mark.parametrize("cycles", [0, 101])
def test_cycles_out_of_range(cycles: int) -> None:
    """The number of cycles is 1 to 100 (as for the dose sheet)."""
    with pytest.raises(InputError, match=f"cycles: {cycles} is not a number of cycles"):
        CalendarOptions(cycles=cycles)


def test_supportive_given_twice(library: Library) -> None:
    """The same supportive regimen under two names is refused, not given twice."""
    with pytest.raises(InputError) as caught:
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, supportive=("zometa", "ZOLEDRONATE"))
    assert str(caught.value) == "with: ZOLEDRONIC-ACID is given twice: name it once"
    assert caught.value.field == "with"


def test_option_of_the_wrong_type_is_named_as_an_option() -> None:
    """A country that is not text: pydantic's reason, prefixed with 'option country', the value."""
    with pytest.raises(InputError) as caught:
        CalendarOptions(country=5)
    assert str(caught.value) == "option country: Input should be a valid string (got 5)"
    assert caught.value.field == "country"


def test_a_regimen_object_is_accepted_as_well_as_its_name(library: Library) -> None:
    """build_calendar takes the Regimen itself: FOLFOX-6 from 5 Jan 2026, cycle 2 on 19 Jan."""
    calendar = build_calendar(
        library, library.get("FOLFOX-6"), D(2026, 1, 5), CalendarOptions(cycles=2)
    )
    assert calendar.regimen.id == "FOLFOX-6"
    assert starts(calendar) == [D(2026, 1, 5), D(2026, 1, 19)]


def test_non_supportive_with(library: Library) -> None:
    """--with a chemotherapy regimen is refused by the dose sheet's own rule."""
    with pytest.raises(InputError, match="EOX is not a supportive regimen"):
        make(library, "FOLFOX-6", D(2026, 1, 5), cycles=1, supportive=("EOX",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", D(2026, 1, 5)),
        ("2028-02-29", D(2028, 2, 29)),
        (" 2026-12-31 ", D(2026, 12, 31)),
    ],
)
def test_parse_iso_date(text: str, expected: dt.date) -> None:
    """YYYY-MM-DD is read as it is written (29 February 2028 exists)."""
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("2026-02-30", "day is out of range for month", id="30-february"),
        pytest.param("2027-02-29", "day is out of range for month", id="29-february-2027"),
        pytest.param("2026-13-01", "month must be in 1..12", id="month-13"),
        pytest.param("2026-2-3", "not a date written YYYY-MM-DD", id="no-zero-padding"),
        pytest.param("05/01/2026", "not a date written YYYY-MM-DD", id="slashes"),
        pytest.param("20260105", "not a date written YYYY-MM-DD", id="basic-iso"),
    ],
)
def test_parse_iso_date_refuses(text: str, reason: str) -> None:
    """A date that does not exist or is not written YYYY-MM-DD is refused, never adjusted."""
    with pytest.raises(InputError, match=reason) as caught:
        parse_iso_date(text)
    assert text in str(caught.value)
    assert caught.value.field == "start"


# --- contract ---------------------------------------------------------------------------


def test_checked_in_schema_is_current() -> None:
    """docs/calendar.schema.json equals what the Calendar model and its JSON renderer generate."""
    checked_in = json.loads((DOCS / "calendar.schema.json").read_text(encoding="utf-8"))
    assert checked_in == calendar_json_schema(), (
        "docs/calendar.schema.json is stale: regenerate it with python -c "
        "'import json; from regimens._render.calendar_json import calendar_json_schema as s; "
        "print(json.dumps(s(), indent=2, ensure_ascii=False))' > docs/calendar.schema.json"
    )


@pytest.mark.subprocess
def test_import_loads_no_heavy_module() -> None:
    """Importing the calendar calculator imports neither pint, holidays nor icalendar."""
    code = (
        "import sys, regimens._calc.calendar; "
        "heavy = ('pint', 'holidays', 'icalendar', 'tabulate'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


_LATE_PUMP_REGIMEN = """
# Test fixture: a made-up regimen; not for clinical use.
id = "LATE-PUMP"
name = "Fluorouracil 46 h pump started on day 2 (test fixture)"
description = "Test fixture: a continuous infusion that starts after day 1."
setting = "Tests only."
cycle_length_days = 14

[[references]]
citation = "Test fixture: no clinical source."

[[components]]
drug = "fluorouracil"
dose = "2400 mg/m2"
days = "2"
route = "IV"
method = "continuous_infusion"
duration = "46 h"
order = 1
source = "Test fixture"
"""


def test_pump_started_after_day_1_is_dated_from_its_own_day(tmp_path: Path) -> None:
    """A 46 h pump put on on day 2 (Tuesday 2026-03-31) comes off on day 4 (2026-04-02).

    By hand: day 2 of a cycle starting Monday 2026-03-30 is 2026-03-31; the pump-off day
    is day 2 + ceil(46 / 24) = day 4, 2026-04-02; the disconnection records the day and
    date the infusion was started.
    """
    (tmp_path / "late-pump.toml").write_text(_LATE_PUMP_REGIMEN, encoding="utf-8")
    library = load_library([tmp_path], use_env=False)
    calendar = build_calendar(library, "LATE-PUMP", dt.date(2026, 3, 30), CalendarOptions(cycles=2))
    days = {(day.day, day.date): day for day in calendar.cycles[1].days}
    assert sorted(days) == [(2, dt.date(2026, 4, 14)), (4, dt.date(2026, 4, 16))]
    first = {day.day: day for day in calendar.cycles[0].days}
    assert first[2].flags == ("pump_on",)
    (pump,) = first[4].pump_off
    assert (pump.started_day, pump.started_date, pump.duration_h) == (
        2,
        dt.date(2026, 3, 31),
        46.0,
    )
    assert first[4].date == dt.date(2026, 4, 2)


_SECOND_SUPPORTIVE_REGIMEN = """
# Test fixture: a made-up regimen; not for clinical use.
id = "ZOL-FROM-CYCLE-2"
name = "Zoledronic acid from cycle 2 (test fixture)"
description = "Test fixture: a second supportive regimen for FOLFOX-6, first given in cycle 2."
setting = "Tests only."
kind = "supportive"
cycle_length_days = 28

[[references]]
citation = "Test fixture: no clinical source."

[[components]]
drug = "zoledronic acid"
dose = "4 mg"
days = "1"
route = "IV"
method = "infusion"
duration = "15 min"
order = 1
source = "Test fixture"

[[given_with]]
regimen = "FOLFOX-6"
every_n_cycles = 2
first_cycle = 2
day = 1
source = "Test fixture"
"""


@pytest.fixture(scope="module")
def two_supportive(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The built-in library and a second supportive regimen for FOLFOX-6 (from cycle 2)."""
    folder = tmp_path_factory.mktemp("calendar_supportive")
    (folder / "zol-from-cycle-2.toml").write_text(_SECOND_SUPPORTIVE_REGIMEN, encoding="utf-8")
    return load_library([folder], use_env=False)


def test_the_regimen_given_twice_is_the_one_named(two_supportive: Library) -> None:
    """--with ZOLEDRONIC-ACID, ZOL-FROM-CYCLE-2 twice: the error names the one repeated."""
    with pytest.raises(InputError) as caught:
        make(
            two_supportive,
            "FOLFOX-6",
            D(2026, 1, 5),
            cycles=1,
            supportive=("ZOLEDRONIC-ACID", "ZOL-FROM-CYCLE-2", "zol-from-cycle-2"),
        )
    assert str(caught.value) == "with: ZOL-FROM-CYCLE-2 is given twice: name it once"


def test_supportive_first_given_in_cycle_2_has_its_dose(two_supportive: Library) -> None:
    """Zoledronic acid first given in cycle 2 carries cycle 2's dose: 4.0 mg at CrCl 80.

    Cycles 2 and 4 by the fixture's rhythm (every 2 from cycle 2); 4 mg with CrCl above
    60 mL/min (Zometa SmPC §4.2, drugs.toml), the same as in test_doses_from_the_dose_sheet.
    """
    patient = make_patient(height=170, weight=70, crcl=80)
    calendar = build_calendar(
        two_supportive,
        "FOLFOX-6",
        D(2026, 1, 5),
        CalendarOptions(cycles=3, supportive=("ZOL-FROM-CYCLE-2",)),
        patient=patient,
    )
    given = {
        cycle.cycle: [
            (a.regimen, a.dose.dose_mg if a.dose else None)
            for a in cycle.days[0].administrations
            if a.drug == "zoledronic acid"
        ]
        for cycle in calendar.cycles
    }
    assert given == {1: [], 2: [("ZOL-FROM-CYCLE-2", 4.0)], 3: []}


# --- the options' own checks (pydantic validators) ---------------------------------------


@pytest.mark.parametrize(
    ("cycle", "days"), [(1, 1), (100, 1), (1, 365)], ids=["first", "cycle-100", "365-days"]
)
def test_delay_accepts_its_whole_range(cycle: int, days: int) -> None:
    """Cycles 1 to 100 (MAX_CYCLES) and 1 to 365 days (MAX_DELAY_DAYS) are accepted,
    both ends included."""
    delay = Delay(cycle=cycle, days=days)
    assert (delay.cycle, delay.days) == (cycle, days)


@pytest.mark.parametrize(
    ("cycle", "days", "message"),
    [
        (101, 1, "delay: cycle 101 does not exist: cycles are numbered 1 to 100"),
        (1, 0, "delay: 0 days is not a postponement: give 1 to 365 days"),
        (1, 366, "delay: 366 days is not a postponement: give 1 to 365 days"),
    ],
    ids=["cycle-101", "0-days", "366-days"],
)
def test_delay_out_of_range_is_refused(cycle: int, days: int, message: str) -> None:
    """Just outside the range: refused, the message naming the limits."""
    with pytest.raises(InputError) as caught:
        Delay(cycle=cycle, days=days)
    assert (str(caught.value), caught.value.field) == (message, "delay")


def test_number_of_cycles_range() -> None:
    """1 to 100 cycles (MAX_CYCLES); 101 refused, naming --cycles."""
    assert CalendarOptions(cycles=1).cycles == 1
    assert CalendarOptions(cycles=100).cycles == 100
    with pytest.raises(InputError) as caught:
        CalendarOptions(cycles=101)
    assert str(caught.value) == "cycles: 101 is not a number of cycles: give 1 to 100"
    assert caught.value.field == "cycles"


def test_cycle_delayed_twice_names_the_delay_option() -> None:
    """Two delays of one cycle are refused (they are not added silently): field delay."""
    with pytest.raises(InputError) as caught:
        CalendarOptions(delays=(Delay(cycle=2, days=3), Delay(cycle=2, days=4)))
    assert str(caught.value) == (
        "delay: cycle 2 is delayed twice (3 and 4 days): give the total delay of a cycle "
        "once, e.g. 2=7"
    )
    assert caught.value.field == "delay"


def test_blank_country_is_refused() -> None:
    """A country of spaces is refused with an example, not taken as no country."""
    with pytest.raises(InputError) as caught:
        CalendarOptions(country="  ")
    assert str(caught.value) == "country: empty: give an ISO code such as FR"
    assert caught.value.field == "country"


@pytest.mark.parametrize(
    ("typed", "kept"), [(" fr ", "FR"), ("de-BY", "DE-BY"), ("de-by", "DE-by")]
)
def test_country_code_is_upper_cased_before_its_subdivision(typed: str, kept: str) -> None:
    """The ISO 3166-1 country code is upper-cased; a subdivision after the hyphen is kept
    as typed (the holidays package reads it)."""
    assert CalendarOptions(country=typed).country == kept


@pytest.mark.parametrize(
    ("make_it", "message"),
    [
        (
            lambda: Delay(cycle=True, days=7),
            "delay cycle: Input should be a valid integer (got True)",
        ),
        (
            lambda: Delay(cycle=2, days=True),
            "delay days: Input should be a valid integer (got True)",
        ),
        (
            lambda: CalendarOptions(cycles=True),
            "option cycles: Input should be a valid integer (got True)",
        ),
    ],
    ids=["delay cycle true", "delay days true", "cycles true"],
)
def test_a_boolean_is_not_a_cycle_or_a_number_of_days(make_it: Any, message: str) -> None:
    """Delay(cycle=True) is refused, not taken as cycle 1."""
    with pytest.raises(InputError) as caught:
        make_it()
    assert str(caught.value) == message

"""A cycle calendar as an iCalendar file (RFC 5545) for calendar applications.

All-day events with stable UIDs (:func:`event_uid`): one per clinic visit, one per pump
disconnection, one per run of oral days at home. Summaries and descriptions are in the
rendering's language, from the catalogue. icalendar is imported here only, when a
file is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

from regimens._models.calendar import Calendar, CalendarCycle, CalendarDay
from regimens._render._text import identity_rows
from regimens._render.calendar_words import (
    Words,
    flags_text,
    given_text,
    oral_drugs,
    oral_runs,
    pump_off_text,
    span,
)
from regimens._render.labels import Lang

__all__ = ["SEQUENCE_EPOCH", "calendar_ics", "event_sequence", "event_uid"]

#: SEQUENCE counts the days from this date to the event's first day.
SEQUENCE_EPOCH = dt.date(2020, 1, 1)


def event_uid(
    regimen_id: str, cycle: int, day: int, kind: str, course_key: str | None = None
) -> str:
    """A UID that names the event, not its date: ``folfox-6.c3.d1.clinic@regimens``.

    A re-export after a delay keeps every UID, so a calendar application moves the
    events instead of adding copies. ``course_key`` (a patient or course key) is added
    as a SHA-256 prefix: two patients' calendars do not collide and no identifier is
    written into the file in clear.
    """
    parts = [regimen_id.lower(), f"c{cycle}", f"d{day}", kind]
    if course_key:
        parts.append(hashlib.sha256(course_key.encode("utf-8")).hexdigest()[:16])
    return ".".join(parts) + "@regimens"


def event_sequence(first_date: dt.date) -> int:
    """An event's SEQUENCE: the days from :data:`SEQUENCE_EPOCH` to its first day.

    RFC 5545 §3.8.7.4: SEQUENCE is 0 when an event is created and is incremented each
    time the organizer makes a significant revision (a new DTSTART, DTEND...); an
    application holding the event takes a copy with the same UID and a *higher*
    SEQUENCE as an update of it (RFC 5546 §2.1.5), and may ignore one with an equal or
    lower SEQUENCE. The tool keeps no state between exports, so the number must come
    from the event itself:

    - the minutes since 2020 at export time (the earlier rule) gave two exports in the
      same minute the same SEQUENCE, so a calendar corrected by a delay could be taken
      as no update at all; and an unchanged event changed its number at every export;
    - the event's date does it without state: a delay or a move (``--avoid``) only ever
      postpones a cycle and every later one, so a moved event gets a higher SEQUENCE,
      by the days it moved, and an event that did not move keeps its number.

    What a date cannot show: an event moved *earlier* (a delay entered by mistake and
    removed, an earlier ``--start``) gets a lower SEQUENCE, and a change of the doses
    alone keeps it; for these, delete the calendar's events and import the new file
    (docs/calendar.md, "Updating after a delay").
    """
    return max(0, (first_date - SEQUENCE_EPOCH).days)


def _clinic_lines(cycle: CalendarCycle, day: CalendarDay, words: Words) -> list[str]:
    """A clinic visit's description: each parenteral drug, and when each pump comes off."""
    ends = {
        (pump.regimen, pump.order, pump.started_day): other
        for other in cycle.days
        for pump in other.pump_off
    }
    lines = []
    for item in day.administrations:
        if item.method == "oral":
            continue
        line = f"- {given_text(item, words, long=True)}"
        end = ends.get((item.regimen, item.order, day.day))
        if end is not None:
            line += words.calendar(
                "ics_pump_off_on",
                day=end.day,
                date=words.prose(end.date, "before"),
            )
        lines.append(line)
    return lines


def _when(days: list[CalendarDay], words: Words) -> str:
    """``Monday 2026-03-30`` or ``2026-04-01 to 2026-04-14``."""
    first, last = days[0], days[-1]
    if first is last:
        return words.calendar("ics_when_one", date=words.prose(first.date, "before"))
    return words.calendar(
        "ics_when_range",
        first=words.prose(first.date, "none"),
        last=words.prose(last.date, "none"),
    )


def calendar_ics(
    calendar: Calendar,
    *,
    course_key: str | None = None,
    stamp: dt.datetime | None = None,
    lang: Lang = "en",
    drug_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """An iCalendar file of all-day events with stable UIDs (:func:`event_uid`).

    One event per clinic visit (drugs in the description), one per pump
    disconnection, and one per run of oral days at home (capecitabine D1–14 is one
    event over 14 days). ``stamp`` (default: now, UTC) is every event's DTSTAMP and
    LAST-MODIFIED; SEQUENCE is :func:`event_sequence` of the event's first day, so a
    delayed or moved event carries a higher one and an unchanged event the same.
    """
    from icalendar import Calendar as ICalendar
    from icalendar import Event

    words = Words(lang, calendar.drug_names if drug_names is None else drug_names)
    stamp = stamp or dt.datetime.now(dt.UTC)
    regimen = calendar.regimen
    ics = ICalendar()
    ics.add("prodid", f"-//regimens {calendar.tool_version}//cycle calendar//EN")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("x-wr-calname", words.calendar("ics_name", regimen=regimen.id))
    # Who the course is for (issue 22): on the calendar as X- properties, for programs,
    # and on top of each event's description, for the person reading it.
    identity = identity_rows(calendar.patient_id, calendar.patient_name, calendar.patient_dob, lang)
    for key, value in (
        ("x-regimens-patient-id", calendar.patient_id),
        ("x-regimens-patient-name", calendar.patient_name),
        ("x-regimens-patient-dob", calendar.patient_dob),
    ):
        if value is not None:
            ics.add(key, str(value))
    who = "; ".join(f"{name}{words('colon')}{value}" for name, value in identity)
    flag_names = {
        "weekend": words("flag_weekend"),
        "holiday": words.calendar("ics_flag_holiday"),
    }

    def event(
        kind: str, cycle: CalendarCycle, days: list[CalendarDay], what: str, lines: list[str]
    ) -> None:
        first, last = days[0], days[-1]
        days_span = span(days, words)
        flagged = [flag_names[flag] for flag in ("weekend", "holiday") if flag in first.flags]
        summary = f"{regimen.id} C{cycle.cycle} {days_span}{words('colon')}{what}"
        flags = flags_text(cycle, first, words)
        flag_line = [words.calendar("ics_flags", flags=flags)] if flags and kind != "oral" else []
        heading = words.calendar(
            "ics_heading",
            regimen=regimen.id,
            cycle=cycle.cycle,
            span=days_span,
            when=_when(days, words),
        )
        item = Event()
        item.add("uid", event_uid(regimen.id, cycle.cycle, first.day, kind, course_key))
        item.add("dtstamp", stamp)
        item.add("last-modified", stamp)
        item.add("sequence", event_sequence(first.date))
        item.add("dtstart", first.date)
        item.add("dtend", last.date + dt.timedelta(days=1))  # all-day: the end is exclusive
        item.add("summary", summary + (f" [{', '.join(flagged)}]" if flagged else ""))
        item.add(
            "description",
            "\n".join(
                [
                    *([words("provisional")] if calendar.provisional else []),
                    *([who] if who else []),
                    heading,
                    *lines,
                    *flag_line,
                    "",
                    words("check_notice"),
                ]
            ),
        )
        item.add("transp", "TRANSPARENT" if kind == "oral" else "OPAQUE")
        ics.add_component(item)

    for cycle in calendar.cycles:
        for day in cycle.days:
            if day.visit == "clinic":
                clinic = _clinic_lines(cycle, day, words)
                event("clinic", cycle, [day], words.calendar("ics_clinic"), clinic)
            if day.pump_off:
                lines = [
                    "- "
                    + words.calendar(
                        "ics_connected",
                        pump=pump_off_text(pump, words),
                        date=words.date(pump.started_date),
                    )
                    for pump in day.pump_off
                ]
                where = words.calendar("ics_where")
                event("pump-off", cycle, [day], words.calendar("ics_pump_off"), [*lines, where])
        for run in oral_runs(cycle):
            items = [a for a in run[0].administrations if a.method == "oral"]
            lines = [
                words.calendar("ics_at_home_heading"),
                *(f"- {given_text(item, words, long=True)}" for item in items),
            ]
            at_home = words("cal_at_home", drugs=oral_drugs(run[0], words))
            event("oral", cycle, run, at_home, lines)
    return str(ics.to_ical(), "utf-8")

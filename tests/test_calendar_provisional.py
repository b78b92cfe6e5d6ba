"""A calendar with doses computed for planning only (``--provisional``) says so on top of
every format, as a provisional sheet does (issue 17: "PROVISIONAL — not for
administration"); a calendar without doses, or with a renal function, does not."""

from __future__ import annotations

import json

import pytest

from conftest import run

CALENDAR = "calendar FOLFOX-6 --start 2026-03-30 --cycles 2 --height 170 --weight 70"
BANNER = {"en": "PROVISIONAL — not for administration", "fr": "PROVISOIRE — ne pas administrer"}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("fmt", ["table", "grid", "markdown", "csv", "html", "ics"])
def test_provisional_calendar_says_so_on_top(fmt: str, lang: str) -> None:
    """FOLFOX-6 with measurements but no renal function: exit 3 without --provisional;
    with it, exit 0 and the banner in the first lines of every text format."""
    assert run(f"{CALENDAR} --format {fmt} --lang {lang}")[0] == 3
    code, out, _ = run(f"{CALENDAR} --provisional --format {fmt} --lang {lang}")
    assert code == 0
    if fmt == "ics":  # in each event's description
        assert out.count(BANNER[lang][:10]) == out.count("BEGIN:VEVENT") > 0
    elif fmt == "html":  # above the title
        assert -1 < out.find(BANNER[lang]) < out.find("<h1>")
    else:
        head = "\n".join(out.splitlines()[:12])
        assert BANNER[lang] in head


def test_provisional_calendar_json() -> None:
    """JSON: ``"provisional": true`` at the top level, false with a renal function."""
    code, out, _ = run(f"{CALENDAR} --provisional --format json")
    assert code == 0
    assert json.loads(out)["provisional"] is True
    code, out, _ = run(f"{CALENDAR} --crcl 90 --format json")
    assert code == 0
    assert json.loads(out)["provisional"] is False


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("calendar FOLFOX-6 --start 2026-03-30 --cycles 2", id="no doses"),
        pytest.param(f"{CALENDAR} --crcl 90", id="renal function given"),
    ],
)
def test_calendar_not_provisional_has_no_banner(command: str) -> None:
    """No banner where the calendar is not provisional."""
    code, out, _ = run(f"{command} --format table")
    assert code == 0
    assert "PROVISIONAL" not in out

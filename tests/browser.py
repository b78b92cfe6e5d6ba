"""Headless Chromium for the tests of printable HTML (dose sheet, calendar).

CI installs Debian's chromium; locally the tests that need it are skipped when it is
absent, never in CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["dump_dom", "needs_chromium", "print_pdf"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(
    _chromium() is None and not os.environ.get("CI"),
    reason="chromium is not installed (CI installs it and runs this test)",
)


def _flags(profile: Path) -> list[str]:
    browser = _chromium()
    assert browser is not None, "CI must install Debian's chromium for this test"
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM of ``page`` after Chromium has parsed and laid it out."""
    return subprocess.run(
        [*_flags(profile), "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def print_pdf(page: Path, pdf: Path, profile: Path) -> bytes:
    """``page`` printed to ``pdf`` as Chromium prints it (its @page rules apply)."""
    subprocess.run(
        [*_flags(profile), f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return pdf.read_bytes()

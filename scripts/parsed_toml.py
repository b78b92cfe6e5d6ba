"""Rewrite src/regimens/_read/parsed_toml.txt, tomllib's parse of each built-in library
file keyed by its SHA-256 (issue 23: it spares every command the TOML parsing), after a
file of regimen_library/ changed.

    python scripts/parsed_toml.py          # rewrite the file
    python scripts/parsed_toml.py --check  # exit 1 if it is not current
"""

from __future__ import annotations

import argparse
from pathlib import Path

from regimens._read.parsed_toml import PARSED_FILE, parsed_text

LIBRARY = Path(__file__).resolve().parent.parent / "regimen_library"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = parsed_text(sorted(LIBRARY.glob("*.toml")))
    if args.check:
        current = PARSED_FILE.read_text(encoding="utf-8") if PARSED_FILE.exists() else ""
        if current != text:
            print(f"{PARSED_FILE} is not current: run python scripts/parsed_toml.py")
            return 1
        return 0
    PARSED_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

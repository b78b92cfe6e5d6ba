"""Rewrite src/regimens/_read/parsed_toml.txt, tomllib's parse of each built-in library
file keyed by its SHA-256 (issue 23: it spares every command the TOML parsing), and
src/regimens/_read/validated_library.bin, what validating each file gave (it spares
every command the validation), after a file of regimen_library/ or a module that
validation imports changed.

    python scripts/parsed_toml.py          # rewrite both files
    python scripts/parsed_toml.py --check  # exit 1 if either is not current
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from regimens._read.parsed_toml import PARSED_FILE, parsed_text
from regimens._read.validated import CACHE_FILE, FRESH_PROGRAM, header_of, same_sources

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
        shipped = header_of(CACHE_FILE.read_bytes()) if CACHE_FILE.exists() else None
        fresh = header_of(validated_bytes())
        if not same_sources(shipped, fresh):
            print(f"{CACHE_FILE} is not current: run python scripts/parsed_toml.py")
            return 1
        if shipped is not None and fresh is not None and shipped["versions"] != fresh["versions"]:
            # Not an error: the file is then not used, and every file is validated.
            print(f"{CACHE_FILE} was made with {shipped['versions']}, this is {fresh['versions']}")
        return 0
    PARSED_FILE.write_text(text, encoding="utf-8")
    CACHE_FILE.write_bytes(validated_bytes())
    return 0


def validated_bytes() -> bytes:
    """The validated library's file, made in a fresh process (with the parse just
    written), so that the modules it records are those that validation imports."""
    done = subprocess.run([sys.executable, "-c", FRESH_PROGRAM], capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode(errors="replace"))
    return done.stdout


if __name__ == "__main__":
    raise SystemExit(main())

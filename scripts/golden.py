"""Rewrite the golden outputs of tests/golden_cases.py in tests/golden/ (after an intended
change; say in CHANGELOG.md what changed).

    python scripts/golden.py          # rewrite every file
    python scripts/golden.py --check  # list the cases whose output differs; exit 1 if any
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import golden_cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    golden_cases.FOLDER.mkdir(exist_ok=True)
    differ = []
    for name in golden_cases.CASES:
        text = golden_cases.run_case(name)
        path = golden_cases.FOLDER / name
        if not args.check:
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            differ.append(name)
    for name in differ:
        print(name)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

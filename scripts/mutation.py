"""Mutation testing of the clinical core with mutmut; prints the score per module.

    python scripts/mutation.py                      # every module of the clinical core
    python scripts/mutation.py _rounding _bsa       # some of them
    python scripts/mutation.py _rounding --threshold 95   # exit 1 under 95 % killed
    python scripts/mutation.py _bsa --only 'x_round_bsa*' --threshold 95   # a CI sample
    python scripts/mutation.py _dosing --children 2          # with its usual test files
    python scripts/mutation.py _dosing --tests tests/test_dosing.py   # with these only
    python scripts/mutation.py _regimen --decorated   # the validators mutmut skips

The project is copied into a scratch directory (``--workdir``, default under the system
temp directory) so that a run neither sees nor disturbs edits made meanwhile; mutmut
works there in ``mutants/`` with the ``[tool.mutmut]`` settings of pyproject.toml,
restricted to the modules asked for. mutmut runs for each mutant only the tests that
call the mutated function (its per-test selection), chosen from the module's test
files (``TESTS``), one module after the other.

The score printed is the raw measured ratio (killed + timed out) / all mutants: a
timeout means the tests noticed. Survivors explained as equivalent in docs/testing.md
are NOT subtracted here; docs/testing.md gives both figures.
Needs the ``mutation`` extra: ``pip install -e '.[test,mutation]'``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The modules that compute numbers (issue 9); pyproject's [tool.mutmut] lists the same.
CORE = (
    "_calc.bsa",
    "_calc.renal",
    "_calc.rounding",
    "_calc.dosing",
    "_calc.dose",
    "_calc.organ",
    "_calc.pump",
    "_calc.maxima",
    "_calc.calendar",
    "_calc.course",
    "_models.regimen",
    "_read.regimen",
    "_models.calendar",
)
COPIED = (
    "pyproject.toml",
    "README.md",
    "CHANGELOG.md",
    "src",
    "tests",
    "docs",
    "regimen_library",
    "scripts",
    "benchmarks",
)
#: The test files mutmut may choose from, per module: those that assert the module's
#: values (docs/testing.md, "Scores", were measured with these). Left to choose among all
#: of tests/, mutmut runs every test that calls the mutated function: hours for _dosing.
TESTS = {
    "_calc.bsa": ["tests/test_bsa.py", "tests/test_fast_paths.py", "tests/test_measures.py"],
    "_calc.renal": ["tests/test_renal.py", "tests/test_measures.py", "tests/test_patient.py"],
    "_calc.rounding": [
        "tests/test_rounding.py",
        "tests/test_fast_paths.py",
        "tests/test_dosing.py",
    ],
    "_calc.dosing": [
        "tests/test_dosing.py",
        "tests/test_sheet.py",
        "tests/test_sheet_schema.py",
        "tests/test_cli_sheet.py",
        "tests/test_fast_paths.py",
        "tests/test_bad_input.py",
        "tests/test_outputs.py",
        "tests/test_check.py",
        "tests/test_cli_check.py",
        "tests/test_calendar.py",
        "tests/test_course.py",
        "tests/test_batch.py",
        "tests/test_cli_batch.py",
        "tests/test_docs.py",
        "tests/test_fhir.py",
        "tests/test_calendar_outputs.py",
    ],
    # The order of operations was split out of _calc.dosing (issue 16): the same tests.
    "_calc.dose": ["tests/test_dosing.py", "tests/test_sheet.py", "tests/test_outputs.py"],
    "_calc.organ": ["tests/test_dosing.py", "tests/test_renal.py", "tests/test_outputs.py"],
    "_calc.pump": ["tests/test_dosing.py", "tests/test_outputs.py", "tests/test_docs.py"],
    "_calc.maxima": ["tests/test_maxima.py"],
    "_calc.calendar": [
        "tests/test_calendar.py",
        "tests/test_cli_calendar.py",
        "tests/test_calendar_outputs.py",
    ],
    "_models.calendar": [
        "tests/test_calendar.py",
        "tests/test_cli_calendar.py",
        "tests/test_calendar_outputs.py",
    ],
    "_calc.course": [
        "tests/test_course.py",
        "tests/test_cli_course.py",
        "tests/test_course_parsing.py",
        "tests/test_course_limits.py",
    ],
    "_models.regimen": ["tests/test_regimen.py", "tests/test_library.py"],
    # The dose, day and unit parsers moved out of _models.regimen (issue 16).
    "_read.regimen": ["tests/test_regimen.py", "tests/test_library.py"],
}
KILLED = {1, 3}  # mutmut: tests failed (3: pytest internal error, also a kill)
TIMEOUT = {24, -24, 36, 152, 255}


def _path(module: str) -> str:
    """``_calc.bsa`` → ``_calc/bsa``: the module's file under src/regimens, without .py."""
    return module.replace(".", "/")


def _resolve(name: str) -> str:
    """A module of CORE from its dotted name or its last part (``bsa``, ``_bsa``)."""
    short = name.lstrip("_").rsplit(".", 1)[-1]
    matches = [module for module in CORE if module == name or module.endswith(f".{short}")]
    return matches[0] if len(matches) == 1 else name


def _prepare(workdir: Path, module: str, tests: list[str]) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "mutants")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, workdir / name)
    pyproject = workdir / "pyproject.toml"
    text = _set_list(
        pyproject.read_text(encoding="utf-8"), "only_mutate", [f"src/regimens/{_path(module)}.py"]
    )
    if tests:
        # Only these test files are candidates for mutmut's per-mutant test selection.
        text = _set_list(text, "pytest_add_cli_args_test_selection", tests)
    pyproject.write_text(text, encoding="utf-8")


def _set_list(text: str, key: str, values: list[str]) -> str:
    """Replace the list ``key = [...]`` of pyproject's [tool.mutmut] with ``values``."""
    listed = ", ".join(f'"{value}"' for value in values)
    text, count = re.subn(rf"{key} = \[.*?\]", f"{key} = [{listed}]", text, count=1, flags=re.S)
    if count != 1:
        raise SystemExit(f"pyproject.toml has no [tool.mutmut] {key} list")
    return text


def _results(workdir: Path, module: str) -> dict[str, int | None]:
    meta = workdir / "mutants" / "src" / "regimens" / f"{_path(module)}.py.meta"
    data = json.loads(meta.read_text(encoding="utf-8"))
    codes: dict[str, int | None] = data["exit_code_by_key"]
    return codes


@dataclass
class Result:
    """The outcome of mutating one module."""

    module: str
    mutants: int
    killed: int
    timeout: int
    survived: list[str]
    other: list[str]  # not checked, no tests, suspicious...
    seconds: float

    @property
    def score(self) -> float:
        return 100 * (self.killed + self.timeout) / self.mutants if self.mutants else 100.0


def run_module(
    module: str, workdir: Path, children: int, only: list[str], tests: list[str]
) -> Result:
    """Mutate one module (or its mutants matching ``only``); return counts and time."""
    _prepare(workdir, module, tests)
    names = [f"regimens.{module}.{pattern}" for pattern in only]
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names],
        cwd=workdir,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    codes = _results(workdir, module)
    if names:
        codes = {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, n) for n in names)}
    killed = sum(code in KILLED for code in codes.values())
    timeouts = sum(code in TIMEOUT for code in codes.values())
    survived = sorted(name for name, code in codes.items() if code == 0)
    other = sorted(
        name for name, code in codes.items() if code not in KILLED | TIMEOUT and code != 0
    )
    return Result(module, len(codes), killed, timeouts, survived, other, seconds)


def _decorated_bodies(code: str) -> list[tuple[str, int, int]]:
    """(qualified name, first line, last line) of the body of each decorated function."""
    import ast

    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if child.decorator_list:
                    end = child.end_lineno or child.body[-1].lineno
                    found.append((f"{prefix}{child.name}", child.body[0].lineno, end))
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(code), "")
    return found


def _decorated_mutants(code: str, filename: str) -> list[tuple[str, str]]:
    """(name, mutated source) for mutmut's mutations inside decorated functions.

    mutmut 3 does not mutate a function with a decorator other than @staticmethod or
    @classmethod (its trampoline cannot wrap one): pydantic validators, properties. Its
    own operators are applied to those bodies here, with that skip turned off.
    """
    import difflib

    import libcst as cst
    from mutmut.mutation import file_mutation as fm

    original_skip = fm.MutationVisitor._skip_node_and_children

    def skip(self: object, node: object) -> bool:
        if isinstance(node, cst.FunctionDef) and node.decorators:
            return False
        return bool(original_skip(self, node))

    fm.MutationVisitor._skip_node_and_children = skip
    try:
        module, mutations, *_ = fm.create_mutations(filename, code)
    finally:
        fm.MutationVisitor._skip_node_and_children = original_skip
    bodies = _decorated_bodies(code)
    lines = code.splitlines()
    numbered: dict[str, int] = {}
    mutants = []
    for mutation in mutations:
        new = fm.deep_replace(module, mutation.original_node, mutation.mutated_node).code
        matcher = difflib.SequenceMatcher(None, lines, new.splitlines(), autojunk=False)
        changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        if not changed:
            continue
        line = changed[0][1] + 1
        owners = [name for name, first, last in bodies if first <= line <= last]
        if not owners:
            continue
        owner = owners[-1]  # the innermost
        numbered[owner] = numbered.get(owner, 0) + 1
        mutants.append((f"{owner}__decorated_{numbered[owner]}", new))
    return mutants


def run_decorated(module: str, workdir: Path, only: list[str], tests: list[str]) -> Result:
    """Mutate the decorated functions of one module, one mutant at a time (pytest -x)."""
    _prepare(workdir, module, tests)
    target = workdir / "src" / "regimens" / f"{_path(module)}.py"
    code = target.read_text(encoding="utf-8")
    mutants = [
        (name, new)
        for name, new in _decorated_mutants(code, target.name)
        if not only or any(fnmatch.fnmatch(name, pattern) for pattern in only)
    ]
    env = {**os.environ, "PYTHONPATH": str(workdir / "src")}
    killed, timeouts, survived = 0, 0, []
    started = time.monotonic()
    try:
        for name, new in mutants:
            target.write_text(new, encoding="utf-8")
            command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
            try:
                process = subprocess.run(
                    [*command, *(tests or ["tests/"])],
                    cwd=workdir,
                    env=env,
                    capture_output=True,
                    timeout=600,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                timeouts += 1
                continue
            if process.returncode == 0:
                survived.append(f"regimens.{module}.{name}")
            else:
                killed += 1
    finally:
        target.write_text(code, encoding="utf-8")
    seconds = time.monotonic() - started
    return Result(f"{module} (decorated)", len(mutants), killed, timeouts, survived, [], seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(CORE), help="e.g. _rounding _bsa")
    parser.add_argument("--threshold", type=float, default=None, help="fail under this %%")
    parser.add_argument("--children", type=int, default=1, help="parallel mutant workers")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch directory")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="mutant glob within the module, e.g. 'x_round_bsa*' (repeatable)",
    )
    parser.add_argument(
        "--tests",
        action="append",
        default=[],
        help="the test files mutmut may select from, e.g. tests/test_dosing.py "
        "(repeatable; default: the module's list in TESTS)",
    )
    parser.add_argument(
        "--decorated",
        action="store_true",
        help="mutate the decorated functions (validators, properties) that mutmut skips",
    )
    parser.add_argument(
        "--all-tests",
        action="store_true",
        help="let mutmut select from every test file (slow: hours for _dosing)",
    )
    args = parser.parse_args()
    modules = [_resolve(m) for m in args.modules]
    unknown = [m for m in modules if m not in CORE]
    if unknown:
        parser.error(f"not a clinical-core module: {', '.join(unknown)}; choose from {CORE}")
    base = args.workdir or Path(tempfile.gettempdir()) / "regimens-mutation"
    failed = False
    results = []
    for module in modules:
        tests = [] if args.all_tests else args.tests or TESTS[module]
        if args.decorated:
            result = run_decorated(module, base / module, args.only, tests)
        else:
            result = run_module(module, base / module, args.children, args.only, tests)
        results.append(result)
        if not args.json:
            print(
                f"{result.module}: {result.score:.1f}% killed ({result.killed} killed, "
                f"{result.timeout} timeout, {len(result.survived)} survived, "
                f"{len(result.other)} other, of {result.mutants}) in {result.seconds:.0f} s",
                flush=True,
            )
            for name in result.survived + result.other:
                print(f"    not killed: {name}", flush=True)
        if args.threshold is not None and result.score < args.threshold:
            failed = True
    if args.json:
        print(json.dumps([{**vars(r), "score": round(r.score, 1)} for r in results], indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``regimens`` process's stand-in for ``importlib.metadata`` while tabulate loads
(src/regimens/_cli/_startup.py, issue 23).

tabulate 0.10 asks ``importlib.metadata.version("tabulate")`` at its top, which imports
``importlib.metadata`` and the ``email`` package and scans every installed distribution:
65 M instructions of a ``regimens next`` (docs/performance.md, seventh pass). These tests
check behaviour, not time: the table is drawn, tabulate's version is still right, the
real ``importlib.metadata`` is what anyone importing it afterwards gets, and ``import
regimens`` alone changes nothing.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from regimens._cli._startup import _metadata_stand_in

_SHEET = ["sheet", "FOLFOX-6", "--height", "170", "--weight", "70", "--crcl", "90"]

_IN_THE_CLI = """import contextlib, io, json, sys
from regimens._cli import main
out = io.StringIO()
code = 0
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
import tabulate
light = "importlib.metadata" not in sys.modules
finders = [type(f).__name__ for f in sys.meta_path]
import importlib.metadata
real = importlib.metadata.version("tabulate")
print(json.dumps([code, "Dose sheet: FOLFOX-6" in out.getvalue(), light, finders,
                  tabulate.__version__, real, type(importlib.metadata).__name__]))
"""


@pytest.mark.subprocess
def test_the_cli_draws_its_table_without_importlib_metadata() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IN_THE_CLI, *_SHEET], capture_output=True, text=True, check=True
    )
    code, drawn, light, finders, version, real, real_module = json.loads(done.stdout)
    assert (code, drawn, light) == (0, True, True)
    assert "_TabulateFinder" not in finders  # it removed itself
    # tabulate's own version, as the real importlib.metadata reads it in this process
    assert version == real == importlib.metadata.version("tabulate")
    assert real_module == "module"  # importing it afterwards gives the real module


_AS_A_LIBRARY = """import json, sys
import regimens
from regimens._render.sheet import sheet_table
from regimens._read.patient import make_patient
library = regimens.load_library()
sheet = regimens.compute_sheet(library, "FOLFOX-6", make_patient(height=170, weight=70, crcl=90))
drawn = "FOLFOX-6" in sheet_table(sheet)
import tabulate
print(json.dumps([drawn, "importlib.metadata" in sys.modules, tabulate.__version__]))
"""


@pytest.mark.subprocess
def test_import_regimens_leaves_tabulate_as_it_is() -> None:
    """Only the ``regimens`` process uses the stand-in: a program that imports the
    library imports tabulate the usual way."""
    done = subprocess.run(
        [sys.executable, "-c", _AS_A_LIBRARY], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [True, True, importlib.metadata.version("tabulate")]


def test_the_stand_in_reads_the_version_from_the_dist_info_directory(tmp_path: Path) -> None:
    (tmp_path / "tabulate").mkdir()
    (tmp_path / "tabulate-0.10.0.dist-info").mkdir()
    (tmp_path / "tabulator-9.9.dist-info").mkdir()  # another distribution's
    assert _metadata_stand_in(str(tmp_path)).version("tabulate") == "0.10.0"


@pytest.mark.parametrize(
    "directories", [[], ["tabulate-0.9.0.dist-info", "tabulate-0.10.0.dist-info"]]
)
def test_the_stand_in_says_not_found_when_the_version_is_not_one(
    tmp_path: Path, directories: list[str]
) -> None:
    """No dist-info, or two of them: tabulate's own PackageNotFoundError path ("unknown"),
    never a guessed version."""
    for name in directories:
        (tmp_path / name).mkdir()
    stand_in = _metadata_stand_in(str(tmp_path))
    with pytest.raises(stand_in.PackageNotFoundError):
        stand_in.version("tabulate")
    assert issubclass(stand_in.PackageNotFoundError, ModuleNotFoundError)
    # a directory that cannot be read says the same
    with pytest.raises(stand_in.PackageNotFoundError):
        _metadata_stand_in(str(tmp_path / "missing")).version("tabulate")


def test_tabulate_asks_importlib_metadata_only_what_the_stand_in_has() -> None:
    """The names tabulate imports from importlib.metadata are the stand-in's. A tabulate
    release that asks for more still works (the name is the real module's, imported
    then) but would lose the saving: this test says so."""
    import tabulate

    tree = ast.parse(Path(tabulate.__file__ or "").read_text(encoding="utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "importlib.metadata"
        for alias in node.names
    }
    assert names <= {"version", "PackageNotFoundError"}
    assert not [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import) and any(a.name == "importlib.metadata" for a in node.names)
    ]


_A_TABULATE_THAT_ASKS_MORE = """import json, sys
sys.path.insert(0, sys.argv[1])
from regimens._cli._startup import import_tabulate_lightly
import_tabulate_lightly()
import tabulate
import importlib.metadata
print(json.dumps([tabulate.RUNS, tabulate.FOUND, tabulate.VERSION,
                  type(sys.modules["importlib.metadata"]).__name__,
                  importlib.metadata.distributions is tabulate.distributions]))
"""


def _with_fake_tabulate(folder: Path, body: str, script: str) -> Any:
    """Run ``script`` (its printed JSON returned) with a fake tabulate of ``body`` first
    on sys.path, beside a ``tabulate-7.7.dist-info`` directory."""
    package = folder / "tabulate"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import builtins\n"
        "RUNS = getattr(builtins, '_tabulate_runs', 0) + 1\n"
        "builtins._tabulate_runs = RUNS\n" + body,
        encoding="utf-8",
    )
    (folder / "tabulate-7.7.dist-info").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.subprocess
def test_a_name_the_stand_in_lacks_is_the_real_module_s(tmp_path: Path) -> None:
    """A later tabulate (or a module it imports, such as wcwidth) importing a name the
    stand-in lacks gets the real importlib.metadata's, which then takes its place."""
    body = (
        "from importlib.metadata import version, distributions\n"
        "FOUND = callable(distributions)\n"
        "VERSION = version('tabulate')\n"
    )
    # ``version`` was taken from the stand-in (it has that name): read from the
    # fake's tabulate-7.7.dist-info directory.
    found = _with_fake_tabulate(tmp_path, body, _A_TABULATE_THAT_ASKS_MORE)
    assert found == [1, True, "7.7", "module", True]


_A_TABULATE_THAT_IMPORTS_A_SUBMODULE = """import json, sys
sys.path.insert(0, sys.argv[1])
from regimens._cli._startup import import_tabulate_lightly
import_tabulate_lightly()
import tabulate
print(json.dumps([tabulate.RUNS, tabulate.FOUND,
                  type(sys.modules["importlib.metadata"]).__name__]))
"""


@pytest.mark.subprocess
def test_a_submodule_asked_of_the_stand_in_runs_tabulate_again(tmp_path: Path) -> None:
    """The stand-in has no submodules: tabulate's top runs again with the real module."""
    body = "from importlib.metadata._adapters import Message\nFOUND = Message is not None\n"
    found = _with_fake_tabulate(tmp_path, body, _A_TABULATE_THAT_IMPORTS_A_SUBMODULE)
    assert found == [2, True, "module"]

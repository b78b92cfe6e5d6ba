"""Shared test set-up: the built-in library, the CLI as a user runs it, clean caches.

- ``library``: the built-in library, loaded once per session (without the
  ``REGIMENS_LIBRARY`` directories of whoever runs the tests).
- :func:`invoke`, :func:`run`, :func:`run_words`: the CLI run in-process with click's
  runner, as a user types it, without a user library. Tests import them
  (``from conftest import run``); the ``subprocess`` marker is for the cases that start
  a real process.
- :func:`validate_json`: a document checked against a published schema of docs/.

Every test computes from scratch: the package's memo caches (rounding results, learnt
unit conversions) are emptied before each test. A test then exercises the calculation
itself, not an answer another test left behind, and a mutation tester that forks after
a clean run cannot have a mutant hidden behind a cached result. tests/test_fast_paths.py
checks the caches themselves.
"""

from __future__ import annotations

import json
import shlex
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from regimens._calc import rounding as _rounding
from regimens._cli import main
from regimens._read import units as _units
from regimens._read.library import Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    """The built-in library, loaded once for the whole run."""
    return load_library(use_env=False)


def given_mg(sheet: Any, drug: str) -> list[float]:
    """The doses of ``drug`` a sheet gives (mg, or the order's own unit), day by day, leaving
    out those withheld: what a treatment-day rule leaves to give."""
    return [
        a.dose_mg
        for day in sheet.days
        for a in day.administrations
        if a.drug == drug and not a.withheld
    ]


def invoke(command: str | list[str], **kwargs: Any) -> Result:
    """Run ``regimens`` in-process: ``command`` as typed in a shell, or its list of words.

    ``REGIMENS_LIBRARY`` is unset for the run: only the built-in library and the
    ``--library`` directories of the command are read.
    """
    words = shlex.split(command) if isinstance(command, str) else command
    return CliRunner(env={"REGIMENS_LIBRARY": None}).invoke(main, words, **kwargs)


def run(command: str | list[str], **kwargs: Any) -> tuple[int, str, str]:
    """The exit status, stdout and stderr of ``regimens`` run as :func:`invoke` does."""
    result = invoke(command, **kwargs)
    return result.exit_code, result.stdout, result.stderr


def run_words(*words: str) -> tuple[int, str, str]:
    """:func:`run` given the command's words one by one: ``run_words("bsa", "--height", "170")``."""
    return run(list(words))


@cache
def _validator(schema: Path) -> Any:
    document = json.loads(schema.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(document)
    validator.check_schema(document)
    return validator(document)


def validate_json(instance: object, schema: Path) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` follows the ``schema`` file.

    The schema is checked against its meta-schema once per run (``jsonschema.validate``
    does it at every call, most of its time for a small document).
    """
    _validator(schema).validate(instance)


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    _rounding._round_to_increment_cached.cache_clear()
    _rounding._round_to_tablets_cached.cache_clear()
    _units._CONVERSIONS.clear()

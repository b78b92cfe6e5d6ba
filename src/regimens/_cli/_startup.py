"""What the ``regimens`` process spares itself before it imports a command.

Two third-party imports read the metadata of every installed distribution, work that a
command line run once per dose sheet pays each time and never uses:

* pydantic, on the first model it builds, imports ``pydantic.plugin._loader``, which
  imports ``importlib.metadata`` (even with ``PYDANTIC_DISABLE_PLUGINS`` set) and reads
  the entry points of every installed distribution: 18 M instructions of a ``next``
  (1.4 %). The command line uses no pydantic plugin, so a loader that finds none takes
  its place (:func:`skip_pydantic_plugin_discovery`);
* tabulate 0.10 asks ``importlib.metadata.version("tabulate")`` at its top: importing
  ``importlib.metadata`` (and the ``email`` package) and scanning ``sys.path`` for
  distributions, 65-80 M instructions of every command that draws a table (about 6 %
  of a ``next``; docs/performance.md, seventh pass). While tabulate is imported, a
  stand-in for ``importlib.metadata`` answers ``version("tabulate")`` from the name of
  the ``tabulate-<version>.dist-info`` directory beside the package, so
  ``tabulate.__version__`` stays right (:func:`import_tabulate_lightly`). A name the
  stand-in lacks is the real module's (imported then); a submodule asked of it runs
  tabulate's top again with the real module.

Only the ``regimens`` process does this (:class:`regimens._cli.LazyGroup`):
``import regimens`` leaves pydantic and tabulate as they are for the program that
imports it. Neither stand-in stays: the pydantic loader is the process's for good but
finds nothing, and ``importlib.metadata`` is the real module again once tabulate is in.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.abc imports importlib.resources: not at run time
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

    _LoaderBase = Loader
else:
    _LoaderBase = object

__all__ = ["import_tabulate_lightly", "skip_pydantic_plugin_discovery"]


def skip_pydantic_plugin_discovery() -> None:
    """Put a pydantic plugin loader that finds no plugin in place of pydantic's own."""
    name = "pydantic.plugin._loader"
    if name in sys.modules:  # already loaded (a test runner, a second command): keep it
        return
    loader = types.ModuleType(name, "regimens' stand-in: no pydantic plugins in the CLI.")
    loader.PYDANTIC_ENTRY_POINT_GROUP = "pydantic"  # type: ignore[attr-defined]
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[name] = loader


def _no_plugins() -> tuple[()]:
    return ()


def import_tabulate_lightly() -> None:
    """Have the next ``import tabulate`` run with a stand-in ``importlib.metadata``.

    Nothing is imported now: a finder placed first on ``sys.meta_path`` waits for
    tabulate (a command whose output draws no table never imports it) and removes
    itself when it has found it.
    """
    if "tabulate" in sys.modules or "importlib.metadata" in sys.modules:
        return  # already there, or the real module is loaded and costs nothing more
    if not any(isinstance(finder, _TabulateFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _TabulateFinder())


class _TabulateFinder:
    """Finds tabulate as Python would (the finders after it), and wraps its loader."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname != "tabulate":
            return None
        sys.meta_path.remove(self)  # once only, whatever follows
        spec: ModuleSpec | None = None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)  # a legacy finder may have none
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        if spec is None or spec.loader is None or spec.origin is None:
            return spec
        spec.loader = _TabulateLoader(spec.loader, os.path.dirname(os.path.dirname(spec.origin)))
        return spec


class _TabulateLoader(_LoaderBase):
    """Runs tabulate's module with the stand-in ``importlib.metadata`` in place; anything
    else is its own loader's (``get_source`` for a traceback...)."""

    def __init__(self, loader: Loader, site: str) -> None:
        self._loader = loader
        self._site = site

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        name = "importlib.metadata"
        if name in sys.modules:  # imported meanwhile: nothing left to spare
            self._loader.exec_module(module)
            return
        sys.modules[name] = _metadata_stand_in(self._site)
        try:
            self._loader.exec_module(module)
        except ImportError:
            # A submodule asked of the stand-in (it has none): run tabulate's top again,
            # with the real module (slower, never wrong).
            _drop_stand_in(name)
            self._loader.exec_module(module)
        finally:
            _drop_stand_in(name)


def _drop_stand_in(name: str) -> None:
    if isinstance(sys.modules.get(name), _MetadataStandIn):
        del sys.modules[name]


class _MetadataStandIn(types.ModuleType):
    """The type of the stand-in, told apart from the real module by it.

    Any name it does not have (a module tabulate imports, such as wcwidth, asking for
    ``distributions``) is the real module's: the real ``importlib.metadata`` is imported
    then and takes the stand-in's place in ``sys.modules``.
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's own questions (__path__...)
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


class _NotFoundError(ModuleNotFoundError):
    """The stand-in's ``PackageNotFoundError`` (the real one is a ModuleNotFoundError)."""


def _metadata_stand_in(site: str) -> types.ModuleType:
    """An ``importlib.metadata`` with what tabulate's top uses: ``version`` and
    ``PackageNotFoundError``; a version read from ``<site>/tabulate-<v>.dist-info``."""

    def version(distribution: str) -> str:
        prefix, suffix = f"{distribution}-", ".dist-info"
        try:
            names = os.listdir(site)
        except OSError:
            names = []
        found = [
            name[len(prefix) : -len(suffix)]
            for name in names
            if name.startswith(prefix) and name.endswith(suffix)
        ]
        if len(found) != 1:  # none, or an ambiguous directory: say so, as tabulate would
            raise _NotFoundError(distribution)
        return found[0]

    module = _MetadataStandIn("importlib.metadata", "regimens' stand-in while tabulate loads.")
    module.version = version  # type: ignore[attr-defined]
    module.PackageNotFoundError = _NotFoundError  # type: ignore[attr-defined]
    return module

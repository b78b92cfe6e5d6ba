"""How a Parquet batch's processes give memory back (issue 23: < 150 MB in all).

A Parquet batch handles a chunk's sheets as a few large buffers (about 1 MB of JSON
for a chunk of 100 FOLFOX-6 rows, 4 MB for EOX) and loads pyarrow, whose allocator
keeps what it freed. Two settings of the batch's own process (never of a program that imports
``regimens``) keep the memory it holds near the memory it uses; each is measured in
docs/performance.md and left alone where the user set it:

* :func:`return_large_blocks`: glibc serves a block of 128 kB or more from its own
  mapping, returned when freed. By default glibc raises that threshold to the largest
  block freed so far, so that after the first chunk every chunk's buffers come from
  the heap, which keeps the most it ever held.
* :func:`arrow_default_pool` (before pyarrow is imported) and :func:`arrow_pool`
  (after): pyarrow allocates from jemalloc, which returns freed pages, rather than
  from its default mimalloc, which kept more and more of them as a long batch went
  on. The first reaches the Parquet reader's and writer's own buffers, which Arrow's
  C++ code takes from the default pool it chose, from ``ARROW_DEFAULT_MEMORY_POOL``,
  when pyarrow was imported; the second, pyarrow's own allocations.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["MMAP_THRESHOLD", "arrow_default_pool", "arrow_pool", "return_large_blocks"]

#: glibc's ``M_MMAP_THRESHOLD`` parameter of ``mallopt`` (malloc.h).
_M_MMAP_THRESHOLD = -3
#: Blocks from this size up have a mapping of their own (glibc's default start).
MMAP_THRESHOLD = 128 * 1024


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD` (inherited by the workers
    forked after it). False, and nothing done, on another C library or where the user
    set ``MALLOC_MMAP_THRESHOLD_``."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):  # not a POSIX system, or no such name
        return False
    if not libc or not libc.startswith("glibc"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def arrow_default_pool() -> bool:
    """Before pyarrow is imported, set ``ARROW_DEFAULT_MEMORY_POOL`` to jemalloc where
    the installed pyarrow was built with it (its ``arrow/util/config.h`` says so; Arrow
    would print a warning for a pool it lacks). False, and nothing done, where pyarrow
    is already imported or absent, or the user chose a pool."""
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ or "pyarrow" in sys.modules:
        return False
    import importlib.util

    try:
        spec = importlib.util.find_spec("pyarrow")
    except (ImportError, ValueError):
        return False
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        try:
            config = Path(folder, "include", "arrow", "util", "config.h").read_text("utf-8")
        except (OSError, UnicodeError):
            continue
        if "#define ARROW_JEMALLOC\n" in config:
            os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
            return True
    return False


def arrow_pool(pa: Any) -> bool:
    """Make jemalloc pyarrow's default pool. False, and nothing done, where pyarrow was
    built without it or the user chose another pool (``ARROW_DEFAULT_MEMORY_POOL``)."""
    if pa.default_memory_pool().backend_name == "jemalloc":  # arrow_default_pool's
        return True
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    pa.set_memory_pool(pool)
    return True

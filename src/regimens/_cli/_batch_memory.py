"""How a Parquet batch's processes give memory back (issue 23: < 150 MB in all).

A Parquet batch handles a chunk's sheets as a few large buffers (about 2 MB of JSON
for 200 FOLFOX-6 rows, 9 MB for EOX) and loads pyarrow, whose allocator keeps what it
freed. Two settings of the batch's own process (never of a program that imports
``regimens``) keep the memory it holds near the memory it uses; each is measured in
docs/performance.md and left alone where the user set it:

* :func:`return_large_blocks`: glibc serves a block of 128 kB or more from its own
  mapping, returned when freed. By default glibc raises that threshold to the largest
  block freed so far, so that after the first chunk every chunk's buffers come from
  the heap, which keeps the most it ever held.
* :func:`arrow_pool`: pyarrow allocates from jemalloc, which returns freed pages,
  rather than from its default mimalloc, which kept about 10 MB more here.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["MMAP_THRESHOLD", "arrow_pool", "return_large_blocks"]

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


def arrow_pool(pa: Any) -> bool:
    """Make jemalloc pyarrow's default pool. False, and nothing done, where pyarrow was
    built without it or the user chose a pool (``ARROW_DEFAULT_MEMORY_POOL``)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    pa.set_memory_pool(pool)
    return True

"""How a Parquet batch's processes give memory back (regimens._cli._batch_memory).

Both settings change the whole process, so each test runs in a fresh Python. The
figures they are for (peak memory of all the batch's processes) are benchmarks, in
docs/performance.md; these tests check that each setting is made, has its effect, and
is left alone where the user chose otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _python(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False


#: glibc's count of blocks in mappings of their own (mallinfo2's hblks, glibc 2.33+),
#: around one 1 MB block made after a 4 MB one was freed. By default glibc raises its
#: threshold to the 4 MB block's size when it is freed, so the 1 MB block comes from
#: the heap; with the threshold fixed at 128 kB, it has a mapping of its own.
_MAPPED_AFTER_FREE = """
import ctypes, sys
from regimens._cli._batch_memory import return_large_blocks
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
done = return_large_blocks() if sys.argv[-1] == "fix" else None
big = bytes(4_000_000)
del big
before = libc.mallinfo2().hblks
block = bytes(1_000_000)
print(done, libc.mallinfo2().hblks - before)
"""


@pytest.mark.subprocess
@pytest.mark.skipif(not _glibc(), reason="glibc's mallopt")
def test_large_blocks_are_returned_once_fixed() -> None:
    """return_large_blocks() succeeds on glibc and a 1 MB block is then mapped on its
    own (given back when freed) even after a larger one was freed."""
    code = _MAPPED_AFTER_FREE.replace("sys.argv[-1]", "{mode!r}")
    try:
        default = _python(code.format(mode="default"))
    except subprocess.CalledProcessError as exc:  # glibc before 2.33: no mallinfo2
        pytest.skip(f"no mallinfo2: {exc.stderr.strip().splitlines()[-1]}")
    assert default == "None 0\n"
    assert _python(code.format(mode="fix")) == "True 1\n"


@pytest.mark.subprocess
def test_large_blocks_left_alone_where_the_user_chose() -> None:
    """MALLOC_MMAP_THRESHOLD_ set: nothing is changed."""
    code = "from regimens._cli._batch_memory import return_large_blocks as f; print(f())"
    assert _python(code, MALLOC_MMAP_THRESHOLD_="65536") == "False\n"


@pytest.mark.subprocess
def test_arrow_pool_is_jemalloc() -> None:
    """pyarrow's default pool becomes jemalloc (where pyarrow has it), unless the user
    chose one with ARROW_DEFAULT_MEMORY_POOL."""
    pa = pytest.importorskip("pyarrow")
    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("pyarrow built without jemalloc")
    code = (
        "import pyarrow as pa\n"
        "from regimens._cli._batch_memory import arrow_pool\n"
        "print(arrow_pool(pa), pa.default_memory_pool().backend_name)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout == "True jemalloc\n"
    assert _python(code, ARROW_DEFAULT_MEMORY_POOL="system") == "False system\n"


@pytest.mark.subprocess
def test_a_parquet_batch_makes_both_settings(tmp_path: Path) -> None:
    """``regimens batch`` writing Parquet (in a fresh process, through its click
    command) makes both settings; writing JSON Lines makes neither."""
    pytest.importorskip("pyarrow")
    source = tmp_path / "cohort.csv"
    source.write_text("patient_id,height,weight,crcl\nA,170,70,90\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from unittest import mock\n"
        "from click.testing import CliRunner\n"
        "from regimens._cli import main\n"
        "from regimens._cli import _batch_memory as memory\n"
        "calls = []\n"
        "def spy(name):\n"
        "    real = getattr(memory, name)\n"
        "    return lambda *a: calls.append(name) or real(*a)\n"
        "with mock.patch.object(memory, 'return_large_blocks', spy('return_large_blocks')), "
        "mock.patch.object(memory, 'arrow_pool', spy('arrow_pool')):\n"
        "    result = CliRunner().invoke(main, sys.argv[1:])\n"
        "print(result.exit_code, sorted(calls))\n"
    )
    batch = ["batch", "--input", str(source), "--regimen", "FOLFOX-6", "--jobs", "1"]
    parquet = [*batch, "--output", str(tmp_path / "out.parquet")]
    jsonl = [*batch, "--output", str(tmp_path / "out.jsonl")]
    for arguments, expected in (
        (parquet, "0 ['arrow_pool', 'return_large_blocks']\n"),
        (jsonl, "0 []\n"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
        )
        assert done.stdout == expected

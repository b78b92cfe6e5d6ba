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
def test_a_parquet_batch_makes_every_setting(tmp_path: Path) -> None:
    """``regimens batch`` writing Parquet (in a fresh process, through its click
    command) makes every setting; writing JSON Lines makes none."""
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
        "mock.patch.object(memory, 'arrow_default_pool', spy('arrow_default_pool')), "
        "mock.patch.object(memory, 'arrow_pool', spy('arrow_pool')):\n"
        "    result = CliRunner().invoke(main, sys.argv[1:])\n"
        "print(result.exit_code, sorted(calls))\n"
    )
    batch = ["batch", "--input", str(source), "--regimen", "FOLFOX-6", "--jobs", "1"]
    parquet = [*batch, "--output", str(tmp_path / "out.parquet")]
    jsonl = [*batch, "--output", str(tmp_path / "out.jsonl")]
    for arguments, expected in (
        (parquet, "0 ['arrow_default_pool', 'arrow_pool', 'return_large_blocks']\n"),
        (jsonl, "0 []\n"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
        )
        assert done.stdout == expected


_DEFAULT_POOL = (
    "import os, sys\n"
    "from regimens._cli._batch_memory import arrow_default_pool\n"
    "if sys.argv[-1] == 'imported':\n"
    "    import pyarrow\n"
    "done = arrow_default_pool()\n"
    "import pyarrow as pa\n"
    "print(done, pa.default_memory_pool().backend_name)\n"
)


def _without_pool_variable() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "ARROW_DEFAULT_MEMORY_POOL"}


@pytest.mark.subprocess
def test_arrow_default_pool_before_pyarrow_is_imported() -> None:
    """Set before pyarrow is imported, jemalloc becomes the default pool of Arrow's C++
    code too (the one the Parquet writer's buffers come from); after, nothing is done;
    the user's choice is kept."""
    pa = pytest.importorskip("pyarrow")
    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("pyarrow built without jemalloc")

    def run(when: str, **env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _DEFAULT_POOL, when],
            capture_output=True,
            text=True,
            check=True,
            env={**_without_pool_variable(), **env},
        )
        assert done.stderr == ""  # no warning from Arrow
        return done.stdout

    assert run("first") == "True jemalloc\n"
    assert run("imported") == "False mimalloc\n"
    assert run("first", ARROW_DEFAULT_MEMORY_POOL="system") == "False system\n"


@pytest.mark.subprocess
def test_arrow_default_pool_needs_pyarrow_built_with_jemalloc(tmp_path: Path) -> None:
    """A pyarrow whose config.h has no ARROW_JEMALLOC (a stand-in package found first
    on the path), or no config.h: the variable is not set, so Arrow never warns of a
    pool it lacks."""
    code = (
        "import os\n"
        "from regimens._cli._batch_memory import arrow_default_pool\n"
        "print(arrow_default_pool(), os.environ.get('ARROW_DEFAULT_MEMORY_POOL'))\n"
    )
    package = tmp_path / "pyarrow"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    env = {**_without_pool_variable(), "PYTHONPATH": str(tmp_path)}
    for config in (None, "#define ARROW_MIMALLOC\n#define ARROW_JEMALLOC_VENDORED\n"):
        if config is not None:
            (package / "include" / "arrow" / "util").mkdir(parents=True)
            (package / "include" / "arrow" / "util" / "config.h").write_text(config)
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        assert done.stdout == "False None\n"
    (package / "include" / "arrow" / "util" / "config.h").write_text("#define ARROW_JEMALLOC\n")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout == "True jemalloc\n"


@pytest.mark.subprocess
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux /proc")
def test_reading_parquet_starts_no_thread(tmp_path: Path) -> None:
    """The Parquet reader is not pre-buffered: pre-buffering reads through pyarrow's
    I/O thread pool, whose threads and buffers held about 9 MB for the whole batch.
    Reading a file's every row starts no thread (counted in /proc, native ones too)."""
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    source = tmp_path / "cohort.parquet"
    count = 5_000
    pq.write_table(
        pa.table(
            {
                "patient_id": [f"P{n}" for n in range(count)],
                "height": [170.0] * count,
                "weight": [70.0] * count,
            }
        ),
        source,
        row_group_size=1_000,
    )
    code = (
        "import os, sys\n"
        "import pyarrow.parquet\n"
        "from regimens._read.parquet import read_parquet_rows\n"
        "threads = lambda: len(os.listdir('/proc/self/task'))\n"
        "before = threads()\n"
        "rows = sum(1 for _ in read_parquet_rows(sys.argv[1], regimen_given=True))\n"
        "print(rows, threads() - before)\n"
    )
    assert _python(code.replace("sys.argv[1]", repr(str(source)))) == f"{count} 0\n"

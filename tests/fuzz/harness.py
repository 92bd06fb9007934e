"""Shared driver of the atheris fuzz targets: scratch files, allowed errors, the fuzz loop.

A target is a function ``one_input(data: bytes) -> None`` that returns normally or raises
one of :data:`ALLOWED`; anything else (another exception, a hang, a crash of the process)
is a bug. :func:`fuzz_main` runs it under atheris (libFuzzer) with the structure-aware
mutator of :mod:`tests.fuzz.mutate`.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyedge
from pyedge.format import FormatError

ALLOWED = (FormatError, ValueError)
"""The only exceptions a malformed file may raise (GraphError is a ValueError)."""
CORPUS = Path(__file__).parent / "corpus"
"""Committed seeds and regression inputs, replayed by tests/fuzz/test_fuzz.py."""
MAX_LEN = 1 << 18  # largest input the fuzzers build (the demo model is ~128 KB)
_SCRATCH = Path("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir())


def scratch_file(data: bytes) -> str:
    """Write ``data`` to this process's scratch file (a fresh inode each time, so a model
    still mapping the previous input never sees its file shrink) and return the path."""
    path = str(_SCRATCH / f"pyedge-fuzz-{os.getpid()}.pedge")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    with open(path, "wb") as f:
        f.write(data)
    return path


def _instrument_pyedge() -> None:
    """Add atheris coverage to every pyedge function loaded (op modules preloaded)."""
    import atheris

    from pyedge.runtime.ops import MODULES, spec

    for op in MODULES:
        spec(op)
    for obj in gc.get_objects():
        if (callable(obj) and getattr(obj, "__module__", None) or "").startswith("pyedge") \
                and hasattr(obj, "__code__") and not hasattr(obj, "__self__"):
            try:
                atheris.instrument_func(obj)
            except Exception:  # noqa: BLE001 - some builtins wrappers cannot be patched
                pass


_SEEDS: list[bytes] = []  # well-formed inputs of the corpus dirs, restarted from at times


def _load_seeds(argv: list[str]) -> None:
    from tests.fuzz.mutate import parses

    for arg in argv[1:]:
        if not arg.startswith("-") and os.path.isdir(arg):
            for name in sorted(os.listdir(arg)):
                data = Path(arg, name).read_bytes()
                if len(data) <= MAX_LEN and parses(data):
                    _SEEDS.append(data)


def _mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """libFuzzer's byte mutations 10% of the time, else structure-aware ones; an input too
    broken to parse is replaced by a well-formed seed half of the time."""
    import atheris

    from tests.fuzz.mutate import mutate, parses

    rng = random.Random(seed)
    if rng.random() < 0.1:
        return atheris.Mutate(data, max_size)
    if _SEEDS and rng.random() < 0.5 and not parses(data):
        data = rng.choice(_SEEDS)
    try:
        return mutate(data, rng)[:max_size]
    except Exception:  # noqa: BLE001 - a mutator bug must not end the campaign
        return atheris.Mutate(data, max_size)


def fuzz_main(one_input: Callable[[bytes], None], argv: list[str] | None = None) -> None:
    """Run ``one_input`` under atheris; ``argv`` are libFuzzer flags and corpus dirs.

    Defaults added unless given: ``-timeout=10`` (a case running 10 s is a hang),
    ``-rss_limit_mb=3072`` and ``-max_len`` for the demo model.
    """
    import atheris

    argv = list(sys.argv if argv is None else argv)
    for flag, value in (("-timeout", "10"), ("-rss_limit_mb", "3072"),
                        ("-max_len", str(MAX_LEN))):
        if not any(a.startswith(flag + "=") for a in argv):
            argv.insert(1, f"{flag}={value}")
    pyedge.set_num_threads(1)  # tiny models: OpenMP wake-ups would dominate every case
    _instrument_pyedge()
    _load_seeds(argv)
    atheris.Setup(argv, one_input, custom_mutator=_mutator)
    atheris.Fuzz()

"""Fuzz target: the .pedge / safetensors reader on mutated bytes.

Every input is written to a scratch file and read with ``pyedge.format.read`` (checksums
on or off) and ``read_safetensors``; each tensor's first and last element are then read. Only
``pyedge.FormatError`` may escape. Run (from the repository root)::

    python -m tests.fuzz.seeds /tmp/fz-reader           # seed models + the demo model
    python -m tests.fuzz.fuzz_reader -runs=500000 /tmp/fz-reader tests/fuzz/corpus

(libFuzzer flags: ``-runs=N`` executions, ``-max_total_time=S``, ``-fork=1
-ignore_crashes=1`` to keep going after a crash). Crashing inputs are written to
``crash-*`` files; add them to ``tests/fuzz/corpus/`` with a regression test.
"""

from __future__ import annotations

from pyedge import format as pedge_format
from tests.fuzz.harness import fuzz_main, scratch_file


def _touch(tensors) -> None:
    """Read the first and last element of every array (a bad view would fault here)."""
    for arr in tensors.values():
        if arr.size:
            flat = arr.reshape(-1)
            flat[0] == flat[-1]  # noqa: B015 - the read is the point


def one_input(data: bytes) -> None:
    """Read ``data`` as a .pedge file (checksums on or off, by the last byte) and as a plain
    safetensors file; FormatError is the only allowed failure."""
    path = scratch_file(data)
    try:
        f = pedge_format.read(path, verify=not data or data[-1] % 2 == 0)
        repr(f)
        _touch(f.tensors)
    except pedge_format.FormatError:
        pass
    try:
        _touch(pedge_format.read_safetensors(path))
    except pedge_format.FormatError:
        pass


if __name__ == "__main__":
    fuzz_main(one_input)

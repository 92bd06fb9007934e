"""Atomic writes: a failure or crash mid-write leaves the previous file intact and no temp."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyedge import format as pf
from pyedge.format import writer

ROOT = Path(__file__).resolve().parents[2]
OLD = {"w": np.arange(100, dtype=np.float32)}
NEW = {"w": np.ones((1000, 100), np.float32), "b": np.zeros(1000, np.int32)}


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "m.pedge"
    pf.write(path, OLD)
    return path


def _intact(path):
    np.testing.assert_array_equal(pf.read(path).tensors["w"], OLD["w"])
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "temp file left"


@pytest.mark.parametrize("where", ["fsync", "replace", "write"])
@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_keeps_old_file(target, monkeypatch, where, exc):
    def boom(*args, **kwargs):
        raise exc

    if where == "write":
        calls = []

        def boom(arr):  # noqa: F811 -- fail on the first data chunk written after the header
            calls.append(1)
            if len(calls) > len(NEW):
                raise exc
            return memoryview(arr.reshape(-1).view(np.uint8))

        monkeypatch.setattr(writer, "_bytes", boom)
    else:
        monkeypatch.setattr(writer.os, where, boom)
    with pytest.raises(type(exc)):
        pf.write(target, NEW)
    monkeypatch.undo()
    _intact(target)


def test_killed_process_keeps_old_file(target):
    """A process killed between writing and renaming never exposes a partial target."""
    code = (
        "import os, numpy as np\n"
        "from pyedge.format import writer\n"
        "writer.os.fsync = lambda fd: os._exit(9)\n"
        f"writer.write({str(target)!r}, {{'w': np.ones(10**6, np.float32)}})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert proc.returncode == 9
    np.testing.assert_array_equal(pf.read(target).tensors["w"], OLD["w"])
    for p in target.parent.iterdir():  # only the orphaned temp can remain, never the target
        if p != target:
            assert p.name.startswith(".m.pedge.") and p.name.endswith(".tmp")


def test_overwrite_replaces_and_keeps_mode(target):
    os.chmod(target, 0o640)
    pf.write(target, NEW)
    got = pf.read(target).tensors
    assert got["w"].shape == (1000, 100) and got["b"].shape == (1000,)
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_readers_of_old_file_unaffected_by_overwrite(target):
    old = pf.read(target)
    pf.write(target, NEW)
    np.testing.assert_array_equal(old.tensors["w"], OLD["w"])  # the old inode stays mapped

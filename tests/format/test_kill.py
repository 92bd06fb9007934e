"""kill -9 at random points of repeated .pedge writes: the target always reads back whole.

A child process rewrites one 8 MB file in a loop (each version's tensor and recipe carry its
generation number); the parent kills it with SIGKILL at random moments. After every kill the
target must be a complete, checksum-valid earlier version, and the next write must succeed
and clear the orphaned temporary files.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from pyedge import format as pf
from pyedge.format import writer

ROOT = Path(__file__).resolve().parents[2]
SIZE = 2 * 1024 * 1024  # float32 elements (8 MB)
KILLS = 6
WRITER = """
import sys
import numpy as np
from pyedge import format as pf
path, size = sys.argv[1], int(sys.argv[2])
base = np.arange(size, dtype=np.float32)
gen = 0
while True:
    gen += 1
    pf.write(path, {"w": base + np.float32(gen % 1000), "gen": np.array(gen)},
             recipe={"gen": gen})
    print(gen, flush=True)
"""


def _check_version(path: Path) -> int:
    f = pf.read(path)  # structure and every CRC32
    gen = f.recipe["gen"]
    assert int(f.tensors["gen"]) == gen
    w = f.tensors["w"]
    assert w.shape == (SIZE,)
    assert w[0] == np.float32(gen % 1000) and w[-1] == np.float32(SIZE - 1 + gen % 1000)
    return gen


def test_kill_9_during_writes(tmp_path):
    path = tmp_path / "m.pedge"
    pf.write(path, {"w": np.arange(SIZE, dtype=np.float32), "gen": np.array(0)},
             recipe={"gen": 0})
    rng = random.Random(8)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seen = []
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(SIZE)], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # at least one complete write, then kill during later ones
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        seen.append(_check_version(path))
    assert all(g >= 1 for g in seen)
    # orphans from the kills are removed by the next write once they are ORPHAN_AGE old
    for p in tmp_path.iterdir():
        if p != path:
            os.utime(p, (time.time() - 2 * writer.ORPHAN_AGE,) * 2)
    pf.write(path, {"w": np.zeros(4, np.float32)})
    assert [p.name for p in tmp_path.iterdir()] == ["m.pedge"]
    np.testing.assert_array_equal(pf.read(path).tensors["w"], np.zeros(4, np.float32))


def test_live_writer_temp_is_not_removed(tmp_path):
    """A temp file locked by a running writer survives another write to the same path."""
    import fcntl

    path = tmp_path / "m.pedge"
    tmp = tmp_path / ".m.pedge.live.tmp"
    with open(tmp, "wb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        os.utime(tmp, (time.time() - 10,) * 2)
        pf.write(path, {"w": np.ones(3, np.float32)})
        assert tmp.exists()
    pf.write(path, {"w": np.ones(3, np.float32)})
    assert not tmp.exists()

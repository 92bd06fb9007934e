"""Several threads running one loaded model: outputs bit-identical to a single-threaded run.

Models: the shipped float32 demo CNN, an int8 model (QGemm + QConv) and one with CSR/BSR
sparse, codebook and int4 layers, each loaded from a file. Every thread feeds its own inputs
(two batch sizes, so shape plans are also made concurrently). ``tools/concurrency_soak.py``
runs the long version (8 threads x 1000 runs) and reports RSS.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import pyedge
from tests.fuzz.seeds import DEMO, encoded, int8

THREADS = 8
RUNS = 12  # per thread in CI; tools/concurrency_soak.py runs 1000


def model_files(directory) -> dict:
    """name -> path of the three test models (written to ``directory``)."""
    paths = {"float": DEMO}
    for name, build in (("int8", int8), ("sparse_codebook", encoded)):
        paths[name] = directory / f"{name}.pedge"
        build(np.random.default_rng(7)).save(paths[name])
    return paths


def thread_feeds(model, thread: int) -> dict:
    """Inputs of thread ``thread``: its own values, batch 1 or 3."""
    rng = np.random.default_rng(100 + thread)
    batch = 1 + 2 * (thread % 2)
    feeds = {}
    for v in model.inputs:
        shape = tuple(d if isinstance(d, int) else batch for d in v.shape)
        if v.dtype.kind == "f":
            feeds[v.name] = rng.standard_normal(shape).astype(v.dtype)
        else:
            feeds[v.name] = rng.integers(0, 256, shape).astype(v.dtype)
    return feeds


def run_threads(model, threads: int, runs: int, on_run=None) -> int:
    """Run ``model`` from ``threads`` threads ``runs`` times each; return the number of runs
    whose outputs differ (bitwise) from the single-threaded run of the same inputs."""
    feeds = [thread_feeds(model, t) for t in range(threads)]
    want = [{k: v.tobytes() for k, v in model.run(f).items()} for f in feeds]
    differ = [0] * threads
    errors = []
    start = threading.Barrier(threads)

    def work(t):
        try:
            start.wait()
            for i in range(runs):
                got = model.run(feeds[t])
                if {k: v.tobytes() for k, v in got.items()} != want[t]:
                    differ[t] += 1
                if on_run is not None:
                    on_run(t, i)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    if errors:
        raise errors[0]
    return sum(differ)


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return model_files(tmp_path_factory.mktemp("models"))


@pytest.mark.parametrize("name", ["float", "int8", "sparse_codebook"])
def test_threads_bit_identical(name, paths):
    model = pyedge.load(paths[name])
    assert run_threads(model, THREADS, RUNS) == 0


def test_threads_with_kernel_threads(paths):
    """Python threads and kernel (OpenMP) threads together: still bit-identical."""
    pyedge.set_num_threads(2)
    model = pyedge.load(paths["sparse_codebook"])
    assert run_threads(model, 4, RUNS) == 0

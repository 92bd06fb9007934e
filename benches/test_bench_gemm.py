"""pytest-benchmark: qgemm (best kernel) vs NumPy float32 matmul on every gemm.txt shape.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benches --benchmark-enable``
(single thread; compare the two rows of a shape from the same run).
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from pyedge.benchmarks.shapes import load_shapes
from pyedge.kernels import pack_qc8w, qgemm

SHAPES = load_shapes("gemm")


@pytest.fixture(autouse=True)
def _one_thread():
    with threadpool_limits(1):
        yield


@pytest.mark.parametrize("name,shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_qgemm(benchmark, name, shape):
    m, n, k = shape
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (m, k), dtype=np.uint8)
    packed = pack_qc8w(rng.integers(-127, 128, (n, k), dtype=np.int8))
    out = np.empty((m, n), np.int32)
    benchmark(qgemm, a, 128, packed, out=out, num_threads=1)


@pytest.mark.parametrize("name,shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_numpy_f32(benchmark, name, shape):
    m, n, k = shape
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    wt = rng.standard_normal((k, n), dtype=np.float32)
    benchmark(np.matmul, a, wt)

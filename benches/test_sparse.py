"""pytest-benchmark: CSR/BSR spmm vs NumPy float32 dense and scipy.sparse on the sparse shapes.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benches/test_sparse.py \\
     --benchmark-enable --benchmark-group-by=param:shape
"""

import numpy as np
import pytest

from pyedge.benchmarks.shapes import load_shapes
from pyedge.benchmarks.timing import pinned_threads
from pyedge.kernels import spmm
from pyedge.tensors import BSR, CSR

SHAPES = load_shapes("sparse")
CASES = [("csr", 0.5), ("csr", 0.7), ("csr", 0.9), ("csr", 0.95), ("bsr8x1", 0.9),
         ("bsr4x4", 0.9)]


@pytest.fixture(autouse=True)
def _one_thread():
    with pinned_threads(1):
        yield


def _data(shape, kind, sparsity):
    n, k, b = shape
    rng = np.random.default_rng(0)
    w = rng.standard_normal((n, k)).astype(np.float32)
    x = rng.standard_normal((k, b)).astype(np.float32)
    block = (1, 1) if kind == "csr" else tuple(int(v) for v in kind[3:].split("x"))
    keep = rng.random((n // block[0], k // block[1])) >= sparsity
    enc = CSR.from_dense(w, keep) if kind == "csr" else BSR.from_dense(w, block, keep)
    return enc, x


@pytest.mark.parametrize("shape", [s for _, s in SHAPES], ids=[n for n, _ in SHAPES])
@pytest.mark.parametrize("kind,sparsity", CASES)
def test_pyedge_spmm(benchmark, shape, kind, sparsity):
    enc, x = _data(shape, kind, sparsity)
    out = np.empty((shape[0], shape[2]), np.float32)
    benchmark(lambda: spmm(enc, x, out=out, num_threads=1))


@pytest.mark.parametrize("shape", [s for _, s in SHAPES], ids=[n for n, _ in SHAPES])
def test_numpy_dense_f32(benchmark, shape):
    enc, x = _data(shape, "csr", 0.0)
    w = enc.to_dense()
    out = np.empty((shape[0], shape[2]), np.float32)
    benchmark(lambda: np.matmul(w, x, out=out))


@pytest.mark.parametrize("shape", [s for _, s in SHAPES], ids=[n for n, _ in SHAPES])
@pytest.mark.parametrize("sparsity", [0.7, 0.9])
def test_scipy_csr(benchmark, shape, sparsity):
    sp = pytest.importorskip("scipy.sparse")
    enc, x = _data(shape, "csr", sparsity)
    m = sp.csr_matrix(enc.to_dense())
    benchmark(lambda: m @ x)

"""pytest-benchmark: int4 (f32 / qd8) and 4-bit codebook GEMM vs NumPy float32 on gemm.txt.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benches/test_lowbit_gemm.py
--benchmark-enable -p no:cacheprovider``; compare the groups' medians (same run, one thread).
"""

import numpy as np
import pytest

from pyedge.benchmarks.shapes import load_shapes
from pyedge.benchmarks.timing import pinned_threads
from pyedge.kernels import gemm_lut, gemm_qc4w, pack_lut, pack_qc4w
from pyedge.tensors import Codebook, Int4Grouped

SHAPES = load_shapes("gemm")


@pytest.fixture(scope="module", params=SHAPES, ids=[name for name, _ in SHAPES])
def case(request):
    _, (m, n, k) = request.param
    rng = np.random.default_rng(0)
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    return dict(x=x, wt=np.ascontiguousarray(w.T), out=np.empty((m, n), np.float32),
                qc4w=pack_qc4w(Int4Grouped.from_float(w, 32)),
                lut=pack_lut(Codebook.from_float(w, 4, iters=2)))


@pytest.mark.parametrize("what", ["numpy_f32", "qc4w_f32", "qc4w_qd8", "lut4"])
def test_gemm(benchmark, case, what):
    benchmark.group = f"{case['x'].shape[0]}x{case['wt'].shape[1]}x{case['wt'].shape[0]}"
    x, out = case["x"], case["out"]
    calls = {
        "numpy_f32": lambda: np.matmul(x, case["wt"], out=out),
        "qc4w_f32": lambda: gemm_qc4w(x, case["qc4w"], None, "f32", out=out, num_threads=1),
        "qc4w_qd8": lambda: gemm_qc4w(x, case["qc4w"], None, "qd8", out=out, num_threads=1),
        "lut4": lambda: gemm_lut(x, case["lut"], out=out, num_threads=1),
    }
    with pinned_threads(1):
        benchmark(calls[what])

"""pytest-benchmark timings of the MobileNetV2 depthwise layers: pyedge float32 and int8.

Run with ``python -m pytest benches/test_conv.py --benchmark-enable`` (ratios against PyTorch
and the summed goals come from ``pyedge bench conv``).
"""

import numpy as np
import pytest

from pyedge.benchmarks.shapes import load_shapes
from pyedge.kernels import depthwise_conv2d, depthwise_conv2d_q, pack_dw_qc8w

LAYERS = [(name, dims) for name, (kind, *dims) in
          load_shapes("mobilenet_v2_conv", kind_column=True) if kind == "dw"]


@pytest.mark.parametrize("name,dims", LAYERS, ids=[n for n, _ in LAYERS])
@pytest.mark.parametrize("dtype", ["f32", "int8"])
def test_depthwise(benchmark, name, dims, dtype):
    h, w, c, _, k, s = dims
    rng = np.random.default_rng(0)
    if dtype == "f32":
        x = rng.standard_normal((1, h, w, c)).astype(np.float32)
        wt = rng.standard_normal((k, k, c)).astype(np.float32)
        out = depthwise_conv2d(x, wt, None, s, k // 2, 1, "relu6")
        benchmark(depthwise_conv2d, x, wt, None, s, k // 2, 1, "relu6", out=out,
                  num_threads=1)
    else:
        x = rng.integers(0, 256, (1, h, w, c), dtype=np.uint8)
        wt = pack_dw_qc8w(rng.integers(-127, 128, (k, k, c), dtype=np.int8))
        out = depthwise_conv2d_q(x, 128, wt, None, 2e-3, 0, np.uint8, (0, 200), s, k // 2)
        benchmark(depthwise_conv2d_q, x, 128, wt, None, 2e-3, 0, np.uint8, (0, 200), s, k // 2,
                  out=out, num_threads=1)

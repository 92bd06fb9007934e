"""Quantized weights run unchanged by the runtime kernels (int8 qgemm, int4 and codebook GEMM)."""

import numpy as np

from pyedge import kernels
from pyedge.compress.gptq import gptq, hessian
from pyedge.compress.nonuniform import quantize_nonuniform
from pyedge.compress.uniform import quantize_int4_grouped, quantize_int8_channel
from tests.tolerances import F32_LOWBIT


def _data(n=24, k=64, m=10, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, k)).astype(np.float32),
            rng.standard_normal((m, k)).astype(np.float32))


def _lowbit_close(got, x, w_hat):
    exact = x.astype(np.float64) @ w_hat.T.astype(np.float64)
    bound = F32_LOWBIT["rtol"] * (np.abs(x) @ np.abs(w_hat).T) + F32_LOWBIT["atol"]
    assert np.all(np.abs(got - exact) <= bound)


def test_int8_channel_runs_on_qgemm():
    w, x = _data()
    q, s = quantize_int8_channel(w, clip="mse")
    a = np.random.default_rng(1).integers(0, 256, size=(10, 64), dtype=np.uint8)
    s_in, zp = np.float32(0.02), 128
    mult = (s_in * s).astype(np.float32)
    out = kernels.qgemm(a, zp, kernels.pack_qc8w(q), multiplier=mult, out_dtype=np.float32)
    acc = (a.astype(np.int64) - zp) @ q.T.astype(np.int64)
    np.testing.assert_array_equal(out, acc.astype(np.float32) * mult)


def test_int4_grouped_runs_on_gemm_qc4w():
    w, x = _data(k=128)
    for enc in (quantize_int4_grouped(w, 32),
                gptq(w, hessian(x), 4, group_size=64, scale_dtype="float16").to_int4_grouped()):
        _lowbit_close(kernels.gemm_qc4w(x, enc), x, enc.to_float())


def test_codebooks_run_on_gemm_lut():
    w, x = _data(k=96)
    for bits in (2, 3, 4):
        for per in ("tensor", "channel"):
            cb, _ = quantize_nonuniform(w, bits, per=per)
            _lowbit_close(kernels.gemm_lut(x, cb), x, cb.to_float())

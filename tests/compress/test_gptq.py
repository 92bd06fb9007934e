"""GPTQ: lower output error than round-to-nearest; identical to it for a diagonal Hessian."""

import numpy as np
import pytest

from pyedge.compress.gptq import Hessian, gptq, hessian
from pyedge.compress.uniform import quantize_uniform


def _problem(seed=0, s=768, k=96, n=40):
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((k, k)) / np.sqrt(k) + 0.3 * np.eye(k)
    x = (rng.standard_normal((s, k)) @ mix).astype(np.float32)  # correlated inputs
    w = rng.standard_normal((n, k)).astype(np.float32)
    return w, x


def _out_err(w, w_hat, x):
    d = (w.astype(np.float64) - w_hat) @ x.T.astype(np.float64)
    return float(np.sum(d * d))


def test_hessian_accumulates_batches():
    _, x = _problem()
    h = hessian(x)
    np.testing.assert_allclose(h, 2.0 / len(x) * x.T.astype(np.float64) @ x, rtol=1e-10)
    acc = Hessian(x.shape[1]).update(x[:100]).update(x[100:0]).update(x[100:])
    np.testing.assert_allclose(acc.matrix, h, rtol=1e-10)
    assert acc.count == len(x)


@pytest.mark.parametrize("bits", [3, 4, 8])
@pytest.mark.parametrize("kw", [
    {}, {"act_order": True}, {"group_size": 32}, {"group_size": 32, "act_order": True},
    {"group_size": 16, "symmetric": False}, {"axis": "tensor"}, {"clip": "mse"},
])
def test_gptq_beats_round_to_nearest(bits, kw):
    w, x = _problem()
    gs = kw.get("group_size")
    rtn = quantize_uniform(w, bits, axis="group" if gs else kw.get("axis", "channel"),
                           group_size=gs, symmetric=kw.get("symmetric", True),
                           clip=kw.get("clip", "minmax"))
    g = gptq(w, hessian(x), bits, block=32, **kw)
    lo, hi = (-(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1) if kw.get("symmetric", True) \
        else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    assert g.q.min() >= lo and g.q.max() <= hi and g.scale.shape == rtn.scale.shape
    assert _out_err(w, g.dequantize(), x) < 0.7 * _out_err(w, rtn.dequantize(), x)


@pytest.mark.parametrize("kw", [
    {}, {"group_size": 32}, {"group_size": 32, "act_order": True},
    {"symmetric": False, "clip": "mse"}, {"axis": "tensor"},
])
def test_diagonal_hessian_is_round_to_nearest_exactly(kw):
    w, _ = _problem()
    h = np.diag(np.random.default_rng(1).uniform(0.5, 2.0, w.shape[1]))
    gs = kw.get("group_size")
    rtn = quantize_uniform(w, 4, axis="group" if gs else kw.get("axis", "channel"),
                           group_size=gs, symmetric=kw.get("symmetric", True),
                           clip=kw.get("clip", "minmax"))
    g = gptq(w, h, 4, block=7, **kw)
    np.testing.assert_array_equal(g.q, rtn.q)
    np.testing.assert_array_equal(g.scale, rtn.scale)
    np.testing.assert_array_equal(g.zero_point, rtn.zero_point)


def test_block_size_does_not_change_the_result_much():
    w, x = _problem()
    h = hessian(x)
    a = gptq(w, h, 4, block=8)
    b = gptq(w, h, 4, block=1000)
    assert np.mean(a.q != b.q) < 0.01  # same math, different float summation order


def test_int4_grouped_export_and_dead_inputs():
    w, x = _problem(k=64)
    x[:, 5] = 0.0  # an input that is always zero
    g = gptq(w, hessian(x), 4, group_size=32, scale_dtype="float16", act_order=True)
    i4 = g.to_int4_grouped()
    np.testing.assert_array_equal(i4.to_float(), g.dequantize())


def test_bad_input():
    w, x = _problem()
    h = hessian(x)
    with pytest.raises(ValueError, match="h must"):
        gptq(w, h[:-1], 4)
    with pytest.raises(ValueError, match="group_size"):
        gptq(w, h, 4, group_size=50)
    with pytest.raises(ValueError, match="damp"):
        gptq(w, h, 4, damp=-1.0)
    with pytest.raises(ValueError, match="positive definite"):
        gptq(w, -np.eye(w.shape[1]), 4, damp=0.0)
    with pytest.raises(ValueError, match="x must"):
        Hessian(3).update(np.ones((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        Hessian(2).update(np.array([[np.nan, 1.0]]))

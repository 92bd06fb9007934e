"""Uniform weight quantization: grids, scale layouts, MSE clipping and runtime encodings."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.compress.uniform import (
    optimal_clip,
    qrange,
    quantize_int4_grouped,
    quantize_int8_channel,
    quantize_uniform,
    weight_mse,
)
from pyedge.tensors import Int4Grouped


def _w(n=24, k=64, seed=0):
    return np.random.default_rng(seed).standard_normal((n, k)).astype(np.float32)


@pytest.mark.parametrize("bits", [2, 3, 4, 8])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("axis,group_size", [("tensor", None), ("channel", None), ("group", 16)])
@pytest.mark.parametrize("clip", ["minmax", "mse"])
def test_grid_shapes_and_error_bound(bits, symmetric, axis, group_size, clip):
    w = _w()
    u = quantize_uniform(w, bits, axis=axis, group_size=group_size, symmetric=symmetric,
                         clip=clip)
    qmin, qmax = qrange(bits, symmetric)
    assert u.q.dtype == np.int8 and u.q.shape == w.shape
    assert u.q.min() >= qmin and u.q.max() <= qmax
    rows = {"tensor": 1, "channel": 24, "group": 24}[axis]
    groups = 64 // group_size if group_size else 1
    assert u.scale.shape == u.zero_point.shape == (rows, groups)
    assert u.scale.dtype == np.float32 and np.all(u.scale > 0)
    assert u.zero_point.dtype == np.int32
    if symmetric:
        assert not u.zero_point.any()
    assert np.all((u.zero_point >= qmin) & (u.zero_point <= qmax))
    err = np.abs(w - u.dequantize())
    if clip == "minmax":  # nothing clipped: error at most half a step (float32 slack)
        step = np.broadcast_to(np.repeat(u.scale, 64 // groups, axis=1), w.shape)
        assert np.all(err <= 0.5 * step * (1 + 1e-5) + 1e-7)


@pytest.mark.parametrize("symmetric", [True, False])
def test_zero_is_exact_and_zero_rows(symmetric):
    w = _w()
    w[3] = 0.0
    w[5, ::2] = 0.0
    u = quantize_uniform(w, 4, symmetric=symmetric, clip="mse")
    d = u.dequantize()
    assert np.all(d[w == 0] == 0)
    assert np.all(np.isfinite(u.scale)) and np.all(u.scale > 0)


def test_positive_only_rows_asymmetric_use_the_whole_grid():
    w = np.abs(_w())
    u = quantize_uniform(w, 4, symmetric=False)
    assert u.q.min() == -8 and u.q.max() == 7
    assert weight_mse(w, u.dequantize()) < weight_mse(
        w, quantize_uniform(w, 4, symmetric=True).dequantize())


@pytest.mark.parametrize("symmetric", [True, False])
def test_mse_clip_beats_minmax_on_heavy_tails(symmetric):
    w = np.random.default_rng(1).laplace(size=(16, 512)).astype(np.float32)
    for axis in ("tensor", "channel"):
        a = quantize_uniform(w, 4, axis=axis, symmetric=symmetric, clip="minmax")
        b = quantize_uniform(w, 4, axis=axis, symmetric=symmetric, clip="mse")
        assert weight_mse(w, b.dequantize()) < 0.8 * weight_mse(w, a.dequantize())


def test_optimal_clip_finds_the_gaussian_optimum():
    # Max (1960), Table II: the best 16-level uniform quantizer of a unit Gaussian has step
    # 0.3352 and MSE 0.01154; a large sample must land close to both.
    x = np.random.default_rng(2).standard_normal((1, 60_000)).astype(np.float32)
    lo, hi = optimal_clip(x, 4, symmetric=False)
    step = (hi - lo)[0] / 15
    assert abs(step - 0.3352) < 0.01
    u = quantize_uniform(x, 4, axis="tensor", symmetric=False, clip="mse")
    assert abs(weight_mse(x, u.dequantize()) - 0.01154) < 0.0004


def test_int8_channel_is_what_the_runtime_stores():
    w = _w()
    q, s = quantize_int8_channel(w)
    assert q.dtype == np.int8 and q.shape == w.shape and q.min() >= -127
    assert s.dtype == np.float32 and s.shape == (24,)
    np.testing.assert_allclose(s, np.abs(w).max(axis=1) / 127, rtol=1e-6)
    assert np.array_equal(np.abs(q).max(axis=1), np.full(24, 127))
    np.testing.assert_array_equal(q, np.clip(np.rint(w / s[:, None]), -127, 127))


def test_int4_grouped_matches_from_float_with_minmax_and_is_exact():
    w = _w(8, 128)
    i4 = quantize_int4_grouped(w, 32, clip="minmax")
    ref = Int4Grouped.from_float(w, 32)
    assert isinstance(i4, Int4Grouped) and i4.scale.dtype == np.float16
    np.testing.assert_array_equal(i4.scale, ref.scale)
    np.testing.assert_array_equal(i4.q, ref.q)
    u = quantize_uniform(w, 4, axis="group", group_size=32, clip="mse", scale_dtype="float16")
    np.testing.assert_array_equal(u.to_int4_grouped().to_float(), u.dequantize())
    assert weight_mse(w, quantize_int4_grouped(w, 32).to_float()) < weight_mse(w, ref.to_float())


def test_bad_input():
    w = _w()
    with pytest.raises(TypeError, match="w must be"):
        quantize_uniform(w.tolist(), 4)
    with pytest.raises(TypeError, match="float"):
        quantize_uniform(w.astype(np.int32), 4)
    bad = w.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        quantize_uniform(bad, 4)
    with pytest.raises(ValueError, match="bits"):
        quantize_uniform(w, 9)
    with pytest.raises(ValueError, match="group_size"):
        quantize_uniform(w, 4, axis="group", group_size=48)
    with pytest.raises(ValueError, match="axis"):
        quantize_uniform(w, 4, axis="row")
    with pytest.raises(ValueError, match="clip"):
        quantize_uniform(w, 4, clip="kl")
    with pytest.raises(ValueError, match="to_int8_channel"):
        quantize_uniform(w, 4).to_int8_channel()
    with pytest.raises(ValueError, match="float16"):
        quantize_uniform(w, 4, axis="group", group_size=32).to_int4_grouped()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), k=st.integers(1, 70), bits=st.integers(2, 8),
       axis=st.sampled_from(["tensor", "channel", "group"]), symmetric=st.booleans(),
       clip=st.sampled_from(["minmax", "mse"]), seed=st.integers(0, 2**31 - 1))
def test_random_shapes(n, k, bits, axis, symmetric, clip, seed):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((n, k)) * rng.uniform(1e-3, 1e3)).astype(np.float32)
    gs = None
    if axis == "group":
        gs = int(rng.choice([d for d in range(1, k + 1) if k % d == 0]))
    u = quantize_uniform(w, bits, axis=axis, group_size=gs, symmetric=symmetric, clip=clip)
    qmin, qmax = qrange(bits, symmetric)
    assert u.q.min() >= qmin and u.q.max() <= qmax
    d = u.dequantize()
    assert d.shape == w.shape and np.all(np.isfinite(d))
    assert weight_mse(w, d) <= weight_mse(w, np.zeros_like(w)) + 1e-30

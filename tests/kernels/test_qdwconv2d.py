"""8-bit depthwise convolution: every implementation on this CPU against the int64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import depthwise_conv2d_q
from pyedge.ref.dwconv2d import depthwise_conv2d_q as ref_dwq
from tests.conftest import assert_best_native_ran, kernel_ids

KERNELS = kernel_ids("qs8_qc8w_dwconv2d")
# C around the 16- and 64-channel chunks; H, W around 1, 2, 7, 17
SIZES = [(1, 1, 3), (2, 2, 16), (7, 7, 17), (17, 13, 64), (2, 17, 65), (7, 3, 130),
         (5, 6, 200)]


def _case(rng, n, h, w, c, kh, kw, xdt=np.uint8, m=1):
    info = np.iinfo(xdt)
    x = rng.integers(info.min, info.max + 1, (n, h, w, c), dtype=xdt)
    wt = rng.integers(-127, 128, (kh, kw, c * m), dtype=np.int8)
    b = rng.integers(-20000, 20000, c * m).astype(np.int32)
    mult = rng.uniform(1e-4, 3e-3, c * m).astype(np.float32)
    return x, wt, b, mult


def _geo(stride, pads, dilation):
    s = stride if isinstance(stride, tuple) else (stride, stride)
    d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    p = pads if isinstance(pads, tuple) and len(pads) == 4 else (pads,) * 4
    return s, p, d


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("h,w,c", SIZES)
@pytest.mark.parametrize("k,stride,pads,dilation", [
    (3, 1, 1, 1), (3, 2, 1, 1), (5, 1, 2, 1), (5, 2, 5, 1), ((1, 1), 1, 0, 1),
    ((2, 4), (1, 3), (1, 2, 0, 3), 1), ((7, 5), 1, 3, (1, 2)), ((3, 3), 3, (3, 0, 2, 1), 2)])
def test_uint8_requantized(kernel, h, w, c, k, stride, pads, dilation, rng):
    kh, kw = k if isinstance(k, tuple) else (k, k)
    s, p, d = _geo(stride, pads, dilation)
    if h + p[0] + p[2] < (kh - 1) * d[0] + 1 or w + p[1] + p[3] < (kw - 1) * d[1] + 1:
        return
    x, wt, b, mult = _case(rng, 2, h, w, c, kh, kw)
    got = depthwise_conv2d_q(x, 131, wt, b, mult, 9, np.uint8, None, stride, pads, dilation,
                             kernel=kernel)
    np.testing.assert_array_equal(got, ref_dwq(x, 131, wt, b, mult, 9, np.uint8, s, p, d))


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("h,w,c", SIZES[1::2])
@pytest.mark.parametrize("out_dtype,zp_out,clamp", [
    (np.int8, -7, None), (np.int8, -128, (-128, -20)), (np.uint8, 0, (0, 200))])
def test_int8_activations_and_clamp(kernel, h, w, c, out_dtype, zp_out, clamp, rng):
    x, wt, b, mult = _case(rng, 1, h, w, c, 3, 3, np.int8)
    got = depthwise_conv2d_q(x, -5, wt, b, mult, zp_out, out_dtype, clamp, 1, 1,
                             kernel=kernel)
    want = ref_dwq(x, -5, wt, b, mult, zp_out, out_dtype, (1, 1), (1,) * 4, (1, 1), clamp)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kernel", KERNELS)
def test_extremes_no_bias_scalar_multiplier(kernel, rng):
    """All-255 inputs x +-127 weights with zero point 0: the largest sums, saturating outputs."""
    x = np.full((1, 9, 9, 70), 255, np.uint8)
    wt = np.where(rng.random((5, 5, 70)) < 0.5, 127, -127).astype(np.int8)
    for mult in (1e-5, 0.37, 1000.0):
        got = depthwise_conv2d_q(x, 0, wt, None, mult, 3, np.uint8, None, 1, 2, kernel=kernel)
        np.testing.assert_array_equal(
            got, ref_dwq(x, 0, wt, None, mult, 3, np.uint8, (1, 1), (2,) * 4, (1, 1)))


@pytest.mark.parametrize("kernel", KERNELS)
def test_round_half_to_even(kernel):
    x = np.arange(1, 17, dtype=np.uint8).reshape(1, 1, 1, 16)
    wt = np.zeros((1, 1, 16), np.int8)
    wt[0, 0] = 1
    got = depthwise_conv2d_q(x, 0, wt, None, 0.5, 0, np.int8, kernel=kernel)
    np.testing.assert_array_equal(got, ref_dwq(x, 0, wt, None, 0.5, 0, np.int8))
    assert got[0, 0, 0, 0] == 0 and got[0, 0, 0, 2] == 2  # 0.5 -> 0, 1.5 -> 2


@pytest.mark.parametrize("kernel", KERNELS)
def test_channel_multiplier(kernel, rng):
    x, wt, b, mult = _case(rng, 1, 6, 7, 5, 3, 3, m=2)
    got = depthwise_conv2d_q(x, 100, wt, b, mult, 0, np.uint8, None, 2, 1, kernel=kernel)
    xr = np.repeat(x, 2, axis=3)
    np.testing.assert_array_equal(
        got, ref_dwq(xr, 100, wt, b, mult, 0, np.uint8, (2, 2), (1,) * 4, (1, 1)))


@pytest.mark.parametrize("kernel", KERNELS)
def test_thread_count_does_not_change_results(kernel, rng):
    x, wt, b, mult = _case(rng, 2, 19, 11, 77, 3, 3)
    base = depthwise_conv2d_q(x, 128, wt, b, mult, num_threads=1, kernel=kernel, pads=1)
    for t in (2, 3, 8):
        got = depthwise_conv2d_q(x, 128, wt, b, mult, num_threads=t, kernel=kernel, pads=1)
        np.testing.assert_array_equal(got, base)


@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 16), w=st.integers(1, 16), c=st.integers(1, 140),
       k=st.sampled_from([1, 2, 3, 5]), s=st.integers(1, 3), p=st.integers(0, 4),
       d=st.integers(1, 2), zp=st.integers(0, 255), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(h, w, c, k, s, p, d, zp, seed):
    if h + 2 * p < (k - 1) * d + 1 or w + 2 * p < (k - 1) * d + 1:
        return
    x, wt, b, mult = _case(np.random.default_rng(seed), 1, h, w, c, k, k)
    want = ref_dwq(x, zp, wt, b, mult, 4, np.uint8, (s, s), (p,) * 4, (d, d))
    for kernel in KERNELS:
        got = depthwise_conv2d_q(x, zp, wt, b, mult, 4, np.uint8, None, s, p, d, kernel=kernel)
        np.testing.assert_array_equal(got, want, err_msg=kernel)


@pytest.mark.parametrize("bad,match", [
    (lambda x, w: depthwise_conv2d_q(x.astype(np.int16), 0, w, None, 1.0), "dtype"),
    (lambda x, w: depthwise_conv2d_q(x, 256, w, None, 1.0), "x_zero_point"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w.astype(np.int16), None, 1.0), "dtype"),
    (lambda x, w: depthwise_conv2d_q(x, 0, np.full((3, 3, 8), -128, np.int8), None, 1.0),
     "-127"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, np.zeros(3, np.int32), 1.0), "bias_int32"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, np.nan), "NaN"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, -1.0), "> 0"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, 1.0, 0, np.int32), "out_dtype"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, 1.0, 300), "out_zero_point"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, 1.0, 0, np.uint8, (9, 3)), "empty"),
    (lambda x, w: depthwise_conv2d_q(x, 0, w, None, 1.0, stride=0), "stride"),
    (lambda x, w: depthwise_conv2d_q(x, 0, np.ones((3, 3, 5), np.int8), None, 1.0),
     "multiple"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x, wt, _, _ = _case(rng, 1, 5, 5, 8, 3, 3)
    with pytest.raises((ValueError, TypeError), match=match):
        bad(x, wt)


def test_best_simd_path_ran():
    assert_best_native_ran("qs8_qc8w_dwconv2d")

"""Float32 depthwise convolution: every implementation on this CPU against the float64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import depthwise_conv2d
from pyedge.kernels.dwconv2d import FAMILIES, GENERIC, SPECIALISED
from pyedge.ref.dwconv2d import depthwise_conv2d as ref_dw
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_CONV

SPEC = {fam: geo for geo, fam in SPECIALISED.items()}
SPEC_KERNELS = [(fam, k) for fam in SPEC for k in kernel_ids(fam)]
GENERIC_KERNELS = kernel_ids(GENERIC)
# H, W around 1, 2, 7, 17; C below / at / above the 8- and 16-lane vectors
SIZES = [(1, 1, 3), (2, 2, 16), (7, 7, 17), (17, 13, 33), (2, 17, 8), (9, 1, 40)]


def _case(rng, n, h, w, c, kh, kw, m=1):
    x = rng.standard_normal((n, h, w, c)).astype(np.float32)
    wt = rng.standard_normal((kh, kw, c * m)).astype(np.float32)
    b = rng.standard_normal(c * m).astype(np.float32)
    return x, wt, b


def _check(got, x, wt, b, stride, pads, dilation=1, lo=-np.inf, hi=np.inf):
    st2 = stride if isinstance(stride, tuple) else (stride, stride)
    dl = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    pd = pads if isinstance(pads, tuple) and len(pads) == 4 else (pads,) * 4
    want = ref_dw(x, wt, b, st2, pd, dl, lo, hi)
    np.testing.assert_allclose(got, want, **F32_CONV)


@pytest.mark.parametrize("family,kernel", SPEC_KERNELS)
@pytest.mark.parametrize("h,w,c", SIZES)
def test_specialised(family, kernel, h, w, c, rng):
    kh, kw, s, _ = SPEC[family]
    for pad in sorted({0, kh // 2, kh}):  # none, 'same', more than the kernel radius
        if h + 2 * pad < kh or w + 2 * pad < kw:
            continue
        x, wt, b = _case(rng, 2, h, w, c, kh, kw)
        got = depthwise_conv2d(x, wt, b, s, pad, kernel=kernel)
        _check(got, x, wt, b, s, pad)


@pytest.mark.parametrize("kernel", GENERIC_KERNELS)
@pytest.mark.parametrize("k,stride,pads,dilation", [
    ((1, 1), 1, 0, 1), ((3, 3), 1, 1, 1), ((2, 4), (1, 3), (1, 2, 0, 3), 1),
    ((3, 3), 2, (2, 0, 1, 3), 2), ((7, 7), 1, 3, 1), ((5, 3), (2, 1), (4, 4, 4, 4), (1, 2)),
    ((3, 3), 3, 1, 1)])
@pytest.mark.parametrize("h,w,c", SIZES[1:])
def test_generic(kernel, k, stride, pads, dilation, h, w, c, rng):
    kh, kw = k
    x, wt, b = _case(rng, 1, h, w, c, kh, kw)
    pd = pads if isinstance(pads, tuple) else (pads,) * 4
    dl = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    if h + pd[0] + pd[2] < (kh - 1) * dl[0] + 1 or w + pd[1] + pd[3] < (kw - 1) * dl[1] + 1:
        return
    got = depthwise_conv2d(x, wt, b, stride, pd, dilation, kernel=kernel)
    _check(got, x, wt, b, stride, pd, dilation)


@pytest.mark.parametrize("kernel", kernel_ids("f32_dwconv2d_3x3s1") + GENERIC_KERNELS)
@pytest.mark.parametrize("activation,clamp,lo,hi", [
    ("relu", None, 0, np.inf), ("relu6", None, 0, 6), ("clamp", (-0.5, 0.25), -0.5, 0.25)])
def test_activations_and_no_bias(kernel, activation, clamp, lo, hi, rng):
    x, wt, _ = _case(rng, 1, 9, 11, 21, 3, 3)
    got = depthwise_conv2d(x, wt, None, 1, 1, 1, activation, clamp, kernel=kernel)
    _check(got, x, wt, None, 1, 1, 1, lo, hi)


@pytest.mark.parametrize("kernel", kernel_ids("f32_dwconv2d_3x3s2") + GENERIC_KERNELS[:1])
def test_channel_multiplier(kernel, rng):
    x, wt, b = _case(rng, 2, 8, 9, 5, 3, 3, m=3)
    got = depthwise_conv2d(x, wt, b, 2, 1, kernel=kernel)
    assert got.shape == (2, 4, 5, 15)
    _check(got, x, wt, b, 2, 1)


@pytest.mark.parametrize("family", FAMILIES)
def test_thread_count_does_not_change_results(family, rng):
    kh, kw, s, _ = SPEC.get(family, (3, 3, 1, 1))
    x, wt, b = _case(rng, 3, 23, 19, 37, kh, kw)
    base = depthwise_conv2d(x, wt, b, s, kh // 2, num_threads=1)
    for t in (2, 3, 8):
        np.testing.assert_array_equal(depthwise_conv2d(x, wt, b, s, kh // 2, num_threads=t),
                                      base)


def test_out_argument_is_filled(rng):
    x, wt, b = _case(rng, 1, 6, 6, 16, 3, 3)
    out = np.full((1, 6, 6, 16), np.nan, np.float32)
    assert depthwise_conv2d(x, wt, b, 1, 1, out=out) is out
    _check(out, x, wt, b, 1, 1)


@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 20), w=st.integers(1, 20), c=st.integers(1, 40),
       k=st.sampled_from([1, 2, 3, 5]), s=st.integers(1, 3), p=st.integers(0, 4),
       d=st.integers(1, 2), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(h, w, c, k, s, p, d, seed):
    if h + 2 * p < (k - 1) * d + 1 or w + 2 * p < (k - 1) * d + 1:
        return
    x, wt, b = _case(np.random.default_rng(seed), 1, h, w, c, k, k)
    kernels = GENERIC_KERNELS
    if d == 1 and (k, k, s, s) in SPECIALISED:
        kernels = kernels + kernel_ids(SPECIALISED[(k, k, s, s)])
    for kernel in kernels:
        got = depthwise_conv2d(x, wt, b, s, p, d, "relu6", kernel=kernel)
        _check(got, x, wt, b, s, p, d, 0, 6)


@pytest.mark.parametrize("bad,match", [
    (lambda x, w: depthwise_conv2d(x.astype(np.float64), w), "dtype"),
    (lambda x, w: depthwise_conv2d(x[0], w), "4-D"),
    (lambda x, w: depthwise_conv2d(x, np.ones((3, 3, 5), np.float32)), "multiple"),
    (lambda x, w: depthwise_conv2d(x, w, np.zeros(3, np.float32)), "bias"),
    (lambda x, w: depthwise_conv2d(x, w, stride=0), "stride"),
    (lambda x, w: depthwise_conv2d(x, w, pads=-1), "pads"),
    (lambda x, w: depthwise_conv2d(x, w, pads=(1, 2, 3)), "pads"),
    (lambda x, w: depthwise_conv2d(x, w, dilation=(1, 0)), "dilation"),
    (lambda x, w: depthwise_conv2d(x[:, :1, :1], w), "larger than the padded"),
    (lambda x, w: depthwise_conv2d(x, w, activation="gelu"), "activation"),
    (lambda x, w: depthwise_conv2d(x, w, activation="clamp", clamp=(2, 1)), "clamp"),
    (lambda x, w: depthwise_conv2d(x, w, out=np.empty(3, np.float32)), "out"),
    (lambda x, w: depthwise_conv2d(x, w, kernel="qs8_qc8w_gemm_minmax_4x4__scalar"),
     "belongs"),
    (lambda x, w: depthwise_conv2d(x, w, stride=[1, 1.5]), "stride"),
    (lambda x, w: depthwise_conv2d(x, w, num_threads=0), "num_threads"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x, wt, _ = _case(rng, 1, 5, 5, 8, 3, 3)
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        bad(x, wt)


@pytest.mark.parametrize("family", FAMILIES)
def test_best_simd_path_ran(family):
    assert_best_native_ran(family)

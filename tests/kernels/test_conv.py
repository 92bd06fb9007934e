"""Standard convolution (float32 via BLAS, int8 via qgemm) against the float64 / int64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import conv2d, conv2d_q, pack_conv_qc8w
from pyedge.ref.conv2d import conv2d as ref_conv
from pyedge.ref.conv2d import conv2d_q as ref_convq
from tests.tolerances import F32_CONV

# (H, W, C_in, C_out, (KH, KW), stride, pads, dilation, groups)
CASES = [
    (7, 7, 3, 32, (3, 3), 2, 1, 1, 1),        # MobileNet stem
    (5, 5, 17, 9, (1, 1), 1, 0, 1, 1),        # pointwise straight to GEMM
    (6, 9, 8, 5, (1, 1), 2, 0, 1, 1),         # strided pointwise
    (2, 2, 4, 6, (3, 3), 1, 2, 1, 1),         # padding larger than the kernel radius
    (17, 13, 6, 4, (2, 4), (1, 3), (1, 2, 0, 3), 1, 1),
    (9, 8, 8, 12, (3, 3), 1, 2, 2, 4),        # grouped, dilated
    (7, 7, 6, 12, (3, 3), 1, 1, 1, 6),        # depthwise, multiplier 2 (routed)
    (1, 1, 5, 3, (1, 1), 1, 0, 1, 1),
]


def _geo(stride, pads, dilation):
    s = stride if isinstance(stride, tuple) else (stride, stride)
    d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    p = pads if isinstance(pads, tuple) else (pads,) * 4
    return s, p, d


@pytest.mark.parametrize("h,w,cin,cout,k,stride,pads,dilation,groups", CASES)
def test_float(h, w, cin, cout, k, stride, pads, dilation, groups, rng):
    x = rng.standard_normal((2, h, w, cin)).astype(np.float32)
    wt = rng.standard_normal((cout, *k, cin // groups)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    s, p, d = _geo(stride, pads, dilation)
    got = conv2d(x, wt, b, stride, pads, dilation, groups, "relu6")
    np.testing.assert_allclose(got, ref_conv(x, wt, b, s, p, d, groups, 0, 6), **F32_CONV)


@pytest.mark.parametrize("h,w,cin,cout,k,stride,pads,dilation,groups", CASES)
@pytest.mark.parametrize("xdt,zp", [(np.uint8, 117), (np.int8, -3)])
def test_int8(h, w, cin, cout, k, stride, pads, dilation, groups, xdt, zp, rng):
    info = np.iinfo(xdt)
    x = rng.integers(info.min, info.max + 1, (2, h, w, cin), dtype=xdt)
    wt = rng.integers(-127, 128, (cout, *k, cin // groups), dtype=np.int8)
    b = rng.integers(-9999, 9999, cout).astype(np.int32)
    m = rng.uniform(1e-4, 2e-3, cout).astype(np.float32)
    s, p, d = _geo(stride, pads, dilation)
    got = conv2d_q(x, zp, pack_conv_qc8w(wt, groups), b, m, 5, np.uint8, (5, 250), stride,
                   pads, dilation)
    want = ref_convq(x, zp, wt, b, m, 5, np.uint8, s, p, d, groups, (5, 250))
    np.testing.assert_array_equal(got, want)


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), cin=st.integers(1, 9), cout=st.integers(1, 9),
       k=st.integers(1, 3), s=st.integers(1, 2), p=st.integers(0, 2),
       seed=st.integers(0, 2**32 - 1))
def test_random_shapes(h, w, cin, cout, k, s, p, seed):
    if h + 2 * p < k or w + 2 * p < k:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, h, w, cin)).astype(np.float32)
    wt = rng.standard_normal((cout, k, k, cin)).astype(np.float32)
    np.testing.assert_allclose(conv2d(x, wt, None, s, p),
                               ref_conv(x, wt, None, (s, s), (p,) * 4), **F32_CONV)
    xq = rng.integers(0, 256, (1, h, w, cin), dtype=np.uint8)
    wq = rng.integers(-127, 128, (cout, k, k, cin), dtype=np.int8)
    got = conv2d_q(xq, 77, pack_conv_qc8w(wq), None, 1e-3, 0, np.int8, None, s, p)
    np.testing.assert_array_equal(got, ref_convq(xq, 77, wq, None, 1e-3, 0, np.int8, (s, s),
                                                 (p,) * 4))


@pytest.mark.parametrize("bad,match", [
    (lambda x, w: conv2d(x, np.ascontiguousarray(w[..., :3])), "input channels"),
    (lambda x, w: conv2d(x, w, groups=3), "groups"),
    (lambda x, w: conv2d(x, w.astype(np.float64)), "dtype"),
    (lambda x, w: conv2d(x, w, np.zeros(2, np.float32)), "bias"),
    (lambda x, w: conv2d(x, w, pads=(1, 2, 3)), "pads"),
    (lambda x, w: conv2d_q(x, 0, w, None, 1.0), "pack_conv_qc8w"),
    (lambda x, w: conv2d_q(x.astype(np.uint8), 0, pack_conv_qc8w(np.zeros((2, 1, 1, 3),
                                                                          np.int8)), None,
                           1.0), "C="),
    (lambda x, w: conv2d_q(x.astype(np.uint8), 300, pack_conv_qc8w(np.zeros((2, 1, 1, 4),
                                                                            np.int8)), None,
                           1.0), "x_zero_point"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x = rng.standard_normal((1, 5, 5, 4)).astype(np.float32)
    w = rng.standard_normal((6, 3, 3, 4)).astype(np.float32)
    with pytest.raises((ValueError, TypeError), match=match):
        bad(x, w)

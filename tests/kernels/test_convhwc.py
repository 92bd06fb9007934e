"""Direct 3x3 stride-2 stem convolution: every implementation against the float64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import conv2d, conv_hwc_3x3s2, pack_conv_f32w, pack_conv_hwc
from pyedge.ref.conv2d import conv2d as ref_conv
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_CONV

KERNELS = kernel_ids("f32_conv_hwc_3x3s2")
# C_out around the 32-channel pass (and the 8/16-lane vectors inside it); H, W odd and tiny
SIZES = [(1, 1, 1, 1), (2, 2, 3, 8), (7, 7, 3, 32), (17, 9, 2, 33), (9, 17, 1, 64),
         (5, 6, 3, 70), (224 // 8, 224 // 8, 3, 32)]


def _case(rng, n, h, w, cin, cout):
    x = rng.standard_normal((n, h, w, cin)).astype(np.float32)
    wt = rng.standard_normal((cout, 3, 3, cin)).astype(np.float32)
    return x, wt, rng.standard_normal(cout).astype(np.float32)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("h,w,cin,cout", SIZES)
@pytest.mark.parametrize("pads", [(1, 1, 1, 1), (0, 0, 0, 0), (0, 1, 1, 0), (2, 0, 1, 2)])
def test_matches_oracle(kernel, h, w, cin, cout, pads, rng):
    if h + pads[0] + pads[2] < 3 or w + pads[1] + pads[3] < 3:
        return
    x, wt, b = _case(rng, 2, h, w, cin, cout)
    got = conv_hwc_3x3s2(x, wt, b, pads, kernel=kernel)
    np.testing.assert_allclose(got, ref_conv(x, wt, b, (2, 2), pads), **F32_CONV)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("activation,clamp,lo,hi", [("relu", None, 0, np.inf),
                                                    ("relu6", None, 0, 6),
                                                    ("clamp", (-0.5, 0.25), -0.5, 0.25)])
def test_activation_no_bias_and_packed(kernel, activation, clamp, lo, hi, rng):
    x, wt, _ = _case(rng, 1, 11, 13, 3, 40)
    want = ref_conv(x, wt, None, (2, 2), (1, 1, 1, 1), fmin=lo, fmax=hi)
    got = conv_hwc_3x3s2(x, pack_conv_hwc(wt), None, 1, activation, clamp, kernel=kernel)
    np.testing.assert_allclose(got, want, **F32_CONV)


@pytest.mark.parametrize("kernel", KERNELS)
def test_threads_do_not_change_results(kernel, rng):
    x, wt, b = _case(rng, 3, 23, 19, 3, 33)
    one = conv_hwc_3x3s2(x, wt, b, num_threads=1, kernel=kernel)
    np.testing.assert_array_equal(one, conv_hwc_3x3s2(x, wt, b, num_threads=2, kernel=kernel))


def test_conv2d_routes_stems(rng):
    x, wt, b = _case(rng, 1, 15, 16, 3, 32)
    direct = conv_hwc_3x3s2(x, wt, b, 1, "relu6")  # the same kernel gives the same bits
    for w_arg in (wt, pack_conv_f32w(wt)):
        np.testing.assert_array_equal(conv2d(x, w_arg, b, 2, 1, activation="relu6"), direct)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), cin=st.integers(1, 3),
       cout=st.integers(1, 40), pads=st.tuples(*[st.integers(0, 2)] * 4),
       seed=st.integers(0, 2 ** 16))
def test_random_shapes(h, w, cin, cout, pads, seed):
    if h + pads[0] + pads[2] < 3 or w + pads[1] + pads[3] < 3:
        return
    x, wt, b = _case(np.random.default_rng(seed), 1, h, w, cin, cout)
    np.testing.assert_allclose(conv_hwc_3x3s2(x, wt, b, pads),
                               ref_conv(x, wt, b, (2, 2), pads), **F32_CONV)


@pytest.mark.parametrize("bad,match", [
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 4), np.float32),
                            np.zeros((2, 3, 3, 4), np.float32)), "C_in <= 3"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float32),
                            np.zeros((2, 3, 3, 2), np.float32)), "C_in=2"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float64),
                            np.zeros((2, 3, 3, 3), np.float32)), "x must"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float32),
                            np.zeros((2, 5, 5, 3), np.float32)), "3, 3"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float32),
                            np.zeros((2, 3, 3, 3), np.float32), np.zeros(3, np.float32)), "bias"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float32),
                            pack_conv_hwc(np.zeros((2, 3, 3, 3), np.float32)),
                            np.zeros(2, np.float32)), "packed"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 1, 1, 3), np.float32),
                            np.zeros((2, 3, 3, 3), np.float32), pads=0), "larger"),
    (lambda: conv_hwc_3x3s2(np.zeros((1, 4, 4, 3), np.float32),
                            np.zeros((2, 3, 3, 3), np.float32), activation="gelu"), "activation"),
])
def test_bad_input_raises_clear_error(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()


def test_best_native_ran():
    assert_best_native_ran("f32_conv_hwc_3x3s2")

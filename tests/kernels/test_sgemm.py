"""Float32 GEMM with fused bias + activation: every implementation against a float64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import conv2d, pack_conv_f32w, pack_f32w, sgemm
from pyedge.ref.conv2d import conv2d as ref_conv
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_CONV

KERNELS = kernel_ids("f32_gemm_minmax")
# around the tiles in use (mr 4/6/8/16, nr 4/16/32)
SHAPES = [(1, 1, 1), (1, 17, 3), (5, 4, 7), (6, 16, 16), (7, 15, 33), (16, 33, 64), (9, 32, 5),
          (17, 31, 5), (33, 65, 96), (100, 24, 144)]


def _ref(a, w, b, lo, hi):
    y = a.astype(np.float64) @ w.T.astype(np.float64)
    if b is not None:
        y += b
    return np.clip(y, lo, hi).astype(np.float32)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", SHAPES)
@pytest.mark.parametrize("activation,clamp,lo,hi", [
    ("none", None, -np.inf, np.inf), ("relu6", None, 0, 6), ("clamp", (-1.0, 0.5), -1, 0.5)])
def test_against_oracle(kernel, m, n, k, activation, clamp, lo, hi, rng):
    a = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32) if n % 2 else None
    got = sgemm(a, pack_f32w(w), b, activation, clamp, kernel=kernel)
    np.testing.assert_allclose(got, _ref(a, w, b, lo, hi), **F32_CONV)


@pytest.mark.parametrize("kernel", KERNELS)
def test_thread_count_does_not_change_results(kernel, rng):
    for m, n in ((300, 40), (5, 400)):
        a = rng.standard_normal((m, 70)).astype(np.float32)
        p = pack_f32w(rng.standard_normal((n, 70)).astype(np.float32))
        base = sgemm(a, p, num_threads=1, kernel=kernel)
        for t in (2, 3, 8):
            np.testing.assert_array_equal(sgemm(a, p, num_threads=t, kernel=kernel), base)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 70), n=st.integers(1, 70), k=st.integers(1, 200),
       seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(m, n, k, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((n, k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    p = pack_f32w(w)
    for kernel in KERNELS:
        np.testing.assert_allclose(sgemm(a, p, b, "relu", kernel=kernel),
                                   _ref(a, w, b, 0, np.inf), err_msg=kernel, **F32_CONV)


@pytest.mark.parametrize("k,stride,pads,groups", [(1, 1, 0, 1), (1, 2, 0, 1), (3, 2, 1, 1),
                                                  (3, 1, 2, 2)])
def test_packed_conv2d(k, stride, pads, groups, rng):
    x = rng.standard_normal((2, 9, 7, 8)).astype(np.float32)
    w = rng.standard_normal((6, k, k, 8 // groups)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    got = conv2d(x, pack_conv_f32w(w, groups), b, stride, pads, activation="relu6")
    want = ref_conv(x, w, b, (stride,) * 2, (pads,) * 4, (1, 1), groups, 0, 6)
    np.testing.assert_allclose(got, want, **F32_CONV)


@pytest.mark.parametrize("bad,match", [
    (lambda a, p: sgemm(a.astype(np.float64), p), "dtype"),
    (lambda a, p: sgemm(np.ascontiguousarray(a[:, :-1]), p), "K="),
    (lambda a, p: sgemm(a, a), "pack_f32w"),
    (lambda a, p: sgemm(a, p, np.zeros(2, np.float32)), "bias"),
    (lambda a, p: sgemm(a, p, activation="elu"), "activation"),
    (lambda a, p: sgemm(a, p, out=np.empty((1, 1), np.float32)), "out"),
    (lambda a, p: conv2d(np.zeros((1, 3, 3, 5), np.float32),
                         pack_conv_f32w(np.zeros((2, 1, 1, 4), np.float32))), "C="),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    a = rng.standard_normal((4, 8)).astype(np.float32)
    p = pack_f32w(rng.standard_normal((5, 8)).astype(np.float32))
    with pytest.raises((ValueError, TypeError), match=match):
        bad(a, p)


def test_best_simd_path_ran():
    assert_best_native_ran("f32_gemm_minmax")

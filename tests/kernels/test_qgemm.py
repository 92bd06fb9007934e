"""INT8 GEMM: every implementation on this CPU against the int64 NumPy oracle, bit-exact."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import pack_qc8w, qgemm
from pyedge.ref.qgemm import qgemm as ref_qgemm
from tests.conftest import assert_best_native_ran, kernel_ids

KERNELS = kernel_ids("qs8_qc8w_gemm")
# Around every tile size in use (mr up to 32, nr up to 64, kc up to 64, AMX min_m = 2 and
# 16-row tiles; 100 x 2100 spans two AMX row chunks) and some large ones.
SHAPES = [(1, 1, 1), (1, 17, 3), (2, 5, 4), (3, 16, 63), (4, 15, 64), (5, 33, 65),
          (7, 31, 127), (8, 32, 128), (15, 64, 129), (16, 65, 5), (17, 1, 300), (31, 47, 256),
          (32, 128, 71), (33, 63, 1024), (64, 16, 192), (65, 129, 96), (130, 96, 257),
          (1, 80, 191), (2, 64, 64), (48, 48, 320), (100, 20, 2100)]


def _case(rng, m, n, k, adtype=np.uint8):
    info = np.iinfo(adtype)
    a = rng.integers(info.min, info.max + 1, (m, k), dtype=adtype)
    w = rng.integers(-127, 128, (n, k), dtype=np.int8)
    bias = rng.integers(-5000, 5000, n).astype(np.int32)
    mult = rng.uniform(1e-5, 4e-3, n).astype(np.float32)
    return a, w, bias, mult


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", SHAPES)
def test_int32_accumulators(kernel, m, n, k, rng):
    a, w, bias, _ = _case(rng, m, n, k)
    for zp in (0, 128, 255):
        got = qgemm(a, zp, pack_qc8w(w), bias, kernel=kernel)
        np.testing.assert_array_equal(got, ref_qgemm(a, zp, w, bias))


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", SHAPES[::2])
@pytest.mark.parametrize("out_dtype", [np.uint8, np.int8])
def test_requantized(kernel, m, n, k, out_dtype, rng):
    a, w, bias, mult = _case(rng, m, n, k)
    packed = pack_qc8w(w)
    lo = np.iinfo(out_dtype).min
    for zp_out, clamp in ((0, None), (lo + 7, None), (lo + 3, (lo + 3, lo + 120))):
        got = qgemm(a, 128, packed, bias, mult, zp_out, out_dtype, clamp, kernel=kernel)
        want = ref_qgemm(a, 128, w, bias, mult, zp_out, out_dtype, clamp)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", SHAPES[1::3])
def test_float_out_and_int8_activations(kernel, m, n, k, rng):
    a, w, bias, mult = _case(rng, m, n, k, np.int8)
    packed = pack_qc8w(w)
    got = qgemm(a, -3, packed, bias, float(mult[0]), out_dtype=np.float32, kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, -3, w, bias, mult[0], 0, np.float32))
    got = qgemm(a, 5, packed, None, mult, out_dtype=np.float32, clamp=(0.0, 6.0), kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, 5, w, None, mult, 0, np.float32, (0, 6)))


@pytest.mark.parametrize("kernel", KERNELS)
def test_extremes_saturate_exactly(kernel, rng):
    """All-255 activations x +-127 weights: the largest sums (vpmaddubsw would saturate)."""
    k = 777
    a = np.full((9, k), 255, dtype=np.uint8)
    w = np.where(rng.random((40, k)) < 0.5, 127, -127).astype(np.int8)
    w[0] = 127
    w[1] = -127
    w[2] = 0
    got = qgemm(a, 0, pack_qc8w(w), kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, 0, w))
    mult = np.full(40, 1e-3, dtype=np.float32)
    got = qgemm(a, 0, pack_qc8w(w), None, mult, 0, np.uint8, kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, 0, w, None, mult, 0, np.uint8))


@pytest.mark.parametrize("kernel", KERNELS)
def test_round_half_to_even(kernel):
    """acc * m landing exactly on .5 must round to even in every backend."""
    a = np.arange(1, 41, dtype=np.uint8).reshape(40, 1)
    w = np.ones((3, 1), dtype=np.int8)
    mult = np.array([0.5, 0.25, 1.5], dtype=np.float32)
    got = qgemm(a, 0, pack_qc8w(w), None, mult, 0, np.int8, kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, 0, w, None, mult, 0, np.int8))
    assert got[0, 0] == 0 and got[2, 0] == 2  # 0.5 -> 0, 1.5 -> 2


@pytest.mark.parametrize("kernel", KERNELS)
def test_unaligned_out_and_large_float_out(kernel, rng):
    """Outputs not on 64-byte boundaries, and float outputs big enough for streaming stores."""
    a, w, bias, mult = _case(rng, 40, 32, 70)
    packed = pack_qc8w(w)
    out = np.empty(40 * 32 + 1, dtype=np.int32)[1:].reshape(40, 32)
    qgemm(a, 7, packed, bias, out=out, kernel=kernel)
    np.testing.assert_array_equal(out, ref_qgemm(a, 7, w, bias))
    a, w, bias, mult = _case(rng, 512, 512, 256)
    got = qgemm(a, 9, pack_qc8w(w), bias, mult, out_dtype=np.float32, kernel=kernel)
    np.testing.assert_array_equal(got, ref_qgemm(a, 9, w, bias, mult, 0, np.float32))


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", [(1, 300, 200), (70, 50, 130), (3, 9, 64), (300, 40, 100)])
def test_thread_count_does_not_change_results(kernel, m, n, k, rng):
    a, w, bias, mult = _case(rng, m, n, k)
    packed = pack_qc8w(w)
    base = qgemm(a, 128, packed, bias, mult, 0, np.uint8, num_threads=1, kernel=kernel)
    for t in (2, 3, 8):
        got = qgemm(a, 128, packed, bias, mult, 0, np.uint8, num_threads=t, kernel=kernel)
        np.testing.assert_array_equal(got, base)


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 70), n=st.integers(1, 90), k=st.integers(1, 300),
       zp=st.integers(0, 255), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(m, n, k, zp, seed):
    a, w, bias, mult = _case(np.random.default_rng(seed), m, n, k)
    packed = pack_qc8w(w)
    want = ref_qgemm(a, zp, w, bias, mult, 3, np.uint8)
    for kernel in KERNELS:
        np.testing.assert_array_equal(
            qgemm(a, zp, packed, bias, mult, 3, np.uint8, kernel=kernel), want, err_msg=kernel)


def test_zero_weights(rng):
    a = rng.integers(0, 256, (5, 33), dtype=np.uint8)
    got = qgemm(a, 17, pack_qc8w(np.zeros((7, 33), np.int8)))
    assert not got.any()


@pytest.mark.parametrize("bad,match", [
    (lambda a, p: qgemm(a.astype(np.int16), 0, p), "dtype"),
    (lambda a, p: qgemm(np.ascontiguousarray(a[:, :-1]), 0, p), "K="),
    (lambda a, p: qgemm(np.asfortranarray(a), 0, p), "C-contiguous"),
    (lambda a, p: qgemm(a[:0], 0, p), "empty"),
    (lambda a, p: qgemm(a, 256, p), "a_zero_point"),
    (lambda a, p: qgemm(a, 0, p, None, np.nan, 0, np.uint8), "NaN"),
    (lambda a, p: qgemm(a, 0, p, None, None, 0, np.uint8), "multiplier is required"),
    (lambda a, p: qgemm(a, 0, p, np.zeros(3, np.int32)), "bias_int32"),
    (lambda a, p: qgemm(a, 0, p, None, 1.0, 0, np.int16), "out_dtype"),
    (lambda a, p: qgemm(a, 0, p, None, 1.0, 0, np.uint8, (10, 5)), "empty"),
    (lambda a, p: qgemm(a, 0, a), "pack_qc8w"),
    (lambda a, p: qgemm(a, 0, p, kernel="no_such_kernel"), "no kernel named"),
    (lambda a, p: qgemm(a, 0, p, num_threads=0), "num_threads"),
    (lambda a, p: pack_qc8w(np.full((2, 2), -128, np.int8)), "-127"),
    (lambda a, p: pack_qc8w(np.zeros((2, 40000), np.int8)), "overflow"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    a = rng.integers(0, 256, (4, 8), dtype=np.uint8)
    packed = pack_qc8w(rng.integers(-127, 128, (5, 8), dtype=np.int8))
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        bad(a, packed)


def test_best_simd_path_ran():
    assert_best_native_ran("qs8_qc8w_gemm")

"""Grouped INT4 GEMM: every implementation vs the oracles (f32 within F32_LOWBIT, qd8 exact)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import gemm_qc4w, pack_qc4w
from pyedge.ref.qc4w import gemm_qc4w_f32, gemm_qc4w_qd8
from pyedge.tensors import Int4Grouped
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_LOWBIT

F32 = kernel_ids("f32_qc4w_gemm")
QD8 = kernel_ids("qd8_f32_qc4w_gemm")
# M around mr (1..4) and its multiples; N around channel tiles (1, 2, 4, 16, 32, 64);
# K multiples of the group around the 128-k block.
SHAPES = [(1, 1, 32, 32), (1, 5, 64, 32), (2, 17, 96, 32), (3, 16, 128, 64), (4, 33, 160, 32),
          (5, 31, 256, 128), (1, 64, 384, 128), (7, 65, 192, 64), (8, 63, 32, 32),
          (9, 129, 128, 32), (1, 200, 1024, 32)]


def _case(rng, m, n, k, g):
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = Int4Grouped.from_float(rng.standard_normal((n, k)).astype(np.float32), g)
    bias = rng.standard_normal(n).astype(np.float32)
    return x, w, bias


def assert_f32_close(got, x, w, bias=None):
    want = gemm_qc4w_f32(x, w, bias)
    mag = np.abs(x.astype(np.float64)) @ np.abs(w.to_float().astype(np.float64)).T
    err = np.abs(got - want)
    assert np.all(err <= F32_LOWBIT["rtol"] * mag + F32_LOWBIT["atol"]), err.max()


@pytest.mark.parametrize("kernel", F32)
@pytest.mark.parametrize("m,n,k,g", SHAPES)
def test_f32_activations(kernel, m, n, k, g, rng):
    x, w, bias = _case(rng, m, n, k, g)
    packed = pack_qc4w(w)
    assert_f32_close(gemm_qc4w(x, packed, bias, kernel=kernel), x, w, bias)
    assert_f32_close(gemm_qc4w(x, packed, kernel=kernel), x, w)


@pytest.mark.parametrize("kernel", QD8)
@pytest.mark.parametrize("m,n,k,g", SHAPES)
def test_qd8_activations_bit_exact(kernel, m, n, k, g, rng):
    x, w, bias = _case(rng, m, n, k, g)
    x[0, :3] = 0.0
    packed = pack_qc4w(w)
    got = gemm_qc4w(x, packed, bias, "qd8", kernel=kernel)
    np.testing.assert_array_equal(got, gemm_qc4w_qd8(x, w, bias))
    got = gemm_qc4w(x, packed, None, "qd8", kernel=kernel)
    np.testing.assert_array_equal(got, gemm_qc4w_qd8(x, w))


@pytest.mark.parametrize("kernel", QD8)
def test_qd8_extremes(kernel, rng):
    """Zero rows, ties at .5 after scaling, all weights -8 / 7 (largest |dot|)."""
    k = 256
    x = np.zeros((4, k), dtype=np.float32)
    x[1] = 127.0
    x[2] = rng.integers(-254, 255, k) / np.float32(2)  # many exact .5 ties
    x[2, 0] = 127.0
    x[3] = -1e-30
    wq = Int4Grouped.from_float(np.where(rng.random((19, k)) < 0.5, -8.0, 7.0), 64)
    np.testing.assert_array_equal(gemm_qc4w(x, wq, None, "qd8", kernel=kernel),
                                  gemm_qc4w_qd8(x, wq))


@pytest.mark.parametrize("kernel", F32 + QD8)
@pytest.mark.parametrize("m,n,k", [(1, 300, 256), (70, 50, 128), (3, 9, 64)])
def test_thread_count_does_not_change_results(kernel, m, n, k, rng):
    x, w, bias = _case(rng, m, n, k, 32)
    act = "qd8" if kernel.startswith("qd8") else "f32"
    packed = pack_qc4w(w)
    base = gemm_qc4w(x, packed, bias, act, num_threads=1, kernel=kernel)
    for t in (2, 3, 8):
        np.testing.assert_array_equal(
            gemm_qc4w(x, packed, bias, act, num_threads=t, kernel=kernel), base)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 20), n=st.integers(1, 80), kg=st.integers(1, 8),
       g=st.sampled_from([32, 64, 128]), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(m, n, kg, g, seed):
    x, w, bias = _case(np.random.default_rng(seed), m, n, kg * g, g)
    packed = pack_qc4w(w)
    want = gemm_qc4w_qd8(x, w, bias)
    for kernel in QD8:
        np.testing.assert_array_equal(gemm_qc4w(x, packed, bias, "qd8", kernel=kernel), want,
                                      err_msg=kernel)
    for kernel in F32:
        assert_f32_close(gemm_qc4w(x, packed, bias, kernel=kernel), x, w, bias)


def test_zero_weights(rng):
    x = rng.standard_normal((3, 64)).astype(np.float32)
    w = Int4Grouped.from_float(np.zeros((5, 64), np.float32))
    for act in ("f32", "qd8"):
        assert not gemm_qc4w(x, w, None, act).any()


def test_qd8_close_to_float(rng):
    """Dynamic int8 activations stay close to the float result (sanity, not a contract)."""
    x, w, _ = _case(rng, 4, 64, 512, 32)
    want = gemm_qc4w_f32(x, w)
    got = gemm_qc4w(x, w, None, "qd8")
    assert np.abs(got - want).max() < 0.05 * np.abs(want).max()


@pytest.mark.parametrize("bad,match", [
    (lambda x, p: gemm_qc4w(x.astype(np.float64), p), "dtype"),
    (lambda x, p: gemm_qc4w(np.ascontiguousarray(x[:, :32]), p), "K="),
    (lambda x, p: gemm_qc4w(np.asfortranarray(x), p), "C-contiguous"),
    (lambda x, p: gemm_qc4w(x[:0], p), "empty"),
    (lambda x, p: gemm_qc4w(x, p, np.zeros(3, np.float32)), "bias"),
    (lambda x, p: gemm_qc4w(x, p, None, "int8"), "activations"),
    (lambda x, p: gemm_qc4w(np.full_like(x, np.nan), p, None, "qd8"), "NaN"),
    (lambda x, p: gemm_qc4w(x, x), "Int4Grouped"),
    (lambda x, p: gemm_qc4w(x, p, kernel="qd8_f32_qc4w_gemm__numpy"), "belongs"),
    (lambda x, p: gemm_qc4w(x, p, num_threads=0), "num_threads"),
    (lambda x, p: gemm_qc4w(x, p, out=np.empty((4, 5), np.float64)), "out"),
    (lambda x, p: Int4Grouped.from_float(np.ones((2, 48), np.float32), 32), "divide"),
    (lambda x, p: Int4Grouped.from_float(np.ones((2, 64), np.float32), 16), "group_size"),
    (lambda x, p: Int4Grouped.from_float(np.full((2, 64), np.inf, np.float32)), "NaN"),
    (lambda x, p: Int4Grouped.from_float(np.ones((2, 64), np.int32)), "float"),
    (lambda x, p: Int4Grouped.from_float(np.full((2, 64), 1e6, np.float32)), "float16"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x = rng.standard_normal((4, 64)).astype(np.float32)
    packed = pack_qc4w(Int4Grouped.from_float(rng.standard_normal((5, 64)).astype(np.float32)))
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        bad(x, packed)


def test_best_simd_path_ran():
    assert_best_native_ran("f32_qc4w_gemm")
    assert_best_native_ran("qd8_f32_qc4w_gemm")

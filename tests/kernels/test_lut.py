"""Codebook GEMM: every implementation of every index width against the float64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import gemm_lut, pack_lut
from pyedge.ref.lut import gemm_lut as ref_gemm_lut
from pyedge.tensors import Codebook
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_LOWBIT

FAMILIES = {b: f"f32_lut{b}_gemm" for b in (2, 3, 4)}
KERNELS = [(b, name) for b, fam in FAMILIES.items() for name in kernel_ids(fam)]
# K around the 16-k vector and the 128/160/256-k blocks; M around mr = 4; N around 1/2/4/8.
SHAPES = [(1, 1, 1), (1, 5, 15), (2, 3, 16), (3, 4, 17), (4, 9, 127), (5, 8, 128),
          (1, 17, 129), (7, 2, 159), (8, 33, 160), (1, 64, 161), (9, 7, 255), (2, 31, 256),
          (1, 100, 257), (13, 12, 700)]


def _case(rng, m, n, k, bits, per_channel=True):
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = Codebook.from_float(rng.standard_normal((n, k)).astype(np.float32), bits,
                            per_channel=per_channel, iters=3)
    return x, w, rng.standard_normal(n).astype(np.float32)


def assert_close(got, x, w, bias=None):
    want = ref_gemm_lut(x, w, bias)
    mag = np.abs(x.astype(np.float64)) @ np.abs(w.to_float().astype(np.float64)).T
    err = np.abs(got - want)
    assert np.all(err <= F32_LOWBIT["rtol"] * mag + F32_LOWBIT["atol"]), err.max()


@pytest.mark.parametrize("bits,kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", SHAPES)
def test_against_oracle(bits, kernel, m, n, k, rng):
    x, w, bias = _case(rng, m, n, k, bits, per_channel=(m % 2 == 1))
    packed = pack_lut(w)
    assert_close(gemm_lut(x, packed, bias, kernel=kernel), x, w, bias)
    assert_close(gemm_lut(x, packed, kernel=kernel), x, w)


@pytest.mark.parametrize("bits,kernel", KERNELS)
@pytest.mark.parametrize("m,n,k", [(1, 300, 200), (70, 50, 130), (3, 9, 64)])
def test_thread_count_does_not_change_results(bits, kernel, m, n, k, rng):
    x, w, bias = _case(rng, m, n, k, bits)
    packed = pack_lut(w)
    base = gemm_lut(x, packed, bias, num_threads=1, kernel=kernel)
    for t in (2, 3, 8):
        np.testing.assert_array_equal(gemm_lut(x, packed, bias, num_threads=t, kernel=kernel),
                                      base)


@settings(max_examples=20, deadline=None)
@given(m=st.integers(1, 12), n=st.integers(1, 40), k=st.integers(1, 400),
       bits=st.sampled_from([2, 3, 4]), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(m, n, k, bits, seed):
    x, w, bias = _case(np.random.default_rng(seed), m, n, k, bits)
    packed = pack_lut(w)
    for b, kernel in KERNELS:
        if b == bits:
            assert_close(gemm_lut(x, packed, bias, kernel=kernel), x, w, bias)


def test_given_levels_and_zero_weights(rng):
    x = rng.standard_normal((3, 50)).astype(np.float32)
    w = Codebook.from_float(np.zeros((6, 50), np.float32), 2, levels=np.zeros(4, np.float32))
    assert not gemm_lut(x, w).any()


@pytest.mark.parametrize("bad,match", [
    (lambda x, p: gemm_lut(x.astype(np.float64), p), "dtype"),
    (lambda x, p: gemm_lut(np.ascontiguousarray(x[:, :5]), p), "K="),
    (lambda x, p: gemm_lut(np.asfortranarray(x), p), "C-contiguous"),
    (lambda x, p: gemm_lut(x[:0], p), "empty"),
    (lambda x, p: gemm_lut(x, p, np.zeros(2, np.float32)), "bias"),
    (lambda x, p: gemm_lut(x, x), "Codebook"),
    (lambda x, p: gemm_lut(x, p, kernel="f32_lut2_gemm__numpy"), "belongs"),
    (lambda x, p: gemm_lut(x, p, num_threads=-1), "num_threads"),
    (lambda x, p: Codebook.from_float(np.ones((2, 8), np.float32), 5), "bits"),
    (lambda x, p: Codebook.from_float(np.full((2, 8), np.nan, np.float32)), "NaN"),
    (lambda x, p: Codebook.from_float(np.ones((2, 8), np.float32), 2, levels=np.ones(3)),
     "levels"),
    (lambda x, p: Codebook.from_float(np.ones((2, 8), np.float32), 2,
                                      levels=np.array([0, 1, 2, np.inf])), "NaN"),
    (lambda x, p: Codebook.from_float(np.ones(8, np.float32)), "2-D"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x = rng.standard_normal((4, 64)).astype(np.float32)
    packed = pack_lut(Codebook.from_float(rng.standard_normal((5, 64)).astype(np.float32)))
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        bad(x, packed)


def test_best_simd_path_ran():
    for family in FAMILIES.values():
        assert_best_native_ran(family)

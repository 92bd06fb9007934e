"""Integer sparse matmul: every CSR/BSR implementation on this CPU against the int64 oracle,
bit-exact (uint8/int8 activations x int8 values, qgemm epilogue)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import qspmm, qspmm_t
from pyedge.kernels.qsparse import FAMILIES, family_of
from pyedge.ref import qspmm as ref
from pyedge.tensors import BSR, CSR
from tests.conftest import assert_best_native_ran, kernel_ids

BLOCKS = [(1, 1), (1, 4), (4, 1), (4, 4), (8, 1), (16, 1)]
CASES = [(b, k) for b in BLOCKS for k in kernel_ids(family_of(b))]
IDS = [k for _, k in CASES]
OUTS = [(np.int32, 0, None), (np.uint8, 7, None), (np.int8, -3, (-100, 90)),
        (np.float32, 0, (0.0, 6.0))]


def _encode(rng, block, nbr, kbc, density, index_dtype=None):
    r, c = block
    n, k = nbr * r, kbc * c
    w = rng.standard_normal((n, k)).astype(np.float32)
    mask = rng.random((nbr, kbc)) < density
    if nbr > 2:
        mask[1] = False  # an empty block row
    enc = (CSR.from_dense(w, mask, np.int8) if block == (1, 1)
           else BSR.from_dense(w, block, mask, np.int8))
    if index_dtype is not None:
        args = (enc.indptr.astype(np.int64), enc.indices.astype(index_dtype), enc.values,
                enc.scale)
        enc = CSR(enc.shape, *args) if block == (1, 1) else BSR(enc.shape, block, *args)
    return enc, ref.dense_int(enc.shape, enc.block, enc.indptr, enc.indices, enc.values)


def _epi(rng, n):
    return (rng.integers(-5000, 5000, n).astype(np.int32),
            rng.uniform(1e-4, 4e-3, n).astype(np.float32))


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
@pytest.mark.parametrize("density", [0.0, 0.4, 1.0])
def test_qspmm_all_outputs(block, kernel, density, rng):
    enc, wd = _encode(rng, block, 5, 9, density)
    bias, mult = _epi(rng, enc.shape[0])
    k = enc.shape[1]
    for i, nb in enumerate([1, 3, 7, 8, 9, 15, 16, 17, 33, 64, 70]):
        odt, zo, clamp = OUTS[i % len(OUTS)]
        m = None if odt == np.int32 else mult
        x = rng.integers(0, 256, (k, nb), dtype=np.uint8)
        for zp in (0, 131):
            got = qspmm(enc, x, zp, bias, m, zo, odt, clamp, kernel=kernel)
            want = ref.qspmm_t(x.T, zp, wd, bias, m, zo, odt, clamp).T
            np.testing.assert_array_equal(got, want, err_msg=f"B={nb} {np.dtype(odt)}")


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_qspmm_t_and_int8_activations(block, kernel, rng):
    enc, wd = _encode(rng, block, 6, 41, 0.5)  # CSR rows past the 8/16-wide gathers
    bias, mult = _epi(rng, enc.shape[0])
    k = enc.shape[1]
    for i, nb in enumerate([1, 2, 5, 9]):
        odt, zo, clamp = OUTS[i % len(OUTS)]
        m = None if odt == np.int32 else mult
        x = rng.integers(0, 256, (nb, k), dtype=np.uint8)
        np.testing.assert_array_equal(qspmm_t(x, enc, 200, bias, m, zo, odt, clamp,
                                              kernel=kernel),
                                      ref.qspmm_t(x, 200, wd, bias, m, zo, odt, clamp))
        xs = rng.integers(-128, 128, (k, nb), dtype=np.int8)
        np.testing.assert_array_equal(qspmm(enc, xs, -5, bias, kernel=kernel),
                                      ref.qspmm_t(xs.T, -5, wd, bias).T)


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_extremes_wide_indices_and_threads(block, kernel, rng):
    """All-255 activations x +-127 weights over long rows (largest sums), int32 indices."""
    enc, wd = _encode(rng, block, 12, 777 // block[1], 0.9, np.int32)
    x = np.full((enc.shape[1], 20), 255, dtype=np.uint8)
    base = qspmm(enc, x, 0, num_threads=1, kernel=kernel)
    np.testing.assert_array_equal(base, ref.qspmm_t(x.T, 0, wd).T)
    for t in (2, 3):
        np.testing.assert_array_equal(qspmm(enc, x, 0, num_threads=t, kernel=kernel), base)
    xt = np.ascontiguousarray(x[:, :2].T)
    np.testing.assert_array_equal(qspmm_t(xt, enc, 0, kernel=kernel), ref.qspmm_t(xt, 0, wd))


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_qspmm_t_row_tiles(block, kernel, rng):
    """spmm_t over B around the 16-row vectors and 64-row transposed tiles, K % 4 != 0, an
    empty block row, and all-255 activations over long rows with int32 indices."""
    enc, wd = _encode(rng, block, 5, 7 if block[1] == 1 else 9, 0.5)
    bias, mult = _epi(rng, enc.shape[0])
    k = enc.shape[1]
    for i, nb in enumerate([1, 4, 15, 16, 17, 48, 63, 64, 65, 130]):
        odt, zo, clamp = OUTS[i % len(OUTS)]
        m = None if odt == np.int32 else mult
        x = rng.integers(0, 256, (nb, k), dtype=np.uint8)
        np.testing.assert_array_equal(qspmm_t(x, enc, 77, bias, m, zo, odt, clamp,
                                              kernel=kernel),
                                      ref.qspmm_t(x, 77, wd, bias, m, zo, odt, clamp),
                                      err_msg=f"B={nb} {np.dtype(odt)}")
    enc, wd = _encode(rng, block, 12, 777 // block[1], 0.9, np.int32)
    x = np.full((33, enc.shape[1]), 255, dtype=np.uint8)
    base = qspmm_t(x, enc, 0, num_threads=1, kernel=kernel)
    np.testing.assert_array_equal(base, ref.qspmm_t(x, 0, wd))
    np.testing.assert_array_equal(qspmm_t(x, enc, 0, num_threads=3, kernel=kernel), base)


@pytest.mark.parametrize("kernel", kernel_ids("qs8_qc8w_spmm_csr"))
def test_round_half_to_even(kernel):
    w = np.ones((3, 1), np.float32)
    enc = CSR.from_dense(w, dtype=np.int8)  # values 127
    x = np.arange(1, 41, dtype=np.uint8).reshape(1, 40)
    mult = np.array([0.5, 0.25, 1.5], np.float32) / 127
    got = qspmm(enc, x, 0, None, mult, 0, np.int8, kernel=kernel)
    wd = ref.dense_int(enc.shape, enc.block, enc.indptr, enc.indices, enc.values)
    np.testing.assert_array_equal(got, ref.qspmm_t(x.T, 0, wd, None, mult, 0, np.int8).T)


@settings(max_examples=25, deadline=None)
@given(bi=st.integers(0, len(BLOCKS) - 1), nbr=st.integers(1, 10), kbc=st.integers(1, 40),
       nb=st.integers(1, 70), density=st.floats(0, 1), zp=st.integers(0, 255),
       seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(bi, nbr, kbc, nb, density, zp, seed):
    rng = np.random.default_rng(seed)
    block = BLOCKS[bi]
    enc, wd = _encode(rng, block, nbr, kbc, density)
    bias, mult = _epi(rng, enc.shape[0])
    x = rng.integers(0, 256, (enc.shape[1], nb), dtype=np.uint8)
    want = ref.qspmm_t(x.T, zp, wd, bias, mult, 3, np.uint8).T
    for kernel in kernel_ids(family_of(block)):
        np.testing.assert_array_equal(qspmm(enc, x, zp, bias, mult, 3, np.uint8, kernel=kernel),
                                      want, err_msg=kernel)


@pytest.mark.parametrize("bad,match", [
    (lambda w, x: qspmm(CSR.from_dense(w.to_dense()), x, 0), "int8 values"),
    (lambda w, x: qspmm(w.to_dense(), x, 0), "CSR or BSR"),
    (lambda w, x: qspmm(w, x.astype(np.int16), 0), "dtype"),
    (lambda w, x: qspmm(w, x[:-1].copy(), 0), "K="),
    (lambda w, x: qspmm(w, x, 256), "x_zero_point"),
    (lambda w, x: qspmm(w, x, 0, None, None, 0, np.uint8), "multiplier is required"),
    (lambda w, x: qspmm(w, x, 0, np.zeros(2, np.int32)), "bias_int32"),
    (lambda w, x: qspmm(w, x, 0, None, 1.0, 0, np.int16), "out_dtype"),
    (lambda w, x: qspmm(w, x, 0, None, 1.0, 0, np.uint8, (10, 5)), "empty"),
    (lambda w, x: qspmm(w, x, 0, None, np.nan, 0, np.uint8), "NaN"),
    (lambda w, x: qspmm(w, x, 0, kernel="qs8_qc8w_spmm_bsr_4x4_minmax__numpy"), "belongs"),
    (lambda w, x: qspmm(w, x, 0, num_threads=0), "num_threads"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    enc, _ = _encode(rng, (1, 1), 6, 8, 0.5)
    x = rng.integers(0, 256, (8, 5), dtype=np.uint8)
    with pytest.raises((ValueError, TypeError), match=match):
        bad(enc, x)


@pytest.mark.parametrize("family", FAMILIES)
def test_best_simd_path_ran(family):
    assert_best_native_ran(family)

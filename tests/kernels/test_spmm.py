"""Float-output sparse matmul: every CSR/BSR implementation (float32 and int8 values) on this
CPU against the float64 oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import spmm, spmm_t
from pyedge.kernels.sparse import FAMILIES, family_of
from pyedge.ref import spmm as ref
from pyedge.tensors import BSR, CSR
from tests.conftest import assert_best_native_ran, kernel_ids
from tests.tolerances import F32_SPMM

BLOCKS = [(1, 1), (1, 4), (4, 1), (4, 4), (8, 1), (16, 1)]
CASES = [(b, k) for b in BLOCKS for k in kernel_ids(family_of(b))]
IDS = [k for _, k in CASES]
Q8_CASES = [(b, k) for b in BLOCKS for k in kernel_ids(family_of(b, np.int8))]
Q8_IDS = [k for _, k in Q8_CASES]
# Around the vector widths (8, 16) and tiles (up to 64 columns) of the SIMD paths.
BS = [1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65, 100]
ACTS = [("none", None, -np.inf, np.inf), ("relu", None, 0, np.inf), ("relu6", None, 0, 6),
        ("clamp", (-0.5, 0.25), -0.5, 0.25)]


def _encode(rng, block, n, k, density, index_dtype=None, dtype=np.float32):
    """Random w[n, k] with about ``density`` of its blocks kept, plus a fully empty row block."""
    r, c = block
    w = rng.standard_normal((n, k)).astype(np.float32)
    mask = rng.random((n // r, k // c)) < density
    if n // r > 2:
        mask[1] = False
    enc = (CSR.from_dense(w, mask, dtype) if block == (1, 1)
           else BSR.from_dense(w, block, mask, dtype))
    if index_dtype is not None:  # same matrix with int32 indices and int64 indptr
        args = (enc.indptr.astype(np.int64), enc.indices.astype(index_dtype), enc.values,
                enc.scale)
        enc = CSR(enc.shape, *args) if block == (1, 1) else BSR(enc.shape, block, *args)
    dense = ref.dense_from_blocks(enc.shape, enc.block, enc.indptr, enc.indices, enc.values,
                                  enc.scale)
    return enc, dense


def _shape(block, n_blocks, k_blocks):
    return block[0] * n_blocks, block[1] * k_blocks


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
@pytest.mark.parametrize("density", [0.0, 0.35, 1.0])
def test_spmm_all_widths(block, kernel, density, rng):
    n, k = _shape(block, 5, 9)
    enc, dense = _encode(rng, block, n, k, density)
    bias = rng.standard_normal(n).astype(np.float32)
    for i, nb in enumerate(BS):
        act, clamp, lo, hi = ACTS[i % len(ACTS)]
        x = rng.standard_normal((k, nb)).astype(np.float32)
        got = spmm(enc, x, bias if i % 2 else None, act, clamp, kernel=kernel)
        want = ref.spmm(dense, x, bias if i % 2 else None, lo, hi)
        np.testing.assert_allclose(got, want, **F32_SPMM, err_msg=f"B={nb} {act}")


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
@pytest.mark.parametrize("density", [0.0, 0.35, 1.0])
def test_spmm_t_small_batches(block, kernel, density, rng):
    n, k = _shape(block, 6, 11)
    enc, dense = _encode(rng, block, n, k, density)
    bias = rng.standard_normal(n).astype(np.float32)
    for i, nb in enumerate([1, 2, 3, 4, 5, 9, 17]):
        act, clamp, lo, hi = ACTS[i % len(ACTS)]
        x = rng.standard_normal((nb, k)).astype(np.float32)
        got = spmm_t(x, enc, bias, act, clamp, kernel=kernel)
        np.testing.assert_allclose(got, ref.spmm_t(x, dense, bias, lo, hi), **F32_SPMM,
                                   err_msg=f"B={nb} {act}")


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_spmm_t_row_tiles(block, kernel, rng):
    """spmm_t over B around the 16-row vectors and 64-row transposed tiles, with 3 threads."""
    n, k = _shape(block, 5, 9)
    enc, dense = _encode(rng, block, n, k, 0.5)
    bias = rng.standard_normal(n).astype(np.float32)
    for i, nb in enumerate([15, 16, 17, 63, 64, 65, 130]):
        act, clamp, lo, hi = ACTS[i % len(ACTS)]
        x = rng.standard_normal((nb, k)).astype(np.float32)
        got = spmm_t(x, enc, bias, act, clamp, kernel=kernel)
        np.testing.assert_allclose(got, ref.spmm_t(x, dense, bias, lo, hi), **F32_SPMM,
                                   err_msg=f"B={nb} {act}")
        np.testing.assert_array_equal(spmm_t(x, enc, bias, act, clamp, num_threads=3,
                                             kernel=kernel), got)


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_long_rows_wide_indices_and_unaligned_x(block, kernel, rng):
    """Rows longer than the unrolled loops, int32 indices / int64 indptr, x off alignment."""
    n, k = _shape(block, 3, 70)
    enc, dense = _encode(rng, block, n, k, 0.8, np.int32)
    for nb in (1, 5, 48, 64):
        buf = rng.standard_normal(k * nb + 3).astype(np.float32)
        x = buf[3:].reshape(k, nb)  # base 12 bytes past any 64-byte boundary
        np.testing.assert_allclose(spmm(enc, x, kernel=kernel), ref.spmm(dense, x), **F32_SPMM)
        xt = buf[3:].reshape(nb, k)
        np.testing.assert_allclose(spmm_t(xt, enc, kernel=kernel), ref.spmm_t(xt, dense),
                                   **F32_SPMM)


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_single_block_column(block, kernel, rng):
    n, k = _shape(block, 4, 1)
    enc, dense = _encode(rng, block, n, k, 0.7)
    x = rng.standard_normal((k, 20)).astype(np.float32)
    np.testing.assert_allclose(spmm(enc, x, kernel=kernel), ref.spmm(dense, x), **F32_SPMM)
    np.testing.assert_allclose(spmm_t(x.T.copy(), enc, kernel=kernel),
                               ref.spmm_t(x.T, dense), **F32_SPMM)


def test_k_beyond_uint16_indices(rng):
    w = np.zeros((16, 70000), np.float32)
    w[:, [0, 1, 65535, 65536, 69999]] = rng.standard_normal((16, 5))
    enc = CSR.from_dense(w)
    assert enc.indices.dtype == np.int32
    x = rng.standard_normal((70000, 3)).astype(np.float32)
    for kernel in kernel_ids("f32_spmm_csr"):
        np.testing.assert_allclose(spmm(enc, x, kernel=kernel), ref.spmm(w, x), **F32_SPMM)
        np.testing.assert_allclose(spmm_t(x.T.copy(), enc, kernel=kernel), ref.spmm_t(x.T, w),
                                   **F32_SPMM)


@pytest.mark.parametrize("block,kernel", CASES, ids=IDS)
def test_thread_count_does_not_change_results(block, kernel, rng):
    n, k = _shape(block, 24, 10)
    enc, _ = _encode(rng, block, n, k, 0.4)
    x = rng.standard_normal((k, 40)).astype(np.float32)
    base = spmm(enc, x, num_threads=1, kernel=kernel)
    base_t = spmm_t(x[:, :3].T.copy(), enc, num_threads=1, kernel=kernel)
    for t in (2, 3, 7):
        np.testing.assert_array_equal(spmm(enc, x, num_threads=t, kernel=kernel), base)
        np.testing.assert_array_equal(spmm_t(x[:, :3].T.copy(), enc, num_threads=t,
                                             kernel=kernel), base_t)


def test_out_argument_is_filled_in_place(rng):
    enc, dense = _encode(rng, (1, 1), 10, 12, 0.5)
    x = rng.standard_normal((12, 18)).astype(np.float32)
    out = np.full((10, 18), np.nan, np.float32)
    assert spmm(enc, x, out=out) is out
    np.testing.assert_allclose(out, ref.spmm(dense, x), **F32_SPMM)


@settings(max_examples=30, deadline=None)
@given(bi=st.integers(0, len(BLOCKS) - 1), nbr=st.integers(1, 12), kbc=st.integers(1, 40),
       nb=st.integers(1, 80), density=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_random_shapes_all_kernels(bi, nbr, kbc, nb, density, seed):
    block = BLOCKS[bi]
    rng = np.random.default_rng(seed)
    n, k = _shape(block, nbr, kbc)
    enc, dense = _encode(rng, block, n, k, density)
    x = rng.standard_normal((k, nb)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    want = ref.spmm(dense, x, bias, 0, 6)
    want_t = ref.spmm_t(x.T, dense, bias, 0, np.inf)
    for kernel in kernel_ids(family_of(block)):
        np.testing.assert_allclose(spmm(enc, x, bias, "relu6", kernel=kernel), want,
                                   **F32_SPMM, err_msg=kernel)
        np.testing.assert_allclose(spmm_t(x.T.copy(), enc, bias, "relu", kernel=kernel),
                                   want_t, **F32_SPMM, err_msg=kernel)


@pytest.mark.parametrize("bad,match", [
    (lambda w, x: spmm(w.to_dense(), x), "CSR or BSR"),
    (lambda w, x: spmm(w, x.astype(np.float64)), "dtype"),
    (lambda w, x: spmm(w, x[:-1].copy()), "rows but w has K"),
    (lambda w, x: spmm_t(x, w), "K="),
    (lambda w, x: spmm(w, np.asfortranarray(x)), "C-contiguous"),
    (lambda w, x: spmm(w, x[:, :0]), "empty"),
    (lambda w, x: spmm(w, x, np.zeros(3, np.float32)), "bias"),
    (lambda w, x: spmm(w, x, activation="gelu"), "activation"),
    (lambda w, x: spmm(w, x, activation="clamp"), "clamp"),
    (lambda w, x: spmm(w, x, out=np.empty((6, 5), np.float64)), "out"),
    (lambda w, x: spmm(w, x, out=x[:6]), "overlap"),
    (lambda w, x: spmm(w, x, kernel="f32_spmm_bsr_4x4_minmax__numpy"), "belongs to"),
    (lambda w, x: spmm(w, x, num_threads=0), "num_threads"),
    (lambda w, x: spmm(CSR.from_dense(w.to_dense(), dtype=np.int8), x,
                       kernel="f32_spmm_csr_minmax__numpy"), "belongs to"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    enc, _ = _encode(rng, (1, 1), 6, 8, 0.5)
    x = rng.standard_normal((8, 5)).astype(np.float32)
    with pytest.raises((ValueError, TypeError), match=match):
        bad(enc, x)


@pytest.mark.parametrize("block,kernel", Q8_CASES, ids=Q8_IDS)
@pytest.mark.parametrize("density", [0.0, 0.4, 1.0])
def test_int8_values_with_row_scales(block, kernel, density, rng):
    n, k = _shape(block, 5, 40)
    enc, dense = _encode(rng, block, n, k, density, dtype=np.int8)
    bias = rng.standard_normal(n).astype(np.float32)
    for i, nb in enumerate([1, 2, 5, 16, 17, 64, 70]):
        act, clamp, lo, hi = ACTS[i % len(ACTS)]
        x = rng.standard_normal((k, nb)).astype(np.float32)
        np.testing.assert_allclose(spmm(enc, x, bias, act, clamp, kernel=kernel),
                                   ref.spmm(dense, x, bias, lo, hi), **F32_SPMM)
        xt = np.ascontiguousarray(x.T)
        np.testing.assert_allclose(spmm_t(xt, enc, bias, act, clamp, kernel=kernel),
                                   ref.spmm_t(xt, dense, bias, lo, hi), **F32_SPMM)


@pytest.mark.parametrize("block,kernel", Q8_CASES, ids=Q8_IDS)
def test_int8_values_wide_indices_and_threads(block, kernel, rng):
    n, k = _shape(block, 12, 70)
    enc, dense = _encode(rng, block, n, k, 0.6, np.int32, dtype=np.int8)
    x = rng.standard_normal((k, 33)).astype(np.float32)
    got = spmm(enc, x, num_threads=1, kernel=kernel)
    np.testing.assert_allclose(got, ref.spmm(dense, x), **F32_SPMM)
    np.testing.assert_array_equal(spmm(enc, x, num_threads=3, kernel=kernel), got)


@pytest.mark.parametrize("family", FAMILIES)
def test_best_simd_path_ran(family):
    assert_best_native_ran(family)

"""CSR / BSR encodings: round trips, exact sizes, index dtypes and validation errors."""

import numpy as np
import pytest

from pyedge.tensors import BSR, CSR

BLOCKS = [(1, 4), (4, 1), (4, 4), (8, 1), (16, 1)]


def _sparse(rng, n, k, density):
    w = rng.standard_normal((n, k)).astype(np.float32)
    w[rng.random((n, k)) >= density] = 0
    return w


@pytest.mark.parametrize("density", [0.0, 0.3, 1.0])
def test_csr_round_trip_and_sizes(density, rng):
    w = _sparse(rng, 33, 70, density)
    w[5] = 0  # an empty row
    c = CSR.from_dense(w)
    np.testing.assert_array_equal(c.to_dense(), w)
    nnz = int((w != 0).sum())
    assert c.nnz == nnz and c.density == nnz / w.size
    assert c.indices.dtype == np.uint16 and c.indptr.dtype == np.int32
    assert c.nbytes == 34 * 4 + nnz * 2 + nnz * 4


@pytest.mark.parametrize("block", BLOCKS)
def test_bsr_round_trip_and_sizes(block, rng):
    r, c = block
    w = _sparse(rng, 32, 48, 0.05)
    b = BSR.from_dense(w, block)
    np.testing.assert_array_equal(b.to_dense(), w)
    nnzb = b.indices.shape[0]
    assert b.values.shape == (nnzb, r, c)
    assert b.nbytes == (32 // r + 1) * 4 + nnzb * 2 + nnzb * r * c * 4
    assert b.density == nnzb * r * c / w.size


def test_block_mask_keeps_whole_blocks(rng):
    w = rng.standard_normal((16, 8)).astype(np.float32)
    mask = np.zeros((2, 8), dtype=bool)  # per 8x1 block
    mask[1, 3] = True
    b = BSR.from_dense(w, (8, 1), mask)
    want = np.zeros_like(w)
    want[8:, 3] = w[8:, 3]
    np.testing.assert_array_equal(b.to_dense(), want)


def test_int8_values_with_row_scales(rng):
    w = _sparse(rng, 16, 40, 0.5)
    for enc in (CSR.from_dense(w, dtype=np.int8), BSR.from_dense(w, (4, 4), dtype=np.int8)):
        assert enc.values.dtype == np.int8 and enc.scale.shape == (16,)
        step = np.abs(w).max(axis=1, keepdims=True) / 127
        assert np.all(np.abs(enc.to_dense() - w) <= step / 2 + 1e-6)


def test_wide_k_uses_int32_indices():
    w = np.zeros((2, 70000), np.float32)
    w[1, [3, 69999]] = 1.0
    c = CSR.from_dense(w)
    assert c.indices.dtype == np.int32
    np.testing.assert_array_equal(c.to_dense(), w)


def test_arrays_are_frozen(rng):
    c = CSR.from_dense(_sparse(rng, 4, 4, 0.5))
    for a in (c.indptr, c.indices, c.values):
        with pytest.raises(ValueError):
            a.flags.writeable = True


def _csr_args():
    return dict(shape=(3, 5), indptr=np.array([0, 2, 2, 3], np.int32),
                indices=np.array([1, 4, 0], np.uint16), values=np.ones(3, np.float32))


@pytest.mark.parametrize("change,match", [
    (dict(indices=np.array([4, 1, 0], np.uint16)), "strictly increasing"),
    (dict(indices=np.array([1, 1, 0], np.uint16)), "strictly increasing"),
    (dict(indices=np.array([1, 5, 0], np.uint16)), r"\[0, 5\)"),
    (dict(indices=np.array([1, -1, 0], np.int32)), r"\[0, 5\)"),
    (dict(indptr=np.array([0, 2, 1, 3], np.int32)), "non-decreasing"),
    (dict(indptr=np.array([1, 2, 2, 3], np.int32)), "start at 0"),
    (dict(indptr=np.array([0, 2, 2, 4], np.int32)), "end at"),
    (dict(indptr=np.array([0, 2, 3], np.int32)), "indptr must have shape"),
    (dict(indptr=np.array([0, 2, 2, 3], np.uint32)), "indptr must have dtype"),
    (dict(indices=np.array([1, 4, 0], np.int64)), "indices must have dtype"),
    (dict(values=np.ones(3, np.float64)), "values must have dtype"),
    (dict(values=np.ones(4, np.float32)), "values must have shape"),
    (dict(values=np.ones(3, np.int8)), "scale"),
    (dict(indices=[1, 4, 0]), "numpy.ndarray"),
    (dict(shape=(3, 0)), "shape"),
])
def test_csr_validation_errors(change, match):
    args = _csr_args()
    args.update(change)
    with pytest.raises((ValueError, TypeError), match=match):
        CSR(**args)


@pytest.mark.parametrize("bad,match", [
    (lambda w: BSR.from_dense(w, (2, 2)), "block must be one of"),
    (lambda w: BSR.from_dense(w[:, :6], (1, 4)), "multiple of the block"),
    (lambda w: CSR.from_dense(w.astype(np.int32)), "float"),
    (lambda w: CSR.from_dense(w, w != 0.5), None),
    (lambda w: CSR.from_dense(w, np.ones((2, 2), bool)), "mask must have shape"),
    (lambda w: CSR.from_dense(w, np.ones(w.shape, np.int8)), "boolean"),
    (lambda w: CSR.from_dense(np.full((2, 2), np.nan, np.float32)), "NaN"),
    (lambda w: CSR.from_dense(w, dtype=np.float16), "dtype"),
    (lambda w: BSR((8, 8), (4, 4), np.array([0, 1, 1], np.int32), np.array([2], np.uint16),
                   np.ones((1, 4, 4), np.float32)), r"\[0, 2\)"),
    (lambda w: CSR((2, 2), np.array([0, 1, 1], np.int32), np.array([0], np.uint16),
                   np.array([-128], np.int8), np.ones(2, np.float32)), "-127"),
    (lambda w: CSR((2, 2), np.array([0, 1, 1], np.int32), np.array([0], np.uint16),
                   np.array([3], np.int8), np.zeros(2, np.float32)), "scale must be"),
])
def test_from_dense_and_bsr_errors(bad, match, rng):
    w = rng.standard_normal((8, 8)).astype(np.float32)
    if match is None:
        bad(w)
        return
    with pytest.raises((ValueError, TypeError), match=match):
        bad(w)


def test_attributes_cannot_be_reassigned(rng):
    c = CSR.from_dense(_sparse(rng, 4, 4, 0.5))
    for name in ("shape", "block", "indptr", "indices", "values", "scale"):
        with pytest.raises(AttributeError):
            setattr(c, name, None)

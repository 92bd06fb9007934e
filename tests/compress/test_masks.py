"""Pruning masks: exact sparsity, deterministic ties, block and N:M structure, clear errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.compress.masks import (
    block_mask,
    global_magnitude_masks,
    magnitude_mask,
    nm_mask,
    sparsity_of,
)
from pyedge.tensors import BSR


def _w(n, k, seed=0):
    return np.random.default_rng(seed).standard_normal((n, k)).astype(np.float32)


@given(n=st.integers(1, 9), k=st.integers(1, 40), s=st.floats(0, 1), seed=st.integers(0, 99))
@settings(max_examples=40, deadline=None)
def test_magnitude_exact_count_and_keeps_largest(n, k, s, seed):
    w = _w(n, k, seed)
    mask = magnitude_mask(w, s)
    assert mask.dtype == bool and mask.shape == w.shape
    assert (~mask).sum() == int(np.floor(s * w.size + 0.5))
    if mask.any() and (~mask).any():
        assert np.abs(w[mask]).min() >= np.abs(w[~mask]).max()


def test_magnitude_ties_prune_lower_index_first():
    w = np.ones((2, 4), np.float32)
    mask = magnitude_mask(w, 0.25)
    assert mask.tolist() == [[False, False, True, True], [True, True, True, True]]
    assert magnitude_mask(w, 0).all() and not magnitude_mask(w, 1).any()


def test_global_masks_share_one_threshold():
    a = np.array([[0.1, 5.0], [0.2, 6.0]], np.float32)
    b = np.array([1.0, 2.0, 3.0, 0.05], np.float32)
    masks = global_magnitude_masks({"a": a, "b": b}, 0.5)
    assert masks["a"].tolist() == [[False, True], [False, True]]
    assert masks["b"].tolist() == [False, True, True, False]
    total = sum((~m).sum() for m in masks.values())
    assert total == 4


@pytest.mark.parametrize("block", [(1, 4), (4, 1), (4, 4), (8, 1), (16, 1), (1, 1)])
@pytest.mark.parametrize("s", [0.0, 0.5, 0.8, 0.9, 1.0])
def test_block_mask_whole_blocks_by_l2(block, s):
    r, c = block
    w = _w(32, 48, 3)
    mask = block_mask(w, s, block)
    blocks = mask.reshape(32 // r, r, 48 // c, c)
    assert (blocks.all(axis=(1, 3)) == blocks.any(axis=(1, 3))).all()  # constant per block
    nblocks = (32 // r) * (48 // c)
    assert (~blocks.any(axis=(1, 3))).sum() == int(np.floor(s * nblocks + 0.5))
    assert sparsity_of(mask) == pytest.approx((~mask).sum() / mask.size)
    norms = np.sqrt((w.astype(np.float64).reshape(32 // r, r, 48 // c, c) ** 2).sum(axis=(1, 3)))
    keep = blocks.any(axis=(1, 3))
    if keep.any() and (~keep).any():
        assert norms[keep].min() >= norms[~keep].max()
    if keep.any():  # the mask builds a BSR storing exactly the kept blocks
        if block != (1, 1):
            enc = BSR.from_dense(w * mask, block, mask)
            assert enc.indices.shape[0] == keep.sum()
            np.testing.assert_array_equal(enc.to_dense(), w * mask)


@pytest.mark.parametrize("n,m", [(2, 4), (4, 8), (1, 4), (0, 4), (4, 4)])
def test_nm_mask_keeps_n_largest_per_group(n, m):
    w = _w(6, 32, 5)
    mask = nm_mask(w, n, m)
    groups = mask.reshape(6, -1, m)
    assert (groups.sum(axis=-1) == n).all()
    a = np.abs(w).reshape(6, -1, m)
    if 0 < n < m:
        kept_min = np.where(groups, a, np.inf).min(axis=-1)
        dropped_max = np.where(groups, -np.inf, a).max(axis=-1)
        assert (kept_min >= dropped_max).all()


def test_nm_ties_keep_lower_index():
    assert nm_mask(np.ones((1, 4), np.float32), 2, 4).tolist() == [[True, True, False, False]]


@pytest.mark.parametrize("call,match", [
    (lambda w: magnitude_mask(w, 1.5), "sparsity must lie in"),
    (lambda w: magnitude_mask(w, -0.1), "sparsity must lie in"),
    (lambda w: magnitude_mask(w, "half"), "sparsity must be a number"),
    (lambda w: magnitude_mask(w.tolist(), 0.5), "w must be a numpy.ndarray"),
    (lambda w: magnitude_mask(w.astype(np.int32), 0.5), "w must be a float array"),
    (lambda w: magnitude_mask(np.full((2, 2), np.nan, np.float32), 0.5), "NaN"),
    (lambda w: block_mask(w, 0.5, (3, 3)), "block must be one of"),
    (lambda w: block_mask(w[:, :6], 0.5, (4, 4)), "not a multiple of the block"),
    (lambda w: block_mask(w[0], 0.5), "2-D"),
    (lambda w: nm_mask(w[:, :6], 2, 4), "not a multiple of m=4"),
    (lambda w: nm_mask(w, 5, 4), "0 <= n <= m"),
    (lambda w: global_magnitude_masks({}, 0.5), "non-empty mapping"),
    (lambda w: global_magnitude_masks({"x": "w"}, 0.5), r"weights\['x'\]"),
])
def test_bad_input_is_named(call, match):
    w = _w(8, 16)
    with pytest.raises((ValueError, TypeError), match=match):
        call(w)

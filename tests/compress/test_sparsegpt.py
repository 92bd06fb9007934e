"""SparseGPT: exact sparsity, lower reconstruction error than magnitude pruning."""

import numpy as np
import pytest

from pyedge.compress.gptq import hessian
from pyedge.compress.masks import block_mask, magnitude_mask, nm_mask
from pyedge.compress.sparsegpt import sparsegpt


def _problem(n=32, k=96, s=512, seed=0):
    """Weights and strongly correlated calibration inputs (low-rank mixing plus noise)."""
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((16, k))
    x = (rng.standard_normal((s, 16)) @ mix + 0.1 * rng.standard_normal((s, k)))
    x *= rng.uniform(0.2, 3.0, size=k)  # uneven input scales
    w = rng.standard_normal((n, k)).astype(np.float32)
    return w, x.astype(np.float32)


def _err(w, wp, x):
    return float(np.linalg.norm((w.astype(np.float64) - wp) @ x.T.astype(np.float64)))


def test_hessian_scale_does_not_matter():
    """gptq.hessian is 2/S X^T X; a plain X^T X gives the same pruning (relative damping)."""
    w, x = _problem()
    wp, mask = sparsegpt(w, hessian(x), 0.5, blocksize=32)
    x64 = x.astype(np.float64)
    wp2, mask2 = sparsegpt(w, x64.T @ x64, 0.5, blocksize=32)
    np.testing.assert_array_equal(mask, mask2)
    np.testing.assert_allclose(wp, wp2, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("s", [0.5, 0.75])
def test_unstructured_beats_magnitude(s):
    w, x = _problem()
    wp, mask = sparsegpt(w, hessian(x), s, blocksize=32)
    assert (~mask).sum() == int(np.floor(s * w.size + 0.5))
    assert (wp[~mask] == 0).all() and wp.dtype == np.float32
    mag = magnitude_mask(w, s)
    assert _err(w, wp, x) < 0.7 * _err(w, w * mag, x)


def test_nm_beats_nm_magnitude():
    w, x = _problem()
    wp, mask = sparsegpt(w, hessian(x), nm=(2, 4), blocksize=32)
    assert (mask.reshape(w.shape[0], -1, 4).sum(axis=-1) == 2).all()
    assert (wp[~mask] == 0).all()
    assert _err(w, wp, x) < 0.7 * _err(w, w * nm_mask(w, 2, 4), x)


@pytest.mark.parametrize("block", [(4, 4), (1, 4), (8, 1)])
def test_block_beats_block_magnitude(block):
    w, x = _problem()
    r, c = block
    wp, mask = sparsegpt(w, hessian(x), 0.5, block=block, blocksize=32)
    b = mask.reshape(w.shape[0] // r, r, -1, c)
    assert (b.all(axis=(1, 3)) == b.any(axis=(1, 3))).all()
    assert (~b.any(axis=(1, 3))).sum() == b.shape[0] * b.shape[2] // 2
    assert _err(w, wp, x) < 0.8 * _err(w, w * block_mask(w, 0.5, block), x)


def test_dead_inputs_and_extremes():
    w, x = _problem(k=16)
    x[:, 3] = 0
    wp, mask = sparsegpt(w, hessian(x), 0.0)
    assert mask.all()
    np.testing.assert_allclose(wp[:, 3], 0)
    np.testing.assert_allclose(np.delete(wp, 3, 1), np.delete(w, 3, 1), atol=1e-5)
    wp, mask = sparsegpt(w, hessian(x), 1.0)
    assert not mask.any() and not wp.any()


@pytest.mark.parametrize("kwargs,match", [
    (dict(H=np.eye(5)), r"H must have shape \(16, 16\)"),
    (dict(sparsity=None), "sparsity is required"),
    (dict(nm=(2, 4), sparsity=0.3), "contradicts nm"),
    (dict(nm=(2, 4), blocksize=6), "multiple of m=4"),
    (dict(block=(4, 4), blocksize=6), "multiple of the block width 4"),
    (dict(block=(3, 3)), "block must be one of"),
    (dict(damp=-1), "damp must be"),
])
def test_bad_input_is_named(kwargs, match):
    w, x = _problem(k=16)
    args = dict(H=hessian(x), sparsity=0.5)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        sparsegpt(w, args.pop("H"), args.pop("sparsity"), **args)

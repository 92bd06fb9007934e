# SparseGPT (Frantar & Alistarh 2023): one-shot pruning with OBS weight reconstruction.
"""SparseGPT: prune ``w[N, K]`` and update the remaining weights to keep ``w @ X^T``.

Columns are processed left to right in blocks of ``blocksize``. At the start of a block the
mask of that block is chosen adaptively from the score ``w^2 / [U]_jj^2`` (``U`` the upper
Cholesky factor of the damped inverse Hessian), then each column is pruned and the optimal
(OBS) correction of the error is spread over the not-yet-processed columns of the block; the
accumulated block error updates the later columns once per block (lazy batch updates).
Variants: unstructured, N:M (keep n of every m along K) and BSR blocks (r x c).
"""

from __future__ import annotations

import numpy as np

from pyedge.compress.masks import (
    check_block,
    check_nm,
    check_sparsity,
    check_weight,
    lowest,
    n_pruned,
)


def _check_hessian(h, k: int) -> np.ndarray:
    if not isinstance(h, np.ndarray):
        raise TypeError(f"H must be a numpy.ndarray, got {type(h).__name__}")
    if not np.issubdtype(h.dtype, np.floating):
        raise TypeError(f"H must be a float array, got {h.dtype}")
    if h.shape != (k, k):
        raise ValueError(f"H must have shape ({k}, {k}) to match w[N, {k}], got {h.shape}")
    if not np.all(np.isfinite(h)):
        raise ValueError("H holds NaN or Inf")
    return h


def inverse_hessian_factor(h: np.ndarray, damp: float) -> tuple[np.ndarray, np.ndarray]:
    """Upper Cholesky factor ``U`` of ``(H + damp * mean(diag H) * I)^-1`` and the dead inputs.

    Inputs whose diagonal is 0 (never active on the calibration data) get ``H_jj = 1``.
    """
    hd = np.array(h, dtype=np.float64)
    hd = (hd + hd.T) / 2
    dead = np.diag(hd) <= 0
    hd[dead, :] = 0
    hd[:, dead] = 0
    hd[dead, dead] = 1
    hd[np.diag_indices_from(hd)] += damp * float(np.mean(np.diag(hd)))
    try:
        lower = np.linalg.cholesky(hd)
        lower_inv = np.linalg.solve(lower, np.eye(hd.shape[0]))
        u = np.linalg.cholesky(lower_inv.T @ lower_inv).T  # H^-1 = U^T U
    except np.linalg.LinAlgError:
        raise ValueError(f"H is not positive definite with damp={damp}; increase damp") from None
    return u, dead


def sparsegpt(w: np.ndarray, H: np.ndarray, sparsity: float | None = None, *,
              nm: tuple[int, int] | None = None, block: tuple[int, int] = (1, 1),
              blocksize: int = 128, damp: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """One-shot prune ``w`` with weight reconstruction from the calibration Hessian.

    Parameters
    ----------
    w : float ndarray ``[N, K]`` (``K = kh*kw*cin`` in OHWI order for a convolution)
    H : ``X^T X`` (any positive scale, e.g. :func:`pyedge.compress.gptq.hessian`) of the
        calibration inputs ``x[S, K]``
    sparsity : fraction of entries to prune, in [0, 1]; exactly ``round(sparsity * N * K)``
        entries (blocks for ``block``) are pruned. Optional with ``nm`` (then ``1 - n/m``).
    nm : (n, m): keep n of every m consecutive weights along K (K and ``blocksize`` multiples
        of m); excludes ``block``
    block : (r, c) of the BSR block set: prune whole blocks (``blocksize`` a multiple of c)
    blocksize : columns per lazy-update block (the adaptive mask is chosen per block)
    damp : relative Tikhonov damping of H (fraction of its mean diagonal)

    Returns
    -------
    (w_pruned float32 ``[N, K]`` with zeros where pruned and updated kept weights,
    mask bool ``[N, K]``, True = keep)
    """
    w = check_weight(w)
    n_rows, k = w.shape
    h = _check_hessian(H, k)
    if isinstance(blocksize, bool) or not isinstance(blocksize, int | np.integer) \
            or blocksize < 1:
        raise ValueError(f"blocksize must be an int >= 1, got {blocksize!r}")
    if isinstance(damp, bool) or not isinstance(damp, int | float) or not damp >= 0:
        raise ValueError(f"damp must be a number >= 0, got {damp!r}")
    if nm is not None:
        if tuple(block) != (1, 1):
            raise ValueError("nm and block cannot be combined")
        try:
            keep_n, m = nm
        except (TypeError, ValueError):
            raise TypeError(f"nm must be a pair (n, m), got {nm!r}") from None
        keep_n, m = check_nm(keep_n, m, k)
        if sparsity is not None and abs(check_sparsity(sparsity) - (1 - keep_n / m)) > 1e-9:
            raise ValueError(f"sparsity={sparsity} contradicts nm={nm} (1 - n/m = "
                             f"{1 - keep_n / m:g}); pass sparsity=None")
        if blocksize % m:
            raise ValueError(f"blocksize={blocksize} must be a multiple of m={m}")
        r = c = 1
        s = 1 - keep_n / m
    else:
        if sparsity is None:
            raise ValueError("sparsity is required unless nm is given")
        s = check_sparsity(sparsity)
        r, c = check_block(block, (n_rows, k))
        if blocksize % c:
            raise ValueError(f"blocksize={blocksize} must be a multiple of the block width {c}")
    u, dead = inverse_hessian_factor(h, float(damp))
    weights = w.astype(np.float64)  # [N, K], updated in place
    weights[:, dead] = 0
    pruned = np.zeros((n_rows, k), dtype=bool)
    diag = np.diag(u)
    n_brows = n_rows // r

    def cumulative(col: int) -> int:  # blocks pruned in columns [0, col): exact in total
        return n_pruned(s, n_brows * (col // c))

    for i1 in range(0, k, blocksize):
        i2 = min(i1 + blocksize, k)
        w1 = weights[:, i1:i2].copy()  # [N, B]
        u1 = u[i1:i2, i1:i2]
        err1 = np.zeros_like(w1)
        if nm is None:
            scores = np.square(w1 / diag[i1:i2])
            blocks = scores.reshape(n_brows, r, (i2 - i1) // c, c).sum(axis=(1, 3))
            chosen = lowest(blocks, cumulative(i2) - cumulative(i1))
            pruned[:, i1:i2] = np.repeat(np.repeat(chosen, r, axis=0), c, axis=1)
        for i in range(i2 - i1):
            col = i1 + i
            if nm is not None and i % m == 0:
                scores = np.square(w1[:, i:i + m] / diag[col:col + m])  # [N, m]
                order = np.argsort(-scores, axis=1, kind="stable")
                keep = np.zeros_like(scores, dtype=bool)
                np.put_along_axis(keep, order[:, :keep_n], True, axis=1)
                pruned[:, col:col + m] = ~keep
            q = np.where(pruned[:, col], 0.0, w1[:, i])
            err = (w1[:, i] - q) / u1[i, i]
            w1[:, i:] -= np.outer(err, u1[i, i:])
            w1[:, i] = q
            err1[:, i] = err
        weights[:, i1:i2] = w1
        weights[:, i2:] -= err1 @ u[i1:i2, i2:]
    weights[pruned] = 0
    return weights.astype(np.float32), ~pruned

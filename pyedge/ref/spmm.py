"""Oracle of the sparse matmul: rebuild the float64 dense matrix from raw block arrays, naively."""

import numpy as np


def dense_from_blocks(shape, block, indptr, indices, values, scale=None) -> np.ndarray:
    """Float64 ``w[N, K]`` from block-row arrays (CSR when ``block == (1, 1)``), one block at a
    time; int8 values are multiplied by their row ``scale``."""
    n, k = shape
    r, c = block
    w = np.zeros((n, k), dtype=np.float64)
    vals = np.asarray(values).reshape(-1, r, c)
    for br in range(n // r):
        for j in range(int(indptr[br]), int(indptr[br + 1])):
            col = int(indices[j]) * c
            w[br * r:br * r + r, col:col + c] = vals[j]
    if scale is not None:
        w *= np.asarray(scale, dtype=np.float64)[:, None]
    return w


def _epilogue(y, bias, lo, hi):
    if bias is not None:
        y = y + bias
    return np.clip(y, lo, hi).astype(np.float32)


def spmm(w: np.ndarray, x: np.ndarray, bias=None, lo=-np.inf, hi=np.inf) -> np.ndarray:
    """Reference ``clip(w @ x + bias[:, None], lo, hi)`` in float64, returned as float32."""
    y = w @ x.astype(np.float64)
    b = None if bias is None else np.asarray(bias, np.float64)[:, None]
    return _epilogue(y, b, lo, hi)


def spmm_t(x: np.ndarray, w: np.ndarray, bias=None, lo=-np.inf, hi=np.inf) -> np.ndarray:
    """Reference ``clip(x @ w.T + bias, lo, hi)`` in float64, returned as float32."""
    y = x.astype(np.float64) @ w.T
    b = None if bias is None else np.asarray(bias, np.float64)
    return _epilogue(y, b, lo, hi)

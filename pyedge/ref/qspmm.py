"""Oracle of the integer sparse matmul: int64 sums of (x - zp) * w over a naive dense rebuild."""

import numpy as np

from pyedge.ref.requantize import requantize
from pyedge.ref.spmm import dense_from_blocks


def qspmm_t(x: np.ndarray, zp: int, w_dense_int: np.ndarray, bias=None, multiplier=None,
            out_zero_point: int = 0, out_dtype=np.int32, clamp=None) -> np.ndarray:
    """Reference ``epilogue((x - zp) @ w.T + bias)`` for x[B, K] and integer w[N, K]."""
    x64 = x.astype(np.int64) - zp
    w64 = w_dense_int.astype(np.int64)
    acc = np.zeros((x.shape[0], w64.shape[0]), dtype=np.int64)
    for kk in range(x.shape[1]):  # naive rank-1 updates, exact in int64
        acc += np.outer(x64[:, kk], w64[:, kk])
    if bias is not None:
        acc += np.asarray(bias, dtype=np.int64)
    odt = np.dtype(out_dtype)
    if odt == np.int32:
        return acc.astype(np.int32)
    mult = np.broadcast_to(np.asarray(multiplier, dtype=np.float32), (w64.shape[0],))
    if odt == np.float32:
        y = acc.astype(np.float32) * mult
        if clamp is not None:
            y = np.minimum(np.maximum(y, np.float32(clamp[0])), np.float32(clamp[1]))
        return y
    info = np.iinfo(odt)
    lo, hi = (info.min, info.max) if clamp is None else clamp
    return requantize(acc, mult, out_zero_point, lo, hi, odt)


def dense_int(shape, block, indptr, indices, values) -> np.ndarray:
    """int64 ``w[N, K]`` of int8 block-row arrays (their row scales are not applied)."""
    return dense_from_blocks(shape, block, indptr, indices, values).astype(np.int64)

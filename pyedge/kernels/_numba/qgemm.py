"""Numba twin of the native INT8 GEMM (canonical weight layout, same numerics)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _acc(a, zp, w, wsum, bias, has_bias):  # pragma: no cover - compiled
    m, k = a.shape
    n = w.shape[0]
    acc = np.empty((m, n), dtype=np.int32)
    for idx in prange(m * n):
        i = idx // n
        j = idx - i * n
        s = np.int32(0)
        for kk in range(k):
            s += np.int32(a[i, kk]) * np.int32(w[j, kk])
        s -= np.int32(zp) * wsum[j]
        if has_bias:
            s += bias[j]
        acc[i, j] = s
    return acc


@njit(cache=True, nogil=True)
def _requant(acc, mult, ozp, qmin, qmax, out):  # pragma: no cover - compiled
    lo = np.float32(qmin - ozp)
    hi = np.float32(qmax - ozp)
    m, n = acc.shape
    for i in range(m):
        for j in range(n):
            x = np.float32(acc[i, j]) * mult[j]
            x = min(max(x, lo), hi)
            out[i, j] = np.int32(np.rint(x)) + ozp


@njit(cache=True, nogil=True)
def _dequant(acc, mult, fmin, fmax, out):  # pragma: no cover - compiled
    m, n = acc.shape
    for i in range(m):
        for j in range(n):
            x = np.float32(acc[i, j]) * mult[j]
            out[i, j] = min(max(x, fmin), fmax)


def gemm(params, a, zp, w, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out, threads):
    """Same contract as the native driver; ``w`` is the canonical int8 [N, K] array."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    has_bias = bias is not None
    acc = _acc(a, zp, w, wsum, bias if has_bias else wsum, has_bias)
    if kind == 0:
        out[...] = acc
    elif kind == 3:
        _dequant(acc, mult, fmin, fmax, out)
    else:
        _requant(acc, mult, ozp, qmin, qmax, out)

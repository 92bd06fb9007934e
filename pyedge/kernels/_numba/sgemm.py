"""Numba twin of the native float32 GEMM (canonical [N, K] weights, rows in parallel)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _gemm(a, w, bias, has_bias, out, lo, hi):  # pragma: no cover - compiled
    m, k = a.shape
    n = w.shape[0]
    for i in prange(m):
        for j in range(n):
            s = bias[j] if has_bias else np.float32(0)
            for kk in range(k):
                s += a[i, kk] * w[j, kk]
            out[i, j] = min(max(s, lo), hi)


def gemm(params, a, w, bias, out, lo, hi, threads):
    """Same contract as the native driver; ``w`` is the canonical float32 [N, K] array."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    has_bias = bias is not None
    _gemm(a, w, bias if has_bias else w[0], has_bias, out, lo, hi)

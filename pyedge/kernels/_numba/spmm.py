"""Numba twin of the native sparse matmul (float32 or int8 values, float32 sums)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _spmm(indptr, indices, values, scale, x, bias, has_bias, lo, hi, out):  # pragma: no cover
    r, c = values.shape[1], values.shape[2]
    nb = x.shape[1]
    for br in prange(indptr.shape[0] - 1):
        for i in range(r):
            row = br * r + i
            for b in range(nb):
                out[row, b] = np.float32(0)
            for j in range(indptr[br], indptr[br + 1]):
                col = np.int64(indices[j]) * c
                for cc in range(c):
                    wv = np.float32(values[j, i, cc])
                    for b in range(nb):
                        out[row, b] += wv * x[col + cc, b]
            bv = bias[row] if has_bias else np.float32(0)
            for b in range(nb):
                out[row, b] = min(max(out[row, b] * scale[row] + bv, lo), hi)


@njit(parallel=True, cache=True, nogil=True)
def _spmm_t(indptr, indices, values, scale, x, bias, has_bias, lo, hi, out):  # pragma: no cover
    r, c = values.shape[1], values.shape[2]
    for br in prange(indptr.shape[0] - 1):
        for i in range(r):
            row = br * r + i
            bv = bias[row] if has_bias else np.float32(0)
            for b in range(x.shape[0]):
                acc = np.float32(0)
                for j in range(indptr[br], indptr[br + 1]):
                    col = np.int64(indices[j]) * c
                    for cc in range(c):
                        acc += np.float32(values[j, i, cc]) * x[b, col + cc]
                out[b, row] = min(max(acc * scale[row] + bv, lo), hi)


def run(params, transposed, w, x, bias, lo, hi, out, threads):
    """Same contract as the native driver (validated arguments, out preallocated)."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    values = w.values.reshape(-1, *w.block)  # [nnzb, r, c]
    has_bias = bias is not None
    b = bias if has_bias else np.zeros(1, np.float32)
    scale = w.scale if w.scale is not None else np.ones(w.shape[0], np.float32)
    (_spmm_t if transposed else _spmm)(w.indptr, w.indices, values, scale, x, b, has_bias, lo,
                                       hi, out)

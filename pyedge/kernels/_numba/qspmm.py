"""Numba twin of the native integer sparse matmul (int32 sums, the qgemm epilogue)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _acc(indptr, indices, values, x, transposed):  # pragma: no cover - compiled
    r, c = values.shape[1], values.shape[2]
    nbr = indptr.shape[0] - 1
    nb = x.shape[0] if transposed else x.shape[1]
    acc = np.zeros((nbr * r, nb), dtype=np.int64)  # [N, B]
    for br in prange(nbr):
        for j in range(indptr[br], indptr[br + 1]):
            col = np.int64(indices[j]) * c
            for i in range(r):
                for cc in range(c):
                    wv = np.int64(values[j, i, cc])
                    for b in range(nb):
                        xv = x[b, col + cc] if transposed else x[col + cc, b]
                        acc[br * r + i, b] += wv * np.int64(xv)
    return acc


@njit(cache=True, nogil=True)
def _epilogue(acc, zp, wsum, bias, has_bias, mult, kind, ozp, qmin, qmax, fmin, fmax,
              out, transposed):  # pragma: no cover - compiled
    n, nb = acc.shape
    lo = np.float32(qmin - ozp)
    hi = np.float32(qmax - ozp)
    for row in range(n):
        for b in range(nb):
            a = np.int32(acc[row, b] - np.int64(zp) * wsum[row])
            if has_bias:
                a = np.int32(a + bias[row])
            i, j = (b, row) if transposed else (row, b)
            if kind == 0:
                out[i, j] = a
            elif kind == 3:
                v = np.float32(a) * mult[row]
                out[i, j] = min(max(v, fmin), fmax)
            else:
                v = min(max(np.float32(a) * mult[row], lo), hi)
                out[i, j] = np.int32(np.rint(v)) + ozp


def run(params, transposed, w, x, zp, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out,
        threads):
    """Same contract as the native driver (validated arguments, out preallocated)."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    values = w.values.reshape(-1, *w.block)  # [nnzb, r, c]
    acc = _acc(w.indptr, w.indices, values, x, transposed)
    has_bias = bias is not None
    m = mult if mult is not None else np.ones(1, np.float32)
    _epilogue(acc, zp, wsum, bias if has_bias else wsum, has_bias, m, kind, ozp, qmin, qmax,
              fmin, fmax, out, transposed)

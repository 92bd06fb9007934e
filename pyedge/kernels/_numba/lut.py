"""Numba twin of the codebook GEMM (canonical bitstream, per-channel 16-entry tables)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True, fastmath=True)
def _gemm(x, w, levels, bits, nchunks, bias, has_bias, out):  # pragma: no cover - compiled
    m, k = x.shape
    n = w.shape[0]
    mask = (1 << bits) - 1
    for c in prange(nchunks):
        wrow = np.empty(k, dtype=np.float32)  # one decoded row per chunk, reused
        for j in range(n * c // nchunks, n * (c + 1) // nchunks):
            if bits == 4:
                for b in range(k // 2):
                    byte = w[j, b]
                    wrow[2 * b] = levels[j, byte & 15]
                    wrow[2 * b + 1] = levels[j, byte >> 4]
                if k % 2:
                    wrow[k - 1] = levels[j, w[j, k // 2] & 15]
            else:
                for kk in range(k):
                    bit = kk * bits
                    byte = bit >> 3
                    shift = bit & 7
                    v = np.int32(w[j, byte])
                    if shift + bits > 8:
                        v |= np.int32(w[j, byte + 1]) << 8
                    wrow[kk] = levels[j, (v >> shift) & mask]
            for i in range(m):
                acc = np.float32(0.0)
                for kk in range(k):
                    acc += x[i, kk] * wrow[kk]
                out[i, j] = acc + bias[j] if has_bias else acc


def gemm(params, x, wp, levels, bias, out, bits, threads):
    """Same contract as the native driver; ``wp`` is the canonical packed bitstream."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    n = out.shape[1]
    has_bias = bias is not None
    _gemm(x, wp.reshape(n, -1), levels, bits, min(threads, n), bias if has_bias else levels[0],
          has_bias, out)

"""Numba twin of the native INT8 GEMM (canonical weight layout, same numerics)."""

import numba
import numpy as np
from numba import njit, prange

# Register tiles written out by hand (LLVM keeps the scalar accumulators in registers and
# vectorizes the k loop with vpmovzx/sx + vpdpwssd); int32 wraparound as in the native code.
# Edge tiles repeat the last row/channel (recomputing identical values, never out of bounds).


@njit(parallel=True, cache=True, nogil=True)
def _acc_4x4(a, zp, w, wsum, bias, has_bias, acc):  # pragma: no cover - compiled
    m, k = a.shape
    n = w.shape[0]
    nb = (n + 3) // 4
    for t in prange(((m + 3) // 4) * nb):
        i0 = (t // nb) * 4
        i1, i2, i3 = min(i0 + 1, m - 1), min(i0 + 2, m - 1), min(i0 + 3, m - 1)
        j0 = (t % nb) * 4
        j1, j2, j3 = min(j0 + 1, n - 1), min(j0 + 2, n - 1), min(j0 + 3, n - 1)
        s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = np.int32(0)
        s20 = s21 = s22 = s23 = s30 = s31 = s32 = s33 = np.int32(0)
        for kk in range(k):
            a0, a1 = np.int32(a[i0, kk]), np.int32(a[i1, kk])
            a2, a3 = np.int32(a[i2, kk]), np.int32(a[i3, kk])
            w0, w1 = np.int32(w[j0, kk]), np.int32(w[j1, kk])
            w2, w3 = np.int32(w[j2, kk]), np.int32(w[j3, kk])
            s00, s01 = np.int32(s00 + a0 * w0), np.int32(s01 + a0 * w1)
            s02, s03 = np.int32(s02 + a0 * w2), np.int32(s03 + a0 * w3)
            s10, s11 = np.int32(s10 + a1 * w0), np.int32(s11 + a1 * w1)
            s12, s13 = np.int32(s12 + a1 * w2), np.int32(s13 + a1 * w3)
            s20, s21 = np.int32(s20 + a2 * w0), np.int32(s21 + a2 * w1)
            s22, s23 = np.int32(s22 + a2 * w2), np.int32(s23 + a2 * w3)
            s30, s31 = np.int32(s30 + a3 * w0), np.int32(s31 + a3 * w1)
            s32, s33 = np.int32(s32 + a3 * w2), np.int32(s33 + a3 * w3)
        for j, c0, c1, c2, c3 in ((j0, s00, s10, s20, s30), (j1, s01, s11, s21, s31),
                                  (j2, s02, s12, s22, s32), (j3, s03, s13, s23, s33)):
            adj = bias[j] - zp * wsum[j] if has_bias else -zp * wsum[j]
            acc[i0, j] = np.int32(c0 + adj)
            acc[i1, j] = np.int32(c1 + adj)
            acc[i2, j] = np.int32(c2 + adj)
            acc[i3, j] = np.int32(c3 + adj)


@njit(parallel=True, cache=True, nogil=True)
def _acc_1x8(a, zp, w, wsum, bias, has_bias, acc):  # pragma: no cover - compiled
    m, k = a.shape
    n = w.shape[0]
    nb = (n + 7) // 8
    for t in prange(m * nb):
        i = t // nb
        j0 = (t % nb) * 8
        j1, j2, j3 = min(j0 + 1, n - 1), min(j0 + 2, n - 1), min(j0 + 3, n - 1)
        j4, j5 = min(j0 + 4, n - 1), min(j0 + 5, n - 1)
        j6, j7 = min(j0 + 6, n - 1), min(j0 + 7, n - 1)
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = np.int32(0)
        for kk in range(k):
            av = np.int32(a[i, kk])
            s0 = np.int32(s0 + av * np.int32(w[j0, kk]))
            s1 = np.int32(s1 + av * np.int32(w[j1, kk]))
            s2 = np.int32(s2 + av * np.int32(w[j2, kk]))
            s3 = np.int32(s3 + av * np.int32(w[j3, kk]))
            s4 = np.int32(s4 + av * np.int32(w[j4, kk]))
            s5 = np.int32(s5 + av * np.int32(w[j5, kk]))
            s6 = np.int32(s6 + av * np.int32(w[j6, kk]))
            s7 = np.int32(s7 + av * np.int32(w[j7, kk]))
        for j, c in ((j0, s0), (j1, s1), (j2, s2), (j3, s3), (j4, s4), (j5, s5), (j6, s6),
                     (j7, s7)):
            adj = bias[j] - zp * wsum[j] if has_bias else -zp * wsum[j]
            acc[i, j] = np.int32(c + adj)


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
    acc = out if kind == 0 else np.empty(out.shape, dtype=np.int32)
    tile = _acc_1x8 if a.shape[0] < 4 else _acc_4x4  # GEMV: no repeated rows
    tile(a, zp, w, wsum, bias if has_bias else wsum, has_bias, acc)
    if kind == 3:
        _dequant(acc, mult, fmin, fmax, out)
    elif kind != 0:
        _requant(acc, mult, ozp, qmin, qmax, out)

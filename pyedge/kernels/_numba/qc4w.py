"""Numba twin of the grouped-INT4 GEMM on a K-major layout (qd8 numerics bit-exact with C).

Weights arrive transposed (``q_t[K/2, N]`` bytes, ``s_t[K/g, N]`` float32 scales, see
``pyedge.kernels.qc4w``), so the inner loops run over contiguous channels and vectorize.
In the qd8 path the per-group dot products are float32 sums of integers below 2**24, exact
in any order; the float32 sequence over groups is compiled without fastmath, as in C.
"""

import numba
import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, fastmath=True, boundscheck=False)
def _group_dot(part, xe, xo, q_t, b0, b1, j0, j1):  # pragma: no cover - compiled
    """part[j - j0] = sum over bytes b in [b0, b1) of xe[b] * lo(q) + xo[b] * hi(q)."""
    part[:] = 0.0
    for b in range(b0, b1):
        xeb = xe[b]
        xob = xo[b]
        row = q_t[b, j0:j1]
        for jj in range(part.shape[0]):
            byte = np.int32(row[jj])
            lo = np.float32(((byte & 15) ^ 8) - 8)
            hi = np.float32(((byte >> 4) ^ 8) - 8)
            part[jj] += xeb * lo + xob * hi


@njit(cache=True, nogil=True, boundscheck=False)
def _combine(acc, part, s_row):  # pragma: no cover - compiled
    """acc = acc + part * s (two roundings, no FMA), elementwise."""
    for j in range(acc.shape[0]):
        prod = part[j] * s_row[j]
        acc[j] = acc[j] + prod


@njit(parallel=True, cache=True, nogil=True)
def _gemm(xe, xo, sx, q_t, s_t, group, bias, has_bias, qd8, chunk, out):  # pragma: no cover
    m = xe.shape[0]
    ngroups, n = s_t.shape
    half = group // 2
    nchunks = (n + chunk - 1) // chunk
    for c in prange(nchunks):
        j0 = c * chunk
        j1 = min(n, j0 + chunk)
        part = np.empty(j1 - j0, dtype=np.float32)
        acc = np.empty(j1 - j0, dtype=np.float32)
        for i in range(m):
            acc[:] = 0.0
            for g in range(ngroups):
                _group_dot(part, xe[i], xo[i], q_t, g * half, (g + 1) * half, j0, j1)
                _combine(acc, part, s_t[g, j0:j1])
            for j in range(j1 - j0):
                y = acc[j] * sx[i] if qd8 else acc[j]
                out[i, j0 + j] = y + bias[j0 + j] if has_bias else y


@njit(cache=True, nogil=True)
def quantize_rows(x, group):  # pragma: no cover - compiled
    """Per-row int8 quantization of qc4w-gemm.h: returns (xq, xsum, sx)."""
    m, k = x.shape
    xq = np.empty((m, k), dtype=np.int8)
    xsum = np.zeros((m, k // group), dtype=np.int32)
    sx = np.empty(m, dtype=np.float32)
    for i in range(m):
        amax = np.float32(0.0)
        for kk in range(k):
            a = abs(x[i, kk])
            if a > amax:
                amax = a
        inv = np.float32(127.0) / amax if amax > 0 else np.float32(0.0)
        sx[i] = amax / np.float32(127.0)
        for kk in range(k):
            v = np.rint(x[i, kk] * inv)
            v = min(max(v, np.float32(-127.0)), np.float32(127.0))
            xq[i, kk] = np.int8(v)
            xsum[i, kk // group] += np.int32(xq[i, kk])
    return xq, xsum, sx


def _run(x, sx, wp, sp, bias, out, group, threads, qd8):
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    n, k = out.shape[1], x.shape[1]
    xe = np.ascontiguousarray(x[:, 0::2])
    xo = np.ascontiguousarray(x[:, 1::2])
    has_bias = bias is not None
    chunk = -(-n // (64 * threads)) * 64  # one contiguous run of channels per thread
    _gemm(xe, xo, sx, wp.reshape(k // 2, n), sp.reshape(k // group, n), group,
          bias if has_bias else sp, has_bias, qd8, chunk, out)


def gemm_f32(params, x, wp, sp, bias, out, group, threads):
    """Same contract as the native driver; wp/sp in the K-major layout."""
    _run(x, np.ones(x.shape[0], np.float32), wp, sp, bias, out, group, threads, False)


def gemm_qd8(params, x, wp, sp, bias, out, group, threads):
    """Same contract (and bit-identical results) as the native qd8 driver."""
    xq, _, sx = quantize_rows(x, group)
    _run(xq.astype(np.float32), sx, wp, sp, bias, out, group, threads, True)

"""Numba twin of the grouped-INT4 GEMM on a K-major layout (qd8 numerics bit-exact with C).

One row: nibbles are decoded inside the dot loop. Several rows: each group of 256 channels
is decoded once into float tiles that every row then reuses.

Weights arrive transposed (``q_t[K/2, N]`` bytes, ``s_t[K/g, N]`` float32 scales, see
``pyedge.kernels.qc4w``), so the inner loops run over contiguous channels and vectorize.
In the qd8 path the per-group dot products are float32 sums of integers below 2**24, exact
in any order; the float32 sequence over groups is compiled without fastmath, as in C.
"""

import numba
import numpy as np
from numba import njit, prange

SUB = 256  # channels decoded together (two [g/2, SUB] float tiles stay in L1)


@njit(cache=True, nogil=True, boundscheck=False)
def _decode(wl, wh, q_t, b0, j0, w):  # pragma: no cover - compiled
    """wl[b, jj], wh[b, jj] = signed low / high nibble of q_t[b0 + b, j0 + jj]."""
    for b in range(wl.shape[0]):
        row = q_t[b0 + b, j0:j0 + w]
        lo = wl[b]
        hi = wh[b]
        for jj in range(row.shape[0]):
            byte = np.int32(row[jj])
            lo[jj] = np.float32(((byte & 15) ^ 8) - 8)
            hi[jj] = np.float32(((byte >> 4) ^ 8) - 8)


@njit(cache=True, nogil=True, fastmath=True, boundscheck=False)
def _group_dot(part, xe, xo, wl, wh, w):  # pragma: no cover - compiled
    """part[jj] = sum over b of xe[b] * wl[b, jj] + xo[b] * wh[b, jj] (exact for qd8)."""
    part = part[:w]
    part[:] = 0.0
    for b in range(wl.shape[0]):
        xeb = xe[b]
        xob = xo[b]
        lo = wl[b, :w]
        hi = wh[b, :w]
        for jj in range(part.shape[0]):
            part[jj] += xeb * lo[jj] + xob * hi[jj]


@njit(cache=True, nogil=True, boundscheck=False)
def _combine(acc, part, s_row, w):  # pragma: no cover - compiled
    """acc = acc + part * s (two roundings, no FMA), elementwise."""
    acc = acc[:w]
    for jj in range(acc.shape[0]):
        prod = part[jj] * s_row[jj]
        acc[jj] = acc[jj] + prod


@njit(parallel=True, cache=True, nogil=True)
def _gemm(xe, xo, sx, q_t, s_t, group, bias, has_bias, qd8, chunk, out):  # pragma: no cover
    m = xe.shape[0]
    ngroups, n = s_t.shape
    half = group // 2
    nchunks = (n + chunk - 1) // chunk
    for c in prange(nchunks):
        c0 = c * chunk
        c1 = min(n, c0 + chunk)
        wl = np.empty((half, SUB), dtype=np.float32)
        wh = np.empty((half, SUB), dtype=np.float32)
        part = np.empty(SUB, dtype=np.float32)
        acc = np.zeros((m, c1 - c0), dtype=np.float32)
        for g in range(ngroups):
            for j0 in range(c0, c1, SUB):
                w = min(SUB, c1 - j0)
                _decode(wl, wh, q_t, g * half, j0, w)
                s_row = s_t[g, j0:j0 + w]
                for i in range(m):
                    _group_dot(part, xe[i, g * half:(g + 1) * half],
                               xo[i, g * half:(g + 1) * half], wl, wh, w)
                    _combine(acc[i, j0 - c0:], part, s_row, w)
        for i in range(m):
            for jj in range(c1 - c0):
                y = acc[i, jj] * sx[i] if qd8 else acc[i, jj]
                out[i, c0 + jj] = y + bias[c0 + jj] if has_bias else y


@njit(cache=True, nogil=True, fastmath=True, boundscheck=False)
def _fused_dot(part, xe, xo, q_t, b0, b1, j0, j1):  # pragma: no cover - compiled
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
def _combine_all(acc, part, s_row):  # pragma: no cover - compiled
    """acc = acc + part * s over the whole chunk (two roundings, no FMA)."""
    for j in range(acc.shape[0]):
        prod = part[j] * s_row[j]
        acc[j] = acc[j] + prod


@njit(parallel=True, cache=True, nogil=True)
def _gemv(xe, xo, sx, q_t, s_t, group, bias, has_bias, qd8, chunk, out):  # pragma: no cover
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
                _fused_dot(part, xe[i], xo[i], q_t, g * half, (g + 1) * half, j0, j1)
                _combine_all(acc, part, s_t[g, j0:j1])
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
    kernel = _gemv if x.shape[0] == 1 else _gemm  # fused decode for one row
    kernel(xe, xo, sx, wp.reshape(k // 2, n), sp.reshape(k // group, n), group,
           bias if has_bias else sp, has_bias, qd8, chunk, out)


def gemm_f32(params, x, wp, sp, bias, out, group, threads):
    """Same contract as the native driver; wp/sp in the K-major layout."""
    _run(x, np.ones(x.shape[0], np.float32), wp, sp, bias, out, group, threads, False)


def gemm_qd8(params, x, wp, sp, bias, out, group, threads):
    """Same contract (and bit-identical results) as the native qd8 driver."""
    xq, _, sx = quantize_rows(x, group)
    _run(xq.astype(np.float32), sx, wp, sp, bias, out, group, threads, True)

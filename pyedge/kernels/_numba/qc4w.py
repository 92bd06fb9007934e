"""Numba twin of the grouped-INT4 GEMM (canonical layout; qd8 numerics bit-exact with C)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True, fastmath=True)
def _f32(x, q, s, group, bias, has_bias, out):  # pragma: no cover - compiled
    m, k = x.shape
    n = q.shape[0]
    ngroups = k // group
    half = group // 2
    for j in prange(n):
        for i in range(m):
            acc = np.float32(0.0)
            for g in range(ngroups):
                part = np.float32(0.0)
                for b in range(half):
                    byte = np.int32(q[j, g * half + b])
                    lo = ((byte & 15) ^ 8) - 8
                    hi = ((byte >> 4) ^ 8) - 8
                    kk = g * group + 2 * b
                    part += x[i, kk] * np.float32(lo) + x[i, kk + 1] * np.float32(hi)
                acc += part * s[j, g]
            out[i, j] = acc + bias[j] if has_bias else acc


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


@njit(parallel=True, cache=True, nogil=True)
def _qd8(xq, sx, q, s, group, bias, has_bias, out):  # pragma: no cover - compiled
    m, k = xq.shape
    n = q.shape[0]
    ngroups = k // group
    half = group // 2
    for j in prange(n):
        for i in range(m):
            acc = np.float32(0.0)
            for g in range(ngroups):
                dot = np.int32(0)
                for b in range(half):
                    byte = np.int32(q[j, g * half + b])
                    lo = ((byte & 15) ^ 8) - 8
                    hi = ((byte >> 4) ^ 8) - 8
                    kk = g * group + 2 * b
                    dot += np.int32(xq[i, kk]) * lo + np.int32(xq[i, kk + 1]) * hi
                prod = np.float32(dot) * s[j, g]
                acc = np.float32(acc + prod)
            y = acc * sx[i]
            out[i, j] = y + bias[j] if has_bias else y


def _setup(threads):
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


def gemm_f32(params, x, wp, sp, bias, out, group, threads):
    """Same contract as the native driver; wp/sp are the canonical nibbles and f32 scales."""
    _setup(threads)
    n, k = out.shape[1], x.shape[1]
    has_bias = bias is not None
    _f32(x, wp.reshape(n, k // 2), sp.reshape(n, k // group), group,
         bias if has_bias else sp, has_bias, out)


def gemm_qd8(params, x, wp, sp, bias, out, group, threads):
    """Same contract (and bit-identical results) as the native qd8 driver."""
    _setup(threads)
    n, k = out.shape[1], x.shape[1]
    xq, _, sx = quantize_rows(x, group)
    has_bias = bias is not None
    _qd8(xq, sx, wp.reshape(n, k // 2), sp.reshape(n, k // group), group,
         bias if has_bias else sp, has_bias, out)

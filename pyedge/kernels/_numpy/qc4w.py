"""NumPy backend of the grouped-INT4 GEMM (canonical layout)."""

import numpy as np


def _values(wp, n, k):
    q = wp.reshape(n, k // 2)
    v = np.empty((n, k), dtype=np.int8)
    v[:, 0::2] = (q << np.uint8(4)).view(np.int8) >> 4
    v[:, 1::2] = q.view(np.int8) >> 4
    return v


def gemm_f32(params, x, wp, sp, bias, out, group, threads):
    """Dequantize to float32 and use BLAS (the NumPy fallback, not a lookup-table kernel)."""
    n, k = out.shape[1], x.shape[1]
    s = np.repeat(sp.reshape(n, k // group), group, axis=1)
    np.matmul(x, (_values(wp, n, k) * s).T, out=out)
    if bias is not None:
        out += bias


def quantize_rows(x, group):
    """Per-row int8 quantization of qc4w-gemm.h: returns (xq, xsum, sx)."""
    amax = np.abs(x).max(axis=1)
    safe = np.where(amax > 0, amax, np.float32(1))
    inv = np.where(amax > 0, np.float32(127) / safe, np.float32(0)).astype(np.float32)
    sx = (amax / np.float32(127)).astype(np.float32)
    xq = np.clip(np.rint(x * inv[:, None]), -127, 127).astype(np.int8)
    m, k = x.shape
    xsum = xq.reshape(m, k // group, group).sum(axis=2, dtype=np.int32)
    return xq, xsum, sx


def gemm_qd8(params, x, wp, sp, bias, out, group, threads):
    """Exact integer group dots through float64 BLAS (|dot| < 2**53), then the fixed float32
    accumulation over groups of the native kernels."""
    m, k = x.shape
    n = out.shape[1]
    ng = k // group
    xq, _, sx = quantize_rows(x, group)
    xg = xq.astype(np.float64).reshape(m, ng, group).transpose(1, 0, 2)  # [G, M, g]
    wg = _values(wp, n, k).astype(np.float64).reshape(n, ng, group).transpose(1, 2, 0)
    dots = np.matmul(xg, wg).astype(np.int32)  # [G, M, N]
    s = sp.reshape(n, ng)
    acc = np.zeros((m, n), dtype=np.float32)
    for g in range(ng):
        acc = acc + dots[g].astype(np.float32) * s[:, g]
    np.multiply(acc, sx[:, None], out=out)
    if bias is not None:
        out += bias

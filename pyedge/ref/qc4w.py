"""Oracles of the grouped-INT4 GEMM: float64 products (f32 path) and the exact qd8 sequence."""

import numpy as np

from pyedge.tensors import Int4Grouped


def int4_values(w: Int4Grouped) -> np.ndarray:
    """Signed values [N, K] as int64, decoded nibble by nibble (no shared code with kernels)."""
    n, k = w.shape
    out = np.zeros((n, k), dtype=np.int64)
    for kk in range(k):
        byte = w.q[:, kk // 2].astype(np.int64)
        nib = (byte >> (4 * (kk % 2))) & 15
        out[:, kk] = np.where(nib >= 8, nib - 16, nib)
    return out


def gemm_qc4w_f32(x: np.ndarray, w: Int4Grouped, bias=None) -> np.ndarray:
    """``x @ dequant(w).T + bias`` in float64."""
    s = np.repeat(w.scale.astype(np.float64), w.group_size, axis=1)
    y = x.astype(np.float64) @ (int4_values(w) * s).T
    return y if bias is None else y + bias


def quantize_rows(x: np.ndarray):
    """Per-row symmetric int8: (xq int64 [M, K], sx float32 [M]) as qc4w-gemm.h defines."""
    m = x.shape[0]
    xq = np.zeros(x.shape, dtype=np.int64)
    sx = np.zeros(m, dtype=np.float32)
    for i in range(m):
        amax = np.float32(np.max(np.abs(x[i])))
        if amax == 0:
            continue
        sx[i] = amax / np.float32(127)
        inv = np.float32(127) / amax
        prod = (x[i] * inv).astype(np.float32)  # one float32 multiply
        xq[i] = np.clip(np.rint(prod.astype(np.float64)), -127, 127).astype(np.int64)
    return xq, sx


def gemm_qc4w_qd8(x: np.ndarray, w: Int4Grouped, bias=None) -> np.ndarray:
    """The exact qd8 result: int64 group dots, float32 group sum in order, row scale, bias."""
    xq, sx = quantize_rows(x)
    q = int4_values(w)
    s = w.scale.astype(np.float32)
    g = w.group_size
    m, n = x.shape[0], w.shape[0]
    acc = np.zeros((m, n), dtype=np.float32)
    for gi in range(w.shape[1] // g):
        dot = xq[:, gi * g:(gi + 1) * g] @ q[:, gi * g:(gi + 1) * g].T  # exact int64
        acc = (acc + (dot.astype(np.float32) * s[:, gi]).astype(np.float32)).astype(np.float32)
    y = (acc * sx[:, None]).astype(np.float32)
    if bias is not None:
        y = (y + np.asarray(bias, dtype=np.float32)).astype(np.float32)
    return y

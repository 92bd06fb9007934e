"""Oracle of the codebook GEMM: decode every index bit by bit, float64 products."""

import numpy as np

from pyedge.tensors import Codebook


def lut_indices(w: Codebook) -> np.ndarray:
    """Indices [N, K] read from the little-endian bitstream one bit at a time."""
    n, k = w.shape
    idx = np.zeros((n, k), dtype=np.int64)
    for kk in range(k):
        for b in range(w.bits):
            bit = kk * w.bits + b
            idx[:, kk] |= ((w.indices[:, bit // 8].astype(np.int64) >> (bit % 8)) & 1) << b
    return idx


def gemm_lut(x: np.ndarray, w: Codebook, bias=None) -> np.ndarray:
    """``x @ levels[idx].T + bias`` in float64."""
    table = np.broadcast_to(w.levels, (w.shape[0], w.levels.shape[1])).astype(np.float64)
    wf = np.take_along_axis(table, lut_indices(w), axis=1)
    y = x.astype(np.float64) @ wf.T
    return y if bias is None else y + bias

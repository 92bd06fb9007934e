"""Stand-ins used until the quant/prune branches land (replaced by their functions then)."""

from __future__ import annotations

import numpy as np

from pyedge.tensors import Codebook, Int4Grouped


def int8_per_channel(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8: ``(q [N, K] in [-127, 127], scale float32 [N])``."""
    amax = np.abs(w).max(axis=1)
    scale = np.where(amax > 0, amax / 127, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def int4_grouped(w: np.ndarray, group_size: int) -> Int4Grouped:
    return Int4Grouped.from_float(w, group_size)


def codebook(w: np.ndarray, bits: int, per: str) -> tuple[Codebook, dict]:
    return Codebook.from_float(w, bits, per_channel=per == "channel"), {}


def magnitude_mask(w: np.ndarray, sparsity: float) -> np.ndarray:
    k = int(round(sparsity * w.shape[1]))
    order = np.argsort(np.abs(w), axis=1, kind="stable")
    mask = np.ones(w.shape, bool)
    np.put_along_axis(mask, order[:, :k], False, axis=1)
    return mask


class MinMax:
    """Running min/max of activations -> uint8 (scale, zero_point) covering [min(0,lo), hi]."""

    def __init__(self):
        self.lo, self.hi = np.inf, -np.inf

    def update(self, x: np.ndarray) -> None:
        self.lo, self.hi = min(self.lo, float(x.min())), max(self.hi, float(x.max()))

    def qparams(self, dtype: str = "uint8") -> tuple[float, int]:
        lo, hi = min(self.lo, 0.0), max(self.hi, 0.0)
        scale = (hi - lo) / 255 if hi > lo else 1.0
        return float(np.float32(scale)), int(np.clip(np.rint(-lo / scale), 0, 255))

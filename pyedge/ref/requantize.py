"""Oracle of DESIGN.md's requantization: one float32 multiply, round half to even, clamp."""

import numpy as np


def requantize(acc: np.ndarray, multiplier: np.ndarray, zero_point: int, qmin: int,
               qmax: int, dtype) -> np.ndarray:
    """``clamp(round_half_even(float32(acc) * float32(m)) + zp, qmin, qmax)`` computed in int64."""
    prod = acc.astype(np.float32) * np.asarray(multiplier, dtype=np.float32)  # one rounding
    q = np.rint(prod.astype(np.float64)).astype(np.int64) + zero_point
    return np.clip(q, qmin, qmax).astype(dtype)

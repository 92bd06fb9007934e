"""Oracle of the per-channel 8-bit lookup: one table row per channel, indexed by the byte."""

import numpy as np


def lut_channels(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``out[..., c] = table[c or 0, byte of x[..., c]]`` by explicit per-channel indexing."""
    codes = x.view(np.uint8).astype(np.int64)
    out = np.empty(x.shape, dtype=table.dtype)
    for c in range(x.shape[-1]):
        row = table[c if table.shape[0] > 1 else 0]
        out[..., c] = row[codes[..., c]]
    return out

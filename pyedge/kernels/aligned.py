"""64-byte aligned NumPy allocation for packed weight buffers."""

import numpy as np


def aligned_empty(count: int, dtype, alignment: int = 64) -> np.ndarray:
    """Return an uninitialised 1-D array of ``count`` elements starting on an aligned address."""
    dtype = np.dtype(dtype)
    raw = np.empty(count * dtype.itemsize + alignment, dtype=np.uint8)
    offset = (-raw.ctypes.data) % alignment
    return raw[offset:offset + count * dtype.itemsize].view(dtype)

"""Oracle of the INT8 GEMM: int64 accumulation of (a - zp) * w, then the requested epilogue."""

import numpy as np

from pyedge.ref.requantize import requantize


def qgemm(a: np.ndarray, a_zero_point: int, w: np.ndarray, bias=None, multiplier=None,
          out_zero_point: int = 0, out_dtype=np.int32, clamp=None) -> np.ndarray:
    """Reference for ``pyedge.kernels.qgemm`` taking the unpacked int8 weights ``w[N, K]``."""
    acc = np.zeros((a.shape[0], w.shape[0]), dtype=np.int64)
    a64 = a.astype(np.int64) - a_zero_point
    w64 = w.astype(np.int64)
    for kk in range(a.shape[1]):  # naive rank-1 updates, exact in int64
        acc += np.outer(a64[:, kk], w64[:, kk])
    if bias is not None:
        acc += np.asarray(bias, dtype=np.int64)
    odt = np.dtype(out_dtype)
    if odt == np.int32:
        return acc.astype(np.int32)
    mult = np.broadcast_to(np.asarray(multiplier, dtype=np.float32), (w.shape[0],))
    if odt == np.float32:
        y = acc.astype(np.float32) * mult
        if clamp is not None:
            y = np.minimum(np.maximum(y, np.float32(clamp[0])), np.float32(clamp[1]))
        return y
    info = np.iinfo(odt)
    lo, hi = (info.min, info.max) if clamp is None else clamp
    return requantize(acc, mult, out_zero_point, lo, hi, odt)

"""NumPy backend of the integer sparse matmul: exact integer products through float64 BLAS."""

import numpy as np


def run(params, transposed, w, x, zp, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out,
        threads):
    """Same contract as the native driver; |sum| <= 255 * 127 * K < 2**53 is exact in float64."""
    r, c = w.block
    n, k = w.shape
    dense = np.zeros((n // r, r, k // c, c), dtype=np.float64)
    brow = np.repeat(np.arange(n // r), np.diff(w.indptr.astype(np.int64)))
    dense[brow, :, w.indices.astype(np.int64), :] = w.values.reshape(-1, r, c)
    dense = dense.reshape(n, k)  # [N/r, r, K/c, c] -> [N, K]
    xf = x.astype(np.float64)
    acc = (xf @ dense.T if transposed else (dense @ xf).T).astype(np.int64)  # [B, N]
    acc -= np.int64(zp) * wsum
    if bias is not None:
        acc += bias
    acc = acc.astype(np.int32)
    res = out if transposed else out.T  # view [B, N] of the output
    if kind == 0:
        res[...] = acc
        return
    y = acc.astype(np.float32) * mult  # float32 x float32, one rounding
    if kind == 3:
        np.clip(y, fmin, fmax, out=res)
    else:
        y = np.clip(y, np.float32(qmin - ozp), np.float32(qmax - ozp))
        res[...] = np.rint(y).astype(np.int32) + ozp

"""NumPy backend of the INT8 GEMM: exact integer products through float64 BLAS."""

import numpy as np


def gemm(params, a, zp, w, wsum, bias, mult, kind, ozp, qmin, qmax, fmin, fmax, out, threads):
    """Same contract as the native driver; ``w`` is the canonical int8 [N, K] array.

    |sum| <= 255 * 127 * K < 2**53, so float64 products and sums are exact integers.
    """
    acc = (a.astype(np.float64) @ w.T.astype(np.float64)).astype(np.int64)  # [M, N]
    acc -= np.int64(zp) * wsum
    if bias is not None:
        acc += bias
    acc = acc.astype(np.int32)
    if kind == 0:
        out[...] = acc
        return
    x = acc.astype(np.float32) * mult  # float32 x float32, one rounding
    if kind == 3:
        np.clip(x, fmin, fmax, out=out)
    else:
        x = np.clip(x, np.float32(qmin - ozp), np.float32(qmax - ozp))
        out[...] = np.rint(x).astype(np.int32) + ozp

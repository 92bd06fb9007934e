"""NumPy backend of the float32 GEMM: BLAS matmul, then bias and clamp in place."""

import numpy as np


def gemm(params, a, w, bias, out, lo, hi, threads):
    """Same contract as the native driver; ``w`` is the canonical float32 [N, K] array."""
    np.matmul(a, w.T, out=out)
    if bias is not None:
        out += bias
    np.clip(out, lo, hi, out=out)

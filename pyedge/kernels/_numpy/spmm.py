"""NumPy backend of the float32 sparse matmul: expand to dense, then BLAS."""

import numpy as np


def run(params, transposed, w, x, bias, lo, hi, out, threads):
    """Same contract as the native driver (validated arguments, out preallocated)."""
    dense = w.to_dense()  # [N, K]
    if transposed:
        np.matmul(x, dense.T, out=out)
        if bias is not None:
            out += bias
    else:
        np.matmul(dense, x, out=out)
        if bias is not None:
            out += bias[:, None]
    np.clip(out, lo, hi, out=out)

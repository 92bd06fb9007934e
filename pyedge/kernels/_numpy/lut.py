"""NumPy backend of the codebook GEMM (canonical bitstream; decodes, then BLAS)."""

import numpy as np


def gemm(params, x, wp, levels, bias, out, bits, threads):
    """Same contract as the native driver; ``wp`` is the canonical packed bitstream."""
    n, k = out.shape[1], x.shape[1]
    stream = np.unpackbits(wp.reshape(n, -1), axis=1, bitorder="little")[:, :k * bits]
    idx = (stream.reshape(n, k, bits) << np.arange(bits, dtype=np.uint8)).sum(
        axis=2, dtype=np.uint8)  # [N, K]
    np.matmul(x, np.take_along_axis(levels[:n], idx.astype(np.intp), axis=1).T, out=out)
    if bias is not None:
        out += bias

"""Depthwise convolution backward in one pass over the output (Numba, compiled on first use).

NumPy needs a padded copy, a strided multiply and a scatter-add per kernel tap; this loop
nest reads each output gradient once, skips taps that fall in the zero padding, and updates
both the input and the weight gradients. Samples run in parallel (``config`` threads); the
weight gradient is summed per sample in float64, then over samples in order, so the result
does not depend on the thread count.
"""

from __future__ import annotations

import functools

import numpy as np

from pyedge import config


@functools.cache
def _kernel():
    import numba

    @numba.njit(cache=True, nogil=True, parallel=True)
    def run(x, gz, wd, sh, sw, dh, dw, pt, pl, want_x, want_w, gx, gwd):
        n, oh, ow, c = gz.shape
        ih, iw = x.shape[1], x.shape[2]
        kh, kw = wd.shape[0], wd.shape[1]
        for b in numba.prange(n):  # samples are independent; gwd[b] is this sample's part
            for oy in range(oh):
                for ky in range(kh):
                    iy = oy * sh + ky * dh - pt
                    if iy < 0 or iy >= ih:
                        continue
                    for ox in range(ow):
                        for kx in range(kw):
                            ix = ox * sw + kx * dw - pl
                            if ix < 0 or ix >= iw:
                                continue
                            if want_w:
                                for ch in range(c):
                                    gwd[b, ky, kx, ch] += gz[b, oy, ox, ch] * x[b, iy, ix, ch]
                            if want_x:
                                for ch in range(c):
                                    gx[b, iy, ix, ch] += gz[b, oy, ox, ch] * wd[ky, kx, ch]

    return run


def depthwise_backward(x: np.ndarray, gz: np.ndarray, wd: np.ndarray, stride: tuple,
                       dilation: tuple, pads: tuple, want_x: bool, want_w: bool
                       ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(gradient of the input [N, H, W, C], gradient of wd [KH, KW, C]).

    ``x`` is the (unpadded) input with channels already repeated for a multiplier, ``gz`` the
    output gradient [N, OH, OW, C] after the activation, ``wd`` the weights [KH, KW, C],
    ``pads`` the (top, left) zero padding.
    """
    import numba

    gx = np.zeros(x.shape if want_x else (1, 1, 1, 1), gz.dtype)
    gwd = np.zeros((gz.shape[0],) + wd.shape if want_w else (1, 1, 1, 1), np.float64)
    numba.set_num_threads(min(config.get_num_threads(), numba.config.NUMBA_NUM_THREADS))
    _kernel()(np.ascontiguousarray(x), np.ascontiguousarray(gz), np.ascontiguousarray(wd),
              stride[0], stride[1], dilation[0], dilation[1], pads[0], pads[1], want_x, want_w,
              gx, gwd)
    # per-sample parts summed in sample order: the same result for any thread count
    return (gx if want_x else None), (gwd.sum(axis=0).astype(gz.dtype) if want_w else None)

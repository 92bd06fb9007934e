"""Numba twin of the native float32 depthwise convolution (same contract, rows in parallel)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _rows(x, w, bias, out, kh, kw, sh, sw, dh, dw, pt, pl, fmin, fmax, oy0):  # pragma: no cover
    n, ih, iw, c = x.shape
    nrows, ow = out.shape[1], out.shape[2]
    for unit in prange(n * nrows):
        img = unit // nrows
        r = unit - img * nrows
        for ox in range(ow):
            acc = bias.copy()
            for ky in range(kh):
                iy = (oy0 + r) * sh + ky * dh - pt
                if iy < 0 or iy >= ih:
                    continue
                for kx in range(kw):
                    ix = ox * sw + kx * dw - pl
                    if ix < 0 or ix >= iw:
                        continue
                    for ch in range(c):
                        acc[ch] += x[img, iy, ix, ch] * w[ky * kw + kx, ch]
            for ch in range(c):
                out[img, r, ox, ch] = min(max(acc[ch], fmin), fmax)


def dwconv(params, x, w, bias, out, sh, sw, dh, dw, pt, pl, fmin, fmax, oy0, group, threads):
    """Same contract as the native driver (``w`` is [KH, KW, C]; group unused)."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    kh, kw = w.shape[0], w.shape[1]
    _rows(x, w.reshape(kh * kw, x.shape[3]), bias, out, kh, kw, sh, sw, dh, dw, pt, pl,
          np.float32(fmin), np.float32(fmax), oy0)

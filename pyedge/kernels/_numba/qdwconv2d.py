"""Numba twin of the native 8-bit depthwise convolution (same contract and numerics)."""

import numba
import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def _rows(x, xor_in, zp, w, wsum, bias, has_bias, mult, ozp, qmin, qmax, out, sh, sw, dh, dw,
          pt, pl, oy0):  # pragma: no cover - compiled
    n, ih, iw, c = x.shape
    kh, kw = w.shape[0], w.shape[1]
    oh, ow = out.shape[1], out.shape[2]
    lo = np.float32(qmin - ozp)
    hi = np.float32(qmax - ozp)
    for unit in prange(n * oh):
        img = unit // oh
        r = unit - img * oh
        oy = oy0 + r
        for ox in range(ow):
            for ch in range(c):
                acc = np.int32(0)
                for ky in range(kh):
                    iy = oy * sh + ky * dh - pt
                    for kx in range(kw):
                        ix = ox * sw + kx * dw - pl
                        if iy < 0 or iy >= ih or ix < 0 or ix >= iw:
                            xv = np.int32(zp)
                        else:
                            xv = np.int32(x[img, iy, ix, ch] ^ xor_in)
                        acc += xv * np.int32(w[ky, kx, ch])
                acc -= np.int32(zp) * wsum[ch]
                if has_bias:
                    acc += bias[ch]
                y = np.float32(acc) * mult[ch]
                y = min(max(y, lo), hi)
                out[img, r, ox, ch] = np.int32(np.rint(y)) + ozp


def dwconv(params, x, xor_in, zp, w, kh, kw, wsum, bias, mult, out_kind, ozp, qmin, qmax, out,
           sh, sw, dh, dw, pt, pl, oy0, group, threads):
    """Same contract as the native driver (canonical weights; group unused)."""
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    has_bias = bias is not None
    _rows(x, np.uint8(xor_in), zp, w, wsum, bias if has_bias else wsum, has_bias, mult, ozp,
          qmin, qmax, out, sh, sw, dh, dw, pt, pl, oy0)

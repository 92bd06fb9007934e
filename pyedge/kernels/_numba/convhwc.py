"""Numba twin of the direct 3x3 stride-2 stem convolution (f32-conv-hwc.h): same packed
weights, same float32 sum order (bias, then taps in ky, kx, ci order)."""

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def conv_hwc(x, w, bias, out, pt, pl, fmin, fmax, num_threads):
    n, ih, iw, cin = x.shape
    _, oh, ow, cout = out.shape
    npass = bias.shape[0] // 32
    wp = w.reshape(npass, 3, 3, cin, 32)
    acc = np.empty(32, np.float32)
    for img in range(n):
        for oy in range(oh):
            for ox in range(ow):
                for p in range(npass):
                    acc[:] = bias[p * 32:(p + 1) * 32]
                    for ky in range(3):
                        iy = 2 * oy + ky - pt
                        if iy < 0 or iy >= ih:
                            continue
                        for kx in range(3):
                            ix = 2 * ox + kx - pl
                            if ix < 0 or ix >= iw:
                                continue
                            for ci in range(cin):
                                v = x[img, iy, ix, ci]
                                for j in range(32):
                                    acc[j] += v * wp[p, ky, kx, ci, j]
                    for j in range(min(32, cout - p * 32)):
                        out[img, oy, ox, p * 32 + j] = min(max(acc[j], fmin), fmax)

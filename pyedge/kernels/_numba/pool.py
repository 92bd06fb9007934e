"""Numba twins of the pooling kernels: loops over output pixels, real taps only (averages
in float64, exact for integer sums, rounded half to even for uint8)."""

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def maxpool(x, out, kh, kw, sh, sw, pt, pl, include_pad, num_threads):
    n, ih, iw, c = x.shape
    for img in range(n):
        for oy in range(out.shape[1]):
            y0 = oy * sh - pt
            for ox in range(out.shape[2]):
                x0 = ox * sw - pl
                first = True
                for y in range(max(y0, 0), min(y0 + kh, ih)):
                    for xx in range(max(x0, 0), min(x0 + kw, iw)):
                        for ch in range(c):
                            v = x[img, y, xx, ch]
                            if first or v > out[img, oy, ox, ch]:
                                out[img, oy, ox, ch] = v
                        first = False


def avgpool(x, out, kh, kw, sh, sw, pt, pl, include_pad, num_threads):
    mean = np.empty(out.shape, np.float64)
    _mean(x, mean, kh, kw, sh, sw, pt, pl, include_pad)
    out[...] = mean if out.dtype == np.float32 else np.rint(mean)


@nb.njit(cache=True, nogil=True)
def _mean(x, out, kh, kw, sh, sw, pt, pl, include_pad):
    n, ih, iw, c = x.shape
    acc = np.zeros(c, np.float64)  # exact for integer sums < 2**53
    for img in range(n):
        for oy in range(out.shape[1]):
            y0 = oy * sh - pt
            for ox in range(out.shape[2]):
                x0 = ox * sw - pl
                acc[:] = 0
                count = 0
                for y in range(max(y0, 0), min(y0 + kh, ih)):
                    for xx in range(max(x0, 0), min(x0 + kw, iw)):
                        count += 1
                        for ch in range(c):
                            acc[ch] += x[img, y, xx, ch]
                if include_pad:
                    count = kh * kw
                for ch in range(c):
                    out[img, oy, ox, ch] = acc[ch] / count

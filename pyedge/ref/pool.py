"""Oracles of pooling and 8-bit element-wise ops: plain loops over output elements."""

import math

import numpy as np


def pool2d(x, kind, kernel, stride, pads, count_include_pad=False):
    """Max / average pooling, one window at a time (pads = top, left, bottom, right)."""
    n, h, w, c = x.shape
    kh, kw = kernel
    sh, sw = stride
    pt, pl, pb, pr = pads
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    out = np.zeros((n, oh, ow, c), dtype=x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * sh - pt, ox * sw - pl
            ys = range(max(y0, 0), min(y0 + kh, h))
            xs = range(max(x0, 0), min(x0 + kw, w))
            win = x[:, ys.start:ys.stop, xs.start:xs.stop].reshape(n, -1, c)
            if kind == "max":
                out[:, oy, ox] = win.max(axis=1)
            else:
                total = win.astype(np.float64).sum(axis=1)
                count = kh * kw if count_include_pad else len(ys) * len(xs)
                avg = total / count
                out[:, oy, ox] = avg if x.dtype == np.float32 else np.rint(avg)
    return out


def add_q(a, sa, za, b, sb, zb, so, zo, lo, hi):
    """Quantized add per element with Python floats rounded to float32 at each step."""
    ma, mb = np.float32(sa / so), np.float32(sb / so)
    out = np.empty(a.shape, dtype=np.int64)
    for idx in np.ndindex(a.shape):
        ya = np.float32(np.float32(int(a[idx]) - za) * ma)
        yb = np.float32(np.float32(int(b[idx]) - zb) * mb)
        y = float(np.float32(ya + yb))
        q = math.floor(y + 0.5)
        if q - y == 0.5 and q % 2:  # tie: round half to even
            q -= 1
        out[idx] = min(max(q + zo, lo), hi)
    return out

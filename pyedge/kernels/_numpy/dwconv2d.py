"""NumPy backend of the float32 depthwise convolution: one strided slice per kernel tap."""

import numpy as np


def dwconv(params, x, w, bias, out, sh, sw, dh, dw, pt, pl, fmin, fmax, oy0, group, threads):
    """Same contract as the native driver (``w`` is [KH, KW, C]; group unused)."""
    n, ih, iw, c = x.shape
    nrows, ow = out.shape[1], out.shape[2]
    kh, kw = w.shape[0], w.shape[1]
    need_h = (oy0 + nrows - 1) * sh + (kh - 1) * dh + 1
    need_w = (ow - 1) * sw + (kw - 1) * dw + 1
    xp = np.zeros((n, max(need_h, pt + ih), max(need_w, pl + iw), c), dtype=np.float32)
    xp[:, pt:pt + ih, pl:pl + iw] = x  # zero-padded [N, H + pads, W + pads, C]
    acc = np.broadcast_to(bias, out.shape).copy()
    for ky in range(kh):
        y0 = oy0 * sh + ky * dh
        for kx in range(kw):
            x0 = kx * dw
            acc += xp[:, y0:y0 + (nrows - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw] * w[ky, kx]
    np.clip(acc, fmin, fmax, out=out)

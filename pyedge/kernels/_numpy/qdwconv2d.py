"""NumPy backend of the 8-bit depthwise convolution: int32 sums of strided tap slices."""

import numpy as np


def dwconv(params, x, xor_in, zp, w, kh, kw, wsum, bias, mult, out_kind, ozp, qmin, qmax, out,
           sh, sw, dh, dw, pt, pl, oy0, group, threads):
    """Same contract as the native driver (canonical weights; group unused)."""
    n, ih, iw, c = x.shape
    kh, kw = w.shape[0], w.shape[1]
    oh, ow = out.shape[1], out.shape[2]
    hp = max((oy0 + oh - 1) * sh + (kh - 1) * dh + 1, pt + ih)
    wp = max((ow - 1) * sw + (kw - 1) * dw + 1, pl + iw)
    xp = np.full((n, hp, wp, c), zp, dtype=np.int32)
    xp[:, pt:pt + ih, pl:pl + iw] = x ^ np.uint8(xor_in)  # zp-padded [N, H', W', C]
    xp -= zp
    acc = np.zeros(out.shape, dtype=np.int32)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = oy0 * sh + ky * dh, kx * dw
            acc += xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw] * w[ky, kx]
    if bias is not None:
        acc += bias
    y = np.clip(acc.astype(np.float32) * mult, np.float32(qmin - ozp), np.float32(qmax - ozp))
    out[...] = np.rint(y).astype(np.int32) + ozp

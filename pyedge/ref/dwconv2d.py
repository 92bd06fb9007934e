"""Oracle of depthwise convolution (float32 and 8-bit): float64 / int64 loops over every tap."""

import numpy as np

from pyedge.ref.requantize import requantize


def _taps(x, kh, kw, stride, pads, dilation, pad_value):
    """Yield (ky, kx, window[N, OH, OW, C]) of the padded input for every kernel tap."""
    sh, sw = stride
    dh, dw = dilation
    pt, pl, pb, pr = pads
    n, ih, iw, c = x.shape
    xp = np.full((n, ih + pt + pb, iw + pl + pr, c), pad_value, dtype=x.dtype)
    xp[:, pt:pt + ih, pl:pl + iw] = x
    oh = (ih + pt + pb - (kh - 1) * dh - 1) // sh + 1
    ow = (iw + pl + pr - (kw - 1) * dw - 1) // sw + 1
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            yield ky, kx, xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw]


def depthwise_conv2d(x, w, bias=None, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1),
                     fmin=-np.inf, fmax=np.inf):
    """Float reference: w[KH, KW, C*m]; accumulates in float64, rounds once to float32."""
    kh, kw, cm = w.shape
    x = np.repeat(x, cm // x.shape[3], axis=3)
    acc = None
    for ky, kx, win in _taps(x, kh, kw, stride, pads, dilation, 0.0):
        term = win.astype(np.float64) * w[ky, kx].astype(np.float64)
        acc = term if acc is None else acc + term
    if bias is not None:
        acc = acc + np.asarray(bias, dtype=np.float64)
    return np.clip(acc, fmin, fmax).astype(np.float32)


def depthwise_conv2d_q(x, x_zero_point, w, bias, multiplier, out_zero_point, out_dtype,
                       stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1), clamp=None):
    """8-bit reference: int64 sum of (x - zp) * w over taps, + bias, then requantization."""
    kh, kw, c = w.shape
    acc = None
    for ky, kx, win in _taps(x.astype(np.int64), kh, kw, stride, pads, dilation, x_zero_point):
        term = (win - x_zero_point) * w[ky, kx].astype(np.int64)
        acc = term if acc is None else acc + term
    if bias is not None:
        acc = acc + np.asarray(bias, dtype=np.int64)
    odt = np.dtype(out_dtype)
    info = np.iinfo(odt)
    lo, hi = (info.min, info.max) if clamp is None else clamp
    mult = np.broadcast_to(np.asarray(multiplier, dtype=np.float32), (c,))
    return requantize(acc, mult, out_zero_point, lo, hi, odt)

"""Oracle of standard convolution (float and 8-bit, any groups): per-tap products, wide sums."""

import numpy as np

from pyedge.ref.requantize import requantize


def _acc(x, w, stride, pads, dilation, groups, pad_value, dtype):
    """sum over taps and input channels of window * w, per group, in ``dtype`` [N, OH, OW, Co]."""
    cout, kh, kw, cin_g = w.shape
    sh, sw = stride
    dh, dw = dilation
    pt, pl, pb, pr = pads
    n, ih, iw, c = x.shape
    xp = np.full((n, ih + pt + pb, iw + pl + pr, c), pad_value, dtype=dtype)
    xp[:, pt:pt + ih, pl:pl + iw] = x
    oh = (ih + pt + pb - (kh - 1) * dh - 1) // sh + 1
    ow = (iw + pl + pr - (kw - 1) * dw - 1) // sw + 1
    acc = np.zeros((n, oh, ow, cout), dtype=dtype)
    cg = cout // groups
    for gi in range(groups):
        wg = w[gi * cg:(gi + 1) * cg].astype(dtype)
        for ky in range(kh):
            for kx in range(kw):
                y0, x0 = ky * dh, kx * dw
                win = xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw,
                         gi * cin_g:(gi + 1) * cin_g]
                acc[..., gi * cg:(gi + 1) * cg] += np.einsum("nhwc,oc->nhwo", win,
                                                             wg[:, ky, kx])
    return acc


def conv2d(x, w, bias=None, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1), groups=1,
           fmin=-np.inf, fmax=np.inf):
    """Float reference, w[C_out, KH, KW, C_in / groups]; float64 sums, one final rounding."""
    acc = _acc(x.astype(np.float64), w, stride, pads, dilation, groups, 0.0, np.float64)
    if bias is not None:
        acc += np.asarray(bias, dtype=np.float64)
    return np.clip(acc, fmin, fmax).astype(np.float32)


def conv2d_q(x, x_zero_point, w, bias, multiplier, out_zero_point, out_dtype, stride=(1, 1),
             pads=(0, 0, 0, 0), dilation=(1, 1), groups=1, clamp=None):
    """8-bit reference: int64 sums of (x - zp) * w, + bias, then requantization."""
    xs = x.astype(np.int64) - x_zero_point
    acc = _acc(xs, w, stride, pads, dilation, groups, 0, np.int64)
    if bias is not None:
        acc += np.asarray(bias, dtype=np.int64)
    odt = np.dtype(out_dtype)
    info = np.iinfo(odt)
    lo, hi = (info.min, info.max) if clamp is None else clamp
    mult = np.broadcast_to(np.asarray(multiplier, dtype=np.float32), (w.shape[0],))
    return requantize(acc, mult, out_zero_point, lo, hi, odt)
